"""One AMI TCP session: reads and routes what Asterisk sends, sends actions and waits for
their answers. It never reconnects (AmiClient does, with a fresh AmiConnection) and never
re-sends: when it ends, for whatever reason, every pending action fails at once with
AmiDisconnected.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections.abc import Callable, Iterable, Mapping

from acd.asterisk.ami.codec import AmiDecoder, FieldValue, encode_action
from acd.asterisk.ami.correlate import Correlator, Done, Expect
from acd.asterisk.ami.errors import AmiDisconnected, AmiNotConnected, AmiProtocolError, AmiTimeout
from acd.asterisk.ami.message import Banner, Event, Item, ProtocolViolation, Response

logger = logging.getLogger(__name__)

READ_SIZE = 64 * 1024  # cache-friendly; 256 KiB reads measured slower
Fields = Mapping[str, FieldValue] | Iterable[tuple[str, FieldValue]]
CLOSED_BY_CLIENT = "closed by the client"


class AmiConnection:
    """A connected socket plus the codec state and the actions waiting on it."""

    def __init__(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        *,
        on_event: Callable[[Event], None],
        id_prefix: str,
        max_frame: int,
    ) -> None:
        self._reader = reader
        self._writer = writer
        self._on_event = on_event
        self._decoder = AmiDecoder(max_frame=max_frame)
        self._correlator = Correlator()
        self._waiters: dict[str, asyncio.Future[Done]] = {}
        self._ids = (f"{id_prefix}{n}" for n in itertools.count(1))
        self.version: str | None = None  # from the banner
        self.closed = False
        self.close_reason: str | None = None  # why it closed, first cause wins

    async def run(self) -> None:
        """Read and route until the stream ends. Whatever the reason, on return the
        connection is closed, its pending actions failed, and `close_reason` says why."""
        reason = "reader stopped"
        try:
            reason = await self._read_loop()
        except AmiProtocolError as exc:
            reason = f"protocol error: {exc}"
            logger.error("AMI stream cannot be trusted, resetting the connection: %s", exc)
        except OSError as exc:
            reason = f"socket error: {exc!r}"
        finally:
            self.abort(reason)

    async def _read_loop(self) -> str:
        read = self._reader.read
        decoder = self._decoder
        while True:
            data = await read(READ_SIZE)
            if not data:
                self._route(decoder.feed_eof())
                return "closed by peer"
            self._route(decoder.feed(data))

    def _route(self, items: Iterable[Item]) -> None:
        """Hand each decoded item to whoever waits for it (the hot loop: events first)."""
        on_event = self._on_event
        correlator = self._correlator
        for item in items:
            if type(item) is Event:
                if correlator.event_waiters:
                    outcome = correlator.receive(item)
                    if outcome is not None:
                        if isinstance(outcome, Done):
                            self._settle(outcome)
                        continue
                on_event(item)
            else:
                self._route_other(item)

    def _route_other(self, item: Item) -> None:
        if isinstance(item, Response):
            outcome = self._correlator.receive(item)
            if outcome is None:
                logger.debug("AMI response for no pending action (timed out?): %r", item)
            elif isinstance(outcome, Done):
                self._settle(outcome)
        elif isinstance(item, Banner):
            self.version = item.version
            logger.info("AMI peer speaks Asterisk Call Manager/%s", item.version)
        elif isinstance(item, ProtocolViolation):
            logger.warning("AMI protocol violation (%s): %r", item.reason, item.raw)
            if item.fatal:
                raise AmiProtocolError(item.reason)
        else:  # an Action: the client-role decoder never yields one; belt and braces
            logger.warning("AMI peer sent an unexpected %r", item)

    def _settle(self, done: Done) -> None:
        waiter = self._waiters.pop(done.action_id, None)
        if waiter is not None and not waiter.done():
            waiter.set_result(done)

    async def request(self, name: str, fields: Fields, expect: Expect, deadline: float) -> Done:
        """Send one action and wait for its whole answer (or the deadline, or the end)."""
        if self.closed:
            raise AmiNotConnected(f"{name}: the connection is closing")
        action_id = next(self._ids)
        data = encode_action(name, action_id, fields)  # AmiEncodeError: nothing was sent
        waiter: asyncio.Future[Done] = asyncio.get_running_loop().create_future()
        self._correlator.expect(action_id, expect)
        self._waiters[action_id] = waiter
        try:
            self._writer.write(data)
            async with asyncio.timeout(deadline):
                return await waiter
        except TimeoutError:
            raise AmiTimeout(f"{name} ({action_id}): no answer within {deadline} s") from None
        finally:
            self._waiters.pop(action_id, None)
            self._correlator.forget(action_id)

    def abort(self, reason: str) -> None:
        """Drop the socket now and fail every pending action with AmiDisconnected. Also
        after close(): a transport still flushing to a peer that stopped reading would
        otherwise keep the reader (and whoever waits for it) waiting."""
        self._fail_pending(reason)
        self._writer.transport.abort()

    def close(self) -> None:
        """Close on our own initiative: say Logoff (no wait for Goodbye), fail what is
        pending, and let the transport flush the Logoff before it closes."""
        if not self.closed:
            self._writer.write(encode_action("Logoff", next(self._ids)))
        if self._fail_pending(CLOSED_BY_CLIENT):
            self._writer.transport.close()

    def _fail_pending(self, reason: str) -> bool:
        """Mark the connection closed and fail its waiters; False if it already was."""
        if self.closed:
            return False
        self.closed, self.close_reason = True, reason
        self._correlator.clear()
        waiters, self._waiters = self._waiters, {}
        for action_id, waiter in waiters.items():
            if not waiter.done():
                waiter.set_exception(AmiDisconnected(f"{action_id}: connection lost ({reason})"))
        return True
