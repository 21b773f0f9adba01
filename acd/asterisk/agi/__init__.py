"""The project's own FastAGI layer (see docs/agi.md): a sans-I/O codec, an asyncio server.

async def inbound(session: AgiSession) -> None:
    await session.answer()
    choice = await session.get_data("ivr/welcome", timeout_ms=5000, max_digits=1)

async with AgiServer({"inbound": inbound}, port=4573):
    ...
"""

from acd.asterisk.agi.codec import (
    MAX_COMMAND_BYTES,
    AgiCodec,
    encode_line,
    format_command,
    quote_arg,
)
from acd.asterisk.agi.errors import (
    AgiCommandFailed,
    AgiCommandUnknown,
    AgiEncodeError,
    AgiError,
    AgiHangup,
    AgiProtocolError,
    AgiTimeout,
    AgiUsageError,
)
from acd.asterisk.agi.events import (
    ConnectionClosed,
    Event,
    HangupNotified,
    ProtocolErrorDetected,
    Reply,
    RequestReceived,
)
from acd.asterisk.agi.server import REFUSED_VARIABLE, AgiServer, Handler, Router
from acd.asterisk.agi.session import AgiSession, DigitsResult, RecordingResult

__all__ = [
    "MAX_COMMAND_BYTES",
    "REFUSED_VARIABLE",
    "AgiCodec",
    "AgiCommandFailed",
    "AgiCommandUnknown",
    "AgiEncodeError",
    "AgiError",
    "AgiHangup",
    "AgiProtocolError",
    "AgiServer",
    "AgiSession",
    "AgiTimeout",
    "AgiUsageError",
    "ConnectionClosed",
    "DigitsResult",
    "Event",
    "Handler",
    "HangupNotified",
    "ProtocolErrorDetected",
    "RecordingResult",
    "Reply",
    "RequestReceived",
    "Router",
    "encode_line",
    "format_command",
    "quote_arg",
]
