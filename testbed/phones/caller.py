"""A customer calling in over the trunk, from its own loopback address (127.0.0.2...),
so Asterisk's PJSIP identify-by-address sees it as the trunk, not as an agent."""

from __future__ import annotations

import asyncio
from pathlib import Path

from testbed.phones import sipp
from testbed.phones.pcap import DTMF_EVENTS, RtpStream
from testbed.phones.ports import free_media_port, free_udp_port

_CODECS = {"pcmu": (0, "PCMU/8000"), "g722": (9, "G722/8000")}


class CallerScript:
    """What the caller does once answered: key presses, audio and pauses, in order.

    Built into one RTP stream (see testbed/phones/pcap.py) that SIPp replays after the answer.
    """

    def __init__(self) -> None:
        self.stream = RtpStream()

    def pause(self, ms: int) -> CallerScript:
        """No packets for ``ms``. A pause that comes first is lost (SIPp replays from the
        first packet): start with ``say(PCMU, silence_frames(ms))`` to wait at the start."""
        self.stream.silence(ms)
        return self

    def press(self, keys: str, gap_ms: int = 300) -> CallerScript:
        for key in keys:
            if key not in DTMF_EVENTS:
                raise ValueError(f"{key!r} is not a phone key (0-9, * or #)")
        for key in keys:
            self.stream.key(key)
            self.stream.silence(gap_ms)
        return self

    def say(self, payload_type: int, frames: list[bytes]) -> CallerScript:
        """Encoded speech, one 20 ms frame per item (e.g. espeak-ng -> sox -> µ-law)."""
        self.stream.audio(payload_type, frames)
        return self


class CallerPhone:
    def __init__(
        self,
        workdir: Path,
        caller_id: str,
        *,
        ip: str = "127.0.0.2",
        asterisk: str = "127.0.0.1:5060",
        caller_name: str = "Customer",
        codec: str = "pcmu",
        trace: bool = False,
    ) -> None:
        self.caller_id, self.caller_name, self.ip, self.codec = caller_id, caller_name, ip, codec
        self._asterisk = asterisk
        self._trace = trace  # keep every SIP message with its time (benchmarks)
        self._workdir = workdir / f"caller-{caller_id}"
        self._proc: asyncio.subprocess.Process | None = None

    async def dial(self, number: str, script: CallerScript, hold_ms: int) -> None:
        """Places the call and returns at once; :meth:`finished` waits for its end."""
        payload_type, codec = _CODECS[self.codec]
        media = script.stream.write_pcap(self._workdir / "media.pcap")
        scenario = sipp.render(
            "caller.xml.j2",
            self._workdir,
            "caller",
            number=number,
            caller_id=self.caller_id,
            caller_name=self.caller_name,
            media=media if script.stream.packets else None,
            media_ms=script.stream.duration_ms,
            hold_ms=hold_ms,
            payload_type=payload_type,
            codec=codec,
        )
        where = sipp.SippEndpoint(self._asterisk, self.ip, free_udp_port(self.ip))
        extra = ["-bind_local", "-mi", self.ip, "-mp", str(free_media_port(self.ip)), "-m", "1"]
        if self._trace:
            extra += ["-trace_msg", "-message_file", str(self.messages_file)]
        self._proc = await sipp.start(scenario, where, extra, self._log)

    @property
    def messages_file(self) -> Path:
        return self._workdir / "caller.messages"

    @property
    def _log(self) -> Path:
        return self._workdir / "caller.log"

    async def finished(self, timeout_s: float) -> None:
        """Waits for the call to end; raises SippError unless it went as scripted."""
        assert self._proc is not None, "dial() first"
        await sipp.finish(self._proc, timeout_s, f"caller {self.caller_id}", self._log)

    async def hang_up(self) -> None:
        """Ends the call now, if it is still going (SIPp stopped: Asterisk sees the line
        drop at its next RTP timeout or re-INVITE, as with a phone that lost power)."""
        if self._proc is not None:
            await sipp.stop(self._proc)
