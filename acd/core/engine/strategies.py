"""Which of several offerable, eligible agents a queue rings for a call, and why.

``candidates`` is the set of agents who could take the call now. Small sets are ranked
directly; large ones are read from the queue's ready list, already in strategy order, so
the cost depends on how rare eligible agents are among ready ones, never on the number
of waiting callers.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass

from acd.core.engine.bits import has, indices
from acd.core.engine.config import QueueConfig, Skills, Strategy
from acd.core.engine.ready import ReadyKey, agent_index, strategy_key
from acd.core.engine.state import Agent, Call
from acd.core.engine.world import World

SMALL = 32  # up to this many candidates, rank them one by one
EXPLAIN = 5  # agents named in CallOffered.eligible
_WALK_AFTER_CHOICE = 40  # extra ready agents read to name the runners-up


@dataclass(frozen=True)
class Choice:
    agents: list[Agent]  # to ring (several only for ring-all)
    eligible: tuple[str, ...]  # the chosen first, then runners-up in strategy order
    count: int  # how many agents could have taken the call
    why: str


def choose(w: World, call: Call, candidates: int) -> Choice:
    queue, count = call.queue, candidates.bit_count()
    if queue.strategy is Strategy.RING_ALL:
        agents = [w.by_index[i] for i in indices(candidates)]
        return Choice(agents, _ids(agents), count, f"ring-all: all {count} eligible agents rung")
    if queue.strategy is Strategy.RANDOM:
        agent = _random(w, queue, candidates, count)
        return Choice([agent], (agent.id,), count, f"random: drawn among {count} eligible")
    if queue.strategy is Strategy.SKILLS and call.requirement:
        ranked, score = _best_skilled(w, call.requirement, queue, candidates, count)
        why = f"skills: total proficiency {score} on {_names(call.requirement)}, then longest idle"
        return Choice(ranked[:1], _ids(ranked), count, why)
    ranked = _in_order(w, queue, candidates, count)
    return Choice(ranked[:1], _ids(ranked), count, _describe(w, queue, ranked[0]))


def _in_order(w: World, queue: QueueConfig, candidates: int, count: int) -> list[Agent]:
    """The first eligible agents in the queue's strategy order (at least one)."""
    if count <= SMALL:
        agents = [w.by_index[i] for i in indices(candidates)]
        agents.sort(key=lambda agent: _key(w, queue, agent))
        return agents[:EXPLAIN]
    entries = w.ready.lists[queue.name]
    size, start = len(entries), 0
    if queue.strategy is Strategy.ROUND_ROBIN:
        after_last: ReadyKey = (w.last_offered.get(queue.name, -1) + 1.0,)
        start = bisect_left(entries, after_last)
    found: list[Agent] = []
    limit, step = size, 0
    while step < limit:  # hot: plain operations only
        index = int(entries[(start + step) % size][-1])  # keys end with the agent index
        if (candidates >> index) & 1:
            found.append(w.by_index[index])
            if len(found) == EXPLAIN:
                break
            if len(found) == 1:
                limit = min(size, step + _WALK_AFTER_CHOICE)
        step += 1
    return found


def _key(w: World, queue: QueueConfig, agent: Agent) -> ReadyKey:
    position = w.index.member_position[queue.name][agent.index]
    if queue.strategy is Strategy.ROUND_ROBIN:
        members = len(w.index.member_position[queue.name])
        return ((position - w.last_offered.get(queue.name, -1) - 1) % members, agent.index)
    return strategy_key(queue, position, agent)


def _random(w: World, queue: QueueConfig, candidates: int, count: int) -> Agent:
    """Uniform among the candidates: by rejection from the ready list when they are many."""
    entries = w.ready.lists[queue.name]
    if count > SMALL:
        for _ in range(16 * len(entries)):
            agent = w.by_index[agent_index(entries[w.rng.randrange(len(entries))])]
            if has(candidates, agent.index):
                return agent
    return w.by_index[w.rng.choice(list(indices(candidates)))]


def _best_skilled(
    w: World, requirement: Skills, queue: QueueConfig, candidates: int, count: int
) -> tuple[list[Agent], int]:
    """Agents with the highest total proficiency on the required skills, longest idle
    first, and that total."""
    if count <= SMALL:
        agents = [w.by_index[i] for i in indices(candidates)]
        agents.sort(key=lambda a: (-_score(a, requirement), a.idle_since, a.index))
        return agents[:EXPLAIN], _score(agents[0], requirement)
    score, best = _top_scorers(w, requirement, candidates)
    return _in_order(w, queue, best, best.bit_count()), score


def _top_scorers(w: World, requirement: Skills, candidates: int) -> tuple[int, int]:
    """(best total, agents with it), from per-level skill sets: no agent looked at."""
    by_total = {0: candidates}
    for skill, minimum in requirement:
        levels = w.index.exactly[skill]
        following: dict[int, int] = {}
        for total, agents in by_total.items():
            for level in range(minimum, len(levels)):
                having = agents & levels[level]
                if having:
                    following[total + level] = following.get(total + level, 0) | having
        by_total = following
    best = max(by_total)
    return best, by_total[best]


def _score(agent: Agent, requirement: Skills) -> int:
    return sum(agent.skills.get(skill, 0) for skill, _ in requirement)


def _describe(w: World, queue: QueueConfig, agent: Agent) -> str:
    strategy = queue.strategy
    if strategy is Strategy.FEWEST_CALLS:
        return f"fewest-calls: {agent.calls} calls answered since login"
    if strategy is Strategy.LEAST_TALK_TIME:
        return f"least-talk-time: {agent.talk_s:.0f} s talking since login"
    position = w.index.member_position[queue.name][agent.index] + 1
    if strategy is Strategy.LINEAR:
        return f"linear: first free member in queue order (#{position})"
    if strategy is Strategy.ROUND_ROBIN:
        return f"round-robin: next free member after the last one rung (#{position})"
    return f"longest-idle: ready for {w.now - agent.idle_since:.0f} s"


def _ids(agents: list[Agent]) -> tuple[str, ...]:
    return tuple(agent.id for agent in agents[:EXPLAIN])


def _names(requirement: Skills) -> str:
    return ", ".join(f"{skill}>={level}" for skill, level in requirement)
