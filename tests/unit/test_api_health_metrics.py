"""/health says whether the server can take calls, naming what fails; /metrics gives the
engine's figures in Prometheus' text format, read back with prometheus-client's own
parser."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from prometheus_client.parser import text_string_to_metric_families

from acd.adapters.api import ApiDeps, Health, build_app
from acd.core.engine.snapshot import AgentStatus, QueueStatus, Snapshot
from tests.api_auth import AUTH, local_access

Client = TestClient[web.Request, web.Application]

GOOD = Health(
    asterisk="connected",
    fastagi_listening=True,
    fastagi_sessions=3,
    journal_running=True,
    journal_pending=2,
    journal_dropped=0,
)


def _queue(name: str, answered: int, within: int, waiting: int) -> QueueStatus:
    return QueueStatus(
        name=name,
        strategy="longest-idle",
        waiting=waiting,
        longest_wait_s=12.5 if waiting else 0.0,
        answered=answered,
        answered_within_sl=within,
        abandoned=1,
        removed=0,
        service_level=within / answered if answered else None,
        service_level_s=20.0,
        handle_s=95.0,
        callers=(),
    )


def _agent(agent_id: str, state: str, calls: int) -> AgentStatus:
    return AgentStatus(agent_id, state, 0.0, 5.0, "", "not_inuse", "", calls, 60.0 * calls, "")


SNAPSHOT = Snapshot(
    at=1000.0,
    queues=(_queue("sales", 4, 3, 2), _queue("support", 0, 0, 0)),
    agents=(_agent("1001", "on_call", 4), _agent("1002", "ready", 0), _agent("1003", "ready", 1)),
)


async def _client(health: Health) -> Client:
    deps = ApiDeps(
        agent_ids=frozenset({"1001"}),
        pause_reasons=frozenset(),
        feed=lambda event: None,
        status=lambda: {},
        snapshot=lambda: SNAPSHOT,
        health=lambda: health,
        access=local_access(),
    )
    return TestClient(TestServer(build_app(deps)), headers=AUTH)


@pytest.fixture
async def client() -> AsyncIterator[Client]:
    async with await _client(GOOD) as c:
        yield c


async def test_health_is_200_when_every_check_passes(client: Client) -> None:
    response = await client.get("/health")
    assert response.status == 200
    body = await response.json()
    assert body["status"] == "ok"
    assert body["failing"] == []
    assert body["journal"] == {"ok": True, "pending": 2, "dropped": 0}
    assert body["fastagi"] == {"ok": True, "sessions": 3}


@pytest.mark.parametrize(
    ("change", "failing"),
    [
        ({"asterisk": "disconnected"}, ["asterisk"]),
        ({"fastagi_listening": False}, ["fastagi"]),
        ({"journal_running": False}, ["journal"]),
        ({"asterisk": "login_failed", "journal_running": False}, ["asterisk", "journal"]),
    ],
)
async def test_health_is_503_naming_what_fails(
    change: dict[str, object], failing: list[str]
) -> None:
    async with await _client(dataclasses.replace(GOOD, **change)) as c:  # type: ignore[arg-type]
        response = await c.get("/health")
        assert response.status == 503
        body = await response.json()
    assert body["status"] == "failing"
    assert body["failing"] == failing


async def test_dropped_facts_are_shown_but_do_not_fail_the_health() -> None:
    async with await _client(dataclasses.replace(GOOD, journal_dropped=7)) as c:
        response = await c.get("/health")
        assert response.status == 200
        assert (await response.json())["journal"]["dropped"] == 7


async def _samples(client: Client) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = await client.get("/metrics")
    assert response.status == 200
    assert response.headers["Content-Type"].startswith("text/plain; version=0.0.4")
    text = await response.text()
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


async def test_metrics_give_the_queues_figures(client: Client) -> None:
    samples = await _samples(client)
    sales = (("queue", "sales"),)
    assert samples[("acd_queue_waiting", sales)] == 2
    assert samples[("acd_queue_longest_wait_seconds", sales)] == 12.5
    assert samples[("acd_queue_answered_total", sales)] == 4
    assert samples[("acd_queue_answered_within_service_level_total", sales)] == 3
    assert samples[("acd_queue_abandoned_total", sales)] == 1
    assert samples[("acd_queue_service_level_ratio", sales)] == 0.75
    # No call answered yet: no ratio at all, rather than a misleading 0 or 1.
    assert ("acd_queue_service_level_ratio", (("queue", "support"),)) not in samples
    assert samples[("acd_queue_answered_total", (("queue", "support"),))] == 0


async def test_metrics_count_agents_by_state_every_state_listed(client: Client) -> None:
    samples = await _samples(client)
    by_state = {
        dict(labels)["state"]: value
        for (name, labels), value in samples.items()
        if name == "acd_agents"
    }
    assert by_state == {
        "logged_out": 0,
        "ready": 2,
        "reserved": 0,
        "on_call": 1,
        "wrap_up": 0,
        "paused": 0,
    }
    assert samples[("acd_agent_calls_total", (("agent", "1001"),))] == 4
    assert samples[("acd_agent_talk_seconds_total", (("agent", "1003"),))] == 60.0


async def test_metrics_give_the_links_and_the_journal() -> None:
    down = dataclasses.replace(GOOD, asterisk="disconnected", journal_dropped=5)
    async with await _client(down) as c:
        samples = await _samples(c)
    assert samples[("acd_asterisk_connected", ())] == 0
    assert samples[("acd_fastagi_listening", ())] == 1
    assert samples[("acd_fastagi_sessions", ())] == 3
    assert samples[("acd_journal_pending_batches", ())] == 2
    assert samples[("acd_journal_dropped_facts_total", ())] == 5


async def test_a_server_without_them_answers_404_as_json() -> None:
    deps = ApiDeps(
        agent_ids=frozenset(),
        pause_reasons=frozenset(),
        feed=lambda e: None,
        status=dict,
        access=local_access(),
    )
    async with TestClient(TestServer(build_app(deps)), headers=AUTH) as c:
        for path in ("/health", "/metrics"):
            response = await c.get(path)
            assert response.status == 404
            assert (await response.json())["error"] == "not-found"
