"""Drives an engine in a virtual clock: what the asyncio shell does, without I/O.

Used by the tests, the benchmarks and simulations (and the what-if simulator to come).
Two timelines merge: events sent at explicit times or actions scheduled with ``at``
(arrivals, hang-ups, patience running out), and the engine's own deadlines (ring
timeouts, wrap-up ends...). Whatever comes first runs, an engine timer before an action
due at the same moment; every timer fires at exactly its deadline, and the engine is only
ever called with ``now`` in order.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable
from typing import TypeVar

from acd.core.engine.commands import Command
from acd.core.engine.engine import Engine
from acd.core.engine.events import (
    AgentLoggedIn,
    EngineEvent,
    PhoneState,
    PhoneStateChanged,
    TimerFired,
)
from acd.core.engine.facts import EngineFact
from acd.core.engine.world import Output

T = TypeVar("T")
React = Callable[["Driver", Output], None]


class Driver:
    """``react`` sees every output as it comes (and may send or schedule in turn).

    ``keep`` keeps every command, fact and rejection in ``commands``, ``facts`` and
    ``rejected``, for tests to read; a long simulation turns it off, or the history
    would grow with every call."""

    def __init__(
        self,
        engine: Engine,
        start: float = 0.0,
        *,
        react: React | None = None,
        keep: bool = True,
    ) -> None:
        self.engine = engine
        self.now = start
        self.commands: list[Command] = []
        self.facts: list[EngineFact] = []
        self.rejected: list[str] = []
        self._react, self._keep = react, keep
        # (when, order scheduled, action): the order keeps actions due together in turn.
        self._actions: list[tuple[float, int, Callable[[], object]]] = []
        self._scheduled = 0

    def at(self, when: float, action: Callable[[], object]) -> None:
        """Runs ``action`` when the clock reaches ``when`` (during ``advance``)."""
        self._scheduled += 1
        heapq.heappush(self._actions, (when, self._scheduled, action))

    def advance(self, to: float) -> None:
        """Fires every timer and runs every action due by ``to``, in time order; then the
        clock reads ``to``. With ``to`` infinite: until nothing is left to run, the clock
        then at the last of them."""
        while True:
            deadline = self.engine.next_deadline()
            action_at = self._actions[0][0] if self._actions else math.inf
            if deadline is not None and deadline <= min(action_at, to):
                self.now = max(self.now, deadline)
                self._record(self.engine.handle(TimerFired(), self.now))
            elif self._actions and action_at <= to:
                self.now = max(self.now, action_at)
                heapq.heappop(self._actions)[2]()
            else:
                break
        if math.isfinite(to):
            self.now = max(self.now, to)

    def send(self, event: EngineEvent, at: float | None = None) -> Output:
        """Handles ``event`` at ``at`` (default: now), after whatever is due before it."""
        if at is not None:
            self.advance(at)
        output = self.engine.handle(event, self.now)
        self._record(output)
        return output

    def bring_in(self, *agent_ids: str) -> None:
        """Agents log in with an idle, registered phone: ready to take calls."""
        for agent_id in agent_ids:
            self.send(PhoneStateChanged(agent_id, PhoneState.NOT_INUSE))
            self.send(AgentLoggedIn(agent_id))

    def seen(self, kind: type[T]) -> list[T]:
        """Every command or fact of this type so far, in order."""
        return [item for item in (*self.commands, *self.facts) if isinstance(item, kind)]

    def _record(self, output: Output) -> None:
        if self._keep:
            self.commands.extend(output.commands)
            self.facts.extend(output.facts)
            self.rejected.extend(output.rejected)
        if self._react is not None:
            self._react(self, output)
