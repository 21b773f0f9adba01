"""The counts of a queue or an agent, and the rates derived from them. Pure.

A rate with nothing to divide by is None (shown as "-"), never 0 or an error.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

# Exits that are not a loss: the caller goes on elsewhere (overflow, voicemail, menu), or
# their request lives on in the earlier callback booked for the same number.
NOT_LOST_EXITS = frozenset({"timeout", "exitkey", "callback-merged"})


def ratio(part: float, whole: float) -> float | None:
    return part / whole if whole else None


@dataclass(frozen=True)
class QueueKpis:
    queue: str
    sl_threshold_s: float | None  # None for the all-queues line: each call uses its own
    offered: int  # entered the queue: answered + abandoned + exited + overflowed + waiting
    answered: int
    answered_within_sl: int
    abandoned: int  # short ones included
    short_abandoned: int
    exited: Mapping[str, int]  # reason (timeout, exitkey, leaveempty, ...) -> calls
    refused: Mapping[str, int]  # reason (full, joinempty, ...) -> calls; not offered
    waiting: int  # no outcome yet (still waiting, or talking: counted as answered)
    answered_wait_s: float  # sum of waits of answered calls
    handled: int  # answered calls whose talk time is known (completed or transferred)
    handle_s: float  # their talk + wrap-up
    overflowed_out: Mapping[str, int] = field(default_factory=dict)  # "<to> <target>" -> calls
    overflowed_in: Mapping[str, int] = field(default_factory=dict)  # from queue -> calls
    callbacks: Mapping[str, int] = field(default_factory=dict)  # requested, completed, ...

    @property
    def long_abandoned(self) -> int:
        return self.abandoned - self.short_abandoned

    @property
    def counted(self) -> int:
        """Offered calls, short abandons left out: the base of the rates."""
        return self.offered - self.short_abandoned

    @property
    def lost(self) -> int:
        """Abandoned (not short), refused, and taken out because no agent could serve."""
        no_agent = sum(n for reason, n in self.exited.items() if reason not in NOT_LOST_EXITS)
        return self.long_abandoned + sum(self.refused.values()) + no_agent

    @property
    def service_level(self) -> float | None:
        """kpi.md variant (d): answered within Y / (answered + abandoned - short)."""
        return ratio(self.answered_within_sl, self.answered + self.long_abandoned)

    @property
    def asa_s(self) -> float | None:
        return ratio(self.answered_wait_s, self.answered)

    @property
    def answer_rate(self) -> float | None:
        return ratio(self.answered, self.counted)

    @property
    def abandon_rate(self) -> float | None:
        return ratio(self.long_abandoned, self.counted)

    @property
    def lost_rate(self) -> float | None:
        """Lost / presented, presented = counted + refused (blocked at the door)."""
        return ratio(self.lost, self.counted + sum(self.refused.values()))

    @property
    def aht_s(self) -> float | None:
        return ratio(self.handle_s, self.handled)


@dataclass(frozen=True)
class AgentKpis:
    agent_id: str
    answered: int  # calls of the period this agent answered
    no_answers: int  # offers of the period this agent let ring out
    handled: int  # answered and over
    talk_s: float  # of handled calls
    handle_s: float  # talk + wrap-up of handled calls
    logged_in_s: float  # within the period
    paused_s: float
    busy_s: float  # on call + wrap-up, within the period
    pauses: Mapping[str, float]  # reason -> seconds paused

    @property
    def aht_s(self) -> float | None:
        return ratio(self.handle_s, self.handled)

    @property
    def occupancy(self) -> float | None:
        """(talk + wrap-up) / (logged in - paused)."""
        return ratio(self.busy_s, self.logged_in_s - self.paused_s)

    @property
    def calls_per_hour(self) -> float | None:
        """Answered calls per logged-in hour."""
        return ratio(self.answered, self.logged_in_s / 3600)
