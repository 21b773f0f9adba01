"""`acd dialer`: the outbound campaigns (docs/dialer.md).

acd dialer start|pause|stop <campaign>     tell the running server
acd dialer status [--json]                  each campaign: state, lines, calls, outcomes
"""

from __future__ import annotations

import argparse
import asyncio
import json
from typing import Any

from acd.cli.api_client import call
from acd.core.settings import load_settings


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


def _control(args: argparse.Namespace) -> int:
    settings = load_settings(args.config)
    asyncio.run(call(settings, "POST", f"/api/dialer/{args.campaign}/{args.action}"))
    print(f"Campaign {args.campaign}: {args.action} sent.")
    return 0


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
    return (
        f"{row['campaign']} ({row['mode']}): {row['state']}; "
        f"{row['lines_in_use']}/{row['max_lines']} lines, {row['in_flight']} calls in progress"
        f"{agents}; outcomes: {outcomes}"
    )
