"""`acd report ivr` and the survey scores: calls walked through the example menus by the
same session live calls use, then counted from their journal facts."""

from __future__ import annotations

from acd.core.report.ivr import funnel, funnel_text, surveys
from acd.core.report.period import Period
from ivr.actions import CallerHungUp, Fetch, Fetched, FetchFailed, Played
from ivr.call import IvrCall
from ivr.facts import IvrStep, SurveyAnswered
from ivr.loader import load_library
from ivr.simulate import Input, simulate
from tests.unit.test_ivr_loader import CONTEXT, EXAMPLES

DAY = Period(0.0, 86_400.0, "the day")


def _open(name: str, at: float) -> bool:
    return True


def _walks(*scripts: list[Input]) -> list[IvrStep]:
    library, _ = load_library(EXAMPLES, CONTEXT)
    assert library is not None
    steps: list[IvrStep] = []
    for n, script in enumerate(scripts):
        walk = simulate(
            library, library.menus["accueil"], script, fetch=_no_fetch, is_open=_open, now=100.0 + n
        )
        steps += walk.steps
    return steps


def _no_fetch(request: Fetch) -> Fetched | FetchFailed:
    raise AssertionError("the example menu has no lookup")


def _hung_up_in_the_first_menu() -> list[IvrStep]:
    library, _ = load_library(EXAMPLES, CONTEXT)
    assert library is not None
    from ivr.session import IvrSession

    session = IvrSession(
        library, library.menus["accueil"], IvrCall("c-hangup", "+33600000000", "200", "fr"), _open
    )
    session.start(200.0)
    session.resume(Played(), 201.0)  # the welcome, then the menu asks
    session.resume(CallerHungUp(), 203.0)
    return [f for f in session.take_facts() if isinstance(f, IvrStep)]


def test_the_funnel_counts_entries_and_each_way_out_of_every_node() -> None:
    steps = _walks(["2", "1"], ["1"], ["5", "", "7"], ["2", "*", "1"])
    steps += _hung_up_in_the_first_menu()
    rows = {row.node: row for row in funnel(steps, DAY)}
    principal = rows["principal"]
    # 5 calls reached the first menu; the 4th came back to it from support with '*'.
    # The 3rd: a wrong key, silence, a wrong key again: no tries left (on to conseiller).
    assert principal.entries == 6
    assert dict(principal.left_by) == {
        "option 2": 2,
        "option 1": 2,
        "invalid": 2,
        "timeout": 1,
        "failed": 1,
        "hangup": 1,
    }
    assert principal.hangups == 1
    assert rows["support"].entries == 2
    assert dict(rows["support"].left_by) == {"option 1": 1, "back": 1}
    assert rows["file_support"].left_by["done"] == 1
    assert rows["ventes"].entries == 2
    assert rows["conseiller"].entries == 1
    assert rows["horaires"].left_by["case else"] == 5


def test_the_funnel_keeps_to_the_period_and_says_when_nobody_called() -> None:
    steps = _walks(["1"])
    assert funnel(steps, Period(0.0, 50.0, "before")) == []
    assert "No call went through a menu" in funnel_text([], "before")
    text = funnel_text(funnel(steps, DAY), "the day")
    assert "menu accueil" in text
    assert "option 1 1" in text


def test_csat_nps_and_ces_scores() -> None:
    def answers(scale: str, *scores: int) -> list[SurveyAnswered]:
        return [
            SurveyAnswered(10.0 + i, f"c{i}", "m", scale, scale, s) for i, s in enumerate(scores)
        ]

    results = {
        r.scale: r
        for r in surveys(
            answers("csat", 5, 4, 3, 1) + answers("nps", 10, 9, 8, 6, 0) + answers("ces", 2, 3, 7),
            DAY,
        )
    }
    assert (results["csat"].score, results["csat"].mean, results["csat"].answers) == (50.0, 3.25, 4)
    assert results["nps"].score == 0.0  # 2 promoters - 2 detractors of 5
    assert results["ces"].score == 4.0
    assert surveys(answers("csat", 5), Period(100.0, 200.0, "later")) == []
