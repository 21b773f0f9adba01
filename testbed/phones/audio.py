"""Audio for test phones: 20 ms RTP payloads (G.711 µ-law at 8 kHz, or G.722)."""

from __future__ import annotations

import math
import subprocess
import tempfile
from pathlib import Path

FRAME_SAMPLES = 160  # 20 ms at 8 kHz
PCMU = 0  # RTP payload type


def tone_frames(ms: int, hz: float = 440.0, amplitude: int = 8000) -> list[bytes]:
    """A sine tone as PCMU frames: something a recorder or a level meter can hear."""
    frames = []
    for n in range(ms // 20):
        samples = (
            amplitude * math.sin(2 * math.pi * hz * (n * FRAME_SAMPLES + i) / 8000)
            for i in range(FRAME_SAMPLES)
        )
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


G722 = 9  # RTP payload type (its RTP clock is 8 kHz by RFC 3551's quirk; audio is 16 kHz)
_FRAME_BYTES = {"pcmu": 160, "g722": 160}  # 20 ms: 160 µ-law samples, or 320 G.722 ones


def speech_frames(
    text: str, codec: str, voice: str = "en-us", lead_ms: int = 0, tail_ms: int = 0
) -> list[bytes]:
    """``text`` spoken by espeak-ng as 20 ms RTP payloads: µ-law at 8 kHz ("pcmu"), or
    16 kHz audio encoded by ffmpeg ("g722"), with silence before and after."""
    if codec not in _FRAME_BYTES:
        raise ValueError(f"unknown codec {codec!r} (pcmu or g722)")
    with tempfile.TemporaryDirectory() as tmp:
        spoken, padded, encoded = (Path(tmp) / name for name in ("s.wav", "p.wav", "e.raw"))
        _run(["espeak-ng", "-v", voice, "-w", str(spoken), text])
        _run(
            [
                "sox",
                str(spoken),
                "-r",
                "16000",
                "-c",
                "1",
                "-b",
                "16",
                str(padded),
                "pad",
                f"{lead_ms / 1000:.3f}",
                f"{tail_ms / 1000:.3f}",
            ]
        )
        if codec == "g722":
            _run(
                [
                    "ffmpeg",
                    "-loglevel",
                    "error",
                    "-y",
                    "-i",
                    str(padded),
                    "-ar",
                    "16000",
                    "-ac",
                    "1",
                    "-acodec",
                    "g722",
                    "-f",
                    "g722",
                    str(encoded),
                ]
            )
        else:
            _run(["sox", str(padded), "-r", "8000", "-e", "u-law", "-t", "ul", str(encoded)])
        data = encoded.read_bytes()
    size = _FRAME_BYTES[codec]
    return [
        data[i : i + size].ljust(size, b"\xff" if codec == "pcmu" else b"\0")
        for i in range(0, len(data), size)
    ]


def _run(argv: list[str]) -> None:
    subprocess.run(argv, check=True, capture_output=True, timeout=60)
