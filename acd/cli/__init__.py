"""The `acd` command: one entry point, one module per sub-command."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from acd.cli import (
    agent_cmd,
    ivr_cmd,
    report_cmd,
    run_cmd,
    sandbox_cmd,
    status_cmd,
    voicemail_cmd,
)
from acd.cli.api_client import ServerUnreachable
from acd.sandbox import SandboxError
from acd.settings import ConfigError

DEFAULT_CONFIG = Path("config/acd.yaml")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="acd", description="Contact-centre server for Asterisk (ACD, IVR, dialer)."
    )
    parser.add_argument(
        "--config",
        type=Path,
        default=DEFAULT_CONFIG,
        help="configuration file (default: %(default)s)",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log protocol details")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    sandbox_cmd.register(commands)
    run_cmd.register(commands)
    agent_cmd.register(commands)
    status_cmd.register(commands)
    report_cmd.register(commands)
    voicemail_cmd.register(commands)
    ivr_cmd.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)-7s %(name)s: %(message)s",
        datefmt="%H:%M:%S",
    )
    if not args.verbose:  # connection chatter of the protocol layer: only with -v
        logging.getLogger("acd.asterisk").setLevel(logging.WARNING)
    try:
        code: int = args.handler(args)
    except ConfigError as exc:
        print(f"Configuration error: {exc}", file=sys.stderr)
        return 2
    except SandboxError as exc:
        print(f"Sandbox error: {exc}", file=sys.stderr)
        return 2
    except ServerUnreachable as exc:
        print(str(exc), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return code


def project_dir() -> Path:
    """The project folder: where config/ and the git-ignored .cache/ and var/ live."""
    return Path.cwd()
