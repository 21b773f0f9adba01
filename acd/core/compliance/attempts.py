"""What became of one dial: the outcomes a campaign's retry rules and the calling rules
(attempts per 30 days, the UK's 72 hours after an abandoned call) read."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class DialOutcome(StrEnum):
    ANSWERED = "answered"  # a person, connected to an agent or to the message
    NO_ANSWER = "no_answer"
    BUSY = "busy"  # 486
    CONGESTION = "congestion"  # 503, no circuit
    MACHINE = "machine"  # answering machine (AMD)
    FAILED = "failed"  # the call could not be placed (bad number, trunk down)
    ABANDONED = "abandoned"  # a person answered and no agent came within 2 s
    REFUSED = "refused"  # never placed: a calling rule refused it (not an attempt)


@dataclass(frozen=True)
class Attempt:
    """One dial of a lead: when (epoch seconds) and how it ended."""

    at: float
    outcome: DialOutcome

    @property
    def placed(self) -> bool:
        """A refused dial never reached the network: it is not a call "or attempt"."""
        return self.outcome is not DialOutcome.REFUSED
