"""One row of a lead file checked (its number, then each value by cells.py), and two
rows of one number merged. Every problem of a row is named, with its column.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence, Set
from dataclasses import dataclass, replace
from typing import TypeVar

from acd.core.compliance.numbers import NumberError, PhoneNumber, parse_number
from dialer.leads import cells
from dialer.leads.lead import ConsentEvidence, Lead

T = TypeVar("T")


class RowError(ValueError):
    """What is wrong with a row (every problem, joined with "; ")."""


@dataclass(frozen=True)
class Layout:
    """Where each column the campaign names is in the file's rows (None: not read)."""

    headers: tuple[str, ...]  # as the file writes them
    country: str  # numbers written without a country code are read in it
    number: int
    name: int | None = None
    reference: int | None = None
    time_zone: int | None = None
    postcode: int | None = None
    consent_at: int | None = None
    consent_channel: int | None = None
    consent_proof: int | None = None
    consent_scope: int | None = None
    existing_contract: int | None = None


@dataclass(frozen=True)
class Row:
    """A row's values as given; empty ones are those a later row of the number may fill."""

    number: PhoneNumber
    name: str
    reference: str
    zones: tuple[str, ...]  # from the time-zone column or the postcode; () neither
    consent: ConsentEvidence | None
    contract: bool | None  # None: not said
    line: int

    def lead(self) -> Lead:
        return Lead(
            e164=self.number.e164,
            name=self.name,
            reference=self.reference,
            time_zones=self.zones or self.number.time_zones,
            country=self.number.country,
            kind=self.number.kind,
            consent_evidence=self.consent,
            existing_contract=bool(self.contract),
            line=self.line,
        )


def read_row(values: Sequence[str], layout: Layout, zones: Set[str], line: int) -> Row:
    """The row's values, or RowError naming every problem. ``zones``: every known zone."""
    if len(values) != len(layout.headers):
        raise RowError(f"{len(values)} fields where the header has {len(layout.headers)}")
    problems: list[str] = []

    def cell(index: int | None) -> str:
        return values[index].strip() if index is not None else ""

    def checked(index: int | None, read: Callable[[str], T]) -> T | None:
        """The value read, None when empty or wrong (then a problem, with the column)."""
        raw = cell(index)
        if not raw or index is None:
            return None
        try:
            return read(raw)
        except ValueError as exc:
            problems.append(f"{layout.headers[index]}: {exc}")
            return None

    number = _number(cell(layout.number), layout, problems)
    if cell(layout.time_zone):
        zone = checked(layout.time_zone, lambda raw: cells.time_zone(raw, zones))
    else:
        zone = checked(layout.postcode, cells.postcode_zone)
    at = checked(layout.consent_at, cells.iso_date)  # evidence only with its date
    consent = None
    if at is not None:
        consent = ConsentEvidence(
            at, cell(layout.consent_channel), cell(layout.consent_proof), cell(layout.consent_scope)
        )
    contract = checked(layout.existing_contract, cells.yes_no)
    if problems or number is None:
        raise RowError("; ".join(problems))
    name, reference = cell(layout.name), cell(layout.reference)
    return Row(number, name, reference, (zone,) if zone else (), consent, contract, line)


def merge(first: Row, later: Row) -> Row:
    """One lead from two rows of one number: the first row's values stand, the later
    one's fill those left empty; consent evidence and zones are taken whole from one row.
    Rows that disagree on an existing contract give none (the stricter: consent needed)."""
    return replace(
        first,
        name=first.name or later.name,
        reference=first.reference or later.reference,
        zones=first.zones or later.zones,
        consent=first.consent or later.consent,
        contract=_both(first.contract, later.contract),
    )


def _both(first: bool | None, later: bool | None) -> bool | None:
    if first is None or later is None:
        return later if first is None else first
    return first and later


def _number(raw: str, layout: Layout, problems: list[str]) -> PhoneNumber | None:
    if not raw:
        problems.append(f"no phone number ({layout.headers[layout.number]} is empty)")
        return None
    try:
        number = parse_number(raw, layout.country)
    except NumberError as exc:
        problems.append(str(exc))
        return None
    if not number.valid:
        problems.append(f"{raw!r} is not a number in service (per its country's numbering plan)")
        return None
    return number
