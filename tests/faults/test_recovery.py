"""Restart recovery against a fake Asterisk: agent phones from DeviceStateList, waiting
callers from CoreShowChannels and their ACD_* channel variables (Getvar); channels that
are not the ACD's are left alone; an AMI failure surfaces as the typed error."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass

import pytest

from acd.adapters.callcontrol.legs import Legs
from acd.adapters.callcontrol.recovery import Recovered, recover
from acd.adapters.callcontrol.translate import Translator
from acd.asterisk.ami import AmiActionFailed, AmiClient, AmiDisconnected
from acd.core.engine import AcdConfig, AgentConfig, Engine, QueueConfig
from acd.core.engine.commands import RingAgent
from acd.core.engine.events import (
    AgentLoggedIn,
    CallAbandoned,
    CallArrived,
    CallEnded,
    CallReattached,
    EngineEvent,
    PhoneState,
    PhoneStateChanged,
)
from tests.fakes.ami_peer import FakeAmiPeer, PeerConnection, ReceivedAction, Recorder
from tests.fakes.ami_scripts import (
    Fields,
    channel_variables,
    connected_client,
    list_answer,
    refuse,
)

pytestmark = pytest.mark.timeout(20)

AGENTS = {"1001", "1002"}
DEVICES: list[Fields] = [
    (("Device", "PJSIP/1001"), ("State", "NOT_INUSE")),
    (("Device", "PJSIP/1002"), ("State", "UNAVAILABLE")),
    (("Device", "PJSIP/carrier"), ("State", "INUSE")),  # a trunk, not an agent phone
    (("Device", "Queue:sales_avail"), ("State", "NOT_INUSE")),
    (("Device", "Custom:night"), ("State", "INUSE")),
]


def acd_variables(call_id: str, queue: str, entered: str, **more: str) -> dict[str, str]:
    """What [acd-hold]'s entry (entry.py) leaves on a waiting caller's channel."""
    return {
        "ACD_CALL_ID": call_id,
        "ACD_QUEUE": queue,
        "ACD_ENTERED": entered,
        "ACD_PRIORITY": more.get("priority", "0"),
        "ACD_SKILLS": more.get("skills", ""),
        "ACD_BRIDGED": more.get("bridged", ""),
        "ACD_CB_OFFERED": more.get("offered", ""),
        "CHANNEL(language)": more.get("language", "en"),
        "CALLERID(num)": more.get("caller", ""),
    }


# Channels as CoreShowChannels lists them: in Asterisk's container order, not entry order.
CHANNELS: dict[str, tuple[str, dict[str, str]]] = {
    "PJSIP/carrier-00000007": (
        "acd-announce",
        acd_variables("1700000300.7", "sales", "1700000300.250", caller="+33611111111"),
    ),
    "PJSIP/1001-00000008": ("acd-agent-leg", {}),  # an agent's leg, not a caller
    "PJSIP/carrier-00000003": (
        "acd-hold",
        acd_variables(
            "1700000100.3",
            "support",
            "1700000100.125",
            priority="2",
            skills="french:3,billing:1",
            language="fr",
            caller="+33622222222",
        ),
    ),
    "PJSIP/carrier-00000004": ("acd-hold", {}),  # in [acd-hold], put there by hand
    "PJSIP/carrier-00000005": (
        "acd-hold",
        acd_variables("", "sales", "1700000150.000"),  # no call id: not ours to queue
    ),
    "PJSIP/carrier-00000006": ("from-trunk", acd_variables("1700000200.6", "sales", "1.0")),
}


def show_channel(name: str, context: str) -> Fields:
    return (
        ("Channel", name),
        ("Uniqueid", name.rpartition("-")[2]),
        ("Context", context),
        ("Extension", "s"),
        ("Priority", "3"),
        ("ChannelState", "6"),
        ("ChannelStateDesc", "Up"),
        ("Application", "MusicOnHold"),
        ("Duration", "00:01:40"),
    )


@dataclass
class Rig:
    peer: FakeAmiPeer
    ami: AmiClient
    legs: Legs
    fed: Recorder[EngineEvent]
    restored: Recorder[CallArrived]

    async def recover(self, answered: frozenset[str] | None = None) -> Recovered:
        """``answered``: the calls whose answer the journal has (None: every call)."""
        return await recover(
            self.ami,
            self.legs,
            Translator(self.legs, AGENTS),
            self.fed,
            self.restored,
            (lambda call_id: True) if answered is None else answered.__contains__,
        )


@pytest.fixture
async def rig() -> AsyncIterator[Rig]:
    async with FakeAmiPeer() as peer, connected_client(peer) as ami:
        peer.on(
            "DeviceStateList", list_answer("DeviceStateChange", DEVICES, "DeviceStateListComplete")
        )
        listed = [show_channel(name, context) for name, (context, _) in CHANNELS.items()]
        peer.on(
            "CoreShowChannels", list_answer("CoreShowChannel", listed, "CoreShowChannelsComplete")
        )
        peer.on("Getvar", channel_variables({name: v for name, (_, v) in CHANNELS.items()}))
        yield Rig(peer, ami, Legs(), Recorder[EngineEvent](), Recorder[CallArrived]())


async def test_agent_phones_and_waiting_callers_are_rebuilt_from_asterisk(rig: Rig) -> None:
    found = await rig.recover()
    assert rig.fed.items == [
        PhoneStateChanged("1001", PhoneState.NOT_INUSE),
        PhoneStateChanged("1002", PhoneState.UNAVAILABLE),
    ]
    assert found.phones == 2
    by_id = {arrived.call_id: arrived for arrived in rig.restored.items}
    assert by_id == {
        "1700000100.3": CallArrived(
            "1700000100.3",
            "support",
            1700000100.125,  # the original entry time: the caller keeps their place
            2,
            (("french", 3), ("billing", 1)),
            "+33622222222",
            "fr",
        ),
        "1700000300.7": CallArrived(
            "1700000300.7", "sales", 1700000300.25, 0, (), "+33611111111", "en"
        ),
    }
    assert sorted(found.callers) == sorted(by_id)
    support = rig.legs.callers["1700000100.3"]
    assert (support.channel, support.queue, support.number) == (
        "PJSIP/carrier-00000003",
        "support",
        "+33622222222",
    )
    assert set(rig.legs.callers) == set(by_id)


async def test_only_channels_waiting_in_the_acd_are_asked_for_their_variables(
    rig: Rig,
) -> None:
    await rig.recover()
    asked = {a.get("Channel") for a in rig.peer.actions("Getvar")}
    waiting = {name for name, (context, _) in CHANNELS.items() if context.startswith("acd-")}
    assert asked == waiting - {"PJSIP/1001-00000008"}  # not the agent leg, not from-trunk


async def test_waiting_callers_are_given_back_in_order_of_entry_time(rig: Rig) -> None:
    found = await rig.recover()
    entered = [arrived.entered_at for arrived in rig.restored.items]
    assert entered == sorted(entered)
    assert list(found.callers) == [arrived.call_id for arrived in rig.restored.items]


async def test_after_a_restart_a_free_agent_rings_the_caller_who_waited_longest(
    rig: Rig,
) -> None:
    both_in_sales = {
        "PJSIP/carrier-00000009": acd_variables("1700000300.9", "sales", "1700000300.000"),
        "PJSIP/carrier-00000002": acd_variables("1700000100.2", "sales", "1700000100.000"),
    }
    listed = [show_channel(name, "acd-hold") for name in both_in_sales]
    rig.peer.on(
        "CoreShowChannels", list_answer("CoreShowChannel", listed, "CoreShowChannelsComplete")
    )
    rig.peer.on("Getvar", channel_variables(both_in_sales))
    engine = Engine(
        AcdConfig(queues=(QueueConfig("sales", ("1001",)),), agents=(AgentConfig("1001"),))
    )
    rings: list[str] = []

    def handle(event: EngineEvent) -> None:  # the runner, without its task
        output = engine.handle(event, 1700000400.0)
        rings.extend(c.call_id for c in output.commands if isinstance(c, RingAgent))

    handle(AgentLoggedIn("1001"))  # restored from the journal before Asterisk is read
    await recover(rig.ami, rig.legs, Translator(rig.legs, AGENTS), handle, handle)
    assert rings == ["1700000100.2"]


async def test_after_a_reconnect_a_caller_no_longer_in_asterisk_is_abandoned(
    rig: Rig,
) -> None:
    rig.legs.add_caller("1700000050.1", "PJSIP/carrier-00000001", "sales", "")  # gone
    ended = rig.legs.add_caller("1700000051.1", "PJSIP/carrier-00000009", "sales", "")
    ended.connected_to, ended.released = "1001", True  # the agent had ended it: told
    found = await rig.recover()
    assert CallAbandoned("1700000050.1") in rig.fed.items
    assert "1700000050.1" not in rig.legs.callers
    assert found.gone == ("1700000050.1",)  # repaired: journaled by the server


async def test_a_known_caller_is_not_read_again(rig: Rig) -> None:
    """Reconciliation runs every few seconds: callers followed already cost no Getvar."""
    rig.legs.add_caller("1700000300.7", "PJSIP/carrier-00000007", "sales", "")
    rig.legs.add_caller("1700000100.3", "PJSIP/carrier-00000003", "support", "")
    found = await rig.recover()
    assert (found.callers, found.reattached, found.gone) == ((), (), ())
    asked = {a.get("Channel") for a in rig.peer.actions("Getvar")}
    assert asked == {"PJSIP/carrier-00000004", "PJSIP/carrier-00000005"}


async def test_a_caller_already_known_is_not_restored_twice(rig: Rig) -> None:
    rig.legs.add_caller("1700000300.7", "PJSIP/carrier-00000007", "sales", "+33611111111")
    found = await rig.recover()
    assert found.callers == ("1700000100.3",)
    assert [arrived.call_id for arrived in rig.restored.items] == ["1700000100.3"]


async def test_a_caller_gone_while_being_read_is_skipped_and_the_others_restored(
    rig: Rig, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="acd.adapters.callcontrol.recovery")
    gone = {name: v for name, (_, v) in CHANNELS.items() if name != "PJSIP/carrier-00000003"}
    rig.peer.on("Getvar", channel_variables(gone))  # hung up between the list and Getvar
    found = await rig.recover()
    assert found.callers == ("1700000300.7",)
    assert "PJSIP/carrier-00000003 is gone or unreadable" in caplog.text


async def test_a_caller_talking_to_an_agent_is_followed_not_queued_again(rig: Rig) -> None:
    """A bridged channel keeps [acd-hold] as its context: the mark tells it apart, and
    names the agent's leg (here PJSIP/1001-00000008, still up) and the answer time."""
    talking: Mapping[str, Mapping[str, str]] = {
        "PJSIP/carrier-00000007": acd_variables(
            "1700000300.7", "sales", "1.0", bridged="1001 00000008 5.5", caller="+3361"
        ),
        "PJSIP/carrier-00000003": acd_variables("1700000100.3", "support", "2.0"),
    }
    rig.peer.on("Getvar", channel_variables(talking))
    found = await rig.recover()
    assert (found.callers, found.reattached) == (("1700000100.3",), ("1700000300.7",))
    assert [arrived.call_id for arrived in rig.restored.items] == ["1700000100.3"]
    reattached = [e for e in rig.fed.items if isinstance(e, CallReattached)]
    assert reattached == [
        CallReattached("1700000300.7", "sales", "1001", 1.0, 5.5, caller="+3361", language="en")
    ]
    assert not [e for e in rig.fed.items if isinstance(e, CallEnded)]
    assert rig.legs.callers["1700000300.7"].connected_to == "1001"
    assert rig.legs.agent_legs["00000008"].call_id == "1700000300.7"


async def test_a_bridged_call_whose_answer_the_journal_lacks_says_so(rig: Rig) -> None:
    """The server died between the bridge and writing the answer down: the engine is told,
    to count the answer once (test_engine_agents.py)."""
    talking = {
        "PJSIP/carrier-00000007": acd_variables(
            "1700000300.7", "sales", "1.0", bridged="1001 00000008 5.5"
        ),
    }
    rig.peer.on("Getvar", channel_variables(talking))
    await rig.recover(answered=frozenset({"1700000100.3"}))
    [reattached] = [e for e in rig.fed.items if isinstance(e, CallReattached)]
    assert (reattached.call_id, reattached.answer_recorded) == ("1700000300.7", False)


async def test_a_call_that_ends_while_asterisk_is_read_is_not_taken_back(rig: Rig) -> None:
    """The reconciliation's race (seen in a 30-minute soak): Asterisk lists a bridged
    call, the server ends it meanwhile (its agent hung up), then reads the list. The
    channel is still listed and marked bridged, no longer followed: taking it back would
    count the call twice."""
    talking = {
        "PJSIP/carrier-00000007": acd_variables(
            "1700000300.7", "sales", "1.0", bridged="1001 00000008 5.5", caller="+3361"
        ),
    }
    rig.peer.on("Getvar", channel_variables(talking))
    rig.legs.add_caller("1700000300.7", "PJSIP/carrier-00000007", "sales", "+3361")
    listed = [show_channel(name, context) for name, (context, _) in CHANNELS.items()]
    listing = list_answer("CoreShowChannel", listed, "CoreShowChannelsComplete")

    async def ended_while_listing(conn: PeerConnection, action: ReceivedAction) -> None:
        rig.legs.drop_caller("1700000300.7")  # the call ends as Asterisk answers
        answered = listing(conn, action)
        assert answered is not None
        await answered

    rig.peer.on("CoreShowChannels", ended_while_listing)
    found = await rig.recover()
    assert "1700000300.7" not in found.reattached
    assert not [e for e in rig.fed.items if isinstance(e, CallReattached)]
    assert "1700000300.7" not in rig.legs.callers


async def test_a_call_whose_agent_left_while_the_server_was_away_is_ended(rig: Rig) -> None:
    gone: Mapping[str, Mapping[str, str]] = {
        "PJSIP/carrier-00000007": acd_variables(
            "1700000300.7", "sales", "1.0", bridged="1002 00000099 5.5"
        ),
    }
    rig.peer.on("Getvar", channel_variables(gone))
    found = await rig.recover()
    assert found.reattached == ("1700000300.7",)
    ends = [e for e in rig.fed.items if isinstance(e, CallReattached | CallEnded)]
    assert [type(e) for e in ends] == [CallReattached, CallEnded]
    assert ends[1] == CallEnded("1700000300.7", "agent")
    assert rig.legs.agent_legs == {}


async def test_a_bridge_mark_that_is_not_ours_is_skipped(
    rig: Rig, caplog: pytest.LogCaptureFixture
) -> None:
    odd = {"PJSIP/carrier-00000007": acd_variables("1700000300.7", "sales", "1.0", bridged="x")}
    rig.peer.on("Getvar", channel_variables(odd))
    found = await rig.recover()
    assert (found.callers, found.reattached) == ((), ())
    assert "has a bridge mark that is not ours" in caplog.text


async def test_garbled_acd_variables_are_not_ours_and_are_skipped(
    rig: Rig, caplog: pytest.LogCaptureFixture
) -> None:
    garbled: Mapping[str, Mapping[str, str]] = {
        "PJSIP/carrier-00000007": acd_variables("1700000300.7", "sales", "yesterday"),
        "PJSIP/carrier-00000003": acd_variables("1700000100.3", "support", "1.0", priority="x"),
    }
    rig.peer.on("Getvar", channel_variables(garbled))
    found = await rig.recover()
    assert found.callers == ()
    assert rig.legs.callers == {}
    assert caplog.text.count("its ACD_* variables are not ours") == 2


async def test_nothing_to_list_is_no_phones_and_no_callers(rig: Rig) -> None:
    async def empty(conn: PeerConnection, action: ReceivedAction) -> None:
        await conn.reply(action, "Success", ("Message", "No active channels"))  # no list

    rig.peer.on("CoreShowChannels", list_answer("CoreShowChannel", [], "CoreShowChannelsComplete"))
    rig.peer.on("DeviceStateList", empty)
    assert await rig.recover() == Recovered(0, ())


@pytest.mark.parametrize("action", ["DeviceStateList", "CoreShowChannels"])
async def test_a_refused_list_surfaces_as_action_failed(rig: Rig, action: str) -> None:
    rig.peer.on(action, refuse("Permission denied"))
    with pytest.raises(AmiActionFailed, match="Permission denied"):
        await rig.recover()
    assert rig.restored.items == []


async def test_a_disconnect_mid_list_surfaces_as_disconnected(rig: Rig) -> None:
    async def half_a_list(conn: PeerConnection, action: ReceivedAction) -> None:
        aid = ("ActionID", action.get("ActionID") or "")
        await conn.reply(action, "Success", ("EventList", "start"), ("Message", "will follow"))
        await conn.event(
            "CoreShowChannel", aid, *show_channel("PJSIP/carrier-00000003", "acd-hold")
        )
        conn.drop()  # Asterisk restarts mid-list

    rig.peer.on("CoreShowChannels", half_a_list)
    with pytest.raises(AmiDisconnected):
        await rig.recover()
    assert rig.restored.items == []
    assert rig.legs.callers == {}


async def test_a_callback_customer_dialled_before_a_restart_is_not_dialled_again(
    rig: Rig,
) -> None:
    """One customer answered and waits on hold: a caller like any other, their events
    mapped back. The other's phone still rings: reported, for the journal's callback to
    wait for that dial's outcome."""

    def customer(name: str, uniqueid: str, context: str) -> Fields:
        return (("Channel", name), ("Uniqueid", uniqueid), ("Context", context))

    listed = [
        customer("PJSIP/carrier-00000009", "acd-cb-1700000500.9-3", "acd-hold"),
        customer("PJSIP/carrier-0000000a", "acd-cb-1700000600.1-0", "acd-callback-leg"),
    ]
    rig.peer.on(
        "CoreShowChannels", list_answer("CoreShowChannel", listed, "CoreShowChannelsComplete")
    )
    answered = {"PJSIP/carrier-00000009": acd_variables("1700000500.9", "sales", "1700000500.5")}
    rig.peer.on("Getvar", channel_variables(answered))
    found = await rig.recover()
    assert found.callers == ("1700000500.9",)
    assert found.dialling == frozenset({"1700000600.1"})
    assert rig.legs.caller_for("acd-cb-1700000500.9-3") is rig.legs.callers["1700000500.9"]
    restored = [(a.entered_at, a.callback_offered) for a in rig.restored.items]
    assert restored == [(1700000500.5, True)]  # their place; never offered a callback again


async def test_a_caller_who_heard_the_callback_offer_is_not_offered_it_again(rig: Rig) -> None:
    heard = {
        "PJSIP/carrier-00000007": acd_variables("1700000300.7", "sales", "1.0", offered="1"),
        "PJSIP/carrier-00000003": acd_variables("1700000100.3", "support", "2.0"),
    }
    rig.peer.on("Getvar", channel_variables(heard))
    await rig.recover()
    offered = {a.call_id: a.callback_offered for a in rig.restored.items}
    assert offered == {"1700000300.7": True, "1700000100.3": False}
