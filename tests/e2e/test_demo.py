"""The newcomer's path: `make run` is `acd run --demo`. Run as its own process against
the suite's sandbox, with three calls, it must exit 0 once an agent answered all three:
the server is ready before the demo phones dial (a phone that dials *41 before FastAGI
listens waits for ever), and the demo says what runs and how to watch it."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import yaml

from acd.core.engine.facts import CallAnswered
from testbed.phones.ports import free_tcp_port
from testbed.sandbox import Sandbox
from tests.conftest import PROJECT
from tests.e2e.acd_harness import facts

CALLS = 3
# Measured about 25 s: three phones register and log in (~3 s each), a call every 4 s,
# each answered after 1.5 s of ringing and ended by the agent 6 s later.
EXITS_WITHIN_S = 90


def _config(tmp: Path) -> Path:
    """config/acd.yaml with a private journal and API port: the Asterisk configuration it
    renders is the one the suite's sandbox already runs."""
    config = yaml.safe_load((PROJECT / "config" / "acd.yaml").read_text())
    config["journal"] = {"path": str(tmp / "journal.sqlite3"), "queue_log": str(tmp / "ql")}
    config["api"] = {"host": "127.0.0.1", "port": free_tcp_port(), "token": str(tmp / "api-token")}
    path = tmp / "acd.yaml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True))
    return path


async def test_demo_answers_its_calls_and_exits_0(sandbox: Sandbox, tmp_path: Path) -> None:
    log = tmp_path / "demo.log"
    with open(log, "wb") as out:  # noqa: ASYNC230 (a local log file)
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "acd",
            "--config",
            str(_config(tmp_path)),
            "run",
            "--demo",
            "--calls",
            str(CALLS),
            cwd=PROJECT,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=out,
            stderr=asyncio.subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        try:
            code = await asyncio.wait_for(proc.wait(), EXITS_WITHIN_S)
        finally:
            if proc.returncode is None:
                proc.kill()
                await proc.wait()
    text = log.read_text(errors="replace")
    assert code == 0, text[-3000:]
    answered = {f.call_id for f in facts(tmp_path) if isinstance(f, CallAnswered)}
    assert len(answered) == CALLS
    assert f"all {CALLS} demo calls were answered by an agent" in text
    for told in ("acd status", "acd sandbox passwords", "port 5060 (UDP)"):
        assert told in text
    for password in sandbox.secrets().agent_passwords.values():
        assert password not in text  # the demo says where to read them, never prints them
