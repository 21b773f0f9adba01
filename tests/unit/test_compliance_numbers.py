"""Numbers in E.164 and the do-not-call lists (compliance.md, "Always")."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from acd.core.compliance import DoNotCallError, NumberError, parse_do_not_call, to_e164
from acd.core.compliance.calling_hours import legal_calling_hours
from acd.core.compliance.numbers import NumberKind, parse_number


@pytest.mark.parametrize(
    "written",
    [
        "+33 6 12 34 56 78",
        "0612345678",
        "0033612345678",
        "06.12.34.56.78",
        "06-12-34-56-78",
        "+33 (0)6 12 34 56 78",
        " +33612345678 ",
    ],
)
def test_one_person_is_one_number_however_written(written: str) -> None:
    assert to_e164(written) == "+33612345678"


@pytest.mark.parametrize(
    "bad", ["", "12345", "06123456789", "+0612345678", "06 12 ab", "+1234567", "call me"]
)
def test_what_is_not_a_number_is_refused_with_the_value(bad: str) -> None:
    with pytest.raises(NumberError, match="is not"):
        to_e164(bad)


@given(st.text(max_size=30))
def test_any_text_is_a_number_or_a_clear_error(text: str) -> None:
    try:
        number = to_e164(text)
    except NumberError as exc:
        message = str(exc)
    else:
        message = ""
        assert number.startswith("+")
        assert number[1:].isdigit()
    assert not message or repr(text) in message


def test_a_listed_number_is_forbidden_in_any_format() -> None:
    dnc = parse_do_not_call(
        "# Bloctel extract\n06 12 34 56 78\n\n+44 20 7946 0018  # UK\n", "dnc.txt"
    )
    assert len(dnc) == 2
    assert dnc.forbids(to_e164("0033612345678"))
    assert not dnc.forbids(to_e164("0612345679"))


def test_a_bad_line_refuses_the_whole_list_with_file_and_line() -> None:
    with pytest.raises(DoNotCallError, match=r"dnc\.txt:2: 'oops' is not a phone number"):
        parse_do_not_call("0612345678\noops\n", "dnc.txt")


def test_legal_calling_hours_in_france() -> None:
    hours = legal_calling_hours("FR")
    paris = ZoneInfo("Europe/Paris")

    def at(text: str) -> float:
        return datetime.fromisoformat(text).replace(tzinfo=paris).timestamp()

    assert hours.is_open(at("2026-11-24 10:00"))  # a Tuesday
    assert not hours.is_open(at("2026-11-24 13:30"))  # the lunch gap
    assert not hours.is_open(at("2026-11-24 20:00"))
    assert not hours.is_open(at("2026-11-28 11:00"))  # Saturday
    assert not hours.is_open(at("2026-11-11 11:00"))  # Armistice Day, a Wednesday


def test_a_number_says_its_kind_country_and_time_zones() -> None:
    mobile = parse_number("06 12 34 56 78")
    assert (mobile.country, mobile.kind, mobile.time_zones) == (
        "FR",
        NumberKind.MOBILE,
        ("Europe/Paris",),
    )
    assert parse_number("08 99 12 34 56").kind is NumberKind.PREMIUM_RATE
    guadeloupe = parse_number("0590 12 34 56")  # an overseas department: its own zone
    assert guadeloupe.time_zones == ("America/Guadeloupe",)
    us_toll_free = parse_number("+1 800 555 0199")
    assert us_toll_free.kind is NumberKind.TOLL_FREE
    assert len(us_toll_free.time_zones) > 1  # not tied to one zone: the rules must allow for all
    assert not parse_number("+44 7700 900123").valid  # Ofcom's drama range: not in service
