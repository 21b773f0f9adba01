"""`GET /api/events`: one stream (server-sent events) of what happens - every fact the
engine records (a caller enters, is offered, answered, abandons; an agent changes
state; a callback is booked...) - resumable after a reconnect without losing or
repeating an event.

Each event's id is ``<run>-<n>``: ``run`` names this run of the server, ``n`` counts its
events from 1. A client that reconnects sends the last id it saw (`Last-Event-ID`, as
browsers' EventSource do by themselves, or ``?after=``) and gets every later event, in
order, from the hub's memory (the last KEEP events). When that is not possible - the
server restarted since, or the client was away so long that the events it missed are
no longer kept - it gets one ``reset`` event instead: reload the state (/api/status),
then follow on. So a client never misses an event silently and never sees one twice.

Publishing costs an append: events are turned into JSON once, when a client first needs
them, and shared by every client; so are the bytes of a run of events, which clients at
the same place in the stream (most of them) send as one write every BATCH_S. A stream
that says nothing for KEEPALIVE_S gets a comment line: proxies do not close it.

A tenant's user gets the events that concern their tenant only (tenancy.py); their
stream keeps the same ids, so it resumes the same way.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import secrets
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from aiohttp import web

KEEP = 20_000  # events kept for clients that reconnect (about a minute at 40 calls/s)
KEEPALIVE_S = 15.0
# After an event the hub waits this long for those that follow it, then wakes every
# stream once to send them in one write: under load, one wake-up and one write a client
# every BATCH_S instead of one an event (the fan-out's cost is per wake-up and write),
# for a delay well under a wallboard's 1 s.
BATCH_S = 0.1
RETRY_MS = 1000  # how soon a browser's EventSource reconnects


@dataclass
class _Event:
    seq: int
    kind: str
    payload: object  # turned into JSON by the hub's encoder, once
    tenants: frozenset[str] = frozenset()  # the tenants it concerns
    encoded: bytes | None = field(default=None)


class EventHub:
    """The events of this run of the server, for every stream."""

    def __init__(
        self,
        encode: Callable[[object], object],
        keep: int = KEEP,
        tenants_of: Callable[[object], frozenset[str]] | None = None,
    ) -> None:
        self.run = secrets.token_hex(4)
        self._encode = encode  # payload -> plain JSON value
        self._tenants_of = tenants_of
        self._events: deque[_Event] = deque(maxlen=keep)
        self._seq = 0
        self._tick = asyncio.Event()  # set (then replaced) to wake every stream at once
        self._flush_due: asyncio.TimerHandle | None = None
        self._keepalive: asyncio.TimerHandle | None = None
        self.closed = False
        self._joined: tuple[int, int, bytes] = (0, 0, b"")  # the last run of events sent

    @property
    def last_id(self) -> str:
        return f"{self.run}-{self._seq}"

    def publish(self, kind: str, payload: object) -> None:
        self._seq += 1
        tenants = self._tenants_of(payload) if self._tenants_of is not None else frozenset()
        self._events.append(_Event(self._seq, kind, payload, tenants))
        if self._flush_due is None and not self.closed:
            loop = asyncio.get_running_loop()
            self._flush_due = loop.call_later(BATCH_S, self._wake_streams)

    def publish_all(self, items: Iterable[tuple[str, object]]) -> None:
        for kind, payload in items:
            self.publish(kind, payload)

    def after(self, last_id: str | None, tenant: str = "") -> tuple[bytes, int] | None:
        """The events after ``last_id`` (None: from now on) as SSE bytes, and the last
        one's number; None when they cannot all be given (another run, or forgotten).
        With ``tenant``, only the events that concern it."""
        if last_id is None or last_id == "":
            return b"", self._seq
        run, _, number = last_id.rpartition("-")
        if run != self.run or not number.isdigit() or int(number) > self._seq:
            return None
        return self._since(int(number), tenant)

    def _since(self, seq: int, tenant: str) -> tuple[bytes, int] | None:
        if seq == self._seq:
            return b"", seq
        oldest = self._events[0].seq if self._events else self._seq + 1
        if seq + 1 < oldest:
            return None  # the client missed events no longer kept
        if tenant:  # few streams: each joins its own
            missed = itertools.islice(self._events, seq + 1 - oldest, None)
            mine = b"".join(self._bytes(e) for e in missed if tenant in e.tenants)
            return mine, self._seq
        first, last, joined = self._joined
        if (first, last) != (seq, self._seq):
            missed = itertools.islice(self._events, seq + 1 - oldest, None)  # one pass
            joined = b"".join(self._bytes(event) for event in missed)
            self._joined = (seq, self._seq, joined)
        return joined, self._seq

    async def tick(self) -> None:
        """Returns at the next wake-up of the streams: events to send (BATCH_S after the
        first of them), KEEPALIVE_S of silence, or the end."""
        if self._keepalive is None and not self.closed:
            self._keepalive = asyncio.get_running_loop().call_later(KEEPALIVE_S, self._idle)
        await self._tick.wait()

    def _wake_streams(self) -> None:
        self._flush_due = None
        self._tick, woken = asyncio.Event(), self._tick
        woken.set()

    def _idle(self) -> None:
        """Every KEEPALIVE_S: wake the streams (those with nothing new send a comment)."""
        self._keepalive = asyncio.get_running_loop().call_later(KEEPALIVE_S, self._idle)
        self._wake_streams()

    def close(self) -> None:
        """The server stops: every stream ends now (a client reconnects to the next run)."""
        self.closed = True
        for handle in (self._flush_due, self._keepalive):
            if handle is not None:
                handle.cancel()
        self._wake_streams()

    def _bytes(self, event: _Event) -> bytes:
        if event.encoded is None:
            data = json.dumps(self._encode(event.payload), separators=(",", ":"))
            event.encoded = (
                f"id: {self.run}-{event.seq}\nevent: {event.kind}\ndata: {data}\n\n".encode()
            )
        return event.encoded

    def reset_event(self) -> bytes:
        data = json.dumps({"last_id": self.last_id, "reload": "/api/status"})
        return f"id: {self.last_id}\nevent: reset\ndata: {data}\n\n".encode()


async def stream(request: web.Request, hub: EventHub, tenant: str = "") -> web.StreamResponse:
    """The SSE response: what the client missed (or a reset), then events as they come,
    until the client goes or the server stops."""
    last_id = request.headers.get("Last-Event-ID") or request.query.get("after")
    response = web.StreamResponse(
        headers={
            "Content-Type": "text/event-stream",
            "Cache-Control": "no-cache",
            "X-Accel-Buffering": "no",  # nginx: pass events on at once
        }
    )
    await response.prepare(request)
    with contextlib.suppress(ConnectionResetError):  # the client went away: nothing to do
        await _follow(response, hub, last_id, tenant)
    return response


async def _follow(
    response: web.StreamResponse, hub: EventHub, last_id: str | None, tenant: str
) -> None:
    await response.write(f"retry: {RETRY_MS}\n\n".encode())
    missed = hub.after(last_id, tenant)
    if missed is None:
        await response.write(hub.reset_event())
        missed = hub.after(hub.last_id, tenant)
        assert missed is not None
    chunk, seq = missed
    loop = asyncio.get_running_loop()
    written_at = loop.time()
    while not hub.closed:
        if chunk:
            await response.write(chunk)
            written_at = loop.time()
        await hub.tick()
        following = hub.after(f"{hub.run}-{seq}", tenant)
        if following is None:  # this client fell behind by more than KEEP events
            await response.write(hub.reset_event())
            following = hub.after(hub.last_id, tenant)
            assert following is not None
        elif not hub.closed and (
            following[1] == seq  # nothing new: a keep-alive tick
            # a tenant's stream while only other tenants' events come
            or (not following[0] and loop.time() - written_at >= KEEPALIVE_S)
        ):
            await response.write(b": keep-alive\n\n")
            written_at = loop.time()
        chunk, seq = following
