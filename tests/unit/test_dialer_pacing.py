"""Progressive and automated-message pacing: never more calls than free agents (or lines),
never faster than the trunk's calls per second."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from dialer.pacing import CallRate, Room, agentless, progressive


def test_progressive_places_one_call_per_free_agent_not_yet_matched() -> None:
    assert progressive(Room(free_agents=3, in_flight=0, lines_in_use=0, max_lines=10)) == 3
    assert progressive(Room(free_agents=3, in_flight=2, lines_in_use=2, max_lines=10)) == 1
    assert progressive(Room(free_agents=3, in_flight=5, lines_in_use=5, max_lines=10)) == 0


def test_lines_cap_every_mode() -> None:
    room = Room(free_agents=8, in_flight=1, lines_in_use=4, max_lines=6)
    assert progressive(room) == 2
    assert agentless(room) == 2
    assert agentless(Room(free_agents=0, in_flight=0, lines_in_use=0, max_lines=6)) == 6


@given(st.integers(0, 50), st.integers(0, 50), st.integers(0, 60), st.integers(1, 60))
def test_never_more_than_agents_or_lines_allow(
    free: int, flying: int, used: int, lines: int
) -> None:
    room = Room(free_agents=free, in_flight=flying, lines_in_use=max(used, flying), max_lines=lines)
    placed = progressive(room)
    assert placed >= 0
    assert flying + placed <= max(free, flying)
    assert room.lines_in_use + placed <= max(lines, room.lines_in_use)


def test_calls_per_second_are_spread_evenly() -> None:
    rate = CallRate(per_s=4)
    times = []
    now = 100.0
    for _ in range(8):
        now += rate.wait_s(now)
        times.append(now)
        rate.take(now)
    assert times == [100.0 + 0.25 * i for i in range(8)]
    assert rate.wait_s(times[-1] + 10) == 0.0  # idle time is not saved up for a burst
