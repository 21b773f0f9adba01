"""The predictive pacer (pure): how many calls to place now so that agents wait as little
as possible while abandoned calls stay under the campaign's target in every window.

At each decision it forecasts the next few seconds (until a call placed now would be
answered): how many agents will be free by then (the ready ones, and each busy one by
the chance that their talk and wrap-up end in time, given how long they have already
talked: the campaign's own durations), and how many people will answer (each call still
ringing by the chance it is a live answer given how long it has rung, plus each new call
by the live-answer share). Live answers beyond the free agents are abandons: it places the
most new calls whose expected abandons, over the expected live answers, stay under an
allowed share. That share aims below the target (``aim``) and is corrected by what
happens: each abandon lowers it, each person put through raises it a little, so the
realised rate settles on the aim whatever the forecast's bias.

Safe by construction: with too little data (cold start) it dials as progressive does
(one call per ready agent); when the abandons left in any window (the last hour, 24 h,
30 days, the campaign so far) fall to the margin, it dials as progressive until answers
put through refill the budget. The calls in flight never exceed ``max_ratio`` per agent,
nor the lines free.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from dialer.predictive.budget import AbandonBudget
from dialer.predictive.estimates import Durations, Share
from dialer.predictive.model import (
    Decision,
    DialEnded,
    DialPlaced,
    Ending,
    LiveAbandoned,
    LiveConnected,
    PacingEvent,
    PoolState,
    TalkEnded,
    WrapEnded,
)

GRACE_S = 2.0  # a person who answered may wait this long for an agent (then: abandoned)
# The forecast's bias is corrected within these factors; the realised rate is what the
# budget guards, whatever the forecast says.
MIN_GAIN, MAX_GAIN = 0.02, 20.0


@dataclass(frozen=True)
class PacerConfig:
    target_abandon: float = 0.03  # abandoned / live answers, at most, in every window
    aim: float = 0.6  # the share of the target aimed at: the rest is the safety margin
    max_ratio: float = 3.0  # calls ringing per agent of the campaign, at most
    cold_live: int = 30  # live answers seen before dialling ahead of the agents
    budget_margin: float = 2.0  # abandons kept in hand in every window
    step: float = 0.002  # how fast the allowed share follows what happens
    start_gain: float = 0.25  # the allowed share starts at this part of the aim, and grows
    # Agents are counted free if they free before this share of live answers come (and
    # their 2 s of grace): the early answers find only the agents free by then.
    horizon_quantile: float = 0.25
    ramp_per_agent_s: float = 0.3  # calls beyond progressive, per agent and second, at most
    # The guard spends only this share of each window's budget: as a rolling window moves
    # on, its good answers leave it before its abandons do, and the rate rises by itself.
    guard_share: float = 0.85
    soft_span: float = 8.0  # abandons left, above the margin, where the share starts to shrink
    live_prior: float = 0.25  # guesses before any data
    talk_prior_s: float = 120.0
    wrap_prior_s: float = 10.0
    ring_prior_s: float = 10.0  # until a live answer
    other_prior_s: float = 20.0  # until a dial ends otherwise


class PredictivePacer:
    def __init__(self, config: PacerConfig | None = None) -> None:
        self.config = c = config or PacerConfig()
        self.live = Share(c.live_prior)
        self.talk = Durations(c.talk_prior_s)
        self.wrap = Durations(c.wrap_prior_s)
        self.ring_live = Durations(c.ring_prior_s)  # from dial to a person's answer
        self.ring_other = Durations(c.other_prior_s)  # from dial to any other end
        self.budget = AbandonBudget(c.target_abandon)
        self.guard = AbandonBudget(c.target_abandon * c.guard_share)  # the budget kept
        self._ahead_tokens = 0.0  # the ramp's bucket: _ahead_allowed
        self._ahead_at: float | None = None
        self._log_gain = math.log(c.start_gain)  # the allowed share's correction, in log

    # -- learning ---------------------------------------------------------------------------

    def observe(self, event: PacingEvent) -> None:
        match event:
            case DialEnded(at=at, placed_at=placed_at, ending=ending):
                self.live.add(ending is Ending.LIVE)
                rung = self.ring_live if ending is Ending.LIVE else self.ring_other
                rung.add(at - placed_at)
            case LiveConnected(at=at):
                self.budget.add(at, abandoned=False)
                self.guard.add(at, abandoned=False)
                self._log_gain = min(math.log(MAX_GAIN), self._log_gain + self.config.step)
            case LiveAbandoned(at=at):
                self.budget.add(at, abandoned=True)
                self.guard.add(at, abandoned=True)
                aim = max(self._aim, 1e-6)
                self._log_gain -= self.config.step * (1 - aim) / aim
                self._log_gain = max(math.log(MIN_GAIN), self._log_gain)
            case TalkEnded(talk_s=talk_s):
                self.talk.add(talk_s)
            case WrapEnded(wrap_s=wrap_s):
                self.wrap.add(wrap_s)
            case DialPlaced():
                pass

    @property
    def _aim(self) -> float:
        return self.config.target_abandon * self.config.aim

    # -- deciding ---------------------------------------------------------------------------

    def decide(self, state: PoolState) -> Decision:
        c = self.config
        self.budget.expire(state.now)
        agents = state.ready + len(state.talking) + len(state.wrapping)
        ringing = len(state.ringing)
        progressive = max(0, state.ready - ringing)
        cap = min(state.lines_free, math.floor(c.max_ratio * max(agents, 1)) - ringing)
        if cap <= 0:
            return Decision(0, 0.0, "no line free (lines or the maximum dial ratio)")
        horizon = self.ring_live.quantile(c.horizon_quantile) + GRACE_S
        free_mean, free_var = self._free_agents(state, horizon)
        pending_mean, pending_var = self._pending_live(state)
        figures = self._figures(free_mean, pending_mean, horizon)
        if c.target_abandon <= 0:
            return self._progressive(
                progressive, cap, ringing, free_mean, "no abandon allowed", figures
            )
        if self.budget.live("campaign") < c.cold_live:
            return self._progressive(progressive, cap, ringing, free_mean, "cold start", figures)
        self.guard.expire(state.now)
        window, left = self.guard.least_left()
        figures = {**figures, "budget_left": left}
        if left < c.budget_margin:
            why = f"abandon budget of the {window} window spent"
            return self._progressive(progressive, cap, ringing, free_mean, why, figures)
        # Near a window's limit, the allowed share shrinks smoothly towards progressive
        # (a cliff from full speed to progressive costs more than the abandons it saves).
        softly = min(1.0, (left - c.budget_margin) / c.soft_span)
        allowed = self._aim * math.exp(self._log_gain) * softly
        figures = {**figures, "allowed_share": allowed}
        p = self.live.value
        dials = max(min(progressive, cap), 0)
        ahead = self._ahead_allowed(state.now, agents)
        for n in range(dials + 1, min(cap, dials + ahead) + 1):
            mean = pending_mean + n * p
            # Counts are whole: P(D >= k) for k >= 1 is P(normal >= k - 0.5).
            excess = mean - free_mean - 0.5
            spare = _expected_excess(excess, pending_var + n * p * (1 - p) + free_var)
            if spare > allowed * mean or spare > left - c.budget_margin:
                break
            dials = n
        self._ahead_tokens -= max(0, dials - progressive)
        level = (ringing + dials) / max(free_mean, 1.0)
        return Decision(dials, level, "predictive", {**figures, "dials": float(dials)})

    def _ahead_allowed(self, now: float, agents: int) -> int:
        """Calls beyond progressive come at most ``ramp_per_agent_s`` per agent and second
        (a bucket of one second's worth): a forecast that is wrong shows in a few
        answers, not in a burst of abandons before the correction can act."""
        rate = self.config.ramp_per_agent_s * max(agents, 1)
        elapsed = max(0.0, now - self._ahead_at) if self._ahead_at is not None else 1.0
        self._ahead_tokens = min(rate, self._ahead_tokens + rate * elapsed)
        self._ahead_at = now
        return max(0, math.floor(self._ahead_tokens))

    def _progressive(
        self,
        progressive: int,
        cap: int,
        ringing: int,
        free_mean: float,
        why: str,
        figures: dict[str, float],
    ) -> Decision:
        dials = min(progressive, cap)
        level = (ringing + dials) / max(free_mean, 1.0)
        return Decision(dials, level, f"{why}: one call per ready agent", figures)

    def _free_agents(self, state: PoolState, horizon: float) -> tuple[float, float]:
        """Agents free within ``horizon`` s: mean and variance (a sum of chances)."""
        wrap_mean = self.wrap.mean
        talk = self.talk.with_ongoing(state.talking)
        chances = [talk.done_within(e, max(0.0, horizon - wrap_mean)) for e in state.talking]
        chances += [self.wrap.done_within(e, horizon) for e in state.wrapping]
        return state.ready + sum(chances), sum(q * (1 - q) for q in chances)

    def _pending_live(self, state: PoolState) -> tuple[float, float]:
        """People who will answer the calls still ringing: mean and variance. A call that
        has rung ``r`` s is live with the odds of a live answer taking longer than ``r``
        against any other end taking longer."""
        p = self.live.value
        chances = []
        for rung in state.ringing:
            live = p * self.ring_live.survival(rung)
            other = (1 - p) * self.ring_other.survival(rung)
            chances.append(live / (live + other) if live + other > 0 else 0.0)
        return sum(chances), sum(q * (1 - q) for q in chances)

    def _figures(self, free_mean: float, pending_mean: float, horizon: float) -> dict[str, float]:
        return {
            "live_share": self.live.value,
            "talk_mean_s": self.talk.mean,
            "wrap_mean_s": self.wrap.mean,
            "ring_to_live_s": self.ring_live.mean,
            "horizon_s": horizon,
            "agents_free_expected": free_mean,
            "live_expected_from_ringing": pending_mean,
        }


def _expected_excess(mean: float, variance: float) -> float:
    """E[max(0, Z)] for Z normal with this mean and variance: the people expected to
    find no agent (live answers beyond the free agents)."""
    if variance <= 1e-12:
        return max(0.0, mean)
    s = math.sqrt(variance)
    z = mean / s
    return mean * _normal_cdf(z) + s * math.exp(-z * z / 2) / math.sqrt(2 * math.pi)


def _normal_cdf(z: float) -> float:
    return 0.5 * math.erfc(-z / math.sqrt(2))
