"""What the ACD engine is told: things that happened, named in the past tense.

The adapters turn AMI events, AGI calls, feature codes and CLI commands into these; the
engine never sees Asterisk. Every event is a frozen dataclass. Time is not inside the
events: it is the ``now`` argument of ``Engine.handle(event, now)`` (seconds, float,
monotonic or virtual; only differences matter, except ``CallArrived.entered_at``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class PhoneState(Enum):
    """An agent phone as Asterisk sees it (device state of PJSIP/<agent>)."""

    NOT_INUSE = "not_inuse"  # registered and idle: the only state a call may be offered in
    INUSE = "inuse"
    BUSY = "busy"
    RINGING = "ringing"
    ONHOLD = "onhold"
    UNAVAILABLE = "unavailable"  # not registered
    INVALID = "invalid"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class CallArrived:
    """A caller joined a queue (after the IVR).

    ``entered_at`` is the time the caller first entered (same clock as ``now``); after a
    restart the adapter passes the original entry time found on the channel, so the
    caller keeps their place. ``skills`` maps skill name -> minimum proficiency (1-5)
    added to the queue's own requirements (e.g. language set by the IVR).
    ``max_wait_s`` overrides the queue's maximum wait for this call: a person a campaign
    called must reach an agent within 2 s of answering, or hear the information message.
    """

    call_id: str
    queue: str
    entered_at: float
    priority: int = 0  # higher goes first; 0 is normal
    skills: tuple[tuple[str, int], ...] = ()
    caller: str = ""
    language: str = ""
    max_wait_s: float = 0.0  # 0: the queue's own
    callback_offered: bool = False  # after a restart: offered (or booked) before, not again


@dataclass(frozen=True, slots=True)
class CallReattached:
    """After a restart, a caller found talking to an agent in Asterisk (the bridge outlived
    the server): the engine follows the call to its end. Its entry and (unless said
    otherwise) its answer are already in the journal: nothing is counted again, the
    completion is counted once."""

    call_id: str
    queue: str
    agent_id: str
    entered_at: float
    answered_at: float
    caller: str = ""
    language: str = ""
    # False: the journal has no answer for it (the server died between the bridge and
    # writing the answer down): the answer is counted now, at its time, once.
    answer_recorded: bool = True


@dataclass(frozen=True, slots=True)
class ConnectFailed:
    """Asterisk could not bridge the caller with the agent who answered."""

    call_id: str
    agent_id: str


@dataclass(frozen=True, slots=True)
class CallAbandoned:
    """The caller hung up while waiting (or while an agent's phone was ringing)."""

    call_id: str


@dataclass(frozen=True, slots=True)
class CallerPressedExitKey:
    call_id: str
    key: str


@dataclass(frozen=True, slots=True)
class AgentLoggedIn:
    agent_id: str


@dataclass(frozen=True, slots=True)
class AgentLoggedOut:
    agent_id: str


@dataclass(frozen=True, slots=True)
class AgentPaused:
    agent_id: str
    reason: str  # a code from the configured pause reasons


@dataclass(frozen=True, slots=True)
class AgentUnpaused:
    agent_id: str


@dataclass(frozen=True, slots=True)
class PhoneStateChanged:
    agent_id: str
    state: PhoneState


@dataclass(frozen=True, slots=True)
class AgentAnswered:
    """The agent picked up the offered call; the adapter bridges caller and agent."""

    call_id: str
    agent_id: str


@dataclass(frozen=True, slots=True)
class AgentMissed:
    """The offer failed: no answer within the ring timeout, rejected, busy or failed."""

    call_id: str
    agent_id: str
    reason: str = "noanswer"  # noanswer | busy | rejected | failed


@dataclass(frozen=True, slots=True)
class CallEnded:
    """A connected call ended. ``by`` is "caller" or "agent"."""

    call_id: str
    by: str


@dataclass(frozen=True, slots=True)
class CallTransferred:
    call_id: str
    target: str


@dataclass(frozen=True, slots=True)
class CallbackRequested:
    """A waiting caller accepted the callback offer and gave ``number`` (already checked
    against do-not-call lists and calling hours, in E.164). Their place is kept."""

    call_id: str
    number: str
    attempts: int = 0  # dials already made (a callback restored after a restart)


@dataclass(frozen=True, slots=True)
class CustomerAnswered:
    """The customer of a callback answered: bridge them with the agent."""

    call_id: str


@dataclass(frozen=True, slots=True)
class CustomerUnreachable:
    """The customer of a callback did not answer, was busy, or the dial failed."""

    call_id: str
    reason: str = "noanswer"  # noanswer | busy | congestion | failed | refused: <rules>


@dataclass(frozen=True, slots=True)
class TimerFired:
    """The shell calls the engine at the time ``Engine.next_deadline()`` asked for."""


@dataclass(frozen=True, slots=True)
class ConfigReloaded:
    """New queue and agent configuration; waiting callers and agent states are kept."""

    config: object = field(compare=False)


EngineEvent = (
    CallArrived
    | CallReattached
    | ConnectFailed
    | CallAbandoned
    | CallerPressedExitKey
    | AgentLoggedIn
    | AgentLoggedOut
    | AgentPaused
    | AgentUnpaused
    | PhoneStateChanged
    | AgentAnswered
    | AgentMissed
    | CallEnded
    | CallTransferred
    | CallbackRequested
    | CustomerAnswered
    | CustomerUnreachable
    | TimerFired
    | ConfigReloaded
)
