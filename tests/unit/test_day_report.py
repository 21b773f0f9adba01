"""The console's day report: each interval of the day from the journal, totals, first
contact resolution, the IVR funnel; a tenant's user gets their queues only."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from acd.adapters.api.day_report import DayReports
from acd.adapters.journal import Journal
from acd.core.engine.facts import CallAnswered, CallCompleted, CallEntered
from acd.core.report.kpi import ReportOptions
from ivr.facts import IvrStep

NOON = datetime(2026, 12, 7, 12, 0).timestamp()  # local time, as the report's days are


def _reports(tmp_path: Path) -> DayReports:
    with Journal.open(tmp_path / "journal.sqlite3") as journal:
        journal.append(
            [
                IvrStep(NOON - 6, "a", "main", "main", "entered", "", "v1"),
                IvrStep(NOON - 5, "a", "main", "main", "option", "1", "v1"),
                CallEntered(NOON, "a", "sales", 1, 5, "0601"),
                CallAnswered(NOON + 10, "a", "sales", "1001", 10, 2),
                CallCompleted(NOON + 70, "a", "sales", "1001", "agent", 10, 60),
                CallEntered(NOON + 3600, "b", "support", 1, 5, "0602"),
                CallAnswered(NOON + 3605, "b", "support", "1002", 5, 2),
            ]
        )
    return DayReports(
        tmp_path / "journal.sqlite3",
        ReportOptions(),
        ("sales", "support"),
        ("1001", "1002"),
        lambda: NOON + 7200,
    )


def test_each_hour_of_the_day_and_the_whole_day(tmp_path: Path) -> None:
    report = _reports(tmp_path).compute("2026-12-07", 3600, None, 7.0)
    assert len(report["intervals"]) == 24
    noon = next(i for i in report["intervals"] if i["since"] == NOON)
    assert [(q["queue"], q["answered"]) for q in noon["queues"]] == [("sales", 1), ("support", 0)]
    assert report["total"]["all_queues"]["answered"] == 2
    fcr = {row["queue"]: row for row in report["first_contact"]["queues"]}
    assert (fcr["sales"]["answered"], fcr["sales"]["by_repeat"]) == (1, 1.0)
    assert [(n["node"], n["entries"]) for n in report["ivr_funnel"]] == [("main", 1)]


def test_a_tenants_user_gets_their_queues_only(tmp_path: Path) -> None:
    report = _reports(tmp_path).compute("2026-12-07", 86400, frozenset({"support"}), 7.0)
    assert [q["queue"] for q in report["total"]["queues"]] == ["support"]
    assert report["total"]["all_queues"]["answered"] == 1  # sales's call is not theirs
    assert report["ivr_funnel"] == []


def test_a_day_that_is_not_one_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="expected YYYY-MM-DD"):
        _reports(tmp_path).compute("someday", 3600, None, 7.0)
