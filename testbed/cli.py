"""The test bed's commands: `acd sandbox up|down|restart|status|cli`, the project's own
Asterisk 22. The `acd` command registers them when the test bed is installed (it is not
in the production image)."""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

from acd.cli.paths import project_dir
from acd.core.settings import Settings, load_settings
from testbed.sandbox import Sandbox, SandboxError

# What the `acd` command reports as one line (prefix, exit status) instead of a traceback.
ERRORS = {SandboxError: ("Sandbox error: ", 2)}


def register(commands: Any) -> None:
    parser = commands.add_parser("sandbox", help="the sandbox Asterisk (build, start, stop)")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    actions.add_parser("up", help="build if needed, configure, start and wait until booted")
    actions.add_parser("down", help="stop the sandbox Asterisk")
    actions.add_parser("restart", help="stop and start again")
    actions.add_parser("status", help="is it built, is it running, how to register a phone")
    actions.add_parser("passwords", help="the agents' SIP passwords (shown only when asked)")
    cli = actions.add_parser("cli", help="run an Asterisk CLI command (e.g. 'pjsip show contacts')")
    cli.add_argument("words", nargs="+", help="the Asterisk CLI command")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
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
    elif args.action == "passwords":
        passwords = sandbox.secrets().agent_passwords
        for agent in settings.agents:
            print(f"agent {agent.name:<10} user {agent.id}  password {passwords[agent.id]}")
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
    """How to register a softphone. Passwords are never printed unasked (a terminal is
    shared, scrolled back, logged): they are in the secrets file, readable by its owner."""
    lines = [
        "",
        "To register a softphone as an agent, configure a SIP account with:",
        f"  server / domain: {settings.sip.bind}  port {settings.sip.port} (UDP)",
    ]
    for agent in settings.agents:
        lines.append(f"  agent {agent.name:<10} user {agent.id}")
    lines.append(f"  passwords: in {settings.secrets_file}; show them with: acd sandbox passwords")
    lines.append(
        f"AMI: {settings.ami.host}:{settings.ami.port} user {settings.ami_username} "
        f"(secret in {settings.secrets_file})"
    )
    return "\n".join(lines)
