"""The journal: facts written and read back unchanged, idempotent batches, the schema,
the queries the server and the reports make, and errors that name the file."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from acd.adapters.journal import (
    CorruptFactError,
    Journal,
    JournalClosedError,
    JournalMissingError,
    JournalOpenError,
    JournalVersionError,
    PendingCallback,
    WaitingCall,
)
from acd.core.compliance.facts import DialChecked
from acd.core.engine.facts import (
    AgentStateChanged,
    CallAbandonedInQueue,
    CallAnnounced,
    CallAnswered,
    CallbackAttempt,
    CallbackBooked,
    CallCompleted,
    CallEntered,
    CallLeftQueue,
    CallOffered,
    CallOverflowed,
    CallRefused,
    CallTransferredOut,
    OfferMissed,
)
from acd.core.facts import Fact

EVERY_KIND: list[Fact] = [
    CallEntered(100.0, "c1", "sales", 1, 2, "0611"),
    CallAnnounced(101.0, "c1", "sales", 1, 42.5),
    CallOffered(102.0, "c1", "sales", "1001", ("1001", "1002"), "longest idle", 2),
    OfferMissed(117.0, "c1", "sales", "1001", 15.0, "noanswer"),
    CallAnswered(120.0, "c1", "sales", "1002", 20.0, 3.0),
    CallCompleted(180.0, "c1", "sales", "1002", "agent", 20.0, 60.0),
    CallTransferredOut(181.0, "c2", "sales", "1001", "2000@desk", 5.0, 30.0),
    CallAbandonedInQueue(182.0, "c3", "support", 2, 3, 12.5),
    CallLeftQueue(183.0, "c4", "support", "timeout", 1, 900.0),
    CallRefused(184.0, "c5", "support", "full"),
    CallOverflowed(184.2, "c6", "sales", 0, "waited_over", "queue", "support", 3, 60.0),
    CallbackBooked(
        184.4,
        "c7",
        "sales",
        "+33612345678",
        150.0,
        2,
        "0612",
        "fr",
        (("billing", 3), ("french", 2)),
    ),
    CallbackAttempt(184.6, "c7", "sales", "1001", 1, "noanswer", False),
    DialChecked(
        at=184.8,
        call_id="c7",
        queue="sales",
        number="+33612345678",
        allowed=False,
        checked=("do_not_call", "calling_hours"),
        refused_by=("do_not_call",),
        do_not_call_version="0123456789abcdef",
    ),
    AgentStateChanged(185.0, "1001", "paused", "ready", "lunch"),
]


@pytest.fixture
def journal(tmp_path: Path) -> Journal:
    return Journal.open(tmp_path / "var" / "journal.sqlite3")


def test_every_kind_of_fact_reads_back_equal(journal: Journal) -> None:
    journal.append(EVERY_KIND)
    rows = list(journal.read(0, 1000))
    assert [row.fact for row in rows] == EVERY_KIND
    assert [row.id for row in rows] == sorted(row.id for row in rows)
    assert (rows[4].kind, rows[4].call_id, rows[4].queue, rows[4].agent_id) == (
        "CONNECT",
        "c1",
        "sales",
        "1002",
    )
    assert (rows[-1].call_id, rows[-1].queue) == ("", "")


def test_read_filters_by_period_queue_and_agent(journal: Journal) -> None:
    journal.append(EVERY_KIND)
    assert [r.at for r in journal.read(120.0, 182.0)] == [120.0, 180.0, 181.0]
    assert {r.queue for r in journal.read(0, 1000, queue="support")} == {"support"}
    assert [r.kind for r in journal.read(0, 1000, agent="1001")] == [
        "OFFERED",
        "RINGNOANSWER",
        "TRANSFER",
        "CALLBACKFAIL",
        "AGENTSTATE",
    ]
    assert list(journal.read(0, 1000, queue="support", agent="1001")) == []


def test_the_file_is_in_wal_mode_with_full_sync_and_versioned(journal: Journal) -> None:
    db = sqlite3.connect(journal.path)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("SELECT version FROM schema_version").fetchall() == [(1,)]
    indexes = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='index'")}
    assert {"facts_at", "facts_queue_at", "facts_agent_at", "facts_call"} <= indexes
    db.close()
    assert journal._connection().execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL


def test_replaying_a_batch_writes_nothing_twice(journal: Journal) -> None:
    journal.append(EVERY_KIND)
    journal.append(EVERY_KIND)
    journal.append(EVERY_KIND[3:5])
    assert journal.count() == len(EVERY_KIND)


def test_equal_facts_in_one_batch_are_all_kept(journal: Journal) -> None:
    """ready -> reserved -> ready -> reserved at one instant: four facts, two pairs equal."""
    to_reserved = AgentStateChanged(5.0, "1001", "reserved", "ready")
    to_ready = AgentStateChanged(5.0, "1001", "ready", "reserved")
    batch = [to_reserved, to_ready, to_reserved, to_ready]
    journal.append(batch)
    journal.append(batch)
    assert [r.fact for r in journal.read(0, 10)] == batch


def test_same_instant_different_transitions_are_not_taken_for_replays(journal: Journal) -> None:
    journal.append([AgentStateChanged(5.0, "1001", "wrap_up", "on_call")])
    journal.append([AgentStateChanged(5.0, "1001", "ready", "wrap_up")])
    assert journal.count() == 2


def test_agent_states_before_gives_each_agents_last_state(journal: Journal) -> None:
    journal.append(
        [
            AgentStateChanged(1.0, "1001", "ready", "logged_out"),
            AgentStateChanged(2.0, "1002", "ready", "logged_out"),
            AgentStateChanged(3.0, "1001", "paused", "ready", "lunch"),
            AgentStateChanged(9.0, "1002", "paused", "ready", "training"),
        ]
    )
    states = {r.agent_id: r.fact for r in journal.agent_states_before(5.0)}
    assert states == {
        "1001": AgentStateChanged(3.0, "1001", "paused", "ready", "lunch"),
        "1002": AgentStateChanged(2.0, "1002", "ready", "logged_out"),
    }


def test_waiting_calls_are_those_without_an_outcome(journal: Journal) -> None:
    journal.append(
        [
            CallEntered(10.0, "talking", "sales", 1, 0, "01"),
            CallEntered(11.0, "waiting", "sales", 2, 5, "02"),
            CallEntered(12.0, "gone", "sales", 3, 0, "03"),
            CallEntered(13.0, "out", "support", 1, 0, "04"),
            CallEntered(14.0, "moved", "sales", 4, 0, "05"),
            CallAnswered(20.0, "talking", "sales", "1001", 10.0, 2.0),
            CallAbandonedInQueue(21.0, "gone", "sales", 2, 3, 9.0),
            CallLeftQueue(22.0, "out", "support", "exitkey", 1, 9.0),
            CallLeftQueue(23.0, "moved", "sales", "timeout", 3, 9.0),
            CallEntered(24.0, "moved", "support", 1, 0, "05"),
            CallEntered(25.0, "waiting", "sales", 1, 5, "02"),  # journaled again by a restart
        ]
    )
    assert journal.waiting_calls() == [
        WaitingCall("waiting", "sales", 11.0, 5, "02", 2),
        WaitingCall("moved", "support", 24.0, 0, "05", 1),
    ]
    assert [c.call_id for c in journal.waiting_calls(since=20.0)] == ["moved", "waiting"]


def test_a_refused_call_is_not_waiting(journal: Journal) -> None:
    journal.append([CallEntered(1.0, "c", "q", 1, 0, ""), CallRefused(1.0, "c", "q", "full")])
    assert journal.waiting_calls() == []


def test_readers_never_create_a_journal(tmp_path: Path) -> None:
    with pytest.raises(JournalMissingError, match=r"nowhere\.sqlite3: no journal here"):
        Journal.open(tmp_path / "nowhere.sqlite3", create=False)
    assert not (tmp_path / "nowhere.sqlite3").exists()


def test_a_file_that_is_not_a_journal_is_refused_with_its_name(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("this is not SQLite " * 100)
    with pytest.raises(JournalOpenError, match=r"notes\.txt: not a usable journal"):
        Journal.open(path)


def test_a_journal_from_a_newer_program_is_refused(journal: Journal) -> None:
    journal._connection().execute("UPDATE schema_version SET version = 99")
    journal.close()
    with pytest.raises(JournalVersionError, match="version 99 is newer than this program's"):
        Journal.open(journal.path)


def test_reopening_keeps_the_facts_and_the_version(journal: Journal) -> None:
    journal.append(EVERY_KIND)
    journal.close()
    with Journal.open(journal.path) as again:
        assert again.count() == len(EVERY_KIND)
        versions = again._connection().execute("SELECT version FROM schema_version").fetchall()
        assert versions == [(1,)]


def test_a_corrupt_row_is_named(journal: Journal) -> None:
    journal.append([CallRefused(1.0, "c", "q", "full")])
    db = journal._connection()
    db.execute("UPDATE facts SET kind = 'NOPE'")
    with pytest.raises(CorruptFactError, match="journal row 1: unknown kind 'NOPE'"):
        list(journal.read(0, 10))
    db.execute("UPDATE facts SET kind = 'REFUSED', data = '{}'")
    with pytest.raises(CorruptFactError, match=r"journal row 1 \(REFUSED\).*reason"):
        list(journal.read(0, 10))


def test_a_closed_journal_says_so(journal: Journal) -> None:
    journal.close()
    journal.close()  # twice is fine
    with pytest.raises(JournalClosedError, match="journal is closed"):
        journal.append(EVERY_KIND)


def test_pending_callbacks_are_booked_ones_without_an_outcome(journal: Journal) -> None:
    def booked(at: float, call: str, number: str, merged_into: str = "") -> CallbackBooked:
        return CallbackBooked(
            at, call, "sales", number, at - 30, 0, "", "fr", (("french", 2),), merged_into
        )

    journal.append(
        [
            CallEntered(10.0, "pending", "sales", 1, 0, "01"),
            CallOverflowed(15.0, "pending", "sales", 0, "waited_over", "callback", "", 1, 5.0),
            booked(20.0, "pending", "+33611111111"),
            CallbackAttempt(30.0, "pending", "sales", "1001", 1, "busy", False),
            booked(21.0, "done", "+33622222222"),
            CallAnswered(40.0, "done", "sales", "1001", 49.0, 2.0),
            booked(22.0, "merged", "+33611111111", merged_into="pending"),
            CallLeftQueue(22.0, "merged", "sales", "callback-merged", 2, 20.0),
            booked(23.0, "failed", "+33633333333"),
            CallLeftQueue(50.0, "failed", "sales", "callback-failed", 1, 40.0),
        ]
    )
    assert journal.pending_callbacks() == [
        PendingCallback(booked(20.0, "pending", "+33611111111"), attempts=1)
    ]
    assert [c.call_id for c in journal.waiting_calls()] == ["pending"]  # the offer kept it


def test_a_damaged_row_does_not_keep_the_server_from_restoring_the_others(
    journal: Journal,
) -> None:
    journal.append(
        [
            CallEntered(10.0, "broken", "sales", 1, 0, "01"),
            CallEntered(11.0, "waiting", "sales", 2, 0, "02"),
            CallOverflowed(12.0, "waiting", "sales", 0, "waited_over", "callback", "", 1, 1.0),
            CallbackBooked(13.0, "waiting", "sales", "+33611111111", 11.0, 0, "", "fr", (), ""),
            CallEntered(14.0, "other", "sales", 3, 0, "03"),
            CallbackBooked(15.0, "other", "sales", "+33622222222", 14.0, 0, "", "fr", (), ""),
        ]
    )
    db = journal._connection()
    db.execute("UPDATE facts SET data = '{not json' WHERE call_id = 'broken'")
    db.execute("UPDATE facts SET data = '{not json' WHERE kind = 'OVERFLOW'")
    db.execute("UPDATE facts SET data = '[]' WHERE kind = 'CALLBACK' AND call_id = 'other'")
    assert [c.call_id for c in journal.waiting_calls()] == ["waiting", "other"]
    assert [c.booked.call_id for c in journal.pending_callbacks()] == ["waiting"]
