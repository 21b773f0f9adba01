"""What the ACD engine asks the adapters to do: imperative, frozen dataclasses."""

from __future__ import annotations

from dataclasses import dataclass

from acd.core.engine.config import OverflowTo


@dataclass(frozen=True, slots=True)
class RingAgent:
    """Ring the agent's phone for this caller; the caller stays on hold and keeps their
    place. Answered -> AgentAnswered; otherwise -> AgentMissed (the engine also gives up
    by itself after ``timeout_s`` and sends CancelRing)."""

    call_id: str
    agent_id: str
    queue: str
    timeout_s: float
    whisper: str = ""  # spoken to the agent before the bridge (e.g. the queue's name)
    callback: bool = False  # a booked callback: on answer the customer is dialled


@dataclass(frozen=True, slots=True)
class CancelRing:
    call_id: str
    agent_id: str


@dataclass(frozen=True, slots=True)
class ConnectCall:
    """Bridge the caller with the agent who answered."""

    call_id: str
    agent_id: str


@dataclass(frozen=True, slots=True)
class Announce:
    """Play the caller's position and estimated wait (seconds), in the caller's language."""

    call_id: str
    position: int
    estimated_wait_s: float
    language: str


@dataclass(frozen=True, slots=True)
class RemoveCaller:
    """Take the caller out of the queue: max wait reached, exit key, queue full or empty,
    join refused. The adapter sends the call to the queue's exit destination."""

    call_id: str
    queue: str
    reason: str  # timeout | exitkey | full | joinempty | leaveempty


@dataclass(frozen=True, slots=True)
class OverflowCaller:
    """Send a waiting caller out of the ACD: another centre, a number, voicemail, a
    message then hang-up, or the callback offer (see OverflowTo). The caller has left
    the queue, except for a callback offer, where they keep their place meanwhile."""

    call_id: str
    queue: str
    to: OverflowTo
    target: str  # trunk, number, mailbox, message; "" for a callback offer
    number: str = ""  # centre: the number to dial there ("" = the number the caller dialled)


@dataclass(frozen=True, slots=True)
class MoveCaller:
    """The caller now waits in ``queue`` with ``priority`` (overflow to another queue);
    the adapter records it on the call so a restart finds them there. Entry time kept."""

    call_id: str
    queue: str
    priority: int


@dataclass(frozen=True, slots=True)
class ConfirmCallback:
    """Tell the caller their callback is booked (or merged with the one already booked
    for that number: ``merged`` True), then hang up; their place is kept."""

    call_id: str
    number: str
    merged: bool


@dataclass(frozen=True, slots=True)
class DialCustomer:
    """The agent answered a callback: dial the customer, then bridge them with the agent
    (CustomerAnswered -> ConnectCall) or report CustomerUnreachable."""

    call_id: str
    agent_id: str
    number: str
    queue: str
    entered_at: float = 0.0  # the first entry (kept on the leg: a restart finds it)


@dataclass(frozen=True, slots=True)
class ReleaseCaller:
    """The agent ended the call: hang up the caller's line. (Left alone, Asterisk would
    take the caller back to where they waited, an announcement or the music.)"""

    call_id: str


@dataclass(frozen=True, slots=True)
class PauseAgent:
    """Auto-pause after too many missed calls (the adapter tells the agent's phone too)."""

    agent_id: str
    reason: str


Command = (
    RingAgent
    | CancelRing
    | ConnectCall
    | Announce
    | RemoveCaller
    | OverflowCaller
    | MoveCaller
    | ConfirmCallback
    | DialCustomer
    | ReleaseCaller
    | PauseAgent
)
