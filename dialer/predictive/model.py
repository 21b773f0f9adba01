"""What a pacer sees and says (pure, frozen values): the events of the campaign's calls
as they happen, the state of its agents and calls when asked, and its decision with the
figures behind it (journaled: every decision can be explained).

Times are seconds on one clock (the server's, or the simulation's virtual one).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol


class Ending(StrEnum):
    """How a dial ended, as pacing needs it."""

    LIVE = "live"  # a person answered (then connected or abandoned: see below)
    MACHINE = "machine"  # an answering machine (no agent needed)
    NOT_REACHED = "not_reached"  # no answer, busy, congestion, failed


@dataclass(frozen=True)
class DialPlaced:
    at: float


@dataclass(frozen=True)
class DialEnded:
    """A dial's fate is known: answered by a person or a machine, or not reached.
    ``placed_at``: when it was dialled (``at - placed_at`` is the ring time)."""

    at: float
    placed_at: float
    ending: Ending


@dataclass(frozen=True)
class LiveConnected:
    """The person who answered reached an agent (within the 2 s)."""

    at: float
    wait_s: float  # from their answer to the agent


@dataclass(frozen=True)
class LiveAbandoned:
    """The person who answered found no agent within 2 s: an abandoned call."""

    at: float


@dataclass(frozen=True)
class TalkEnded:
    at: float
    talk_s: float


@dataclass(frozen=True)
class WrapEnded:
    at: float
    wrap_s: float


PacingEvent = DialPlaced | DialEnded | LiveConnected | LiveAbandoned | TalkEnded | WrapEnded


@dataclass(frozen=True)
class PoolState:
    """The campaign's agents and calls when the pacer is asked."""

    now: float
    ready: int  # agents idle and free for this campaign now (inbound callers served first)
    talking: tuple[float, ...] = ()  # for each agent on a call: seconds talked so far
    wrapping: tuple[float, ...] = ()  # for each agent in wrap-up: seconds in it so far
    ringing: tuple[float, ...] = ()  # for each dial not yet answered: seconds since placed
    lines_free: int = 1 << 30  # new calls the trunk and the campaign still allow now


@dataclass(frozen=True)
class Decision:
    dials: int  # calls to place now (never more than state.lines_free)
    level: float  # dials in flight per agent expected free when they answer (1.0: progressive)
    reason: str  # in words, for `acd dialer status` and the journal
    figures: Mapping[str, float] = field(default_factory=dict)  # the estimates it used


class Pacer(Protocol):
    def observe(self, event: PacingEvent) -> None:
        """Learns from what happened (in time order)."""

    def decide(self, state: PoolState) -> Decision:
        """How many calls to place now."""
