"""Callbacks: the caller hangs up and keeps their place; agent first, then the customer."""

from __future__ import annotations

from acd.core.engine import AcdConfig, AgentConfig, Engine, QueueConfig
from acd.core.engine.commands import (
    Announce,
    ConfirmCallback,
    ConnectCall,
    DialCustomer,
    OverflowCaller,
    RingAgent,
)
from acd.core.engine.config import OverflowRule, OverflowTo, OverflowWhen
from acd.core.engine.driver import Driver
from acd.core.engine.events import (
    AgentAnswered,
    CallAbandoned,
    CallArrived,
    CallbackRequested,
    CallEnded,
    ConnectFailed,
    CustomerAnswered,
    CustomerUnreachable,
)
from acd.core.engine.facts import CallAnswered, CallbackAttempt, CallbackBooked, CallLeftQueue

OFFER = OverflowRule(OverflowWhen.WAITED_OVER, OverflowTo.CALLBACK, threshold=5)


def driver(agents: int = 1, **queue: object) -> Driver:
    ids = tuple(str(1001 + i) for i in range(agents))
    config = AcdConfig(
        queues=(QueueConfig("q", ids, overflow=(OFFER,), announce_every_s=30, **queue),),  # type: ignore[arg-type]
        agents=tuple(AgentConfig(a) for a in ids),
    )
    return Driver(Engine(config))


def busy(d: Driver, agent: str = "1001") -> None:
    d.bring_in(agent)
    d.send(CallArrived(f"busy-{agent}", "q", d.now))
    d.send(AgentAnswered(f"busy-{agent}", agent))


def book(d: Driver, call: str, number: str, at: float) -> None:
    d.send(CallArrived(call, "q", at), at=at)
    d.advance(at + 6)  # the offer is made after 5 s of waiting
    assert OverflowCaller(call, "q", OverflowTo.CALLBACK, "") in d.seen(OverflowCaller)
    d.send(CallbackRequested(call, number), at=at + 8)
    d.send(CallAbandoned(call), at=at + 9)  # the caller hangs up, as told


def test_the_callback_keeps_its_place_and_later_callers_do_not_overtake_it() -> None:
    d = driver()
    busy(d)
    book(d, "cb", "+33612345678", at=1)
    assert d.seen(ConfirmCallback) == [ConfirmCallback("cb", "+33612345678", merged=False)]
    d.send(CallArrived("later", "q", 20), at=20)
    d.send(CallEnded("busy-1001", "agent"), at=30)
    assert d.seen(RingAgent)[-1].call_id == "cb"  # the agent first
    d.send(AgentAnswered("cb", "1001"), at=32)
    assert d.seen(DialCustomer) == [DialCustomer("cb", "1001", "+33612345678", "q", entered_at=1)]
    assert not [c for c in d.seen(ConnectCall) if c.call_id == "cb"]
    d.send(CustomerAnswered("cb"), at=40)
    assert d.seen(ConnectCall)[-1] == ConnectCall("cb", "1001")
    answered = d.seen(CallAnswered)[-1]
    assert (answered.call_id, answered.wait_s) == ("cb", 39)  # from the first entry


def test_no_announcement_no_abandon_for_a_booked_callback() -> None:
    d = driver()
    busy(d)
    book(d, "cb", "+33612345678", at=0)
    d.advance(200)
    assert [a.call_id for a in d.seen(Announce)] == []  # 30 s announcements stopped at 8
    assert d.engine.explain("cb").state == "waiting"  # the hang-up was not an abandon


def test_a_second_request_for_the_same_number_is_merged() -> None:
    d = driver()
    busy(d)
    book(d, "first", "+33612345678", at=1)
    book(d, "second", "+33612345678", at=20)
    assert d.seen(ConfirmCallback)[-1] == ConfirmCallback("second", "+33612345678", merged=True)
    booked = [(f.call_id, f.merged_into) for f in d.seen(CallbackBooked)]
    assert booked[-1] == ("second", "first")
    assert [(f.call_id, f.reason) for f in d.seen(CallLeftQueue)] == [("second", "callback-merged")]


def test_no_answer_retries_with_back_off_then_gives_up() -> None:
    d = driver(callback_attempts=2, callback_retry_s=60)
    busy(d)
    book(d, "cb", "+33612345678", at=1)
    d.send(CallEnded("busy-1001", "agent"), at=10)
    d.send(AgentAnswered("cb", "1001"), at=11)
    d.send(CustomerUnreachable("cb", "noanswer"), at=40)
    assert d.seen(CallbackAttempt)[-1].final is False
    d.send(CallArrived("other", "q", 41), at=41)  # the agent, free, takes another caller
    assert d.seen(RingAgent)[-1].call_id == "other"
    d.send(AgentAnswered("other", "1001"), at=42)
    d.send(CallEnded("other", "agent"), at=50)  # free again, but the callback waits
    assert d.seen(RingAgent)[-1].call_id == "other"
    d.advance(100)  # 40 + 60 s: back at its place, and the free agent is rung
    assert d.seen(RingAgent)[-1].call_id == "cb"
    d.send(AgentAnswered("cb", "1001"), at=101)
    d.send(CustomerUnreachable("cb", "busy"), at=110)
    assert [(f.attempt, f.reason, f.final) for f in d.seen(CallbackAttempt)] == [
        (1, "noanswer", False),
        (2, "busy", True),
    ]
    assert d.seen(CallLeftQueue)[-1].reason == "callback-failed"


def test_an_agent_who_hangs_up_before_the_customer_answers_costs_no_attempt() -> None:
    d = driver(agents=2)
    busy(d, "1001")
    busy(d, "1002")
    book(d, "cb", "+33612345678", at=1)
    d.send(CallEnded("busy-1001", "agent"), at=10)
    d.send(AgentAnswered("cb", "1001"), at=11)
    d.send(CallEnded("cb", "agent"), at=12)  # the agent gave up on the dial
    assert d.seen(CallbackAttempt) == []
    assert d.seen(RingAgent)[-1] == RingAgent("cb", "1001", "q", 15.0, "", callback=True)  # at once


def test_a_customer_left_without_the_agent_waits_on_the_line_and_is_not_dialled_again() -> None:
    d = driver(agents=2, reoffer_delay_s=10)
    busy(d, "1001")
    busy(d, "1002")
    book(d, "cb", "+33612345678", at=1)
    d.send(CallEnded("busy-1001", "agent"), at=10)
    d.send(AgentAnswered("cb", "1001"), at=11)
    d.send(CustomerAnswered("cb"), at=15)
    d.send(ConnectFailed("cb", "1001"), at=16)  # the agent's leg ended before the bridge
    d.send(CallEnded("busy-1002", "agent"), at=17)
    assert d.seen(RingAgent)[-1] == RingAgent("cb", "1002", "q", 15.0, "")  # a live caller now
    d.send(AgentAnswered("cb", "1002"), at=18)
    assert len(d.seen(DialCustomer)) == 1  # their line is up: never dialled twice
    assert d.seen(ConnectCall)[-1] == ConnectCall("cb", "1002")


def test_customer_first_dials_the_customer_then_rings_the_agent_kept_for_them() -> None:
    d = driver(agents=1, callback_customer_first=True)
    busy(d)
    book(d, "cb", "+33612345678", at=1)
    d.send(CallArrived("later", "q", 20), at=20)
    d.send(CallEnded("busy-1001", "agent"), at=30)
    assert d.seen(DialCustomer) == [DialCustomer("cb", "1001", "+33612345678", "q", entered_at=1)]
    assert [r.call_id for r in d.seen(RingAgent)][-1] != "cb"  # not rung yet: kept
    d.send(CustomerAnswered("cb"), at=35)
    assert d.seen(RingAgent)[-1] == RingAgent("cb", "1001", "q", 15.0, "")  # now a live call
    d.send(AgentAnswered("cb", "1001"), at=37)
    assert d.seen(ConnectCall)[-1] == ConnectCall("cb", "1001")
    assert d.seen(CallAnswered)[-1].wait_s == 36


def test_customer_first_no_answer_frees_the_agent_for_the_next_caller() -> None:
    d = driver(agents=1, callback_customer_first=True, callback_retry_s=60)
    busy(d)
    book(d, "cb", "+33612345678", at=1)
    d.send(CallArrived("later", "q", 20), at=20)
    d.send(CallEnded("busy-1001", "agent"), at=30)
    d.send(CustomerUnreachable("cb", "noanswer"), at=55)
    assert d.seen(RingAgent)[-1].call_id == "later"
    assert d.seen(CallbackAttempt)[-1].attempt == 1
