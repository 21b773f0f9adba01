"""Waiting callers end to end: announcements, abandonment, and a server killed with
SIGKILL while callers wait, then started again."""

from __future__ import annotations

import asyncio
import json
import stat
import time
from pathlib import Path
from typing import Any

import pytest
from prometheus_client.parser import text_string_to_metric_families

from acd.adapters.api.users import User, UserStore
from acd.asterisk.ami import AmiClient
from acd.asterisk.ami import Event as AmiEvent
from acd.core.engine.facts import (
    CallAbandonedInQueue,
    CallAnnounced,
    CallAnswered,
    CallCompleted,
    CallEntered,
    CallOffered,
)
from testbed.phones import CallerPhone, CallerScript
from testbed.sandbox import Sandbox
from tests.e2e.acd_harness import (
    agent_phones,
    agent_state,
    facts,
    login,
    queue,
    queue_status,
    report_json,
    running_server,
    until,
    write_config,
)
from tests.e2e.server_process import ServerProcess
from tests.openapi_contract import check_response

pytestmark = pytest.mark.e2e


def _open_sales(announce_every_s: float) -> Any:
    def edit(config: dict[str, Any]) -> None:
        sales = queue(config, "sales")
        sales.update(join_empty=[], leave_when_empty=[], announce_every_s=announce_every_s)

    return edit


async def test_announcement_and_abandon(
    sandbox: Sandbox, ami: AmiClient, tmp_path: Path, phones_dir: Path
) -> None:
    config = write_config(tmp_path, _open_sales(announce_every_s=6))
    announced: asyncio.Queue[AmiEvent] = asyncio.Queue()
    played: list[tuple[str, str]] = []
    ami.subscribe(announced.put_nowait, "UserEvent")
    ami.subscribe(
        lambda e: (
            played.append((e.get("Uniqueid") or "", e.get("AppData") or ""))
            if e.get("Application") == "Playback"
            else None
        ),
        "Newexten",
    )
    async with running_server(config, tmp_path) as server:
        patient = CallerPhone(phones_dir, "0622000001", ip="127.0.0.2")
        hasty = CallerPhone(phones_dir, "0622000002", ip="127.0.0.3")
        await patient.dial("100", CallerScript(), hold_ms=16000)
        await until(server, lambda s: _waiting(s, "sales") == 1)
        await _health_and_metrics_show_the_caller(server)
        await hasty.dial("100", CallerScript(), hold_ms=3000)  # gives up after 3 s
        event = await asyncio.wait_for(_next_announcement(announced), 20)
        await asyncio.gather(patient.finished(30), hasty.finished(30))
        await until(server, lambda s: _waiting(s, "sales") == 0)
    journal = facts(tmp_path)

    entered = [f for f in journal if isinstance(f, CallEntered)]
    first, second = entered[0].call_id, entered[1].call_id
    assert event.get("CallId") in (first, second)
    assert (event.get("Uniqueid"), "queue-youarenext") in played or (
        event.get("Uniqueid"),
        "queue-thereare",
    ) in played
    assert any(isinstance(f, CallAnnounced) and f.call_id == first for f in journal)
    abandons = {f.call_id: f for f in journal if isinstance(f, CallAbandonedInQueue)}
    assert set(abandons) == {first, second}
    assert (abandons[second].position, abandons[second].original_position) == (2, 2)
    assert 2.5 <= abandons[second].wait_s <= 5.0
    assert (abandons[first].position, abandons[first].original_position) == (1, 1)
    assert abandons[first].wait_s >= 15.0
    assert not [f for f in journal if isinstance(f, CallAnswered)]


async def _health_and_metrics_show_the_caller(server: ServerProcess) -> None:
    """/health with the real links up, /metrics with the real caller waiting; the status
    and health answers as the OpenAPI document says."""
    status, text = await server.call("GET", "/api/status")
    check_response("GET", "/api/status", status, json.loads(text))
    assert json.loads(text)["queues"][0]["callers"], "the caller waiting is in the status"
    status, text = await server.call("GET", "/health")
    health = json.loads(text)
    check_response("GET", "/health", status, health)
    assert (status, health["status"], health["failing"]) == (200, "ok", [])
    assert health["asterisk"]["link"] == "connected"
    status, text = await server.call("GET", "/metrics")
    assert status == 200
    samples = {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }
    assert samples[("acd_queue_waiting", (("queue", "sales"),))] == 1
    assert samples[("acd_queue_longest_wait_seconds", (("queue", "sales"),))] > 0
    assert samples[("acd_asterisk_connected", ())] == 1
    assert samples[("acd_journal_running", ())] == 1
    await _credentials_are_needed(server)


async def _credentials_are_needed(server: ServerProcess) -> None:
    """Without credentials, 401 (the document's); the local token is the server's user's
    only; a user added while the server runs logs in and reads the status."""
    assert stat.S_IMODE(server.token_file.stat().st_mode) == 0o600
    for path in ("/api/status", "/metrics", "/api/events", "/api/openapi.json"):
        status, text = await server.call("GET", path, headers={})
        assert status == 401, path
        check_response("GET", path, 401, json.loads(text))
    users = UserStore(server.token_file.parent / "users.json")  # acd.yaml's api.users
    users.add(User("maria", "supervisor"), "a long enough password")  # as `acd user add`
    status, text = await server.call(
        "POST", "/api/login", {"user": "maria", "password": "a long enough password"}
    )
    assert status == 200, text
    check_response("POST", "/api/login", 200, json.loads(text))
    bearer = {"Authorization": f"Bearer {json.loads(text)['token']}"}
    status, text = await server.call("GET", "/api/status", headers=bearer)
    assert status == 200
    assert json.loads(text)["queues"][0]["callers"], "maria sees the caller waiting"


async def _next_announcement(events: asyncio.Queue[AmiEvent]) -> AmiEvent:
    while True:
        event = await events.get()
        if event.get("UserEvent") == "AcdAnnounced":
            return event


def _waiting(status: dict[str, Any], name: str) -> int:
    return int(queue_status(status, name)["waiting"])


async def test_kill_9_with_ten_callers_waiting(
    sandbox: Sandbox, tmp_path: Path, phones_dir: Path
) -> None:
    config = write_config(tmp_path, _open_sales(announce_every_s=0))
    callers = [
        CallerPhone(phones_dir, f"0633000{n:03d}", ip=f"127.0.0.{2 + n % 4}") for n in range(10)
    ]
    async with running_server(config, tmp_path) as server:
        for caller in callers:
            await caller.dial("100", CallerScript(), hold_ms=90000)
            await asyncio.sleep(0.1)  # one after the other: their order is their right
        await until(server, lambda s: _waiting(s, "sales") == 10)
        await server.kill_9()
        killed_at = time.time()
    # Started again: it must find the 10 callers in Asterisk and keep their order.
    talk = {"ring_ms": 200, "talk_ms": 800}
    async with (
        running_server(config, tmp_path) as server,
        agent_phones(sandbox, phones_dir, {"1001": talk, "1003": talk}),
    ):
        await until(server, lambda s: _waiting(s, "sales") == 10)
        await login(server, "1001", "1003")
        await asyncio.gather(*(caller.finished(90) for caller in callers))
        await until(server, lambda s: _waiting(s, "sales") == 0)
    journal = facts(tmp_path)

    entered = [f.call_id for f in journal if isinstance(f, CallEntered)]
    entry_times = {f.call_id: f.at for f in journal if isinstance(f, CallEntered)}
    answered = [f.call_id for f in journal if isinstance(f, CallAnswered)]
    completed = [f.call_id for f in journal if isinstance(f, CallCompleted)]
    assert len(entered) == len(set(entered)) == 10  # counted once, not again at restart
    assert sorted(answered) == sorted(completed) == sorted(entered)
    sales = report_json(config)["queues"][0]
    assert (sales["queue"], sales["offered"], sales["answered"]) == ("sales", 10, 10)
    offered = list(dict.fromkeys(f.call_id for f in journal if isinstance(f, CallOffered)))
    assert offered == entered  # offered in their original order, across the restart
    # Their wait runs from their first entry, before the kill: the place was kept.
    waits = {f.call_id: f.wait_s for f in journal if isinstance(f, CallAnswered)}
    assert all(waits[call] >= killed_at - at for call, at in entry_times.items())


async def test_kill_9_during_a_call_the_restarted_server_follows_it_to_its_end(
    sandbox: Sandbox, tmp_path: Path, phones_dir: Path
) -> None:
    """Asterisk keeps the bridge while the server is away; started again, the server
    finds the call connected (not waiting), and counts its end once, with its talk time."""
    config = write_config(tmp_path, _open_sales(announce_every_s=0))
    talk_s = 12.0
    agent = {"1001": {"ring_ms": 200, "talk_ms": int(talk_s * 1000)}}
    async with (
        running_server(config, tmp_path) as server,
        agent_phones(sandbox, phones_dir, agent),
    ):
        await login(server, "1001")
        caller = CallerPhone(phones_dir, "0633100001", ip="127.0.0.2")
        await caller.dial("100", CallerScript(), hold_ms=60000)
        await until(server, lambda s: agent_state(s, "1001") == "on_call")
        await server.kill_9()
        await server.start()
        await until(server, lambda s: agent_state(s, "1001") == "on_call")
        await caller.finished(talk_s + 10)  # the agent hangs up; the server ends the line
        await until(server, lambda s: agent_state(s, "1001") in ("wrap_up", "ready"))
    journal = facts(tmp_path)

    answered = [f for f in journal if isinstance(f, CallAnswered)]
    completed = [f for f in journal if isinstance(f, CallCompleted)]
    assert len(answered) == len(completed) == 1
    assert completed[0].call_id == answered[0].call_id
    assert completed[0].by == "agent"
    assert abs(completed[0].talk_s - talk_s) < 1.5  # the phone's talk, across the restart
    assert not [f for f in journal if isinstance(f, CallEntered)][1:]  # not queued again
