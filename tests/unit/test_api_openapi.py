"""The OpenAPI document served at /api/openapi.json matches the API: every route is in it
and nothing else; every answer, for good requests and bad ones, is what it documents;
and requests generated from it (any path values, any JSON bodies) never get a 500. The
end-to-end tests check the real server's answers against it too (test_acd_waiting.py,
test_dialer_preview.py)."""

from __future__ import annotations

import dataclasses
import string
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from acd.adapters.api import ApiDeps, Health, build_app
from acd.adapters.api.calls import RecentCalls
from acd.adapters.api.console import ConsoleDeps
from acd.adapters.api.pages import LOGIN, PAGES, STATIC
from acd.adapters.api.tenancy import Tenancy
from acd.adapters.dialer.preview import PreviewLead
from acd.adapters.dialer.service import CampaignStatus
from acd.core.engine.events import EngineEvent
from acd.core.engine.facts import CallAnswered, CallEntered, CallOffered
from acd.core.engine.snapshot import AgentStatus, CallerStatus, QueueStatus, Snapshot
from acd.core.wrapup import CallWrappedUp
from ivr.facts import IvrStep
from tests.api_auth import AUTH, local_access
from tests.openapi_contract import DOCUMENT, check_response, template_of

Client = TestClient[web.Request, web.Application]


class FakeDialer:
    def status(self) -> list[CampaignStatus]:
        return [CampaignStatus("spring", "preview", "running", "sales", 1, 0, 0, 10, {"sale": 2})]

    def command(self, campaign: str, action: str) -> None:
        if campaign != "spring":
            raise LookupError(f"no campaign {campaign!r}")
        if action not in ("start", "pause", "stop"):
            raise ValueError(f"{action!r}: use start, pause or stop")


@dataclass
class FakePreview:
    offered: set[str] = field(default_factory=set)

    def _lead(self, campaign: str, agent: str) -> PreviewLead:
        if campaign != "spring":
            raise LookupError(f"no campaign {campaign!r}")
        return PreviewLead(campaign, agent, "+33611000001", "Ana", "ref-1", 0)

    def offer(self, campaign: str, agent: str) -> PreviewLead:
        lead = self._lead(campaign, agent)
        self.offered.add(agent)
        return lead

    def accept(self, campaign: str, agent: str) -> PreviewLead:
        lead = self._lead(campaign, agent)
        if agent not in self.offered:
            raise ValueError(f"agent {agent} has no lead to accept: ask for one first")
        return lead

    def skip(self, campaign: str, agent: str) -> PreviewLead:
        return self.accept(campaign, agent)


def _dispose(agent: str, code: str, callback_at: float | None) -> str:
    if code != "sale":
        raise ValueError(f"{code!r} is not a disposition of the agent's campaign")
    return code


HEALTHY = Health("connected", True, 0, True, 0, 0)
QUEUE = QueueStatus(
    "sales", "longest-idle", 1, 8.5, 3, 2, 1, 0, 2 / 3, 20.0, 95.0,
    (CallerStatus("1733.1", 1, 5, 8.5, "waiting", 40.0, ()),),
)  # fmt: skip
AGENT = AgentStatus("1001", "on_call", 990.0, 10.0, "", "inuse", "1733.0", 3, 180.0, "nothing")


def _status() -> dict[str, object]:
    """As the server composes it (acd/server/app.py Server.status)."""
    snapshot = Snapshot(1000.0, (QUEUE,), (AGENT,))
    return {
        "asterisk": "connected",
        "journal": {"pending": 0, "dropped": 0},
        "fastagi": {"sessions": 1},
        **{f.name: getattr(snapshot, f.name) for f in dataclasses.fields(snapshot)},
        "ivr": {"version": "e3b0c44298fc", "menus": ["main"], "last_reload": None},
    }


def _deps(health: Health = HEALTHY, with_dialer: bool = True) -> ApiDeps:
    fed: list[EngineEvent] = []
    return ApiDeps(
        agent_ids=frozenset({"1001"}),
        pause_reasons=frozenset({"lunch"}),
        feed=fed.append,
        status=_status,
        dialer=FakeDialer() if with_dialer else None,
        dispose=_dispose if with_dialer else None,
        preview=FakePreview() if with_dialer else None,
        snapshot=lambda: Snapshot(0.0, (), ()),
        health=lambda: health,
        access=local_access(),
        console=_console(),
    )


async def _spy(agent: str, phone: str, mode: str) -> None:
    if agent != "1001":
        raise ValueError(f"agent {agent} is not on a call")


async def _reports(
    day: str, interval_s: int, shown: frozenset[str] | None, fcr_days: float
) -> dict[str, Any]:
    if day not in ("today", "2026-12-07"):
        raise ValueError(f"{day!r}: expected YYYY-MM-DD, today or yesterday")
    kpis = {"queue": "sales", "offered": 2, "answered": 1}
    figures = {"queues": [kpis], "all_queues": kpis, "agents": [], "all_agents": {}}
    return {
        "day": day,
        "interval_s": interval_s,
        "intervals": [{"since": 0.0, "until": float(interval_s), **figures}],
        "total": figures,
        "first_contact": {"repeat_days": fcr_days, "queues": []},
        "ivr_funnel": [],
        "campaigns": [],
    }


def _console() -> ConsoleDeps:
    calls = RecentCalls()
    calls.on_fact(CallEntered(10.0, "1733.1", "sales", 1, 5, "+33612345678"))
    calls.on_fact(IvrStep(9.0, "1733.1", "main", "start", "option", "1", "v1"))
    calls.on_fact(CallOffered(11.0, "1733.1", "sales", "1001", ("1001",), "longest idle", 1))
    calls.on_fact(CallAnswered(12.0, "1733.1", "sales", "1001", 2.0, 1.0))
    tenancy = Tenancy.of([("sales", "", ("1001",))], {})
    journaled: list[CallWrappedUp] = []
    return ConsoleDeps(
        calls, frozenset({"1001", "1005"}), tenancy, _spy, _reports, journaled.extend
    )


@pytest.fixture
async def client() -> AsyncIterator[Client]:
    async with TestClient(TestServer(build_app(_deps())), headers=AUTH) as c:
        yield c


def test_the_document_is_openapi_3_1_with_valid_schemas() -> None:
    assert DOCUMENT["openapi"] == "3.1.0"
    for schema in DOCUMENT["components"]["schemas"].values():
        Draft202012Validator.check_schema(schema)  # raises SchemaError, naming the fault
    for template, operations in DOCUMENT["paths"].items():
        for method, operation in operations.items():
            assert operation["responses"], f"{method} {template}: no response documented"
            assert "403" in operation["responses"], f"{method} {template}: 403 not documented"


def test_every_route_is_documented_and_every_documented_path_is_a_route() -> None:
    app = build_app(_deps())
    routes = {
        (route.method.lower(), route.resource.canonical)
        for route in app.router.routes()
        if route.method != "HEAD"
        and route.resource is not None
        # the console's pages and their files (pages.py): HTML for people, not the API
        and route.resource.canonical not in (*PAGES, LOGIN, "/", STATIC.rstrip("/"))
    }
    documented = {
        (method, template)
        for template, operations in DOCUMENT["paths"].items()
        for method in operations
    }
    assert routes == documented


CASES = [
    ("GET", "/api/status", None, 200),
    ("GET", "/api/openapi.json", None, 200),
    ("GET", "/health", None, 200),
    ("GET", "/metrics", None, 200),
    ("POST", "/api/agents/1001/login", None, 202),
    ("POST", "/api/agents/1001/pause", {"reason": "lunch"}, 202),
    ("POST", "/api/agents/1001/pause", {"reason": "nap"}, 400),
    ("POST", "/api/agents/1001/pause", [1], 400),
    ("POST", "/api/agents/1001/dance", None, 404),
    ("POST", "/api/agents/9999/ready", None, 404),
    ("POST", "/api/agents/1001/disposition", {"disposition": "sale"}, 200),
    ("POST", "/api/agents/1001/disposition", {"disposition": "maybe"}, 409),
    ("POST", "/api/agents/1001/disposition", {"disposition": "sale", "callback_at": "x"}, 400),
    ("POST", "/api/agents/1001/disposition", {}, 400),
    ("GET", "/api/dialer", None, 200),
    ("POST", "/api/dialer/spring/start", None, 200),
    ("POST", "/api/dialer/autumn/start", None, 404),
    ("POST", "/api/dialer/spring/dance", None, 404),
    ("POST", "/api/dialer/spring/agents/1001/accept", None, 409),
    ("POST", "/api/dialer/spring/agents/1001/offer", None, 200),
    ("POST", "/api/dialer/spring/agents/9999/offer", None, 404),
    ("POST", "/api/dialer/spring/agents/1001/dance", None, 404),
    ("GET", "/api/me", None, 200),
    ("GET", "/api/calls/1733.1", None, 200),
    ("GET", "/api/calls/nope", None, 404),
    ("POST", "/api/agents/1001/spy", {"mode": "listen", "phone": "1005"}, 202),
    ("POST", "/api/agents/1001/spy", {"mode": "listen", "phone": "0899123456"}, 400),
    ("POST", "/api/agents/1001/spy", {"mode": "sing", "phone": "1005"}, 400),
    ("POST", "/api/agents/9999/spy", {"mode": "listen", "phone": "1005"}, 404),
    ("POST", "/api/agents/1005/spy", {"mode": "listen", "phone": "1001"}, 409),
    ("GET", "/api/reports?day=2026-12-07&interval_s=900", None, 200),
    ("GET", "/api/reports?day=someday", None, 400),
    ("GET", "/api/reports?interval_s=60", None, 400),
    ("GET", "/api/reports?format=csv", None, 200),
    ("GET", "/api/reports?fcr_days=0", None, 400),
    ("POST", "/api/agents/1001/wrapup", {"call_id": "1733.1", "resolved": True}, 200),
    ("POST", "/api/agents/1005/wrapup", {"call_id": "1733.1", "resolved": True}, 409),
    ("POST", "/api/agents/1001/wrapup", {"call_id": "1733.1"}, 400),
    ("POST", "/api/agents/9999/wrapup", {"call_id": "1733.1", "resolved": True}, 404),
    ("POST", "/api/logout", None, 200),
    ("POST", "/api/login", {"user": "ana", "password": "not hers"}, 401),
    ("POST", "/api/login", {"user": "ana"}, 400),
]


@pytest.mark.parametrize(("method", "path", "body", "status"), CASES)
async def test_each_answer_is_as_documented(
    client: Client, method: str, path: str, body: object, status: int
) -> None:
    response = await client.request(method, path, json=body)
    assert response.status == status
    if response.content_type == "application/json":
        check_response(method, path, status, await response.json())


@pytest.mark.parametrize(
    ("health", "status"), [(HEALTHY, 200), (Health("closed", True, 0, False, 9, 1), 503)]
)
async def test_health_answers_as_documented(health: Health, status: int) -> None:
    async with TestClient(TestServer(build_app(_deps(health))), headers=AUTH) as c:
        response = await c.get("/health")
        assert response.status == status
        check_response("GET", "/health", status, await response.json())


async def test_without_campaigns_the_dialer_paths_answer_as_documented() -> None:
    async with TestClient(TestServer(build_app(_deps(with_dialer=False))), headers=AUTH) as c:
        listed = await c.get("/api/dialer")
        assert (listed.status, await listed.json()) == (200, [])  # no campaign configured
        for method, path in [
            ("POST", "/api/dialer/spring/start"),
            ("POST", "/api/dialer/spring/agents/1001/offer"),
            ("POST", "/api/agents/1001/disposition"),
        ]:
            response = await c.request(method, path, json={"disposition": "sale"})
            assert response.status == 404
            check_response(method, path, 404, await response.json())


async def test_a_request_from_elsewhere_gets_the_documented_403(client: Client) -> None:
    response = await client.get("/api/status", headers={"Origin": "http://elsewhere.example"})
    assert response.status == 403
    check_response("GET", "/api/status", 403, await response.json())


# -- requests generated from the document ---------------------------------------------------

_SEGMENT = st.text(string.ascii_letters + string.digits + "-_.~ %&/+é", min_size=1, max_size=12)
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=8,
)
_OPERATIONS = sorted(
    (method.upper(), template, operation)
    for template, operations in DOCUMENT["paths"].items()
    for method, operation in operations.items()
)


@st.composite
def _requests(draw: st.DrawFn) -> tuple[str, str, object]:
    method, template, operation = draw(st.sampled_from(_OPERATIONS))
    path = template
    for parameter in operation.get("parameters", []):
        known = parameter["schema"].get("enum", [])
        value = draw(st.sampled_from(known) | _SEGMENT if known else _SEGMENT)
        path = path.replace("{" + parameter["name"] + "}", quote(value, safe=""))
    return method, path, draw(_JSON)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(request=_requests())
async def test_generated_requests_never_get_a_500_and_are_answered_as_documented(
    request: tuple[str, str, object],
) -> None:
    method, path, body = request
    async with TestClient(TestServer(build_app(_deps())), headers=AUTH) as c:
        response = await c.request(method, path, json=body)
        payload = await response.json() if response.content_type == "application/json" else None
    assert response.status < 500, (method, path, body, payload)
    if template_of_or_none(path) is not None and payload is not None:
        check_response(method, path, response.status, payload)


def template_of_or_none(path: str) -> str | None:
    """A quoted '/' in a value makes a path no route matches: a documented 404 is fine."""
    try:
        return template_of(path)
    except AssertionError:
        return None
