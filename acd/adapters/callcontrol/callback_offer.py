"""The callback offer, spoken to a waiting caller (FastAGI script "callback-offer").

An overflow rule sends the caller here ([acd-callback-offer]); they keep their place
meanwhile. Press 1 to be called back, then 1 to confirm the number they call from, or
type another one and #. A number on a do-not-call list, or a request outside the
calling hours, is refused with the reason, and the caller goes back to waiting. A
booked callback is confirmed (or merged with the one already booked for that number:
the engine decides), and the caller is told and hung up. Anything else (2, silence, a
hang-up) leaves the caller waiting as before.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass

from acd.adapters.callcontrol.callback_prompts import text
from acd.adapters.prompts import prompt_name
from acd.asterisk.agi import AgiError, AgiHangup, AgiSession
from acd.asterisk.dialplan import Var
from acd.core.compliance import DialRules, DoNotCall, NumberError, check_dial, to_e164
from acd.core.compliance.dial_check import CALLING_HOURS, DESTINATION, DO_NOT_CALL
from acd.core.compliance.dial_request import DEFAULT_COUNTRIES
from acd.core.compliance.rule_set import RuleSet
from acd.core.engine.events import CallbackRequested, EngineEvent

log = logging.getLogger(__name__)

KEY_TIMEOUT_MS = 6000
NUMBER_TIMEOUT_MS = 5000
ENGINE_REPLY_S = 5.0


class CallbackReplies:
    """The engine's answer to a request (ConfirmCallback, through the executor), handed
    to the dialog waiting for it. Keyed by call id."""

    def __init__(self) -> None:
        self._waiting: dict[str, asyncio.Future[bool]] = {}

    def expect(self, call_id: str) -> asyncio.Future[bool]:
        future: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._waiting[call_id] = future
        return future

    def resolve(self, call_id: str, merged: bool) -> bool:
        """False when no dialog waits (a callback restored after a restart)."""
        future = self._waiting.pop(call_id, None)
        if future is None or future.done():
            return False
        future.set_result(merged)
        return True

    def forget(self, call_id: str) -> None:
        self._waiting.pop(call_id, None)


@dataclass(frozen=True)
class CallbackRules:
    country: str
    do_not_call: DoNotCall
    may_call_at: Callable[[float], bool]  # the calling hours
    countries: frozenset[str] = frozenset()  # where callbacks may go; empty: ``country``'s

    @property
    def dial(self) -> DialRules:
        """What the number must pass, at booking here and again at every dial."""
        return DialRules(self.do_not_call, self.may_call_at, self.countries or home(self.country))


def home(country: str) -> frozenset[str]:
    """A country and the overseas parts that share its numbering plan (France's)."""
    return (
        DEFAULT_COUNTRIES.get(RuleSet.FR, frozenset()) if country == "FR" else frozenset({country})
    )


class CallbackOffer:
    def __init__(
        self,
        rules: CallbackRules,
        replies: CallbackReplies,
        feed: Callable[[EngineEvent], None],
        clock: Callable[[], float],
        default_language: str,
    ) -> None:
        self._rules, self._replies, self._feed, self._clock = rules, replies, feed, clock
        self._default_language = default_language

    async def handle(self, session: AgiSession) -> None:
        try:
            await self._dialog(session)
        except AgiHangup:
            log.info("caller hung up during the callback offer: still waiting")
        except AgiError as exc:
            log.warning("callback offer failed: %s", exc)

    async def _dialog(self, session: AgiSession) -> None:
        call_id = await session.get_variable(Var.CALL_ID) or ""
        language = await session.get_variable("CHANNEL(language)") or self._default_language
        say = _sayer(language)
        if not call_id or (await session.get_data(say("offer"), KEY_TIMEOUT_MS, 1)).digits != "1":
            return
        number = await self.number(session, language)
        if number is not None:
            await self.book(session, call_id, number, language)

    async def number(self, session: AgiSession, language: str) -> str | None:
        """The number to call back, asked and checked (do-not-call lists, calling hours:
        a refusal is spoken); None when there is none to book."""
        say = _sayer(language)
        number = await self._number(session, say, session.request.get("callerid") or "")
        if number is None:
            return None
        refusal = self._refusal(number)
        if refusal:
            log.info("callback to %s refused: %s", number, refusal)
            await session.stream_file(say(refusal))
            return None
        return number

    async def book(self, session: AgiSession, call_id: str, number: str, language: str) -> bool:
        """Asks the ACD to book it; once booked, tells the caller and hangs up."""
        say = _sayer(language)
        reply = self._replies.expect(call_id)
        self._feed(CallbackRequested(call_id, number))
        try:
            merged = await asyncio.wait_for(reply, ENGINE_REPLY_S)
        except TimeoutError:
            self._replies.forget(call_id)
            log.warning("callback for %s: the ACD did not book it; the caller waits", call_id)
            return False
        await session.stream_file(say("merged" if merged else "booked"))
        await session.hangup()
        return True

    async def _number(
        self, session: AgiSession, say: Callable[[str], str], calling: str
    ) -> str | None:
        """The number to call back, in E.164: the caller's own (1) or one typed; two tries."""
        for _ in range(2):
            typed = await session.get_data(say("confirm"), NUMBER_TIMEOUT_MS, 20)
            digits = calling if typed.digits == "1" else typed.digits
            if not digits:
                return None
            try:
                return to_e164(digits, self._rules.country)
            except NumberError:
                await session.stream_file(say("invalid"))
        return None

    def _refusal(self, number: str) -> str:
        """The prompt that says why the number cannot be booked; "" when it can."""
        verdict = check_dial(number, self._clock(), self._rules.dial)
        return _REFUSAL_PROMPTS[verdict.refused_by[0]] if verdict.refused_by else ""


_REFUSAL_PROMPTS = {DO_NOT_CALL: "do_not_call", DESTINATION: "destination", CALLING_HOURS: "hours"}


def _sayer(language: str) -> Callable[[str], str]:
    """The prompt to play for one of the dialog's texts, in ``language``."""
    return lambda key: prompt_name(text(key, language), language)
