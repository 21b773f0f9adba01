"""The FastAGI error tree. Every error the AGI layer raises is one of these:

    AgiError                    base class; catch this to catch them all
    ├── AgiProtocolError        Asterisk sent something that is not FastAGI (a malformed
    │                           header block, an oversized line, a reply nobody asked for);
    │                           the connection is closed
    ├── AgiEncodeError          we were asked to send something unsafe (CR, LF or NUL in an
    │                           argument, a line over Asterisk's 2047-byte buffer, too many
    │                           words); nothing was sent; also a ValueError
    ├── AgiHangup               the channel is gone: Asterisk sent its HANGUP notice, or
    │                           answered 511, or closed the connection. Raised by the command
    │                           in flight and by every later one
    ├── AgiCommandUnknown       Asterisk answered 510: no such command
    ├── AgiUsageError           Asterisk answered 520: bad syntax; `usage` holds its usage text
    ├── AgiCommandFailed        the command ran and reported failure (result=-1 from playback
    │                           or digit commands with no HANGUP notice after it, EXEC of an
    │                           unknown application, an unexpected reply code such as 503);
    │                           `reply` is the reply
    └── AgiTimeout              no reply in time (or a command was cancelled in flight). The
                                late reply would be taken for the next command's, so the
                                connection is closed and every later command raises this
                                too; also a TimeoutError

The split follows h11: `AgiProtocolError` is the peer's fault, `AgiEncodeError` is ours. The
codec itself never raises on bad input: it returns a `ProtocolErrorDetected` item and the
asyncio layer turns it into `AgiProtocolError` for whoever is waiting.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from acd.asterisk.agi.events import Reply


class AgiError(Exception):
    """Base class of every error raised by the AGI layer."""


class AgiProtocolError(AgiError):
    """Asterisk sent bytes that are not FastAGI; the connection is closed."""


class AgiEncodeError(AgiError, ValueError):
    """A command cannot be encoded safely; nothing was sent."""


class AgiHangup(AgiError):
    """The channel hung up (HANGUP notice, 511 reply, or the connection closed)."""


class AgiCommandUnknown(AgiError):
    """Asterisk answered 510 Invalid or unknown command."""


class AgiUsageError(AgiError):
    """Asterisk answered 520; `usage` is the usage text it sent (may be empty)."""

    def __init__(self, command: str, usage: str) -> None:
        self.command = command
        self.usage = usage
        super().__init__(f"invalid syntax for {command!r}")


class AgiCommandFailed(AgiError):
    """The command ran and Asterisk reported failure; `reply` is what it answered."""

    def __init__(self, message: str, reply: Reply) -> None:
        self.reply = reply
        super().__init__(message)


class AgiTimeout(AgiError, TimeoutError):
    """No reply in time; the connection is closed because the stream is out of step."""
