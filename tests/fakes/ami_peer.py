"""A scriptable fake AMI server for fault tests: an asyncio server on 127.0.0.1, port 0.

It speaks enough AMI for the client (banner, Challenge, MD5 or plain Login, Filter, Ping,
Logoff) and lets each test script the rest: per-action handlers, raw bytes, drops,
silence. Its action parser is deliberately separate from the codec under test (a few
lines of split/partition), so that a codec bug cannot hide itself here.

Below it: a client factory with short timings, and recorders that let a test await
"this state / these events arrived" instead of sleeping.
"""

from __future__ import annotations

import asyncio
import hashlib
import inspect
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from acd.asterisk.ami import AmiClient, AmiState, Event

BANNER = b"Asterisk Call Manager/9.0.0\r\n"
CHALLENGE = "840915287"
WAIT_LIMIT = 5.0  # seconds; a test waiting longer than this has found a bug


@dataclass
class ReceivedAction:
    """One action as the peer read it off the wire."""

    connection: int  # 1 for the first connection, 2 after one reconnect, ...
    fields: list[tuple[str, str]]

    def get(self, key: str) -> str | None:
        return next((v for k, v in self.fields if k.lower() == key.lower()), None)

    def get_all(self, key: str) -> list[str]:
        return [v for k, v in self.fields if k.lower() == key.lower()]

    @property
    def name(self) -> str:
        return self.get("Action") or ""


def frame(*fields: tuple[str, str]) -> bytes:
    """Encode one AMI frame the way Asterisk does ("\\r\\n" everywhere)."""
    return b"".join(f"{k}: {v}\r\n".encode() for k, v in fields) + b"\r\n"


@dataclass
class PeerConnection:
    """The server side of one client connection."""

    number: int
    writer: asyncio.StreamWriter
    opened_at: float
    answer_pings: bool = True
    logged_in: asyncio.Event = field(default_factory=asyncio.Event)
    closed: asyncio.Event = field(default_factory=asyncio.Event)

    async def send(self, data: bytes) -> None:
        self.writer.write(data)
        await self.writer.drain()

    async def reply(self, action: ReceivedAction, status: str, *fields: tuple[str, str]) -> None:
        """Answer `action` with "Response: <status>", its ActionID, then `fields`."""
        await self.send(
            frame(("Response", status), ("ActionID", action.get("ActionID") or ""), *fields)
        )

    async def event(self, name: str, *fields: tuple[str, str]) -> None:
        await self.send(frame(("Event", name), ("Privilege", "call,all"), *fields))

    def drop(self) -> None:
        """Close the TCP connection (a FIN, as when Asterisk restarts)."""
        self.writer.close()


Handler = Callable[[PeerConnection, ReceivedAction], Awaitable[None] | None]


class FakeAmiPeer:
    """Start with `async with FakeAmiPeer() as peer:`; point the client at `peer.port`."""

    def __init__(self, *, username: str = "acd", secret: str = "s3cret") -> None:
        self.username, self.secret = username, secret
        self.handlers: dict[str, Handler] = {}
        self.received: list[ReceivedAction] = []
        self.connections: list[PeerConnection] = []
        self.answer_pings = True  # default for new connections
        self._server: asyncio.Server | None = None
        self._changed = asyncio.Condition()
        self._defaults: dict[str, Handler] = {
            "challenge": self._challenge,
            "login": self._login,
            "ping": _ping,
            "filter": _filter,
            "events": _events,
            "logoff": _logoff,
            "coresettings": _core_settings,
        }

    async def __aenter__(self) -> FakeAmiPeer:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.close()
        for conn in self.connections:
            conn.writer.close()
        await self._server.wait_closed()

    @property
    def port(self) -> int:
        assert self._server is not None
        return int(self._server.sockets[0].getsockname()[1])

    def on(self, action: str, handler: Handler) -> None:
        """Script the answer to `action` (any case), replacing the default one."""
        self.handlers[action.lower()] = handler

    def actions(self, name: str) -> list[ReceivedAction]:
        return [a for a in self.received if a.name.lower() == name.lower()]

    async def wait_for(self, predicate: Callable[[], bool]) -> None:
        """Until `predicate()` holds; re-checked whenever something arrives."""
        async with asyncio.timeout(WAIT_LIMIT), self._changed:
            await self._changed.wait_for(predicate)

    async def wait_action(self, name: str, count: int = 1) -> ReceivedAction:
        await self.wait_for(lambda: len(self.actions(name)) >= count)
        return self.actions(name)[count - 1]

    async def wait_login(self, number: int) -> PeerConnection:
        """Until connection `number` (1-based) has logged in."""
        await self.wait_for(lambda: len(self.connections) >= number)
        conn = self.connections[number - 1]
        await conn.logged_in.wait()
        return conn

    async def _changed_now(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        loop = asyncio.get_running_loop()
        conn = PeerConnection(len(self.connections) + 1, writer, loop.time(), self.answer_pings)
        self.connections.append(conn)
        await self._changed_now()
        try:
            await conn.send(BANNER)
            buffer = b""
            while data := await reader.read(65536):
                buffer += data
                *frames, buffer = buffer.split(b"\r\n\r\n")
                for raw in frames:
                    await self._handle(conn, _parse_action(conn.number, raw))
        except (ConnectionError, OSError):
            pass
        finally:
            conn.closed.set()
            writer.close()
            await self._changed_now()

    async def _handle(self, conn: PeerConnection, action: ReceivedAction) -> None:
        self.received.append(action)
        name = action.name.lower()
        handler = self.handlers.get(name) or self._defaults.get(name)
        if handler is None:
            await conn.reply(action, "Error", ("Message", "Invalid/unknown command"))
        else:
            result = handler(conn, action)
            if inspect.isawaitable(result):
                await result
        await self._changed_now()

    async def _challenge(self, conn: PeerConnection, action: ReceivedAction) -> None:
        await conn.reply(action, "Success", ("Challenge", CHALLENGE))

    async def _login(self, conn: PeerConnection, action: ReceivedAction) -> None:
        if action.get("AuthType") == "MD5":
            expected = hashlib.md5((CHALLENGE + self.secret).encode()).hexdigest()
            ok = action.get("Key") == expected
        else:
            ok = action.get("Secret") == self.secret
        ok = ok and action.get("Username") == self.username
        if not ok:
            await conn.reply(action, "Error", ("Message", "Authentication failed"))
            return
        await conn.reply(action, "Success", ("Message", "Authentication accepted"))
        conn.logged_in.set()


def _parse_action(connection: int, raw: bytes) -> ReceivedAction:
    fields = []
    for line in raw.decode("utf-8", "replace").split("\r\n"):
        key, _, value = line.partition(": ")
        fields.append((key, value))
    return ReceivedAction(connection, fields)


async def _ping(conn: PeerConnection, action: ReceivedAction) -> None:
    if conn.answer_pings:
        await conn.reply(action, "Success", ("Ping", "Pong"), ("Timestamp", "1700000000.000000"))


async def _filter(conn: PeerConnection, action: ReceivedAction) -> None:
    await conn.reply(action, "Success", ("Message", "Filter Added Successfully"))


async def _events(conn: PeerConnection, action: ReceivedAction) -> None:
    mask = action.get("EventMask") or ""
    await conn.reply(action, "Success", ("Events", "Off" if mask.lower() == "off" else "On"))


async def _logoff(conn: PeerConnection, action: ReceivedAction) -> None:
    await conn.reply(action, "Goodbye", ("Message", "Thanks for all the fish."))
    conn.drop()


async def _core_settings(conn: PeerConnection, action: ReceivedAction) -> None:
    await conn.reply(action, "Success", ("AMIversion", "9.0.0"), ("AsteriskVersion", "22.1.0"))


# -- helpers for the tests ------------------------------------------------------------

T = TypeVar("T")


def make_client(peer: FakeAmiPeer, **overrides: Any) -> AmiClient:
    """A client with timings in tens of milliseconds (pings off unless asked for)."""
    settings: dict[str, Any] = {
        "auth": "plain",
        "action_timeout": 1.0,
        "ping_interval": 30.0,
        "ping_timeout": 1.0,
        "connect_timeout": 1.0,
        "backoff_initial": 0.02,
        "backoff_max": 0.1,
        "rng": random.Random(7),
    }
    secret = overrides.pop("secret", peer.secret)
    settings.update(overrides)
    return AmiClient("127.0.0.1", peer.port, peer.username, secret, **settings)


class Recorder(Generic[T]):
    """A sync callback that records what it gets; `wait_for` awaits a condition on it."""

    def __init__(self) -> None:
        self.items: list[T] = []
        self._waiters: list[tuple[Callable[[list[T]], bool], asyncio.Future[None]]] = []

    def __call__(self, item: T) -> None:
        self.items.append(item)
        for check, waiter in self._waiters:
            if not waiter.done() and check(self.items):
                waiter.set_result(None)

    async def wait_for(self, check: Callable[[list[T]], bool]) -> None:
        """Until `check(items)` holds; fails the test after WAIT_LIMIT instead of hanging."""
        if check(self.items):
            return
        waiter = asyncio.get_running_loop().create_future()
        self._waiters.append((check, waiter))
        try:
            async with asyncio.timeout(WAIT_LIMIT):
                await waiter
        finally:
            self._waiters.remove((check, waiter))


class States(Recorder[AmiState]):
    async def reached(self, state: AmiState, count: int = 1) -> None:
        await self.wait_for(lambda items: items.count(state) >= count)


class Events(Recorder[Event]):
    async def count(self, n: int) -> None:
        await self.wait_for(lambda items: len(items) >= n)

    @property
    def names(self) -> list[str]:
        return [e.name for e in self.items]
