"""Agent events: log in and out, pause with a reason and back, and the phone's state.

An agent busy with a call (on call or in wrap-up) who pauses or logs out does so when
the call and its wrap-up end. One being rung is withdrawn from the offer at once, and
the caller goes back to their place, with no miss counted against the agent.
"""

from __future__ import annotations

from acd.core.engine.events import PhoneStateChanged
from acd.core.engine.matching import make_ready, match_agent
from acd.core.engine.offers import withdraw
from acd.core.engine.state import Agent, AgentState, Pending
from acd.core.engine.world import World

_BUSY = (AgentState.ON_CALL, AgentState.WRAP_UP)


def log_in(w: World, agent: Agent) -> None:
    if agent.state is not AgentState.LOGGED_OUT:
        if agent.pending is Pending.LOGOUT:
            agent.pending = Pending.NOTHING
        else:
            w.reject(f"agent {agent.id} is already logged in")
        return
    agent.calls, agent.talk_s, agent.missed_in_row = 0, 0.0, 0
    make_ready(w, agent)


def log_out(w: World, agent: Agent) -> None:
    if agent.state is AgentState.LOGGED_OUT:
        w.reject(f"agent {agent.id} is not logged in")
    elif agent.state in _BUSY:
        agent.pending = Pending.LOGOUT
    else:
        withdraw(w, agent)
        w.set_agent_state(agent, AgentState.LOGGED_OUT)


def pause(w: World, agent: Agent, reason: str) -> None:
    error = w.index.config.pause_reason_error(reason)
    if error is not None:
        w.reject(f"agent {agent.id}: {error}")
    elif agent.state is AgentState.LOGGED_OUT:
        w.reject(f"agent {agent.id} cannot pause: not logged in")
    elif agent.state in _BUSY:
        agent.pending, agent.pending_reason = Pending.PAUSE, reason
    else:
        withdraw(w, agent)
        w.set_agent_state(agent, AgentState.PAUSED, reason)


def unpause(w: World, agent: Agent) -> None:
    if agent.state is AgentState.PAUSED:
        make_ready(w, agent)
    elif agent.pending is Pending.PAUSE:
        agent.pending = Pending.NOTHING
    else:
        w.reject(f"agent {agent.id} is not paused ({agent.state.value})")


def phone_changed(w: World, agent: Agent, event: PhoneStateChanged) -> None:
    """Asterisk's view of the phone. Logged-in state does not depend on it: a phone that
    re-registers (unavailable, then idle again) finds its agent as it left them."""
    agent.phone = event.state
    match_agent(w, agent)
