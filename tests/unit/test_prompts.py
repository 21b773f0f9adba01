"""Spoken prompts: named by content, made once, playable by Asterisk (8 kHz mono WAV)."""

from __future__ import annotations

import wave
from pathlib import Path

from acd.prompts import prompt_name, synthesize


def test_names_follow_the_text_and_language() -> None:
    assert prompt_name("sales", "en") == prompt_name("sales", "en")
    assert prompt_name("sales", "en") != prompt_name("sales", "fr")
    assert prompt_name("sales", "en") != prompt_name("support", "en")
    assert prompt_name("sales", "en").startswith("acd/tts-")


def test_synthesized_prompt_is_8khz_mono_speech_and_made_once(tmp_path: Path) -> None:
    path = synthesize("sales", "en", tmp_path)
    assert path == tmp_path / f"{prompt_name('sales', 'en')}.wav"
    with wave.open(str(path)) as audio:
        assert (audio.getframerate(), audio.getnchannels(), audio.getsampwidth()) == (8000, 1, 2)
        assert audio.getnframes() > 8000 * 0.3  # a spoken word, not an empty file
    made = path.stat().st_mtime_ns
    assert synthesize("sales", "en", tmp_path).stat().st_mtime_ns == made
