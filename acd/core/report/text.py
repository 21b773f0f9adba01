"""The report as text for a terminal: a header stating the definitions, then tables.
Pure. Percentages and averages have one decimal; times are h:mm:ss."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence

from acd.core.report.kpi import Report
from acd.core.report.rates import AgentKpis, QueueKpis

SL_VARIANT = "SL(d) = answered within Y s / (answered + abandoned), short abandons left out"


def render_text(report: Report, queues: Iterable[str], agents: Iterable[str]) -> str:
    """``queues`` and ``agents``: the rows to show (the all-rows always are)."""
    shown_queues = [q for q in report.queues if q.queue in set(queues)]
    shown_agents = [a for a in report.agents if a.agent_id in set(agents)]
    sections = [
        _header(report),
        _calls_table([*shown_queues, report.all_queues]),
        _rates_table([*shown_queues, report.all_queues]),
        _exits(shown_queues),
        _overflows(shown_queues),
        _callbacks(shown_queues),
        _agents_table([*shown_agents, report.all_agents]),
        _pauses_table([*shown_agents, report.all_agents]),
    ]
    return "\n\n".join(s for s in sections if s) + "\n"


def _header(report: Report) -> str:
    short = f"{report.options.short_abandon_s:g}"
    return "\n".join(
        [
            f"ACD report: {report.period.label}",
            "Calls count in the period in which they entered a queue; agent times are cut to it.",
            f"Service level: {SL_VARIANT}.",
            f"Short abandon: hung up after waiting {short} s or less; shown apart, left out of"
            " every rate.",
        ]
    )


def _calls_table(rows: Sequence[QueueKpis]) -> str:
    head = [
        "CALLS",
        "offered",
        "answered",
        "abandoned",
        "short",
        "exited",
        "overflowed",
        "refused",
        "waiting",
    ]
    body = [
        [
            q.queue,
            q.offered,
            q.answered,
            q.abandoned,
            q.short_abandoned,
            sum(q.exited.values()),
            sum(q.overflowed_out.values()),
            sum(q.refused.values()),
            q.waiting,
        ]
        for q in rows
    ]
    return table(head, body)


def _rates_table(rows: Sequence[QueueKpis]) -> str:
    head = ["RATES", "SL(d)", "Y", "ASA", "answered", "abandoned", "lost", "AHT"]
    body = [
        [
            q.queue,
            percent(q.service_level),
            threshold(q.sl_threshold_s),
            seconds(q.asa_s),
            percent(q.answer_rate),
            percent(q.abandon_rate),
            percent(q.lost_rate),
            seconds(q.aht_s),
        ]
        for q in rows
    ]
    return table(head, body)


def _exits(rows: Sequence[QueueKpis]) -> str:
    return _section(
        "Left without an agent (exited) or turned away at entry (refused):",
        [
            f"{q.queue}: exited {_reasons(q.exited)}; refused {_reasons(q.refused)}"
            for q in rows
            if q.exited or q.refused
        ],
    )


def _overflows(rows: Sequence[QueueKpis]) -> str:
    return _section(
        "Overflow (sent elsewhere by a rule, per target; received, per queue):",
        [
            f"{q.queue}: out {_reasons(q.overflowed_out)}; in from {_reasons(q.overflowed_in)}"
            for q in rows
            if q.overflowed_out or q.overflowed_in
        ],
    )


def _callbacks(rows: Sequence[QueueKpis]) -> str:
    title = (
        "Callbacks (booked by callers who hung up and kept their place; a completed"
        " one counts as answered, its wait from the first entry):"
    )
    return _section(title, [f"{q.queue}: {_reasons(q.callbacks)}" for q in rows if q.callbacks])


def _section(title: str, lines: list[str]) -> str:
    """A titled list of indented lines; nothing at all when there is no line."""
    return "\n".join([title, *(f"  {line}" for line in lines)]) if lines else ""


def _reasons(counts: Mapping[str, int]) -> str:
    return ", ".join(f"{reason} {n}" for reason, n in counts.items()) or "none"


def _agents_table(rows: Sequence[AgentKpis]) -> str:
    head = [
        "AGENTS",
        "calls",
        "no answer",
        "talk",
        "AHT",
        "logged in",
        "paused",
        "occupancy",
        "calls/h",
    ]
    body = [
        [
            a.agent_id,
            a.answered,
            a.no_answers,
            hms(a.talk_s),
            seconds(a.aht_s),
            hms(a.logged_in_s),
            hms(a.paused_s),
            percent(a.occupancy),
            _one_decimal(a.calls_per_hour),
        ]
        for a in rows
    ]
    return table(head, body)


def _pauses_table(rows: Sequence[AgentKpis]) -> str:
    body: list[list[object]] = [
        [a.agent_id, reason, hms(s)] for a in rows for reason, s in a.pauses.items()
    ]
    return table(["PAUSES", "reason", "time"], body, left=2) if body else ""


def table(head: Sequence[str], body: Sequence[Sequence[object]], left: int = 1) -> str:
    """The first ``left`` columns (names) left-aligned, the others (numbers) right-aligned,
    two spaces apart."""
    cells = [list(head), *([str(cell) for cell in row] for row in body)]
    widths = [max(len(row[i]) for row in cells) for i in range(len(head))]
    lines = []
    for row in cells:
        padded = [
            cell.ljust(width) if i < left else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  ".join(padded).rstrip())
    return "\n".join(lines)


def percent(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:.1f}%"


def seconds(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}s"


def threshold(value: float | None) -> str:
    return "-" if value is None else f"{value:g}s"


def hms(value: float) -> str:
    total = max(0, math.floor(value + 0.5))
    return f"{total // 3600}:{total // 60 % 60:02d}:{total % 60:02d}"


def _one_decimal(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"
