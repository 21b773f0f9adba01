"""Keeping one logged-in AMI connection alive: connect, log in, apply event filters,
ping on a deadline, and on any failure back off (capped, jittered, exponential) and start
again with a fresh AmiConnection. AmiClient owns a SessionLoop and hears about each
connection going up or down through callbacks.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import random
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from acd.asterisk.ami.connection import CLOSED_BY_CLIENT, AmiConnection, Fields
from acd.asterisk.ami.correlate import Expect
from acd.asterisk.ami.errors import AmiError, AmiLoginFailed, AmiTimeout
from acd.asterisk.ami.message import Event, Response

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Credentials:
    username: str
    secret: str
    auth: Literal["md5", "plain"]
    events: str  # the Login "Events:" header: "on", "off" or a class mask
    filters: tuple[str, ...]  # each sent as "Action: Filter" after the login

    def __repr__(self) -> str:  # never print the secret
        return f"Credentials(username={self.username!r}, auth={self.auth!r})"


@dataclass(frozen=True, slots=True)
class Timings:
    """Every delay the session loop uses, in seconds."""

    action_timeout: float
    ping_interval: float
    ping_timeout: float
    connect_timeout: float
    backoff_initial: float
    backoff_max: float


class SessionLoop:
    """Connect, log in, serve until the connection dies, back off, repeat; forever."""

    def __init__(
        self,
        host: str,
        port: int,
        creds: Credentials,
        timings: Timings,
        *,
        rng: random.Random,
        max_frame: int,
        on_event: Callable[[Event], None],
        on_up: Callable[[AmiConnection], None],
        on_down: Callable[[AmiConnection, str], None],
        on_refused: Callable[[AmiLoginFailed], None],
    ) -> None:
        self.host, self.port = host, port
        self._creds, self._timings, self._rng, self._max_frame = creds, timings, rng, max_frame
        self._on_event, self._on_up, self._on_down = on_event, on_up, on_down
        self._on_refused = on_refused
        self._sessions = 0
        self._id_prefix = secrets.token_hex(4)  # ActionIDs unique across clients
        self.last_error: BaseException | None = None

    async def run_forever(self) -> None:
        failures = 0
        t = self._timings
        while True:
            try:
                logged_in = await self._session()
            except AmiLoginFailed as exc:
                logger.error("AMI %s:%d login refused: %s", self.host, self.port, exc)
                self.last_error, logged_in = exc, False
                self._on_refused(exc)
            except (OSError, AmiError) as exc:  # refused, reset, timed out, dropped
                logger.warning("AMI %s:%d: %r", self.host, self.port, exc)
                self.last_error, logged_in = exc, False
            except Exception as exc:  # a bug: log it, but never let the task die
                logger.exception("AMI %s:%d: unexpected error", self.host, self.port)
                self.last_error, logged_in = exc, False
            failures = 0 if logged_in else failures + 1
            await asyncio.sleep(
                backoff_delay(failures, t.backoff_initial, t.backoff_max, self._rng)
            )

    async def _session(self) -> bool:
        """One connection from connect to close; True if it got logged in."""
        t = self._timings
        async with asyncio.timeout(t.connect_timeout):  # TimeoutError is an OSError
            reader, writer = await asyncio.open_connection(self.host, self.port)
        self._sessions += 1
        conn = AmiConnection(
            reader,
            writer,
            on_event=self._on_event,
            id_prefix=f"{self._id_prefix}-{self._sessions}-",
            max_frame=self._max_frame,
        )
        reader_task = asyncio.create_task(conn.run())
        pinger: asyncio.Task[None] | None = None
        logged_in = False
        try:
            await login(conn, self._creds, t.action_timeout)
            logged_in = True
            self.last_error = None
            self._on_up(conn)
            pinger = asyncio.create_task(ping_until_silent(conn, t.ping_interval, t.ping_timeout))
            await asyncio.wait({reader_task, pinger}, return_when=asyncio.FIRST_COMPLETED)
            return True
        finally:
            if pinger is not None:
                pinger.cancel()
            conn.abort("session ended")
            await _outcome(reader_task)
            reason = conn.close_reason or "?"
            if logged_in:
                level = logging.INFO if reason == CLOSED_BY_CLIENT else logging.WARNING
                logger.log(level, "AMI %s:%d connection ended: %s", self.host, self.port, reason)
                self._on_down(conn, reason)


async def _outcome(task: asyncio.Task[None]) -> None:
    """Wait for the reader task to end and log it if it failed (nobody else would).
    asyncio.wait, unlike `await task`, lets a cancellation of *our* task propagate
    instead of swallowing it as the reader's own cancellation."""
    await asyncio.wait({task})
    if not task.cancelled() and task.exception() is not None:
        logger.error("AMI reader failed", exc_info=task.exception())


async def login(conn: AmiConnection, creds: Credentials, action_timeout: float) -> None:
    """Log in and apply the event filters; AmiLoginFailed if Asterisk refuses a step.

    MD5: "Action: Challenge / AuthType: MD5" returns a challenge; the key is
    md5(challenge + secret) in hex, so the secret never crosses the wire.
    """
    # With filters, log in with events off and turn them on once the filters are in
    # place: otherwise the first events (FullyBooted, SuccessfulAuth...) slip through.
    filtered = bool(creds.filters)
    events = "off" if filtered else creds.events
    fields: dict[str, str] = {"Username": creds.username, "Events": events}
    if creds.auth == "md5":
        answer = await _step(conn, "Challenge", {"AuthType": "MD5"}, action_timeout)
        challenge = answer.get("Challenge") or ""
        key = hashlib.md5((challenge + creds.secret).encode(), usedforsecurity=False)
        fields.update(AuthType="MD5", Key=key.hexdigest())
    else:
        fields["Secret"] = creds.secret
    await _step(conn, "Login", fields, action_timeout)
    for event_filter in creds.filters:
        # Refusal is fatal: a silently unfiltered event stream is the kind of surprise
        # that only shows up under load.
        await _step(conn, "Filter", {"Operation": "Add", "Filter": event_filter}, action_timeout)
    if filtered and creds.events != "off":
        await _step(conn, "Events", {"EventMask": creds.events}, action_timeout)


async def _step(conn: AmiConnection, name: str, fields: Fields, deadline: float) -> Response:
    done = await conn.request(name, fields, Expect.RESPONSE, deadline)
    response = done.response
    if response is None or not response.ok:
        why = response.message if response is not None else None
        raise AmiLoginFailed(f"{name} refused: {why or 'no reason given'}", response)
    return response


async def ping_until_silent(conn: AmiConnection, interval: float, deadline: float) -> None:
    """Ping every `interval`; a Ping unanswered within `deadline` means a half-open socket
    (the peer vanished without a FIN, or hangs): drop the connection and return. A
    half-open peer is thus noticed within interval + deadline."""
    while True:
        await asyncio.sleep(interval)
        try:
            await conn.request("Ping", (), Expect.RESPONSE, deadline)
        except AmiTimeout:
            logger.warning("AMI Ping unanswered within %s s: dropping the connection", deadline)
            conn.abort(f"no answer to Ping within {deadline} s")
            return
        except AmiError:
            return  # the connection ended under us; the reader says why


def backoff_delay(failures: int, initial: float, maximum: float, rng: random.Random) -> float:
    """Capped exponential backoff with "equal jitter" (half fixed, half random), so that
    clients restarted together do not all reconnect in the same instant."""
    ceiling = min(maximum, initial * 2.0 ** min(failures, 30))
    return ceiling / 2 + rng.uniform(0, ceiling / 2)
