"""Preview dialling: an agent of a preview campaign asks for a lead (``offer``), reads it,
then accepts or skips it. On accept the agent's phone rings first and, answered, hears
the lead's name; then the customer is dialled through the one customer-leg path (the
calling rules checked at that moment, the attempt on disk before the Originate) and,
answered, bridged with the agent. No person ever waits for an agent: a preview call is
never an abandoned one.

A callback an agent booked for themselves (a ``callback`` disposition in a campaign with
``callbacks: agent``) is placed the same way when it falls due and the agent is ready.

While the agent works a preview call the engine holds them paused with the reason
``outbound`` (OUTBOUND_PAUSE_REASON): no inbound call is offered to them; they are
ready again when their phone hangs up.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from acd.adapters.callcontrol.customer_leg import CustomerCall, CustomerDialer
from acd.adapters.dialer.book import LeadBook
from acd.adapters.dialer.flights import Flight, Run, RunState
from acd.adapters.dialer.service import CheckLead, Dialer
from acd.asterisk.ami import AmiClient, AmiError
from acd.asterisk.ami import Event as AmiEvent
from acd.asterisk.dialplan import Context, Var
from acd.core.compliance.attempts import DialOutcome
from acd.core.engine.config import OUTBOUND_PAUSE_REASON
from acd.core.engine.events import AgentPaused, AgentUnpaused, EngineEvent
from acd.core.facts import Fact
from acd.core.outbound.facts import LeadDialled
from dialer import retry
from dialer.campaign.model import Campaign, Mode

log = logging.getLogger(__name__)

AGENT_RING_S = 20.0  # the agent's own phone rings this long at most
WHISPER_WAIT_S = 15.0  # the longest a lead's name takes to say
SKIPPED_FOR_S = 900.0  # a skipped lead comes back to the campaign after 15 minutes
AGENT_MISSED_S = 120.0  # the agent did not answer their phone: the lead waits this long
_MORE_LEADS = 20  # leads a rule refuses now are passed over, up to this many per offer
_NOT_REACHED = {
    "noanswer": DialOutcome.NO_ANSWER,
    "busy": DialOutcome.BUSY,
    "congestion": DialOutcome.CONGESTION,
}


class PreviewError(ValueError):
    """Why an agent cannot have, accept or skip a lead now (said to the agent)."""


@dataclass(frozen=True)
class PreviewLead:
    campaign: str
    agent: str
    number: str
    name: str
    reference: str
    dials: int  # dials of the lead so far in this campaign


@dataclass(frozen=True)
class PreviewParts:
    """What the previews use besides the dialer and the lead book."""

    ami: AmiClient
    customers: CustomerDialer
    check: CheckLead
    members: Callable[[Campaign], set[str]]  # the agents who work the campaign
    agent_ready: Callable[[str], bool]  # ready in the engine: no call, no pause
    feed: Callable[[EngineEvent], None]
    speak: Callable[[str], Awaitable[str]]  # text -> the prompt Playback() is given
    record: Callable[[Sequence[Fact]], None]
    clock: Callable[[], float]


class Previews:
    def __init__(self, dialer: Dialer, book: LeadBook, parts: PreviewParts) -> None:
        self._dialer, self._book, self._p = dialer, book, parts
        self._offered: dict[str, PreviewLead] = {}  # agent -> the lead they are reading
        self._ringing: dict[str, str] = {}  # agent -> the lead their phone rings for
        self._agent_legs: dict[str, str] = {}  # the agent leg's Uniqueid -> agent
        self._ready: dict[str, asyncio.Future[None]] = {}  # call id -> whisper said
        parts.ami.subscribe(self._on_user_event, "UserEvent")

    # -- offer, skip -----------------------------------------------------------------------

    def offer(self, campaign_name: str, agent: str) -> PreviewLead:
        """The lead the agent is to read: the one offered already, or the next due lead
        the calling rules allow now (refused ones are handled as refused dials)."""
        run = self._preview_run(campaign_name, agent)
        if (offered := self._offered.get(agent)) is not None:
            return offered
        now = self._p.clock()
        taken = run.dialling_numbers | self._dialer.reserved
        for number in self._book.due(run.campaign.name, now, _MORE_LEADS, taken):
            verdict = self._p.check(run.campaign, number, now)
            if not verdict.allowed:
                next_at = retry.after_refusal(now, verdict.refused_by)
                self._book.reschedule(run.campaign.name, number, next_at)
                continue
            offered = self._lead(run, number, agent)
            self._offered[agent] = offered
            self._dialer.reserved.add(number)
            return offered
        raise PreviewError(f"campaign {run.campaign.name} has no lead to call now")

    def skip(self, campaign_name: str, agent: str) -> PreviewLead:
        """The agent passes: the lead goes back to the campaign, later."""
        self._preview_run(campaign_name, agent)
        offered = self._offered.pop(agent, None)
        if offered is None:
            raise PreviewError(f"agent {agent} has no lead to skip: ask for one first")
        self._dialer.reserved.discard(offered.number)
        self._book.reschedule(offered.campaign, offered.number, self._p.clock() + SKIPPED_FOR_S)
        log.info("agent %s skipped lead %s of %s", agent, offered.number, offered.campaign)
        return offered

    # -- accept ----------------------------------------------------------------------------

    def accept(self, campaign_name: str, agent: str) -> PreviewLead:
        """The agent takes the lead: their phone rings now, then the customer's."""
        run = self._preview_run(campaign_name, agent)
        offered = self._offered.get(agent)
        if offered is None:
            raise PreviewError(f"agent {agent} has no lead to accept: ask for one first")
        if not self._p.agent_ready(agent):
            raise PreviewError(f"agent {agent} is not ready (on a call, paused or logged out)")
        del self._offered[agent]
        self._start(run, offered)
        return offered

    def call_back(self, run: Run, number: str, agent: str) -> bool:
        """A callback the agent booked for themselves is due: placed as a preview the
        agent accepted, when they are ready and not reading or ringing for another."""
        if agent in self._offered or agent in self._ringing or not self._p.agent_ready(agent):
            return False
        self._dialer.reserved.add(number)
        self._start(run, self._lead(run, number, agent))
        log.info("campaign %s: agent %s calls back %s", run.campaign.name, agent, number)
        return True

    def _start(self, run: Run, lead: PreviewLead) -> None:
        self._p.feed(AgentPaused(lead.agent, OUTBOUND_PAUSE_REASON))  # no inbound meanwhile
        self._ringing[lead.agent] = lead.number
        self._dialer.spawn(self._call(run, lead))

    def _lead(self, run: Run, number: str, agent: str) -> PreviewLead:
        found = self._book.lead(run.campaign.name, number)
        dials = sum(1 for a in self._book.history(run.campaign.name, number) if a.placed)
        name, reference = (found.name, found.reference) if found else ("", "")
        return PreviewLead(run.campaign.name, agent, number, name, reference, dials)

    async def _call(self, run: Run, lead: PreviewLead) -> None:
        now = self._p.clock()
        call_id = run.new_call_id(now)
        # Not call_id + a suffix: Asterisk finds a Uniqueid already in use by its prefix.
        agent_leg = f"agent-{call_id}"
        self._agent_legs[agent_leg] = lead.agent
        ready = self._ready[call_id] = asyncio.get_running_loop().create_future()
        channel: str | None = None
        try:
            channel = await self._ring_agent(run.campaign, lead, call_id, agent_leg)
            if channel is None:
                self._agent_gone(agent_leg)
                return
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(ready, WHISPER_WAIT_S)
            await self._dial_customer(run, lead, call_id, channel, agent_leg)
        except Exception:  # never leave the agent held out of their calls
            log.exception("preview call %s for agent %s failed", call_id, lead.agent)
            if channel is not None:
                await self._hang_up(channel)  # its hang-up frees the agent
            else:
                self._agent_gone(agent_leg)
        finally:
            self._ready.pop(call_id, None)
            self._ringing.pop(lead.agent, None)
            self._dialer.reserved.discard(lead.number)

    async def _ring_agent(
        self, campaign: Campaign, lead: PreviewLead, call_id: str, agent_leg: str
    ) -> str | None:
        """The agent's channel once answered; None if they did not answer."""
        try:
            whisper = await self._p.speak(lead.name or " ".join(lead.number))
        except Exception as exc:  # the call goes on without the name
            log.warning(
                "preview for agent %s: the lead's name cannot be spoken: %s", lead.agent, exc
            )
            whisper = ""
        try:
            answered = await self._p.ami.originate(
                f"PJSIP/{lead.agent}",
                context=Context.PREVIEW_AGENT,
                exten="s",
                priority=1,
                variables={
                    Var.CALL_ID: call_id,
                    Var.AGENT: lead.agent,
                    Var.LEAD: lead.number,
                    Var.WHISPER: whisper,
                    Var.AGENT_WAIT: str(round(campaign.ring_s + WHISPER_WAIT_S + 10)),
                },
                caller_id=lead.number,
                timeout_ms=round(AGENT_RING_S * 1000),
                extra={"ChannelId": agent_leg},
            )
        except AmiError as exc:
            log.warning("preview for agent %s: ringing their phone failed: %s", lead.agent, exc)
            return None
        if answered.get("Response") != "Success":
            log.info("preview: agent %s did not answer their phone", lead.agent)
            self._book.reschedule(lead.campaign, lead.number, self._p.clock() + AGENT_MISSED_S)
            return None
        return answered.get("Channel") or None

    async def _dial_customer(
        self, run: Run, lead: PreviewLead, call_id: str, channel: str, agent_leg: str
    ) -> None:
        campaign = run.campaign
        now = self._p.clock()
        attempt = self._book.begin(campaign.name, lead.number, call_id, now)  # durable first
        flight = Flight(call_id, campaign.name, lead.number, attempt)
        run.flights[call_id] = flight
        call = CustomerCall(
            call_id=call_id,
            channel_id=call_id,
            queue=campaign.queue,
            campaign=campaign.name,
            number=lead.number,
            trunk=campaign.trunk,
            caller_id=campaign.caller_id,
            ring_s=campaign.ring_s,
            context=Context.PREVIEW_CUSTOMER,
            variables={
                Var.CAMPAIGN: campaign.name,
                Var.LEAD: lead.number,
                Var.ATTEMPT: str(attempt),
                Var.PEER: channel,
            },
        )
        dialled = await self._p.customers.dial(call, lambda n, at: self._p.check(campaign, n, at))
        if dialled.refused:
            self._dialer.refused(run, flight, dialled.verdict)
        else:
            placed = LeadDialled(self._p.clock(), call_id, campaign.name, lead.number, attempt)
            self._p.record([placed])
            if dialled.answered:
                flight.answered = True
                run.lines.add(call_id)
                self._dialer.ended(call_id, DialOutcome.ANSWERED, lead.agent)
                self._book.set_owner(campaign.name, lead.number, "")  # a callback made
                return
            self._dialer.ended(call_id, _NOT_REACHED.get(dialled.reason, DialOutcome.FAILED))
        await self._hang_up(channel)  # nobody to talk to

    async def _hang_up(self, channel: str) -> None:
        with contextlib.suppress(AmiError):
            await self._p.ami.action("Hangup", {"Channel": channel})

    # -- events ----------------------------------------------------------------------------

    def line_down(self, unique_id: str) -> None:
        """A channel hung up: an agent's preview leg frees the agent."""
        self._agent_gone(unique_id)

    def _agent_gone(self, agent_leg: str) -> None:
        agent = self._agent_legs.pop(agent_leg, None)
        if agent is not None:
            self._p.feed(AgentUnpaused(agent))
            self._dialer.poke()

    def _on_user_event(self, event: AmiEvent) -> None:
        if event.get("UserEvent") != "AcdPreviewAgentReady":
            return
        ready = self._ready.get(event.get("CallId") or "")
        if ready is not None and not ready.done():
            ready.set_result(None)

    def _preview_run(self, campaign_name: str, agent: str) -> Run:
        run = self._dialer.run_of(campaign_name)
        if run.campaign.mode is not Mode.PREVIEW:
            raise PreviewError(f"campaign {campaign_name} is not a preview campaign")
        if run.state is not RunState.RUNNING:
            raise PreviewError(f"campaign {campaign_name} is {run.state.value}: start it first")
        if agent not in self._p.members(run.campaign):
            raise PreviewError(f"agent {agent} does not work campaign {campaign_name}")
        return run
