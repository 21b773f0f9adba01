"""Builds the RTP a caller sends (key presses, speech) as a pcap file that SIPp replays.

SIPp's own DTMF recordings each come from one old capture with its own sequence numbers
and timestamps; replayed in another order they go backwards and Asterisk drops them as
stale (pressing "31" loses the "1"). So each call gets one stream built here, with
sequence numbers and timestamps that only go forward. SIPp rewrites addresses and ports
when it replays a pcap, but sends the RTP bytes as written.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from pathlib import Path

DTMF_EVENTS = {**{str(d): d for d in range(10)}, "*": 10, "#": 11}
DTMF_PAYLOAD_TYPE = 101
SAMPLE_RATE = 8000  # RTP clock of G.711, telephone-event and (by RFC 3551's quirk) G.722
FRAME_MS = 20
_SAMPLES_PER_FRAME = SAMPLE_RATE * FRAME_MS // 1000
_SSRC = 0x0ACD0001


@dataclass
class RtpStream:
    """One caller's outgoing RTP: packets at given times, seq and timestamp always rising."""

    packets: list[tuple[float, bytes]] = field(default_factory=list)
    _seq: int = 1000
    _clock_ms: int = 0

    @property
    def duration_ms(self) -> int:
        return self._clock_ms

    def silence(self, ms: int) -> None:
        """A gap: no packets (the phone sends nothing), time moves on."""
        self._clock_ms += ms

    def key(self, key: str, press_ms: int = 120) -> None:
        """One RFC 4733 key press: event packets every 20 ms, then three end packets."""
        event = DTMF_EVENTS[key]
        start_ts = self._timestamp()
        frames = max(press_ms // FRAME_MS, 2)
        for n in range(1, frames + 1):
            end = n == frames
            duration = n * _SAMPLES_PER_FRAME
            payload = struct.pack("!BBH", event, (0x80 if end else 0) | 10, duration)
            copies = 3 if end else 1  # end packets are sent three times (RFC 4733 §2.5.1.4)
            for _ in range(copies):
                self._add(
                    self._clock_ms + n * FRAME_MS,
                    DTMF_PAYLOAD_TYPE,
                    start_ts,
                    payload,
                    marker=n == 1,
                )
        self._clock_ms += (frames + 1) * FRAME_MS

    def audio(self, payload_type: int, frames: list[bytes]) -> None:
        """Speech or tones already encoded, one 20 ms frame per packet."""
        for frame in frames:
            self._add(self._clock_ms, payload_type, self._timestamp(), frame, marker=False)
            self._clock_ms += FRAME_MS

    def _timestamp(self) -> int:
        return (self._clock_ms * SAMPLE_RATE // 1000) & 0xFFFFFFFF

    def _add(self, at_ms: int, payload_type: int, ts: int, payload: bytes, marker: bool) -> None:
        header = struct.pack(
            "!BBHII", 0x80, (0x80 if marker else 0) | payload_type, self._seq & 0xFFFF, ts, _SSRC
        )
        self._seq += 1
        self.packets.append((at_ms / 1000, header + payload))

    def write_pcap(self, path: Path) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "wb") as out:
            out.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))  # Ethernet
            for at_s, rtp in self.packets:
                frame = _ethernet_ipv4_udp(rtp)
                secs, usecs = int(at_s), round((at_s - int(at_s)) * 1_000_000)
                out.write(struct.pack("<IIII", secs, usecs, len(frame), len(frame)))
                out.write(frame)
        return path


def _ethernet_ipv4_udp(payload: bytes) -> bytes:
    # Addresses and ports are placeholders: SIPp replaces them with the call's own.
    udp = struct.pack("!HHHH", 10000, 10000, 8 + len(payload), 0) + payload
    ip = struct.pack(
        "!BBHHHBBH4s4s",
        0x45,
        0,
        20 + len(udp),
        0,
        0,
        64,
        17,
        0,
        bytes([127, 0, 0, 2]),
        bytes([127, 0, 0, 1]),
    )
    ip = ip[:10] + struct.pack("!H", _ip_checksum(ip)) + ip[12:]
    ethernet = b"\x00\x00\x00\x00\x00\x02" + b"\x00\x00\x00\x00\x00\x01" + b"\x08\x00"
    return ethernet + ip + udp


def _ip_checksum(header: bytes) -> int:
    total: int = sum(struct.unpack(f"!{len(header) // 2}H", header))
    while total > 0xFFFF:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF
