"""Who is asking the API, and may they: sessions, the local token, login throttling.

Three ways in, each giving a Principal (a user, their role, their agent id, their
tenant):

- ``POST /api/login`` with a user's password (users.py) opens a session: its token comes
  back in the answer, for programs (``Authorization: Bearer <token>``), and in an
  HttpOnly cookie, for pages. A page's state changes must also carry the session's CSRF
  token in ``X-CSRF-Token`` (a cookie goes with every request a browser makes, even one a
  page elsewhere made it send; a header set by script cannot be). Sessions live in the
  server's memory: a restart logs everybody out.
- The local token: written by the server at each start to a file only its own user can
  read (``api.token``, var/api-token, mode 0600), read by the CLI on this machine; it is
  an administrator with no tenant. Whoever can read that file can already read the
  journal and the secrets, so it gives nothing more.
- Nothing: only ``GET /health`` (load balancers) and the login itself.

Failed logins are throttled per user name and per address (LoginThrottle): a guesser
gets MAX_FAILURES tries at a name a WINDOW_S, MAX_FAILURES_PER_ADDRESS from one address
(more: behind a reverse proxy every login comes from its address), then waits, and the
answer says how long.
"""

from __future__ import annotations

import contextlib
import hmac
import os
import secrets
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROLE_RANK = {"agent": 0, "supervisor": 1, "admin": 2}
SESSION_IDLE_S = 8 * 3600.0  # a working day; each request pushes it back
MAX_SESSIONS = 10_000  # the oldest is closed beyond this: memory stays bounded
MAX_FAILURES = 5
MAX_FAILURES_PER_ADDRESS = 30
WINDOW_S = 300.0
COOKIE = "acd_session"
CSRF_HEADER = "X-CSRF-Token"


@dataclass(frozen=True)
class Principal:
    user: str
    role: str  # agent, supervisor or admin
    agent: str = ""  # the agent id an agent acts as
    tenant: str = ""  # "" sees every tenant: the centre's own staff

    def at_least(self, role: str) -> bool:
        return ROLE_RANK[self.role] >= ROLE_RANK[role]


LOCAL_ADMIN = Principal("local", "admin")


@dataclass
class Session:
    principal: Principal
    csrf: str
    expires_at: float
    credential: str = ""  # the password hash it was opened with: a new password ends it


@dataclass
class Sessions:
    """Open sessions by token, each ending SESSION_IDLE_S after its last use."""

    clock: Callable[[], float]
    idle_s: float = SESSION_IDLE_S
    _open: dict[str, Session] = field(default_factory=dict)

    def open(self, principal: Principal, credential: str = "") -> tuple[str, Session]:
        if len(self._open) >= MAX_SESSIONS:
            del self._open[next(iter(self._open))]  # dicts keep insertion order
        token = secrets.token_urlsafe(32)
        expires_at = self.clock() + self.idle_s
        session = Session(principal, secrets.token_urlsafe(24), expires_at, credential)
        self._open[token] = session
        return token, session

    def get(self, token: str) -> Session | None:
        session = self._open.get(token)
        if session is None:
            return None
        now = self.clock()
        if now >= session.expires_at:
            del self._open[token]
            return None
        session.expires_at = now + self.idle_s
        return session

    def close(self, token: str) -> None:
        self._open.pop(token, None)


@dataclass
class LoginThrottle:
    """Failed logins, per address and per user name, over the last WINDOW_S."""

    max_failures: int = MAX_FAILURES
    max_per_address: int = MAX_FAILURES_PER_ADDRESS
    window_s: float = WINDOW_S
    _failures: dict[str, deque[float]] = field(default_factory=dict)

    def retry_after(self, address: str, user: str, now: float) -> float:
        """0 if a login may be tried now, else the seconds until one may."""
        return max(self._wait(key, limit, now) for key, limit in self._keys(address, user))

    def failed(self, address: str, user: str, now: float) -> None:
        for key, limit in self._keys(address, user):
            self._failures.setdefault(key, deque(maxlen=limit)).append(now)
        if len(self._failures) > MAX_SESSIONS:  # a scan of many names: forget the oldest
            del self._failures[next(iter(self._failures))]

    def succeeded(self, user: str) -> None:
        self._failures.pop(f"u:{user}", None)

    def _keys(self, address: str, user: str) -> tuple[tuple[str, int], ...]:
        return ((f"u:{user}", self.max_failures), (f"a:{address}", self.max_per_address))

    def _wait(self, key: str, limit: int, now: float) -> float:
        times = self._failures.get(key)
        if times is None or len(times) < limit:
            return 0.0
        return max(0.0, times[0] + self.window_s - now)


def same_token(given: str, expected: str) -> bool:
    """Compared in constant time: the comparison's duration says nothing of the token."""
    return hmac.compare_digest(given.encode(), expected.encode())


def write_token_file(path: Path) -> str:
    """A new local token, in ``path`` readable by this user only (written whole, then
    renamed over the old one: a reader never sees half a token)."""
    token = secrets.token_urlsafe(32)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    with contextlib.suppress(FileNotFoundError):
        temporary.unlink()
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as out:
        out.write(token + "\n")
    os.replace(temporary, path)
    return token


def read_token_file(path: Path) -> str:
    """The local token the server wrote; OSError if it cannot be read."""
    return path.read_text().strip()
