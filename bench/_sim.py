"""Shared helpers for the engine benchmarks: a virtual-clock simulation around the
engine, and confidence intervals from batch means.

The simulation merges two timelines: its own scheduled actions (arrivals, hang-ups,
patience running out) and the engine's deadlines (ring timeouts, wrap-up ends...).
Whatever comes first runs; the engine is only ever called with ``now`` in order.
"""

from __future__ import annotations

import heapq
import math
import statistics
from collections.abc import Callable
from dataclasses import dataclass

from acd.core.engine import Engine, Output
from acd.core.engine.events import Event, TimerFired

# Student's t, 97.5 % quantile, by degrees of freedom (batch means use 10 to 40 batches).
_T975 = {9: 2.262, 19: 2.093, 29: 2.045, 39: 2.023}


class Simulation:
    def __init__(self, engine: Engine, react: Callable[[Simulation, Output], None]) -> None:
        self.engine = engine
        self.now = 0.0
        self._react = react
        self._actions: list[tuple[float, int, Callable[[], object]]] = []
        self._seq = 0

    def at(self, when: float, action: Callable[[], object]) -> None:
        self._seq += 1
        heapq.heappush(self._actions, (when, self._seq, action))

    def send(self, event: Event) -> Output:
        output = self.engine.handle(event, self.now)
        self._react(self, output)
        return output

    def run_until(self, end: float) -> None:
        while True:
            deadline = self.engine.next_deadline()
            action_at = self._actions[0][0] if self._actions else math.inf
            if deadline is not None and deadline <= action_at and deadline <= end:
                self.now = max(self.now, deadline)
                self.send(TimerFired())
            elif self._actions and action_at <= end:
                when, _, action = heapq.heappop(self._actions)
                self.now = max(self.now, when)
                action()
            else:
                self.now = end if math.isfinite(end) else self.now
                return


@dataclass(frozen=True)
class Interval:
    mean: float
    low: float
    high: float

    def contains(self, value: float) -> bool:
        return self.low <= value <= self.high

    def __str__(self) -> str:
        return f"{self.mean:.4f} [{self.low:.4f}, {self.high:.4f}]"


def batch_means(values: list[float]) -> Interval:
    """95 % confidence interval of the mean of ``values``, one value per batch."""
    mean = statistics.fmean(values)
    half = _T975[len(values) - 1] * statistics.stdev(values) / math.sqrt(len(values))
    return Interval(mean, mean - half, mean + half)
