"""Overflow against full pooling: two teams that help each other after w seconds, against
one team of the same size serving everybody.

    .venv/bin/python bench/overflow_pooling.py [--calls 100000] [--batches 20] [--seed 1]
    .venv/bin/python bench/overflow_pooling.py --quick   # 3,000 calls, 10 batches: checks
                                                         # that it works; not for figures

Two queues A and B, each with its own 10 agents, each at 80 % load: Poisson arrivals
(160 calls an hour each), exponential handle times (mean 180 s), exponential patience
(mean 180 s: callers hang up when it runs out), agents answer the moment they are rung.

* "split": no overflow, two separate Erlang A systems (for reference);
* "overflow w": each queue's rule ``waited_over: w -> queue both`` (checked every
  second) moves a caller who waited w seconds into the queue "both", whose members are
  all 20 agents; the caller keeps their entry time, and the engine's one global order
  makes any free agent of either team take the caller who has waited longest. That is
  the configuration an operator writes for "help the other team after w seconds";
* "pooled": one queue, 20 agents, both arrival streams: the Erlang A system the goal
  compares with, simulated by the same engine and computed by Erlang A's formula
  (acd/core/engine/erlang.py) as a cross-check of the simulation.

Service level: answered within 20 s of the *first* entry / offered (kpi.md variant (b)
over a whole system); abandonment: abandoned / offered. Each system runs in its own
process; the first 2 % of calls are left out; 95 % confidence intervals by batch means.
Goal: the overflow system's SL at least 95 % of the pooled SL, at w = 10 s (half the SL
threshold: what we recommend). Last line JSON with ``ratio_to_pooled_sl``.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import random
import sys
import time
from dataclasses import dataclass, field
from functools import partial

from _quick import parse_args
from _stats import Interval, batch_means

from acd.core.engine import AcdConfig, AgentConfig, Engine, Output, QueueConfig
from acd.core.engine.commands import ConnectCall, RingAgent
from acd.core.engine.config import OverflowRule, OverflowTo, OverflowWhen
from acd.core.engine.driver import Driver
from acd.core.engine.erlang import erlang_a_figures
from acd.core.engine.events import (
    AgentAnswered,
    AgentLoggedIn,
    CallAbandoned,
    CallArrived,
    CallEnded,
    PhoneState,
    PhoneStateChanged,
)
from acd.core.engine.facts import CallAbandonedInQueue, CallAnswered

TEAM, HANDLE_S, PATIENCE_S, THRESHOLD_S, LOAD = 10, 180.0, 180.0, 20.0, 0.8
RATE = LOAD * TEAM / HANDLE_S  # per queue, calls per second
WARM_UP = 0.02
GOAL_W = 10.0
OVERFLOW_WAITS = (0.0, 5.0, 10.0, 20.0, 30.0)
QUICK = {"calls": 3_000, "batches": 10}


@dataclass(frozen=True)
class System:
    name: str
    config: AcdConfig
    streams: tuple[str, ...]  # the queue each arrival stream calls


def systems() -> list[System]:
    team_a = tuple(str(1000 + i) for i in range(TEAM))
    team_b = tuple(str(2000 + i) for i in range(TEAM))
    agents = tuple(AgentConfig(a) for a in team_a + team_b)
    found = [
        System(
            "split",
            AcdConfig((QueueConfig("a", team_a), QueueConfig("b", team_b)), agents),
            ("a", "b"),
        )
    ]
    for wait in OVERFLOW_WAITS:
        rule = (OverflowRule(OverflowWhen.WAITED_OVER, OverflowTo.QUEUE, "both", wait),)
        queues = (
            QueueConfig("a", team_a, overflow=rule),
            QueueConfig("b", team_b, overflow=rule),
            QueueConfig("both", team_a + team_b),
        )
        found.append(System(f"overflow {wait:g}", AcdConfig(queues, agents), ("a", "b")))
    pooled = AcdConfig((QueueConfig("all", team_a + team_b),), agents)
    found.append(System("pooled", pooled, ("all", "all")))
    return found


@dataclass
class Run:
    rng: random.Random
    entered: int = 0
    waited: dict[int, float] = field(default_factory=dict)  # answered: call -> wait
    abandoned: set[int] = field(default_factory=set)

    def react(self, sim: Driver, output: Output) -> None:
        for fact in output.facts:
            if isinstance(fact, CallAnswered):
                self.waited[int(fact.call_id)] = fact.wait_s  # from the first entry
            elif isinstance(fact, CallAbandonedInQueue):
                self.abandoned.add(int(fact.call_id))
        for command in output.commands:
            if isinstance(command, RingAgent):
                sim.send(AgentAnswered(command.call_id, command.agent_id))
            elif isinstance(command, ConnectCall):
                talk = self.rng.expovariate(1 / HANDLE_S)
                sim.at(sim.now + talk, partial(sim.send, CallEnded(command.call_id, "agent")))


def simulate(system: System, calls: int, batches: int, seed: int) -> dict[str, object]:
    started = time.perf_counter()
    run = Run(random.Random(seed))
    sim = Driver(Engine(system.config, seed), react=run.react, keep=False)
    for agent in system.config.agents:
        sim.send(PhoneStateChanged(agent.id, PhoneState.NOT_INUSE))
        sim.send(AgentLoggedIn(agent.id))

    def arrive(queue: str) -> None:
        if run.entered >= calls:
            return
        call = run.entered
        run.entered += 1
        sim.at(sim.now + run.rng.expovariate(1 / PATIENCE_S), partial(give_up, call))
        sim.send(CallArrived(str(call), queue, sim.now))
        sim.at(sim.now + run.rng.expovariate(RATE), partial(arrive, queue))

    def give_up(call: int) -> None:
        if call not in run.waited:
            sim.send(CallAbandoned(str(call)))  # refused by the engine if already gone

    for queue in system.streams:
        sim.at(run.rng.expovariate(RATE), partial(arrive, queue))
    sim.advance(float("inf"))
    sl, abandon = _intervals(run, batches)
    return {
        "system": system.name,
        "sl": sl,
        "abandon": abandon,
        "calls": run.entered,
        "seconds": round(time.perf_counter() - started, 1),
    }


def _intervals(run: Run, batches: int) -> tuple[Interval, Interval]:
    first = int(run.entered * WARM_UP)
    size = (run.entered - first) // batches
    sl, abandon = [], []
    for b in range(batches):
        batch = range(first + b * size, first + (b + 1) * size)
        sl.append(sum(run.waited.get(c, THRESHOLD_S + 1) <= THRESHOLD_S for c in batch) / size)
        abandon.append(sum(c in run.abandoned for c in batch) / size)
    return batch_means(sl), batch_means(abandon)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--calls", type=int, default=100_000, help="per system")
    parser.add_argument("--batches", type=int, default=20, choices=(10, 20, 30, 40))
    parser.add_argument("--seed", type=int, default=1)
    args = parse_args(parser, QUICK)
    # The same seed for every system: common random numbers make the comparison sharper.
    jobs = [(system, args.calls, args.batches, args.seed) for system in systems()]
    with multiprocessing.get_context("fork").Pool() as pool:
        results = {r["system"]: r for r in pool.starmap(simulate, jobs)}
    pooled_sl = results["pooled"]["sl"].mean  # type: ignore[attr-defined]
    theory = erlang_a_figures(2 * TEAM, 2 * RATE, HANDLE_S, PATIENCE_S, THRESHOLD_S)
    print(
        f"pooled, Erlang A formula: SL {theory.service_level:.4f}, abandon {theory.p_abandon:.4f}"
    )
    rows = []
    for name, result in results.items():
        sl, abandon = result["sl"], result["abandon"]
        ratio = sl.mean / pooled_sl  # type: ignore[attr-defined]
        print(
            f"{name:12} SL {sl}  abandon {abandon}  SL / pooled {ratio:.3f}  "
            f"({result['calls']:,} calls, {result['seconds']} s)"
        )
        rows.append(
            {
                "system": name,
                "sl": round(sl.mean, 4),  # type: ignore[attr-defined]
                "sl_ci95": [round(sl.low, 4), round(sl.high, 4)],  # type: ignore[attr-defined]
                "abandon": round(abandon.mean, 4),  # type: ignore[attr-defined]
                "ratio_to_pooled_sl": round(ratio, 4),
            }
        )
    goal = next(r for r in rows if r["system"] == f"overflow {GOAL_W:g}")
    print(
        f"goal: overflow after {GOAL_W:g} s >= 95 % of the pooled SL: "
        f"{goal['ratio_to_pooled_sl']:.3f}"
    )
    print(
        f"python {sys.version.split()[0]}, {args.calls:,} calls per system, "
        f"{args.batches} batches, seed {args.seed}"
    )
    print(
        json.dumps(
            {
                "ratio_to_pooled_sl": goal["ratio_to_pooled_sl"],
                "overflow_after_s": GOAL_W,
                "pooled_sl": round(pooled_sl, 4),
                "pooled_sl_formula": round(theory.service_level, 4),
                "pooled_abandon_formula": round(theory.p_abandon, 4),
                "systems": rows,
            }
        )
    )


if __name__ == "__main__":
    main()
