"""/api/events: every event once, in order, across reconnects; a reset when that cannot
be; keep-alives that repeat nothing; streams that end with the server. Over real HTTP
(aiohttp's test server), read as an EventSource reads them."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from aiohttp import ClientResponse, web
from aiohttp.test_utils import TestClient, TestServer

from acd.adapters.api import ApiDeps, EventHub, build_app, to_jsonable
from acd.adapters.api import events as events_module
from acd.core.engine.facts import CallEntered
from tests.api_auth import AUTH, local_access

Client = TestClient[web.Request, web.Application]


@dataclass(frozen=True)
class Sse:
    id: str
    event: str
    data: dict[str, object]


async def _next(response: ClientResponse) -> Sse:
    """The next event of the stream (comments and the retry line skipped)."""
    fields: dict[str, str] = {}
    while True:
        line = (await response.content.readline()).decode().rstrip("\n")
        if line == "":
            if "event" in fields:
                return Sse(fields["id"], fields["event"], json.loads(fields["data"]))
            fields = {}
            continue
        if line.startswith(":"):
            fields["comment"] = line
            continue
        name, _, value = line.partition(": ")
        fields[name] = value


def _hub(keep: int = 20_000) -> EventHub:
    return EventHub(encode=to_jsonable, keep=keep)


@pytest.fixture
async def served() -> AsyncIterator[tuple[Client, EventHub]]:
    hub = _hub(keep=5000)
    deps = ApiDeps(
        frozenset(), frozenset(), lambda e: None, dict, events=hub, access=local_access()
    )
    async with TestClient(TestServer(build_app(deps)), headers=AUTH) as client:
        yield client, hub
        hub.close()


def _entered(n: int) -> CallEntered:
    return CallEntered(
        at=float(n), call_id=f"c{n}", queue="sales", caller=f"06{n:08d}", position=1, priority=5
    )


async def test_the_hub_gives_what_follows_an_id_or_says_it_cannot() -> None:
    hub = _hub(keep=3)
    assert hub.after(None) == (b"", 0)
    first = hub.last_id
    for n in range(1, 4):
        hub.publish("ENTERQUEUE", _entered(n))
    chunk, seq = hub.after(first) or (b"", -1)
    assert (chunk.count(b"\nevent: ENTERQUEUE\n"), seq) == (3, 3)
    assert chunk.startswith(f"id: {hub.run}-1\nevent: ENTERQUEUE\ndata: ".encode())
    hub.publish("ENTERQUEUE", _entered(4))  # event 1 is forgotten now (keep=3)
    assert hub.after(first) is None
    assert hub.after(f"{hub.run}-1") is not None  # events 2-4 are all kept
    assert hub.after(f"other-{3}") is None  # another run of the server
    assert hub.after(f"{hub.run}-99") is None  # from the future: not this run's
    assert hub.after(f"{hub.run}-x") is None


async def test_a_client_reconnecting_mid_burst_gets_every_event_once_in_order(
    served: tuple[Client, EventHub],
) -> None:
    client, hub = served
    response = await client.get("/api/events")
    await asyncio.sleep(0)  # the stream is open: what follows is new to it

    async def burst() -> None:
        for n in range(1, 1001):
            hub.publish("ENTERQUEUE", _entered(n))
            if n % 50 == 0:
                await asyncio.sleep(0.001)  # the server's loop publishes between other work

    publishing = asyncio.create_task(burst())
    seen = [await _next(response) for _ in range(137)]
    response.close()  # a forced disconnect in the middle of the burst
    resumed = await client.get("/api/events", headers={"Last-Event-ID": seen[-1].id})
    while len(seen) < 1000:
        seen.append(await _next(resumed))
    await publishing
    resumed.close()
    assert [e.data["call_id"] for e in seen] == [f"c{n}" for n in range(1, 1001)]
    assert [e.id for e in seen] == [f"{hub.run}-{n}" for n in range(1, 1001)]
    assert {e.event for e in seen} == {"ENTERQUEUE"}


async def test_resuming_with_the_query_parameter(served: tuple[Client, EventHub]) -> None:
    client, hub = served
    hub.publish("ENTERQUEUE", _entered(1))
    after_first = hub.last_id
    hub.publish("ENTERQUEUE", _entered(2))
    response = await client.get("/api/events", params={"after": after_first})
    assert (await _next(response)).data["call_id"] == "c2"
    response.close()


async def test_an_id_the_server_cannot_resume_from_gets_a_reset_then_the_new_events(
    served: tuple[Client, EventHub],
) -> None:
    client, hub = served
    hub.publish("ENTERQUEUE", _entered(1))
    response = await client.get("/api/events", headers={"Last-Event-ID": "0badc0de-7"})
    reset = await _next(response)
    assert (reset.event, reset.data) == ("reset", {"last_id": hub.last_id, "reload": "/api/status"})
    hub.publish("ENTERQUEUE", _entered(2))
    assert (await _next(response)).data["call_id"] == "c2"  # not c1: the reset covers it
    response.close()


async def test_keep_alives_repeat_nothing(
    served: tuple[Client, EventHub], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(events_module, "KEEPALIVE_S", 0.02)
    client, hub = served
    response = await client.get("/api/events")
    await asyncio.sleep(0)
    hub.publish("ENTERQUEUE", _entered(1))
    assert (await _next(response)).data["call_id"] == "c1"
    comments = 0
    while comments < 3:  # idle: comment lines only
        line = (await response.content.readline()).decode()
        comments += line.startswith(": keep-alive")
        assert not line.startswith("id:"), line
    hub.publish("ENTERQUEUE", _entered(2))
    assert (await _next(response)).data["call_id"] == "c2"
    response.close()


async def test_streams_end_when_the_server_stops(served: tuple[Client, EventHub]) -> None:
    client, hub = served
    response = await client.get("/api/events")
    await asyncio.sleep(0)
    hub.close()
    async with asyncio.timeout(5):
        rest = await response.content.read()  # returns at the end of the stream
    assert b"event:" not in rest


async def test_a_server_without_events_answers_404() -> None:
    deps = ApiDeps(frozenset(), frozenset(), lambda e: None, dict, access=local_access())
    async with TestClient(TestServer(build_app(deps)), headers=AUTH) as client:
        response = await client.get("/api/events")
        assert response.status == 404
