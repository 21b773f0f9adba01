"""The journal: every fact the ACD engine reports, appended to one SQLite file.

    journal = Journal.open(Path("var/journal.sqlite3"))
    journal.append(output.facts)                 # one transaction per batch
    for row in journal.read(since, until, queue="sales"):
        row.fact                                 # the engine's frozen fact, as written

Durability: WAL mode with ``synchronous=FULL``. When ``append`` returns, the batch is in
the WAL file and fsync'ed, so neither a kill -9 of the server nor a power cut loses it
(NORMAL would survive kill -9 but not a power cut or a kernel crash; the cost of FULL is
one fsync per batch, paid in the writer thread, see :class:`AsyncJournal`). Readers
(``acd report``) open their own connection and never block the writer.

A ``Journal`` is one connection and is not thread-safe: use it from one thread at a time
(it may be handed to another thread, as AsyncJournal does).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from acd.adapters.journal import restore
from acd.adapters.journal.codec import decode, encode_batch
from acd.adapters.journal.errors import (
    JournalClosedError,
    JournalMissingError,
    JournalOpenError,
    JournalWriteError,
)
from acd.adapters.journal.restore import ConnectedCall, PendingCallback, WaitingCall
from acd.adapters.journal.schema import migrate
from acd.core.facts import Fact

BUSY_TIMEOUT_MS = 5000  # a reader checkpointing, or a second writer, holds the lock briefly
_SELECT = "SELECT id, kind, at, call_id, queue, agent_id, data FROM facts"
_INSERT = (
    "INSERT OR IGNORE INTO facts (at, kind, call_id, queue, agent_id, data, fact_key) "
    "VALUES (?, ?, ?, ?, ?, ?, ?)"
)


@dataclass(frozen=True)
class JournalRow:
    """A stored fact and its row id (the order the engine produced the facts in)."""

    id: int
    fact: Fact

    @property
    def at(self) -> float:
        return self.fact.at

    @property
    def kind(self) -> str:
        return self.fact.kind

    @property
    def call_id(self) -> str:
        return getattr(self.fact, "call_id", "")

    @property
    def queue(self) -> str:
        return getattr(self.fact, "queue", "")

    @property
    def agent_id(self) -> str:
        return getattr(self.fact, "agent_id", "")


class Journal:
    def __init__(self, db: sqlite3.Connection, path: str) -> None:
        self._db: sqlite3.Connection | None = db
        self.path = path

    @classmethod
    def open(cls, path: Path | str, *, create: bool = True) -> Journal:
        """Open (and create, unless ``create`` is False) the journal at ``path``, bringing
        its tables to the current version. Readers pass ``create=False``."""
        where = Path(path)
        if not create and not where.exists():
            raise JournalMissingError(f"{where}: no journal here (the server creates it)")
        try:
            if create:
                where.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(where, isolation_level=None, check_same_thread=False)
        except (OSError, sqlite3.Error) as exc:
            raise JournalOpenError(f"{where}: cannot open the journal: {exc}") from exc
        try:
            _configure(db, str(where))
            migrate(db, str(where))
        except sqlite3.Error as exc:
            db.close()
            raise JournalOpenError(f"{where}: not a usable journal: {exc}") from exc
        except BaseException:
            db.close()
            raise
        return cls(db, str(where))

    def append(self, facts: Sequence[Fact]) -> None:
        """Write a batch in one transaction; facts already stored are skipped, so writing
        the same batch again (a retry, a replay after a crash) changes nothing."""
        if not facts:
            return
        db = self._connection()
        try:
            db.execute("BEGIN IMMEDIATE")
            db.executemany(_INSERT, encode_batch(facts))
            db.execute("COMMIT")
        except sqlite3.Error as exc:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise JournalWriteError(f"{self.path}: {len(facts)} facts not written: {exc}") from exc

    def read(
        self, since: float, until: float, queue: str | None = None, agent: str | None = None
    ) -> Iterator[JournalRow]:
        """Facts with ``since <= at < until`` (optionally of one queue or agent), in the
        order they were written."""
        sql = f"{_SELECT} WHERE at >= ? AND at < ?"
        args: list[object] = [since, until]
        if queue is not None:
            sql, args = f"{sql} AND queue = ?", [*args, queue]
        if agent is not None:
            sql, args = f"{sql} AND agent_id = ?", [*args, agent]
        for row in self._connection().execute(f"{sql} ORDER BY id", args):
            yield _row(row)

    def agent_states_before(self, at: float) -> list[JournalRow]:
        """Each agent's last state change before ``at``: the state they were in then."""
        sql = (
            f"{_SELECT} WHERE id IN (SELECT MAX(id) FROM facts "
            "WHERE kind = 'AGENTSTATE' AND at < ? GROUP BY agent_id) ORDER BY id"
        )
        return [_row(row) for row in self._connection().execute(sql, (at,))]

    def waiting_calls(self, since: float = 0.0) -> list[WaitingCall]:
        """Calls that entered a queue at or after ``since`` and have no outcome yet."""
        return restore.waiting_calls(self._connection(), since)

    def connected_calls(self) -> list[ConnectedCall]:
        """Calls answered and not yet ended (a restart finds them in Asterisk, or not)."""
        return restore.connected_calls(self._connection())

    def has(self, call_id: str, kind: str) -> bool:
        """Whether the journal has a fact of ``kind`` (ENTERQUEUE, CONNECT...) for the call."""
        sql = "SELECT 1 FROM facts WHERE call_id = ? AND kind = ? LIMIT 1"
        return self._connection().execute(sql, (call_id, kind)).fetchone() is not None

    def callback_calls(self) -> set[str]:
        """Calls that booked a callback (their outcome is the callback's, not the wait's)."""
        sql = "SELECT DISTINCT call_id FROM facts WHERE kind = 'CALLBACK'"
        return {row[0] for row in self._connection().execute(sql)}

    def last_fact_at(self) -> float:
        """The time of the latest fact (0.0 for an empty journal)."""
        row = self._connection().execute("SELECT MAX(at) FROM facts").fetchone()
        return float(row[0] or 0.0)

    def pending_callbacks(self) -> list[PendingCallback]:
        """Booked callbacks with no outcome yet (a restarted server serves them)."""
        return restore.pending_callbacks(self._connection())

    def count(self) -> int:
        return int(self._connection().execute("SELECT COUNT(*) FROM facts").fetchone()[0])

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    def __enter__(self) -> Journal:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def _connection(self) -> sqlite3.Connection:
        if self._db is None:
            raise JournalClosedError(f"{self.path}: the journal is closed")
        return self._db


def _configure(db: sqlite3.Connection, path: str) -> None:
    db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    mode = db.execute("PRAGMA journal_mode = WAL").fetchone()[0]
    if str(mode).lower() != "wal":
        raise JournalOpenError(f"{path}: SQLite refused WAL mode here (got {mode!r})")
    db.execute("PRAGMA synchronous = FULL")


def _row(row: tuple[int, str, float, str | None, str | None, str | None, str]) -> JournalRow:
    row_id, kind, at, call_id, queue, agent_id, data = row
    columns = {"at": at, "call_id": call_id, "queue": queue, "agent_id": agent_id}
    return JournalRow(row_id, decode(row_id, kind, columns, data))
