"""Dialling a customer: the one path every outbound call takes (a callback, a campaign's
lead, later the predictive pacer's).

The number is checked at the moment of dialling, every attempt (the caller passes the
check: the callbacks' rules or a campaign's), and the verdict is journaled whether it
allows the dial or not; then Originate (Async: nothing here waits on a person), whose
response says whether the customer's phone answered. An answered leg goes on in the
dialplan context given (the callback's leg, a campaign's leg), which reports to the
server itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from acd.asterisk.ami import AmiClient, AmiError, Event
from acd.asterisk.dialplan import Context, Var
from acd.core.compliance import DialVerdict
from acd.core.compliance.facts import DialChecked
from acd.core.facts import Fact

log = logging.getLogger(__name__)

# Why nobody answered. OriginateResponse's Reason (Asterisk's AST_CONTROL_* values) says
# "no answer" (3), but over PJSIP a 486 or a 503 both come back as 0: the leg's Hangup
# event, which comes around the same time (before or just after), has the Q.850 cause
# that tells them apart.
UNREACHABLE_REASONS = {"3": "noanswer", "5": "busy", "8": "congestion"}  # else: failed
HANGUP_CAUSES = {
    "17": "busy",  # user busy (486)
    "18": "noanswer",  # no user responding
    "19": "noanswer",  # user alerting, no answer (our ring time ran out)
    "34": "congestion",  # circuit/channel congestion (503)
    "38": "congestion",  # network out of order
    "42": "congestion",  # switching equipment congestion
}


HANGUP_WAIT_S = 1.0  # for the failed leg's Hangup event, if it comes after the response


@dataclass
class _Cause:
    value: str = ""
    seen: asyncio.Event = field(default_factory=asyncio.Event)


@dataclass(frozen=True)
class CustomerCall:
    call_id: str
    channel_id: str  # the leg's Uniqueid, of our making: every AMI event about it maps back
    queue: str  # the queue the customer is for (a callback's), or a campaign's queue
    number: str  # E.164
    trunk: str
    caller_id: str
    ring_s: float
    context: Context  # where the answered leg goes on
    variables: Mapping[str, str] = field(default_factory=dict)
    campaign: str = ""  # a campaign's dial

    @property
    def about(self) -> str:
        return f"campaign {self.campaign}" if self.campaign else f"queue {self.queue}"


@dataclass(frozen=True)
class Dialled:
    """What became of a dial: refused (never placed), answered, or not reached (why)."""

    verdict: DialVerdict
    answered: bool = False
    reason: str = ""  # noanswer | busy | congestion | failed; "refused: <rules>" if refused

    @property
    def refused(self) -> bool:
        return not self.verdict.allowed


Check = Callable[[str, float], DialVerdict]  # (number, at) -> verdict


class CustomerDialer:
    def __init__(
        self,
        ami: AmiClient,
        clock: Callable[[], float],
        record: Callable[[Sequence[Fact]], None],
    ) -> None:
        self._ami, self._clock, self._record = ami, clock, record
        self._causes: dict[str, _Cause] = {}  # leg being dialled -> its Hangup cause
        ami.subscribe(self._on_hangup, "Hangup")

    def _on_hangup(self, event: Event) -> None:
        cause = self._causes.get(event.get("Uniqueid") or "")
        if cause is not None:
            cause.value = event.get("Cause") or ""
            cause.seen.set()

    async def dial(self, call: CustomerCall, check: Check) -> Dialled:
        verdict = check(call.number, self._clock())
        self._record([DialChecked.of(verdict, call.call_id, call.queue, call.campaign)])
        if not verdict.allowed:
            refused = ", ".join(verdict.refused_by)
            log.info("%s: %s not dialled: refused by %s", call.about, call.number, refused)
            return Dialled(verdict, reason=f"refused: {refused}")
        reason = "failed"
        self._causes[call.channel_id] = cause = _Cause()
        try:
            result = await self._ami.originate(
                f"PJSIP/{call.number}@{call.trunk}",
                context=call.context,
                exten="s",
                priority=1,
                variables={Var.CALL_ID: call.call_id, **call.variables},
                caller_id=call.caller_id or None,
                timeout_ms=math.ceil(call.ring_s * 1000),
                extra={"ChannelId": call.channel_id},
            )
            if result.get("Response") == "Success":
                return Dialled(verdict, answered=True)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(cause.seen.wait(), HANGUP_WAIT_S)
            reason = HANGUP_CAUSES.get(cause.value) or UNREACHABLE_REASONS.get(
                result.get("Reason") or "", "failed"
            )
        except AmiError as exc:
            log.warning("%s: dialling %s failed: %s", call.about, call.number, exc)
        finally:
            self._causes.pop(call.channel_id, None)
        return Dialled(verdict, reason=reason)
