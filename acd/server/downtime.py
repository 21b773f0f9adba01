"""After a stop, clean or not: the time the server was away, and the calls it left open.

At start, before anything else is journaled, RESTART records the server's last sign of
life (the later of its last fact and its alive mark, a file beside the journal renewed
with each heartbeat): the reports count that time in no agent's state or wrap-up.

Once Asterisk's calls are recovered, every call the journal leaves open that Asterisk no
longer has is closed: a waiting caller as abandoned, a connected call as completed, at
the time their line ended. Asterisk knows that time: a caller's hangup handler
([acd-gone]) writes it in a global variable (ACD_GONE_AT_<call id>) when the server's
heartbeat is late (a live server sees the end itself), and the restarted server reads
it; without it (a line that ended within a few seconds of the
server's last beat), the end is counted at the server's last sign of life. Each
repair is journaled with its reason (REPAIR).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Collection
from pathlib import Path

from acd.adapters.callcontrol.legs import CALLBACK_LEG_PREFIX
from acd.adapters.journal import Journal
from acd.asterisk.ami import AmiClient, AmiError
from acd.asterisk.dialplan import Var
from acd.core.engine.facts import CallAbandonedInQueue, CallCompleted
from acd.core.facts import Fact
from acd.core.lifecycle import CallRepaired, ServerRestarted

log = logging.getLogger(__name__)


def alive_file(journal_path: Path) -> Path:
    return journal_path.with_name(journal_path.name + ".alive")


def mark_alive(journal_path: Path, at: float) -> None:
    """The alive mark: renewed with each heartbeat (written whole, then renamed)."""
    target = alive_file(journal_path)
    tmp = target.with_name(target.name + ".tmp")
    tmp.write_text(f"{at:.3f}\n", encoding="ascii")
    tmp.replace(target)


def restarted(journal_path: Path, now: float) -> ServerRestarted | None:
    """RESTART, with the last sign of life before now; None on a journal still empty."""
    with Journal.open(journal_path) as journal:
        last_fact = journal.last_fact_at()
    if not last_fact:
        return None
    mark = 0.0
    with contextlib.suppress(OSError, ValueError):
        mark = float(alive_file(journal_path).read_text(encoding="ascii"))
    return ServerRestarted(at=now, down_since=min(now, max(last_fact, mark)))


async def close_open_calls(
    ami: AmiClient,
    journal_path: Path,
    still_here: Collection[str],
    down_since: float,
    clock: Callable[[], float],
    from_wall: Callable[[float], float] = lambda at: at,
) -> list[Fact]:
    """The facts that close the journal's open calls not in ``still_here`` (the call ids
    the server follows again: waiting, connected, booked callbacks). ``from_wall`` turns
    Asterisk's times (the real clock) into the server's (`acd run --clock-start`)."""
    with Journal.open(journal_path) as journal:
        waiting, connected = journal.waiting_calls(), journal.connected_calls()
        callbacks = journal.callback_calls()  # their wait's outcome is the callback's
    still_here = set(still_here)
    facts: list[Fact] = []
    for call in waiting:
        if call.call_id in callbacks or _here(call.call_id, still_here):
            continue
        ended, how = await _ended_at(ami, call.call_id, down_since, from_wall)
        wait_s = max(0.0, ended - call.entered_at)
        position = call.position
        facts.append(
            CallAbandonedInQueue(ended, call.call_id, call.queue, position, position, wait_s)
        )
        facts.append(
            CallRepaired(clock(), call.call_id, call.queue, "abandoned", ended, _reason(how))
        )
    for answered in connected:
        if _here(answered.call_id, still_here):
            continue
        ended, how = await _ended_at(ami, answered.call_id, down_since, from_wall)
        talk_s = max(0.0, ended - answered.answered_at)
        call_id, queue = answered.call_id, answered.queue
        facts.append(
            CallCompleted(
                ended, call_id, queue, answered.agent_id, "unknown", answered.wait_s, talk_s
            )
        )
        facts.append(CallRepaired(clock(), call_id, queue, "completed", ended, _reason(how)))
    return facts


async def _ended_at(
    ami: AmiClient, call_id: str, down_since: float, from_wall: Callable[[float], float]
) -> tuple[float, bool]:
    """When the caller's line ended, and whether Asterisk knew it (the global is emptied
    once read: Asterisk keeps no value for a call now closed)."""
    name = f"{Var.GONE_AT}{call_id}"
    try:
        reply = await ami.action("Getvar", {"Variable": name})
        ended = from_wall(float(reply.get("Value") or ""))
    except (AmiError, ValueError):
        return down_since, False
    with contextlib.suppress(AmiError):
        await ami.action("Setvar", {"Variable": name, "Value": ""})
    return ended, True


def _here(call_id: str, still_here: set[str]) -> bool:
    """The call's line, or a callback's customer leg (acd-cb-<call id>-<n>), is there."""
    leg = f"{CALLBACK_LEG_PREFIX}{call_id}-"
    return call_id in still_here or any(name.startswith(leg) for name in still_here)


def _reason(known: bool) -> str:
    if known:
        return "not in Asterisk at restart: the line ended while the server was away"
    return "not in Asterisk at restart, end time unknown: counted to the server's last sign of life"
