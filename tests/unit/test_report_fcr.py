"""First-contact resolution: by the agents' ticks, and by repeat calls of a number."""

from __future__ import annotations

from acd.core.engine.facts import CallAnswered, CallEntered
from acd.core.facts import Fact
from acd.core.outbound.facts import LeadDialled
from acd.core.report.fcr import ALL, first_contact
from acd.core.report.period import Period
from acd.core.wrapup import CallWrappedUp

DAY = Period(0.0, 86_400.0, "day")
WEEK = 7 * 86_400.0


def _call(call: str, at: float, caller: str, queue: str = "sales") -> list[Fact]:
    return [
        CallEntered(at, call, queue, 1, 5, caller),
        CallAnswered(at + 5, call, queue, "1001", 5, 1),
    ]


def test_by_tick_and_by_repeat_per_queue_and_for_all() -> None:
    facts: list[Fact] = [
        *_call("a", 100, "0601"),
        CallWrappedUp(200, "a", "sales", "1001", "info", True),
        *_call("b", 300, "0602"),
        CallWrappedUp(400, "b", "sales", "1001", "complaint", False),
        *_call("c", 500, "0603", "support"),  # no tick; its number calls back tomorrow
        *_call("d", 90_000, "0603", "support"),  # the repeat (outside the day)
        *_call("e", 600, "anonymous"),  # no number: not judged by repeats
    ]
    rows = {r.queue: r for r in first_contact(facts, DAY, WEEK)}
    sales, support, every = rows["sales"], rows["support"], rows[ALL]
    assert (sales.answered, sales.ticked, sales.resolved, sales.by_tick) == (3, 2, 1, 0.5)
    assert (sales.with_number, sales.repeated, sales.by_repeat) == (2, 0, 1.0)
    assert (support.answered, support.ticked, support.by_tick) == (1, 0, None)
    assert (support.repeated, support.by_repeat) == (1, 0.0)
    assert (every.answered, every.with_number, every.repeated) == (4, 3, 1)
    assert list(rows)[-1] == ALL


def test_a_repeat_after_the_window_and_campaign_calls_do_not_count() -> None:
    facts: list[Fact] = [
        *_call("a", 100, "0601"),
        *_call("late", 100 + WEEK + 1, "0601"),  # called again, but after the window
        LeadDialled(200, "out", "spring", "0601", 1),
        *_call("out", 210, "0601"),  # the campaign's call to them: not a repeat, not inbound
    ]
    rows = {r.queue: r for r in first_contact(facts, DAY, WEEK)}
    assert (rows["sales"].answered, rows["sales"].repeated) == (1, 0)
