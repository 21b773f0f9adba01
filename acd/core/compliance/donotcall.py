"""Do-not-call lists: one number per line, in any usual format; a number on a list is
never called (compliance.md, "Always"). Reading the file is the adapter's job; this
module parses its text and answers "may we call this number?". Other formats (the US
registry's), the kind of each list and its date: dnc_formats.py, dnc_lists.py."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cached_property

from acd.core.compliance.numbers import NumberError, to_e164


class DoNotCallError(ValueError):
    """A line of a list is not a number: file and line say where."""


@dataclass(frozen=True)
class DoNotCall:
    """The union of the lists loaded, in E.164."""

    numbers: frozenset[str] = frozenset()

    def forbids(self, e164: str) -> bool:
        return e164 in self.numbers

    def __len__(self) -> int:
        return len(self.numbers)

    @cached_property
    def version(self) -> str:
        """A short hash of the numbers: the same lists give the same version (computed
        once: a registry may hold millions of numbers, and every dial quotes it)."""
        digest = hashlib.sha256("\n".join(sorted(self.numbers)).encode())
        return digest.hexdigest()[:16]


def parse_do_not_call(text: str, source: str, country: str = "FR") -> DoNotCall:
    """Blank lines and ``#`` comments are skipped; anything else must be a number. A bad
    line refuses the whole file (a list half read would let numbers through)."""
    numbers = set()
    for line_no, line in enumerate(text.removeprefix("\ufeff").splitlines(), start=1):
        entry = line.split("#", 1)[0].strip()
        if not entry:
            continue
        try:
            numbers.add(to_e164(entry, country))
        except NumberError as exc:
            raise DoNotCallError(f"{source}:{line_no}: {exc}") from None
    return DoNotCall(frozenset(numbers))
