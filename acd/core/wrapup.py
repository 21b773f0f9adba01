"""What an agent says of an inbound call at wrap-up: a disposition (a short code of the
centre's own: "sale", "info", "complaint"...) and whether the customer's need was
resolved at this first contact (the agent's tick, one way to measure first-contact
resolution; acd/core/report/fcr.py has both ways)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar


@dataclass(frozen=True)
class CallWrappedUp:
    kind: ClassVar[str] = "WRAPUP"
    at: float
    call_id: str
    queue: str
    agent_id: str
    disposition: str  # "" : none given
    resolved: bool  # the agent's tick: resolved at first contact


WRAPUP_FACTS = (CallWrappedUp,)
