"""What a lead file gives: the leads taken, each once, and the rows refused with their
line. Frozen values, built by ``csv_read.read_leads``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from acd.core.compliance.consent import Consent
from acd.core.compliance.numbers import NumberKind


@dataclass(frozen=True)
class ConsentEvidence:
    """The proof that the person agreed to be called (France: prospecting and automated
    calls need it). Only a row giving when consent was given has evidence."""

    at: date | datetime  # when consent was given, as the file says (a date or a date-time)
    channel: str = ""  # web form, paper, phone...
    proof: str = ""  # the wording shown, or where the proof is kept
    scope: str = ""  # which company or partners it covers

    def to_consent(self) -> Consent:
        """As the dial check reads it: a day means from its start, a time without a zone
        is in UTC (give the zone in the file to be exact)."""
        given = self.at if isinstance(self.at, datetime) else datetime.combine(self.at, time())
        if given.tzinfo is None:
            given = given.replace(tzinfo=UTC)
        return Consent(given.timestamp(), self.channel, self.proof, self.scope)

    def __str__(self) -> str:
        """``2026-09-01 | web form | ...``: how reports show it."""
        parts = (self.at.isoformat(), self.channel, self.proof, self.scope)
        return " | ".join(part for part in parts if part)


@dataclass(frozen=True)
class Lead:
    e164: str  # "+33612345678": one person, one number, however the file wrote it
    name: str
    reference: str  # the operator's own id (CRM key); "" none
    time_zones: tuple[str, ...]  # the file's zone (column or postcode), else the number's
    country: str | None  # ISO region of the number ("FR", "GP"); None unknown
    kind: NumberKind  # mobile, fixed line, premium rate (imported; the dialer refuses it)...
    consent_evidence: ConsentEvidence | None
    existing_contract: bool  # the person has an ongoing contract the calls are about
    line: int  # the file's line of the lead's first row (the header is line 1)

    # The lead book's names (acd/adapters/dialer/book.py, BookLead).
    @property
    def number(self) -> str:
        return self.e164

    @property
    def consent(self) -> str:
        """The consent evidence as text; "" none."""
        return str(self.consent_evidence) if self.consent_evidence else ""

    @property
    def time_zone(self) -> str:
        """The one zone the person is in; "" when the number spans several (the dialer
        then checks the calling hours in each of them) or none is known."""
        return self.time_zones[0] if len(self.time_zones) == 1 else ""


@dataclass(frozen=True)
class Rejection:
    """A row not taken: ``str()`` is ``file:line: what is wrong``."""

    source: str
    line: int  # where the row starts (a quoted value may run over several lines)
    reason: str

    def __str__(self) -> str:
        return f"{self.source}:{self.line}: {self.reason}"


@dataclass(frozen=True)
class ImportResult:
    leads: dict[str, Lead]  # by E.164, in the order of their first row
    rejected: tuple[Rejection, ...]
    merged: int  # rows whose number an earlier row already had (merged into its lead)
    rows: int  # data rows read, blank ones left out: taken + merged + rejected
