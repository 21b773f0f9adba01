"""AmiClient: a thin asyncio shell around the AMI codec.

It logs in (MD5 challenge or plain), applies event filters, pings on a deadline, and
reconnects with capped, jittered exponential backoff. What it promises:

* Nothing awaits forever: every action has a timeout; when a connection ends, every
  pending action fails at once with AmiDisconnected.
* Nothing is re-sent. An action issued while not logged in fails fast with
  AmiNotConnected; an action pending across a disconnect (an Originate, say) is failed,
  never replayed on the next connection.
* Subscribers cannot hurt the connection: their exceptions are logged and isolated, and
  async ones run on their own bounded queues (see dispatch.py).
* After a *re*connect the client emits RESYNCED: events were missed, so upper layers
  must rebuild their view from Asterisk (CoreShowChannels, ...).
"""

from __future__ import annotations

import asyncio
import enum
import logging
import random
from collections.abc import Callable, Sequence
from typing import Literal

from acd.asterisk.ami.actions import AmiActions
from acd.asterisk.ami.codec import DEFAULT_MAX_FRAME
from acd.asterisk.ami.connection import AmiConnection, Fields
from acd.asterisk.ami.correlate import Done, Expect
from acd.asterisk.ami.dispatch import Callback, Subscribers
from acd.asterisk.ami.errors import (
    AmiError,
    AmiLoginFailed,
    AmiNotConnected,
    AmiTimeout,
)
from acd.asterisk.ami.message import Event
from acd.asterisk.ami.session import Credentials, SessionLoop, Timings

logger = logging.getLogger(__name__)


class AmiState(enum.Enum):
    """Connection-state notifications, in the order they can happen."""

    CONNECTED = "connected"  # logged in (and event filters applied)
    RESYNCED = "resynced"  # right after CONNECTED on a *re*connect: rebuild state
    DISCONNECTED = "disconnected"  # a logged-in session ended
    LOGIN_FAILED = "login_failed"  # Asterisk refused the login or a filter; will retry
    CLOSED = "closed"  # close() finished; no more notifications


class AmiClient(AmiActions):
    """An AMI client that keeps itself connected. Build it, `await start()`, then use it.

    The action methods (action, list_action, originate) come from AmiActions."""

    def __init__(
        self,
        host: str,
        port: int,
        username: str,
        secret: str,
        *,
        auth: Literal["md5", "plain"] = "md5",
        events: Literal["on", "off"] | str = "on",
        event_filters: Sequence[str] = (),
        action_timeout: float = 5.0,
        ping_interval: float = 5.0,
        ping_timeout: float = 3.0,
        connect_timeout: float = 5.0,
        backoff_initial: float = 0.5,
        backoff_max: float = 10.0,
        rng: random.Random | None = None,
        max_frame: int = DEFAULT_MAX_FRAME,
        max_queued_events: int = 10_000,
    ) -> None:
        self.host, self.port = host, port
        self.action_timeout = action_timeout
        self._subscribers = Subscribers[Event](max_queued_events, name_of=_event_name)
        self._state_subscribers = Subscribers[AmiState](max_queued_events)
        self._sessions = SessionLoop(
            host,
            port,
            Credentials(
                username=username,
                secret=secret,
                auth=auth,
                events=events,
                filters=tuple(event_filters),
            ),
            Timings(
                action_timeout=action_timeout,
                ping_interval=ping_interval,
                ping_timeout=ping_timeout,
                connect_timeout=connect_timeout,
                backoff_initial=backoff_initial,
                backoff_max=backoff_max,
            ),
            rng=rng or random.Random(),
            max_frame=max_frame,
            on_event=self._subscribers.publish,
            on_up=self._connection_up,
            on_down=self._connection_down,
            on_refused=self._login_refused,
        )
        self._conn: AmiConnection | None = None  # set only while logged in
        self._task: asyncio.Task[None] | None = None
        self._closed = False
        self._ever_connected = False
        self._connect_waiters: set[asyncio.Future[None]] = set()

    # -- lifecycle -------------------------------------------------------------------

    async def start(self) -> None:
        """Start connecting in the background; returns at once."""
        if self._closed:
            raise AmiNotConnected("the client is closed")
        if self._task is None:
            name = f"ami {self.host}:{self.port}"
            self._task = asyncio.create_task(self._sessions.run_forever(), name=name)

    async def wait_connected(self, timeout: float | None = None) -> None:  # noqa: ASYNC109
        """Until logged in. AmiLoginFailed if the next login attempt is refused,
        AmiTimeout (a TimeoutError) if none succeeds in time."""
        if self._conn is not None:
            return
        if self._closed or self._task is None:
            raise AmiNotConnected("the client is closed or was never started")
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._connect_waiters.add(waiter)
        try:
            async with asyncio.timeout(timeout):
                await waiter
        except TimeoutError:
            raise AmiTimeout(
                f"not logged in to AMI {self.host}:{self.port} within {timeout} s"
                f" (last error: {self.last_error!r})"
            ) from None
        finally:
            self._connect_waiters.discard(waiter)

    @property
    def connected(self) -> bool:
        return self._conn is not None

    @property
    def asterisk_version(self) -> str | None:
        """The AMI version from the banner of the current connection."""
        return self._conn.version if self._conn is not None else None

    @property
    def last_error(self) -> BaseException | None:
        """Why the last connection attempt failed (None once logged in)."""
        return self._sessions.last_error

    async def close(self) -> None:
        """Log off, fail whatever is pending (AmiDisconnected), stop reconnecting."""
        if self._closed:
            return
        self._closed = True
        if self._conn is not None:
            self._conn.close()
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        self._wake_connect_waiters(AmiNotConnected("the client was closed"))
        self._notify(AmiState.CLOSED)
        await self._subscribers.close()
        await self._state_subscribers.close()

    # -- subscriptions -----------------------------------------------------------------

    def subscribe(
        self, callback: Callback[Event], event_name: str | None = None
    ) -> Callable[[], None]:
        """Call `callback(event)` for every event (or those named `event_name`, any case),
        in arrival order. Returns a function that unsubscribes."""
        return self._subscribers.add(callback, event_name)

    def on_state(self, callback: Callback[AmiState]) -> Callable[[], None]:
        """Call `callback(state)` on each AmiState change. Returns an unsubscriber."""
        return self._state_subscribers.add(callback)

    def _notify(self, state: AmiState) -> None:
        logger.info("AMI %s:%d %s", self.host, self.port, state.value)
        self._state_subscribers.publish(state)

    # -- what the session loop tells us ---------------------------------------------------

    def _connection_up(self, conn: AmiConnection) -> None:
        self._conn = conn
        self._wake_connect_waiters(None)
        self._notify(AmiState.CONNECTED)
        if self._ever_connected:
            self._notify(AmiState.RESYNCED)
        self._ever_connected = True

    def _connection_down(self, conn: AmiConnection, reason: str) -> None:
        if self._conn is conn:
            self._conn = None
            self._notify(AmiState.DISCONNECTED)

    def _login_refused(self, exc: AmiLoginFailed) -> None:
        self._wake_connect_waiters(exc)
        self._notify(AmiState.LOGIN_FAILED)

    def _wake_connect_waiters(self, error: AmiError | None) -> None:
        for waiter in self._connect_waiters:
            if not waiter.done():
                if error is None:
                    waiter.set_result(None)
                else:
                    waiter.set_exception(error)

    async def _request(
        self, name: str, fields: Fields, expect: Expect, deadline: float | None
    ) -> Done:
        conn = self._conn
        if conn is None:
            raise AmiNotConnected(f"{name}: not connected to AMI {self.host}:{self.port}")
        deadline = self.action_timeout if deadline is None else deadline
        return await conn.request(name, fields, expect, deadline)


def _event_name(event: Event) -> str:
    return event.name
