"""Where the journal lives, in ``config/acd.yaml``.

journal:
  path: var/journal.sqlite3
  queue_log: var/queue_log   # Asterisk-compatible, for tools that read app_queue's log
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from acd.core import yamlfile as y
from acd.core.yamlfile import Node


@dataclass(frozen=True)
class JournalSettings:
    path: Path = Path("var/journal.sqlite3")
    queue_log: Path = Path("var/queue_log")


def parse_journal(node: Node) -> JournalSettings:
    fields = y.mapping(node, set(), {"path", "queue_log"})
    defaults = JournalSettings()
    path = Path(y.text(fields["path"])) if "path" in fields else defaults.path
    queue_log = Path(y.text(fields["queue_log"])) if "queue_log" in fields else defaults.queue_log
    return JournalSettings(path, queue_log)
