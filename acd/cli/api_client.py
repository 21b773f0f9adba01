"""Talks to the running server's HTTP API for the CLI (status, agent control)."""

from __future__ import annotations

from typing import Any

import aiohttp

from acd.adapters.api.auth import read_token_file
from acd.core.settings import Settings


class ServerUnreachable(Exception):
    """The server is not running, or not where the configuration says."""


def api_url(settings: Settings, path: str) -> str:
    """``path`` (/api/status, /api/events...) on the server the configuration names."""
    return f"http://{settings.api.host}:{settings.api.port}{path}"


def auth_headers(settings: Settings) -> dict[str, str]:
    """The local token the running server wrote (read again each time: a new one at each
    start of the server)."""
    path = settings.api_token_file
    try:
        token = read_token_file(path)
    except FileNotFoundError:
        raise ServerUnreachable(
            f"The server has not written its token ({path}): is it running? Start it with: acd run"
        ) from None
    except OSError as exc:
        raise ServerUnreachable(
            f"Cannot read the server's token {path} ({exc.strerror}): run this command as "
            "the user the server runs as"
        ) from None
    return {"Authorization": f"Bearer {token}"}


async def call(settings: Settings, method: str, path: str, body: object = None) -> Any:
    url = api_url(settings, path)
    timeout = aiohttp.ClientTimeout(total=5)
    headers = auth_headers(settings)
    try:
        async with (
            aiohttp.ClientSession(timeout=timeout, headers=headers) as session,
            session.request(method, url, json=body) as response,
        ):
            payload = await response.json()
    except (aiohttp.ClientError, TimeoutError) as exc:
        raise ServerUnreachable(
            f"The server does not answer at {url} ({exc.__class__.__name__}). "
            "Is it running? Start it with: acd run"
        ) from exc
    if response.status >= 400:
        raise ServerUnreachable(payload.get("message", f"HTTP {response.status}"))
    return payload
