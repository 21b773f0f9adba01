"""Overflow: a queue's rules send waiting callers elsewhere when it cannot serve them.

Rules are checked in order and the first that holds wins: at entry (closed-hours rules
before an agent is looked for, the others for a caller left waiting) and then every
``overflow_check_s`` while the queue has callers waiting, so no caller stays past a
limit by more than that step. Callers being rung are left alone: an agent may answer.

A caller sent to another queue keeps their entry time and gets the rule's priority
boost, so they do not lose their turn; they are never sent back to a queue they
overflowed from (no ping-pong). A rule whose target queue is full is skipped. Other
targets (another centre, a number, voicemail, a message) take the caller out of the
ACD; a callback offer keeps their place while they answer it.
"""

from __future__ import annotations

import math

from acd.core.engine import callers
from acd.core.engine.commands import MoveCaller, OverflowCaller
from acd.core.engine.config import OverflowRule, OverflowTo, OverflowWhen, QueueConfig
from acd.core.engine.escalation import requirement
from acd.core.engine.estimate import estimated_wait, position
from acd.core.engine.facts import CallOverflowed
from acd.core.engine.state import Call, CallState
from acd.core.engine.timers import Alarm
from acd.core.engine.world import World


def at_entry(w: World, call: Call, closed_only: bool) -> bool:
    """Apply the first rule that holds for a caller who just took their place; True if
    the caller left. Starts the queue's periodic check while callers wait."""
    for index, rule in enumerate(call.queue.overflow):
        if closed_only != (rule.when is OverflowWhen.CLOSED):
            continue
        seen = _applies(w, call, rule)
        if seen is not None and _send(w, call, index, rule, seen):
            return True
    if call.queue.overflow and not closed_only:
        _keep_checking(w, call.queue)
    return False


def closed_treatment_now(w: World, queue: QueueConfig) -> bool:
    """The queue is closed and has a rule for it: callers get it whatever the staffing."""
    return any(r.when is OverflowWhen.CLOSED for r in queue.overflow) and _closed(w, queue)


def check_queue(w: World, name: str) -> None:
    """The periodic check: every waiting caller of the queue, in queue order."""
    w.overflow_ticks.pop(name, None)
    queue = w.index.queues.get(name)
    if queue is None:
        return
    waiting = [
        call
        for pool in w.pools.by_queue[name]
        for call in pool.in_order()
        if call.state is CallState.WAITING
    ]
    for call in sorted(waiting, key=lambda c: c.key):
        if call.call_id in w.calls and call.state is CallState.WAITING:
            _first_rule(w, call)
    _keep_checking(w, queue)


def _first_rule(w: World, call: Call) -> None:
    for index, rule in enumerate(call.queue.overflow):
        seen = _applies(w, call, rule)
        if seen is not None and _send(w, call, index, rule, seen):
            return


def _keep_checking(w: World, queue: QueueConfig) -> None:
    if queue.name in w.overflow_ticks or not len(w.in_queue[queue.name]):
        return
    alarm = Alarm("overflow", queue=queue.name)
    w.overflow_ticks[queue.name] = w.timers.schedule(w.now + queue.overflow_check_s, alarm)


# -- conditions ------------------------------------------------------------------------


def _applies(w: World, call: Call, rule: OverflowRule) -> float | None:
    """What the rule measured if it holds (journaled with the overflow, so the decision
    explains itself); None if it does not hold, or is a callback offer already heard."""
    if call.callback_number:  # a booked callback: nobody on the line to send anywhere
        return None
    if rule.to is OverflowTo.CALLBACK and call.callback_offered:
        return None
    value = _measure(w, call, rule)
    if value is None:
        return None
    if rule.when is OverflowWhen.SERVICE_LEVEL_UNDER:
        return value if value < rule.threshold else None
    if rule.when in _YES_NO:
        return value if value else None
    return value if value > rule.threshold else None


_YES_NO = (OverflowWhen.NO_AGENT_LOGGED_IN, OverflowWhen.NO_AGENT_READY, OverflowWhen.CLOSED)


def _measure(w: World, call: Call, rule: OverflowRule) -> float | None:
    """Seconds, callers, callers per agent or percent by condition; 1.0 / 0.0 for the
    yes-or-no ones; None when there is nothing to judge by (no call in the SL window)."""
    when = rule.when
    if when is OverflowWhen.WAITED_OVER:
        return w.now - call.entered_at
    if when is OverflowWhen.ESTIMATED_WAIT_OVER:
        return estimated_wait(w, call)
    if when is OverflowWhen.LENGTH_OVER:
        return float(len(w.in_queue[call.queue.name]))
    if when is OverflowWhen.PER_READY_AGENT_OVER:
        return _per_ready_agent(w, call)
    if when is OverflowWhen.NO_AGENT_LOGGED_IN:
        return float(not _eligible(w, call) & w.sets.logged_in)
    if when is OverflowWhen.NO_AGENT_READY:
        return float(not _eligible(w, call) & w.sets.offerable)
    if when is OverflowWhen.SERVICE_LEVEL_UNDER:
        return w.stats[call.queue.name].recent.service_level(w.now, rule.window_s)
    return float(_closed(w, call.queue))


def _eligible(w: World, call: Call) -> int:
    """Agents who could take this caller, whatever their state."""
    return w.index.eligible(call.queue.name, call.requirement)


def _per_ready_agent(w: World, call: Call) -> float:
    waiting = len(w.in_queue[call.queue.name])
    ready = (_eligible(w, call) & w.sets.offerable).bit_count()
    return waiting / ready if ready else math.inf


def _closed(w: World, queue: QueueConfig) -> bool:
    hours = w.index.config.calendars.get(queue.calendar) if queue.calendar else None
    return hours is not None and not hours.is_open(w.now)


# -- targets ---------------------------------------------------------------------------


def _send(w: World, call: Call, index: int, rule: OverflowRule, seen: float) -> bool:
    """Carry out the rule; False if its target cannot take the caller (rule skipped)."""
    if rule.to is OverflowTo.QUEUE:
        return _to_queue(w, call, index, rule, seen)
    _record(w, call, index, rule, seen)
    w.command(OverflowCaller(call.call_id, call.queue.name, rule.to, rule.target, rule.number))
    if rule.to is OverflowTo.CALLBACK:
        call.callback_offered = True
    else:
        callers.leave(w, call)
    return True


def _to_queue(w: World, call: Call, index: int, rule: OverflowRule, seen: float) -> bool:
    target = w.index.queues.get(rule.target)
    if target is None or target.name in call.overflowed_from or target is call.queue:
        return False
    if target.max_length and len(w.in_queue[target.name]) >= target.max_length:
        return False
    _record(w, call, index, rule, seen)
    callers.leave(w, call)
    moved = Call(
        call.call_id,
        target,
        call.entered_at,
        call.priority + rule.priority_boost,
        call.seq,
        call.own_skills,
        call.caller,
        call.language,
        requirement(target, call.own_skills, call.entered_at, w.now),
        original_position=0,
        overflowed_from=(*call.overflowed_from, call.queue.name),
    )
    w.command(MoveCaller(call.call_id, target.name, moved.priority))
    callers.enter(w, moved)
    return True


def _record(w: World, call: Call, index: int, rule: OverflowRule, seen: float) -> None:
    waited = w.now - call.entered_at
    if rule.to is not OverflowTo.CALLBACK:  # a wait that ended without an abandon
        w.stats[call.queue.name].abandonment.add(w.now, 0.0, waited)
    w.emit(
        CallOverflowed(
            w.now,
            call.call_id,
            call.queue.name,
            index,
            rule.when.value,
            rule.to.value,
            rule.target,
            position(w, call),
            waited,
            round(seen, 3) if math.isfinite(seen) else -1.0,
        )
    )
