"""Matching what Asterisk sends back to the actions we sent, by ActionID. Pure: no I/O.

Three shapes of answer (see design.md §3):

* RESPONSE: one "Response:" message.
* LIST: "Response: Success" + "EventList: start", then events carrying the same ActionID,
  then a final event with "EventList: Complete" (usually named "...Complete"). Older
  actions say "Message: ... will follow" instead of "EventList: start".
* ORIGINATE: with "Async: true", "Response: Success" (queued) first, and later an
  "OriginateResponse" *event* with the same ActionID saying whether the call was placed.

An event is either the answer to an action (a list item, an OriginateResponse being
waited for) or something to dispatch to subscribers; never both.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from acd.asterisk.ami.message import Event, Response


class Expect(enum.Enum):
    RESPONSE = "response"
    LIST = "list"
    ORIGINATE = "originate"


@dataclass(frozen=True, slots=True)
class Done:
    """A finished action: its response, the list items, and the event that ended it.

    `response` is None only for an ORIGINATE whose OriginateResponse overtook the
    "queued" response (never seen, but the order is not promised).
    """

    action_id: str
    response: Response | None
    events: tuple[Event, ...] = ()
    final: Event | None = None


class Claimed(enum.Enum):
    """The message belongs to a pending action that is not finished yet."""

    CLAIMED = "claimed"


CLAIMED = Claimed.CLAIMED


@dataclass(slots=True)
class _Pending:
    expect: Expect
    response: Response | None = None
    events: list[Event] = field(default_factory=list)


class Correlator:
    """Pending actions by ActionID. The client registers each action before sending it
    and forgets it when it completes, times out or the connection drops."""

    def __init__(self) -> None:
        self._pending: dict[str, _Pending] = {}
        # How many pending actions wait for events (read-only outside). While it is zero,
        # the common case, the reader hands events straight to subscribers.
        self.event_waiters = 0

    def __len__(self) -> int:
        return len(self._pending)

    def __contains__(self, action_id: object) -> bool:
        return action_id in self._pending

    def expect(self, action_id: str, expect: Expect) -> None:
        if action_id in self._pending:
            raise ValueError(f"ActionID {action_id!r} is already pending")
        self._pending[action_id] = _Pending(expect)
        if expect is not Expect.RESPONSE:
            self.event_waiters += 1

    def forget(self, action_id: str) -> None:
        pending = self._pending.pop(action_id, None)
        if pending is not None and pending.expect is not Expect.RESPONSE:
            self.event_waiters -= 1

    def clear(self) -> list[str]:
        """Forget everything (the connection dropped); returns the ActionIDs dropped."""
        dropped = list(self._pending)
        self._pending.clear()
        self.event_waiters = 0
        return dropped

    def receive(self, message: Response | Event) -> Done | Claimed | None:
        """Done: an action finished. CLAIMED: part of one. None: not ours (dispatch an
        event; a response is stray, e.g. after its action timed out)."""
        if isinstance(message, Event):
            return self._event(message) if self.event_waiters else None
        return self._response(message)

    def _response(self, response: Response) -> Done | Claimed | None:
        action_id = response.action_id
        pending = self._pending.get(action_id) if action_id is not None else None
        if pending is None or pending.response is not None:
            return None
        assert action_id is not None
        pending.response = response
        if not response.ok or pending.expect is Expect.RESPONSE:
            return self._finish(action_id)
        if pending.expect is Expect.LIST and not response.is_list_start:
            return self._finish(action_id)  # Success with nothing to list
        if pending.expect is Expect.ORIGINATE and pending.events:
            return self._finish(action_id, final=pending.events.pop())
        return CLAIMED

    def _event(self, event: Event) -> Done | Claimed | None:
        # Exact spelling: Asterisk writes ActionID so on the events that answer an action,
        # and most events answer none (a lookup without case would index each of them).
        action_id = event.exact("ActionID")
        pending = self._pending.get(action_id) if action_id is not None else None
        if pending is None or pending.expect is Expect.RESPONSE:
            return None
        assert action_id is not None
        if pending.expect is Expect.ORIGINATE:
            if event.name != "OriginateResponse":
                return None
            if pending.response is None:
                pending.events.append(event)  # overtook the "queued" response
                return CLAIMED
            return self._finish(action_id, final=event)
        if _ends_list(event):
            return self._finish(action_id, final=event)
        pending.events.append(event)
        return CLAIMED

    def _finish(self, action_id: str, final: Event | None = None) -> Done:
        pending = self._pending[action_id]
        self.forget(action_id)
        return Done(action_id, pending.response, tuple(pending.events), final)


def _ends_list(event: Event) -> bool:
    marker = event.get("EventList")
    if marker is not None:
        return marker.lower() == "complete"
    return event.name.endswith("Complete")


@dataclass(frozen=True, slots=True)
class ListResult:
    """A list action's answer: the response, the items in order, and the closing
    "...Complete" event (it carries ListItems, the count Asterisk says it sent)."""

    response: Response
    events: tuple[Event, ...]
    complete: Event | None
