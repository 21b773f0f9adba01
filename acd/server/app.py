"""Composition root: the only place that builds the server's parts and connects them.

AMI events ──▶ Translator ──┐                         ┌──▶ Executor ──▶ AMI actions
FastAGI: IVR, queue entry ──┼──▶ EngineRunner(Engine) ─┤
FastAGI: feature codes ─────┤      (one task)          └──▶ AsyncJournal ──▶ SQLite
HTTP API: agent control ────┘                                  └──▶ queue_log
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import os
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from pathlib import Path, PurePosixPath
from typing import Any

from aiohttp import web

from acd.adapters.api import ApiDeps, EventHub, Health, build_app, to_jsonable
from acd.adapters.api.access import Access
from acd.adapters.api.auth import write_token_file
from acd.adapters.api.calls import RecentCalls
from acd.adapters.api.console import ConsoleDeps
from acd.adapters.api.day_report import DayReports
from acd.adapters.api.tenancy import Tenancy
from acd.adapters.api.users import UserError, UserStore
from acd.adapters.callcontrol.callback_offer import CallbackOffer, CallbackReplies, CallbackRules
from acd.adapters.callcontrol.callback_prompts import PROMPTS as CALLBACK_PROMPTS
from acd.adapters.callcontrol.entry import QueueEntrance
from acd.adapters.callcontrol.execute import CallbackDialling, Executor
from acd.adapters.callcontrol.features import FeatureCodes
from acd.adapters.callcontrol.heartbeat import beat
from acd.adapters.callcontrol.legs import Legs
from acd.adapters.callcontrol.recovery import Recovered, recover
from acd.adapters.callcontrol.translate import Translator
from acd.adapters.ivr.calls import IvrCallback, IvrCalls, IvrDeps
from acd.adapters.ivr.perform import Recordings
from acd.adapters.journal import AsyncJournal, Journal, QueueLogContext, QueueLogWriter
from acd.adapters.prompts import PromptError
from acd.adapters.prompts.menus import prepare
from acd.adapters.prompts.needed import make_needed_prompts
from acd.asterisk.agi import AgiServer
from acd.asterisk.agi.server import Handler
from acd.asterisk.ami import AmiClient, AmiError, AmiLoginFailed, AmiState, AmiTimeout, Event
from acd.asterisk.dialplan import Script
from acd.core.compliance.calling_hours import legal_calling_hours
from acd.core.engine import Engine
from acd.core.engine.events import CallArrived
from acd.core.engine.snapshot import Snapshot
from acd.core.facts import Fact
from acd.core.lifecycle import CallRepaired
from acd.core.report.kpi import ReportOptions
from acd.core.settings import Settings
from acd.core.settings.callbacks_model import LEGAL_HOURS
from acd.core.settings.model import Endpoint
from acd.server import callflow, downtime
from acd.server.dialersetup import build_dialer, resume, spoken_texts
from acd.server.errors import StartupError
from acd.server.ivrsetup import SOUNDS_IN_ASTERISK, menu_context
from acd.server.menus import MenuStore
from acd.server.restore import restore_agents, restore_callbacks
from acd.server.runner import EngineRunner
from acd.server.tasks import Tasks
from dialer.campaign import Campaign
from ivr.speech import PocketsphinxRecogniser

log = logging.getLogger(__name__)

ASTERISK_WAIT_S = 30.0  # Asterisk starts in a few seconds; a boot under load takes longer
RECONCILE_EVERY_S = 10.0  # calls and phones compared with Asterisk's this often
# ChanSpy's options: q no beep nor name announced, E ends with the agent's call, w the
# supervisor speaks to the agent only, B to both.
SPY_OPTIONS = {"listen": "qE", "whisper": "qEw", "barge": "qEB"}


class Server:
    def __init__(
        self,
        settings: Settings,
        ami_secret: str,
        asterisk_files: Path,
        clock: Callable[[], float] = time.time,
        asterisk_wait_s: float = ASTERISK_WAIT_S,
        campaigns: Mapping[str, Campaign] | None = None,
    ) -> None:
        """``asterisk_files``: the file system Asterisk sees (the sandbox's chroot, or /).
        ``asterisk_wait_s``: how long start-up waits for the first AMI login.

        Building writes nothing under ``asterisk_files``: `acd run --demo` builds the
        server before it knows whether the sandbox is provisioned."""
        self.settings = settings
        agent_ids = {agent.id for agent in settings.agents}
        self.ami = AmiClient(
            settings.ami.host, settings.ami.port, settings.ami_username, ami_secret
        )
        self.ami_state = AmiState.DISCONNECTED
        self.legs = Legs()
        self.engine = Engine(settings.acd)
        queue_log = QueueLogWriter(
            settings.journal.queue_log, QueueLogContext.from_config(settings.acd)
        )
        self.journal = AsyncJournal(Journal.open(settings.journal.path), sinks=[queue_log.write])
        replies = CallbackReplies()
        callbacks = settings.callbacks
        rules = CallbackRules(
            callbacks.country, callbacks.do_not_call, calling_hours(settings), callbacks.countries
        )
        dialling = CallbackDialling(
            trunk=callbacks.trunk,
            caller_id=callbacks.caller_id,
            ring_s=callbacks.ring_s,
            outbound_trunk=settings.outbound_trunk(),
            rules=rules.dial,  # checked again at every dial, as at booking
        )
        self.executor = Executor(
            self.ami,
            self.legs,
            self._feed,
            language=settings.default_language,
            dialling=dialling,
            replies=replies,
            clock=clock,
            record=self._record,  # every dial's audit record
        )
        self.runner = EngineRunner(self.engine, self.executor.execute, self._record, clock)
        self.translator = Translator(self.legs, agent_ids)
        entrance = QueueEntrance(settings.numbers, self.legs, self.runner.feed, clock)
        reasons = {reason.digit: reason.code for reason in settings.acd.pause_reasons}
        offer = CallbackOffer(
            rules,
            replies,
            self.runner.feed,
            clock=clock,
            default_language=settings.default_language,
        )
        self.campaigns = campaigns or {}
        self.outbound = build_dialer(
            settings,
            self.campaigns,
            self.ami,
            self.engine,
            entrance,
            self.runner.feed,
            self._record,
            clock,
            asterisk_files / SOUNDS_IN_ASTERISK,
        )
        features = FeatureCodes(
            agent_ids, reasons, self.runner.feed, self.outbound.dispositions.by_phone
        )
        self.menus = _menu_store(settings, asterisk_files)
        self._recordings = _recordings(asterisk_files)
        self._asterisk_files = asterisk_files
        self.ivr = IvrCalls(
            IvrDeps(
                menus=self.menus,
                entrance=entrance,
                recogniser=PocketsphinxRecogniser(),
                recordings=self._recordings,
                # as the engine's facts: journaled, and on the event stream (screen pops)
                record=self._record,
                clock=clock,
                is_open=_calendar_check(settings),
                outbound_trunk=settings.outbound_trunk(),
                default_language=settings.default_language,
                callback=IvrCallback(offer, entrance),
            )
        )
        scripts: dict[str, Handler] = {
            Script.INBOUND: self.ivr.inbound,
            Script.SURVEY: self.ivr.survey,
            Script.AGENT: features.handle,
            Script.CALLBACK_OFFER: offer.handle,
            Script.DIALER: self.outbound.calls.handle,
        }
        self.agi = AgiServer(
            scripts, host=settings.agi.host, port=settings.agi.port, allowed=settings.agi_allow
        )
        self.access = _api_access(settings, self.campaigns, clock)
        self.access.record = self._record  # who changed what, journaled
        self.calls = RecentCalls()
        tenancy = self.access.tenancy
        # Without tenants, no event needs sorting out: none of the per-event cost.
        sorts = any(tenancy.queue_tenant.values())
        self.events = EventHub(encode=to_jsonable, tenants_of=tenancy.tenants_of if sorts else None)
        deps = ApiDeps(
            agent_ids=frozenset(agent_ids),
            pause_reasons=frozenset(reasons.values()),
            feed=self.runner.feed,
            status=self.status,
            dialer=self.outbound.dialer if self.campaigns else None,
            dispose=self.outbound.dispositions.dispose if self.campaigns else None,
            preview=self.outbound.previews if self.campaigns else None,
            snapshot=self.snapshot,
            health=self.health,
            events=self.events,
            access=self.access,
            console=ConsoleDeps(
                calls=self.calls,
                phones=frozenset(agent_ids),
                tenancy=self.access.tenancy,
                spy=self._spy,
                reports=_day_reports(settings, self.campaigns, clock),
                record=self._record,
                clock=clock,
            ),
        )
        self.api = web.AppRunner(build_app(deps), access_log=None)
        self.call_log = callflow.CallLog(agent_ids)
        self._tasks = Tasks()
        self._asterisk_wait_s = asterisk_wait_s
        self._fact_listeners: list[Callable[[Sequence[Fact]], None]] = []
        self.ready = asyncio.Event()
        self._recovering = asyncio.Lock()  # one comparison with Asterisk at a time
        self._down_since: float | None = None  # set at a restart, until open calls are closed
        self._callbacks: tuple[str, ...] | None = None  # the journal's, once restored
        self._dialling: set[str] = set()  # restored callbacks whose customer's phone rang

    def status(self) -> dict[str, object]:
        """The engine's snapshot, Asterisk's link and the menus in force, as they are: the
        API turns them into JSON once."""
        snapshot, links = self.snapshot(), self.health()
        fields = {f.name: getattr(snapshot, f.name) for f in dataclasses.fields(snapshot)}
        health = {
            "asterisk": links.asterisk,
            "journal": {"pending": links.journal_pending, "dropped": links.journal_dropped},
            "fastagi": {"sessions": links.fastagi_sessions},
        }
        return {**health, **fields, "ivr": self.menus.status()}

    def snapshot(self) -> Snapshot:
        """Queues and agents as the engine sees them now."""
        return self.engine.snapshot(self.runner.clock())

    def health(self) -> Health:
        """Whether calls can be taken now: Asterisk's link, FastAGI, the journal."""
        return Health(
            asterisk=self.ami_state.value,
            fastagi_listening=self.agi.listening,
            fastagi_sessions=self.agi.open_sessions,
            journal_running=self.journal.running,
            journal_pending=self.journal.pending,
            journal_dropped=self.journal.dropped,
        )

    def reload_menus(self) -> None:
        """SIGHUP: read the IVR menus again now (they are also watched for changes)."""
        self._tasks.spawn("the IVR menu reload", asyncio.to_thread(self.menus.reload))

    async def run(self, stop: asyncio.Event) -> None:
        """Serves until ``stop`` is set; Asterisk may come and go meanwhile.

        Raises StartupError if a service cannot start, ServiceDied if a task the server
        needs fails; either way, what had started is closed again, in reverse order.
        ``ready`` is set once the ports listen and Asterisk is connected."""
        async with contextlib.AsyncExitStack() as services:
            try:
                await self._tasks.watch(self._start(services))
                self.ready.set()
                await self._tasks.watch(stop.wait())
            finally:
                await self._tasks.close()  # the engine stops before the services close

    async def _start(self, services: contextlib.AsyncExitStack) -> None:
        services.push_async_callback(self.journal.close)
        journal_path = self.settings.journal.path
        restart = downtime.restarted(journal_path, self.runner.clock())
        if restart is not None:  # first: the time away ends every state before it
            self.journal.submit([restart])
            self._down_since = restart.down_since
        restore_agents(journal_path, self.runner, self.runner.clock())
        self.ami.subscribe(self._on_ami_event)
        self.ami.on_state(self._on_ami_state)
        await asyncio.to_thread(self._prepare_asterisk_files)
        await asyncio.to_thread(self.menus.reload)
        self._tasks.spawn("the IVR menu watcher", self.menus.watch(), forever=True)
        services.push_async_callback(self.api.cleanup)
        services.callback(self.events.close)  # first: open event streams end, not hold it
        await self.api.setup()
        # A new token at each start: the CLI on this machine reads it (auth.py).
        self.access.local_token = write_token_file(self.settings.api_token_file)
        api = self.settings.api
        await _listen("the HTTP API", api, web.TCPSite(self.api, api.host, api.port).start())
        services.push_async_callback(self.agi.close)
        await _listen("FastAGI", self.settings.agi, self.agi.start())
        services.push_async_callback(self.executor.close)
        services.push_async_callback(self.ivr.close)
        self._tasks.spawn("the ACD engine", self.runner.run(), forever=True)
        services.push_async_callback(self.ami.close)
        await self.ami.start()
        await self._connected()
        # The real clock, as Asterisk's: held callers leave when this lease runs out.
        beats = beat(self.ami, time.time, mark=self._mark_alive)
        self._tasks.spawn("the heartbeat", beats, forever=True)
        self._tasks.spawn("the reconciliation with Asterisk", self._reconcile(), forever=True)
        services.callback(self.outbound.book.close)
        resume(self.outbound, self.runner.clock())
        self._tasks.spawn("the dialer", self.outbound.dialer.serve(), forever=True)

    def _mark_alive(self) -> None:
        """The server's own alive mark (its clock, as its journal's): RESTART reads it."""
        downtime.mark_alive(self.settings.journal.path, self.runner.clock())

    def _prepare_asterisk_files(self) -> None:
        """The folder for callers' spoken answers, and the prompts the configuration
        needs, in Asterisk's file system (asterisk.files in acd.yaml)."""
        sounds = self._asterisk_files / SOUNDS_IN_ASTERISK
        try:
            self._recordings.here.mkdir(parents=True, exist_ok=True)
            texts = spoken_texts(self.campaigns, self.settings.default_language)
            made = make_needed_prompts(self.settings, sounds, {**CALLBACK_PROMPTS, **texts})
        except (PromptError, OSError) as exc:
            raise StartupError(
                f"cannot prepare Asterisk's files under {self._asterisk_files} "
                f"(asterisk.files in acd.yaml): {exc}"
            ) from None
        log.info("%d spoken prompts of the configuration ready in %s", made, sounds)

    async def _connected(self) -> None:
        """Asterisk must answer at start-up: a server that never reached it serves nothing.
        (Once connected, a lost connection is retried for ever.)"""
        ami = self.settings.ami
        where = f"Asterisk's manager interface (AMI) at {ami.host}:{ami.port}"
        try:
            await self.ami.wait_connected(self._asterisk_wait_s)
        except AmiLoginFailed as exc:
            raise StartupError(
                f"{where} refused the login of user '{self.settings.ami_username}' ({exc}): "
                "check the AMI secret (ACD_AMI_SECRET, or the sandbox's secrets.json)"
            ) from None
        except AmiTimeout:
            raise StartupError(
                f"{where} did not answer within {self._asterisk_wait_s:g} s "
                f"(last error: {self.ami.last_error}). Is Asterisk running? "
                "For the sandbox: acd sandbox up"
            ) from None

    def _feed(self, event: Any) -> None:
        # The executor is built before the runner it feeds (the runner needs the executor).
        self.runner.feed(event)

    async def _spy(self, agent: str, phone: str, mode: str) -> None:
        """Rings ``phone``; answered, it hears ``agent``'s call (whisper: speaks to the
        agent; barge: to both) until either hangs up. ValueError: why not."""
        state = next((a for a in self.snapshot().agents if a.agent_id == agent), None)
        if state is None or state.state != "on_call":
            raise ValueError(f"agent {agent} is not on a call")
        options = SPY_OPTIONS[mode]
        try:
            await self.ami.originate(
                f"PJSIP/{phone}",
                application="ChanSpy",
                data=f"PJSIP/{agent}-,{options}",
                caller_id=f'"{mode} {agent}" <{agent}>',
                wait=False,
            )
        except AmiError as exc:
            raise ValueError(f"Asterisk did not ring phone {phone}: {exc}") from exc

    def on_facts(self, listener: Callable[[Sequence[Fact]], None]) -> None:
        """Also hands the engine's facts to ``listener`` (the demo counts answered calls)."""
        self._fact_listeners.append(listener)

    def _record(self, facts: Sequence[Fact]) -> None:
        self.journal.submit(facts)
        self.events.publish_all((fact.kind, fact) for fact in facts)
        for fact in facts:
            callflow.log_fact(fact)
            self.calls.on_fact(fact)
        self.outbound.dialer.on_facts(facts)
        for listener in self._fact_listeners:
            listener(facts)

    def _on_ami_event(self, event: Event) -> None:
        if event.name == "Hangup":  # a campaign's line freed, or a preview's agent
            self.outbound.dialer.line_down(event.get("Uniqueid") or "")
            self.outbound.previews.line_down(event.get("Uniqueid") or "")
        for engine_event in self.translator.translate(event):
            self.runner.feed(engine_event)
        self.call_log.on_event(event)

    def _on_ami_state(self, state: AmiState) -> None:
        self.ami_state = state if state is not AmiState.RESYNCED else AmiState.CONNECTED
        log.info("Asterisk connection: %s", state.value)
        if state is AmiState.CONNECTED:  # on every (re)connect: Asterisk's truth first
            self._tasks.spawn("the recovery of Asterisk's calls", self._recover())

    async def _reconcile(self) -> None:
        """Every few seconds, the calls and phones the server follows are compared with
        Asterisk's (an event lost in a reconnect, a bug): what differs is repaired, and
        journaled with its reason."""
        while True:
            await asyncio.sleep(RECONCILE_EVERY_S)
            if not self.ami.connected:
                continue
            try:
                found = await self._compare_with_asterisk()
            except AmiError as exc:
                log.info("reconciliation with Asterisk skipped: %s", exc)
                continue
            self._journal_repairs(found)
            self._restore_callbacks(found)

    async def _compare_with_asterisk(self) -> Recovered:
        async with self._recovering:  # one comparison at a time
            return await recover(
                self.ami,
                self.legs,
                self.translator,
                self.runner.feed,
                self._found_waiting,
                lambda call_id: self._in_journal(call_id, "CONNECT"),
            )

    def _found_waiting(self, arrived: CallArrived) -> None:
        """A caller found waiting and not followed: queued again, counted only if the
        journal never had their entry (the server died before writing it down)."""
        self.runner.feed_restored(arrived, counted=self._in_journal(arrived.call_id, "ENTERQUEUE"))

    def _in_journal(self, call_id: str, kind: str) -> bool:
        """Asked only for a call found in Asterisk and not followed (a restart, rarely
        else): one indexed read on a connection of its own (the writer's is its thread's)."""
        with Journal.open(self.settings.journal.path, create=False) as journal:
            return journal.has(call_id, kind)

    def _journal_repairs(self, found: Recovered) -> None:
        now = self.runner.clock()
        repairs: list[Fact] = [
            CallRepaired(now, call_id, "", "ended", now, "its line was gone from Asterisk")
            for call_id in found.gone
        ]
        repairs += [
            CallRepaired(now, call_id, "", "followed", now, "found in Asterisk, not followed")
            for call_id in (*found.callers, *found.reattached)
        ]
        if repairs:
            log.warning("reconciliation with Asterisk repaired %d calls", len(repairs))
            self._record(repairs)

    async def _recover(self) -> None:
        try:
            found = await self._compare_with_asterisk()
        except AmiError as exc:
            log.warning("could not read Asterisk's state after connecting: %s", exc)
            return
        if found.gone:
            self._journal_repairs(dataclasses.replace(found, callers=(), reattached=()))
        self._restore_callbacks(found)
        log.info(
            "found %d agent phones, %d waiting callers and %d connected calls in Asterisk",
            found.phones,
            len(found.callers),
            len(found.reattached),
        )
        if self._down_since is not None:  # once, after the first recovery of a restart
            await self._close_open_calls(self._down_since, found.present)
            self._down_since = None

    def _restore_callbacks(self, found: Recovered) -> None:
        """The journal's booked callbacks, once Asterisk has been read: none whose
        customer's line is up (answered: recovery made them a waiting caller; still
        ringing: restored once that phone stops ringing unanswered). Never dialled twice."""
        if self._callbacks is not None and not self._dialling:
            return
        on_line = {*found.dialling, *self.legs.callers}
        first = self._callbacks is None
        restored, left = restore_callbacks(
            self.settings.journal.path,
            self.runner,
            lambda call_id: call_id not in on_line and (first or call_id in self._dialling),
        )
        if first:
            self._callbacks = (*restored, *left)
            log.info("%d booked callbacks back at their place", len(restored))
        self._dialling = {call_id for call_id in left if call_id in found.dialling}

    async def _close_open_calls(self, down_since: float, in_asterisk: frozenset[str]) -> None:
        """Only calls whose line Asterisk no longer has: a line still there (somewhere
        recovery does not look) is followed by the reconciliation, never closed twice."""
        offset = self.runner.clock() - time.time()  # Asterisk's times are the real clock's
        still_here = {*self.legs.callers, *(self._callbacks or ()), *in_asterisk}
        try:
            facts = await downtime.close_open_calls(
                self.ami,
                self.settings.journal.path,
                still_here,
                down_since,
                clock=self.runner.clock,
                from_wall=lambda at: at + offset,
            )
        except AmiError as exc:
            log.warning("could not close the calls left open by the last stop: %s", exc)
            return
        self._record(facts)
        log.info("%d calls left open by the last stop closed", len(facts) // 2)


def calling_hours(settings: Settings) -> Callable[[float], bool]:
    """When a callback may be booked: the country's legal calling hours, or a calendar."""
    name = settings.callbacks.calling_hours
    calendar = settings.acd.calendars.get(name) if name != LEGAL_HOURS else None
    return (calendar or legal_calling_hours(settings.callbacks.country)).is_open


def _menu_store(settings: Settings, asterisk_files: Path) -> MenuStore:
    sounds = asterisk_files / SOUNDS_IN_ASTERISK
    operator_sounds = settings.ivr.sounds
    context = menu_context(settings, operator_sounds, asterisk_files)
    return MenuStore(
        settings.ivr.menus,
        context,
        lambda library: prepare(library, sounds, operator_sounds),
        watched=(operator_sounds,),
    )


def _recordings(asterisk_files: Path) -> Recordings:
    """Callers' spoken answers: written by Asterisk, read here, deleted once heard. (The
    folder is made when the server starts: nothing is written under Asterisk's files
    before then, so a sandbox still to be built is left alone.)"""
    inside = PurePosixPath("/var/spool/asterisk/acd-ivr")
    return Recordings(inside, asterisk_files / inside.relative_to("/"))


async def _listen(what: str, where: Endpoint, start: Awaitable[None]) -> None:
    try:
        await start
    except OSError as exc:
        why = os.strerror(exc.errno) if exc.errno else str(exc)
        raise StartupError(
            f"cannot listen for {what} on {where.host}:{where.port}: {why} "
            "(is another acd server running? the port is set in acd.yaml)"
        ) from None


def _calendar_check(settings: Settings) -> Callable[[str, float], bool]:
    """A menu's condition on a calendar: open at that time? (An unknown calendar is
    refused when the menus are loaded.)"""
    calendars = settings.acd.calendars
    return lambda name, at: name in calendars and calendars[name].is_open(at)


def _api_access(
    settings: Settings, campaigns: Mapping[str, Campaign], clock: Callable[[], float]
) -> Access:
    """The API's users (read again when `acd user` changes them), tenants and names."""
    try:
        users = UserStore(settings.users_file)
    except UserError as exc:
        raise StartupError(f"the API's users cannot be read: {exc}") from exc
    queues = ((q.name, q.tenant, q.members) for q in settings.acd.queues)
    return Access(
        users=users,
        pause_reasons=tuple(r.code for r in settings.acd.pause_reasons),
        tenancy=Tenancy.of(queues, {name: c.queue for name, c in campaigns.items()}),
        hosts=frozenset(settings.api_hosts),
        clock=clock,
    )


def _day_reports(
    settings: Settings, campaigns: Mapping[str, Campaign], clock: Callable[[], float]
) -> DayReports:
    thresholds = {q.name: q.service_level_s for q in settings.acd.queues}
    return DayReports(
        journal=settings.journal.path,
        options=ReportOptions(sl_threshold_s=thresholds),
        queues=tuple(q.name for q in settings.acd.queues),
        agents=tuple(a.id for a in settings.agents),
        clock=clock,
        campaign_queue={name: c.queue for name, c in campaigns.items()},
        rule_sets={name: c.rule_set for name, c in campaigns.items()},
        amd_rates={name: c.machine_detection.false_positive_rate for name, c in campaigns.items()},
    )
