"""Confidence intervals for the benchmarks' simulations, from batch means."""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass

# Student's t, 97.5 % quantile, by degrees of freedom (batch means use 10 to 40 batches).
_T975 = {9: 2.262, 19: 2.093, 29: 2.045, 39: 2.023}


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
