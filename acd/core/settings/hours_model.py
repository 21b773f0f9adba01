"""Calendars in ``config/acd.yaml`` (docs/hours.md): parsed into acd.core.hours.Calendar, or
refused with file, line and key.

    calendars:
      paris:
        timezone: Europe/Paris
        holidays: france              # france, france-alsace-moselle or none
        hours:
          mon-fri: ["08:00-12:30", "13:30-19:00"]
          sat: ["09:00-12:00"]
        closures:
          - {date: 2026-12-24, label: Christmas Eve}
          - {from: 2026-08-10, to: 2026-08-14, label: summer}
          - {from: "2026-12-31 14:00", to: "2026-12-31 24:00"}
        openings:
          - {date: 2026-12-20, hours: ["10:00-16:00"], label: Christmas sale}
"""

from __future__ import annotations

import itertools
import re
from datetime import date, datetime, time, timedelta
from zoneinfo import available_timezones

from acd.core import yamlfile as y
from acd.core.hours import HOLIDAY_SETS, Calendar, Closure, Opening
from acd.core.hours.calendar import DAY_MINUTES, Interval
from acd.core.yamlfile import Node

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_NAME = re.compile(r"[a-z][a-z0-9_-]{0,30}")
_INTERVAL = re.compile(r"(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})", re.ASCII)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
_MOMENT = re.compile(r"(\d{4}-\d{2}-\d{2})(?: (\d{1,2}):(\d{2}))?", re.ASCII)
# Dates outside these years are typing mistakes; the bounds also keep date arithmetic
# (the day after a closure) far from Python's year 9999.
_FIRST_YEAR, _LAST_YEAR = 2000, 2199


def parse_calendars(node: Node) -> dict[str, Calendar]:
    """The ``calendars`` section: name -> calendar, or ConfigError with file, line, key."""
    zones = available_timezones()  # read once: it scans the time-zone database
    calendars = {}
    for key, value in y.entries(node):
        name = y.text(key)
        if not _NAME.fullmatch(name):
            raise key.error(f"{name!r}: use lower-case letters, digits, '-' or '_'")
        calendars[name] = _calendar(name, value, zones)
    return calendars


def _calendar(name: str, node: Node, zones: set[str]) -> Calendar:
    fields = y.mapping(node, {"timezone", "hours"}, {"holidays", "closures", "openings"})
    holiday_set = y.text(fields["holidays"]) if "holidays" in fields else "france"
    if holiday_set not in HOLIDAY_SETS:
        raise fields["holidays"].error(
            f"unknown holiday set {holiday_set!r} (known: {', '.join(HOLIDAY_SETS)})"
        )
    week = _week(fields["hours"])
    calendar = Calendar(
        name=name,
        timezone=_timezone(fields["timezone"], zones),
        week=week,
        holiday_set=holiday_set,
        closures=y.listed(fields["closures"], _closure) if "closures" in fields else (),
        openings=_openings(fields["openings"]) if "openings" in fields else (),
    )
    if not any(week) and not calendar.openings:
        raise fields["hours"].error("this calendar is never open: give at least one day's hours")
    return calendar


def _timezone(node: Node, zones: set[str]) -> str:
    # Checked against the database's list rather than by opening the name: that also
    # refuses a folder ("Europe"); "localtime" is refused because it means whatever the
    # host is set to, and a calendar must mean the same on every server.
    value = y.text(node)
    if value not in zones or value == "localtime":
        raise node.error(
            f"unknown time zone {value!r}: write a region and city from the "
            "time-zone database, e.g. Europe/Paris"
        )
    return value


def _week(node: Node) -> tuple[tuple[Interval, ...], ...]:
    week: list[tuple[Interval, ...] | None] = [None] * 7
    for key, value in y.entries(node):
        intervals = _intervals(value)
        for day in _days(key):
            if week[day] is not None:
                raise key.error(f"{DAYS[day]} is given twice")
            week[day] = intervals
    return tuple(hours or () for hours in week)


def _days(node: Node) -> list[int]:
    """'mon', 'mon-fri', 'sat,sun' -> weekday numbers (Monday = 0)."""
    found: list[int] = []
    for part in _written(node).lower().replace(" ", "").split(","):
        first, _, last = part.partition("-")
        if first not in DAYS or (last and last not in DAYS):
            raise node.error(
                f"{part!r}: days are mon, tue, wed, thu, fri, sat, sun, "
                "a range like mon-fri, or a list like sat,sun"
            )
        start, end = DAYS.index(first), DAYS.index(last or first)
        if end < start:
            raise node.error(f"{part!r}: the range goes backwards (write it from Monday on)")
        found += range(start, end + 1)
    return found


def _intervals(node: Node) -> tuple[Interval, ...]:
    intervals = sorted(y.listed(node, _interval))
    for (_, end), (start, _) in itertools.pairwise(intervals):
        if start < end:
            raise node.error("these hours overlap: give each period once")
    return tuple(intervals)


def _interval(node: Node) -> Interval:
    text = _written(node).replace(" ", "")
    match = _INTERVAL.fullmatch(text)
    if not match:
        raise node.error(f"{text!r}: write hours as HH:MM-HH:MM, e.g. 08:30-12:00")
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    if h1 > 23 or m1 > 59 or h2 > 24 or m2 > 59 or (h2 == 24 and m2):
        raise node.error(f"{text!r}: not a time of day (00:00 to 24:00)")
    start, end = h1 * 60 + m1, h2 * 60 + m2
    if end <= start:
        raise node.error(f"{text!r}: the end is not after the start")
    return start, min(end, DAY_MINUTES)


def _closure(node: Node) -> Closure:
    fields = y.mapping(node, set(), {"date", "from", "to", "label"})
    label = y.text(fields["label"]) if "label" in fields else ""
    if "date" in fields:
        if "from" in fields or "to" in fields:
            raise node.error("give either date or from/to, not both")
        day = _date(fields["date"])
        return Closure(_midnight(day), _midnight(day + timedelta(days=1)), label)
    if "from" not in fields or "to" not in fields:
        raise node.error("a closure needs date, or both from and to")
    start, end = _moment(fields["from"], False), _moment(fields["to"], True)
    if end <= start:
        raise fields["to"].error("the closure ends before it starts")
    return Closure(start, end, label)


def _openings(node: Node) -> tuple[Opening, ...]:
    openings: list[Opening] = []
    for item in y.sequence(node):
        opening = _opening(item)
        if any(o.day == opening.day for o in openings):
            raise item.error(
                f"{opening.day} already has an exceptional opening: "
                "give all of that day's hours in one entry"
            )
        openings.append(opening)
    return tuple(openings)


def _opening(node: Node) -> Opening:
    fields = y.mapping(node, {"date", "hours"}, {"label"})
    label = y.text(fields["label"]) if "label" in fields else ""
    hours = _intervals(fields["hours"])
    if not hours:
        raise fields["hours"].error(
            'an opening needs hours, e.g. ["10:00-16:00"] (to close a day, use closures)'
        )
    return Opening(_date(fields["date"]), hours, label)


def _moment(node: Node, is_end: bool) -> datetime:
    """'2026-08-10' (the whole day: its start, or for an end the next midnight) or
    '2026-12-31 14:00' ('24:00' is the next midnight)."""
    text = _written(node)
    match = _MOMENT.fullmatch(text)
    if not match:
        raise node.error(f"{text!r}: write YYYY-MM-DD or 'YYYY-MM-DD HH:MM'")
    day = _parse_date(node, match.group(1))
    if match.group(2) is None:
        return _midnight(day + timedelta(days=1) if is_end else day)
    hour, minute = int(match.group(2)), int(match.group(3))
    if hour == 24 and minute == 0:
        return _midnight(day + timedelta(days=1))
    if hour > 23 or minute > 59:
        raise node.error(f"{text!r}: not a time of day")
    return datetime.combine(day, time(hour, minute))


def _date(node: Node) -> date:
    text = _written(node)
    if not _DATE.fullmatch(text):
        raise node.error(f"{text!r}: write a date as YYYY-MM-DD, e.g. 2026-12-24")
    return _parse_date(node, text)


def _parse_date(node: Node, text: str) -> date:
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise node.error(f"{text!r} is not a date that exists (YYYY-MM-DD)") from None
    if not _FIRST_YEAR <= day.year <= _LAST_YEAR:
        raise node.error(f"{text!r}: the year must be from {_FIRST_YEAR} to {_LAST_YEAR}")
    return day


def _written(node: Node) -> str:
    """A value as the operator typed it. YAML would turn 2026-12-24 into a date (and fail
    on 2026-02-30) or 08:00 into a number of minutes; these readers check the text."""
    if not node.is_scalar:
        raise node.error("expected a single value, not a list or mapping")
    return str(node.raw.value)


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time())
