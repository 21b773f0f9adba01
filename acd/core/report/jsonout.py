"""The report as JSON (``acd report --format json``): every count and rate, unrounded;
rates are fractions (0.75, not 75), None when there is nothing to divide by. Pure."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from acd.core.report.kpi import Report
from acd.core.report.rates import AgentKpis, QueueKpis
from acd.core.report.text import SL_VARIANT


def report_json(report: Report, queues: Iterable[str], agents: Iterable[str]) -> dict[str, Any]:
    shown_queues, shown_agents = set(queues), set(agents)
    return {
        "period": {
            "since": report.period.since,
            "until": report.period.until,
            "label": report.period.label,
        },
        "service_level_variant": "d",
        "service_level_definition": SL_VARIANT,
        "short_abandon_s": report.options.short_abandon_s,
        "queues": [_queue(q) for q in report.queues if q.queue in shown_queues],
        "all_queues": _queue(report.all_queues),
        "agents": [_agent(a) for a in report.agents if a.agent_id in shown_agents],
        "all_agents": _agent(report.all_agents),
    }


def _queue(q: QueueKpis) -> dict[str, Any]:
    return {
        "queue": q.queue,
        "sl_threshold_s": q.sl_threshold_s,
        "offered": q.offered,
        "answered": q.answered,
        "answered_within_sl": q.answered_within_sl,
        "abandoned": q.abandoned,
        "short_abandoned": q.short_abandoned,
        "exited": dict(q.exited),
        "refused": dict(q.refused),
        "overflowed_out": dict(q.overflowed_out),
        "overflowed_in": dict(q.overflowed_in),
        "callbacks": dict(q.callbacks),
        "waiting": q.waiting,
        "lost": q.lost,
        "service_level": q.service_level,
        "asa_s": q.asa_s,
        "answer_rate": q.answer_rate,
        "abandon_rate": q.abandon_rate,
        "lost_rate": q.lost_rate,
        "aht_s": q.aht_s,
    }


def _agent(a: AgentKpis) -> dict[str, Any]:
    return {
        "agent_id": a.agent_id,
        "answered": a.answered,
        "no_answers": a.no_answers,
        "handled": a.handled,
        "talk_s": a.talk_s,
        "aht_s": a.aht_s,
        "logged_in_s": a.logged_in_s,
        "paused_s": a.paused_s,
        "busy_s": a.busy_s,
        "occupancy": a.occupancy,
        "calls_per_hour": a.calls_per_hour,
        "pauses_s": dict(a.pauses),
    }
