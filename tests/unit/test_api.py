"""The HTTP API: agent control reaches the engine's inbox; bad requests get clear JSON
errors and change nothing."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from acd.adapters.api import ApiDeps, build_app
from acd.core.engine.events import (
    AgentLoggedIn,
    AgentPaused,
    AgentUnpaused,
    EngineEvent,
    PhoneState,
)
from tests.api_auth import AUTH, local_access

Client = TestClient[web.Request, web.Application]


@dataclass(frozen=True)
class FakeSnapshot:
    agents: tuple[tuple[str, PhoneState], ...]


@pytest.fixture
async def api() -> AsyncIterator[tuple[Client, list[EngineEvent]]]:
    fed: list[EngineEvent] = []
    deps = ApiDeps(
        agent_ids=frozenset({"1001"}),
        pause_reasons=frozenset({"lunch"}),
        feed=fed.append,
        status=lambda: FakeSnapshot((("1001", PhoneState.NOT_INUSE),)),
        access=local_access(),
    )
    async with TestClient(TestServer(build_app(deps)), headers=AUTH) as client:
        yield client, fed


async def test_agent_actions_reach_the_engine(
    api: tuple[Client, list[EngineEvent]],
) -> None:
    client, fed = api
    assert (await client.post("/api/agents/1001/login")).status == 202
    assert (await client.post("/api/agents/1001/pause", json={"reason": "lunch"})).status == 202
    assert (await client.post("/api/agents/1001/ready")).status == 202
    assert fed == [AgentLoggedIn("1001"), AgentPaused("1001", "lunch"), AgentUnpaused("1001")]


@pytest.mark.parametrize(
    ("path", "body", "status", "error"),
    [
        ("/api/agents/9999/login", None, 404, "unknown-agent"),
        ("/api/agents/1001/pause", {"reason": "nap"}, 400, "unknown-pause-reason"),
        ("/api/agents/1001/pause", [1], 400, "bad-json"),
        ("/api/agents/1001/dance", None, 404, "unknown-action"),
        ("/api/nothing", None, 404, "not-found"),
    ],
)
async def test_bad_requests_get_json_errors_and_change_nothing(
    api: tuple[Client, list[EngineEvent]],
    path: str,
    body: object,
    status: int,
    error: str,
) -> None:
    client, fed = api
    response = await client.post(path, json=body)
    assert response.status == status
    payload = await response.json()
    assert payload["error"] == error
    assert payload["message"]
    assert fed == []


async def test_pause_with_a_body_that_is_not_json(
    api: tuple[Client, list[EngineEvent]],
) -> None:
    client, fed = api
    response = await client.post("/api/agents/1001/pause", data=b"\xff{")
    assert response.status == 400
    assert (await response.json())["error"] == "bad-json"
    assert fed == []


async def test_status_is_plain_json(
    api: tuple[Client, list[EngineEvent]],
) -> None:
    client, _ = api
    response = await client.get("/api/status")
    assert await response.json() == {"agents": [["1001", "not_inuse"]]}


@pytest.mark.parametrize(
    ("headers", "status", "error"),
    [
        ({"Host": "attacker.example:8089"}, 403, "bad-host"),  # DNS rebinding
        ({"Origin": "http://attacker.example"}, 403, "bad-origin"),  # a page elsewhere
        ({"Origin": "null"}, 403, "bad-origin"),
        ({"Host": "localhost:8089", "Origin": "http://localhost:8089"}, 202, None),
        ({"Host": "[::1]:8089"}, 202, None),
    ],
)
async def test_only_requests_named_as_this_machine_act(
    api: tuple[Client, list[EngineEvent]],
    headers: dict[str, str],
    status: int,
    error: str | None,
) -> None:
    client, fed = api
    response = await client.post("/api/agents/1001/login", headers=headers)
    assert response.status == status
    if error is not None:
        assert (await response.json())["error"] == error
        assert fed == []  # changed nothing
    else:
        assert fed == [AgentLoggedIn("1001")]
