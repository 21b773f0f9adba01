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
from urllib.parse import quote

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from acd.adapters.api import ApiDeps, Health, build_app
from acd.adapters.dialer.preview import PreviewLead
from acd.adapters.dialer.service import CampaignStatus
from acd.core.engine.events import EngineEvent
from acd.core.engine.snapshot import AgentStatus, CallerStatus, QueueStatus, Snapshot
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
        if route.method != "HEAD" and route.resource is not None
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
        for method, path in [
            ("GET", "/api/dialer"),
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
