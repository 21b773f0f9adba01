"""The estimates a predictive pacer lives on, from the campaign's own recent history
(pure): a share (how many dials a person answers) and durations (ring time to a live
answer, time until a dial ends otherwise, talk, wrap-up).

Both follow change: a share is tracked by two exponentially weighted averages, a fast one
and a slow one; when they disagree beyond chance (a step change: a new list, the evening)
the slow one is reset to the fast one. Durations keep only their last samples, sorted,
and their mean is watched the same way: on a step change the older samples are dropped.
"""

from __future__ import annotations

import bisect
import math
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field

# How far apart (in standard errors) the recent and the older must be to call a change. A
# false alarm costs little (the estimate gets noisier for a while); a change missed costs
# abandons (more people answer than forecast) or idle agents.
SHARE_CHANGE_Z = 2.5
DURATION_CHANGE_Z = 4.0  # durations are skewed (talk times): a higher bar


@dataclass
class Share:
    """The share of events that are hits (e.g. dials answered by a person)."""

    prior: float  # the guess before any data
    fast_n: float = 100.0  # the fast average's memory, in events
    slow_n: float = 600.0
    fast: float = field(init=False)
    slow: float = field(init=False)
    seen: int = 0
    changes: int = 0  # step changes detected so far

    def __post_init__(self) -> None:
        self.fast = self.slow = self.prior

    def add(self, hit: bool) -> None:
        x = 1.0 if hit else 0.0
        self.seen += 1
        # Early on, a plain mean (1/n weights), then the exponential memory.
        self.fast += (x - self.fast) / min(self.seen, self.fast_n)
        self.slow += (x - self.slow) / min(self.seen, self.slow_n)
        if self.seen >= self.fast_n and self._changed():
            self.slow, self.changes = self.fast, self.changes + 1

    def _changed(self) -> bool:
        # An exponential average of memory n varies as a plain mean of about 2n events.
        spread = math.sqrt(max(self.slow * (1 - self.slow), 1e-4) / (2 * self.fast_n))
        return abs(self.fast - self.slow) > SHARE_CHANGE_Z * spread

    @property
    def value(self) -> float:
        return self.slow


@dataclass
class Durations:
    """The last ``keep`` durations (seconds), sorted, with a guess before any."""

    prior_mean: float
    keep: int = 400
    window: int = 20  # the recent samples compared with the rest to see a change
    _order: deque[float] = field(default_factory=deque)  # arrival order
    _sorted: list[float] = field(default_factory=list)
    changes: int = 0

    def add(self, seconds: float) -> None:
        seconds = max(0.0, seconds)
        self._order.append(seconds)
        bisect.insort(self._sorted, seconds)
        if len(self._order) > self.keep:
            self._drop_oldest()
        if len(self._order) >= 3 * self.window and self._changed():
            while len(self._order) > self.window // 2:  # only the recent tell the truth
                self._drop_oldest()
            self.changes += 1

    def _drop_oldest(self) -> None:
        old = self._order.popleft()
        del self._sorted[bisect.bisect_left(self._sorted, old)]

    def _changed(self) -> bool:
        recent = list(self._order)[-self.window :]
        older = list(self._order)[: -self.window]
        mean_old = sum(older) / len(older)
        var_old = sum((x - mean_old) ** 2 for x in older) / len(older)
        spread = math.sqrt(max(var_old, 1e-6) / self.window)
        return abs(sum(recent) / self.window - mean_old) > DURATION_CHANGE_Z * spread

    @property
    def count(self) -> int:
        return len(self._sorted)

    @property
    def mean(self) -> float:
        return sum(self._sorted) / len(self._sorted) if self._sorted else self.prior_mean

    def quantile(self, share: float) -> float:
        """The duration ``share`` of them are shorter than (the prior mean before any)."""
        if not self._sorted:
            return self.prior_mean
        return self._sorted[min(len(self._sorted) - 1, int(share * len(self._sorted)))]

    def survival(self, seconds: float) -> float:
        """P(duration > seconds); before any sample, an exponential of the prior mean."""
        if not self._sorted:
            return math.exp(-seconds / max(self.prior_mean, 1e-9))
        above = len(self._sorted) - bisect.bisect_right(self._sorted, seconds)
        return above / len(self._sorted)

    def with_ongoing(self, elapsed: Sequence[float]) -> Survival:
        """The survival curve counting also the durations still running (``elapsed`` so
        far: censored, Kaplan-Meier). Early in a campaign only the short calls have ended:
        without the long ones still going, talk would look short and agents about to
        free, and the pacer would dial too much."""
        return Survival.kaplan_meier(self._sorted, sorted(elapsed), self.prior_mean)

    def done_within(self, elapsed: float, horizon: float) -> float:
        """P(it ends within ``horizon`` more seconds | it has lasted ``elapsed``). Past
        every sample seen, it is taken to end within the horizon with even odds."""
        alive = self.survival(elapsed)
        if alive <= 0.0:
            return 0.5
        return max(0.0, min(1.0, 1.0 - self.survival(elapsed + horizon) / alive))


@dataclass(frozen=True)
class Survival:
    """P(duration > t) as a step function: ``times`` ascending, ``alive`` after each."""

    times: tuple[float, ...]
    alive: tuple[float, ...]
    prior_mean: float

    @classmethod
    def kaplan_meier(
        cls, ended: Sequence[float], running: Sequence[float], prior_mean: float
    ) -> Survival:
        """From durations ``ended`` and ``running`` (lasted so far), both sorted."""
        at_risk, alive = len(ended) + len(running), 1.0
        times: list[float] = []
        levels: list[float] = []
        i = j = 0
        while i < len(ended):
            t = ended[i]
            while j < len(running) and running[j] < t:  # left before t: no longer at risk
                at_risk, j = at_risk - 1, j + 1
            died = 0
            while i < len(ended) and ended[i] == t:
                died, i = died + 1, i + 1
            alive *= 1 - died / at_risk
            at_risk -= died
            times.append(t)
            levels.append(alive)
        return cls(tuple(times), tuple(levels), prior_mean)

    def survival(self, seconds: float) -> float:
        if not self.times:
            return math.exp(-seconds / max(self.prior_mean, 1e-9))
        k = bisect.bisect_right(self.times, seconds)
        return 1.0 if k == 0 else self.alive[k - 1]

    def done_within(self, elapsed: float, horizon: float) -> float:
        """P(it ends within ``horizon`` more seconds | it has lasted ``elapsed``); 0 past
        the longest duration seen to end (nothing says it will end soon)."""
        alive = self.survival(elapsed)
        if alive <= 0.0:
            return 0.5
        return max(0.0, min(1.0, 1.0 - self.survival(elapsed + horizon) / alive))
