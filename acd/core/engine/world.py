"""Everything the engine knows, in one object, and the few operations every handler
needs: say what happened (facts), ask for something (commands), change an agent's state.

One ``World`` per engine; handlers are plain functions over it (callers.py, agents.py,
matching.py). ``now`` and the output of the event being handled live here too, so a
handler never passes them around.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from acd.core.engine.agentsets import AgentSets
from acd.core.engine.commands import Command
from acd.core.engine.config import AcdConfig, OverflowWhen, QueueConfig
from acd.core.engine.ewt import QueueStats
from acd.core.engine.facts import AgentStateChanged, EngineFact
from acd.core.engine.index import build_index
from acd.core.engine.pools import Pools
from acd.core.engine.ranked import RankedList
from acd.core.engine.ready import ReadyLists
from acd.core.engine.state import Agent, AgentState, Call
from acd.core.engine.timers import Timers


@dataclass
class Output:
    """What one event led to. ``rejected`` says why an event was ignored (unknown call or
    agent, unknown pause reason, an answer for an offer that already timed out...): the
    shell logs it; it is not an error of the engine."""

    commands: list[Command] = field(default_factory=list)
    facts: list[EngineFact] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)


class World:
    def __init__(self, config: AcdConfig, rng_seed: int) -> None:
        self.index = build_index(config)
        self.by_index = [
            Agent(agent, i, _queues_of(config, agent.id), dict(agent.skills))
            for i, agent in enumerate(config.agents)
        ]
        self.agents = {agent.id: agent for agent in self.by_index}
        self.calls: dict[str, Call] = {}
        self.pools = Pools(self.index, self.by_index)
        self.ready = ReadyLists(self.index)
        self.sets = AgentSets()
        self.timers = Timers()
        self.rng = random.Random(rng_seed)
        self.stats = {
            q.name: QueueStats(q.default_handle_s, _outcomes_kept(q)) for q in config.queues
        }
        self.overflow_ticks: dict[str, int] = {}  # queue -> timer handle, while callers wait
        self.in_queue = {q.name: RankedList() for q in config.queues}  # waiting or ringing
        self.last_offered: dict[str, int] = {}  # round-robin memory: queue -> position
        self.touched: set[str] = set()  # agents changed by this event (leave-when-empty)
        self.seq = 0
        self.now = 0.0
        self.out = Output()
        for agent in self.by_index:
            self.sets.update(agent)

    def begin(self, now: float) -> None:
        self.now = now
        self.out = Output()
        self.touched.clear()

    def emit(self, fact: EngineFact) -> None:
        self.out.facts.append(fact)

    def command(self, command: Command) -> None:
        self.out.commands.append(command)

    def reject(self, why: str) -> None:
        self.out.rejected.append(why)

    def set_agent_state(
        self, agent: Agent, state: AgentState, reason: str = "", refresh: bool = True
    ) -> None:
        """Journal and apply a state change. ``refresh=False`` leaves the agent sets and
        ready lists to the caller (matching.make_ready: a ready agent often leaves the
        ready state at once, for a waiting caller)."""
        if state is agent.state and reason == agent.reason:
            if refresh:
                self.refresh(agent)
            return
        self.emit(
            AgentStateChanged(
                at=self.now,
                agent_id=agent.id,
                state=_NAMES[state],
                previous=_NAMES[agent.state],
                reason=reason,
            )
        )
        if state is AgentState.READY and agent.state is not AgentState.RESERVED:
            agent.idle_since = self.now  # back from a ring that failed keeps its rank
        agent.state, agent.reason, agent.since = state, reason, self.now
        if refresh:
            self.refresh(agent)

    def refresh(self, agent: Agent) -> None:
        """Agent sets and ready lists after a change of state or phone state."""
        self.sets.update(agent)
        listed = self.ready.contains(agent)
        if agent.offerable and not listed:
            self.ready.add(agent)
        elif listed and not agent.offerable:
            self.ready.remove(agent)
        self.touched.add(agent.id)


_NAMES = {state: state.value for state in AgentState}  # Enum.value is slow in a hot path


def _queues_of(config: AcdConfig, agent_id: str) -> tuple[str, ...]:
    return tuple(q.name for q in config.queues if agent_id in q.members)


def _outcomes_kept(queue: QueueConfig) -> float:
    """How long a queue's recent outcomes are kept: its longest service-level rule window."""
    return max(
        (r.window_s for r in queue.overflow if r.when is OverflowWhen.SERVICE_LEVEL_UNDER),
        default=0.0,
    )
