"""The ACD's Asterisk adapter, without Asterisk: AMI events -> engine events, feature
codes -> agent events, and the channel variables that let a restart find callers."""

from __future__ import annotations

import math

import pytest

from acd.adapters.callcontrol.entry import decode_skills, encode_skills
from acd.adapters.callcontrol.execute import _minutes
from acd.adapters.callcontrol.features import FeatureCodes
from acd.adapters.callcontrol.legs import Legs
from acd.adapters.callcontrol.translate import Translator
from acd.asterisk.ami import Event as AmiEvent
from acd.core.engine.events import (
    AgentAnswered,
    AgentLoggedIn,
    AgentLoggedOut,
    AgentPaused,
    AgentUnpaused,
    CallAbandoned,
    CallEnded,
    CallerPressedExitKey,
    PhoneState,
    PhoneStateChanged,
)


def ami(name: str, **fields: str) -> AmiEvent:
    return AmiEvent.from_fields([("Event", name), *fields.items()])


@pytest.fixture
def legs() -> Legs:
    legs = Legs()
    legs.add_caller("1700.1", "PJSIP/carrier-00000001", "sales", "0611")
    return legs


def test_caller_hangup_while_waiting_is_an_abandon(legs: Legs) -> None:
    translator = Translator(legs, {"1001"})
    assert translator.translate(ami("Hangup", Uniqueid="1700.1")) == [CallAbandoned("1700.1")]
    assert "1700.1" not in legs.callers
    assert translator.translate(ami("Hangup", Uniqueid="1700.1")) == []  # counted once


def test_agent_answer_then_agent_hangup_ends_the_call(legs: Legs) -> None:
    translator = Translator(legs, {"1001"})
    leg = legs.new_agent_leg("1700.1", "1001")
    answered = ami("UserEvent", UserEvent="AcdAgentAnswered", Uniqueid=leg.leg_id)
    assert translator.translate(answered) == [AgentAnswered("1700.1", "1001")]
    legs.callers["1700.1"].connected_to = "1001"  # the executor bridged them
    assert translator.translate(ami("BridgeEnter", Uniqueid=leg.leg_id)) == []
    assert translator.translate(ami("Hangup", Uniqueid=leg.leg_id)) == [
        CallEnded("1700.1", "agent")
    ]
    assert translator.translate(ami("Hangup", Uniqueid="1700.1")) == []


def test_caller_hangup_during_the_call_is_ended_by_caller(legs: Legs) -> None:
    legs.callers["1700.1"].connected_to = "1001"
    translator = Translator(legs, {"1001"})
    assert translator.translate(ami("Hangup", Uniqueid="1700.1")) == [CallEnded("1700.1", "caller")]


def test_events_about_unknown_channels_are_logged_and_ignored(
    legs: Legs, caplog: pytest.LogCaptureFixture
) -> None:
    translator = Translator(legs, {"1001"})
    with caplog.at_level("DEBUG", logger="acd.adapters.callcontrol.translate"):
        unknown = ami("Hangup", Uniqueid="99.9", Channel="PJSIP/other-00000009")
        assert translator.translate(unknown) == []
    assert "PJSIP/other-00000009" in caplog.text
    stale = ami("UserEvent", UserEvent="AcdAgentAnswered", Uniqueid="acd-gone-1001-7")
    assert translator.translate(stale) == []
    assert translator.translate(ami("Newexten", Uniqueid="1700.1")) == []


def test_device_states_of_agent_phones_only(legs: Legs) -> None:
    translator = Translator(legs, {"1001"})
    change = ami("DeviceStateChange", Device="PJSIP/1001", State="RINGING")
    assert translator.translate(change) == [PhoneStateChanged("1001", PhoneState.RINGING)]
    weird = ami("DeviceStateChange", Device="PJSIP/1001", State="SOMETHING_NEW")
    assert translator.translate(weird) == [PhoneStateChanged("1001", PhoneState.UNKNOWN)]
    assert (
        translator.translate(ami("DeviceStateChange", Device="PJSIP/carrier", State="INUSE")) == []
    )
    assert (
        translator.translate(ami("DeviceStateChange", Device="Queue:sales_avail", State="INUSE"))
        == []
    )


def test_caller_keys_while_waiting_are_exit_key_candidates(legs: Legs) -> None:
    translator = Translator(legs, {"1001"})
    key = ami("DTMFEnd", Uniqueid="1700.1", Digit="0", Direction="Received")
    assert translator.translate(key) == [CallerPressedExitKey("1700.1", "0")]
    sent = ami("DTMFEnd", Uniqueid="1700.1", Digit="0", Direction="Sent")
    assert translator.translate(sent) == []


@pytest.mark.parametrize(
    ("code", "event", "prompt"),
    [
        ("*41", AgentLoggedIn("1001"), "agent-loginok"),
        ("*42", AgentLoggedOut("1001"), "agent-loggedoff"),
        ("*431", AgentPaused("1001", "lunch"), "auth-thankyou"),
        ("*44", AgentUnpaused("1001"), "auth-thankyou"),
        ("*439", None, "pm-invalid-option"),
        ("*43", None, "pm-invalid-option"),
        ("*4", None, "pm-invalid-option"),
        ("123", None, "pm-invalid-option"),
    ],
)
def test_feature_codes(code: str, event: object, prompt: str) -> None:
    codes = FeatureCodes({"1001"}, {"1": "lunch"}, lambda e: None)
    assert codes.parse("1001", code) == (event, prompt)


def test_skills_survive_the_channel_variable_round_trip() -> None:
    skills = (("french", 3), ("billing", 1))
    assert decode_skills(encode_skills(skills)) == skills
    assert decode_skills("french:x,,:2,ok:4") == (("ok", 4),)


def test_first_leg_to_leave_the_bridge_is_who_hung_up(legs: Legs) -> None:
    translator = Translator(legs, {"1001"})
    leg = legs.new_agent_leg("1700.1", "1001")
    legs.callers["1700.1"].connected_to = "1001"
    assert translator.translate(ami("BridgeEnter", Uniqueid=leg.leg_id)) == []
    assert translator.translate(ami("BridgeLeave", Uniqueid=leg.leg_id)) == [
        CallEnded("1700.1", "agent")
    ]
    # The caller's leg leaves and hangs up next: the call has already ended, once.
    assert translator.translate(ami("BridgeLeave", Uniqueid="1700.1")) == []
    assert translator.translate(ami("Hangup", Uniqueid="1700.1")) == []
    assert translator.translate(ami("Hangup", Uniqueid=leg.leg_id)) == []


def test_an_announcement_is_never_cut_by_the_next(legs: Legs) -> None:
    translator = Translator(legs, {"1001"})
    legs.callers["1700.1"].announcing = True
    done = ami("UserEvent", UserEvent="AcdAnnounced", Uniqueid="1700.1")
    assert translator.translate(done) == []
    assert legs.callers["1700.1"].announcing is False


@pytest.mark.parametrize(
    ("seconds", "minutes"),
    [(0.0, 0), (59.0, 0), (60.0, 1), (150.0, 2), (math.inf, -1), (math.nan, -1), (-1.0, -1)],
)
def test_announced_minutes(seconds: float, minutes: int) -> None:
    assert _minutes(seconds) == minutes
