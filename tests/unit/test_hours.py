"""Business-hours calendars: Easter and the French holidays, weekly hours, closures and
openings, daylight-saving changes, and two plain references (minute by minute) that the
calendar must agree with on random calendars and instants."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from acd.core.hours import Calendar, Closure, Opening, easter, holidays
from acd.core.hours.calendar import Interval

PARIS = ZoneInfo("Europe/Paris")
WEEKDAYS = ((480, 750), (810, 1140))  # 08:00-12:30, 13:30-19:00
OFFICE = Calendar("office", "Europe/Paris", (WEEKDAYS,) * 5 + (((540, 720),), ()))
EVERY_DAY = Calendar("every-day", "Europe/Paris", (((480, 1140),),) * 7)


def at(text: str, zone: ZoneInfo = PARIS) -> float:
    """Epoch seconds of a wall-clock reading (the first, if the hour is repeated)."""
    return datetime.fromisoformat(text).replace(tzinfo=zone).timestamp()


def utc(text: str) -> float:
    return datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp()


# Western Easter Sundays, from published tables; 1818 and 2285 are the earliest possible
# date (22 March), 1943 and 2038 the latest (25 April).
EASTER_SUNDAYS = (
    "2000-04-23",
    "2001-04-15",
    "2002-03-31",
    "2003-04-20",
    "2004-04-11",
    "2005-03-27",
    "2006-04-16",
    "2007-04-08",
    "2008-03-23",
    "2009-04-12",
    "2010-04-04",
    "2011-04-24",
    "2012-04-08",
    "2013-03-31",
    "2014-04-20",
    "2015-04-05",
    "2016-03-27",
    "2017-04-16",
    "2018-04-01",
    "2019-04-21",
    "2020-04-12",
    "2021-04-04",
    "2022-04-17",
    "2023-04-09",
    "2024-03-31",
    "2025-04-20",
    "2026-04-05",
    "2027-03-28",
    "2028-04-16",
    "2029-04-01",
    "2030-04-21",
    "2031-04-13",
    "2032-03-28",
    "2033-04-17",
    "2034-04-09",
    "2035-03-25",
    "1818-03-22",
    "1943-04-25",
    "2038-04-25",
    "2285-03-22",
)


@pytest.mark.parametrize("sunday", EASTER_SUNDAYS)
def test_easter_sunday_matches_the_published_tables(sunday: str) -> None:
    day = date.fromisoformat(sunday)
    assert easter(day.year) == day


def gauss_easter(year: int) -> date:
    """Gauss's Easter formula with its two exceptions: a second, independent computus."""
    a, b, c, k = year % 19, year % 4, year % 7, year // 100
    p, q = (13 + 8 * k) // 25, k // 4
    m, n = (15 - p + k - q) % 30, (4 + k - q) % 7
    d = (19 * a + m) % 30
    e = (2 * b + 4 * c + 6 * d + n) % 7
    if d == 29 and e == 6:
        return date(year, 4, 19)
    if d == 28 and e == 6 and (11 * m + 11) % 30 < 19:
        return date(year, 4, 18)
    return date(year, 3, 22) + timedelta(days=d + e)


@given(st.integers(1583, 9999))
def test_easter_agrees_with_gauss_and_is_a_sunday_in_its_window(year: int) -> None:
    sunday = easter(year)
    assert sunday == gauss_easter(year)
    assert sunday.weekday() == 6
    assert date(year, 3, 22) <= sunday <= date(year, 4, 25)


FRANCE_2026 = [
    ("2026-01-01", "New Year's Day"),
    ("2026-04-06", "Easter Monday"),
    ("2026-05-01", "Labour Day"),
    ("2026-05-08", "Victory in Europe Day"),
    ("2026-05-14", "Ascension"),
    ("2026-05-25", "Whit Monday"),
    ("2026-07-14", "Bastille Day"),
    ("2026-08-15", "Assumption"),
    ("2026-11-01", "All Saints' Day"),
    ("2026-11-11", "Armistice Day"),
    ("2026-12-25", "Christmas Day"),
]


@pytest.mark.parametrize(("day", "name"), FRANCE_2026)
def test_each_french_holiday_of_2026_is_closed_all_day(day: str, name: str) -> None:
    for hour in ("08:00", "12:00", "18:59"):
        assert EVERY_DAY.closed_because(at(f"{day} {hour}")) == f"public holiday: {name}"
    after = date.fromisoformat(day) + timedelta(days=1)
    if str(after) not in dict(FRANCE_2026):
        assert EVERY_DAY.is_open(at(f"{after} 08:00"))


def test_the_holiday_sets() -> None:
    assert sorted(str(d) for d in holidays(2026, "france")) == [d for d, _ in FRANCE_2026]
    alsace = holidays(2026, "france-alsace-moselle")
    assert {d: alsace[d] for d in set(alsace) - set(holidays(2026, "france"))} == {
        date(2026, 4, 3): "Good Friday",
        date(2026, 12, 26): "St Stephen's Day",
    }
    assert holidays(2026, "none") == {}
    assert EVERY_DAY.is_open(at("2026-04-03 10:00"))  # Good Friday: open in most of France
    alsace_days = Calendar("strasbourg", "Europe/Paris", EVERY_DAY.week, "france-alsace-moselle")
    assert alsace_days.closed_because(at("2026-04-03 10:00")) == "public holiday: Good Friday"


def test_weekly_hours() -> None:
    assert not OFFICE.is_open(at("2026-11-24 07:59"))  # a Tuesday
    assert OFFICE.is_open(at("2026-11-24 08:00"))
    assert OFFICE.is_open(at("2026-11-24 12:29:59"))
    assert OFFICE.closed_because(at("2026-11-24 12:30")) == "outside opening hours"  # lunch
    assert OFFICE.is_open(at("2026-11-28 11:59"))  # Saturday morning
    assert OFFICE.closed_because(at("2026-11-29 10:00")) == "outside opening hours"  # Sunday


def test_closures_win_and_openings_replace_the_day() -> None:
    calendar = Calendar(
        "c",
        "Europe/Paris",
        OFFICE.week,
        closures=(
            Closure(datetime(2026, 12, 24, 14), datetime(2026, 12, 25), "Christmas Eve"),
            Closure(datetime(2026, 8, 10), datetime(2026, 8, 15), "summer"),
            Closure(datetime(2026, 12, 27), datetime(2026, 12, 28)),
        ),
        openings=(
            Opening(date(2026, 12, 20), ((600, 960),), "sale"),
            Opening(date(2026, 12, 25), ((600, 720),)),
            Opening(date(2026, 12, 27), ((600, 720),)),
        ),
    )
    assert calendar.is_open(at("2026-12-24 11:00"))
    assert calendar.closed_because(at("2026-12-24 15:00")) == "exceptional closure: Christmas Eve"
    assert calendar.closed_because(at("2026-08-14 18:00")) == "exceptional closure: summer"
    assert calendar.is_open(at("2026-12-20 15:59"))  # a Sunday opening
    assert not calendar.is_open(at("2026-12-20 16:00"))
    assert calendar.is_open(at("2026-12-25 10:00"))  # open on a holiday by exception
    assert calendar.closed_because(at("2026-12-25 13:00")) == "outside opening hours"
    assert calendar.closed_because(at("2026-12-27 11:00")) == "exceptional closure"  # wins


# Europe/Paris in 2026: 02:00 CET becomes 03:00 CEST on 29 March at 01:00 UTC, and
# 03:00 CEST becomes 02:00 CET on 25 October at 01:00 UTC (02:00-03:00 happens twice).
NIGHT = Calendar("night", "Europe/Paris", ((),) * 6 + (((135, 165), (190, 240)),), "none")


def test_the_spring_change_skips_the_hour_and_keeps_wall_clock_hours() -> None:
    assert not NIGHT.is_open(utc("2026-03-29 00:59:59"))  # 01:59:59 CET
    assert not NIGHT.is_open(utc("2026-03-29 01:00"))  # 03:00 CEST: 02:15-02:45 never was
    assert not NIGHT.is_open(utc("2026-03-29 01:09:59"))
    assert NIGHT.is_open(utc("2026-03-29 01:10"))  # 03:10 CEST
    assert NIGHT.next_opening(utc("2026-03-29 00:00")) == utc("2026-03-29 01:10")
    across = Calendar("c", "Europe/Paris", ((),) * 6 + (((150, 240),),), "none")  # 02:30-04:00
    assert not across.is_open(utc("2026-03-29 00:59"))
    assert across.is_open(utc("2026-03-29 01:00"))  # the clocks jump into opening hours
    assert across.next_opening(utc("2026-03-29 00:00")) == utc("2026-03-29 01:00")


def test_the_autumn_change_repeats_the_hour_and_both_are_open() -> None:
    assert NIGHT.is_open(utc("2026-10-25 00:15"))  # 02:15 CEST
    assert not NIGHT.is_open(utc("2026-10-25 00:45"))  # 02:45 CEST
    assert NIGHT.next_opening(utc("2026-10-25 00:50")) == utc("2026-10-25 01:15")  # 02:15 CET
    assert NIGHT.is_open(utc("2026-10-25 01:44:59"))
    assert NIGHT.next_opening(utc("2026-10-25 01:45")) == utc("2026-10-25 02:10")  # 03:10 CET
    back_in = Calendar("c", "Europe/Paris", ((),) * 6 + (((60, 140),),), "none")  # 01:00-02:20
    assert not back_in.is_open(utc("2026-10-25 00:30"))  # 02:30 CEST
    assert back_in.next_opening(utc("2026-10-25 00:30")) == utc("2026-10-25 01:00")  # 02:00 CET


@pytest.mark.parametrize("monday", ["2026-03-30", "2026-10-26"])
def test_the_day_after_a_change_opens_at_the_same_wall_clock_time(monday: str) -> None:
    assert not OFFICE.is_open(at(f"{monday} 07:59"))
    assert OFFICE.is_open(at(f"{monday} 08:00"))
    assert OFFICE.next_opening(at(f"{monday} 03:00")) == at(f"{monday} 08:00")


def test_next_opening_across_holiday_weekends() -> None:
    # Friday 2026-05-01 is Labour Day: after Thursday evening, next is Saturday 09:00.
    assert OFFICE.next_opening(at("2026-04-30 19:30")) == at("2026-05-02 09:00")
    assert OFFICE.next_opening(at("2026-04-30 10:00")) == at("2026-04-30 10:00")
    weekdays = Calendar("weekdays", "Europe/Paris", (WEEKDAYS,) * 5 + ((), ()))
    # Easter: Good Friday (Alsace-Moselle only), the weekend, Easter Monday.
    assert weekdays.next_opening(at("2026-04-02 19:00")) == at("2026-04-03 08:00")
    strasbourg = Calendar("s", "Europe/Paris", weekdays.week, "france-alsace-moselle")
    assert strasbourg.next_opening(at("2026-04-02 19:00")) == at("2026-04-07 08:00")
    # Christmas 2026 on a Friday, St Stephen's on Saturday (Alsace-Moselle).
    assert strasbourg.next_opening(at("2026-12-24 19:00")) == at("2026-12-28 08:00")


def test_next_opening_after_a_closure_ending_mid_day_and_never() -> None:
    lunch_meeting = Closure(datetime(2026, 11, 24, 10), datetime(2026, 11, 24, 14, 45))
    calendar = Calendar("c", "Europe/Paris", OFFICE.week, closures=(lunch_meeting,))
    assert calendar.next_opening(at("2026-11-24 10:30")) == at("2026-11-24 14:45")
    never = Calendar("never", "Europe/Paris", ((),) * 7)
    assert never.next_opening(at("2026-04-30 10:00")) is None
    long_works = Closure(datetime(2026, 1, 1), datetime(2028, 1, 1), "works")
    shut = Calendar("c", "Europe/Paris", OFFICE.week, closures=(long_works,))
    assert shut.next_opening(at("2026-01-05 10:00")) is None  # not within 400 days


# ---- random calendars against plain references ------------------------------------------

ZONES = ("Europe/Paris", "America/New_York", "Australia/Lord_Howe", "America/Havana", "UTC")
YEAR_START = utc("2026-01-01 00:00")


@st.composite
def day_hours(draw: st.DrawFn, at_least_one: bool = False) -> tuple[Interval, ...]:
    """Non-overlapping periods on quarter hours, some of them in the small hours when
    clocks change (Havana changes at midnight, Lord Howe by half an hour)."""
    quarter = st.integers(0, 96) | st.integers(0, 16)  # often 00:00-04:00
    points = sorted(draw(st.sets(quarter, min_size=2 * at_least_one, max_size=6)))
    # Paired in order: start, end, start, end... (an odd last point is dropped).
    pairs = zip(points[::2], points[1::2], strict=False)
    return tuple((start * 15, end * 15) for start, end in pairs)


@st.composite
def calendars(draw: st.DrawFn) -> Calendar:
    def local(minutes: int) -> datetime:
        return datetime(2026, 1, 1) + timedelta(minutes=minutes)

    closures = []
    for _ in range(draw(st.integers(0, 3))):
        start = draw(st.integers(0, 365 * 1440))
        length = draw(st.integers(1, 10 * 1440))
        closures.append(Closure(local(start), local(start + length), draw(st.sampled_from("ab"))))
    days = draw(st.sets(st.integers(0, 364), max_size=3))
    openings = [Opening(local(d * 1440).date(), draw(day_hours(True))) for d in sorted(days)]
    return Calendar(
        "random",
        draw(st.sampled_from(ZONES)),
        tuple(draw(day_hours()) for _ in range(7)),
        draw(st.sampled_from(["france", "france-alsace-moselle", "none"])),
        tuple(closures),
        tuple(openings),
    )


@cache
def clock_changes(zone_name: str) -> tuple[float, ...]:
    """The instants of 2026 when the zone's offset changes, found hour by hour."""
    zone = ZoneInfo(zone_name)
    hours = [YEAR_START + 3600 * h for h in range(366 * 24)]
    offsets = [datetime.fromtimestamp(t, zone).utcoffset() for t in hours]
    pairs = zip(hours[1:], offsets, offsets[1:], strict=False)
    return tuple(t for t, before, now in pairs if before != now)


@st.composite
def instants(draw: st.DrawFn, zone_name: str) -> float:
    """Any instant of 2026, or more often one within a few hours of a clock change."""
    changes = clock_changes(zone_name)
    near_a_change = draw(st.integers(0, 3)) > 0  # three times in four
    if changes and near_a_change:
        return draw(st.sampled_from(changes)) + draw(st.integers(-4 * 3600, 3 * 3600))
    return YEAR_START + draw(st.integers(0, 365 * 86400))


def reference_is_open(calendar: Calendar, instant: float) -> bool:
    """The rules of docs/hours.md read plainly, one minute of the wall clock at a time."""
    wall = datetime.fromtimestamp(instant, UTC).astimezone(ZoneInfo(calendar.timezone))
    wall = wall.replace(tzinfo=None)
    if any(c.start <= wall < c.end for c in calendar.closures):
        return False
    day = wall.date()
    special = [o.hours for o in calendar.openings if o.day == day]
    if special:
        hours = special[0]
    elif day in holidays(day.year, calendar.holiday_set):
        hours = ()
    else:
        hours = calendar.week[day.weekday()]
    open_minutes = {minute for start, end in hours for minute in range(start, end)}
    return wall.hour * 60 + wall.minute in open_minutes


@settings(max_examples=250, deadline=None)
@given(st.data())
def test_is_open_agrees_with_the_minute_by_minute_reference(data: st.DataObject) -> None:
    calendar = data.draw(calendars())
    for _ in range(20):
        instant = data.draw(instants(calendar.timezone))
        assert calendar.is_open(instant) == reference_is_open(calendar, instant)
        assert (calendar.closed_because(instant) is None) == calendar.is_open(instant)


def scan_for_opening(calendar: Calendar, start: float, days: int) -> float | None:
    """The first open minute from ``start``, tried one minute at a time (every zone here
    is a whole number of minutes from UTC, so the answer only changes on UTC minutes)."""
    if calendar.is_open(start):
        return start
    minute = (int(start) // 60 + 1) * 60
    for instant in range(minute, minute + days * 86400, 60):
        if calendar.is_open(instant):
            return float(instant)
    return None


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_next_opening_is_the_first_open_minute(data: st.DataObject) -> None:
    calendar = data.draw(calendars())
    start = data.draw(instants(calendar.timezone))
    found = calendar.next_opening(start)
    expected = scan_for_opening(calendar, start, days=9)
    if expected is None:
        assert found is None or found > start + 9 * 86400
    else:
        assert found == expected
