"""The outbound dialer's parts, built for the composition root (app.py): the lead book
in the journal's database, the campaigns' calling rules, the dialer service and the
FastAGI script of answered calls; and the texts its calls speak, made into prompts at
start-up like the rest of the configuration's."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from acd.adapters.callcontrol.customer_leg import CustomerDialer
from acd.adapters.callcontrol.entry import QueueEntrance
from acd.adapters.dialer.answered import DialerCalls
from acd.adapters.dialer.book import LeadBook
from acd.adapters.dialer.checks import CampaignChecks, company_list
from acd.adapters.dialer.dispositions import Dispositions
from acd.adapters.dialer.pacing_link import QueueAgents
from acd.adapters.dialer.preview import PreviewParts, Previews
from acd.adapters.dialer.service import Dialer
from acd.adapters.prompts import prompt_name, synthesize
from acd.asterisk.ami import AmiClient
from acd.core.engine import Engine
from acd.core.engine.events import EngineEvent
from acd.core.engine.snapshot import Snapshot
from acd.core.facts import Fact
from acd.core.settings import Settings
from dialer import retry
from dialer.campaign import Campaign

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DialerParts:
    book: LeadBook
    dialer: Dialer
    calls: DialerCalls
    dispositions: Dispositions
    previews: Previews


def build_dialer(
    settings: Settings,
    campaigns: Mapping[str, Campaign],
    ami: AmiClient,
    engine: Engine,
    entrance: QueueEntrance,
    feed: Callable[[EngineEvent], None],
    record: Callable[[Sequence[Fact]], None],
    clock: Callable[[], float],
    sounds: Path,
) -> DialerParts:
    book = LeadBook(settings.journal.path)
    checks = CampaignChecks(
        book, company_list(settings.callbacks.do_not_call, settings.callbacks.do_not_call_files)
    )
    members = {queue.name: set(queue.members) for queue in settings.acd.queues}

    def free_agents(queue: str) -> int:
        """Ready agents of the queue, less the callers there that no agent is ringing for
        yet (one being rung has their agent already: not ready, not counted twice)."""
        snapshot = engine.snapshot(clock())
        ready = sum(
            1 for a in snapshot.agents if a.state == "ready" and a.agent_id in members[queue]
        )
        return ready - _unserved(snapshot, queue)

    def queue_agents(queue: str) -> QueueAgents:
        """The queue's agents for predictive pacing. Inbound is at risk when a caller
        (not a campaign's person: they wait 2 s at most) has waited half the queue's
        service-level time: then the campaign dials nothing until they are served."""
        if queue not in members:  # a campaign of named agents: no queue to pace by
            return QueueAgents(free=0)
        snapshot = engine.snapshot(clock())
        mine = [a for a in snapshot.agents if a.agent_id in members[queue]]
        (status,) = [q for q in snapshot.queues if q.name == queue]
        return QueueAgents(
            free=sum(1 for a in mine if a.state == "ready") - _unserved(snapshot, queue),
            talking=tuple(a.in_state_s for a in mine if a.state in ("on_call", "reserved")),
            wrapping=tuple(a.in_state_s for a in mine if a.state == "wrap_up"),
            inbound_at_risk=status.longest_wait_s > status.service_level_s / 2,
        )

    def agent_ready(agent: str) -> bool:
        snapshot = engine.snapshot(clock())
        return any(a.agent_id == agent and a.state == "ready" for a in snapshot.agents)

    def campaign_agents(campaign: Campaign) -> set[str]:
        return members[campaign.queue] if campaign.queue else set(campaign.agents)

    async def speak(text: str) -> str:
        """A lead's name, whispered: made now (a name is not known at start-up)."""
        language = settings.default_language
        await asyncio.to_thread(synthesize, text, language, sounds)
        return prompt_name(text, language)

    customers = CustomerDialer(ami, clock, record)
    dialer = Dialer(
        campaigns=campaigns,
        book=book,
        customers=customers,
        check=checks.check,
        free_agents=free_agents,
        record=record,
        clock=clock,
        trunks={trunk.name: trunk for trunk in settings.trunks},
        queue_agents=queue_agents,
        members={queue: frozenset(agents) for queue, agents in members.items()},
    )
    calls = DialerCalls(dialer, entrance, book.opt_out, record, clock, settings.default_language)
    previews = Previews(
        dialer,
        book,
        PreviewParts(
            ami=ami,
            customers=customers,
            check=checks.check,
            members=campaign_agents,
            agent_ready=agent_ready,
            feed=feed,
            speak=speak,
            record=record,
            clock=clock,
        ),
    )
    dialer.call_back = previews.call_back
    dispositions = Dispositions(dialer, book, record, clock)
    return DialerParts(book, dialer, calls, dispositions, previews)


def _unserved(snapshot: Snapshot, queue: str) -> int:
    """Callers in ``queue`` waiting with no agent being rung for them."""
    return sum(
        1 for q in snapshot.queues if q.name == queue for c in q.callers if c.state == "waiting"
    )


def resume(parts: DialerParts, now: float) -> None:
    """After a restart: the attempts left open are closed as failed and their leads
    rescheduled by the campaign's rules (never dialled twice for one attempt); the
    campaigns that were running run again."""
    for campaign, number, attempt in parts.book.close_interrupted(now):
        run = parts.dialer.runs.get(campaign)
        if run is None:
            continue
        history = parts.book.history(campaign, number)
        parts.book.reschedule(campaign, number, retry.after_dial(history, run.campaign.retries))
        log.info("campaign %s: attempt %d to %s was cut by a restart", campaign, attempt, number)
    parts.dialer.resume()


def spoken_texts(campaigns: Mapping[str, Campaign], language: str) -> dict[str, dict[str, str]]:
    """The campaigns' texts, as the prompts adapter takes them: key -> language -> text."""
    texts: dict[str, dict[str, str]] = {}
    for name, campaign in campaigns.items():
        texts[f"{name}.information"] = {language: campaign.information_message}
        if campaign.message is not None:
            texts[f"{name}.message"] = {language: campaign.message.text}
            texts[f"{name}.opt_out"] = {language: campaign.message.opt_out_confirmation}
    return texts
