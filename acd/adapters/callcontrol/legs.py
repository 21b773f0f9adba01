"""Which Asterisk channel is which call: the caller legs and the agent legs in flight.

A call's id is the caller channel's Uniqueid. Agent legs, and the customer legs of
callbacks, are originated with a ChannelId of our own making, so every AMI event about
them (which carries Uniqueid) maps back to the call and agent without parsing channel
names. Pure bookkeeping: no I/O.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

CALLBACK_LEG_PREFIX = "acd-cb-"  # + call id: a callback's customer leg (its Uniqueid)


def callback_of(uniqueid: str) -> str:
    """The call id a callback's customer leg was dialled for ("" if not such a leg)."""
    if not uniqueid.startswith(CALLBACK_LEG_PREFIX):
        return ""
    return uniqueid.removeprefix(CALLBACK_LEG_PREFIX).rpartition("-")[0]


@dataclass
class CallerLeg:
    call_id: str
    channel: str
    queue: str
    number: str  # the caller's number, shown on the agent's phone
    connected_to: str = ""  # agent id once the bridge is asked for
    bridged: bool = False  # Asterisk put the agent's leg in the bridge (BridgeEnter)
    announcing: bool = False  # an announcement is playing: never cut it with the next one
    in_dialog: bool = False  # answering the callback offer: no announcement cuts it
    answered: bool = True  # a callback's customer leg: False until the customer answers
    released: bool = False  # the agent ended the call; the line is being hung up
    after_call: str = ""  # "<menu>:<survey node>" the caller hears if the agent hangs up first


@dataclass(frozen=True)
class AgentLeg:
    leg_id: str  # the ChannelId we gave the Originate; Asterisk's Uniqueid of that leg
    call_id: str
    agent_id: str


@dataclass
class Legs:
    callers: dict[str, CallerLeg] = field(default_factory=dict)
    agent_legs: dict[str, AgentLeg] = field(default_factory=dict)
    customer_legs: dict[str, str] = field(default_factory=dict)  # leg id -> call id
    _numbers: itertools.count[int] = field(default_factory=itertools.count)

    def add_caller(self, call_id: str, channel: str, queue: str, number: str) -> CallerLeg:
        leg = CallerLeg(call_id, channel, queue, number)
        self.callers[call_id] = leg
        return leg

    def caller_for(self, uniqueid: str) -> CallerLeg | None:
        """The caller side of a call from a channel's Uniqueid: the caller's own channel,
        or the customer leg dialled for a callback."""
        return self.callers.get(self.customer_legs.get(uniqueid, uniqueid))

    def adopt_customer_leg(self, call_id: str, channel: str, uniqueid: str, queue: str) -> None:
        """A customer leg dialled before a restart, found answered and waiting."""
        self.add_caller(call_id, channel, queue, "")
        self.customer_legs[uniqueid] = call_id

    def new_customer_leg(self, call_id: str, queue: str, number: str) -> CallerLeg:
        """The caller side of a callback: the customer's leg, dialled by us."""
        leg_id = f"{CALLBACK_LEG_PREFIX}{call_id}-{next(self._numbers)}"
        self.customer_legs[leg_id] = call_id
        leg = self.add_caller(call_id, leg_id, queue, number)
        leg.answered = False
        return leg

    def new_agent_leg(self, call_id: str, agent_id: str) -> AgentLeg:
        # Unique across restarts too: the call id is Asterisk's, the counter ours.
        leg = AgentLeg(f"acd-{call_id}-{agent_id}-{next(self._numbers)}", call_id, agent_id)
        self.agent_legs[leg.leg_id] = leg
        return leg

    def reattach(
        self,
        call_id: str,
        channel: str,
        uniqueid: str,
        queue: str,
        number: str,
        agent_id: str,
        leg_id: str,
    ) -> None:
        """A call found connected after a restart: its caller (or a callback's customer
        leg), and its agent's leg if that is still up (``leg_id`` "": gone)."""
        caller = self.add_caller(call_id, channel, queue, number)
        caller.connected_to, caller.bridged = agent_id, True
        if uniqueid != call_id:  # a callback's customer leg: its events map back
            self.customer_legs[uniqueid] = call_id
        if leg_id:
            self.agent_legs[leg_id] = AgentLeg(leg_id, call_id, agent_id)

    def agent_leg_for(self, call_id: str, agent_id: str) -> AgentLeg | None:
        for leg in self.agent_legs.values():
            if leg.call_id == call_id and leg.agent_id == agent_id:
                return leg
        return None

    def drop_agent_leg(self, leg_id: str) -> AgentLeg | None:
        return self.agent_legs.pop(leg_id, None)

    def drop_caller(self, call_id: str) -> CallerLeg | None:
        leg = self.callers.pop(call_id, None)
        if leg is not None:
            self.customer_legs.pop(leg.channel, None)
        return leg
