"""Callbacks (virtual hold): the caller hangs up and keeps their place.

A waiting caller who accepts the callback offer stays in the queue with their original
entry time; later callers do not overtake them. When their turn comes and an agent is
free, the agent is rung first (agent first: a callback is dialled only for an agent who
is there, so never more callbacks are in flight than free agents), then the customer is
dialled, and the two are bridged when the customer answers. A customer who does not
answer keeps the place: the call waits ``callback_retry_s`` (doubling each time) out of
the queue's order, then comes back at its place, up to ``callback_attempts`` dials.

One number has at most one pending callback: a second request for it is merged into
the one with the better place, and the other caller leaves the queue.
"""

from __future__ import annotations

from acd.core.engine import callers
from acd.core.engine.commands import ConfirmCallback, DialCustomer
from acd.core.engine.estimate import position
from acd.core.engine.facts import CallbackAttempt, CallbackBooked, CallLeftQueue
from acd.core.engine.matching import end_ring, make_ready, match_call
from acd.core.engine.state import Agent, AgentState, Call, CallState
from acd.core.engine.timers import Alarm, AlarmKind
from acd.core.engine.world import World

PENDING = (CallState.WAITING, CallState.RINGING, CallState.HELD)


def request(w: World, call: Call, number: str, attempts: int = 0) -> None:
    """The caller accepted the offer with ``number``: book it, or merge it."""
    if call.state not in PENDING or call.callback_number:
        w.reject(f"call {call.call_id}: no callback can be booked now ({call.state.value})")
        return
    other = _pending_for(w, number)
    keep = call if other is None or call.key < other.key else other
    drop = other if keep is call else call
    keep.callback_number = number
    keep.callback_attempts = max(keep.callback_attempts, attempts)
    # Nobody on the line to hear an announcement or to time out.
    for kind in (AlarmKind.ANNOUNCE, AlarmKind.MAXWAIT):
        w.timers.cancel(keep.timers.pop(kind, None))
    _book(w, keep, "")
    w.command(ConfirmCallback(call.call_id, number, merged=drop is call))
    if drop is not None:
        _book(w, drop, keep.call_id)
        _leave(w, drop, "callback-merged")


def _pending_for(w: World, number: str) -> Call | None:
    return next((c for c in w.calls.values() if c.callback_number == number), None)


def _book(w: World, call: Call, merged_into: str) -> None:
    w.emit(
        CallbackBooked(
            at=w.now,
            call_id=call.call_id,
            queue=call.queue.name,
            number=call.callback_number,
            entered_at=call.entered_at,
            priority=call.priority,
            caller=call.caller,
            language=call.language,
            skills=call.own_skills,
            merged_into=merged_into,
        )
    )


def caller_hung_up(w: World, call: Call) -> bool:
    """True if the hang-up is the expected end of a booked callback's first leg."""
    return bool(call.callback_number) and call.state is not CallState.CONNECTED


def agent_answered(w: World, call: Call, agent: Agent) -> None:
    """The agent is there: dial the customer (the call keeps its place until answered)."""
    end_ring(w, call, agent, cancel=False)
    for other_id in list(call.offers):  # ring-all: the others lose
        other = w.agents[other_id]
        end_ring(w, call, other, cancel=True)
        make_ready(w, other)
    call.state, call.agent_id = CallState.DIALING, agent.id
    agent.call_id, agent.missed_in_row = call.call_id, 0
    w.set_agent_state(agent, AgentState.ON_CALL)
    w.command(
        DialCustomer(call.call_id, agent.id, call.callback_number, call.queue.name, call.entered_at)
    )


def customer_on_line(w: World, call: Call) -> None:
    """Customer first: the customer answered. From now on a caller on the line like any
    other, at their original place; the agent kept for them is freed and rung for the
    first caller in the global order, which is them (unless someone of higher priority
    came meanwhile)."""
    agent = w.agents.get(call.agent_id)
    customer_waits(w, call)
    if agent is not None and agent.call_id == call.call_id:
        agent.call_id = ""
        if agent.state is AgentState.RESERVED:
            make_ready(w, agent)
    if call.state is CallState.WAITING:
        match_call(w, call)


def customer_waits(w: World, call: Call) -> None:
    """The customer is on the line with no agent: from now on a caller like any other,
    at their original place. Never dialled again (their line is up)."""
    call.agent_id, call.callback_number = "", ""
    call.state = CallState.WAITING
    w.pools.get(call.queue.name, call.requirement).add(call)


def customer_unreachable(w: World, call: Call, reason: str) -> None:
    """Nobody answered: the agent is free again; the callback waits, or gives up."""
    agent = w.agents.get(call.agent_id)
    call.agent_id = ""
    if agent is not None and agent.call_id == call.call_id:
        agent.call_id = ""
        make_ready(w, agent)
    call.callback_attempts += 1
    final = call.callback_attempts >= call.queue.callback_attempts
    w.emit(
        CallbackAttempt(
            at=w.now,
            call_id=call.call_id,
            queue=call.queue.name,
            agent_id=agent.id if agent else "",
            attempt=call.callback_attempts,
            reason=reason,
            final=final,
        )
    )
    if final:
        _leave(w, call, "callback-failed")
        return
    call.state = CallState.HELD
    delay = call.queue.callback_retry_s * 2 ** (call.callback_attempts - 1)
    handle = w.timers.schedule(w.now + delay, Alarm(AlarmKind.RETRY, call.call_id))
    call.timers[AlarmKind.RETRY] = handle


def agent_left(w: World, call: Call) -> None:
    """The agent hung up before the customer answered: not the customer's fault, so no
    attempt is counted and the call is back at its place at once."""
    agent = w.agents.get(call.agent_id)
    call.agent_id = ""
    if agent is not None and agent.call_id == call.call_id:
        agent.call_id = ""
        make_ready(w, agent)
    retry(w, call)


def retry(w: World, call: Call) -> None:
    """Back at its place in the queue's order, for the next free agent."""
    call.timers.pop(AlarmKind.RETRY, None)
    call.state = CallState.WAITING
    w.pools.get(call.queue.name, call.requirement).add(call)
    match_call(w, call)


def _leave(w: World, call: Call, reason: str) -> None:
    waited = w.now - call.entered_at
    w.emit(
        CallLeftQueue(
            at=w.now,
            call_id=call.call_id,
            queue=call.queue.name,
            reason=reason,
            position=position(w, call),
            wait_s=waited,
        )
    )
    call.callback_number = ""
    callers.leave(w, call)
