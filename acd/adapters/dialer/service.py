"""The dialer service: runs the campaigns an operator started, one dial at a time.

It wakes up when something may let it dial (an agent became free, a call ended, a
campaign was started, the next lead or the calls-per-second limit is due), asks each
running campaign's pacing how many calls to place, takes that many due leads from the
lead book, and dials each through the one customer-leg path (customer_leg.py: the calling
rules checked at that moment, the verdict journaled, then Originate). An attempt is
written to the lead book before its Originate is sent, so a restart never dials a lead
twice for one attempt. How each call ends comes back from Asterisk (not reached), from
the answered call's FastAGI script (answered.py: a machine, a message) and from the
engine's facts (the person put through to an agent, or given the information message).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Coroutine, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from acd.adapters.callcontrol.customer_leg import CustomerCall, CustomerDialer
from acd.adapters.dialer.flights import Flight, Run, RunState
from acd.adapters.dialer.pacing_link import (
    PacingLink,
    QueueAgents,
    observe,
    pacing_event,
    pacing_status,
)
from acd.asterisk.dialplan import Context, Var
from acd.core.compliance import DialVerdict
from acd.core.compliance.attempts import Attempt, DialOutcome
from acd.core.engine.facts import (
    AgentStateChanged,
    CallAbandonedInQueue,
    CallAnswered,
    CallLeftQueue,
    CallRefused,
)
from acd.core.facts import Fact
from acd.core.outbound.facts import LeadCallEnded, LeadDialled
from dialer import pacing, retry
from dialer.campaign.model import Campaign, Mode
from dialer.predictive.model import DialEnded, DialPlaced, Ending

log = logging.getLogger(__name__)

IDLE_WAKE_S = 30.0  # looked at again at least this often (a calling window opening...)
MIN_WAKE_S = 0.05
RETRY_TURN_S = 5.0
PACING_WAKE_S = 1.0  # predictive: the calls ringing age, and the forecast with them
_NOT_REACHED = {
    "noanswer": DialOutcome.NO_ANSWER,
    "busy": DialOutcome.BUSY,
    "congestion": DialOutcome.CONGESTION,
}


class UnknownCampaign(LookupError):
    pass


@dataclass(frozen=True)
class CampaignStatus:
    campaign: str
    mode: str
    state: str
    queue: str
    free_agents: int
    in_flight: int  # placed, outcome not yet known
    lines_in_use: int
    max_lines: int
    outcomes: dict[str, int]  # since the server started
    pacing: dict[str, object] | None = None  # predictive: level, reason, estimates, budget


class LeadBook(Protocol):
    """The leads and their dials, kept in the journal's database (adapters/leads)."""

    def due(
        self, campaign: str, now: float, limit: int, skip: set[str], owned_until: float = 0.0
    ) -> list[str]: ...
    def owned_due(self, campaign: str, now: float) -> list[tuple[str, str]]: ...
    def next_due(self, campaign: str) -> float | None: ...
    def begin(self, campaign: str, number: str, call_id: str, at: float) -> int: ...
    def end(
        self, campaign: str, number: str, attempt: int, outcome: DialOutcome, at: float
    ) -> None: ...
    def reschedule(self, campaign: str, number: str, next_at: float | None) -> None: ...
    def history(self, campaign: str, number: str) -> list[Attempt]: ...
    def set_state(self, campaign: str, state: str) -> None: ...
    def states(self) -> dict[str, str]: ...


class TrunkLimit(Protocol):
    """A trunk's own limits (acd.yaml trunks: max_lines, calls_per_s; 0: none)."""

    @property
    def max_lines(self) -> int: ...
    @property
    def calls_per_s(self) -> float: ...


CheckLead = Callable[[Campaign, str, float], DialVerdict]  # (campaign, number, at)
# (run, number, agent) -> whether the agent's callback was placed (preview.py: the agent's
# phone first); the agent may be busy.
CallBack = Callable[["Run", str, str], bool]
OWNER_GRACE_S = 3600.0  # a callback its agent has not made an hour after it was due: anyone


class Dialer:
    def __init__(
        self,
        campaigns: Mapping[str, Campaign],
        book: LeadBook,
        customers: CustomerDialer,
        check: CheckLead,
        free_agents: Callable[[str], int],
        record: Callable[[Sequence[Fact]], None],
        clock: Callable[[], float],
        trunks: Mapping[str, TrunkLimit] | None = None,
        queue_agents: Callable[[str], QueueAgents] | None = None,
        members: Mapping[str, frozenset[str]] | None = None,  # queue -> its agents
    ) -> None:
        self.runs = {name: Run(campaign) for name, campaign in campaigns.items()}
        # The carriers' own limits, shared by every campaign on the trunk.
        self._trunks = dict(trunks or {})
        self._trunk_rates = {
            name: pacing.CallRate(limit.calls_per_s)
            for name, limit in self._trunks.items()
            if limit.calls_per_s > 0
        }
        self._book, self._customers, self._check = book, customers, check
        self._free_agents, self._record, self._clock = free_agents, record, clock
        self._wake = asyncio.Event()
        self._dials: set[asyncio.Task[None]] = set()
        self._pacing = PacingLink(
            queue_agents or (lambda q: QueueAgents(self._free_agents(q))),
            members or {},
            record,
            clock,
        )
        # Each agent's last campaign call, until its disposition is set (dispositions.py).
        self.last_taken: dict[str, Flight] = {}
        # Leads held for an agent outside the flights (a preview read, a phone ringing).
        self.reserved: set[str] = set()
        self.call_back: CallBack | None = None  # set when agents' callbacks can be placed

    # -- operators ---------------------------------------------------------------------

    def command(self, name: str, action: str) -> None:
        """start, pause (no new dial; calls up go on) or stop a campaign."""
        states = {"start": RunState.RUNNING, "pause": RunState.PAUSED, "stop": RunState.STOPPED}
        if action not in states:
            raise ValueError(f"{action!r}: use start, pause or stop")
        self.set_state(name, states[action])

    def set_state(self, name: str, state: RunState) -> None:
        run = self.run_of(name)
        run.state = state
        self._book.set_state(name, state.value)  # a restarted server resumes it
        log.info("campaign %s %s", name, state.value)
        self._wake.set()

    def resume(self) -> None:
        """At start-up: the campaigns running before a restart run again."""
        for name, state in self._book.states().items():
            if name in self.runs:
                self.runs[name].state = RunState(state)

    def status(self) -> list[CampaignStatus]:
        return [
            CampaignStatus(
                campaign=name,
                mode=run.campaign.mode.value,
                state=run.state.value,
                queue=run.campaign.queue,
                free_agents=self._free_agents(run.campaign.queue) if run.campaign.queue else 0,
                in_flight=run.in_flight,
                lines_in_use=len(run.lines | set(run.flights)),
                max_lines=run.campaign.max_lines,
                outcomes=dict(run.outcomes),
                pacing=pacing_status(run),
            )
            for name, run in sorted(self.runs.items())
        ]

    def run_of(self, name: str) -> Run:
        try:
            return self.runs[name]
        except KeyError:
            known = ", ".join(sorted(self.runs)) or "none"
            raise UnknownCampaign(f"no campaign {name!r} (known: {known})") from None

    # -- the loop ------------------------------------------------------------------------

    async def serve(self) -> None:
        """Runs until cancelled; dials go on in their own tasks."""
        try:
            while True:
                try:
                    wait_s = self._fill_all()
                except Exception:  # one bad turn (a locked database...) must not end dialling
                    log.exception("dialer: a turn failed; trying again in %s s", RETRY_TURN_S)
                    wait_s = RETRY_TURN_S
                self._wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), wait_s)
        finally:
            for task in list(self._dials):
                task.cancel()
            await asyncio.gather(*self._dials, return_exceptions=True)

    def poke(self) -> None:
        """Something changed that may let a campaign dial (an agent freed, a call ended)."""
        self._wake.set()

    def _fill_all(self) -> float:
        """Places every call the running campaigns may place now; returns how long to
        wait at most before looking again."""
        wait_s = IDLE_WAKE_S
        for run in self.runs.values():
            if run.state is RunState.RUNNING:
                wait_s = min(wait_s, self._fill(run))
        return wait_s

    def _fill(self, run: Run) -> float:
        now = self._clock()
        self._call_back_owned(run, now)
        wanted = self._wanted(run)
        idle_s = PACING_WAKE_S if run.pacer is not None else IDLE_WAKE_S
        if wanted <= 0:
            return idle_s
        taken = run.dialling_numbers | self.reserved
        numbers = self._book.due(run.campaign.name, now, wanted, taken, now - OWNER_GRACE_S)
        rates = [run.rate]
        if (trunk_rate := self._trunk_rates.get(run.campaign.trunk)) is not None:
            rates.append(trunk_rate)
        for number in numbers:
            if (wait_s := max(rate.wait_s(now) for rate in rates)) > 0:
                return wait_s
            for rate in rates:
                rate.take(now)
            self._place(run, number, now)
        next_at = self._book.next_due(run.campaign.name)
        return idle_s if next_at is None else min(idle_s, max(MIN_WAKE_S, next_at - now))

    def _call_back_owned(self, run: Run, now: float) -> None:
        """The callbacks agents booked for themselves and now due, each by its agent when
        they are free (their phone first, like a preview)."""
        if self.call_back is None:
            return
        for number, agent in self._book.owned_due(run.campaign.name, now):
            if number not in run.dialling_numbers | self.reserved:
                self.call_back(run, number, agent)

    def _wanted(self, run: Run) -> int:
        campaign = run.campaign
        room = pacing.Room(
            free_agents=self._free_agents(campaign.queue) if campaign.queue else 0,
            in_flight=run.before_queue,
            lines_in_use=len(run.lines | set(run.flights)),
            max_lines=campaign.max_lines,
        )
        trunk_free = self._trunk_lines_free(campaign.trunk)
        match campaign.mode:
            case Mode.AGENTLESS:
                wanted = pacing.agentless(room)
            case Mode.PROGRESSIVE:
                wanted = pacing.progressive(room)
            case Mode.PREDICTIVE:
                lines_free = min(campaign.max_lines - room.lines_in_use, trunk_free)
                wanted = self._pacing.decide(run, lines_free)
            case _:  # preview: an agent asks for each call
                wanted = 0
        return min(wanted, trunk_free)

    def _trunk_lines_free(self, trunk: str) -> int:
        """Lines the trunk's own limit leaves, every campaign on it together."""
        limit = self._trunks.get(trunk)
        if limit is None or limit.max_lines <= 0:
            return 1 << 30
        used = sum(
            len(run.lines | set(run.flights))
            for run in self.runs.values()
            if run.campaign.trunk == trunk
        )
        return max(0, limit.max_lines - used)

    def _place(self, run: Run, number: str, now: float) -> None:
        call_id = run.new_call_id(now)
        attempt = self._book.begin(run.campaign.name, number, call_id, now)  # durable first
        flight = Flight(call_id, run.campaign.name, number, attempt, placed_at=now)
        run.flights[call_id] = flight
        self.spawn(self._dial(run, flight))

    def spawn(self, dial: Coroutine[Any, Any, None]) -> None:
        """Runs a dial in its own task; the service cancels those left when it stops."""
        task = asyncio.create_task(dial)
        self._dials.add(task)
        task.add_done_callback(self._dials.discard)

    async def _dial(self, run: Run, flight: Flight) -> None:
        campaign = run.campaign
        call = CustomerCall(
            call_id=flight.call_id,
            channel_id=flight.call_id,
            queue=campaign.queue,
            campaign=campaign.name,
            number=flight.number,
            trunk=campaign.trunk,
            caller_id=campaign.caller_id,
            ring_s=campaign.ring_s,
            context=Context.DIALER_LEG,
            variables={
                Var.CAMPAIGN: campaign.name,
                Var.LEAD: flight.number,
                Var.ATTEMPT: str(flight.attempt),
                Var.AMD: campaign.machine_detection.amd_arguments(),
            },
        )
        dialled = await self._customers.dial(call, lambda n, at: self._check(campaign, n, at))
        if dialled.refused:
            self.refused(run, flight, dialled.verdict)
            return
        placed = LeadDialled(
            self._clock(), flight.call_id, campaign.name, flight.number, flight.attempt
        )
        self._record([placed])
        observe(run, DialPlaced(flight.placed_at))
        if dialled.answered:
            flight.answered = True
            run.lines.add(flight.call_id)
        else:
            self.ended(flight.call_id, _NOT_REACHED.get(dialled.reason, DialOutcome.FAILED))

    def refused(self, run: Run, flight: Flight, verdict: DialVerdict) -> None:
        """A calling rule refused the dial: not an attempt; the lead is looked at again
        when the refusal may have passed, or closed."""
        now = self._clock()
        run.flights.pop(flight.call_id, None)
        run.outcomes[DialOutcome.REFUSED] += 1
        self._book.end(run.campaign.name, flight.number, flight.attempt, DialOutcome.REFUSED, now)
        self._book.reschedule(
            run.campaign.name, flight.number, retry.after_refusal(now, verdict.refused_by)
        )
        self._wake.set()

    # -- outcomes ------------------------------------------------------------------------

    def flight(self, call_id: str) -> tuple[Run, Flight] | None:
        for run in self.runs.values():
            if (found := run.flights.get(call_id)) is not None:
                return run, found
        return None

    def ended(self, call_id: str, outcome: DialOutcome, agent_id: str = "") -> None:
        """The call's outcome is known: journal it, schedule the lead's next dial."""
        found = self.flight(call_id)
        if found is None:
            return
        run, flight = found
        now = self._clock()
        del run.flights[call_id]
        flight.outcome, flight.agent_id = outcome, agent_id
        run.outcomes[outcome] += 1
        observe(run, pacing_event(flight, outcome, now))
        if agent_id:
            self.last_taken[agent_id] = flight
        campaign = run.campaign.name
        self._book.end(campaign, flight.number, flight.attempt, outcome, now)
        next_at = retry.after_dial(
            self._book.history(campaign, flight.number), run.campaign.retries
        )
        self._book.reschedule(campaign, flight.number, next_at)
        self._record(
            [
                LeadCallEnded(
                    at=now,
                    call_id=call_id,
                    campaign=campaign,
                    number=flight.number,
                    attempt=flight.attempt,
                    outcome=outcome.value,
                    agent_id=agent_id,
                )
            ]
        )
        self._wake.set()

    def queued(self, call_id: str) -> None:
        """The person is in the queue: the engine says next whether an agent took them."""
        if (found := self.flight(call_id)) is not None:
            run, flight = found
            flight.queued, flight.queued_at = True, self._clock()
            observe(run, DialEnded(flight.queued_at, flight.placed_at, Ending.LIVE))

    def on_facts(self, facts: Sequence[Fact]) -> None:
        """The engine's facts: a queued person put through, or out without an agent."""
        for fact in facts:
            match fact:
                case CallAnswered() if self.flight(fact.call_id):
                    self.ended(fact.call_id, DialOutcome.ANSWERED, fact.agent_id)
                case CallLeftQueue() | CallRefused() if self.flight(fact.call_id):
                    self.ended(fact.call_id, DialOutcome.ABANDONED)
                case CallAbandonedInQueue() if self.flight(fact.call_id):
                    # The person hung up within the 2 s: they left, we did not abandon them.
                    self.ended(fact.call_id, DialOutcome.ANSWERED)
                case AgentStateChanged():
                    self._pacing.agent_changed(fact, self.runs.values())
        self._wake_if_dialling()  # agents' states changed too

    def line_down(self, call_id: str) -> None:
        """The leg's channel hung up (AMI Hangup): its line is free. A call answered and
        gone before anything else was known was answered by nobody we could talk to."""
        for run in self.runs.values():
            run.lines.discard(call_id)
        found = self.flight(call_id)
        if found is not None and found[1].answered:
            self.ended(call_id, DialOutcome.ANSWERED if found[1].queued else DialOutcome.FAILED)
        self._wake_if_dialling()

    def _wake_if_dialling(self) -> None:
        """A turn of the loop, if a campaign runs: every fact and hangup of a busy inbound
        centre would otherwise wake a dialer that has nothing to dial."""
        if any(run.state is RunState.RUNNING for run in self.runs.values()):
            self._wake.set()
