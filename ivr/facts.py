"""What IVR sessions report for the journal: each node a call passes through and how it
left it, and survey scores. ``acd report ivr`` builds the drop-off funnel from these."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar


class Outcome:
    """How a call left a node (``IvrStep.outcome``)."""

    ENTERED = "entered"  # the call reached the node
    OPTION = "option"  # a menu option was chosen (detail: the key)
    SPOKEN = "spoken"  # ... by voice (detail: the keyword)
    NOT_UNDERSTOOD = "not_understood"  # speech not recognised with confidence: keys asked
    REPEAT = "repeat"
    BACK = "back"
    MAIN = "main"
    INVALID = "invalid"  # keys that mean nothing here (detail: the keys)
    TIMEOUT = "timeout"
    FAILED = "failed"  # no tries left: on to on_fail
    COLLECTED = "collected"
    CASE = "case"  # a condition held (detail: its number, from 1) or "else"
    ANSWERED = "answered"  # a lookup answered
    ERROR = "error"  # a lookup failed (detail: why)
    DONE = "done"  # the call left the IVR here (a queue, a transfer, a hang-up...)
    HANGUP = "hangup"  # the caller hung up here


@dataclass(frozen=True, slots=True)
class IvrStep:
    kind: ClassVar[str] = "IVR"
    at: float
    call_id: str
    menu: str
    node: str
    outcome: str
    detail: str = ""
    version: str = ""


@dataclass(frozen=True, slots=True)
class SurveyAnswered:
    kind: ClassVar[str] = "SURVEY"
    at: float
    call_id: str
    menu: str
    node: str
    scale: str  # csat, nps, ces
    score: int


IvrFact = IvrStep | SurveyAnswered
IVR_FACTS = (IvrStep, SurveyAnswered)
