"""Waiting callers indexed by eligibility pool: one pool per (queue, requirement).

Callers in a pool are interchangeable for eligibility: the same agents may serve them.
Each pool keeps its callers sorted by the global order, so its head is the caller who
must go first. An agent who becomes free looks only at the heads of the pools they are
eligible for (``Agent.pools``), never at the callers behind them.

Pools are created on first use and kept (a few per queue and skill combination); the
agent list of a new pool comes from the static skill sets, with no scan of agents.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field

from acd.core.engine.bits import indices
from acd.core.engine.config import Skills
from acd.core.engine.index import StaticIndex
from acd.core.engine.ranked import CallKey, RankedList
from acd.core.engine.state import Agent, Call

NO_CALL: CallKey = (math.inf, math.inf, 0)  # the head key of an empty pool: after all


@dataclass(eq=False)
class Pool:
    queue: str
    requirement: Skills
    mask: int  # eligible agents (members with the skills), whatever their state
    keys: RankedList = field(default_factory=RankedList)
    calls: dict[int, Call] = field(default_factory=dict)  # arrival sequence -> call
    # The first key, kept at hand: an agent who becomes free compares the heads of all
    # their pools, and one attribute read per pool is what keeps that fast.
    head_key: CallKey = NO_CALL

    def __len__(self) -> int:
        return len(self.keys)

    def head(self) -> Call | None:
        key = self.keys.first()
        return None if key is None else self.calls[key[2]]

    def in_order(self) -> Iterator[Call]:
        for key in self.keys:
            yield self.calls[key[2]]

    def add(self, call: Call) -> None:
        self.keys.add(call.key)
        self.calls[call.seq] = call
        call.pool = self
        if call.key < self.head_key:
            self.head_key = call.key

    def remove(self, call: Call) -> None:
        self.keys.remove(call.key)
        del self.calls[call.seq]
        call.pool = None
        if call.key == self.head_key:
            self.head_key = self.keys.first() or NO_CALL

    def ahead_of(self, key: CallKey) -> int:
        return self.keys.rank(key)


class Pools:
    def __init__(self, index: StaticIndex, agents_by_index: list[Agent]) -> None:
        self._index = index
        self._agents = agents_by_index
        self._pools: dict[tuple[str, Skills], Pool] = {}
        self.by_queue: dict[str, list[Pool]] = {name: [] for name in index.queues}

    def __iter__(self) -> Iterator[Pool]:
        return iter(self._pools.values())

    def get(self, queue: str, requirement: Skills) -> Pool:
        pool = self._pools.get((queue, requirement))
        if pool is None:
            pool = self._create(queue, requirement)
        return pool

    def _create(self, queue: str, requirement: Skills) -> Pool:
        pool = Pool(queue, requirement, self._index.eligible(queue, requirement))
        self._pools[(queue, requirement)] = pool
        self.by_queue[queue].append(pool)
        for i in indices(pool.mask):
            self._agents[i].pools.append(pool)
        return pool
