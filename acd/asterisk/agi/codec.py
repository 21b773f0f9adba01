"""Sans-I/O FastAGI codec: bytes from Asterisk in, typed events out; commands out as bytes.

No asyncio, no sockets. `AgiCodec.feed()` never raises on bad input: garbage becomes a
`ProtocolErrorDetected` item, after which the codec ignores everything (a line-based stream
cannot be resynchronised). Text is decoded only once a whole line has arrived, so a UTF-8
character split across reads survives; bytes that are not UTF-8 are replaced, not fatal,
because a trunk may well send a Latin-1 caller name.

Inbound grammar (res_agi.c): a header block of "agi_key: value" lines ended by an empty
line, then reply lines ("200 result=1 (data) endpos=5", "510 ...", "511 ..."), multi-line
replies ("520-..." up to "520 End of proper usage.") and the unsolicited "HANGUP" notice.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping
from urllib.parse import unquote, urlsplit

from acd.asterisk.agi.errors import AgiEncodeError
from acd.asterisk.agi.events import (
    ConnectionClosed,
    Event,
    HangupNotified,
    ProtocolErrorDetected,
    Reply,
    RequestReceived,
)

# res_agi.c reads each command with fgets() into AGI_BUF_LEN (2048) bytes: a longer line is
# cut and its tail runs as a second command, so we refuse to send one (newline included).
MAX_COMMAND_BYTES = 2047
# res_agi.c MAX_ARGS is 128 including the terminating NULL; extra words are dropped.
MAX_COMMAND_WORDS = 127

_REPLY_LINE = re.compile(r"([0-9]{3})(?:([ -])(.*))?")
_EXTRA = re.compile(r"[A-Za-z_]\w*=[^\s()]*")
_ARG_HEADER = re.compile(r"agi_arg_([0-9]{1,6})")  # bounded: int() of 5000 digits raises
_HEADER_KEY = re.compile(r"[A-Za-z0-9_]+")
_VERB = re.compile(r"[A-Za-z]+(?: [A-Za-z]+)*")
# Asterisk 22.10.1 ends a usage block on a line of its own (tests/fixtures/agi/real_*), but
# versions that print the XML-doc usage without a final newline send "...at the other
# end.520 End of proper usage." as one line; both end the block.
_USAGE_END = " End of proper usage."


class _State(enum.Enum):
    HEADERS = "headers"
    REPLIES = "replies"
    MULTILINE = "multiline"
    DONE = "done"  # after a protocol error or EOF: nothing more is decoded


class AgiCodec:
    """Frames the byte stream Asterisk sends on one FastAGI connection."""

    def __init__(
        self, *, max_line: int = 16384, max_headers: int = 256, max_reply_lines: int = 1000
    ) -> None:
        self._max_line = max_line
        self._max_headers = max_headers
        self._max_reply_lines = max_reply_lines
        self._state = _State.HEADERS
        self._buffer = bytearray()
        self._scanned = 0  # bytes of _buffer already known to hold no newline
        self._headers: dict[str, str] = {}
        self._multi_code = 0
        self._multi_lines: list[str] = []

    @property
    def done(self) -> bool:
        """True after a protocol error or EOF: nothing more will be decoded."""
        return self._state is _State.DONE

    def feed(self, data: bytes) -> list[Event]:
        """Take the next bytes from the socket; return the events they complete."""
        events: list[Event] = []
        if not self.done:
            self._buffer += data
        while not self.done:
            line = self._next_line(events)
            if line is None:
                break
            self._handle_line(line, events)
        return events

    def feed_eof(self) -> list[Event]:
        """The peer closed the connection; a partial line is dropped."""
        if self.done:
            return []
        self._state = _State.DONE
        self._buffer.clear()
        return [ConnectionClosed()]

    def _next_line(self, events: list[Event]) -> str | None:
        end = self._buffer.find(b"\n", self._scanned)
        if end < 0:
            self._scanned = len(self._buffer)
            if self._scanned > self._max_line:
                self._fail(events, f"line longer than {self._max_line} bytes")
            return None
        if end > self._max_line:
            self._fail(events, f"line longer than {self._max_line} bytes")
            return None
        raw = bytes(self._buffer[:end]).removesuffix(b"\r")
        del self._buffer[: end + 1]
        self._scanned = 0
        return raw.decode("utf-8", "replace")

    def _fail(self, events: list[Event], reason: str) -> None:
        events.append(ProtocolErrorDetected(reason))
        self._state = _State.DONE
        self._buffer.clear()

    def _handle_line(self, line: str, events: list[Event]) -> None:
        # One method per state: the whole state machine is this table.
        handler = {
            _State.HEADERS: self._header_line,
            _State.REPLIES: self._reply_line,
            _State.MULTILINE: self._multi_line,
        }[self._state]
        handler(line, events)

    def _header_line(self, line: str, events: list[Event]) -> None:
        if line == "":
            if not self._headers:
                self._fail(events, "empty header block")
                return
            try:
                request = _build_request(self._headers)
            except ValueError as exc:
                self._fail(events, str(exc))
                return
            events.append(request)
            self._state = _State.REPLIES
            return
        key, sep, value = line.partition(":")
        if not sep or not _HEADER_KEY.fullmatch(key):
            self._fail(events, f"malformed header line {line[:80]!r}")
        elif len(self._headers) >= self._max_headers:
            self._fail(events, f"more than {self._max_headers} header lines")
        elif key in self._headers:  # a second value must not silently replace the first
            self._fail(events, f"header {key} given twice")
        else:
            self._headers[key] = value.removeprefix(" ")

    def _reply_line(self, line: str, events: list[Event]) -> None:
        if line == "HANGUP":
            events.append(HangupNotified())
            return
        if line == "":
            return  # never sent by Asterisk; harmless, so tolerated
        match = _REPLY_LINE.fullmatch(line)
        if match is None:
            self._fail(events, f"unexpected line {line[:80]!r}")
        elif match.group(2) == "-":
            self._multi_code = int(match.group(1))
            self._multi_lines = [line]
            self._state = _State.MULTILINE
        else:
            events.append(_parse_reply(int(match.group(1)), match.group(3) or "", line))

    def _multi_line(self, line: str, events: list[Event]) -> None:
        code = str(self._multi_code)
        if line == code or line.startswith(code + " "):
            self._multi_lines.append(line)
        elif line.endswith(code + _USAGE_END):
            self._multi_lines.append(line.removesuffix(code + _USAGE_END))
            self._multi_lines.append(code + _USAGE_END)
        elif len(self._multi_lines) >= self._max_reply_lines:
            self._fail(events, f"multi-line reply longer than {self._max_reply_lines} lines")
            return
        else:
            self._multi_lines.append(line)
            return
        lines = tuple(self._multi_lines)
        events.append(Reply(code=self._multi_code, result=None, data=None, extras={}, lines=lines))
        self._multi_lines = []
        self._state = _State.REPLIES


def _build_request(headers: Mapping[str, str]) -> RequestReceived:
    script_field = headers.get("agi_network_script")
    if script_field is None:  # "agi://host/" without a script: fall back on the URL
        url = urlsplit(headers.get("agi_request", ""))
        script_field = url.path + ("?" + url.query if url.query else "")
    path, _, query = script_field.partition("?")
    numbered = sorted(
        (int(m.group(1)), value)
        for key, value in headers.items()
        if (m := _ARG_HEADER.fullmatch(key)) is not None
    )
    return RequestReceived(
        headers=dict(headers),
        script=path.strip("/"),
        query=_query(query),
        args=tuple(value for _, value in numbered),
    )


def _query(query: str) -> dict[str, str]:
    """The script's parameters. A ``+`` stays a ``+`` (a number's country code, not a
    space); a parameter given twice, or a part without ``=``, is refused: the dialplan
    URI-encodes what it passes, so only a forged or broken request has either."""
    found: dict[str, str] = {}
    for part in query.split("&") if query else ():
        if "=" not in part:
            raise ValueError(f"script parameter {part[:40]!r} has no '=' (is it URI-encoded?)")
        key, value = (unquote(x) for x in part.split("=", 1))
        if key in found:
            raise ValueError(f"script parameter {key[:40]!r} given twice")
        found[key] = value
    return found


def _parse_reply(code: int, rest: str, line: str) -> Reply:
    """Split "result=<r> [(<data>)] [key=value ...] [free text]" (the grammar of 200)."""
    if not rest.startswith("result="):
        return Reply(code=code, result=None, data=None, extras={}, lines=(line,))
    result, _, tail = rest.removeprefix("result=").partition(" ")
    tokens = list(re.finditer(r"\S+", tail))
    cut = len(tail)
    # key=value extras sit at the end; data in parentheses may itself hold spaces and
    # parentheses (GET VARIABLE returns the raw value), so peel extras off from the right.
    while tokens and _EXTRA.fullmatch(tokens[-1].group()):
        cut = tokens.pop().start()
    extras = dict(token.split("=", 1) for token in tail[cut:].split())
    body = tail[:cut].strip()
    data = body[1:-1] if len(body) >= 2 and body[0] == "(" and body[-1] == ")" else None
    return Reply(code=code, result=result, data=data, extras=extras, lines=(line,))


def quote_arg(value: str) -> str:
    """Quote one argument the way res_agi.c's parse_args() reads it back."""
    if any(char in value for char in "\r\n\0"):
        raise AgiEncodeError(f"CR, LF or NUL in AGI argument {value[:40]!r}")
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def format_command(verb: str, *args: str | int) -> str:
    """Build one command line: the verb's words bare, every argument quoted."""
    if not _VERB.fullmatch(verb):
        raise AgiEncodeError(f"not an AGI command verb: {verb!r}")
    if len(verb.split()) + len(args) > MAX_COMMAND_WORDS:
        raise AgiEncodeError(f"more than {MAX_COMMAND_WORDS} words in one AGI command")
    return " ".join([verb.upper(), *(quote_arg(str(arg)) for arg in args)])


def encode_line(line: str) -> bytes:
    """Encode one command line for the wire, refusing anything that could split it."""
    if any(char in line for char in "\r\n\0"):
        raise AgiEncodeError(f"CR, LF or NUL in AGI command {line[:40]!r}")
    try:
        data = line.encode("utf-8") + b"\n"
    except UnicodeEncodeError as exc:
        raise AgiEncodeError(f"AGI command is not encodable as UTF-8: {exc}") from None
    if len(data) > MAX_COMMAND_BYTES:
        raise AgiEncodeError(f"AGI command of {len(data)} bytes exceeds {MAX_COMMAND_BYTES}")
    return data
