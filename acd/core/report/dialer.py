"""What the campaigns did in a period, from the journal (`acd report dialer`). Pure.

Per campaign: dials placed, dials refused by each calling rule (never placed), how the
placed ones ended (answered by a person, abandoned, machine, no answer, busy,
congestion, failed), right-party contacts (a person put through to an agent), the
abandon rate as the campaign's rule set defines it, AMD verdicts, dispositions,
opt-outs and attempts per lead. Definitions: docs/dialer.md, "Reports".

The abandon rate is abandoned calls over live calls (people who answered: put through
to an agent, or abandoned). FR (our policy) and UK: over 24 hours; US: over 30 days;
the report gives it for the period asked, with the live calls it is a share of.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from acd.core.compliance.attempts import DialOutcome
from acd.core.compliance.facts import DialChecked
from acd.core.facts import Fact
from acd.core.outbound.facts import (
    AmdVerdict,
    LeadCallEnded,
    LeadDialled,
    LeadDisposition,
    NumberOptedOut,
)
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

    @property
    def live(self) -> int:
        """People who answered: put through to an agent (or the message), or abandoned."""
        return self.outcomes[DialOutcome.ANSWERED] + self.outcomes[DialOutcome.ABANDONED]

    @property
    def abandon_rate(self) -> float | None:
        live = self.live
        return self.outcomes[DialOutcome.ABANDONED] / live if live else None


def campaigns(facts: Iterable[Fact], period: Period) -> list[CampaignReport]:
    rows: dict[str, CampaignReport] = {}
    leads: dict[str, Counter[str]] = {}  # campaign -> number -> dials in the period

    def row(name: str) -> CampaignReport:
        return rows.setdefault(name, CampaignReport(name))

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
    return sorted(rows.values(), key=lambda r: r.campaign)


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
            "abandoned": r.outcomes[DialOutcome.ABANDONED],
            "abandon_rate": r.abandon_rate,
            "right_party_contacts": r.right_party_contacts,
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
        rate = "-" if r.abandon_rate is None else f"{100 * r.abandon_rate:.1f} %"
        lines += [
            "",
            f"{r.campaign}: {r.dials} dials, {r.live} people answered, "
            f"{r.right_party_contacts} put through to an agent",
            f"  abandoned {r.outcomes[DialOutcome.ABANDONED]} (abandon rate {rate})",
            "  outcomes: " + _counts(r.outcomes),
            "  refused before dialling: " + (_counts(r.refused) or "none"),
            "  AMD verdicts: " + (_counts(r.amd) or "none"),
            "  dispositions: " + (_counts(r.dispositions) or "none"),
            f"  opt-outs: {r.opt_outs}",
            "  attempts per lead: "
            + _counts(Counter({f"{k}": v for k, v in r.attempts_per_lead.items()})),
        ]
    return "\n".join(lines) + "\n"


def _counts(counter: Counter[str]) -> str:
    return ", ".join(f"{key} {count}" for key, count in sorted(counter.items()))
