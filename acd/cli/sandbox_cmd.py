"""`acd sandbox up|down|restart|status|cli`: the project's own Asterisk 22 test bed."""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path
from typing import Any

from acd.sandbox import Sandbox
from acd.sandbox.render import render_all
from acd.settings import Settings, load_settings


def register(commands: Any) -> None:
    parser = commands.add_parser("sandbox", help="the sandbox Asterisk (build, start, stop)")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    actions.add_parser("up", help="build if needed, configure, start and wait until booted")
    actions.add_parser("down", help="stop the sandbox Asterisk")
    actions.add_parser("restart", help="stop and start again")
    actions.add_parser("status", help="is it built, is it running, how to register a phone")
    cli = actions.add_parser("cli", help="run an Asterisk CLI command (e.g. 'pjsip show contacts')")
    cli.add_argument("words", nargs="+", help="the Asterisk CLI command")
    parser.set_defaults(handler=run)
    render = commands.add_parser(
        "asterisk-config", help="write Asterisk's config files for a production Asterisk"
    )
    render.add_argument("--out", type=Path, required=True, help="folder to write them to")
    render.add_argument("--etc-dir", default="/etc/asterisk", help="where Asterisk reads them")
    render.set_defaults(handler=render_config)


def render_config(args: argparse.Namespace) -> int:
    from acd.cli import project_dir

    settings = load_settings(args.config)
    sandbox = Sandbox(project_dir(), settings)
    templates = project_dir() / "config" / "asterisk"
    written = render_all(templates, args.out, settings, sandbox.secrets(), args.etc_dir)
    print(f"Wrote {len(written)} files to {args.out}.")
    print(f"Secrets (AMI secret, agent passwords): {sandbox.layout.secrets_file}")
    return 0


def run(args: argparse.Namespace) -> int:
    from acd.cli import project_dir

    settings = load_settings(args.config)
    sandbox = Sandbox(project_dir(), settings)
    if args.action == "up":
        started = asyncio.run(sandbox.up())
        print("Sandbox Asterisk started." if started else "Sandbox Asterisk was already running.")
        print(softphone_help(sandbox, settings))
    elif args.action == "down":
        stopped = asyncio.run(sandbox.down())
        print("Sandbox Asterisk stopped." if stopped else "Sandbox Asterisk was not running.")
    elif args.action == "restart":
        asyncio.run(sandbox.restart())
        print("Sandbox Asterisk restarted.")
    elif args.action == "status":
        return print_status(sandbox, settings)
    else:
        print(sandbox.cli(" ".join(args.words)), end="")
    return 0


def print_status(sandbox: Sandbox, settings: Settings) -> int:
    status = sandbox.status()
    if not status.provisioned:
        print("Sandbox: not built yet. Run: acd sandbox up (as root)")
        return 1
    print(f"Sandbox: built ({status.version}) in {sandbox.layout.rootfs}")
    if status.pid is None:
        print("Asterisk: stopped. Start it with: acd sandbox up")
        return 1
    print(f"Asterisk: running, pid {status.pid}, log {sandbox.layout.log_file}")
    print(softphone_help(sandbox, settings))
    return 0


def softphone_help(sandbox: Sandbox, settings: Settings) -> str:
    passwords = sandbox.secrets().agent_passwords
    lines = [
        "",
        "To register a softphone as an agent, configure a SIP account with:",
        f"  server / domain: {settings.sip.bind}  port {settings.sip.port} (UDP)",
    ]
    for agent in settings.agents:
        lines.append(f"  agent {agent.name:<10} user {agent.id}  password {passwords[agent.id]}")
    lines.append(
        f"AMI: {settings.ami.host}:{settings.ami.port} user {settings.ami_username} "
        f"(secret in {sandbox.layout.secrets_file})"
    )
    return "\n".join(lines)
