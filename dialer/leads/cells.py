"""One value of a lead file read: a time zone, a French postcode's zone, a date, a yes or
no. Each returns the value or raises ValueError saying what was expected (the caller
names the column)."""

from __future__ import annotations

from collections.abc import Set
from datetime import date, datetime

_YES = {"yes", "y", "true", "1", "oui", "o"}
_NO = {"no", "n", "false", "0", "non"}
# French postcodes by their first three digits -> the zone of the people living there.
_POSTCODE_ZONES = {
    "971": "America/Guadeloupe",  # Guadeloupe, Saint-Barthélemy, Saint-Martin
    "972": "America/Martinique",
    "973": "America/Cayenne",  # Guyane
    "974": "Indian/Reunion",
    "975": "America/Miquelon",  # Saint-Pierre-et-Miquelon
    "976": "Indian/Mayotte",
    "980": "Europe/Monaco",
}
_MAINLAND = "Europe/Paris"  # every postcode not starting 97 or 98 (Corsica included)


def time_zone(raw: str, known: Set[str]) -> str:
    """``known``: zoneinfo.available_timezones(), read once per file."""
    if raw not in known:
        raise ValueError(
            f"{raw!r} is not a time zone (expected an IANA name such as Europe/Paris or "
            "America/Guadeloupe)"
        )
    return raw


def postcode_zone(raw: str) -> str:
    """The zone of the people living at a French postcode. 971 to 976 are the overseas
    departments; the other 97x and 98x (Polynesia, New Caledonia, Wallis...) have zones
    a postcode alone does not tell, so they are refused rather than guessed."""
    digits = raw.replace(" ", "")
    if len(digits) == 4 and digits.isdigit():  # a spreadsheet dropped the leading 0
        digits = "0" + digits
    if len(digits) != 5 or not digits.isascii() or not digits.isdigit():
        raise ValueError(f"{raw!r} is not a French postcode (5 digits)")
    if digits[:3] in _POSTCODE_ZONES:
        return _POSTCODE_ZONES[digits[:3]]
    if digits.startswith(("97", "98")):
        raise ValueError(
            f"{raw!r} is overseas, in a time zone the postcode does not tell: give the "
            "lead's time zone (time_zone column)"
        )
    return _MAINLAND


def iso_date(raw: str) -> date | datetime:
    """A date (2026-09-01) or a date-time (2026-09-01T14:30, with or without offset)."""
    try:
        return date.fromisoformat(raw)
    except ValueError:
        pass
    try:
        return datetime.fromisoformat(raw)
    except ValueError:
        raise ValueError(
            f"{raw!r} is not a date (expected ISO 8601: 2026-09-01 or 2026-09-01T14:30)"
        ) from None


def yes_no(raw: str) -> bool:
    said = raw.lower()
    if said not in _YES and said not in _NO:
        raise ValueError(f"{raw!r} is not yes or no (expected yes/no, oui/non, true/false or 1/0)")
    return said in _YES
