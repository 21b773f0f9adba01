"""Erlang conformance: the engine in a virtual clock against queueing theory.

    .venv/bin/python bench/erlang_conformance.py [--calls 300000] [--batches 30] [--seed 1]
    .venv/bin/python bench/erlang_conformance.py --quick   # 3,000 calls, 10 batches: checks
                                                           # that it works; not for figures

Poisson arrivals (100 calls per 30 min), exponential handle times (mean 180 s), N agents
who answer the moment they are rung; for Erlang A, exponential patience: a caller still
waiting when it runs out hangs up. Each case of /work/shared/kpi.md runs as its own
process; the first 2 % of calls (an empty system warming up) are left out and the rest
cut into batches by arrival. Goal: every reference value inside the 95 % confidence
interval of the batch means, and FIFO never broken (each offered caller is the earliest
still waiting). Definitions (kpi.md): SL20 = answered within 20 s / offered calls
(variant (b): abandons count as misses), ASA = mean wait of answered calls,
P(abandon) = abandoned / offered.

Prints a line per figure, then a last line of JSON:
{"all_within_ci": ..., "fifo_violations": ..., "cases": [...]}
"""

from __future__ import annotations

import argparse
import bisect
import json
import multiprocessing
import random
import sys
import time
from dataclasses import dataclass, field
from functools import partial

from _quick import parse_args
from _stats import batch_means

from acd.core.engine import AcdConfig, AgentConfig, Engine, Output, QueueConfig
from acd.core.engine.commands import ConnectCall, RingAgent
from acd.core.engine.driver import Driver
from acd.core.engine.erlang import erlang_a_figures, erlang_c_figures
from acd.core.engine.events import (
    AgentAnswered,
    AgentLoggedIn,
    CallAbandoned,
    CallArrived,
    CallEnded,
    PhoneState,
    PhoneStateChanged,
)
from acd.core.engine.facts import CallAbandonedInQueue, CallAnswered, CallOffered

ARRIVAL_RATE, HANDLE_S, THRESHOLD_S = 100 / 1800, 180.0, 20.0
WARM_UP = 0.02
QUICK = {"calls": 3_000, "batches": 10}  # wide intervals: a reference may fall outside


@dataclass(frozen=True)
class Case:
    name: str
    agents: int
    patience_s: float | None
    reference: dict[str, float]  # kpi.md's reference values


CASES = (
    Case("Erlang C, N = 13", 13, None, {"sl20": 0.7956}),
    Case("Erlang C, N = 14", 14, None, {"sl20": 0.8884, "asa_s": 7.84}),
    Case(
        "Erlang A, N = 12, patience 60 s",
        12,
        60.0,
        {"sl20": 0.8603, "p_abandon": 0.0759, "asa_s": 3.52},
    ),
    Case("Erlang A, N = 12, patience 180 s", 12, 180.0, {"sl20": 0.8023, "p_abandon": 0.0531}),
    Case(
        "Erlang A, N = 10, patience 120 s",
        10,
        120.0,
        {"sl20": 0.6399, "p_abandon": 0.1375, "asa_s": 14.55},
    ),
)


@dataclass
class Run:
    """What the simulation saw, call by call, in arrival order."""

    rng: random.Random
    entered: list[float] = field(default_factory=list)
    waited: dict[int, float] = field(default_factory=dict)  # answered: call -> wait
    abandoned: set[int] = field(default_factory=set)
    waiting: list[tuple[float, int]] = field(default_factory=list)  # sorted: the FIFO check
    fifo_violations: int = 0

    def react(self, sim: Driver, output: Output) -> None:
        for fact in output.facts:
            if isinstance(fact, CallOffered):
                self._check_fifo(int(fact.call_id))
            elif isinstance(fact, CallAnswered):
                self.waited[int(fact.call_id)] = fact.wait_s
            elif isinstance(fact, CallAbandonedInQueue):
                self.abandoned.add(int(fact.call_id))
                self._forget(int(fact.call_id))
        for command in output.commands:
            if isinstance(command, RingAgent):  # agents answer at once
                sim.send(AgentAnswered(command.call_id, command.agent_id))
            elif isinstance(command, ConnectCall):
                talk = self.rng.expovariate(1 / HANDLE_S)
                sim.at(sim.now + talk, partial(_hang_up, sim, command.call_id))

    def _check_fifo(self, call: int) -> None:
        if self.waiting[0][1] != call:
            self.fifo_violations += 1
        self._forget(call)

    def _forget(self, call: int) -> None:
        key = (self.entered[call], call)
        index = bisect.bisect_left(self.waiting, key)
        if index < len(self.waiting) and self.waiting[index] == key:
            del self.waiting[index]


def _hang_up(sim: Driver, call_id: str) -> None:
    sim.send(CallEnded(call_id, "agent"))


def simulate(case: Case, calls: int, batches: int, seed: int) -> dict[str, object]:
    started = time.perf_counter()
    ids = tuple(str(1000 + i) for i in range(case.agents))
    config = AcdConfig(
        queues=(QueueConfig("q", ids, ring_timeout_s=60),),
        agents=tuple(AgentConfig(a) for a in ids),
    )
    run = Run(random.Random(seed))
    sim = Driver(Engine(config, seed), react=run.react, keep=False)
    for agent in ids:
        sim.send(PhoneStateChanged(agent, PhoneState.NOT_INUSE))
        sim.send(AgentLoggedIn(agent))

    def arrive() -> None:
        call = len(run.entered)
        run.entered.append(sim.now)
        run.waiting.append((sim.now, call))  # arrivals come in time order: stays sorted
        if case.patience_s is not None:
            sim.at(sim.now + run.rng.expovariate(1 / case.patience_s), lambda: give_up(call))
        sim.send(CallArrived(str(call), "q", sim.now))
        if len(run.entered) < calls:
            sim.at(sim.now + run.rng.expovariate(ARRIVAL_RATE), arrive)

    def give_up(call: int) -> None:
        if call not in run.waited:
            sim.send(CallAbandoned(str(call)))

    sim.at(0.0, arrive)
    sim.advance(float("inf"))
    return {
        "case": case.name,
        **_figures(case, run, batches),
        "fifo_violations": run.fifo_violations,
        "seconds": round(time.perf_counter() - started, 1),
    }


def _figures(case: Case, run: Run, batches: int) -> dict[str, object]:
    first = int(len(run.entered) * WARM_UP)
    size = (len(run.entered) - first) // batches
    per_batch: dict[str, list[float]] = {"sl20": [], "asa_s": [], "p_abandon": []}
    for b in range(batches):
        batch = range(first + b * size, first + (b + 1) * size)
        waits = [run.waited[c] for c in batch if c in run.waited]
        per_batch["sl20"].append(sum(w <= THRESHOLD_S for w in waits) / size)
        per_batch["asa_s"].append(sum(waits) / len(waits))
        per_batch["p_abandon"].append(sum(c in run.abandoned for c in batch) / size)
    theory = (
        erlang_c_figures(case.agents, ARRIVAL_RATE, HANDLE_S, THRESHOLD_S)
        if case.patience_s is None
        else erlang_a_figures(case.agents, ARRIVAL_RATE, HANDLE_S, case.patience_s, THRESHOLD_S)
    )
    computed = {"sl20": theory.service_level, "asa_s": theory.asa_s, "p_abandon": theory.p_abandon}
    checks = {}
    for name, reference in case.reference.items():
        interval = batch_means(per_batch[name])
        checks[name] = {
            "reference": reference,
            "formula": round(computed[name], 4),
            "simulated": round(interval.mean, 4),
            "ci95": [round(interval.low, 4), round(interval.high, 4)],
            "within": interval.contains(reference),
        }
    return {"calls": len(run.entered) - first, "checks": checks}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--calls", type=int, default=300_000, help="per case")
    parser.add_argument("--batches", type=int, default=30, choices=(10, 20, 30, 40))
    parser.add_argument("--seed", type=int, default=1)
    args = parse_args(parser, QUICK)
    jobs = [(case, args.calls, args.batches, args.seed + i) for i, case in enumerate(CASES)]
    with multiprocessing.get_context("fork").Pool() as pool:
        results = pool.starmap(simulate, jobs)
    for result in results:
        print(
            f"{result['case']}: {result['calls']:,} calls after warm-up, "
            f"{result['seconds']} s, FIFO violations {result['fifo_violations']}"
        )
        for name, check in result["checks"].items():  # type: ignore[attr-defined]
            mark = "ok " if check["within"] else "OUT"
            print(
                f"  {mark} {name:9} reference {check['reference']:<8} formula "
                f"{check['formula']:<8} simulated {check['simulated']:<8} "
                f"95% CI {check['ci95']}"
            )
    within = all(c["within"] for r in results for c in r["checks"].values())  # type: ignore[attr-defined]
    violations = sum(int(r["fifo_violations"]) for r in results)  # type: ignore[call-overload]
    print(f"python {sys.version.split()[0]}, {args.batches} batches, seed {args.seed}")
    print(
        json.dumps(
            {
                "all_within_ci": within,
                "fifo_violations": violations,
                "calls_per_case": args.calls,
                "cases": results,
            }
        )
    )


if __name__ == "__main__":
    main()
