"""Do-not-call files as they come: plain lists and the US registry's full list, in any
encoding (a byte-order mark, UTF-8, UTF-16, Latin-1), with their kind, version and date."""

from __future__ import annotations

import codecs
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from acd.core.compliance import (
    DoNotCallError,
    ListFormat,
    ListKind,
    decode_list,
    load_do_not_call,
    parse_list,
)
from acd.core.compliance.dnc_formats import detect_format

PLAIN = "# Liste société, mise à jour\n06 12 34 56 78\n\n+44 20 7946 0018  # UK\n0033612345679\n"
PLAIN_NUMBERS = {"+33612345678", "+442079460018", "+33612345679"}
REGISTRY = "201,5550123\n202,5550199\n2125550100\n"
REGISTRY_NUMBERS = {"+12015550123", "+12025550199", "+12125550100"}


@pytest.mark.parametrize(
    "data",
    [
        PLAIN.encode("utf-8"),
        codecs.BOM_UTF8 + PLAIN.encode("utf-8"),
        PLAIN.encode("latin-1"),
        PLAIN.encode("cp1252"),
        PLAIN.encode("utf-16"),  # with its byte-order mark
        PLAIN.encode("utf-16-le"),  # without one
        PLAIN.encode("utf-16-be"),
        PLAIN.encode("utf-32"),
        PLAIN.replace("\n", "\r\n").encode("utf-8"),
    ],
)
def test_a_plain_list_reads_in_any_usual_encoding(data: bytes) -> None:
    loaded = load_do_not_call(data, "company.txt", ListKind.COMPANY)
    assert loaded.entries.numbers == PLAIN_NUMBERS
    assert (loaded.kind, loaded.source, loaded.data_date) == (ListKind.COMPANY, "company.txt", None)


def test_a_byte_order_mark_left_in_the_text_is_not_a_number() -> None:
    assert parse_list("\ufeff0612345678\n", "x.txt").numbers == {"+33612345678"}


@pytest.mark.parametrize(
    "text",
    [
        REGISTRY,
        '"201","5550123"\n"202","5550199"\n"2125550100"\n',
        "201, 5550123\r\n202 ,5550199,\r\n212,5550100\r\n",
        "# full list, area codes 201 202 212\n201,5550123\n\n202,5550199\n212,5550100\n",
    ],
)
def test_the_us_registry_full_list_is_recognised(text: str) -> None:
    assert detect_format(text) is ListFormat.US_REGISTRY
    loaded = load_do_not_call(
        text.encode(), "dnc-201.txt", ListKind.NATIONAL_REGISTRY, data_date=date(2026, 5, 1)
    )
    assert loaded.entries.numbers == REGISTRY_NUMBERS
    assert loaded.data_date == date(2026, 5, 1)


def test_ten_digit_lines_alone_stay_a_plain_list_read_in_the_country() -> None:
    text = "0612345678\n0698765432\n"
    assert detect_format(text) is ListFormat.PLAIN
    assert parse_list(text, "x.txt", "FR").numbers == {"+33612345678", "+33698765432"}
    assert parse_list("2015550123\n", "x.txt", "US").numbers == {"+12015550123"}
    registry = parse_list("2015550123\n", "x.txt", list_format=ListFormat.US_REGISTRY)
    assert registry.numbers == {"+12015550123"}


def test_a_registry_line_that_is_not_a_record_refuses_the_file_with_its_line() -> None:
    with pytest.raises(DoNotCallError, match=r"dnc\.txt:2: '201,5550124,A' is not a registry"):
        parse_list("201,5550123\n201,5550124,A\n", "dnc.txt", list_format=ListFormat.US_REGISTRY)
    with pytest.raises(DoNotCallError, match=r"dnc\.txt:1: '061,2345678'"):
        parse_list("061,2345678\n", "dnc.txt", list_format=ListFormat.US_REGISTRY)


def test_a_registry_file_with_a_bad_line_is_named_as_a_registry() -> None:
    with pytest.raises(DoNotCallError, match=r"mixed\.txt:2: 'oops' is not a registry record"):
        parse_list("201,5550123\noops\n", "mixed.txt", "US")


def test_a_registry_needs_the_date_of_its_data() -> None:
    with pytest.raises(DoNotCallError, match=r"dnc\.txt: a national registry needs the date"):
        load_do_not_call(REGISTRY.encode(), "dnc.txt", ListKind.NATIONAL_REGISTRY)


def test_the_version_is_the_numbers_not_the_writing() -> None:
    plain = load_do_not_call(b"+1 201 555 0123\n", "a.txt", ListKind.CAMPAIGN)
    registry = load_do_not_call(
        b"201,5550123\n", "b.txt", ListKind.NATIONAL_REGISTRY, data_date=date(2026, 1, 1)
    )
    other = load_do_not_call(b"+1 201 555 0124\n", "a.txt", ListKind.CAMPAIGN)
    assert plain.version == registry.version != other.version
    assert len(plain) == 1
    assert plain.name == "campaign:a.txt"
    assert plain.forbids("+12015550123")
    assert not plain.forbids("+12015550124")


@given(st.binary(max_size=200))
def test_any_bytes_decode(data: bytes) -> None:
    assert isinstance(decode_list(data), str)


@given(st.binary(max_size=200), st.sampled_from(list(ListFormat)))
def test_any_bytes_are_a_list_or_a_clear_error(data: bytes, list_format: ListFormat) -> None:
    message = ""
    try:
        loaded = load_do_not_call(data, "x.txt", ListKind.OPT_OUTS, list_format=list_format)
    except DoNotCallError as exc:
        message = str(exc)
    else:
        assert all(number.startswith("+") for number in loaded.entries.numbers)
    assert not message or message.startswith("x.txt:")
