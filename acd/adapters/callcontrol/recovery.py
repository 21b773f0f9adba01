"""Rebuilds what the engine must know from Asterisk itself, after a (re)connect:

* every agent phone's device state (DeviceStateList);
* every caller still waiting in [acd-hold] or [acd-announce], with the queue, priority,
  skills and *original* entry time read from the channel's ACD_* variables, so a
  restarted server gives each caller back their place;
* every caller this server knew whose line is no longer in Asterisk (the Hangup was
  missed while the link was down): the call ended, or the caller abandoned, so no agent
  is rung for a line that is gone.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from acd.adapters.callcontrol.entry import decode_skills
from acd.adapters.callcontrol.legs import Legs
from acd.adapters.callcontrol.translate import Translator
from acd.asterisk.ami import AmiClient, AmiError
from acd.asterisk.dialplan import Context, Var
from acd.core.engine.events import CallArrived, EngineEvent

log = logging.getLogger(__name__)

WAITING_CONTEXTS = (Context.HOLD, Context.ANNOUNCE)
_VARIABLES = (
    Var.CALL_ID,
    Var.QUEUE,
    Var.ENTERED,
    Var.PRIORITY,
    Var.SKILLS,
    "CHANNEL(language)",
    "CALLERID(num)",
)


@dataclass(frozen=True)
class Recovered:
    phones: int
    callers: tuple[str, ...]  # call ids given back their place


async def recover(
    ami: AmiClient,
    legs: Legs,
    translator: Translator,
    feed: Callable[[EngineEvent], None],
    feed_restored: Callable[[CallArrived], None],
) -> Recovered:
    """``feed_restored`` takes the callers found waiting: queued again, not counted again."""
    phones = 0
    devices = await ami.list_action("DeviceStateList")
    for item in devices.events:
        change = translator.phone_state(item.get("Device") or "", item.get("State") or "")
        if change is not None:
            feed(change)
            phones += 1
    known = [leg for leg in legs.callers.values() if leg.answered]  # before the list
    found: list[tuple[CallArrived, str]] = []
    channels = await ami.list_action("CoreShowChannels")
    present = {
        value for item in channels.events for value in (item.get("Channel"), item.get("Uniqueid"))
    }
    for leg in known:
        if leg.channel not in present and leg.call_id not in present:
            for event in translator.caller_gone(leg):
                feed(event)
    for channel in channels.events:
        if channel.get("Context") not in WAITING_CONTEXTS:
            continue
        name = channel.get("Channel") or ""
        arrived = await _waiting_caller(ami, name)
        if arrived is not None and arrived.call_id not in legs.callers:
            found.append((arrived, name))
    # Given back in order of entry (Asterisk lists channels in no useful order): a free
    # agent takes the first caller the engine hears of, who must be the longest waiting.
    found.sort(key=lambda pair: (pair[0].entered_at, pair[0].call_id))
    for arrived, name in found:
        legs.add_caller(arrived.call_id, name, arrived.queue, arrived.caller)
        feed_restored(arrived)
    return Recovered(phones, tuple(arrived.call_id for arrived, _ in found))


async def _waiting_caller(ami: AmiClient, channel: str) -> CallArrived | None:
    values: dict[str, str] = {}
    try:
        for name in _VARIABLES:
            reply = await ami.action("Getvar", {"Channel": channel, "Variable": name})
            values[name] = reply.get("Value") or ""
    except AmiError as exc:
        log.info("waiting channel %s is gone or unreadable: %s", channel, exc)
        return None
    try:
        entered_at = float(values[Var.ENTERED])
        priority = int(values[Var.PRIORITY] or "0")
    except ValueError:
        log.warning("channel %s waits in the ACD but its ACD_* variables are not ours", channel)
        return None
    if not values[Var.CALL_ID] or not values[Var.QUEUE]:
        return None
    return CallArrived(
        call_id=values[Var.CALL_ID],
        queue=values[Var.QUEUE],
        entered_at=entered_at,
        priority=priority,
        skills=decode_skills(values[Var.SKILLS]),
        caller=values["CALLERID(num)"],
        language=values["CHANNEL(language)"],
    )
