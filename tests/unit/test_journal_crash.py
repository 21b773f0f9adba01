"""A fact is never lost once ``append`` returned, and never counted twice: a real kill -9
of a writing process, and a transaction cut short, then the same batches replayed."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

from acd.adapters.journal import Journal
from acd.adapters.journal.codec import encode_batch
from acd.core.engine.facts import CallEntered
from acd.core.facts import Fact
from tests.conftest import PROJECT


def batch(first: int, count: int) -> list[Fact]:
    return [CallEntered(float(n), f"c{n}", "sales", n, 0, "") for n in range(first, first + count)]


# The child appends batch A through the journal, then starts writing batch B in a
# transaction it never commits, says so, and waits (blocked on stdin) to be killed.
_CHILD = """
import sqlite3, sys
from acd.adapters.journal import Journal
from acd.adapters.journal.store import _INSERT
from acd.adapters.journal.codec import encode_batch
from tests.unit.test_journal_crash import batch
journal = Journal.open(sys.argv[1])
journal.append(batch(0, 50))
print("A committed", flush=True)
db = journal._connection()
db.execute("BEGIN IMMEDIATE")
db.executemany(_INSERT, encode_batch(batch(50, 50)))
print("B in flight", flush=True)
sys.stdin.readline()
"""


def test_kill_9_keeps_what_was_committed_and_a_replay_adds_only_the_rest(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite3"
    child = subprocess.Popen(
        [sys.executable, "-c", _CHILD, str(path)],
        cwd=PROJECT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    assert child.stdout.readline() == "A committed\n"
    assert child.stdout.readline() == "B in flight\n"
    child.send_signal(signal.SIGKILL)
    assert child.wait(timeout=10) == -signal.SIGKILL
    with Journal.open(path) as journal:
        assert journal.count() == 50
        assert [r.fact for r in journal.read(0, 1000)] == batch(0, 50)
        journal.append(batch(0, 100))  # the shell replays both batches
        assert journal.count() == 100
        assert [r.fact for r in journal.read(0, 1000)] == batch(0, 100)


def test_a_transaction_closed_without_commit_leaves_nothing(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite3"
    with Journal.open(path) as journal:
        journal.append(batch(0, 3))
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("BEGIN IMMEDIATE")
    db.executemany(
        "INSERT INTO facts (at, kind, call_id, queue, agent_id, data, fact_key) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        encode_batch(batch(3, 3)),
    )
    db.close()  # no COMMIT: as if the process died here
    with Journal.open(path) as journal:
        assert journal.count() == 3
        journal.append(batch(0, 6))
        journal.append(batch(0, 6))
        assert journal.count() == 6
