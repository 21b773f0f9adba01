"""The calling rules of a campaign's dial, one function each: True when the rule allows
the dial (compliance.md; what each needs: docs/compliance-rules.md). Pure: the time is
``at`` (epoch seconds), every fact comes in the request, the lead and the rules.

Periods (30 days, 60 days, 72 hours) are rolling, in seconds: an event exactly one
period before ``at`` no longer counts; an event after ``at`` counts (never looser).
"""

from __future__ import annotations

from collections.abc import Callable

from acd.core.compliance import rule_names as r
from acd.core.compliance.attempts import DialOutcome
from acd.core.compliance.calling_window import window_open
from acd.core.compliance.dial_request import (
    REFUSED_KINDS,
    VERIFIED_CALLER_IDS_FR,
    CampaignRules,
    DialRequest,
    Lead,
)
from acd.core.compliance.dnc_lists import ListKind
from acd.core.compliance.rule_set import Purpose, RuleSet

DAY_S = 86_400.0
MAX_PLACED_30_DAYS = 4  # FR: calls or attempts per person per 30 days
_EPOCH_ORDINAL = 719_163  # date(1970, 1, 1).toordinal()

Rule = Callable[[DialRequest, Lead, CampaignRules, float], bool]


def do_not_call(request: DialRequest, lead: Lead, rules: CampaignRules, at: float) -> bool:
    """On no list that applies (registry, company, campaign, opt-outs), and never opted
    out (by keypress or agent disposition, in any campaign)."""
    e164 = lead.number.e164
    return not lead.opt_outs and not any(lst.forbids(e164) for lst in rules.do_not_call)


def registry_fresh(request: DialRequest, lead: Lead, rules: CampaignRules, at: float) -> bool:
    """Every national registry loaded is dated, and no older than the rule set allows
    (days counted in UTC); the US (or a campaign asking for it) needs one loaded."""
    registries = [lst for lst in rules.do_not_call if lst.kind is ListKind.NATIONAL_REGISTRY]
    if not registries and (rules.rule_set is RuleSet.US or rules.require_registry):
        return False
    today = int(at // DAY_S) + _EPOCH_ORDINAL
    return all(
        lst.data_date is not None and today - lst.data_date.toordinal() <= rules.registry_max_age
        for lst in registries
    )


def destination(request: DialRequest, lead: Lead, rules: CampaignRules, at: float) -> bool:
    """A number in service, of an allowed country and kind: never premium rate, shared
    cost or unknown, whatever the campaign allows."""
    number = lead.number
    if number.kind in REFUSED_KINDS or number.country not in rules.countries:
        return False
    return rules.allowed_kinds is None or number.kind in rules.allowed_kinds


def calling_window(request: DialRequest, lead: Lead, rules: CampaignRules, at: float) -> bool:
    """The legal window in every zone the person may be in, and the campaign's calendar."""
    if rules.calendar is not None and not rules.calendar.is_open(at):
        return False
    return window_open(rules.rule_set, lead.number, lead.time_zone, at)


def consent_needed(request: DialRequest, lead: Lead, rules: CampaignRules) -> bool:
    """Automated calls, whatever the relation; FR prospecting without a contract."""
    if request.automated:
        return True
    return (
        rules.rule_set is RuleSet.FR
        and rules.purpose is Purpose.PROSPECTING
        and not lead.existing_contract
    )


def consent(request: DialRequest, lead: Lead, rules: CampaignRules, at: float) -> bool:
    """Where needed, consent with its evidence, in force at ``at``."""
    if not consent_needed(request, lead, rules):
        return True
    return lead.consent is not None and lead.consent.in_force(at, rules.consent_scopes)


def attempts_30_days(request: DialRequest, lead: Lead, rules: CampaignRules, at: float) -> bool:
    """Fewer than 4 dials placed (any outcome; refused ones were never placed)."""
    since = at - 30 * DAY_S
    placed = sum(1 for a in lead.attempts if a.at > since and a.placed)
    return placed < MAX_PLACED_30_DAYS


def after_refusal(request: DialRequest, lead: Lead, rules: CampaignRules, at: float) -> bool:
    """No refusal during a call in the last 60 days."""
    since = at - 60 * DAY_S
    return not any(refused > since for refused in lead.refusals)


def after_abandon_72h(request: DialRequest, lead: Lead, rules: CampaignRules, at: float) -> bool:
    """No abandoned call to the number in the last 72 hours, unless an agent is
    guaranteed (preview: the agent is on the line before the call)."""
    if request.live_agent_guaranteed:
        return True
    since = at - 3 * DAY_S
    return not any(a.at > since and a.outcome is DialOutcome.ABANDONED for a in lead.attempts)


def caller_id(request: DialRequest, lead: Lead, rules: CampaignRules, at: float) -> bool:
    """A number in service; in France an automated call shows an ARCEP verified one."""
    shown = request.caller_id
    if shown.kind in REFUSED_KINDS:
        return False
    if rules.rule_set is RuleSet.FR and request.automated:
        return shown.e164.startswith(VERIFIED_CALLER_IDS_FR)
    return True


_ALWAYS: tuple[tuple[str, Rule], ...] = (
    (r.DO_NOT_CALL, do_not_call),
    (r.REGISTRY_FRESH, registry_fresh),
    (r.DESTINATION, destination),
    (r.CALLING_WINDOW, calling_window),
    (r.CONSENT, consent),
)
RULES: dict[RuleSet, tuple[tuple[str, Rule], ...]] = {
    RuleSet.FR: (
        *_ALWAYS,
        (r.ATTEMPTS_30_DAYS, attempts_30_days),
        (r.AFTER_REFUSAL, after_refusal),
        (r.CALLER_ID, caller_id),
    ),
    RuleSet.US: (*_ALWAYS, (r.CALLER_ID, caller_id)),
    RuleSet.UK: (*_ALWAYS, (r.AFTER_ABANDON_72H, after_abandon_72h), (r.CALLER_ID, caller_id)),
}
