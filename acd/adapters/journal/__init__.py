"""The journal: every fact of the ACD engine in SQLite (WAL), and as a queue_log.

The journal is the record KPIs and restarts are computed from; see ``store.py`` for the
durability choices and ``docs/kpi.md`` for the reports made from it.
"""

from acd.adapters.journal.errors import (
    CorruptFactError,
    JournalClosedError,
    JournalError,
    JournalMissingError,
    JournalOpenError,
    JournalTimeoutError,
    JournalVersionError,
    JournalWriteError,
)
from acd.adapters.journal.queue_log import QueueLogWriter, rebuild_queue_log
from acd.adapters.journal.queue_log_format import QueueLogContext, QueueLogLines
from acd.adapters.journal.restore import PendingCallback, WaitingCall
from acd.adapters.journal.store import Journal, JournalRow
from acd.adapters.journal.writer import AsyncJournal

__all__ = [
    "AsyncJournal",
    "CorruptFactError",
    "Journal",
    "JournalClosedError",
    "JournalError",
    "JournalMissingError",
    "JournalOpenError",
    "JournalRow",
    "JournalTimeoutError",
    "JournalVersionError",
    "JournalWriteError",
    "PendingCallback",
    "QueueLogContext",
    "QueueLogLines",
    "QueueLogWriter",
    "WaitingCall",
    "rebuild_queue_log",
]
