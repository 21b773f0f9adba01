"""Rebuilds what the engine must know from Asterisk itself, after a (re)connect:

* every agent phone's device state (DeviceStateList);
* every caller still waiting in [acd-hold] or [acd-announce], with the queue, priority,
  skills and *original* entry time read from the channel's ACD_* variables, so a
  restarted server gives each caller back their place (and does not offer a callback
  again to one who heard the offer);
* every call still connected (a bridged caller keeps [acd-hold] as their context, with
  the mark ACD_BRIDGED: agent, agent's leg, answer time): followed again to its end, and
  ended at once if the agent's leg is gone;
* every callback customer dialled before a restart who answered and waits: served as a
  waiting caller, at their place (never dialled again); one whose phone still rings is
  reported, so the journal's callback waits for the outcome instead of dialling again;
* every caller this server knew whose line is no longer in Asterisk (the Hangup was
  missed while the link was down): the call ended, or the caller abandoned, so no agent
  is rung for a line that is gone.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from dataclasses import dataclass

from acd.adapters.callcontrol.entry import decode_skills
from acd.adapters.callcontrol.legs import Legs, callback_of
from acd.adapters.callcontrol.translate import Translator
from acd.asterisk.ami import AmiClient, AmiError
from acd.asterisk.dialplan import Context, Var
from acd.core.engine.events import CallArrived, CallEnded, CallReattached, EngineEvent

log = logging.getLogger(__name__)

# Where a caller of the ACD may be found waiting (or, bridged from there, talking): on
# hold, hearing their position, or answering the callback offer.
WAITING_CONTEXTS = (Context.HOLD, Context.ANNOUNCE, Context.CALLBACK_OFFER)
_VARIABLES = (
    Var.CALL_ID,
    Var.BRIDGED,
    Var.QUEUE,
    Var.ENTERED,
    Var.PRIORITY,
    Var.SKILLS,
    Var.CB_OFFERED,
    "CHANNEL(language)",
    "CALLERID(num)",
)


@dataclass(frozen=True)
class Recovered:
    phones: int
    callers: tuple[str, ...]  # call ids given back their place
    reattached: tuple[str, ...] = ()  # call ids found connected to an agent
    gone: tuple[str, ...] = ()  # call ids whose line Asterisk no longer has (ended)
    present: frozenset[str] = frozenset()  # every channel name and unique id Asterisk has
    dialling: frozenset[str] = frozenset()  # callbacks whose customer leg rings, not followed


async def recover(
    ami: AmiClient,
    legs: Legs,
    translator: Translator,
    feed: Callable[[EngineEvent], None],
    feed_restored: Callable[[CallArrived], None],
    answer_recorded: Callable[[str], bool] = lambda call_id: True,
) -> Recovered:
    """``feed_restored`` takes the callers found waiting: queued again, not counted again.
    ``answer_recorded`` says whether the journal has a call's answer: a call found bridged
    whose answer was not written (the server died in between) is counted answered then."""
    phones = 0
    devices = await ami.list_action("DeviceStateList")
    for item in devices.events:
        change = translator.phone_state(item.get("Device") or "", item.get("State") or "")
        if change is not None:
            feed(change)
            phones += 1
    known = [leg for leg in legs.callers.values() if leg.answered]  # before the list
    # Followed when Asterisk was asked: a call that ends while the list and the reads
    # come is still on the list, no longer followed, and is not one to take back.
    followed_at_start = {
        value for leg in legs.callers.values() for value in (leg.channel, leg.call_id)
    }
    found: list[tuple[CallArrived, str, str]] = []
    channels = await ami.list_action("CoreShowChannels")
    present = {
        value for item in channels.events for value in (item.get("Channel"), item.get("Uniqueid"))
    }
    gone: list[str] = []
    for leg in known:
        if leg.channel in present or leg.call_id in present:
            continue
        events = translator.caller_gone(leg)
        for event in events:
            feed(event)
        if events:  # not a line the agent had ended already
            gone.append(leg.call_id)
    reattached: list[str] = []
    followed = {leg.channel for leg in legs.callers.values()} | followed_at_start
    for channel in channels.events:
        if channel.get("Context") not in WAITING_CONTEXTS:
            continue
        name, uniqueid = channel.get("Channel") or "", channel.get("Uniqueid") or ""
        if name in followed or legs.caller_for(uniqueid) is not None:
            continue  # followed already: nothing to read (reconciliation runs often)
        read = await _caller_on(ami, name)
        if read is None or read[0].call_id in legs.callers or read[0].call_id in followed:
            continue
        arrived, bridged = read
        if bridged is not None:  # talking to an agent (a bridged channel keeps its context)
            recorded = answer_recorded(arrived.call_id)
            _reattach(legs, feed, arrived, (name, uniqueid), bridged, present, recorded)
            reattached.append(arrived.call_id)
        else:  # waiting (a callback's customer too: answered, so a caller like any other)
            found.append((arrived, name, uniqueid))
    # Given back in order of entry (Asterisk lists channels in no useful order): a free
    # agent takes the first caller the engine hears of, who must be the longest waiting.
    found.sort(key=lambda item: (item[0].entered_at, item[0].call_id))
    for arrived, name, uniqueid in found:
        if callback_of(uniqueid):  # called back: never offered a callback again
            arrived = dataclasses.replace(arrived, callback_offered=True)
            legs.adopt_customer_leg(arrived.call_id, name, uniqueid, arrived.queue)
        else:
            legs.add_caller(arrived.call_id, name, arrived.queue, arrived.caller)
        feed_restored(arrived)
    dialling = {callback_of(value or "") for value in present} - {"", *legs.callers}
    return Recovered(
        phones,
        tuple(arrived.call_id for arrived, _, _ in found),
        tuple(reattached),
        tuple(gone),
        frozenset(value for value in present if value),
        frozenset(dialling),
    )


@dataclass(frozen=True)
class Bridged:
    """ACD_BRIDGED read back (executor.bridge_mark): who, which leg, since when."""

    agent_id: str
    leg_id: str
    answered_at: float


def _reattach(
    legs: Legs,
    feed: Callable[[EngineEvent], None],
    arrived: CallArrived,
    line: tuple[str, str],  # the caller's channel: name, unique id
    bridged: Bridged,
    present: set[str | None],
    answer_recorded: bool,
) -> None:
    leg_up = bridged.leg_id in present
    legs.reattach(
        arrived.call_id,
        *line,
        arrived.queue,
        arrived.caller,
        bridged.agent_id,
        bridged.leg_id if leg_up else "",
    )
    feed(
        CallReattached(
            call_id=arrived.call_id,
            queue=arrived.queue,
            agent_id=bridged.agent_id,
            entered_at=arrived.entered_at,
            answered_at=bridged.answered_at,
            caller=arrived.caller,
            language=arrived.language,
            answer_recorded=answer_recorded,
        )
    )
    if not leg_up:  # the agent hung up while the server was away: the call is over
        feed(CallEnded(arrived.call_id, "agent"))


async def _caller_on(ami: AmiClient, channel: str) -> tuple[CallArrived, Bridged | None] | None:
    """The caller on a channel of [acd-hold] or [acd-announce], and their bridge mark."""
    values: dict[str, str] = {}
    try:
        for name in _VARIABLES:
            reply = await ami.action("Getvar", {"Channel": channel, "Variable": name})
            values[name] = reply.get("Value") or ""
    except AmiError as exc:
        log.info("waiting channel %s is gone or unreadable: %s", channel, exc)
        return None
    arrived = _arrived(channel, values)
    if arrived is None:
        return None
    if not values[Var.BRIDGED]:
        return arrived, None
    bridged = _bridged(values[Var.BRIDGED])
    if bridged is None:
        log.warning("channel %s has a bridge mark that is not ours", channel)
        return None
    return arrived, bridged


def _bridged(mark: str) -> Bridged | None:
    try:
        agent_id, leg_id, at = mark.split(" ")
        return Bridged(agent_id, leg_id, float(at))
    except ValueError:
        return None


def _arrived(channel: str, values: dict[str, str]) -> CallArrived | None:
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
        callback_offered=values[Var.CB_OFFERED] == "1",
    )
