"""Live sets of agents by condition, kept up to date at every agent or phone change.

They answer in a few integer operations the questions asked on every call: who can be
offered a call now (``offerable``), who is staffed (estimated wait), and which members
count as "not there" for a queue's join and leave conditions.

Each agent's conditions are also kept as small flags, so an update only touches the
sets whose membership changed (usually two or three of them).
"""

from __future__ import annotations

from acd.core.engine.bits import bit
from acd.core.engine.config import MemberCondition
from acd.core.engine.events import PhoneState
from acd.core.engine.state import Agent, AgentState

OFFERABLE, STAFFED, LOGGED_IN = 0, 1, 2
_CONDITION_FLAG = {condition: 3 + n for n, condition in enumerate(MemberCondition)}
_FLAGS = 3 + len(_CONDITION_FLAG)

_PHONE_FLAGS = {phone: 0 for phone in PhoneState}
for _phone in (PhoneState.INUSE, PhoneState.BUSY, PhoneState.ONHOLD):
    _PHONE_FLAGS[_phone] = 1 << _CONDITION_FLAG[MemberCondition.INUSE]
_PHONE_FLAGS[PhoneState.RINGING] = 1 << _CONDITION_FLAG[MemberCondition.RINGING]
for _phone, _condition in (
    (PhoneState.UNAVAILABLE, MemberCondition.UNAVAILABLE),
    (PhoneState.INVALID, MemberCondition.INVALID),
    (PhoneState.UNKNOWN, MemberCondition.UNKNOWN),
):
    _PHONE_FLAGS[_phone] = 1 << _CONDITION_FLAG[_condition]

_STATE_FLAGS = {
    AgentState.LOGGED_OUT: 0,
    AgentState.READY: 1 << STAFFED | 1 << LOGGED_IN,
    AgentState.RESERVED: 1 << STAFFED
    | 1 << LOGGED_IN
    | 1 << _CONDITION_FLAG[MemberCondition.RINGING],
    AgentState.ON_CALL: 1 << STAFFED | 1 << LOGGED_IN | 1 << _CONDITION_FLAG[MemberCondition.INUSE],
    AgentState.WRAP_UP: 1 << STAFFED
    | 1 << LOGGED_IN
    | 1 << _CONDITION_FLAG[MemberCondition.WRAPUP],
    AgentState.PAUSED: 1 << LOGGED_IN | 1 << _CONDITION_FLAG[MemberCondition.PAUSED],
}


def flags_of(agent: Agent) -> int:
    flags = _STATE_FLAGS[agent.state] | _PHONE_FLAGS[agent.phone]
    return flags | (1 << OFFERABLE if agent.offerable else 0)


class AgentSets:
    def __init__(self) -> None:
        self._sets = [0] * _FLAGS

    @property
    def offerable(self) -> int:
        """Ready with an idle phone: may be rung now."""
        return self._sets[OFFERABLE]

    @property
    def staffed(self) -> int:
        """Logged in and not paused."""
        return self._sets[STAFFED]

    @property
    def logged_in(self) -> int:
        """Logged in, paused or not."""
        return self._sets[LOGGED_IN]

    def holding(self, condition: MemberCondition) -> int:
        return self._sets[_CONDITION_FLAG[condition]]

    def update(self, agent: Agent) -> None:
        flags = flags_of(agent)
        changed = flags ^ agent.conditions if agent.conditions >= 0 else (1 << _FLAGS) - 1
        agent.conditions = flags
        me = bit(agent.index)
        sets = self._sets
        flag = 0
        while changed:
            if changed & 1:
                sets[flag] = sets[flag] | me if flags >> flag & 1 else sets[flag] & ~me
            changed >>= 1
            flag += 1

    def present(self, eligible: int, members: int, absent_if: frozenset[MemberCondition]) -> int:
        """Members who count as there: logged in, and in none of the ``absent_if``
        conditions; with "penalty" listed, also only those with the required skills."""
        there = members & self._sets[LOGGED_IN]
        if MemberCondition.PENALTY in absent_if:
            there &= eligible
        for condition in absent_if:
            if condition is not MemberCondition.PENALTY:
                there &= ~self._sets[_CONDITION_FLAG[condition]]
        return there
