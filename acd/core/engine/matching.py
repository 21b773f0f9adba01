"""Callers meet agents. Two entry points, one for each side that can become free:

* ``match_call``: a caller became waiting (arrived, an offer failed, the requirement
  changed, an excluded agent may be tried again): ring the best offerable agent.
* ``match_agent``: an agent became offerable: ring them for the first caller, in the
  global order, among the heads of the pools they are eligible for.

After every event the engine keeps one invariant: no offerable agent is eligible for a
waiting caller (except one the caller is excluded from after a miss). That is why the
caller side never has to look for an earlier caller, and the agent side only looks at
pool heads: together they give the global order (priority, then entry time) across
queues.
"""

from __future__ import annotations

from acd.core.engine.commands import CancelRing, DialCustomer, RingAgent
from acd.core.engine.facts import CallOffered
from acd.core.engine.pools import NO_CALL, Pool
from acd.core.engine.state import Agent, AgentState, Call, CallState
from acd.core.engine.strategies import choose
from acd.core.engine.timers import Alarm, AlarmKind
from acd.core.engine.world import World


def match_call(w: World, call: Call) -> None:
    pool = call.pool
    if pool is None:
        return
    candidates = pool.mask & w.sets.offerable & ~call.excluded_mask
    if candidates:
        choice = choose(w, call, candidates)
        offer(w, call, choice.agents, choice.eligible, choice.count, choice.why)


def make_ready(w: World, agent: Agent) -> None:
    """The agent is ready (logged in, back from pause, wrap-up or a failed ring)."""
    w.set_agent_state(agent, AgentState.READY, refresh=False)
    match_agent(w, agent)


def match_agent(w: World, agent: Agent) -> None:
    """Ring the agent for the first caller they can take; if there is none, record them
    as offerable (agent sets, ready lists). Called after any change that may have made
    the agent offerable: looking for a caller first spares listing them for nothing."""
    if not agent.offerable or w.ready.contains(agent):
        w.refresh(agent)
        return
    best: Call | None = None
    best_key = NO_CALL
    for pool in agent.pools:  # the hot loop: one attribute read per pool
        if pool.head_key < best_key:
            call = _first_for(pool, agent, w.now)
            if call is not None and call.key < best_key:
                best, best_key = call, call.key
    if best is None:
        w.refresh(agent)
        return
    why = (
        f"first in the global order among the callers this agent can serve "
        f"(priority {best.priority}, waiting {w.now - best.entered_at:.0f} s)"
    )
    offer(w, best, [agent], (agent.id,), 1, why)


def _first_for(pool: Pool, agent: Agent, now: float) -> Call | None:
    """The pool's head, or the first caller behind it who did not just miss this agent.
    An exclusion that ends now is over, even if its alarm has not fired yet (another
    alarm of the same instant may be the one that freed this agent)."""
    head = pool.head()
    if head is None or head.excluded.get(agent.id, now) <= now:
        return head
    return next((c for c in pool.in_order() if c.excluded.get(agent.id, now) <= now), None)


def offer(
    w: World, call: Call, agents: list[Agent], eligible: tuple[str, ...], count: int, why: str
) -> None:
    queue = call.queue
    if call.pool is not None:
        call.pool.remove(call)
    if call.callback_number and queue.callback_customer_first:
        _dial_customer_first(w, call, agents[0], eligible, count, why)
        return
    call.state = CallState.RINGING
    for agent in agents:
        call.offers[agent.id] = w.now
        alarm = Alarm(AlarmKind.RING, call.call_id, agent.id)
        call.ring_timers[agent.id] = w.timers.schedule(w.now + queue.ring_timeout_s, alarm)
        agent.call_id = call.call_id
        w.set_agent_state(agent, AgentState.RESERVED)
        w.command(
            RingAgent(
                call_id=call.call_id,
                agent_id=agent.id,
                queue=queue.name,
                timeout_s=queue.ring_timeout_s,
                whisper=queue.whisper,
                callback=bool(call.callback_number),
            )
        )
        w.emit(
            CallOffered(
                at=w.now,
                call_id=call.call_id,
                queue=queue.name,
                agent_id=agent.id,
                eligible=eligible,
                why=why,
                eligible_count=count,
            )
        )
        w.last_offered[queue.name] = w.index.member_position[queue.name][agent.index]


def _dial_customer_first(
    w: World, call: Call, agent: Agent, eligible: tuple[str, ...], count: int, why: str
) -> None:
    """A callback, customer first: the agent is kept (reserved, not rung) while the
    customer is dialled; when the customer answers, the agent is rung for them."""
    call.state, call.agent_id, agent.call_id = CallState.DIALING, agent.id, call.call_id
    w.set_agent_state(agent, AgentState.RESERVED)
    w.command(
        DialCustomer(call.call_id, agent.id, call.callback_number, call.queue.name, call.entered_at)
    )
    w.emit(
        CallOffered(
            at=w.now,
            call_id=call.call_id,
            queue=call.queue.name,
            agent_id=agent.id,
            eligible=eligible,
            why=f"{why}; customer first: dialled while this agent is kept",
            eligible_count=count,
        )
    )


def end_ring(w: World, call: Call, agent: Agent, cancel: bool) -> None:
    """The offer of ``call`` to ``agent`` is over (answered elsewhere, missed, withdrawn)."""
    w.timers.cancel(call.ring_timers.pop(agent.id, None))
    call.offers.pop(agent.id, None)
    if cancel:
        w.command(CancelRing(call.call_id, agent.id))
    if agent.call_id == call.call_id and agent.state is AgentState.RESERVED:
        agent.call_id = ""


def requeue(w: World, call: Call) -> None:
    """Back to waiting with the same place (entry time unchanged) once no phone rings."""
    if call.offers or call.state is not CallState.RINGING:
        return
    call.state = CallState.WAITING
    w.pools.get(call.queue.name, call.requirement).add(call)
    match_call(w, call)
