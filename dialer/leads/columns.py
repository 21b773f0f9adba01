"""Which CSV column holds what, as a campaign file's ``leads:`` section names them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LeadColumns:
    """Header names in the operator's CSV file; only ``number`` is required. Columns
    left as None are not read. ``country`` reads numbers written without one."""

    number: str = "phone"
    name: str | None = "name"
    reference: str | None = None  # the operator's own id for the lead (CRM key)
    time_zone: str | None = None  # an IANA zone ("America/Guadeloupe") overriding the number's
    postcode: str | None = None  # French postcode: overseas ones (971..976) set the zone
    consent_at: str | None = None  # when consent was given (ISO 8601 date or date-time)
    consent_channel: str | None = None  # web form, paper, phone...
    consent_proof: str | None = None  # the wording shown or a reference to the proof
    consent_scope: str | None = None  # which professional or partners it covers
    existing_contract: str | None = None  # yes/no: calls about an ongoing contract
    delimiter: str = ","
    country: str = "FR"
