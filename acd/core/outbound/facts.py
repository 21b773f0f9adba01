"""The outbound facts: one per dial placed, one per outcome, one per AMD verdict, per
opt-out and per disposition. ``campaign`` names the campaign; ``attempt`` counts the
lead's dials in that campaign from 1; ``call_id`` is the customer leg's id, the same as
the engine's call id once the person is put through to a queue."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar


@dataclass(frozen=True, slots=True)
class LeadDialled:
    kind: ClassVar[str] = "LEADDIAL"
    at: float
    call_id: str
    campaign: str
    number: str
    attempt: int


@dataclass(frozen=True, slots=True)
class LeadCallEnded:
    """How a dial ended: ``outcome`` is a DialOutcome value (answered, no_answer, busy,
    congestion, machine, failed, abandoned); ``agent_id`` who took the call, if anyone."""

    kind: ClassVar[str] = "LEADEND"
    at: float
    call_id: str
    campaign: str
    number: str
    attempt: int
    outcome: str
    agent_id: str = ""


@dataclass(frozen=True, slots=True)
class AmdVerdict:
    """Asterisk's AMD() result on an answered leg: AMDSTATUS and AMDCAUSE as given."""

    kind: ClassVar[str] = "AMD"
    at: float
    call_id: str
    campaign: str
    status: str  # MACHINE, HUMAN, NOTSURE, HANGUP
    cause: str  # e.g. LONGGREETING-1700-1500, HUMAN-500-800


@dataclass(frozen=True, slots=True)
class NumberOptedOut:
    """A person asked not to be called again: from a key during an automated call, an
    agent's disposition or an operator. Takes effect before the next dial anywhere."""

    kind: ClassVar[str] = "OPTOUT"
    at: float
    call_id: str
    campaign: str
    number: str
    source: str  # keypress | disposition | operator


@dataclass(frozen=True, slots=True)
class LeadDisposition:
    """The agent's verdict on a campaign call at wrap-up (a code of the campaign's)."""

    kind: ClassVar[str] = "DISPOSITION"
    at: float
    call_id: str
    campaign: str
    number: str
    agent_id: str
    disposition: str


@dataclass(frozen=True, slots=True)
class PacingDecided:
    """A predictive campaign's pacing decision that placed calls or changed its reason:
    how many, the dial level, why, and the estimates it used (dialer/predictive)."""

    kind: ClassVar[str] = "PACING"
    at: float
    campaign: str
    dials: int
    level: float
    reason: str
    figures: tuple[tuple[str, float], ...]


OutboundFact = (
    LeadDialled | LeadCallEnded | AmdVerdict | NumberOptedOut | LeadDisposition | PacingDecided
)
OUTBOUND_FACTS: tuple[type[OutboundFact], ...] = (
    LeadDialled,
    LeadCallEnded,
    AmdVerdict,
    NumberOptedOut,
    LeadDisposition,
    PacingDecided,
)
