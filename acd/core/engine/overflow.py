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

This module decides (which rule holds, which target can take the caller) and records;
moving the caller (leaving one queue, entering another) is callers.py's, which calls it.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

from acd.core.engine.config import OverflowRule, OverflowTo, OverflowWhen, QueueConfig
from acd.core.engine.escalation import requirement
from acd.core.engine.estimate import estimated_wait, position
from acd.core.engine.facts import CallOverflowed
from acd.core.engine.state import Call, CallState
from acd.core.engine.timers import Alarm, AlarmKind
from acd.core.engine.world import World


def rules_due(
    w: World, call: Call, closed_only: bool | None
) -> Iterator[tuple[int, OverflowRule, float]]:
    """The rules that hold for the caller now, in order, with what each measured.
    ``closed_only``: True for the closed-hours rules only, False for the others, None
    for all of them. The caller takes the first whose target can take them."""
    for index, rule in enumerate(call.queue.overflow):
        if closed_only is not None and closed_only != (rule.when is OverflowWhen.CLOSED):
            continue
        seen = _applies(w, call, rule)
        if seen is not None:
            yield index, rule, seen


def closed_treatment_now(w: World, queue: QueueConfig) -> bool:
    """The queue is closed and has a rule for it: callers get it whatever the staffing."""
    return any(r.when is OverflowWhen.CLOSED for r in queue.overflow) and _closed(w, queue)


def waiting_in(w: World, name: str) -> list[Call]:
    """The periodic check's callers: every one waiting in the queue, in queue order."""
    w.overflow_ticks.pop(name, None)
    if name not in w.index.queues:
        return []
    waiting = [
        call
        for pool in w.pools.by_queue[name]
        for call in pool.in_order()
        if call.state is CallState.WAITING
    ]
    return sorted(waiting, key=lambda c: c.key)


def keep_checking(w: World, queue: QueueConfig) -> None:
    """The queue's periodic check runs while it has callers and rules."""
    if not queue.overflow or queue.name in w.overflow_ticks or not len(w.in_queue[queue.name]):
        return
    alarm = Alarm(AlarmKind.OVERFLOW, queue=queue.name)
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


def target_queue(w: World, call: Call, rule: OverflowRule) -> QueueConfig | None:
    """The queue a queue rule sends the caller to, if it can take them: not one they
    overflowed from (no ping-pong), not their own, not a full one."""
    target = w.index.queues.get(rule.target)
    if target is None or target.name in call.overflowed_from or target is call.queue:
        return None
    if target.max_length and len(w.in_queue[target.name]) >= target.max_length:
        return None
    return target


def moved(w: World, call: Call, target: QueueConfig, rule: OverflowRule) -> Call:
    """The caller as they enter ``target``: original entry time, the rule's boost."""
    return Call(
        call_id=call.call_id,
        queue=target,
        entered_at=call.entered_at,
        priority=call.priority + rule.priority_boost,
        seq=call.seq,
        own_skills=call.own_skills,
        caller=call.caller,
        language=call.language,
        requirement=requirement(target, call.own_skills, call.entered_at, w.now),
        original_position=0,
        overflowed_from=(*call.overflowed_from, call.queue.name),
    )


def record(w: World, call: Call, index: int, rule: OverflowRule, seen: float) -> None:
    waited = w.now - call.entered_at
    if rule.to is not OverflowTo.CALLBACK:  # a wait that ended without an abandon
        w.stats[call.queue.name].abandonment.add(w.now, 0.0, waited)
    w.emit(
        CallOverflowed(
            at=w.now,
            call_id=call.call_id,
            queue=call.queue.name,
            rule=index,
            when=rule.when.value,
            to=rule.to.value,
            target=rule.target,
            position=position(w, call),
            wait_s=waited,
            seen=round(seen, 3) if math.isfinite(seen) else -1.0,
        )
    )
