"""The KPI rules one at a time, on small made-up facts (the whole day: test_report_golden)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from acd.core.engine.facts import (
    AgentStateChanged,
    CallAbandonedInQueue,
    CallAnswered,
    CallbackBooked,
    CallCompleted,
    CallConnectFailed,
    CallEntered,
    CallLeftQueue,
    CallOverflowed,
    CallRefused,
)
from acd.core.facts import Fact
from acd.core.outbound.facts import LeadDialled
from acd.core.report import BadPeriodError, Period, ReportOptions, compute_report, parse_period
from acd.core.report.rates import AgentKpis, QueueKpis

DAY = Period(1000.0, 2000.0, "test")
OPTIONS = ReportOptions(short_abandon_s=5.0, sl_threshold_s={"q": 20.0})


def entered(at: float, call: str, queue: str = "q") -> CallEntered:
    return CallEntered(at, call, queue, 1, 0, "")


def answered(at: float, call: str, wait: float, agent: str = "1001") -> CallAnswered:
    return CallAnswered(at + wait, call, "q", agent, wait, 1.0)


def abandoned(at: float, call: str, wait: float) -> CallAbandonedInQueue:
    return CallAbandonedInQueue(at + wait, call, "q", 1, 1, wait)


def queue_kpis(facts: list[Fact], options: ReportOptions = OPTIONS) -> QueueKpis:
    report = compute_report(facts, DAY, now=10_000.0, options=options)
    return report.queues[0]


def agent_kpis(facts: list[Fact], now: float = 10_000.0) -> AgentKpis:
    return compute_report(facts, DAY, now=now, options=OPTIONS).agents[0]


def test_short_abandons_are_apart_and_out_of_every_rate() -> None:
    q = queue_kpis(
        [
            entered(1100, "a"),
            answered(1100, "a", 20.0),  # within SL: boundary included
            entered(1200, "b"),
            answered(1200, "b", 20.5),  # after SL
            entered(1300, "c"),
            abandoned(1300, "c", 5.0),  # short: boundary included
            entered(1400, "d"),
            abandoned(1400, "d", 5.5),  # long
        ]
    )
    assert (q.offered, q.answered, q.abandoned, q.short_abandoned) == (4, 2, 2, 1)
    assert q.service_level == pytest.approx(1 / 3)  # 1 within / (2 answered + 1 long)
    assert q.answer_rate == pytest.approx(2 / 3)
    assert q.abandon_rate == pytest.approx(1 / 3)
    assert q.lost_rate == pytest.approx(1 / 3)
    assert q.asa_s == pytest.approx(20.25)


def test_the_short_abandon_threshold_is_an_option() -> None:
    facts: list[Fact] = [entered(1100, "a"), abandoned(1100, "a", 8.0)]
    assert queue_kpis(facts).short_abandoned == 0
    assert queue_kpis(facts, ReportOptions(short_abandon_s=10.0)).short_abandoned == 1


def test_exits_and_refusals() -> None:
    q = queue_kpis(
        [
            entered(1100, "t"),
            CallLeftQueue(1200, "t", "q", "timeout", 1, 100.0),
            entered(1100, "k"),
            CallLeftQueue(1200, "k", "q", "exitkey", 1, 100.0),
            entered(1100, "e"),
            CallLeftQueue(1200, "e", "q", "leaveempty", 1, 100.0),
            CallRefused(1300, "f", "q", "full"),
        ]
    )
    assert q.offered == 3  # a refused call never reached the queue
    assert q.exited == {"exitkey": 1, "leaveempty": 1, "timeout": 1}
    assert q.refused == {"full": 1}
    assert q.lost == 2  # empty queue + full; timeout and exit key go on elsewhere
    assert q.lost_rate == pytest.approx(2 / 4)
    assert q.service_level is None  # nothing answered nor abandoned: no SL, not 0 %


def test_a_call_counts_in_the_period_it_entered() -> None:
    report = compute_report(
        [
            entered(990, "before"),
            answered(990, "before", 20.0),
            entered(1990, "late"),
            answered(1990, "late", 30.0),
            entered(2000, "after"),
        ],
        DAY,
        now=10_000.0,
        options=OPTIONS,
    )
    assert (report.all_queues.offered, report.all_queues.answered) == (1, 1)
    assert report.all_queues.asa_s == 30.0


def test_an_entry_journaled_again_after_a_restart_counts_once() -> None:
    q = queue_kpis(
        [
            entered(1100, "a"),
            entered(1150, "a"),  # the restarted server journaled it again
            answered(1100, "a", 70.0),
            entered(1300, "a"),
            abandoned(1300, "a", 9.0),  # later: a new visit of the caller
        ]
    )
    assert (q.offered, q.answered, q.abandoned) == (2, 1, 1)


def test_a_call_still_waiting_or_talking() -> None:
    q = queue_kpis([entered(1100, "w"), entered(1100, "t"), answered(1100, "t", 3.0)])
    assert (q.offered, q.waiting, q.answered, q.handled, q.aht_s) == (2, 1, 1, 0, None)


def test_an_answer_asterisk_could_not_connect_is_waiting_again() -> None:
    failed = CallConnectFailed(1104.0, "f", "q", "1001")
    q = queue_kpis([entered(1100, "f"), answered(1100, "f", 3.0), failed])
    assert (q.offered, q.waiting, q.answered) == (1, 1, 0)
    q = queue_kpis([entered(1100, "f"), answered(1100, "f", 3.0), failed, abandoned(1100, "f", 9)])
    assert (q.offered, q.waiting, q.answered, q.abandoned) == (1, 0, 0, 1)


def test_aht_adds_the_wrap_up_that_follows_the_call() -> None:
    agent = "1001"
    report = compute_report(
        [
            AgentStateChanged(1000, agent, "ready", "logged_out"),
            entered(1100, "a"),
            answered(1100, "a", 10.0),
            AgentStateChanged(1110, agent, "on_call", "reserved"),
            CallCompleted(1170, "a", "q", agent, "caller", 10.0, 60.0),
            AgentStateChanged(1170, agent, "wrap_up", "on_call"),
            AgentStateChanged(1185, agent, "paused", "wrap_up", "admin"),
        ],
        DAY,
        now=10_000.0,
        options=OPTIONS,
    )
    assert report.queues[0].aht_s == 75.0
    assert report.agents[0].aht_s == 75.0
    assert report.agents[0].talk_s == 60.0


def test_agent_times_are_cut_to_the_period_and_to_now() -> None:
    facts: list[Fact] = [
        AgentStateChanged(500, "1001", "ready", "logged_out"),  # since before the period
        AgentStateChanged(1200, "1001", "on_call", "ready"),
        AgentStateChanged(1300, "1001", "wrap_up", "on_call"),
        AgentStateChanged(1400, "1001", "paused", "wrap_up", "lunch"),
        AgentStateChanged(1500, "1001", "ready", "paused"),
    ]
    a = agent_kpis(facts)
    assert (a.logged_in_s, a.busy_s, a.paused_s, dict(a.pauses)) == (
        1000.0,
        200.0,
        100.0,
        {"lunch": 100.0},
    )
    assert a.occupancy == pytest.approx(200 / 900)
    live = agent_kpis(facts, now=1450.0)  # the period is not over yet
    assert (live.logged_in_s, live.paused_s) == (450.0, 50.0)


def test_an_agent_who_never_logged_in_has_no_rates() -> None:
    a = AgentKpis("1001", 0, 0, 0, 0.0, 0.0, 0.0, 0.0, 0.0, {})
    assert (a.aht_s, a.occupancy, a.calls_per_hour) == (None, None, None)


def test_named_queues_and_agents_get_a_line_of_zeros() -> None:
    report = compute_report([], DAY, now=5000.0, options=OPTIONS, queues=["q"], agents=["7"])
    assert [q.queue for q in report.queues] == ["q"]
    assert report.queues[0].offered == 0
    assert [a.agent_id for a in report.agents] == ["7"]


NOW = datetime(2024, 3, 11, 15, 30, tzinfo=UTC).timestamp()


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> float:
    return datetime(year, month, day, hour, minute, tzinfo=UTC).timestamp()


@pytest.mark.parametrize(
    ("start", "end", "since", "until"),
    [
        ("today", None, utc(2024, 3, 11), utc(2024, 3, 12)),
        ("yesterday", None, utc(2024, 3, 10), utc(2024, 3, 11)),
        ("2024-03-01", "2024-03-07", utc(2024, 3, 1), utc(2024, 3, 8)),
        ("2024-03-11 08:00", "2024-03-11 12:30", utc(2024, 3, 11, 8), utc(2024, 3, 11, 12, 30)),
        ("2024-03-11T08:00", None, utc(2024, 3, 11, 8), utc(2024, 3, 12)),
    ],
)
def test_periods(start: str, end: str | None, since: float, until: float) -> None:
    period = parse_period(start, end, NOW, UTC)
    assert (period.since, period.until) == (since, until)


def test_a_period_in_another_time_zone_and_its_label() -> None:
    paris = timezone(timedelta(hours=1), "CET")
    period = parse_period("2024-03-11", None, NOW, paris)
    assert period.since == utc(2024, 3, 10, 23)
    assert period.label == "2024-03-11 00:00 to 2024-03-12 00:00 (CET)"


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        ("11/03/2024", None, r"--from '11/03/2024': not a date \(expected YYYY-MM-DD"),
        ("2024-03-11", "tomorrow", "--to 'tomorrow': not a date"),
        ("2024-03-11", "2024-03-10", "--to '2024-03-10' is not after --from '2024-03-11'"),
        ("2024-02-30", None, "--from '2024-02-30': not a date"),
    ],
)
def test_bad_periods_say_which_option_and_why(start: str, end: str | None, message: str) -> None:
    with pytest.raises(BadPeriodError, match=message):
        parse_period(start, end, NOW, UTC)


def test_overflow_out_per_target_and_in_per_queue() -> None:
    facts: list[Fact] = [
        entered(1100, "moved", "q"),
        CallOverflowed(1130, "moved", "q", 0, "waited_over", "queue", "other", 1, 30.0),
        CallEntered(1130, "moved", "other", 1, 2, ""),
        CallAnswered(1150, "moved", "other", "1001", 50.0, 1.0),  # wait from the first entry
        entered(1200, "out", "q"),
        CallOverflowed(1260, "out", "q", 1, "estimated_wait_over", "centre", "partner", 1, 60.0),
        entered(1300, "offered", "q"),
        CallOverflowed(1310, "offered", "q", 2, "waited_over", "callback", "", 1, 10.0),
        answered(1300, "offered", 40.0),  # a callback offer does not end the visit
    ]
    options = ReportOptions(sl_threshold_s={"q": 20.0, "other": 60.0})
    report = compute_report(facts, DAY, now=10_000.0, options=options)
    other, q = report.queues
    assert (q.offered, q.answered, q.waiting) == (3, 1, 0)
    assert q.overflowed_out == {"centre partner": 1, "queue other": 1}
    assert q.service_level == 0.0  # only "offered" counts: answered after 40 s > 20 s
    assert (other.offered, other.answered, other.overflowed_in) == (1, 1, {"q": 1})
    assert other.asa_s == 50.0


def test_callbacks_requested_completed_merged_failed_and_pending() -> None:
    def booked(at: float, call: str, merged_into: str = "") -> CallbackBooked:
        return CallbackBooked(at, call, "q", "+33600000000", at - 10, 0, "", "fr", (), merged_into)

    facts: list[Fact] = [
        entered(1100, "done"),
        booked(1110, "done"),
        answered(1100, "done", 300.0),
        entered(1200, "merged"),
        booked(1210, "merged", "done"),
        CallLeftQueue(1210, "merged", "q", "callback-merged", 2, 10.0),
        entered(1300, "failed"),
        booked(1310, "failed"),
        CallLeftQueue(1900, "failed", "q", "callback-failed", 1, 600.0),
        entered(1400, "pending"),
        booked(1410, "pending"),
    ]
    q = queue_kpis(facts)
    assert q.callbacks == {"requested": 4, "completed": 1, "merged": 1, "failed": 1, "pending": 1}
    assert q.service_level == 0.0  # the completed callback waited 300 s: not within 20 s
    assert q.lost == 1  # the failed callback; the merged request lives on in "done"


def test_a_campaigns_person_is_outbound_work_not_an_inbound_caller() -> None:
    facts: list[Fact] = [
        entered(1100, "in"),
        answered(1100, "in", 30),  # an inbound caller answered after 30 s: outside SL
        LeadDialled(1190, "acd-dl-1", "renewals", "+33600000001", 1),
        entered(1200, "acd-dl-1"),
        answered(1200, "acd-dl-1", 0.5, "1002"),  # the campaign's person, put through
    ]
    q = queue_kpis(facts)
    assert (q.offered, q.answered, q.answered_within_sl) == (1, 1, 0)
    report = compute_report(facts, DAY, now=10_000.0, options=OPTIONS)
    assert {a.agent_id: a.answered for a in report.agents} == {"1001": 1, "1002": 1}
