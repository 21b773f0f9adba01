"""IvrCalls over FastAGI, through a fake Asterisk: a tiny menu played to a caller who
presses keys (or none, or hangs up) ends in the queue the menu chose, its fallback,
a transfer, a callback or a survey; each node passed is journaled."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import pytest

from acd.adapters.callcontrol.callback_offer import CallbackOffer, CallbackReplies, CallbackRules
from acd.adapters.callcontrol.callback_prompts import text
from acd.adapters.callcontrol.entry import QueueEntrance
from acd.adapters.callcontrol.legs import Legs
from acd.adapters.ivr.calls import IvrCallback, IvrCalls, IvrDeps
from acd.adapters.ivr.perform import ANY_KEY, Recordings
from acd.adapters.prompts import prompt_name
from acd.asterisk.agi import AgiServer
from acd.core.compliance import DoNotCall
from acd.core.engine.events import CallArrived, CallbackRequested, EngineEvent
from acd.core.settings.numbers_model import QueueEntry
from ivr import model as m
from ivr.builtin import builtin
from ivr.facts import IvrFact, IvrStep, SurveyAnswered
from ivr.speech import Recognition
from tests.fakes.agi_caller import Command, ScriptedCall, words

pytestmark = pytest.mark.timeout(20)

NOW = 1_700_000_000.0
CALL_ID, CHANNEL, CALLER = "1732398000.1", "PJSIP/trunk-00000001", "+33142000000"  # headers


def say(fr: str) -> m.Prompt:
    return (m.Say({"fr": fr, "en": f"(en) {fr}"}),)


NODES: dict[str, m.Node] = {
    "welcome": m.Play("welcome", say("Bienvenue"), "main"),
    "main": m.Menu(
        "main",
        say("Pour les ventes, tapez 1. Pour la facturation, tapez 2."),
        (
            m.Option("1", "sales"),
            m.Option("2", "billing"),
            m.Option("3", "callback"),
            m.Option("4", "transfer"),
            m.Option("5", "mailbox"),
        ),
        on_fail="operator",
        retry=m.Retry(timeout_s=1.5, tries=2),
    ),
    "billing": m.SetValues(
        "billing",
        "billing_queue",
        language="en",
        priority=3,
        skills={"billing": 2},
        variables={"tier": "gold"},
    ),
    "billing_queue": m.ToQueue("billing_queue", "support", after_call="csat"),
    "sales": m.ToQueue("sales", "sales"),
    "operator": m.ToQueue("operator", "sales", priority=1),
    "callback": m.CallbackRequest("callback", "sales", on_fail="operator"),
    "transfer": m.Transfer("transfer"),
    "mailbox": m.Voicemail("mailbox", "500"),
    "csat": m.Survey("csat", m.Scale.CSAT, say("Notez"), thanks=say("Merci")),
}
MENU = m.IvrMenu("accueil", m.Entry(("200",)), ("fr", "en"), "welcome", NODES)
LIBRARY = m.IvrLibrary({"accueil": MENU}, "v1", {"200": "accueil"})
# The same menu, also taking every call of the "trunk" trunk (the fake peer's channel),
# whatever number the caller dialled.
BY_TRUNK = m.IvrLibrary({"accueil": MENU}, "v1", {"200": "accueil"}, {"trunk": "accueil"})

WELCOME = prompt_name("Bienvenue", "fr")
MAIN = prompt_name("Pour les ventes, tapez 1. Pour la facturation, tapez 2.", "fr")


class Menus:
    """The menus in force: one library, known by its version."""

    library = LIBRARY

    def current(self) -> m.IvrLibrary | None:
        return self.library

    def version(self, version: str) -> m.IvrLibrary | None:
        return LIBRARY if version == LIBRARY.version else None


class KeysOnly:
    """A recogniser with no language: every menu is answered with keys."""

    def languages(self) -> frozenset[str]:
        return frozenset()

    def unknown_words(self, keywords: Sequence[str], language: str) -> list[str]:
        return []

    def recognise(
        self, pcm: bytes, sample_rate: int, keywords: Sequence[str], language: str
    ) -> Recognition:
        raise AssertionError("no voice menu in these tests")


@dataclass
class Rig:
    port: int
    legs: Legs
    replies: CallbackReplies
    fed: list[EngineEvent] = field(default_factory=list)
    journaled: list[IvrFact] = field(default_factory=list)

    async def call(
        self,
        script: str = "inbound?did=200",
        keys: Sequence[str] = (),
        variables: Mapping[str, str] | None = None,
        hang_up_at: Callable[[Command], bool] | None = None,
    ) -> list[Command]:
        """One call through the server; returns once the server has closed it."""
        call = await ScriptedCall.start(
            self.port, script, keys=keys, variables=variables, hang_up_at=hang_up_at
        )
        return await call.run()

    def steps(self) -> list[tuple[str, str, str]]:
        return [(f.node, f.outcome, f.detail) for f in self.journaled if isinstance(f, IvrStep)]


def played(commands: list[Command]) -> list[str]:
    return [c[2] for c in commands if c[:2] == ["STREAM", "FILE"]]


def set_variables(commands: list[Command]) -> dict[str, str]:
    return {c[2]: c[3] for c in commands if c[:2] == ["SET", "VARIABLE"]}


@pytest.fixture
async def rig(tmp_path: Path) -> AsyncIterator[Rig]:
    legs, replies = Legs(), CallbackReplies()
    rig = Rig(0, legs, replies)

    def engine(event: EngineEvent) -> None:  # books every callback asked for
        rig.fed.append(event)
        if isinstance(event, CallbackRequested):
            replies.resolve(event.call_id, merged=False)

    entrance = QueueEntrance({"300": QueueEntry("general", 4)}, legs, engine, lambda: NOW)
    rules = CallbackRules("FR", DoNotCall(), lambda now: True)
    offer = CallbackOffer(rules, replies, engine, lambda: NOW, "en")
    ivr = IvrCalls(
        IvrDeps(
            Menus(),
            entrance,
            KeysOnly(),
            Recordings(PurePosixPath(tmp_path), tmp_path),
            rig.journaled.extend,
            lambda: NOW,
            lambda calendar, now: True,
            "out-trunk",
            "en",
            IvrCallback(offer, entrance),
        )
    )
    async with AgiServer({"inbound": ivr.inbound, "survey": ivr.survey}, port=0) as server:
        rig.port = server.port
        yield rig
    await ivr.close()


async def test_a_key_walks_the_menu_into_the_queue_it_chose(rig: Rig) -> None:
    commands = await rig.call(keys=["2"])
    assert commands[:4] == [
        ["SET", "VARIABLE", "ACD_IVR_VERSION", "v1"],  # a survey after the call uses it
        ["SET", "VARIABLE", "CHANNEL(language)", "fr"],  # the menu's first language
        ["STREAM", "FILE", WELCOME, ""],  # a Play node: keys do not cut it
        ["STREAM", "FILE", MAIN, ANY_KEY],
    ]
    assert rig.fed == [CallArrived(CALL_ID, "support", NOW, 3, (("billing", 2),), CALLER, "en")]
    assert set_variables(commands[4:]) == {
        "CHANNEL(language)": "en",  # set by the menu's set node
        "ACD_VAR_TIER": "gold",
        "ACD_CALL_ID": CALL_ID,
        "ACD_QUEUE": "support",
        "ACD_ENTERED": f"{NOW:.3f}",
        "ACD_PRIORITY": "3",
        "ACD_SKILLS": "billing:2",
        "ACD_LANGUAGE": "en",
        "ACD_IVR_SURVEY": "accueil:csat",
    }
    caller = rig.legs.callers[CALL_ID]
    assert (caller.channel, caller.queue, caller.after_call) == (CHANNEL, "support", "accueil:csat")
    assert rig.steps() == [
        ("welcome", "entered", ""),
        ("main", "entered", ""),
        ("main", "option", "2"),
        ("billing", "entered", ""),
        ("billing_queue", "entered", ""),
        ("billing_queue", "done", ""),
    ]
    assert all(isinstance(f, IvrStep) for f in rig.journaled)
    assert {
        (f.call_id, f.menu, f.version, f.at) for f in rig.journaled if isinstance(f, IvrStep)
    } == {(CALL_ID, "accueil", "v1", NOW)}


@pytest.mark.parametrize(
    ("keys", "heard", "outcomes"),
    [
        (
            ["7", "", "9"],  # a wrong key, then (after "not valid") another
            [MAIN, prompt_name(builtin("invalid", "fr").text, "fr"), MAIN],
            [("main", "invalid", "7"), ("main", "invalid", "9")],
        ),
        (
            [],  # nothing pressed: each try ends with the wait for a key
            [MAIN, prompt_name(builtin("no_input", "fr").text, "fr"), MAIN],
            [("main", "timeout", ""), ("main", "timeout", "")],
        ),
    ],
    ids=["invalid", "silence"],
)
async def test_the_last_failed_try_takes_the_fallback(
    rig: Rig, keys: list[str], heard: list[str], outcomes: list[tuple[str, str, str]]
) -> None:
    commands = await rig.call(keys=keys)
    assert played(commands) == [WELCOME, *heard]
    assert rig.fed == [CallArrived(CALL_ID, "sales", NOW, 1, (), CALLER, "fr")]
    assert rig.steps()[2:] == [
        *outcomes,
        ("main", "failed", ""),
        ("operator", "entered", ""),
        ("operator", "done", ""),
    ]
    if not keys:
        waits = [c for c in commands if c[:3] == ["WAIT", "FOR", "DIGIT"]]
        assert waits == [["WAIT", "FOR", "DIGIT", "1500"]] * 2  # the menu's timeout


async def test_a_caller_hanging_up_mid_menu_ends_cleanly_and_is_journaled(
    rig: Rig, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    commands = await rig.call(hang_up_at=words("STREAM", "FILE", MAIN))
    assert commands[-1] == ["STREAM", "FILE", MAIN, ANY_KEY]  # nothing sent after it
    assert rig.steps() == [
        ("welcome", "entered", ""),
        ("main", "entered", ""),
        ("main", "hangup", ""),
    ]
    assert rig.fed == []  # never queued: nothing for the engine to count
    assert rig.legs.callers == {}
    assert "failed" not in caplog.text
    assert "Traceback" not in caplog.text


async def test_a_caller_gone_while_being_queued_is_not_offered(rig: Rig) -> None:
    commands = await rig.call(keys=["1"], hang_up_at=words("SET", "VARIABLE", "ACD_QUEUE"))
    assert commands[-1][:3] == ["SET", "VARIABLE", "ACD_QUEUE"]
    assert rig.fed == []
    assert rig.legs.callers == {}
    assert rig.steps()[-1] == ("sales", "done", "")  # the menu had ended there


async def test_a_number_no_menu_serves_uses_the_numbers_table(rig: Rig) -> None:
    commands = await rig.call("inbound?did=300")
    assert rig.fed == [CallArrived(CALL_ID, "general", NOW, 4, (), CALLER, "")]
    assert "ACD_IVR_VERSION" not in set_variables(commands)
    assert rig.journaled == []


async def test_a_number_nobody_serves_is_told_so_and_hung_up(rig: Rig) -> None:
    commands = await rig.call("inbound?did=999")
    assert commands == [["STREAM", "FILE", "ss-noservice", ""], ["HANGUP"]]
    assert rig.fed == []


@pytest.mark.parametrize(
    ("key", "variables"),
    [
        (
            "4",
            {
                "ACD_IVR_NUMBER": "200",  # the number dialled, to another centre
                "ACD_IVR_TRUNK": "out-trunk",
                "ACD_IVR_NEXT": "acd-ivr-end,transfer,1",
            },
        ),
        ("5", {"ACD_IVR_MAILBOX": "500", "ACD_IVR_NEXT": "acd-ivr-end,voicemail,1"}),
    ],
    ids=["transfer", "voicemail"],
)
async def test_menu_ends_outside_the_acd_name_the_dialplan_step(
    rig: Rig, key: str, variables: dict[str, str]
) -> None:
    commands = await rig.call(keys=[key])
    after_menu = commands[commands.index(["STREAM", "FILE", MAIN, ANY_KEY]) + 1 :]
    assert set_variables(after_menu) == variables
    assert rig.fed == []


async def test_a_transfer_never_dials_a_number_the_caller_chose(
    rig: Rig, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Taken by its trunk, not its number: "the number dialled" is the caller's choice.
    monkeypatch.setattr(Menus, "library", BY_TRUNK)
    commands = await rig.call("inbound?did=0899123456", keys=["4"])
    after_menu = commands[commands.index(["STREAM", "FILE", MAIN, ANY_KEY]) + 1 :]
    assert set_variables(after_menu) == {"ACD_IVR_NEXT": "acd-ivr-end,refused,1"}


@pytest.mark.parametrize("did", ["100/PJSIP", "100%26x", "abc", ""])
async def test_a_number_dialled_that_is_not_a_number_gets_no_service(rig: Rig, did: str) -> None:
    commands = await rig.call(f"inbound?did={did}")
    assert commands == [["STREAM", "FILE", "ss-noservice", ""], ["HANGUP"]]
    assert rig.fed == []


async def test_the_callback_node_queues_then_books_and_says_goodbye(rig: Rig) -> None:
    confirm = prompt_name(text("confirm", "fr"), "fr")
    commands = await rig.call(keys=["3", "1"])  # callback, then "call me on this number"
    assert rig.fed == [
        CallArrived(CALL_ID, "sales", NOW, 0, (), CALLER, "fr"),  # keeps a place meanwhile
        CallbackRequested(CALL_ID, CALLER),
    ]
    assert ["GET", "DATA", confirm, "5000", "20"] in commands
    assert commands[-2:] == [
        ["STREAM", "FILE", prompt_name(text("booked", "fr"), "fr"), ""],
        ["HANGUP"],
    ]
    assert rig.steps()[-2:] == [("callback", "entered", ""), ("callback", "done", "")]


async def test_a_declined_callback_takes_the_nodes_fallback(rig: Rig) -> None:
    await rig.call(keys=["3", ""])  # no number given
    assert rig.fed == [CallArrived(CALL_ID, "sales", NOW, 1, (), CALLER, "fr")]
    assert ("operator", "done", "") in rig.steps()


async def test_a_survey_after_the_call_journals_the_score(rig: Rig) -> None:
    survey_vars = {
        "ACD_IVR_SURVEY": "accueil:csat",
        "ACD_IVR_VERSION": "v1",
        "ACD_CALL_ID": "1732397000.4",
        "CHANNEL(language)": "en",
    }
    commands = await rig.call("survey", keys=["4"], variables=survey_vars)
    assert played(commands) == [prompt_name("(en) Notez", "en"), prompt_name("(en) Merci", "en")]
    assert commands[-1] == ["HANGUP"]
    scores = [f for f in rig.journaled if isinstance(f, SurveyAnswered)]
    assert scores == [SurveyAnswered(NOW, "1732397000.4", "accueil", "csat", "csat", 4)]


async def test_a_survey_the_menus_do_not_have_hangs_up(
    rig: Rig, caplog: pytest.LogCaptureFixture
) -> None:
    commands = await rig.call("survey", variables={"ACD_IVR_SURVEY": "accueil:gone"})
    assert commands[-1] == ["HANGUP"]
    assert rig.journaled == []
    assert "no survey 'accueil:gone'" in caplog.text
