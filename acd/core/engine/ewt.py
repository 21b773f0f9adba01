"""Estimated wait time: from the caller's place, live staffing and recent handle times.

Model (documented in docs/engine.md). A caller with ``k`` callers ahead is answered at
the (k+1)-th *advance*: an agent freeing up, or a caller ahead giving up. The agents who
could serve the caller are of two kinds:

* agents in wrap-up free up at a known moment (their wrap-up's end);
* the others (talking, ringing) free up after the rest of their call, then their
  wrap-up: at least ``shift`` seconds from now, then a memoryless remainder with the
  recent mean talk time ``t`` (handle time minus wrap-up).

If ``k`` is less than the number of agents in wrap-up, the wait is the (k+1)-th wrap-up
end. Otherwise the wait is ``shift`` plus a sum of exponential stages: at stage ``i``
the departure rate is b_i/t (agents still on their first call) + (n - b_i)/h (agents
already on a new call, mean handle time h), and each of the j callers still ahead gives
up at rate θ, the queue's recent abandonment rate per second of waiting.

The estimate is the *median* of that wait (the sum's mean and variance give a gamma law,
whose median is the Wilson-Hilferty approximation): the figure half the callers in this
place beat, the best single number to announce (it minimises the mean absolute error).
A long call so far is not taken to mean a short remainder: handle times are roughly
exponential or heavier-tailed.

``h`` and ``θ`` are time-decayed: a sample's weight halves every ``HALF_LIFE_S``, so the
estimate follows the day's changes within minutes. θ is the censored-data estimate
abandons / total seconds waited (answered callers count as waits that did not end).
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass

HALF_LIFE_S = 1200.0
_DECAY_PER_S = math.log(2) / HALF_LIFE_S
_EXACT_TERMS = 256


class DecayingRatio:
    """Σ decayed numerators / Σ decayed denominators, decayed by time since last update."""

    def __init__(self, numerator: float = 0.0, denominator: float = 0.0) -> None:
        self.numerator, self.denominator = numerator, denominator
        self._at: float | None = None

    def add(self, now: float, numerator: float, denominator: float) -> None:
        if self._at is not None and now > self._at:
            factor = math.exp(-_DECAY_PER_S * (now - self._at))
            self.numerator *= factor
            self.denominator *= factor
        self._at = now if self._at is None else max(self._at, now)
        self.numerator += numerator
        self.denominator += denominator

    def value(self, default: float) -> float:
        return self.numerator / self.denominator if self.denominator > 0 else default


class RecentOutcomes:
    """Answered-in-time or not, for the calls of the last ``keep_s`` seconds: the live
    service level an overflow rule watches (answered within the threshold / answered +
    abandoned; calls sent elsewhere by overflow do not count)."""

    def __init__(self, keep_s: float) -> None:
        self.keep_s = keep_s
        self._outcomes: deque[tuple[float, bool]] = deque()

    def add(self, now: float, in_time: bool) -> None:
        if self.keep_s > 0:
            self._outcomes.append((now, in_time))
            self._forget(now - self.keep_s)

    def service_level(self, now: float, window_s: float) -> float | None:
        """Percent in time over the last ``window_s`` seconds; None without any call."""
        self._forget(now - self.keep_s)
        recent = [in_time for at, in_time in self._outcomes if at >= now - window_s]
        return 100 * sum(recent) / len(recent) if recent else None

    def _forget(self, before: float) -> None:
        while self._outcomes and self._outcomes[0][0] < before:
            self._outcomes.popleft()


class QueueStats:
    """What a queue has seen: handle times, abandonments, service level so far."""

    def __init__(self, default_handle_s: float, keep_outcomes_s: float = 0.0) -> None:
        # The configured handle time counts as one call, so the first real calls take over.
        self.handle = DecayingRatio(default_handle_s, 1.0)
        self.abandonment = DecayingRatio()  # abandons / seconds waited
        self.answered = 0
        self.answered_within = 0
        self.abandoned = 0
        self.removed = 0
        self.recent = RecentOutcomes(keep_outcomes_s)

    @property
    def handle_s(self) -> float:
        return self.handle.value(0.0)

    @property
    def abandon_rate(self) -> float:
        return self.abandonment.value(0.0)


@dataclass(frozen=True, slots=True)
class Servers:
    """The agents who could answer a caller, as the wait model sees them."""

    count: int  # staffed and eligible, whatever they are doing now
    freeing_in: tuple[float, ...] = ()  # seconds until each agent in wrap-up is free, ascending
    shift_s: float = 0.0  # the wrap-up that follows a call: the least a busy agent needs


def predicted_wait(ahead: float, servers: Servers, handle_s: float, abandon_rate: float) -> float:
    """Median time until an agent takes the call; ``math.inf`` when nobody is staffed.
    A fractional ``ahead`` (callers of pools that share part of the agents) interpolates."""
    if servers.count <= 0:
        return math.inf
    ahead = max(ahead, 0.0)
    whole = math.floor(ahead)
    low = _median_wait(whole, servers, handle_s, abandon_rate)
    if ahead == whole:
        return low
    high = _median_wait(whole + 1, servers, handle_s, abandon_rate)
    return low + (ahead - whole) * (high - low)


def _median_wait(ahead: int, servers: Servers, handle_s: float, abandon_rate: float) -> float:
    known = servers.freeing_in
    if ahead < len(known):
        return known[ahead]
    if handle_s <= 0:
        return servers.shift_s
    mean, variance = stage_moments(ahead - len(known), servers, handle_s, abandon_rate)
    return servers.shift_s + gamma_median(mean, variance)


def stage_moments(
    ahead: int, servers: Servers, handle_s: float, abandon_rate: float
) -> tuple[float, float]:
    """Mean and variance of the time to ``ahead + 1`` advances after the wrap-ups."""
    n = servers.count
    first_calls = n - len(servers.freeing_in)  # agents still on the call they have now
    talk_s = max(handle_s - servers.shift_s, 1.0)
    mean = variance = 0.0
    exact = min(ahead, _EXACT_TERMS)
    for i in range(exact + 1):
        on_first = max(first_calls - i, 0)
        rate = on_first / talk_s + (n - on_first) / handle_s + (ahead - i) * abandon_rate
        mean += 1 / rate
        variance += 1 / rate**2
    if ahead > exact:  # the last stages: everyone on a new call, j = ahead-exact-1 .. 0
        tail_mean, tail_variance = _tail(n / handle_s, abandon_rate, ahead - exact)
        mean += tail_mean
        variance += tail_variance
    return mean, variance


def _tail(rate: float, abandon_rate: float, count: int) -> tuple[float, float]:
    """Σ 1/(rate + jθ) and Σ 1/(rate + jθ)² for j = 0..count-1: the first terms exactly,
    the rest by their integral (midpoint rule), so 10,000 callers ahead cost no loop."""
    if abandon_rate <= 0:
        return count / rate, count / rate**2
    exact = min(count, _EXACT_TERMS)
    mean = sum(1 / (rate + j * abandon_rate) for j in range(exact))
    variance = sum(1 / (rate + j * abandon_rate) ** 2 for j in range(exact))
    if count > exact:
        low = rate + (exact - 0.5) * abandon_rate
        high = rate + (count - 0.5) * abandon_rate
        mean += math.log(high / low) / abandon_rate
        variance += (1 / low - 1 / high) / abandon_rate
    return mean, variance


def gamma_median(mean: float, variance: float) -> float:
    """Median of the gamma law with this mean and variance (Wilson-Hilferty): for a sum
    of exponential stages the shape is at least 1, where the approximation is within 1 %."""
    if variance <= 0 or mean <= 0:
        return max(mean, 0.0)
    shape = mean * mean / variance
    return mean * max(1 - 1 / (9 * shape), 0.0) ** 3
