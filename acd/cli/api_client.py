"""Talks to the running server's HTTP API for the CLI (status, agent control)."""

from __future__ import annotations

from typing import Any

import aiohttp

from acd.core.settings import Settings


class ServerUnreachable(Exception):
    """The server is not running, or not where the configuration says."""


def events_url(settings: Settings) -> str:
    """The server's event stream (server-sent events)."""
    return f"http://{settings.api.host}:{settings.api.port}/api/events"


async def call(settings: Settings, method: str, path: str, body: object = None) -> Any:
    url = f"http://{settings.api.host}:{settings.api.port}{path}"
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
