"""End-to-end fixtures: the real sandbox Asterisk 22, real SIPp phones, our real server parts.

These tests never skip: without root or without the sandbox they fail, with the reason.
The sandbox is built on first use (about two minutes) and reused afterwards.
"""

from __future__ import annotations

import asyncio
import warnings
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from acd.asterisk.ami import AmiClient
from acd.core.settings import Settings, load_settings
from testbed.phones.sipp import stop_all_under
from testbed.sandbox import Sandbox
from testbed.sandbox.errors import StuckChannelsError
from tests.conftest import PROJECT

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="session")
def settings() -> Settings:
    return load_settings(PROJECT / "config" / "acd.yaml")


@pytest.fixture(scope="session")
def sandbox(settings: Settings) -> Iterator[Sandbox]:
    box = Sandbox(PROJECT, settings)
    started = asyncio.run(box.up(boot_timeout_s=90))
    yield box
    if started:
        asyncio.run(box.down())


@pytest.fixture
async def ami(sandbox: Sandbox) -> AsyncIterator[AmiClient]:
    client = sandbox.ami_client(ping_interval=2.0, ping_timeout=2.0)
    await client.start()
    await client.wait_connected(10)
    yield client
    await client.close()


@pytest.fixture(autouse=True)
def no_calls_left_behind(sandbox: Sandbox, tmp_path: Path) -> Iterator[None]:
    """Every test leaves Asterisk with no calls and no phones running: one that fails
    half-way leaves SIPp callers on hold, whose calls the next test's server would adopt
    at its start (CI once saw one failure become two that way)."""
    yield
    stop_all_under(tmp_path)
    if sandbox.status().pid is None:
        return
    try:
        sandbox.hang_up_all()
    except StuckChannelsError as stuck:
        # A channel Asterisk will not end is Asterisk's state, not what this test
        # asserted (it passed or failed on its own): say which, then restart Asterisk so
        # that the next tests start clean instead of all failing on the same channel.
        warnings.warn(f"{stuck}; Asterisk restarted", stacklevel=1)
        asyncio.run(sandbox.restart(boot_timeout_s=90, hard=True))


@pytest.fixture
def phones_dir(tmp_path: Path) -> Path:
    return tmp_path / "phones"
