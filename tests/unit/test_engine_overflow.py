"""Overflow rules: conditions checked at entry and while callers wait, and their targets."""

from __future__ import annotations

from acd.core.engine import AcdConfig, AgentConfig, Engine, QueueConfig
from acd.core.engine.commands import MoveCaller, OverflowCaller, RemoveCaller, RingAgent
from acd.core.engine.config import (
    MemberCondition,
    OverflowRule,
    OverflowTo,
    OverflowWhen,
    PauseReason,
)
from acd.core.engine.driver import Driver
from acd.core.engine.events import (
    AgentAnswered,
    AgentLoggedOut,
    AgentPaused,
    CallAbandoned,
    CallArrived,
    CallEnded,
)
from acd.core.engine.facts import CallAnswered, CallEntered, CallOverflowed

W, E = OverflowWhen, OverflowTo


class Hours:
    """Open from ``opens`` to ``closes`` (epoch seconds): a stand-in for acd.core.hours."""

    def __init__(self, opens: float, closes: float) -> None:
        self.opens, self.closes = opens, closes

    def is_open(self, at: float) -> bool:
        return self.opens <= at < self.closes


def driver(
    *rules: OverflowRule, other: tuple[OverflowRule, ...] = (), agents: int = 1, **queue: object
) -> Driver:
    ids = tuple(str(1001 + i) for i in range(agents))
    config = AcdConfig(
        queues=(
            QueueConfig("q", ids, overflow=rules, **queue),  # type: ignore[arg-type]
            QueueConfig("other", ("2001",), overflow=other),
        ),
        agents=(*(AgentConfig(a) for a in ids), AgentConfig("2001")),
        pause_reasons=(PauseReason("1", "lunch"),),
        calendars={"office": Hours(0, 1000)},
    )
    return Driver(Engine(config))


def keep_busy(d: Driver, *agents: str) -> None:
    for agent in agents:
        d.bring_in(agent)
        d.send(CallArrived(f"busy-{agent}", "q" if agent != "2001" else "other", d.now))
        d.send(AgentAnswered(f"busy-{agent}", agent))


def overflows(d: Driver) -> list[tuple[str, str, str, float]]:
    return [(f.call_id, f.to, f.target, f.at) for f in d.seen(CallOverflowed)]


def test_waited_over_sends_the_caller_out_within_one_check_step() -> None:
    d = driver(
        OverflowRule(W.WAITED_OVER, E.CENTRE, "partner", threshold=30, number="200"),
        overflow_check_s=2,
    )
    keep_busy(d, "1001")
    d.send(CallArrived("c1", "q", 1), at=1)
    d.advance(40)
    # Checks every 2 s from the entry at 1: at 31 it has waited 30 s (not over), at 33 it goes:
    # never more than one step (2 s) past the limit.
    assert overflows(d) == [("c1", "centre", "partner", 33)]
    assert d.seen(CallOverflowed)[0].seen == 32  # what the rule measured: 32 s waited
    assert d.seen(OverflowCaller) == [OverflowCaller("c1", "q", E.CENTRE, "partner", "200")]
    d.send(CallEnded("busy-1001", "agent"), at=50)
    assert [r.call_id for r in d.seen(RingAgent)] == ["busy-1001"]  # c1 is gone


def test_estimated_wait_over_spares_the_callers_at_the_front() -> None:
    d = driver(
        OverflowRule(W.ESTIMATED_WAIT_OVER, E.VOICEMAIL, "500", threshold=100), default_handle_s=100
    )
    keep_busy(d, "1001")
    for i in range(4):
        d.send(CallArrived(f"c{i}", "q", 1 + i), at=1 + i)
    sent = [call for call, *_ in overflows(d)]
    assert sent
    assert "c0" not in sent
    assert sent == [f"c{i}" for i in range(4 - len(sent), 4)]  # the last ones go, in order
    assert all(d.engine.estimated_wait(c, 5) <= 100 for c in ("c0",))


def test_length_and_per_ready_agent_conditions() -> None:
    d = driver(OverflowRule(W.LENGTH_OVER, E.MESSAGE, "busy", threshold=2))
    keep_busy(d, "1001")
    for i in range(4):
        d.send(CallArrived(f"c{i}", "q", 1 + i), at=1 + i)
    # busy-1001 is connected (not in the queue); c0, c1 wait; c2 makes 3 > 2 and goes.
    assert [c for c, *_ in overflows(d)] == ["c2", "c3"]

    d = driver(OverflowRule(W.PER_READY_AGENT_OVER, E.MESSAGE, "busy", threshold=0))
    keep_busy(d, "1001")
    d.send(CallArrived("c0", "q", 1), at=1)  # nobody ready: infinitely many per agent
    assert [c for c, *_ in overflows(d)] == ["c0"]


def test_no_agent_logged_in_or_ready() -> None:
    d = driver(
        OverflowRule(W.NO_AGENT_LOGGED_IN, E.VOICEMAIL, "500"),
        OverflowRule(W.NO_AGENT_READY, E.MESSAGE, "later"),
    )
    d.send(CallArrived("c0", "q", 0))  # nobody logged in: the first rule
    d.bring_in("1001")
    d.send(AgentPaused("1001", "lunch"), at=1)
    d.send(CallArrived("c1", "q", 2), at=2)  # logged in but paused: the second
    assert [(c, to) for c, to, *_ in overflows(d)] == [("c0", "voicemail"), ("c1", "message")]


def test_service_level_of_the_last_minutes() -> None:
    rule = OverflowRule(W.SERVICE_LEVEL_UNDER, E.MESSAGE, "sorry", threshold=50, window_s=600)
    d = driver(rule, service_level_s=20)
    keep_busy(d, "1001")
    d.send(CallArrived("late", "q", 1), at=1)
    d.send(CallEnded("busy-1001", "agent"), at=60)
    d.send(AgentAnswered("late", "1001"), at=61)  # answered after 60 s: SL 1/2 = 50 %
    d.send(CallArrived("c1", "q", 62), at=62)
    d.send(CallAbandoned("c1"), at=63)  # abandoned: 1 in time of 3 = 33 %
    d.send(CallArrived("c2", "q", 70), at=70)
    d.advance(72)
    assert [c for c, *_ in overflows(d)] == ["c2"]
    d2 = driver(rule)
    d2.send(CallArrived("first", "q", 0))  # no call yet in the window: no verdict, no overflow
    assert overflows(d2) == []


def test_closed_hours_apply_before_an_agent_is_rung() -> None:
    d = driver(OverflowRule(W.CLOSED, E.VOICEMAIL, "500"), calendar="office")
    d.bring_in("1001")
    d.send(CallArrived("open", "q", 10), at=10)
    assert [r.call_id for r in d.seen(RingAgent)] == ["open"]
    d.send(AgentAnswered("open", "1001"), at=12)
    d.send(CallEnded("open", "agent"), at=20)
    d.send(CallArrived("night", "q", 1000), at=1000)
    assert [r.call_id for r in d.seen(RingAgent)] == ["open"]  # never rung, though ready
    assert overflows(d) == [("night", "voicemail", "500", 1000)]


def test_callers_waiting_at_closing_time_get_the_closed_treatment() -> None:
    d = driver(OverflowRule(W.CLOSED, E.MESSAGE, "closed"), calendar="office")
    keep_busy(d, "1001")
    d.send(CallArrived("c1", "q", 990), at=990)
    d.advance(1001)
    assert overflows(d) == [("c1", "message", "closed", 1000)]


def test_overflow_to_a_queue_keeps_the_entry_time_and_boosts_priority() -> None:
    d = driver(OverflowRule(W.WAITED_OVER, E.QUEUE, "other", threshold=10, priority_boost=2))
    keep_busy(d, "1001", "2001")
    d.send(CallArrived("early-here", "q", 1), at=1)
    d.send(CallArrived("there", "other", 5), at=5)
    d.advance(12)
    assert d.seen(MoveCaller) == [MoveCaller("early-here", "other", 2)]
    entered = [(f.call_id, f.queue) for f in d.seen(CallEntered)]
    assert entered[-1] == ("early-here", "other")
    d.send(CallEnded("busy-2001", "agent"), at=20)  # the boost puts it ahead of "there"
    assert d.seen(RingAgent)[-1].call_id == "early-here"
    d.send(AgentAnswered("early-here", "2001"), at=21)
    assert d.seen(CallAnswered)[-1].wait_s == 20  # counted from the first entry


def test_never_sent_back_to_a_queue_it_overflowed_from() -> None:
    d = driver(
        OverflowRule(W.WAITED_OVER, E.QUEUE, "other", threshold=5),
        other=(OverflowRule(W.WAITED_OVER, E.QUEUE, "q", threshold=5),),
    )
    keep_busy(d, "1001", "2001")
    d.send(CallArrived("c1", "q", 1), at=1)
    d.advance(60)
    assert [(c, t) for c, _, t, _ in overflows(d)] == [("c1", "other")]


def test_a_full_target_queue_skips_the_rule_for_the_next_one() -> None:
    config = AcdConfig(
        queues=(
            QueueConfig(
                "q",
                ("1001",),
                overflow=(
                    OverflowRule(W.WAITED_OVER, E.QUEUE, "small", threshold=5),
                    OverflowRule(W.WAITED_OVER, E.VOICEMAIL, "500", threshold=5),
                ),
            ),
            QueueConfig("small", ("2001",), max_length=1),
        ),
        agents=(AgentConfig("1001"), AgentConfig("2001")),
    )
    d = Driver(Engine(config))
    d.send(CallArrived("filler", "small", 0))
    d.send(CallArrived("c1", "q", 0))
    d.advance(10)
    assert [(c, to) for c, to, *_ in overflows(d)] == [("c1", "voicemail")]


def test_a_callback_offer_keeps_the_place_and_is_made_once() -> None:
    d = driver(OverflowRule(W.WAITED_OVER, E.CALLBACK, threshold=5))
    keep_busy(d, "1001")
    d.send(CallArrived("c1", "q", 1), at=1)
    d.advance(30)
    assert overflows(d) == [("c1", "callback", "", 7)]
    d.send(CallEnded("busy-1001", "agent"), at=31)
    assert d.seen(RingAgent)[-1].call_id == "c1"  # still in line


def test_a_ringing_caller_is_left_alone() -> None:
    d = driver(OverflowRule(W.WAITED_OVER, E.MESSAGE, "x", threshold=5))
    d.bring_in("1001")
    d.send(CallArrived("c1", "q", 0))  # rung at once, never answers within 15 s
    d.advance(10)
    assert overflows(d) == []


def test_checks_stop_when_nobody_waits() -> None:
    d = driver(OverflowRule(W.WAITED_OVER, E.MESSAGE, "x", threshold=60))
    keep_busy(d, "1001")
    d.send(CallArrived("c1", "q", 1), at=1)
    d.send(CallAbandoned("c1"), at=2)
    d.send(AgentLoggedOut("1001"), at=3)
    d.advance(10)
    assert d.engine.next_deadline() is None


def test_closed_hours_come_before_refusing_an_empty_queue() -> None:
    nobody = frozenset({MemberCondition.UNAVAILABLE, MemberCondition.UNKNOWN})
    d = driver(OverflowRule(W.CLOSED, E.VOICEMAIL, "500"), calendar="office", join_empty=nobody)
    d.send(CallArrived("night", "q", 1000), at=1000)  # nobody there, and closed
    assert overflows(d) == [("night", "voicemail", "500", 1000)]
    assert d.seen(RemoveCaller) == []
