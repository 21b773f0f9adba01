"""Which calls the journal says are still waiting: the server's memory after a restart.

A call is waiting if it entered a queue (ENTERQUEUE) and no later fact of that call ends
its wait: answered (CONNECT, then COMPLETE or TRANSFER), abandoned, taken out (EXIT) or
refused. The adapter cross-checks the list with the channels Asterisk still has: a
caller who hung up while the server was down is in this list but not in Asterisk.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass

ENDS_WAIT = ("CONNECT", "COMPLETE", "TRANSFER", "ABANDON", "EXIT", "REFUSED")

_OPEN_ENTRIES = f"""
SELECT e.call_id, e.queue, e.at, e.data FROM facts AS e
WHERE e.kind = 'ENTERQUEUE' AND e.at >= ?
  AND NOT EXISTS (
    SELECT 1 FROM facts AS t
    WHERE t.call_id = e.call_id AND t.id > e.id AND t.kind IN {ENDS_WAIT!r}
  )
ORDER BY e.id
"""  # built from constants only; the one value is a bound parameter


@dataclass(frozen=True)
class WaitingCall:
    call_id: str
    queue: str
    entered_at: float  # the first entry: the caller's place in the queue
    priority: int
    caller: str
    position: int  # position on entry (queue_log's origposition)


def waiting_calls(db: sqlite3.Connection, since: float) -> list[WaitingCall]:
    """Open entries, one per call. Two entries of one call in one queue (a restart that
    journaled the entry again) keep the first time; an entry in another queue replaces
    the earlier one (the call moved)."""
    waiting: dict[str, WaitingCall] = {}
    for call_id, queue, at, data in db.execute(_OPEN_ENTRIES, (since,)):
        known = waiting.get(call_id)
        if known is not None and known.queue == queue:
            continue
        fields = json.loads(data)
        waiting[call_id] = WaitingCall(
            call_id, queue, at, int(fields.get("priority", 0)), str(fields.get("caller", "")),
            int(fields.get("position", 0)),
        )  # fmt: skip
    return sorted(waiting.values(), key=lambda call: (call.entered_at, call.call_id))
