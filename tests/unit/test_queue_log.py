"""queue_log lines exactly as Asterisk's app_queue writes them (format checked against
apps/app_queue.c and main/logger.c: ``%ld|%s|%s|%s|%s|`` then the event's data)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from acd.adapters.journal import (
    JournalClosedError,
    QueueLogContext,
    QueueLogLines,
    QueueLogWriter,
    rebuild_queue_log,
)
from acd.core.engine.config import AcdConfig, QueueConfig
from acd.core.engine.facts import (
    AgentStateChanged,
    CallAbandonedInQueue,
    CallAnnounced,
    CallAnswered,
    CallCompleted,
    CallEntered,
    CallLeftQueue,
    CallOffered,
    CallRefused,
    CallTransferredOut,
    OfferMissed,
)
from acd.core.facts import Fact

CONTEXT = QueueLogContext(members={"1001": ("sales", "support")}, exit_keys={"sales": "0"})

# (fact, expected lines): a call's life, then an agent's day.
GOLDEN: list[tuple[Fact, list[str]]] = [
    (
        CallEntered(1700000000.9, "1700000000.12", "sales", 2, 0, "0611223344"),
        ["1700000000|1700000000.12|sales|NONE|ENTERQUEUE||0611223344|2"],
    ),
    (CallAnnounced(1700000030.0, "1700000000.12", "sales", 1, 45.0), []),
    (CallOffered(1700000040.0, "1700000000.12", "sales", "1002", ("1002",), "idle", 1), []),
    (
        OfferMissed(1700000055.0, "1700000000.12", "sales", "1002", 15.0004, "noanswer"),
        ["1700000055|1700000000.12|sales|Agent/1002|RINGNOANSWER|15000"],
    ),
    (
        CallAnswered(1700000062.0, "1700000000.12", "sales", "1001", 61.5, 3.4),
        ["1700000062|1700000000.12|sales|Agent/1001|CONNECT|62||3"],
    ),
    (
        CallCompleted(1700000180.0, "1700000000.12", "sales", "1001", "caller", 61.5, 118.0),
        ["1700000180|1700000000.12|sales|Agent/1001|COMPLETECALLER|62|118|2"],
    ),
    (
        CallCompleted(1700000190.0, "c2", "sales", "1001", "agent", 1.0, 9.0),
        ["1700000190|c2|sales|Agent/1001|COMPLETEAGENT|1|9|0"],
    ),
    (
        CallTransferredOut(1700000200.0, "c3", "support", "1001", "2000@desk", 4.0, 30.0),
        ["1700000200|c3|support|Agent/1001|TRANSFER|2000|desk|4|30|0"],
    ),
    (
        CallEntered(1700000300.0, "c4", "sales", 3, 0, "a|b"),
        ["1700000300|c4|sales|NONE|ENTERQUEUE||a_b|3"],
    ),
    (
        CallAbandonedInQueue(1700000312.0, "c4", "sales", 1, 3, 12.4),
        ["1700000312|c4|sales|NONE|ABANDON|1|3|12"],
    ),
    (
        CallLeftQueue(1700001200.0, "c5", "sales", "timeout", 4, 900.0),
        ["1700001200|c5|sales|NONE|EXITWITHTIMEOUT|4|4|900"],
    ),
    (
        CallLeftQueue(1700001201.0, "c6", "sales", "exitkey", 2, 60.0),
        ["1700001201|c6|sales|NONE|EXITWITHKEY|0|2|2|60"],
    ),
    (
        CallLeftQueue(1700001202.0, "c7", "support", "leaveempty", 1, 30.0),
        ["1700001202|c7|support|NONE|EXITEMPTY|1|1|30"],
    ),
    (CallRefused(1700001203.0, "c8", "sales", "full"), ["1700001203|c8|sales|NONE|FULL|"]),
    (
        CallRefused(1700001204.0, "c9", "support", "joinempty"),
        ["1700001204|c9|support|NONE|JOINEMPTY|"],
    ),
    (CallRefused(1700001205.0, "c10", "nowhere", "noqueue"), []),
    (
        AgentStateChanged(1700002000.0, "1001", "ready", "logged_out"),
        [
            "1700002000|NONE|NONE|Agent/1001|AGENTLOGIN|PJSIP/1001",
            "1700002000|NONE|sales|Agent/1001|ADDMEMBER|",
            "1700002000|NONE|support|Agent/1001|ADDMEMBER|",
        ],
    ),
    (AgentStateChanged(1700002001.0, "1001", "reserved", "ready"), []),
    (
        AgentStateChanged(1700002100.0, "1001", "paused", "reserved", "lunch|break"),
        [
            "1700002100|NONE|NONE|Agent/1001|PAUSEALL|lunch_break",
            "1700002100|NONE|sales|Agent/1001|PAUSE|lunch_break",
            "1700002100|NONE|support|Agent/1001|PAUSE|lunch_break",
        ],
    ),
    (
        AgentStateChanged(1700002200.0, "1001", "ready", "paused"),
        [
            "1700002200|NONE|NONE|Agent/1001|UNPAUSEALL|",
            "1700002200|NONE|sales|Agent/1001|UNPAUSE|",
            "1700002200|NONE|support|Agent/1001|UNPAUSE|",
        ],
    ),
    (
        AgentStateChanged(1700005600.0, "1001", "logged_out", "ready"),
        [
            "1700005600|NONE|sales|Agent/1001|REMOVEMEMBER|",
            "1700005600|NONE|support|Agent/1001|REMOVEMEMBER|",
            "1700005600|NONE|NONE|Agent/1001|AGENTLOGOFF|PJSIP/1001|3600",
        ],
    ),
    (
        AgentStateChanged(1700009000.0, "1002", "paused", "logged_out", "admin"),
        [
            "1700009000|NONE|NONE|Agent/1002|AGENTLOGIN|PJSIP/1002",
            "1700009000|NONE|NONE|Agent/1002|PAUSEALL|admin",
        ],
    ),
]


def test_each_fact_gives_app_queues_lines() -> None:
    lines = QueueLogLines(CONTEXT)
    for fact, expected in GOLDEN:
        assert lines.lines(fact) == expected, fact


def test_a_call_that_entered_before_a_restart_gets_its_entry_position_back() -> None:
    lines = QueueLogLines(CONTEXT)
    exit_ = CallLeftQueue(10.0, "old", "sales", "timeout", 1, 900.0)
    assert lines.lines(exit_) == ["10|old|sales|NONE|EXITWITHTIMEOUT|1|1|900"]
    lines.remember_entry("old", 7)
    assert lines.lines(exit_) == ["10|old|sales|NONE|EXITWITHTIMEOUT|1|7|900"]


def test_context_from_the_configuration() -> None:
    config = AcdConfig(
        queues=(
            QueueConfig("sales", ("1001", "1002"), exit_key="9"),
            QueueConfig("support", ("1002",)),
        )
    )
    context = QueueLogContext.from_config(config)
    assert context.members == {"1001": ("sales",), "1002": ("sales", "support")}
    assert context.exit_keys == {"sales": "9"}


def test_the_writer_appends_and_flushes_each_batch(tmp_path: Path) -> None:
    path = tmp_path / "log" / "queue_log"
    path.parent.mkdir()
    path.write_text("1|x|q|NONE|QUEUESTART|\n")
    writer = QueueLogWriter(path, CONTEXT)
    writer.write([GOLDEN[0][0], GOLDEN[1][0], GOLDEN[3][0]])
    assert path.read_text().splitlines() == [  # flushed: readable before close
        "1|x|q|NONE|QUEUESTART|",
        *GOLDEN[0][1],
        *GOLDEN[3][1],
    ]
    writer.write([GOLDEN[1][0]])  # no line: nothing written
    writer.close()
    assert path.read_text().count("\n") == 3
    with pytest.raises(JournalClosedError, match="queue_log is closed"):
        writer.write([GOLDEN[0][0]])


def test_rebuild_from_the_journals_facts_gives_the_same_lines() -> None:
    out = io.StringIO()
    count = rebuild_queue_log([fact for fact, _ in GOLDEN], out, CONTEXT)
    expected = [line for _, lines in GOLDEN for line in lines]
    assert out.getvalue().splitlines() == expected
    assert count == len(expected)
