"""A campaign's calling rules, checked at the moment of each dial: the rules are the pure
core's (acd.core.compliance.check_campaign_dial, docs/compliance-rules.md); this adapter
gathers what they read, from the campaign file, the company's list and the lead book
(the lead's consent and zone; every campaign's dials, refusals and opt-outs of the
number: one professional, one person).
"""

from __future__ import annotations

from functools import lru_cache

from acd.adapters.dialer.book import LeadBook
from acd.core.compliance import (
    CallMode,
    CampaignRules,
    DialRequest,
    DialVerdict,
    DoNotCall,
    DoNotCallList,
    Lead,
    ListKind,
    OptOut,
    check_campaign_dial,
)
from acd.core.compliance.numbers import NumberError, PhoneNumber, parse_number
from dialer.campaign.model import COUNTRY_OF, Campaign, Mode

NOT_A_LEAD = "not_a_lead"  # the number is not among the campaign's leads
DAY_S = 86_400.0
HISTORY_S = 60 * DAY_S  # the longest period a rule looks back on (after a refusal)
_MODES = {
    Mode.PREVIEW: CallMode.PREVIEW,
    Mode.PROGRESSIVE: CallMode.PROGRESSIVE,
    Mode.PREDICTIVE: CallMode.PREDICTIVE,
    Mode.AGENTLESS: CallMode.AGENTLESS,
}


class CampaignChecks:
    def __init__(self, book: LeadBook, company_list: DoNotCallList) -> None:
        self._book, self._company = book, company_list
        self._rules: dict[str, tuple[Campaign, CampaignRules]] = {}

    def check(self, campaign: Campaign, number: str, at: float) -> DialVerdict:
        rules = self._rules_of(campaign)
        found = self._book.lead(campaign.name, number)
        if found is None:
            return DialVerdict(number, at, (NOT_A_LEAD,), (NOT_A_LEAD,), rules.do_not_call_version)
        try:
            phone = _parsed(number, COUNTRY_OF[campaign.rule_set])
            caller_id = _parsed(campaign.caller_id, COUNTRY_OF[campaign.rule_set])
        except NumberError:  # stored numbers are E.164: only a hand-edited book gets here
            return DialVerdict(number, at, ("destination",), ("destination",), "")
        lead = Lead(
            number=phone,
            time_zone=found.time_zone,
            consent=found.consent,
            existing_contract=found.existing_contract,
            attempts=tuple(self._book.placed_since(number, at - HISTORY_S)),
            refusals=tuple(self._book.refusals_since(number, at - HISTORY_S)),
            opt_outs=tuple(OptOut(when, source) for when, source in self._book.opt_outs(number)),
        )
        request = DialRequest(_MODES[campaign.mode], caller_id)
        return check_campaign_dial(request, lead, rules, at)

    def _rules_of(self, campaign: Campaign) -> CampaignRules:
        """Built once per campaign (the list versions are hashes of every number)."""
        cached = self._rules.get(campaign.name)
        if cached is None or cached[0] is not campaign:
            rules = CampaignRules(
                rule_set=campaign.rule_set,
                purpose=campaign.purpose,
                do_not_call=(self._company, *campaign.do_not_call),
                calendar=campaign.calendar,
            )
            cached = self._rules[campaign.name] = (campaign, rules)
        return cached[1]


@lru_cache(maxsize=65_536)
def _parsed(number: str, country: str) -> PhoneNumber:
    return parse_number(number, country)


def company_list(entries: DoNotCall, files: tuple[str, ...]) -> DoNotCallList:
    """acd.yaml's ``callbacks.do_not_call``: the company's list, for every campaign."""
    return DoNotCallList(ListKind.COMPANY, ",".join(files) or "acd.yaml", entries)
