"""The AMI error tree. Every error the AMI layer raises is one of these:

    AmiError                    base class; catch this to catch them all
    ├── AmiProtocolError        the peer broke the protocol (oversized or unparsable frame)
    ├── AmiEncodeError          we were asked to send something invalid (CR/LF in a value,
    │                           a bad key, an Originate with neither exten nor application);
    │                           also a ValueError
    ├── AmiNotConnected         an action was issued while no session is logged in; nothing
    │                           was sent
    ├── AmiDisconnected         the connection dropped (or the client closed) while the
    │                           action was pending; it may or may not have run on Asterisk,
    │                           and it is never re-sent
    ├── AmiTimeout              no answer in time (an action, or wait_connected); also a
    │                           TimeoutError
    ├── AmiActionFailed         Asterisk answered "Response: Error" (carries the response)
    └── AmiLoginFailed          Asterisk refused the login or an event filter (carries the
                                response); the client keeps retrying with backoff

The split follows h11: `AmiProtocolError` is the peer's fault, `AmiEncodeError` is ours.
The names are the API the server and the e2e tests were written against, hence the
N818 ("Error" suffix) waivers below.

Only the codec's *caller* sees exceptions: the decoder itself never raises on bad input, it
returns a `ProtocolViolation` item so the client can log it and carry on.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from acd.asterisk.ami.message import Response


class AmiError(Exception):
    """Base class of every error raised by the AMI layer."""


class AmiProtocolError(AmiError):
    """The peer sent something that is not AMI; the connection is reset."""


class AmiEncodeError(AmiError, ValueError):
    """We were asked to send an action that cannot be encoded safely."""


class AmiNotConnected(AmiError):
    """No logged-in session: the action was not sent (fail fast, never queued)."""


class AmiDisconnected(AmiError):
    """The session ended while the action was pending. The action is never re-sent."""


class AmiTimeout(AmiError, TimeoutError):
    """No answer within the deadline. The action may still run on Asterisk."""


class AmiActionFailed(AmiError):
    """Asterisk answered "Response: Error"; `response` is the whole message."""

    def __init__(self, response: Response) -> None:
        self.response = response
        action = response.action_id or "?"
        super().__init__(f"action {action} failed: {response.message or response.status}")


class AmiLoginFailed(AmiError):
    """Asterisk refused the login (or an event filter); `response` says why, if it answered."""

    def __init__(self, reason: str, response: Response | None = None) -> None:
        self.response = response
        super().__init__(reason)
