"""A caller's time in the queue: joining (or being refused), announcements, escalation,
and leaving without an agent (abandon, maximum wait, exit key, queue empty)."""

from __future__ import annotations

import math

from acd.core.engine import overflow
from acd.core.engine.commands import Announce, MoveCaller, OverflowCaller, RemoveCaller
from acd.core.engine.config import OverflowRule, OverflowTo
from acd.core.engine.escalation import next_step_at, requirement
from acd.core.engine.estimate import UNKNOWN_WAIT, estimated_wait, position
from acd.core.engine.events import CallArrived
from acd.core.engine.facts import (
    CallAbandonedInQueue,
    CallAnnounced,
    CallEntered,
    CallLeftQueue,
    CallRefused,
)
from acd.core.engine.matching import end_ring, make_ready, match_call
from acd.core.engine.state import AgentState, Call, CallState
from acd.core.engine.timers import Alarm, AlarmKind
from acd.core.engine.world import World


def arrive(w: World, event: CallArrived) -> None:
    if event.call_id in w.calls:
        w.reject(f"call {event.call_id} is already in queue {w.calls[event.call_id].queue.name}")
        return
    queue = w.index.queues.get(event.queue)
    if queue is None:
        _refuse(w, event, "noqueue")
        return
    needs = requirement(queue, event.skills, event.entered_at, w.now)
    pool = w.pools.get(queue.name, needs)
    if overflow.closed_treatment_now(w, queue):
        pass  # closed: the closed treatment takes every caller, full or empty
    elif queue.max_length and len(w.in_queue[queue.name]) >= queue.max_length:
        _refuse(w, event, "full")
        return
    elif queue.join_empty and not w.sets.present(
        pool.mask, w.index.members[queue.name], queue.join_empty
    ):
        _refuse(w, event, "joinempty")
        return
    w.seq += 1
    call = Call(
        call_id=event.call_id,
        queue=queue,
        entered_at=event.entered_at,
        priority=event.priority,
        seq=w.seq,
        own_skills=event.skills,
        caller=event.caller,
        language=event.language,
        requirement=needs,
        original_position=0,
        max_wait_s=event.max_wait_s,
        callback_offered=event.callback_offered,
    )
    enter(w, call)


def enter(w: World, call: Call, again: bool = False) -> None:
    """The caller takes their place in ``call.queue`` (arrival, or overflow from another
    queue with the original entry time): closed-hours rules first, then an agent if one
    is free, then the other overflow rules for a caller left waiting. ``again``: back in
    the same queue (a bridge that failed): not a new entry."""
    queue = call.queue
    w.calls[call.call_id] = call
    w.in_queue[queue.name].add(call.key)
    if not again:
        call.original_position = position(w, call)
        w.emit(
            CallEntered(
                at=w.now,
                call_id=call.call_id,
                queue=queue.name,
                position=call.original_position,
                priority=call.priority,
                caller=call.caller,
            )
        )
    if _overflow(w, call, closed_only=True):
        return
    limit = call.max_wait_s or queue.max_wait_s
    max_wait_at = call.entered_at + limit if limit else None
    _schedule(w, call, AlarmKind.MAXWAIT, max_wait_at)
    _schedule(w, call, AlarmKind.ESCALATE, next_step_at(queue, call.entered_at, w.now))
    _schedule_announcement(w, call)
    w.pools.get(queue.name, call.requirement).add(call)
    match_call(w, call)
    if call.state is CallState.WAITING and not _overflow(w, call, closed_only=False):
        overflow.keep_checking(w, queue)


def check_overflow(w: World, name: str) -> None:
    """The queue's periodic overflow check: each waiting caller, in queue order."""
    for call in overflow.waiting_in(w, name):
        if call.call_id in w.calls and call.state is CallState.WAITING:
            _overflow(w, call, closed_only=None)
    if (queue := w.index.queues.get(name)) is not None:
        overflow.keep_checking(w, queue)


def _overflow(w: World, call: Call, closed_only: bool | None) -> bool:
    """The first rule due whose target takes the caller is carried out; True if the
    caller left the queue. A call with its own limit (a person a campaign called) has its
    own treatment at that limit, the information message, and no overflow."""
    if call.max_wait_s:
        return False
    return any(
        _send(w, call, index, rule, seen)
        for index, rule, seen in overflow.rules_due(w, call, closed_only)
    )


def _send(w: World, call: Call, index: int, rule: OverflowRule, seen: float) -> bool:
    """Carry out the rule; False if its target cannot take the caller (rule skipped)."""
    if rule.to is OverflowTo.QUEUE:
        target = overflow.target_queue(w, call, rule)
        if target is None:
            return False
        overflow.record(w, call, index, rule, seen)
        leave(w, call)
        moved = overflow.moved(w, call, target, rule)
        w.command(MoveCaller(call.call_id, target.name, moved.priority))
        enter(w, moved)
        return True
    overflow.record(w, call, index, rule, seen)
    w.command(
        OverflowCaller(
            call_id=call.call_id,
            queue=call.queue.name,
            to=rule.to,
            target=rule.target,
            number=rule.number,
        )
    )
    if rule.to is OverflowTo.CALLBACK:
        call.callback_offered = True  # keeps their place while they answer the offer
    else:
        leave(w, call)
    return True


def _refuse(w: World, event: CallArrived, reason: str) -> None:
    w.command(RemoveCaller(event.call_id, event.queue, reason))
    w.emit(CallRefused(w.now, event.call_id, event.queue, reason))


def _schedule(w: World, call: Call, kind: AlarmKind, at: float | None) -> None:
    w.timers.cancel(call.timers.pop(kind, None))
    if at is not None:
        call.timers[kind] = w.timers.schedule(at, Alarm(kind, call.call_id))


def _schedule_announcement(w: World, call: Call) -> None:
    every = call.queue.announce_every_s
    if every > 0:
        periods = math.floor((w.now - call.entered_at) / every) + 1
        at = call.entered_at + periods * every
        while at <= w.now:  # rounding can land exactly on now: it would fire for ever
            periods += 1
            at = call.entered_at + periods * every
        _schedule(w, call, AlarmKind.ANNOUNCE, at)


def announce(w: World, call: Call) -> None:
    """Periodic: position and estimated wait (not while an agent's phone rings for it)."""
    if call.state is CallState.WAITING:
        place, wait = position(w, call), estimated_wait(w, call)
        wait = UNKNOWN_WAIT if math.isinf(wait) else round(wait, 1)
        w.command(Announce(call.call_id, place, wait, call.language))
        w.emit(
            CallAnnounced(
                at=w.now,
                call_id=call.call_id,
                queue=call.queue.name,
                position=place,
                estimated_wait_s=wait,
            )
        )
    _schedule_announcement(w, call)


def escalate(w: World, call: Call) -> None:
    """A step is due: the caller's requirement changes now, and moves them to a new pool."""
    needs = requirement(call.queue, call.own_skills, call.entered_at, w.now)
    _schedule(w, call, AlarmKind.ESCALATE, next_step_at(call.queue, call.entered_at, w.now))
    if needs == call.requirement:
        return
    call.requirement = needs
    if call.pool is not None:  # waiting; a caller being rung moves when the offer ends
        call.pool.remove(call)
        w.pools.get(call.queue.name, needs).add(call)
        match_call(w, call)


def abandon(w: World, call: Call) -> None:
    waited = w.now - call.entered_at
    w.emit(
        CallAbandonedInQueue(
            at=w.now,
            call_id=call.call_id,
            queue=call.queue.name,
            position=position(w, call),
            original_position=call.original_position,
            wait_s=waited,
        )
    )
    stats = w.stats[call.queue.name]
    stats.abandoned += 1
    stats.abandonment.add(w.now, 1.0, waited)
    stats.recent.add(w.now, False)
    leave(w, call)


def remove(w: World, call: Call, reason: str) -> None:
    """Taken out without an agent: timeout, exitkey or leaveempty."""
    waited = w.now - call.entered_at
    w.command(RemoveCaller(call.call_id, call.queue.name, reason))
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
    stats = w.stats[call.queue.name]
    stats.removed += 1
    stats.abandonment.add(w.now, 0.0, waited)  # a wait that did not end in abandon
    leave(w, call)


def leave(w: World, call: Call) -> None:
    """Forget a caller who leaves unanswered; agents being rung for them are freed."""
    w.in_queue[call.queue.name].remove(call.key)
    if call.pool is not None:
        call.pool.remove(call)
    for handle in call.timers.values():
        w.timers.cancel(handle)
    del w.calls[call.call_id]
    for agent_id in list(call.offers):
        agent = w.agents[agent_id]
        end_ring(w, call, agent, cancel=True)
        if agent.state is AgentState.RESERVED:
            make_ready(w, agent)


def leave_if_empty(w: World) -> None:
    """leave_when_empty: waiting callers whose queue has no member there any more (for
    their requirement) are taken out. Checked after every event that changed an agent."""
    if not w.index.leave_when_empty:
        return
    names = {
        name
        for agent_id in w.touched
        if (agent := w.agents.get(agent_id)) is not None
        for name in agent.queues
        if w.index.queues[name].leave_when_empty
    }
    for name in sorted(names):
        queue, members = w.index.queues[name], w.index.members[name]
        for pool in w.pools.by_queue[name]:
            if len(pool) and not w.sets.present(pool.mask, members, queue.leave_when_empty):
                for call in list(pool.in_order()):
                    remove(w, call, "leaveempty")
