"""Which calls the journal says are still waiting: the server's memory after a restart.

A call is waiting if it entered a queue (ENTERQUEUE) and no later fact of that call ends
its wait: answered (CONNECT, then COMPLETE or TRANSFER), abandoned, taken out (EXIT) or
refused. The adapter cross-checks the list with the channels Asterisk still has: a
caller who hung up while the server was down is in this list but not in Asterisk.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from dataclasses import dataclass
from typing import NamedTuple

from acd.adapters.journal.codec import decode
from acd.adapters.journal.errors import CorruptFactError
from acd.core.engine.facts import CallbackBooked

log = logging.getLogger(__name__)

ENDS_WAIT = ("CONNECT", "COMPLETE", "TRANSFER", "ABANDON", "EXIT", "REFUSED")
# An overflow ends the wait in that queue, unless it is a callback offer (the caller
# keeps their place while they answer it). A row whose data is not JSON (damaged) is read
# as saying nothing: json_extract on it would fail the whole query, and the start.
_ENDED = f"""
    SELECT 1 FROM facts AS t
    WHERE t.call_id = e.call_id AND t.id > e.id AND (t.kind IN {ENDS_WAIT!r}
      OR (t.kind = 'OVERFLOW'
          AND CASE WHEN json_valid(t.data) THEN json_extract(t.data, '$.to') END != 'callback'))
"""
_OPEN_ENTRIES = f"""
SELECT e.call_id, e.queue, e.at, e.data FROM facts AS e
WHERE e.kind = 'ENTERQUEUE' AND e.at >= ? AND NOT EXISTS ({_ENDED})
ORDER BY e.id
"""  # built from constants only; the one value is a bound parameter
_OPEN_CALLBACKS = f"""
SELECT e.id, e.at, e.call_id, e.queue, e.data,
  (SELECT COUNT(*) FROM facts AS f WHERE f.call_id = e.call_id AND f.kind = 'CALLBACKFAIL')
FROM facts AS e
WHERE e.kind = 'CALLBACK'
  AND CASE WHEN json_valid(e.data) THEN json_extract(e.data, '$.merged_into') END = ''
  AND NOT EXISTS ({_ENDED})
ORDER BY e.id
"""


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
        try:
            fields = json.loads(data)
            waiting[call_id] = WaitingCall(
                call_id=call_id,
                queue=queue,
                entered_at=at,
                priority=int(fields.get("priority", 0)),
                caller=str(fields.get("caller", "")),
                position=int(fields.get("position", 0)),
            )
        except (ValueError, TypeError, AttributeError) as exc:
            # One damaged row must not keep the server from starting: that caller is
            # found again on Asterisk's side (recovery) if still there.
            log.error("journal: entry of call %s unreadable, skipped: %s", call_id, exc)
    return sorted(waiting.values(), key=lambda call: (call.entered_at, call.call_id))


@dataclass(frozen=True)
class ConnectedCall:
    """A call answered (CONNECT) with no end yet (COMPLETE or TRANSFER)."""

    call_id: str
    queue: str
    agent_id: str
    answered_at: float
    wait_s: float


_OPEN_CONNECTS = """
SELECT c.call_id, c.queue, c.agent_id, c.at, c.data FROM facts AS c
WHERE c.kind = 'CONNECT' AND NOT EXISTS (
    SELECT 1 FROM facts AS t
    WHERE t.call_id = c.call_id AND t.id > c.id AND t.kind IN ('COMPLETE', 'TRANSFER'))
ORDER BY c.id
"""


def connected_calls(db: sqlite3.Connection) -> list[ConnectedCall]:
    found = []
    for call_id, queue, agent_id, at, data in db.execute(_OPEN_CONNECTS):
        try:
            wait_s = float(json.loads(data).get("wait_s", 0.0))
        except (ValueError, TypeError, AttributeError) as exc:
            log.error("journal: answer of call %s unreadable, skipped: %s", call_id, exc)
            continue
        found.append(ConnectedCall(call_id, queue or "", agent_id or "", at, wait_s))
    return found


class PendingCallback(NamedTuple):
    """A booked callback not yet connected, failed or merged: to be served after a restart."""

    booked: CallbackBooked  # as journaled: number, queue, entry time, priority, skills...
    attempts: int  # dials already made


def pending_callbacks(db: sqlite3.Connection) -> list[PendingCallback]:
    pending: dict[str, PendingCallback] = {}
    for row_id, at, call_id, queue, data, attempts in db.execute(_OPEN_CALLBACKS):
        try:
            columns = {"at": at, "call_id": call_id, "queue": queue}
            fact = decode(row_id, "CALLBACK", columns, data)
        except CorruptFactError as exc:
            log.error("journal: a booked callback is unreadable, not restored: %s", exc)
            continue
        if isinstance(fact, CallbackBooked):
            pending[call_id] = PendingCallback(fact, int(attempts))
    return sorted(pending.values(), key=lambda c: (c.booked.entered_at, c.booked.call_id))
