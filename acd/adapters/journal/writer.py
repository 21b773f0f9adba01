"""AsyncJournal: the journal written by one worker thread, so the event loop never waits
for a disk.

    journal = AsyncJournal(Journal.open(path), sinks=[queue_log.write])
    runner = EngineRunner(engine, execute, record=journal.submit)   # never blocks
    ...
    await journal.close()        # writes what is queued, then closes the file

Batches are written in the order they were submitted. The batches that come within
GATHER_S of one another, or queue while the writer is behind, are written together in
one transaction (one fsync). After a
commit, each sink (the queue_log) gets the same facts, in the same thread.

Failures: a batch that cannot be written is retried every ``retry_s`` seconds, never
dropped; the retry is safe because the journal skips facts it already holds. If the
disk stays unusable and ``max_pending`` batches pile up, new batches are dropped with a
CRITICAL log and counted in ``dropped``: routing calls matters more than reporting them,
and the inbox of the engine runner follows the same rule.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import queue
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from acd.adapters.journal.errors import JournalClosedError, JournalError, JournalTimeoutError
from acd.adapters.journal.store import Journal
from acd.core.facts import Fact

log = logging.getLogger(__name__)

Sink = Callable[[Sequence[Fact]], None]
MAX_FACTS_PER_TRANSACTION = 5000
# Group commit: the batches submitted within this long of the first are written in its
# transaction (one fsync, one queue_log flush). Under load, a call's facts come in several
# batches a few ms apart (about 110 commits a second at 80 calls a second without it); with
# it, at most 1 / GATHER_S commits a second whatever the load. A fact waits at most this
# long more to be durable.
GATHER_S = 0.01
_STOP = None


@dataclass(eq=False)
class _Waiter:
    seq: int  # resolved once every batch up to this one is committed
    future: asyncio.Future[None]
    loop: asyncio.AbstractEventLoop


class AsyncJournal:
    def __init__(
        self,
        journal: Journal,
        *,
        sinks: Sequence[Sink] = (),
        max_pending: int = 10_000,
        retry_s: float = 1.0,
        gather_s: float = GATHER_S,
    ) -> None:
        self._journal = journal  # owned from now on: the worker closes it
        self._gather_s = gather_s
        self._sinks = tuple(sinks)
        self._max_pending = max_pending
        self._retry_s = retry_s
        self._inbox: queue.SimpleQueue[tuple[int, Sequence[Fact]] | None] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._waiters: list[_Waiter] = []
        self._abandon = threading.Event()
        self._submitted = self._committed = self.dropped = 0
        self._closed = self._stopped = False
        self._thread = threading.Thread(target=self._work, name="journal-writer", daemon=True)
        self._thread.start()

    @property
    def running(self) -> bool:
        """True while the writer thread takes facts (False once it has stopped or died)."""
        return self._thread.is_alive() and not self._stopped

    @property
    def pending(self) -> int:
        """Batches submitted but not yet committed."""
        return self._submitted - self._committed

    def submit(self, facts: Sequence[Fact]) -> None:
        """Queue a batch for writing; returns at once. Raises JournalClosedError after close."""
        if self._closed:
            raise JournalClosedError(f"{self._journal.path}: the journal is closed")
        if not facts:
            return
        if self.pending >= self._max_pending:
            self.dropped += len(facts)
            log.critical(
                "journal writer %d batches behind: %d facts dropped: %r",
                self.pending,
                len(facts),
                facts,
            )
            return
        self._submitted += 1
        self._inbox.put((self._submitted, tuple(facts)))

    async def flush(self, timeout_s: float = 10.0) -> None:
        """Wait until every batch submitted so far is committed (and given to the sinks)."""
        loop = asyncio.get_running_loop()
        waiter = _Waiter(self._submitted, loop.create_future(), loop)
        with self._lock:
            if self._committed >= waiter.seq:
                return
            if self._stopped:
                raise JournalClosedError(f"{self._journal.path}: journal writer stopped")
            self._waiters.append(waiter)
        try:
            await asyncio.wait_for(waiter.future, timeout_s)
        except TimeoutError:
            raise JournalTimeoutError(
                f"{self._journal.path}: {self.pending} batches not committed after {timeout_s} s"
            ) from None
        finally:
            with self._lock:
                if waiter in self._waiters:
                    self._waiters.remove(waiter)

    async def close(self, timeout_s: float = 10.0) -> None:
        """Write what is queued, stop the worker and close the journal. If the writes do
        not finish in time, the rest is abandoned and JournalTimeoutError raised."""
        if self._closed:
            return
        self._closed = True
        self._inbox.put(_STOP)
        try:
            await self.flush(timeout_s)
        except JournalTimeoutError:
            self._abandon.set()
            raise
        finally:
            await asyncio.to_thread(self._thread.join, timeout_s)

    def _work(self) -> None:
        try:
            while (batches := self._next_batches()) is not None:
                if not self._write(batches):
                    break
        finally:
            self._journal.close()
            self._fail_waiters()

    def _next_batches(self) -> list[tuple[int, Sequence[Fact]]] | None:
        """The next batch and those queued behind it (None: stop)."""
        first = self._inbox.get()
        if first is None:
            return None
        batches, size = [first], len(first[1])
        gather_until = time.monotonic() + self._gather_s
        while size < MAX_FACTS_PER_TRANSACTION:
            try:
                more = self._inbox.get(timeout=max(0.0, gather_until - time.monotonic()))
            except queue.Empty:
                break
            if more is None:
                self._inbox.put(_STOP)  # handled once these batches are written
                break
            batches.append(more)
            size += len(more[1])
        return batches

    def _write(self, batches: list[tuple[int, Sequence[Fact]]]) -> bool:
        """Commit, retrying until it works; False if abandoned meanwhile."""
        facts = [fact for _, batch in batches for fact in batch]
        while True:
            try:
                self._journal.append(facts)
                break
            except JournalError:
                log.exception("journal write failed; retrying in %s s", self._retry_s)
                if self._abandon.wait(self._retry_s):
                    return False
            except Exception:  # a fact that cannot be stored: the others must still be
                log.exception("journal: a batch of %d facts could not be stored", len(facts))
                facts = self._one_by_one(facts)
                break
        for sink in self._sinks:
            try:
                sink(facts)
            except Exception:  # a broken queue_log must not stop the journal
                log.exception("journal sink %r failed; its copy misses %d facts", sink, len(facts))
        self._wake_waiters(committed=batches[-1][0])
        return True

    def _one_by_one(self, facts: list[Fact]) -> list[Fact]:
        """Stores each fact alone; the one that fails is dropped (and counted, shown by
        the server's status) instead of stopping the writer and every fact after it."""
        stored = []
        for fact in facts:
            try:
                self._journal.append([fact])
            except Exception:
                self.dropped += 1
                log.critical("journal: fact dropped, it cannot be stored: %r", fact, exc_info=True)
            else:
                stored.append(fact)
        return stored

    def _wake_waiters(self, committed: int) -> None:
        with self._lock:
            self._committed = committed
            due = [w for w in self._waiters if w.seq <= self._committed]
            self._waiters = [w for w in self._waiters if w.seq > self._committed]
        for waiter in due:
            _resolve_soon(waiter, None)

    def _fail_waiters(self) -> None:
        with self._lock:
            waiters, self._waiters, self._stopped = self._waiters, [], True
        error = JournalClosedError(f"{self._journal.path}: journal writer stopped")
        for waiter in waiters:
            _resolve_soon(waiter, error)


def _resolve_soon(waiter: _Waiter, error: BaseException | None) -> None:
    with contextlib.suppress(RuntimeError):  # that loop is closed: nobody waits any more
        waiter.loop.call_soon_threadsafe(_resolve, waiter.future, error)


def _resolve(future: asyncio.Future[None], error: BaseException | None) -> None:
    if future.done():
        return
    if error is None:
        future.set_result(None)
    else:
        future.set_exception(error)
