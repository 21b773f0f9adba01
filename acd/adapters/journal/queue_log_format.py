"""Facts as Asterisk ``queue_log`` lines, the way app_queue writes them. Pure.

Line: ``epoch|callid|queuename|agent|event|data`` where ``data`` is the event's fields
joined by ``|`` (app_queue writes a ``|`` after the event even when data is empty).
``epoch`` is whole seconds, like app_queue's ``time(NULL)``; durations are rounded to
whole seconds, ring time in RINGNOANSWER to milliseconds. ``callid`` is our call id,
which is the caller channel's Asterisk uniqueid, as in app_queue.

The agent column is the member name ``Agent/<id>`` (app_queue's membername, as Wazo and
QueueMetrics expect it): an agent is a person who logs in, whatever phone they use.

| fact                    | lines                                                        |
| ----------------------- | ------------------------------------------------------------ |
| CallEntered             | ENTERQUEUE(url|callerid|origposition), url empty             |
| CallRefused full        | FULL (no data; app_queue only sets QUEUESTATUS, Wazo logs it) |
| CallRefused joinempty   | JOINEMPTY (same)                                             |
| CallRefused noqueue     | none (no such queue: app_queue logs nothing either)          |
| CallAnnounced, Offered  | none (app_queue has no such events; the journal keeps them)  |
| OfferMissed             | RINGNOANSWER(ringtime ms)                                    |
| CallAnswered            | CONNECT(holdtime|bridged uniqueid|ringtime): uniqueid empty  |
| CallAbandonedInQueue    | ABANDON(position|origposition|waittime)                      |
| CallLeftQueue timeout   | EXITWITHTIMEOUT(position|origposition|waittime)              |
| CallLeftQueue exitkey   | EXITWITHKEY(key|position|origposition|waittime)              |
| CallLeftQueue other     | EXITEMPTY(position|origposition|waittime)                    |
| CallOverflowed          | EXITWITHTIMEOUT(position|origposition|waittime), as app_queue's  |
|                         | timeout before the dialplan's next destination; none for a    |
|                         | callback offer (the caller keeps their place)                 |
| CallCompleted           | COMPLETECALLER / COMPLETEAGENT(holdtime|calltime|origpos)    |
| CallTransferredOut      | TRANSFER(extension|context|holdtime|calltime|origposition)   |
| agent logs in           | AGENTLOGIN(PJSIP/<id>) queue NONE, then ADDMEMBER per queue  |
| agent logs out          | REMOVEMEMBER per queue, then AGENTLOGOFF(PJSIP/<id>|logintime)|
| agent pauses            | PAUSEALL(reason) queue NONE, then PAUSE(reason) per queue    |
| agent unpauses          | UNPAUSEALL queue NONE, then UNPAUSE per queue                |

Other agent state changes (ready, reserved, on call, wrap-up) have no queue_log event.
"origposition" of completions, transfers and exits comes from the call's ENTERQUEUE;
for a call that entered before a restart (unless given by ``remember_entry``), the
position at exit stands in for it, or 0 in a completion. Likewise AGENTLOGOFF's
logintime is 0 when the login was before the restart.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from acd.core.engine.config import AcdConfig
from acd.core.engine.facts import (
    AgentStateChanged,
    CallAbandonedInQueue,
    CallAnswered,
    CallCompleted,
    CallEntered,
    CallLeftQueue,
    CallOverflowed,
    CallRefused,
    CallTransferredOut,
    OfferMissed,
)
from acd.core.facts import Fact

NONE = "NONE"
_REFUSED = {"full": "FULL", "joinempty": "JOINEMPTY"}
_EXITS = {"timeout": "EXITWITHTIMEOUT", "exitkey": "EXITWITHKEY"}


@dataclass(frozen=True)
class QueueLogContext:
    """What the lines need beyond the facts: queue membership and exit keys."""

    members: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # agent -> queues
    exit_keys: Mapping[str, str] = field(default_factory=dict)  # queue -> exit key
    agent_prefix: str = "Agent/"  # the agent column: member name
    channel_prefix: str = "PJSIP/"  # AGENTLOGIN data: the agent's phone

    @classmethod
    def from_config(cls, config: AcdConfig) -> QueueLogContext:
        members: dict[str, list[str]] = {}
        for queue in config.queues:
            for agent_id in queue.members:
                members.setdefault(agent_id, []).append(queue.name)
        return cls(
            members={agent: tuple(queues) for agent, queues in members.items()},
            exit_keys={q.name: q.exit_key for q in config.queues if q.exit_key},
        )


class QueueLogLines:
    """Turns facts into lines; remembers entry positions and login times between facts."""

    def __init__(self, context: QueueLogContext | None = None) -> None:
        self.context = context or QueueLogContext()
        self._entry_position: dict[str, int] = {}
        self._logged_in_at: dict[str, float] = {}

    def remember_entry(self, call_id: str, position: int) -> None:
        """A call that entered before a restart (see Journal.waiting_calls)."""
        self._entry_position[call_id] = position

    def lines(self, fact: Fact) -> list[str]:
        if isinstance(fact, AgentStateChanged):
            return self._agent_lines(fact)
        event, agent, data = self._call_event(fact)
        if not event:
            return []
        return [
            _line(
                fact.at,
                getattr(fact, "call_id", NONE),
                getattr(fact, "queue", NONE),
                agent,
                event,
                data,
            )
        ]

    def _call_event(self, fact: Fact) -> tuple[str, str, list[object]]:
        """(event, agent column, data fields); event "" when the fact has no line."""
        match fact:
            case CallEntered():
                self._entry_position[fact.call_id] = fact.position
                return "ENTERQUEUE", NONE, ["", _clean(fact.caller), fact.position]
            case CallRefused():
                return _REFUSED.get(fact.reason, ""), NONE, [""]
            case OfferMissed():
                return "RINGNOANSWER", self._member(fact.agent_id), [_s(fact.ring_s * 1000)]
            case CallAnswered():
                data: list[object] = [_s(fact.wait_s), "", _s(fact.ring_s)]
                return "CONNECT", self._member(fact.agent_id), data
            case CallAbandonedInQueue():
                self._entry_position.pop(fact.call_id, None)
                return "ABANDON", NONE, [fact.position, fact.original_position, _s(fact.wait_s)]
            case CallLeftQueue():
                return self._exit(fact)
            case CallOverflowed() if fact.to != "callback":
                data = [fact.position, self._origin(fact.call_id, fact.position), _s(fact.wait_s)]
                return "EXITWITHTIMEOUT", NONE, data
            case CallCompleted():
                event = "COMPLETECALLER" if fact.by == "caller" else "COMPLETEAGENT"
                data = [_s(fact.wait_s), _s(fact.talk_s), self._origin(fact.call_id, 0)]
                return event, self._member(fact.agent_id), data
            case CallTransferredOut():
                exten, _, context = fact.target.partition("@")
                data = [
                    _clean(exten),
                    _clean(context),
                    _s(fact.wait_s),
                    _s(fact.talk_s),
                    self._origin(fact.call_id, 0),
                ]
                return "TRANSFER", self._member(fact.agent_id), data
        return "", NONE, []

    def _exit(self, fact: CallLeftQueue) -> tuple[str, str, list[object]]:
        event = _EXITS.get(fact.reason, "EXITEMPTY")
        data: list[object] = [
            fact.position,
            self._origin(fact.call_id, fact.position),
            _s(fact.wait_s),
        ]
        if event == "EXITWITHKEY":
            data.insert(0, self.context.exit_keys.get(fact.queue, ""))
        return event, NONE, data

    def _agent_lines(self, fact: AgentStateChanged) -> list[str]:
        member, queues = self._member(fact.agent_id), self.context.members.get(fact.agent_id, ())
        lines: list[str] = []

        def add(queue: str, event: str, *data: object) -> None:
            lines.append(_line(fact.at, NONE, queue, member, event, list(data)))

        if fact.state == "logged_out":
            logged_in_s = fact.at - self._logged_in_at.pop(fact.agent_id, fact.at)
            for queue in queues:
                add(queue, "REMOVEMEMBER", "")
            add(NONE, "AGENTLOGOFF", self._channel(fact.agent_id), _s(logged_in_s))
            return lines
        if fact.previous == "logged_out":
            self._logged_in_at[fact.agent_id] = fact.at
            add(NONE, "AGENTLOGIN", self._channel(fact.agent_id))
            for queue in queues:
                add(queue, "ADDMEMBER", "PAUSED" if fact.state == "paused" else "")
        if fact.state == "paused":
            add(NONE, "PAUSEALL", _clean(fact.reason))
            for queue in queues:
                add(queue, "PAUSE", _clean(fact.reason))
        elif fact.previous == "paused":
            add(NONE, "UNPAUSEALL", "")
            for queue in queues:
                add(queue, "UNPAUSE", "")
        return lines

    def _member(self, agent_id: str) -> str:
        return f"{self.context.agent_prefix}{agent_id}"

    def _channel(self, agent_id: str) -> str:
        return f"{self.context.channel_prefix}{agent_id}"

    def _origin(self, call_id: str, fallback: int) -> int:
        return self._entry_position.pop(call_id, fallback)


def _line(at: float, call_id: str, queue: str, agent: str, event: str, data: list[object]) -> str:
    return "|".join([str(int(at)), call_id, queue, agent, event, *map(str, data)])


def _s(seconds: float) -> int:
    """Whole seconds, half up (2.5 -> 3), never negative."""
    return max(0, math.floor(seconds + 0.5))


def _clean(text: str) -> str:
    """Free text must not add fields or lines (app_queue replaces '|' in names too)."""
    return text.replace("|", "_").replace("\n", " ").replace("\r", " ")
