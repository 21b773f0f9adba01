"""The `acd` command: one entry point, one module per sub-command. The test bed's
commands (`acd sandbox`, `acd run --demo`) are there when the test bed is installed."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import ModuleType

from acd.cli import (
    agent_cmd,
    asterisk_cmd,
    dialer_cmd,
    ivr_cmd,
    report_cmd,
    run_cmd,
    status_cmd,
    user_cmd,
    voicemail_cmd,
)
from acd.cli.api_client import ServerUnreachable
from acd.cli.paths import DEFAULT_CONFIG
from acd.core.settings import ConfigError

# Errors reported as one line (prefix, exit status) instead of a traceback.
ERRORS: Mapping[type[Exception], tuple[str, int]] = {
    ConfigError: ("Configuration error: ", 2),
    ServerUnreachable: ("", 1),
}


def build_parser(testbed: ModuleType | None = None) -> argparse.ArgumentParser:
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
    if testbed is not None:
        testbed.register(commands)
    run_cmd.register(commands, demo=testbed is not None)
    agent_cmd.register(commands)
    status_cmd.register(commands)
    report_cmd.register(commands)
    voicemail_cmd.register(commands)
    ivr_cmd.register(commands)
    asterisk_cmd.register(commands)
    dialer_cmd.register(commands)
    user_cmd.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    testbed = _testbed_cli()
    args = build_parser(testbed).parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)-7s %(name)s: %(message)s",
        datefmt="%H:%M:%S",
    )
    if not args.verbose:  # connection chatter of the protocol layer: only with -v
        logging.getLogger("acd.asterisk").setLevel(logging.WARNING)
    errors: dict[type[Exception], tuple[str, int]] = dict(ERRORS)
    if testbed is not None:
        errors.update(testbed.ERRORS)
    try:
        code: int = args.handler(args)
    except tuple(errors) as exc:
        prefix, status = next(said for kind, said in errors.items() if isinstance(exc, kind))
        print(f"{prefix}{exc}", file=sys.stderr)
        return status
    except KeyboardInterrupt:
        return 130
    return code


def _testbed_cli() -> ModuleType | None:
    """The test bed's commands, if it is installed (production images leave it out)."""
    try:
        import testbed.cli
    except ModuleNotFoundError as exc:
        if (exc.name or "").partition(".")[0] == "testbed":
            return None
        raise  # the test bed is there but broken: say so
    return testbed.cli
