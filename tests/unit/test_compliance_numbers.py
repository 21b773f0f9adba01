"""Numbers in E.164 and the do-not-call lists (compliance.md, "Always")."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import phonenumbers
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


RE_MOBILE = ("Indian/Mayotte", "Indian/Reunion")  # phonenumbers: +262 mobiles move


@pytest.mark.parametrize(
    ("written", "e164", "country", "zones"),
    [
        ("0262 16 12 34", "+262262161234", "RE", ("Indian/Reunion",)),
        ("0263 01 23 45", "+262263012345", "RE", ("Indian/Reunion",)),
        ("0263 10 12 34", "+262263101234", "RE", ("Indian/Reunion",)),
        ("0268 80 12 34", "+262268801234", "RE", ("Indian/Reunion",)),
        ("0268 90 12 34", "+262268901234", "YT", ("Indian/Mayotte",)),
        ("0269 60 12 34", "+262269601234", "YT", ("Indian/Mayotte",)),
        ("0590 20 12 34", "+590590201234", "GP", ("America/Guadeloupe",)),
        ("0590 27 12 34", "+590590271234", "BL", ("America/Guadeloupe",)),
        ("0590 00 12 34", "+590590001234", "MF", ("America/Guadeloupe",)),
        ("0598 70 12 34", "+590598701234", "GP", ("America/Guadeloupe",)),
        ("0594 10 12 34", "+594594101234", "GF", ("America/Cayenne",)),
        ("0598 80 12 34", "+594598801234", "GF", ("America/Cayenne",)),
        ("0596 30 12 34", "+596596301234", "MQ", ("America/Martinique",)),
        ("0598 90 12 34", "+596598901234", "MQ", ("America/Martinique",)),
        ("05 08 41 23 45", "+508412345", "PM", ("America/Miquelon",)),  # six digits there
        ("0639 01 23 45", "+262639012345", "YT", RE_MOBILE),
        ("0690 00 12 34", "+590690001234", "GP", ("America/Guadeloupe",)),
        ("0691 22 12 34", "+590691221234", "GP", ("America/Guadeloupe",)),
        ("0692 12 34 56", "+262692123456", "RE", RE_MOBILE),
        ("0693 00 12 34", "+262693001234", "RE", RE_MOBILE),
        ("0694 20 12 34", "+594694201234", "GF", ("America/Cayenne",)),
        ("0696 20 12 34", "+596696201234", "MQ", ("America/Martinique",)),
        ("0697 12 34 56", "+596697123456", "MQ", ("America/Martinique",)),
        ("0708 40 12 34", "+508708401234", "PM", ("America/Miquelon",)),
        ("0708 50 12 34", "+508708501234", "PM", ("America/Miquelon",)),
        ("0709 00 12 34", "+590709001234", "GP", ("America/Guadeloupe",)),
        ("0709 10 12 34", "+596709101234", "MQ", ("America/Martinique",)),
        ("0709 20 12 34", "+262709201234", "RE", RE_MOBILE),
        ("0709 30 12 34", "+594709301234", "GF", ("America/Cayenne",)),
        ("0709 35 12 34", "+262709351234", "YT", RE_MOBILE),
    ],
)
def test_an_overseas_block_is_read_in_its_territory_and_zone(
    written: str, e164: str, country: str, zones: tuple[str, ...]
) -> None:
    number = parse_number(written)
    assert (number.e164, number.country, number.time_zones) == (e164, country, zones)
    assert number.valid
    assert parse_number(written.replace(" ", ".")).e164 == e164


@pytest.mark.parametrize(
    ("written", "kind"),
    [
        ("01 45 67 89 01", NumberKind.FIXED_LINE),
        ("02 61 20 12 34", NumberKind.FIXED_LINE),  # next to Réunion's 0262 and 0263
        ("03 12 34 56 78", NumberKind.FIXED_LINE),
        ("04 12 34 56 78", NumberKind.FIXED_LINE),
        ("05 56 12 34 56", NumberKind.FIXED_LINE),
        ("06 12 34 56 78", NumberKind.MOBILE),
        ("06 98 76 54 32", NumberKind.MOBILE),  # next to the overseas 069x
        ("07 51 23 45 67", NumberKind.MOBILE),
        ("08 00 12 34 56", NumberKind.TOLL_FREE),
        ("08 06 12 34 56", NumberKind.UAN),  # a fixed line in GP, MQ, GF and PM's metadata
        ("08 10 12 34 56", NumberKind.SHARED_COST),
        ("08 99 12 34 56", NumberKind.PREMIUM_RATE),
        ("09 39 12 34 56", NumberKind.VOIP),
        ("09 70 12 34 56", NumberKind.VOIP),
    ],
)
def test_a_metropolitan_number_stays_in_paris(written: str, kind: NumberKind) -> None:
    number = parse_number(written)
    assert number.e164 == "+33" + written.replace(" ", "")[1:]
    assert (number.country, number.kind, number.time_zones) == ("FR", kind, ("Europe/Paris",))


@pytest.mark.parametrize("written", ["+33 2 63 01 23 45", "0033263012345", "+33 5 08 41 23 45"])
def test_a_written_country_code_is_kept(written: str) -> None:
    assert parse_number(written).country == "FR"


@pytest.mark.parametrize("written", ["0263 20 12 34", "0596 12 34 56"])
def test_an_overseas_block_out_of_service_is_not_dialled_in_paris(written: str) -> None:
    number = parse_number(written)  # phonenumbers knows no such number there
    assert not number.e164.startswith("+33")
    assert not number.valid
    assert "Europe/Paris" not in number.time_zones


def test_the_overseas_table_covers_phonenumbers_metadata() -> None:
    """Every fixed or mobile block phonenumbers knows overseas, written in the national
    plan, is read there: a phonenumbers upgrade adding blocks fails here, not at dial time.
    Its patterns decide by the first five digits at most; 080x..., 09... are shared."""
    overseas = ("GP", "MQ", "GF", "RE", "YT", "PM", "BL", "MF")
    missed = []
    for start in ("2", "5", "6", "7"):
        for rest in range(10_000):
            national = f"{start}{rest:04d}0000"
            for region in overseas:
                metadata = phonenumbers.PhoneMetadata.metadata_for_region(region)
                assert metadata is not None
                # Saint-Pierre-et-Miquelon's six-digit numbers are 05 08 ... in the plan.
                six = (national[3:],) if region == "PM" and national.startswith("508") else ()
                known = [
                    digits
                    for digits in (national, *six)
                    for desc in (metadata.fixed_line, metadata.mobile)
                    if desc is not None
                    and desc.national_number_pattern is not None
                    and re.fullmatch(desc.national_number_pattern, digits)
                ]
                if known and parse_number("0" + national).e164.startswith("+33"):
                    missed.append((region, "0" + national))
    assert missed == []
