"""The KPIs of a period, per queue and per agent. Pure: facts in, numbers out.

Definitions and the reasons for each choice: docs/kpi.md. In short:

* a call counts in the period in which it entered the queue (or was refused);
* short abandons (waited ``short_abandon_s`` or less) are counted, shown apart, and left
  out of every rate: numerators and denominators;
* service level is kpi.md's variant (d): answered within Y / (answered + abandoned),
  short abandons excluded; Y is the queue's ``service_level_s``;
* agent times (logged in, paused, occupancy) are cut to the period;
* an overflowed call counts as offered in each queue it visited; in a queue it left by
  overflow it is neither answered nor abandoned (out of that queue's SL and rates, shown
  as overflowed out per target); in the queue it went to, its wait counts from its first
  entry, so the SL there is the caller's real experience.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from acd.core.facts import Fact
from acd.core.outbound.facts import LeadDialled
from acd.core.report.agents import AgentTime, agent_times
from acd.core.report.calls import (
    ABANDONED,
    ANSWERED,
    EXITED,
    OVERFLOWED,
    REFUSED,
    WAITING,
    Visit,
    visits,
)
from acd.core.report.period import Period
from acd.core.report.rates import AgentKpis, QueueKpis

ALL = "all"
DEFAULT_SL_S = 20.0
DEFAULT_SHORT_ABANDON_S = 5.0


@dataclass(frozen=True)
class ReportOptions:
    short_abandon_s: float = DEFAULT_SHORT_ABANDON_S
    sl_threshold_s: Mapping[str, float] = field(default_factory=dict)  # queue -> Y
    default_sl_s: float = DEFAULT_SL_S  # queues not in sl_threshold_s

    def threshold(self, queue: str) -> float:
        return self.sl_threshold_s.get(queue, self.default_sl_s)


@dataclass(frozen=True)
class Report:
    period: Period
    options: ReportOptions
    queues: tuple[QueueKpis, ...]  # by name
    all_queues: QueueKpis
    agents: tuple[AgentKpis, ...]  # by id
    all_agents: AgentKpis


def compute_report(
    facts: Sequence[Fact],
    period: Period,
    now: float,
    options: ReportOptions,
    *,
    queues: Iterable[str] = (),
    agents: Iterable[str] = (),
) -> Report:
    """``facts``: in journal order, from each agent's last state before the period to a
    margin after it (so calls entered in the period have their outcome). ``queues`` and
    ``agents`` get a line even when the facts do not mention them (zeros)."""
    in_period = [v for v in visits(facts, now) if period.contains(v.entered_at)]
    # A campaign's person put into a queue is outbound work, not a caller: the queue's
    # service level and abandon rate are the inbound callers' (the dialer report has the
    # campaigns'); the agents' times count both.
    outbound = {f.call_id for f in facts if isinstance(f, LeadDialled)}
    inbound = [v for v in in_period if v.call_id not in outbound]
    times = agent_times(facts, period, now)
    queue_names = sorted({v.queue for v in in_period} | set(queues))
    agent_ids = sorted(
        {a for a, t in times.items() if t.logged_in_s > 0}
        | {v.agent_id for v in in_period if v.agent_id}
        | {a for v in in_period for a in v.missed_by}
        | set(agents)
    )
    per_agent = tuple(_agent_kpis(a, in_period, times.get(a, AgentTime())) for a in agent_ids)
    return Report(
        period=period,
        options=options,
        queues=tuple(
            _queue_kpis(q, [v for v in inbound if v.queue == q], options) for q in queue_names
        ),
        all_queues=_queue_kpis(ALL, inbound, options),
        agents=per_agent,
        all_agents=_sum_agents(per_agent),
    )


def _queue_kpis(name: str, calls: Sequence[Visit], options: ReportOptions) -> QueueKpis:
    answered = [v for v in calls if v.outcome == ANSWERED]
    abandoned = [v for v in calls if v.outcome == ABANDONED]
    handled = [v for v in answered if v.handled]
    return QueueKpis(
        queue=name,
        sl_threshold_s=options.threshold(name) if name != ALL else None,
        offered=sum(1 for v in calls if v.outcome != REFUSED),
        answered=len(answered),
        answered_within_sl=sum(1 for v in answered if v.wait_s <= options.threshold(v.queue)),
        abandoned=len(abandoned),
        short_abandoned=sum(1 for v in abandoned if v.wait_s <= options.short_abandon_s),
        exited=_count_reasons(v for v in calls if v.outcome == EXITED),
        refused=_count_reasons(v for v in calls if v.outcome == REFUSED),
        waiting=sum(1 for v in calls if v.outcome == WAITING),
        answered_wait_s=sum(v.wait_s for v in answered),
        handled=len(handled),
        handle_s=sum(v.handle_s for v in handled),
        overflowed_out=_count_reasons(v for v in calls if v.outcome == OVERFLOWED),
        overflowed_in=_count(v.overflowed_from for v in calls if v.overflowed_from),
        callbacks=_callbacks([v for v in calls if v.callback]),
    )


def _callbacks(booked: Sequence[Visit]) -> dict[str, int]:
    """Requested (merged requests included), completed (the customer talked to an
    agent), merged into an earlier one, failed (no answer after every dial), pending."""
    if not booked:
        return {}
    return {
        "requested": len(booked),
        "completed": sum(1 for v in booked if v.outcome == ANSWERED),
        "merged": sum(1 for v in booked if v.reason == "callback-merged"),
        "failed": sum(1 for v in booked if v.reason == "callback-failed"),
        "pending": sum(1 for v in booked if v.outcome == WAITING),
    }


def _count(keys: Iterable[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for key in keys:
        counts[key] = counts.get(key, 0) + 1
    return dict(sorted(counts.items()))


def _count_reasons(calls: Iterable[Visit]) -> dict[str, int]:
    return _count(visit.reason for visit in calls)


def _agent_kpis(agent_id: str, calls: Sequence[Visit], time: AgentTime) -> AgentKpis:
    answered = [v for v in calls if v.agent_id == agent_id]
    handled = [v for v in answered if v.handled]
    return AgentKpis(
        agent_id=agent_id,
        answered=len(answered),
        no_answers=sum(v.missed_by.count(agent_id) for v in calls),
        handled=len(handled),
        talk_s=sum(v.talk_s or 0.0 for v in handled),
        handle_s=sum(v.handle_s for v in handled),
        logged_in_s=time.logged_in_s,
        paused_s=time.paused_s,
        busy_s=time.busy_s,
        pauses=dict(sorted(time.by_pause_reason.items())),
    )


def _sum_agents(agents: Sequence[AgentKpis]) -> AgentKpis:
    pauses: dict[str, float] = {}
    for agent in agents:
        for reason, seconds in agent.pauses.items():
            pauses[reason] = pauses.get(reason, 0.0) + seconds
    return AgentKpis(
        agent_id=ALL,
        answered=sum(a.answered for a in agents),
        no_answers=sum(a.no_answers for a in agents),
        handled=sum(a.handled for a in agents),
        talk_s=sum(a.talk_s for a in agents),
        handle_s=sum(a.handle_s for a in agents),
        logged_in_s=sum(a.logged_in_s for a in agents),
        paused_s=sum(a.paused_s for a in agents),
        busy_s=sum(a.busy_s for a in agents),
        pauses=dict(sorted(pauses.items())),
    )
