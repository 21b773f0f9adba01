"""What the campaigns did in a period, from the journal (`acd report dialer`). Pure.

Per campaign: dials placed, dials refused by each calling rule (never placed), how the
placed ones ended (answered by a person, abandoned, machine, no answer, busy,
congestion, failed), right-party contacts (a person put through to an agent), the
abandon rate as the campaign's rule set defines it, AMD verdicts, dispositions,
opt-outs and attempts per lead. Definitions: docs/dialer.md, "Reports".

The abandon rate is abandoned calls over live calls (people who answered: put through
to an agent, or abandoned). FR (our policy) and UK: over 24 hours; US: over 30 days;
the report gives it for the period asked, with the live calls it is a share of.

UK (Ofcom): where AMD is used, people AMD took for a machine count as abandoned calls
too. No call says it was one, so Ofcom accepts a reasoned estimate: the campaign's AMD
false-positive rate (the share of calls taken for machines that were people, e.g. from
listening to a sample) times its calls that ended as a machine. Those calls are the ones
the dialer treated as machines, whatever AMD's status, so a route of the campaign that
sends some MACHINE verdicts to agents leaves them out (they are live calls already).
The UK abandon rate is (abandoned + estimate) / (live + estimate); the measured rate,
without the estimate, is given beside it. The journal knows neither a campaign's rule
set nor its estimated rate: the caller passes them, per campaign.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from acd.core.compliance.attempts import DialOutcome
from acd.core.compliance.facts import DialChecked
from acd.core.compliance.rule_set import RuleSet
from acd.core.facts import Fact
from acd.core.outbound.facts import (
    AmdVerdict,
    LeadCallEnded,
    LeadDialled,
    LeadDisposition,
    NumberOptedOut,
)
from acd.core.report.agents import agent_times
from acd.core.report.period import Period


@dataclass
class CampaignReport:
    campaign: str
    dials: int = 0
    refused: Counter[str] = field(default_factory=Counter)  # rule -> dials it refused
    outcomes: Counter[str] = field(default_factory=Counter)  # DialOutcome value -> calls
    right_party_contacts: int = 0
    amd: Counter[str] = field(default_factory=Counter)  # AMDSTATUS -> verdicts
    dispositions: Counter[str] = field(default_factory=Counter)
    opt_outs: int = 0
    attempts_per_lead: Counter[int] = field(default_factory=Counter)  # dials -> leads
    rule_set: RuleSet | None = None  # None: not known to the report
    amd_false_positive_rate: float | None = None  # 0..1; None: no estimate given (0)
    agents_occupancy: float | None = None  # its agents' busy share (needs ``now``)

    @property
    def live(self) -> int:
        """People who answered: put through to an agent (or the message), or abandoned."""
        return self.outcomes[DialOutcome.ANSWERED] + self.outcomes[DialOutcome.ABANDONED]

    @property
    def abandoned(self) -> int:
        return self.outcomes[DialOutcome.ABANDONED]

    @property
    def amd_false_positives_estimated(self) -> float:
        """People among the calls that ended as machines, estimated (not rounded: a
        fraction of a call per day adds up over a month)."""
        return self.outcomes[DialOutcome.MACHINE] * (self.amd_false_positive_rate or 0.0)

    @property
    def abandon_rate_measured(self) -> float | None:
        """Abandoned over live, as the journal counted them: no estimate in it."""
        live = self.live
        return self.abandoned / live if live else None

    @property
    def abandon_rate(self) -> float | None:
        """As the campaign's rule set defines it: UK adds the estimated AMD false
        positives, abandoned people who were never live calls in the journal."""
        if self.rule_set is not RuleSet.UK:
            return self.abandon_rate_measured
        estimate = self.amd_false_positives_estimated
        live = self.live + estimate
        return (self.abandoned + estimate) / live if live else None


def campaigns(
    facts: Iterable[Fact],
    period: Period,
    rule_sets: Mapping[str, RuleSet] | None = None,
    amd_false_positive_rates: Mapping[str, float] | None = None,
    now: float | None = None,
) -> list[CampaignReport]:
    """``rule_sets`` and ``amd_false_positive_rates`` (0..1) per campaign name, from the
    campaign files: the journal has neither. A campaign left out has no rule set (the
    measured rate) and no estimate (0)."""
    facts = list(facts)  # read twice when ``now`` is given
    rule_sets, rates = rule_sets or {}, amd_false_positive_rates or {}
    for name, rate in rates.items():
        if not 0.0 <= rate <= 1.0:
            raise ValueError(f"{name}: an AMD false-positive rate of {rate!r} is not in 0..1")
    rows: dict[str, CampaignReport] = {}
    leads: dict[str, Counter[str]] = {}  # campaign -> number -> dials in the period

    def row(name: str) -> CampaignReport:
        if name not in rows:
            rows[name] = CampaignReport(
                name, rule_set=rule_sets.get(name), amd_false_positive_rate=rates.get(name)
            )
        return rows[name]

    for fact in facts:
        if not period.contains(fact.at):
            continue
        match fact:
            case LeadDialled():
                row(fact.campaign).dials += 1
                leads.setdefault(fact.campaign, Counter())[fact.number] += 1
            case LeadCallEnded():
                report = row(fact.campaign)
                report.outcomes[fact.outcome] += 1
                if fact.outcome == DialOutcome.ANSWERED and fact.agent_id:
                    report.right_party_contacts += 1
            case DialChecked() if fact.campaign and not fact.allowed:
                for rule in fact.refused_by:
                    row(fact.campaign).refused[rule] += 1
            case AmdVerdict():
                row(fact.campaign).amd[fact.status] += 1
            case LeadDisposition():
                row(fact.campaign).dispositions[fact.disposition] += 1
            case NumberOptedOut() if fact.campaign:
                row(fact.campaign).opt_outs += 1
    for name, numbers in leads.items():
        rows[name].attempts_per_lead = Counter(numbers.values())
    if now is not None:
        _occupancy(facts, period, now, rows)
    return sorted(rows.values(), key=lambda r: r.campaign)


def _occupancy(
    facts: list[Fact], period: Period, now: float, rows: Mapping[str, CampaignReport]
) -> None:
    """Each campaign's agents (those who took its calls in the period): their time on
    calls and wrap-up over their time logged in and not paused, inbound calls included
    (a blended agent's day)."""
    agents: dict[str, set[str]] = {}
    for fact in facts:
        if isinstance(fact, LeadCallEnded) and fact.agent_id and period.contains(fact.at):
            agents.setdefault(fact.campaign, set()).add(fact.agent_id)
    times = agent_times(facts, period, now)
    for name, ids in agents.items():
        busy = sum(times[a].busy_s for a in ids if a in times)
        working = sum(times[a].logged_in_s - times[a].paused_s for a in ids if a in times)
        rows[name].agents_occupancy = busy / working if working > 0 else None


def campaigns_json(rows: list[CampaignReport]) -> list[dict[str, Any]]:
    return [
        {
            "campaign": r.campaign,
            "dials": r.dials,
            "refused": dict(sorted(r.refused.items())),
            "outcomes": {
                o.value: r.outcomes[o.value] for o in DialOutcome if o.value in r.outcomes
            },
            "live": r.live,
            "abandoned": r.abandoned,
            "abandon_rate": r.abandon_rate,  # as the rule set defines it
            "abandon_rate_measured": r.abandon_rate_measured,
            "rule_set": None if r.rule_set is None else r.rule_set.value,
            "amd_false_positive_rate": r.amd_false_positive_rate,
            "amd_false_positives_estimated": r.amd_false_positives_estimated,
            "right_party_contacts": r.right_party_contacts,
            "agents_occupancy": r.agents_occupancy,
            "amd": dict(sorted(r.amd.items())),
            "dispositions": dict(sorted(r.dispositions.items())),
            "opt_outs": r.opt_outs,
            "attempts_per_lead": {str(k): v for k, v in sorted(r.attempts_per_lead.items())},
        }
        for r in rows
    ]


def campaigns_text(rows: list[CampaignReport], label: str) -> str:
    if not rows:
        return f"Campaigns, {label}: no dial in this period.\n"
    lines = [f"Campaigns, {label}"]
    for r in rows:
        rule = "" if r.rule_set is None else f", {r.rule_set.value} rule"
        lines += [
            "",
            f"{r.campaign}: {r.dials} dials, {r.live} people answered, "
            f"{r.right_party_contacts} put through to an agent",
            f"  abandoned {r.abandoned} (abandon rate {_percent(r.abandon_rate)}{rule})",
            f"  agents' occupancy {_percent(r.agents_occupancy)} (calls and wrap-up, "
            "inbound too, over time logged in and not paused)",
            *_false_positives_text(r),
            "  outcomes: " + _counts(r.outcomes),
            "  refused before dialling: " + (_counts(r.refused) or "none"),
            "  AMD verdicts: " + (_counts(r.amd) or "none"),
            "  dispositions: " + (_counts(r.dispositions) or "none"),
            f"  opt-outs: {r.opt_outs}",
            "  attempts per lead: "
            + _counts(Counter({f"{k}": v for k, v in r.attempts_per_lead.items()})),
        ]
    return "\n".join(lines) + "\n"


def _false_positives_text(r: CampaignReport) -> list[str]:
    """The estimate and what it did to the abandon rate; for UK, a missing estimate."""
    machines = r.outcomes[DialOutcome.MACHINE]
    uk = r.rule_set is RuleSet.UK
    if r.amd_false_positive_rate is None:
        missing = "  AMD false positives: no estimated rate given; UK counts them as abandoned"
        return [missing] if uk and machines else []
    counted = (
        f"counted as abandoned (UK); measured abandon rate {_percent(r.abandon_rate_measured)}"
        if uk
        else "not in the abandon rate"
    )
    return [
        f"  AMD false positives estimated: {r.amd_false_positives_estimated:.1f} "
        f"({_percent(r.amd_false_positive_rate)} of {machines} calls taken for machines), "
        + counted
    ]


def _percent(share: float | None) -> str:
    return "-" if share is None else f"{100 * share:.1f} %"


def _counts(counter: Counter[str]) -> str:
    return ", ".join(f"{key} {count}" for key, count in sorted(counter.items()))
