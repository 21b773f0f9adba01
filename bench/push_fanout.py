"""Push fan-out: the CPU the server spends sending its event stream (/api/events) to many
wallboards at once.

A server process runs the real API (acd.adapters.api: build_app, EventHub, the SSE
stream) and publishes the facts of --cps calls a second, each call's eight as the
engine records them (ENTERQUEUE, OFFERED, four AGENTSTATE, CONNECT, COMPLETE). This
process opens --clients streams (aiohttp, one connection each) and reads every event.
The server's CPU (utime + stime from /proc, all threads) over --seconds, as a fraction
of one core, is the figure; the anchor, measured in the same run, is the same server
publishing with no client connected, so that the difference is the fan-out's own cost.
Every client must receive every event published while it was connected, in order:
the run fails otherwise.

Goal (issue 15): 200 streams at 20 calls/s, the server under 10 % of one core.

    .venv/bin/python bench/push_fanout.py [--clients 200] [--cps 20] [--seconds 20]
    .venv/bin/python bench/push_fanout.py --quick     # 20 clients, 5 s: checks it runs

The last line is JSON: clients, events_per_s, cpu_core_fraction (with the clients),
idle_cpu_core_fraction (the anchor: none), lost.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import signal
import sys
import time
from pathlib import Path
from typing import Any

import aiohttp
from _quick import parse_args
from aiohttp import web

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from acd.adapters.api import ApiDeps, EventHub, build_app, to_jsonable
from acd.adapters.api.access import Access
from acd.core.engine.facts import (
    AgentStateChanged,
    CallAnswered,
    CallCompleted,
    CallEntered,
    CallOffered,
)
from acd.core.facts import Fact
from testbed.phones.ports import free_tcp_port

QUICK = {"clients": 20, "seconds": 5.0}
GOAL = 0.10  # of one core
CLK_TCK = os.sysconf("SC_CLK_TCK")
WARM_S = 2.0


def call_facts(n: int, at: float) -> list[Fact]:
    """One call's facts, as the engine records a call answered by an agent."""
    call, agent = f"{at:.6f}.{n}", f"{1001 + n % 200}"
    return [
        CallEntered(at, call, "sales", 1, 5, f"06{n:08d}"),
        CallOffered(at, call, "sales", agent, (agent,), "longest idle", 1),
        AgentStateChanged(at, agent, "reserved", "ready"),
        AgentStateChanged(at, agent, "on_call", "reserved"),
        CallAnswered(at, call, "sales", agent, 3.2, 2.1),
        CallCompleted(at, call, "sales", agent, "agent", 3.2, 95.0),
        AgentStateChanged(at, agent, "wrap_up", "on_call"),
        AgentStateChanged(at, agent, "ready", "wrap_up"),
    ]


# -- the server process ----------------------------------------------------------------------


async def serve(port: int, cps: float) -> None:
    hub = EventHub(encode=to_jsonable)
    token = secrets.token_urlsafe(32)  # the streams authenticate, as a real server's do
    deps = ApiDeps(frozenset(), frozenset(), lambda e: None, dict, events=hub, access=Access(token))
    runner = web.AppRunner(build_app(deps), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    print(f"ready {token}", flush=True)
    n, started = 0, time.monotonic()
    while True:  # calls at their times: the engine publishes a call's facts in one go
        n += 1
        hub.publish_all((f.kind, f) for f in call_facts(n, time.time()))
        await asyncio.sleep(max(0.0, started + n / cps - time.monotonic()))


# -- the measuring process -------------------------------------------------------------------


def _ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


async def _cpu(pid: int, seconds: float) -> float:
    before, t0 = _ticks(pid), time.monotonic()
    await asyncio.sleep(seconds)
    return (_ticks(pid) - before) / CLK_TCK / (time.monotonic() - t0)


class Client:
    """One wallboard: reads the stream, checks the events' numbers follow one another."""

    def __init__(self) -> None:
        self.received = 0
        self.gaps = 0
        self._last = -1

    async def follow(self, session: aiohttp.ClientSession, url: str, opened: asyncio.Event) -> None:
        async with session.get(url) as response:
            opened.set()
            async for line in response.content:
                if line.startswith(b"id: "):
                    seq = int(line[4:].rsplit(b"-", 1)[1])
                    if self._last >= 0 and seq != self._last + 1:
                        self.gaps += 1
                    self._last = seq
                    self.received += 1


async def measure(clients: int, cps: float, seconds: float) -> dict[str, Any]:
    port = free_tcp_port()
    server = await asyncio.create_subprocess_exec(
        sys.executable, __file__, "--serve", str(port), "--cps", str(cps),
        stdout=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        assert server.stdout is not None
        ready = await asyncio.wait_for(server.stdout.readline(), 20)
        headers = {"Authorization": f"Bearer {ready.split()[1].decode()}"}
        await asyncio.sleep(WARM_S)
        idle = await _cpu(server.pid, seconds)  # the anchor: publishing, nobody listening
        url = f"http://127.0.0.1:{port}/api/events"
        connector = aiohttp.TCPConnector(limit=0)
        timeout = aiohttp.ClientTimeout(total=None, sock_read=30)
        async with aiohttp.ClientSession(
            connector=connector, timeout=timeout, headers=headers
        ) as session:
            followers = [Client() for _ in range(clients)]
            opened = [asyncio.Event() for _ in followers]
            tasks = [
                asyncio.create_task(c.follow(session, url, o))
                for c, o in zip(followers, opened, strict=True)
            ]
            await asyncio.wait_for(asyncio.gather(*(o.wait() for o in opened)), 30)
            await asyncio.sleep(WARM_S)
            start = [c.received for c in followers]
            busy = await _cpu(server.pid, seconds)
            got = [c.received - s for c, s in zip(followers, start, strict=True)]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
    finally:
        server.send_signal(signal.SIGTERM)
        await server.wait()
    events_per_s = 8 * cps
    expected = events_per_s * seconds
    short = [g for g in got if g < 0.9 * expected]  # a reader that fell behind
    lost = sum(c.gaps for c in followers) + len(short)
    return {
        "clients": clients,
        "events_per_s": events_per_s,
        "cpu_core_fraction": round(busy, 4),
        "idle_cpu_core_fraction": round(idle, 4),
        "events_received_per_client_min": min(got),
        "lost": lost,
        "goal_met": busy < GOAL and lost == 0,
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--cps", type=float, default=20.0, help="calls a second (8 events each)")
    parser.add_argument("--seconds", type=float, default=20.0, help="each CPU measurement")
    parser.add_argument("--serve", type=int, default=0, help=argparse.SUPPRESS)
    args = parse_args(parser, QUICK)
    if args.serve:
        asyncio.run(serve(args.serve, args.cps))  # until the measuring process stops it
        raise SystemExit(0)
    figures = asyncio.run(measure(args.clients, args.cps, args.seconds))
    print(
        f"{figures['clients']} streams, {figures['events_per_s']:g} events/s: server "
        f"{figures['cpu_core_fraction']:.3f} of a core (publishing alone "
        f"{figures['idle_cpu_core_fraction']:.3f}); lost {figures['lost']}"
    )
    print(json.dumps(figures))
