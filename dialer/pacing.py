"""How many calls a campaign places now (pure): progressive and automated-message modes.

Progressive: one call per free agent of the campaign's queue. An agent is free when
ready and not wanted by a caller already waiting in the queue (inbound first, and the
campaign's own people waiting there), and a call placed that has not reached the queue
yet counts against the free agents: so
a person who answers always has an agent waiting for them, and nobody is abandoned
unless an agent leaves meanwhile. Automated message calls need no agent: as many as the
trunk's lines allow. Both are capped by the campaign's lines and its calls per second.
(Predictive pacing, which dials ahead of free agents, plugs in here with the next issue.)
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Room:
    """What the campaign may use right now."""

    free_agents: int  # ready agents of its queue, less the callers waiting there
    in_flight: int  # calls placed that have not reached the queue yet
    lines_in_use: int  # the campaign's calls up on the trunk, connected ones included
    max_lines: int


def progressive(room: Room) -> int:
    """Calls to place now: free agents not yet matched by a call in flight."""
    return _capped(room.free_agents - room.in_flight, room)


def agentless(room: Room) -> int:
    """Calls to place now: every free line."""
    return _capped(room.max_lines, room)


def _capped(wanted: int, room: Room) -> int:
    return max(0, min(wanted, room.max_lines - room.lines_in_use))


@dataclass
class CallRate:
    """At most ``per_s`` dials per second, spread evenly (a carrier counts call attempts
    per second; a burst of 10 in one instant breaks a limit of 10 per second)."""

    per_s: float
    _next_at: float = -math.inf

    def wait_s(self, now: float) -> float:
        """Seconds until the next dial may go (0: now)."""
        return max(0.0, self._next_at - now)

    def take(self, now: float) -> None:
        self._next_at = max(now, self._next_at) + 1.0 / self.per_s
