"""The audit record of a dial: every number checked before it is dialled leaves one in
the journal, allowed or refused, with the rules checked, the ones that refused, and the
version of the data they were checked against (compliance.md: "every dial leaves an
audit record of which rules were checked with which data version")."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from acd.core.compliance.dial_check import DialVerdict


@dataclass(frozen=True, slots=True)
class DialChecked:
    kind: ClassVar[str] = "DIALCHECK"
    at: float
    call_id: str
    queue: str
    number: str
    allowed: bool
    checked: tuple[str, ...]
    refused_by: tuple[str, ...]
    do_not_call_version: str  # the lists' content hash: which numbers were forbidden
    campaign: str = ""  # a campaign's dial (``queue`` is then its queue, if any)
    # Each list's hash, a registry's date, the consent record... (DialVerdict.data_versions)
    data_versions: tuple[tuple[str, str], ...] = ()

    @classmethod
    def of(cls, verdict: DialVerdict, call_id: str, queue: str, campaign: str = "") -> DialChecked:
        return cls(
            at=verdict.at,
            call_id=call_id,
            queue=queue,
            number=verdict.number,
            allowed=verdict.allowed,
            checked=verdict.checked,
            refused_by=verdict.refused_by,
            do_not_call_version=verdict.do_not_call_version,
            campaign=campaign,
            data_versions=verdict.data_versions,
        )


COMPLIANCE_FACTS = (DialChecked,)
