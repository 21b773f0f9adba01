"""Why a caller waits: their requirement now, and what each eligible agent is doing."""

from __future__ import annotations

import math
from dataclasses import dataclass

from acd.core.engine.bits import indices
from acd.core.engine.config import Skills
from acd.core.engine.estimate import estimated_wait, position
from acd.core.engine.state import Call
from acd.core.engine.world import World


@dataclass(frozen=True)
class Explanation:
    call_id: str
    queue: str
    state: str
    position: int
    requirement: Skills  # after the escalation steps due so far
    eligible: tuple[tuple[str, str], ...]  # (agent id, what stops them: "" if offerable)
    estimated_wait_s: float | None
    offered_to: tuple[str, ...]
    excluded_until: tuple[tuple[str, float], ...]  # agents who missed this caller


def explain(w: World, call: Call) -> Explanation:
    mask = w.index.eligible(call.queue.name, call.requirement)
    wait = estimated_wait(w, call)
    return Explanation(
        call_id=call.call_id,
        queue=call.queue.name,
        state=call.state.value,
        position=position(w, call) if call.agent_id == "" else 0,
        requirement=call.requirement,
        eligible=tuple((w.by_index[i].id, _obstacle(w, i, call)) for i in indices(mask)),
        estimated_wait_s=None if math.isinf(wait) else wait,
        offered_to=tuple(call.offers),
        excluded_until=tuple(sorted(call.excluded.items())),
    )


def _obstacle(w: World, index: int, call: Call) -> str:
    agent = w.by_index[index]
    if agent.id in call.excluded:
        return "missed this caller a moment ago"
    if agent.offerable:
        return ""
    if agent.state.value != "ready":
        return agent.state.value + (f" ({agent.reason})" if agent.reason else "")
    return f"phone {agent.phone.value}"
