"""The sandbox Asterisk as one object: provision, render config, start, stop, status.

Used by `acd sandbox up|down|status|cli`, by `make run` and by the end-to-end tests.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import time
from dataclasses import dataclass
from pathlib import Path

from acd.asterisk.ami import AmiClient
from acd.asterisk.dialplan import OBSERVER_USER
from acd.asterisk.render import render_all
from acd.asterisk.secrets import AsteriskSecrets, load_or_create
from acd.core.settings import Settings
from testbed.sandbox import process
from testbed.sandbox.errors import BootError, StuckChannelsError
from testbed.sandbox.layout import ETC_IN_CHROOT, SandboxLayout
from testbed.sandbox.mirror import find_debian_mirror
from testbed.sandbox.provision import provision, require_root

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SandboxStatus:
    provisioned: bool
    pid: int | None
    version: str


class Sandbox:
    def __init__(self, project: Path, settings: Settings) -> None:
        self.layout = SandboxLayout(project)
        self.settings = settings
        self._templates = project / "config" / "asterisk"

    def secrets(self) -> AsteriskSecrets:
        return load_or_create(self.settings)

    async def up(self, boot_timeout_s: float = 60.0) -> bool:
        """Builds if needed, renders the config, starts Asterisk and waits for FullyBooted.

        Idempotent: a running sandbox only gets its config re-rendered and reloaded.
        Returns True if it started Asterisk, False if it was already running.
        """
        require_root()
        if not self.layout.marker.exists():
            provision(self.layout, find_debian_mirror())
        secrets = self.secrets()
        render_all(
            self._templates, self.layout.etc, self.settings, secrets, ETC_IN_CHROOT, bench=True
        )
        if process.running_pid(self.layout) is not None:
            process.cli(self.layout, "core reload")
            await self.wait_booted(boot_timeout_s)
            return False
        self._require_free_ports()
        process.spawn(self.layout)
        await self.wait_booted(boot_timeout_s)
        return True

    def _require_free_ports(self) -> None:
        """Another Asterisk on our ports would answer in our place: refuse, and say why."""
        ami, sip = self.settings.ami, self.settings.sip
        probes = (
            ("AMI", ami.host, ami.port, socket.SOCK_STREAM),
            ("SIP", sip.bind, sip.port, socket.SOCK_DGRAM),
        )
        for name, host, port, kind in probes:
            if not _port_free(host, port, kind):
                raise BootError(
                    f"{name} port {host}:{port} is taken by another program (another "
                    "Asterisk, or a sandbox started from another folder?). Stop it first."
                )

    async def down(self, hard: bool = False) -> bool:
        """Stops Asterisk; ``hard`` kills it at once, as a crash would."""
        return await asyncio.to_thread(process.stop, self.layout, 10.0, hard)

    async def restart(self, boot_timeout_s: float = 60.0, hard: bool = False) -> None:
        await self.down(hard)
        await self.up(boot_timeout_s)

    def status(self) -> SandboxStatus:
        marker = self.layout.marker
        version = marker.read_text().strip() if marker.exists() else ""
        return SandboxStatus(marker.exists(), process.running_pid(self.layout), version)

    def cli(self, command: str) -> str:
        return process.cli(self.layout, command)

    def hang_up_all(self, timeout_s: float = 10.0) -> int:
        """Ends every call Asterisk still has and waits until it has none; returns how
        many channels there were. Tests call it between them: a test that fails half-way
        leaves calls that the next test's server would otherwise adopt at its start.
        The request is repeated every second: a channel an Originate was still making
        appears after the first one."""
        left = _channel_count(self.cli("core show channels count"))
        deadline = time.monotonic() + timeout_s
        next_request = 0.0
        while _channel_count(self.cli("core show channels count")):
            now = time.monotonic()
            if now > deadline:
                stuck = self.cli("core show channels concise").strip()
                raise StuckChannelsError(
                    f"calls still up {timeout_s:.0f} s after 'hang up all':\n{stuck}"
                )
            if now >= next_request:
                self.cli("channel request hangup all")
                next_request = now + 1.0
            time.sleep(0.05)  # the CLI has no "wait until none"; a hangup takes milliseconds
        return left

    async def wait_booted(self, timeout_s: float) -> None:
        """Logs in over AMI and waits for FullyBooted (sent at login once the boot is done)."""
        client = self.ami_client(ping_interval=30.0)
        booted = asyncio.Event()
        client.subscribe(lambda event: booted.set(), "FullyBooted")
        await client.start()
        try:
            await asyncio.wait_for(booted.wait(), timeout_s)
        except TimeoutError:
            tail = _tail(self.layout.log_file)
            raise BootError(
                f"Asterisk did not report FullyBooted within {timeout_s:.0f} s. "
                f"Last lines of {self.layout.log_file}:\n{tail}"
            ) from None
        finally:
            await client.close()

    def ami_client(
        self, ping_interval: float = 5.0, ping_timeout: float = 3.0, *, as_server: bool = False
    ) -> AmiClient:
        """An AMI client that sees every event (the sandbox's observer user), or with
        ``as_server`` the server's own user: its rights, and only the events it reads."""
        ami = self.settings.ami
        return AmiClient(
            ami.host,
            ami.port,
            self.settings.ami_username if as_server else OBSERVER_USER,
            self.secrets().ami_secret,
            ping_interval=ping_interval,
            ping_timeout=ping_timeout,
        )


def _port_free(host: str, port: int, kind: int) -> bool:
    with socket.socket(socket.AF_INET, kind) as probe:
        # Like Asterisk itself: a port left in TIME_WAIT by a stopped Asterisk is free.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def _channel_count(cli_output: str) -> int:
    """From "core show channels count": "3 active channels" -> 3."""
    for line in cli_output.splitlines():
        words = line.split()
        if words[1:3] == ["active", "channels"] or words[1:3] == ["active", "channel"]:
            return int(words[0])
    return 0


def _tail(path: Path, lines: int = 15) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


__all__ = ["Sandbox", "SandboxStatus"]
