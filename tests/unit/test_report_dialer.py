"""`acd report dialer`: each campaign's dials, outcomes, refusals and abandon rate, from
the journal's outbound facts (hand-counted)."""

from __future__ import annotations

from acd.core.compliance.facts import DialChecked
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
    at: float, call: str, number: str, attempt: int, outcome: str, agent: str = ""
) -> list[Fact]:
    return [
        LeadDialled(at, call, "renewals", number, attempt),
        LeadCallEnded(at + 30, call, "renewals", number, attempt, outcome, agent),
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
