"""The calendars section of acd.yaml: the documented example, every mistake refused with
file, line and key, and any document either read or refused (never a crash)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from acd.core import yamlfile as y
from acd.core.hours import Calendar
from acd.core.settings import ConfigError, parse_settings
from acd.core.settings.hours_model import parse_calendars

PARIS = ZoneInfo("Europe/Paris")

# The example of docs/hours.md; line numbers matter to the tests below.
YAML = """\
calendars:
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
      - {date: 2026-12-20, hours: ["10:00-16:00"], label: Christmas sale}
"""


def calendars_of(text: str) -> dict[str, Calendar]:
    top = y.mapping(y.parse(text, "acd.yaml"), set(), {"calendars"})
    return parse_calendars(top["calendars"]) if "calendars" in top else {}


def at(text: str) -> float:
    return datetime.fromisoformat(text).replace(tzinfo=PARIS).timestamp()


def test_the_documented_example_parses() -> None:
    paris = calendars_of(YAML)["paris"]
    assert paris.week == (((480, 750), (810, 1140)),) * 5 + (((540, 720),), ())
    assert (paris.timezone, paris.holiday_set) == ("Europe/Paris", "france")
    assert paris.closed_because(at("2026-12-24 10:00")) == "exceptional closure: Christmas Eve"
    assert not paris.is_open(at("2026-08-14 18:00"))  # the summer closure includes the 14th
    assert paris.is_open(at("2026-08-17 10:00"))
    assert paris.is_open(at("2026-12-31 13:59"))
    assert not paris.is_open(at("2026-12-31 14:00"))
    assert paris.openings[0].day == date(2026, 12, 20)
    assert paris.is_open(at("2026-12-20 11:00"))  # a Sunday


def test_days_as_ranges_lists_and_a_24_00_end() -> None:
    text = (
        "calendars:\n  c:\n    timezone: UTC\n    holidays: none\n    hours:\n"
        '      "sat, sun": ["00:00-24:00"]\n      tue-thu: ["8:00-9:00"]\n'
    )
    calendar = calendars_of(text)["c"]
    assert calendar.week == (
        (),
        ((480, 540),),
        ((480, 540),),
        ((480, 540),),
        (),
        ((0, 1440),),
        ((0, 1440),),
    )


MISTAKES = [
    # (replace this, by that), line, key, what the message says
    (("holidays: france", "holiday: france"), 4, "calendars.paris.holiday", "unknown key"),
    (("label: summer", "lable: summer"), 10, "calendars.paris.closures[1].lable", "unknown key"),
    (("    timezone: Europe/Paris\n", ""), 3, "calendars.paris", "missing required key"),
    (("  paris:", "  Paris:"), 2, "calendars.Paris", "lower-case letters"),
    (("Europe/Paris", "Mars/Olympus"), 3, "calendars.paris.timezone", "unknown time zone"),
    (("Europe/Paris", "Europe"), 3, "calendars.paris.timezone", "e.g. Europe/Paris"),
    (
        ("holidays: france", "holidays: mars"),
        4,
        "calendars.paris.holidays",
        "unknown holiday set 'mars' (known: france, france-alsace-moselle, none)",
    ),
    (("mon-fri:", "mon-frx:"), 6, "calendars.paris.hours.mon-frx", "days are mon, tue"),
    (("mon-fri:", "lundi:"), 6, "calendars.paris.hours.lundi", "a range like mon-fri"),
    (("mon-fri:", "fri-mon:"), 6, "calendars.paris.hours.fri-mon", "the range goes backwards"),
    (("sat:", "fri:"), 7, "calendars.paris.hours.fri", "fri is given twice"),
    (("sat:", '"sat,sat":'), 7, "calendars.paris.hours.sat,sat", "sat is given twice"),
    (("09:00-12:00", "9h-12h"), 7, "calendars.paris.hours.sat[0]", "write hours as HH:MM-HH:MM"),
    (("09:00-12:00", "09:60-12:00"), 7, "calendars.paris.hours.sat[0]", "not a time of day"),
    (("09:00-12:00", "09:00-24:30"), 7, "calendars.paris.hours.sat[0]", "00:00 to 24:00"),
    (
        ("09:00-12:00", "12:00-09:00"),
        7,
        "calendars.paris.hours.sat[0]",
        "the end is not after the start",
    ),
    (("09:00-12:00", "09:00-09:00"), 7, "calendars.paris.hours.sat[0]", "end is not after"),
    (("13:30-19:00", "12:00-19:00"), 6, "calendars.paris.hours.mon-fri", "these hours overlap"),
    (
        ('sat: ["09:00-12:00"]', "sat: 09:00-12:00"),
        7,
        "calendars.paris.hours.sat",
        "expected a list",
    ),
    (
        ("date: 2026-12-24", "date: 2026-02-30"),
        9,
        "calendars.paris.closures[0].date",
        "'2026-02-30' is not a date that exists",
    ),
    (
        ("date: 2026-12-24", "date: 24/12/2026"),
        9,
        "calendars.paris.closures[0].date",
        "write a date as YYYY-MM-DD",
    ),
    (
        ("date: 2026-12-24", "date: 1026-12-24"),
        9,
        "calendars.paris.closures[0].date",
        "the year must be from 2000 to 2199",
    ),
    (
        ("from: 2026-08-10", "from: 2026-02-29"),
        10,
        "calendars.paris.closures[1].from",
        "is not a date that exists",
    ),
    (
        ("to: 2026-08-14", "to: 2026-08-01"),
        10,
        "calendars.paris.closures[1].to",
        "the closure ends before it starts",
    ),
    (
        ('to: "2026-12-31 24:00"', 'to: "2026-12-31 13:00"'),
        11,
        "calendars.paris.closures[2].to",
        "ends before it starts",
    ),
    (
        ('to: "2026-12-31 24:00"', 'to: "2026-12-31 25:00"'),
        11,
        "calendars.paris.closures[2].to",
        "not a time of day",
    ),
    (
        ("{date: 2026-12-24, label", "{date: 2026-12-24, to: 2026-12-26, label"),
        9,
        "calendars.paris.closures[0]",
        "either date or from/to",
    ),
    (("to: 2026-08-14, ", ""), 10, "calendars.paris.closures[1]", "both from and to"),
    (
        ("date: 2026-12-20", "date: 2026-11-31"),
        13,
        "calendars.paris.openings[0].date",
        "is not a date that exists",
    ),
    (
        ('hours: ["10:00-16:00"]', "hours: []"),
        13,
        "calendars.paris.openings[0].hours",
        "an opening needs hours",
    ),
]


@pytest.mark.parametrize(("change", "line", "key", "message"), MISTAKES)
def test_mistakes_are_refused_with_file_line_and_key(
    change: tuple[str, str], line: int, key: str, message: str
) -> None:
    assert change[0] in YAML
    with pytest.raises(ConfigError) as caught:
        calendars_of(YAML.replace(*change, 1))
    assert str(caught.value).startswith(f"acd.yaml:{line}: {key}: ")
    assert message in caught.value.message


def test_an_opening_given_twice_for_one_day_is_refused() -> None:
    twice = YAML + '      - {date: 2026-12-20, hours: ["17:00-18:00"]}\n'
    with pytest.raises(
        ConfigError,
        match=r"^acd\.yaml:14: calendars\.paris\.openings\[1\]: "
        r"2026-12-20 already has an exceptional opening",
    ):
        calendars_of(twice)


@pytest.mark.parametrize("hours", ["{}", "{mon-fri: [], sat: []}", "{sun: []}"])
def test_a_calendar_never_open_is_refused(hours: str) -> None:
    text = f"calendars:\n  shut:\n    timezone: Europe/Paris\n    hours: {hours}\n"
    with pytest.raises(
        ConfigError,
        match=r"^acd\.yaml:4: calendars\.shut\.hours: "
        "this calendar is never open",
    ):
        calendars_of(text)


def test_open_only_on_exceptional_days_is_a_calendar() -> None:
    text = (
        "calendars:\n  fair:\n    timezone: Europe/Paris\n    hours: {}\n"
        '    openings: [{date: 2026-06-06, hours: ["10:00-18:00"]}]\n'
    )
    fair = calendars_of(text)["fair"]
    assert fair.is_open(at("2026-06-06 10:00"))
    assert fair.next_opening(at("2026-06-01 10:00")) == at("2026-06-06 10:00")


def test_a_date_yaml_cannot_read_is_refused_anywhere_in_the_file() -> None:
    # YAML turns 2026-02-30 into a date before any of our readers see it.
    with pytest.raises(ConfigError, match=r"^acd\.yaml:1: label: '2026-02-30' cannot be read"):
        y.text(y.mapping(y.parse("label: 2026-02-30\n", "acd.yaml"), set(), {"label"})["label"])


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


# ---- any document: read or refused with a place, never a crash ------------------------

WORDS = st.sampled_from(
    [
        "timezone",
        "hours",
        "holidays",
        "closures",
        "openings",
        "date",
        "from",
        "to",
        "label",
        "mon",
        "mon-fri",
        "sat,sun",
        "sun-mon",
        "x",
        "Europe/Paris",
        "Europe",
        "UTC",
        "france",
        "none",
        "2026-12-24",
        "2026-02-30",
        "9999-12-31",
        "0000-01-01",
        "2026-12-31 24:00",
        "08:00-12:00",
        "12:00-08:00",
        "24:00-25:00",
        "99:99-00:00",
        "",
        "-",
        ",",
    ]
)


def refusal_place(text: str) -> tuple[str, int] | None:
    """None when read; (file, line) when refused. Anything else is raised: a crash."""
    try:
        calendars_of(text)
    except ConfigError as exc:
        return exc.file, exc.line
    return None


SCALARS = st.none() | st.booleans() | st.integers() | st.floats() | WORDS | st.text(max_size=8)


@settings(max_examples=300, deadline=None)
@given(
    st.recursive(
        SCALARS,
        lambda children: (
            st.lists(children, max_size=4)
            | st.dictionaries(WORDS | st.text(max_size=4), children, max_size=5)
        ),
        max_leaves=16,
    )
)
def test_any_document_is_read_or_refused_with_a_place(document: object) -> None:
    place = refusal_place(yaml.safe_dump({"calendars": {"cal": document}}))
    assert place is None or (place[0] == "acd.yaml" and place[1] >= 1)


@settings(max_examples=300, deadline=None)
@given(st.integers(0, len(YAML) - 1), st.sampled_from(list(" -:,[]{}0129x\n\"'")))
def test_the_example_with_one_character_changed_is_read_or_refused(
    where: int, character: str
) -> None:
    place = refusal_place(YAML[:where] + character + YAML[where + 1 :])
    assert place is None or place[0] == "acd.yaml"
