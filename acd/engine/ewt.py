"""Estimated wait time: from the caller's place, live staffing and recent handle times.

Model (documented in docs/engine.md): a caller with ``k`` callers ahead, ``n`` staffed
agents who could serve them and a mean handle time ``h`` advances one place each time an
agent frees up (rate n/h) or a caller ahead gives up (rate j·θ with j callers ahead,
θ = the queue's recent abandonment rate per second of waiting). The expected time to be
answered is then

    EWT = Σ_{j=0..k} 1 / (n/h + j·θ)        (= (k + 1)·h / n when nobody abandons)

This is the exact mean of the M/M/n+M queue given the caller's place; it ignores the
elapsed talk time of busy agents on purpose (handle times are roughly exponential or
heavier-tailed, so a long call so far does not mean a short remainder).

``h`` and ``θ`` are time-decayed: a sample's weight halves every ``HALF_LIFE_S``, so the
estimate follows the day's changes within minutes. θ is the censored-data estimate
abandons / total seconds waited (answered callers count as waits that did not end).
"""

from __future__ import annotations

import math

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


class QueueStats:
    """What a queue has seen: handle times, abandonments, service level so far."""

    def __init__(self, default_handle_s: float) -> None:
        # The configured handle time counts as one call, so the first real calls take over.
        self.handle = DecayingRatio(default_handle_s, 1.0)
        self.abandonment = DecayingRatio()  # abandons / seconds waited
        self.answered = 0
        self.answered_within = 0
        self.abandoned = 0
        self.removed = 0

    @property
    def handle_s(self) -> float:
        return self.handle.value(0.0)

    @property
    def abandon_rate(self) -> float:
        return self.abandonment.value(0.0)


def expected_wait(ahead: float, servers: int, handle_s: float, abandon_rate: float) -> float:
    """Mean time until an agent takes the call; ``math.inf`` when nobody is staffed."""
    if servers <= 0 or handle_s <= 0:
        return math.inf if servers <= 0 else 0.0
    rate = servers / handle_s
    ahead = max(ahead, 0.0)
    if abandon_rate <= 0:
        return (ahead + 1) / rate
    whole = math.floor(ahead)
    exact = min(whole, _EXACT_TERMS)
    total = sum(1 / (rate + j * abandon_rate) for j in range(exact + 1))
    if whole > exact:  # the tail by its integral (midpoint rule): no loop over 10,000
        low, high = rate + (exact + 0.5) * abandon_rate, rate + (whole + 0.5) * abandon_rate
        total += math.log(high / low) / abandon_rate
    return total + (ahead - whole) / (rate + (whole + 1) * abandon_rate)
