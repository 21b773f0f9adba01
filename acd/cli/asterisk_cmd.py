"""`acd asterisk-config`: Asterisk's configuration files, written from acd.yaml, for an
Asterisk of your own (the sandbox renders the same templates into its chroot)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from acd.asterisk.render import render_all
from acd.asterisk.secrets import load_or_create
from acd.cli.paths import project_dir
from acd.core.settings import load_settings


def register(commands: Any) -> None:
    render = commands.add_parser(
        "asterisk-config", help="write Asterisk's config files for a production Asterisk"
    )
    render.add_argument("--out", type=Path, required=True, help="folder to write them to")
    render.add_argument("--etc-dir", default="/etc/asterisk", help="where Asterisk reads them")
    render.set_defaults(handler=render_config)


def render_config(args: argparse.Namespace) -> int:
    settings = load_settings(args.config)
    templates = project_dir() / "config" / "asterisk"
    written = render_all(templates, args.out, settings, load_or_create(settings), args.etc_dir)
    print(f"Wrote {len(written)} files to {args.out}.")
    print(f"Secrets (AMI secret, agent passwords): {settings.secrets_file}")
    return 0
