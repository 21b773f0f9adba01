"""Drives an engine in a virtual clock: what the asyncio shell does, without I/O.

Used by the tests, the benchmarks and simulations (and the what-if simulator to come):
events are sent at explicit times, and every timer the engine asks for in between fires
at exactly its deadline.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from acd.core.engine.commands import Command
from acd.core.engine.engine import Engine
from acd.core.engine.events import AgentLoggedIn, Event, PhoneState, PhoneStateChanged, TimerFired
from acd.core.engine.facts import EngineFact
from acd.core.engine.world import Output

T = TypeVar("T")


class Driver:
    def __init__(self, engine: Engine, start: float = 0.0) -> None:
        self.engine = engine
        self.now = start
        self.commands: list[Command] = []
        self.facts: list[EngineFact] = []
        self.rejected: list[str] = []
        self.on_output: Callable[[Output], None] | None = None

    def advance(self, to: float) -> None:
        """Fires, in order, every timer due by ``to``; then the clock reads ``to``."""
        while (deadline := self.engine.next_deadline()) is not None and deadline <= to:
            self.now = max(self.now, deadline)
            self._record(self.engine.handle(TimerFired(), self.now))
        self.now = max(self.now, to)

    def send(self, event: Event, at: float | None = None) -> Output:
        """Handles ``event`` at ``at`` (default: now), after the timers due before it."""
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
        self.commands.extend(output.commands)
        self.facts.extend(output.facts)
        self.rejected.extend(output.rejected)
        if self.on_output is not None:
            self.on_output(output)
