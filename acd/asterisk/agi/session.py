# ruff: noqa: ASYNC109 - a per-command `timeout` is the protocol contract, not a convenience:
# its expiry closes the connection (a late reply would answer the next command).
"""`AgiSession`: what a FastAGI handler is given - the request and typed commands.

Every command waits for its reply with a timeout (`AgiTimeout`). Once the channel hangs up
(HANGUP notice, 511, connection closed) the command in flight and every later one raise
`AgiHangup`, even those Asterisk would still run on a dead channel: a handler's AGI work
ends with the call, and its clean-up belongs to the engine, not to the dead channel.
Result codes are read per command, as res_agi.c writes them; each helper says what it
raises.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import NoReturn

from acd.asterisk.agi.codec import format_command
from acd.asterisk.agi.connection import AgiConnection
from acd.asterisk.agi.errors import AgiCommandFailed, AgiError, AgiHangup
from acd.asterisk.agi.events import Reply, RequestReceived

# Asterisk answers result=-1 both for a missing file and for a hangup during playback; after
# a hangup its HANGUP notice follows at once (run_agi() in res_agi.c), so wait this long for
# it before calling the failure anything else.
HANGUP_GRACE = 0.5


@dataclass(frozen=True)
class DigitsResult:
    """What GET DATA collected; `timed_out` is True when the caller stopped typing."""

    digits: str
    timed_out: bool


@dataclass(frozen=True)
class RecordingResult:
    """How RECORD FILE ended: `reason` is "timeout" (time or silence) or "dtmf"."""

    reason: str
    digit: str | None
    endpos: int


class AgiSession:
    """One call's FastAGI session; the handler's only way to talk to Asterisk."""

    def __init__(
        self, request: RequestReceived, connection: AgiConnection, *, command_timeout: float
    ) -> None:
        self.request = request
        self._connection = connection
        self._timeout = command_timeout

    @property
    def hung_up(self) -> bool:
        """True once the channel is known to be gone (HANGUP notice, 511 or end of file)."""
        return isinstance(self._connection.failure, AgiHangup)

    async def wait_closed(self) -> AgiError:
        """Wait until no more commands can run - hangup, lost connection, timeout - and
        return the error later commands will raise. Lets a handler waiting on something
        else (an agent, say) notice that the caller has gone."""
        return await self._connection.wait_failed()

    async def command(self, line: str, *, timeout: float | None = None) -> Reply:
        """Send one raw command line (no CR/LF); return its 200 reply.

        Raises AgiHangup, AgiCommandUnknown (510), AgiUsageError (520), AgiCommandFailed
        (another code), AgiTimeout, AgiEncodeError.
        """
        return await self._connection.command(line, self._timeout if timeout is None else timeout)

    async def run(self, verb: str, *args: str | int, timeout: float | None = None) -> Reply:
        """Send `verb` with each argument quoted; see `command`."""
        return await self.command(format_command(verb, *args), timeout=timeout)

    async def answer(self, *, timeout: float | None = None) -> None:
        """ANSWER. result=-1 (the channel could not be answered) raises AgiHangup."""
        reply = await self.run("ANSWER", timeout=timeout)
        if reply.result_int() == -1:
            raise AgiHangup("channel could not be answered")

    async def stream_file(
        self, name: str, escape_digits: str = "", *, timeout: float | None = None
    ) -> str | None:
        """STREAM FILE: the escape digit pressed, or None if the prompt played to its end.

        result=-1 raises AgiHangup if Asterisk's HANGUP notice follows within HANGUP_GRACE
        (the caller hung up during the prompt), else AgiCommandFailed (a missing file).
        """
        reply = await self.run("STREAM FILE", name, escape_digits, timeout=timeout)
        return await self._digit_or_none(reply, "STREAM FILE")

    async def get_data(
        self, prompt: str, timeout_ms: int, max_digits: int, *, timeout: float | None = None
    ) -> DigitsResult:
        """GET DATA: play `prompt`, collect up to `max_digits` ('#' ends input early).

        result=-1 is read as for stream_file. The reply deadline is the command timeout plus
        `timeout_ms` per digit, since Asterisk may legitimately wait that long.
        """
        deadline = self._deadline(timeout, timeout_ms * max(max_digits, 1))
        reply = await self.run("GET DATA", prompt, timeout_ms, max_digits, timeout=deadline)
        if reply.result == "-1":
            await self._failed(reply, "GET DATA failed (missing prompt?)")
        return DigitsResult(reply.result or "", reply.data == "timeout")

    async def wait_for_digit(self, timeout_ms: int, *, timeout: float | None = None) -> str | None:
        """WAIT FOR DIGIT: the digit, or None after `timeout_ms`; -1 as for stream_file."""
        deadline = self._deadline(timeout, timeout_ms)
        reply = await self.run("WAIT FOR DIGIT", timeout_ms, timeout=deadline)
        return await self._digit_or_none(reply, "WAIT FOR DIGIT")

    async def say_number(
        self, number: int, escape_digits: str = "", *, timeout: float | None = None
    ) -> str | None:
        """SAY NUMBER: like stream_file (the escape digit or None)."""
        reply = await self.run("SAY NUMBER", number, escape_digits, timeout=timeout)
        return await self._digit_or_none(reply, "SAY NUMBER")

    async def say_digits(
        self, digits: str, escape_digits: str = "", *, timeout: float | None = None
    ) -> str | None:
        """SAY DIGITS: like stream_file (the escape digit or None)."""
        reply = await self.run("SAY DIGITS", digits, escape_digits, timeout=timeout)
        return await self._digit_or_none(reply, "SAY DIGITS")

    async def set_variable(self, name: str, value: str, *, timeout: float | None = None) -> None:
        """SET VARIABLE (always answers result=1)."""
        await self.run("SET VARIABLE", name, value, timeout=timeout)

    async def get_variable(self, name: str, *, timeout: float | None = None) -> str | None:
        """GET VARIABLE: the value ("" if set but empty), or None if it is not set."""
        reply = await self.run("GET VARIABLE", name, timeout=timeout)
        return reply.data if reply.result == "1" else None

    async def exec_app(self, app: str, *args: str, timeout: float | None = None) -> Reply:
        """EXEC a dialplan application, its arguments joined with ','.

        Returns the reply: `result` is the application's own return value (often -1 when
        the caller hung up during it). result=-2 (no such application) raises
        AgiCommandFailed.
        """
        reply = await self.run("EXEC", app, ",".join(args), timeout=timeout)
        if reply.result == "-2":
            raise AgiCommandFailed(f"no dialplan application {app!r}", reply)
        return reply

    async def record_file(
        self,
        path: str,
        fmt: str = "wav",
        escape_digits: str = "#",
        timeout_ms: int = 60000,
        silence_s: int | None = None,
        beep: bool = False,
        *,
        timeout: float | None = None,
    ) -> RecordingResult:
        """RECORD FILE `path`.`fmt` until `timeout_ms`, `silence_s` of silence or a digit.

        "(hangup)" raises AgiHangup; other failures (file not writable, ...) are read as
        for stream_file.
        """
        args: list[str | int] = [path, fmt, escape_digits, timeout_ms]
        args += ["BEEP"] if beep else []
        args += [f"s={silence_s}"] if silence_s else []
        reply = await self.run("RECORD FILE", *args, timeout=self._deadline(timeout, timeout_ms))
        if reply.data == "hangup":
            self._connection.mark_hung_up("channel hung up while recording")
            raise AgiHangup("channel hung up while recording")
        if reply.data not in ("timeout", "dtmf"):
            await self._failed(reply, f"RECORD FILE failed ({reply.data})")
        digit = _ascii(reply) if reply.data == "dtmf" else None
        endpos = reply.extras.get("endpos", "0")
        sane = endpos.isdecimal() and len(endpos) <= 18  # int() of 5000 digits raises
        return RecordingResult(reply.data, digit, int(endpos) if sane else 0)

    async def verbose(self, message: str, level: int = 1, *, timeout: float | None = None) -> None:
        """VERBOSE: log `message` on the Asterisk console at `level`."""
        await self.run("VERBOSE", message, level, timeout=timeout)

    async def hangup(self, *, timeout: float | None = None) -> None:
        """HANGUP this channel; every later command raises AgiHangup."""
        await self.run("HANGUP", timeout=timeout)
        self._connection.mark_hung_up("channel hung up by the handler")

    def _deadline(self, timeout: float | None, wait_ms: int) -> float:
        return timeout if timeout is not None else self._timeout + max(wait_ms, 0) / 1000

    async def _digit_or_none(self, reply: Reply, verb: str) -> str | None:
        code = reply.result_int()
        if code is None or code < 0:
            await self._failed(reply, f"{verb} failed (missing file?)")
        return _ascii(reply) if code else None

    async def _failed(self, reply: Reply, message: str) -> NoReturn:
        """Raise AgiHangup if the HANGUP notice follows (see HANGUP_GRACE), else `message`."""
        try:
            async with asyncio.timeout(HANGUP_GRACE):
                failure = await self._connection.wait_failed()
        except TimeoutError:
            raise AgiCommandFailed(message, reply) from None
        raise failure


def _ascii(reply: Reply) -> str:
    code = reply.result_int()
    if code is None or not 0 < code < 0x110000:
        raise AgiCommandFailed(f"result is not a character: {reply.result!r}", reply)
    return chr(code)
