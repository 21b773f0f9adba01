"""Where calls go when no IVR menu serves their number, where the IVR's files and the
journal live.

numbers:                  # dialled number -> queue, priority, skills, language
  "100": {queue: sales}
  "101": {queue: support, language: fr, skills: {french: 3}}
  "102": {queue: sales, priority: 5}
ivr:
  menus: config/ivr          # one file per menu
  sounds: sounds             # operators' recordings
journal:
  path: var/journal.sqlite3
  queue_log: var/queue_log   # Asterisk-compatible, for tools that read app_queue's log
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from acd.core import yamlfile as y
from acd.core.engine.config import AcdConfig
from acd.core.settings.acd_model import skills_of
from acd.core.yamlfile import Node

_NUMBER = re.compile(r"^[0-9+*#]{1,20}$")


@dataclass(frozen=True)
class QueueEntry:
    """Where calls to one dialled number go, and with what priority, skills, language."""

    queue: str
    priority: int = 0
    skills: tuple[tuple[str, int], ...] = ()
    language: str = ""


@dataclass(frozen=True)
class JournalSettings:
    path: Path = Path("var/journal.sqlite3")
    queue_log: Path = Path("var/queue_log")


def parse_numbers(node: Node, acd: AcdConfig) -> dict[str, QueueEntry]:
    numbers = {}
    for key, value in y.entries(node):
        number = y.text(key)
        if not _NUMBER.match(number):
            raise key.error(f"{number!r} is not a phone number (digits, +, * or #)")
        numbers[number] = _entry(value, acd)
    return numbers


def _entry(node: Node, acd: AcdConfig) -> QueueEntry:
    fields = y.mapping(node, {"queue"}, {"priority", "skills", "language"})
    queue = y.text(fields["queue"])
    if acd.queue(queue) is None:
        known = ", ".join(q.name for q in acd.queues) or "none configured"
        raise fields["queue"].error(f"no queue named {queue!r} (queues: {known})")
    priority = y.integer(fields["priority"], 0, 100) if "priority" in fields else 0
    skills = skills_of(fields["skills"], 1) if "skills" in fields else ()
    language = y.text(fields["language"]) if "language" in fields else ""
    if language not in ("", "en", "fr"):
        raise fields["language"].error(f"unknown language {language!r} (known: en, fr)")
    return QueueEntry(queue, priority, skills, language)


@dataclass(frozen=True)
class IvrSettings:
    """Where the IVR's files are (paths relative to the folder the server runs in)."""

    menus: Path = Path("config/ivr")  # one YAML file per menu (docs/ivr.md)
    sounds: Path = Path("sounds")  # operators' recordings: sounds/<language>/<name>.wav|.mp3


def parse_ivr(node: Node) -> IvrSettings:
    fields = y.mapping(node, set(), {"menus", "sounds"})
    defaults = IvrSettings()
    menus = Path(y.text(fields["menus"])) if "menus" in fields else defaults.menus
    sounds = Path(y.text(fields["sounds"])) if "sounds" in fields else defaults.sounds
    return IvrSettings(menus, sounds)


def parse_journal(node: Node) -> JournalSettings:
    fields = y.mapping(node, set(), {"path", "queue_log"})
    defaults = JournalSettings()
    path = Path(y.text(fields["path"])) if "path" in fields else defaults.path
    queue_log = Path(y.text(fields["queue_log"])) if "queue_log" in fields else defaults.queue_log
    return JournalSettings(path, queue_log)
