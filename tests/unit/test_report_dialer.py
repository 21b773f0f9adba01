"""`acd report dialer`: each campaign's dials, outcomes, refusals and abandon rate, from
the journal's outbound facts (hand-counted)."""

from __future__ import annotations

import pytest

from acd.core.compliance.facts import DialChecked
from acd.core.compliance.rule_set import RuleSet
from acd.core.engine.facts import AgentStateChanged
from acd.core.facts import Fact
from acd.core.outbound.facts import (
    AmdVerdict,
    LeadCallEnded,
    LeadDialled,
    LeadDisposition,
    NumberOptedOut,
)
from acd.core.report.dialer import campaigns, campaigns_json, campaigns_text
from acd.core.report.period import Period

DAY = Period(1_000.0, 90_000.0, "2026-12-07")


def _dial(
    at: float,
    call: str,
    number: str,
    attempt: int,
    outcome: str,
    agent: str = "",
    campaign: str = "renewals",
) -> list[Fact]:
    return [
        LeadDialled(at, call, campaign, number, attempt),
        LeadCallEnded(at + 30, call, campaign, number, attempt, outcome, agent),
    ]


def _refused(at: float, number: str, *rules: str) -> DialChecked:
    return DialChecked(
        at, "", "sales", number, False, ("do_not_call", "consent"), rules, "v1", "renewals"
    )


def test_outcomes_abandon_rate_refusals_and_attempts_per_lead() -> None:
    facts: list[Fact] = [
        *_dial(2_000, "c1", "+33600000001", 1, "answered", "1001"),
        *_dial(2_100, "c2", "+33600000002", 1, "abandoned"),
        *_dial(2_200, "c3", "+33600000003", 1, "no_answer"),
        *_dial(9_000, "c4", "+33600000003", 2, "answered", "1002"),
        *_dial(9_100, "c5", "+33600000004", 1, "machine"),
        AmdVerdict(9_105, "c5", "renewals", "MACHINE", "LONGGREETING-1500-1500"),
        AmdVerdict(2_005, "c1", "renewals", "HUMAN", "HUMAN-500-800"),
        _refused(3_000, "+33600000009", "do_not_call"),
        _refused(3_001, "+33600000008", "consent", "do_not_call"),
        LeadDisposition(2_100, "c1", "renewals", "+33600000001", "1001", "sale"),
        NumberOptedOut(9_200, "c4", "renewals", "+33600000003", "disposition"),
        *_dial(95_000, "late", "+33600000005", 1, "answered", "1001"),  # after the period
    ]
    (row,) = campaigns(facts, DAY)
    assert row.dials == 5
    assert row.live == 3  # two answered, one abandoned
    assert row.abandon_rate == 1 / 3
    assert row.right_party_contacts == 2
    assert dict(row.refused) == {"do_not_call": 2, "consent": 1}
    assert dict(row.amd) == {"MACHINE": 1, "HUMAN": 1}
    assert dict(row.attempts_per_lead) == {1: 3, 2: 1}  # +33600000003 dialled twice
    (document,) = campaigns_json([row])
    assert document["outcomes"] == {"answered": 2, "no_answer": 1, "machine": 1, "abandoned": 1}
    assert document["opt_outs"] == 1
    assert document["dispositions"] == {"sale": 1}
    text = campaigns_text([row], DAY.label)
    assert "renewals: 5 dials, 3 people answered, 2 put through to an agent" in text
    assert "abandon rate 33.3 %" in text


def test_a_period_without_dials_says_so() -> None:
    assert (
        campaigns_text(campaigns([], DAY), DAY.label)
        == "Campaigns, 2026-12-07: no dial in this period.\n"
    )


def _campaign_day(campaign: str) -> list[Fact]:
    """3 put through, 1 abandoned, 10 ended as machines; one more MACHINE verdict was
    routed to an agent (MACHINE/INITIALSILENCE: person): a live call, not a machine."""
    facts: list[Fact] = []
    outcomes = ["answered"] * 3 + ["abandoned"] + ["machine"] * 10
    for i, outcome in enumerate(outcomes):
        agent = "1001" if outcome == "answered" else ""
        facts += _dial(
            2_000 + i, f"{campaign}{i}", f"+4470000000{i:02}", 1, outcome, agent, campaign
        )
        if outcome == "machine":
            facts.append(
                AmdVerdict(2_010 + i, f"{campaign}{i}", campaign, "MACHINE", "MAXWORDS-3-2")
            )
    facts.append(AmdVerdict(2_010, f"{campaign}0", campaign, "MACHINE", "INITIALSILENCE-2500-2500"))
    return facts


def test_uk_counts_estimated_amd_false_positives_as_abandoned_and_fr_does_not() -> None:
    facts = _campaign_day("uk") + _campaign_day("fr")
    rule_sets = {"uk": RuleSet.UK, "fr": RuleSet.FR}
    fr, uk = campaigns(facts, DAY, rule_sets, {"uk": 0.1, "fr": 0.1})
    for row in (fr, uk):
        assert row.live == 4
        assert dict(row.amd) == {"MACHINE": 11}  # verdicts; 10 calls ended as machines
        assert row.amd_false_positives_estimated == pytest.approx(1.0)  # 10 x 0.1
        assert row.abandon_rate_measured == 1 / 4
    assert fr.abandon_rate == 1 / 4  # FR: as measured
    assert uk.abandon_rate == pytest.approx((1 + 1.0) / (4 + 1.0))  # UK: with the estimate
    fr_json, uk_json = campaigns_json([fr, uk])
    assert uk_json["rule_set"] == "UK"
    assert uk_json["abandoned"] == 1  # as counted; the estimate is beside it
    assert uk_json["amd_false_positive_rate"] == 0.1
    assert uk_json["amd_false_positives_estimated"] == pytest.approx(1.0)
    assert uk_json["abandon_rate"] == pytest.approx(0.4)
    assert uk_json["abandon_rate_measured"] == fr_json["abandon_rate"] == 0.25
    text = campaigns_text([fr, uk], DAY.label)
    assert "abandoned 1 (abandon rate 40.0 %, UK rule)" in text
    assert (
        "AMD false positives estimated: 1.0 (10.0 % of 10 calls taken for machines), "
        "counted as abandoned (UK); measured abandon rate 25.0 %"
    ) in text
    assert "abandoned 1 (abandon rate 25.0 %, FR rule)" in text
    assert "(10.0 % of 10 calls taken for machines), not in the abandon rate" in text


def test_uk_without_an_estimated_rate_says_so_and_unknown_campaigns_are_measured() -> None:
    facts = _campaign_day("uk") + _campaign_day("fr")
    fr, uk = campaigns(facts, DAY, {"uk": RuleSet.UK})
    assert uk.amd_false_positive_rate is None
    assert uk.amd_false_positives_estimated == 0.0
    assert uk.abandon_rate == fr.abandon_rate == 1 / 4
    assert fr.rule_set is None
    (fr_json,) = campaigns_json([fr])
    assert fr_json["rule_set"] is None
    assert fr_json["amd_false_positive_rate"] is None
    text = campaigns_text([fr, uk], DAY.label)
    assert text.count("AMD false positives") == 1
    assert "AMD false positives: no estimated rate given; UK counts them as abandoned" in text
    assert "abandoned 1 (abandon rate 25.0 %)\n" in text  # fr: no rule set known


@pytest.mark.parametrize("rate", [-0.1, 1.5, float("nan")])
def test_a_false_positive_rate_outside_0_to_1_is_refused(rate: float) -> None:
    with pytest.raises(ValueError, match=r"uk: an AMD false-positive rate of .* is not in 0\.\.1"):
        campaigns([], DAY, {"uk": RuleSet.UK}, {"uk": rate})


def test_the_campaigns_agents_occupancy_counts_their_whole_day() -> None:
    facts: list[Fact] = [
        AgentStateChanged(1_000, "1001", "ready", "logged_out"),
        AgentStateChanged(2_000, "1001", "on_call", "ready"),  # the campaign's call
        AgentStateChanged(2_300, "1001", "wrap_up", "on_call"),
        AgentStateChanged(2_400, "1001", "ready", "wrap_up"),
        AgentStateChanged(3_000, "1001", "on_call", "ready"),  # an inbound call
        AgentStateChanged(3_600, "1001", "ready", "on_call"),
        AgentStateChanged(5_000, "1001", "logged_out", "ready"),
        *_dial(1_970, "c1", "+33600000001", 1, "answered", "1001"),
    ]
    (row,) = campaigns(facts, DAY, now=100_000.0)
    assert row.agents_occupancy == pytest.approx((400 + 600) / 4_000)
    assert campaigns_json([row])[0]["agents_occupancy"] == pytest.approx(0.25)
    (without_now,) = campaigns(facts, DAY)
    assert without_now.agents_occupancy is None
