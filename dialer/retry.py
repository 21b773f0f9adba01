"""When a lead is dialled again (pure): after each dial, from the campaign's retry rules
and the lead's history of dials in this campaign.

A dial a calling rule refused was never placed: it is not an attempt and consumes none.
What happens next depends on the rule. Some refusals pass with time (outside the calling
window, the 4 calls per 30 days reached, 60 days after a refusal, 72 hours after an
abandoned call, a registry file out of date): the lead is looked at again a little
later, and refused again until the rule allows it. Others do not pass by waiting (the
number is on a do-not-call list, no consent, a destination not allowed): the lead is
closed for this campaign, and `acd dialer scrub` counts it under that rule.
"""

from __future__ import annotations

from collections.abc import Sequence

from acd.core.compliance.attempts import Attempt
from dialer.campaign.model import Retries

RECHECK_S = 900.0  # a refusal that passes with time: looked at again after 15 minutes
LASTING = frozenset({"do_not_call", "consent", "destination", "caller_id", "not_a_lead"})


def after_dial(history: Sequence[Attempt], retries: Retries) -> float | None:
    """When to dial the lead next (epoch seconds), or None: done with it. ``history`` is
    every dial of the lead in this campaign, the one just made last."""
    last = history[-1]
    placed = [a for a in history if a.placed]
    if not last.placed or len(placed) >= retries.max_attempts:
        return None
    rule = retries.rule(last.outcome)
    if rule is None:  # answered: done
        return None
    if sum(1 for a in placed if a.outcome is last.outcome) >= rule.max_attempts:
        return None
    return last.at + rule.delay_s


def after_refusal(at: float, refused_by: Sequence[str]) -> float | None:
    """When to look at a refused lead again, or None if no wait will lift the refusal."""
    if LASTING.intersection(refused_by):
        return None
    return at + RECHECK_S
