"""Credentials for tests of the API built in-process: the app accepts TOKEN as its local
token (as the server's does the one it writes at start), and AUTH is the header."""

from __future__ import annotations

from acd.adapters.api.access import Access

TOKEN = "a-test-local-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def local_access() -> Access:
    return Access(local_token=TOKEN)
