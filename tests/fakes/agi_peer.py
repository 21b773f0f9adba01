"""A fake Asterisk for FastAGI tests: it connects to the server the way res_agi.c does,
sends the header block, reads the commands and answers what each test scripts.

Every wait is bounded by STEP_TIMEOUT so a broken server fails a test instead of hanging it.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterable

STEP_TIMEOUT = 5.0

# setup_env() in res_agi.c, in its order, after launch_netscript()'s two lines.
_DEFAULT_HEADERS: tuple[tuple[str, str], ...] = (
    ("agi_channel", "PJSIP/trunk-00000001"),
    ("agi_language", "en"),
    ("agi_type", "PJSIP"),
    ("agi_uniqueid", "1732398000.1"),
    ("agi_version", "22.10.1"),
    ("agi_callerid", "+33142000000"),
    ("agi_calleridname", "Alice"),
    ("agi_callingpres", "0"),
    ("agi_callingani2", "0"),
    ("agi_callington", "0"),
    ("agi_callingtns", "0"),
    ("agi_dnid", "100"),
    ("agi_rdnis", "unknown"),
    ("agi_context", "from-trunk"),
    ("agi_extension", "100"),
    ("agi_priority", "2"),
    ("agi_enhanced", "0.0"),
    ("agi_accountcode", ""),
    ("agi_threadid", "140245369472704"),
)


def header_block(
    script: str = "inbound?did=100",
    *,
    port: int = 4573,
    args: Iterable[str] = (),
    **overrides: str,
) -> bytes:
    """The header block Asterisk 22 sends for AGI(agi://127.0.0.1:<port>/<script>,args...)."""
    lines = [("agi_network", "yes"), ("agi_network_script", script)]
    lines.append(("agi_request", f"agi://127.0.0.1:{port}/{script}"))
    lines += [
        (key, overrides.pop(key.removeprefix("agi_"), value)) for key, value in _DEFAULT_HEADERS
    ]
    lines += [(f"agi_arg_{n}", value) for n, value in enumerate(args, start=1)]
    lines += [(f"agi_{key}", value) for key, value in overrides.items()]
    return "".join(f"{key}: {value}\n" for key, value in lines).encode() + b"\n"


def parse_agi_args(line: str) -> list[str]:
    """Split a command line exactly as res_agi.c's parse_args() does.

    Double quotes group words, a backslash makes the next character literal (inside or
    outside quotes), and an empty "" still makes an argument.
    """
    args: list[list[str]] = []
    quoted = escaped = False
    between_words = True
    for char in line:
        if char == '"' and not escaped:
            quoted = not quoted
            if quoted and between_words:
                args.append([])
                between_words = False
        elif char in " \t" and not quoted and not escaped:
            between_words = True
        elif char == "\\" and not escaped:
            escaped = True
        else:
            if between_words:
                args.append([])
                between_words = False
            args[-1].append(char)
            escaped = False
    return ["".join(chars) for chars in args]


class FakeAsterisk:
    """One FastAGI connection seen from Asterisk's side."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer
        self.commands: list[str] = []

    @classmethod
    async def connect(cls, port: int) -> FakeAsterisk:
        async with asyncio.timeout(STEP_TIMEOUT):
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
        sock = writer.get_extra_info("socket")
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # keep our splits apart
        return cls(reader, writer)

    @classmethod
    async def start_call(
        cls, port: int, script: str = "inbound?did=100", args: Iterable[str] = (), **headers: str
    ) -> FakeAsterisk:
        """Connect and send the header block, as Asterisk does on AGI()."""
        peer = await cls.connect(port)
        await peer.send(header_block(script, port=port, args=args, **headers))
        return peer

    async def send(self, data: bytes) -> None:
        self.writer.write(data)
        async with asyncio.timeout(STEP_TIMEOUT):
            await self.writer.drain()

    async def read_command(self) -> list[str]:
        """The next command line, split like Asterisk; EOFError if the server closed."""
        async with asyncio.timeout(STEP_TIMEOUT):
            raw = await self.reader.readline()
        if not raw.endswith(b"\n"):
            raise EOFError(f"server closed the connection (partial {raw!r})")
        line = raw[:-1].decode()
        self.commands.append(line)
        return parse_agi_args(line)

    async def reply(self, *lines: str) -> None:
        await self.send("".join(line + "\n" for line in lines).encode())

    async def respond(self, *lines: str) -> list[str]:
        """Read one command, answer it with `lines`, return the command's words."""
        command = await self.read_command()
        await self.reply(*lines)
        return command

    async def read_to_eof(self) -> bytes:
        """Everything the server still sends until it closes (b"" if it just closes); then
        close our side too, as Asterisk does when AGI() ends."""
        try:
            async with asyncio.timeout(STEP_TIMEOUT):
                return await self.reader.read()
        except ConnectionResetError:
            return b""
        finally:
            await self.close()

    async def close(self) -> None:
        self.writer.close()
        try:
            async with asyncio.timeout(STEP_TIMEOUT):
                await self.writer.wait_closed()
        except OSError:
            pass
