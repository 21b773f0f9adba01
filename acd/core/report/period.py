"""The period a report covers, from the operator's --from and --to. Pure: ``now`` and
the time zone are arguments.

    --from 2024-03-11                     that day, 00:00 to 24:00 local time
    --from 2024-03-11 --to 2024-03-17     a week: --to is a day, included
    --from "2024-03-11 08:00" --to "2024-03-11 12:30"    instants, --to excluded
    --from today | yesterday              (the default is today)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo

from acd.core.report.errors import BadPeriodError

_EXPECTED = "expected YYYY-MM-DD, 'YYYY-MM-DD HH:MM', today or yesterday"


@dataclass(frozen=True)
class Period:
    since: float  # epoch seconds, included
    until: float  # epoch seconds, excluded
    label: str  # for the report's header

    def contains(self, at: float) -> bool:
        return self.since <= at < self.until


def parse_period(start: str, end: str | None, now: float, tz: tzinfo | None = None) -> Period:
    """``tz`` None: the machine's local time zone (with its daylight-saving rules)."""
    first = _parse("--from", start, now, tz)
    last = _parse("--to", end, now, tz) if end is not None else _day_of(first)
    since = _start_of(first, tz)
    if isinstance(last, datetime):
        until = _aware(last, tz)
    else:
        until = _start_of(last + timedelta(days=1), tz)
    if until <= since:
        raise BadPeriodError(f"--to {end!r} is not after --from {start!r}")
    label = f"{since:%Y-%m-%d %H:%M} to {until:%Y-%m-%d %H:%M} ({since.tzname()})"
    return Period(since.timestamp(), until.timestamp(), label)


def _parse(option: str, text: str, now: float, tz: tzinfo | None) -> date | datetime:
    """A day (``date``) or an instant (``datetime``)."""
    word = text.strip().lower()
    if word in ("today", "yesterday"):
        today = datetime.fromtimestamp(now, tz).date()
        return today if word == "today" else today - timedelta(days=1)
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        pass
    try:
        return datetime.fromisoformat(text.strip())
    except ValueError:
        raise BadPeriodError(f"{option} {text!r}: not a date ({_EXPECTED})") from None


def _day_of(moment: date | datetime) -> date:
    return moment.date() if isinstance(moment, datetime) else moment


def _start_of(moment: date | datetime, tz: tzinfo | None) -> datetime:
    """An instant as is; a day from its midnight."""
    if isinstance(moment, datetime):  # (a datetime is also a date: test it first)
        return _aware(moment, tz)
    return _aware(datetime(moment.year, moment.month, moment.day), tz)


def _aware(moment: datetime, tz: tzinfo | None) -> datetime:
    if moment.tzinfo is not None:
        return moment
    return moment.astimezone() if tz is None else moment.replace(tzinfo=tz)
