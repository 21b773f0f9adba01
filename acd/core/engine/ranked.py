"""A sorted list that also answers "how many are before this key" (a caller's position).

Keys live in buckets of at most ``2 * LOAD`` sorted keys; a short index of each bucket's
first key finds the bucket by bisection. Insert and remove cost O(log n + LOAD), rank
O(n / LOAD): about a microsecond at 10,000 callers, where a plain sorted Python list
would move the whole list on each insert.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from collections.abc import Iterator

CallKey = tuple[float, float, int]  # (-priority, entered_at, arrival sequence)

LOAD = 256


class RankedList:
    """``buckets`` may be read (not changed) by hot loops: buckets[0][0] is the first key."""

    def __init__(self) -> None:
        self.buckets: list[list[CallKey]] = []
        self._firsts: list[CallKey] = []
        self._size = 0

    def __len__(self) -> int:
        return self._size

    def __iter__(self) -> Iterator[CallKey]:
        for bucket in self.buckets:
            yield from bucket

    def add(self, key: CallKey) -> None:
        self._size += 1
        if not self.buckets:
            self.buckets.append([key])
            self._firsts.append(key)
            return
        index = max(bisect_right(self._firsts, key) - 1, 0)
        bucket = self.buckets[index]
        insort(bucket, key)
        self._firsts[index] = bucket[0]
        if len(bucket) > 2 * LOAD:
            self.buckets.insert(index + 1, bucket[LOAD:])
            del bucket[LOAD:]
            self._firsts.insert(index + 1, self.buckets[index + 1][0])

    def remove(self, key: CallKey) -> None:
        """Removes ``key``, which must be present."""
        index = max(bisect_right(self._firsts, key) - 1, 0)
        bucket = self.buckets[index]
        del bucket[bisect_left(bucket, key)]
        self._size -= 1
        if bucket:
            self._firsts[index] = bucket[0]
        else:
            del self.buckets[index]
            del self._firsts[index]

    def rank(self, key: CallKey) -> int:
        """How many keys are smaller than ``key``."""
        index = bisect_right(self._firsts, key) - 1
        if index < 0:
            return 0
        before = sum(len(bucket) for bucket in self.buckets[:index])
        return before + bisect_left(self.buckets[index], key)

    def first(self) -> CallKey | None:
        return self.buckets[0][0] if self.buckets else None
