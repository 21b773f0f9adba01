"""The web console's pages: plain HTML, CSS and JavaScript files (web/), no build step
and nothing fetched from elsewhere. A page holds no data: it asks the API (with the
session's cookie) and follows the event stream. A page asked for without a session
sends the browser to the login page (access.py); the login page and the files under
/static/ are public.

Every answer carries a Content-Security-Policy that allows this server's own scripts
and styles only (no inline script, no frame): a value that slipped into a page (a
caller's number, a menu's name) can never run as code there.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from importlib import resources
from pathlib import Path

from aiohttp import web

PAGES = {
    "/wallboard": "wallboard.html",
    "/agent": "agent.html",
    "/supervisor": "supervisor.html",
    "/reports": "reports.html",
}
LOGIN = "/login"
STATIC = "/static/"
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; "
        "form-action 'self'"
    ),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


def web_dir() -> Path:
    return Path(str(resources.files("acd.adapters.api").joinpath("web")))


def add_pages(app: web.Application) -> None:
    for path, name in {**PAGES, LOGIN: "login.html"}.items():
        app.router.add_get(path, _page(name))
    app.router.add_get("/", _home)
    app.router.add_static(STATIC, web_dir(), follow_symlinks=False)
    app.on_response_prepare.append(_secure_headers)


def _page(name: str) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    async def page(request: web.Request) -> web.StreamResponse:
        return web.FileResponse(web_dir() / name)

    return page


async def _home(request: web.Request) -> web.StreamResponse:
    raise web.HTTPFound("/wallboard")


async def _secure_headers(request: web.Request, response: web.StreamResponse) -> None:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)


def is_public(method: str, path: str) -> bool:
    return method in ("GET", "HEAD") and (path in (LOGIN, "/") or path.startswith(STATIC))
