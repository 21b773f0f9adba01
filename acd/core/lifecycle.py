"""Facts about the server itself rather than a call's or an agent's step: a start, the
repairs made after an unclean stop, and the changes people asked for through the API
(who, as what, asked for what). Journaled like the others.

The reports read ServerRestarted to leave the time the server was away out of every
agent's states and wrap-ups (nothing is known of it); CallRepaired says why a call's end
was written by the restart rather than seen as it happened.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar


@dataclass(frozen=True)
class ServerRestarted:
    kind: ClassVar[str] = "RESTART"
    at: float
    down_since: float  # the server's last sign of life before this start


@dataclass(frozen=True)
class CallRepaired:
    kind: ClassVar[str] = "REPAIR"
    at: float
    call_id: str
    queue: str
    outcome: str  # abandoned | completed: the fact written for it, at ``ended_at``
    ended_at: float
    reason: str


@dataclass(frozen=True)
class ActionTaken:
    """A change asked for through the API and accepted: who asked, and what."""

    kind: ClassVar[str] = "ACTION"
    at: float
    user: str  # "local" for the CLI on the server's machine
    role: str
    tenant: str
    action: str  # the request: "POST /api/agents/1001/pause"
    detail: str  # its body's fields, e.g. "reason=lunch" (never a password)


LifecycleFact = ServerRestarted | CallRepaired | ActionTaken
LIFECYCLE_FACTS = (ServerRestarted, CallRepaired, ActionTaken)
