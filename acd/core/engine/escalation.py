"""Skill escalation: the requirement a caller has after waiting so long.

Base: the queue's skills and the caller's own, the higher minimum winning. Then each
escalation step due by the caller's wait, in order: a step sets minimums (lower: wider
pool; higher or new skill: narrower pool), a minimum of 0 drops the skill. Re-evaluated
live at each step's time (the engine sets a timer), not frozen at entry.
"""

from __future__ import annotations

from acd.core.engine.config import QueueConfig, Skills


def requirement(queue: QueueConfig, own: Skills, entered_at: float, now: float) -> Skills:
    levels = dict(queue.skills)
    for skill, level in own:
        levels[skill] = max(level, levels.get(skill, 0))
    for step in queue.escalation:
        if entered_at + step.after_s > now:
            break
        levels.update(step.skills)
    return tuple(sorted((skill, level) for skill, level in levels.items() if level > 0))


def next_step_at(queue: QueueConfig, entered_at: float, now: float) -> float | None:
    """When the caller's requirement changes next, or None after the last step."""
    for step in queue.escalation:
        if entered_at + step.after_s > now:
            return entered_at + step.after_s
    return None
