"""What the dialer's end-to-end tests share: the `acd` command run as an operator runs
it, a Monday morning in Paris for the server's clock, and a campaign written beside the
test's acd.yaml with its leads imported."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.conftest import PROJECT

MONDAY = "2026-12-07T11:00+01:00"  # inside the French calling hours
CLOCK = ("--clock-start", MONDAY)


def acd(config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "acd", "--config", str(config), *args]
    done = subprocess.run(command, capture_output=True, text=True, check=False, cwd=PROJECT)
    assert done.returncode == 0, done.stderr
    return done


def add_campaign(config: Path, name: str, text: str, csv: str) -> subprocess.CompletedProcess[str]:
    """Writes config/campaigns/<name>.yaml beside ``config`` and imports ``csv``."""
    folder = config.parent / "campaigns"
    folder.mkdir(exist_ok=True)
    (folder / f"{name}.yaml").write_text(text)
    leads = config.parent / f"{name}.csv"
    leads.write_text(csv)
    return acd(config, "dialer", "import", name, str(leads))


async def polled(condition: Callable[[], bool], timeout_s: float) -> None:
    """Waits until ``condition`` holds: a SIPp trace or a database another process
    writes has no event to await."""
    async with asyncio.timeout(timeout_s):
        while True:
            if condition():
                return
            await asyncio.sleep(0.1)


async def settled(server: Any, campaign: str, calls: int, timeout_s: float = 150) -> None:
    """The campaign has ended ``calls`` dials and has none in progress."""
    async with asyncio.timeout(timeout_s):
        while True:
            rows = await server.get("/api/dialer")
            (row,) = [r for r in rows if r["campaign"] == campaign]
            ended = sum(row["outcomes"].values()) - row["outcomes"].get("refused", 0)
            if ended >= calls and row["in_flight"] == 0:
                return
            await asyncio.sleep(0.5)  # polling a process: its API is the test's window


# A preview campaign of the sales queue, its leads a CSV of phone, name and contract.
PREVIEW = """
mode: preview
queue: sales
trunk: carrier
caller_id: "+33170000000"
rule_set: FR
purpose: existing_customer
ring_s: 15
information_message: This was Acme about your contract. Call us back on 01 70 00 00 00.
leads:
  columns: {number: phone, name: name, reference: contract}
"""
