"""Closing the calls an unclean stop left open, against a fake Asterisk: the end time
Asterisk kept (a global a caller's hangup handler wrote) is used and emptied; without
it, the server's last sign of life; calls still followed are left alone."""

from __future__ import annotations

from pathlib import Path

from acd.adapters.journal import Journal
from acd.core.engine.facts import (
    CallAbandonedInQueue,
    CallAnswered,
    CallbackBooked,
    CallCompleted,
    CallEntered,
)
from acd.core.lifecycle import CallRepaired
from acd.server.downtime import close_open_calls
from tests.fakes.ami_peer import FakeAmiPeer, PeerConnection, ReceivedAction
from tests.fakes.ami_scripts import connected_client

GONE = {"ACD_GONE_AT_waited": "130.500"}  # Asterisk's real clock


async def _globals(conn: PeerConnection, action: ReceivedAction) -> None:
    name = action.get("Variable") or ""
    await conn.reply(action, "Success", ("Variable", name), ("Value", GONE.get(name, "")))


async def test_open_calls_are_closed_at_the_time_asterisk_kept(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite3"
    with Journal.open(path) as journal:
        journal.append(
            [
                CallEntered(100.0, "waited", "sales", 2, 0, ""),
                CallEntered(101.0, "talked", "sales", 3, 0, ""),
                CallAnswered(104.0, "talked", "sales", "1001", 3.0, 1.0),
                CallEntered(102.0, "still", "sales", 4, 0, ""),
                CallEntered(103.0, "booked", "sales", 5, 0, ""),
                CallbackBooked(106.0, "booked", "sales", "+3361", 103.0, 0, "", "en", ()),
            ]
        )
    async with FakeAmiPeer() as peer, connected_client(peer) as ami:
        peer.on("Getvar", _globals)
        facts = await close_open_calls(
            ami, path, {"still"}, down_since=120.0, clock=lambda: 500.0, from_wall=lambda t: t
        )
        emptied = [(a.get("Variable"), a.get("Value")) for a in peer.actions("Setvar")]

    assert facts[0] == CallAbandonedInQueue(130.5, "waited", "sales", 2, 2, 30.5)
    assert isinstance(facts[1], CallRepaired)
    assert (facts[1].at, facts[1].outcome, facts[1].ended_at) == (500.0, "abandoned", 130.5)
    assert "ended while the server was away" in facts[1].reason
    # No time kept for this one (it ended within seconds of the last beat): the last sign
    # of life, said so.
    assert facts[2] == CallCompleted(120.0, "talked", "sales", "1001", "unknown", 3.0, 16.0)
    assert isinstance(facts[3], CallRepaired)
    assert "end time unknown" in facts[3].reason
    assert len(facts) == 4  # "still" is followed again; "booked" is its callback's
    assert emptied == [("ACD_GONE_AT_waited", "")]
