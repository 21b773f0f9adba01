"""A day's KPIs per interval, for the web console's reports (console.py): the same
computation as `acd report` (acd/core/report), over each interval of the day, read from
the journal in a worker thread (the event loop serves calls meanwhile).

A tenant's user gets their queues only, and the totals of those (facts of other queues
are left out before computing; agents' states are kept, so their occupancy is whole).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from acd.adapters.journal.period import facts_for_period
from acd.core.compliance.rule_set import RuleSet
from acd.core.facts import Fact
from acd.core.report.dialer import campaigns, campaigns_json
from acd.core.report.errors import ReportError
from acd.core.report.fcr import first_contact
from acd.core.report.ivr import funnel, funnel_json
from acd.core.report.jsonout import report_json
from acd.core.report.kpi import ReportOptions, compute_report
from acd.core.report.period import Period, parse_period


@dataclass(frozen=True)
class DayReports:
    journal: Path
    options: ReportOptions
    queues: tuple[str, ...]  # configured: a line each even when quiet
    agents: tuple[str, ...]
    clock: Callable[[], float]
    # the campaigns' queues (a tenant sees its own), rule sets and AMD error rates
    campaign_queue: Mapping[str, str] = field(default_factory=dict)
    rule_sets: Mapping[str, RuleSet] = field(default_factory=dict)
    amd_rates: Mapping[str, float] = field(default_factory=dict)

    async def __call__(
        self, day: str, interval_s: int, shown: frozenset[str] | None, fcr_days: float
    ) -> dict[str, Any]:
        """ValueError if ``day`` is not a day (YYYY-MM-DD, today, yesterday)."""
        return await asyncio.to_thread(self.compute, day, interval_s, shown, fcr_days)

    def compute(
        self, day: str, interval_s: int, shown: frozenset[str] | None, fcr_days: float
    ) -> dict[str, Any]:
        now = self.clock()
        try:
            period = parse_period(day, None, now)
        except ReportError as exc:
            raise ValueError(str(exc)) from exc
        repeat_s = fcr_days * 86_400.0
        # the repeat calls are looked for up to fcr_days after the day
        facts = self._facts(Period(period.since, period.until + repeat_s, period.label))
        if shown is not None:
            facts = [f for f in facts if getattr(f, "queue", None) in (None, *shown)]
        queues = [q for q in self.queues if shown is None or q in shown]
        intervals = []
        start = period.since
        while start < period.until:
            end = min(start + interval_s, period.until)
            part = Period(start, end, f"{start:.0f}")
            figures = self._report(facts, part, now, queues)
            intervals.append({"since": start, "until": end, **figures})
            start = end
        return {
            "day": period.label,
            "interval_s": interval_s,
            "intervals": intervals,
            "total": self._report(facts, period, now, queues),
            "first_contact": {
                "repeat_days": fcr_days,
                "queues": [asdict(row) for row in first_contact(facts, period, repeat_s)],
            },
            # the menus are the centre's own: not a tenant's
            "ivr_funnel": funnel_json(funnel(facts, period)) if shown is None else [],
            "campaigns": self._campaigns(facts, period, now, shown),
        }

    def _campaigns(
        self, facts: Sequence[Fact], period: Period, now: float, shown: frozenset[str] | None
    ) -> list[dict[str, Any]]:
        rows = campaigns_json(campaigns(facts, period, self.rule_sets, self.amd_rates, now=now))
        if shown is None:
            return rows
        return [r for r in rows if self.campaign_queue.get(r["campaign"]) in shown]

    def _report(
        self, facts: Sequence[Fact], period: Period, now: float, queues: list[str]
    ) -> dict[str, Any]:
        report = compute_report(facts, period, now, self.options, queues=queues)
        agents = [a.agent_id for a in report.agents]
        document = report_json(report, [q.queue for q in report.queues], agents)
        document.pop("period")
        return document

    def _facts(self, period: Period) -> list[Fact]:
        if not self.journal.exists():
            return []
        return facts_for_period(self.journal, period.since, period.until)
