"""What the ACD engine reports for the journal: every step of every call and every agent
state change, with the reasons behind each routing decision.

The engine returns facts next to its commands; the shell writes them to the journal
(SQLite), and to an Asterisk-compatible queue_log. KPIs and restarts are computed from
the journal alone. ``at`` is the engine's ``now`` (epoch seconds when live).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar


@dataclass(frozen=True, slots=True)
class CallEntered:
    kind: ClassVar[str] = "ENTERQUEUE"
    at: float
    call_id: str
    queue: str
    position: int
    priority: int
    caller: str


@dataclass(frozen=True, slots=True)
class CallRefused:
    """Not admitted: queue full (FULL) or no agent to serve it (JOINEMPTY)."""

    kind: ClassVar[str] = "REFUSED"
    at: float
    call_id: str
    queue: str
    reason: str  # full | joinempty


@dataclass(frozen=True, slots=True)
class CallAnnounced:
    kind: ClassVar[str] = "ANNOUNCED"
    at: float
    call_id: str
    queue: str
    position: int
    estimated_wait_s: float


@dataclass(frozen=True, slots=True)
class CallOffered:
    """An agent's phone is rung for this call. ``eligible`` lists the agents who could
    take it at that moment and ``why`` says why this one won (the strategy's reason).

    ``eligible`` starts with the chosen agent, then names up to 4 runners-up in the
    strategy's order; ``eligible_count`` says how many agents could have taken it."""

    kind: ClassVar[str] = "OFFERED"
    at: float
    call_id: str
    queue: str
    agent_id: str
    eligible: tuple[str, ...]
    why: str
    eligible_count: int = 0


@dataclass(frozen=True, slots=True)
class OfferMissed:
    kind: ClassVar[str] = "RINGNOANSWER"
    at: float
    call_id: str
    queue: str
    agent_id: str
    ring_s: float
    reason: str


@dataclass(frozen=True, slots=True)
class CallAnswered:
    kind: ClassVar[str] = "CONNECT"
    at: float
    call_id: str
    queue: str
    agent_id: str
    wait_s: float  # queue entry -> agent answer (ASA's numerator)
    ring_s: float


@dataclass(frozen=True, slots=True)
class CallAbandonedInQueue:
    kind: ClassVar[str] = "ABANDON"
    at: float
    call_id: str
    queue: str
    position: int
    original_position: int
    wait_s: float


@dataclass(frozen=True, slots=True)
class CallLeftQueue:
    """Taken out without an agent: EXITWITHTIMEOUT, EXITWITHKEY or EXITEMPTY."""

    kind: ClassVar[str] = "EXIT"
    at: float
    call_id: str
    queue: str
    reason: str  # timeout | exitkey | leaveempty
    position: int
    wait_s: float


@dataclass(frozen=True, slots=True)
class CallOverflowed:
    """An overflow rule sent the caller elsewhere (to another queue: a CallEntered for
    that queue follows, with the original entry time)."""

    kind: ClassVar[str] = "OVERFLOW"
    at: float
    call_id: str
    queue: str
    rule: int  # index of the rule in the queue's list, from 0
    when: str  # the rule's condition (OverflowWhen value)
    to: str  # OverflowTo value
    target: str  # queue, trunk, number, mailbox or message
    position: int
    wait_s: float
    seen: float = 0.0  # what the condition measured (e.g. the estimated wait); -1: infinite


@dataclass(frozen=True, slots=True)
class CallbackBooked:
    """A caller asked to be called back and hung up; they keep their place. Everything
    needed to rebuild the callback after a restart is here. ``merged_into``: the call
    whose pending callback for the same number absorbed this request ("" = none)."""

    kind: ClassVar[str] = "CALLBACK"
    at: float
    call_id: str
    queue: str
    number: str
    entered_at: float
    priority: int
    caller: str
    language: str
    skills: tuple[tuple[str, int], ...]
    merged_into: str = ""


@dataclass(frozen=True, slots=True)
class CallbackAttempt:
    """A callback dial that found nobody; ``final`` when no attempt is left."""

    kind: ClassVar[str] = "CALLBACKFAIL"
    at: float
    call_id: str
    queue: str
    agent_id: str
    attempt: int
    reason: str  # noanswer | busy | failed | agent
    final: bool


@dataclass(frozen=True, slots=True)
class CallCompleted:
    kind: ClassVar[str] = "COMPLETE"
    at: float
    call_id: str
    queue: str
    agent_id: str
    by: str  # caller | agent
    wait_s: float
    talk_s: float


@dataclass(frozen=True, slots=True)
class CallTransferredOut:
    kind: ClassVar[str] = "TRANSFER"
    at: float
    call_id: str
    queue: str
    agent_id: str
    target: str
    wait_s: float
    talk_s: float


@dataclass(frozen=True, slots=True)
class AgentStateChanged:
    """Every agent state change; ``reason`` is the pause code when ``state`` is paused."""

    kind: ClassVar[str] = "AGENTSTATE"
    at: float
    agent_id: str
    state: str  # logged_out | ready | reserved | on_call | wrap_up | paused
    previous: str
    reason: str = ""


# Everything the engine reports (the journal adds the other cores' facts: acd/core/facts.py).
@dataclass(frozen=True)
class CallConnectFailed:
    """Asterisk refused the bridge of a caller with the agent who answered: the caller
    is back at their place (the CONNECT before it did not happen)."""

    kind: ClassVar[str] = "CONNECTFAIL"
    at: float
    call_id: str
    queue: str
    agent_id: str


@dataclass(frozen=True)
class CallReattachedFact:
    """A repair after a restart: a connected call found in Asterisk is followed again."""

    kind: ClassVar[str] = "REATTACH"
    at: float
    call_id: str
    queue: str
    agent_id: str
    answered_at: float
    reason: str  # what was found (e.g. "bridged in Asterisk at restart")


EngineFact = (
    CallEntered
    | CallRefused
    | CallAnnounced
    | CallOffered
    | OfferMissed
    | CallAnswered
    | CallAbandonedInQueue
    | CallLeftQueue
    | CallOverflowed
    | CallbackBooked
    | CallbackAttempt
    | CallCompleted
    | CallTransferredOut
    | AgentStateChanged
    | CallReattachedFact
    | CallConnectFailed
)
ENGINE_FACTS = (
    CallEntered,
    CallRefused,
    CallAnnounced,
    CallOffered,
    OfferMissed,
    CallAnswered,
    CallAbandonedInQueue,
    CallLeftQueue,
    CallOverflowed,
    CallbackBooked,
    CallbackAttempt,
    CallCompleted,
    CallTransferredOut,
    AgentStateChanged,
    CallReattachedFact,
    CallConnectFailed,
)
