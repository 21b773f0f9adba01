"""What becomes of an offer (answered, missed, timed out) and of the connected call
(ended, transferred), up to the agent's wrap-up."""

from __future__ import annotations

from acd.core.engine import callbacks, callers
from acd.core.engine.bits import bit
from acd.core.engine.commands import ConnectCall, PauseAgent, ReleaseCaller
from acd.core.engine.config import AUTO_PAUSE_REASON
from acd.core.engine.escalation import requirement
from acd.core.engine.events import CallReattached
from acd.core.engine.facts import (
    CallAnswered,
    CallCompleted,
    CallConnectFailed,
    CallReattachedFact,
    CallTransferredOut,
    OfferMissed,
)
from acd.core.engine.matching import end_ring, make_ready, match_call, requeue
from acd.core.engine.state import Agent, AgentState, Call, CallState, Pending
from acd.core.engine.timers import Alarm, AlarmKind
from acd.core.engine.world import World


def answer(w: World, call: Call, agent: Agent) -> None:
    call.ring_s = w.now - call.offers[agent.id]
    if call.callback_number:  # the agent is there: now the customer is dialled
        callbacks.agent_answered(w, call, agent)
        return
    end_ring(w, call, agent, cancel=False)
    others = [w.agents[other] for other in call.offers]  # ring-all: the others lost
    for other in others:
        end_ring(w, call, other, cancel=True)
    connect(w, call, agent)
    for other in others:
        make_ready(w, other)


def connect(w: World, call: Call, agent: Agent) -> None:
    """Caller and agent talk: the caller's wait is over (a callback's when the customer
    answers: its wait counts from the first entry, callbacks do not flatter the SL)."""
    call.state, call.agent_id, call.answered_at = CallState.CONNECTED, agent.id, w.now
    w.in_queue[call.queue.name].remove(call.key)
    for handle in call.timers.values():
        w.timers.cancel(handle)
    call.timers.clear()
    agent.call_id, agent.missed_in_row = call.call_id, 0
    agent.calls += 1
    w.set_agent_state(agent, AgentState.ON_CALL)
    waited = w.now - call.entered_at
    w.command(ConnectCall(call.call_id, agent.id))
    w.emit(
        CallAnswered(
            at=w.now,
            call_id=call.call_id,
            queue=call.queue.name,
            agent_id=agent.id,
            wait_s=waited,
            ring_s=call.ring_s,
        )
    )
    _count_answer(w, call, waited)


def reattach(w: World, event: CallReattached) -> None:
    """A restarted server finds caller and agent talking: the call is followed to its end
    (then wrap-up), without counting its entry or answer again."""
    queue, agent = w.index.queues.get(event.queue), w.agents.get(event.agent_id)
    if event.call_id in w.calls or queue is None or agent is None or agent.call_id:
        w.reject(f"call {event.call_id} cannot be reattached to agent {event.agent_id}")
        return
    w.seq += 1
    call = Call(
        call_id=event.call_id,
        queue=queue,
        entered_at=event.entered_at,
        priority=0,
        seq=w.seq,
        own_skills=(),
        caller=event.caller,
        language=event.language,
        requirement=requirement(queue, (), event.entered_at, w.now),
        original_position=0,
        state=CallState.CONNECTED,
        agent_id=agent.id,
        answered_at=event.answered_at,
    )
    w.calls[call.call_id] = call
    agent.call_id = call.call_id
    w.set_agent_state(agent, AgentState.ON_CALL)
    if not event.answer_recorded:  # lost with the server that bridged them: counted now
        waited = event.answered_at - event.entered_at
        w.emit(CallAnswered(event.answered_at, call.call_id, queue.name, agent.id, waited, 0.0))
        _count_answer(w, call, waited)
    reason = "bridged in Asterisk at restart"
    w.emit(CallReattachedFact(w.now, call.call_id, queue.name, agent.id, call.answered_at, reason))


def connect_failed(w: World, call: Call, agent: Agent) -> None:
    """Asterisk could not bridge them: the caller goes back to their place (same entry
    time, timers again), the agent is free and not offered this caller again at once.
    A callback's customer, who has answered, waits on the line for the next agent: they
    are not dialled again."""
    if call.state is not CallState.CONNECTED or call.agent_id != agent.id:
        w.reject(f"call {call.call_id} is not connected to agent {agent.id}")
        return
    w.emit(CallConnectFailed(w.now, call.call_id, call.queue.name, agent.id))
    call.state, call.agent_id, call.answered_at = CallState.WAITING, "", 0.0
    agent.call_id = ""
    _exclude(w, call, agent)
    if call.callback_number:  # the customer's line is up: they wait, not dialled again
        w.in_queue[call.queue.name].add(call.key)
        callbacks.customer_waits(w, call)
        match_call(w, call)
    else:
        callers.enter(w, call, again=True)
    make_ready(w, agent)  # after the match: the agent, still on_call, is not offered it


def _count_answer(w: World, call: Call, waited: float) -> None:
    stats = w.stats[call.queue.name]
    stats.answered += 1
    stats.answered_within += waited <= call.queue.service_level_s
    stats.recent.add(w.now, waited <= call.queue.service_level_s)
    stats.abandonment.add(w.now, 0.0, waited)


def miss(w: World, call: Call, agent: Agent, reason: str, timed_out: bool) -> None:
    """The agent did not take the call: the caller keeps their place, the next agent is
    tried, and this agent is not offered this caller again for ``reoffer_delay_s``."""
    ring_s = w.now - call.offers[agent.id]
    end_ring(w, call, agent, cancel=timed_out)
    w.emit(
        OfferMissed(
            at=w.now,
            call_id=call.call_id,
            queue=call.queue.name,
            agent_id=agent.id,
            ring_s=ring_s,
            reason=reason,
        )
    )
    _exclude(w, call, agent)
    requeue(w, call)
    agent.missed_in_row += 1
    limit = agent.config.auto_pause_after
    if limit and agent.missed_in_row >= limit:
        agent.missed_in_row = 0
        w.command(PauseAgent(agent.id, AUTO_PAUSE_REASON))
        w.set_agent_state(agent, AgentState.PAUSED, AUTO_PAUSE_REASON)
    elif agent.state is AgentState.RESERVED:
        make_ready(w, agent)


def _exclude(w: World, call: Call, agent: Agent) -> None:
    delay = call.queue.reoffer_delay_s
    if delay > 0:
        call.excluded[agent.id] = w.now + delay
        call.excluded_mask |= bit(agent.index)
        alarm = Alarm(AlarmKind.REOFFER, call.call_id, agent.id)
        call.timers[(AlarmKind.REOFFER, agent.id)] = w.timers.schedule(w.now + delay, alarm)


def reoffer(w: World, call: Call, agent: Agent) -> None:
    """The delay after a miss is over: the agent may be offered this caller again."""
    call.timers.pop((AlarmKind.REOFFER, agent.id), None)
    if call.excluded.pop(agent.id, None) is not None:
        call.excluded_mask &= ~bit(agent.index)
        match_call(w, call)


def withdraw(w: World, agent: Agent) -> None:
    """The agent pauses or logs out while rung: the caller goes back, no miss counted."""
    call = w.calls.get(agent.call_id)
    if call is not None and agent.id in call.offers:
        end_ring(w, call, agent, cancel=True)
        requeue(w, call)


def complete(w: World, call: Call, by: str) -> None:
    talk_s, waited = w.now - call.answered_at, call.answered_at - call.entered_at
    w.emit(
        CallCompleted(
            at=w.now,
            call_id=call.call_id,
            queue=call.queue.name,
            agent_id=call.agent_id,
            by=by,
            wait_s=waited,
            talk_s=talk_s,
        )
    )
    if by == "agent":
        w.command(ReleaseCaller(call.call_id))
    _call_over(w, call, talk_s)


def transfer(w: World, call: Call, target: str) -> None:
    talk_s, waited = w.now - call.answered_at, call.answered_at - call.entered_at
    w.emit(
        CallTransferredOut(
            at=w.now,
            call_id=call.call_id,
            queue=call.queue.name,
            agent_id=call.agent_id,
            target=target,
            wait_s=waited,
            talk_s=talk_s,
        )
    )
    _call_over(w, call, talk_s)


def _call_over(w: World, call: Call, talk_s: float) -> None:
    """Learn the handle time, then the agent's wrap-up (or straight to ready)."""
    queue = call.queue
    del w.calls[call.call_id]
    w.stats[queue.name].handle.add(w.now, call.ring_s + talk_s + queue.wrap_up_s, 1.0)
    agent = w.agents.get(call.agent_id)
    if agent is None or agent.call_id != call.call_id:
        return  # the agent left the configuration meanwhile
    agent.talk_s += talk_s
    if queue.wrap_up_s > 0:
        w.set_agent_state(agent, AgentState.WRAP_UP)
        agent.wrap_ends_at = w.now + queue.wrap_up_s
        alarm = Alarm(AlarmKind.WRAP, "", agent.id)
        agent.wrap_timer = w.timers.schedule(agent.wrap_ends_at, alarm)
    else:
        after_call(w, agent)


def after_call(w: World, agent: Agent) -> None:
    """Call and wrap-up over: ready, unless the agent asked for a pause or to log out."""
    agent.call_id, agent.wrap_timer = "", None
    pending, agent.pending = agent.pending, Pending.NOTHING
    if pending is Pending.PAUSE:
        w.set_agent_state(agent, AgentState.PAUSED, agent.pending_reason)
    elif pending is Pending.LOGOUT:
        w.set_agent_state(agent, AgentState.LOGGED_OUT)
    else:
        make_ready(w, agent)
