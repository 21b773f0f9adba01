"""The asyncio shell around `AgiCodec` for one FastAGI socket.

A reader task feeds the codec and settles the one command in flight. Once the connection
fails - HANGUP notice, 511, EOF, garbage, a timeout - the failure is remembered and every
later command raises it at once, without touching the wire. After a timeout, a
cancellation or garbage the socket is aborted too: a late reply would otherwise be taken
for the next command's, and closing makes Asterisk stop the command and leave AGI().
"""

from __future__ import annotations

import asyncio
import logging

from acd.asterisk.agi.codec import AgiCodec, encode_line
from acd.asterisk.agi.errors import (
    AgiCommandFailed,
    AgiCommandUnknown,
    AgiError,
    AgiHangup,
    AgiProtocolError,
    AgiTimeout,
    AgiUsageError,
)
from acd.asterisk.agi.events import (
    ConnectionClosed,
    Event,
    HangupNotified,
    ProtocolErrorDetected,
    Reply,
    RequestReceived,
)

log = logging.getLogger(__name__)

_READ_SIZE = 65536
_CLOSE_GRACE = 1.0  # seconds to flush our last bytes before the socket is aborted


class AgiConnection:
    """One FastAGI socket: read the request, then run commands one at a time."""

    def __init__(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, codec: AgiCodec
    ) -> None:
        self._reader = reader
        self._writer = writer
        self._codec = codec
        self._request: RequestReceived | None = None
        self._pending: asyncio.Future[Reply] | None = None
        self._failure: AgiError | None = None
        self._failed = asyncio.Event()
        self._lock = asyncio.Lock()
        self._read_task: asyncio.Task[None] | None = None

    @property
    def failure(self) -> AgiError | None:
        """Why the connection can no longer run commands, or None while it can."""
        return self._failure

    async def wait_failed(self) -> AgiError:
        """Wait until the connection can no longer run commands; return why."""
        await self._failed.wait()
        return self._failure_copy()

    async def read_request(self, deadline: float) -> RequestReceived:
        """Read the header block; raise AgiTimeout, AgiProtocolError or AgiHangup (EOF)."""
        try:
            async with asyncio.timeout(deadline):
                while self._request is None and self._failure is None:
                    events, _ = await self._read_chunk()
                    self._dispatch_all(events)
        except TimeoutError:
            self._fail(AgiTimeout(f"no AGI request within {deadline} s"))
        if self._request is None:
            raise self._failure_copy()
        return self._request

    def start(self) -> None:
        """Start reading replies (and HANGUP notices) in the background."""
        if self._read_task is None and self._failure is None:
            self._read_task = asyncio.create_task(self._read_loop(), name="agi-reader")

    async def command(self, line: str, deadline: float) -> Reply:
        """Send one command line and return its 200 reply; other codes raise (errors.py)."""
        data = encode_line(line)  # AgiEncodeError before anything is sent
        async with self._lock:
            reply = await self._round_trip(line, data, deadline)
        return _check_reply(line, reply, self)

    def mark_hung_up(self, reason: str) -> None:
        """Remember that the channel is gone (e.g. after our own HANGUP command)."""
        self._fail(AgiHangup(reason))

    async def close(self) -> None:
        """Stop reading and close the socket; safe to call twice."""
        if self._read_task is not None:
            self._read_task.cancel()
            await asyncio.wait([self._read_task])  # unlike suppress(), keeps our own cancel
        self._fail(AgiHangup("connection closed"))
        self._writer.close()
        try:
            async with asyncio.timeout(_CLOSE_GRACE):
                await self._writer.wait_closed()
        except (TimeoutError, OSError):
            self._writer.transport.abort()

    async def _round_trip(self, line: str, data: bytes, deadline: float) -> Reply:
        if self._failure is not None:
            raise self._failure_copy()
        self._pending = asyncio.get_running_loop().create_future()
        try:
            async with asyncio.timeout(deadline):
                self._writer.write(data)
                await self._writer.drain()
                return await self._pending
        except AgiError:
            raise
        except TimeoutError:
            self._pending = None  # we stop waiting: nobody is left to fail
            self._abandon(AgiTimeout(f"no reply to {line!r} within {deadline} s"))
            raise self._failure_copy() from None
        except asyncio.CancelledError:
            self._pending = None
            self._abandon(AgiTimeout(f"{line!r} was cancelled before its reply"))
            raise
        except (ConnectionError, OSError) as exc:  # from drain()
            self._pending = None
            self._fail(AgiHangup(f"connection lost: {exc}"))
            raise self._failure_copy() from None
        finally:
            self._pending = None

    def _abandon(self, failure: AgiError) -> None:
        """The stream is out of step: fail, and abort so Asterisk leaves AGI() now."""
        self._fail(failure)
        self._writer.transport.abort()

    async def _read_chunk(self) -> tuple[list[Event], bool]:
        """Read once; return the events and whether the peer has closed."""
        try:
            data = await self._reader.read(_READ_SIZE)
        except (ConnectionError, OSError):
            data = b""  # a reset is an end of file as far as the session is concerned
        if not data:
            return self._codec.feed_eof(), True
        return self._codec.feed(data), False

    async def _read_loop(self) -> None:
        # Ends at EOF: an empty read is never retried, so a closed peer cannot spin the loop.
        at_eof = False
        while not at_eof:
            events, at_eof = await self._read_chunk()
            self._dispatch_all(events)

    def _dispatch_all(self, events: list[Event]) -> None:
        for event in events:
            self._dispatch(event)

    def _dispatch(self, event: Event) -> None:
        match event:
            case RequestReceived():
                self._request = event
            case HangupNotified():
                self._fail(AgiHangup("channel hung up"))
            case ConnectionClosed():
                self._fail(AgiHangup("connection closed by Asterisk"))
            case ProtocolErrorDetected(reason=reason):
                self._abandon(AgiProtocolError(reason))
            case Reply() if not event.is_final:
                log.debug("AGI provisional reply: %s", event.lines[0])
            case Reply() if self._pending is not None and not self._pending.done():
                self._pending.set_result(event)
            case Reply() if self._failure is None:
                self._abandon(AgiProtocolError(f"reply with no command: {event.lines[0]!r}"))

    def _fail(self, failure: AgiError) -> None:
        if self._failure is None:
            self._failure = failure
            self._failed.set()
        if self._pending is not None and not self._pending.done():
            self._pending.set_exception(self._failure_copy())

    def _failure_copy(self) -> AgiError:
        # A fresh instance each time, so tracebacks do not pile up on one shared object.
        failure = self._failure
        assert failure is not None
        return type(failure)(*failure.args)


def _check_reply(line: str, reply: Reply, connection: AgiConnection) -> Reply:
    if reply.code == 200:
        return reply
    if reply.code == 510:
        raise AgiCommandUnknown(f"unknown AGI command {line!r}")
    if reply.code == 511:
        connection.mark_hung_up("command not permitted on a dead channel")
        raise AgiHangup("channel hung up (511)")
    if reply.code == 520:
        raise AgiUsageError(line, reply.usage)
    raise AgiCommandFailed(f"unexpected reply to {line!r}: {reply.lines[0]!r}", reply)
