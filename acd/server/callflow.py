"""What the server does with calls until the ACD engine takes over (issue 3).

Inbound: the caller hears a greeting and may press a key; the dialplan then holds the
call with music. Agent phones dialling a feature code hear that it is not available yet.
AMI events are turned into one readable line per step of a call, for the operator.
"""

from __future__ import annotations

import logging

from acd.asterisk.agi import AgiHangup, AgiSession
from acd.asterisk.ami import Event

log = logging.getLogger("acd.calls")

_ANY_KEY = "0123456789*#"


async def inbound(session: AgiSession) -> None:
    caller = session.request.get("callerid") or "anonymous"
    number = session.request.query.get("did", "?")
    log.info("call from %s to %s reached the server (%s)", caller, number, session.request.channel)
    try:
        key = await session.stream_file("hello-world", escape_digits=_ANY_KEY)
        key = key or await session.wait_for_digit(3000)
    except AgiHangup:
        log.info("caller %s hung up during the greeting", caller)
        return
    log.info("caller %s pressed %s; now on hold with music", caller, key or "nothing")


async def agent_feature(session: AgiSession) -> None:
    agent = session.request.get("callerid") or "?"
    code = session.request.query.get("exten", "?")
    log.info("agent %s dialled %s: no feature codes yet", agent, code)
    try:
        await session.stream_file("feature-not-avail-line")
    except AgiHangup:
        return


class CallLog:
    """Turns AMI events into one line per step of a call, for the operator's console."""

    def __init__(self, agent_ids: set[str]) -> None:
        self._agents = agent_ids

    def on_event(self, event: Event) -> None:
        name = event.get("Event")
        if name == "ContactStatus":
            self._contact(event)
        elif name == "Newchannel" and (event.get("Channel") or "").startswith("PJSIP/"):
            log.info("new call leg %s from %s", event.get("Channel"), event.get("CallerIDNum"))
        elif name == "Hangup":
            log.info("%s hung up (%s)", event.get("Channel"), event.get("Cause-txt"))
        elif name == "BridgeEnter" and event.get("BridgeNumChannels") == "2":
            log.info("%s connected in a call", event.get("Channel"))

    def _contact(self, event: Event) -> None:
        aor = event.get("AOR") or ""
        if aor in self._agents:
            log.info("agent phone %s: %s", aor, (event.get("ContactStatus") or "").lower())
