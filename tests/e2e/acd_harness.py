"""Shared pieces of the ACD end-to-end tests: a test configuration derived from
config/acd.yaml (same phones and trunks as the sandbox, faster timers, a private
journal), the server in its own process, agent phones, and journal queries."""

from __future__ import annotations

import asyncio
import contextlib
import json
import subprocess
import sys
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import yaml

from acd.adapters.journal import Journal
from acd.core.facts import Fact
from testbed.phones import AgentPhone, AgentPhoneSpec, CallerScript
from testbed.phones.audio import PCMU, silence_frames
from testbed.sandbox import Sandbox
from tests.conftest import PROJECT
from tests.e2e.server_process import ServerProcess

API_PORT = 8089


def write_config(tmp: Path, edit: Callable[[dict[str, Any]], None]) -> Path:
    config = yaml.safe_load((PROJECT / "config" / "acd.yaml").read_text())
    config["journal"] = {"path": str(tmp / "journal.sqlite3"), "queue_log": str(tmp / "queue_log")}
    config["api"] = {
        "host": "127.0.0.1",
        "port": API_PORT,
        "token": str(tmp / "api-token"),
        "users": str(tmp / "users.json"),
    }
    (tmp / "ivr").mkdir(exist_ok=True)  # no menus unless the test writes some
    config["ivr"] = {"menus": str(tmp / "ivr"), "sounds": str(tmp / "sounds")}
    for queue in config["queues"]:
        queue.update(ring_timeout_s=5, wrap_up_s=0.5, announce_every_s=0, reoffer_delay_s=30)
        for key in ("overflow", "calendar", "closed"):  # a test adds the rules it is about
            queue.pop(key, None)
    edit(config)
    path = tmp / "acd.yaml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True))
    return path


def book_callback() -> CallerScript:
    """A caller who waits for the callback offer, presses 1, then 1 again to confirm the
    number they call from (tests/e2e/test_callbacks.py)."""
    return CallerScript().say(PCMU, silence_frames(5000)).press("1").pause(2600).press("1")


def queue(config: dict[str, Any], name: str) -> dict[str, Any]:
    return next(q for q in config["queues"] if q["name"] == name)


@contextlib.asynccontextmanager
async def running_server(
    config: Path, tmp: Path, run_args: tuple[str, ...] = ()
) -> AsyncIterator[ServerProcess]:
    server = ServerProcess(config, tmp / "server.log", API_PORT, run_args)
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


@contextlib.asynccontextmanager
async def agent_phones(
    sandbox: Sandbox, workdir: Path, specs: dict[str, dict[str, Any]]
) -> AsyncIterator[dict[str, AgentPhone]]:
    """Agent id -> phone, registered; ``specs`` gives ring_ms / talk_ms per agent."""
    passwords = sandbox.secrets().agent_passwords
    phones = {
        agent: AgentPhone(AgentPhoneSpec(agent, passwords[agent], **options), workdir)
        for agent, options in specs.items()
    }
    try:
        await asyncio.gather(*(phone.start() for phone in phones.values()))
        yield phones
    finally:
        await asyncio.gather(*(phone.stop() for phone in phones.values()))


async def unregister(sandbox: Sandbox, workdir: Path, agent: str) -> None:
    """Removes the agent phone's registration left by an earlier test, if any."""
    password = sandbox.secrets().agent_passwords[agent]
    await AgentPhone(AgentPhoneSpec(agent, password), workdir).unregister()


async def login(server: ServerProcess, *agents: str) -> None:
    for agent in agents:
        await server.request("POST", f"/api/agents/{agent}/login")
    await until(server, lambda s: all(agent_state(s, a) == "ready" for a in agents))


async def until(
    server: ServerProcess, condition: Callable[[dict[str, Any]], bool], timeout_s: float = 30
) -> dict[str, Any]:
    """Polls the server's status until ``condition`` holds: the test's window on a process."""
    async with asyncio.timeout(timeout_s):
        while True:
            status: dict[str, Any] = await server.get("/api/status")
            if condition(status):
                return status
            await asyncio.sleep(0.1)


def agent_status(status: dict[str, Any], agent: str) -> dict[str, Any]:
    """The agent's row in /api/status (state, reason, phone...)."""
    row: dict[str, Any] = next(a for a in status["agents"] if a["agent_id"] == agent)
    return row


def agent_state(status: dict[str, Any], agent: str) -> str:
    """The agent's state in /api/status: what most of the tests wait for."""
    return str(agent_status(status, agent)["state"])


def queue_status(status: dict[str, Any], name: str) -> dict[str, Any]:
    """The queue's row in /api/status (waiting, answered...)."""
    row: dict[str, Any] = next(q for q in status["queues"] if q["name"] == name)
    return row


def facts(tmp: Path) -> list[Fact]:
    with Journal.open(tmp / "journal.sqlite3", create=False) as journal:
        return [row.fact for row in journal.read(0, 2**40)]


def report_json(config: Path) -> dict[str, Any]:
    """`acd report` as an operator runs it; yesterday too, in case midnight just passed."""
    argv = [sys.executable, "-m", "acd", "--config", str(config), "report"]
    argv += ["--from", "yesterday", "--to", "today", "--format", "json"]
    out = subprocess.run(argv, capture_output=True, text=True, check=True, timeout=30)
    return dict(json.loads(out.stdout))
