"""The recogniser interface the IVR uses (acd/adapters/ivr/perform.py)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Recognition:
    word: str | None  # the keyword recognised with confidence; None = not sure
    heard: str  # the engine's best guess, even when not confident ("" = nothing heard)
    confidence: float  # 0..1: the value the threshold was applied to


class Recogniser(Protocol):
    def languages(self) -> frozenset[str]:
        """Languages it has a model for; others are never recognised (keys instead)."""
        ...

    def unknown_words(self, keywords: Sequence[str], language: str) -> list[str]:
        """Keywords it could never recognise (not in its dictionary); [] for a language
        without a model (nothing to check: those menus use keys)."""
        ...

    def recognise(
        self, pcm: bytes, sample_rate: int, keywords: Sequence[str], language: str
    ) -> Recognition:
        """``pcm``: 16-bit signed little-endian mono at ``sample_rate`` (8000 or 16000)."""
        ...
