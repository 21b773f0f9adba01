"""Who may use the API: nothing but /health and the login without credentials; sessions
(cookie + CSRF token for pages, bearer token for programs); login throttling; agents act
on themselves only; a tenant's user never sees or touches another tenant's queues,
agents, campaigns or events. Every refusal is answered as the OpenAPI document says."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from argon2 import PasswordHasher

from acd.adapters.api import ApiDeps, EventHub, build_app, to_jsonable
from acd.adapters.api.access import Access
from acd.adapters.api.auth import LoginThrottle
from acd.adapters.api.calls import RecentCalls
from acd.adapters.api.console import ConsoleDeps
from acd.adapters.api.tenancy import Tenancy
from acd.adapters.api.users import User, UserStore
from acd.core.engine.facts import AgentStateChanged, CallEntered, CallOffered
from acd.core.engine.snapshot import AgentStatus, QueueStatus, Snapshot
from tests.api_auth import AUTH, TOKEN
from tests.openapi_contract import DOCUMENT, check_response
from tests.unit.test_api_openapi import FakeDialer, FakePreview

Client = TestClient[web.Request, web.Application]
FAST = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
PASSWORD = "correct horse battery"
# acme owns sales (agents 1001, 1002) and the campaign spring; globex owns support (1003)
TENANCY = Tenancy.of(
    [("sales", "acme", ("1001", "1002")), ("support", "globex", ("1003",)), ("ops", "", ())],
    {"spring": "sales"},
)


def _queue(name: str) -> QueueStatus:
    return QueueStatus(name, "longest-idle", 0, 0.0, 0, 0, 0, 0, None, 20.0, 180.0, ())


def _agent(agent: str) -> AgentStatus:
    return AgentStatus(agent, "ready", 0.0, 1.0, "", "not_inuse", "", 0, 0.0, "nothing")


def _status() -> dict[str, object]:
    snapshot = Snapshot(1.0, tuple(map(_queue, ("sales", "support", "ops"))), ())
    agents = tuple(map(_agent, ("1001", "1002", "1003")))
    return {
        "asterisk": "connected",
        "journal": {"pending": 0, "dropped": 0},
        "fastagi": {"sessions": 0},
        "at": snapshot.at,
        "queues": snapshot.queues,
        "agents": agents,
        "ivr": {"version": None, "menus": [], "last_reload": None},
    }


@dataclass
class Api:
    client: Client
    users: UserStore
    access: Access
    hub: EventHub
    fed: list[object]

    async def login(self, user: str, password: str = PASSWORD) -> dict[str, Any]:
        response = await self.client.post("/api/login", json={"user": user, "password": password})
        assert response.status == 200, await response.text()
        answer: dict[str, Any] = await response.json()
        return answer


@pytest.fixture
async def api(tmp_path: Path) -> AsyncIterator[Api]:
    users = UserStore(tmp_path / "users.json", FAST)
    for user in (
        User("root", "admin"),
        User("sam", "supervisor", tenant="acme"),
        User("gil", "supervisor", tenant="globex"),
        User("ana", "agent", agent="1001", tenant="acme"),
    ):
        users.add(user, PASSWORD)
    now = [1000.0]
    access = Access(
        TOKEN, users, TENANCY, frozenset({"acd.example.com"}), ("lunch",), lambda: now[0]
    )
    hub = EventHub(encode=to_jsonable, tenants_of=TENANCY.tenants_of)
    fed: list[object] = []
    deps = ApiDeps(
        agent_ids=frozenset({"1001", "1002", "1003"}),
        pause_reasons=frozenset({"lunch"}),
        feed=fed.append,
        status=_status,
        dialer=FakeDialer(),
        preview=FakePreview(),
        snapshot=lambda: Snapshot(0.0, (), ()),
        events=hub,
        access=access,
        console=ConsoleDeps(_calls(), frozenset({"1001", "1002", "1003"}), TENANCY, _spy),
    )
    # A cookie jar that keeps cookies for 127.0.0.1 (aiohttp's default one does not).
    jar = aiohttp.CookieJar(unsafe=True)
    async with TestClient(TestServer(build_app(deps)), cookie_jar=jar) as client:
        yield Api(client, users, access, hub, fed)
    hub.close()


def _calls() -> RecentCalls:
    calls = RecentCalls()
    calls.on_fact(CallEntered(1.0, "acme-call", "sales", 1, 5, "0601"))
    calls.on_fact(CallOffered(2.0, "acme-call", "sales", "1001", ("1001",), "longest idle", 1))
    return calls


async def _spy(agent: str, phone: str, mode: str) -> None:
    return None


def _operations() -> list[tuple[str, str]]:
    sample = {"agent": "1001", "action": "ready", "campaign": "spring", "step": "offer"}
    found = []
    for template, operations in DOCUMENT["paths"].items():
        for method in operations:
            path = template
            for name, value in sample.items():
                path = path.replace("{" + name + "}", value)
            found.append((method.upper(), path))
    return found


OPEN = {("GET", "/health"), ("POST", "/api/login")}


@pytest.mark.parametrize(("method", "path"), [op for op in _operations() if op not in OPEN])
async def test_every_endpoint_but_health_refuses_a_request_without_credentials(
    api: Api, method: str, path: str
) -> None:
    for headers in ({}, {"Authorization": "Bearer not-a-token"}, {"Cookie": "acd_session=x"}):
        response = await api.client.request(method, path, headers=headers)
        assert response.status == 401, (headers, await response.text())
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
        check_response(method, path, 401, await response.json())
    assert api.fed == []


async def test_health_needs_no_credentials(api: Api) -> None:
    response = await api.client.get("/health")
    assert response.status == 404  # this app reports no health; but it did not ask who


async def test_a_page_session_changes_state_only_with_its_csrf_token(api: Api) -> None:
    session = await api.login("sam")
    assert (session["user"], session["role"], session["tenant"]) == ("sam", "supervisor", "acme")
    check_response("POST", "/api/login", 200, session)
    me = await (await api.client.get("/api/me")).json()  # the cookie alone reads
    assert {key: me[key] for key in session if key != "token"} == {
        key: value for key, value in session.items() if key != "token"
    }
    assert me["pause_reasons"] == ["lunch"]
    check_response("GET", "/api/me", 200, me)
    refused = await api.client.post("/api/agents/1001/ready")
    assert refused.status == 403
    assert (await refused.json())["error"] == "csrf"
    wrong = await api.client.post("/api/agents/1001/ready", headers={"X-CSRF-Token": "guess"})
    assert wrong.status == 403
    assert api.fed == []
    taken = await api.client.post("/api/agents/1001/ready", headers={"X-CSRF-Token": me["csrf"]})
    assert taken.status == 202
    assert len(api.fed) == 1


async def test_a_program_uses_the_session_token_as_a_bearer_token(api: Api) -> None:
    token = (await api.login("sam"))["token"]
    api.client.session.cookie_jar.clear()
    bearer = {"Authorization": f"Bearer {token}"}
    assert (await api.client.post("/api/agents/1002/ready", headers=bearer)).status == 202
    assert (await api.client.post("/api/logout", headers=bearer)).status == 200
    assert (await api.client.get("/api/status", headers=bearer)).status == 401


async def test_logout_ends_the_session_and_clears_its_cookie(api: Api) -> None:
    csrf = (await api.login("root"))["csrf"]
    response = await api.client.post("/api/logout", headers={"X-CSRF-Token": csrf})
    assert response.status == 200
    assert response.cookies["acd_session"].value == ""
    assert (await api.client.get("/api/status")).status == 401


async def test_the_session_cookie_is_http_only_and_same_site(api: Api) -> None:
    response = await api.client.post("/api/login", json={"user": "ana", "password": PASSWORD})
    cookie = response.cookies["acd_session"]
    assert cookie["httponly"]
    assert (cookie["samesite"], cookie["path"]) == ("Strict", "/")


async def test_failed_logins_are_throttled_and_the_answer_says_for_how_long(api: Api) -> None:
    for _ in range(5):
        wrong = await api.client.post("/api/login", json={"user": "root", "password": "nope"})
        assert wrong.status == 401
        check_response("POST", "/api/login", 401, await wrong.json())
    blocked = await api.client.post("/api/login", json={"user": "root", "password": PASSWORD})
    assert blocked.status == 429
    assert 1 <= int(blocked.headers["Retry-After"]) <= 301
    check_response("POST", "/api/login", 429, await blocked.json())


async def test_a_new_password_or_a_removed_user_ends_their_sessions(api: Api) -> None:
    token = (await api.login("sam"))["token"]
    bearer = {"Authorization": f"Bearer {token}"}
    assert (await api.client.get("/api/status", headers=bearer)).status == 200
    # as `acd user passwd` does, in another process: the server reads the file again
    UserStore(api.users.path, FAST).set_password("sam", "another long password")
    assert (await api.client.get("/api/status", headers=bearer)).status == 401
    token = (await api.login("gil"))["token"]
    UserStore(api.users.path, FAST).remove("gil")
    response = await api.client.get("/api/status", headers={"Authorization": f"Bearer {token}"})
    assert response.status == 401


async def test_an_agent_acts_on_themselves_only(api: Api) -> None:
    bearer = {"Authorization": f"Bearer {(await api.login('ana'))['token']}"}
    assert (await api.client.post("/api/agents/1001/ready", headers=bearer)).status == 202
    card = await (await api.client.get("/api/calls/acme-call", headers=bearer)).json()
    assert (card["caller"], [o["agent"] for o in card["offers"]]) == ("0601", ["1001"])
    for method, path in [
        ("POST", "/api/agents/1002/ready"),
        ("POST", "/api/dialer/spring/agents/1002/offer"),
        ("POST", "/api/dialer/spring/start"),
        ("GET", "/metrics"),
        ("POST", "/api/agents/1001/spy"),  # supervisors only
    ]:
        response = await api.client.request(method, path, headers=bearer)
        assert response.status == 403, path
        assert (await response.json())["error"] == "not-permitted"
        check_response(method, path, 403, await response.json())
    assert len(api.fed) == 1


async def test_a_tenants_user_never_sees_nor_touches_another_tenants_queues(api: Api) -> None:
    bearer = {"Authorization": f"Bearer {(await api.login('gil'))['token']}"}  # globex
    status = await (await api.client.get("/api/status", headers=bearer)).json()
    assert [q["name"] for q in status["queues"]] == ["support"]
    assert [a["agent_id"] for a in status["agents"]] == ["1003"]
    check_response("GET", "/api/status", 200, status)
    assert await (await api.client.get("/api/dialer", headers=bearer)).json() == []
    for method, path in [
        ("POST", "/api/agents/1001/pause"),  # acme's agent
        ("POST", "/api/dialer/spring/start"),  # acme's campaign
        ("POST", "/api/dialer/spring/agents/1003/offer"),
        ("GET", "/metrics"),  # every tenant's figures
        ("POST", "/api/agents/1001/spy"),
    ]:
        response = await api.client.request(method, path, json={"reason": "lunch"}, headers=bearer)
        assert response.status == 403, path
        check_response(method, path, 403, await response.json())
    assert api.fed == []
    own = await api.client.post("/api/agents/1003/pause", json={"reason": "lunch"}, headers=bearer)
    assert own.status == 202
    other = await api.client.get("/api/calls/acme-call", headers=bearer)
    assert other.status == 404  # as if it did not exist
    check_response("GET", "/api/calls/acme-call", 404, await other.json())


async def test_the_centres_own_staff_see_every_tenant(api: Api) -> None:
    status = await (await api.client.get("/api/status", headers=AUTH)).json()
    assert [q["name"] for q in status["queues"]] == ["sales", "support", "ops"]
    bearer = {"Authorization": f"Bearer {(await api.login('sam'))['token']}"}  # acme
    status = await (await api.client.get("/api/status", headers=bearer)).json()
    assert [q["name"] for q in status["queues"]] == ["sales"]
    assert [a["agent_id"] for a in status["agents"]] == ["1001", "1002"]
    assert (await api.client.post("/api/dialer/spring/start", headers=bearer)).status == 200


async def test_a_tenants_event_stream_carries_its_own_events_only(api: Api) -> None:
    bearer = {"Authorization": f"Bearer {(await api.login('gil'))['token']}"}  # globex
    response = await api.client.get("/api/events", headers=bearer)
    assert response.status == 200
    await response.content.readuntil(b"\n\n")  # retry: the stream is open
    api.hub.publish_all(
        (fact.kind, fact)
        for fact in (
            CallEntered(1.0, "c1", "sales", 1, 5, "0601"),  # acme's
            AgentStateChanged(1.0, "1001", "ready", "paused"),  # acme's agent
            CallEntered(2.0, "c2", "support", 1, 5, "0602"),  # globex's
            AgentStateChanged(2.0, "1003", "ready", "paused"),  # globex's agent
        )
    )
    received = [await response.content.readuntil(b"\n\n") for _ in range(2)]
    ids = [line for chunk in received for line in chunk.split(b"\n") if line.startswith(b"id:")]
    assert [i.rsplit(b"-", 1)[1] for i in ids] == [b"3", b"4"]  # ids as everyone's: resumable
    assert b"c1" not in b"".join(received)
    assert b"c2" in received[0]
    response.close()


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({"Host": "acd.example.com"}, 200),  # a name in api.hosts
        ({"Host": "acd.example.com", "Origin": "https://acd.example.com"}, 200),
        ({"Host": "evil.example"}, 403),  # DNS rebinding
        ({"Origin": "https://evil.example"}, 403),  # a page elsewhere
    ],
)
async def test_only_this_servers_names_are_answered(
    api: Api, headers: dict[str, str], status: int
) -> None:
    response = await api.client.get("/api/status", headers={**AUTH, **headers})
    assert response.status == status
    check_response("GET", "/api/status", status, await response.json())


async def test_a_page_without_a_session_sends_the_browser_to_the_login(api: Api) -> None:
    response = await api.client.get("/wallboard", allow_redirects=False)
    assert response.status == 302
    assert response.headers["Location"] == "/login?next=/wallboard"
    login = await api.client.get("/login")
    assert login.status == 200
    assert "<form" in await login.text()
    assert "script-src" not in login.headers["Content-Security-Policy"]  # default-src 'self'
    assert login.headers["Content-Security-Policy"].startswith("default-src 'self'")
    assert (await api.client.get("/static/common.js")).status == 200
    await api.login("sam")
    page = await api.client.get("/wallboard")
    assert page.status == 200
    assert "/static/wallboard.js" in await page.text()


async def test_each_change_is_journaled_with_who_asked(api: Api, tmp_path: Path) -> None:
    recorded: list[Any] = []
    api.access.record = recorded.extend
    bearer = {"Authorization": f"Bearer {(await api.login('sam'))['token']}"}
    await api.client.post("/api/agents/1001/pause", json={"reason": "lunch"}, headers=bearer)
    await api.client.post("/api/agents/1003/pause", json={"reason": "lunch"}, headers=bearer)
    assert [(f.user, f.role, f.tenant, f.action, f.detail) for f in recorded] == [
        ("sam", "supervisor", "acme", "POST /api/agents/1001/pause", "reason=lunch")
    ]  # the refused one (another tenant's agent) changed nothing: not journaled


def test_one_address_may_try_more_names_than_one_name_may_be_tried() -> None:
    """Behind a reverse proxy every login comes from one address: people mistyping their
    own passwords do not lock each other out; a guesser at one name is stopped at 5."""
    throttle = LoginThrottle()
    for n in range(29):
        throttle.failed("10.0.0.1", f"user{n}", 100.0)
    assert throttle.retry_after("10.0.0.1", "someone", 100.0) == 0
    throttle.failed("10.0.0.1", "user29", 100.0)
    assert throttle.retry_after("10.0.0.1", "someone", 100.0) == 300.0
    for _ in range(5):
        throttle.failed("10.0.0.2", "root", 200.0)
    assert throttle.retry_after("10.0.0.9", "root", 260.0) == 240.0
    assert throttle.retry_after("10.0.0.9", "root", 500.0) == 0
