"""Who may use the API, from where, and for what (auth.py: sessions and tokens;
tenancy.py: what a tenant's user sees).

Every request must name this server in Host (this machine, or a name in ``api.hosts``)
and, from a browser, come from one of its pages (Origin): a page elsewhere cannot use a
browser here against the API, nor reach it through a DNS name pointed at it. Then it
must carry credentials, but ``GET /health`` and ``POST /api/login``. The routes ask here
whether the principal may act: agents on themselves only, supervisors and admins on the
agents and campaigns of their tenant (all of them without one).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web

from acd.adapters.api.auth import (
    COOKIE,
    CSRF_HEADER,
    LOCAL_ADMIN,
    LoginThrottle,
    Principal,
    Session,
    Sessions,
    same_token,
)
from acd.adapters.api.errors import ApiError
from acd.adapters.api.pages import PAGES, is_public
from acd.adapters.api.tenancy import Tenancy
from acd.adapters.api.users import UserStore
from acd.core.lifecycle import ActionTaken

log = logging.getLogger(__name__)
LOCAL_NAMES = frozenset({"127.0.0.1", "localhost", "::1"})
PUBLIC = frozenset({("GET", "/health"), ("POST", "/api/login")})
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
PRINCIPAL = web.RequestKey("principal", Principal)


@dataclass
class Access:
    """What the API checks requests against; the server builds one (server/app.py)."""

    local_token: str = ""  # "" : none (a test's app, a bench's)
    users: UserStore | None = None
    tenancy: Tenancy = field(default_factory=lambda: Tenancy({}, {}, {}))
    hosts: frozenset[str] = frozenset()  # names beyond this machine (api.hosts)
    pause_reasons: tuple[str, ...] = ()  # for the pages' pause buttons (/api/me)
    clock: Callable[[], float] = time.time
    sessions: Sessions = field(init=False)
    throttle: LoginThrottle = field(default_factory=LoginThrottle)
    # Journals each accepted change with who asked (the server's _record); None: not kept.
    record: Callable[[Sequence[ActionTaken]], None] | None = None

    def __post_init__(self) -> None:
        self.sessions = Sessions(self.clock)


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def middleware(access: Access) -> Any:
    @web.middleware
    async def check(request: web.Request, handler: Handler) -> web.StreamResponse:
        _check_names(request, access.hosts)
        if (request.method, request.path) in PUBLIC or is_public(request.method, request.path):
            return await handler(request)
        try:
            who = request[PRINCIPAL] = _principal(request, access)
        except ApiError as exc:
            if exc.status == 401 and request.method == "GET" and request.path in PAGES:
                raise web.HTTPFound(f"/login?next={request.path}") from None  # a person
            raise
        response = await handler(request)
        if request.method not in SAFE_METHODS and response.status < 300:
            await _journal(request, access, who)
        return response

    return check


NOT_JOURNALED = frozenset({"/api/logout"})
SECRET_FIELDS = frozenset({"password"})


async def _journal(request: web.Request, access: Access, who: Principal) -> None:
    if access.record is None or request.path in NOT_JOURNALED:
        return
    try:
        body = await request.json() if request.can_read_body or request.body_exists else {}
    except ValueError:
        body = {}
    fields = body.items() if isinstance(body, dict) else ()
    detail = " ".join(f"{k}={v}" for k, v in fields if k not in SECRET_FIELDS)
    action = f"{request.method} {request.path}"
    fact = ActionTaken(access.clock(), who.user, who.role, who.tenant, action, detail[:200])
    access.record([fact])


def _check_names(request: web.Request, hosts: frozenset[str]) -> None:
    known = LOCAL_NAMES | hosts
    if _hostname(request.host) not in known:
        raise ApiError(403, "bad-host", f"Host {request.host[:60]!r} is not this server")
    origin = request.headers.get("Origin")
    if origin is not None and _hostname(urlsplit(origin).netloc) not in known:
        raise ApiError(403, "bad-origin", f"requests from {origin[:60]!r} are refused")


def _hostname(netloc: str) -> str:
    """``127.0.0.1:8089`` -> ``127.0.0.1``; ``[::1]:8089`` -> ``::1``."""
    try:
        return urlsplit(f"//{netloc}").hostname or ""
    except ValueError:  # e.g. an unclosed "[" : no name of ours
        return ""


def _principal(request: web.Request, access: Access) -> Principal:
    scheme, _, bearer = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer" and bearer:
        if access.local_token and same_token(bearer.strip(), access.local_token):
            return LOCAL_ADMIN
        session = _live_session(access, bearer.strip())
        if session is None:
            raise _unauthenticated("this token is not (or no longer) valid: log in again")
        return session.principal  # a program's header: no page sent it by itself
    cookie = request.cookies.get(COOKIE)
    session = _live_session(access, cookie) if cookie else None
    if session is None:
        raise _unauthenticated(
            "log in first: POST /api/login, then send the session cookie or "
            "'Authorization: Bearer <token>'"
        )
    if request.method not in SAFE_METHODS:
        given = request.headers.get(CSRF_HEADER, "")
        if not same_token(given, session.csrf):
            raise ApiError(
                403, "csrf", f"a change from a page needs the session's {CSRF_HEADER} header"
            )
    return session.principal


def _live_session(access: Access, token: str) -> Session | None:
    """The session, while its user still exists with the same role, agent, tenant and
    password as when it was opened."""
    session = access.sessions.get(token)
    if session is None or access.users is None:
        return session
    current = access.users.current(session.principal.user)
    if current is None or _principal_of(current[0]) != session.principal:
        access.sessions.close(token)
        return None
    if current[1] != session.credential:
        access.sessions.close(token)
        return None
    return session


def _unauthenticated(message: str) -> ApiError:
    return ApiError(401, "unauthenticated", message, {"WWW-Authenticate": 'Bearer realm="acd"'})


def _principal_of(user: Any) -> Principal:
    return Principal(user.name, user.role, user.agent, user.tenant)


# -- what a principal may do ----------------------------------------------------------


def principal(request: web.Request) -> Principal:
    return request[PRINCIPAL]


def require_role(request: web.Request, role: str) -> Principal:
    who = principal(request)
    if not who.at_least(role):
        raise ApiError(403, "not-permitted", f"this needs the role {role} (you are {who.role})")
    return who


def require_agent(request: web.Request, tenancy: Tenancy, agent: str) -> None:
    """An agent acts on themselves; a supervisor or admin on their tenant's agents."""
    who = principal(request)
    if who.role == "agent":
        if agent != who.agent:
            raise ApiError(403, "not-permitted", f"you act as agent {who.agent}, not {agent}")
    elif not tenancy.owns_agent(who.tenant, agent):
        raise ApiError(403, "not-permitted", f"agent {agent} serves none of your queues")


def require_campaign(request: web.Request, tenancy: Tenancy, campaign: str) -> None:
    who = principal(request)
    if not tenancy.owns_campaign(who.tenant, campaign):
        raise ApiError(403, "not-permitted", f"campaign {campaign!r} is not one of yours")


# -- login, logout, who am I ----------------------------------------------------------


def add_routes(app: web.Application, access: Access) -> None:
    async def login(request: web.Request) -> web.Response:
        return await _login(request, access)

    async def logout(request: web.Request) -> web.Response:
        token = _session_token(request)
        if token:
            access.sessions.close(token)
        response = web.json_response({"logged_out": True})
        response.del_cookie(COOKIE, path="/")
        return response

    async def me(request: web.Request) -> web.Response:
        token = _session_token(request)
        session = access.sessions.get(token) if token else None
        me = _who(principal(request), session)
        return web.json_response({**me, "pause_reasons": list(access.pause_reasons)})

    app.router.add_post("/api/login", login)
    app.router.add_post("/api/logout", logout)
    app.router.add_get("/api/me", me)


async def _login(request: web.Request, access: Access) -> web.Response:
    body = await _credentials(request)
    name, password = body
    address = request.remote or ""
    wait = access.throttle.retry_after(address, name, access.clock())
    if wait > 0:
        log.warning("API login for user %r from %s refused: too many failures", name, address)
        raise ApiError(
            429,
            "too-many-tries",
            f"too many failed logins: try again in {wait:.0f} s",
            {"Retry-After": str(int(wait) + 1)},
        )
    users = access.users
    # The hash takes tens of ms of one core: off the event loop, which serves calls.
    user = await asyncio.to_thread(users.verify, name, password) if users else None
    if user is None or users is None:
        access.throttle.failed(address, name, access.clock())
        log.warning("API login refused for user %r from %s", name, address)  # never the password
        raise _unauthenticated("wrong user name or password")
    access.throttle.succeeded(name)
    current = users.current(name)
    assert current is not None
    token, session = access.sessions.open(_principal_of(user), current[1])
    response = web.json_response({**_who(session.principal, session), "token": token})
    response.set_cookie(
        COOKIE, token, httponly=True, samesite="Strict", path="/", secure=request.secure
    )
    return response


async def _credentials(request: web.Request) -> tuple[str, str]:
    try:
        body = await request.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise ApiError(400, "bad-json", 'send {"user": "...", "password": "..."}')
    name, password = body.get("user"), body.get("password")
    if not isinstance(name, str) or not isinstance(password, str) or not name:
        raise ApiError(400, "bad-json", 'send {"user": "...", "password": "..."}')
    return name[:100], password[:1000]


def _session_token(request: web.Request) -> str:
    scheme, _, bearer = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer" and bearer:
        return bearer.strip()
    return request.cookies.get(COOKIE, "")


def _who(who: Principal, session: Session | None) -> dict[str, Any]:
    return {
        "user": who.user,
        "role": who.role,
        "agent": who.agent or None,
        "tenant": who.tenant or None,
        "csrf": session.csrf if session else None,
    }
