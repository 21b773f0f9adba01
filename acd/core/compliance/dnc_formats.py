"""Do-not-call files as they come: bytes in any usual encoding, in one of two formats.

* ``plain``: one number per line, written in any usual way (``06 12 34 56 78``,
  ``+33612345678``); ``#`` starts a comment (donotcall.parse_do_not_call).
* ``us_registry``: the US National Do Not Call Registry's full-list download (flat
  text): one number per line, its area code and its seven digits separated by a comma
  (``201,5550123``), or the ten digits together (``2015550123``). Always US numbers.

``auto`` picks ``us_registry`` when a line has the registry's comma form (a line that is
not a record then refuses the file, named as such); a file of bare ten-digit numbers
stays ``plain`` (read in the caller's country: ``0612345678`` is French, not a US area
code 061).
The registry's change lists (additions and deletions) are refused: load a full list.
"""

from __future__ import annotations

import codecs
import re
from enum import StrEnum

from acd.core.compliance.donotcall import DoNotCall, DoNotCallError, parse_do_not_call

# NANP: area code and exchange start with 2-9 (NXX NXX XXXX).
_REGISTRY_PAIR = re.compile(r'"?\s*([2-9]\d\d)\s*"?\s*,\s*"?\s*([2-9]\d{6})\s*"?(?:\s*,)?')
_REGISTRY_TEN = re.compile(r'"?\s*([2-9]\d\d)([2-9]\d{6})\s*"?')
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: its BOM starts the same way
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


class ListFormat(StrEnum):
    AUTO = "auto"  # us_registry when the file looks like one, else plain
    PLAIN = "plain"
    US_REGISTRY = "us_registry"


def decode_list(data: bytes) -> str:
    """The text of a list file: a byte-order mark says the encoding (and is dropped);
    otherwise UTF-8, UTF-16 without a mark (NUL bytes every other byte), or Latin-1,
    which reads any bytes (numbers are ASCII; only comments may come out wrong)."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(encoding, errors="replace")
    if len(data) >= 2 and b"\x00" in data:
        odd_nuls, even_nuls = data[1::2].count(0), data[0::2].count(0)
        if odd_nuls > len(data) // 4 and even_nuls == 0:
            return data.decode("utf-16-le", errors="replace")
        if even_nuls > len(data) // 4 and odd_nuls == 0:
            return data.decode("utf-16-be", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def detect_format(text: str) -> ListFormat:
    """``us_registry`` or ``plain`` (never ``auto``), as described above."""
    if any(_REGISTRY_PAIR.fullmatch(entry) for _, entry in _entries(text)):
        return ListFormat.US_REGISTRY
    return ListFormat.PLAIN


def parse_list(
    text: str, source: str, country: str = "FR", list_format: ListFormat = ListFormat.AUTO
) -> DoNotCall:
    """The numbers of a list's text; DoNotCallError names the file and line of the first
    entry that is not a number (the whole list is refused)."""
    if list_format is ListFormat.AUTO:
        list_format = detect_format(text)
    if list_format is ListFormat.PLAIN:
        return parse_do_not_call(text, source, country)
    return parse_us_registry(text, source)


def parse_us_registry(text: str, source: str) -> DoNotCall:
    """A US National DNC Registry full list: each record one US number, in E.164."""
    numbers = set()
    for line_no, entry in _entries(text):
        number = _registry_number(entry)
        if number is None:
            raise DoNotCallError(
                f"{source}:{line_no}: {entry!r} is not a registry record: expected the area "
                "code and the number (201,5550123) or ten digits (2015550123); change lists "
                "are not read, load the full list"
            )
        numbers.add(number)
    return DoNotCall(frozenset(numbers))


def _registry_number(entry: str) -> str | None:
    found = _REGISTRY_PAIR.fullmatch(entry) or _REGISTRY_TEN.fullmatch(entry)
    return f"+1{found[1]}{found[2]}" if found else None


def _entries(text: str) -> list[tuple[int, str]]:
    """(line number, entry) of the lines that hold something, comments removed."""
    lines = text.removeprefix("\ufeff").splitlines()
    found = ((no, line.split("#", 1)[0].strip()) for no, line in enumerate(lines, start=1))
    return [(no, entry) for no, entry in found if entry]
