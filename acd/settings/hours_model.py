"""Calendars in ``config/acd.yaml`` (docs/hours.md): parsed into acd.hours.Calendar, or
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
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from acd.hours import HOLIDAY_SETS, Calendar, Closure, Opening
from acd.hours.calendar import DAY_MINUTES, Interval
from acd.settings import yamlnodes as y
from acd.settings.yamlnodes import Node

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_NAME = re.compile(r"^[a-z][a-z0-9_-]{0,30}$")
_INTERVAL = re.compile(r"^(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$")
_MOMENT = re.compile(r"^(\d{4}-\d{2}-\d{2})(?: (\d{1,2}):(\d{2}))?$")


def parse_calendars(node: Node) -> dict[str, Calendar]:
    calendars = {}
    for key, value in y.entries(node):
        name = y.text(key)
        if not _NAME.match(name):
            raise key.error(f"{name!r}: use lower-case letters, digits, '-' or '_'")
        calendars[name] = _calendar(name, value)
    return calendars


def _calendar(name: str, node: Node) -> Calendar:
    fields = y.mapping(node, {"timezone", "hours"}, {"holidays", "closures", "openings"})
    holiday_set = y.text(fields["holidays"]) if "holidays" in fields else "france"
    if holiday_set not in HOLIDAY_SETS:
        raise fields["holidays"].error(
            f"unknown holiday set {holiday_set!r} (known: {', '.join(HOLIDAY_SETS)})"
        )
    week = _week(fields["hours"])
    calendar = Calendar(
        name, _timezone(fields["timezone"]), week, holiday_set,
        y.listed(fields["closures"], _closure) if "closures" in fields else (),
        y.listed(fields["openings"], _opening) if "openings" in fields else (),
    )  # fmt: skip
    if not any(week) and not calendar.openings:
        raise fields["hours"].error("this calendar is never open: give at least one day's hours")
    return calendar


def _timezone(node: Node) -> str:
    value = y.text(node)
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise node.error(f"unknown time zone {value!r} (e.g. Europe/Paris)") from None
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
    for part in y.text(node).lower().replace(" ", "").split(","):
        first, _, last = part.partition("-")
        if first not in DAYS or (last and last not in DAYS):
            raise node.error(f"{part!r}: days are mon, tue, wed, thu, fri, sat, sun, "
                             "a range like mon-fri, or a list like sat,sun")  # fmt: skip
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
    text = y.text(node).replace(" ", "")
    match = _INTERVAL.match(text)
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


def _opening(node: Node) -> Opening:
    fields = y.mapping(node, {"date", "hours"}, {"label"})
    label = y.text(fields["label"]) if "label" in fields else ""
    return Opening(_date(fields["date"]), _intervals(fields["hours"]), label)


def _moment(node: Node, is_end: bool) -> datetime:
    """'2026-08-10' (the whole day: its start, or for an end the next midnight) or
    '2026-12-31 14:00' ('24:00' is the next midnight)."""
    text = y.text(node)
    match = _MOMENT.match(text)
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
    value = node.raw.value if node.is_scalar else None
    return _parse_date(node, str(value))


def _parse_date(node: Node, text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise node.error(f"{text!r} is not a date (YYYY-MM-DD that exists)") from None


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time())
