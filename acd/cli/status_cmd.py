"""`acd status`: queues and agents, live in the terminal (Ctrl-C to stop), or --once.

Live, it reads the state once (/api/status), then follows the server's event stream
(/api/events): the state is read again only when something happened, at most every
REFETCH_S; in between, the screen is redrawn every --every seconds with the waits and
times in state moved on by the time passed. A server that stops or restarts ends the
stream: the command reads the state again and follows the new stream.
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import sys
import time
from typing import Any

import aiohttp

from acd.cli.api_client import ServerUnreachable, api_url, auth_headers, call
from acd.core.settings import Settings, load_settings

_CLEAR = "\x1b[H\x1b[2J"
REFETCH_S = 0.2  # an event's effect shows within this (plus the server's 0.1 s batching)
RECONNECT_S = 1.0


def register(commands: Any) -> None:
    parser = commands.add_parser("status", help="queues and agents, live")
    parser.add_argument("--once", action="store_true", help="print once and exit")
    parser.add_argument("--every", type=float, default=1.0, help="redraw period (seconds)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    settings = load_settings(args.config)
    if args.once:
        sys.stdout.write(render(asyncio.run(call(settings, "GET", "/api/status"))))
        return 0
    asyncio.run(Live(settings, args.every).run())
    return 0


class Live:
    """The live screen: the state read when events say it changed, aged in between."""

    def __init__(self, settings: Settings, every_s: float) -> None:
        self._settings = settings
        self._every_s = every_s
        self._changed = asyncio.Event()

    async def run(self) -> None:
        follower = asyncio.create_task(self._follow_events())
        try:
            while True:
                self._changed.clear()  # before the read: an event during it reads again
                status, read_at = await self._read(), time.monotonic()
                await self._show_until_changed(status, read_at)
                await asyncio.sleep(REFETCH_S)  # events come in bursts: read once for them
        finally:
            follower.cancel()

    async def _show_until_changed(self, status: dict[str, Any], read_at: float) -> None:
        """Draws at once (a busy centre's events never leave the screen stale), then every
        period with the clock moved on, until an event says the state changed."""
        while True:
            self._draw(aged(status, time.monotonic() - read_at))
            try:
                async with asyncio.timeout(self._every_s):
                    await self._changed.wait()
                return
            except TimeoutError:
                continue

    async def _read(self) -> dict[str, Any]:
        status: dict[str, Any] = await call(self._settings, "GET", "/api/status")
        return status

    def _draw(self, status: dict[str, Any]) -> None:
        sys.stdout.write(_CLEAR + render(status))
        sys.stdout.flush()

    async def _follow_events(self) -> None:
        """Marks the state changed at each event; reconnects when the stream ends."""
        url = api_url(self._settings, "/api/events")
        timeout = aiohttp.ClientTimeout(total=None, sock_connect=5, sock_read=60)
        while True:
            try:
                async with (
                    aiohttp.ClientSession(timeout=timeout) as session,
                    session.get(url, headers=auth_headers(self._settings)) as response,
                ):
                    async for line in response.content:
                        if line.startswith(b"event: "):
                            self._changed.set()
            except (aiohttp.ClientError, TimeoutError, ServerUnreachable):
                pass
            self._changed.set()  # the server stopped or restarted: read it again
            await asyncio.sleep(RECONNECT_S)


def aged(status: dict[str, Any], seconds: float) -> dict[str, Any]:
    """``status`` as it is ``seconds`` later if nothing happens: waits and times in
    state move on; counts do not."""
    if seconds <= 0:
        return status
    moved = copy.deepcopy(status)
    for q in moved.get("queues", []):
        if q.get("waiting"):
            q["longest_wait_s"] += seconds
        for caller in q.get("callers", []):
            caller["waited_s"] += seconds
    for a in moved.get("agents", []):
        a["in_state_s"] += seconds
    return moved


def render(status: dict[str, Any]) -> str:
    lines = [
        _health(status),
        "",
        "QUEUE        WAITING  LONGEST  ANSWERED  ABANDONED  SERVICE LEVEL",
    ]
    for q in status["queues"]:
        sl = q["service_level"]
        sl_text = "-" if sl is None else f"{sl:.0%} within {q['service_level_s']:.0f} s"
        lines.append(
            f"{q['name']:<12} {q['waiting']:>7}  {_duration(q['longest_wait_s']):>7}  "
            f"{q['answered']:>8}  {q['abandoned']:>9}  {sl_text}"
        )
    lines += ["", "AGENT   STATE      FOR      PHONE        CALLS  NOTE"]
    for a in status["agents"]:
        note = a["reason"] or (f"call {a['call_id']}" if a["call_id"] else "")
        if a["pending"] not in ("", "nothing"):
            note = f"{note} (then {a['pending']})".strip()
        since = "-" if not a["since"] else _duration(a["in_state_s"])  # never changed state
        lines.append(
            f"{a['agent_id']:<7} {a['state']:<10} {since:>7}  "
            f"{a['phone']:<12} {a['calls']:>5}  {note}"
        )
    return "\n".join(lines) + "\n"


def _health(status: dict[str, Any]) -> str:
    """Asterisk's link, the journal (batches not yet on disk, facts lost) and FastAGI."""
    journal = status.get("journal") or {}
    dropped = journal.get("dropped", 0)
    lost = f", {dropped} FACTS LOST (see the server's log)" if dropped else ""
    sessions = (status.get("fastagi") or {}).get("sessions", 0)
    return (
        f"Asterisk: {status.get('asterisk', 'unknown')}; journal: "
        f"{journal.get('pending', 0)} batches to write{lost}; FastAGI: {sessions} calls"
    )


def _duration(seconds: float) -> str:
    seconds = max(0, int(seconds))
    return f"{seconds // 60}:{seconds % 60:02d}"
