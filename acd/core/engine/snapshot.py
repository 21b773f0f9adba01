"""A frozen picture of queues and agents for ``acd status`` and the HTTP API."""

from __future__ import annotations

import math
from dataclasses import dataclass

from acd.core.engine.estimate import estimated_wait, position
from acd.core.engine.state import Agent, Call, CallState
from acd.core.engine.world import World


@dataclass(frozen=True)
class CallerStatus:
    call_id: str
    position: int
    priority: int
    waited_s: float
    state: str  # waiting | ringing
    estimated_wait_s: float | None  # None: nobody staffed to answer
    ringing: tuple[str, ...]  # agents being rung for this caller


@dataclass(frozen=True)
class QueueStatus:
    name: str
    strategy: str
    waiting: int  # waiting or being rung
    longest_wait_s: float
    answered: int
    answered_within_sl: int
    abandoned: int
    removed: int  # timeout, exit key, queue empty
    service_level: float | None  # answered within the threshold / answered (app_queue's SL)
    service_level_s: float
    handle_s: float  # the engine's current estimate of the handle time
    callers: tuple[CallerStatus, ...]  # in the order they will be served


@dataclass(frozen=True)
class AgentStatus:
    agent_id: str
    state: str
    since: float
    in_state_s: float
    reason: str  # pause reason
    phone: str
    call_id: str
    calls: int
    talk_s: float
    pending: str  # pause | logout | nothing, applied when the call and wrap-up end


@dataclass(frozen=True)
class Snapshot:
    at: float
    queues: tuple[QueueStatus, ...]
    agents: tuple[AgentStatus, ...]


def snapshot(w: World, now: float) -> Snapshot:
    return Snapshot(
        at=now,
        queues=tuple(_queue(w, name, now) for name in w.index.queues),
        agents=tuple(_agent(agent, now) for agent in w.by_index),
    )


def _agent(a: Agent, now: float) -> AgentStatus:
    return AgentStatus(
        agent_id=a.id,
        state=a.state.value,
        since=a.since,
        in_state_s=now - a.since,
        reason=a.reason,
        phone=a.phone.value,
        call_id=a.call_id,
        calls=a.calls,
        talk_s=a.talk_s,
        pending=a.pending.value,
    )


def _queue(w: World, name: str, now: float) -> QueueStatus:
    queue, stats = w.index.queues[name], w.stats[name]
    calls = sorted(
        (
            c
            for c in w.calls.values()
            if c.queue.name == name and c.state is not CallState.CONNECTED
        ),
        key=lambda c: c.key,
    )
    return QueueStatus(
        name=name,
        strategy=queue.strategy.value,
        waiting=len(calls),
        longest_wait_s=max((now - c.entered_at for c in calls), default=0.0),
        answered=stats.answered,
        answered_within_sl=stats.answered_within,
        abandoned=stats.abandoned,
        removed=stats.removed,
        service_level=stats.answered_within / stats.answered if stats.answered else None,
        service_level_s=queue.service_level_s,
        handle_s=round(stats.handle_s, 1),
        callers=tuple(_caller(w, call, now) for call in calls),
    )


def _caller(w: World, call: Call, now: float) -> CallerStatus:
    wait = estimated_wait(w, call)
    return CallerStatus(
        call_id=call.call_id,
        position=position(w, call),
        priority=call.priority,
        waited_s=now - call.entered_at,
        state=call.state.value,
        estimated_wait_s=None if math.isinf(wait) else round(wait, 1),
        ringing=tuple(call.offers),
    )
