"""Business-hours calendars: holidays, weekly hours, closures, openings, DST, and the
calendars section of acd.yaml refused with file, line and key."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from acd.hours import Calendar, Closure, Opening, easter, holidays
from acd.settings import ConfigError, parse_settings
from acd.settings.hours_model import parse_calendars
from acd.settings.yamlnodes import parse

PARIS = ZoneInfo("Europe/Paris")
WEEKDAYS = ((480, 750), (810, 1140))  # 08:00-12:30, 13:30-19:00
OFFICE = Calendar("office", "Europe/Paris", (WEEKDAYS,) * 5 + (((540, 720),), ()))


def at(text: str) -> float:
    return datetime.fromisoformat(text).replace(tzinfo=PARIS).timestamp()


@pytest.mark.parametrize(
    ("year", "sunday"),
    [(2000, "2000-04-23"), (2008, "2008-03-23"), (2011, "2011-04-24"), (2019, "2019-04-21"),
     (2024, "2024-03-31"), (2025, "2025-04-20"), (2026, "2026-04-05"), (2027, "2027-03-28"),
     (2030, "2030-04-21"), (2038, "2038-04-25")],
)  # fmt: skip
def test_easter_sunday(year: int, sunday: str) -> None:
    assert easter(year) == date.fromisoformat(sunday)


def test_the_french_holidays_of_2026_and_alsace_moselle_two_more() -> None:
    france = holidays(2026, "france")
    assert sorted(str(d) for d in france) == [
        "2026-01-01", "2026-04-06", "2026-05-01", "2026-05-08", "2026-05-14", "2026-05-25",
        "2026-07-14", "2026-08-15", "2026-11-01", "2026-11-11", "2026-12-25"]  # fmt: skip
    alsace = holidays(2026, "france-alsace-moselle")
    assert set(alsace) - set(france) == {date(2026, 4, 3), date(2026, 12, 26)}
    assert holidays(2026, "none") == {}


def test_weekly_hours_and_holidays() -> None:
    assert OFFICE.is_open(at("2026-11-24 08:00"))  # a Tuesday
    assert not OFFICE.is_open(at("2026-11-24 12:30"))  # the lunch break starts
    assert OFFICE.is_open(at("2026-11-28 11:59"))  # Saturday morning
    assert OFFICE.closed_because(at("2026-11-29 10:00")) == "outside opening hours"  # Sunday
    assert OFFICE.closed_because(at("2026-05-14 10:00")) == "public holiday: Ascension"


def test_closures_win_and_openings_replace_the_day() -> None:
    calendar = Calendar(
        "c", "Europe/Paris", OFFICE.week,
        closures=(Closure(datetime(2026, 12, 24, 14), datetime(2026, 12, 25), "Christmas Eve"),),
        openings=(Opening(date(2026, 12, 20), ((600, 960),), "sale"),
                  Opening(date(2026, 12, 25), ((600, 720),))),
    )  # fmt: skip
    assert calendar.is_open(at("2026-12-24 11:00"))
    assert calendar.closed_because(at("2026-12-24 15:00")) == "exceptional closure: Christmas Eve"
    assert calendar.is_open(at("2026-12-20 15:59"))  # a Sunday opening
    assert calendar.is_open(at("2026-12-25 10:00"))  # open on a holiday by exception


def test_hours_are_wall_clock_across_daylight_saving_changes() -> None:
    # 2026-03-29 and 2026-10-25 are the Sundays of the changes; Monday hours stay 08:00.
    for monday in ("2026-03-30", "2026-10-26"):
        assert not OFFICE.is_open(at(f"{monday} 07:59"))
        assert OFFICE.is_open(at(f"{monday} 08:00"))


def test_next_opening_skips_a_holiday_weekend() -> None:
    # Friday 2026-05-01 is Labour Day: after Thursday evening, next is Saturday 09:00.
    assert OFFICE.next_opening(at("2026-04-30 19:30")) == at("2026-05-02 09:00")
    assert OFFICE.next_opening(at("2026-04-30 10:00")) == at("2026-04-30 10:00")
    never = Calendar("never", "Europe/Paris", ((),) * 7)
    assert never.next_opening(at("2026-04-30 10:00")) is None


@settings(max_examples=300)
@given(st.integers(0, 3 * 366 * 24 * 60))
def test_is_open_agrees_with_a_plain_reading_of_the_rules(minutes: int) -> None:
    local = datetime(2026, 1, 1) + timedelta(minutes=minutes)
    instant = local.replace(tzinfo=PARIS)
    if instant.replace(tzinfo=None) != datetime.fromtimestamp(instant.timestamp(), PARIS).replace(
        tzinfo=None
    ):
        return  # a wall-clock time that does not exist (the spring-forward hour)
    minute = local.hour * 60 + local.minute
    holiday = local.date() in holidays(local.year, "france")
    expected = not holiday and any(s <= minute < e for s, e in OFFICE.week[local.weekday()])
    assert OFFICE.is_open(instant.timestamp()) == expected


YAML = """\
paris:
  timezone: Europe/Paris
  holidays: france
  hours:
    mon-fri: ["08:00-12:30", "13:30-19:00"]
    sat: ["09:00-12:00"]
  closures:
    - {date: 2026-12-24, label: Christmas Eve}
    - {from: 2026-08-10, to: 2026-08-14, label: summer}
    - {from: "2026-12-31 14:00", to: "2026-12-31 24:00"}
  openings:
    - {date: 2026-12-20, hours: ["10:00-16:00"]}
"""


def test_the_documented_example_parses() -> None:
    paris = parse_calendars(parse(YAML, "acd.yaml"))["paris"]
    assert paris.week[0] == WEEKDAYS
    assert paris.week[6] == ()
    assert not paris.is_open(at("2026-08-14 10:00"))  # the summer closure includes the 14th
    assert paris.is_open(at("2026-08-17 10:00"))
    assert not paris.is_open(at("2026-12-31 15:00"))
    assert paris.is_open(at("2026-12-20 11:00"))


@pytest.mark.parametrize(
    ("change", "key", "message"),
    [
        (("Europe/Paris", "Mars/Olympus"), "paris.timezone", "unknown time zone"),
        (("holidays: france", "holidays: mars"), "paris.holidays", "unknown holiday set"),
        (("mon-fri:", "mon-frx:"), "paris.hours.mon-frx", "days are mon"),
        (("sat:", "fri:"), "paris.hours.fri", "fri is given twice"),
        (("13:30-19:00", "12:00-19:00"), "paris.hours.mon-fri", "overlap"),
        (("09:00-12:00", "12:00-09:00"), "paris.hours.sat[0]", "end is not after the start"),
        (("09:00-12:00", "9h-12h"), "paris.hours.sat[0]", "HH:MM-HH:MM"),
        (("date: 2026-12-24", "date: 2026-02-30"), "paris.closures[0].date", "is not a date"),
        (("to: 2026-08-14", "to: 2026-08-01"), "paris.closures[1].to", "ends before it starts"),
    ],
)  # fmt: skip
def test_mistakes_are_refused_with_file_line_and_key(
    change: tuple[str, str], key: str, message: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_calendars(parse(YAML.replace(*change), "acd.yaml"))
    assert (caught.value.file, caught.value.key) == ("acd.yaml", key)
    assert caught.value.line > 0
    assert message in caught.value.message


def test_a_calendar_never_open_is_refused() -> None:
    text = "shut:\n  timezone: Europe/Paris\n  hours: {}\n"
    with pytest.raises(ConfigError, match=r"acd\.yaml:3: shut\.hours: this calendar is never open"):
        parse_calendars(parse(text, "acd.yaml"))


@settings(max_examples=200)
@given(st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=12),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.sampled_from(["timezone", "hours", "mon", "closures", "date", "from",
                                       "to", "holidays", "x"]), children, max_size=4),
    max_leaves=12))  # fmt: skip
def test_any_document_is_parsed_or_refused_with_a_location(document: object) -> None:
    text = yaml.safe_dump({"cal": document})
    where = ("acd.yaml", 1)
    try:
        parse_calendars(parse(text, "acd.yaml"))
    except ConfigError as exc:
        where = (exc.file, min(exc.line, 1))
    assert where == ("acd.yaml", 1)  # parsed, or refused with a file and a line


def test_a_queue_refers_to_a_calendar_by_name() -> None:
    base = """\
asterisk: {ami: {username: acd}, agi: {}, sip: {}}
agents: [{id: "1001", name: Alice}]
voicemail: {"500": {name: Sales}}
calendars:
  office: {timezone: Europe/Paris, hours: {mon-fri: ["09:00-17:00"]}}
queues:
  - {name: sales, calendar: office, closed: {voicemail: "500"}}
"""
    acd = parse_settings(base).acd
    assert acd.queues[0].calendar == "office"
    assert not acd.calendars["office"].is_open(at("2026-11-29 10:00"))
