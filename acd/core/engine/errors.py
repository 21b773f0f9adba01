"""The engine's errors. Events the engine cannot apply are not errors: they come back in
``Output.rejected`` with the reason, and change nothing. Errors are for queries:

    EngineError
    └── UnknownCallError    estimated_wait / explain for a call the engine does not hold
"""

from __future__ import annotations


class EngineError(Exception):
    """Base of the engine's errors."""


class UnknownCallError(EngineError, KeyError):
    def __init__(self, call_id: str) -> None:
        super().__init__(f"no call {call_id!r} in the ACD")
        self.call_id = call_id
