"""The lead book: every campaign's leads, their dials and the opt-outs, in the journal's
SQLite file (its own tables). Every write is committed before the call returns: an
attempt is on disk before its Originate is sent, so a server killed mid-dial never
dials a lead twice for one attempt, and a restart closes the attempts it left open.
"""

from __future__ import annotations

import dataclasses
import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from acd.core.compliance.attempts import Attempt, DialOutcome
from acd.core.compliance.consent import Consent
from dialer.leads.lead import Lead as ImportedLead

_SCHEMA = """
CREATE TABLE IF NOT EXISTS dialer_leads (
    campaign TEXT NOT NULL, number TEXT NOT NULL, name TEXT NOT NULL DEFAULT '',
    consent TEXT NOT NULL DEFAULT '', existing_contract INTEGER NOT NULL DEFAULT 0,
    time_zone TEXT NOT NULL DEFAULT '', next_at REAL, seq INTEGER NOT NULL,
    PRIMARY KEY (campaign, number));
CREATE INDEX IF NOT EXISTS dialer_leads_due ON dialer_leads (campaign, next_at, seq);
CREATE TABLE IF NOT EXISTS dialer_attempts (
    campaign TEXT NOT NULL, number TEXT NOT NULL, attempt INTEGER NOT NULL,
    call_id TEXT NOT NULL, at REAL NOT NULL, outcome TEXT,
    PRIMARY KEY (campaign, number, attempt));
CREATE INDEX IF NOT EXISTS dialer_attempts_number ON dialer_attempts (number, at);
CREATE TABLE IF NOT EXISTS dialer_opt_outs (
    number TEXT PRIMARY KEY, at REAL NOT NULL, source TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS dialer_campaigns (campaign TEXT PRIMARY KEY, state TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS dialer_dispositions (
    campaign TEXT NOT NULL, number TEXT NOT NULL, call_id TEXT NOT NULL, at REAL NOT NULL,
    agent TEXT NOT NULL, disposition TEXT NOT NULL, refusal INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS dialer_dispositions_number ON dialer_dispositions (number, at);
"""
# Columns added since the first release, for books created before them.
_ADDED_COLUMNS = {
    "reference": "TEXT NOT NULL DEFAULT ''",
    "owner": "TEXT NOT NULL DEFAULT ''",  # the agent a booked callback is for ('' anyone)
}
_LEAD_COLUMNS = "number, name, consent, existing_contract, time_zone, reference"
INTERRUPTED = DialOutcome.FAILED  # an attempt a restart found open: placed, outcome unknown


@dataclass(frozen=True)
class BookLead:
    number: str  # E.164
    name: str = ""
    consent: Consent | None = None  # the consent evidence as imported
    existing_contract: bool = False
    time_zone: str = ""  # overrides the number's own zones
    reference: str = ""  # the operator's own id for the person (CRM key)


def book_lead(lead: ImportedLead) -> BookLead:
    """A lead read from a file, as the book keeps it."""
    evidence = lead.consent_evidence
    return BookLead(
        number=lead.e164,
        name=lead.name,
        consent=evidence.to_consent() if evidence else None,
        existing_contract=lead.existing_contract,
        time_zone=lead.time_zone,
        reference=lead.reference,
    )


def _consent_text(consent: Consent | None) -> str | None:
    return json.dumps(dataclasses.asdict(consent)) if consent else None


def _consent(text: str) -> Consent | None:
    """The stored consent; text that is not a record (an older book's) proves nothing."""
    try:
        return Consent(**json.loads(text))
    except (ValueError, TypeError):
        return None


def _lead(row: tuple[Any, ...]) -> BookLead:
    number, name, consent, contract, zone, reference = row
    return BookLead(number, name, _consent(consent), bool(contract), zone, reference)


@dataclass(frozen=True)
class Disposition:
    campaign: str
    number: str
    call_id: str
    at: float
    agent: str
    code: str  # one of the campaign's dispositions
    refusal: bool  # the person refused further calls


class LeadBook:
    def __init__(self, path: Path) -> None:
        # Autocommit, and a write transaction taken at once (BEGIN IMMEDIATE): the journal
        # writes to the same file, and a read turned write mid-transaction would fail.
        self._db = sqlite3.connect(path, isolation_level=None, timeout=10)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.executescript(_SCHEMA)
        known = {row[1] for row in self._db.execute("PRAGMA table_info(dialer_leads)")}
        for column, definition in _ADDED_COLUMNS.items():
            if column not in known:
                self._db.execute(f"ALTER TABLE dialer_leads ADD COLUMN {column} {definition}")

    def close(self) -> None:
        self._db.close()

    # -- leads ---------------------------------------------------------------------------

    def add(self, campaign: str, leads: Iterable[BookLead], at: float) -> tuple[int, int]:
        """Imports leads, due now; a number already there keeps its dials and is updated
        (its consent too, unless the new row gives none: a file without consent columns
        does not withdraw it). Returns (new, updated)."""
        new = updated = 0
        with self._db:
            self._db.execute("BEGIN IMMEDIATE")
            seq = self._db.execute("SELECT COALESCE(MAX(seq), 0) FROM dialer_leads").fetchone()[0]
            for lead in leads:
                seq += 1
                values = (
                    lead.name,
                    _consent_text(lead.consent),
                    int(lead.existing_contract),
                    lead.time_zone,
                    lead.reference,
                )
                cursor = self._db.execute(
                    "UPDATE dialer_leads SET name=?, consent=COALESCE(?, consent),"
                    " existing_contract=?, time_zone=?, reference=?"
                    " WHERE campaign=? AND number=?",
                    (*values, campaign, lead.number),
                )
                if cursor.rowcount:
                    updated += 1
                    continue
                self._db.execute(
                    f"INSERT INTO dialer_leads (campaign, {_LEAD_COLUMNS}, next_at, seq)"
                    " VALUES (?, ?, ?, COALESCE(?, ''), ?, ?, ?, ?, ?)",
                    (campaign, lead.number, *values, at, seq),
                )
                new += 1
        return new, updated

    def lead(self, campaign: str, number: str) -> BookLead | None:
        row = self._db.execute(
            f"SELECT {_LEAD_COLUMNS} FROM dialer_leads WHERE campaign=? AND number=?",
            (campaign, number),
        ).fetchone()
        return _lead(row) if row else None

    def leads(self, campaign: str) -> list[BookLead]:
        rows = self._db.execute(
            f"SELECT {_LEAD_COLUMNS} FROM dialer_leads"
            " WHERE campaign=? AND next_at IS NOT NULL ORDER BY seq",
            (campaign,),
        )
        return [_lead(row) for row in rows]

    def due(
        self, campaign: str, now: float, limit: int, skip: set[str], owned_until: float = 0.0
    ) -> list[str]:
        """Leads due for any agent: a callback owned by an agent only once it was due
        before ``owned_until`` (its agent had their chance)."""
        rows = self._db.execute(
            "SELECT number FROM dialer_leads WHERE campaign=? AND next_at <= ?"
            " AND (owner = '' OR next_at < ?) ORDER BY next_at, seq LIMIT ?",
            (campaign, now, owned_until, limit + len(skip)),
        )
        return [number for (number,) in rows if number not in skip][:limit]

    def owned_due(self, campaign: str, now: float) -> list[tuple[str, str]]:
        """(number, agent) of the callbacks due now that an agent booked for themselves."""
        rows = self._db.execute(
            "SELECT number, owner FROM dialer_leads WHERE campaign=? AND next_at <= ?"
            " AND owner != '' ORDER BY next_at, seq",
            (campaign, now),
        )
        return [(str(number), str(owner)) for number, owner in rows]

    def set_owner(self, campaign: str, number: str, agent: str) -> None:
        """The agent who calls the lead back ('' anyone)."""
        self._db.execute(
            "UPDATE dialer_leads SET owner=? WHERE campaign=? AND number=?",
            (agent, campaign, number),
        )

    def next_due(self, campaign: str) -> float | None:
        """When the campaign's next lead falls due (None: no lead left to dial)."""
        (at,) = self._db.execute(
            "SELECT MIN(next_at) FROM dialer_leads WHERE campaign=?", (campaign,)
        ).fetchone()
        return float(at) if at is not None else None

    def reschedule(self, campaign: str, number: str, next_at: float | None) -> None:
        """``next_at`` None: done with the lead in this campaign."""
        self._db.execute(
            "UPDATE dialer_leads SET next_at=? WHERE campaign=? AND number=?",
            (next_at, campaign, number),
        )

    # -- dials ---------------------------------------------------------------------------

    def begin(self, campaign: str, number: str, call_id: str, at: float) -> int:
        """Writes the attempt (on disk when this returns) and takes the lead off the due
        list until its outcome reschedules it; returns the attempt's number."""
        with self._db:
            self._db.execute("BEGIN IMMEDIATE")
            (last,) = self._db.execute(
                "SELECT COALESCE(MAX(attempt), 0) FROM dialer_attempts"
                " WHERE campaign=? AND number=?",
                (campaign, number),
            ).fetchone()
            self._db.execute(
                "INSERT INTO dialer_attempts VALUES (?, ?, ?, ?, ?, NULL)",
                (campaign, number, last + 1, call_id, at),
            )
            self._db.execute(
                "UPDATE dialer_leads SET next_at=NULL WHERE campaign=? AND number=?",
                (campaign, number),
            )
        return int(last) + 1

    def end(
        self, campaign: str, number: str, attempt: int, outcome: DialOutcome, at: float
    ) -> None:
        self._db.execute(
            "UPDATE dialer_attempts SET outcome=? WHERE campaign=? AND number=? AND attempt=?",
            (outcome.value, campaign, number, attempt),
        )

    def history(self, campaign: str, number: str) -> list[Attempt]:
        """The lead's dials in this campaign, oldest first (an open one as failed)."""
        return self._attempts("campaign=? AND number=?", (campaign, number))

    def placed_since(self, number: str, since: float) -> list[Attempt]:
        """The number's dials placed by every campaign since ``since`` (the per-person
        limits: 4 per 30 days in France, 72 hours after an abandoned call in the UK)."""
        placed = self._attempts("number=? AND at>=?", (number, since))
        return [a for a in placed if a.placed]

    def _attempts(self, where: str, args: tuple[object, ...]) -> list[Attempt]:
        rows = self._db.execute(
            f"SELECT at, outcome FROM dialer_attempts WHERE {where} ORDER BY at, attempt", args
        )
        return [Attempt(at, DialOutcome(outcome or INTERRUPTED.value)) for at, outcome in rows]

    def close_interrupted(self, at: float) -> list[tuple[str, str, int]]:
        """At start-up: the attempts a stopped server left open are closed as failed (the
        call was placed; its outcome is unknown). Returns (campaign, number, attempt)."""
        rows = self._db.execute(
            "SELECT campaign, number, attempt FROM dialer_attempts WHERE outcome IS NULL"
        ).fetchall()
        for campaign, number, attempt in rows:
            self.end(campaign, number, attempt, INTERRUPTED, at)
        return [(c, n, int(a)) for c, n, a in rows]

    # -- opt-outs and campaign states ----------------------------------------------------

    def opt_out(self, number: str, at: float, source: str) -> None:
        self._db.execute(
            "INSERT OR IGNORE INTO dialer_opt_outs VALUES (?, ?, ?)", (number, at, source)
        )

    def opted_out(self, number: str) -> bool:
        return bool(self.opt_outs(number))

    def opt_outs(self, number: str) -> list[tuple[float, str]]:
        """(when, source) of the number's opt-out, if any."""
        rows = self._db.execute("SELECT at, source FROM dialer_opt_outs WHERE number=?", (number,))
        return [(float(at), str(source)) for at, source in rows]

    # -- dispositions --------------------------------------------------------------------

    def dispose(self, disposition: Disposition) -> None:
        """The agent's verdict on a call; a refusal counts for every campaign (FR: no call
        for 60 days after a refusal during a call)."""
        d = disposition
        self._db.execute(
            "INSERT INTO dialer_dispositions VALUES (?, ?, ?, ?, ?, ?, ?)",
            (d.campaign, d.number, d.call_id, d.at, d.agent, d.code, int(d.refusal)),
        )

    def refusals_since(self, number: str, since: float) -> list[float]:
        rows = self._db.execute(
            "SELECT at FROM dialer_dispositions WHERE number=? AND refusal=1 AND at>=?",
            (number, since),
        )
        return [float(at) for (at,) in rows]

    def dispositions(self, campaign: str) -> list[Disposition]:
        rows = self._db.execute(
            "SELECT campaign, number, call_id, at, agent, disposition, refusal"
            " FROM dialer_dispositions WHERE campaign=? ORDER BY at",
            (campaign,),
        )
        return [Disposition(c, n, i, a, g, d, bool(r)) for c, n, i, a, g, d, r in rows]

    def set_state(self, campaign: str, state: str) -> None:
        self._db.execute("INSERT OR REPLACE INTO dialer_campaigns VALUES (?, ?)", (campaign, state))

    def states(self) -> dict[str, str]:
        return dict(self._db.execute("SELECT campaign, state FROM dialer_campaigns").fetchall())
