"""Agent states: login, pause with reasons, pending changes, phone state, reload, status."""

from __future__ import annotations

import math

import pytest

from acd.core.engine import AcdConfig, AgentConfig, Engine, QueueConfig, UnknownCallError
from acd.core.engine.commands import CancelRing, PauseAgent, RemoveCaller, RingAgent
from acd.core.engine.config import PauseReason
from acd.core.engine.driver import Driver
from acd.core.engine.events import (
    AgentAnswered,
    AgentLoggedIn,
    AgentLoggedOut,
    AgentPaused,
    AgentUnpaused,
    CallArrived,
    CallEnded,
    CallReattached,
    CallTransferred,
    ConfigReloaded,
    ConnectFailed,
    PhoneState,
    PhoneStateChanged,
)
from acd.core.engine.facts import (
    AgentStateChanged,
    CallAnswered,
    CallCompleted,
    CallConnectFailed,
    CallEntered,
    CallLeftQueue,
    CallReattachedFact,
    CallTransferredOut,
)

REASONS = (PauseReason("1", "lunch"), PauseReason("2", "training"))
CONFIG = AcdConfig(
    queues=(QueueConfig("q", ("1001", "1002"), wrap_up_s=5),),
    agents=(AgentConfig("1001"), AgentConfig("1002")),
    pause_reasons=REASONS,
)


def states(d: Driver, agent_id: str = "1001") -> list[tuple[str, str]]:
    return [(f.state, f.reason) for f in d.seen(AgentStateChanged) if f.agent_id == agent_id]


def test_pause_reasons_are_checked_against_the_configuration() -> None:
    assert CONFIG.pause_reason_error("lunch") is None
    assert "not configured" in (CONFIG.pause_reason_error("coffee") or "")
    assert CONFIG.pause_reason_for_digit("2") == PauseReason("2", "training")
    assert CONFIG.pause_reason_for_digit("9") is None
    d = Driver(Engine(CONFIG))
    d.bring_in("1001")
    out = d.send(AgentPaused("1001", "coffee"))
    assert "not configured" in out.rejected[0]
    d.send(AgentPaused("1001", "lunch"))
    d.send(AgentPaused("1001", "training"))
    d.send(AgentUnpaused("1001"))
    assert states(d) == [("ready", ""), ("paused", "lunch"), ("paused", "training"), ("ready", "")]


def test_pause_and_logout_while_busy_wait_for_the_call_and_wrap_up() -> None:
    d = Driver(Engine(CONFIG))
    d.bring_in("1001")
    d.send(CallArrived("c1", "q", 0))
    d.send(AgentAnswered("c1", "1001"))
    d.send(AgentPaused("1001", "lunch"), at=3)
    d.send(CallEnded("c1", "agent"), at=10)
    d.advance(15)
    assert states(d)[-2:] == [("wrap_up", ""), ("paused", "lunch")]
    d.send(AgentUnpaused("1001"))
    d.send(CallArrived("c2", "q", 20), at=20)
    d.send(AgentAnswered("c2", "1001"))
    d.send(AgentLoggedOut("1001"))
    d.send(CallTransferred("c2", "2000"), at=30)
    d.advance(35)
    assert states(d)[-1] == ("logged_out", "")
    assert d.seen(CallTransferredOut)[0].talk_s == 10


def test_pausing_while_rung_gives_the_caller_back_without_a_miss() -> None:
    d = Driver(Engine(CONFIG))
    d.bring_in("1001")
    d.send(CallArrived("c1", "q", 0))
    d.send(AgentPaused("1001", "lunch"), at=2)
    assert d.seen(CancelRing) == [CancelRing("c1", "1001")]
    d.bring_in("1002")
    assert [c.agent_id for c in d.seen(RingAgent)] == ["1001", "1002"]
    assert d.engine.snapshot(3).agents[0].state == "paused"


def test_login_survives_the_phone_re_registering() -> None:
    d = Driver(Engine(CONFIG))
    d.bring_in("1001")
    d.send(PhoneStateChanged("1001", PhoneState.UNAVAILABLE), at=1)
    d.send(CallArrived("c1", "q", 2), at=2)
    assert d.seen(RingAgent) == []
    d.send(PhoneStateChanged("1001", PhoneState.NOT_INUSE), at=3)
    assert [c.agent_id for c in d.seen(RingAgent)] == ["1001"]
    assert states(d) == [("ready", ""), ("reserved", "")]


def test_auto_pause_sends_pause_agent() -> None:
    config = AcdConfig(
        queues=(QueueConfig("q", ("1001",), ring_timeout_s=10),),
        agents=(AgentConfig("1001", auto_pause_after=1),),
    )
    d = Driver(Engine(config))
    d.bring_in("1001")
    d.send(CallArrived("c1", "q", 0))
    d.advance(10)
    assert d.seen(PauseAgent) == [PauseAgent("1001", "auto")]
    assert states(d)[-1] == ("paused", "auto")


def test_unknown_agents_and_calls_are_rejected_not_fatal() -> None:
    d = Driver(Engine(CONFIG))
    assert d.send(AgentLoggedIn("9999")).rejected
    assert d.send(AgentAnswered("nope", "1001")).rejected
    assert d.send(CallEnded("nope", "caller")).rejected
    assert d.send(AgentUnpaused("1001")).rejected
    assert d.send(AgentLoggedOut("1001")).rejected
    d.send(CallArrived("c1", "nowhere", 0))
    assert d.seen(RemoveCaller) == [RemoveCaller("c1", "nowhere", "noqueue")]
    with pytest.raises(UnknownCallError):
        d.engine.estimated_wait("nope", 0)


def test_snapshot_shows_queues_and_agents() -> None:
    d = Driver(Engine(CONFIG))
    d.bring_in("1001")
    d.send(PhoneStateChanged("1002", PhoneState.NOT_INUSE))
    d.send(AgentLoggedIn("1002"))
    d.send(AgentPaused("1002", "lunch"), at=1)
    d.send(CallArrived("c1", "q", 2), at=2)
    d.send(AgentAnswered("c1", "1001"), at=12)
    d.send(CallArrived("c2", "q", 20), at=20)
    snap = d.engine.snapshot(50)
    queue = snap.queues[0]
    assert (queue.waiting, queue.longest_wait_s, queue.answered, queue.service_level) == (
        1,
        30,
        1,
        1.0,
    )
    # One staffed agent, on a call: its wrap-up (5 s), then the median of the rest of the
    # default 180 s handle time, memoryless: 175 s · (8/9)³ by the gamma approximation.
    assert queue.callers[0].estimated_wait_s == pytest.approx(5 + 175 * (8 / 9) ** 3, abs=0.1)
    agents = {a.agent_id: a for a in snap.agents}
    assert (agents["1001"].state, agents["1001"].call_id, agents["1001"].in_state_s) == (
        "on_call",
        "c1",
        38,
    )
    assert (agents["1002"].state, agents["1002"].reason) == ("paused", "lunch")
    assert math.isinf(d.engine.estimated_wait("c2", 50)) is False


def test_reload_keeps_callers_and_agents_and_drops_what_is_gone() -> None:
    d = Driver(Engine(CONFIG))
    d.bring_in("1001")
    d.send(CallArrived("c1", "q", 0))
    d.send(CallArrived("c2", "q", 1), at=1)
    d.send(AgentAnswered("c1", "1001"), at=2)
    new = AcdConfig(
        queues=(QueueConfig("q", ("1001", "1003")), QueueConfig("other", ("1003",))),
        agents=(AgentConfig("1001"), AgentConfig("1003")),
        pause_reasons=REASONS,
    )
    d.send(ConfigReloaded(new), at=3)
    d.bring_in("1003")
    assert d.seen(RingAgent)[-1] == RingAgent("c2", "1003", "q", 15.0)
    d.send(CallEnded("c1", "caller"), at=4)  # no wrap-up in the new configuration
    assert states(d)[-1] == ("ready", "")
    d.send(CallArrived("c3", "other", 5), at=5)
    d.send(ConfigReloaded(CONFIG), at=6)
    assert d.seen(CallLeftQueue)[-1].reason == "noqueue"
    assert d.seen(CancelRing)[-1] == CancelRing("c2", "1003")


def test_a_call_reattached_after_a_restart_is_completed_once_then_wrap_up() -> None:
    d = Driver(Engine(CONFIG))
    d.bring_in("1001")
    d.send(CallReattached("c1", "q", "1001", entered_at=-40, answered_at=-30), at=0)
    assert d.engine.snapshot(0).agents[0].state == "on_call"
    d.send(CallArrived("c2", "q", 1), at=1)  # not offered to the agent on the call
    assert not [c for c in d.commands if isinstance(c, RingAgent)]
    d.send(CallEnded("c1", "caller"), at=10)
    done = d.seen(CallCompleted)
    assert [(f.call_id, f.agent_id, f.wait_s, f.talk_s) for f in done] == [("c1", "1001", 10, 40)]
    assert not d.seen(CallAnswered)  # counted before the restart, not again
    assert [f.call_id for f in d.seen(CallReattachedFact)] == ["c1"]
    assert states(d)[-2:] == [("on_call", ""), ("wrap_up", "")]


def test_a_reattached_call_whose_answer_was_never_written_is_counted_answered_once() -> None:
    """The server died between the bridge and writing the answer (seen in the fault
    campaign): the answer is counted at its own time, before the reattach, and once."""
    d = Driver(Engine(CONFIG))
    d.bring_in("1001")
    reattached = CallReattached("c1", "q", "1001", -40, -30, answer_recorded=False)
    d.send(reattached, at=0)
    d.send(CallEnded("c1", "agent"), at=10)
    assert [(f.at, f.call_id, f.agent_id, f.wait_s) for f in d.seen(CallAnswered)] == [
        (-30, "c1", "1001", 10)
    ]
    kinds = [f.kind for f in d.facts if getattr(f, "call_id", "") == "c1"]
    assert kinds == ["CONNECT", "REATTACH", "COMPLETE"]
    assert d.engine.snapshot(10).queues[0].answered == 1


def test_a_reattach_for_a_busy_or_unknown_agent_is_refused() -> None:
    d = Driver(Engine(CONFIG))
    d.bring_in("1001")
    d.send(CallReattached("c1", "q", "1001", 0, 1), at=2)
    assert "cannot be reattached" in d.send(CallReattached("c2", "q", "1001", 0, 1)).rejected[0]
    assert "cannot be reattached" in d.send(CallReattached("c3", "q", "9999", 0, 1)).rejected[0]


def test_a_bridge_asterisk_refused_puts_the_caller_back_at_their_place() -> None:
    d = Driver(Engine(CONFIG))
    d.bring_in("1001", "1002")
    d.send(CallArrived("c1", "q", 0), at=0)
    first = next(c for c in d.commands if isinstance(c, RingAgent)).agent_id
    d.send(AgentAnswered("c1", first), at=1)
    d.send(ConnectFailed("c1", first), at=2)
    failed = d.seen(CallConnectFailed)
    assert [(f.call_id, f.agent_id) for f in failed] == [("c1", first)]
    assert len(d.seen(CallEntered)) == 1  # the same entry, not a new one
    rings = [c.agent_id for c in d.commands if isinstance(c, RingAgent)]
    other = "1002" if first == "1001" else "1001"
    assert rings == [first, other]  # offered to the other agent, not again to the same
    assert [s for s, _ in states(d, first)][-1] == "ready"
    d.send(AgentAnswered("c1", other), at=3)
    answered = [f for f in d.seen(CallAnswered) if f.agent_id == other]
    assert answered[0].wait_s == 3  # counted from the first entry


def test_a_connect_failure_for_a_call_not_connected_is_refused() -> None:
    d = Driver(Engine(CONFIG))
    d.bring_in("1001")
    d.send(CallArrived("c1", "q", 0), at=0)
    assert "not connected" in d.send(ConnectFailed("c1", "1001"), at=1).rejected[0]
