"""Composition root: the only place that builds the server's parts and connects them."""

from __future__ import annotations

import asyncio
import logging

from acd.asterisk.agi import AgiServer
from acd.asterisk.ami import AmiClient, AmiState
from acd.server import callflow
from acd.settings import Settings

log = logging.getLogger(__name__)


class Server:
    def __init__(self, settings: Settings, ami_secret: str) -> None:
        self.settings = settings
        self.ami = AmiClient(
            settings.ami.host, settings.ami.port, settings.ami_username, ami_secret
        )
        self.agi = AgiServer(
            {"inbound": callflow.inbound, "agent": callflow.agent_feature},
            host=settings.agi.host,
            port=settings.agi.port,
        )
        self.calls = callflow.CallLog(agent_ids={a.id for a in settings.agents})

    async def run(self, stop: asyncio.Event) -> None:
        """Serves until ``stop`` is set; Asterisk may come and go meanwhile."""
        self.ami.subscribe(self.calls.on_event)
        self.ami.on_state(self._on_ami_state)
        await self.agi.start()
        await self.ami.start()
        try:
            await stop.wait()
        finally:
            await self.ami.close()
            await self.agi.close()

    def _on_ami_state(self, state: AmiState) -> None:
        log.info("Asterisk connection: %s", state.name.lower())
