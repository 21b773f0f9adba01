"""`acd agent login|logout|ready|pause <agent> [reason]`: agent control from the terminal,
the same as the feature codes on the agent's phone."""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

from acd.cli.api_client import call
from acd.core.settings import load_settings


def register(commands: Any) -> None:
    parser = commands.add_parser("agent", help="log an agent in or out, pause, make ready")
    parser.add_argument("action", choices=["login", "logout", "ready", "pause"])
    parser.add_argument("agent", help="the agent id (their SIP user, e.g. 1001)")
    parser.add_argument("reason", nargs="?", help="with pause: a configured pause reason")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    settings = load_settings(args.config)
    if args.action == "pause" and not args.reason:
        print("Give a pause reason, for example: acd agent pause 1001 lunch")
        return 2
    body = {"reason": args.reason} if args.action == "pause" else None
    asyncio.run(call(settings, "POST", f"/api/agents/{args.agent}/{args.action}", body))
    print(f"Agent {args.agent}: {args.action} sent.")
    return 0
