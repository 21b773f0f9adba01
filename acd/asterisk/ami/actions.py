"""The action API of AmiClient: action, list_action and originate, written over one
abstract `_request` so that they read apart from the connection management."""

from __future__ import annotations

import abc
from collections.abc import Mapping
from typing import Literal, overload

from acd.asterisk.ami.connection import Fields
from acd.asterisk.ami.correlate import Done, Expect, ListResult
from acd.asterisk.ami.encoding import FieldValue
from acd.asterisk.ami.errors import AmiActionFailed, AmiProtocolError
from acd.asterisk.ami.message import Event, Response
from acd.asterisk.ami.originate import originate_fields


class AmiActions(abc.ABC):
    action_timeout: float

    @abc.abstractmethod
    async def _request(
        self, name: str, fields: Fields, expect: Expect, deadline: float | None
    ) -> Done:
        """Send one action on the live connection and wait for its whole answer."""

    async def action(
        self,
        name: str,
        fields: Fields = (),
        *,
        timeout: float | None = None,  # noqa: ASYNC109  (a per-action deadline, by design)
    ) -> Response:
        """Send one action, return its response. AmiActionFailed on "Response: Error",
        AmiNotConnected, AmiDisconnected, AmiTimeout, AmiEncodeError."""
        return _succeeded(await self._request(name, fields, Expect.RESPONSE, timeout))

    async def list_action(
        self,
        name: str,
        fields: Fields = (),
        *,
        timeout: float | None = None,  # noqa: ASYNC109
    ) -> ListResult:
        """Send a list action (CoreShowChannels, ...) and gather its events up to the
        "EventList: Complete" one. Same errors as action()."""
        done = await self._request(name, fields, Expect.LIST, timeout)
        return ListResult(_succeeded(done), done.events, done.final)

    @overload
    async def originate(
        self,
        channel: str,
        *,
        context: str | None = None,
        exten: str | None = None,
        priority: int | str | None = None,
        application: str | None = None,
        data: str | None = None,
        variables: Mapping[str, str] | None = None,
        caller_id: str | None = None,
        timeout_ms: int = 30_000,
        wait: Literal[True] = True,
        extra: Mapping[str, FieldValue] | None = None,
    ) -> Event: ...

    @overload
    async def originate(
        self,
        channel: str,
        *,
        context: str | None = None,
        exten: str | None = None,
        priority: int | str | None = None,
        application: str | None = None,
        data: str | None = None,
        variables: Mapping[str, str] | None = None,
        caller_id: str | None = None,
        timeout_ms: int = 30_000,
        wait: Literal[False],
        extra: Mapping[str, FieldValue] | None = None,
    ) -> Response: ...

    async def originate(
        self,
        channel: str,
        *,
        context: str | None = None,
        exten: str | None = None,
        priority: int | str | None = None,
        application: str | None = None,
        data: str | None = None,
        variables: Mapping[str, str] | None = None,
        caller_id: str | None = None,
        timeout_ms: int = 30_000,
        wait: bool = True,
        extra: Mapping[str, FieldValue] | None = None,
    ) -> Event | Response:
        """Originate with "Async: true". wait=True: return the OriginateResponse event
        (its "Response" is Success or Failure, its "Reason" the cause); the deadline is
        timeout_ms plus action_timeout. wait=False: return the "queued" response.
        Never re-sent: if the connection drops first, AmiDisconnected, and the call may
        or may not have been placed."""
        fields = originate_fields(
            channel,
            context=context,
            exten=exten,
            priority=priority,
            application=application,
            data=data,
            variables=variables,
            caller_id=caller_id,
            timeout_ms=timeout_ms,
            extra=extra,
        )
        if not wait:
            return await self.action("Originate", fields)
        deadline = timeout_ms / 1000 + self.action_timeout
        done = await self._request("Originate", fields, Expect.ORIGINATE, deadline)
        if done.final is None:
            _succeeded(done)  # raises: only a refused Originate ends without the event
            raise AmiProtocolError("Originate finished without an OriginateResponse")
        return done.final


def _succeeded(done: Done) -> Response:
    """The response of a finished action, or the typed error it deserves."""
    if done.response is None:
        raise AmiProtocolError(f"{done.action_id}: finished without a response")
    if not done.response.ok:
        raise AmiActionFailed(done.response)
    return done.response
