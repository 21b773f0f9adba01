"""A new configuration while calls are in progress: waiting callers keep their place and
agents their state; only what the new configuration no longer has is let go.

* A caller whose queue is gone is taken out (RemoveCaller "noqueue"); a connected call
  finishes normally whatever the configuration says.
* An agent no longer configured is forgotten; if they were being rung, the ring is
  cancelled and the caller goes back to their place.
* Requirements, eligibility and strategies are recomputed from the new configuration,
  then everyone who can be matched is matched.
"""

from __future__ import annotations

from acd.core.engine.commands import CancelRing, RemoveCaller
from acd.core.engine.config import AcdConfig
from acd.core.engine.escalation import requirement
from acd.core.engine.facts import CallLeftQueue
from acd.core.engine.matching import match_agent, match_call
from acd.core.engine.state import AgentState, Call, CallState
from acd.core.engine.world import World

_CARRIED = (
    "state",
    "since",
    "reason",
    "phone",
    "idle_since",
    "calls",
    "talk_s",
    "missed_in_row",
    "pending",
    "pending_reason",
    "call_id",
    "wrap_timer",
    "wrap_ends_at",
)


def reload(old: World, config: AcdConfig) -> World:
    new = World(config, 0)
    new.rng, new.timers, new.seq, new.now = old.rng, old.timers, old.seq, old.now
    new.out, new.touched = old.out, old.touched
    new.overflow_ticks = old.overflow_ticks
    new.last_offered = {q: p for q, p in old.last_offered.items() if q in new.index.queues}
    new.stats.update({q: s for q, s in old.stats.items() if q in new.stats})
    for agent in new.by_index:
        before = old.agents.get(agent.id)
        if before is not None:
            for name in _CARRIED:
                setattr(agent, name, getattr(before, name))
        new.refresh(agent)
    for call in sorted(old.calls.values(), key=lambda c: c.key):
        _carry(old, new, call)
    for call in sorted(new.calls.values(), key=lambda c: c.key):
        match_call(new, call)
    for agent in new.by_index:
        match_agent(new, agent)
    return new


def _carry(old: World, new: World, call: Call) -> None:
    queue = new.index.queues.get(call.queue.name)
    if queue is None and call.state is not CallState.CONNECTED:
        _drop(old, new, call)
        return
    new.calls[call.call_id] = call
    if queue is None:
        return
    call.queue = queue
    call.requirement = requirement(queue, call.own_skills, call.entered_at, new.now)
    call.excluded = {a: until for a, until in call.excluded.items() if a in new.agents}
    call.excluded_mask = sum(1 << new.agents[a].index for a in call.excluded)
    if call.state is CallState.CONNECTED:
        return
    new.in_queue[queue.name].add(call.key)
    for agent_id in [a for a in call.offers if a not in new.agents]:
        _cancel_ring(new, call, agent_id)
    if call.state is CallState.WAITING or not call.offers:
        call.state = CallState.WAITING
        new.pools.get(queue.name, call.requirement).add(call)


def _drop(old: World, new: World, call: Call) -> None:
    waited = new.now - call.entered_at
    place = old.in_queue[call.queue.name].rank(call.key) + 1
    new.command(RemoveCaller(call.call_id, call.queue.name, "noqueue"))
    new.emit(
        CallLeftQueue(
            at=new.now,
            call_id=call.call_id,
            queue=call.queue.name,
            reason="noqueue",
            position=place,
            wait_s=waited,
        )
    )
    for handle in call.timers.values():
        new.timers.cancel(handle)
    for agent_id in list(call.offers):
        _cancel_ring(new, call, agent_id)
        agent = new.agents.get(agent_id)
        if agent is not None and agent.state is AgentState.RESERVED:
            agent.call_id = ""
            new.set_agent_state(agent, AgentState.READY)


def _cancel_ring(new: World, call: Call, agent_id: str) -> None:
    new.timers.cancel(call.ring_timers.pop(agent_id, None))
    call.offers.pop(agent_id, None)
    new.command(CancelRing(call.call_id, agent_id))
