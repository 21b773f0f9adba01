"""The edge on the sandbox Asterisk: an INVITE from an address that is not a trunk's,
with "From: carrier" (a trunk's name) or an agent's user name and no credentials, is
refused by Asterisk (401/403 seen at the SIPp side) and never reaches the server; the
AMI users (the server's, the sandbox's observer) cannot Originate Application=System,
and the server's receives only the events it reads; the rendered
files that hold secrets are readable by their owner only."""

from __future__ import annotations

import asyncio
import stat
from pathlib import Path

import pytest

from acd.asterisk.ami import AmiClient, AmiError
from acd.asterisk.dialplan import SERVER_EVENTS
from acd.core.engine.facts import CallEntered
from testbed.phones import CallerPhone, CallerScript, sipp
from testbed.phones.ports import free_media_port, free_udp_port
from testbed.sandbox import Sandbox
from testbed.sandbox.layout import ETC_IN_CHROOT
from tests.e2e.acd_harness import facts, running_server, write_config

pytestmark = pytest.mark.e2e
STRANGER = "127.0.0.30"  # not in any trunk's match (127.0.0.2-7) nor a trunk's host
TRUNK_CALLER = "127.0.0.2"  # the carrier's: its calls reach [from-trunk]


async def _intrude(
    phones_dir: Path, sandbox: Sandbox, from_user: str, number: str = "100", ip: str = STRANGER
) -> None:
    """An INVITE that Asterisk must refuse (401 or 403); SippError if it is answered."""
    name = f"intruder-{from_user}-{abs(hash(number))}"
    scenario = sipp.render("intruder.xml.j2", phones_dir, name, number=number, from_user=from_user)
    where = sipp.SippEndpoint(
        f"{sandbox.settings.sip.bind}:{sandbox.settings.sip.port}", ip, free_udp_port(ip)
    )
    extra = ["-m", "1", "-mi", ip, "-mp", str(free_media_port(ip))]
    log = phones_dir / f"{name}.log"
    proc = await sipp.start(scenario, where, extra, log)
    await sipp.finish(proc, 20, f"an INVITE to {number} from {ip} as {from_user}", log)


async def test_a_stranger_calling_as_the_trunk_or_an_agent_is_refused(
    sandbox: Sandbox, tmp_path: Path, phones_dir: Path
) -> None:
    config = write_config(tmp_path, lambda c: None)
    async with running_server(config, tmp_path):
        await _intrude(phones_dir, sandbox, "carrier")  # 401 or 403, never 200
        await _intrude(phones_dir, sandbox, "1001")
    assert not [f for f in facts(tmp_path) if isinstance(f, CallEntered)]


@pytest.mark.parametrize("as_server", [True, False], ids=["server", "observer"])
async def test_the_ami_users_cannot_run_a_shell_command(sandbox: Sandbox, as_server: bool) -> None:
    ami = sandbox.ami_client(as_server=as_server)
    await ami.start()
    try:
        await ami.wait_connected(10)
        with pytest.raises(AmiError):
            await ami.originate(
                "Local/s@acd-test",
                application="System",
                data="touch /tmp/acd-pwned",
                timeout_ms=3000,
            )
    finally:
        await ami.close()


async def test_the_servers_ami_user_gets_only_the_events_it_reads(
    sandbox: Sandbox, ami: AmiClient
) -> None:
    """manager.conf filters the server's stream: a call's dialplan steps, variables and
    the like (which the observer user sees) never reach it."""
    server = sandbox.ami_client(as_server=True)
    to_server: list[str] = []
    to_observer: list[str] = []
    hung_up = asyncio.Event()
    server.subscribe(lambda e: to_server.append(e.name))
    server.subscribe(lambda e: hung_up.set(), "Hangup")
    ami.subscribe(lambda e: to_observer.append(e.name))
    await server.start()
    try:
        await server.wait_connected(10)
        # A Local channel pair that plays a prompt, then hangs up: some 40 events.
        await ami.originate("Local/audio@acd-test", application="Wait", data="0.1")
        await asyncio.wait_for(hung_up.wait(), 15)
    finally:
        await server.close()
    assert "Newchannel" in to_server
    assert set(to_server) <= set(SERVER_EVENTS), set(to_server) - set(SERVER_EVENTS)
    assert {"Newexten", "Newstate"} <= set(to_observer)


def test_files_with_secrets_are_readable_by_their_owner_only(sandbox: Sandbox) -> None:
    etc = sandbox.layout.rootfs / ETC_IN_CHROOT.lstrip("/")
    for name in ("manager.conf", "pjsip.conf", "voicemail.conf"):
        assert stat.S_IMODE((etc / name).stat().st_mode) == 0o600, name
    for path in etc.glob("*.conf"):
        assert stat.S_IMODE(path.stat().st_mode) & 0o007 == 0, path.name


@pytest.mark.parametrize("dialled", ["100&PJSIP/0899123456", "100/0899123456", "100%26x"])
async def test_a_number_dialled_with_more_than_digits_is_refused_unanswered(
    sandbox: Sandbox, tmp_path: Path, phones_dir: Path, dialled: str
) -> None:
    config = write_config(tmp_path, lambda c: None)
    async with running_server(config, tmp_path):
        await _intrude(phones_dir, sandbox, "0612345678", number=dialled, ip=TRUNK_CALLER)
    assert not [f for f in facts(tmp_path) if isinstance(f, CallEntered)]
    log = (tmp_path / "server.log").read_text()
    assert "dropped connection" not in log  # refused by the dialplan: FastAGI never asked
    assert "no menu or queue serves" not in log


async def test_a_plus_in_the_number_dialled_reaches_the_server_as_a_plus(
    sandbox: Sandbox, tmp_path: Path, phones_dir: Path
) -> None:
    config = write_config(tmp_path, lambda c: None)
    async with running_server(config, tmp_path):
        caller = CallerPhone(phones_dir, "0612345678", ip=TRUNK_CALLER)
        await caller.dial("+100", CallerScript(), hold_ms=3000)
        await caller.finished(30)  # "no service", then hung up: +100 is not 100
    assert (
        "call to +100: no menu or queue serves this number" in (tmp_path / "server.log").read_text()
    )
