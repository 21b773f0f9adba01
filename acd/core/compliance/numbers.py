"""Phone numbers to E.164, so one person is one number however it was written.

``+33 6 12 34 56 78``, ``06.12.34.56.78``, ``0033612345678`` and ``(0)6 12 34 56 78``
after +33 are the same number, ``+33612345678``: a do-not-call list must match all of
them (compliance.md, "Always"). Numbers written without a country are read in the
centre's country (France by default: a 10-digit number starting with 0).
"""

from __future__ import annotations

import re

# Country -> (calling code, digits of a national number after its leading 0)
_NATIONAL = {"FR": ("33", 9), "BE": ("32", 8), "CH": ("41", 9), "GB": ("44", 10)}
_SEPARATORS = re.compile(r"[\s.\-/()]")


class NumberError(ValueError):
    """Not a phone number: says what was given and what is expected."""


def to_e164(raw: str, country: str = "FR") -> str:
    """The number as ``+<country code><number>``, or NumberError."""
    if country not in _NATIONAL:
        raise NumberError(f"unknown country {country!r} (known: {', '.join(_NATIONAL)})")
    digits = _SEPARATORS.sub("", raw.strip())
    digits = digits.replace("+330", "+33").replace("+(0)", "+")  # "+33 (0)6 ..." habit
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    if digits.startswith("+"):
        return _international(raw, digits[1:])
    code, length = _NATIONAL[country]
    if digits.startswith("0") and len(digits) == length + 1 and digits.isdigit():
        return f"+{code}{digits[1:]}"
    raise NumberError(
        f"{raw!r} is not a phone number: expected a national number ({length + 1} digits "
        f"starting with 0) or an international one (+ or 00, then the country code)"
    )


def _international(raw: str, digits: str) -> str:
    if not digits.isdigit() or not 8 <= len(digits) <= 15 or digits.startswith("0"):
        raise NumberError(f"{raw!r} is not an international number (+, then 8 to 15 digits)")
    return "+" + digits
