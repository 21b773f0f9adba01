"""`acd voicemail list`: the messages callers left (overflow, closed hours).

acd voicemail list                  every mailbox
acd voicemail list --mailbox 500 --json
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

from acd.adapters.voicemail import MessageError, read_messages
from acd.core.settings import load_settings


def register(commands: Any) -> None:
    parser = commands.add_parser("voicemail", help="messages left in the voicemail boxes")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    listing = actions.add_parser("list", help="list the messages, oldest first")
    listing.add_argument("--mailbox", default="", help="only this mailbox (e.g. 500)")
    listing.add_argument("--json", action="store_true", help="one JSON document")
    listing.add_argument(
        "--spool",
        type=Path,
        default=None,
        help="Asterisk's spool folder (default: the sandbox's)",
    )
    listing.set_defaults(handler=_list)


def _list(args: argparse.Namespace) -> int:
    spool = args.spool or load_settings(args.config).asterisk_files / "var/spool/asterisk"
    try:
        messages = read_messages(spool, mailbox=args.mailbox)
    except MessageError as exc:
        print(f"Voicemail error: {exc}", file=sys.stderr)
        return 2
    if args.json:
        rows = [
            {
                "mailbox": m.mailbox,
                "folder": m.folder,
                "message": m.number,
                "received_at": m.received_at,
                "caller_id": m.caller_id,
                "duration_s": m.duration_s,
                "audio": str(m.audio) if m.audio else None,
            }
            for m in messages
        ]
        print(json.dumps({"messages": rows}, indent=2))
        return 0
    if not messages:
        print("No voicemail messages." + (f" (mailbox {args.mailbox})" if args.mailbox else ""))
        return 0
    print(f"{'MAILBOX':8} {'FOLDER':6} {'RECEIVED':19} {'LENGTH':>6}  CALLER / FILE")
    for m in messages:
        when = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(m.received_at))
        print(f"{m.mailbox:8} {m.folder:6} {when:19} {m.duration_s:>5}s  {m.caller_id}")
        print(f"{'':45}{m.audio or '(no audio file)'}")
    return 0
