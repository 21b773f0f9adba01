"""When a campaign may call a person: the rule set's legal window, read in the **called
person's** time zone (compliance.md), with public holidays for the French rule set.

* FR: Monday to Friday, 10:00-13:00 and 14:00-20:00; never on a French public holiday
  (Code du travail L. 3133-1), nor, in an overseas department or collectivity, on its
  own public holiday (the abolition of slavery day, loi 83-550: Guadeloupe 27 May,
  Martinique 22 May, Guyane 10 June, La Réunion 20 December, Mayotte 27 April,
  Saint-Barthélemy 9 October, Saint-Martin 28 May).
* US: 08:00-21:00 every day (TCPA).
* UK: 08:00-21:00 Monday to Saturday (our policy).

The zones: the lead's own zone when it has one (from its postcode, or given); else the
number's zone when it has exactly one; else (none, or several: a mobile, a toll-free
number, an area code across two zones) every zone the number may be in and every zone
of its country (tzdata's zone.tab): the window must be open in all of them.
"""

from __future__ import annotations

from datetime import datetime
from functools import cache, lru_cache
from importlib import resources
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from acd.core.compliance.numbers import PhoneNumber
from acd.core.compliance.rule_set import RuleSet
from acd.core.hours import holidays

Interval = tuple[int, int]  # minutes since local midnight, [start, end)
_FRANCE = ((600, 780), (840, 1200))
_DAYTIME = ((480, 1260),)
LEGAL_WEEKS: dict[RuleSet, tuple[tuple[Interval, ...], ...]] = {  # Monday first
    RuleSet.FR: (_FRANCE,) * 5 + ((), ()),
    RuleSet.US: (_DAYTIME,) * 7,
    RuleSet.UK: (_DAYTIME,) * 6 + ((),),
}
# The abolition of slavery day, a public holiday in each overseas part of France.
OVERSEAS_HOLIDAYS = {
    "GP": (5, 27),
    "MQ": (5, 22),
    "GF": (6, 10),
    "RE": (12, 20),
    "YT": (4, 27),
    "BL": (10, 9),
    "MF": (5, 28),
}
_OVERSEAS_ZONES = {
    "America/Guadeloupe": "GP",
    "America/Martinique": "MQ",
    "America/Cayenne": "GF",
    "Indian/Reunion": "RE",
    "Indian/Mayotte": "YT",
    "America/St_Barthelemy": "BL",
    "America/Marigot": "MF",
}


def zones_to_check(number: PhoneNumber, lead_zone: str = "") -> tuple[str, ...]:
    """The zones the called person may be in; () when nothing says (never open)."""
    if lead_zone:
        return (lead_zone,)
    if len(number.time_zones) == 1:
        return number.time_zones
    return tuple(sorted(set(number.time_zones) | set(country_zones(number.country))))


def window_open(rule_set: RuleSet, number: PhoneNumber, lead_zone: str, at: float) -> bool:
    """Is the legal window open at ``at`` in every zone the called person may be in?"""
    zones = zones_to_check(number, lead_zone)
    return bool(zones) and all(legal_open(rule_set, zone, at, number.country) for zone in zones)


def legal_open(rule_set: RuleSet, zone: str, at: float, country: str | None = None) -> bool:
    """The rule set's window at ``at`` in ``zone`` (an unknown zone is never open);
    ``country``: the number's, whose own public holiday counts too (FR)."""
    tz = _zone(zone)
    if tz is None:
        return False
    local = datetime.fromtimestamp(at, tz)
    minute = local.hour * 60 + local.minute
    if not any(start <= minute < end for start, end in LEGAL_WEEKS[rule_set][local.weekday()]):
        return False
    if rule_set is not RuleSet.FR:
        return True
    day = local.date()
    if day in holidays(day.year, "france"):
        return False
    local_days = (OVERSEAS_HOLIDAYS.get(country or ""), OVERSEAS_HOLIDAYS.get(_region(zone)))
    return (day.month, day.day) not in local_days


def _region(zone: str) -> str:
    """The overseas part of France a zone is, or ""."""
    return _OVERSEAS_ZONES.get(zone, "")


@cache
def country_zones(country: str | None) -> tuple[str, ...]:
    """The zones of ``country`` (ISO code) in tzdata's zone.tab; () if it has none."""
    if not country:
        return ()
    return _zone_table().get(country, ())


@cache
def _zone_table() -> dict[str, tuple[str, ...]]:
    """zone.tab, read once: ``CC<tab>coordinates<tab>Zone[<tab>comment]`` lines."""
    try:
        text = resources.files("tzdata").joinpath("zoneinfo", "zone.tab").read_text("utf-8")
    except (ModuleNotFoundError, OSError):  # pragma: no cover - tzdata is a dependency
        return {}
    table: dict[str, list[str]] = {}
    for line in text.splitlines():
        fields = line.split("\t")
        if len(fields) >= 3 and not line.startswith("#"):
            table.setdefault(fields[0], []).append(fields[2])
    return {country: tuple(sorted(zones)) for country, zones in table.items()}


@lru_cache(maxsize=1024)
def _zone(key: str) -> ZoneInfo | None:
    try:
        return ZoneInfo(key)
    except (ZoneInfoNotFoundError, ValueError):
        return None
