"""Reads the WAV files Asterisk records (format "wav": 8 kHz, "wav16": 16 kHz)."""

from __future__ import annotations

import wave
from pathlib import Path

RATES = (8000, 16000)  # Asterisk's "wav" and "wav16"


class WavError(ValueError):
    """The recording is not a mono 16-bit WAV file at 8 or 16 kHz."""


def read_wav(path: Path) -> tuple[bytes, int]:
    """The PCM (16-bit little-endian mono) and sample rate of ``path``."""
    try:
        with wave.open(str(path), "rb") as wav:
            if wav.getnchannels() != 1 or wav.getsampwidth() != 2:
                raise WavError(
                    f"{path}: expected mono 16-bit audio, got {wav.getnchannels()} "
                    f"channel(s) of {8 * wav.getsampwidth()} bits"
                )
            if wav.getframerate() not in RATES:
                raise WavError(f"{path}: audio at {wav.getframerate()} Hz, expected 8000 or 16000")
            return wav.readframes(wav.getnframes()), wav.getframerate()
    except (wave.Error, EOFError) as exc:
        raise WavError(f"{path}: not a WAV file ({exc})") from exc
    except OSError as exc:
        raise WavError(f"{path}: cannot be read ({exc.strerror})") from exc
