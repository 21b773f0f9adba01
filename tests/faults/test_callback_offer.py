"""The callback offer over FastAGI, through a fake Asterisk: press 1, confirm or type a
number, and the engine is asked to book it in E.164 (its answer comes back through the
executor, as in the server); a do-not-call number or a time outside the calling hours
is refused with the reason spoken; a hang-up, a 2 or silence books nothing."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field

import pytest

from acd.adapters.callcontrol import callback_offer
from acd.adapters.callcontrol.callback_offer import CallbackOffer, CallbackReplies, CallbackRules
from acd.adapters.callcontrol.callback_prompts import text
from acd.adapters.callcontrol.execute import Executor
from acd.adapters.callcontrol.legs import Legs
from acd.adapters.prompts import prompt_name
from acd.asterisk.agi import AgiServer
from acd.asterisk.ami import AmiClient
from acd.core.compliance import DoNotCall
from acd.core.engine.commands import ConfirmCallback
from acd.core.engine.events import CallbackRequested, EngineEvent
from tests.fakes.agi_caller import Command, ScriptedCall, words

pytestmark = pytest.mark.timeout(20)

CALL_ID = "1732398000.1"
ON_THE_LIST = "+33611111111"
WAITING = {"ACD_CALL_ID": CALL_ID, "CHANNEL(language)": "en"}  # set by [acd-hold]'s entry


def say(key: str, language: str = "en") -> str:
    return prompt_name(text(key, language), language)


def offer(language: str = "en") -> Command:
    return ["GET", "DATA", say("offer", language), "6000", "1"]


def confirm(language: str = "en") -> Command:
    return ["GET", "DATA", say("confirm", language), "5000", "20"]


def stream(key: str, language: str = "en") -> Command:
    return ["STREAM", "FILE", say(key, language), ""]


@dataclass
class Rig:
    port: int = 0
    fed: list[EngineEvent] = field(default_factory=list)
    merged: bool = False  # what the engine answers
    answers: bool = True  # False: the engine never answers
    open_hours: bool = True
    replies: CallbackReplies = field(default_factory=CallbackReplies)

    async def call(
        self,
        keys: list[str],
        variables: dict[str, str] | None = None,
        hang_up_at: Callable[[Command], bool] | None = None,
        callerid: str = "0612345678",  # national: booked in E.164
    ) -> list[Command]:
        call = await ScriptedCall.start(
            self.port,
            "callback-offer",
            keys=keys,
            variables=WAITING if variables is None else variables,
            hang_up_at=hang_up_at,
            callerid=callerid,
        )
        return await call.run()  # returns once the dialog is over and the call closed


@pytest.fixture
async def rig() -> AsyncIterator[Rig]:
    rig = Rig()
    # The executor hands the engine's ConfirmCallback to the waiting dialog, as in the
    # server; it sends nothing to Asterisk for it, so its AMI client is never started.
    idle_ami = AmiClient("127.0.0.1", 9, "acd", "unused")
    executor = Executor(idle_ami, Legs(), rig.fed.append, replies=rig.replies)

    def engine(event: EngineEvent) -> None:
        rig.fed.append(event)
        if isinstance(event, CallbackRequested) and rig.answers:
            executor.execute(ConfirmCallback(event.call_id, event.number, rig.merged))

    rules = CallbackRules("FR", DoNotCall(frozenset({ON_THE_LIST})), lambda now: rig.open_hours)
    dialog = CallbackOffer(rules, rig.replies, engine, lambda: 1_700_000_000.0, "en")
    async with AgiServer({"callback-offer": dialog.handle}, port=0) as server:
        rig.port = server.port
        yield rig
    await executor.close()


async def test_press_1_then_confirm_books_the_callers_number_in_e164(rig: Rig) -> None:
    commands = await rig.call(keys=["1", "1"])
    assert rig.fed == [CallbackRequested(CALL_ID, "+33612345678")]
    assert commands == [
        ["GET", "VARIABLE", "ACD_CALL_ID"],
        ["GET", "VARIABLE", "CHANNEL(language)"],
        offer(),
        confirm(),
        stream("booked"),  # said once the engine has booked it
        ["HANGUP"],  # the caller's place is now the callback's
    ]


async def test_a_number_typed_instead_is_booked_in_e164(rig: Rig) -> None:
    await rig.call(keys=["1", "0033698765432"])
    assert rig.fed == [CallbackRequested(CALL_ID, "+33698765432")]


async def test_a_callback_merged_with_one_already_booked_is_said_so(rig: Rig) -> None:
    rig.merged = True
    commands = await rig.call(keys=["1", "1"])
    assert commands[-2:] == [stream("merged"), ["HANGUP"]]


async def test_the_dialog_speaks_the_callers_language(rig: Rig) -> None:
    commands = await rig.call(keys=["1", "1"], variables={**WAITING, "CHANNEL(language)": "fr"})
    assert commands[2:] == [offer("fr"), confirm("fr"), stream("booked", "fr"), ["HANGUP"]]


@pytest.mark.parametrize(
    ("keys", "callerid"),
    [(["1", "1"], "0611111111"), (["1", "0611111111"], "0612345678")],
    ids=["own-number", "typed-number"],
)
async def test_a_number_on_the_do_not_call_list_is_refused_and_nothing_booked(
    rig: Rig, keys: list[str], callerid: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="acd.adapters.callcontrol.callback_offer")
    commands = await rig.call(keys=keys, callerid=callerid)
    assert commands[-1] == stream("do_not_call")  # told why; no hang-up: still waiting
    assert rig.fed == []
    assert f"callback to {ON_THE_LIST} refused: do_not_call" in caplog.text


async def test_outside_the_calling_hours_is_refused_and_nothing_booked(rig: Rig) -> None:
    rig.open_hours = False
    commands = await rig.call(keys=["1", "1"])
    assert commands[-1] == stream("hours")
    assert rig.fed == []


async def test_two_invalid_numbers_book_nothing(rig: Rig) -> None:
    commands = await rig.call(keys=["1", "123", "99"])
    assert commands[2:] == [offer(), confirm(), stream("invalid"), confirm(), stream("invalid")]
    assert rig.fed == []


async def test_a_withheld_number_must_be_typed(rig: Rig) -> None:
    commands = await rig.call(keys=["1", "1", "0612345678"], callerid="anonymous")
    assert stream("invalid") in commands  # "1" confirms no number at all
    assert rig.fed == [CallbackRequested(CALL_ID, "+33612345678")]


@pytest.mark.parametrize("keys", [["2"], [""], ["1", ""]], ids=["two", "silence", "no-number"])
async def test_declining_books_nothing_and_the_caller_keeps_waiting(
    rig: Rig, keys: list[str]
) -> None:
    commands = await rig.call(keys=keys)
    assert rig.fed == []
    assert ["HANGUP"] not in commands


async def test_no_call_id_on_the_channel_offers_nothing(rig: Rig) -> None:
    commands = await rig.call(keys=["1", "1"], variables={})
    assert commands == [
        ["GET", "VARIABLE", "ACD_CALL_ID"],
        ["GET", "VARIABLE", "CHANNEL(language)"],
    ]
    assert rig.fed == []


@pytest.mark.parametrize(
    "during",
    [offer(), confirm()],
    ids=["offer", "confirm"],
)
async def test_a_hang_up_mid_dialog_books_nothing(
    rig: Rig, during: Command, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="acd.adapters.callcontrol.callback_offer")
    commands = await rig.call(keys=["1", "1"], hang_up_at=words(*during))
    assert commands[-1] == during  # nothing sent after the hang-up
    assert rig.fed == []
    assert "caller hung up during the callback offer" in caplog.text


async def test_an_engine_that_does_not_answer_leaves_the_caller_waiting(
    rig: Rig, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(callback_offer, "ENGINE_REPLY_S", 0.05)
    rig.answers = False
    commands = await rig.call(keys=["1", "1"])
    assert rig.fed == [CallbackRequested(CALL_ID, "+33612345678")]
    assert commands[-1] == confirm()  # neither "booked" nor a hang-up
    assert "the ACD did not book it" in caplog.text
    assert rig.replies.resolve(CALL_ID, merged=False) is False  # nobody waits any more
