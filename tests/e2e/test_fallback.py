"""The fallback end to end: when this server cannot take a call, Asterisk's own dialplan
serves the caller (here, number 100's default: app_queue ringing the same agents), and
never leaves them on music for ever."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import pytest

from acd.asterisk.ami import AmiClient
from acd.asterisk.ami import Event as AmiEvent
from acd.asterisk.dialplan import HOLD_CHECK_S, LEASE_S
from acd.asterisk.render import fallback_queue
from testbed.phones import CallerPhone, CallerScript
from testbed.sandbox import Sandbox
from tests.e2e.acd_harness import (
    agent_phones,
    login,
    queue,
    running_server,
    unregister,
    until,
    write_config,
)

pytestmark = pytest.mark.e2e

FALLBACK_WITHIN_S = 5.0  # the promise for a server that is not running


async def _only_1001_registered(sandbox: Sandbox, phones_dir: Path) -> None:
    """app_queue rings any registered phone: earlier tests' registrations are removed."""
    for agent in ("1002", "1003", "1004", "1005"):
        await unregister(sandbox, phones_dir, agent)


def _open_sales(config: dict[str, Any]) -> None:
    queue(config, "sales").update(join_empty=[], leave_when_empty=[])


class Events:
    """The test's own AMI view: each event with the time it arrived."""

    def __init__(self, ami: AmiClient, *names: str) -> None:
        self.seen: list[tuple[float, AmiEvent]] = []
        self._changed = asyncio.Event()
        for name in names:
            ami.subscribe(self._add, name)

    def _add(self, event: AmiEvent) -> None:
        self.seen.append((time.time(), event))
        self._changed.set()

    async def first(self, name: str, timeout_s: float, **fields: str) -> tuple[float, AmiEvent]:
        async with asyncio.timeout(timeout_s):
            while True:
                for at, event in self.seen:
                    if event.name == name and all(event.get(k) == v for k, v in fields.items()):
                        return at, event
                self._changed.clear()
                await self._changed.wait()


async def test_with_the_server_stopped_a_caller_reaches_the_fallback_at_once(
    sandbox: Sandbox, ami: AmiClient, tmp_path: Path, phones_dir: Path
) -> None:
    events = Events(ami, "UserEvent", "AgentConnect")
    await _only_1001_registered(sandbox, phones_dir)
    async with agent_phones(sandbox, phones_dir, {"1001": {"ring_ms": 200, "talk_ms": 1500}}):
        caller = CallerPhone(phones_dir, "0644000001", ip="127.0.0.2")
        dialled_at = time.time()
        await caller.dial("100", CallerScript(), hold_ms=8000)
        reached_at, _ = await events.first("UserEvent", 10, UserEvent="AcdFallback", Number="100")
        _, connect = await events.first("AgentConnect", 10, Queue=fallback_queue("sales"))
        await caller.finished(15)
    assert reached_at - dialled_at <= FALLBACK_WITHIN_S
    assert connect.get("Interface") == "PJSIP/1001"  # app_queue rang the agent's phone


async def test_a_waiting_caller_goes_to_the_fallback_once_the_server_is_gone(
    sandbox: Sandbox, ami: AmiClient, tmp_path: Path, phones_dir: Path
) -> None:
    events = Events(ami, "UserEvent", "AgentConnect")
    await _only_1001_registered(sandbox, phones_dir)
    config = write_config(tmp_path, _open_sales)
    talk = {"ring_ms": 200, "talk_ms": 1500}
    async with (
        running_server(config, tmp_path) as server,
        agent_phones(sandbox, phones_dir, {"1001": talk}),
    ):
        caller = CallerPhone(phones_dir, "0644000002", ip="127.0.0.3")
        await caller.dial("100", CallerScript(), hold_ms=60000)  # nobody logged in: waits
        await until(server, lambda s: _waiting(s, "sales") == 1)
        await server.kill_9()
        killed_at = time.time()
        limit = LEASE_S + HOLD_CHECK_S + 3
        reached_at, _ = await events.first(
            "UserEvent", limit, UserEvent="AcdFallback", Number="100"
        )
        _, connect = await events.first("AgentConnect", 10, Queue=fallback_queue("sales"))
        await caller.finished(15)
    # Not before the lease ran out (a quick restart would have found the caller), and
    # then within one look at the heartbeat.
    assert LEASE_S - 3.5 <= reached_at - killed_at <= limit
    assert connect.get("Interface") == "PJSIP/1001"


async def test_a_call_connected_when_the_server_dies_ends_with_its_agent(
    sandbox: Sandbox, ami: AmiClient, tmp_path: Path, phones_dir: Path
) -> None:
    """The caller comes out of the bridge into [acd-hold]: hung up, not sent to the
    fallback's queue for a second call."""
    events = Events(ami, "UserEvent", "BridgeEnter")
    config = write_config(tmp_path, _open_sales)
    async with (
        running_server(config, tmp_path) as server,
        agent_phones(sandbox, phones_dir, {"1001": {"ring_ms": 200, "talk_ms": 6000}}),
    ):
        await login(server, "1001")
        caller = CallerPhone(phones_dir, "0644000003", ip="127.0.0.4")
        await caller.dial("100", CallerScript(), hold_ms=60000)
        await events.first("BridgeEnter", 10, CallerIDNum="0644000003")
        await server.kill_9()
        await caller.finished(6 + 10 + 5)  # the agent hangs up, then at most Wait(10)
    assert not [e for _, e in events.seen if e.get("UserEvent") == "AcdFallback"]


def _waiting(status: dict[str, Any], name: str) -> int:
    return int(next(q for q in status["queues"] if q["name"] == name)["waiting"])
