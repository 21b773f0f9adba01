"""Where calls go when no IVR menu serves their number, in ``config/acd.yaml``.

numbers:                  # dialled number -> queue, priority, skills, language
  "100": {queue: sales}
  "101": {queue: support, language: fr, skills: {french: 3}}
  "102": {queue: sales, priority: 5}
"""

from __future__ import annotations

import re
from dataclasses import dataclass

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
