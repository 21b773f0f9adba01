"""Lead lists from operators' CSV files (pure: text in, leads and rejected rows out).

    found = read_leads(decode_csv(data), "leads.csv", campaign.leads)
    found.leads["+33612345678"]        # Lead: E.164, name, zones, kind, consent...
    for rejection in found.rejected:
        print(rejection)                # leads.csv:12: 'n/a' is not a phone number...

The header names the columns (``LeadColumns`` says which is which); a header without a
column the campaign names refuses the whole file (LeadFileError). Every row is checked
(rows.py): a row with a problem is reported with its file and line and skipped, the rest
are taken. One number written twice, in any form, is one lead (``merged`` counts the
rows merged). Lines are the file's: the header is line 1, and a row whose quoted value
runs over several lines is named by its first.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import fields
from zoneinfo import available_timezones

import phonenumbers

from dialer.leads.columns import LeadColumns
from dialer.leads.lead import ImportResult, Rejection
from dialer.leads.rows import Layout, Row, RowError, merge, read_row

_OPTIONAL = {"name"}  # the one column a file may lack even when the campaign names it
_SEPARATORS = (",", ";", "\t", "|")


class LeadFileError(ValueError):
    """The file as a whole cannot be read (no header, a column it should have missing):
    the message says ``file:line: what is wrong``."""


def read_leads(text: str | Iterable[str], source: str, columns: LeadColumns) -> ImportResult:
    """The leads of a CSV file, given as its text or its lines; ``source`` names the file
    in messages. LeadFileError when the file cannot be read at all."""
    if columns.country.upper() not in phonenumbers.SUPPORTED_REGIONS:
        raise LeadFileError(f"{source}: unknown country {columns.country!r} for the numbers")
    if isinstance(text, str):  # line ends of every kind (\r\n, \r) read as \n, quoted or not
        lines: Iterable[str] = io.StringIO(text.removeprefix("\ufeff"), newline=None)
    else:
        lines = text
    rejected: list[Rejection] = []
    records = _records(lines, columns.delimiter, source, rejected)
    first = next(records, None)
    if first is None:
        raise LeadFileError(f"{source}:1: the file is empty (expected a header)")
    layout = _layout(_header(first[2]), columns, source)
    zones = available_timezones()
    rows: dict[str, Row] = {}
    read = merged = 0
    for start, end, cells in records:
        if not any(cell.strip() for cell in cells):
            continue  # a blank line, or one of separators only
        read += 1
        try:
            row = read_row(cells, layout, zones, start)
        except RowError as exc:
            rejected.append(Rejection(source, start, _spanning(str(exc), start, end)))
            continue
        earlier = rows.get(row.number.e164)
        if earlier is not None:
            merged += 1
            row = merge(earlier, row)
        rows[row.number.e164] = row
    leads = {e164: row.lead() for e164, row in rows.items()}
    return ImportResult(leads, tuple(rejected), merged, read)


def _records(
    lines: Iterable[str], delimiter: str, source: str, rejected: list[Rejection]
) -> Iterator[tuple[int, int, list[str]]]:
    """Each record with its first and last lines; a record CSV cannot read is rejected
    (the header: LeadFileError)."""
    reader = csv.reader(lines, delimiter=delimiter)
    end = 0
    while True:
        start = end + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            if start == 1:
                raise LeadFileError(f"{source}:1: the header is not CSV ({exc})") from None
            rejected.append(Rejection(source, start, f"not readable as CSV ({exc})"))
            end = reader.line_num
            continue
        end = reader.line_num
        yield start, end, cells


def _header(cells: list[str]) -> list[str]:
    if cells:
        cells[0] = cells[0].removeprefix("\ufeff")  # a byte-order mark the decoder left
    return [name.strip() for name in cells]


def _layout(header: list[str], columns: LeadColumns, source: str) -> Layout:
    """Where each named column is; LeadFileError naming every one missing or repeated."""
    wanted: dict[str, str] = {
        f.name: getattr(columns, f.name)
        for f in fields(LeadColumns)
        if f.name not in ("delimiter", "country") and getattr(columns, f.name)
    }
    missing = [
        f"{name!r} ({key})"
        for key, name in wanted.items()
        if name not in header and key not in _OPTIONAL
    ]
    twice = sorted({name for name in wanted.values() if header.count(name) > 1})
    if missing or twice:
        raise LeadFileError(f"{source}:1: " + _header_problem(header, missing, twice, columns))

    def at(name: str | None) -> int | None:
        return header.index(name) if name and name in header else None

    return Layout(
        headers=tuple(header),
        country=columns.country,
        number=header.index(columns.number),
        name=at(columns.name),
        reference=at(columns.reference),
        time_zone=at(columns.time_zone),
        postcode=at(columns.postcode),
        consent_at=at(columns.consent_at),
        consent_channel=at(columns.consent_channel),
        consent_proof=at(columns.consent_proof),
        consent_scope=at(columns.consent_scope),
        existing_contract=at(columns.existing_contract),
    )


def _header_problem(
    header: list[str], missing: list[str], twice: list[str], columns: LeadColumns
) -> str:
    problems = [f"no column {', '.join(missing)}"] if missing else []
    problems += [f"column {name!r} appears twice" for name in twice]
    found = ", ".join(repr(name) for name in header) or "none"
    text = f"{'; '.join(problems)} (columns found: {found})"
    others = [s for s in _SEPARATORS if s != columns.delimiter and s in "".join(header)]
    if len(header) == 1 and others:
        text += f"; is the separator {others[0]!r}? The campaign's is {columns.delimiter!r}"
    return text


def _spanning(reason: str, start: int, end: int) -> str:
    """A rejected row over many lines most likely opened a quote it never closed,
    swallowing the rows after it: say where it ends."""
    if end - start < 2:
        return reason
    return f"{reason} (this row runs to line {end}: a quote not closed?)"
