"""The people who may use the API and the web console: a name, a role, the agent they
are (for agents), the tenant (client company) they belong to, and their password's hash.

Kept in one JSON file (acd.yaml `api.users`, default var/users.json), written whole to a
new file (mode 0600, owner only) then renamed over the old one, so that a crash never
leaves half a file and no other local account can read the hashes. Passwords are hashed
with Argon2id (argon2-cffi, RFC 9106's low-memory profile: 64 MiB, 3 passes), which
makes guessing them from a stolen file slow on any hardware; a password itself is never
stored or logged. Managed with `acd user add|passwd|remove|list`.
"""

from __future__ import annotations

import json
import logging
import os
import re
from dataclasses import asdict, dataclass
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

ROLES = ("agent", "supervisor", "admin")
MIN_PASSWORD = 10
_NAME = re.compile(r"^[a-z0-9][a-z0-9._@-]{0,63}$")
_VERSION = 1
logger = logging.getLogger(__name__)


class UserError(Exception):
    """A user that cannot be added or changed as asked, or a users file that cannot be
    read: the message says what, and where."""


@dataclass(frozen=True)
class User:
    name: str
    role: str  # agent | supervisor | admin
    agent: str = ""  # the agent id an "agent" user is
    tenant: str = ""  # the client company; "" sees every tenant (the centre's own staff)


@dataclass(frozen=True)
class _Entry:
    user: User
    hash: str


class UserStore:
    """The users file: read on creation and again when it changed (`acd user` while the
    server runs), written at each change."""

    def __init__(self, path: Path, hasher: PasswordHasher | None = None) -> None:
        self.path = path
        self._hasher = hasher or PasswordHasher()
        self._stamp = _stamp(path)
        self._entries = _read(path)
        # Verifying an unknown name costs as much as a known one: timing tells nothing.
        self._decoy = self._hasher.hash("not a password of anyone's")

    def users(self) -> list[User]:
        return [self._entries[name].user for name in sorted(self._entries)]

    def add(self, user: User, password: str) -> None:
        _check(user)
        if user.name in self._entries:
            raise UserError(f"{self.path}: there is already a user {user.name!r}")
        self._entries[user.name] = _Entry(user, self._hash(password))
        self._write()

    def set_password(self, name: str, password: str) -> None:
        entry = self._entry(name)
        self._entries[name] = _Entry(entry.user, self._hash(password))
        self._write()

    def remove(self, name: str) -> None:
        self._entry(name)
        del self._entries[name]
        self._write()

    def refresh(self) -> None:
        """Reads the file again if it changed since; a file that became unreadable keeps
        the users read before, and the log says why."""
        stamp = _stamp(self.path)
        if stamp != self._stamp:
            self._stamp = stamp
            try:
                self._entries = _read(self.path)
            except UserError as exc:
                logger.warning("%s; the users read before stay in force", exc)

    def current(self, name: str) -> tuple[User, str] | None:
        """The user as the file has them now, and their password's hash (a session
        opened with an older password is closed), or None once removed."""
        self.refresh()
        entry = self._entries.get(name)
        return (entry.user, entry.hash) if entry else None

    def verify(self, name: str, password: str) -> User | None:
        """The user if ``password`` is theirs, else None (unknown name included)."""
        self.refresh()
        entry = self._entries.get(name)
        try:
            self._hasher.verify(entry.hash if entry else self._decoy, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return None
        return entry.user if entry else None

    def _entry(self, name: str) -> _Entry:
        entry = self._entries.get(name)
        if entry is None:
            raise UserError(f"{self.path}: there is no user {name!r}")
        return entry

    def _hash(self, password: str) -> str:
        if len(password) < MIN_PASSWORD:
            raise UserError(f"a password needs at least {MIN_PASSWORD} characters")
        return self._hasher.hash(password)

    def _write(self) -> None:
        document = {
            "version": _VERSION,
            "users": {
                name: {**asdict(e.user), "hash": e.hash}
                for name, e in sorted(self._entries.items())
            },
        }
        self.path.parent.mkdir(parents=True, exist_ok=True)
        partial = self.path.with_name(self.path.name + ".new")
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            os.fchmod(out.fileno(), 0o600)  # an older file of that name may be wider
            json.dump(document, out, indent=2)
            out.write("\n")
            out.flush()
            os.fsync(out.fileno())
        partial.replace(self.path)
        self._stamp = _stamp(self.path)


def _stamp(path: Path) -> tuple[int, int, int] | None:
    try:
        status = path.stat()
    except FileNotFoundError:
        return None
    return status.st_mtime_ns, status.st_size, status.st_ino


def _check(user: User) -> None:
    if not _NAME.match(user.name):
        raise UserError(
            f"user name {user.name!r}: use 1 to 64 lower-case letters, digits and . _ @ -"
        )
    if user.role not in ROLES:
        raise UserError(f"role {user.role!r}: use one of {', '.join(ROLES)}")
    if user.role == "agent" and not user.agent:
        raise UserError(f"user {user.name!r} has the role agent: say which agent (--agent)")
    if user.tenant and not _NAME.match(user.tenant):
        raise UserError(f"tenant {user.tenant!r}: use lower-case letters, digits and . _ @ -")


def _read(path: Path) -> dict[str, _Entry]:
    if not path.exists():
        return {}
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        if document.get("version") != _VERSION:
            raise UserError(f"{path}: users file version {document.get('version')!r} unknown")
        entries = {}
        for name, fields in document["users"].items():
            user = User(name, fields["role"], fields.get("agent", ""), fields.get("tenant", ""))
            _check(user)
            entries[name] = _Entry(user, str(fields["hash"]))
    except UserError as exc:
        said = str(exc)
        raise UserError(said if said.startswith(f"{path}:") else f"{path}: {said}") from None
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise UserError(f"{path}: not a users file ({type(exc).__name__}: {exc})") from exc
    return entries
