"""A campaign's calling rules, checked at the moment of each dial (compliance.md): the
data (opt-outs, the lead's consent and past dials) comes from the lead book; the rules
themselves are plain functions of that data and the time.

Rules: do_not_call (the company's and the campaign's lists, and every opt-out, from any
campaign), destination (a number in service of an allowed kind: never premium rate,
shared cost or unknown), calling_window (the rule set's legal hours in the called
person's time zone, every zone of the number when it has several, and the campaign's
own calendar), consent (FR: prospecting needs recorded consent or an existing contract;
automated message calls need consent), attempts_30_days (FR: at most 4 dials placed
per person per 30 days, every campaign together), after_abandon_72h (UK).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from acd.adapters.dialer.book import BookLead, LeadBook
from acd.core.compliance import DialVerdict, DoNotCall
from acd.core.compliance.attempts import DialOutcome
from acd.core.compliance.calling_hours import legal_calling_hours
from acd.core.compliance.numbers import NumberError, NumberKind, parse_number
from acd.core.compliance.rule_set import Purpose, RuleSet
from acd.core.hours import Calendar
from dialer.campaign.model import COUNTRY_OF, Campaign, Mode

DO_NOT_CALL, DESTINATION, CALLING_WINDOW = "do_not_call", "destination", "calling_window"
CONSENT, ATTEMPTS_30_DAYS, AFTER_ABANDON_72H = "consent", "attempts_30_days", "after_abandon_72h"
NOT_A_LEAD = "not_a_lead"
DAY_S = 86_400.0
_REFUSED_KINDS = {NumberKind.PREMIUM_RATE, NumberKind.SHARED_COST, NumberKind.UNKNOWN}


class CampaignChecks:
    def __init__(self, book: LeadBook, company_list: DoNotCall) -> None:
        self._book, self._company = book, company_list

    def check(self, campaign: Campaign, number: str, at: float) -> DialVerdict:
        lead = self._book.lead(campaign.name, number)
        rules: dict[str, Callable[[], bool]] = {
            NOT_A_LEAD: lambda: lead is not None,
            DO_NOT_CALL: lambda: not self._listed(campaign, number),
            DESTINATION: lambda: _destination_allowed(campaign, number),
            CALLING_WINDOW: lambda: _window_open(campaign, number, lead, at),
            CONSENT: lambda: lead is not None and _consented(campaign, lead),
        }
        if campaign.rule_set is RuleSet.FR:
            rules[ATTEMPTS_30_DAYS] = lambda: (
                len(self._book.placed_since(number, at - 30 * DAY_S)) < 4
            )
        if campaign.rule_set is RuleSet.UK:
            rules[AFTER_ABANDON_72H] = lambda: (
                not any(
                    a.outcome is DialOutcome.ABANDONED
                    for a in self._book.placed_since(number, at - 3 * DAY_S)
                )
            )
        refused = tuple(name for name, allows in rules.items() if not allows())
        lists = DoNotCall(self._company.numbers | campaign.do_not_call.numbers)
        return DialVerdict(number, at, tuple(rules), refused, lists.version)

    def _listed(self, campaign: Campaign, number: str) -> bool:
        return (
            self._company.forbids(number)
            or campaign.do_not_call.forbids(number)
            or self._book.opted_out(number)
        )


def _destination_allowed(campaign: Campaign, number: str) -> bool:
    try:
        parsed = parse_number(number, COUNTRY_OF[campaign.rule_set])
    except NumberError:
        return False
    return parsed.kind not in _REFUSED_KINDS


def _window_open(campaign: Campaign, number: str, lead: BookLead | None, at: float) -> bool:
    """Open in every time zone the called person may be in, and in the campaign's own."""
    if campaign.calendar is not None and not campaign.calendar.is_open(at):
        return False
    legal = legal_calling_hours(COUNTRY_OF[campaign.rule_set])
    return all(_in_zone(legal, zone).is_open(at) for zone in _zones(campaign, number, lead))


def _zones(campaign: Campaign, number: str, lead: BookLead | None) -> tuple[str, ...]:
    if lead is not None and lead.time_zone:
        return (lead.time_zone,)
    try:
        zones = parse_number(number, COUNTRY_OF[campaign.rule_set]).time_zones
    except NumberError:
        zones = ()
    return zones or (legal_calling_hours(COUNTRY_OF[campaign.rule_set]).timezone,)


def _in_zone(calendar: Calendar, zone: str) -> Calendar:
    return dataclasses.replace(calendar, timezone=zone)


def _consented(campaign: Campaign, lead: BookLead) -> bool:
    if campaign.rule_set is not RuleSet.FR:
        return True
    if campaign.mode is Mode.AGENTLESS:  # automated calls: consent whatever the relation
        return bool(lead.consent)
    if campaign.purpose is Purpose.PROSPECTING:
        return bool(lead.consent) or lead.existing_contract
    return True
