"""One loaded do-not-call list: its numbers, what kind of list it is, where it came from,
its version (a hash of its numbers) and, for a national registry, the date of its data,
so a dial can refuse registry data that is too old (registry_fresh).

Reading the file is the adapter's job: it passes the bytes, the file's name and, for a
registry, the date of the data (the download's date, or the file's), and gets a list.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from acd.core.compliance.dnc_formats import ListFormat, decode_list, parse_list
from acd.core.compliance.donotcall import DoNotCall, DoNotCallError


class ListKind(StrEnum):
    NATIONAL_REGISTRY = "national_registry"  # the US registry, a national opposition list
    COMPANY = "company"  # the company's own list: every campaign
    CAMPAIGN = "campaign"  # one campaign's own list
    OPT_OUTS = "opt_outs"  # opt-outs captured in calls (keypress, agent disposition)


@dataclass(frozen=True)
class DoNotCallList:
    kind: ListKind
    source: str  # the file (or table) it was read from, for the audit record
    entries: DoNotCall = field(default_factory=DoNotCall)
    data_date: date | None = None  # registries: the date of the data (None: unknown)

    def forbids(self, e164: str) -> bool:
        return self.entries.forbids(e164)

    @property
    def version(self) -> str:
        """A hash of the numbers (the same numbers give the same version)."""
        return self.entries.version

    @property
    def name(self) -> str:
        """``kind:source``, how the audit record names the list."""
        return f"{self.kind}:{self.source}"

    def __len__(self) -> int:
        return len(self.entries)


def load_do_not_call(
    data: bytes,
    source: str,
    kind: ListKind,
    *,
    country: str = "FR",
    list_format: ListFormat = ListFormat.AUTO,
    data_date: date | None = None,
) -> DoNotCallList:
    """A list from a file's bytes (any encoding: a byte-order mark, UTF-8 or Latin-1).
    National numbers in a plain list are read in ``country``. A registry must come with
    the date of its data; DoNotCallError names the file (and line) that is wrong."""
    if kind is ListKind.NATIONAL_REGISTRY and data_date is None:
        raise DoNotCallError(
            f"{source}: a national registry needs the date of its data, to check it is "
            "recent enough before each dial (US: 31 days)"
        )
    entries = parse_list(decode_list(data), source, country, list_format)
    return DoNotCallList(kind, source, entries, data_date)
