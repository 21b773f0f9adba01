"""`acd status`: queues and agents, live in the terminal (Ctrl-C to stop), or --once."""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any

from acd.cli.api_client import call
from acd.core.settings import load_settings

_CLEAR = "\x1b[H\x1b[2J"


def register(commands: Any) -> None:
    parser = commands.add_parser("status", help="queues and agents, live")
    parser.add_argument("--once", action="store_true", help="print once and exit")
    parser.add_argument("--every", type=float, default=1.0, help="refresh period (seconds)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    settings = load_settings(args.config)

    async def loop() -> None:
        while True:
            text = render(await call(settings, "GET", "/api/status"))
            sys.stdout.write(text if args.once else _CLEAR + text)
            sys.stdout.flush()
            if args.once:
                return
            await asyncio.sleep(args.every)  # a display refresh period, not a wait for an event

    asyncio.run(loop())
    return 0


def render(status: dict[str, Any]) -> str:
    lines = [
        _health(status),
        "",
        "QUEUE        WAITING  LONGEST  ANSWERED  ABANDONED  SERVICE LEVEL",
    ]
    for q in status["queues"]:
        sl = q["service_level"]
        sl_text = "-" if sl is None else f"{sl:.0%} within {q['service_level_s']:.0f} s"
        lines.append(
            f"{q['name']:<12} {q['waiting']:>7}  {_duration(q['longest_wait_s']):>7}  "
            f"{q['answered']:>8}  {q['abandoned']:>9}  {sl_text}"
        )
    lines += ["", "AGENT   STATE      FOR      PHONE        CALLS  NOTE"]
    for a in status["agents"]:
        note = a["reason"] or (f"call {a['call_id']}" if a["call_id"] else "")
        if a["pending"] not in ("", "nothing"):
            note = f"{note} (then {a['pending']})".strip()
        since = "-" if not a["since"] else _duration(a["in_state_s"])  # never changed state
        lines.append(
            f"{a['agent_id']:<7} {a['state']:<10} {since:>7}  "
            f"{a['phone']:<12} {a['calls']:>5}  {note}"
        )
    return "\n".join(lines) + "\n"


def _health(status: dict[str, Any]) -> str:
    """Asterisk's link, the journal (batches not yet on disk, facts lost) and FastAGI."""
    journal = status.get("journal") or {}
    dropped = journal.get("dropped", 0)
    lost = f", {dropped} FACTS LOST (see the server's log)" if dropped else ""
    sessions = (status.get("fastagi") or {}).get("sessions", 0)
    return (
        f"Asterisk: {status.get('asterisk', 'unknown')}; journal: "
        f"{journal.get('pending', 0)} batches to write{lost}; FastAGI: {sessions} calls"
    )


def _duration(seconds: float) -> str:
    seconds = max(0, int(seconds))
    return f"{seconds // 60}:{seconds % 60:02d}"
