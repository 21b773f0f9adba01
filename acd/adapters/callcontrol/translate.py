"""AMI events -> engine events. One function per AMI event name; unknown channels are
logged and ignored (an event about a call we do not handle is not an error)."""

from __future__ import annotations

import logging
from collections.abc import Callable

from acd.adapters.callcontrol.legs import AgentLeg, CallerLeg, Legs
from acd.asterisk.ami import Event as AmiEvent
from acd.core.engine.events import (
    AgentAnswered,
    CallAbandoned,
    CallEnded,
    CallerPressedExitKey,
    ConnectFailed,
    CustomerAnswered,
    EngineEvent,
    PhoneState,
    PhoneStateChanged,
)

log = logging.getLogger(__name__)

_DEVICE_STATES = {
    "NOT_INUSE": PhoneState.NOT_INUSE,
    "INUSE": PhoneState.INUSE,
    "BUSY": PhoneState.BUSY,
    "RINGING": PhoneState.RINGING,
    "RINGINUSE": PhoneState.RINGING,
    "ONHOLD": PhoneState.ONHOLD,
    "UNAVAILABLE": PhoneState.UNAVAILABLE,
    "INVALID": PhoneState.INVALID,
    "UNKNOWN": PhoneState.UNKNOWN,
}


class Translator:
    def __init__(self, legs: Legs, agent_ids: set[str]) -> None:
        self._legs = legs
        self._agents = agent_ids
        self._by_name: dict[str, Callable[[AmiEvent], list[EngineEvent]]] = {
            "Hangup": self._hangup,
            "BridgeEnter": self._bridge_enter,
            "BridgeLeave": self._bridge_leave,
            "UserEvent": self._user_event,
            "DeviceStateChange": self._device_state,
            "DTMFEnd": self._dtmf,
        }

    @property
    def events(self) -> frozenset[str]:
        """The AMI events it reads (manager.conf must let them reach the server)."""
        return frozenset(self._by_name)

    def translate(self, event: AmiEvent) -> list[EngineEvent]:
        handler = self._by_name.get(event.name)
        return handler(event) if handler else []

    def phone_state(self, device: str, state: str) -> PhoneStateChanged | None:
        """PJSIP/<agent> + Asterisk device state -> the engine's view of that phone."""
        tech, _, agent_id = device.partition("/")
        if tech != "PJSIP" or agent_id not in self._agents:
            return None
        return PhoneStateChanged(agent_id, _DEVICE_STATES.get(state, PhoneState.UNKNOWN))

    def _device_state(self, event: AmiEvent) -> list[EngineEvent]:
        change = self.phone_state(event.get("Device") or "", event.get("State") or "")
        return [change] if change else []

    def _user_event(self, event: AmiEvent) -> list[EngineEvent]:
        if event.get("UserEvent") == "AcdAnnounced":
            caller = self._legs.callers.get(event.get("Uniqueid") or "")
            if caller is not None:
                caller.announcing = False
            return []
        if event.get("UserEvent") == "AcdCallbackOfferDone":
            caller = self._legs.callers.get(event.get("Uniqueid") or "")
            if caller is not None:
                caller.in_dialog = False
            return []
        if event.get("UserEvent") == "AcdCustomerAnswered":
            customer = self._legs.caller_for(event.get("Uniqueid") or "")
            if customer is None:
                return []
            customer.answered = True
            return [CustomerAnswered(customer.call_id)]
        if event.get("UserEvent") != "AcdAgentAnswered":
            return []
        leg = self._legs.agent_legs.get(event.get("Uniqueid") or "")
        if leg is None:
            log.info("answer on an agent leg we no longer track: %s", event.get("Channel"))
            return []
        return [AgentAnswered(leg.call_id, leg.agent_id)]

    def _bridge_enter(self, event: AmiEvent) -> list[EngineEvent]:
        """The agent's leg joined its caller: from now on its end is the call's end."""
        leg = self._legs.agent_legs.get(event.get("Uniqueid") or "")
        caller = self._legs.callers.get(leg.call_id) if leg is not None else None
        if leg is not None and caller is not None and caller.connected_to == leg.agent_id:
            caller.bridged = True
        return []

    def _bridge_leave(self, event: AmiEvent) -> list[EngineEvent]:
        """The first leg to leave the caller-agent bridge is the one that hung up (Hangup
        events of the two legs can arrive in either order)."""
        uniqueid = event.get("Uniqueid") or ""
        caller = self._legs.caller_for(uniqueid)
        if caller is not None and caller.connected_to and not caller.released:
            self._legs.drop_caller(caller.call_id)
            return [CallEnded(caller.call_id, "caller")]
        leg = self._legs.agent_legs.get(uniqueid)
        return self._ended_by_agent(leg) if leg is not None else []

    def _ended_by_agent(self, leg: AgentLeg) -> list[EngineEvent]:
        """The agent's leg left: if it was bridged with its caller, the agent ended the call
        (the caller's line stays known until the engine's ReleaseCaller hangs it up). If it
        ended before it joined the caller (the agent's phone hung up as the bridge was being
        made), the caller never talked to them: the connection failed, the caller waits on."""
        caller = self._legs.callers.get(leg.call_id)
        if caller is None or caller.connected_to != leg.agent_id or caller.released:
            return []
        if not caller.bridged:
            caller.connected_to = ""  # the executor's failing Bridge then feeds nothing more
            return [ConnectFailed(leg.call_id, leg.agent_id)]
        caller.released = True
        return [CallEnded(leg.call_id, "agent")]

    def _hangup(self, event: AmiEvent) -> list[EngineEvent]:
        uniqueid = event.get("Uniqueid") or ""
        caller = self._legs.caller_for(uniqueid)
        if caller is not None and not caller.answered:
            return []  # a callback's customer who never answered: the dial's outcome tells
        if caller is not None:
            return self.caller_gone(caller)
        leg = self._legs.agent_legs.get(uniqueid)
        if leg is None:
            # Feature-code calls, app_queue's legs, channels of other systems: not ours.
            log.debug("hangup of %s, which is not an ACD call: ignored", event.get("Channel"))
            return []
        self._legs.drop_agent_leg(uniqueid)
        return self._ended_by_agent(leg)

    def caller_gone(self, caller: CallerLeg) -> list[EngineEvent]:
        """The caller's line is gone (its Hangup, or missing from Asterisk after a
        reconnect): the call ended if it was connected, else the caller abandoned."""
        self._legs.drop_caller(caller.call_id)
        if caller.released:
            return []  # the agent had ended the call: already told
        if caller.connected_to:
            return [CallEnded(caller.call_id, "caller")]
        return [CallAbandoned(caller.call_id)]

    def _dtmf(self, event: AmiEvent) -> list[EngineEvent]:
        uniqueid = event.get("Uniqueid") or ""
        caller = self._legs.callers.get(uniqueid)
        if caller is None or caller.connected_to or event.get("Direction") != "Received":
            return []
        return [CallerPressedExitKey(uniqueid, event.get("Digit") or "")]
