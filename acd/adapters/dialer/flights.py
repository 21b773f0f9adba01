"""The calls a campaign has up, from the dial to their outcome. Pure bookkeeping.

A call is *in flight* from its dial until its outcome is known (an agent took the
person, the information message was given, a machine was dealt with, nobody answered);
it holds a *line* until its channel hangs up, which may be later (the agent is talking).
Progressive pacing counts the calls in flight against the free agents, and the lines
against the campaign's maximum.
"""

from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import dataclass, field
from enum import StrEnum

from acd.core.compliance.attempts import DialOutcome
from dialer.campaign.model import Campaign, Mode
from dialer.pacing import CallRate
from dialer.predictive.controller import PacerConfig, PredictivePacer
from dialer.predictive.model import Decision


class RunState(StrEnum):
    RUNNING = "running"
    PAUSED = "paused"  # no new dial; calls up go on
    STOPPED = "stopped"


@dataclass
class Flight:
    call_id: str  # also the customer leg's Uniqueid (our ChannelId)
    campaign: str
    number: str  # E.164
    attempt: int
    answered: bool = False  # the customer's phone answered
    queued: bool = False  # a person put into the queue, waiting for an agent
    outcome: DialOutcome | None = None
    agent_id: str = ""
    placed_at: float = 0.0
    queued_at: float = 0.0  # when the person was put into the queue (0: not a person)


@dataclass
class Run:
    """One campaign's state while the server runs."""

    campaign: Campaign
    state: RunState = RunState.STOPPED
    rate: CallRate = field(init=False)
    flights: dict[str, Flight] = field(default_factory=dict)  # call id -> not yet ended
    lines: set[str] = field(default_factory=set)  # call ids whose channel is up
    outcomes: Counter[str] = field(default_factory=Counter)  # since the server started
    pacer: PredictivePacer | None = None  # predictive campaigns
    last_reason: str = ""  # the pacer's last reason (journaled when it changes)
    last_decision: Decision | None = None
    _numbers: itertools.count[int] = field(default_factory=itertools.count)

    def __post_init__(self) -> None:
        self.rate = CallRate(self.campaign.calls_per_s)
        if self.campaign.mode is Mode.PREDICTIVE:
            target = self.campaign.abandon_target_percent / 100
            config = PacerConfig(target_abandon=target, max_ratio=self.campaign.max_dial_ratio)
            self.pacer = PredictivePacer(config)

    def new_call_id(self, started: float) -> str:
        """Unique across restarts too (the start time), and readable in Asterisk's logs."""
        return f"acd-dl-{self.campaign.name}-{started:.0f}-{next(self._numbers)}"

    @property
    def in_flight(self) -> int:
        return len(self.flights)

    @property
    def before_queue(self) -> int:
        """Calls placed that have not reached the queue yet (ringing, or a person being
        told apart from a machine): each may need an agent soon. Once in the queue, a
        person is counted there (waiting, or their agent being rung), not here."""
        return sum(1 for flight in self.flights.values() if not flight.queued)

    @property
    def ringing_since(self) -> tuple[float, ...]:
        """When each call still ringing was placed."""
        return tuple(f.placed_at for f in self.flights.values() if not f.answered)

    @property
    def dialling_numbers(self) -> set[str]:
        return {flight.number for flight in self.flights.values()}
