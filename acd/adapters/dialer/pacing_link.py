"""The link between the dialer service and a predictive campaign's pacer
(dialer/predictive): what it is told (the calls' ends, the agents' talk and wrap-up
times), what it is asked (the campaign's agents and calls now), its decisions journaled
(PACING) and shown by `acd dialer status`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from acd.adapters.dialer.flights import Flight, Run
from acd.core.compliance.attempts import DialOutcome
from acd.core.engine.facts import AgentStateChanged
from acd.core.facts import Fact
from acd.core.outbound.facts import PacingDecided
from dialer.predictive.model import (
    DialEnded,
    Ending,
    LiveAbandoned,
    LiveConnected,
    PacingEvent,
    PoolState,
    TalkEnded,
    WrapEnded,
)


@dataclass(frozen=True)
class QueueAgents:
    """A campaign queue's agents as predictive pacing needs them."""

    free: int  # ready, less the callers waiting in the queue (inbound first)
    talking: tuple[float, ...] = ()  # seconds each agent on a call has talked
    wrapping: tuple[float, ...] = ()  # seconds each agent in wrap-up has been in it
    inbound_at_risk: bool = False  # callers wait longer than the queue's service level


class PacingLink:
    def __init__(
        self,
        queue_agents: Callable[[str], QueueAgents],
        members: Mapping[str, frozenset[str]],  # queue -> its agents
        record: Callable[[Sequence[Fact]], None],
        clock: Callable[[], float],
    ) -> None:
        self._queue_agents, self._members = queue_agents, dict(members)
        self._record, self._clock = record, clock
        self._agent_since: dict[str, tuple[str, float]] = {}  # agent -> (state, since)

    def decide(self, run: Run, lines_free: int) -> int:
        """The pacer's decision (journaled when it places calls or changes its reason).
        Blending: the agents kept for inbound callers are not offered to the pacer, and
        none at all while the queue's callers wait past its service level."""
        assert run.pacer is not None
        now = self._clock()
        agents = self._queue_agents(run.campaign.queue)
        ready = 0 if agents.inbound_at_risk else max(0, agents.free - run.campaign.inbound_reserve)
        ringing = tuple(now - placed for placed in run.ringing_since)
        state = PoolState(now, ready, agents.talking, agents.wrapping, ringing, max(0, lines_free))
        decision = run.pacer.decide(state)
        if agents.inbound_at_risk:
            decision = dataclasses.replace(
                decision, dials=0, reason="inbound callers wait past their service level"
            )
        run.last_decision = decision
        if decision.dials > 0 or decision.reason != run.last_reason:
            run.last_reason = decision.reason
            figures = tuple(sorted((k, round(v, 4)) for k, v in decision.figures.items()))
            self._record(
                [
                    PacingDecided(
                        now,
                        run.campaign.name,
                        decision.dials,
                        round(decision.level, 3),
                        decision.reason,
                        figures,
                    )
                ]
            )
        return decision.dials

    def agent_changed(self, fact: AgentStateChanged, runs: Iterable[Run]) -> None:
        """Talk and wrap-up times of the predictive campaigns' agents, inbound calls too:
        the pacer forecasts when agents free, whatever they are busy with."""
        before = self._agent_since.get(fact.agent_id)
        self._agent_since[fact.agent_id] = (fact.state, fact.at)
        if before is None:
            return
        state, since = before
        event: PacingEvent
        if state == "on_call":
            event = TalkEnded(fact.at, fact.at - since)
        elif state == "wrap_up":
            event = WrapEnded(fact.at, fact.at - since)
        else:
            return
        for run in runs:
            if fact.agent_id in self._members.get(run.campaign.queue, frozenset()):
                observe(run, event)


def observe(run: Run, event: PacingEvent | None) -> None:
    if run.pacer is not None and event is not None:
        run.pacer.observe(event)


def pacing_event(flight: Flight, outcome: DialOutcome, now: float) -> PacingEvent | None:
    """What a call's end tells the pacer: a person put through or abandoned, or a dial
    that reached nobody who needed an agent (the live answers are seen when queued)."""
    if flight.queued:
        if outcome is DialOutcome.ABANDONED:
            return LiveAbandoned(now)
        return LiveConnected(now, now - flight.queued_at)
    if flight.answered:
        return DialEnded(now, flight.placed_at, Ending.MACHINE)
    return DialEnded(now, flight.placed_at, Ending.NOT_REACHED)


def pacing_status(run: Run) -> dict[str, object] | None:
    """For `acd dialer status`: the dial level, why, the estimates, and per window the
    abandon rate and the abandons left before the target."""
    if run.pacer is None:
        return None
    decision = run.last_decision
    budget = run.pacer.budget
    return {
        "level": round(decision.level, 2) if decision else 0.0,
        "reason": decision.reason if decision else "not started",
        "figures": {k: round(v, 3) for k, v in (decision.figures if decision else {}).items()},
        "abandon_rate": {name: round(budget.rate(name), 4) for name in budget.windows},
        "live": {name: budget.live(name) for name in budget.windows},
        "abandons_left": {name: round(budget.left(name), 1) for name in budget.windows},
    }
