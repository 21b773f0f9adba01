"""`acd ivr`: check, walk and draw the IVR menus (config/ivr/*.yaml, docs/ivr.md).

acd ivr check                          every problem of every menu, with file:line
acd ivr simulate accueil --keys 2,1    what the caller hears and where the call ends
acd ivr simulate sales --say sales
acd ivr graph accueil -o accueil.svg   a diagram (Graphviz)
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import aiohttp

from acd.adapters.ivr.perform import look_up
from acd.core.settings import Settings, load_settings
from acd.server.ivrsetup import menu_context
from ivr.actions import Fetch, Fetched, FetchFailed
from ivr.graph import to_dot
from ivr.loader import load_library
from ivr.model import IvrLibrary
from ivr.simulate import Input, Said, simulate


def register(commands: Any) -> None:
    parser = commands.add_parser("ivr", help="check, simulate and draw the IVR menus")
    parser.add_argument(
        "--menus",
        type=Path,
        default=None,
        help="folder of menu files (default: acd.yaml's ivr.menus)",
    )
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    actions.add_parser("check", help="list every problem of every menu").set_defaults(
        handler=_check
    )
    walk = actions.add_parser("simulate", help="walk a menu as a caller would")
    walk.add_argument("menu", help="menu name (its file name without .yaml)")
    walk.add_argument(
        "--keys", default="", help="key groups pressed in turn, e.g. 2,1 or 4711# (2,,1: silence)"
    )
    walk.add_argument("--say", default="", help="words said in turn on voice menus, e.g. sales")
    walk.add_argument("--caller", default="+33612345678", help="the caller's number")
    walk.add_argument(
        "--calendars",
        choices=("now", "open", "closed"),
        default="now",
        help="calendars as they are now (default), or all open, or all closed",
    )
    walk.set_defaults(handler=_simulate)
    graph = actions.add_parser("graph", help="draw a menu (SVG, PNG or Graphviz text)")
    graph.add_argument("menu")
    graph.add_argument("-o", "--output", type=Path, default=None, help="default: MENU.svg")
    graph.add_argument("--format", choices=("svg", "png", "dot"), default="svg")
    graph.set_defaults(handler=_graph)


def _load(args: argparse.Namespace) -> tuple[Settings, IvrLibrary | None, list[str], Path]:
    settings = load_settings(args.config)
    folder = args.menus or settings.ivr.menus
    context = menu_context(settings, settings.ivr.sounds, settings.asterisk_files)
    library, problems = load_library(folder, context)
    return settings, library, [str(p) for p in problems], folder


def _check(args: argparse.Namespace) -> int:
    _, library, problems, folder = _load(args)
    for problem in problems:
        print(problem)
    if problems:
        files = len({p.split(":")[0] for p in problems})
        print(
            f"{len(problems)} problem(s) in {files} file(s): the server keeps the menus it "
            "has until they are fixed."
        )
        return 1
    assert library is not None
    nodes = sum(len(menu.nodes) for menu in library.menus.values())
    print(f"{folder}: {len(library.menus)} menus, {nodes} nodes, no problems.")
    return 0


def _simulate(args: argparse.Namespace) -> int:
    settings, library, _, _ = _load(args)
    if library is None:
        print("The menus have problems; run `acd ivr check`.", file=sys.stderr)
        return 1
    menu = library.menus.get(args.menu)
    if menu is None:
        print(
            f"No menu named {args.menu!r} (menus: {', '.join(sorted(library.menus))}).",
            file=sys.stderr,
        )
        return 2
    inputs: list[Input] = list(args.keys.split(",")) if args.keys else []  # "" = silence
    inputs += [Said(w) for w in args.say.split(",") if w]
    calendars = settings.acd.calendars

    def is_open(name: str, at: float) -> bool:
        if args.calendars != "now":
            return bool(args.calendars == "open")
        return name in calendars and calendars[name].is_open(at)

    walk = simulate(
        library, menu, inputs, caller=args.caller, fetch=_fetch, is_open=is_open, now=time.time()
    )
    print("\n".join(walk.lines))
    return 0


def _fetch(request: Fetch) -> Fetched | FetchFailed:
    """The lookup, for real: the simulator shows what the CRM answers today, in the words
    a live call would log (the same code does it)."""
    return asyncio.run(_look_up_once(request))


async def _look_up_once(request: Fetch) -> Fetched | FetchFailed:
    async with aiohttp.ClientSession() as http:
        return await look_up(http, request)


def _graph(args: argparse.Namespace) -> int:
    _, library, _, _ = _load(args)
    if library is None:
        print("The menus have problems; run `acd ivr check`.", file=sys.stderr)
        return 1
    menu = library.menus.get(args.menu)
    if menu is None:
        print(f"No menu named {args.menu!r}.", file=sys.stderr)
        return 2
    dot = to_dot(menu)
    output = args.output or Path(f"{menu.name}.{args.format}")
    if args.format == "dot":
        output.write_text(dot)
    elif shutil.which("dot") is None:
        print(
            "Graphviz is not installed. Install it with: apt-get install graphviz", file=sys.stderr
        )
        return 2
    else:
        subprocess.run(
            ["dot", f"-T{args.format}", "-o", str(output)], input=dot.encode(), check=True
        )
    print(f"{output}")
    return 0
