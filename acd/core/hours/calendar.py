"""A calendar: when a site or a queue is open, in its own time zone.

Precedence on a given day: an exceptional closure wins over everything; then an
exceptional opening (its hours replace the week's, even on a holiday); then a public
holiday (closed all day); then the weekly hours. Hours are wall-clock times in the
calendar's time zone, so they stay right across daylight-saving changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from acd.core.hours.holidays import holidays
from acd.core.hours.wallclock import jumps, readings

Interval = tuple[int, int]  # minutes since midnight, [start, end); end may be 1440
DAY_MINUTES = 1440
_SEARCH_DAYS = 400


@dataclass(frozen=True)
class Closure:
    """Closed from ``start`` to ``end`` (local wall-clock times, end excluded)."""

    start: datetime
    end: datetime
    label: str = ""


@dataclass(frozen=True)
class Opening:
    """On ``day``, open during ``hours`` instead of the usual ones (even on a holiday)."""

    day: date
    hours: tuple[Interval, ...]
    label: str = ""


@dataclass(frozen=True)
class Calendar:
    name: str
    timezone: str
    week: tuple[tuple[Interval, ...], ...]  # Monday first, 7 entries
    holiday_set: str = "france"
    closures: tuple[Closure, ...] = ()
    openings: tuple[Opening, ...] = ()

    def is_open(self, at: float) -> bool:
        return self.closed_because(at) is None

    def closed_because(self, at: float) -> str | None:
        """None when open; otherwise why closed, in words an operator reads in a log."""
        local = self._local(at)
        for closure in self.closures:
            if closure.start <= local < closure.end:
                return "exceptional closure" + (f": {closure.label}" if closure.label else "")
        minute = local.hour * 60 + local.minute
        if any(start <= minute < end for start, end in self.hours_on(local.date())):
            return None
        holiday = holidays(local.year, self.holiday_set).get(local.date())
        if holiday is not None and self._opening(local.date()) is None:
            return f"public holiday: {holiday}"
        return "outside opening hours"

    def hours_on(self, day: date) -> tuple[Interval, ...]:
        """The opening hours of ``day`` before exceptional closures."""
        opening = self._opening(day)
        if opening is not None:
            return opening.hours
        if day in holidays(day.year, self.holiday_set):
            return ()
        return self.week[day.weekday()]

    def next_opening(self, at: float) -> float | None:
        """The first instant at or after ``at`` when it is open; None within 400 days."""
        if self.is_open(at):
            return at
        zone = ZoneInfo(self.timezone)
        # From the day before: where clocks go back at midnight, the end of the previous
        # day's wall-clock hours comes again after ``at``.
        first = self._local(at).date() - timedelta(days=1)
        for offset in range(_SEARCH_DAYS):
            found = self._openings_on(first + timedelta(days=offset), zone, at)
            if found:
                # The next day's changes may come before this day's last ones when clocks
                # go back at midnight; they cannot come before the day after.
                later = self._openings_on(first + timedelta(days=offset + 1), zone, at)
                return min(found + later)
        return None

    def _openings_on(self, day: date, zone: ZoneInfo, after: float) -> list[float]:
        """The instants of ``day``, after ``after``, when the calendar goes from closed to
        open. Between the instants tried here its answer cannot change to open: each
        reading of an interval's start or a closure's end, and the clock changes."""
        midnight = datetime.combine(day, time())
        walls = [midnight + timedelta(minutes=start) for start, _ in self.hours_on(day)]
        walls += [c.end for c in self.closures if c.end.date() == day]
        instants = [instant for wall in walls for instant in readings(wall, zone)]
        instants += jumps(day, zone)
        return [t for t in instants if t > after and self.is_open(t)]

    def _opening(self, day: date) -> Opening | None:
        return next((o for o in self.openings if o.day == day), None)

    def _local(self, at: float) -> datetime:
        """Wall-clock time in the calendar's zone, naive (compared with closures)."""
        return datetime.fromtimestamp(at, ZoneInfo(self.timezone)).replace(tzinfo=None)
