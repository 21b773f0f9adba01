"""What the campaign dial check reads: the dial asked for (``DialRequest``), the person
called and their history (``Lead``), and the campaign's rules and data (``CampaignRules``).
All built by the caller from the campaign, the lead book and the lists loaded; numbers
come parsed (numbers.parse_number), once per lead, not once per dial."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property

from acd.core.compliance.attempts import Attempt
from acd.core.compliance.consent import Consent
from acd.core.compliance.dnc_lists import DoNotCallList
from acd.core.compliance.numbers import NumberKind, PhoneNumber
from acd.core.compliance.rule_set import Purpose, RuleSet
from acd.core.hours import Calendar

# Where a rule set calls unless the campaign says otherwise: its country, and for France
# the overseas parts that share its numbering plan.
DEFAULT_COUNTRIES = {
    RuleSet.FR: frozenset({"FR", "GP", "MQ", "GF", "RE", "YT", "PM", "BL", "MF"}),
    RuleSet.US: frozenset({"US"}),
    RuleSet.UK: frozenset({"GB"}),
}
# Never called, whatever the campaign says: the called person pays, or no such number.
REFUSED_KINDS = frozenset({NumberKind.PREMIUM_RATE, NumberKind.SHARED_COST, NumberKind.UNKNOWN})
# National registry data may be this old at most, in days (US: TSR safe harbour, 31 days;
# FR: opposition lists cleaned every month; UK: the TPS list, screened every 28 days).
REGISTRY_MAX_AGE_DAYS = {RuleSet.US: 31, RuleSet.FR: 31, RuleSet.UK: 28}
# ARCEP's "numéros polyvalents vérifiés": the caller IDs of automated calls in France.
VERIFIED_CALLER_IDS_FR = (
    "+33162",
    "+33163",
    "+33270",
    "+33271",
    "+33377",
    "+33378",
    "+33424",
    "+33425",
    "+33568",
    "+33569",
    "+33948",
    "+33949",
)


class CallMode(StrEnum):
    PREVIEW = "preview"  # an agent is on the line before the call: a live agent guaranteed
    PROGRESSIVE = "progressive"
    PREDICTIVE = "predictive"
    AGENTLESS = "agentless"  # a recorded or synthesised message: an automated call


@dataclass(frozen=True)
class DialRequest:
    mode: CallMode
    caller_id: PhoneNumber  # the number the called person sees

    @property
    def automated(self) -> bool:
        return self.mode is CallMode.AGENTLESS

    @property
    def live_agent_guaranteed(self) -> bool:
        return self.mode is CallMode.PREVIEW


@dataclass(frozen=True)
class OptOut:
    """The person asked not to be called again: every campaign, for good."""

    at: float
    source: str  # "keypress", "disposition"...
    campaign: str = ""


@dataclass(frozen=True)
class Lead:
    number: PhoneNumber
    time_zone: str = ""  # an IANA zone overriding the number's (postcode, or given)
    consent: Consent | None = None
    existing_contract: bool = False  # calls about an ongoing contract (FR: no consent needed)
    attempts: tuple[Attempt, ...] = ()  # every dial of the number, every campaign
    refusals: tuple[float, ...] = ()  # when the person refused further calls during a call
    opt_outs: tuple[OptOut, ...] = ()


@dataclass(frozen=True)
class CampaignRules:
    """A campaign's rules: its rule set, and what it may only narrow."""

    rule_set: RuleSet = RuleSet.FR
    purpose: Purpose = Purpose.PROSPECTING
    do_not_call: tuple[DoNotCallList, ...] = ()  # every list that applies: registries too
    calendar: Calendar | None = None  # the campaign's hours, within the legal window
    allowed_countries: frozenset[str] | None = None  # None: DEFAULT_COUNTRIES
    allowed_kinds: frozenset[NumberKind] | None = None  # None: all but REFUSED_KINDS
    consent_scopes: frozenset[str] = frozenset()  # scopes covering us; empty: any scope
    registry_max_age_days: int | None = None  # stricter than REGISTRY_MAX_AGE_DAYS only
    require_registry: bool = False  # refuse without a registry (always so in the US)

    @property
    def countries(self) -> frozenset[str]:
        if self.allowed_countries is None:
            return DEFAULT_COUNTRIES[self.rule_set]
        return self.allowed_countries

    @property
    def registry_max_age(self) -> int:
        default = REGISTRY_MAX_AGE_DAYS[self.rule_set]
        if self.registry_max_age_days is None:
            return default
        return min(default, self.registry_max_age_days)

    @cached_property
    def list_versions(self) -> tuple[tuple[str, str], ...]:
        """(list, version) for the audit; a registry's version ends with its data date."""
        return tuple(
            (lst.name, f"{lst.version}@{lst.data_date}" if lst.data_date else lst.version)
            for lst in self.do_not_call
        )

    @cached_property
    def do_not_call_version(self) -> str:
        """One hash of every list's version: the same lists give the same version."""
        lines = sorted(f"{name}={version}" for name, version in self.list_versions)
        return hashlib.sha256("\n".join(lines).encode()).hexdigest()[:16]
