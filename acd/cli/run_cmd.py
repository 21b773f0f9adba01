"""`acd run`: the server against Asterisk; `--demo` also starts the sandbox and demo phones.

Start-up order matters: the sandbox is built and started first (nothing may write under
its chroot before it is provisioned), then the server; the demo phones dial only once
the server is ready (FastAGI listening, Asterisk connected). A server that cannot start,
or whose engine or menu watcher dies, ends the process with status 1 and one line that
says why, so that Docker or systemd can restart it.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import sys
from typing import Any

from acd.demo import Demo
from acd.journal import JournalError
from acd.sandbox import Sandbox
from acd.server import Server, ServiceDied, StartupError
from acd.settings import Settings, load_settings

log = logging.getLogger(__name__)

DEMO_WIND_DOWN_S = 20.0  # unregistering three SIPp phones takes about a second


def register(commands: Any) -> None:
    parser = commands.add_parser("run", help="run the server (until Ctrl-C)")
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
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from acd.cli import project_dir

    settings = load_settings(args.config)
    sandbox = Sandbox(project_dir(), settings)
    try:
        return asyncio.run(_main(settings, sandbox, args.demo, args.calls))
    except (StartupError, JournalError) as exc:
        print(f"acd run: cannot start: {exc}", file=sys.stderr)
        return 1
    except ServiceDied as exc:
        print(f"acd run: stopped: {exc}", file=sys.stderr)
        return 1


async def _main(settings: Settings, sandbox: Sandbox, demo: bool, calls: int) -> int:
    if demo:
        await sandbox.up()  # first: the server's files live in the sandbox's chroot
    secret = os.environ.get("ACD_AMI_SECRET") or sandbox.secrets().ami_secret
    server = Server(settings, secret, settings.asterisk_files or sandbox.layout.rootfs)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    loop.add_signal_handler(signal.SIGHUP, server.reload_menus)
    serving = asyncio.create_task(server.run(stop))
    if not demo:
        await serving
        return 0
    return await _with_demo(server, serving, Demo(sandbox, calls), stop)


async def _with_demo(
    server: Server, serving: asyncio.Task[None], demo: Demo, stop: asyncio.Event
) -> int:
    server.on_facts(demo.count)
    ready = asyncio.create_task(server.ready.wait())
    await asyncio.wait({ready, serving}, return_when=asyncio.FIRST_COMPLETED)
    if serving.done():  # it could not start: say why (raises)
        ready.cancel()
        await serving
        return 1
    demo.introduce()
    phones = asyncio.create_task(demo.run(stop))
    try:
        await asyncio.wait({phones, serving}, return_when=asyncio.FIRST_COMPLETED)
        stop.set()
        await serving
    finally:  # once stopped, the demo hangs up its calls and unregisters its phones
        await asyncio.wait({phones}, timeout=DEMO_WIND_DOWN_S)
        phones.cancel()
        (ended,) = await asyncio.gather(phones, return_exceptions=True)
    if isinstance(ended, Exception):
        log.error("the demo phones failed: %s", ended)
        return 1
    return 0 if demo.succeeded() else 1
