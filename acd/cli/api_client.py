"""Talks to the running server's HTTP API for the CLI (status, agent control)."""

from __future__ import annotations

from typing import Any

import aiohttp

from acd.core.settings import Settings


class ServerUnreachable(Exception):
    """The server is not running, or not where the configuration says."""


def api_url(settings: Settings, path: str) -> str:
    """``path`` (/api/status, /api/events...) on the server the configuration names."""
    return f"http://{settings.api.host}:{settings.api.port}{path}"


async def call(settings: Settings, method: str, path: str, body: object = None) -> Any:
    url = api_url(settings, path)
    timeout = aiohttp.ClientTimeout(total=5)
    try:
        async with (
            aiohttp.ClientSession(timeout=timeout) as session,
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
