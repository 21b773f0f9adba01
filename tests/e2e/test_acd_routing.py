"""Inbound ACD end to end: SIPp callers through the sandbox Asterisk, the server in its own
process, registered SIPp agent phones; every assertion is read from the journal."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import pytest

from acd.core.engine.facts import (
    AgentStateChanged,
    CallAnswered,
    CallCompleted,
    CallEntered,
    CallOffered,
)
from acd.core.facts import Fact
from testbed.phones import CallerPhone, CallerScript
from testbed.sandbox import Sandbox
from tests.e2e.acd_harness import (
    agent_phones,
    agent_status,
    facts,
    login,
    queue,
    running_server,
    unregister,
    until,
    write_config,
)

pytestmark = pytest.mark.e2e

# (number dialled, queue) of the 20 callers, in the order they call: 100 = sales,
# 102 = sales VIP (priority 5), 101 = support in French (billing >= 3 and french >= 3).
CALLS = [
    "100",
    "101",
    "100",
    "102",
    "101",
    "100",
    "100",
    "102",
    "101",
    "100",
    "101",
    "100",
    "102",
    "100",
    "101",
    "100",
    "100",
    "101",
    "102",
    "100",
]
CALLER_IPS = ("127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5")


def _edit(config: dict[str, Any]) -> None:
    queue(config, "sales")["members"] = ["1001", "1002", "1003", "1004", "1005"]


async def test_twenty_callers_five_agents_two_queues(
    sandbox: Sandbox, tmp_path: Path, phones_dir: Path
) -> None:
    config = write_config(tmp_path, _edit)
    talk = {"ring_ms": 300, "talk_ms": 1500}
    async with (
        running_server(config, tmp_path) as server,
        agent_phones(sandbox, phones_dir, {a: talk for a in ("1001", "1002", "1003", "1005")}),
    ):
        # 1004 is logged in but its phone is not registered yet; 1005 is on a lunch break.
        await unregister(sandbox, phones_dir, "1004")
        await until(server, lambda s: agent_status(s, "1004")["phone"] == "unavailable")
        await login(server, "1001", "1002", "1003", "1004", "1005")
        await server.request("POST", "/api/agents/1005/pause", {"reason": "lunch"})
        callers = [
            CallerPhone(phones_dir, f"07000000{n:02d}", ip=CALLER_IPS[n % len(CALLER_IPS)])
            for n in range(len(CALLS))
        ]
        for caller, number in zip(callers, CALLS, strict=True):
            await caller.dial(number, CallerScript(), hold_ms=60000)
            await asyncio.sleep(0.15)  # callers arrive one after the other, in this order
        registered_1004 = time.time()
        async with agent_phones(sandbox, phones_dir, {"1004": talk}):
            await server.request("POST", "/api/agents/1005/ready")
            await asyncio.gather(*(caller.finished(120) for caller in callers))
    journal = facts(tmp_path)

    entered = {f.call_id: f for f in journal if isinstance(f, CallEntered)}
    answered = {f.call_id: f for f in journal if isinstance(f, CallAnswered)}
    completed = {f.call_id for f in journal if isinstance(f, CallCompleted)}
    assert len(entered) == len(CALLS)
    assert answered.keys() == entered.keys() == completed  # every caller answered, once
    _assert_served_in_priority_then_arrival_order(journal, entered)
    _assert_only_ready_agents_were_rung(journal)
    assert all(
        f.at > registered_1004
        for f in journal
        if isinstance(f, CallOffered) and f.agent_id == "1004"
    )
    by_agent = {f.agent_id for f in answered.values()}
    assert by_agent == {"1001", "1002", "1003", "1004", "1005"}
    assert {f.agent_id for f in answered.values() if f.queue == "support"} <= {"1001", "1002"}


def _assert_served_in_priority_then_arrival_order(
    journal: list[Fact], entered: dict[str, CallEntered]
) -> None:
    """Within one queue and one set of requirements (one eligible pool), a caller is never
    offered to an agent while a caller of higher priority, or of the same priority who
    came earlier, is still waiting for a first offer."""
    first_offer: dict[str, float] = {}
    for fact in journal:
        if isinstance(fact, CallOffered):
            first_offer.setdefault(fact.call_id, fact.at)
    for call, offered_at in first_offer.items():
        mine = entered[call]
        for other, theirs in entered.items():
            # One queue here is one pool: every sales caller (VIP or not) can be served by
            # every sales agent, and every support caller has the same requirements.
            same_pool = theirs.queue == mine.queue
            ahead = (-theirs.priority, theirs.at) < (-mine.priority, mine.at)
            still_waiting = theirs.at < offered_at < first_offer[other]
            assert not (same_pool and ahead and still_waiting), (
                f"{call} was offered at {offered_at} while {other} waited ahead of it"
            )


def _assert_only_ready_agents_were_rung(journal: list[Fact]) -> None:
    state: dict[str, str] = {}
    for fact in journal:
        if isinstance(fact, AgentStateChanged):
            state[fact.agent_id] = fact.state
        elif isinstance(fact, CallOffered):
            # The engine reserves the agent as it offers: the offer follows "reserved",
            # which must have come from "ready" (not paused, busy or logged out).
            assert state.get(fact.agent_id) == "reserved", (fact, state)
    transitions = [(f.previous, f.state) for f in journal if isinstance(f, AgentStateChanged)]
    assert all(prev == "ready" for prev, new in transitions if new == "reserved")
