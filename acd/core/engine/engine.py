"""The ACD engine: queues, agents and routing, with no I/O and no clock of its own.

    engine = Engine(config)
    output = engine.handle(event, now)   # Output(commands, facts, rejected)
    engine.next_deadline()               # when to send TimerFired, or None

Before and after each event, every timer due by ``now`` fires (ring timeouts, wrap-up
ends, announcements, maximum waits, escalation steps, re-offer delays), so the result
never depends on how punctually the shell wakes up.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from acd.core.engine import agents, callbacks, callers, offers
from acd.core.engine.config import AcdConfig
from acd.core.engine.errors import UnknownCallError
from acd.core.engine.estimate import estimated_wait
from acd.core.engine.events import (
    AgentAnswered,
    AgentLoggedIn,
    AgentLoggedOut,
    AgentMissed,
    AgentPaused,
    AgentUnpaused,
    CallAbandoned,
    CallArrived,
    CallbackRequested,
    CallEnded,
    CallerPressedExitKey,
    CallReattached,
    CallTransferred,
    ConfigReloaded,
    ConnectFailed,
    CustomerAnswered,
    CustomerUnreachable,
    EngineEvent,
    PhoneStateChanged,
    TimerFired,
)
from acd.core.engine.explain import Explanation, explain
from acd.core.engine.reload import reload
from acd.core.engine.snapshot import Snapshot, snapshot
from acd.core.engine.state import Agent, Call, CallState
from acd.core.engine.timers import Alarm, AlarmKind
from acd.core.engine.world import Output, World


class Engine:
    def __init__(self, config: AcdConfig, rng_seed: int = 0) -> None:
        self._w = World(config, rng_seed)
        self._on_event: dict[type, Callable[[Any], None]] = {
            CallArrived: lambda e: callers.arrive(self._w, e),
            CallReattached: lambda e: offers.reattach(self._w, e),
            ConnectFailed: self._connect_failed,
            CallAbandoned: self._abandoned,
            CallerPressedExitKey: self._exit_key,
            AgentLoggedIn: lambda e: self._for_agent(e.agent_id, agents.log_in),
            AgentLoggedOut: lambda e: self._for_agent(e.agent_id, agents.log_out),
            AgentPaused: lambda e: self._for_agent(
                e.agent_id, lambda w, a: agents.pause(w, a, e.reason)
            ),
            AgentUnpaused: lambda e: self._for_agent(e.agent_id, agents.unpause),
            PhoneStateChanged: lambda e: self._for_agent(
                e.agent_id, lambda w, a: agents.phone_changed(w, a, e)
            ),
            AgentAnswered: self._answered,
            AgentMissed: self._missed,
            CallEnded: self._ended,
            CallTransferred: self._transferred,
            CallbackRequested: self._callback_requested,
            CustomerAnswered: self._customer_answered,
            CustomerUnreachable: self._customer_unreachable,
            TimerFired: lambda e: None,
            ConfigReloaded: self._reloaded,
        }

    @property
    def config(self) -> AcdConfig:
        return self._w.index.config

    def handle(self, event: EngineEvent, now: float) -> Output:
        self._w.begin(now)
        self._fire_due()
        self._on_event[type(event)](event)
        self._fire_due()
        callers.leave_if_empty(self._w)
        return self._w.out

    def next_deadline(self) -> float | None:
        return self._w.timers.next_deadline()

    def snapshot(self, now: float) -> Snapshot:
        return snapshot(self._w, now)

    def estimated_wait(self, call_id: str, now: float) -> float:
        """Seconds until an agent answers this caller: 0 once rung or answered,
        ``math.inf`` while no agent able to serve them is logged in and unpaused."""
        del now  # the estimate depends on the live state only, not on the time asked
        return estimated_wait(self._w, self._call(call_id))

    def explain(self, call_id: str) -> Explanation:
        """Why this caller waits, or who they were offered to: for support and tests."""
        return explain(self._w, self._call(call_id))

    # -- events ------------------------------------------------------------------------

    def _call(self, call_id: str) -> Call:
        call = self._w.calls.get(call_id)
        if call is None:
            raise UnknownCallError(call_id)
        return call

    def _known_call(self, call_id: str) -> Call | None:
        call = self._w.calls.get(call_id)
        if call is None:
            self._w.reject(f"no call {call_id} in the ACD")
        return call

    def _for_agent(self, agent_id: str, act: Callable[[World, Agent], None]) -> None:
        agent = self._w.agents.get(agent_id)
        if agent is None:
            self._w.reject(f"no agent {agent_id} in the configuration")
        else:
            act(self._w, agent)

    def _abandoned(self, event: CallAbandoned) -> None:
        call = self._known_call(event.call_id)
        if call is not None and callbacks.caller_hung_up(self._w, call):
            return  # a booked callback: the caller was meant to hang up
        if call is not None and call.state is CallState.CONNECTED:
            offers.complete(self._w, call, "caller")  # hung up as the bridge was made
        elif call is not None:
            callers.abandon(self._w, call)

    def _connect_failed(self, event: ConnectFailed) -> None:
        call, agent = self._known_call(event.call_id), self._w.agents.get(event.agent_id)
        if call is not None and agent is not None:
            offers.connect_failed(self._w, call, agent)

    def _exit_key(self, event: CallerPressedExitKey) -> None:
        call = self._known_call(event.call_id)
        if call is None or call.state is CallState.CONNECTED:
            return
        if call.queue.exit_key and event.key == call.queue.exit_key:
            callers.remove(self._w, call, "exitkey")
        else:
            self._w.reject(f"call {call.call_id}: {event.key!r} is not the exit key")

    def _offer_of(self, call_id: str, agent_id: str) -> tuple[Call, Agent] | None:
        call, agent = self._w.calls.get(call_id), self._w.agents.get(agent_id)
        if call is None or agent is None or agent_id not in call.offers:
            self._w.reject(f"no open offer of call {call_id} to agent {agent_id}")
            return None
        return call, agent

    def _answered(self, event: AgentAnswered) -> None:
        found = self._offer_of(event.call_id, event.agent_id)
        if found:
            offers.answer(self._w, *found)

    def _missed(self, event: AgentMissed) -> None:
        found = self._offer_of(event.call_id, event.agent_id)
        if found:
            offers.miss(self._w, *found, event.reason, timed_out=False)

    def _ended(self, event: CallEnded) -> None:
        call = self._known_call(event.call_id)
        if call is not None and call.state is CallState.DIALING:
            callbacks.agent_left(self._w, call)  # before the customer answered
        elif call is not None and callbacks.caller_hung_up(self._w, call):
            return
        elif call is not None and call.state is CallState.CONNECTED:
            offers.complete(self._w, call, event.by)
        elif call is not None:  # never connected: the caller left while waiting
            callers.abandon(self._w, call)

    def _transferred(self, event: CallTransferred) -> None:
        call = self._known_call(event.call_id)
        if call is not None and call.state is CallState.CONNECTED:
            offers.transfer(self._w, call, event.target)
        elif call is not None:
            self._w.reject(f"call {call.call_id} is not connected: no transfer")

    def _callback_requested(self, event: CallbackRequested) -> None:
        call = self._known_call(event.call_id)
        if call is not None:
            callbacks.request(self._w, call, event.number, event.attempts)

    def _dialing(self, call_id: str) -> Call | None:
        call = self._known_call(call_id)
        if call is not None and call.state is not CallState.DIALING:
            self._w.reject(f"call {call_id} is not dialling a callback customer")
            return None
        return call

    def _customer_answered(self, event: CustomerAnswered) -> None:
        call = self._dialing(event.call_id)
        if call is not None and call.queue.callback_customer_first:
            callbacks.customer_on_line(self._w, call)
        elif call is not None:
            offers.connect(self._w, call, self._w.agents[call.agent_id])

    def _customer_unreachable(self, event: CustomerUnreachable) -> None:
        call = self._dialing(event.call_id)
        if call is not None:
            callbacks.customer_unreachable(self._w, call, event.reason)

    def _reloaded(self, event: ConfigReloaded) -> None:
        if not isinstance(event.config, AcdConfig):
            self._w.reject("ConfigReloaded without an AcdConfig: ignored")
            return
        self._w = reload(self._w, event.config)

    # -- timers ------------------------------------------------------------------------

    def _fire_due(self) -> None:
        w = self._w
        while (alarm := w.timers.pop_due(w.now)) is not None:
            self._fire(alarm)

    def _fire(self, alarm: Alarm) -> None:
        w = self._w
        match alarm.kind:
            case AlarmKind.WRAP:
                agent = w.agents.get(alarm.agent_id)
                if agent is not None and agent.wrap_timer is not None:
                    offers.after_call(w, agent)
                return
            case AlarmKind.OVERFLOW:
                callers.check_overflow(w, alarm.queue)
                return
        call = w.calls.get(alarm.call_id)
        if call is None:
            return
        match alarm.kind:
            case AlarmKind.RING if alarm.agent_id in call.offers:
                offers.miss(w, call, w.agents[alarm.agent_id], "noanswer", timed_out=True)
            case AlarmKind.REOFFER if alarm.agent_id in w.agents:
                offers.reoffer(w, call, w.agents[alarm.agent_id])
            case AlarmKind.ANNOUNCE:
                callers.announce(w, call)
            case AlarmKind.ESCALATE:
                callers.escalate(w, call)
            case AlarmKind.RETRY if call.state is CallState.HELD:
                callbacks.retry(w, call)
            case AlarmKind.MAXWAIT if call.state is not CallState.CONNECTED:
                callers.remove(w, call, "timeout")
