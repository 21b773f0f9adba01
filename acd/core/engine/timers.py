"""The engine's one timer: a heap of (due time, sequence, action) with cancellation.

The shell asks ``next_deadline()`` and sends TimerFired then; the engine fires every
action due by ``now`` before it handles any event, so a late wake-up changes nothing.
"""

from __future__ import annotations

import heapq
from enum import Enum
from typing import NamedTuple


class AlarmKind(Enum):
    """What a due timer means; the engine has one handler per kind."""

    RING = "ring"  # an agent's phone rang too long
    WRAP = "wrap"  # an agent's wrap-up is over
    ANNOUNCE = "announce"  # a waiting caller's next position announcement
    MAXWAIT = "maxwait"  # a caller's maximum wait
    ESCALATE = "escalate"  # a caller's next skill-escalation step
    REOFFER = "reoffer"  # an agent who missed a caller may be offered them again
    OVERFLOW = "overflow"  # a queue's periodic overflow check
    RETRY = "retry"  # a callback's next attempt


class Alarm(NamedTuple):
    """What to do when a timer is due: the kind names the handler; ids say for whom.
    (A named tuple: one is made per ring, and it is cheaper than a dataclass.)"""

    kind: AlarmKind
    call_id: str = ""
    agent_id: str = ""
    queue: str = ""


class Timers:
    def __init__(self) -> None:
        self._heap: list[tuple[float, int, Alarm]] = []
        self._cancelled: set[int] = set()
        self._seq = 0

    def schedule(self, at: float, alarm: Alarm) -> int:
        """Returns a handle for ``cancel``."""
        self._seq += 1
        heapq.heappush(self._heap, (at, self._seq, alarm))
        return self._seq

    def cancel(self, handle: int | None) -> None:
        if handle is not None:
            self._cancelled.add(handle)
            self._drop_cancelled_head()

    def next_deadline(self) -> float | None:
        return self._heap[0][0] if self._heap else None

    def pop_due(self, now: float) -> Alarm | None:
        """The earliest alarm due at or before ``now``, removed; None if none is due."""
        if not self._heap or self._heap[0][0] > now:
            return None
        _, _, alarm = heapq.heappop(self._heap)
        self._drop_cancelled_head()
        return alarm

    def __len__(self) -> int:
        return len(self._heap)

    def _drop_cancelled_head(self) -> None:
        heap = self._heap
        while heap and heap[0][1] in self._cancelled:
            self._cancelled.discard(heapq.heappop(heap)[1])
        if len(self._cancelled) > 64 and len(self._cancelled) * 2 > len(heap):
            self._compact()

    def _compact(self) -> None:
        """Cancelled alarms deep in the heap are dropped now and then, not one by one."""
        self._heap = [item for item in self._heap if item[1] not in self._cancelled]
        heapq.heapify(self._heap)
        self._cancelled.clear()
