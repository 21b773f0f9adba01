"""Offerable agents of each queue, sorted by the queue's strategy key.

A call that arrives with several offerable agents walks its queue's list from the front
and takes the first one eligible for it; the keys do not change while an agent stays
ready, so the lists stay sorted without being rebuilt. Every key ends with the agent's
index, which makes keys unique and names the agent (``agent_of``).
"""

from __future__ import annotations

from bisect import bisect_left, insort

from acd.core.engine.config import QueueConfig, Strategy
from acd.core.engine.index import StaticIndex
from acd.core.engine.state import Agent

ReadyKey = tuple[float, ...]


def strategy_key(queue: QueueConfig, position: int, agent: Agent) -> ReadyKey:
    """The order in which ``queue`` prefers its ready agents (smallest first)."""
    strategy = queue.strategy
    if strategy in (Strategy.LONGEST_IDLE, Strategy.SKILLS):
        return (agent.idle_since, agent.index)
    if strategy is Strategy.FEWEST_CALLS:
        return (agent.calls, agent.idle_since, agent.index)
    if strategy is Strategy.LEAST_TALK_TIME:
        return (agent.talk_s, agent.idle_since, agent.index)
    if strategy in (Strategy.LINEAR, Strategy.ROUND_ROBIN):
        return (position, agent.index)
    return (agent.index,)  # random, ring-all: the order does not matter


class ReadyLists:
    def __init__(self, index: StaticIndex) -> None:
        self._index = index
        self.lists: dict[str, list[ReadyKey]] = {q: [] for q in index.queues}
        self._keys: dict[tuple[str, int], ReadyKey] = {}
        self._listed: set[int] = set()

    def contains(self, agent: Agent) -> bool:
        return agent.index in self._listed

    def add(self, agent: Agent) -> None:
        self._listed.add(agent.index)
        for name in agent.queues:
            position = self._index.member_position[name][agent.index]
            key = strategy_key(self._index.queues[name], position, agent)
            self._keys[(name, agent.index)] = key
            insort(self.lists[name], key)

    def remove(self, agent: Agent) -> None:
        self._listed.discard(agent.index)
        for name in agent.queues:
            key = self._keys.pop((name, agent.index), None)
            if key is not None:
                entries = self.lists[name]
                del entries[bisect_left(entries, key)]


def agent_index(key: ReadyKey) -> int:
    return int(key[-1])
