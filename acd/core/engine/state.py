"""The engine's mutable records: one per agent and one per call. Only the engine's own
modules change them; the outside world sees frozen snapshots (snapshot.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING

from acd.core.engine.config import AgentConfig, QueueConfig, Skills
from acd.core.engine.events import PhoneState
from acd.core.engine.ranked import CallKey
from acd.core.engine.timers import AlarmKind

if TYPE_CHECKING:
    from acd.core.engine.pools import Pool


class AgentState(Enum):
    LOGGED_OUT = "logged_out"
    READY = "ready"
    RESERVED = "reserved"  # a call is ringing on the agent's phone
    ON_CALL = "on_call"
    WRAP_UP = "wrap_up"
    PAUSED = "paused"


class Pending(Enum):
    """What an agent asked for while busy; applied when the call (and wrap-up) ends."""

    NOTHING = "nothing"
    PAUSE = "pause"
    LOGOUT = "logout"


@dataclass(eq=False)
class Agent:
    config: AgentConfig
    index: int  # this agent's bit in every agent mask
    queues: tuple[str, ...]  # queues this agent is a member of
    skills: dict[str, int]
    state: AgentState = AgentState.LOGGED_OUT
    since: float = 0.0  # when ``state`` began
    reason: str = ""  # pause reason when paused
    phone: PhoneState = PhoneState.UNKNOWN  # never offered a call until Asterisk says idle
    idle_since: float = 0.0  # when the agent last became ready (longest-idle)
    calls: int = 0  # answered since login (fewest-calls)
    talk_s: float = 0.0  # since login (least-talk-time)
    missed_in_row: int = 0  # consecutive missed offers (auto-pause)
    pending: Pending = Pending.NOTHING
    pending_reason: str = ""
    call_id: str = ""  # the call ringing, connected or just ended (wrap-up)
    wrap_timer: int | None = None
    wrap_ends_at: float = 0.0  # when the wrap-up under way ends (estimated wait)
    pools: list[Pool] = field(default_factory=list)  # every pool this agent may serve
    conditions: int = -1  # AgentSets' flags for this agent, as last recorded
    id: str = field(init=False)

    def __post_init__(self) -> None:
        self.id = self.config.id

    @property
    def offerable(self) -> bool:
        return self.state is _READY and self.phone is _IDLE


_READY, _IDLE = AgentState.READY, PhoneState.NOT_INUSE


class CallState(Enum):
    WAITING = "waiting"  # in its pool, no agent rung
    RINGING = "ringing"  # one agent (or several: ring-all) being rung; keeps its place
    CONNECTED = "connected"  # answered, until the call ends
    DIALING = "dialing"  # callback: the agent answered, the customer is being dialled
    HELD = "held"  # callback: the customer did not answer; waits for the retry time


@dataclass(eq=False)
class Call:
    call_id: str
    queue: QueueConfig
    entered_at: float
    priority: int
    seq: int  # arrival order, the last tie-breaker
    own_skills: Skills  # what the caller brought (e.g. language from the IVR)
    caller: str
    language: str
    requirement: Skills  # what an agent needs now (queue + caller + escalation steps)
    original_position: int
    state: CallState = CallState.WAITING
    pool: Pool | None = None  # while waiting
    offers: dict[str, float] = field(default_factory=dict)  # agent id -> ring start
    ring_timers: dict[str, int] = field(default_factory=dict)
    excluded: dict[str, float] = field(default_factory=dict)  # agent id -> until (missed)
    excluded_mask: int = 0
    # Alarm kind (with the agent, for re-offers) -> timer handle.
    timers: dict[AlarmKind | tuple[AlarmKind, str], int] = field(default_factory=dict)
    agent_id: str = ""  # who answered
    answered_at: float = 0.0
    ring_s: float = 0.0
    overflowed_from: tuple[str, ...] = ()  # queues left by overflow (never sent back)
    callback_offered: bool = False  # the callback offer was made: not made again
    callback_number: str = ""  # a callback was requested: the caller hung up, dial this
    callback_attempts: int = 0  # dials that found nobody (busy, no answer)
    max_wait_s: float = 0.0  # this call's own limit (a campaign's answered person); 0: the queue's
    # The one global order across all queues: priority, then entry time, then arrival.
    key: CallKey = field(init=False)

    def __post_init__(self) -> None:
        self.key = (-self.priority, self.entered_at, self.seq)
