"""The check a campaign's dial passes at the moment it is dialled (compliance.md): every
rule of the campaign's rule set (campaign_rules.RULES), and a verdict naming the rules
checked, those that refused, and the data they were checked against (each list's hash,
a registry's date, the consent record), for the journal's audit record (DialChecked).

Every rule is checked even once one has refused: the audit and ``acd dialer scrub``
show all the reasons, and a retry policy can tell a refusal that passes with time from
one that does not."""

from __future__ import annotations

from acd.core.compliance.campaign_rules import RULES, consent_needed
from acd.core.compliance.dial_check import DialVerdict
from acd.core.compliance.dial_request import CampaignRules, DialRequest, Lead


def check_campaign_dial(
    request: DialRequest, lead: Lead, rules: CampaignRules, at: float
) -> DialVerdict:
    """May ``lead`` be dialled for this campaign at ``at`` (epoch seconds)?"""
    checked = RULES[rules.rule_set]
    refused = tuple(name for name, allows in checked if not allows(request, lead, rules, at))
    return DialVerdict(
        number=lead.number.e164,
        at=at,
        checked=tuple(name for name, _ in checked),
        refused_by=refused,
        do_not_call_version=rules.do_not_call_version,
        data_versions=_data_versions(request, lead, rules),
    )


def _data_versions(
    request: DialRequest, lead: Lead, rules: CampaignRules
) -> tuple[tuple[str, str], ...]:
    found = [("rule_set", str(rules.rule_set)), *rules.list_versions]
    if lead.opt_outs:
        first = min(lead.opt_outs, key=lambda o: o.at)
        found.append(("opt_out", f"{first.source}@{first.at:.0f}"))
    if lead.consent is not None and consent_needed(request, lead, rules):
        found.append(("consent", lead.consent.version))
    return tuple(found)
