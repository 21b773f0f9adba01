"""Spoken prompts: named by content, made once, playable by Asterisk (8 kHz mono WAV)."""

from __future__ import annotations

import os
import subprocess
import wave
from pathlib import Path

import pytest

from acd.adapters.prompts import PromptError, prompt_name, synthesize
from acd.adapters.prompts.menus import convert


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


def _tone(path: Path, rate: int, channels: int) -> None:
    """An operator's recording: one second of a tone, in whatever format they had."""
    subprocess.run(
        ["sox", "-n", "-r", str(rate), "-c", str(channels), str(path), "synth", "1", "sine", "440"],
        check=True,
        capture_output=True,
    )


def _mp3(path: Path) -> None:
    wav = path.with_suffix(".source.wav")
    _tone(wav, 44100, 2)
    subprocess.run(["ffmpeg", "-loglevel", "error", "-y", "-i", str(wav), str(path)], check=True)


def test_operators_wav_and_mp3_become_8khz_mono_and_are_redone_when_replaced(
    tmp_path: Path,
) -> None:
    operator, asterisk = tmp_path / "sounds", tmp_path / "asterisk"
    (operator / "fr").mkdir(parents=True)
    _tone(operator / "fr" / "accueil.wav", 44100, 2)
    _mp3(operator / "fr" / "musique.mp3")
    for name in ("accueil", "musique"):
        convert(name, "fr", operator, asterisk)
        with wave.open(str(asterisk / "ivr" / "fr" / f"{name}.wav")) as audio:
            assert (audio.getframerate(), audio.getnchannels(), audio.getsampwidth()) == (
                8000,
                1,
                2,
            )
            assert abs(audio.getnframes() - 8000) < 800  # still about one second
    made = asterisk / "ivr" / "fr" / "accueil.wav"
    first = made.stat().st_mtime_ns
    convert("accueil", "fr", operator, asterisk)
    assert made.stat().st_mtime_ns == first  # unchanged: not redone
    source = operator / "fr" / "accueil.wav"
    _tone(source, 16000, 1)
    os.utime(source, ns=(first + 10**9, first + 10**9))
    convert("accueil", "fr", operator, asterisk)
    assert made.stat().st_mtime_ns > first


def test_a_recording_that_is_not_sound_is_named_in_the_error(tmp_path: Path) -> None:
    (tmp_path / "sounds" / "en").mkdir(parents=True)
    (tmp_path / "sounds" / "en" / "welcome.mp3").write_text("not a sound")
    with pytest.raises(PromptError, match=r"welcome\.mp3: cannot be read as sound"):
        convert("welcome", "en", tmp_path / "sounds", tmp_path / "asterisk")
    with pytest.raises(PromptError, match=r"no recording 'missing' for en"):
        convert("missing", "en", tmp_path / "sounds", tmp_path / "asterisk")


def test_a_changed_text_gets_a_new_prompt_and_the_old_one_is_kept(tmp_path: Path) -> None:
    first = synthesize("Welcome.", "en", tmp_path)
    second = synthesize("Welcome to Example.", "en", tmp_path)
    assert first != second
    assert first.exists()
    assert second.exists()
