"""`AgiServer`: accepts FastAGI connections and runs one handler task per call.

Per connection: read the request (within `header_timeout`), pick the handler by script
name, run it (within `session_timeout`), close. A connection that closes early or sends
garbage is dropped and logged; a handler that raises is logged; neither touches another
session. Two refusals keep the dialplan in charge - the server sets the channel variable
ACD_AGI_REFUSED and closes, and AGI() returns so the dialplan can branch on it:

* "busy" - `max_sessions` connections are already open. The command is written at once,
  without reading the request, then the server half-closes and reads until Asterisk hangs
  up its side (closing with unread data would send a reset instead of our command).
  At most `max_refusing` refusals run together; beyond that the socket is simply aborted.
* "no-route" - no handler for the script name.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import logging
from collections.abc import Awaitable, Callable, Coroutine, Mapping, Sequence
from types import TracebackType
from typing import Any

from acd.asterisk.agi.codec import AgiCodec, encode_line, format_command
from acd.asterisk.agi.connection import AgiConnection
from acd.asterisk.agi.errors import AgiError
from acd.asterisk.agi.session import AgiSession
from acd.asterisk.dialplan import Var

log = logging.getLogger(__name__)

Handler = Callable[[AgiSession], Awaitable[None]]
Router = Mapping[str, Handler] | Handler

REFUSED_VARIABLE = Var.AGI_REFUSED
_REFUSAL_TIMEOUT = 2.0  # seconds for Asterisk to answer the SET VARIABLE of a refusal


LOOPBACK = ("127.0.0.0/8", "::1/128")


class AgiServer:
    """A FastAGI server; use `async with AgiServer(...)` or start() / close()."""

    def __init__(
        self,
        router: Router,
        *,
        host: str = "127.0.0.1",
        port: int = 4573,
        max_sessions: int = 500,
        max_refusing: int = 32,
        header_timeout: float = 5.0,
        command_timeout: float = 60.0,
        session_timeout: float = 3600.0,
        allowed: Sequence[str] = LOOPBACK,
    ) -> None:
        self._router = router
        # Who may connect: a FastAGI request names the channel it is about, and the
        # scripts act on it (an agent logged out, a callback booked): only Asterisk.
        self._allowed = tuple(ipaddress.ip_network(a, strict=False) for a in allowed)
        self._host = host
        self._port = port
        self._max_sessions = max_sessions
        self._max_refusing = max_refusing
        self._header_timeout = header_timeout
        self._command_timeout = command_timeout
        self._session_timeout = session_timeout
        self._server: asyncio.Server | None = None
        self._sessions: set[asyncio.Task[None]] = set()
        self._refusing: set[asyncio.Task[None]] = set()

    @property
    def port(self) -> int:
        """The bound port (useful with port=0); the configured one before start()."""
        if self._server is None or not self._server.sockets:
            return self._port
        return int(self._server.sockets[0].getsockname()[1])

    @property
    def listening(self) -> bool:
        """True while the listener accepts connections (started, not closed)."""
        return self._server is not None and self._server.is_serving()

    @property
    def open_sessions(self) -> int:
        """Connections being served (request read, handler running, or closing)."""
        return len(self._sessions)

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._accept, self._host, self._port)
        log.info("FastAGI server listening on %s:%d", self._host, self.port)

    async def close(self) -> None:
        """Stop accepting, cancel every session and refusal, and wait for them."""
        if self._server is not None:
            self._server.close()
        # Loop: a connection accepted just before close() may register its task late.
        while tasks := self._sessions | self._refusing:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
        if self._server is not None:
            await self._server.wait_closed()
            self._server = None

    async def __aenter__(self) -> AgiServer:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        # A plain callback, not a coroutine: we own (and can cancel) every task we start.
        peer = writer.get_extra_info("peername")
        if not self._may_connect(peer):
            log.warning("FastAGI: connection from %s refused: not an allowed address", peer)
            writer.transport.abort()
        elif len(self._sessions) < self._max_sessions:
            self._track(self._sessions, self._serve(reader, writer))
        elif len(self._refusing) < self._max_refusing:
            log.warning("FastAGI: %d sessions open, refusing a call", len(self._sessions))
            self._track(self._refusing, _refuse_busy(writer, reader, self._header_timeout))
        else:
            log.warning("FastAGI: overloaded, aborting a connection")
            writer.transport.abort()

    def _may_connect(self, peer: object) -> bool:
        if not isinstance(peer, tuple) or not peer:
            return False  # not an IP connection: nothing to check it against
        try:
            address = ipaddress.ip_address(str(peer[0]).split("%")[0])
        except ValueError:
            return False
        if address.version == 6 and address.ipv4_mapped is not None:
            address = address.ipv4_mapped
        return any(address in network for network in self._allowed)

    @staticmethod
    def _track(tasks: set[asyncio.Task[None]], work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(work)
        tasks.add(task)
        task.add_done_callback(tasks.discard)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        peer = writer.get_extra_info("peername")
        connection = AgiConnection(reader, writer, AgiCodec())
        try:
            try:
                request = await connection.read_request(self._header_timeout)
            except AgiError as exc:
                log.info("FastAGI: dropped connection from %s: %s", peer, exc)
                return
            connection.start()
            session = AgiSession(request, connection, command_timeout=self._command_timeout)
            await self._run_handler(session)
        finally:
            await connection.close()

    async def _run_handler(self, session: AgiSession) -> None:
        script, channel = session.request.script, session.request.channel
        handler = self._route(script)
        if handler is None:
            log.warning("FastAGI: no handler for script %r (%s)", script, channel)
            with contextlib.suppress(AgiError):
                await session.set_variable(REFUSED_VARIABLE, "no-route", timeout=_REFUSAL_TIMEOUT)
            return
        deadline = asyncio.timeout(self._session_timeout)
        try:
            async with deadline:
                await handler(session)
        except AgiError as exc:  # usually the caller hanging up mid-script
            log.info("FastAGI %r on %s ended: %s: %s", script, channel, type(exc).__name__, exc)
        except Exception:
            if deadline.expired():  # not a TimeoutError of the handler's own making
                log.warning(
                    "FastAGI %r on %s exceeded %s s", script, channel, self._session_timeout
                )
            else:
                log.exception("FastAGI handler %r failed on %s", script, channel)

    def _route(self, script: str) -> Handler | None:
        if isinstance(self._router, Mapping):
            return self._router.get(script)
        return self._router


async def _refuse_busy(
    writer: asyncio.StreamWriter, reader: asyncio.StreamReader, deadline: float
) -> None:
    """Tell the dialplan we are busy without reading the request (see the module doc)."""
    try:
        writer.write(encode_line(format_command("SET VARIABLE", REFUSED_VARIABLE, "busy")))
        writer.write_eof()
        async with asyncio.timeout(deadline):
            while await reader.read(65536):
                pass  # discard the request and the reply until Asterisk closes
        writer.close()
    except (TimeoutError, OSError):
        writer.transport.abort()
    except asyncio.CancelledError:
        writer.transport.abort()
        raise
