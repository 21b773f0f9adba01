"""A server killed (-9) in the middle of the day, then started again: the calls it was
connecting are followed to their end and counted once, the callers who hung up while it
was away are abandoned with their real waits, the others are served in order, and
`acd report` counts the time away as nobody's talk or wrap-up."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from acd.core.engine.facts import (
    CallAbandonedInQueue,
    CallAnswered,
    CallCompleted,
    CallEntered,
    CallOffered,
)
from acd.core.lifecycle import CallRepaired, ServerRestarted
from testbed.phones import CallerPhone, CallerScript
from testbed.sandbox import Sandbox
from tests.e2e.acd_harness import (
    agent_phones,
    facts,
    login,
    queue,
    queue_status,
    report_json,
    running_server,
    until,
    write_config,
)

pytestmark = pytest.mark.e2e

AGENTS = ("1001", "1002", "1003", "1004", "1005")
TALK_S = 20.0  # every agent phone hangs up after this
HASTY_HOLD_S = 6.0  # two waiting callers give up this long after their call was answered


def _sales_for_all(config: dict[str, Any]) -> None:
    queue(config, "sales").update(join_empty=[], leave_when_empty=[], members=list(AGENTS))


def _counts(status: dict[str, Any]) -> tuple[int, int]:
    sales = queue_status(status, "sales")
    on_call = sum(1 for a in status["agents"] if a["state"] == "on_call")
    return on_call, int(sales["waiting"])


async def test_kill_9_with_five_connected_and_five_waiting(
    sandbox: Sandbox, tmp_path: Path, phones_dir: Path
) -> None:
    config = write_config(tmp_path, _sales_for_all)
    phones = {agent: {"ring_ms": 200, "talk_ms": int(TALK_S * 1000)} for agent in AGENTS}
    callers = [
        CallerPhone(phones_dir, f"06551000{n:02d}", ip=f"127.0.0.{2 + n % 4}") for n in range(10)
    ]
    hasty = callers[6:8]
    async with (
        agent_phones(sandbox, phones_dir, phones),
        running_server(config, tmp_path) as server,
    ):
        await login(server, *AGENTS)
        for caller in callers[:5]:
            await caller.dial("100", CallerScript(), hold_ms=120_000)
        await until(server, lambda s: _counts(s) == (5, 0))
        for caller in callers[5:]:
            hold_s = HASTY_HOLD_S if caller in hasty else 120.0
            await caller.dial("100", CallerScript(), hold_ms=int(hold_s * 1000))
            await asyncio.sleep(0.1)  # one after the other: their order is their right
        await until(server, lambda s: _counts(s) == (5, 5))
        await server.kill_9()
        await asyncio.gather(*(caller.finished(HASTY_HOLD_S + 5) for caller in hasty))
        await server.start()  # within the heartbeat's lease: the callers are still here
        await asyncio.gather(*(c.finished(2 * TALK_S + 20) for c in callers if c not in hasty))
        await until(server, lambda s: _counts(s) == (0, 0))
    journal = facts(tmp_path)

    entered = [f.call_id for f in journal if isinstance(f, CallEntered)]
    assert len(entered) == len(set(entered)) == 10  # nobody entered twice
    first_five, waiting = entered[:5], entered[5:]
    answered = [f.call_id for f in journal if isinstance(f, CallAnswered)]
    completed = [f.call_id for f in journal if isinstance(f, CallCompleted)]
    assert sorted(answered) == sorted(completed)  # each answered call ends once
    assert len(answered) == 8
    assert set(first_five) <= set(completed)  # followed across the restart
    abandoned = {f.call_id: f for f in journal if isinstance(f, CallAbandonedInQueue)}
    hasty_ids = {waiting[1], waiting[2]}  # callers 6 and 7, by entry order
    assert set(abandoned) == hasty_ids
    for call in abandoned.values():  # their wait: the phone's own, not the time away
        assert abs(call.wait_s - HASTY_HOLD_S) < 1.0, call
    repaired = [f for f in journal if isinstance(f, CallRepaired)]
    assert {f.call_id for f in repaired} == hasty_ids
    assert all("while the server was away" in f.reason for f in repaired)
    served_after = [waiting[0], waiting[3], waiting[4]]
    offered = list(dict.fromkeys(f.call_id for f in journal if isinstance(f, CallOffered)))
    assert [c for c in offered if c in served_after] == served_after  # in entry order
    restarts = [f for f in journal if isinstance(f, ServerRestarted)]
    assert len(restarts) == 1
    assert restarts[0].at - restarts[0].down_since < HASTY_HOLD_S + 10

    talks = [f.talk_s for f in journal if isinstance(f, CallCompleted)]
    assert all(abs(t - TALK_S) < 1.5 for t in talks), talks
    sales = report_json(config)["queues"][0]
    assert (sales["offered"], sales["answered"], sales["abandoned"]) == (10, 8, 2)
    assert TALK_S - 1.5 < sales["aht_s"] < TALK_S + 2.0  # talk + 0.5 s wrap-up, no time away


def _all_ready(status: dict[str, Any]) -> bool:
    return all(a["state"] == "ready" for a in status["agents"] if a["agent_id"] in AGENTS[:3])


async def test_an_asterisk_restart_with_calls_up_leaves_no_agent_stuck(
    sandbox: Sandbox, tmp_path: Path, phones_dir: Path
) -> None:
    """Asterisk killed and started again under the server: every call dies with it. After
    the server's resync, each agent's state matches Asterisk's (no call: ready) within
    10 s, and the calls are ended once, at the server's resync (the time Asterisk took
    to restart counts in their talk: docs/reliability.md)."""
    config = write_config(tmp_path, _sales_for_all)
    phones = {agent: {"ring_ms": 200, "talk_ms": 60_000} for agent in AGENTS[:3]}
    callers = [CallerPhone(phones_dir, f"06552000{n:02d}", ip=f"127.0.0.{2 + n}") for n in range(3)]
    async with (
        agent_phones(sandbox, phones_dir, phones) as registered,
        running_server(config, tmp_path) as server,
    ):
        await login(server, *AGENTS[:3])
        for caller in callers:
            await caller.dial("100", CallerScript(), hold_ms=60_000)
        await until(server, lambda s: _counts(s) == (3, 0))
        await sandbox.restart(boot_timeout_s=90, hard=True)  # as in a crash
        restarted_at = time.time()
        for phone in registered.values():
            await phone.register()  # the phones register again, as real ones do
        await until(server, lambda s: s["asterisk"] == "connected", timeout_s=60)
        resynced_at = time.time()
        status = await until(server, lambda s: _all_ready(s), timeout_s=10)
        settled_at = time.time()
        for caller in callers:
            await caller.hang_up()  # their lines died with Asterisk
    journal = facts(tmp_path)

    ready = {a["agent_id"]: a["state"] for a in status["agents"] if a["agent_id"] in AGENTS[:3]}
    assert set(ready.values()) == {"ready"}
    assert settled_at - resynced_at < 10
    completed = Counter(f.call_id for f in journal if isinstance(f, CallCompleted))
    assert len(completed) == 3
    assert set(completed.values()) == {1}  # each ended once
    ends = [f.at for f in journal if isinstance(f, CallCompleted)]
    assert all(restarted_at - 60 < at <= settled_at for at in ends)  # at the resync
