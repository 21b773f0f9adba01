"""A caller enters a queue: the FastAGI "inbound" script for the number they dialled.

The channel gets ACD_* variables (call id, queue, entry time, priority, skills) before
it goes on hold, so a restarted server can find every waiting caller again in Asterisk
and give them back their place (recovery.py). The IVR (acd/adapters/ivr/calls.py)
chooses the queue; a number no menu serves may name one in acd.yaml's ``numbers``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping

from acd.adapters.callcontrol.legs import Legs
from acd.asterisk.agi import AgiHangup, AgiSession
from acd.asterisk.dialplan import Var
from acd.core.engine.events import CallArrived, EngineEvent
from acd.core.settings.numbers_model import QueueEntry

log = logging.getLogger(__name__)


def encode_skills(skills: tuple[tuple[str, int], ...]) -> str:
    return ",".join(f"{name}:{level}" for name, level in skills)


def decode_skills(text: str) -> tuple[tuple[str, int], ...]:
    """The inverse of encode_skills; a malformed item is skipped, not fatal."""
    skills = []
    for item in filter(None, text.split(",")):
        name, _, level = item.partition(":")
        if name and level.isdigit():
            skills.append((name, int(level)))
    return tuple(skills)


class QueueEntrance:
    def __init__(
        self,
        numbers: Mapping[str, QueueEntry],
        legs: Legs,
        feed: Callable[[EngineEvent], None],
        clock: Callable[[], float],
    ) -> None:
        self._numbers = numbers
        self._legs = legs
        self._feed = feed
        self._clock = clock

    async def handle(self, session: AgiSession) -> None:
        number = session.request.query.get("did", "")
        entry = self._numbers.get(number)
        if entry is None:
            log.warning("call to %s: no menu or queue serves this number", number)
            await _say_and_end(session, "ss-noservice")
            return
        await self.enter(session, entry)

    async def enter(
        self,
        session: AgiSession,
        entry: QueueEntry,
        variables: Mapping[str, str] | None = None,
        after_call: str = "",
        max_wait_s: float = 0.0,
    ) -> None:
        """Puts the call in ``entry.queue``: ``variables`` are set on the channel too (the
        IVR's), ``after_call`` is the survey played if the agent hangs up first,
        ``max_wait_s`` this call's own limit (a campaign's: 2 s from the person's answer)."""
        request = session.request
        call_id, caller = request.uniqueid, request.get("callerid") or ""
        entered_at = self._clock()
        values = {**(variables or {}), **_channel_variables(entry, call_id, entered_at)}
        if after_call:
            values[Var.IVR_SURVEY] = after_call
        try:
            for name, value in values.items():
                await session.set_variable(name, value)
        except AgiHangup:
            return  # gone before queueing: not offered to the queue, nothing to count
        leg = self._legs.add_caller(call_id, request.channel, entry.queue, caller)
        leg.after_call = after_call
        self._feed(
            CallArrived(
                call_id=call_id,
                queue=entry.queue,
                entered_at=entered_at,
                priority=entry.priority,
                skills=entry.skills,
                caller=caller,
                language=entry.language,
                max_wait_s=max_wait_s,
            )
        )


def _channel_variables(entry: QueueEntry, call_id: str, entered_at: float) -> dict[str, str]:
    variables: dict[str, str] = {
        Var.CALL_ID: call_id,
        Var.QUEUE: entry.queue,
        Var.ENTERED: f"{entered_at:.3f}",
        Var.PRIORITY: str(entry.priority),
        Var.SKILLS: encode_skills(entry.skills),
    }
    if entry.language:
        variables["CHANNEL(language)"] = entry.language
        variables[Var.LANGUAGE] = entry.language  # visible in AMI (VarSet), kept on restart
    return variables


async def _say_and_end(session: AgiSession, prompt: str) -> None:
    try:
        await session.stream_file(prompt)
        await session.hangup()
    except AgiHangup:
        pass
