"""Routes of the HTTP API. Errors are JSON with a stable id and a message an operator
can act on; the mapping of errors to HTTP statuses lives here and nowhere else.

    GET  /api/status                      queues and agents, live
    POST /api/agents/{agent}/login
    POST /api/agents/{agent}/logout
    POST /api/agents/{agent}/pause        body: {"reason": "<configured reason code>"}
    POST /api/agents/{agent}/ready
    POST /api/agents/{agent}/disposition  body: {"disposition": "<digit or code>",
                                                 "callback_at": <epoch seconds, optional>}
    GET  /api/dialer                      the campaigns: state, lines, calls, outcomes
    POST /api/dialer/{campaign}/start     also pause, stop
    POST /api/dialer/{campaign}/agents/{agent}/offer    preview: the lead to read (also
                                                        accept: call it; skip: pass)
    GET  /health                          200 if Asterisk, FastAGI and the journal work,
                                          else 503 naming what fails (health.py)
    GET  /metrics                         Prometheus text format (metrics.py)
    GET  /api/events                      server-sent events: every fact, resumable (events.py)
    GET  /api/openapi.json                the OpenAPI document of all of the above
                                          (openapi.json, checked against real responses
                                          by the tests)
    POST /api/login                       body: {"user", "password"} -> a session (access.py)
    POST /api/logout
    GET  /api/me                          who the credentials are, and the CSRF token

Every request but /health and the login needs credentials (access.py, auth.py); a
tenant's user sees and acts on their tenant's queues, agents and campaigns only.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from importlib import resources
from typing import Any, Protocol

from aiohttp import web

from acd.adapters.api.access import (
    Access,
    add_routes,
    middleware,
    principal,
    require_agent,
    require_campaign,
    require_role,
)
from acd.adapters.api.console import ConsoleDeps, add_console_routes
from acd.adapters.api.errors import ApiError
from acd.adapters.api.events import EventHub, stream
from acd.adapters.api.health import Health, health_body
from acd.adapters.api.metrics import METRICS_CONTENT_TYPE, ServerCollector, render
from acd.adapters.api.pages import add_pages
from acd.core.engine.events import (
    AgentLoggedIn,
    AgentLoggedOut,
    AgentPaused,
    AgentUnpaused,
    EngineEvent,
)
from acd.core.engine.snapshot import Snapshot


class DialerControl(Protocol):
    def status(self) -> object: ...
    def command(self, campaign: str, action: str) -> None:
        """Raises LookupError (no such campaign) or ValueError (no such action)."""


class PreviewControl(Protocol):
    """Each raises LookupError (no such campaign) or ValueError (not now: why)."""

    def offer(self, campaign: str, agent: str) -> object: ...
    def accept(self, campaign: str, agent: str) -> object: ...
    def skip(self, campaign: str, agent: str) -> object: ...


@dataclass(frozen=True)
class ApiDeps:
    agent_ids: frozenset[str]
    pause_reasons: frozenset[str]
    feed: Callable[[EngineEvent], None]
    status: Callable[[], object]  # the server's state: dataclasses, enums, mappings
    dialer: DialerControl | None = None
    # (agent, disposition, callback_at) -> the code set; ValueError says why not
    dispose: Callable[[str, str, float | None], str] | None = None
    preview: PreviewControl | None = None
    snapshot: Callable[[], Snapshot] | None = None  # for /metrics
    health: Callable[[], Health] | None = None  # for /health and /metrics
    events: EventHub | None = None  # for /api/events
    access: Access = field(default_factory=Access)  # who may do what
    console: ConsoleDeps | None = None  # the web console's requests (console.py)


DEPS = web.AppKey("deps", ApiDeps)


def build_app(deps: ApiDeps) -> web.Application:
    app = web.Application(middlewares=[_errors_as_json, middleware(deps.access)])
    app[DEPS] = deps
    add_routes(app, deps.access)
    if deps.console is not None:  # first: /api/agents/{agent}/spy before {action}
        add_console_routes(app, deps.console)
    app.router.add_get("/api/status", _status)
    app.router.add_post("/api/agents/{agent}/{action}", _agent_action)
    app.router.add_get("/api/dialer", _dialer_status)
    app.router.add_post("/api/dialer/{campaign}/{action}", _dialer_action)
    app.router.add_post("/api/dialer/{campaign}/agents/{agent}/{step}", _preview_step)
    app.router.add_get("/health", _health)
    app.router.add_get("/metrics", _metrics)
    app.router.add_get("/api/openapi.json", _openapi)
    app.router.add_get("/api/events", _events)
    add_pages(app)
    return app


def openapi_document() -> dict[str, Any]:
    """The API's OpenAPI document (openapi.json, shipped with the package)."""
    text = resources.files("acd.adapters.api").joinpath("openapi.json").read_text("utf-8")
    document: dict[str, Any] = json.loads(text)
    return document


@web.middleware
async def _errors_as_json(request: web.Request, handler: Any) -> web.StreamResponse:
    try:
        response: web.StreamResponse = await handler(request)
        return response
    except ApiError as exc:
        body = {"error": exc.error_id, "message": exc.message}
        return web.json_response(body, status=exc.status, headers=exc.headers)
    except web.HTTPNotFound:
        body = {"error": "not-found", "message": f"no such API path: {request.path}"}
        return web.json_response(body, status=404)


async def _status(request: web.Request) -> web.Response:
    deps = request.app[DEPS]
    status = to_jsonable(deps.status())
    tenant = principal(request).tenant
    return web.json_response(deps.access.tenancy.status_for(tenant, status) if tenant else status)


async def _events(request: web.Request) -> web.StreamResponse:
    hub = request.app[DEPS].events
    if hub is None:
        raise ApiError(404, "not-found", "this server publishes no events")
    return await stream(request, hub, principal(request).tenant)


async def _openapi(request: web.Request) -> web.Response:
    return web.json_response(openapi_document())


async def _health(request: web.Request) -> web.Response:
    health = request.app[DEPS].health
    if health is None:
        raise ApiError(404, "not-found", "this server reports no health")
    status, body = health_body(health())
    return web.json_response(body, status=status)


async def _metrics(request: web.Request) -> web.Response:
    """The whole centre's figures: for its own staff (no tenant), supervisors and up."""
    who = require_role(request, "supervisor")
    if who.tenant:
        raise ApiError(403, "not-permitted", "the metrics cover every tenant: not for yours")
    deps = request.app[DEPS]
    if deps.snapshot is None or deps.health is None:
        raise ApiError(404, "not-found", "this server reports no metrics")
    body = render(ServerCollector(deps.snapshot, deps.health))
    return web.Response(body=body, headers={"Content-Type": METRICS_CONTENT_TYPE})


async def _agent_action(request: web.Request) -> web.Response:
    deps = request.app[DEPS]
    agent, action = request.match_info["agent"], request.match_info["action"]
    if agent not in deps.agent_ids:
        raise ApiError(404, "unknown-agent", f"no agent {agent!r} in the configuration")
    require_agent(request, deps.access.tenancy, agent)
    if action == "pause":
        reason = (await _json_body(request)).get("reason")
        if reason not in deps.pause_reasons:
            known = ", ".join(sorted(deps.pause_reasons))
            message = f"pause reason {reason!r} is not configured (known: {known})"
            raise ApiError(400, "unknown-pause-reason", message)
        deps.feed(AgentPaused(agent, str(reason)))
    elif action == "disposition":
        code = await _disposition(request, agent)
        return web.json_response({"agent": agent, "disposition": code, "accepted": True})
    elif action in _SIMPLE_ACTIONS:
        deps.feed(_SIMPLE_ACTIONS[action](agent))
    else:
        raise ApiError(
            404, "unknown-action", f"{action!r}: use login, logout, pause, ready or disposition"
        )
    return web.json_response({"agent": agent, "action": action, "accepted": True}, status=202)


async def _disposition(request: web.Request, agent: str) -> str:
    dispose = request.app[DEPS].dispose
    if dispose is None:
        raise ApiError(404, "no-dialer", "no campaign is configured (config/campaigns/)")
    body = await _json_body(request)
    given, callback_at = body.get("disposition"), body.get("callback_at")
    if not isinstance(given, str) or not given:
        raise ApiError(400, "no-disposition", 'give the disposition: {"disposition": "sale"}')
    if callback_at is not None and not isinstance(callback_at, int | float):
        raise ApiError(400, "bad-callback-time", "callback_at is a time in epoch seconds")
    try:
        return dispose(agent, given, None if callback_at is None else float(callback_at))
    except ValueError as exc:
        raise ApiError(409, "disposition-refused", str(exc)) from exc


def _dialer(request: web.Request) -> DialerControl:
    dialer = request.app[DEPS].dialer
    if dialer is None:
        raise ApiError(404, "no-dialer", "no campaign is configured (config/campaigns/)")
    return dialer


async def _dialer_status(request: web.Request) -> web.Response:
    dialer = request.app[DEPS].dialer
    campaigns = to_jsonable(dialer.status()) if dialer is not None else []  # none configured
    tenancy = request.app[DEPS].access.tenancy
    return web.json_response(tenancy.campaigns_for(principal(request).tenant, campaigns))


async def _dialer_action(request: web.Request) -> web.Response:
    campaign, action = request.match_info["campaign"], request.match_info["action"]
    require_role(request, "supervisor")
    require_campaign(request, request.app[DEPS].access.tenancy, campaign)
    try:
        _dialer(request).command(campaign, action)
    except LookupError as exc:
        raise ApiError(404, "unknown-campaign", str(exc)) from exc
    except ValueError as exc:
        raise ApiError(404, "unknown-action", str(exc)) from exc
    return web.json_response({"campaign": campaign, "action": action, "accepted": True})


async def _preview_step(request: web.Request) -> web.Response:
    preview = request.app[DEPS].preview
    if preview is None:
        raise ApiError(404, "no-dialer", "no campaign is configured (config/campaigns/)")
    campaign, agent, step = (request.match_info[k] for k in ("campaign", "agent", "step"))
    steps = {"offer": preview.offer, "accept": preview.accept, "skip": preview.skip}
    if step not in steps:
        raise ApiError(404, "unknown-action", f"{step!r}: use offer, accept or skip")
    if agent not in request.app[DEPS].agent_ids:
        raise ApiError(404, "unknown-agent", f"no agent {agent!r} in the configuration")
    tenancy = request.app[DEPS].access.tenancy
    require_agent(request, tenancy, agent)
    require_campaign(request, tenancy, campaign)
    try:
        lead = steps[step](campaign, agent)
    except LookupError as exc:
        raise ApiError(404, "unknown-campaign", str(exc)) from exc
    except ValueError as exc:
        raise ApiError(409, "preview-refused", str(exc)) from exc
    return web.json_response({"step": step, "lead": to_jsonable(lead)})


_SIMPLE_ACTIONS: Mapping[str, Callable[[str], EngineEvent]] = {
    "login": AgentLoggedIn,
    "logout": AgentLoggedOut,
    "ready": AgentUnpaused,
}


async def _json_body(request: web.Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ApiError(400, "bad-json", f"the request body is not JSON ({exc})") from exc
    if not isinstance(body, dict):
        raise ApiError(400, "bad-json", "the request body must be a JSON object")
    return body


def to_jsonable(value: object) -> Any:
    """Dataclasses, enums, tuples and mappings -> plain JSON values."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [to_jsonable(v) for v in value]
    return value
