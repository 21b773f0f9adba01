"""Queueing formulas used as oracles (docs: /work/shared/kpi.md) and for planning.

λ arrivals per second, mean handle time 1/μ, N agents, offered load A = λ/μ Erlangs.

* Erlang B: blocking probability, by the stable recursion.
* Erlang C (M/M/N): probability of waiting, service level SL(t) = P(wait <= t), ASA.
* Erlang A (M/M/N+M, exponential patience of mean 1/θ): from the birth-death chain,
  truncated where its tail is negligible. A caller who finds ``j`` callers waiting is
  answered after j + 1 "advances", each of rate Nμ + iθ (a departure, or someone ahead
  gives up), if their own patience (rate θ) lasts: P(answered) = Π r_i / (r_i + θ),
  and given that, the wait is a sum of exponentials of rates r_i + θ. Service level is
  answered within t / offered (variant (b) in kpi.md, abandons counted as misses); ASA is
  the mean wait of answered calls.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


def erlang_b(agents: int, load: float) -> float:
    blocking = 1.0
    for k in range(1, agents + 1):
        blocking = load * blocking / (k + load * blocking)
    return blocking


def erlang_c(agents: int, load: float) -> float:
    """Probability that a caller waits (load < agents)."""
    blocking = erlang_b(agents, load)
    return blocking / (1 - (load / agents) * (1 - blocking))


@dataclass(frozen=True)
class QueueFigures:
    service_level: float  # answered within the threshold / offered
    asa_s: float  # mean wait of answered calls
    p_abandon: float


def erlang_c_figures(agents: int, arrival_rate: float, handle_s: float, t: float) -> QueueFigures:
    mu = 1 / handle_s
    waits = erlang_c(agents, arrival_rate * handle_s)
    drain = agents * mu - arrival_rate
    return QueueFigures(1 - waits * math.exp(-drain * t), waits / drain, 0.0)


def erlang_a_figures(
    agents: int, arrival_rate: float, handle_s: float, patience_s: float, t: float
) -> QueueFigures:
    mu, theta = 1 / handle_s, 1 / patience_s
    states = _stationary(agents, arrival_rate, mu, theta)
    served_at_once = sum(states[:agents])
    waiting = states[agents:]
    advance = [agents * mu + i * theta for i in range(len(waiting))]
    answered_prob, mean_wait = [], []
    survive, elapsed = 1.0, 0.0
    for rate in advance:
        survive *= rate / (rate + theta)
        elapsed += 1 / (rate + theta)
        answered_prob.append(survive)
        mean_wait.append(elapsed)
    within = _hypoexponential_cdf([rate + theta for rate in advance], t)
    answered = served_at_once + sum(p * a for p, a in zip(waiting, answered_prob, strict=True))
    answered_in_t = served_at_once + sum(
        p * a * c for p, a, c in zip(waiting, answered_prob, within, strict=True)
    )
    wait_total = sum(p * a * m for p, a, m in zip(waiting, answered_prob, mean_wait, strict=True))
    queue_length = sum(i * p for i, p in enumerate(waiting))
    return QueueFigures(answered_in_t, wait_total / answered, theta * queue_length / arrival_rate)


def _stationary(agents: int, arrival_rate: float, mu: float, theta: float) -> list[float]:
    """P(n callers in the system), truncated once the tail is below 1e-13 of the mass."""
    weights = [1.0]
    total = 1.0
    n = 1
    while n <= agents or weights[-1] > 1e-13 * total:
        death = min(n, agents) * mu + max(n - agents, 0) * theta
        weights.append(weights[-1] * arrival_rate / death)
        total += weights[-1]
        n += 1
    return [w / total for w in weights]


def _hypoexponential_cdf(rates: list[float], t: float) -> list[float]:
    """P(sum of the first j+1 exponential phases <= t) for every j, by RK4 on the
    forward equations c_j' = q_j (c_{j-1} - c_j), with c_{-1} = 1."""
    steps = max(200, math.ceil(t * max(rates) * 20))
    dt = t / steps
    cdf = [0.0] * len(rates)

    def slope(c: list[float]) -> list[float]:
        return [q * ((c[j - 1] if j else 1.0) - c[j]) for j, q in enumerate(rates)]

    for _ in range(steps):
        k1 = slope(cdf)
        k2 = slope([c + dt / 2 * k for c, k in zip(cdf, k1, strict=True)])
        k3 = slope([c + dt / 2 * k for c, k in zip(cdf, k2, strict=True)])
        k4 = slope([c + dt * k for c, k in zip(cdf, k3, strict=True)])
        cdf = [
            c + dt / 6 * (a + 2 * b + 2 * e + d)
            for c, a, b, e, d in zip(cdf, k1, k2, k3, k4, strict=True)
        ]
    return cdf
