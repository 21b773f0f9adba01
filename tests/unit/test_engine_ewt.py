"""The estimated wait, the queueing oracles, and the engine's small data structures."""

from __future__ import annotations

import math
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from acd.core.engine import AcdConfig, AgentConfig, Engine, QueueConfig
from acd.core.engine.driver import Driver
from acd.core.engine.erlang import erlang_a_figures, erlang_b, erlang_c_figures
from acd.core.engine.events import AgentAnswered, CallAbandoned, CallArrived, CallEnded
from acd.core.engine.ewt import DecayingRatio, Servers, gamma_median, predicted_wait, stage_moments
from acd.core.engine.ranked import RankedList
from acd.core.engine.timers import Alarm, AlarmKind, Timers

LAMBDA, AHT, T = 100 / 1800, 180.0, 20.0  # kpi.md: 100 calls per 30 min, AHT 180 s


def test_erlang_b_small_case() -> None:
    assert erlang_b(1, 1.0) == pytest.approx(0.5)
    assert erlang_b(2, 1.0) == pytest.approx(0.2)


@pytest.mark.parametrize(("agents", "sl", "asa"), [(13, 0.7956, None), (14, 0.8884, 7.84)])
def test_erlang_c_matches_the_reference_values(agents: int, sl: float, asa: float | None) -> None:
    figures = erlang_c_figures(agents, LAMBDA, AHT, T)
    assert figures.service_level == pytest.approx(sl, abs=5e-5)
    if asa is not None:
        assert figures.asa_s == pytest.approx(asa, abs=5e-3)


@pytest.mark.parametrize(
    ("agents", "patience", "sl", "abandon", "asa"),
    [
        (12, 60, 0.8603, 0.0759, 3.52),
        (12, 180, 0.8023, 0.0531, None),
        (10, 120, 0.6399, 0.1375, 14.55),
    ],
)
def test_erlang_a_matches_the_reference_values(
    agents: int, patience: float, sl: float, abandon: float, asa: float | None
) -> None:
    figures = erlang_a_figures(agents, LAMBDA, AHT, patience, T)
    assert figures.service_level == pytest.approx(sl, abs=5e-5)
    assert figures.p_abandon == pytest.approx(abandon, abs=5e-5)
    if asa is not None:
        assert figures.asa_s == pytest.approx(asa, abs=5e-3)


def _exponential_median(mean: float, stages: int = 1) -> float:
    """The model's median for ``stages`` equal exponential stages of this mean each."""
    return gamma_median(stages * mean, stages * mean**2)


def test_gamma_median_is_close_to_the_true_median() -> None:
    assert gamma_median(60, 3600) == pytest.approx(60 * math.log(2), rel=0.015)  # one stage
    assert gamma_median(100, 0) == 100  # nothing random: the mean itself
    assert gamma_median(1000, 10) == pytest.approx(1000, rel=1e-3)  # narrow: near the mean


def test_without_wrap_up_or_abandons_the_wait_is_k_plus_one_stages_of_h_over_n() -> None:
    assert predicted_wait(0, Servers(2), 120, 0) == pytest.approx(_exponential_median(60))
    assert predicted_wait(3, Servers(2), 120, 0) == pytest.approx(_exponential_median(60, 4))
    assert predicted_wait(3, Servers(0), 120, 0) == math.inf


def test_agents_in_wrap_up_free_up_at_a_known_moment() -> None:
    servers = Servers(3, freeing_in=(4.0, 7.0), shift_s=10.0)
    assert predicted_wait(0, servers, 130, 0) == 4.0
    assert predicted_wait(1, servers, 130, 0) == 7.0
    # The third caller waits for the agent on a call: its wrap-up (10 s) at least, then
    # the rest of the talk (mean 130 - 10 s) or an earlier end by one of the other two.
    rate = 1 / 120 + 2 / 130
    assert predicted_wait(2, servers, 130, 0) == pytest.approx(10 + _exponential_median(1 / rate))
    assert predicted_wait(1.5, servers, 130, 0) == pytest.approx(
        (predicted_wait(1, servers, 130, 0) + predicted_wait(2, servers, 130, 0)) / 2
    )


@pytest.mark.parametrize("ahead", [0, 1, 7, 300, 5000])
def test_stage_moments_are_the_sums_over_advance_stages(ahead: int) -> None:
    servers, handle, theta = Servers(10, (3.0,), 15.0), 180.0, 1 / 120
    rates = [
        max(9 - i, 0) / 165 + (10 - max(9 - i, 0)) / handle + (ahead - 1 - i) * theta
        for i in range(ahead)
    ]
    mean, variance = stage_moments(ahead - 1, servers, handle, theta) if ahead else (0, 0)
    assert mean == pytest.approx(sum(1 / r for r in rates), rel=1e-4)
    assert variance == pytest.approx(sum(1 / r**2 for r in rates), rel=1e-4)


def test_the_median_matches_a_simulation_of_the_model() -> None:
    rng = random.Random(7)
    servers, handle, theta, ahead = Servers(4, (2.0,), 10.0), 200.0, 1 / 150, 6
    rates = [
        max(3 - i, 0) / 190 + (4 - max(3 - i, 0)) / handle + (ahead - 1 - i) * theta
        for i in range(ahead)
    ]
    samples = sorted(10 + sum(rng.expovariate(r) for r in rates) for _ in range(20_000))
    assert predicted_wait(ahead, servers, handle, theta) == pytest.approx(
        samples[len(samples) // 2], rel=0.02
    )


def test_decaying_ratio_halves_old_samples_every_half_life() -> None:
    ratio = DecayingRatio(100.0, 1.0)
    ratio.add(0.0, 0.0, 0.0)
    ratio.add(1200.0, 300.0, 1.0)  # the prior now weighs 1/2
    assert ratio.value(0) == pytest.approx((50 + 300) / 1.5)


def test_the_estimate_uses_place_staffing_and_learned_handle_times() -> None:
    config = AcdConfig(
        queues=(QueueConfig("q", ("1001", "1002"), default_handle_s=100),),
        agents=(AgentConfig("1001"), AgentConfig("1002")),
    )
    d = Driver(Engine(config))
    d.bring_in("1001", "1002")
    for i, agent in enumerate(("1001", "1002")):
        d.send(CallArrived(f"busy{i}", "q", 0))
        d.send(AgentAnswered(f"busy{i}", agent))
    for i in range(3):
        d.send(CallArrived(f"c{i}", "q", 1 + i), at=1 + i)
    estimates = [d.engine.estimated_wait(f"c{i}", 5) for i in range(3)]
    assert estimates == pytest.approx([_exponential_median(50, k + 1) for k in range(3)])
    d.send(CallEnded("busy0", "agent"), at=300)  # a 300 s call: the mean moves to 200 s
    assert d.engine.estimated_wait("c1", 300) == pytest.approx(_exponential_median(100))
    assert d.engine.estimated_wait("c0", 300) == 0  # being rung


def test_an_agent_in_wrap_up_is_counted_free_at_the_end_of_it() -> None:
    config = AcdConfig(
        queues=(QueueConfig("q", ("1001", "1002"), default_handle_s=100, wrap_up_s=20),),
        agents=(AgentConfig("1001"), AgentConfig("1002")),
    )
    d = Driver(Engine(config))
    d.bring_in("1001", "1002")
    for i, agent in enumerate(("1001", "1002")):
        d.send(CallArrived(f"busy{i}", "q", 0))
        d.send(AgentAnswered(f"busy{i}", agent))
    d.send(CallEnded("busy0", "agent"), at=50)  # 1001 wraps up until 70
    d.send(CallArrived("c0", "q", 55), at=55)
    assert d.engine.estimated_wait("c0", 55) == pytest.approx(15)


def test_abandons_shorten_the_estimate() -> None:
    config = AcdConfig(
        queues=(QueueConfig("q", ("1001",), default_handle_s=100),), agents=(AgentConfig("1001"),)
    )
    d = Driver(Engine(config))
    d.bring_in("1001")
    d.send(CallArrived("busy", "q", 0))
    d.send(AgentAnswered("busy", "1001"))
    for i in range(4):
        d.send(CallArrived(f"c{i}", "q", i), at=i)
    before = d.engine.estimated_wait("c3", 4)
    d.send(CallAbandoned("c0"), at=10)
    d.send(CallAbandoned("c1"), at=12)
    assert d.engine.estimated_wait("c3", 12) < before * 2 / 4


def test_callers_ahead_in_other_queues_count_for_the_agents_shared() -> None:
    config = AcdConfig(
        queues=(
            QueueConfig("a", ("1001", "1002"), default_handle_s=100),
            QueueConfig("b", ("1002", "1003"), default_handle_s=100),
        ),
        agents=(AgentConfig("1001"), AgentConfig("1002"), AgentConfig("1003")),
    )
    d = Driver(Engine(config))
    d.bring_in("1001", "1002", "1003")
    for i in range(3):  # everyone busy
        d.send(CallArrived(f"busy{i}", "a" if i == 0 else "b", 0))
        d.send(AgentAnswered(f"busy{i}", d.engine.explain(f"busy{i}").offered_to[0]))
    d.send(CallArrived("b-early", "b", 2), at=2)
    d.send(CallArrived("a-late", "a", 3), at=3)
    # b-early goes to 1002 or 1003: half the time it takes one of a-late's two agents,
    # so a-late counts 0.5 callers ahead: halfway between first and second place.
    first, second = _exponential_median(50), _exponential_median(50, 2)
    assert d.engine.estimated_wait("a-late", 3) == pytest.approx((first + second) / 2)
    assert d.engine.estimated_wait("b-early", 3) == pytest.approx(first)


@given(st.lists(st.tuples(st.booleans(), st.integers(0, 30), st.floats(0, 100)), max_size=600))
def test_ranked_list_agrees_with_a_sorted_list(ops: list[tuple[bool, int, float]]) -> None:
    ranked, plain = RankedList(), list[tuple[float, float, int]]()
    for seq, (add, priority, at) in enumerate(ops):
        key = (-float(priority), at, seq)
        if add or not plain:
            ranked.add(key)
            plain.append(key)
        else:
            victim = plain[seq % len(plain)]
            ranked.remove(victim)
            plain.remove(victim)
        plain.sort()
        assert len(ranked) == len(plain)
        assert list(ranked) == plain
        assert ranked.first() == (plain[0] if plain else None)
        probe = plain[len(plain) // 2] if plain else key
        assert ranked.rank(probe) == sum(1 for k in plain if k < probe)


def test_timers_fire_in_order_and_cancelled_ones_never() -> None:
    timers = Timers()
    handles = [timers.schedule(float(t), Alarm(AlarmKind.RING, str(t))) for t in (5, 1, 3, 2, 4)]
    timers.cancel(handles[1])  # the one due at 1
    timers.cancel(handles[3])  # due at 2
    assert timers.next_deadline() == 3
    fired = []
    while (alarm := timers.pop_due(10)) is not None:
        fired.append(alarm.call_id)
    assert fired == ["3", "4", "5"]
    assert timers.next_deadline() is None
    for t in range(200):  # many cancellations are compacted, not kept for ever
        timers.cancel(timers.schedule(100.0 + t, Alarm(AlarmKind.WRAP)))
    assert len(timers) == 0
