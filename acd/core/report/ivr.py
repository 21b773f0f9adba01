"""What callers did in the IVR menus, from the journal: per node, how many calls
reached it and how they left it (each option, timeouts, invalid keys, hang-ups: the
drop-off funnel of `acd report ivr`), and the after-call survey scores. Pure."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from acd.core.facts import Fact
from acd.core.report.period import Period
from ivr.facts import IvrStep, Outcome, SurveyAnswered


@dataclass
class NodeFunnel:
    menu: str
    node: str
    entries: int = 0
    left_by: Counter[str] = field(default_factory=Counter)  # "option 1", "timeout", ...

    @property
    def hangups(self) -> int:
        return self.left_by[Outcome.HANGUP]


@dataclass(frozen=True)
class SurveyResult:
    menu: str
    node: str
    scale: str
    answers: int
    mean: float
    score: float  # CSAT: % satisfied (4-5); NPS: % promoters - % detractors; CES: the mean
    score_name: str


def funnel(facts: Iterable[Fact], period: Period) -> list[NodeFunnel]:
    nodes: dict[tuple[str, str], NodeFunnel] = {}
    for fact in facts:
        if not isinstance(fact, IvrStep) or not period.contains(fact.at):
            continue
        row = nodes.setdefault((fact.menu, fact.node), NodeFunnel(fact.menu, fact.node))
        if fact.outcome == Outcome.ENTERED:
            row.entries += 1
        else:
            row.left_by[_label(fact)] += 1
    return sorted(nodes.values(), key=lambda r: (r.menu, -r.entries, r.node))


def _label(step: IvrStep) -> str:
    if step.outcome in (Outcome.OPTION, Outcome.SPOKEN):
        return f"{step.outcome} {step.detail}"
    if step.outcome == Outcome.CASE:
        return f"case {step.detail}"
    if step.outcome == Outcome.ERROR:
        return "error"
    return step.outcome


def surveys(facts: Iterable[Fact], period: Period) -> list[SurveyResult]:
    scores: dict[tuple[str, str, str], list[int]] = {}
    for fact in facts:
        if isinstance(fact, SurveyAnswered) and period.contains(fact.at):
            scores.setdefault((fact.menu, fact.node, fact.scale), []).append(fact.score)
    return [
        _result(menu, node, scale, values) for (menu, node, scale), values in sorted(scores.items())
    ]


def _result(menu: str, node: str, scale: str, values: list[int]) -> SurveyResult:
    n = len(values)
    mean = sum(values) / n
    if scale == "csat":
        score, name = 100 * sum(v >= 4 for v in values) / n, "CSAT"
    elif scale == "nps":
        score, name = 100 * (sum(v >= 9 for v in values) - sum(v <= 6 for v in values)) / n, "NPS"
    else:
        score, name = mean, "CES"
    return SurveyResult(
        menu=menu,
        node=node,
        scale=scale,
        answers=n,
        mean=round(mean, 2),
        score=round(score, 1),
        score_name=name,
    )


def survey_json(results: list[SurveyResult]) -> list[dict[str, Any]]:
    return [
        {
            "menu": r.menu,
            "node": r.node,
            "scale": r.scale,
            "answers": r.answers,
            "mean": r.mean,
            "score": r.score,
            "score_name": r.score_name,
        }
        for r in results
    ]


def funnel_json(rows: list[NodeFunnel]) -> list[dict[str, Any]]:
    return [
        {
            "menu": r.menu,
            "node": r.node,
            "entries": r.entries,
            "hangups": r.hangups,
            "left_by": dict(sorted(r.left_by.items())),
        }
        for r in rows
    ]


def survey_text(results: list[SurveyResult]) -> str:
    if not results:
        return ""
    lines = ["After-call surveys (CSAT: % answering 4 or 5; NPS: % 9-10 minus % 0-6; CES: mean)"]
    for r in results:
        lines.append(
            f"  {r.menu}:{r.node}  {r.score_name} {r.score:g}  "
            f"({r.answers} answers, mean {r.mean:g})"
        )
    return "\n".join(lines)


def funnel_text(rows: list[NodeFunnel], label: str) -> str:
    if not rows:
        return f"IVR report: {label}\nNo call went through a menu in this period.\n"
    lines = [
        f"IVR report: {label}",
        "Per node: calls that reached it, then how they left it (hang-ups are drop-offs).",
    ]
    menu = ""
    for row in rows:
        if row.menu != menu:
            menu = row.menu
            lines += ["", f"menu {menu}"]
        left = ", ".join(f"{how} {count}" for how, count in sorted(row.left_by.items()))
        lines.append(f"  {row.node:<20} {row.entries:>6} calls   {left}")
    return "\n".join(lines) + "\n"
