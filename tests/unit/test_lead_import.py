"""Lead lists read from CSV (dialer/leads): bad rows named with their line (quoted values
over several lines, blank lines), duplicates merged, E.164 and the number's kind, time
zones from the zone column, the postcode or the number, consent evidence, the header
checked as a whole, and the bytes of whatever program wrote the file decoded."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from acd.core.compliance.numbers import NumberKind
from dialer.leads.columns import LeadColumns
from dialer.leads.csv_read import LeadFileError, read_leads
from dialer.leads.decode import decode_csv
from dialer.leads.lead import ConsentEvidence, ImportResult

COLUMNS = LeadColumns(
    number="phone",
    name="name",
    reference="ref",
    postcode="cp",
    consent_at="consent",
    consent_channel="channel",
    existing_contract="client",
    delimiter=";",
)
HEADER = "phone;name;ref;cp;consent;channel;client\n"
ANN, BOB = "+33612345678", "+33612345679"


def _read(rows: str, columns: LeadColumns = COLUMNS) -> ImportResult:
    return read_leads(HEADER + rows, "leads.csv", columns)


def _reasons(found: ImportResult) -> list[str]:
    return [str(r) for r in found.rejected]


def test_rows_are_taken_checked_and_merged() -> None:
    found = _read(
        "06 12 34 56 78;Ann;C-1;75011;2026-09-01;web;non\n"
        '"0033 6 12 34 56 79";"Bob\nsecond line";;97110;;;oui\n'
        "call me;Nobody;;;;;\n"
        "+33612345678;;;;;;\n"
    )
    assert list(found.leads) == [ANN, BOB]
    ann = found.leads[ANN]
    assert (ann.name, ann.reference, ann.time_zones, ann.line) == (
        "Ann",
        "C-1",
        ("Europe/Paris",),
        2,
    )
    assert ann.consent_evidence == ConsentEvidence(date(2026, 9, 1), "web")
    assert (ann.kind, ann.country, ann.existing_contract) == (NumberKind.MOBILE, "FR", False)
    bob = found.leads[BOB]
    assert (bob.name, bob.time_zones, bob.existing_contract, bob.consent_evidence) == (
        "Bob\nsecond line",
        ("America/Guadeloupe",),
        True,
        None,
    )
    assert _reasons(found)[0].startswith("leads.csv:5: 'call me' is not a phone number")
    assert (found.merged, found.rows) == (1, 4)


def test_lines_count_quoted_values_over_several_lines_and_blank_lines() -> None:
    text = (
        'phone,name\r\n"0612345678","three\r\nline\r\nname"\r\n\r\nn/a,"two\nlines"\n,,\nnope,x\n'
    )
    found = read_leads(text, "f.csv", LeadColumns())
    assert [(r.line, r.reason.split(" ")[0]) for r in found.rejected] == [
        (6, "'n/a'"),
        (9, "'nope'"),
    ]
    assert found.leads[ANN].line == 2
    assert found.rows == 3  # blank rows (even of separators only) are not rows


def test_lines_given_one_by_one_or_ended_by_a_lone_cr_read_the_same() -> None:
    text = 'phone,name\n0612345678,"Ann\nMarie"\nbad,Bob\n'
    whole = read_leads(text, "f.csv", LeadColumns())
    by_line = read_leads(text.splitlines(keepends=True), "f.csv", LeadColumns())
    old_mac = read_leads(text.replace("\n", "\r"), "f.csv", LeadColumns())
    assert _reasons(whole) == _reasons(by_line) == _reasons(old_mac)
    assert _reasons(whole)[0].startswith("f.csv:4: 'bad'")
    assert whole.leads == by_line.leads
    assert old_mac.leads[ANN].name == "Ann\nMarie"


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        (";Ann;;;;;", "no phone number (phone is empty)"),
        ("0612;Ann;;;;;", "'0612' is not a phone number: expected a national number"),
        ("+33 1 00 00 00 0;Ann;;;;;", "'+33 1 00 00 00 0' is not a phone number"),
        ("0012345678;Ann;;;;;", "'0012345678' is not a number in service"),
        ("0612345678;Ann;;ABC;;;", "cp: 'ABC' is not a French postcode (5 digits)"),
        ("0612345678;Ann;;98800;;;", "cp: '98800' is overseas, in a time zone"),
        ("0612345678;Ann;;;01/09/2026;web;", "consent: '01/09/2026' is not a date (expected ISO"),
        ("0612345678;Ann;;;;;maybe", "client: 'maybe' is not yes or no (expected yes/no"),
        ("0612345678;Ann;;", "4 fields where the header has 7"),
        ("0612345678;Dupont; Ann;;;;;", "8 fields where the header has 7"),
    ],
)
def test_a_bad_row_is_rejected_with_its_line_and_why(row: str, reason: str) -> None:
    found = _read("0612345679;Bob;;;;;\n" + row + "\n")
    assert list(found.leads) == [BOB]
    assert _reasons(found)[0].startswith(f"leads.csv:3: {reason}"), _reasons(found)


def test_every_problem_of_a_row_is_named_at_once() -> None:
    found = _read("n/a;Ann;;ABC;yesterday;;maybe\n")
    (rejection,) = found.rejected
    assert rejection.line == 2
    parts = rejection.reason.split("; ")
    assert [p.split(":")[0] for p in parts] == [
        "'n/a' is not a phone number",
        "cp",
        "consent",
        "client",
    ]


def test_an_unclosed_quote_says_where_the_row_ends() -> None:
    found = _read('0612345678;"Ann;;;;;\n0612345679;Bob;;;;;\n0612345680;Eve;;;;;\n')
    assert found.leads == {}
    assert _reasons(found) == [
        "leads.csv:2: 2 fields where the header has 7 (this row runs to line 4: a quote not "
        "closed?)"
    ]


def test_a_time_zone_column_must_name_a_real_zone_and_overrides_the_postcode() -> None:
    columns = LeadColumns(time_zone="tz", postcode="cp")
    found = read_leads(
        "phone,tz,cp\n0612345678,America/Martinique,75011\n0612345679,Paris,\n",
        "f.csv",
        columns,
    )
    assert found.leads[ANN].time_zones == ("America/Martinique",)
    assert _reasons(found) == [
        "f.csv:3: tz: 'Paris' is not a time zone (expected an IANA name such as Europe/Paris "
        "or America/Guadeloupe)"
    ]


@pytest.mark.parametrize(
    ("postcode", "zone"),
    [
        ("97110", "America/Guadeloupe"),
        ("97200", "America/Martinique"),
        ("97300", "America/Cayenne"),
        ("97400", "Indian/Reunion"),
        ("97500", "America/Miquelon"),
        ("97600", "Indian/Mayotte"),
        ("75011", "Europe/Paris"),
        ("20000", "Europe/Paris"),  # Corsica
        ("1000", "Europe/Paris"),  # 01000, its leading 0 dropped by a spreadsheet
        ("98000", "Europe/Monaco"),
    ],
)
def test_a_french_postcode_sets_the_zone(postcode: str, zone: str) -> None:
    found = _read(f"0612345678;Ann;;{postcode};;;\n")
    assert found.leads[ANN].time_zones == (zone,)
    assert found.leads[ANN].time_zone == zone


def test_without_zone_nor_postcode_the_number_tells_the_zones() -> None:
    found = _read("0690123456;;;;;;\n+1 800 555 1234;;;;;;\n")
    guadeloupe, toll_free = found.leads.values()
    assert (guadeloupe.e164, guadeloupe.country, guadeloupe.time_zones) == (
        "+590690123456",
        "GP",
        ("America/Guadeloupe",),
    )
    assert len(toll_free.time_zones) > 1
    assert toll_free.time_zone == ""  # several: the dialer checks each of them


def test_premium_rate_numbers_are_taken_with_their_kind() -> None:
    found = _read("08 99 12 34 56;Hotline;;;;;\n")
    assert found.leads["+33899123456"].kind is NumberKind.PREMIUM_RATE


def test_consent_is_evidence_only_with_its_date() -> None:
    columns = LeadColumns(
        consent_at="when", consent_channel="how", consent_proof="proof", consent_scope="scope"
    )
    found = read_leads(
        "phone,when,how,proof,scope\n"
        "0612345678,2026-09-01T14:30+02:00,web form,form v3,Acme\n"
        "0612345679,,paper,,\n",
        "f.csv",
        columns,
    )
    ann = found.leads[ANN]
    assert ann.consent_evidence == ConsentEvidence(
        datetime.fromisoformat("2026-09-01T14:30+02:00"), "web form", "form v3", "Acme"
    )
    assert ann.consent == "2026-09-01T14:30:00+02:00 | web form | form v3 | Acme"
    assert found.leads[BOB].consent_evidence is None
    assert found.leads[BOB].consent == ""


@pytest.mark.parametrize(
    ("said", "contract"),
    [("yes", True), ("OUI", True), ("true", True), ("1", True), ("non", False), ("0", False)],
)
def test_the_existing_contract_column_reads_yes_and_no(said: str, contract: bool) -> None:
    assert _read(f"0612345678;;;;;;{said}\n").leads[ANN].existing_contract is contract


def test_duplicates_keep_the_first_values_and_fill_the_empty_ones() -> None:
    found = _read(
        "06 12 34 56 78;Ann;;;;;\n"
        "0033612345678;Anne;C-1;97200;2026-09-01;web;\n"
        "+33 6 12 34 56 78;;C-2;;2026-10-01;paper;oui\n"
    )
    (ann,) = found.leads.values()
    assert (ann.name, ann.reference, ann.time_zones, ann.line) == (
        "Ann",
        "C-1",
        ("America/Martinique",),
        2,
    )
    assert ann.consent_evidence == ConsentEvidence(date(2026, 9, 1), "web")  # one row's, whole
    assert ann.existing_contract is True
    assert (found.merged, found.rows, found.rejected) == (2, 3, ())


def test_duplicates_that_disagree_on_a_contract_have_none() -> None:
    found = _read("0612345678;;;;;;oui\n0612345678;;;;;;non\n")
    assert found.leads[ANN].existing_contract is False


def test_a_missing_column_refuses_the_file_and_lists_the_columns_found() -> None:
    with pytest.raises(LeadFileError) as caught:
        read_leads("tel;nom;cp\n0612345678;Ann;75011\n", "leads.csv", COLUMNS)
    assert str(caught.value) == (
        "leads.csv:1: no column 'phone' (number), 'ref' (reference), 'consent' (consent_at), "
        "'channel' (consent_channel), 'client' (existing_contract) "
        "(columns found: 'tel', 'nom', 'cp')"
    )


def test_the_name_column_may_be_missing() -> None:
    found = read_leads("phone\n0612345678\n", "f.csv", LeadColumns())
    assert found.leads[ANN].name == ""


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "f.csv:1: the file is empty (expected a header)"),
        ("phone,name,phone\n", "f.csv:1: column 'phone' appears twice (columns found:"),
        (
            "phone;name\n",
            "f.csv:1: no column 'phone' (number) (columns found: 'phone;name'); is "
            "the separator ';'? The campaign's is ','",
        ),
    ],
)
def test_a_file_that_cannot_be_read_is_one_error(text: str, message: str) -> None:
    with pytest.raises(LeadFileError) as caught:
        read_leads(text, "f.csv", LeadColumns())
    assert str(caught.value).startswith(message)


def test_an_unknown_country_refuses_the_file() -> None:
    with pytest.raises(LeadFileError, match="unknown country 'XX'"):
        read_leads("phone\n0612345678\n", "f.csv", LeadColumns(country="XX"))


def test_headers_are_read_without_their_spaces_or_a_byte_order_mark() -> None:
    found = read_leads("\ufeff phone , name \n0612345678,Ann\n", "f.csv", LeadColumns())
    assert found.leads[ANN].name == "Ann"
    lines = ["\ufeffphone,name\n", "0612345678,Ann\n"]
    assert read_leads(lines, "f.csv", LeadColumns()).leads == found.leads


def test_the_book_reads_a_lead_by_its_old_names() -> None:
    (ann,) = _read("0612345678;Ann;;97400;2026-09-01;web;oui\n").leads.values()
    assert (ann.number, ann.consent, ann.time_zone) == (ANN, "2026-09-01 | web", "Indian/Reunion")


@pytest.mark.parametrize(
    "data",
    [
        "phone;name\n0612345678;Hélène Œuvray \u2013 5 €\n".encode(),
        "phone;name\n0612345678;Hélène Œuvray \u2013 5 €\n".encode("utf-8-sig"),
        "phone;name\n0612345678;Hélène Œuvray \u2013 5 €\n".encode("cp1252"),
        "phone;name\n0612345678;Hélène Œuvray \u2013 5 €\n".encode("utf-16"),
    ],
)
def test_files_of_every_usual_encoding_decode_to_the_same_text(data: bytes) -> None:
    text = decode_csv(data)
    assert text == "phone;name\n0612345678;Hélène Œuvray \u2013 5 €\n"
    found = read_leads(text, "f.csv", LeadColumns(delimiter=";"))
    assert found.leads[ANN].name == "Hélène Œuvray \u2013 5 €"


def test_latin_1_bytes_windows_1252_leaves_undefined_still_decode() -> None:
    assert decode_csv(b"name\nCaf\xe9 \x81\n") == "name\nCaf\xe9 \x81\n"
    assert decode_csv(b"name\nJos\xe9\n") == "name\nJosé\n"


def test_a_row_csv_cannot_read_is_rejected_and_the_next_ones_read() -> None:
    huge = "x" * 200_000  # over the csv module's field size limit
    found = read_leads(f"phone,name\n0612345678,{huge}\n0612345679,Bob\n", "f.csv", LeadColumns())
    assert [r.line for r in found.rejected] == [2]
    assert found.rejected[0].reason.startswith("not readable as CSV (field larger than")
    assert list(found.leads) == [BOB]
