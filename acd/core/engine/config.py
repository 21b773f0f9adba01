"""The ACD configuration the engine runs on: frozen, already validated values.

``acd.core.settings.acd_model`` builds these from ``config/acd.yaml`` (and says which file,
line and key is wrong); tests and simulations build them directly. The engine imports
nothing from the settings, so it runs the same live, in tests and in the simulators.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Protocol

Skills = tuple[tuple[str, int], ...]
"""Skill name -> proficiency (agents) or minimum proficiency (callers), 1 to 5, by name."""

MIN_PROFICIENCY, MAX_PROFICIENCY = 1, 5


class Strategy(Enum):
    """How a queue picks among several ready agents who could all take the call."""

    LONGEST_IDLE = "longest-idle"  # longest in the ready state
    ROUND_ROBIN = "round-robin"  # the member after the one offered last (remembered)
    FEWEST_CALLS = "fewest-calls"  # fewest answered calls since login
    LEAST_TALK_TIME = "least-talk-time"  # least talk time since login
    RANDOM = "random"  # uniformly among them (seeded)
    LINEAR = "linear"  # first in the queue's member order
    RING_ALL = "ring-all"  # all of them at once; the first to answer wins
    SKILLS = "skills"  # highest total proficiency on the required skills, then longest idle


class MemberCondition(Enum):
    """app_queue's names for why a member cannot take calls (joinempty, leavewhenempty)."""

    PAUSED = "paused"  # agent paused
    PENALTY = "penalty"  # agent lacks the caller's required skills
    INUSE = "inuse"  # on a call, or the phone is in use / busy / on hold
    RINGING = "ringing"  # being offered a call, or the phone rings
    UNAVAILABLE = "unavailable"  # phone not registered
    INVALID = "invalid"
    UNKNOWN = "unknown"  # phone state not known yet
    WRAPUP = "wrapup"  # in wrap-up after a call


@dataclass(frozen=True)
class EscalationStep:
    """After ``after_s`` seconds of waiting, these minimum proficiencies apply instead.

    Each entry sets a skill's minimum (widen: lower it; narrow: raise it or add a skill);
    a minimum of 0 drops the skill from the requirement. Steps accumulate in order.
    """

    after_s: float
    skills: tuple[tuple[str, int], ...]


class OverflowWhen(Enum):
    """An overflow rule's condition, checked while the caller waits (and at entry)."""

    WAITED_OVER = "waited_over"  # the caller has waited more than ``threshold`` seconds
    ESTIMATED_WAIT_OVER = "estimated_wait_over"  # the caller's estimated wait > threshold s
    LENGTH_OVER = "length_over"  # more than ``threshold`` callers waiting in the queue
    PER_READY_AGENT_OVER = "per_ready_agent_over"  # waiting callers per ready agent > threshold
    NO_AGENT_LOGGED_IN = "no_agent_logged_in"  # no member logged in (paused counts as in)
    NO_AGENT_READY = "no_agent_ready"  # no member ready (idle, not paused)
    SERVICE_LEVEL_UNDER = "service_level_under"  # SL % of the last ``window_s`` < threshold
    CLOSED = "closed"  # outside the queue's business hours, or a holiday / closure


class OverflowTo(Enum):
    """Where an overflowing caller goes."""

    QUEUE = "queue"  # another queue: original entry time, priority + ``priority_boost``
    CENTRE = "centre"  # another contact centre, over a SIP trunk (``target`` = trunk)
    NUMBER = "number"  # an external number (``target``), through the outbound trunk
    VOICEMAIL = "voicemail"  # Asterisk VoiceMail, mailbox ``target``
    CALLBACK = "callback"  # offer a callback that keeps the caller's place
    MESSAGE = "message"  # say ``target`` (a prompt name or text), then hang up


@dataclass(frozen=True)
class OverflowRule:
    """When ``when`` holds for a waiting caller, send them to ``to`` (rules in order)."""

    when: OverflowWhen
    to: OverflowTo
    target: str = ""  # queue name, trunk name, phone number, mailbox or message
    threshold: float = 0.0  # seconds, callers, callers per agent or percent (by ``when``)
    window_s: float = 0.0  # service_level_under: over the last ``window_s`` seconds
    priority_boost: int = 0  # to a queue: added to the caller's priority
    number: str = ""  # centre: the number to dial at the other centre ("" = as dialled)


class OpeningHours(Protocol):
    """A business-hours calendar, as the engine uses it (acd.core.hours implements it)."""

    def is_open(self, at: float) -> bool:
        """True when ``at`` (epoch seconds) falls inside opening hours."""
        ...


@dataclass(frozen=True)
class QueueConfig:
    name: str
    members: tuple[str, ...]  # agent ids, in order (linear, round-robin)
    strategy: Strategy = Strategy.LONGEST_IDLE
    skills: Skills = ()  # every caller of this queue needs these
    max_length: int = 0  # callers waiting or ringing; 0 = no limit
    join_empty: frozenset[MemberCondition] = frozenset()  # empty: always join
    leave_when_empty: frozenset[MemberCondition] = frozenset()  # empty: never removed
    max_wait_s: float = 0.0  # 0 = wait for ever
    exit_key: str = ""  # a DTMF digit that takes the caller out; "" = none
    ring_timeout_s: float = 15.0
    reoffer_delay_s: float = 30.0  # an agent who missed a call is not offered it again sooner
    wrap_up_s: float = 0.0
    service_level_s: float = 20.0
    announce_every_s: float = 0.0  # 0 = no announcements
    escalation: tuple[EscalationStep, ...] = ()
    default_handle_s: float = 180.0  # handle time assumed until calls have completed
    whisper: str = ""  # said to the agent before the bridge
    overflow: tuple[OverflowRule, ...] = ()  # checked in order; the first that holds wins
    overflow_check_s: float = 1.0  # how often rules are checked while callers wait
    calendar: str = ""  # name in AcdConfig.calendars; "" = always open
    callback_attempts: int = 3  # dials of a callback customer before giving up
    callback_retry_s: float = 300.0  # wait before the 2nd dial; doubles for each next one
    callback_customer_first: bool = False  # dial the customer, then ring the agent kept
    tenant: str = ""  # the client company whose users may see it ("" = the centre's own)


@dataclass(frozen=True)
class AgentConfig:
    id: str
    skills: Skills = ()
    auto_pause_after: int = 0  # consecutive missed offers before pausing; 0 = never


@dataclass(frozen=True)
class PauseReason:
    digit: str  # dialled after the pause feature code
    code: str  # what the journal and the API use


AUTO_PAUSE_REASON = "auto"
# The dialer holds an agent on a preview call paused with this reason: no inbound offer.
OUTBOUND_PAUSE_REASON = "outbound"


@dataclass(frozen=True)
class AcdConfig:
    queues: tuple[QueueConfig, ...] = ()
    agents: tuple[AgentConfig, ...] = ()
    pause_reasons: tuple[PauseReason, ...] = field(default=())
    calendars: Mapping[str, OpeningHours] = field(default_factory=dict)

    def queue(self, name: str) -> QueueConfig | None:
        return next((q for q in self.queues if q.name == name), None)

    def pause_reason_for_digit(self, digit: str) -> PauseReason | None:
        """The reason an agent means by dialling ``digit`` (None: unknown digit)."""
        return next((r for r in self.pause_reasons if r.digit == digit), None)

    def pause_reason_error(self, code: str) -> str | None:
        """Why ``code`` cannot be used to pause an agent, or None if it can.

        Adapters call this before feeding AgentPaused, to answer the agent at once (a
        spoken error, an HTTP 400); the engine refuses the same codes by itself too.
        """
        known = [r.code for r in self.pause_reasons]
        if code in known or code == OUTBOUND_PAUSE_REASON:
            return None
        return f"pause reason {code!r} is not configured (known: {', '.join(known)})"
