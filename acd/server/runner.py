"""The one task that owns the ACD engine. Nothing else touches the engine's state, so
there are no locks: adapters only ``feed`` events into a bounded inbox.

Each step: take the next event (or, at the engine's next deadline, a TimerFired), call
``engine.handle(event, now)``, write the facts to the journal, hand the commands to the
executor. The clock is the wall clock (epoch seconds) so entry times survive restarts.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Sequence

from acd.core.engine import Engine
from acd.core.engine.commands import Command
from acd.core.engine.events import CallArrived, CallbackRequested, EngineEvent, TimerFired
from acd.core.engine.facts import CallbackBooked, CallEntered
from acd.core.facts import Fact

log = logging.getLogger(__name__)

INBOX_SIZE = 100_000


class EngineRunner:
    def __init__(
        self,
        engine: Engine,
        execute: Callable[[Command], None],
        record: Callable[[Sequence[Fact]], None],
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.engine = engine
        self.clock = clock
        self._execute = execute
        self._record = record
        self._inbox: asyncio.Queue[EngineEvent] = asyncio.Queue(INBOX_SIZE)
        self._restored: set[str] = set()
        self._restored_callbacks: set[str] = set()  # their CallbackBooked is not news

    def feed(self, event: EngineEvent) -> None:
        try:
            self._inbox.put_nowait(event)
        except asyncio.QueueFull:
            # 100,000 unprocessed events means the engine is stuck; losing one is a bug
            # to see at once, not a state to limp along in.
            log.critical("engine inbox full: event lost: %r", event)

    def feed_restored(
        self,
        event: CallArrived,
        callback: CallbackRequested | None = None,
        *,
        counted: bool = True,
    ) -> None:
        """A caller found waiting after a restart (or a booked callback): queued again,
        but not counted again - unless the journal never had their entry (``counted``
        False: the server died before writing it), which is then written once."""
        if counted:
            self._restored.add(event.call_id)
        self.feed(event)
        if callback is not None:
            self._restored_callbacks.add(callback.call_id)
            self.feed(callback)

    async def run(self) -> None:
        while True:
            deadline = self.engine.next_deadline()
            timeout = None if deadline is None else max(0.0, deadline - self.clock())
            try:
                event: EngineEvent = await asyncio.wait_for(self._inbox.get(), timeout)
            except TimeoutError:
                event = TimerFired()
            self.step(event)

    def step(self, event: EngineEvent) -> None:
        try:
            output = self.engine.handle(event, self.clock())
        except Exception:  # one bad event must not stop the contact centre
            log.exception("engine failed on %r; event skipped", event)
            return
        for reason in output.rejected:  # e.g. an answer that came after the ring timed out
            log.info("engine ignored %s: %s", type(event).__name__, reason)
        facts = [fact for fact in output.facts if not self._is_recount(fact)]
        if facts:
            self._record(facts)
        for command in output.commands:
            self._execute(command)

    def _is_recount(self, fact: Fact) -> bool:
        if isinstance(fact, CallEntered) and fact.call_id in self._restored:
            self._restored.discard(fact.call_id)
            return True
        if isinstance(fact, CallbackBooked) and fact.call_id in self._restored_callbacks:
            self._restored_callbacks.discard(fact.call_id)
            return True
        return False
