"""Demo traffic on the sandbox: the first three agents' phones register, log in with the
*41 feature code and answer; a caller dials one of the configured numbers every few
seconds from the trunk's addresses and waits to be answered."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
from collections.abc import Sequence
from pathlib import Path

from acd.core.engine.facts import CallAnswered
from acd.core.facts import Fact
from acd.core.settings import Settings
from acd.server import Server
from testbed.phones import AgentPhone, AgentPhoneSpec, CallerPhone, CallerScript, SippError
from testbed.sandbox import Sandbox

log = logging.getLogger("testbed.demo")

CALLER_IPS = ("127.0.0.2", "127.0.0.3", "127.0.0.4")
SECONDS_BETWEEN_CALLS = 4.0
DEMO_AGENTS = 3  # the others are left for a real softphone
DEMO_WIND_DOWN_S = 20.0  # unregistering three SIPp phones takes about a second


class DemoRun:
    """`acd run --demo`: the sandbox first, then the server (built by the caller), then
    the phones once the server is ready. ``calls``: stop after that many (0: never)."""

    def __init__(self, project: Path, settings: Settings, calls: int) -> None:
        self.sandbox = Sandbox(project, settings)
        self._demo = Demo(self.sandbox, calls)

    async def prepare(self) -> None:
        await self.sandbox.up()

    async def beside(self, server: Server, serving: asyncio.Task[None], stop: asyncio.Event) -> int:
        """Runs the demo next to ``serving``; the exit status of `acd run --demo`."""
        demo = self._demo
        server.on_facts(demo.count)
        ready = asyncio.create_task(server.ready.wait())
        await asyncio.wait({ready, serving}, return_when=asyncio.FIRST_COMPLETED)
        if serving.done():  # it could not start: say why (raises)
            ready.cancel()
            await serving
            return 1
        demo.introduce()
        phones = asyncio.create_task(demo.run(stop))
        try:
            await asyncio.wait({phones, serving}, return_when=asyncio.FIRST_COMPLETED)
            stop.set()
            await serving
        finally:  # once stopped, the demo hangs up its calls and unregisters its phones
            await asyncio.wait({phones}, timeout=DEMO_WIND_DOWN_S)
            phones.cancel()
            (ended,) = await asyncio.gather(phones, return_exceptions=True)
        if isinstance(ended, Exception):
            log.error("the demo phones failed: %s", ended)
            return 1
        return 0 if demo.succeeded() else 1


class Demo:
    """The demo's phones. ``calls``: stop after that many calls (0: until stopped)."""

    def __init__(self, sandbox: Sandbox, calls: int) -> None:
        self._sandbox = sandbox
        self._settings = sandbox.settings
        self._calls = calls
        self._answered: set[str] = set()
        self._numbers = sorted(self._settings.numbers) or ["100"]

    def count(self, facts: Sequence[Fact]) -> None:
        """The server's facts: which calls an agent answered."""
        self._answered.update(f.call_id for f in facts if isinstance(f, CallAnswered))

    def succeeded(self) -> bool:
        """With a number of calls: were they all answered? (Stopped by hand: yes.)"""
        if self._calls and len(self._answered) < self._calls:
            log.error(
                "only %d of the %d demo calls were answered by an agent",
                len(self._answered),
                self._calls,
            )
            return False
        if self._calls:
            log.info("all %d demo calls were answered by an agent", self._calls)
        return True

    def introduce(self) -> None:
        """What is running, how to watch it, how to join with a real softphone."""
        sip = self._settings.sip
        agents = self._settings.agents
        demo = ", ".join(agent.id for agent in agents[:DEMO_AGENTS])
        free = " or ".join(agent.id for agent in agents[DEMO_AGENTS:])
        log.info(
            "Demo: Asterisk (sandbox) and this server are running; agent phones %s "
            "answer, and a caller dials %s every %g s.",
            demo,
            ", ".join(self._numbers),
            SECONDS_BETWEEN_CALLS,
        )
        log.info(
            "Watch it from another terminal: .venv/bin/acd status   (Ctrl-C here stops "
            "the demo; .venv/bin/acd sandbox down stops Asterisk)"
        )
        api = self._settings.api
        log.info(
            "Or in a browser: http://%s:%d/ (a user first: .venv/bin/acd user add me --role admin)",
            api.host,
            api.port,
        )
        if free:
            log.info(
                "Join as an agent with a softphone: SIP server %s, port %d (UDP), user %s;"
                " the password is shown by: .venv/bin/acd sandbox passwords",
                sip.bind,
                sip.port,
                free,
            )

    async def run(self, stop: asyncio.Event) -> None:
        workdir = self._sandbox.layout.state.parent / "demo"
        passwords = self._sandbox.secrets().agent_passwords
        phones = [
            AgentPhone(
                AgentPhoneSpec(agent.id, passwords[agent.id], ring_ms=1500, talk_ms=6000),
                workdir,
            )
            for agent in self._settings.agents[:DEMO_AGENTS]
        ]
        try:
            for phone in phones:
                await phone.start()
                await phone.dial("*41", hold_ms=3000)  # log in, as an agent would
                log.info("demo agent phone %s registered and logged in", phone.spec.user)
            await self._callers(workdir, stop)
        finally:  # no registration left behind: Asterisk would ring a phone that is gone
            for phone in phones:
                with contextlib.suppress(SippError):
                    await phone.unregister()
                await phone.stop()

    async def _callers(self, workdir: Path, stop: asyncio.Event) -> None:
        callers: set[asyncio.Task[None]] = set()
        try:
            for n in itertools.count(1):
                if stop.is_set() or (self._calls and n > self._calls):
                    break
                number = self._numbers[n % len(self._numbers)]
                task = asyncio.create_task(_one_call(workdir, n, number))
                callers.add(task)
                task.add_done_callback(callers.discard)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), SECONDS_BETWEEN_CALLS)
            if callers and not stop.is_set():  # the last calls end as scripted
                await asyncio.wait(callers)
        finally:
            if callers:  # stopped (Ctrl-C): no caller is left on the line in Asterisk
                await self._hang_up_all()
            for task in callers:
                task.cancel()
            await asyncio.gather(*callers, return_exceptions=True)

    async def _hang_up_all(self) -> None:
        """Every call in the sandbox Asterisk: all of them are the demo's. (A SIPp caller
        stopped on its side leaves Asterisk holding the line.)"""
        await asyncio.to_thread(self._sandbox.cli, "channel request hangup all")
        log.info("demo: the calls still going were hung up")


async def _one_call(workdir: Path, n: int, number: str) -> None:
    caller = CallerPhone(workdir, f"06000000{n:02d}", ip=CALLER_IPS[n % len(CALLER_IPS)])
    await caller.dial(number, CallerScript(), hold_ms=40000)
    try:
        await caller.finished(60)
        log.info("demo caller %s: call ended as scripted", caller.caller_id)
    except SippError as exc:
        log.warning("demo caller %s: %s", caller.caller_id, exc)
    finally:
        await caller.hang_up()
