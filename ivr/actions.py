"""What an IVR session asks its adapter to do, and what the adapter reports back.

The session (``ivr.session``) is pure: it returns one action at a time and waits for the
result. The FastAGI adapter (``acd.adapters.callcontrol.ivr``) performs the action on the call
and hands the result back; the simulator (``ivr.simulate``) does the same from a script.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

# ---- audio, resolved for the call's language ----------------------------------------


@dataclass(frozen=True)
class Speak:
    """Text for the speech synthesiser, in ``language``."""

    text: str
    language: str


@dataclass(frozen=True)
class Recording:
    """An operator's recording: ``sounds/<language>/<name>``."""

    name: str
    language: str


@dataclass(frozen=True)
class Sound:
    """One of Asterisk's core sounds, in the channel's language."""

    name: str


Audio = Speak | Recording | Sound


# ---- actions -------------------------------------------------------------------------


@dataclass(frozen=True)
class Play:
    """Play ``audio`` (a key press does not interrupt it). Result: Played."""

    audio: tuple[Audio, ...]


@dataclass(frozen=True)
class Ask:
    """Play ``audio`` (a key interrupts it and counts as input), then wait for keys.

    Ends after ``max_digits`` keys, the ``terminator`` key, or ``timeout_s`` without a
    key. With ``keywords``, the adapter may instead record the caller's answer and
    recognise one of them (voice menus). Result: KeysEntered or SpeechHeard."""

    audio: tuple[Audio, ...]
    max_digits: int
    timeout_s: float
    terminator: str = ""
    keys: str = ""  # keys that mean something here (they may interrupt the audio)
    keywords: tuple[str, ...] = ()
    language: str = "en"


@dataclass(frozen=True)
class Fetch:
    """An HTTP request (a CRM lookup). Result: Fetched or FetchFailed."""

    method: str
    url: str
    body: Mapping[str, object] | None
    timeout_s: float


@dataclass(frozen=True)
class OfferCallback:
    """The callback dialog (number, compliance checks, booking) for ``queue``.
    Result: CallbackDone."""

    queue: str
    language: str


# Ends: the session is over once it returns one of these.


@dataclass(frozen=True)
class EnterQueue:
    queue: str
    priority: int
    skills: tuple[tuple[str, int], ...]
    language: str
    variables: Mapping[str, str] = field(default_factory=dict)
    after_call: str = ""  # "<menu>:<survey node>", played when the agent hangs up first


@dataclass(frozen=True)
class TransferOut:
    number: str  # "" = the number the caller dialled
    trunk: str  # "" = the first trunk that calls out


@dataclass(frozen=True)
class LeaveVoicemail:
    mailbox: str


@dataclass(frozen=True)
class EndCall:
    audio: tuple[Audio, ...] = ()


Action = Play | Ask | Fetch | OfferCallback | EnterQueue | TransferOut | LeaveVoicemail | EndCall
ENDS = (EnterQueue, TransferOut, LeaveVoicemail, EndCall)


# ---- results -------------------------------------------------------------------------


@dataclass(frozen=True)
class Played:
    pass


@dataclass(frozen=True)
class KeysEntered:
    digits: str  # "" = nothing before the timeout


@dataclass(frozen=True)
class SpeechHeard:
    """What the recogniser made of the caller's answer (``ivr.speech.Recognition``)."""

    word: str | None  # a keyword recognised with confidence; None = not sure
    heard: str  # its best guess; "" = the caller said nothing
    confidence: float


@dataclass(frozen=True)
class Fetched:
    data: Mapping[str, object]


@dataclass(frozen=True)
class FetchFailed:
    reason: str  # timeout, status 500, not JSON, refused...


@dataclass(frozen=True)
class CallbackDone:
    booked: bool


@dataclass(frozen=True)
class CallerHungUp:
    pass


Result = Played | KeysEntered | SpeechHeard | Fetched | FetchFailed | CallbackDone | CallerHungUp
