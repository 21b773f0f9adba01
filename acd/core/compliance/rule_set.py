"""The rule sets a campaign picks (compliance.md): the country whose calling rules apply."""

from __future__ import annotations

from enum import StrEnum


class RuleSet(StrEnum):
    FR = "FR"  # the default: consent for prospecting, 4 per 30 days, weekday hours
    US = "US"  # TSR and TCPA: 3 % abandons per 30 days, 8-21, registry 31 days fresh
    UK = "UK"  # Ofcom: 3 % abandons per 24 h (AMD false positives too), 72 h after one


class Purpose(StrEnum):
    """Why a campaign calls: prospecting needs consent in France; an existing contract
    (a renewal, a service call) does not."""

    PROSPECTING = "prospecting"
    EXISTING_CUSTOMER = "existing_customer"
