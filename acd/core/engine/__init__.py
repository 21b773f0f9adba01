"""The ACD engine: a pure core (no I/O, time passed in) that routes callers to agents.

Events in (events.py), commands and journal facts out (commands.py, facts.py); see
docs/engine.md for strategies, states, conditions, escalation and the wait estimate.
"""

from acd.core.engine.config import (
    AcdConfig,
    AgentConfig,
    EscalationStep,
    MemberCondition,
    PauseReason,
    QueueConfig,
    Strategy,
)
from acd.core.engine.engine import Engine
from acd.core.engine.errors import EngineError, UnknownCallError
from acd.core.engine.explain import Explanation
from acd.core.engine.snapshot import AgentStatus, CallerStatus, QueueStatus, Snapshot
from acd.core.engine.world import Output

__all__ = [
    "AcdConfig",
    "AgentConfig",
    "AgentStatus",
    "CallerStatus",
    "Engine",
    "EngineError",
    "EscalationStep",
    "Explanation",
    "MemberCondition",
    "Output",
    "PauseReason",
    "QueueConfig",
    "QueueStatus",
    "Snapshot",
    "Strategy",
    "UnknownCallError",
]
