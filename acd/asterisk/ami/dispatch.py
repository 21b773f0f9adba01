"""Delivering events (and connection-state changes) to subscribers without letting any
of them stall the reader or break the connection.

* A sync callback runs inline, inside try/except: cheap, in order, and an exception is
  logged (logging.exception) and forgotten.
* An async callback gets its own bounded queue and one worker task, so it sees events
  in arrival order without ever blocking the reader. If it falls `max_queue` items
  behind, further items for it are dropped and logged: the reader must keep draining the
  socket, or Asterisk's own write buffer fills and it drops *us*.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

T = TypeVar("T")
Callback = Callable[[T], None] | Callable[[T], Awaitable[None]]

logger = logging.getLogger(__name__)


class Subscriber(Generic[T]):
    """One callback, optionally only for events of one name (compared case-insensitively)."""

    __slots__ = ("_callback", "_dropped", "_queue", "_worker", "call_inline", "name")

    def __init__(self, callback: Callback[T], name: str | None, max_queue: int) -> None:
        self._callback = callback
        self.name = name.lower() if name is not None else None
        # A sync callback, called by Subscribers.publish itself (one call less per event);
        # None for an async one, which goes through enqueue().
        self.call_inline: Callable[[T], object] | None = (
            None if inspect.iscoroutinefunction(callback) else callback
        )
        self._queue: asyncio.Queue[T] = asyncio.Queue(max_queue)
        self._worker: asyncio.Task[None] | None = None
        self._dropped = 0

    def enqueue(self, item: T) -> None:
        """Queue one item for the async callback's worker; never blocks."""
        try:
            self._queue.put_nowait(item)
        except asyncio.QueueFull:
            self._dropped += 1
            if self._dropped == 1 or self._dropped % 1000 == 0:
                logger.error(
                    "AMI subscriber %r is %d items behind; %d dropped so far",
                    self._callback,
                    self._queue.qsize(),
                    self._dropped,
                )
            return
        if self._worker is None or self._worker.done():
            self._worker = asyncio.get_running_loop().create_task(self._work())

    async def _work(self) -> None:
        callback = self._callback
        while True:
            item = await self._queue.get()
            try:
                await callback(item)  # type: ignore[misc]  # is_async checked at subscribe
            except Exception:
                logger.exception("AMI subscriber %r raised; the event is skipped", callback)
            finally:
                self._queue.task_done()

    def refuse_awaitable(self, result: object) -> None:
        """A sync-looking callback returned an awaitable (a lambda around a coroutine
        function, say): it cannot be run in order, so say so loudly instead."""
        logger.error("AMI subscriber %r returned %r; subscribe an async def instead", self, result)
        if inspect.iscoroutine(result):
            result.close()

    async def close(self, drain_timeout: float) -> None:
        """Let the worker finish what is queued (the last DISCONNECTED and CLOSED, say),
        for at most `drain_timeout` seconds, then stop it."""
        if self._worker is None:
            return
        if not self._worker.done():
            try:
                async with asyncio.timeout(drain_timeout):
                    await self._queue.join()
            except TimeoutError:
                logger.warning("AMI subscriber %r: %d items undelivered", self, self._queue.qsize())
        self._worker.cancel()
        await asyncio.gather(self._worker, return_exceptions=True)
        self._worker = None

    @property
    def dropped(self) -> int:
        return self._dropped

    def __repr__(self) -> str:
        return f"<Subscriber {self._callback!r} name={self.name!r}>"


class Subscribers(Generic[T]):
    """An ordered set of subscribers; `publish` hands an item to each that wants it.

    `name_of` gives an item's name for subscribers that asked for one name only (events
    by Event name); without it, every subscriber gets every item.
    """

    def __init__(self, max_queue: int, name_of: Callable[[T], str] | None = None) -> None:
        self._max_queue = max_queue
        self._name_of = name_of
        # Replaced, never mutated: unsubscribing from inside a callback while publish()
        # iterates is safe.
        self._subs: tuple[Subscriber[T], ...] = ()

    def add(self, callback: Callback[T], name: str | None = None) -> Callable[[], None]:
        """Subscribe; returns the function that unsubscribes."""
        if name is not None and self._name_of is None:
            raise ValueError("these items have no names to filter on")
        sub = Subscriber(callback, name, self._max_queue)
        self._subs = (*self._subs, sub)

        def unsubscribe() -> None:
            self._subs = tuple(s for s in self._subs if s is not sub)

        return unsubscribe

    def publish(self, item: T) -> None:
        """Deliver `item` in subscription order; never raises (the per-event hot path)."""
        lowered: str | None = None
        for sub in self._subs:
            if sub.name is not None:
                if lowered is None:
                    assert self._name_of is not None
                    lowered = self._name_of(item).lower()
                if sub.name != lowered:
                    continue
            call = sub.call_inline
            if call is None:
                sub.enqueue(item)
                continue
            try:
                result = call(item)
            except Exception:
                logger.exception("AMI subscriber %r raised; the event is skipped", call)
                continue
            if result is not None:
                sub.refuse_awaitable(result)

    async def close(self, drain_timeout: float = 1.0) -> None:
        for sub in self._subs:
            await sub.close(drain_timeout)
