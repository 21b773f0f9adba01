"""Estimated-wait accuracy over a simulated day: ours against app_queue's formula.

    .venv/bin/python bench/ewt_accuracy.py [--days 5] [--seed 1]
    .venv/bin/python bench/ewt_accuracy.py --quick   # 1 day per plan: checks that it works;
                                                     # not for figures

One queue, 08:00 to 20:00. Arrivals are Poisson with an hourly rate that rises to a
morning peak, dips at lunch and peaks again; staffing follows shifts (agents log in and
out through the day, some pause for lunch), so load and staffing both change. Two
staffing plans on the same arrivals: "busy" (the peaks are short of an agent or two for
an hour: queues build and drain; the goal is measured here) and "calm" (short waits all
day: most of the error is then the randomness no estimate can remove). Handle
times are lognormal (mean 240 s, coefficient of variation about 1: not the exponential
the estimate assumes), rings last 2 s, wrap-up 10 s, callers give up after an
exponential patience (mean 240 s).

A caller hears an estimate when they start waiting and every 30 s after (the engine's
Announce). At each of those moments both estimates are taken on the same trace:

* ours: the engine's estimate (``engine.estimated_wait`` at entry, ``Announce`` after);
* app_queue: ``holdtime - waited`` (never below 0), where holdtime is app_queue's
  exponential average of answered callers' waits, new = (3·old + wait) / 4, from 0.

The error is |estimate - actual remaining wait| for callers who were answered (the wait
of a caller who hung up is unknown). Goal: our mean absolute error at most half of
app_queue's.

Prints figures per day and overall, then a last line of JSON:
{"ours_mae_s": ..., "app_queue_mae_s": ..., "ratio": ..., ...}
"""

from __future__ import annotations

import argparse
import json
import math
import random
import statistics
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

from _quick import parse_args

from acd.core.engine import AcdConfig, AgentConfig, Engine, Output, QueueConfig
from acd.core.engine.commands import Announce, ConnectCall, RingAgent
from acd.core.engine.config import PauseReason
from acd.core.engine.driver import Driver
from acd.core.engine.events import (
    AgentAnswered,
    AgentLoggedIn,
    AgentLoggedOut,
    AgentPaused,
    AgentUnpaused,
    CallAbandoned,
    CallArrived,
    CallEnded,
    EngineEvent,
    PhoneState,
    PhoneStateChanged,
)
from acd.core.engine.facts import CallAnswered

HOUR = 3600.0
CALLS_PER_HOUR = (70, 130, 190, 170, 120, 95, 150, 180, 140, 105, 75, 45)  # 08:00 -> 20:00
# Staffing per hour. "busy": the peaks are understaffed for an hour or so, as happens on
# a Monday morning, so queues build and drain; "calm": staffed for short waits all day.
STAFFING = {
    "busy": (6, 9, 12, 12, 10, 8, 10, 12, 11, 9, 6, 4),
    "calm": (6, 10, 14, 14, 11, 10, 12, 14, 12, 10, 7, 5),
}
HANDLE_MEAN_S, HANDLE_SIGMA = 240.0, 0.85  # lognormal; CV = sqrt(exp(σ²) - 1) ≈ 0.95
PATIENCE_S, RING_S, WRAP_UP_S, ANNOUNCE_S = 240.0, 2.0, 10.0, 30.0
AGENT_IDS = tuple(str(1000 + i) for i in range(14))
QUICK = {"days": 1}


@dataclass
class Estimate:
    call_id: str
    at: float
    ours: float
    app_queue: float
    other: float | None = None  # a third estimator's, when one is given (ewt_floor.py)


@dataclass
class Day:
    rng: random.Random
    sim: Driver | None = None
    other: Callable[[Driver, str], float] | None = None
    holdtime: float = 0.0  # app_queue's running average
    entered: dict[str, float] = field(default_factory=dict)
    answered_at: dict[str, float] = field(default_factory=dict)
    estimates: list[Estimate] = field(default_factory=list)
    unknown: int = 0  # announcements with nobody staffed (ours says "unknown")

    def react(self, sim: Driver, output: Output) -> None:
        for fact in output.facts:
            if isinstance(fact, CallAnswered):
                self.answered_at[fact.call_id] = fact.at
                self.holdtime = (3 * self.holdtime + fact.wait_s) / 4
        for command in output.commands:
            if isinstance(command, RingAgent):
                answer = AgentAnswered(command.call_id, command.agent_id)
                sim.at(sim.now + RING_S, partial(sim.send, answer))
            elif isinstance(command, ConnectCall):
                talk = self.rng.lognormvariate(log_mean(), HANDLE_SIGMA)
                sim.at(sim.now + talk, partial(sim.send, CallEnded(command.call_id, "agent")))
            elif isinstance(command, Announce):
                self.record_estimate(command.call_id, command.estimated_wait_s, sim.now)

    def record_estimate(self, call_id: str, ours: float, now: float) -> None:
        if ours < 0:
            self.unknown += 1
            return
        app_queue = max(0.0, self.holdtime - (now - self.entered[call_id]))
        other = self.other(self.sim, call_id) if self.other and self.sim else None
        self.estimates.append(Estimate(call_id, now, ours, app_queue, other))

    def errors(self) -> tuple[list[float], list[float]]:
        ours, theirs = [], []
        for e in self.estimates:
            if e.call_id in self.answered_at:
                actual = self.answered_at[e.call_id] - e.at
                ours.append(abs(e.ours - actual))
                theirs.append(abs(e.app_queue - actual))
        return ours, theirs


def log_mean() -> float:
    """μ of the lognormal handle time whose mean is HANDLE_MEAN_S."""
    return math.log(HANDLE_MEAN_S) - HANDLE_SIGMA**2 / 2


def simulate_day(
    seed: int, staffing: tuple[int, ...], other: Callable[[Driver, str], float] | None = None
) -> Day:
    rng = random.Random(seed)
    config = AcdConfig(
        queues=(
            QueueConfig(
                "q",
                AGENT_IDS,
                wrap_up_s=WRAP_UP_S,
                announce_every_s=ANNOUNCE_S,
                ring_timeout_s=20,
                default_handle_s=HANDLE_MEAN_S,
            ),
        ),
        agents=tuple(AgentConfig(a) for a in AGENT_IDS),
        pause_reasons=(PauseReason("1", "lunch"),),
    )
    day = Day(rng, other=other)
    sim = day.sim = Driver(Engine(config, seed), react=day.react, keep=False)
    for agent in AGENT_IDS:
        sim.send(PhoneStateChanged(agent, PhoneState.NOT_INUSE))
    _schedule_shifts(sim, rng, staffing)
    _schedule_arrivals(sim, day, rng)
    sim.advance(math.inf)
    return day


def _schedule_shifts(sim: Driver, rng: random.Random, staffing: tuple[int, ...]) -> None:
    """Agents log in and out at each hour to match ``staffing`` (a few minutes late or
    early, as people are); two of them take a 30-minute lunch pause around 12:30."""
    logged: list[str] = []
    for hour, wanted in enumerate(staffing):
        start = hour * HOUR
        while len(logged) < wanted:
            agent = AGENT_IDS[len(logged)]
            logged.append(agent)
            _at(sim, start + rng.uniform(-300, 300), AgentLoggedIn(agent))
        while len(logged) > wanted:
            _at(sim, start + rng.uniform(-300, 300), AgentLoggedOut(logged.pop()))
    for agent in AGENT_IDS[:2]:
        lunch = 4.5 * HOUR + rng.uniform(-600, 600)
        _at(sim, lunch, AgentPaused(agent, "lunch"))
        _at(sim, lunch + 1800, AgentUnpaused(agent))


def _schedule_arrivals(sim: Driver, day: Day, rng: random.Random) -> None:
    count = 0
    for hour, rate in enumerate(CALLS_PER_HOUR):
        t = hour * HOUR
        while (t := t + rng.expovariate(rate / HOUR)) < (hour + 1) * HOUR:
            count += 1
            call_id = f"c{count}"
            sim.at(t, partial(_arrive, sim, day, call_id))
            sim.at(t + rng.expovariate(1 / PATIENCE_S), partial(_give_up, sim, day, call_id))


def _arrive(sim: Driver, day: Day, call_id: str) -> None:
    day.entered[call_id] = sim.now
    output = sim.send(CallArrived(call_id, "q", sim.now))
    if not any(isinstance(c, RingAgent) for c in output.commands):  # the caller waits
        day.record_estimate(
            call_id, _or_unknown(sim.engine.estimated_wait(call_id, sim.now)), sim.now
        )


def _or_unknown(wait: float) -> float:
    return -1.0 if math.isinf(wait) else wait


def _give_up(sim: Driver, day: Day, call_id: str) -> None:
    if call_id not in day.answered_at:
        sim.send(CallAbandoned(call_id))  # rejected by the engine if already gone


def _at(sim: Driver, when: float, event: EngineEvent) -> None:
    sim.at(max(0.0, when), partial(sim.send, event))


def run(scenario: str, days: int, seed: int) -> tuple[float, float, list[float], list[float]]:
    ours_all: list[float] = []
    theirs_all: list[float] = []
    for d in range(days):
        day = simulate_day(seed + d, STAFFING[scenario])
        ours, theirs = day.errors()
        ours_all += ours
        theirs_all += theirs
        print(
            f"{scenario} day {d + 1}: {len(day.entered):,} callers, "
            f"{len(day.answered_at):,} answered, {len(ours):,} estimates: MAE ours "
            f"{statistics.fmean(ours):.1f} s, app_queue {statistics.fmean(theirs):.1f} s"
        )
    ours_mae, theirs_mae = statistics.fmean(ours_all), statistics.fmean(theirs_all)
    print(
        f"{scenario}: {len(ours_all):,} estimates, MAE ours {ours_mae:.1f} s, app_queue "
        f"{theirs_mae:.1f} s, ratio {ours_mae / theirs_mae:.2f}"
    )
    return ours_mae, theirs_mae, ours_all, theirs_all


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--days", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    args = parse_args(parser, QUICK)
    ours_mae, theirs_mae, ours_all, theirs_all = run("busy", args.days, args.seed)
    calm_ours, calm_theirs, _, _ = run("calm", args.days, args.seed)
    ratio = ours_mae / theirs_mae
    print(f"goal (busy day): ours <= half of app_queue's: ratio {ratio:.2f}")
    print(f"python {sys.version.split()[0]}, {args.days} days per scenario, seed {args.seed}")
    print(
        json.dumps(
            {
                "ours_mae_s": round(ours_mae, 2),
                "app_queue_mae_s": round(theirs_mae, 2),
                "ratio": round(ratio, 3),
                "estimates": len(ours_all),
                "ours_median_error_s": round(statistics.median(ours_all), 1),
                "app_queue_median_error_s": round(statistics.median(theirs_all), 1),
                "calm_ours_mae_s": round(calm_ours, 2),
                "calm_app_queue_mae_s": round(calm_theirs, 2),
                "calm_ratio": round(calm_ours / calm_theirs, 3),
                "days": args.days,
            }
        )
    )


if __name__ == "__main__":
    main()
