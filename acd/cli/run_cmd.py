"""`acd run`: the server against Asterisk; `--demo` also starts the sandbox and demo phones."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import signal
from typing import Any

from acd.demo import run_demo
from acd.sandbox import Sandbox
from acd.server import Server
from acd.settings import load_settings

log = logging.getLogger(__name__)


def register(commands: Any) -> None:
    parser = commands.add_parser("run", help="run the server (until Ctrl-C)")
    parser.add_argument(
        "--demo", action="store_true",
        help="also start the sandbox Asterisk, demo agent phones and demo callers",
    )  # fmt: skip
    parser.add_argument(
        "--calls", type=int, default=0, help="with --demo: stop after this many calls (0: never)"
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from acd.cli import project_dir

    settings = load_settings(args.config)
    sandbox = Sandbox(project_dir(), settings)
    secret = os.environ.get("ACD_AMI_SECRET") or sandbox.secrets().ami_secret
    files = settings.asterisk_files or sandbox.layout.rootfs
    server = Server(settings, secret, files)
    return asyncio.run(_serve(server, sandbox if args.demo else None, args.calls))


async def _serve(server: Server, sandbox: Sandbox | None, calls: int) -> int:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    loop.add_signal_handler(signal.SIGHUP, server.reload_menus)
    if sandbox is not None:
        await sandbox.up()
    serving = asyncio.create_task(server.run(stop))
    demo = None
    if sandbox is not None:
        demo = asyncio.create_task(run_demo(sandbox, stop, calls))
    await stop.wait()
    for task in (demo, serving):
        if task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await task
    return 0
