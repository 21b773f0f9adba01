"""Dispositions: the agent's verdict on a campaign call, set at wrap-up from the phone
(feature code ``*45`` and the disposition's digit) or the CLI (``acd dialer dispose``),
and what each does to the lead (pure).

Every disposition is journaled and counted in ``acd report dialer``. Its effect:
``done`` closes the lead in the campaign; ``refusal`` too, and in France no campaign
calls the person for 60 days (compliance.md); ``do_not_call`` opts the number out of
every campaign, before the next dial anywhere; ``callback`` dials the lead again later
(at the time the agent gives, or after the campaign's callback delay).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

DEFAULT_CALLBACK_DELAY_S = 3600.0  # a callback asked for from the phone: in an hour


class Effect(StrEnum):
    DONE = "done"
    REFUSAL = "refusal"
    DO_NOT_CALL = "do_not_call"
    CALLBACK = "callback"


@dataclass(frozen=True)
class DispositionCode:
    code: str  # as the journal and reports name it: "sale", "not_interested"...
    effect: Effect


# The phone's digit -> the disposition, unless the campaign file lists its own.
DEFAULT_DISPOSITIONS: Mapping[str, DispositionCode] = {
    "1": DispositionCode("sale", Effect.DONE),
    "2": DispositionCode("not_interested", Effect.REFUSAL),
    "3": DispositionCode("callback", Effect.CALLBACK),
    "4": DispositionCode("do_not_call", Effect.DO_NOT_CALL),
    "5": DispositionCode("wrong_number", Effect.DONE),
    "6": DispositionCode("no_decision", Effect.DONE),
}


def find(codes: Mapping[str, DispositionCode], given: str) -> DispositionCode | None:
    """The disposition a digit (from the phone) or a code (from the CLI) names."""
    if given in codes:
        return codes[given]
    return next((c for c in codes.values() if c.code == given), None)


def next_dial(effect: Effect, at: float, callback_at: float | None) -> float | None:
    """When the lead is dialled again in the campaign (None: never)."""
    if effect is not Effect.CALLBACK:
        return None
    if callback_at is not None and callback_at > at:
        return callback_at
    return at + DEFAULT_CALLBACK_DELAY_S
