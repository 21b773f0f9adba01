"""What never changes between two configuration loads, precomputed as agent sets.

Eligibility of an agent for a requirement is an AND of per-skill sets, so a new pool of
callers finds all its agents without looking at any agent one by one.
"""

from __future__ import annotations

from dataclasses import dataclass

from acd.core.engine.bits import bit
from acd.core.engine.config import MAX_PROFICIENCY, AcdConfig, QueueConfig, Skills


@dataclass(frozen=True)
class StaticIndex:
    config: AcdConfig
    agent_ids: tuple[str, ...]  # position = the agent's bit
    queues: dict[str, QueueConfig]
    members: dict[str, int]  # queue -> member agents
    member_position: dict[str, dict[int, int]]  # queue -> agent bit -> position in members
    at_least: dict[str, tuple[int, ...]]  # skill -> [level] -> agents with >= level
    exactly: dict[str, tuple[int, ...]]  # skill -> [level] -> agents with that level
    related: dict[str, tuple[str, ...]]  # queue -> queues sharing an agent (itself first)
    leave_when_empty: frozenset[str]  # queues that have leave-when-empty conditions

    def eligible(self, queue: str, requirement: Skills) -> int:
        """Members of ``queue`` who have every required skill at its minimum or above."""
        mask = self.members[queue]
        for skill, level in requirement:
            levels = self.at_least.get(skill)
            mask &= levels[level] if levels else 0
        return mask


def build_index(config: AcdConfig) -> StaticIndex:
    ids = tuple(agent.id for agent in config.agents)
    position = {agent_id: i for i, agent_id in enumerate(ids)}
    members: dict[str, int] = {}
    member_position: dict[str, dict[int, int]] = {}
    for queue in config.queues:
        known = [position[m] for m in queue.members if m in position]
        members[queue.name] = sum(bit(i) for i in set(known))
        member_position[queue.name] = {agent: n for n, agent in enumerate(known)}
    at_least, exactly = _skill_sets(config)
    return StaticIndex(
        config=config,
        agent_ids=ids,
        queues={q.name: q for q in config.queues},
        members=members,
        member_position=member_position,
        at_least=at_least,
        exactly=exactly,
        related=_related(config, members),
        leave_when_empty=frozenset(q.name for q in config.queues if q.leave_when_empty),
    )


def _skill_sets(config: AcdConfig) -> tuple[dict[str, tuple[int, ...]], dict[str, tuple[int, ...]]]:
    exact: dict[str, list[int]] = {}
    for i, agent in enumerate(config.agents):
        for skill, level in agent.skills:
            exact.setdefault(skill, [0] * (MAX_PROFICIENCY + 1))[level] |= bit(i)
    at_least: dict[str, tuple[int, ...]] = {}
    for skill, levels in exact.items():
        cumulative = [0] * (MAX_PROFICIENCY + 2)
        for level in range(MAX_PROFICIENCY, -1, -1):
            cumulative[level] = cumulative[level + 1] | levels[level]
        at_least[skill] = tuple(cumulative[: MAX_PROFICIENCY + 1])
    return at_least, {skill: tuple(levels) for skill, levels in exact.items()}


def _related(config: AcdConfig, members: dict[str, int]) -> dict[str, tuple[str, ...]]:
    names = [q.name for q in config.queues]
    return {
        name: (name, *(o for o in names if o != name and members[o] & members[name]))
        for name in names
    }
