"""Routing decision latency at scale: 2,000 agents, 50 skills, 20 queues, up to 10,000
waiting callers.

    .venv/bin/python bench/routing.py [--decisions 5000] [--rounds 3] [--seed 1]
    .venv/bin/python bench/routing.py --quick   # 200 decisions, 1 round per W: checks that
                                                # it works; not for figures

Set-up, for each number of waiting callers W (100, 1,000, 10,000): 1,900 agents serve
19 busy queues (each agent is a member of 3, with some of their skills at levels 1-5);
100 agents serve a quieter "vip" queue and are ready. Callers of the busy queues need
one of their queue's skills at a minimum level (1-3), 10 % have priority 1. Every busy
agent is on a call and W callers wait (some ready agents may lack the skills they need).

Then, timed one by one (``engine.handle`` from the event in to the commands out):

* agent ready -> choice: a busy agent's wrap-up ends (the timer fires): the engine picks
  the first caller in the global order among the pools the agent can serve, rings them;
* call arrives -> choice: a caller arrives (19 in 20 in a busy queue, who must wait; 1
  in 20 in the vip queue, where the strategy picks one of ~100 ready agents).

Untimed steps keep the system in the same state (the rung agent answers, a caller is
taken out to keep W constant). Goal: p99 <= 50 µs at W = 10,000, and p99 growing no
faster than log W from 100 to 10,000 (ratio <= log 10,000 / log 100 = 2).

Prints a line per W, then a last line of JSON with p99_us, p99_us_by_waiting...
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
import time

from _quick import parse_args

from acd.core.engine import AcdConfig, AgentConfig, Engine, QueueConfig
from acd.core.engine.commands import RingAgent
from acd.core.engine.events import (
    AgentAnswered,
    AgentLoggedIn,
    CallAbandoned,
    CallArrived,
    CallEnded,
    EngineEvent,
    PhoneState,
    PhoneStateChanged,
    TimerFired,
)

AGENTS, SKILLS, BUSY_QUEUES, VIP_AGENTS = 2000, 50, 19, 100
WRAP_UP_S = 5.0
WAITING = (100, 1000, 10_000)
# All three W still: filling 10,000 callers is the scale the bench is about, and is quick.
QUICK = {"decisions": 200, "rounds": 1}


def build_config(rng: random.Random) -> tuple[AcdConfig, list[list[str]]]:
    """The configuration, and the skills each busy queue's callers may need."""
    skills = [f"s{i:02d}" for i in range(SKILLS)]
    queue_skills = [rng.sample(skills[:-1], 3) for _ in range(BUSY_QUEUES)]
    members: list[list[str]] = [[] for _ in range(BUSY_QUEUES + 1)]
    agents = []
    for i in range(AGENTS):
        agent_id = str(10000 + i)
        if i >= AGENTS - VIP_AGENTS:
            members[BUSY_QUEUES].append(agent_id)
            agents.append(AgentConfig(agent_id, (("s49", rng.randint(1, 5)),)))
            continue
        levels: dict[str, int] = {}
        for queue in rng.sample(range(BUSY_QUEUES), 3):
            members[queue].append(agent_id)
            for skill in rng.sample(queue_skills[queue], rng.randint(1, 2)):
                levels[skill] = rng.randint(1, 5)
        for skill in rng.sample(skills[:-1], 2):
            levels.setdefault(skill, rng.randint(1, 5))
        agents.append(AgentConfig(agent_id, tuple(sorted(levels.items()))))
    queues = [
        QueueConfig(f"q{i}", tuple(members[i]), wrap_up_s=WRAP_UP_S) for i in range(BUSY_QUEUES)
    ]
    queues.append(QueueConfig("vip", tuple(members[BUSY_QUEUES]), skills=(("s49", 1),)))
    return AcdConfig(queues=tuple(queues), agents=tuple(agents)), queue_skills


class Bench:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        config, self.queue_skills = build_config(self.rng)
        self.engine = Engine(config, seed)
        self.now = 0.0
        self.calls = 0
        self.waiting = Waiting()
        self.on_call: dict[str, str] = {}  # agent -> call
        self.rung: list[RingAgent] = []
        for agent in config.agents:
            self.send(PhoneStateChanged(agent.id, PhoneState.NOT_INUSE))
            self.send(AgentLoggedIn(agent.id))

    def send(self, event: EngineEvent) -> int:
        """Handles ``event``; returns the nanoseconds the engine took."""
        self.now += 0.01
        started = time.perf_counter_ns()
        output = self.engine.handle(event, self.now)
        took = time.perf_counter_ns() - started
        self.rung.extend(c for c in output.commands if isinstance(c, RingAgent))
        return took

    def busy_caller(self) -> CallArrived:
        self.calls += 1
        queue = self.rng.randrange(BUSY_QUEUES)
        skill = self.rng.choice(self.queue_skills[queue])
        level = self.rng.choice((1, 1, 2, 3))
        priority = 1 if self.rng.random() < 0.1 else 0
        return CallArrived(f"c{self.calls}", f"q{queue}", self.now, priority, ((skill, level),))

    def answer_rings(self) -> None:
        """Rung agents answer (untimed); the callers they take stop waiting."""
        while self.rung:
            ring = self.rung.pop()
            self.send(AgentAnswered(ring.call_id, ring.agent_id))
            self.on_call[ring.agent_id] = ring.call_id
            self.waiting.discard(ring.call_id)

    def add_caller(self) -> int:
        arrival = self.busy_caller()
        self.waiting.add(arrival.call_id)
        took = self.send(arrival)
        self.answer_rings()
        return took

    def fill(self, waiting: int) -> None:
        while len(self.waiting) < waiting:
            self.add_caller()

    def keep_waiting_at(self, waiting: int) -> None:
        """Untimed: abandons or arrivals until exactly ``waiting`` callers wait."""
        while len(self.waiting) > waiting:
            self.send(CallAbandoned(self.waiting.pop_random(self.rng)))
        while len(self.waiting) < waiting:
            self.add_caller()

    def agent_ready(self) -> int:
        """A busy agent hangs up (untimed) and, at the end of their wrap-up, becomes ready:
        the engine's choice of their next caller is what is timed."""
        agents = list(self.on_call)
        agent = agents[self.rng.randrange(len(agents))]
        self.send(CallEnded(self.on_call.pop(agent), "agent"))
        deadline = self.engine.next_deadline()
        assert deadline is not None
        self.now = deadline - 0.01
        took = self.send(TimerFired())
        self.answer_rings()
        return took

    def arrival(self) -> tuple[int, bool]:
        if self.rng.random() < 0.05:
            self.calls += 1
            call_id = f"v{self.calls}"
            took = self.send(CallArrived(call_id, "vip", self.now))
            ring = self.rung.pop()
            self.send(AgentAnswered(call_id, ring.agent_id))
            self.send(CallEnded(call_id, "agent"))
            return took, True
        return self.add_caller(), False


class Waiting:
    """The callers waiting, with O(1) add, discard and random pick: the bench's own
    bookkeeping must not scan 10,000 callers between two timed decisions (that would
    flush the CPU caches and charge the engine for it)."""

    def __init__(self) -> None:
        self._ids: list[str] = []
        self._where: dict[str, int] = {}

    def __len__(self) -> int:
        return len(self._ids)

    def add(self, call_id: str) -> None:
        self._where[call_id] = len(self._ids)
        self._ids.append(call_id)

    def discard(self, call_id: str) -> None:
        index = self._where.pop(call_id, None)
        if index is not None:
            last = self._ids.pop()
            if last != call_id:
                self._ids[index] = last
                self._where[last] = index

    def pop_random(self, rng: random.Random) -> str:
        call_id = self._ids[rng.randrange(len(self._ids))]
        self.discard(call_id)
        return call_id


def p99(samples: list[int]) -> float:
    ordered = sorted(samples)
    return ordered[math.ceil(0.99 * len(ordered)) - 1] / 1000


def p50(samples: list[int]) -> float:
    return sorted(samples)[len(samples) // 2] / 1000


def measure(waiting: int, decisions: int, seed: int) -> dict[str, float]:
    bench = Bench(seed)
    bench.fill(waiting)
    ready: list[int] = []
    queued: list[int] = []
    offered: list[int] = []
    for i in range(decisions + 1000):  # the first 1,000 warm up
        took_ready = bench.agent_ready()
        bench.keep_waiting_at(waiting)
        took_arrival, got_agent = bench.arrival()
        bench.keep_waiting_at(waiting)
        if i >= 1000:
            ready.append(took_ready)
            (offered if got_agent else queued).append(took_arrival)
    arrivals = queued + offered
    return {
        "ready_p50_us": p50(ready),
        "ready_p99_us": p99(ready),
        "arrival_p50_us": p50(arrivals),
        "arrival_p99_us": p99(arrivals),
        "arrival_queued_p99_us": p99(queued),
        "arrival_offered_p99_us": p99(offered),
        "pools": float(sum(1 for _ in bench.engine._w.pools)),
    }


def calibrate() -> tuple[float, float]:
    """p50 and p99 of a fixed pure-Python workload: how noisy this machine is right now."""
    samples = []
    for _ in range(20_000):
        started = time.perf_counter_ns()
        sum(i * i for i in range(300))
        samples.append(time.perf_counter_ns() - started)
    return p50(samples), p99(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--decisions", type=int, default=5_000, help="of each kind, per round")
    parser.add_argument("--rounds", type=int, default=3, help="per W; the median round is kept")
    parser.add_argument("--seed", type=int, default=1)
    args = parse_args(parser, QUICK)
    noise_p50, noise_p99 = calibrate()
    print(f"machine noise: a fixed {noise_p50:.1f} µs workload has p99 {noise_p99:.1f} µs")
    rounds: dict[int, list[dict[str, float]]] = {w: [] for w in WAITING}
    for round_ in range(args.rounds):  # rounds interleave the sizes: noise hits all alike
        for waiting in WAITING:
            rounds[waiting].append(measure(waiting, args.decisions, args.seed + round_))
    by_waiting = {w: _median_round(results) for w, results in rounds.items()}
    for waiting, figures in by_waiting.items():
        print(
            f"W = {waiting:>6,}: agent ready -> choice p50 {figures['ready_p50_us']:.1f} µs "
            f"p99 {figures['ready_p99_us']:.1f} µs | call arrives -> choice p50 "
            f"{figures['arrival_p50_us']:.1f} µs p99 {figures['arrival_p99_us']:.1f} µs "
            f"(queued {figures['arrival_queued_p99_us']:.1f}, offered among ~100 ready "
            f"{figures['arrival_offered_p99_us']:.1f}) | {figures['pools']:.0f} pools"
        )
    top, bottom = by_waiting[WAITING[-1]], by_waiting[WAITING[0]]
    worst = max(top["ready_p99_us"], top["arrival_p99_us"])
    growth = max(top[k] / bottom[k] for k in ("ready_p99_us", "arrival_p99_us"))
    bound = math.log(WAITING[-1]) / math.log(WAITING[0])
    print(
        f"p99 at {WAITING[-1]:,} waiting: {worst:.1f} µs (goal <= 50); growth "
        f"{WAITING[0]} -> {WAITING[-1]:,}: x{growth:.2f} (logarithmic bound x{bound:.1f})"
    )
    print(
        f"python {sys.version.split()[0]}, {args.decisions:,} decisions of each kind, "
        f"median of {args.rounds} rounds per W"
    )
    print(
        json.dumps(
            {
                "p99_us": round(worst, 1),
                "growth_ratio": round(growth, 2),
                "growth_within_log": growth <= bound,
                "p99_us_by_waiting": {
                    w: round(max(f["ready_p99_us"], f["arrival_p99_us"]), 1)
                    for w, f in by_waiting.items()
                },
                "ready_p99_us_by_waiting": {w: f["ready_p99_us"] for w, f in by_waiting.items()},
                "arrival_p99_us_by_waiting": {
                    w: f["arrival_p99_us"] for w, f in by_waiting.items()
                },
                "noise_p50_us": noise_p50,
                "noise_p99_us": noise_p99,
                "details": by_waiting,
            }
        )
    )


def _median_round(results: list[dict[str, float]]) -> dict[str, float]:
    """The round whose worst p99 is the median one (a whole round, not mixed figures)."""
    ordered = sorted(results, key=lambda r: max(r["ready_p99_us"], r["arrival_p99_us"]))
    return ordered[len(ordered) // 2]


if __name__ == "__main__":
    main()
