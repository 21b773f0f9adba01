"""How low can the estimated-wait error go on ewt_accuracy.py's trace? A reference bound.

    .venv/bin/python bench/ewt_floor.py [--days 2] [--seed 1] [--samples 300]
    .venv/bin/python bench/ewt_floor.py --quick   # 1 day, 20 futures per estimate: checks
                                                  # that it works; not for figures

Same simulated busy days as bench/ewt_accuracy.py (same seeds, so the same arrivals,
handle times and staffing), with a third estimator that no real ACD has: at every
announcement it simulates the rest of the caller's wait a few hundred times from the
engine's live state, knowing the *true* handle-time law (the lognormal the simulation
draws from) and each busy agent's elapsed talk time, and announces the median of those
samples. What it does not know is the future: callers still to arrive do not matter
(they queue behind), but agents logging in or out later do, as does the luck of the
draw. Its mean absolute error is therefore close to the least any estimator can reach
on this trace, and puts the goal "at most half of app_queue's error" in context.

Last line JSON: {"floor_mae_s", "ours_mae_s", "app_queue_mae_s", "floor_ratio", "ratio"}.
"""

from __future__ import annotations

import argparse
import heapq
import json
import math
import random
import statistics

import ewt_accuracy as trace
from _quick import parse_args

from acd.core.engine.bits import indices
from acd.core.engine.driver import Driver
from acd.core.engine.state import Agent, AgentState, CallState

_NORMAL = statistics.NormalDist()
QUICK = {"days": 1, "samples": 20}


class Clairvoyant:
    """Median of simulated futures, drawn from the true handle-time law."""

    def __init__(self, seed: int, samples: int) -> None:
        self.rng = random.Random(seed)  # its own: the trace's draws stay the same
        self.samples = samples

    def __call__(self, sim: Driver, call_id: str) -> float:
        world = sim.engine._w
        call = world.calls[call_id]
        if call.state is not CallState.WAITING or call.pool is None:
            return 0.0
        agents = [world.by_index[i] for i in indices(call.pool.mask & world.sets.staffed)]
        ahead = call.pool.ahead_of(call.key)
        theta = world.stats[call.queue.name].abandon_rate
        waits = [self._one_future(agents, ahead, theta, sim.now) for _ in range(self.samples)]
        return statistics.median(waits)

    def _one_future(self, agents: list[Agent], ahead: int, theta: float, now: float) -> float:
        free_at = [self._first_free(agent, now) for agent in agents]
        heapq.heapify(free_at)
        t = 0.0
        while True:
            give_up = t + self.rng.expovariate(ahead * theta) if ahead and theta else math.inf
            if give_up < free_at[0]:
                t, ahead = give_up, ahead - 1
                continue
            t = free_at[0]
            if ahead == 0:
                return t
            ahead -= 1
            heapq.heapreplace(free_at, t + trace.RING_S + self._talk(0.0) + trace.WRAP_UP_S)

    def _first_free(self, agent: Agent, now: float) -> float:
        if agent.state is AgentState.WRAP_UP:
            return max(agent.wrap_ends_at - now, 0.0)
        if agent.state is AgentState.ON_CALL:
            return self._talk(now - agent.since) + trace.WRAP_UP_S
        if agent.state is AgentState.RESERVED:
            ring_left = max(agent.since + trace.RING_S - now, 0.0)
            return ring_left + self._talk(0.0) + trace.WRAP_UP_S
        return 0.0

    def _talk(self, elapsed: float) -> float:
        """The rest of a lognormal talk time that has lasted ``elapsed`` seconds so far."""
        mu, sigma = trace.log_mean(), trace.HANDLE_SIGMA
        if elapsed <= 0:
            return self.rng.lognormvariate(mu, sigma)
        done = _NORMAL.cdf((math.log(elapsed) - mu) / sigma)
        u = min(done + (1 - done) * self.rng.random(), 1 - 1e-12)
        return math.exp(mu + sigma * _NORMAL.inv_cdf(u)) - elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--days", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--samples", type=int, default=300)
    args = parse_args(parser, QUICK)
    ours, theirs, floor = [], [], []
    for d in range(args.days):
        other = Clairvoyant(args.seed + d, args.samples)
        day = trace.simulate_day(args.seed + d, trace.STAFFING["busy"], other)
        for e in day.estimates:
            if e.call_id in day.answered_at and e.other is not None:
                actual = day.answered_at[e.call_id] - e.at
                ours.append(abs(e.ours - actual))
                theirs.append(abs(e.app_queue - actual))
                floor.append(abs(e.other - actual))
        print(
            f"busy day {d + 1}: MAE so far: clairvoyant {statistics.fmean(floor):.1f} s, "
            f"ours {statistics.fmean(ours):.1f} s, app_queue {statistics.fmean(theirs):.1f} s"
        )
    floor_mae, ours_mae, theirs_mae = map(statistics.fmean, (floor, ours, theirs))
    print(
        f"{len(floor):,} estimates; ratio to app_queue: clairvoyant "
        f"{floor_mae / theirs_mae:.3f}, ours {ours_mae / theirs_mae:.3f}"
    )
    print(
        json.dumps(
            {
                "floor_mae_s": round(floor_mae, 2),
                "ours_mae_s": round(ours_mae, 2),
                "app_queue_mae_s": round(theirs_mae, 2),
                "floor_ratio": round(floor_mae / theirs_mae, 3),
                "ratio": round(ours_mae / theirs_mae, 3),
                "estimates": len(floor),
                "days": args.days,
                "samples": args.samples,
            }
        )
    )


if __name__ == "__main__":
    main()
