"""The IVR menus in force, reloaded when their files change or on SIGHUP.

A reload that finds any error keeps the menus in force and logs every problem with its
file and line; a valid one makes its prompts first, then serves the next calls. Calls
already in a menu keep the version they started with (kept here by version, so an
after-call survey finds its menu even after a reload).

Changes are noticed by comparing the files' names, sizes and modification times once a
second: a handful of small files, and no extra dependency or inotify limits to manage.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from acd.adapters.prompts import PromptError
from ivr.loader import MenuContext, load_library
from ivr.model import IvrLibrary

log = logging.getLogger(__name__)

_KEEP_VERSIONS = 50  # older versions kept for calls in progress (surveys come later)
POLL_S = 1.0


@dataclass(frozen=True)
class Reload:
    at: float
    version: str
    accepted: bool
    problems: tuple[str, ...] = ()


class MenuStore:
    def __init__(
        self,
        folder: Path,
        context: MenuContext,
        prepare: Callable[[IvrLibrary], None],
        watched: tuple[Path, ...] = (),
    ) -> None:
        self._folder, self._context, self._prepare = folder, context, prepare
        self._watched = (folder, *watched)  # also the operators' recordings
        self._versions: OrderedDict[str, IvrLibrary] = OrderedDict()
        self._current: IvrLibrary | None = None
        self._signature: tuple[object, ...] = ()
        self.last: Reload | None = None

    def current(self) -> IvrLibrary | None:
        return self._current

    def version(self, version: str) -> IvrLibrary | None:
        return self._versions.get(version)

    def reload(self) -> bool:
        """Loads the folder again; True if a new version now serves calls."""
        self._signature = self._stat()
        library, problems = load_library(self._folder, self._context)
        if library is None:
            return self._refuse([str(p) for p in problems])
        if self._current is not None and library.version == self._current.version:
            return False
        try:
            self._prepare(library)
        except PromptError as exc:
            return self._refuse([f"a prompt could not be made: {exc}"])
        self._current = library
        self._versions[library.version] = library
        while len(self._versions) > _KEEP_VERSIONS:
            self._versions.popitem(last=False)
        self.last = Reload(time.time(), library.version, True)
        numbers = sum(len(menu.entry.numbers) for menu in library.menus.values())
        log.info(
            "IVR menus version %s in force: %d menus, %d numbers",
            library.version,
            len(library.menus),
            numbers,
        )
        return True

    def _refuse(self, problems: list[str]) -> bool:
        kept = self._current.version if self._current else "none"
        log.error(
            "IVR menus in %s refused (%d problems); version %s stays in force:",
            self._folder,
            len(problems),
            kept,
        )
        for problem in problems:
            log.error("  %s", problem)
        self.last = Reload(time.time(), kept, False, tuple(problems))
        return False

    async def watch(self) -> None:
        """Reloads whenever a file changes; runs until cancelled."""
        while True:
            await asyncio.sleep(POLL_S)
            if self._stat() != self._signature:
                await asyncio.to_thread(self.reload)

    def _stat(self) -> tuple[object, ...]:
        found: list[object] = []
        for folder in self._watched:
            if not folder.is_dir():
                continue
            for path in sorted(folder.rglob("*")):
                try:
                    info = path.stat()
                except OSError:
                    continue
                found.append((str(path), info.st_size, info.st_mtime_ns))
        return tuple(found)

    def status(self) -> dict[str, Any]:
        current = self._current
        last = self.last
        return {
            "version": current.version if current else None,
            "menus": sorted(current.menus) if current else [],
            "last_reload": None
            if last is None
            else {
                "at": last.at,
                "version": last.version,
                "accepted": last.accepted,
                "problems": list(last.problems),
            },
        }
