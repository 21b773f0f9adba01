"""The server's own background tasks, watched: one that fails (or, for a task meant to
run for ever, one that ends) stops the server with ServiceDied, so that Docker or
systemd restart it, instead of a server that keeps its ports open and serves nothing."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Coroutine
from typing import Any, TypeVar

from acd.server.errors import ServiceDied

log = logging.getLogger(__name__)

T = TypeVar("T")


class Tasks:
    def __init__(self) -> None:
        self._running: set[asyncio.Task[Any]] = set()
        self._died: asyncio.Future[None] | None = None

    def spawn(self, name: str, work: Coroutine[Any, Any, Any], *, forever: bool = False) -> None:
        """Runs ``work`` in the background; ``forever``: it should never end by itself."""
        task = asyncio.create_task(work, name=name)
        self._running.add(task)
        task.add_done_callback(lambda done: self._ended(done, forever))

    async def watch(self, work: Coroutine[Any, Any, T]) -> T:
        """Awaits ``work``, unless a watched task dies first: then ServiceDied."""
        died = self._death()
        job = asyncio.ensure_future(work)
        either: set[asyncio.Future[Any]] = {job, died}
        await asyncio.wait(either, return_when=asyncio.FIRST_COMPLETED)
        if job.done():
            return job.result()
        job.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await job
        died.result()  # raises the ServiceDied
        raise AssertionError("unreachable: a death is always an exception")

    async def close(self) -> None:
        """Cancels every task and waits for them (a stop, not a death)."""
        for task in self._running:
            task.cancel()
        await asyncio.gather(*self._running, return_exceptions=True)
        if self._died is not None and self._died.done():
            self._died.exception()  # reported already (logged, or raised by watch)

    def _death(self) -> asyncio.Future[None]:
        if self._died is None:
            self._died = asyncio.get_running_loop().create_future()
        return self._died

    def _ended(self, task: asyncio.Task[Any], forever: bool) -> None:
        self._running.discard(task)
        if task.cancelled():
            return
        error = task.exception()
        if error is None and not forever:
            return
        why = f"failed: {error!r}" if error is not None else "ended by itself"
        log.error("%s %s; the server stops", task.get_name(), why, exc_info=error)
        died = self._death()
        if not died.done():
            died.set_exception(ServiceDied(f"{task.get_name()} {why}"))
