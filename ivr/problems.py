"""A problem found in a menu file: where (file, line, key path), what, and a hint."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    file: str
    line: int  # from 1; 0 only when the file itself cannot be read
    key: str  # e.g. "nodes.main.options.1"
    message: str
    hint: str = ""

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        text = f"{where}: {self.key}: {self.message}" if self.key else f"{where}: {self.message}"
        return f"{text} ({self.hint})" if self.hint else text


def closest(word: str, choices: Iterable[str]) -> str:
    """A hint naming the closest known name, or listing them when none is close."""
    known = sorted(set(choices))
    near = difflib.get_close_matches(word, known, n=1, cutoff=0.6)
    if near:
        return f"did you mean {near[0]!r}?"
    if not known:
        return "none is defined"
    shown = ", ".join(known[:12]) + (", ..." if len(known) > 12 else "")
    return f"known: {shown}"
