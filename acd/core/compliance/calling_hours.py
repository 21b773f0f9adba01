"""When people may be called, by country (compliance.md), as business-hours calendars.

France (Code de la consommation D. 223-9): Monday to Friday, 10:00-13:00 and
14:00-20:00, never on public holidays, in the called person's time zone (metropolitan
France here: overseas numbers would need their own zone). Other countries in
compliance.md state no statutory window for a call the customer asked for; we use
08:00-21:00 on weekdays and Saturdays, the strictest common window (TCPA's 8-21)."""

from __future__ import annotations

from acd.core.hours import Calendar

_FRANCE = ((600, 780), (840, 1200))
_COMMON = ((480, 1260),)
_ZONES = {
    "FR": "Europe/Paris",
    "BE": "Europe/Brussels",
    "CH": "Europe/Zurich",
    "GB": "Europe/London",
    "US": "America/New_York",  # a number with no zone of its own: the eastern time
}


def legal_calling_hours(country: str) -> Calendar:
    if country == "FR":
        return Calendar("legal-FR", _ZONES["FR"], (_FRANCE,) * 5 + ((), ()), "france")
    return Calendar(f"legal-{country}", _ZONES[country], (_COMMON,) * 6 + ((),), "none")
