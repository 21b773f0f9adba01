"""Foundation end to end: SIPp phones, the sandbox Asterisk 22, our AMI client and FastAGI
server. Nothing here is faked: a failure means the real call path is broken."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from acd.asterisk.agi import AgiServer, AgiSession, RequestReceived
from acd.asterisk.ami import AmiClient, AmiDisconnected, AmiState, Event
from acd.core.settings import Settings
from testbed.phones import AgentPhone, AgentPhoneSpec, CallerPhone, CallerScript
from testbed.sandbox import Sandbox

pytestmark = pytest.mark.e2e

KEYS = "31*4#1"  # a repeated key and both symbols: order and repeats must survive


async def test_caller_keys_reach_fastagi_in_order(
    sandbox: Sandbox, settings: Settings, phones_dir: Path
) -> None:
    heard: asyncio.Future[tuple[RequestReceived, list[str]]] = (
        asyncio.get_running_loop().create_future()
    )

    async def collect_keys(session: AgiSession) -> None:
        keys: list[str] = []
        while len(keys) < len(KEYS):
            key = await session.wait_for_digit(5000)
            if key is None:
                break
            keys.append(key)
        heard.set_result((session.request, keys))

    async with AgiServer({"inbound": collect_keys}, host=settings.agi.host, port=settings.agi.port):
        caller = CallerPhone(phones_dir, "0612345678", ip="127.0.0.3", caller_name="Jeanne")
        await caller.dial("100", CallerScript().pause(1000).press(KEYS), hold_ms=500)
        request, keys = await asyncio.wait_for(heard, 30)
        await caller.finished(30)

    assert keys == list(KEYS)
    assert request.channel.startswith("PJSIP/carrier-")  # recognised as the trunk by address
    assert request.get("callerid") == "0612345678"
    assert request.get("calleridname") == "Jeanne"
    assert request.script == "inbound"
    assert dict(request.query) == {"did": "100"}


async def test_originate_rings_agent_phone_which_answers_and_hears_audio(
    sandbox: Sandbox, ami: AmiClient, phones_dir: Path
) -> None:
    password = sandbox.secrets().agent_passwords["1001"]
    phone = AgentPhone(AgentPhoneSpec("1001", password, ring_ms=300, talk_ms=6000), phones_dir)
    await phone.start()
    try:
        result = await ami.originate(
            channel="PJSIP/1001", application="Playback", data="demo-congrats", timeout_ms=10000
        )
        assert result.get("Response") == "Success", result
        assert phone.audio is not None
        stats = await phone.audio.wait_for_packets(100, timeout_s=15)  # 2 s of audio
    finally:
        await phone.stop()
    assert stats.payload_types == {0}  # G.711 µ-law, as the phone's SDP answer asked
    assert stats.audible_bytes > stats.payload_bytes * 0.2  # a voice prompt, not silence


async def test_ami_client_survives_asterisk_restart(sandbox: Sandbox, ami: AmiClient) -> None:
    states: list[AmiState] = []
    resynced = asyncio.Event()

    def on_state(state: AmiState) -> None:
        states.append(state)
        if state is AmiState.RESYNCED:
            resynced.set()

    ami.on_state(on_state)
    originated = asyncio.Event()

    def on_channel(event: Event) -> None:
        if (event.get("Channel") or "").startswith("Local/wait@acd-test"):
            originated.set()

    ami.subscribe(on_channel, "Newchannel")
    # An Originate to an extension that never answers: its OriginateResponse stays pending
    # until Asterisk goes away under it. (Async, as always: a synchronous Originate would
    # block the whole AMI session, Ping replies included.)
    pending = asyncio.create_task(
        ami.originate(
            channel="Local/wait@acd-test", application="Wait", data="60", timeout_ms=60000
        )
    )
    await asyncio.wait_for(originated.wait(), 10)

    await sandbox.restart(hard=True)  # killed, as in a crash, then started again

    with pytest.raises(AmiDisconnected):
        await asyncio.wait_for(pending, 5)
    assert not resynced.is_set() or states.index(AmiState.DISCONNECTED) < states.index(
        AmiState.RESYNCED
    )
    await asyncio.wait_for(resynced.wait(), 30)
    assert AmiState.DISCONNECTED in states
    # The Originate was not sent again after the reconnect: no such channel exists.
    channels = await ami.list_action("CoreShowChannels")
    assert not [e for e in channels.events if "Local/wait@acd-test" in (e.get("Channel") or "")]
