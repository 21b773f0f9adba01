"""The web console's own requests (pages.py serves the pages):

    GET  /api/calls/{call_id}              a call's card for the screen pop (calls.py)
    POST /api/agents/{agent}/spy           body: {"mode": "listen" | "whisper" | "barge",
                                                  "phone": "<a configured SIP account>"}:
                                           the supervisor's phone rings, and once answered
                                           hears (whisper: talks to the agent; barge: to
                                           both) the agent's call (Asterisk's ChanSpy)
    POST /api/agents/{agent}/wrapup        body: {"call_id", "disposition", "resolved"}:
                                           the agent's word on an inbound call they
                                           answered (acd/core/wrapup.py), journaled
    GET  /api/reports?day=&interval_s=&fcr_days=&format=json|csv   the KPIs of
                                           docs/kpi.md per queue and agent for each
                                           interval of a day; first-contact resolution

The phone a supervisor listens on must be one of the centre's SIP accounts: nobody
chooses a number the server dials.
"""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from acd.adapters.api.access import principal, require_agent, require_role
from acd.adapters.api.calls import RecentCalls
from acd.adapters.api.errors import ApiError
from acd.adapters.api.tenancy import Tenancy
from acd.core.wrapup import CallWrappedUp

SPY_MODES = ("listen", "whisper", "barge")
INTERVALS_S = (900, 3600, 86400)

FCR_DAYS = 7.0  # a caller calling again within this many days was not resolved at first
# (day "YYYY-MM-DD", interval in seconds, the queues shown or None for all, the repeat
# window in days) -> the report
Reports = Callable[[str, int, frozenset[str] | None, float], Awaitable[dict[str, Any]]]
# (agent, the supervisor's phone, mode): rings the phone; raises ValueError: why not
Spy = Callable[[str, str, str], Awaitable[None]]


@dataclass(frozen=True)
class ConsoleDeps:
    calls: RecentCalls
    phones: frozenset[str]  # the agents' SIP accounts: spied on, and listened from
    tenancy: Tenancy
    spy: Spy | None = None
    reports: Reports | None = None
    record: Callable[[Sequence[CallWrappedUp]], None] | None = None  # the journal
    clock: Callable[[], float] = time.time


CONSOLE = web.AppKey("console", ConsoleDeps)


def add_console_routes(app: web.Application, deps: ConsoleDeps) -> None:
    app[CONSOLE] = deps
    app.router.add_get("/api/calls/{call_id}", _call)
    app.router.add_post("/api/agents/{agent}/spy", _spy)
    app.router.add_post("/api/agents/{agent}/wrapup", _wrapup)
    app.router.add_get("/api/reports", _reports)


async def _call(request: web.Request) -> web.Response:
    deps = request.app[CONSOLE]
    card = deps.calls.get(request.match_info["call_id"])
    who = principal(request)
    if card is None or (who.tenant and card.queue not in deps.tenancy.queues(who.tenant)):
        raise ApiError(404, "unknown-call", "no such call among the recent ones")
    if who.role == "agent":
        if not any(o["agent"] == who.agent for o in card.offers):
            raise ApiError(403, "not-permitted", "this call was never offered to you")
        return web.json_response(card.for_agent(who.agent))
    return web.json_response(card.as_dict())


async def _spy(request: web.Request) -> web.Response:
    deps = request.app[CONSOLE]
    agent = request.match_info["agent"]
    require_role(request, "supervisor")
    if agent not in deps.phones:
        raise ApiError(404, "unknown-agent", f"no agent {agent!r} in the configuration")
    require_agent(request, deps.tenancy, agent)
    body = await _body(request)
    mode, phone = body.get("mode"), body.get("phone")
    if mode not in SPY_MODES:
        raise ApiError(400, "bad-mode", f"mode: one of {', '.join(SPY_MODES)}")
    if not isinstance(phone, str) or phone not in deps.phones:
        raise ApiError(400, "unknown-phone", "phone: one of the centre's SIP accounts")
    if deps.spy is None:
        raise ApiError(404, "not-found", "this server cannot reach Asterisk")
    try:
        await deps.spy(agent, phone, mode)
    except ValueError as exc:
        raise ApiError(409, "spy-refused", str(exc)) from exc
    return web.json_response({"agent": agent, "mode": mode, "phone": phone}, status=202)


async def _wrapup(request: web.Request) -> web.Response:
    deps = request.app[CONSOLE]
    agent = request.match_info["agent"]
    if agent not in deps.phones:
        raise ApiError(404, "unknown-agent", f"no agent {agent!r} in the configuration")
    require_agent(request, deps.tenancy, agent)
    body = await _body(request)
    call_id, disposition, resolved = (body.get(k) for k in ("call_id", "disposition", "resolved"))
    if not isinstance(call_id, str) or not isinstance(resolved, bool):
        raise ApiError(400, "bad-wrapup", 'send {"call_id": "...", "resolved": true|false}')
    if disposition is not None and (not isinstance(disposition, str) or len(disposition) > 40):
        raise ApiError(400, "bad-wrapup", "disposition: a short code, 40 characters at most")
    card = deps.calls.get(call_id)
    if card is None or card.answered_by != agent:
        raise ApiError(409, "not-their-call", f"call {call_id!r} was not answered by {agent}")
    if deps.record is None:
        raise ApiError(404, "not-found", "this server keeps no journal")
    fact = CallWrappedUp(deps.clock(), call_id, card.queue, agent, disposition or "", resolved)
    deps.record([fact])
    return web.json_response({"call_id": call_id, "agent": agent, "resolved": resolved})


async def _reports(request: web.Request) -> web.StreamResponse:
    deps = request.app[CONSOLE]
    require_role(request, "supervisor")
    if deps.reports is None:
        raise ApiError(404, "not-found", "this server keeps no journal to report on")
    day = request.query.get("day", "today")
    try:
        interval = int(request.query.get("interval_s", "3600"))
    except ValueError:
        interval = 0
    if interval not in INTERVALS_S:
        raise ApiError(400, "bad-interval", f"interval_s: one of {INTERVALS_S}")
    try:
        fcr_days = float(request.query.get("fcr_days", str(FCR_DAYS)))
    except ValueError:
        fcr_days = -1.0
    if not 0 < fcr_days <= 90:
        raise ApiError(400, "bad-fcr-days", "fcr_days: a repeat call within 0 to 90 days")
    tenant = principal(request).tenant
    shown = deps.tenancy.queues(tenant) if tenant else None
    try:
        report = await deps.reports(day, interval, shown, fcr_days)
    except ValueError as exc:
        raise ApiError(400, "bad-day", str(exc)) from exc
    if request.query.get("format") == "csv":
        return web.Response(
            text=report_csv(report),
            content_type="text/csv",
            headers={"Content-Disposition": f'attachment; filename="acd-{day}.csv"'},
        )
    return web.json_response(report)


CSV_COLUMNS = (
    "offered",
    "answered",
    "answered_within_sl",
    "abandoned",
    "service_level",
    "asa_s",
    "abandon_rate",
    "aht_s",
)


def report_csv(report: Mapping[str, Any]) -> str:
    """One row per interval and queue: what a spreadsheet wants."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(("since", "until", "queue", *CSV_COLUMNS))
    for interval in report["intervals"]:
        for queue in interval["queues"]:
            row = (queue.get(column) for column in CSV_COLUMNS)
            writer.writerow((interval["since"], interval["until"], queue["queue"], *row))
    return out.getvalue()


async def _body(request: web.Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except ValueError as exc:
        raise ApiError(400, "bad-json", f"the request body is not JSON ({exc})") from exc
    if not isinstance(body, dict):
        raise ApiError(400, "bad-json", "the request body must be a JSON object")
    return body
