"""The real engine's facts, through the journal, make the report we expect: the facts'
contract (order, wrap-up after completion, agent states) is what the report assumes."""

from __future__ import annotations

from pathlib import Path

from acd.adapters.journal import Journal
from acd.core.engine import AcdConfig, AgentConfig, Engine, PauseReason, QueueConfig
from acd.core.engine.events import (
    AgentAnswered,
    AgentLoggedIn,
    AgentMissed,
    AgentPaused,
    AgentUnpaused,
    CallAbandoned,
    CallArrived,
    CallEnded,
    CallTransferred,
    EngineEvent,
    PhoneState,
    PhoneStateChanged,
    TimerFired,
)
from acd.core.report import Period, ReportOptions, compute_report

CONFIG = AcdConfig(
    queues=(
        QueueConfig(
            "sales", ("1001", "1002"), wrap_up_s=10, service_level_s=20, reoffer_delay_s=3600
        ),
    ),
    agents=(AgentConfig("1001"), AgentConfig("1002")),
    pause_reasons=(PauseReason("1", "lunch"),),
)
SCRIPT: list[tuple[float, EngineEvent]] = [
    (1000, PhoneStateChanged("1001", PhoneState.NOT_INUSE)),
    (1000, PhoneStateChanged("1002", PhoneState.NOT_INUSE)),
    (1000, AgentLoggedIn("1001")),
    (1000, AgentLoggedIn("1002")),
    (1100, CallArrived("c1", "sales", 1100)),  # offered to 1001 (longest idle)
    (1105, AgentAnswered("c1", "1001")),  # wait 5
    (1110, CallArrived("c2", "sales", 1110)),  # offered to 1002
    (1125, AgentMissed("c2", "1002")),  # no answer; c2 waits for 1001
    (1130, CallArrived("c3", "sales", 1130)),
    (1133, CallAbandoned("c3")),  # short abandon
    (1200, CallEnded("c1", "caller")),  # talk 95, then 10 s wrap-up
    (1210, TimerFired()),
    (1215, AgentAnswered("c2", "1001")),  # offered at 1210; wait 105: after SL
    (1300, CallTransferred("c2", "2000@desk")),  # talk 85, then 10 s wrap-up
    (1310, TimerFired()),
    (1400, AgentPaused("1002", "lunch")),
    (1500, AgentUnpaused("1002")),
]


def test_the_engines_facts_make_the_expected_report(tmp_path: Path) -> None:
    engine = Engine(CONFIG)
    with Journal.open(tmp_path / "journal.sqlite3") as journal:
        for now, event in SCRIPT:
            journal.append(engine.handle(event, now).facts)
        facts = [row.fact for row in journal.read(0, 10_000)]
    report = compute_report(facts, Period(0, 2000, "test"), 2000, ReportOptions())
    sales = report.queues[0]
    assert (sales.offered, sales.answered, sales.abandoned, sales.short_abandoned) == (3, 2, 1, 1)
    assert (sales.answered_within_sl, sales.service_level) == (1, 0.5)
    assert sales.asa_s == 55.0  # (5 + 105) / 2
    assert sales.aht_s == 100.0  # (95 + 10 + 85 + 10) / 2
    alice, bruno = report.agents
    assert (alice.answered, alice.talk_s, alice.busy_s) == (2, 180.0, 200.0)
    assert alice.logged_in_s == 1000.0
    assert (bruno.answered, bruno.no_answers, dict(bruno.pauses)) == (0, 1, {"lunch": 100.0})
