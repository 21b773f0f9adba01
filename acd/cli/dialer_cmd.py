"""`acd dialer`: the outbound campaigns (docs/dialer.md).

acd dialer start|pause|stop <campaign>     tell the running server
acd dialer status [--json]                  each campaign: state, lines, calls, outcomes
acd dialer dispose <agent> <disposition>    the agent's verdict on their last campaign call
acd dialer preview|accept|skip <campaign> <agent>   preview mode: read a lead, call it, pass
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any

from acd.adapters.dialer.book import LeadBook, book_lead
from acd.adapters.dialer.checks import CampaignChecks, company_list
from acd.cli.api_client import call
from acd.core.settings import Settings, load_settings
from dialer.campaign import Campaign, context_of, load_campaigns
from dialer.leads.csv_read import LeadFileError, read_leads
from dialer.leads.decode import decode_csv


def register(commands: Any) -> None:
    parser = commands.add_parser("dialer", help="outbound campaigns: start, pause, stop, status")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    for action, text in (
        ("start", "start dialling a campaign's leads"),
        ("pause", "no new dial (calls up go on); start again to go on"),
        ("stop", "stop dialling (calls up go on)"),
    ):
        sub = actions.add_parser(action, help=text)
        sub.add_argument("campaign", help="the campaign's name (its file in config/campaigns/)")
        sub.set_defaults(handler=_control)
    status = actions.add_parser("status", help="each campaign: state, lines in use, outcomes")
    status.add_argument("--json", action="store_true", help="as JSON")
    status.set_defaults(handler=_status)
    importing = actions.add_parser("import", help="add a CSV file of leads to a campaign")
    importing.add_argument("campaign")
    importing.add_argument("file", type=Path)
    importing.set_defaults(handler=_import)
    scrub = actions.add_parser("scrub", help="how many leads each calling rule blocks now")
    scrub.add_argument("campaign")
    scrub.add_argument("--json", action="store_true", help="as JSON")
    scrub.add_argument(
        "--at",
        metavar="ISO-TIME",
        help="check as at this instant (default: now), e.g. 2026-12-07T11:00+01:00",
    )
    scrub.set_defaults(handler=_scrub)
    dispose = actions.add_parser(
        "dispose", help="set the disposition of an agent's last campaign call"
    )
    dispose.add_argument("agent", help="the agent's id")
    dispose.add_argument("disposition", help="its code (sale, callback...) or its phone digit")
    dispose.add_argument(
        "--callback-at",
        metavar="ISO-TIME",
        help="for a callback: when to call again, e.g. 2026-12-08T15:00+01:00",
    )
    dispose.set_defaults(handler=_dispose)
    for step, text in (
        ("preview", "preview campaigns: the next lead for an agent to read"),
        ("accept", "call the lead offered: the agent's phone rings first, then the lead's"),
        ("skip", "pass on the lead offered (it comes back later)"),
    ):
        sub = actions.add_parser(step, help=text)
        sub.add_argument("campaign")
        sub.add_argument("agent", help="the agent's id")
        sub.add_argument("--json", action="store_true", help="as JSON")
        sub.set_defaults(handler=_preview)


def campaigns_dir(config: Path) -> Path:
    """Campaign files live beside acd.yaml, in campaigns/."""
    return config.parent / "campaigns"


def _campaign(args: argparse.Namespace) -> tuple[Settings, Campaign]:
    settings = load_settings(args.config)
    campaigns = load_campaigns(campaigns_dir(args.config), context_of(settings))
    if args.campaign not in campaigns:
        known = ", ".join(sorted(campaigns)) or "none"
        raise SystemExit(f"acd dialer: no campaign {args.campaign!r} (known: {known})")
    return settings, campaigns[args.campaign]


def _import(args: argparse.Namespace) -> int:
    settings, campaign = _campaign(args)
    try:
        text = decode_csv(args.file.read_bytes())
        found = read_leads(text, str(args.file), campaign.leads)
    except (OSError, LeadFileError) as exc:
        print(f"acd dialer import: {exc}", file=sys.stderr)
        return 2
    for problem in found.rejected:
        print(problem, file=sys.stderr)
    leads = [book_lead(x) for x in found.leads.values()]
    book = LeadBook(settings.journal.path)
    try:
        new, updated = book.add(campaign.name, leads, time.time())
    finally:
        book.close()
    print(
        f"Campaign {campaign.name}: {new} leads added, {updated} updated, "
        f"{found.merged} duplicate rows merged, {len(found.rejected)} rows rejected."
    )
    return 0


def _scrub(args: argparse.Namespace) -> int:
    settings, campaign = _campaign(args)
    book = LeadBook(settings.journal.path)
    try:
        checks = CampaignChecks(
            book, company_list(settings.callbacks.do_not_call, settings.callbacks.do_not_call_files)
        )
        now = _instant(args.at) if args.at else time.time()
        leads = book.leads(campaign.name)
        verdicts = [checks.check(campaign, lead.number, now) for lead in leads]
    finally:
        book.close()
    blocked = Counter(rule for v in verdicts for rule in v.refused_by)
    dialable = sum(1 for v in verdicts if v.allowed)
    if args.json:
        print(json.dumps({"leads": len(leads), "dialable": dialable, "blocked": dict(blocked)}))
        return 0
    print(f"Campaign {campaign.name}: {len(leads)} leads to call, {dialable} may be dialled now.")
    for rule, count in sorted(blocked.items()):
        print(f"  blocked by {rule}: {count}")
    return 0


def _control(args: argparse.Namespace) -> int:
    settings = load_settings(args.config)
    asyncio.run(call(settings, "POST", f"/api/dialer/{args.campaign}/{args.action}"))
    print(f"Campaign {args.campaign}: {args.action} sent.")
    return 0


def _dispose(args: argparse.Namespace) -> int:
    settings = load_settings(args.config)
    callback_at = _instant(args.callback_at) if args.callback_at else None
    body = {"disposition": args.disposition, "callback_at": callback_at}
    reply = asyncio.run(call(settings, "POST", f"/api/agents/{args.agent}/disposition", body))
    print(f"Agent {args.agent}: disposition {reply['disposition']} set.")
    return 0


_STEPS = {"preview": "offer", "accept": "accept", "skip": "skip"}
_DONE = {"preview": "to call", "accept": "being called", "skip": "skipped"}


def _preview(args: argparse.Namespace) -> int:
    settings = load_settings(args.config)
    path = f"/api/dialer/{args.campaign}/agents/{args.agent}/{_STEPS[args.action]}"
    lead = asyncio.run(call(settings, "POST", path))["lead"]
    if args.json:
        print(json.dumps(lead))
        return 0
    who = " ".join(
        part
        for part in (lead["name"], f"({lead['reference']})" if lead["reference"] else "")
        if part
    )
    print(
        f"Agent {args.agent}, campaign {args.campaign}: {lead['number']} {who}".rstrip()
        + f", {lead['dials']} calls so far: {_DONE[args.action]}."
    )
    return 0


def _instant(text: str) -> float:
    try:
        return datetime.fromisoformat(text).timestamp()
    except ValueError:
        raise SystemExit(
            f"acd dialer: {text!r} is not a date and time (e.g. 2026-12-08T15:00+01:00)"
        ) from None


def _status(args: argparse.Namespace) -> int:
    settings = load_settings(args.config)
    campaigns = asyncio.run(call(settings, "GET", "/api/dialer"))
    if args.json:
        print(json.dumps(campaigns, indent=2))
        return 0
    if not campaigns:
        print("No campaign is configured (config/campaigns/).")
    for row in campaigns:
        print(_line(row))
    return 0


def _line(row: dict[str, Any]) -> str:
    outcomes = ", ".join(f"{k} {v}" for k, v in sorted(row["outcomes"].items())) or "none yet"
    agents = f", {row['free_agents']} agents free in {row['queue']}" if row["queue"] else ""
    line = (
        f"{row['campaign']} ({row['mode']}): {row['state']}; "
        f"{row['lines_in_use']}/{row['max_lines']} lines, {row['in_flight']} calls in progress"
        f"{agents}; outcomes: {outcomes}"
    )
    pacing = row.get("pacing")
    return line + "\n" + _pacing_lines(pacing) if pacing else line


def _pacing_lines(pacing: dict[str, Any]) -> str:
    """The predictive pacer: its level and why, the estimates, the budget per window."""
    figures = pacing["figures"]
    estimates = ", ".join(
        f"{label} {figures[key]:g}" for key, label in _ESTIMATES.items() if key in figures
    )
    windows = ", ".join(
        f"{name} {rate:.1%} of {pacing['live'][name]} ({pacing['abandons_left'][name]:g} left)"
        for name, rate in pacing["abandon_rate"].items()
    )
    return (
        f"  dial level {pacing['level']:g} ({pacing['reason']})\n"
        f"  estimates: {estimates or 'none yet'}\n"
        f"  abandoned: {windows}"
    )


_ESTIMATES = {
    "live_share": "live answers per dial",
    "talk_mean_s": "talk s",
    "wrap_mean_s": "wrap-up s",
    "ring_to_live_s": "ring to answer s",
    "agents_free_expected": "agents free soon",
    "allowed_share": "allowed abandon share",
}
