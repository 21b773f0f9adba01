"""`acd run`: the server against Asterisk; `--demo` (with the test bed) also starts the
sandbox and demo phones.

Start-up order matters: the sandbox is built and started first (nothing may write under
its chroot before it is provisioned), then the server; the demo phones dial only once
the server is ready (FastAGI listening, Asterisk connected). A server that cannot start,
or whose engine or menu watcher dies, ends the process with status 1 and one line that
says why, so that Docker or systemd can restart it.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
import time
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

import uvloop

from acd.adapters.journal import JournalError
from acd.asterisk.secrets import ami_secret
from acd.cli.dialer_cmd import campaigns_dir
from acd.cli.paths import project_dir
from acd.core.settings import Settings, load_settings
from acd.server import Server, ServiceDied, StartupError
from dialer.campaign import Campaign, context_of, load_campaigns

if TYPE_CHECKING:
    from testbed.demo import DemoRun


def register(commands: Any, demo: bool) -> None:
    parser = commands.add_parser("run", help="run the server (until Ctrl-C)")
    parser.set_defaults(handler=run, demo=False)
    parser.add_argument(
        "--clock-start",
        type=_instant,
        metavar="ISO-TIME",
        help="rehearsal: the server's clock starts at this instant (e.g. 2026-12-07T11:00"
        "+01:00) and runs on from there; calls are real, and calendars, calling windows and "
        "the journal follow that clock",
    )
    if not demo:
        return
    parser.add_argument(
        "--demo",
        action="store_true",
        help="also start the sandbox Asterisk, demo agent phones and demo callers",
    )
    parser.add_argument(
        "--calls",
        type=int,
        default=0,
        help="with --demo: stop after this many calls; exit 0 only if all were answered "
        "(0: never stop)",
    )


def run(args: argparse.Namespace) -> int:
    settings = load_settings(args.config)
    directory = campaigns_dir(args.config)
    campaigns = load_campaigns(directory, context_of(settings)) if directory.is_dir() else {}
    clock = _clock_from(args.clock_start) if args.clock_start is not None else time.time
    demo = None
    if args.demo:
        from testbed.demo import DemoRun  # the test bed: only where it is installed

        demo = DemoRun(project_dir(), settings, args.calls)
    try:
        # uvloop: the same asyncio API on libuv; a busy server spends much of its time in
        # the event loop itself (sockets, tasks, timers), which it runs about twice as fast.
        with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
            return runner.run(_main(settings, demo, campaigns, clock))
    except (StartupError, JournalError) as exc:
        print(f"acd run: cannot start: {exc}", file=sys.stderr)
        return 1
    except ServiceDied as exc:
        print(f"acd run: stopped: {exc}", file=sys.stderr)
        return 1


async def _main(
    settings: Settings,
    demo: DemoRun | None,
    campaigns: Mapping[str, Campaign],
    clock: Callable[[], float],
) -> int:
    if demo is not None:
        await demo.prepare()  # first: the server's files live in the sandbox's chroot
    server = Server(
        settings, ami_secret(settings), settings.asterisk_files, clock=clock, campaigns=campaigns
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    loop.add_signal_handler(signal.SIGHUP, server.reload_menus)
    serving = asyncio.create_task(server.run(stop))
    if demo is None:
        await serving
        return 0
    return await demo.beside(server, serving, stop)


def _instant(text: str) -> float:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a time like 2026-12-07T11:00+01:00"
        ) from None
    if moment.tzinfo is None:
        raise argparse.ArgumentTypeError(f"{text!r}: give the time zone, e.g. +01:00")
    return moment.timestamp()


def _clock_from(start: float) -> Callable[[], float]:
    began = time.monotonic()
    return lambda: start + (time.monotonic() - began)
