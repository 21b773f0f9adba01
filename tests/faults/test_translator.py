"""The translator behind a real AMI client, fed by a fake Asterisk: whole calls as
Asterisk 22 reports them become the engine's events in order; events about other
channels, unknown events and garbage in between change nothing."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest

from acd.adapters.callcontrol.legs import Legs
from acd.adapters.callcontrol.translate import Translator
from acd.asterisk.ami import AmiClient
from acd.asterisk.ami import Event as AmiEvent
from acd.core.engine.events import (
    AgentAnswered,
    CallAbandoned,
    CallEnded,
    CallerPressedExitKey,
    ConnectFailed,
    CustomerAnswered,
    EngineEvent,
    PhoneState,
    PhoneStateChanged,
)
from tests.fakes.ami_peer import FakeAmiPeer, PeerConnection, Recorder
from tests.fakes.ami_scripts import connected_client

pytestmark = pytest.mark.timeout(20)

AGENTS = {"1001", "1002"}
CALLER = ("1732398000.1", "PJSIP/carrier-00000001")
OTHER = ("1732398000.2", "PJSIP/carrier-00000002")

Fields = tuple[tuple[str, str], ...]


@dataclass
class Rig:
    conn: PeerConnection
    ami: AmiClient
    legs: Legs
    seen: Recorder[AmiEvent]  # what reached the translator
    fed: Recorder[EngineEvent]  # what it gave the engine

    async def send(self, *events: tuple[str, Fields]) -> None:
        """The peer sends ``events``; returns once the translator has seen them all."""
        expected = len(self.seen.items) + len(events)
        for name, fields in events:
            await self.conn.event(name, *fields)
        await self.seen.wait_for(lambda items: len(items) >= expected)


@pytest.fixture
async def rig() -> AsyncIterator[Rig]:
    async with FakeAmiPeer() as peer, connected_client(peer) as ami:
        legs = Legs()
        translator = Translator(legs, AGENTS)
        seen, fed = Recorder[AmiEvent](), Recorder[EngineEvent]()

        def on_event(event: AmiEvent) -> None:  # as the server's composition root does
            for engine_event in translator.translate(event):
                fed(engine_event)
            seen(event)

        ami.subscribe(on_event)
        yield Rig(peer.connections[0], ami, legs, seen, fed)


def channel(uniqueid: str, name: str, context: str = "acd-hold") -> Fields:
    return (
        ("Channel", name),
        ("ChannelState", "6"),
        ("ChannelStateDesc", "Up"),
        ("Context", context),
        ("Exten", "s"),
        ("Uniqueid", uniqueid),
        ("Linkedid", uniqueid),
    )


def hangup(uniqueid: str, name: str, cause: str = "16") -> tuple[str, Fields]:
    return "Hangup", (*channel(uniqueid, name), ("Cause", cause), ("Cause-txt", "Normal"))


def device(agent: str, state: str) -> tuple[str, Fields]:
    return "DeviceStateChange", (("Device", f"PJSIP/{agent}"), ("State", state))


def user_event(name: str, uniqueid: str, chan: str) -> tuple[str, Fields]:
    return "UserEvent", (*channel(uniqueid, chan, "acd-agent-leg"), ("UserEvent", name))


def bridge(event: str, uniqueid: str, chan: str) -> tuple[str, Fields]:
    fields = (("BridgeUniqueid", "b-1"), ("BridgeType", "basic"), ("BridgeNumChannels", "2"))
    return event, (*fields, *channel(uniqueid, chan))


async def test_a_call_answered_then_ended_by_the_caller_gives_the_engine_each_step(
    rig: Rig,
) -> None:
    rig.legs.add_caller(*CALLER, "sales", "+33612345678")
    leg = rig.legs.new_agent_leg(CALLER[0], "1001")
    agent_channel = "PJSIP/1001-00000003"
    await rig.send(
        ("Newchannel", channel(leg.leg_id, agent_channel, "acd-agent-leg")),
        device("1001", "RINGING"),
        ("DialEnd", (*channel(leg.leg_id, agent_channel), ("DialStatus", "ANSWER"))),
        device("1001", "INUSE"),
        user_event("AcdAgentAnswered", leg.leg_id, agent_channel),
    )
    assert rig.fed.items == [
        PhoneStateChanged("1001", PhoneState.RINGING),
        PhoneStateChanged("1001", PhoneState.INUSE),
        AgentAnswered(CALLER[0], "1001"),
    ]
    rig.legs.callers[CALLER[0]].connected_to = "1001"  # the executor's Bridge
    await rig.send(
        bridge("BridgeEnter", CALLER[0], CALLER[1]),
        bridge("BridgeEnter", leg.leg_id, agent_channel),
        bridge("BridgeLeave", CALLER[0], CALLER[1]),  # the caller hung up first
        bridge("BridgeLeave", leg.leg_id, agent_channel),
        hangup(leg.leg_id, agent_channel),
        hangup(*CALLER),
        device("1001", "NOT_INUSE"),
    )
    assert rig.fed.items[3:] == [
        CallEnded(CALLER[0], "caller"),
        PhoneStateChanged("1001", PhoneState.NOT_INUSE),
    ]
    assert rig.legs.callers == {}
    assert rig.legs.agent_legs == {}


async def test_the_agent_hanging_up_first_ends_the_call_once_and_keeps_the_caller_line(
    rig: Rig,
) -> None:
    rig.legs.add_caller(*CALLER, "sales", "")
    leg = rig.legs.new_agent_leg(CALLER[0], "1002")
    rig.legs.callers[CALLER[0]].connected_to = "1002"
    await rig.send(
        bridge("BridgeEnter", leg.leg_id, "PJSIP/1002-00000004"),
        bridge("BridgeLeave", leg.leg_id, "PJSIP/1002-00000004"),
        hangup(leg.leg_id, "PJSIP/1002-00000004"),
    )
    assert rig.fed.items == [CallEnded(CALLER[0], "agent")]
    caller = rig.legs.callers[CALLER[0]]  # until the engine's ReleaseCaller hangs it up
    assert caller.released
    await rig.send(bridge("BridgeLeave", *CALLER), hangup(*CALLER))
    assert rig.fed.items == [CallEnded(CALLER[0], "agent")]  # told once


async def test_an_agent_leg_that_ends_before_joining_its_caller_is_a_failed_connection(
    rig: Rig,
) -> None:
    """The agent's phone hangs up while the Bridge is on its way: the caller never talked
    to them, so the call is not ended (and its caller not hung up) but the connection
    failed: the caller keeps their place."""
    rig.legs.add_caller(*CALLER, "sales", "")
    leg = rig.legs.new_agent_leg(CALLER[0], "1002")
    rig.legs.callers[CALLER[0]].connected_to = "1002"  # the executor's Bridge, not yet done
    await rig.send(hangup(leg.leg_id, "PJSIP/1002-00000004"))
    assert rig.fed.items == [ConnectFailed(CALLER[0], "1002")]
    caller = rig.legs.callers[CALLER[0]]
    assert (caller.connected_to, caller.released) == ("", False)  # waiting on
    await rig.send(hangup(*CALLER))
    assert rig.fed.items[1:] == [CallAbandoned(CALLER[0])]


async def test_callers_who_leave_while_waiting_abandon_and_keys_are_exit_candidates(
    rig: Rig,
) -> None:
    rig.legs.add_caller(*CALLER, "sales", "")
    rig.legs.add_caller(*OTHER, "sales", "")
    digit = (*channel(*OTHER), ("Digit", "0"), ("DurationMs", "120"))
    await rig.send(
        ("DTMFBegin", (*channel(*OTHER), ("Digit", "0"), ("Direction", "Received"))),
        ("DTMFEnd", (*digit, ("Direction", "Received"))),
        ("DTMFEnd", (*digit, ("Direction", "Sent"))),  # played to them, not pressed
        hangup(*CALLER, cause="16"),
        hangup(*CALLER, cause="16"),  # a duplicate: not a second abandon
    )
    assert rig.fed.items == [CallerPressedExitKey(OTHER[0], "0"), CallAbandoned(CALLER[0])]


async def test_a_callback_customer_counts_only_once_answered(rig: Rig) -> None:
    customer = rig.legs.new_customer_leg("1732398000.9", "sales", "+33612345678")
    trunk_channel = "PJSIP/carrier-0000000a"
    await rig.send(
        ("Newchannel", channel(customer.channel, trunk_channel, "acd-callback-leg")),
        hangup(customer.channel, trunk_channel, cause="17"),  # busy: the dial's outcome tells
    )
    assert rig.fed.items == []
    assert rig.legs.caller_for(customer.channel) is customer  # dropped by the executor
    again = rig.legs.new_customer_leg("1732398000.9", "sales", "+33612345678")
    await rig.send(
        user_event("AcdCustomerAnswered", again.channel, trunk_channel),
        hangup(again.channel, trunk_channel),
    )
    assert rig.fed.items == [
        CustomerAnswered("1732398000.9"),
        CallAbandoned("1732398000.9"),  # hung up before an agent was bridged
    ]


async def test_dialog_and_announcement_ends_clear_their_flags_without_engine_events(
    rig: Rig,
) -> None:
    caller = rig.legs.add_caller(*CALLER, "sales", "")
    caller.announcing = caller.in_dialog = True
    await rig.send(
        user_event("AcdAnnounced", *CALLER),
        user_event("AcdCallbackOfferDone", *CALLER),
    )
    assert (caller.announcing, caller.in_dialog) == (False, False)
    assert rig.fed.items == []


async def test_unknown_events_and_other_channels_are_ignored(rig: Rig) -> None:
    rig.legs.add_caller(*CALLER, "sales", "")
    await rig.send(
        ("ContactStatus", (("URI", "sip:1001@10.0.0.5"), ("ContactStatus", "Reachable"))),
        ("PeerStatus", (("Peer", "PJSIP/1001"), ("PeerStatus", "Reachable"))),
        ("Newexten", channel(*CALLER)),
        ("VarSet", (*channel(*CALLER), ("Variable", "ACD_QUEUE"), ("Value", "sales"))),
        device("9999", "INUSE"),  # not an agent
        ("DeviceStateChange", (("Device", "Queue:sales_avail"), ("State", "INUSE"))),
        user_event("SomebodyElses", *CALLER),
        user_event("AcdAgentAnswered", "acd-gone-1001-7", "PJSIP/1001-00000009"),
        hangup(*OTHER),  # a channel the ACD does not handle
        bridge("BridgeLeave", *OTHER),
    )
    assert rig.fed.items == []
    assert list(rig.legs.callers) == [CALLER[0]]


async def test_garbled_events_are_skipped_and_the_stream_goes_on(
    rig: Rig, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    rig.legs.add_caller(*CALLER, "sales", "")
    await rig.conn.send(b"this is not AMI\r\n\r\n\x00\xff\xfe\r\n\r\n")
    await rig.send(
        ("Hangup", ()),  # no Uniqueid at all
        ("UserEvent", (("Uniqueid", CALLER[0]),)),  # no UserEvent name
        ("DeviceStateChange", (("Device", "PJSIP/"),)),  # no agent, no state
        ("DeviceStateChange", (("Device", "PJSIP/1001"), ("State", "NEW_IN_ASTERISK_42"))),
        ("DTMFEnd", (("Uniqueid", CALLER[0]),)),  # no Direction
        ("BridgeLeave", (("Uniqueid", ""),)),
        ("", (("Uniqueid", CALLER[0]),)),  # an event with no name
        hangup(*CALLER),  # and the stream still works
    )
    assert rig.fed.items == [
        PhoneStateChanged("1001", PhoneState.UNKNOWN),
        CallAbandoned(CALLER[0]),
    ]
    assert (await rig.ami.action("CoreSettings")).ok  # the connection stayed up
    assert "Traceback" not in caplog.text
