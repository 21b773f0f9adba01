"""The server's heartbeat in Asterisk, so no caller waits for a server that is gone.

Every second the server sets the global variable ACD_ALIVE_UNTIL to a Unix time a
little ahead (its lease). Callers on hold look at it every few seconds ([acd-hold]); once
it is past, they go to the fallback of the number they dialled ([acd-fallback]). The
lease outlasts a quick restart: a restarted server finds its waiting callers again.

The time is the machine's real clock, as Asterisk's ${EPOCH} is (never the rehearsal
clock of `acd run --clock-start`): run both on machines whose clocks agree (NTP).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from acd.asterisk.ami import AmiClient, AmiError
from acd.asterisk.dialplan import LEASE_S, Var

log = logging.getLogger(__name__)

BEAT_EVERY_S = 1.0  # cheap (one AMI action); a caller who hangs up sees a late beat soon


async def beat(
    ami: AmiClient,
    wall_clock: Callable[[], float],
    every_s: float = BEAT_EVERY_S,
    lease_s: float = LEASE_S,
    mark: Callable[[], None] | None = None,
) -> None:
    """Renews the lease for ever (a task of the server); ``mark`` is run with each beat
    too, in a thread (the server's own alive mark, beside its journal)."""
    while True:
        if ami.connected:
            await renew(ami, wall_clock, lease_s)
        if mark is not None:
            try:
                await asyncio.to_thread(mark)
            except OSError as exc:
                log.warning("could not write the alive mark: %s", exc)
        await asyncio.sleep(every_s)


async def renew(ami: AmiClient, wall_clock: Callable[[], float], lease_s: float = LEASE_S) -> None:
    until = int(wall_clock() + lease_s)
    try:
        await ami.action("Setvar", {"Variable": Var.ALIVE_UNTIL, "Value": str(until)})
    except AmiError as exc:  # the link dropped meanwhile: renewed once it is back
        log.info("could not renew the heartbeat in Asterisk: %s", exc)
