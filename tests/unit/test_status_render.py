"""`acd status` renders the server's status for a person."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

from aiohttp.test_utils import TestServer

from acd.adapters.api import ApiDeps, EventHub, build_app, to_jsonable
from acd.cli.status_cmd import Live, aged, render
from acd.core.settings import Settings
from tests.api_auth import TOKEN, local_access

STATUS: dict[str, Any] = {
    "asterisk": "connected",
    "journal": {"pending": 0, "dropped": 0},
    "fastagi": {"sessions": 2},
    "queues": [
        {
            "name": "sales",
            "waiting": 2,
            "longest_wait_s": 75.2,
            "answered": 4,
            "abandoned": 1,
            "service_level": 0.75,
            "service_level_s": 20,
        }
    ],
    "agents": [
        {
            "agent_id": "1001",
            "state": "paused",
            "since": 1700000000.0,
            "in_state_s": 62.0,
            "phone": "not_inuse",
            "calls": 3,
            "reason": "lunch",
            "call_id": "",
            "pending": "nothing",
        },
        {
            "agent_id": "1002",
            "state": "logged_out",
            "since": 0.0,
            "in_state_s": 1.7e9,
            "phone": "unavailable",
            "calls": 0,
            "reason": "",
            "call_id": "",
            "pending": "nothing",
        },
    ],
}


def test_status_lines() -> None:
    lines = render(STATUS).splitlines()
    assert lines[0] == "Asterisk: connected; journal: 0 batches to write; FastAGI: 2 calls"
    assert lines[3].split() == ["sales", "2", "1:15", "4", "1", "75%", "within", "20", "s"]
    assert lines[6].split() == ["1001", "paused", "1:02", "not_inuse", "3", "lunch"]
    assert lines[7].split() == ["1002", "logged_out", "-", "unavailable", "0"]


def test_lost_journal_facts_are_shouted() -> None:
    status = {**STATUS, "journal": {"pending": 3, "dropped": 2}}
    assert "3 batches to write, 2 FACTS LOST" in render(status).splitlines()[0]


def test_aged_moves_waits_and_times_in_state_on_but_not_counts() -> None:
    moved = aged(STATUS, 10.0)
    assert render(moved).splitlines()[3].split()[:4] == ["sales", "2", "1:25", "4"]
    assert render(moved).splitlines()[6].split()[:3] == ["1001", "paused", "1:12"]
    assert STATUS["queues"][0]["longest_wait_s"] == 75.2  # the status read is left as it was


def test_aged_leaves_an_empty_queue_at_no_wait() -> None:
    empty = {**STATUS, "queues": [{**STATUS["queues"][0], "waiting": 0, "longest_wait_s": 0.0}]}
    assert aged(empty, 30.0)["queues"][0]["longest_wait_s"] == 0.0


class CountedLive(Live):
    """The live screen, its redraws counted instead of printed."""

    def __init__(self, settings: Settings, every_s: float) -> None:
        super().__init__(settings, every_s)
        self.draws = 0
        self.five_draws = asyncio.Event()

    def _draw(self, status: dict[str, Any]) -> None:
        self.draws += 1
        if self.draws >= 5:
            self.five_draws.set()


class Served:
    """The real API and event stream, its status read counted; a live screen on it."""

    def __init__(self) -> None:
        self.reads: list[float] = []
        self.read_again = asyncio.Event()
        self.hub = EventHub(encode=to_jsonable)

    def status(self) -> dict[str, Any]:
        self.reads.append(time.monotonic())
        if len(self.reads) == 2:
            self.read_again.set()
        return STATUS

    @contextlib.asynccontextmanager
    async def live(self, every_s: float, token_file: Path) -> AsyncIterator[CountedLive]:
        deps = ApiDeps(
            frozenset(), frozenset(), lambda e: None, self.status, events=self.hub,
            access=local_access(),
        )  # fmt: skip
        token_file.write_text(TOKEN + "\n")  # noqa: ASYNC240 (as the server writes it)
        async with TestServer(build_app(deps)) as server:
            api = SimpleNamespace(host=server.host, port=server.port)
            settings = SimpleNamespace(api=api, api_token_file=token_file)
            live = CountedLive(cast(Settings, settings), every_s)
            running = asyncio.create_task(live.run())
            try:
                yield live
            finally:
                running.cancel()
                await asyncio.gather(running, return_exceptions=True)
                self.hub.close()


async def test_live_reads_the_state_again_on_events_only(tmp_path: Path) -> None:
    """Redraws every period without asking the server, and asks again once an event
    comes."""
    served = Served()
    async with served.live(0.05, tmp_path / "api-token") as live:
        await asyncio.wait_for(live.five_draws.wait(), 5)  # quiet: redrawn, not read
        assert len(served.reads) == 1
        served.hub.publish("AGENTSTATE", {"agent_id": "1001", "state": "ready"})
        await asyncio.wait_for(served.read_again.wait(), 5)


async def test_live_keeps_drawing_while_events_never_stop(tmp_path: Path) -> None:
    """A busy centre: an event every 50 ms, faster than the state is read again. Each
    read is drawn: the screen never freezes on the state of the first second."""
    served = Served()
    async with served.live(5.0, tmp_path / "api-token") as live:
        for n in range(30):  # 1.5 s of events
            served.hub.publish("AGENTSTATE", {"agent_id": "1001", "n": n})
            await asyncio.sleep(0.05)
    assert len(served.reads) >= 3  # read again while events kept coming
    assert live.draws >= len(served.reads) - 1  # and every read (but one in flight) drawn
