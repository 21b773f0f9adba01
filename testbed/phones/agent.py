"""An agent's softphone: registers to Asterisk, rings, answers, talks, hangs up.

Two SIPp processes make one phone: a one-shot REGISTER (digest auth) whose Contact points
at a long-running SIPp UAS that answers every call it receives.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path

from testbed.phones import sipp
from testbed.phones.ports import free_media_port, free_udp_port
from testbed.phones.rtp import RtpSink


@dataclass(frozen=True)
class AgentPhoneSpec:
    user: str
    password: str
    asterisk: str = "127.0.0.1:5060"
    ip: str = "127.0.0.1"
    ring_ms: int | None = 300  # None: never answers (rings until cancelled)
    talk_ms: int = 2000  # then the agent hangs up, unless the caller did first


class AgentPhone:
    def __init__(self, spec: AgentPhoneSpec, workdir: Path, trace: bool = False) -> None:
        self.spec = spec
        self.trace = trace  # keep every SIP message with its time (benchmarks)
        self._workdir = workdir / f"agent-{spec.user}"
        self.sip_port = free_udp_port(spec.ip)
        self.rtp_port = free_media_port(spec.ip)
        self.audio: RtpSink | None = None
        self._uas: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        """Starts answering calls and registers to Asterisk."""
        self.audio = await RtpSink.open(self.spec.ip, self.rtp_port)
        scenario = sipp.render(
            "agent.xml.j2",
            self._workdir,
            "agent",
            user=self.spec.user,
            ring_ms=self.spec.ring_ms,
            talk_ms=self.spec.talk_ms,
            rtp_ip=self.spec.ip,
            rtp_port=self.rtp_port,
        )
        where = sipp.SippEndpoint(self.spec.asterisk, self.spec.ip, self.sip_port)
        # No -m: the phone answers calls until stopped; up to 4 at once (agents rarely
        # get a second call, but a test of "never rung while busy" must see it if it comes).
        extra = ["-l", "4", "-bind_local", "-mi", self.spec.ip]
        if self.trace:
            extra += ["-trace_msg", "-message_file", str(self.messages_file)]
        self._uas = await sipp.start(scenario, where, extra, self._workdir / "uas.log")
        await self.register()

    @property
    def messages_file(self) -> Path:
        return self._workdir / "uas.messages"

    async def register(self, expires_s: int = 3600) -> None:
        await self._register(expires_s, "register")

    async def unregister(self) -> None:
        await self._register(0, "unregister")

    async def _register(self, expires_s: int, name: str) -> None:
        scenario = sipp.render(
            "register.xml.j2",
            self._workdir,
            name,
            user=self.spec.user,
            password=self.spec.password,
            contact_ip=self.spec.ip,
            contact_port=self.sip_port,
            expires=expires_s,
        )
        where = sipp.SippEndpoint(self.spec.asterisk, self.spec.ip, free_udp_port(self.spec.ip))
        log = self._workdir / f"{name}.log"
        extra = ["-m", "1"]
        if self.trace:
            extra += ["-trace_msg", "-message_file", str(self._workdir / f"{name}.messages")]
        proc = await sipp.start(scenario, where, extra, log)
        await sipp.finish(proc, 10, f"agent phone {self.spec.user}: {name}", log)

    async def dial(self, number: str, hold_ms: int = 4000, timeout_s: float = 20) -> None:
        """Dials from this phone (e.g. a feature code) and waits until the call has ended."""
        scenario = sipp.render(
            "agent_dial.xml.j2",
            self._workdir,
            f"dial-{number.strip('*')}",
            user=self.spec.user,
            password=self.spec.password,
            number=number,
            hold_ms=hold_ms,
        )
        where = sipp.SippEndpoint(self.spec.asterisk, self.spec.ip, free_udp_port(self.spec.ip))
        extra = [
            "-m",
            "1",
            "-bind_local",
            "-mi",
            self.spec.ip,
            "-mp",
            str(free_media_port(self.spec.ip)),
        ]
        log = self._workdir / f"dial-{number}.log"
        proc = await sipp.start(scenario, where, extra, log)
        await sipp.finish(proc, timeout_s, f"agent phone {self.spec.user} dialling {number}", log)

    async def stop(self) -> None:
        if self._uas is not None:
            await sipp.stop(self._uas)
            self._uas = None
        if self.audio is not None:
            self.audio.close()
