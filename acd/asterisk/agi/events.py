"""What the FastAGI codec reads off the wire: frozen values, named for what happened."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestReceived:
    """The header block Asterisk sends first; it is also `AgiSession.request`.

    `script` is the path of agi://host:port/<script>?<query> without slashes at either end,
    `query` its query string (a repeated key keeps its last value), `args` the agi_arg_N
    values in order, `headers` every "agi_*" line as sent.
    """

    headers: Mapping[str, str]
    script: str
    query: Mapping[str, str]
    args: tuple[str, ...]

    def get(self, name: str, default: str | None = None) -> str | None:
        """A header by its name with or without the "agi_" prefix."""
        key = name if name.startswith("agi_") else "agi_" + name
        return self.headers.get(key, default)

    @property
    def channel(self) -> str:
        return self.headers.get("agi_channel", "")

    @property
    def uniqueid(self) -> str:
        return self.headers.get("agi_uniqueid", "")

    @property
    def callerid(self) -> str:
        return self.headers.get("agi_callerid", "")

    @property
    def calleridname(self) -> str:
        return self.headers.get("agi_calleridname", "")

    @property
    def dnid(self) -> str:
        return self.headers.get("agi_dnid", "")

    @property
    def context(self) -> str:
        return self.headers.get("agi_context", "")

    @property
    def extension(self) -> str:
        return self.headers.get("agi_extension", "")


@dataclass(frozen=True)
class Reply:
    """One reply to a command: "200 result=49 (data) endpos=1234", "510 ...", a 520 block.

    `result` and `data` are None when the line has none; `result` may be "" (GET DATA that
    timed out with no digit sends "200 result= (timeout)"). `lines` holds the raw text.
    """

    code: int
    result: str | None
    data: str | None
    extras: Mapping[str, str]
    lines: tuple[str, ...]

    @property
    def is_final(self) -> bool:
        """False for "100 result=0 Trying..." (GOSUB): the real reply is still to come."""
        return self.code >= 200

    @property
    def usage(self) -> str:
        """The usage text of a multi-line reply (lines between the first and the last)."""
        return "\n".join(self.lines[1:-1])

    def result_int(self) -> int | None:
        """`result` as an int, or None when it is missing or not a number."""
        try:
            return int(self.result) if self.result is not None else None
        except ValueError:
            return None


@dataclass(frozen=True)
class HangupNotified:
    """Asterisk sent its one "HANGUP" line: the channel is gone."""


@dataclass(frozen=True)
class ProtocolErrorDetected:
    """The peer broke the protocol; the codec decodes nothing after this."""

    reason: str


@dataclass(frozen=True)
class ConnectionClosed:
    """The peer closed the connection (end of file)."""


Event = RequestReceived | Reply | HangupNotified | ProtocolErrorDetected | ConnectionClosed
