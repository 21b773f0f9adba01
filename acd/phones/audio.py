"""Audio for test phones: G.711 mu-law frames of 20 ms (160 samples at 8 kHz)."""

from __future__ import annotations

import math

FRAME_SAMPLES = 160  # 20 ms at 8 kHz
PCMU = 0  # RTP payload type


def tone_frames(ms: int, hz: float = 440.0, amplitude: int = 8000) -> list[bytes]:
    """A sine tone as PCMU frames: something a recorder or a level meter can hear."""
    frames = []
    for n in range(ms // 20):
        samples = (amplitude * math.sin(2 * math.pi * hz * (n * FRAME_SAMPLES + i) / 8000)
                   for i in range(FRAME_SAMPLES))  # fmt: skip
        frames.append(bytes(ulaw(int(s)) for s in samples))
    return frames


def ulaw(sample: int) -> int:
    """G.711 mu-law encoding of one 16-bit linear sample."""
    sign = 0x80 if sample < 0 else 0
    magnitude = min(abs(sample), 32635) + 132
    exponent = max(0, magnitude.bit_length() - 8)
    mantissa = (magnitude >> (exponent + 3)) & 0x0F
    return ~(sign | (exponent << 4) | mantissa) & 0xFF


def silence_frames(ms: int) -> list[bytes]:
    """PCMU silence: a phone keeps sending RTP while its user says nothing (a leading
    gap of no packets would be lost: SIPp replays a pcap from its first packet)."""
    return [bytes([0xFF]) * FRAME_SAMPLES for _ in range(ms // 20)]
