"""After a restart, agents are as they were: logged in, paused (with their reason), or
logged out, from their last state in the journal; booked callbacks are back at their
place (the journal is their memory) once Asterisk has been read: one whose customer
answered before the restart is a caller on the line, and one whose customer's phone
still rings waits for that dial's outcome, never dialled twice. Phones' states and the
callers still on the line come from Asterisk (callcontrol/recovery.py).

Words used across the code: "restore" is rebuilding from the journal (here and in
journal/restore.py); "recover" is rebuilding from what Asterisk reports (recovery.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from acd.adapters.journal import Journal
from acd.core.engine.events import AgentLoggedIn, AgentPaused, CallArrived, CallbackRequested
from acd.core.engine.facts import AgentStateChanged
from acd.server.runner import EngineRunner


def restore_agents(journal_path: Path, runner: EngineRunner, now: float) -> int:
    """Feeds the engine each agent's last known login state; returns how many were in.

    Reads on a connection of its own: the journal's writer thread owns the other."""
    with Journal.open(journal_path) as journal:
        rows = journal.agent_states_before(now)
    restored = 0
    for row in rows:
        fact = row.fact
        if not isinstance(fact, AgentStateChanged) or fact.state == "logged_out":
            continue
        runner.feed(AgentLoggedIn(fact.agent_id))
        if fact.state == "paused":
            runner.feed(AgentPaused(fact.agent_id, fact.reason))
        restored += 1
    return restored


def restore_callbacks(
    journal_path: Path, runner: EngineRunner, wanted: Callable[[str], bool]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Feeds the engine every booked callback with no outcome yet that is ``wanted`` (by
    call id), with its original entry time and the dials already made. Returns the call
    ids restored, and those left out."""
    with Journal.open(journal_path) as journal:
        every = journal.pending_callbacks()
    pending = [p for p in every if wanted(p.booked.call_id)]
    for booked, attempts in pending:
        arrived = CallArrived(
            call_id=booked.call_id,
            queue=booked.queue,
            entered_at=booked.entered_at,
            priority=booked.priority,
            skills=booked.skills,
            caller=booked.caller,
            language=booked.language,
            callback_offered=True,  # booked: no offer again before the booking is back
        )
        runner.feed_restored(
            arrived, callback=CallbackRequested(booked.call_id, booked.number, attempts)
        )
    restored = tuple(booked.call_id for booked, _ in pending)
    return restored, tuple(p.booked.call_id for p in every if p.booked.call_id not in restored)
