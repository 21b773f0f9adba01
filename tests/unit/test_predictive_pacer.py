"""The predictive pacer's parts: estimates that follow a step change, the abandon budget
per window, and decisions that are safe (progressive at cold start and when a window's
budget is spent, never past the lines or the dial ratio) and dial ahead once the
campaign's history says agents are about to be free."""

from __future__ import annotations

import random

import pytest

from dialer.predictive.budget import AbandonBudget
from dialer.predictive.controller import PacerConfig, PredictivePacer
from dialer.predictive.estimates import Durations, Share
from dialer.predictive.model import (
    DialEnded,
    Ending,
    LiveAbandoned,
    LiveConnected,
    PoolState,
    TalkEnded,
    WrapEnded,
)


def test_a_share_follows_a_step_change() -> None:
    share, rng = Share(prior=0.5), random.Random(1)
    for _ in range(3000):
        share.add(rng.random() < 0.3)
    assert share.value == pytest.approx(0.3, abs=0.03)
    for _ in range(300):  # the list changes: half as many answer
        share.add(rng.random() < 0.15)
    assert share.changes >= 1
    assert share.value == pytest.approx(0.15, abs=0.05)


def test_durations_give_the_chance_of_ending_soon_given_the_time_so_far() -> None:
    talk, rng = Durations(prior_mean=120.0), random.Random(2)
    for _ in range(400):
        talk.add(rng.uniform(50, 70))
    assert talk.mean == pytest.approx(60, abs=1.5)
    assert talk.done_within(0, 10) == 0.0  # nobody talks less than 50 s
    assert talk.done_within(55, 10) == pytest.approx(0.75, abs=0.08)  # ends by 65 of 55-70
    assert talk.done_within(69.9, 10) == 1.0
    for _ in range(100):  # the script changes: calls twice as long
        talk.add(rng.uniform(110, 130))
    assert talk.changes == 1
    assert talk.mean == pytest.approx(120, abs=6)  # not the 400 older ones: ~85


def test_the_budget_counts_each_window_and_forgets_old_minutes() -> None:
    budget = AbandonBudget(target=0.03)
    for i in range(100):
        budget.add(i * 10.0, abandoned=i < 2)  # 2 abandons of 100 in the first 1000 s
    assert budget.rate("1h") == pytest.approx(0.02)
    assert budget.left("24h") == pytest.approx(1.0)  # 3 allowed, 2 spent
    window, left = budget.least_left(pending_live=100)
    assert window == "1h"
    assert left == pytest.approx(4.0)
    budget.expire(3600.0 + 1200.0)
    assert budget.live("1h") == 0
    assert budget.live("24h") == budget.live("campaign") == 100


def _warm(pacer: PredictivePacer, live: int, talk_s: float = 60.0) -> None:
    """History: a live answer in 3 dials after 10 s, others end after 20 s; talk of
    about ``talk_s``, wrap-up 10 s; every person put through."""
    rng = random.Random(3)
    for i in range(live * 3):
        is_live = i % 3 == 0
        ring = 10.0 if is_live else 20.0
        pacer.observe(
            DialEnded(float(i), float(i) - ring, Ending.LIVE if is_live else Ending.NOT_REACHED)
        )
        if is_live:
            pacer.observe(LiveConnected(float(i), 0.2))
            pacer.observe(TalkEnded(float(i), rng.expovariate(1 / talk_s)))
            pacer.observe(WrapEnded(float(i), 10.0))


def test_cold_start_dials_as_progressive() -> None:
    pacer = PredictivePacer()
    state = PoolState(now=0.0, ready=5, talking=(50.0,) * 20, ringing=(1.0, 2.0))
    decision = pacer.decide(state)
    assert decision.dials == 3  # 5 ready, 2 calls already ringing for them
    assert decision.reason.startswith("cold start")


def test_with_history_it_dials_ahead_of_agents_about_to_be_free() -> None:
    pacer = PredictivePacer()
    _warm(pacer, live=400)
    # Nobody ready, but ten agents end their wrap-up within the second.
    state = PoolState(now=1300.0, ready=0, wrapping=(9.5,) * 10, talking=(5.0,) * 40)
    decision = pacer.decide(state)
    assert decision.reason == "predictive"
    assert 0 < decision.dials < 30  # progressive would wait; 30 would bring 10 people
    assert decision.figures["agents_free_expected"] == pytest.approx(11, abs=1)  # 40 talking: ~1
    assert decision.figures["live_share"] == pytest.approx(1 / 3, abs=0.05)
    # Never more than the lines free, nor the dial ratio (3 per agent).
    assert pacer.decide(PoolState(1300.0, ready=0, talking=(300.0,) * 50, lines_free=2)).dials <= 2
    crowded = PoolState(1300.0, ready=2, talking=(300.0,) * 2, ringing=(1.0,) * 12)
    assert pacer.decide(crowded).dials == 0


def test_an_hour_without_answers_has_no_budget_to_dial_ahead() -> None:
    pacer = PredictivePacer()
    _warm(pacer, live=400)  # all before t = 1200 s
    decision = pacer.decide(PoolState(now=5000.0, ready=1, talking=(300.0,) * 30))
    assert (decision.dials, decision.reason.split(":")[0]) == (
        1,
        "abandon budget of the 1h window spent",
    )


def test_a_spent_window_budget_falls_back_to_progressive() -> None:
    pacer = PredictivePacer(PacerConfig(cold_live=10))
    _warm(pacer, live=60)
    for i in range(3):
        pacer.observe(LiveAbandoned(6000.0 + i))
    state = PoolState(now=6010.0, ready=1, talking=(300.0,) * 30)
    decision = pacer.decide(state)
    assert decision.dials == 1
    assert "budget of the" in decision.reason
