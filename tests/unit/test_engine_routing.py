"""Routing: each strategy, the one global order across queues, skills, ring-all."""

from __future__ import annotations

from collections import Counter

import pytest

from acd.core.engine import AcdConfig, AgentConfig, Engine, QueueConfig, Strategy
from acd.core.engine.commands import CancelRing, ConnectCall, RingAgent
from acd.core.engine.driver import Driver
from acd.core.engine.events import (
    AgentAnswered,
    CallArrived,
    CallEnded,
    PhoneState,
    PhoneStateChanged,
)
from acd.core.engine.facts import CallOffered

AGENTS = ("1001", "1002", "1003")


def driver(
    strategy: Strategy = Strategy.LONGEST_IDLE, agents: tuple[str, ...] = AGENTS, **queue: object
) -> Driver:
    config = AcdConfig(
        queues=(QueueConfig("q", agents, strategy, **queue),),  # type: ignore[arg-type]
        agents=tuple(AgentConfig(a) for a in agents),
    )
    return Driver(Engine(config, rng_seed=7))


def rung(d: Driver) -> list[str]:
    return [c.agent_id for c in d.seen(RingAgent)]


def serve_one(d: Driver, call_id: str, at: float, talk_s: float = 10.0) -> str:
    """A call arrives, whoever is rung answers at once and hangs up ``talk_s`` later."""
    d.send(CallArrived(call_id, "q", at), at=at)
    agent = rung(d)[-1]
    d.send(AgentAnswered(call_id, agent))
    d.send(CallEnded(call_id, "agent"), at=at + talk_s)
    return agent


def test_longest_idle_takes_the_agent_ready_longest() -> None:
    d = driver()
    d.send(PhoneStateChanged("1002", PhoneState.NOT_INUSE), at=0)
    d.bring_in("1002")
    d.advance(5)
    d.bring_in("1001", "1003")
    d.send(CallArrived("c1", "q", 10), at=10)
    offered = d.seen(CallOffered)[0]
    assert offered.agent_id == "1002"
    assert offered.eligible == ("1002", "1001", "1003")
    assert offered.eligible_count == 3
    assert offered.why == "longest-idle: ready for 10 s"


def test_round_robin_remembers_who_was_rung_last() -> None:
    d = driver(Strategy.ROUND_ROBIN)
    d.bring_in(*AGENTS)
    served = [serve_one(d, f"c{i}", at=100.0 * i) for i in range(5)]
    assert served == ["1001", "1002", "1003", "1001", "1002"]


def test_linear_always_starts_from_the_top() -> None:
    d = driver(Strategy.LINEAR)
    d.bring_in("1003", "1002", "1001")
    served = [serve_one(d, f"c{i}", at=100.0 * i) for i in range(3)]
    assert served == ["1001", "1001", "1001"]


def test_fewest_calls_and_least_talk_time() -> None:
    d = driver(Strategy.FEWEST_CALLS)
    d.bring_in(*AGENTS)
    served = [serve_one(d, f"c{i}", at=100.0 * i) for i in range(6)]
    assert Counter(served) == {"1001": 2, "1002": 2, "1003": 2}
    d = driver(Strategy.LEAST_TALK_TIME)
    d.bring_in(*AGENTS)
    serve_one(d, "long", at=0, talk_s=90)  # 1001 (all equal: longest idle)
    serve_one(d, "short", at=100, talk_s=5)  # 1002
    assert serve_one(d, "next", at=200) == "1003"
    assert serve_one(d, "then", at=300) == "1002"  # 5 s of talk < 1001's 90 s


def test_random_is_seeded_and_spreads_calls() -> None:
    def run() -> list[str]:
        d = driver(Strategy.RANDOM)
        d.bring_in(*AGENTS)
        return [serve_one(d, f"c{i}", at=100.0 * i) for i in range(60)]

    first = run()
    assert first == run()
    assert set(first) == set(AGENTS)


def test_ring_all_rings_everyone_and_the_first_answer_wins() -> None:
    d = driver(Strategy.RING_ALL)
    d.bring_in(*AGENTS)
    d.send(CallArrived("c1", "q", 1), at=1)
    assert sorted(rung(d)) == sorted(AGENTS)
    d.send(AgentAnswered("c1", "1002"), at=3)
    assert d.seen(ConnectCall) == [ConnectCall("c1", "1002")]
    assert sorted(c.agent_id for c in d.seen(CancelRing)) == ["1001", "1003"]
    d.send(CallArrived("c2", "q", 4), at=4)  # the losers are free again
    assert sorted(rung(d)[3:]) == ["1001", "1003"]


def test_skills_prefers_the_best_total_proficiency_then_longest_idle() -> None:
    config = AcdConfig(
        queues=(QueueConfig("q", AGENTS, Strategy.SKILLS, skills=(("french", 2),)),),
        agents=(
            AgentConfig("1001", (("french", 3),)),
            AgentConfig("1002", (("french", 5),)),
            AgentConfig("1003", (("french", 5),)),
        ),
    )
    d = Driver(Engine(config))
    d.bring_in("1003")
    d.advance(1)
    d.bring_in("1001", "1002")
    d.send(CallArrived("c1", "q", 2, skills=(("english", 1),)), at=2)
    assert rung(d) == []  # nobody speaks English
    d.send(CallArrived("c2", "q", 3), at=3)
    offered = d.seen(CallOffered)[0]
    assert (offered.agent_id, offered.eligible) == ("1003", ("1003", "1002", "1001"))
    assert offered.why.startswith("skills: total proficiency 5 on french>=2")


def test_one_global_order_across_queues_priority_then_entry_time() -> None:
    config = AcdConfig(
        queues=(QueueConfig("sales", ("1001",)), QueueConfig("support", ("1001",))),
        agents=(AgentConfig("1001"),),
    )
    d = Driver(Engine(config))
    d.send(CallArrived("support-early", "support", 1), at=1)
    d.send(CallArrived("sales-later", "sales", 2), at=2)
    d.send(CallArrived("sales-vip", "sales", 3, priority=5), at=3)
    d.send(CallArrived("support-later", "support", 4), at=4)
    d.bring_in("1001")
    order = []
    for at in (10, 20, 30, 40):
        call_id = d.seen(RingAgent)[-1].call_id
        order.append(call_id)
        d.send(AgentAnswered(call_id, "1001"), at=at)
        d.send(CallEnded(call_id, "caller"), at=at + 5)
    assert order == ["sales-vip", "support-early", "sales-later", "support-later"]


def test_an_agent_gets_the_first_caller_among_the_pools_they_can_serve() -> None:
    config = AcdConfig(
        queues=(QueueConfig("q", ("1001", "1002")),),
        agents=(AgentConfig("1001", (("french", 3),)), AgentConfig("1002", (("english", 3),))),
    )
    d = Driver(Engine(config))
    d.send(CallArrived("en", "q", 1, skills=(("english", 1),)), at=1)
    d.send(CallArrived("fr", "q", 2, skills=(("french", 1),)), at=2)
    d.send(CallArrived("any", "q", 3), at=3)
    d.bring_in("1001")
    assert rung(d) == ["1001"]
    assert d.seen(RingAgent)[0].call_id == "fr"
    d.bring_in("1002")
    assert d.seen(RingAgent)[1].call_id == "en"


@pytest.mark.parametrize("state", [s for s in PhoneState if s is not PhoneState.NOT_INUSE])
def test_a_phone_that_is_not_idle_is_never_rung(state: PhoneState) -> None:
    d = driver()
    d.bring_in("1001")
    d.send(PhoneStateChanged("1001", state))
    d.send(CallArrived("c1", "q", 1), at=1)
    assert rung(d) == []
    d.send(PhoneStateChanged("1001", PhoneState.NOT_INUSE), at=2)
    assert rung(d) == ["1001"]


@pytest.mark.parametrize("strategy", list(Strategy))
def test_many_ready_agents_follow_the_strategy_order(strategy: Strategy) -> None:
    """Above 32 candidates the engine reads the ready list instead of ranking each agent:
    the choice must be the same as ranking them all."""
    agents = tuple(str(2000 + i) for i in range(80))
    config = AcdConfig(
        queues=(QueueConfig("q", agents, strategy, skills=(("x", 1),)),),
        agents=tuple(AgentConfig(a, (("x", 1 + (i + 1) % 5),)) for i, a in enumerate(agents)),
    )
    d = Driver(Engine(config, rng_seed=3))
    for i, agent in enumerate(reversed(agents)):
        d.bring_in(agent)
        d.advance(float(i + 1))
    d.send(CallArrived("c1", "q", 100), at=100)
    chosen = rung(d)
    expected = {
        Strategy.LONGEST_IDLE: ["2079"],
        Strategy.LINEAR: ["2000"],
        Strategy.ROUND_ROBIN: ["2000"],
        Strategy.FEWEST_CALLS: ["2079"],
        Strategy.LEAST_TALK_TIME: ["2079"],
        Strategy.SKILLS: ["2078"],
    }
    if strategy is Strategy.RING_ALL:
        assert len(chosen) == 80
    elif strategy is Strategy.RANDOM:
        assert len(chosen) == 1
    else:
        assert chosen == expected[strategy]
