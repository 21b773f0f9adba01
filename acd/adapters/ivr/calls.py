"""Calls through the IVR: the FastAGI scripts "inbound" (a call arrives) and "survey"
(after the agent hung up), driving a pure ``ivr.session.IvrSession``.

A call to a number a menu serves walks that menu; any other number goes to acd.yaml's
``numbers`` table (QueueEntrance). The menus in force when the call arrived stay its
menus to the end (a reload serves the next calls). The end of the walk decides where
the call goes: a queue (QueueEntrance.enter), another number or centre, a mailbox (the
dialplan's [acd-ivr-end], named in ACD_IVR_NEXT), or a goodbye.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

import aiohttp

from acd.adapters.callcontrol.callback_offer import CallbackOffer
from acd.adapters.callcontrol.entry import QueueEntrance
from acd.adapters.ivr.perform import Performer, Recordings
from acd.asterisk.agi import AgiError, AgiHangup, AgiSession
from acd.asterisk.dialplan import DID_PATTERN, VAR_PREFIX, Context, Var
from acd.core.settings.numbers_model import QueueEntry
from ivr.actions import (
    Action,
    Ask,
    CallbackDone,
    CallerHungUp,
    EndCall,
    EnterQueue,
    Fetch,
    LeaveVoicemail,
    OfferCallback,
    Play,
    Result,
    TransferOut,
)
from ivr.call import IsOpenAt, IvrCall
from ivr.facts import IvrFact
from ivr.model import IvrLibrary, IvrMenu
from ivr.session import IvrSession
from ivr.speech import Recogniser

log = logging.getLogger(__name__)


class MenuSource(Protocol):
    """The menus in force now, and older versions still used by calls in progress."""

    def current(self) -> IvrLibrary | None: ...

    def version(self, version: str) -> IvrLibrary | None: ...


# A callback node: (session, queue, language) -> booked. The callback offer's dialog
# (acd/adapters/callcontrol/callback_offer.py), run before the caller has joined any queue.
CallbackDialog = Callable[[AgiSession, str, str], Awaitable[bool]]


@dataclass(frozen=True)
class IvrDeps:
    menus: MenuSource
    entrance: QueueEntrance
    recogniser: Recogniser
    recordings: Recordings
    record: Callable[[Sequence[IvrFact]], None]  # to the journal
    clock: Callable[[], float]
    is_open: IsOpenAt
    outbound_trunk: str  # transfers with no trunk named
    default_language: str
    callback: CallbackDialog


class IvrCalls:
    def __init__(self, deps: IvrDeps) -> None:
        self._deps = deps
        self._http: aiohttp.ClientSession | None = None

    async def close(self) -> None:
        if self._http is not None:
            await self._http.close()

    async def inbound(self, session: AgiSession) -> None:
        """FastAGI "inbound": the menu for the number dialled, else acd.yaml's numbers."""
        library = self._deps.menus.current()
        did = session.request.query.get("did", "")
        if not DID_PATTERN.fullmatch(did):
            log.warning(
                "call %s: %r is not a number dialled: no service",
                session.request.uniqueid,
                did[:40],
            )
            await self._deps.entrance.handle(session)  # says "no service" and hangs up
            return
        menu = library.for_call(did, _trunk(session.request.channel)) if library else None
        if library is None or menu is None:
            await self._deps.entrance.handle(session)
            return
        call = IvrCall(
            session.request.uniqueid, session.request.get("callerid") or "", did, menu.languages[0]
        )
        ivr = IvrSession(library, menu, call, self._deps.is_open)
        await self._run(session, ivr, ivr.start(self._deps.clock()))

    async def survey(self, session: AgiSession) -> None:
        """FastAGI "survey": the after-call node named on the channel (ACD_IVR_SURVEY)."""
        try:
            where = await session.get_variable(Var.IVR_SURVEY) or ""
            version = await session.get_variable(Var.IVR_VERSION) or ""
            call_id = await session.get_variable(Var.CALL_ID) or session.request.uniqueid
            language = await session.get_variable("CHANNEL(language)") or ""
        except AgiHangup:
            return
        library = self._deps.menus.version(version) or self._deps.menus.current()
        menu_name, _, node = where.partition(":")
        menu = library.menus.get(menu_name) if library else None
        if library is None or menu is None or node not in menu.nodes:
            log.warning("call %s: no survey %r in the menus in force; hanging up", call_id, where)
            await _hang_up(session)
            return
        call = IvrCall(
            call_id, session.request.get("callerid") or "", "", language or menu.languages[0]
        )
        ivr = IvrSession(library, menu, call, self._deps.is_open)
        await self._run(session, ivr, ivr.start(self._deps.clock(), node))

    async def _run(self, session: AgiSession, ivr: IvrSession, action: Action) -> None:
        performer = Performer(session, self._deps.recogniser, self._deps.recordings, self._client())
        self._record(ivr)
        try:
            await session.set_variable(Var.IVR_VERSION, ivr.library.version)
            await performer.use_language(ivr.call.language)
            while not ivr.finished:
                result = await self._perform(performer, session, action)
                action = ivr.resume(result, self._deps.clock())
                self._record(ivr)
            await self._leave(session, performer, ivr.menu, action)
        except AgiHangup:
            if not ivr.finished:
                ivr.resume(CallerHungUp(), self._deps.clock())
                self._record(ivr)
        except AgiError as exc:
            log.warning("call %s: the menu stopped: %s", ivr.call.call_id, exc)
            await _hang_up(session)

    async def _perform(self, performer: Performer, session: AgiSession, action: Action) -> Result:
        match action:
            case Play():
                return await performer.play(action.audio)
            case Ask():
                return await performer.ask(action)
            case Fetch():
                return await performer.fetch(action)
            case OfferCallback():
                booked = await self._deps.callback(session, action.queue, action.language)
                return CallbackDone(booked)
        raise AssertionError(f"{type(action).__name__} ends the menu")

    async def _leave(
        self, session: AgiSession, performer: Performer, menu: IvrMenu, action: Action
    ) -> None:
        match action:
            case EnterQueue():
                await performer.use_language(action.language)
                entry = QueueEntry(action.queue, action.priority, action.skills, action.language)
                variables = {f"{VAR_PREFIX}{k.upper()}": v for k, v in action.variables.items()}
                await self._deps.entrance.enter(session, entry, variables, action.after_call)
            case TransferOut():
                trunk = action.trunk or self._deps.outbound_trunk
                number = action.number or _our_number(menu, session.request.query.get("did", ""))
                if not number:  # never a number the caller chose: toll fraud
                    log.warning(
                        "menu %s: a transfer to the number dialled, which is not "
                        "one of the menu's numbers: refused",
                        menu.name,
                    )
                    await session.set_variable(Var.IVR_NEXT, f"{Context.IVR_END},refused,1")
                    return
                for name, value in (
                    (Var.IVR_NUMBER, number),
                    (Var.IVR_TRUNK, trunk),
                    (Var.IVR_NEXT, f"{Context.IVR_END},transfer,1"),
                ):
                    await session.set_variable(name, value)
            case LeaveVoicemail():
                await session.set_variable(Var.IVR_MAILBOX, action.mailbox)
                await session.set_variable(Var.IVR_NEXT, f"{Context.IVR_END},voicemail,1")
            case EndCall():
                await performer.play(action.audio)
                await session.hangup()
        log.info("call %s leaves menu %s: %s", session.request.uniqueid, menu.name, action)

    def _record(self, ivr: IvrSession) -> None:
        facts = ivr.take_facts()
        if facts:
            self._deps.record(facts)

    def _client(self) -> aiohttp.ClientSession:
        if self._http is None:
            self._http = aiohttp.ClientSession()
        return self._http


def _trunk(channel: str) -> str:
    """The endpoint a PJSIP channel belongs to: "PJSIP/carrier-0000002a" -> "carrier"."""
    name = channel.partition("/")[2]
    return name.rpartition("-")[0] or name


async def _hang_up(session: AgiSession) -> None:
    with contextlib.suppress(AgiError):
        await session.hangup()


class IvrCallback:
    """A menu's callback node: the callback offer's number dialog, then the caller joins
    ``queue`` and is booked there at once (keeping that place until called back)."""

    def __init__(self, offer: CallbackOffer, entrance: QueueEntrance) -> None:
        self._offer, self._entrance = offer, entrance

    async def __call__(self, session: AgiSession, queue: str, language: str) -> bool:
        number = await self._offer.number(session, language)
        if number is None:
            return False
        await self._entrance.enter(session, QueueEntry(queue, language=language))
        return await self._offer.book(session, session.request.uniqueid, number, language)


def _our_number(menu: IvrMenu, did: str) -> str:
    """The number dialled when it is one the menu serves (named in its ``numbers``); ""
    when the menu took the call by its trunk: the caller chose that number."""
    return did if did in menu.entry.numbers else ""
