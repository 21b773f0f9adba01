"""Errors of the journal. Each message names the file (and the row, when one is at fault).

JournalError
 ├── JournalOpenError        the file cannot be opened or created, or is not a journal
 │    ├── JournalMissingError    no journal at that path (readers never create one)
 │    └── JournalVersionError    written by a newer version of this program
 ├── JournalWriteError       a batch could not be committed (disk full, I/O error)
 ├── CorruptFactError        a stored row does not decode to a fact (row id named)
 ├── JournalClosedError      used after close()
 └── JournalTimeoutError     AsyncJournal: the writer did not commit in time
"""

from __future__ import annotations


class JournalError(Exception):
    """Base of the journal's errors."""


class JournalOpenError(JournalError):
    pass


class JournalMissingError(JournalOpenError):
    pass


class JournalVersionError(JournalOpenError):
    pass


class JournalWriteError(JournalError):
    pass


class CorruptFactError(JournalError):
    pass


class JournalClosedError(JournalError):
    pass


class JournalTimeoutError(JournalError):
    pass
