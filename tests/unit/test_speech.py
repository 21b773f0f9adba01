"""The default recogniser on espeak-ng speech (the voice the IVR e2e test and
bench/asr_accuracy.py use): keywords heard, other words and telephone audio not
accepted, what cannot be recognised reported."""

from __future__ import annotations

import subprocess
import wave
from pathlib import Path

import pytest
from pocketsphinx import Decoder

from ivr.speech import PocketsphinxRecogniser, WavError, read_wav
from ivr.speech.sphinx import MODEL_RATE, other_words, trim_silence, upsample

KEYWORDS = ("sales", "support", "billing", "operator", "agent", "account")


@pytest.fixture(scope="module")
def recogniser() -> PocketsphinxRecogniser:
    return PocketsphinxRecogniser()


def _spoken(text: str, rate: int, workdir: Path) -> tuple[bytes, int]:
    raw, wav = workdir / "raw.wav", workdir / f"said-{rate}.wav"
    subprocess.run(["espeak-ng", "-v", "en-us", "-w", str(raw), text], check=True)
    subprocess.run(
        ["sox", str(raw), "-r", str(rate), "-c", "1", "-b", "16", str(wav), "pad", "0.3", "0.5"],
        check=True,
    )
    return read_wav(wav)


def test_a_keyword_said_on_a_wideband_call_is_recognised(
    recogniser: PocketsphinxRecogniser, tmp_path: Path
) -> None:
    pcm, rate = _spoken("sales", MODEL_RATE, tmp_path)
    heard = recogniser.recognise(pcm, rate, KEYWORDS, "en")
    assert heard.word == "sales"
    assert heard.confidence == 1.0


@pytest.mark.parametrize("said", ["weather", "i want to speak to someone"])
def test_words_that_are_not_keywords_are_not_taken_for_one(
    recogniser: PocketsphinxRecogniser, tmp_path: Path, said: str
) -> None:
    # The keyword grammar alone hears "billing" in "weather": the common words reject it.
    pcm, rate = _spoken(said, MODEL_RATE, tmp_path)
    assert recogniser.recognise(pcm, rate, KEYWORDS, "en").word is None


def test_telephone_audio_is_never_accepted(
    recogniser: PocketsphinxRecogniser, tmp_path: Path
) -> None:
    pcm, rate = _spoken("sales", 8000, tmp_path)
    heard = recogniser.recognise(pcm, rate, KEYWORDS, "en")
    assert rate == 8000
    assert heard.word is None  # the IVR asks for keys instead


def test_nothing_is_recognised_without_a_model_or_without_speech(
    recogniser: PocketsphinxRecogniser, tmp_path: Path
) -> None:
    pcm, rate = _spoken("sales", MODEL_RATE, tmp_path)
    assert recogniser.recognise(pcm, rate, KEYWORDS, "fr").word is None
    silent = recogniser.recognise(bytes(2 * MODEL_RATE), MODEL_RATE, KEYWORDS, "en")
    assert (silent.word, silent.heard) == (None, "")
    assert trim_silence(bytes(2 * MODEL_RATE)) == b""


def test_keywords_missing_from_the_dictionary_are_reported(
    recogniser: PocketsphinxRecogniser,
) -> None:
    assert recogniser.unknown_words(["sales", "Zorbaxy desk"], "en") == ["zorbaxy"]
    assert recogniser.unknown_words(["zorbaxy"], "fr") == []


def test_competing_words_never_sound_like_a_keyword() -> None:
    decoder = Decoder(samprate=MODEL_RATE, lm=None, loglevel="FATAL")
    # "sails" sounds the same as "sales", "sale" one sound away: they would steal it.
    chosen = other_words(decoder, ("sales",), ["sails", "the", "sales", "sale", "weather"])
    assert chosen == ["the", "weather"]


def test_only_telephone_and_wideband_rates_are_read() -> None:
    assert len(upsample(bytes(160), 8000)) == 320
    with pytest.raises(ValueError, match="44100 Hz"):
        upsample(bytes(160), 44100)


def _wav(path: Path, channels: int, width: int, rate: int) -> Path:
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(channels)
        wav.setsampwidth(width)
        wav.setframerate(rate)
        wav.writeframes(bytes(channels * width * 160))
    return path


def test_a_recording_that_is_not_what_asterisk_writes_is_refused_with_its_name(
    tmp_path: Path,
) -> None:
    text = tmp_path / "text.wav"
    text.write_text("not audio")
    cases = {
        text: "not a WAV file",
        tmp_path / "absent.wav": "cannot be read",
        _wav(tmp_path / "stereo.wav", 2, 2, 16000): "expected mono 16-bit audio",
        _wav(tmp_path / "8bit.wav", 1, 1, 8000): "expected mono 16-bit audio",
        _wav(tmp_path / "cd.wav", 1, 2, 44100): "44100 Hz, expected 8000 or 16000",
    }
    for path, message in cases.items():
        with pytest.raises(WavError, match=message) as refused:
            read_wav(path)
        assert str(path) in str(refused.value)
    assert read_wav(_wav(tmp_path / "line.wav", 1, 2, 8000)) == (bytes(320), 8000)
