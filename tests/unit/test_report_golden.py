"""`acd report` over a journal holding a scripted day equals the result computed by hand.

The day: tests/fixtures/report/day.json (149 facts, 2 queues, 3 agents, 22 calls, and a
call on each side of the period). The hand computation: tests/fixtures/report/README.md.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from acd.adapters.journal import Journal
from acd.cli import report_cmd
from acd.core.engine.facts import AgentStateChanged
from acd.core.facts import FACT_TYPES, Fact
from tests.conftest import PROJECT

FIXTURES = PROJECT / "tests" / "fixtures" / "report"
_BY_KIND = {cls.kind: cls for cls in FACT_TYPES}


def load_day(path: Path = FIXTURES / "day.json") -> list[Fact]:
    facts = []
    for entry in json.loads(path.read_text(encoding="utf-8")):
        fields: dict[str, Any] = {k: v for k, v in entry.items() if k != "kind"}
        fields["at"] = datetime.fromisoformat(entry["at"]).replace(tzinfo=UTC).timestamp()
        if "eligible" in fields:
            fields["eligible"] = tuple(fields["eligible"])
        facts.append(_BY_KIND[entry["kind"]](**fields))
    return facts


@pytest.fixture
def utc() -> Iterator[None]:
    """Dates on the command line are local time: make local time UTC for the test."""
    mp = pytest.MonkeyPatch()
    mp.setenv("TZ", "UTC")
    time.tzset()
    yield
    mp.undo()
    time.tzset()


@pytest.fixture
def journal_path(tmp_path: Path) -> Path:
    path = tmp_path / "journal.sqlite3"
    with Journal.open(path) as journal:
        journal.append(load_day())
    return path


def report(journal: Path, *options: str) -> int:
    parser = argparse.ArgumentParser(prog="acd")
    parser.add_argument("--config", type=Path)
    report_cmd.register(parser.add_subparsers())
    args = parser.parse_args(
        ["--config", str(FIXTURES / "acd.yaml"), "report", "--journal", str(journal), *options]
    )
    code: int = args.handler(args)
    return code


def test_the_scripted_day_is_consistent() -> None:
    """Each agent's state change starts from the state the previous one left (so the
    fixture has no typo that would make the hand computation wrong)."""
    facts = load_day()
    last: dict[str, str] = {}
    for fact in facts:
        if isinstance(fact, AgentStateChanged):
            assert fact.previous == last.get(fact.agent_id, "logged_out"), fact
            last[fact.agent_id] = fact.state
    assert [f.at for f in facts] == sorted(f.at for f in facts)
    assert len({getattr(f, "call_id", "") for f in facts} - {""}) == 22 + 2


def test_text_report_equals_the_hand_computed_golden(
    utc: None, journal_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = report(journal_path, "--from", "2024-03-11")
    out = capsys.readouterr()
    assert code == 0, out.err
    assert out.out == (FIXTURES / "day.golden.txt").read_text(encoding="utf-8")


def test_json_report_has_the_hand_computed_numbers(
    utc: None, journal_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = report(journal_path, "--from", "2024-03-11", "--format", "json")
    data = json.loads(capsys.readouterr().out)
    assert code == 0
    queues = {q["queue"]: q for q in data["queues"]}
    sales, support, every = queues["sales"], queues["support"], data["all_queues"]
    assert (sales["offered"], sales["answered"], sales["abandoned"], sales["short_abandoned"]) == (
        11,
        6,
        3,
        2,
    )
    assert sales["exited"] == {"exitkey": 1, "timeout": 1}
    assert sales["refused"] == {"full": 1}
    assert support["exited"] == {"leaveempty": 1}
    assert support["refused"] == {"joinempty": 1}
    expected = {
        # queue: SL(d), ASA, answer rate, abandon rate, lost rate, AHT
        "sales": (
            Fraction(4, 7),
            Fraction(123, 6),
            Fraction(6, 9),
            Fraction(1, 9),
            Fraction(2, 10),
            Fraction(1040, 6),
        ),
        "support": (
            Fraction(5, 7),
            Fraction(122, 6),
            Fraction(6, 8),
            Fraction(1, 8),
            Fraction(3, 9),
            Fraction(1236, 6),
        ),
        "all": (
            Fraction(9, 14),
            Fraction(245, 12),
            Fraction(12, 17),
            Fraction(2, 17),
            Fraction(5, 19),
            Fraction(2276, 12),
        ),
    }
    for name, q in (("sales", sales), ("support", support), ("all", every)):
        got = (
            q["service_level"],
            q["asa_s"],
            q["answer_rate"],
            q["abandon_rate"],
            q["lost_rate"],
            q["aht_s"],
        )
        assert got == pytest.approx([float(x) for x in expected[name]], rel=1e-12), name
    agents = {a["agent_id"]: a for a in data["agents"]}
    assert {
        a: (v["answered"], v["no_answers"], v["logged_in_s"], v["paused_s"], v["busy_s"])
        for a, v in agents.items()
    } == {
        "1001": (4, 0, 28800, 3600, 900),
        "1002": (5, 0, 30600, 3600, 850),
        "1003": (3, 2, 46800, 585, 576),
    }
    assert agents["1003"]["occupancy"] == pytest.approx(576 / (46800 - 585), rel=1e-12)
    assert agents["1003"]["aht_s"] == pytest.approx(526 / 3, rel=1e-12)
    assert data["all_agents"]["pauses_s"] == {"auto": 585, "lunch": 5400, "training": 1800}


def test_one_queue_and_one_agent(
    utc: None, journal_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = report(journal_path, "--from", "2024-03-11", "--queue", "support", "--agent", "1003")
    out = capsys.readouterr().out
    assert code == 0
    rows = [line.split()[0] for line in out.splitlines() if line[:1].isalnum()]
    assert "sales" not in rows
    assert "support" in rows
    assert "1003" in rows
    assert "1001" not in rows
    assert "all" in rows  # the totals stay those of every queue and agent
