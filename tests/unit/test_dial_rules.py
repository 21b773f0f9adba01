"""A campaign's dial, rule by rule (compliance.md): do-not-call lists and opt-outs, the
registry's freshness, destinations, consent, attempts per 30 days, 60 days after a
refusal, 72 hours after an abandoned call, caller IDs; and the verdict's audit data.
Calling windows: test_dial_rules_window.py. A million random dials: *_property.py."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime

import pytest

from acd.core.compliance import (
    CallMode,
    CampaignRules,
    Consent,
    DialRequest,
    DialRules,
    DoNotCall,
    DoNotCallList,
    Lead,
    ListKind,
    OptOut,
    check_campaign_dial,
    check_dial,
)
from acd.core.compliance import rule_names as r
from acd.core.compliance.attempts import Attempt, DialOutcome
from acd.core.compliance.facts import DialChecked
from acd.core.compliance.numbers import NumberKind, parse_number
from acd.core.compliance.rule_set import Purpose, RuleSet

DAY = 86_400.0
MONDAY_11 = datetime.fromisoformat("2026-12-07T11:00+01:00").timestamp()  # Paris
US_MONDAY_11 = datetime.fromisoformat("2026-12-07T11:00-05:00").timestamp()  # New York
UK_MONDAY_11 = datetime.fromisoformat("2026-12-07T11:00+00:00").timestamp()  # London
ANN = parse_number("+33612345678")
JOE = parse_number("+12015550123")
SAM = parse_number("+442079460018")
CONSENTED = Consent(MONDAY_11 - 90 * DAY, "web form", "form log 4411", "Acme", record="c-17")
AGENTS = DialRequest(CallMode.PROGRESSIVE, parse_number("+33170000000"))
ROBOT = DialRequest(CallMode.AGENTLESS, parse_number("+33162000000"))
US_REGISTRY = DoNotCallList(
    ListKind.NATIONAL_REGISTRY, "dnc-201.txt", DoNotCall(), date(2026, 11, 20)
)
FR = CampaignRules()
US = CampaignRules(RuleSet.US, do_not_call=(US_REGISTRY,))
UK = CampaignRules(RuleSet.UK)


def refused(
    lead: Lead, rules: CampaignRules = FR, at: float = MONDAY_11, request: DialRequest = AGENTS
) -> tuple[str, ...]:
    return check_campaign_dial(request, lead, rules, at).refused_by


def listed(kind: ListKind, *numbers: str, day: date | None = None) -> DoNotCallList:
    return DoNotCallList(kind, f"{kind}.txt", DoNotCall(frozenset(numbers)), day)


def test_a_lead_with_consent_in_the_window_may_be_dialled() -> None:
    assert refused(Lead(ANN, consent=CONSENTED)) == ()
    assert refused(Lead(JOE), US, US_MONDAY_11) == ()
    assert refused(Lead(SAM), UK, UK_MONDAY_11) == ()


@pytest.mark.parametrize("kind", list(ListKind))
def test_every_kind_of_list_forbids_the_number(kind: ListKind) -> None:
    day = date(2026, 12, 1) if kind is ListKind.NATIONAL_REGISTRY else None
    rules = CampaignRules(do_not_call=(listed(kind, "+33612345678", day=day),))
    assert refused(Lead(ANN, consent=CONSENTED), rules) == (r.DO_NOT_CALL,)
    assert refused(Lead(ANN, consent=CONSENTED), listed_elsewhere(rules)) == ()


def listed_elsewhere(rules: CampaignRules) -> CampaignRules:
    others = tuple(dataclasses.replace(lst, entries=DoNotCall()) for lst in rules.do_not_call)
    return dataclasses.replace(rules, do_not_call=others)


def test_an_opt_out_from_any_campaign_forbids_the_number_for_good() -> None:
    opted = Lead(ANN, consent=CONSENTED, opt_outs=(OptOut(MONDAY_11 - 400 * DAY, "keypress"),))
    assert refused(opted) == (r.DO_NOT_CALL,)
    later = dataclasses.replace(opted, opt_outs=(OptOut(MONDAY_11 + 60, "disposition", "x"),))
    assert refused(later) == (r.DO_NOT_CALL,)  # never looser: whenever it was recorded


def test_us_registry_data_may_be_31_days_old_not_32() -> None:
    day = datetime.fromisoformat("2026-12-21T23:59:59+00:00").timestamp()  # 31 days on
    assert refused(Lead(JOE), US, day) == ()
    assert refused(Lead(JOE), US, day + 1) == (r.REGISTRY_FRESH,)  # UTC days
    no_registry = dataclasses.replace(US, do_not_call=())
    assert refused(Lead(JOE), no_registry, US_MONDAY_11) == (r.REGISTRY_FRESH,)
    undated = dataclasses.replace(US_REGISTRY, data_date=None)
    assert refused(Lead(JOE), CampaignRules(RuleSet.US, do_not_call=(undated,)), day) == (
        r.REGISTRY_FRESH,
    )


def test_registry_ages_per_rule_set_and_campaigns_may_only_shorten_them() -> None:
    registry = listed(ListKind.NATIONAL_REGISTRY, day=date(2026, 11, 7))  # 30 days old
    fr = CampaignRules(do_not_call=(registry,), registry_max_age_days=60)
    assert refused(Lead(ANN, consent=CONSENTED), fr) == ()  # 31 days, not 60
    assert refused(Lead(ANN, consent=CONSENTED), fr, MONDAY_11 + 2 * DAY) == (r.REGISTRY_FRESH,)
    stricter = dataclasses.replace(fr, registry_max_age_days=7)
    assert refused(Lead(ANN, consent=CONSENTED), stricter) == (r.REGISTRY_FRESH,)
    uk = CampaignRules(RuleSet.UK, do_not_call=(registry,))  # TPS: 28 days
    assert refused(Lead(SAM), uk, UK_MONDAY_11) == (r.REGISTRY_FRESH,)
    assert refused(Lead(ANN, consent=CONSENTED), CampaignRules(require_registry=True)) == (
        r.REGISTRY_FRESH,
    )


@pytest.mark.parametrize(
    ("number", "rules", "allowed"),
    [
        ("+33899123456", FR, False),  # premium rate
        ("+33810123456", FR, False),  # shared cost
        ("+33262123456", FR, False),  # not in service per the plan
        ("+32470123456", FR, False),  # Belgium: not the rule set's country
        ("+32470123456", CampaignRules(allowed_countries=frozenset({"FR", "BE"})), True),
        ("+590690221234", FR, True),  # Guadeloupe: France overseas
        ("+262692123456", FR, True),  # La Réunion
        ("+14165550123", US, False),  # Canada shares +1, not the country
        ("+447911123456", UK, False),  # Guernsey shares +44, not the country
        ("+33612345678", CampaignRules(allowed_kinds=frozenset({NumberKind.FIXED_LINE})), False),
        ("+33899123456", CampaignRules(allowed_kinds=frozenset(NumberKind)), False),
    ],
)
def test_destinations(number: str, rules: CampaignRules, allowed: bool) -> None:
    verdict = check_campaign_dial(AGENTS, Lead(parse_number(number)), rules, MONDAY_11)
    assert (r.DESTINATION not in verdict.refused_by) == allowed


def test_french_prospecting_needs_consent_with_its_evidence() -> None:
    assert refused(Lead(ANN)) == (r.CONSENT,)
    assert refused(Lead(ANN, existing_contract=True)) == ()
    customers = CampaignRules(purpose=Purpose.EXISTING_CUSTOMER)
    assert refused(Lead(ANN), customers) == ()
    for partial in (
        dataclasses.replace(CONSENTED, channel=" "),
        dataclasses.replace(CONSENTED, proof=""),
        dataclasses.replace(CONSENTED, scope=""),
    ):
        assert refused(Lead(ANN, consent=partial)) == (r.CONSENT,), partial


def test_consent_counts_from_when_it_was_given_until_it_is_withdrawn() -> None:
    given_later = dataclasses.replace(CONSENTED, given_at=MONDAY_11 + 1)
    assert refused(Lead(ANN, consent=given_later)) == (r.CONSENT,)
    withdrawn = dataclasses.replace(CONSENTED, withdrawn_at=MONDAY_11)
    assert refused(Lead(ANN, consent=withdrawn)) == (r.CONSENT,)
    assert refused(Lead(ANN, consent=withdrawn), at=MONDAY_11 - 1) == ()


def test_consent_given_to_someone_else_does_not_cover_us() -> None:
    ours = CampaignRules(consent_scopes=frozenset({"Acme", "Acme group"}))
    assert refused(Lead(ANN, consent=CONSENTED), ours) == ()
    partner = dataclasses.replace(CONSENTED, scope="Partner Ltd")
    assert refused(Lead(ANN, consent=partner), ours) == (r.CONSENT,)


@pytest.mark.parametrize("rules", [FR, CampaignRules(purpose=Purpose.EXISTING_CUSTOMER), UK])
def test_automated_calls_need_consent_whatever_the_relation(rules: CampaignRules) -> None:
    at = UK_MONDAY_11 if rules.rule_set is RuleSet.UK else MONDAY_11
    number = SAM if rules.rule_set is RuleSet.UK else ANN
    contract = Lead(number, existing_contract=True)
    assert refused(contract, rules, at, ROBOT) == (r.CONSENT,)
    consented = dataclasses.replace(contract, consent=CONSENTED)
    assert refused(consented, rules, at, ROBOT) == ()


def test_four_dials_placed_in_30_days_and_no_more() -> None:
    lead = Lead(ANN, consent=CONSENTED)
    outcomes = (DialOutcome.NO_ANSWER, DialOutcome.BUSY, DialOutcome.MACHINE, DialOutcome.FAILED)
    three = tuple(Attempt(MONDAY_11 - (i + 1) * DAY, o) for i, o in enumerate(outcomes[:3]))
    assert refused(dataclasses.replace(lead, attempts=three)) == ()
    four = (*three, Attempt(MONDAY_11 - 30 * DAY + 1, outcomes[3]))
    assert refused(dataclasses.replace(lead, attempts=four)) == (r.ATTEMPTS_30_DAYS,)
    aged = (*three, Attempt(MONDAY_11 - 30 * DAY, outcomes[3]))  # exactly 30 days: gone
    assert refused(dataclasses.replace(lead, attempts=aged)) == ()
    never_placed = (*three, *(Attempt(MONDAY_11 - 60, DialOutcome.REFUSED),) * 5)
    assert refused(dataclasses.replace(lead, attempts=never_placed)) == ()
    us_rules = dataclasses.replace(US, allowed_countries=frozenset({"US", "FR"}))
    assert refused(dataclasses.replace(lead, attempts=four), us_rules, US_MONDAY_11) == ()


def test_no_call_for_60_days_after_a_refusal_during_a_call() -> None:
    lead = Lead(ANN, consent=CONSENTED, refusals=(MONDAY_11 - 60 * DAY + 1,))
    assert refused(lead) == (r.AFTER_REFUSAL,)
    assert refused(lead, at=MONDAY_11 + 1) == ()


def test_uk_no_call_for_72_hours_after_an_abandoned_one_unless_an_agent_is_there() -> None:
    abandoned = Attempt(UK_MONDAY_11 - 72 * 3600 + 1, DialOutcome.ABANDONED)
    lead = Lead(SAM, attempts=(abandoned,))
    assert refused(lead, UK, UK_MONDAY_11) == (r.AFTER_ABANDON_72H,)
    assert refused(lead, UK, UK_MONDAY_11 + 1) == ()
    preview = DialRequest(CallMode.PREVIEW, parse_number("+442079460019"))
    assert refused(lead, UK, UK_MONDAY_11, preview) == ()
    french = Lead(ANN, consent=CONSENTED, attempts=(Attempt(MONDAY_11 - 60, abandoned.outcome),))
    assert r.AFTER_ABANDON_72H not in check_campaign_dial(AGENTS, french, FR, MONDAY_11).checked


@pytest.mark.parametrize(
    ("caller", "mode", "allowed"),
    [
        ("+33162000000", CallMode.AGENTLESS, True),
        ("+33949123456", CallMode.AGENTLESS, True),
        ("+33170000000", CallMode.AGENTLESS, False),  # ordinary geographic number
        ("+33612345678", CallMode.AGENTLESS, False),  # mobile
        ("+33170000000", CallMode.PROGRESSIVE, True),  # an agent's call: any real number
        ("+33899123456", CallMode.PROGRESSIVE, False),  # premium rate: never
        ("+33262123456", CallMode.PREVIEW, False),  # not in service
    ],
)
def test_caller_ids(caller: str, mode: CallMode, allowed: bool) -> None:
    request = DialRequest(mode, parse_number(caller))
    verdict = check_campaign_dial(request, Lead(ANN, consent=CONSENTED), FR, MONDAY_11)
    assert (r.CALLER_ID not in verdict.refused_by) == allowed


def test_the_verdict_names_every_rule_checked_and_every_refusal() -> None:
    lead = Lead(parse_number("+33899123456"), opt_outs=(OptOut(0.0, "keypress"),))
    verdict = check_campaign_dial(ROBOT, lead, FR, MONDAY_11 + 5 * DAY)  # a Saturday
    assert verdict.checked == (
        r.DO_NOT_CALL,
        r.REGISTRY_FRESH,
        r.DESTINATION,
        r.CALLING_WINDOW,
        r.CONSENT,
        r.ATTEMPTS_30_DAYS,
        r.AFTER_REFUSAL,
        r.CALLER_ID,
    )
    assert verdict.refused_by == (r.DO_NOT_CALL, r.DESTINATION, r.CALLING_WINDOW, r.CONSENT)
    assert not verdict.allowed
    assert verdict.number == "+33899123456"
    us = check_campaign_dial(AGENTS, Lead(JOE), US, US_MONDAY_11).checked
    assert r.ATTEMPTS_30_DAYS not in us
    assert r.AFTER_ABANDON_72H not in us


def test_the_verdict_quotes_the_data_it_was_checked_against() -> None:
    company = listed(ListKind.COMPANY, "+33600000000")
    registry = listed(ListKind.NATIONAL_REGISTRY, "+33600000001", day=date(2026, 12, 1))
    rules = CampaignRules(do_not_call=(company, registry))
    verdict = check_campaign_dial(AGENTS, Lead(ANN, consent=CONSENTED), rules, MONDAY_11)
    assert verdict.data_versions == (
        ("rule_set", "FR"),
        ("company:company.txt", company.version),
        ("national_registry:national_registry.txt", f"{registry.version}@2026-12-01"),
        ("consent", "c-17"),
    )
    swapped = dataclasses.replace(rules, do_not_call=(registry, company))
    assert swapped.do_not_call_version == rules.do_not_call_version != FR.do_not_call_version
    fact = DialChecked.of(verdict, "call-1", "sales", "renewals")
    assert fact.data_versions == verdict.data_versions


def test_a_consent_without_a_record_id_is_quoted_by_its_content() -> None:
    anonymous = dataclasses.replace(CONSENTED, record="")
    versions = dict(
        check_campaign_dial(AGENTS, Lead(ANN, consent=anonymous), FR, MONDAY_11).data_versions
    )
    assert len(versions["consent"]) == 16
    changed = dataclasses.replace(anonymous, proof="another log")
    assert changed.version != versions["consent"]


def test_callbacks_check_their_three_rules() -> None:
    rules = DialRules(DoNotCall(frozenset({"+33612345678"})), lambda at: at >= 0)
    verdict = check_dial("+33612345678", 1.0, rules)
    assert verdict.checked == (r.DO_NOT_CALL, r.DESTINATION, r.CALLING_HOURS)
    assert verdict.refused_by == (r.DO_NOT_CALL,)
    assert verdict.data_versions == ()
