"""Lead lists from operators' CSV files (pure: text in, leads and rejected rows out).

Every row is checked: a row whose number is not a phone number, whose time zone is not
one, or whose yes/no column says something else is reported with its file and line and
skipped; the rest are taken. One number written twice is one lead (the later row's
non-empty values fill in). Numbers are stored in E.164 (compliance.md: one person, one
number, however written).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from zoneinfo import available_timezones

from acd.core.compliance.numbers import NumberError, parse_number
from dialer.leads.columns import LeadColumns

_YES, _NO = {"yes", "y", "true", "1", "oui", "o"}, {"no", "n", "false", "0", "non", ""}
# French postcodes of the overseas departments (971..976) -> their zones.
_OVERSEAS = {
    "971": "America/Guadeloupe",
    "972": "America/Martinique",
    "973": "America/Cayenne",
    "974": "Indian/Reunion",
    "975": "America/Miquelon",
    "976": "Indian/Mayotte",
}


class LeadFileError(ValueError):
    """The file as a whole cannot be read (no header, a required column missing)."""


@dataclass(frozen=True)
class ImportedLead:
    number: str  # E.164
    name: str = ""
    consent: str = ""  # when, channel, proof, scope, as given; "" none
    existing_contract: bool = False
    time_zone: str = ""
    line: int = 0


@dataclass
class LeadImport:
    leads: dict[str, ImportedLead] = field(default_factory=dict)  # by number
    rejected: list[str] = field(default_factory=list)  # "file:line: why"
    merged: int = 0


def read_leads(text: str, source: str, columns: LeadColumns) -> LeadImport:
    reader = csv.DictReader(io.StringIO(text.removeprefix("\ufeff")), delimiter=columns.delimiter)
    headers = reader.fieldnames or []
    if columns.number not in headers:
        found = ", ".join(headers) or "none"
        raise LeadFileError(f"{source}: no column {columns.number!r} (columns found: {found})")
    result = LeadImport()
    zones = available_timezones()
    line = 1
    for row in reader:
        start, line = line + 1, reader.line_num
        try:
            lead = _lead(row, columns, zones, start)
        except ValueError as exc:
            result.rejected.append(f"{source}:{start}: {exc}")
            continue
        _merge(result, lead)
    return result


def _lead(
    row: dict[str, str | None], columns: LeadColumns, zones: set[str], line: int
) -> ImportedLead:
    def cell(name: str | None) -> str:
        return (row.get(name) or "").strip() if name else ""

    try:
        number = parse_number(cell(columns.number), columns.country).e164
    except NumberError as exc:
        raise ValueError(str(exc)) from None
    zone = cell(columns.time_zone) or _OVERSEAS.get(cell(columns.postcode)[:3], "")
    if zone and zone not in zones:
        raise ValueError(f"time zone {zone!r} is not one (e.g. Europe/Paris)")
    contract = cell(columns.existing_contract).lower()
    if contract not in _YES | _NO:
        raise ValueError(f"{columns.existing_contract}: {contract!r} is not yes or no")
    consent_parts = [
        columns.consent_at,
        columns.consent_channel,
        columns.consent_proof,
        columns.consent_scope,
    ]
    consent = (
        " | ".join(filter(None, (cell(c) for c in consent_parts)))
        if cell(columns.consent_at)
        else ""
    )
    return ImportedLead(number, cell(columns.name), consent, contract in _YES, zone, line)


def _merge(result: LeadImport, lead: ImportedLead) -> None:
    earlier = result.leads.get(lead.number)
    if earlier is None:
        result.leads[lead.number] = lead
        return
    result.merged += 1
    result.leads[lead.number] = ImportedLead(
        number=lead.number,
        name=lead.name or earlier.name,
        consent=lead.consent or earlier.consent,
        existing_contract=lead.existing_contract or earlier.existing_contract,
        time_zone=lead.time_zone or earlier.time_zone,
        line=earlier.line,
    )
