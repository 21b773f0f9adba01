"""Wall-clock readings to instants, daylight-saving changes included.

A wall-clock time may happen once, twice (the hour repeated when clocks go back) or
never (the hour skipped when they go forward). ``next_opening`` needs every instant
where a calendar may open: each reading of an interval's start, and the instants the
clocks jump, since a jump can land inside opening hours whose start was skipped or
bring back an hour that is open again.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo


def readings(wall: datetime, zone: ZoneInfo) -> list[float]:
    """The instants when the clock in ``zone`` reads ``wall`` (naive): usually one, two in
    a repeated hour, none in a skipped hour."""
    # fold=0 and fold=1 are the two readings of a repeated hour, the same instant otherwise.
    found = {wall.replace(tzinfo=zone, fold=fold).timestamp() for fold in (0, 1)}
    return sorted(instant for instant in found if _wall(instant, zone) == wall)


def jumps(day: date, zone: ZoneInfo) -> list[float]:
    """The instants during ``day`` when the clocks change (at most one a day, in practice).

    Days are cut at their first midnight reading, so consecutive days share a boundary and
    every change belongs to exactly one day."""
    start, end = _midnight(day, zone), _midnight(day + timedelta(days=1), zone)
    if _offset(start, zone) == _offset(end, zone):
        return []
    return [_first_with_offset_of(end, start, zone)]


def _first_with_offset_of(late: float, early: float, zone: ZoneInfo) -> float:
    """The first whole second after ``early`` whose UTC offset is already ``late``'s."""
    target = _offset(late, zone)
    low, high = int(early), int(late)  # offset(low) differs, offset(high) is the target
    while high - low > 1:
        middle = (low + high) // 2
        if _offset(middle, zone) == target:
            high = middle
        else:
            low = middle
    return float(high)


def _midnight(day: date, zone: ZoneInfo) -> float:
    return datetime.combine(day, time(), zone).timestamp()


def _offset(instant: float, zone: ZoneInfo) -> timedelta | None:
    return datetime.fromtimestamp(instant, zone).utcoffset()


def _wall(instant: float, zone: ZoneInfo) -> datetime:
    return datetime.fromtimestamp(instant, zone).replace(tzinfo=None)
