"""Lead lists read from CSV: bad rows named with their line, duplicates merged, E.164,
overseas postcodes' time zones, consent evidence."""

from __future__ import annotations

import pytest

from dialer.leads.columns import LeadColumns
from dialer.leads.csv_read import LeadFileError, read_leads

COLUMNS = LeadColumns(
    number="phone",
    name="name",
    postcode="cp",
    consent_at="consent",
    consent_channel="channel",
    existing_contract="client",
    delimiter=";",
)


def test_rows_are_taken_checked_and_merged() -> None:
    text = (
        "phone;name;cp;consent;channel;client\n"
        "06 12 34 56 78;Ann;75011;2026-09-01;web;non\n"
        '"0033 6 12 34 56 79";"Bob\nsecond line";97110;;;oui\n'
        "call me;Nobody;;;;\n"
        "+33612345678;;;;;\n"
        "0612345680;Eve;;;;maybe\n"
    )
    found = read_leads(text, "leads.csv", COLUMNS)
    assert sorted(found.leads) == ["+33612345678", "+33612345679"]
    ann = found.leads["+33612345678"]
    assert (ann.name, ann.consent, ann.existing_contract, ann.line) == (
        "Ann",
        "2026-09-01 | web",
        False,
        2,
    )
    bob = found.leads["+33612345679"]
    assert (bob.time_zone, bob.existing_contract, bob.consent) == ("America/Guadeloupe", True, "")
    assert found.merged == 1
    assert found.rejected[0].startswith("leads.csv:5: 'call me' is not a phone number")
    assert found.rejected[1] == "leads.csv:7: client: 'maybe' is not yes or no"


def test_a_missing_number_column_refuses_the_file_and_lists_the_columns() -> None:
    with pytest.raises(LeadFileError, match=r"no column 'phone' \(columns found: tel, nom\)"):
        read_leads("tel;nom\n0612345678;Ann\n", "leads.csv", COLUMNS)


def test_a_bom_is_not_part_of_the_first_header() -> None:
    found = read_leads("\ufeffphone;name\n0612345678;Ann\n", "leads.csv", COLUMNS)
    assert list(found.leads) == ["+33612345678"]
