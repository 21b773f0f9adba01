"""The server's local HTTP API (aiohttp): live status and agent control, used by the
`acd status` and `acd agent` commands, wallboards and supervisors' tools; its health
(`/health`) and figures (`/metrics`) for load balancers and monitoring."""

from acd.adapters.api.app import ApiDeps, build_app, openapi_document, to_jsonable
from acd.adapters.api.events import EventHub
from acd.adapters.api.health import Health

__all__ = ["ApiDeps", "EventHub", "Health", "build_app", "openapi_document", "to_jsonable"]
