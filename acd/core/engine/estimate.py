"""A waiting caller's place and estimated wait, read from the live state (model: ewt.py).

Callers ahead are counted in every pool that shares agents with the caller's own pool
(the same queue or another one): a caller ahead in a pool whose agents are only partly
the caller's counts for that share, as if that pool's callers spread evenly over its
agents. Staffing is the agents eligible for the caller who are logged in and not
paused, whatever they are doing now; those in wrap-up are free at a known moment.
"""

from __future__ import annotations

import math

from acd.core.engine.bits import indices
from acd.core.engine.config import MemberCondition
from acd.core.engine.ewt import Servers, predicted_wait
from acd.core.engine.state import Call, CallState
from acd.core.engine.world import World

UNKNOWN_WAIT = -1.0  # Announce.estimated_wait_s when nobody could ever answer


def position(w: World, call: Call) -> int:
    """1 for the caller who goes first in the queue (callers being rung included)."""
    return w.in_queue[call.queue.name].rank(call.key) + 1


def estimated_wait(w: World, call: Call) -> float:
    """Seconds until an agent answers (the median: half the callers in this place are
    answered sooner); 0 once rung or answered; math.inf if nobody is staffed for the
    caller's current requirement."""
    pool = call.pool
    if call.state is not CallState.WAITING or pool is None:
        return 0.0
    mine = pool.mask & w.sets.staffed
    if not mine:
        return math.inf
    ahead = 0.0
    for name in w.index.related[call.queue.name]:
        for other in w.pools.by_queue[name]:
            shared = other.mask & mine
            if not shared or not len(other):
                continue
            count = other.ahead_of(call.key)
            if count and other is pool:
                ahead += count
            elif count:
                ahead += count * shared.bit_count() / (other.mask & w.sets.staffed).bit_count()
    stats = w.stats[call.queue.name]
    return predicted_wait(ahead, _servers(w, call, mine), stats.handle_s, stats.abandon_rate)


def _servers(w: World, call: Call, mine: int) -> Servers:
    wrapping = mine & w.sets.holding(MemberCondition.WRAPUP)
    freeing_in = sorted(max(w.by_index[i].wrap_ends_at - w.now, 0.0) for i in indices(wrapping))
    return Servers(mine.bit_count(), tuple(freeing_in), call.queue.wrap_up_s)
