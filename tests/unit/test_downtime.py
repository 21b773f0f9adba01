"""The time a server was away: RESTART at start, and the reports leaving that time out of
every agent's states and wrap-ups (on main, a demo stopped during 1001's wrap-up and
started 21 minutes later gave 1001 an AHT of 408 s). The journal's open calls."""

from __future__ import annotations

from pathlib import Path

from acd.adapters.journal import Journal
from acd.core.engine.facts import (
    AgentStateChanged,
    CallAnswered,
    CallbackBooked,
    CallCompleted,
    CallEntered,
)
from acd.core.facts import Fact
from acd.core.lifecycle import ServerRestarted
from acd.core.report.agents import agent_times
from acd.core.report.calls import visits
from acd.core.report.period import Period
from acd.server.downtime import mark_alive, restarted

DAY = Period(0.0, 86_400.0, "day")


def _call_then_wrap_then_restart() -> list[Fact]:
    return [
        AgentStateChanged(0.0, "1001", "ready", "logged_out"),
        CallEntered(10.0, "c1", "sales", 1, 0, "+3361"),
        CallAnswered(12.0, "c1", "sales", "1001", 2.0, 1.0),
        AgentStateChanged(12.0, "1001", "on_call", "ready"),
        CallCompleted(33.0, "c1", "sales", "1001", "agent", 2.0, 21.0),
        AgentStateChanged(33.0, "1001", "wrap_up", "on_call"),
        # killed at 35 during the wrap-up; started again 21 minutes later
        ServerRestarted(at=1295.0, down_since=35.0),
        AgentStateChanged(1295.0, "1001", "ready", "logged_out"),
    ]


def test_the_time_away_is_counted_in_no_state() -> None:
    times = agent_times(_call_then_wrap_then_restart(), DAY, now=1300.0)["1001"]
    assert times.by_state == {"ready": 12.0 + 5.0, "on_call": 21.0, "wrap_up": 2.0}
    assert times.logged_in_s == 40.0  # 35 s before the stop, 5 s after the start


def test_a_wrap_up_ends_with_the_server() -> None:
    (visit,) = visits(_call_then_wrap_then_restart(), now=1300.0)
    assert (visit.talk_s, visit.wrap_s) == (21.0, 2.0)


def test_restart_is_the_last_sign_of_life_the_journal_or_the_alive_mark_knows(
    tmp_path: Path,
) -> None:
    path = tmp_path / "journal.sqlite3"
    assert restarted(path, now=500.0) is None  # a first start: nothing was away
    with Journal.open(path) as journal:
        journal.append([CallEntered(100.0, "c1", "sales", 1, 0, "")])
    assert restarted(path, now=500.0) == ServerRestarted(500.0, 100.0)
    mark_alive(path, 130.0)  # the heartbeat went on after the last fact
    assert restarted(path, now=500.0) == ServerRestarted(500.0, 130.0)


def test_the_journal_lists_open_answered_calls_and_callbacks(tmp_path: Path) -> None:
    with Journal.open(tmp_path / "j.sqlite3") as journal:
        journal.append(
            [
                CallEntered(1.0, "c1", "sales", 1, 0, ""),
                CallAnswered(3.0, "c1", "sales", "1001", 2.0, 1.0),
                CallEntered(4.0, "c2", "sales", 1, 0, ""),
                CallAnswered(6.0, "c2", "sales", "1002", 2.0, 1.0),
                CallCompleted(9.0, "c2", "sales", "1002", "caller", 2.0, 3.0),
                CallbackBooked(7.0, "c3", "sales", "+3361", 5.0, 0, "", "en", ()),
            ]
        )
        assert [journal.has(c, "CONNECT") for c in ("c1", "c2", "c3", "c9")] == [
            True,
            True,
            False,  # a callback booked, never answered
            False,
        ]
        assert journal.has("c2", "ENTERQUEUE")
        assert not journal.has("c3", "ENTERQUEUE")
        (open_call,) = journal.connected_calls()
        assert (open_call.call_id, open_call.agent_id, open_call.answered_at) == ("c1", "1001", 3.0)
        assert open_call.wait_s == 2.0
        assert journal.callback_calls() == {"c3"}
        assert journal.last_fact_at() == 9.0
