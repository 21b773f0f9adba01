"""Public holidays, by year. France's (Code du travail L. 3133-1) and Alsace-Moselle's
two more; Easter by the anonymous Gregorian algorithm (Meeus/Jones/Butcher)."""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache

FRANCE = "france"
ALSACE_MOSELLE = "france-alsace-moselle"
NONE = "none"
HOLIDAY_SETS = (FRANCE, ALSACE_MOSELLE, NONE)

_FIXED = (
    (1, 1, "New Year's Day"),
    (5, 1, "Labour Day"),
    (5, 8, "Victory in Europe Day"),
    (7, 14, "Bastille Day"),
    (8, 15, "Assumption"),
    (11, 1, "All Saints' Day"),
    (11, 11, "Armistice Day"),
    (12, 25, "Christmas Day"),
)
# Days after Easter Sunday.
_MOVABLE = ((1, "Easter Monday"), (39, "Ascension"), (50, "Whit Monday"))
_ALSACE_MOSELLE = ((-2, "Good Friday"),)


def easter(year: int) -> date:
    """Easter Sunday of ``year`` in the Gregorian calendar."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    leap = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * leap) // 451
    month, day = divmod(h + leap - 7 * m + 114, 31)
    return date(year, month, day + 1)


@cache
def holidays(year: int, holiday_set: str) -> dict[date, str]:
    """Date -> name of the holidays of ``year`` in ``holiday_set`` (see HOLIDAY_SETS)."""
    if holiday_set == NONE:
        return {}
    found = {date(year, month, day): name for month, day, name in _FIXED}
    sunday = easter(year)
    movable = _MOVABLE + (_ALSACE_MOSELLE if holiday_set == ALSACE_MOSELLE else ())
    found.update({sunday + timedelta(days=offset): name for offset, name in movable})
    if holiday_set == ALSACE_MOSELLE:
        found[date(year, 12, 26)] = "St Stephen's Day"
    return found
