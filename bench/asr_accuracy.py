"""Accuracy of voice-menu recognition, through the same path a live call takes:
a WAV file as Asterisk records it (16 kHz for G.722 calls, 8 kHz µ-law telephone audio
otherwise), read by ivr.speech.read_wav, recognised by PocketsphinxRecogniser against the
menu's keywords only.

Speech: espeak-ng voices saying each keyword of the example voice menu, clean and with
white noise added (seeded). Words that are not keywords are measured too: accepting one
as a keyword is a wrong route (oov_accept_rate; the issue's goal counts keywords only).

    .venv/bin/python bench/asr_accuracy.py [--voices 8] [--other-words 16] [--snr 15]
    .venv/bin/python bench/asr_accuracy.py --quick   # 1 voice, 4 other words, ~6 s: checks
                                                     # that it works; not for figures

Per band: accuracy (right keyword, confident), false accepts (confident but wrong) and
fallbacks (not sure: the IVR asks for keys); and, as the anchor in the same run, the
keyword grammar alone, without the competing common words. Goal: wideband accuracy
>= 95 %, false accepts <= 2 % in both bands. Last line: JSON.
"""

from __future__ import annotations

import argparse
import array
import json
import random
import subprocess
import sys
import tempfile
import time
import zlib
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _quick import parse_args

from ivr.speech import PocketsphinxRecogniser, read_wav

KEYWORDS = ("sales", "support", "billing", "operator", "agent", "account")  # config/ivr/sales.yaml
# What callers say that is not a keyword: each should be a fallback (asked again).
OUT_OF_VOCABULARY = (
    "hello",
    "banana",
    "weather",
    "yes",
    "cancel",
    "building",
    "no",
    "thanks",
    "help",
    "later",
    "order",
    "refund",
    "money",
    "representative",
    "problem",
    "i want to speak to someone",
)
VOICES = (
    "en-gb",
    "en-us",
    "en-gb-x-rp",
    "en-us+f3",
    "en+m3",
    "en-gb-scotland",
    "en-us+m2",
    "en-gb+f2",
)
QUICK = {"voices": 1, "other_words": 4}  # every keyword is still said: the menu's grammar


def speak(text: str, voice: str, workdir: Path) -> array.array[int]:
    raw = workdir / "spoken.wav"
    subprocess.run(["espeak-ng", "-v", voice, "-w", str(raw), text], check=True)
    clean = workdir / "clean16.wav"
    subprocess.run(
        ["sox", str(raw), "-r", "16000", "-c", "1", "-b", "16", str(clean), "pad", "0.3", "0.5"],
        check=True,
    )
    pcm, _ = read_wav(clean)
    return array.array("h", pcm)


def with_noise(samples: array.array[int], snr_db: float, seed: int) -> array.array[int]:
    rng = random.Random(seed)
    power = sum(s * s for s in samples) / max(len(samples), 1)
    sigma = (power / 10 ** (snr_db / 10)) ** 0.5
    return array.array(
        "h", (max(-32768, min(32767, round(s + rng.gauss(0, sigma)))) for s in samples)
    )


def as_recorded(samples: array.array[int], band: str, workdir: Path) -> Path:
    """The file Asterisk would write: wav16 for wideband, 8 kHz (through µ-law) else."""
    source = workdir / "source.wav"
    subprocess.run(
        [
            "sox",
            "-t",
            "raw",
            "-r",
            "16000",
            "-e",
            "signed",
            "-b",
            "16",
            "-c",
            "1",
            "-",
            str(source),
        ],
        input=samples.tobytes(),
        check=True,
    )
    if band == "wideband":
        return source
    ulaw, out = workdir / "line.ul", workdir / "narrow.wav"
    subprocess.run(
        ["sox", str(source), "-r", "8000", "-e", "u-law", "-t", "ul", str(ulaw)], check=True
    )
    subprocess.run(
        [
            "sox",
            "-t",
            "ul",
            "-r",
            "8000",
            "-c",
            "1",
            str(ulaw),
            "-e",
            "signed",
            "-b",
            "16",
            str(out),
        ],
        check=True,
    )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--voices", type=int, default=len(VOICES))
    parser.add_argument(
        "--other-words",
        type=int,
        default=len(OUT_OF_VOCABULARY),
        help="how many of the words that are not keywords are said",
    )
    parser.add_argument("--snr", type=float, default=15.0, help="noise: signal-to-noise, dB")
    args = parse_args(parser, QUICK)
    words = KEYWORDS + OUT_OF_VOCABULARY[: args.other_words]
    recogniser = PocketsphinxRecogniser()
    # The anchor, in the same run: the keyword grammar alone (no competing words).
    keywords_only = PocketsphinxRecogniser(competing_words=0)
    counts: dict[str, Counter[str]] = {"wideband": Counter(), "narrowband": Counter()}
    baseline: Counter[str] = Counter()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        for voice in VOICES[: args.voices]:
            for word in words:
                clean = speak(word, voice, workdir)
                noisy = with_noise(clean, args.snr, zlib.crc32(f"{voice}/{word}".encode()))
                for condition, samples in (("clean", clean), ("noisy", noisy)):
                    for band in counts:
                        pcm, rate = read_wav(as_recorded(samples, band, workdir))
                        heard = recogniser.recognise(pcm, rate, KEYWORDS, "en")
                        counts[band][_outcome(word, heard.word)] += 1
                        counts[band][f"{condition}:{_outcome(word, heard.word)}"] += 1
                        if band == "wideband":
                            plain = keywords_only.recognise(pcm, rate, KEYWORDS, "en")
                            baseline[_outcome(word, plain.word)] += 1
                            baseline[f"{condition}:{_outcome(word, plain.word)}"] += 1
    elapsed = time.perf_counter() - started
    figures = {band: _figures(c) for band, c in counts.items()}
    for band, f in figures.items():
        print(
            f"{band:10}  utterances {f['utterances']:3}  accuracy {f['accuracy']:.1%}  "
            f"false accepts {f['false_accept_rate']:.1%}  fallbacks {f['fallback_rate']:.1%}  "
            f"(clean accuracy {f['clean_accuracy']:.1%}, noisy {f['noisy_accuracy']:.1%}; "
            f"out-of-vocabulary words accepted {f['oov_accept_rate']:.1%})"
        )
    anchor = _figures(baseline)
    print(
        f"keyword grammar alone (wideband): accuracy {anchor['accuracy']:.1%}  "
        f"false accepts {anchor['false_accept_rate']:.1%}  "
        f"out-of-vocabulary words accepted {anchor['oov_accept_rate']:.1%}"
    )
    result = {
        "wideband_accuracy": round(figures["wideband"]["accuracy"], 4),
        "false_accept_rate": round(max(f["false_accept_rate"] for f in figures.values()), 4),
        "oov_accept_rate": round(max(f["oov_accept_rate"] for f in figures.values()), 4),
        "keywords_only_wideband": {k: round(v, 4) for k, v in anchor.items()},
        "bands": figures,
        "voices": args.voices,
        "snr_db": args.snr,
        "seconds": round(elapsed, 1),
    }
    print(json.dumps(result))


def _outcome(said: str, word: str | None) -> str:
    if said not in KEYWORDS:
        return "oov_accepted" if word else "oov_rejected"
    if word is None:
        return "fallback"
    return "right" if word == said else "wrong"


def _figures(c: Counter[str]) -> dict[str, float]:
    spoken = c["right"] + c["wrong"] + c["fallback"]
    oov = c["oov_accepted"] + c["oov_rejected"]
    per = spoken / 2 or 1
    return {
        "utterances": spoken,
        "accuracy": c["right"] / spoken,
        "false_accept_rate": c["wrong"] / spoken,
        "fallback_rate": c["fallback"] / spoken,
        "clean_accuracy": c["clean:right"] / per,
        "noisy_accuracy": c["noisy:right"] / per,
        "oov_accept_rate": c["oov_accepted"] / (oov or 1),
    }


if __name__ == "__main__":
    main()
