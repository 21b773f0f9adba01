"""The server's local HTTP API (aiohttp): live status and agent control, used by the
`acd status` and `acd agent` commands, wallboards and supervisors' tools."""

from acd.adapters.api.app import ApiDeps, build_app

__all__ = ["ApiDeps", "build_app"]
