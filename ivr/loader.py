"""Reads the menus under ``config/ivr/``: one YAML file per menu, the menu named after
the file. Every problem of every file is found (never only the first), each with its
file, line and key; a broken file never raises. The menus are in force only when there
is no problem at all: a server keeps its previous version otherwise.

    library, problems = load_library(Path("config/ivr"), context)

Steps per file: YAML with lines (acd.core.yamlfile), the published JSON Schema
(ivr.validate), the model (ivr.build), what the schema cannot see (ivr.checks); then
across files: numbers and trunks claimed twice, goto to menus that do not exist.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from acd.core import yamlfile
from ivr import model as m
from ivr.build import build_menu
from ivr.checks import MenuContext, check_menu
from ivr.problems import Problem, closest
from ivr.validate import problems as schema_problems

_MENU_NAME = re.compile(r"^[a-z][a-z0-9_-]{0,40}$")

__all__ = ["MenuContext", "Problem", "load_library", "load_menu"]


def load_menu(text: str, file: str, context: MenuContext) -> tuple[m.IvrMenu | None, list[Problem]]:
    """One menu from its text; ``file`` names it in problems and gives the menu's name."""
    document, found = _read(text, file)
    if document is None:
        return None, found
    found += schema_problems(document, file)
    if found:
        return None, found
    menu, found = build_menu(_menu_name(file), file, document)
    found += check_menu(menu, context)
    return (None if found else menu), found


def _read(text: str, file: str) -> tuple[yamlfile.Document | None, list[Problem]]:
    """The menu as plain data, or None when the text is not YAML (or too deep, too big)."""
    try:
        document, errors = yamlfile.plain(yamlfile.parse(text, file))
    except yamlfile.ConfigError as error:
        return None, [_problem(error)]
    return document, [_problem(error) for error in errors]


def _problem(error: yamlfile.ConfigError) -> Problem:
    return Problem(
        file=error.file, line=error.line, key=error.key, message=error.message, hint=error.hint
    )


def load_library(folder: Path, context: MenuContext) -> tuple[m.IvrLibrary | None, list[Problem]]:
    """Every ``*.yaml`` of ``folder``; None when any file has a problem. An absent or
    empty folder is an empty library (no menus: numbers go to acd.yaml's table)."""
    menus: dict[str, m.IvrMenu] = {}
    found: list[Problem] = []
    digest = hashlib.sha256()
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            found.append(Problem(str(path), 0, "", f"cannot be read ({exc})"))
            continue
        digest.update(f"{path.name}\0{text}\0".encode())
        if not _MENU_NAME.match(path.stem):
            hint = "name the file with lower-case letters, digits, '_' or '-'"
            found.append(
                Problem(
                    file=str(path),
                    line=1,
                    key="",
                    message=f"{path.stem!r} is not a menu name",
                    hint=hint,
                )
            )
        menu, problems = load_menu(text, str(path), context)
        found += problems
        if menu is not None:
            menus[menu.name] = menu
    library, across = _library(menus, digest.hexdigest()[:12], context)
    found += across
    return (None if found else library), found


def _library(
    menus: dict[str, m.IvrMenu], version: str, context: MenuContext
) -> tuple[m.IvrLibrary, list[Problem]]:
    found: list[Problem] = []
    by_number: dict[str, str] = {}
    by_trunk: dict[str, str] = {}
    for menu in menus.values():
        where = (menu.entry_where.file, menu.entry_where.line)
        for number in menu.entry.numbers:
            if number in by_number:
                found.append(
                    Problem(
                        *where,
                        "entry.numbers",
                        f"number {number} is also served by menu {by_number[number]!r}",
                    )
                )
            by_number.setdefault(number, menu.name)
        for trunk in menu.entry.trunks:
            if trunk not in context.trunks:
                found.append(
                    Problem(
                        *where,
                        "entry.trunks",
                        f"no trunk named {trunk!r} in acd.yaml",
                        closest(trunk, context.trunks),
                    )
                )
            elif trunk in by_trunk:
                found.append(
                    Problem(
                        *where,
                        "entry.trunks",
                        f"trunk {trunk} is also the entry of menu {by_trunk[trunk]!r}",
                    )
                )
            by_trunk.setdefault(trunk, menu.name)
        found += _gotos(menu, menus)
    return m.IvrLibrary(menus, version, by_number, by_trunk), found


def _gotos(menu: m.IvrMenu, menus: dict[str, m.IvrMenu]) -> list[Problem]:
    found = []
    for node in menu.nodes.values():
        if not isinstance(node, m.Goto) or not node.to.menu:
            continue
        target = menus.get(node.to.menu)
        where = (node.where.file, node.where.line, node.where.key)
        if target is None:
            found.append(
                Problem(*where, f"no menu named {node.to.menu!r}", closest(node.to.menu, menus))
            )
        elif node.to.node and node.to.node not in target.nodes:
            found.append(
                Problem(
                    *where,
                    f"menu {node.to.menu!r} has no node {node.to.node!r}",
                    closest(node.to.node, target.nodes),
                )
            )
    return found


def _menu_name(file: str) -> str:
    return Path(file).stem
