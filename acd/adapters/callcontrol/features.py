"""Agent feature codes, dialled from the agent's own phone and run over FastAGI:

    *41      log in               *42      log out
    *43<d>   pause, reason digit d (from the configured pause reasons)
    *44      back from pause (ready)
    *45<d>   disposition d of the agent's last campaign call (dialer/dispositions.py)

The agent is the PJSIP endpoint that dialled, never a number typed in. Each code gets a
spoken answer; an unknown code or reason digit gets a spoken error and changes nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping

from acd.asterisk.agi import AgiHangup, AgiSession
from acd.core.engine.events import (
    AgentLoggedIn,
    AgentLoggedOut,
    AgentPaused,
    AgentUnpaused,
    EngineEvent,
)

log = logging.getLogger(__name__)

LOGIN, LOGOUT, PAUSE, UNPAUSE, DISPOSE = "*41", "*42", "*43", "*44", "*45"
_INVALID_PROMPT, _DONE_PROMPT = "pm-invalid-option", "auth-thankyou"
# (agent, digit) -> whether the disposition was set (the dialer's; None without campaigns)
Dispose = Callable[[str, str], bool]


class FeatureCodes:
    def __init__(
        self,
        agent_ids: set[str],
        pause_reasons: Mapping[str, str],  # digit -> reason code
        feed: Callable[[EngineEvent], None],
        dispose: Dispose | None = None,
    ) -> None:
        self._agents = agent_ids
        self._reasons = pause_reasons
        self._feed = feed
        self._dispose = dispose

    def parse(self, agent_id: str, code: str) -> tuple[EngineEvent | None, str]:
        """The engine event a code stands for and the prompt to answer with."""
        if code == LOGIN:
            return AgentLoggedIn(agent_id), "agent-loginok"
        if code == LOGOUT:
            return AgentLoggedOut(agent_id), "agent-loggedoff"
        if code == UNPAUSE:
            return AgentUnpaused(agent_id), _DONE_PROMPT
        if code.startswith(PAUSE) and code[len(PAUSE) :] in self._reasons:
            return AgentPaused(agent_id, self._reasons[code[len(PAUSE) :]]), _DONE_PROMPT
        return None, _INVALID_PROMPT

    async def handle(self, session: AgiSession) -> None:
        agent_id = _endpoint(session.request.channel)
        code = session.request.query.get("exten", "")
        if agent_id not in self._agents:
            log.warning("feature code %s from %s, which is not an agent phone", code, agent_id)
            return
        if code.startswith(DISPOSE) and self._dispose is not None:
            done = self._dispose(agent_id, code[len(DISPOSE) :])
            prompt = _DONE_PROMPT if done else _INVALID_PROMPT
        else:
            event, prompt = self.parse(agent_id, code)
            if event is None:
                log.info("agent %s dialled an unknown feature code %s", agent_id, code)
            else:
                self._feed(event)
        try:
            await session.answer()
            await session.stream_file(prompt)
        except AgiHangup:
            pass


def _endpoint(channel: str) -> str:
    """PJSIP/1001-0000002a -> 1001"""
    return channel.partition("/")[2].rpartition("-")[0]
