"""The queue_log file: the journal's facts as Asterisk app_queue writes them, so tools
that read app_queue logs (QueueMetrics, Asternic, home-made scripts) keep working.

    queue_log = QueueLogWriter(Path("var/queue_log"), QueueLogContext.from_config(acd))
    AsyncJournal(journal, sinks=[queue_log.write])    # written after each journal commit

Writing: the file is opened in append mode (O_APPEND) and flushed after each batch, so
a kill -9 of the server loses no line of a batch already written (app_queue likewise
flushes after each line). No fsync by default: the journal is the durable
record (fsync'ed on every commit) and the queue_log can be rebuilt from it with
:func:`rebuild_queue_log`; pass ``fsync=True`` to fsync every batch anyway. Rotation:
logrotate with ``copytruncate`` works as is, thanks to append mode.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TextIO

from acd.adapters.journal.errors import JournalClosedError, JournalOpenError
from acd.adapters.journal.queue_log_format import QueueLogContext, QueueLogLines
from acd.core.facts import Fact


class QueueLogWriter:
    def __init__(
        self, path: Path, context: QueueLogContext | None = None, *, fsync: bool = False
    ) -> None:
        self.path = path
        self.lines = QueueLogLines(context)
        self._fsync = fsync
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._file: TextIO | None = path.open("a", encoding="utf-8", newline="\n")
        except OSError as exc:
            raise JournalOpenError(f"{path}: cannot open the queue_log: {exc}") from exc

    def write(self, facts: Sequence[Fact]) -> None:
        if self._file is None:
            raise JournalClosedError(f"{self.path}: the queue_log is closed")
        text = "".join(f"{line}\n" for fact in facts for line in self.lines.lines(fact))
        if not text:
            return
        self._file.write(text)
        self._file.flush()
        if self._fsync:
            os.fsync(self._file.fileno())

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


def rebuild_queue_log(
    facts: Iterable[Fact], out: TextIO, context: QueueLogContext | None = None
) -> int:
    """Write the lines of ``facts`` (e.g. ``row.fact`` for rows of Journal.read) to
    ``out``; returns the number of lines."""
    lines = QueueLogLines(context)
    count = 0
    for fact in facts:
        for line in lines.lines(fact):
            out.write(f"{line}\n")
            count += 1
    return count
