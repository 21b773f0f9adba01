"""The customers a campaign calls: one SIPp UAS at the carrier trunk's address (every
number dialled out reaches it), playing the customer each number's last digit names
(see scenarios/customers.xml.j2): 2 an answering machine, 3 nobody, 4 busy,
5 congestion, 6 a person who presses 1 and 7 one who presses 9 (about 4 s after
answering), anything else a person who says "hello" and waits. Its message trace
tells a test which numbers were dialled (asserted at the SIPp side), with which caller ID.
"""

from __future__ import annotations

from pathlib import Path

from testbed.phones import sipp
from testbed.phones.audio import silence_frames, tone_frames
from testbed.phones.pcap import RtpStream
from testbed.phones.ports import free_media_port
from testbed.phones.remote import TracedUas

PERSON, MACHINE, ABSENT, BUSY, CONGESTED = "1", "2", "3", "4", "5"  # a number's last digit
PRESSES_ONE, PRESSES_NINE = "6", "7"
PCMU = 0


def _person() -> RtpStream:
    """ "Hello?" (600 ms of voice), then silence: AMD's HUMAN (a short greeting, then
    800 ms of silence), about 1.5 s after the answer."""
    stream = _person_start()
    stream.audio(PCMU, silence_frames(20_000))
    return stream


def _pressing(key: str) -> RtpStream:
    """ "Hello?", then, while the message plays, the key (RFC 4733), then silence."""
    stream = _person_start()
    stream.audio(PCMU, silence_frames(3000))
    stream.key(key)
    stream.audio(PCMU, silence_frames(20_000))
    return stream


def _person_start() -> RtpStream:
    stream = RtpStream()
    stream.audio(PCMU, silence_frames(300))
    stream.audio(PCMU, tone_frames(600, hz=300))
    return stream


def _machine() -> RtpStream:
    """A recorded greeting (4 s of voice: AMD's LONGGREETING), a beep, then silence."""
    stream = RtpStream()
    stream.audio(PCMU, silence_frames(200))
    stream.audio(PCMU, tone_frames(4000, hz=300))
    stream.audio(PCMU, silence_frames(400))
    stream.audio(PCMU, tone_frames(500, hz=1000))
    stream.audio(PCMU, silence_frames(20_000))
    return stream


class Customers(TracedUas):
    def __init__(
        self,
        workdir: Path,
        ip: str,
        port: int,
        *,
        ring_ms: int = 1000,
        hold_ms: int = 30_000,
        asterisk: str = "127.0.0.1:5060",
    ) -> None:
        super().__init__(workdir / "customers")
        self.ip, self.port = ip, port
        self._ring_ms, self._hold_ms, self._asterisk = ring_ms, hold_ms, asterisk

    async def start(self) -> None:
        self._workdir.mkdir(parents=True, exist_ok=True)
        scenario = sipp.render(
            "customers.xml.j2",
            self._workdir,
            "customers",
            ring_ms=self._ring_ms,
            hold_ms=self._hold_ms,
            person=_person().write_pcap(self._workdir / "person.pcap"),
            machine=_machine().write_pcap(self._workdir / "machine.pcap"),
            press_one=_pressing("1").write_pcap(self._workdir / "press1.pcap"),
            press_nine=_pressing("9").write_pcap(self._workdir / "press9.pcap"),
        )
        where = sipp.SippEndpoint(self._asterisk, self.ip, self.port)
        extra = ["-l", "100", "-bind_local", "-mi", self.ip, "-mp", str(free_media_port(self.ip))]
        await self._start_uas(scenario, where, extra)
