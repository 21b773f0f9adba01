"""A phone at the far end of a trunk: another contact centre that takes overflowing
calls, or a customer called back. A SIPp UAS on its own loopback address that answers
every call after ``ring_ms`` (or never: busy with 486) and keeps it ``talk_ms``; its
message trace tells a test who called, with which caller ID."""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from pathlib import Path

from testbed.phones import sipp
from testbed.phones.ports import free_media_port
from testbed.phones.rtp import RtpSink
from testbed.phones.trace import read_trace

_USER = re.compile(r"sip:([^@;>]+)@")


@dataclass(frozen=True)
class Invite:
    dialled: str  # the Request-URI's user part: the number asked for
    caller: str  # the From user part: the caller ID presented
    asserted: str  # P-Asserted-Identity's user part, "" if absent


class TracedUas:
    """A SIPp UAS that the server calls out to, keeping a message trace (-trace_msg) that
    tells a test which INVITEs reached it: the numbers dialled, with which caller ID.
    RemotePhone and the campaigns' Customers (testbed/phones/customers.py) are one each;
    they differ in the scenario they play, not in how they are traced and stopped."""

    def __init__(self, workdir: Path) -> None:
        self._workdir = workdir
        self._uas: asyncio.subprocess.Process | None = None

    async def _start_uas(self, scenario: Path, where: sipp.SippEndpoint, extra: list[str]) -> None:
        trace = ["-trace_msg", "-message_file", str(self.messages_file)]
        self._uas = await sipp.start(scenario, where, [*extra, *trace], self._workdir / "uas.log")

    @property
    def messages_file(self) -> Path:
        return self._workdir / "uas.messages"

    def invites(self) -> list[Invite]:
        """Every INVITE received so far, in order."""
        return invites_in(self.messages_file)

    async def stop(self) -> None:
        if self._uas is not None:
            await sipp.stop(self._uas)
            self._uas = None


class RemotePhone(TracedUas):
    def __init__(
        self,
        workdir: Path,
        ip: str,
        port: int,
        *,
        name: str = "remote",
        ring_ms: int | None = 300,
        talk_ms: int = 3000,
        asterisk: str = "127.0.0.1:5060",
    ) -> None:
        super().__init__(workdir / name)
        self.ip, self.port, self.name = ip, port, name
        self._ring_ms, self._talk_ms, self._asterisk = ring_ms, talk_ms, asterisk
        self._rtp_port = free_media_port(ip)
        self.audio: RtpSink | None = None

    async def start(self) -> None:
        self.audio = await RtpSink.open(self.ip, self._rtp_port)
        scenario = sipp.render(
            "agent.xml.j2",
            self._workdir,
            "uas",
            user=self.name,
            ring_ms=self._ring_ms,
            talk_ms=self._talk_ms,
            rtp_ip=self.ip,
            rtp_port=self._rtp_port,
        )
        where = sipp.SippEndpoint(self._asterisk, self.ip, self.port)
        await self._start_uas(scenario, where, ["-l", "40", "-bind_local", "-mi", self.ip])

    async def stop(self) -> None:
        await super().stop()
        if self.audio is not None:
            self.audio.close()


def invites_in(messages_file: Path) -> list[Invite]:
    """The INVITEs a SIPp phone received, from its message trace (-trace_msg)."""
    if not messages_file.exists():
        return []
    return [
        Invite(_user(m.first_line), _user(m.header("From")), _user(m.header("P-Asserted-Identity")))
        for m in read_trace(messages_file)
        if m.received and m.method == "INVITE"
    ]


def _user(text: str) -> str:
    match = _USER.search(text)
    return match.group(1) if match else ""
