"""The journal's tables, and how a file is brought to the current schema version.

Version 1:

* ``facts``: one row per fact, in the order the engine produced them (``id``).
  ``fact_key`` is UNIQUE so that writing a batch again (a retry after an error, a replay
  after a crash) inserts nothing twice: the writer uses INSERT OR IGNORE.
* indexes for the queries the server and the reports make: by time; by queue or agent
  and time; by call (recovery); by kind and time (waiting calls, agent states).
* ``schema_version``: one row, the version of the tables.

A later version appends its steps to ``MIGRATIONS``; opening an older file applies the
missing steps in one transaction. A file from a newer program is refused.
"""

from __future__ import annotations

import sqlite3

from acd.adapters.journal.errors import JournalVersionError

_V1 = """
CREATE TABLE schema_version (version INTEGER NOT NULL);
CREATE TABLE facts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at REAL NOT NULL,
    kind TEXT NOT NULL,
    call_id TEXT,
    queue TEXT,
    agent_id TEXT,
    data TEXT NOT NULL,
    fact_key TEXT NOT NULL UNIQUE
);
CREATE INDEX facts_at ON facts (at);
CREATE INDEX facts_queue_at ON facts (queue, at);
CREATE INDEX facts_agent_at ON facts (agent_id, at);
CREATE INDEX facts_call ON facts (call_id, id);
CREATE INDEX facts_kind_at ON facts (kind, at);
INSERT INTO schema_version (version) VALUES (1);
"""

MIGRATIONS: tuple[str, ...] = (_V1,)  # MIGRATIONS[n] takes a file from version n to n + 1
CURRENT_VERSION = len(MIGRATIONS)


def migrate(db: sqlite3.Connection, path: str) -> None:
    """Create or upgrade the tables; ``db`` is in autocommit mode (isolation_level None)."""
    db.execute("BEGIN IMMEDIATE")  # one writer decides; a second opener waits, then sees it
    try:
        version = _version(db)
        if version > CURRENT_VERSION:
            raise JournalVersionError(
                f"{path}: journal schema version {version} is newer than this program's "
                f"({CURRENT_VERSION}); upgrade acd to read it"
            )
        for step in MIGRATIONS[version:]:
            for statement in _statements(step):
                db.execute(statement)
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise


def _version(db: sqlite3.Connection) -> int:
    exists = db.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'"
    ).fetchone()
    if exists is None:
        return 0
    row = db.execute("SELECT MAX(version) FROM schema_version").fetchone()
    return int(row[0] or 0)


def _statements(script: str) -> list[str]:
    # executescript() would COMMIT our transaction first; run statement by statement.
    return [s.strip() for s in script.split(";") if s.strip()]
