"""A campaign's call answered: the FastAGI "dialer" script ([acd-dialer-leg] runs it after
AMD). It journals AMD's verdict, then carries out what dialer.answer decides: the person
into the campaign's queue with 2 s to reach an agent (then [acd-exit] gives them the
information message), the automated message with its keys, the message left on a
machine after its greeting, or a hang-up.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Sequence

from acd.adapters.callcontrol.entry import QueueEntrance
from acd.adapters.dialer.service import Dialer
from acd.adapters.prompts import prompt_name
from acd.asterisk.agi import AgiError, AgiHangup, AgiSession
from acd.asterisk.dialplan import Var
from acd.core.compliance.attempts import DialOutcome
from acd.core.facts import Fact
from acd.core.outbound.facts import AmdVerdict, NumberOptedOut
from acd.core.settings.numbers_model import QueueEntry
from dialer.amd_routes import Answerer
from dialer.answer import HangUp, LeaveMessage, PlayMessage, ToAgent, treatment
from dialer.campaign.model import Campaign

log = logging.getLogger(__name__)

KEY_WAIT_MS = 6000  # after the automated message: time to press a key
# A machine's greeting ends with a beep: leave the message once it has been quiet this long.
MACHINE_SILENCE_MS, MACHINE_WAIT_S = 1500, 20


class DialerCalls:
    def __init__(
        self,
        dialer: Dialer,
        entrance: QueueEntrance,
        opt_out: Callable[[str, float, str], None],  # (number, at, source): durable
        record: Callable[[Sequence[Fact]], None],
        clock: Callable[[], float],
        language: str,
    ) -> None:
        self._dialer, self._entrance = dialer, entrance
        self._opt_out, self._record, self._clock = opt_out, record, clock
        self._language = language

    async def handle(self, session: AgiSession) -> None:
        call_id = session.request.uniqueid
        found = self._dialer.flight(call_id)
        if found is None:  # a call of before a restart: nobody here to route it
            log.warning("answered call %s: no campaign call of that id; hanging up", call_id)
            await _end(session)
            return
        run, flight = found
        try:
            status = await session.get_variable("AMDSTATUS") or ""
            cause = await session.get_variable("AMDCAUSE") or ""
            if status:
                self._record([AmdVerdict(self._clock(), call_id, flight.campaign, status, cause)])
            await self._carry_out(session, run.campaign, flight.number, status, cause)
        except AgiHangup:
            pass  # the line dropped: line_down() settles the outcome
        except AgiError as exc:
            log.warning("answered call %s: %s", call_id, exc)

    async def _carry_out(
        self, session: AgiSession, campaign: Campaign, number: str, status: str, cause: str
    ) -> None:
        call_id = session.request.uniqueid
        match treatment(campaign, status, cause, campaign.machine_detection.routes):
            case ToAgent() as to:
                await self._to_queue(session, campaign, to.queue, to.priority, to.max_wait_s)
            case PlayMessage() as message:
                await self._message(session, campaign, number, message)
            case LeaveMessage() as leave:
                await session.exec_app("WaitForSilence", f"{MACHINE_SILENCE_MS},1,{MACHINE_WAIT_S}")
                await session.stream_file(self._prompt(leave.text))
                self._dialer.ended(call_id, DialOutcome.MACHINE)
                await session.hangup()
            case HangUp() as hang_up:
                machine = hang_up.answerer is Answerer.MACHINE
                outcome = DialOutcome.MACHINE if machine else DialOutcome.FAILED
                self._dialer.ended(call_id, outcome)
                await session.hangup()

    async def _to_queue(
        self, session: AgiSession, campaign: Campaign, queue: str, priority: int, max_wait_s: float
    ) -> None:
        variables: dict[str, str] = {
            Var.EXIT_PROMPT: self._prompt(campaign.information_message),
            Var.CAMPAIGN: campaign.name,
        }
        self._dialer.queued(session.request.uniqueid)
        await self._entrance.enter(
            session, QueueEntry(queue, priority), variables=variables, max_wait_s=max_wait_s
        )

    async def _message(
        self, session: AgiSession, campaign: Campaign, number: str, message: PlayMessage
    ) -> None:
        call_id = session.request.uniqueid
        keys = message.agent_key + message.opt_out_key
        pressed = await session.stream_file(self._prompt(message.text), keys)
        pressed = pressed or await session.wait_for_digit(KEY_WAIT_MS)
        if pressed == message.opt_out_key:
            now = self._clock()
            self._opt_out(number, now, "keypress")  # before anything else: effective at once
            self._record([NumberOptedOut(now, call_id, campaign.name, number, "keypress")])
            self._dialer.ended(call_id, DialOutcome.ANSWERED)
            await session.stream_file(self._prompt(message.opt_out_confirmation))
            await session.hangup()
        elif pressed == message.agent_key:
            self._dialer.queued(call_id)
            await self._entrance.enter(session, QueueEntry(message.queue))
        else:
            self._dialer.ended(call_id, DialOutcome.ANSWERED)
            await session.hangup()

    def _prompt(self, text: str) -> str:
        return prompt_name(text, self._language)


async def _end(session: AgiSession) -> None:
    with contextlib.suppress(AgiError):
        await session.hangup()
