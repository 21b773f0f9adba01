"""The executor against a fake Asterisk: each engine command becomes the right AMI
action, a failed or lost Originate comes back to the engine as an event, and a
disconnect with an action pending never hangs a command."""

from __future__ import annotations

import asyncio
import math
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace

import pytest

from acd.adapters.callcontrol.callback_offer import CallbackReplies
from acd.adapters.callcontrol.callback_prompts import text
from acd.adapters.callcontrol.execute import CallbackDialling, Executor
from acd.adapters.callcontrol.legs import Legs
from acd.adapters.prompts import prompt_name
from acd.asterisk.ami import AmiClient
from acd.core.compliance import DialRules, DoNotCall
from acd.core.compliance.facts import DialChecked
from acd.core.engine.commands import (
    Announce,
    CancelRing,
    Command,
    ConfirmCallback,
    ConnectCall,
    DialCustomer,
    MoveCaller,
    OverflowCaller,
    ReleaseCaller,
    RemoveCaller,
    RingAgent,
)
from acd.core.engine.config import OverflowTo
from acd.core.engine.events import (
    AgentMissed,
    ConnectFailed,
    CustomerUnreachable,
    EngineEvent,
)
from tests.fakes.ami_peer import (
    WAIT_LIMIT,
    FakeAmiPeer,
    Handler,
    PeerConnection,
    ReceivedAction,
    Recorder,
    make_client,
)
from tests.fakes.ami_scripts import (
    accept,
    connected_client,
    drop,
    ignore,
    originate_outcome,
    queued_then_drop,
    refuse,
)

pytestmark = pytest.mark.timeout(20)

CALL, CHANNEL, AGENT = "1732398000.1", "PJSIP/carrier-00000001", "1001"
DIALLING = CallbackDialling("carrier", "+33142000000", 25.0, "out-trunk")


@dataclass
class Rig:
    peer: FakeAmiPeer
    ami: AmiClient
    legs: Legs
    fed: Recorder[EngineEvent]
    replies: CallbackReplies
    executor: Executor

    async def run(self, command: Command) -> None:
        """Executes ``command`` and waits until the AMI work it started is over."""
        await finished(start(self.executor, command))

    def sent(self, *names: str) -> list[ReceivedAction]:
        """The actions the peer received, without the login's."""
        return [a for a in self.peer.received if a.name in names]


def start(executor: Executor, command: Command) -> set[asyncio.Task[object]]:
    """The tasks ``execute`` started (it returns at once; the AMI work runs in them)."""
    before = asyncio.all_tasks()
    executor.execute(command)
    return asyncio.all_tasks() - before


async def finished(tasks: set[asyncio.Task[object]]) -> None:
    async with asyncio.timeout(WAIT_LIMIT):  # a command that never ends is the bug
        await asyncio.gather(*tasks)


@pytest.fixture
async def rig() -> AsyncIterator[Rig]:
    async with FakeAmiPeer() as peer, connected_client(peer) as ami:
        for name in ("Hangup", "Redirect", "Bridge", "Setvar"):
            peer.on(name, accept)
        legs, fed, replies = Legs(), Recorder[EngineEvent](), CallbackReplies()
        executor = Executor(ami, legs, fed, "en", DIALLING, replies)
        legs.add_caller(CALL, CHANNEL, "sales", "+33612345678")
        yield Rig(peer, ami, legs, fed, replies, executor)
        await executor.close()


# -- ringing an agent ----------------------------------------------------------------------


async def test_ring_agent_is_an_async_originate_into_the_agent_leg(rig: Rig) -> None:
    rig.peer.on("Originate", originate_outcome("Success", "4"))
    await rig.run(RingAgent(CALL, AGENT, "sales", 15.0, whisper="Sales"))
    (sent,) = rig.sent("Originate")
    (leg,) = rig.legs.agent_legs.values()  # kept: its answer comes later, as a UserEvent
    assert (leg.call_id, leg.agent_id) == (CALL, AGENT)
    assert (sent.get("Channel"), sent.get("Context"), sent.get("Exten")) == (
        f"PJSIP/{AGENT}",
        "acd-agent-leg",
        "s",
    )
    assert (sent.get("Priority"), sent.get("Async"), sent.get("ChannelId")) == (
        "1",
        "true",
        leg.leg_id,
    )
    assert sent.get("CallerID") == "+33612345678"  # the caller's number on the agent's phone
    assert sent.get("Timeout") == str(math.ceil((15.0 + 5.0) * 1000))  # Asterisk's backstop
    assert sorted(sent.get_all("Variable")) == sorted(
        [
            f"ACD_CALL_ID={CALL}",
            f"ACD_AGENT={AGENT}",
            f"ACD_WHISPER={prompt_name('Sales', 'en')}",
            "ACD_AGENT_WAIT=30",
        ]
    )
    assert rig.fed.items == []


async def test_a_callbacks_agent_hears_the_callback_whisper_and_waits_longer(rig: Rig) -> None:
    rig.peer.on("Originate", originate_outcome("Success", "4"))
    await rig.run(RingAgent(CALL, AGENT, "sales", 15.0, whisper="Sales", callback=True))
    variables = rig.sent("Originate")[0].get_all("Variable")
    whisper = prompt_name(text("agent_whisper", "en"), "en")
    assert f"ACD_WHISPER={whisper}" in variables
    assert "ACD_AGENT_WAIT=90" in variables


@pytest.mark.parametrize(
    ("reason", "missed"),
    [("3", "noanswer"), ("5", "busy"), ("1", "rejected"), ("8", "failed"), ("42", "failed")],
)
async def test_a_failed_originate_is_an_agent_missed_with_its_reason(
    rig: Rig, reason: str, missed: str
) -> None:
    rig.peer.on("Originate", originate_outcome("Failure", reason))
    await rig.run(RingAgent(CALL, AGENT, "sales", 15.0))
    assert rig.fed.items == [AgentMissed(CALL, AGENT, missed)]
    assert rig.legs.agent_legs == {}  # no leg left to cancel or bridge


async def test_an_originate_refused_outright_is_a_failed_ring(rig: Rig) -> None:
    rig.peer.on("Originate", refuse("Extension does not exist."))
    await rig.run(RingAgent(CALL, AGENT, "sales", 15.0))
    assert rig.fed.items == [AgentMissed(CALL, AGENT, "failed")]
    assert rig.legs.agent_legs == {}


async def test_a_ring_while_asterisk_is_away_fails_fast_and_sends_nothing() -> None:
    async with FakeAmiPeer() as peer:
        never_started = make_client(peer)
        legs, fed = Legs(), Recorder[EngineEvent]()
        legs.add_caller(CALL, CHANNEL, "sales", "")
        executor = Executor(never_started, legs, fed)
        await finished(start(executor, RingAgent(CALL, AGENT, "sales", 15.0)))
        assert fed.items == [AgentMissed(CALL, AGENT, "failed")]
        assert legs.agent_legs == {}
        assert peer.received == []


# -- a disconnect with an action pending ----------------------------------------------------


@pytest.mark.parametrize("lost", [drop, queued_then_drop], ids=["unanswered", "queued"])
async def test_an_originate_lost_in_a_disconnect_is_a_failed_ring_never_resent(
    rig: Rig, lost: Handler
) -> None:
    rig.peer.on("Originate", lost)
    await rig.run(RingAgent(CALL, AGENT, "sales", 15.0))
    assert rig.fed.items == [AgentMissed(CALL, AGENT, "failed")]
    assert rig.legs.agent_legs == {}
    await rig.peer.wait_login(2)  # the client reconnects...
    await rig.ami.wait_connected(timeout=5)
    assert (await rig.ami.action("CoreSettings")).ok
    assert len(rig.sent("Originate")) == 1  # ...and the Originate is not sent again


async def test_a_hangup_pending_in_a_disconnect_ends_the_command(rig: Rig) -> None:
    leg = rig.legs.new_agent_leg(CALL, AGENT)
    rig.peer.on("Hangup", drop)
    await rig.run(CancelRing(CALL, AGENT))  # returns: AmiDisconnected is handled
    assert rig.sent("Hangup")[0].get("Channel") == leg.leg_id
    assert rig.fed.items == []  # the engine had already given the ring up
    assert rig.legs.agent_legs == {}


async def test_closing_the_executor_ends_an_originate_still_ringing(rig: Rig) -> None:
    rig.peer.on("Originate", ignore)  # Asterisk rings the agent for a long time
    tasks = start(rig.executor, RingAgent(CALL, AGENT, "sales", 15.0))
    await rig.peer.wait_action("Originate")
    async with asyncio.timeout(WAIT_LIMIT):
        await rig.executor.close()
    assert all(task.done() for task in tasks)
    assert rig.fed.items == []


# -- the other commands ---------------------------------------------------------------------


async def test_cancel_ring_hangs_up_that_agent_leg_only(rig: Rig) -> None:
    other = rig.legs.new_agent_leg(CALL, "1002")
    leg = rig.legs.new_agent_leg(CALL, AGENT)
    await rig.run(CancelRing(CALL, AGENT))
    (hangup,) = rig.sent("Hangup")
    assert (hangup.get("Channel"), hangup.get("Cause")) == (leg.leg_id, "19")  # no answer
    assert list(rig.legs.agent_legs) == [other.leg_id]
    await rig.run(CancelRing(CALL, AGENT))  # nothing left to cancel: nothing sent
    assert len(rig.sent("Hangup")) == 1


async def test_connect_bridges_the_caller_with_the_agent_leg(rig: Rig) -> None:
    leg = rig.legs.new_agent_leg(CALL, AGENT)
    await rig.run(ConnectCall(CALL, AGENT))
    (bridge,) = rig.sent("Bridge")
    assert (bridge.get("Channel1"), bridge.get("Channel2"), bridge.get("Tone")) == (
        CHANNEL,
        leg.leg_id,
        "no",
    )
    assert rig.legs.callers[CALL].connected_to == AGENT


async def test_connect_after_the_caller_left_sends_nothing(rig: Rig) -> None:
    rig.legs.new_agent_leg(CALL, AGENT)
    rig.legs.drop_caller(CALL)
    await rig.run(ConnectCall(CALL, AGENT))
    assert rig.sent("Bridge") == []


async def test_a_refused_bridge_gives_the_caller_back_their_place(
    rig: Rig, caplog: pytest.LogCaptureFixture
) -> None:
    leg = rig.legs.new_agent_leg(CALL, AGENT)
    rig.peer.on("Bridge", refuse("Channel1 does not exist"))
    await rig.run(ConnectCall(CALL, AGENT))
    assert "could not connect call" in caplog.text
    assert "Channel1 does not exist" in caplog.text
    assert rig.fed.items == [ConnectFailed(CALL, AGENT)]
    marks = [(a.get("Variable"), a.get("Value")) for a in rig.sent("Setvar")]
    assert marks[-1] == ("ACD_BRIDGED", "")  # waiting again: the heartbeat rule applies
    assert [a.get("Channel") for a in rig.sent("Hangup")] == [leg.leg_id]
    assert rig.legs.callers[CALL].connected_to == ""


async def test_a_bridge_refused_after_the_agent_leg_ended_is_not_told_twice(rig: Rig) -> None:
    leg = rig.legs.new_agent_leg(CALL, AGENT)

    async def agent_leg_ended_meanwhile(conn: PeerConnection, action: ReceivedAction) -> None:
        rig.legs.callers[CALL].connected_to = ""  # what the translator does then
        await conn.reply(action, "Error", ("Message", "Channel2 does not exist"))

    rig.peer.on("Bridge", agent_leg_ended_meanwhile)
    await rig.run(ConnectCall(CALL, AGENT))
    assert rig.fed.items == []  # the translator told the engine already
    marks = [(a.get("Variable"), a.get("Value")) for a in rig.sent("Setvar")]
    assert marks[-1] == ("ACD_BRIDGED", "")
    assert leg.leg_id not in rig.legs.agent_legs


async def test_commands_on_one_callers_line_run_in_the_engines_order(rig: Rig) -> None:
    """An announcement decided before the bridge is done before it: never a redirect
    landing after the bridge and pulling the caller out of the call."""
    rig.legs.new_agent_leg(CALL, AGENT)
    tasks = start(rig.executor, Announce(CALL, 3, 150.0, "en"))
    tasks |= start(rig.executor, ConnectCall(CALL, AGENT))
    await finished(tasks)
    order = [(a.name, a.get("Variable") or "") for a in rig.sent("Setvar", "Redirect", "Bridge")]
    assert order == [
        ("Setvar", "ACD_POSITION"),
        ("Setvar", "ACD_EWT_MIN"),
        ("Redirect", ""),
        ("Setvar", "ACD_BRIDGED"),
        ("Bridge", ""),
    ]


async def test_release_hangs_up_the_caller_normally(rig: Rig) -> None:
    await rig.run(ReleaseCaller(CALL))
    (hangup,) = rig.sent("Hangup")
    assert (hangup.get("Channel"), hangup.get("Cause")) == (CHANNEL, "16")
    assert CALL not in rig.legs.callers


async def test_release_sends_a_caller_with_a_survey_to_it(rig: Rig) -> None:
    rig.legs.callers[CALL].after_call = "accueil:csat"
    await rig.run(ReleaseCaller(CALL))
    assert rig.sent("Hangup") == []
    (redirect,) = rig.sent("Redirect")
    assert (redirect.get("Channel"), redirect.get("Context"), redirect.get("Exten")) == (
        CHANNEL,
        "acd-ivr-survey",
        "s",
    )
    assert CALL not in rig.legs.callers


async def test_remove_redirects_the_caller_out_of_the_acd(rig: Rig) -> None:
    await rig.run(RemoveCaller(CALL, "sales", "timeout"))
    (redirect,) = rig.sent("Redirect")
    assert (redirect.get("Channel"), redirect.get("Context"), redirect.get("Priority")) == (
        CHANNEL,
        "acd-exit",
        "1",
    )
    assert CALL not in rig.legs.callers


async def test_announce_sets_position_and_wait_then_redirects_once(rig: Rig) -> None:
    await rig.run(Announce(CALL, 3, 150.0, "en"))
    setvars = [(a.get("Channel"), a.get("Variable"), a.get("Value")) for a in rig.sent("Setvar")]
    assert setvars == [(CHANNEL, "ACD_POSITION", "3"), (CHANNEL, "ACD_EWT_MIN", "2")]
    assert [a.get("Context") for a in rig.sent("Redirect")] == ["acd-announce"]
    await rig.run(Announce(CALL, 2, 90.0, "en"))  # still announcing: never cut
    assert len(rig.sent("Setvar", "Redirect")) == 3


async def test_an_announcement_lost_in_a_disconnect_does_not_silence_the_next_ones(
    rig: Rig,
) -> None:
    rig.peer.on("Setvar", drop)  # Asterisk's link goes down as the announcement starts
    await rig.run(Announce(CALL, 3, 150.0, "en"))
    assert rig.sent("Redirect") == []  # nothing is playing to the caller
    rig.peer.on("Setvar", accept)
    await rig.peer.wait_login(2)
    await rig.ami.wait_connected(timeout=5)
    await rig.run(Announce(CALL, 2, 90.0, "en"))  # the next one, a minute later
    assert [a.get("Context") for a in rig.sent("Redirect")] == ["acd-announce"]


@pytest.mark.parametrize(
    ("to", "target", "number", "variables"),
    [
        (OverflowTo.CENTRE, "lyon", "200", [("ACD_OVF_TRUNK", "lyon"), ("ACD_OVF_NUMBER", "200")]),
        (
            OverflowTo.NUMBER,
            "+33142000001",
            "",
            [("ACD_OVF_TRUNK", "out-trunk"), ("ACD_OVF_NUMBER", "+33142000001")],
        ),
        (OverflowTo.VOICEMAIL, "500", "", [("ACD_OVF_MAILBOX", "500")]),
        (OverflowTo.MESSAGE, "Closed", "", [("ACD_OVF_PROMPT", prompt_name("Closed", "en"))]),
    ],
)
async def test_overflow_sets_where_to_then_leaves_the_acd(
    rig: Rig, to: OverflowTo, target: str, number: str, variables: list[tuple[str, str]]
) -> None:
    await rig.run(OverflowCaller(CALL, "sales", to, target, number))
    assert [(a.get("Variable"), a.get("Value")) for a in rig.sent("Setvar")] == variables
    (redirect,) = rig.sent("Redirect")
    assert (redirect.get("Channel"), redirect.get("Context"), redirect.get("Exten")) == (
        CHANNEL,
        "acd-overflow",
        to.value,
    )
    assert [a.name for a in rig.sent("Setvar", "Redirect")][-1] == "Redirect"
    assert CALL not in rig.legs.callers


async def test_a_callback_overflow_offers_it_and_the_caller_keeps_their_place(rig: Rig) -> None:
    await rig.run(OverflowCaller(CALL, "sales", OverflowTo.CALLBACK, ""))
    assert [a.get("Context") for a in rig.sent("Redirect")] == ["acd-callback-offer"]
    assert rig.legs.callers[CALL].in_dialog
    await rig.run(Announce(CALL, 1, 30.0, "en"))  # no announcement cuts the dialog
    assert len(rig.sent("Setvar", "Redirect")) == 1


async def test_move_writes_the_new_queue_on_the_channel(rig: Rig) -> None:
    await rig.run(MoveCaller(CALL, "support", 2))
    assert [(a.get("Variable"), a.get("Value")) for a in rig.sent("Setvar")] == [
        ("ACD_QUEUE", "support"),
        ("ACD_PRIORITY", "2"),
    ]
    assert rig.legs.callers[CALL].queue == "support"


async def test_confirm_callback_answers_the_dialog_waiting_for_it(rig: Rig) -> None:
    waiting = rig.replies.expect(CALL)
    sent_before = len(rig.peer.received)
    await rig.run(ConfirmCallback(CALL, "+33612345678", merged=True))
    assert waiting.result() is True
    assert len(rig.peer.received) == sent_before  # nothing for Asterisk to do
    await rig.run(ConfirmCallback(CALL, "+33612345678", merged=False))  # nobody waits now


# -- dialling a callback's customer ---------------------------------------------------------


async def test_dial_customer_originates_on_the_trunk_into_the_callback_leg(rig: Rig) -> None:
    rig.peer.on("Originate", originate_outcome("Success", "4"))
    rig.legs.drop_caller(CALL)  # a booked callback has no caller channel
    await rig.run(DialCustomer(CALL, AGENT, "+33612345678", "sales", 1732397000.5))
    (sent,) = rig.sent("Originate")
    customer = rig.legs.callers[CALL]
    assert (customer.channel, customer.answered) == (sent.get("ChannelId"), False)
    assert rig.legs.caller_for(customer.channel) is customer
    assert (sent.get("Channel"), sent.get("Context"), sent.get("Exten")) == (
        "PJSIP/+33612345678@carrier",
        "acd-callback-leg",
        "s",
    )
    # What a restarted server needs to find the call once bridged (recovery.py).
    assert sent.get_all("Variable") == [
        f"ACD_CALL_ID={CALL}",
        "ACD_QUEUE=sales",
        "ACD_ENTERED=1732397000.500000",
    ]
    assert (sent.get("CallerID"), sent.get("Timeout")) == ("+33142000000", "25000")
    assert rig.fed.items == []


@pytest.mark.parametrize(
    ("reason", "unreachable"), [("5", "busy"), ("3", "noanswer"), ("8", "congestion")]
)
async def test_a_customer_not_reached_is_unreachable_with_its_reason(
    rig: Rig, reason: str, unreachable: str
) -> None:
    rig.peer.on("Originate", originate_outcome("Failure", reason))
    rig.legs.drop_caller(CALL)
    await rig.run(DialCustomer(CALL, AGENT, "+33612345678", "sales"))
    assert rig.fed.items == [CustomerUnreachable(CALL, unreachable)]
    assert rig.legs.callers == {}
    assert rig.legs.customer_legs == {}


@pytest.mark.parametrize(
    ("cause", "unreachable"), [("17", "busy"), ("34", "congestion"), ("19", "noanswer")]
)
async def test_the_legs_hangup_cause_tells_busy_from_congestion(
    rig: Rig, cause: str, unreachable: str
) -> None:
    """Over PJSIP a 486 and a 503 both end the Originate with Reason 0: the leg's Hangup
    cause, which Asterisk sends first, says which (seen on the sandbox Asterisk 22)."""
    rig.peer.on("Originate", originate_outcome("Failure", "0", cause=cause))
    rig.legs.drop_caller(CALL)
    await rig.run(DialCustomer(CALL, AGENT, "+33612345678", "sales"))
    assert rig.fed.items == [CustomerUnreachable(CALL, unreachable)]


async def test_a_customer_dial_lost_in_a_disconnect_is_a_failed_dial(rig: Rig) -> None:
    rig.peer.on("Originate", queued_then_drop)
    rig.legs.drop_caller(CALL)
    await rig.run(DialCustomer(CALL, AGENT, "+33612345678", "sales"))
    assert rig.fed.items == [CustomerUnreachable(CALL, "failed")]
    assert rig.legs.customer_legs == {}


# -- the number checked again at the moment it is dialled -----------------------------------


@pytest.mark.parametrize(
    ("listed", "open_now", "refused"),
    [
        (True, True, "refused: do_not_call"),
        (False, False, "refused: calling_hours"),
        (True, False, "refused: do_not_call, calling_hours"),
    ],
)
async def test_a_number_refused_at_dial_time_is_not_dialled(
    rig: Rig, listed: bool, open_now: bool, refused: str
) -> None:
    """Listed since the booking, or a retry outside the hours: no Originate reaches
    Asterisk, and the engine hears why (it journals the attempt and retries or gives up)."""
    number = "+33612345678"
    dnc = DoNotCall(frozenset({number} if listed else set()))
    dialling = replace(DIALLING, rules=DialRules(dnc, lambda at: open_now))
    executor = Executor(rig.ami, rig.legs, rig.fed, "en", dialling, rig.replies)
    rig.peer.on("Originate", originate_outcome("Success", "4"))
    rig.legs.drop_caller(CALL)
    await finished(start(executor, DialCustomer(CALL, AGENT, number, "sales")))
    assert rig.sent("Originate") == []
    assert rig.fed.items == [CustomerUnreachable(CALL, refused)]
    assert rig.legs.callers == {}


async def test_the_calling_hours_are_read_at_the_moment_of_dialling(rig: Rig) -> None:
    opens_at = 1_800_000_000.0
    rules = DialRules(DoNotCall(), lambda at: at >= opens_at)
    now = [opens_at - 1]
    dialling = replace(DIALLING, rules=rules)
    executor = Executor(
        rig.ami, rig.legs, rig.fed, "en", dialling, rig.replies, clock=lambda: now[0]
    )
    rig.peer.on("Originate", originate_outcome("Success", "4"))
    rig.legs.drop_caller(CALL)
    await finished(start(executor, DialCustomer(CALL, AGENT, "+33612345678", "sales")))
    assert rig.fed.items == [CustomerUnreachable(CALL, "refused: calling_hours")]
    now[0] = opens_at  # the retry, once open
    await finished(start(executor, DialCustomer(CALL, AGENT, "+33612345678", "sales")))
    assert len(rig.sent("Originate")) == 1


async def test_every_dial_leaves_an_audit_record_allowed_or_refused(rig: Rig) -> None:
    listed = DoNotCall(frozenset({"+33698765432"}))
    recorded: list[object] = []
    dialling = replace(DIALLING, rules=DialRules(listed, lambda at: True))
    executor = Executor(
        rig.ami, rig.legs, rig.fed, "en", dialling, rig.replies, record=recorded.extend
    )
    rig.peer.on("Originate", originate_outcome("Success", "4"))
    rig.legs.drop_caller(CALL)
    for number in ("+33612345678", "+33698765432"):
        await finished(start(executor, DialCustomer(CALL, AGENT, number, "sales")))
    allowed, refused = recorded
    assert isinstance(allowed, DialChecked)
    assert isinstance(refused, DialChecked)
    assert (allowed.number, allowed.allowed, allowed.refused_by) == ("+33612345678", True, ())
    assert (refused.number, refused.allowed, refused.refused_by) == (
        "+33698765432",
        False,
        ("do_not_call",),
    )
    assert allowed.checked == refused.checked == ("do_not_call", "destination", "calling_hours")
    assert allowed.do_not_call_version == listed.version != DoNotCall().version
    assert (allowed.call_id, allowed.queue) == (CALL, "sales")
    assert len(rig.sent("Originate")) == 1
