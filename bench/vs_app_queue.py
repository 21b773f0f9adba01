"""Our server against Asterisk's app_queue, side by side on the same sandbox Asterisk,
with the same SIPp agent phone, in one run (needs root: it starts the sandbox).

(a) an agent becomes free while callers wait -> that agent's phone receives the INVITE:
    the agent's BYE (end of the previous call) to the next INVITE, from the phone's own
    SIP trace;
(b) a caller enters a queue with an idle agent -> the agent's INVITE: the caller's
    200 OK (answered, then queued: no entry announcement on either side) to the INVITE.

app_queue: strategy leastrecent, wrapuptime 0, number 199 (usual Answer(), which waits
up to 500 ms for the caller's first audio) and 198 (Answer(,i), as our path answers).
Ours: number 100 (queue "bench", one member, wrap-up 0, no announcements, no overflow).
The benchmark writes that configuration itself; from config/acd.yaml it takes only what
describes the sandbox it runs on (Asterisk's addresses, trunks, agents), so a change to
the example queues cannot change what is measured. The last line is JSON.

    .venv/bin/python bench/vs_app_queue.py [--samples 30]
    .venv/bin/python bench/vs_app_queue.py --quick   # 3 samples: checks that it runs
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path

from _quick import parse_args
from _sandbox_config import sandbox_settings, write_bench_config

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from acd.core.settings import load_settings
from testbed.phones import AgentPhone, AgentPhoneSpec, CallerPhone, CallerScript
from testbed.phones.ports import free_tcp_port
from testbed.phones.trace import read_trace
from testbed.sandbox import Sandbox
from tests.e2e.server_process import ServerProcess

PROJECT = Path(__file__).resolve().parent.parent
AGENT = "1005"


async def main(samples: int) -> dict[str, float]:
    settings = load_settings(PROJECT / "config" / "acd.yaml")
    sandbox = Sandbox(PROJECT, settings)
    await sandbox.up()
    work = Path(tempfile.mkdtemp(prefix="vs-app-queue-"))
    results: dict[str, list[float]] = {}
    api_port = free_tcp_port()
    server = ServerProcess(_our_config(work, api_port), work / "server.log", api_port)
    await server.start()
    try:
        await server.request("POST", f"/api/agents/{AGENT}/login")
        results["ours_free"] = await _free_agent(sandbox, work / "ours-a", "100", samples)
        results["ours_enter"] = await _idle_agent(sandbox, work / "ours-b", "100", samples)
        await server.request("POST", f"/api/agents/{AGENT}/logout")
    finally:
        await server.stop()
    results["app_queue_free"] = await _free_agent(sandbox, work / "aq-a", "199", samples)
    results["app_queue_enter"] = await _idle_agent(sandbox, work / "aq-b", "199", samples)
    # The same with Answer(,i), as our path answers: app_queue's own entry time, alone.
    results["app_queue_immediate_enter"] = await _idle_agent(sandbox, work / "aq-c", "198", samples)
    return _summary(results)


QUICK = {"samples": 3}


def _our_config(work: Path, api_port: int) -> Path:
    """The sandbox's own agents (AGENT among them); no IVR menu: number 100 goes straight
    to the queue."""
    return write_bench_config(work, api_port, sandbox_settings("agents"), [AGENT], "100")


def _phone(sandbox: Sandbox, work: Path, talk_ms: int) -> AgentPhone:
    password = sandbox.secrets().agent_passwords[AGENT]
    spec = AgentPhoneSpec(AGENT, password, ring_ms=100, talk_ms=talk_ms)
    return AgentPhone(spec, work, trace=True)


async def _free_agent(sandbox: Sandbox, work: Path, number: str, samples: int) -> list[float]:
    """(a): samples + 1 callers wait; each time the agent hangs up, the next is offered."""
    phone = _phone(sandbox, work, talk_ms=400)
    callers = [
        CallerPhone(work, f"0655{n:06d}", ip=f"127.0.0.{2 + n % 4}") for n in range(samples + 1)
    ]
    await _with_phone(phone, lambda: _all_at_once(callers, number))
    trace = read_trace(phone.messages_file)
    byes = [m.at for m in trace if not m.received and m.method == "BYE"]
    invites = [m.at for m in trace if m.received and m.method == "INVITE"]
    return [(nxt - bye) * 1000 for bye, nxt in zip(byes, invites[1:], strict=False)]


async def _all_at_once(callers: list[CallerPhone], number: str) -> None:
    for caller in callers:
        await caller.dial(number, CallerScript(), hold_ms=180_000)
    await asyncio.gather(*(caller.finished(300) for caller in callers))


async def _idle_agent(sandbox: Sandbox, work: Path, number: str, samples: int) -> list[float]:
    """(b): one caller at a time, the agent idle each time."""
    phone = _phone(sandbox, work, talk_ms=200)
    latencies: list[float] = []

    async def one_by_one() -> None:
        for n in range(samples):
            caller = CallerPhone(work, f"0666{n:06d}", ip="127.0.0.2", trace=True)
            await caller.dial(number, CallerScript(), hold_ms=30_000)
            await caller.finished(60)
            answered = next(
                m.at for m in read_trace(caller.messages_file) if m.received and m.method == "200"
            )
            invite = [
                m.at for m in read_trace(phone.messages_file) if m.received and m.method == "INVITE"
            ][-1]
            latencies.append((invite - answered) * 1000)
            await asyncio.sleep(1.0)  # the agent is idle again and app_queue has noticed

    await _with_phone(phone, one_by_one)
    return latencies


async def _with_phone(phone: AgentPhone, work: Callable[[], Awaitable[None]]) -> None:
    await phone.start()
    try:
        await work()
    finally:
        await phone.stop()


def _summary(results: dict[str, list[float]]) -> dict[str, float]:
    figures: dict[str, float] = {}
    for name, values in results.items():
        values = sorted(values)
        p50 = statistics.median(values)
        p99 = values[min(len(values) - 1, round(0.99 * (len(values) - 1)))]
        figures[f"{name}_p50_ms"], figures[f"{name}_p99_ms"] = round(p50, 1), round(p99, 1)
        print(f"{name:16} n={len(values):3}  p50 {p50:7.1f} ms  p99 {p99:7.1f} ms")
    figures["free_goal_met"] = figures["ours_free_p99_ms"] <= figures["app_queue_free_p50_ms"] / 5
    figures["enter_goal_met"] = (
        figures["ours_enter_p99_ms"] <= figures["app_queue_enter_p50_ms"] / 2
    )
    return figures


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=30)
    figures = asyncio.run(main(parse_args(parser, QUICK).samples))
    print(json.dumps(figures))
