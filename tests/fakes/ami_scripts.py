"""Scripted answers of the fake AMI peer (ami_peer.py) for the call-control adapters'
tests: Originate outcomes, list actions (EventList start ... Complete), channel
variables, and a client logged in to the peer. Each answer is shaped as Asterisk 22
sends it (manager.c, manager_channels.c)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from typing import Any

from acd.asterisk.ami import AmiClient
from tests.fakes.ami_peer import FakeAmiPeer, Handler, PeerConnection, ReceivedAction, make_client

Fields = Sequence[tuple[str, str]]


@asynccontextmanager
async def connected_client(peer: FakeAmiPeer, **overrides: Any) -> AsyncIterator[AmiClient]:
    """A client logged in to ``peer`` (short timings, see make_client); closed on exit."""
    client = make_client(peer, **overrides)
    await client.start()
    try:
        await client.wait_connected(timeout=5)
        yield client
    finally:
        await client.close()


async def accept(conn: PeerConnection, action: ReceivedAction) -> None:
    """ "Response: Success", as Asterisk answers Hangup, Redirect, Bridge or Setvar."""
    await conn.reply(action, "Success", ("Message", f"{action.name} done"))


def refuse(message: str) -> Handler:
    """ "Response: Error" with ``message`` (e.g. "No such channel")."""

    async def answer(conn: PeerConnection, action: ReceivedAction) -> None:
        await conn.reply(action, "Error", ("Message", message))

    return answer


def ignore(conn: PeerConnection, action: ReceivedAction) -> None:
    """No answer at all: the action stays pending until a timeout or a drop."""


def drop(conn: PeerConnection, action: ReceivedAction) -> None:
    """Asterisk goes away with the action unanswered (a FIN, as on a restart)."""
    conn.drop()


def originate_outcome(response: str = "Success", reason: str = "4", cause: str = "") -> Handler:
    """An Async Originate: queued at once, then its OriginateResponse (Reason is the
    AST_CONTROL_* code: 4 answered, 5 busy, 3 no answer, 1 hung up, 8 congestion).
    ``cause``: the leg's Hangup event comes first with that Q.850 cause, as over PJSIP,
    where a 486 or a 503 give Reason 0 and only the cause tells them apart."""

    async def answer(conn: PeerConnection, action: ReceivedAction) -> None:
        aid = ("ActionID", action.get("ActionID") or "")
        await conn.reply(action, "Success", ("Message", "Originate successfully queued"))
        if cause:
            leg = ("Uniqueid", action.get("ChannelId") or "<null>")
            await conn.event("Hangup", leg, ("Cause", cause), ("Cause-txt", "as PJSIP gives it"))
        await conn.event(
            "OriginateResponse",
            aid,
            ("Response", response),
            ("Channel", action.get("Channel") or ""),
            ("Context", action.get("Context") or ""),
            ("Reason", reason),
            ("Uniqueid", action.get("ChannelId") or "<null>"),
        )

    return answer


async def queued_then_drop(conn: PeerConnection, action: ReceivedAction) -> None:
    """An Originate queued, then Asterisk goes away before its OriginateResponse."""
    await conn.reply(action, "Success", ("Message", "Originate successfully queued"))
    conn.drop()


def list_answer(item: str, items: Sequence[Fields], complete: str) -> Handler:
    """A list action: Success + "EventList: start", one ``item`` event per entry of
    ``items`` (with the ActionID), then ``complete`` with "EventList: Complete"."""

    async def answer(conn: PeerConnection, action: ReceivedAction) -> None:
        aid = ("ActionID", action.get("ActionID") or "")
        await conn.reply(
            action, "Success", ("EventList", "start"), ("Message", f"{item} will follow")
        )
        for fields in items:
            await conn.event(item, aid, *fields)
        await conn.event(complete, aid, ("EventList", "Complete"), ("ListItems", str(len(items))))

    return answer


def channel_variables(channels: Mapping[str, Mapping[str, str]]) -> Handler:
    """Getvar: the value set on the channel ("" when unset, as Asterisk answers); a
    channel that is not there is "Response: Error"."""

    async def answer(conn: PeerConnection, action: ReceivedAction) -> None:
        channel = channels.get(action.get("Channel") or "")
        if channel is None:
            await conn.reply(action, "Error", ("Message", "No such channel"))
            return
        name = action.get("Variable") or ""
        await conn.reply(action, "Success", ("Variable", name), ("Value", channel.get(name, "")))

    return answer
