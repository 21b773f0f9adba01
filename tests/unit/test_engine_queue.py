"""A caller's time in the queue: joining, leaving, announcements, escalation, misses."""

from __future__ import annotations

from acd.core.engine import (
    AcdConfig,
    AgentConfig,
    Engine,
    EscalationStep,
    MemberCondition,
    QueueConfig,
)
from acd.core.engine.commands import Announce, CancelRing, RemoveCaller, RingAgent
from acd.core.engine.config import PauseReason
from acd.core.engine.driver import Driver
from acd.core.engine.events import (
    AgentAnswered,
    AgentMissed,
    AgentPaused,
    CallAbandoned,
    CallArrived,
    CallEnded,
    CallerPressedExitKey,
    PhoneState,
    PhoneStateChanged,
)
from acd.core.engine.facts import (
    AgentStateChanged,
    CallAbandonedInQueue,
    CallAnnounced,
    CallAnswered,
    CallEntered,
    CallLeftQueue,
    CallRefused,
    OfferMissed,
)

AGENTS = ("1001", "1002")
PAUSES = (PauseReason("1", "lunch"),)


def driver(agents: tuple[AgentConfig, ...] = (), **queue: object) -> Driver:
    agents = agents or tuple(AgentConfig(a) for a in AGENTS)
    config = AcdConfig(
        queues=(QueueConfig("q", tuple(a.id for a in agents), **queue),),  # type: ignore[arg-type]
        agents=agents,
        pause_reasons=PAUSES,
    )
    return Driver(Engine(config))


def rings(d: Driver) -> list[tuple[str, str]]:
    return [(c.call_id, c.agent_id) for c in d.seen(RingAgent)]


def test_a_full_queue_refuses_the_caller() -> None:
    d = driver(max_length=2)
    for i in range(3):
        d.send(CallArrived(f"c{i}", "q", i), at=i)
    assert d.seen(RemoveCaller) == [RemoveCaller("c2", "q", "full")]
    assert [f.reason for f in d.seen(CallRefused)] == ["full"]
    assert len(d.seen(CallEntered)) == 2


def test_join_empty_counts_members_in_the_listed_states_as_absent() -> None:
    d = driver(join_empty=frozenset({MemberCondition.PAUSED, MemberCondition.UNAVAILABLE}))
    d.send(CallArrived("nobody-logged-in", "q", 0))
    d.bring_in("1001")
    d.send(AgentPaused("1001", "lunch"))
    d.send(CallArrived("only-paused", "q", 1), at=1)
    d.bring_in("1002")
    d.send(PhoneStateChanged("1002", PhoneState.UNAVAILABLE))
    d.send(CallArrived("only-unregistered", "q", 2), at=2)
    d.send(PhoneStateChanged("1002", PhoneState.INUSE))  # busy on another call: there
    d.send(CallArrived("joins", "q", 3), at=3)
    refused = [f.call_id for f in d.seen(CallRefused)]
    assert refused == ["nobody-logged-in", "only-paused", "only-unregistered"]
    assert [f.call_id for f in d.seen(CallEntered)] == ["joins"]


def test_join_empty_with_penalty_requires_the_skills() -> None:
    agents = (AgentConfig("1001", (("french", 2),)),)
    d = driver(agents, join_empty=frozenset({MemberCondition.PENALTY}))
    d.bring_in("1001")
    d.send(PhoneStateChanged("1001", PhoneState.INUSE))
    d.send(CallArrived("expert", "q", 0, skills=(("french", 4),)))
    d.send(CallArrived("beginner", "q", 0, skills=(("french", 1),)))
    assert [f.call_id for f in d.seen(CallRefused)] == ["expert"]


def test_leave_when_empty_takes_waiting_callers_out_when_the_last_agent_goes() -> None:
    d = driver(leave_when_empty=frozenset({MemberCondition.PAUSED}))
    d.bring_in("1001")
    d.send(PhoneStateChanged("1001", PhoneState.INUSE))
    d.send(CallArrived("c1", "q", 1), at=1)
    d.send(AgentPaused("1001", "lunch"), at=5)
    assert d.seen(RemoveCaller) == [RemoveCaller("c1", "q", "leaveempty")]
    left = d.seen(CallLeftQueue)[0]
    assert (left.reason, left.position, left.wait_s) == ("leaveempty", 1, 4)


def test_maximum_wait_removes_the_caller_even_while_ringing() -> None:
    d = driver(max_wait_s=60, ring_timeout_s=30)
    d.send(CallArrived("c1", "q", 0))
    d.bring_in("1001")
    d.advance(50)
    d.send(PhoneStateChanged("1001", PhoneState.NOT_INUSE))
    d.advance(100)
    assert d.seen(RemoveCaller) == [RemoveCaller("c1", "q", "timeout")]
    assert d.seen(CallLeftQueue)[0].wait_s == 60
    assert CancelRing("c1", "1001") in d.seen(CancelRing)
    assert d.engine.snapshot(100).agents[0].state == "ready"


def test_a_call_with_its_own_limit_leaves_at_it_and_is_never_overflowed() -> None:
    """A person a campaign called: an agent within 2 s, or out (the information
    message), whatever the queue's own limit and overflow rules say."""
    d = driver(max_wait_s=600, ring_timeout_s=30)
    d.send(CallArrived("person", "q", 0, priority=100, max_wait_s=2.0), at=0)
    d.send(CallArrived("inbound", "q", 0), at=0)
    d.advance(10)
    assert d.seen(RemoveCaller) == [RemoveCaller("person", "q", "timeout")]
    assert d.seen(CallLeftQueue)[0].wait_s == 2.0


def test_the_exit_key_takes_the_caller_out_and_other_keys_do_nothing() -> None:
    d = driver(exit_key="0")
    d.send(CallArrived("c1", "q", 0))
    out = d.send(CallerPressedExitKey("c1", "5"), at=3)
    assert out.rejected
    assert d.seen(RemoveCaller) == []
    d.send(CallerPressedExitKey("c1", "0"), at=4)
    assert d.seen(RemoveCaller) == [RemoveCaller("c1", "q", "exitkey")]


def test_announcements_give_position_and_estimated_wait_every_period() -> None:
    d = driver(announce_every_s=30, default_handle_s=120)
    d.bring_in("1001", "1002")
    for i, agent in enumerate(("1001", "1002")):
        d.send(CallArrived(f"busy{i}", "q", 0))
        d.send(AgentAnswered(f"busy{i}", agent))
    d.send(CallArrived("c1", "q", 1), at=1)
    d.send(CallArrived("c2", "q", 2), at=2)
    d.advance(65)
    announced = [(a.call_id, a.position, a.estimated_wait_s) for a in d.seen(Announce)]
    # 2 agents, 120 s per call: one place every 60 s on average, and the announced
    # figure is the median: 60 s · (8/9)³ for the first, 2 stages for the second.
    first, second = round(60 * (8 / 9) ** 3, 1), round(120 * (1 - 1 / 18) ** 3, 1)
    assert announced == [("c1", 1, first), ("c2", 2, second), ("c1", 1, first), ("c2", 2, second)]
    assert [f.at for f in d.seen(CallAnnounced)] == [31, 32, 61, 62]


def test_announcements_say_minus_one_when_nobody_can_answer() -> None:
    d = driver(announce_every_s=10)
    d.send(CallArrived("c1", "q", 0))
    d.advance(10)
    assert d.seen(Announce) == [Announce("c1", 1, -1.0, "")]


def test_no_answer_keeps_the_place_and_tries_the_next_agent() -> None:
    d = driver(ring_timeout_s=15, reoffer_delay_s=30)
    d.bring_in("1001")
    d.send(CallArrived("first", "q", 0))
    d.send(CallArrived("second", "q", 1), at=1)
    d.advance(15)  # 1001 does not answer "first"
    assert d.seen(CancelRing) == [CancelRing("first", "1001")]
    assert d.seen(OfferMissed)[0].ring_s == 15
    # 1001 is not offered "first" again at once; "second" is theirs meanwhile.
    assert rings(d) == [("first", "1001"), ("second", "1001")]
    d.send(AgentMissed("second", "1001", "rejected"), at=16)
    d.bring_in("1002")
    assert rings(d)[-1] == ("first", "1002")  # first still goes first
    d.send(AgentAnswered("first", "1002"), at=20)
    assert d.seen(CallAnswered)[0].wait_s == 20


def test_a_missed_agent_is_offered_the_same_caller_again_after_the_delay() -> None:
    d = driver(ring_timeout_s=15, reoffer_delay_s=30)
    d.bring_in("1001")
    d.send(CallArrived("c1", "q", 0))
    d.send(AgentMissed("c1", "1001", "busy"), at=2)
    assert rings(d) == [("c1", "1001")]
    d.advance(31.9)
    assert rings(d) == [("c1", "1001")]
    d.advance(32)
    assert rings(d) == [("c1", "1001"), ("c1", "1001")]


def test_auto_pause_after_consecutive_misses() -> None:
    d = driver((AgentConfig("1001", auto_pause_after=2), AgentConfig("1002")))
    d.bring_in("1001")
    d.send(CallArrived("c1", "q", 0))
    d.send(CallArrived("c2", "q", 0))
    d.advance(15)
    d.advance(30)
    changes = [(f.state, f.reason) for f in d.seen(AgentStateChanged) if f.agent_id == "1001"]
    assert changes[-1] == ("paused", "auto")
    assert len(d.seen(OfferMissed)) == 2


def test_wrap_up_then_ready() -> None:
    d = driver(wrap_up_s=10)
    d.bring_in("1001")
    d.send(CallArrived("c1", "q", 0))
    d.send(AgentAnswered("c1", "1001"), at=1)
    d.send(CallArrived("c2", "q", 2), at=2)
    d.send(CallEnded("c1", "caller"), at=20)
    assert rings(d) == [("c1", "1001")]
    d.advance(30)
    assert rings(d) == [("c1", "1001"), ("c2", "1001")]
    states = [f.state for f in d.seen(AgentStateChanged)]
    assert states == ["ready", "reserved", "on_call", "wrap_up", "ready", "reserved"]


def test_abandon_while_ringing_frees_the_agent() -> None:
    d = driver()
    d.bring_in("1001")
    d.send(CallArrived("c0", "q", 0))
    d.send(CallArrived("c1", "q", 0))
    d.send(CallArrived("c2", "q", 1), at=1)
    d.send(CallAbandoned("c2"), at=4)
    d.send(CallAbandoned("c0"), at=5)
    abandoned = d.seen(CallAbandonedInQueue)
    assert [(a.call_id, a.position, a.original_position) for a in abandoned] == [
        ("c2", 3, 3),
        ("c0", 1, 1),
    ]
    assert d.seen(CancelRing) == [CancelRing("c0", "1001")]
    assert rings(d)[-1] == ("c1", "1001")


def test_escalation_widens_the_pool_live() -> None:
    agents = (AgentConfig("1001", (("billing", 2),)), AgentConfig("1002", (("billing", 5),)))
    steps = (EscalationStep(60, (("billing", 2),)), EscalationStep(120, (("billing", 0),)))
    d = driver(agents, skills=(("billing", 4),), escalation=steps)
    d.bring_in("1001")
    d.send(CallArrived("c1", "q", 0))
    d.send(CallArrived("c2", "q", 0, skills=(("french", 1),)))
    d.advance(59)
    assert rings(d) == []
    d.advance(60)
    assert rings(d) == [("c1", "1001")]
    assert d.engine.explain("c2").requirement == (("billing", 2), ("french", 1))
    d.advance(120)
    assert d.engine.explain("c2").requirement == (("french", 1),)


def test_escalation_can_narrow_and_applies_to_restored_callers() -> None:
    agents = (AgentConfig("1001", (("billing", 2),)),)
    d = driver(agents, escalation=(EscalationStep(30, (("billing", 5),)),))
    d.send(CallArrived("old", "q", entered_at=-100.0), at=0)  # restored after a restart
    d.bring_in("1001")
    assert rings(d) == []
    assert d.engine.explain("old").requirement == (("billing", 5),)


def test_a_restored_caller_keeps_their_original_place() -> None:
    d = driver()
    d.send(CallArrived("new", "q", 50), at=50)
    d.send(CallArrived("restored", "q", entered_at=10), at=51)
    assert [(c.call_id, c.position) for c in d.engine.snapshot(51).queues[0].callers] == [
        ("restored", 1),
        ("new", 2),
    ]
    d.bring_in("1001")
    assert rings(d) == [("restored", "1001")]
