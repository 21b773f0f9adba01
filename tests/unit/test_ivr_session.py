"""The IVR session core: menus walked with explicit results and time, no Asterisk."""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from ivr import model as m
from ivr.actions import (
    Ask,
    CallbackDone,
    CallerHungUp,
    EndCall,
    EnterQueue,
    Fetch,
    Fetched,
    FetchFailed,
    KeysEntered,
    OfferCallback,
    Play,
    Played,
    Speak,
    SpeechHeard,
)
from ivr.builtin import builtin
from ivr.call import IvrCall
from ivr.facts import IvrStep, Outcome, SurveyAnswered
from ivr.session import IvrSession, SessionError


def say(fr: str) -> m.Prompt:
    return (m.Say({"fr": fr, "en": f"(en) {fr}"}),)


NODES: dict[str, m.Node] = {
    "welcome": m.Play("welcome", say("Bienvenue"), "main"),
    "main": m.Menu(
        "main",
        say("Menu principal"),
        (
            m.Option("1", "sales", ("sales",)),
            m.Option("2", "support_menu", ("support",)),
        ),
        on_fail="operator",
        retry=m.Retry(timeout_s=4, tries=3),
        repeat_key="*",
        main_key="0",
    ),
    "support_menu": m.Menu(
        "support_menu",
        say("Support"),
        (
            m.Option("1", "billing"),
            m.Option("2", "tech"),
        ),
        on_fail="operator",
        back_key="#",
        main_key="0",
    ),
    "billing": m.SetValues(
        "billing", "billing_queue", language="fr", priority=3, skills={"french": 3}
    ),
    "billing_queue": m.ToQueue("billing_queue", "support", after_call="csat"),
    "tech": m.ToQueue("tech", "support", skills={"tech": 2}),
    "sales": m.ToQueue("sales", "sales"),
    "operator": m.ToQueue("operator", "sales", priority=1),
    "csat": m.Survey(
        "csat", m.Scale.CSAT, say("Notez"), thanks=say("Merci"), retry=m.Retry(tries=2)
    ),
}


def library(nodes: Mapping[str, m.Node], start: str = "welcome") -> m.IvrLibrary:
    menu = m.IvrMenu("accueil", m.Entry(("200",)), ("fr", "en"), start, dict(nodes))
    return m.IvrLibrary({"accueil": menu}, "v1", {"200": "accueil"})


def session(
    nodes: Mapping[str, m.Node] = NODES,
    start: str = "welcome",
    caller: str = "+33612345678",
    open_: bool = True,
) -> IvrSession:
    lib = library(nodes, start)
    call = IvrCall("c1", caller, "200", "fr")
    return IvrSession(lib, lib.menus["accueil"], call, lambda _cal, _now: open_)


def steps(s: IvrSession) -> list[tuple[str, str, str]]:
    return [(f.node, f.outcome, f.detail) for f in s.take_facts() if isinstance(f, IvrStep)]


def keys(digits: str) -> KeysEntered:
    return KeysEntered(digits)


def test_two_levels_by_keys_reach_the_queue_with_language_priority_and_skills() -> None:
    s = session()
    assert s.start(0) == Play((Speak("Bienvenue", "fr"),))
    ask = s.resume(Played(), 1)
    assert isinstance(ask, Ask)
    assert (ask.keys, ask.keywords, ask.max_digits, ask.timeout_s) == (
        "12*0",
        ("sales", "support"),
        1,
        4,
    )
    assert isinstance(s.resume(keys("2"), 2), Ask)
    end = s.resume(keys("1"), 3)
    assert end == EnterQueue("support", 3, (("french", 3),), "fr", {}, "accueil:csat")
    assert s.finished
    assert steps(s) == [
        ("welcome", "entered", ""),
        ("main", "entered", ""),
        ("main", "option", "2"),
        ("support_menu", "entered", ""),
        ("support_menu", "option", "1"),
        ("billing", "entered", ""),
        ("billing_queue", "entered", ""),
        ("billing_queue", "done", ""),
    ]


def test_invalid_then_timeout_then_last_try_goes_to_the_fallback() -> None:
    s = session(start="main")
    s.start(0)
    retry = s.resume(keys("7"), 1)
    assert isinstance(retry, Ask)
    assert retry.audio[0] == builtin("invalid", "fr")  # said before the menu again
    retry = s.resume(keys(""), 5)
    assert isinstance(retry, Ask)
    assert retry.audio[0] == builtin("no_input", "fr")
    end = s.resume(keys("9"), 9)
    assert end == EnterQueue("sales", 1, (), "fr", {}, "")
    assert steps(s)[1:] == [
        ("main", "invalid", "7"),
        ("main", "timeout", ""),
        ("main", "invalid", "9"),
        ("main", "failed", ""),
        ("operator", "entered", ""),
        ("operator", "done", ""),
    ]


def test_repeat_key_is_not_a_try_and_main_key_starts_over() -> None:
    s = session(start="main")
    s.start(0)
    for _ in range(5):  # more than the 3 tries: repeating is free
        assert isinstance(s.resume(keys("*"), 1), Ask)
    assert isinstance(s.resume(keys("2"), 2), Ask)
    restarted = s.resume(keys("0"), 3)  # main key in the second level: back to the start
    assert isinstance(restarted, Ask)
    assert restarted.audio == (Speak("Menu principal", "fr"),)
    assert ("support_menu", "main", "") in steps(s)


def test_back_key_returns_to_the_menu_the_caller_came_from() -> None:
    s = session(start="main")
    s.start(0)
    s.resume(keys("2"), 1)
    back = s.resume(keys("#"), 2)
    assert isinstance(back, Ask)
    assert back.audio == (Speak("Menu principal", "fr"),)
    assert s.resume(keys("1"), 3) == EnterQueue("sales", 0, (), "fr", {}, "")


def test_a_recognised_word_routes_and_an_unsure_one_falls_back_to_keys() -> None:
    s = session(start="main")
    s.start(0)
    assert s.resume(SpeechHeard("sales", "sales", 0.9), 1) == EnterQueue("sales", 0, (), "fr")
    s = session(start="main")
    s.start(0)
    again = s.resume(SpeechHeard(None, "sells", 0.2), 1)
    assert isinstance(again, Ask)
    assert again.keywords == ()  # keys only from now on
    assert again.audio[0] == builtin("not_understood", "fr")
    assert s.resume(keys("1"), 2) == EnterQueue("sales", 0, (), "fr")
    assert ("main", Outcome.NOT_UNDERSTOOD, "sells") in steps(s)


def test_silence_on_a_voice_menu_is_a_timeout() -> None:
    s = session(start="main")
    s.start(0)
    s.resume(SpeechHeard(None, "", 0.0), 1)
    assert ("main", "timeout", "") in steps(s)


def test_survey_records_the_score_then_thanks() -> None:
    s = session(start="csat")
    ask = s.start(0)
    assert isinstance(ask, Ask)
    assert (ask.max_digits, ask.terminator) == (1, "#")
    retry = s.resume(keys("9"), 1)  # CSAT is 1 to 5
    assert isinstance(retry, Ask)
    assert s.resume(keys("4"), 2) == EndCall((Speak("Merci", "fr"),))
    scores = [f for f in s.take_facts() if isinstance(f, SurveyAnswered)]
    assert scores == [SurveyAnswered(2, "c1", "accueil", "csat", "csat", 4)]


def test_nps_takes_two_digits() -> None:
    nodes: dict[str, m.Node] = {"nps": m.Survey("nps", m.Scale.NPS, say("NPS"))}
    s = session(nodes, "nps")
    ask = s.start(0)
    assert isinstance(ask, Ask)
    assert ask.max_digits == 2
    s.resume(keys("10"), 1)
    assert [f.score for f in s.take_facts() if isinstance(f, SurveyAnswered)] == [10]


COLLECT: dict[str, m.Node] = {
    "account": m.Collect(
        "account",
        say("Compte"),
        "account",
        "crm",
        "operator",
        min_digits=6,
        max_digits=8,
        pattern=r"4\d+",
    ),
    "crm": m.Lookup(
        "crm",
        "http://crm/c?n={caller}&a={variables.account}",
        "route",
        "operator",
        timeout_s=1.5,
        assign={"tier": "customer.tier", "vip": "customer.vip"},
    ),
    "route": m.Condition(
        "route", (m.Case(m.VariableTest("tier", m.Compare.EQUALS, ("gold",)), "vip"),), "sales"
    ),
    "vip": m.SetValues("vip", "sales", priority=5),
    "sales": m.ToQueue("sales", "sales"),
    "operator": m.ToQueue("operator", "sales", priority=1),
}


def test_collect_checks_length_and_pattern_then_lookup_sets_variables() -> None:
    s = session(COLLECT, "account", caller="+33 6")
    s.start(0)
    assert isinstance(s.resume(keys("12"), 1), Ask)  # too short
    assert isinstance(s.resume(keys("5000000"), 2), Ask)  # does not match 4...
    fetch = s.resume(keys("4000000"), 3)
    assert fetch == Fetch("GET", "http://crm/c?n=%2B33%206&a=4000000", None, 1.5)
    end = s.resume(Fetched({"customer": {"tier": "gold", "vip": True}}), 4)
    assert isinstance(end, EnterQueue)
    assert end.priority == 5
    assert end.variables == {"account": "4000000", "tier": "gold", "vip": "true"}
    assert ("account", "collected", "7") in steps(s)


def test_a_failed_lookup_takes_the_fallback_branch() -> None:
    s = session(COLLECT, "crm")
    s.start(0)
    end = s.resume(FetchFailed("no answer within 1.5 s"), 1)
    assert end == EnterQueue("sales", 1, (), "fr")
    assert ("crm", "error", "no answer within 1.5 s") in steps(s)


@pytest.mark.parametrize(
    ("test", "caller", "expected"),
    [
        (m.CallerWithheld(), "anonymous", True),
        (m.CallerWithheld(), "+33612345678", False),
        (m.CallerMatches(r"\+336\d+"), "+33612345678", True),
        (m.CallerMatches(r"\+336\d+"), "", False),
        (m.IsOpen("office", closed=True), "+33612345678", False),  # the office is open
    ],
)
def test_conditions_on_the_caller_and_the_calendar(
    test: m.Test, caller: str, expected: bool
) -> None:
    nodes: dict[str, m.Node] = {
        "c": m.Condition("c", (m.Case(test, "yes"),), "no"),
        "yes": m.Hangup("yes"),
        "no": m.Hangup("no"),
    }
    s = session(nodes, "c", caller=caller)
    s.start(0)
    assert (("c", "case", "1") in steps(s)) == expected


def test_callback_node_ends_when_booked_and_falls_back_when_not() -> None:
    nodes: dict[str, m.Node] = {
        "cb": m.CallbackRequest("cb", "sales", "bye"),
        "bye": m.Hangup("bye", say("Au revoir")),
    }
    s = session(nodes, "cb")
    assert s.start(0) == OfferCallback("sales", "fr")
    assert s.resume(CallbackDone(True), 1) == EndCall()
    s = session(nodes, "cb")
    s.start(0)
    assert s.resume(CallbackDone(False), 1) == EndCall((Speak("Au revoir", "fr"),))


def test_a_hang_up_is_recorded_where_it_happened() -> None:
    s = session(start="main")
    s.start(0)
    s.resume(keys("2"), 1)
    s.resume(CallerHungUp(), 2)
    assert s.finished
    assert steps(s)[-1] == ("support_menu", "hangup", "")
    with pytest.raises(SessionError):
        s.resume(Played(), 3)


def test_a_loop_without_input_is_stopped() -> None:
    nodes: dict[str, m.Node] = {"a": m.Goto("a", m.Target("b")), "b": m.Goto("b", m.Target("a"))}
    s = session(nodes, "a")
    assert s.start(0) == EndCall()
    assert s.finished
    assert steps(s)[-1][1:] == ("error", "loop")


def test_goto_another_menu_and_a_wrong_result_is_refused() -> None:
    other = m.IvrMenu("other", m.Entry(), ("fr",), "q", {"q": m.ToQueue("q", "support")})
    first = m.IvrMenu(
        "first", m.Entry(("1",)), ("fr",), "g", {"g": m.Goto("g", m.Target(menu="other"))}
    )
    lib = m.IvrLibrary({"first": first, "other": other}, "v", {"1": "first"})
    s = IvrSession(lib, first, IvrCall("c", "", "1", "fr"), lambda _c, _n: True)
    assert s.start(0) == EnterQueue("support", 0, (), "fr")
    s = session(start="welcome")
    s.start(0)
    with pytest.raises(SessionError):
        s.resume(keys("1"), 1)
