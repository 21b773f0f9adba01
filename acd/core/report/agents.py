"""How long each agent spent in each state during a period, from AGENTSTATE facts. Pure.

An agent is in a state from one AGENTSTATE fact to their next; the time is cut to the
period, and to ``now`` for a period not over yet. A server restart (RESTART) ends every
state at the server's last sign of life: the time it was away is counted nowhere.
The facts must start with each agent's last state change before the period
(Journal.agent_states_before), so an agent logged in since the night before counts from
the period's start. Without it, time before the
agent's first fact in the period is not counted: the journal cannot tell what it was.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from acd.core.engine.facts import AgentStateChanged
from acd.core.facts import Fact
from acd.core.lifecycle import ServerRestarted
from acd.core.report.period import Period

LOGGED_OUT, PAUSED, ON_CALL, WRAP_UP = "logged_out", "paused", "on_call", "wrap_up"


@dataclass
class AgentTime:
    """Seconds per state, and paused seconds per reason."""

    by_state: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    by_pause_reason: dict[str, float] = field(default_factory=lambda: defaultdict(float))

    @property
    def logged_in_s(self) -> float:
        return sum(s for state, s in self.by_state.items() if state != LOGGED_OUT)

    @property
    def paused_s(self) -> float:
        return self.by_state.get(PAUSED, 0.0)

    @property
    def busy_s(self) -> float:
        """Talk and after-call work (there is no hold in the journal yet)."""
        return self.by_state.get(ON_CALL, 0.0) + self.by_state.get(WRAP_UP, 0.0)


@dataclass
class _Current:
    state: str
    reason: str
    since: float


def agent_times(facts: Iterable[Fact], period: Period, now: float) -> dict[str, AgentTime]:
    """Agent id -> time per state within ``period`` (cut at ``now``)."""
    end = min(period.until, now)
    times: dict[str, AgentTime] = defaultdict(AgentTime)
    current: dict[str, _Current] = {}
    for fact in facts:
        if isinstance(fact, ServerRestarted):  # the time it was away is nobody's state
            for agent_id, span in current.items():
                _count(times[agent_id], span, min(fact.down_since, end), period.since)
            current.clear()
            continue
        if not isinstance(fact, AgentStateChanged):
            continue
        if (before := current.get(fact.agent_id)) is not None:
            _count(times[fact.agent_id], before, min(fact.at, end), period.since)
        current[fact.agent_id] = _Current(fact.state, fact.reason, fact.at)
    for agent_id, last in current.items():
        _count(times[agent_id], last, end, period.since)
    return {agent_id: time for agent_id, time in times.items() if time.by_state}


def _count(time: AgentTime, span: _Current, end: float, period_start: float) -> None:
    seconds = end - max(span.since, period_start)
    if seconds <= 0:
        return
    time.by_state[span.state] += seconds
    if span.state == PAUSED:
        time.by_pause_reason[span.reason] += seconds
