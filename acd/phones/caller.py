"""A customer calling in over the trunk, from its own loopback address (127.0.0.2...),
so Asterisk's PJSIP identify-by-address sees it as the trunk, not as an agent."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from pathlib import Path

from acd.phones import sipp
from acd.phones.ports import free_even_udp_port, free_udp_port

DTMF_PCAPS = Path("/usr/share/sip-tester")
_DTMF_NAMES = {"*": "star", "#": "pound"}
# Each recorded key press lasts 140 ms; the gap lets Asterisk see two presses of one key.
_DTMF_MS = 140
_CODECS = {"pcmu": (0, "PCMU/8000"), "g722": (9, "G722/8000")}


@dataclass(frozen=True)
class Step:
    kind: str  # "pause" or "play"
    ms: int
    pcap: str = ""


@dataclass
class CallerScript:
    """What the caller does once answered: key presses, audio, pauses."""

    steps: list[Step] = field(default_factory=list)

    def pause(self, ms: int) -> CallerScript:
        self.steps.append(Step("pause", ms))
        return self

    def press(self, keys: str, gap_ms: int = 400) -> CallerScript:
        for key in keys:
            name = _DTMF_NAMES.get(key, key)
            if not (name.isdigit() or key in _DTMF_NAMES) or len(name) > 5:
                raise ValueError(f"{key!r} is not a phone key (0-9, * or #)")
            pcap = DTMF_PCAPS / f"dtmf_2833_{name}.pcap"
            self.steps.append(Step("play", _DTMF_MS + gap_ms, str(pcap)))
        return self

    def play(self, pcap: Path, duration_ms: int) -> CallerScript:
        """Streams recorded RTP (e.g. speech built with espeak-ng, sox and a pcap writer)."""
        self.steps.append(Step("play", duration_ms, str(pcap)))
        return self


class CallerPhone:
    def __init__(
        self, workdir: Path, caller_id: str, *, ip: str = "127.0.0.2",
        asterisk: str = "127.0.0.1:5060", caller_name: str = "Customer", codec: str = "pcmu",
    ) -> None:  # fmt: skip
        self.caller_id, self.caller_name, self.ip, self.codec = caller_id, caller_name, ip, codec
        self._asterisk = asterisk
        self._workdir = workdir / f"caller-{caller_id}"
        self._proc: asyncio.subprocess.Process | None = None

    async def dial(self, number: str, script: CallerScript, hold_ms: int) -> None:
        """Places the call and returns at once; :meth:`finished` waits for its end."""
        payload_type, codec = _CODECS[self.codec]
        scenario = sipp.render(
            "caller.xml.j2", self._workdir, "caller", number=number, caller_id=self.caller_id,
            caller_name=self.caller_name, steps=script.steps, hold_ms=hold_ms,
            payload_type=payload_type, codec=codec,
        )  # fmt: skip
        where = sipp.SippEndpoint(self._asterisk, self.ip, free_udp_port(self.ip))
        media = ["-bind_local", "-mi", self.ip, "-mp", str(free_even_udp_port(self.ip)), "-m", "1"]
        self._proc = await sipp.start(scenario, where, media, self._workdir / "caller.log")

    async def finished(self, timeout_s: float) -> None:
        """Waits for the call to end; raises SippError unless it went as scripted."""
        assert self._proc is not None, "dial() first"
        await sipp.finish(self._proc, timeout_s, f"caller {self.caller_id}")

    async def hang_up_now(self) -> None:
        if self._proc is not None:
            await sipp.stop(self._proc)
