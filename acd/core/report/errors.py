"""Errors of ``acd report``: bad input, each message naming the option and the value.

ReportError
 ├── BadPeriodError      --from / --to not a date, or the period is empty
 ├── UnknownQueueError   --queue names no configured queue and none in the journal
 └── UnknownAgentError   --agent likewise
"""

from __future__ import annotations


class ReportError(Exception):
    """Base of the report's errors."""


class BadPeriodError(ReportError):
    pass


class UnknownQueueError(ReportError):
    pass


class UnknownAgentError(ReportError):
    pass
