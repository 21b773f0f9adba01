"""Demo traffic on the sandbox: the configured agents' phones register, log in with the
*41 feature code and answer; a caller dials one of the configured numbers every few
seconds from the trunk's addresses and waits to be answered."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
from pathlib import Path

from acd.phones import AgentPhone, AgentPhoneSpec, CallerPhone, CallerScript, SippError
from acd.sandbox import Sandbox

log = logging.getLogger("acd.demo")

CALLER_IPS = ("127.0.0.2", "127.0.0.3", "127.0.0.4")
SECONDS_BETWEEN_CALLS = 4.0


async def run_demo(sandbox: Sandbox, stop: asyncio.Event, max_calls: int) -> None:
    workdir = sandbox.layout.state.parent / "demo"
    passwords = sandbox.secrets().agent_passwords
    phones = [
        AgentPhone(
            AgentPhoneSpec(agent.id, passwords[agent.id], ring_ms=1500, talk_ms=6000), workdir
        )
        for agent in sandbox.settings.agents[:3]
    ]
    for phone in phones:
        await phone.start()
        await phone.dial("*41", hold_ms=3000)  # log in, as an agent would
        log.info("demo agent phone %s registered and logged in", phone.spec.user)
    numbers = sorted(sandbox.settings.numbers) or ["100"]
    callers: set[asyncio.Task[None]] = set()
    try:
        for n in itertools.count(1):
            if stop.is_set() or (max_calls and n > max_calls):
                break
            task = asyncio.create_task(_one_call(workdir, n, numbers[n % len(numbers)]))
            callers.add(task)
            task.add_done_callback(callers.discard)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), SECONDS_BETWEEN_CALLS)
        if callers:
            await asyncio.wait(callers)
    finally:
        for phone in phones:
            await phone.stop()
        if max_calls:
            stop.set()


async def _one_call(workdir: Path, n: int, number: str) -> None:
    caller = CallerPhone(workdir, f"06000000{n:02d}", ip=CALLER_IPS[n % len(CALLER_IPS)])
    await caller.dial(number, CallerScript(), hold_ms=40000)
    try:
        await caller.finished(60)
        log.info("demo caller %s: call ended as scripted", caller.caller_id)
    except SippError as exc:
        log.warning("demo caller %s: %s", caller.caller_id, exc)
