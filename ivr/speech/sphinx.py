"""The default recogniser: pocketsphinx with its English wideband (16 kHz) model.

How an answer is decided (docs/ivr-speech.md has the measurements):
1. A grammar of the menu's keywords only picks the likeliest keyword.
2. Each keyword is also aligned alone against the audio; the margin between the best
   and the runner-up (log score per 10 ms frame) says how clearly the audio is that
   keyword. When no other keyword can be aligned at all the margin is unbounded.
3. The result counts only if both agree and the margin clears the band's threshold.
   Narrowband calls (8 kHz, upsampled: the model was trained on 16 kHz audio) must be
   unambiguous: only one keyword aligns. A wrong route is worse than asking for keys.
"""

from __future__ import annotations

import array
import math
import random
import threading
from collections import OrderedDict
from collections.abc import Sequence

from pocketsphinx import Decoder

from ivr.speech.recogniser import Recognition

MODEL_RATE = 16000
_FRAME_SAMPLES = MODEL_RATE // 100  # pocketsphinx frames are 10 ms
# Minimum margin (log score per frame, x1e-4) per band; inf = only one keyword aligns.
# Measured with bench/asr_accuracy.py (6 voices, clean and noisy): see docs/ivr-speech.md.
WIDEBAND_MARGIN = 0.0
NARROWBAND_MARGIN = math.inf
_SCALE = 1e-4
NOISE_SNR_DB = 20.0  # the comfort noise added before decoding (see trim_silence)
_CACHE = 16  # keyword sets kept ready (decoders take ~0.3 s to build)


class _Grammars:
    """A decoder with one search for all the keywords and one per keyword."""

    def __init__(self, keywords: tuple[str, ...]) -> None:
        self.keywords = keywords
        self.decoder = Decoder(samprate=MODEL_RATE, lm=None, loglevel="FATAL")
        self.decoder.add_jsgf_string("all", _grammar("all", keywords))
        for index, keyword in enumerate(keywords):
            self.decoder.add_jsgf_string(f"k{index}", _grammar(f"k{index}", (keyword,)))
        self.lock = threading.Lock()

    def best(self, pcm: bytes) -> str:
        hyp = self._decode("all", pcm)
        return hyp[0] if hyp else ""

    def scores(self, pcm: bytes) -> dict[str, float]:
        found = {}
        for index, keyword in enumerate(self.keywords):
            hyp = self._decode(f"k{index}", pcm)
            if hyp is not None:
                found[keyword] = hyp[1]
        return found

    def _decode(self, search: str, pcm: bytes) -> tuple[str, float] | None:
        self.decoder.activate_search(search)
        self.decoder.start_utt()
        self.decoder.process_raw(pcm, full_utt=True)
        self.decoder.end_utt()
        hyp = self.decoder.hyp()
        return (hyp.hypstr, hyp.score) if hyp is not None and hyp.hypstr else None


class PocketsphinxRecogniser:
    def __init__(self) -> None:
        self._grammars: OrderedDict[tuple[str, ...], _Grammars] = OrderedDict()
        self._lock = threading.Lock()
        self._dictionary: Decoder | None = None

    def languages(self) -> frozenset[str]:
        return frozenset({"en"})

    def unknown_words(self, keywords: Sequence[str], language: str) -> list[str]:
        if language not in self.languages():
            return []
        with self._lock:
            if self._dictionary is None:
                self._dictionary = Decoder(samprate=MODEL_RATE, lm=None, loglevel="FATAL")
            words = {w for keyword in keywords for w in keyword.lower().split()}
            return sorted(w for w in words if self._dictionary.lookup_word(w) is None)

    def recognise(
        self, pcm: bytes, sample_rate: int, keywords: Sequence[str], language: str
    ) -> Recognition:
        if language not in self.languages() or not keywords or not pcm:
            return Recognition(None, "", 0.0)
        audio = trim_silence(pcm if sample_rate == MODEL_RATE else upsample(pcm, sample_rate))
        spoken = {k.lower(): k for k in keywords}
        grammars = self._for(tuple(sorted(spoken)))
        with grammars.lock:
            best = grammars.best(audio)
            scores = grammars.scores(audio) if best else {}
        if not best:
            return Recognition(None, "", 0.0)
        margin = _margin(best, scores, max(len(audio) // 2 // _FRAME_SAMPLES, 1))
        needed = WIDEBAND_MARGIN if sample_rate >= MODEL_RATE else NARROWBAND_MARGIN
        confidence = 1.0 if math.isinf(margin) else max(0.0, 1 - math.exp(-max(margin, 0) / 5))
        sure = margin >= needed and (margin > 0 or needed <= 0) and best in scores
        return Recognition(spoken[best] if sure else None, spoken[best], confidence)

    def _for(self, keywords: tuple[str, ...]) -> _Grammars:
        with self._lock:
            grammars = self._grammars.get(keywords)
            if grammars is None:
                grammars = self._grammars[keywords] = _Grammars(keywords)
                while len(self._grammars) > _CACHE:
                    self._grammars.popitem(last=False)
            self._grammars.move_to_end(keywords)
            return grammars


def _margin(best: str, scores: dict[str, float], frames: int) -> float:
    """How much better ``best`` aligns than any other keyword, per frame (x1e4)."""
    if best not in scores:
        return -math.inf  # the grammar chose a keyword that does not align alone
    others = [score for keyword, score in scores.items() if keyword != best]
    if not others:
        return math.inf
    return (scores[best] - max(others)) / frames / _SCALE


def _grammar(name: str, keywords: Sequence[str]) -> str:
    return f"#JSGF V1.0;\ngrammar {name};\npublic <answer> = {' | '.join(keywords)};\n"


def trim_silence(pcm: bytes, keep_ms: int = 100) -> bytes:
    """The spoken part of a 16 kHz recording: the grammars have no room for the second
    or two of silence a caller leaves before answering, and misread it as words.
    Frames of 10 ms count as speech above 1/30 (-30 dB) of the loudest frame's level."""
    samples = array.array("h", pcm[: len(pcm) - len(pcm) % 2])
    frame = _FRAME_SAMPLES
    levels = [max((abs(s) for s in samples[i : i + frame]), default=0)
              for i in range(0, len(samples), frame)]  # fmt: skip
    loud = [i for i, level in enumerate(levels) if level > max(max(levels, default=0) / 30, 200)]
    if not loud:
        return b""
    margin = keep_ms // 10
    first, last = max(loud[0] - margin, 0), min(loud[-1] + margin + 1, len(levels))
    spoken = samples[first * frame : last * frame]
    # A whisper of noise: stretches of digital silence (exact zeros, as synthesisers and
    # some phones send) have no spectrum, which throws the features off.
    noise = random.Random(len(spoken))
    power = sum(s * s for s in spoken) / max(len(spoken), 1)
    sigma = max((power / 10 ** (NOISE_SNR_DB / 10)) ** 0.5, 2.0)
    return array.array("h", (max(-32768, min(32767, round(s + noise.gauss(0, sigma))))
                             for s in spoken)).tobytes()  # fmt: skip


def upsample(pcm: bytes, rate: int) -> bytes:
    """``pcm`` at ``rate`` to 16 kHz by linear interpolation. It adds no information:
    the model then hears telephone audio, which is why narrowband needs a stricter gate."""
    if rate * 2 != MODEL_RATE:
        raise ValueError(f"audio at {rate} Hz: only 8000 and 16000 are supported")
    samples = array.array("h", pcm[: len(pcm) - len(pcm) % 2])
    out = array.array("h", bytes(4 * len(samples)))
    for i, sample in enumerate(samples):
        following = samples[i + 1] if i + 1 < len(samples) else sample
        out[2 * i] = sample
        out[2 * i + 1] = (sample + following) // 2
    return out.tobytes()
