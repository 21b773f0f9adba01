"""Preview dialling end to end on the sandbox Asterisk: an agent asks for a lead (CLI),
skips one, accepts the next; their own phone rings first and hears the lead's name
whispered; only then is the customer dialled (an INVITE at the SIPp customer), and the
two meet in one bridge. Meanwhile the engine offers the agent no inbound call (paused,
reason "outbound"); when the call ends they are ready again and set a disposition from
their phone. And a callback an agent booked for themselves: that agent's phone first."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from acd.asterisk.ami import AmiClient
from acd.core.outbound.facts import LeadCallEnded, LeadDisposition
from testbed.phones.customers import Customers
from testbed.sandbox import Sandbox
from tests.e2e.acd_harness import (
    agent_phones,
    agent_status,
    facts,
    login,
    queue,
    running_server,
    until,
    write_config,
)
from tests.e2e.dialer_harness import CLOCK, PREVIEW, acd, add_campaign, polled
from tests.e2e.server_process import ServerProcess
from tests.openapi_contract import check_response

pytestmark = pytest.mark.e2e

SKIPPED, CALLED = "+33612360011", "+33612360021"


def _sales(config: dict[str, Any]) -> None:
    queue(config, "sales").update(members=["1001"])


def _state(status: dict[str, Any], agent: str) -> tuple[str, str]:
    row = agent_status(status, agent)
    return row["state"], row.get("reason") or ""


@pytest.mark.timeout(180)
async def test_the_agent_hears_the_lead_first_then_the_customer_is_called(
    sandbox: Sandbox, ami: AmiClient, tmp_path: Path, phones_dir: Path
) -> None:
    config = write_config(tmp_path, _sales)
    csv = f"phone,name,contract\n{SKIPPED},Ann Skipped,C-1\n{CALLED},Bob Called,C-2\n"
    assert "2 leads added" in add_campaign(config, "winback", PREVIEW, csv).stdout
    channels: list[str] = []  # Uniqueids, in the order Asterisk created them
    played: list[tuple[str, str]] = []  # (context, prompt) of each Playback
    bridges: dict[str, set[str]] = {}
    ami.subscribe(lambda e: channels.append(e.get("Uniqueid") or ""), "Newchannel")
    ami.subscribe(
        lambda e: (
            played.append((e.get("Context") or "", e.get("AppData") or ""))
            if e.get("Application") == "Playback"
            else None
        ),
        "Newexten",
    )
    ami.subscribe(
        lambda e: bridges.setdefault(e.get("BridgeUniqueid") or "", set()).add(
            e.get("Uniqueid") or ""
        ),
        "BridgeEnter",
    )
    customers = Customers(phones_dir, "127.0.0.8", 5070, ring_ms=800, hold_ms=20_000)
    await customers.start()
    try:
        async with (
            running_server(config, tmp_path, CLOCK) as server,
            agent_phones(
                sandbox, phones_dir, {"1001": {"ring_ms": 300, "talk_ms": 9000}}
            ) as phones,
        ):
            await login(server, "1001")
            acd(config, "dialer", "start", "winback")
            offered = _step(config, "preview")
            assert (offered["number"], offered["name"], offered["reference"]) == (
                SKIPPED,
                "Ann Skipped",
                "C-1",
            )
            assert _step(config, "preview")["number"] == SKIPPED  # the same until decided
            await _answers_as_documented(server, SKIPPED)
            assert _step(config, "skip")["number"] == SKIPPED
            assert _step(config, "preview")["number"] == CALLED
            assert customers.invites() == []  # nothing dialled while the agent reads
            _step(config, "accept")
            await polled(lambda: any(len(m) == 2 for m in bridges.values()), 40)
            status = await server.get("/api/status")
            assert _state(status, "1001") == ("paused", "outbound")  # no inbound offer
            await until(server, lambda s: _state(s, "1001")[0] == "ready", timeout_s=30)
            await phones["1001"].dial("*451")  # sale
            await polled(lambda: bool(_of(tmp_path, LeadDisposition)), 10)
    finally:
        await customers.stop()

    (ended,) = _of(tmp_path, LeadCallEnded)
    assert (ended.number, ended.outcome, ended.agent_id) == (CALLED, "answered", "1001")
    agent_leg = f"agent-{ended.call_id}"
    # The agent's phone first, the customer's after; then both in one bridge.
    assert channels.index(agent_leg) < channels.index(ended.call_id)
    assert {agent_leg, ended.call_id} in bridges.values()
    assert [i.dialled for i in customers.invites()] == [CALLED]  # the skipped lead: never
    whispers = [prompt for context, prompt in played if context == "acd-preview-agent"]
    assert len(whispers) == 1
    assert whispers[0].startswith("acd/tts-")
    (disposition,) = _of(tmp_path, LeadDisposition)
    assert (disposition.number, disposition.disposition) == (CALLED, "sale")


async def _answers_as_documented(server: ServerProcess, offered: str) -> None:
    """The dialer's API answers, good and refused, as the OpenAPI document says."""
    for method, path, expected in [
        ("GET", "/api/dialer", 200),
        ("POST", "/api/dialer/winback/agents/1001/offer", 200),  # the same lead again
        ("POST", "/api/dialer/nosuch/agents/1001/offer", 404),
        ("POST", "/api/agents/1001/disposition", 400),  # no disposition given
    ]:
        status, text = await server.call(method, path, {})
        assert status == expected, text
        check_response(method, path, status, json.loads(text))
        if path.endswith("winback/agents/1001/offer"):
            assert json.loads(text)["lead"]["number"] == offered


def _step(config: Path, step: str) -> dict[str, Any]:
    lead: dict[str, Any] = json.loads(
        acd(config, "dialer", step, "winback", "1001", "--json").stdout
    )
    return lead


def _of(tmp: Path, kind: type[Any]) -> list[Any]:
    return [f for f in facts(tmp) if isinstance(f, kind)]


CALLED_BACK = "+33612360031"
RENEWALS = """
mode: progressive
queue: sales
trunk: carrier
caller_id: "+33170000000"
rule_set: FR
purpose: existing_customer
callbacks: agent
ring_s: 15
information_message: This was Acme about your contract. Call us back on 01 70 00 00 00.
leads:
  columns: {number: phone, name: name}
"""


@pytest.mark.timeout(180)
async def test_a_callback_booked_by_an_agent_rings_that_agent_first(
    sandbox: Sandbox, ami: AmiClient, tmp_path: Path, phones_dir: Path
) -> None:
    config = write_config(tmp_path, lambda c: queue(c, "sales").update(members=["1001", "1003"]))
    add_campaign(config, "renewals", RENEWALS, f"phone,name\n{CALLED_BACK},Cleo Later\n")
    channels: list[str] = []
    ami.subscribe(lambda e: channels.append(e.get("Uniqueid") or ""), "Newchannel")
    customers = Customers(phones_dir, "127.0.0.8", 5070, ring_ms=800, hold_ms=20_000)
    await customers.start()
    talk = {"ring_ms": 300, "talk_ms": 7000}
    try:
        async with (
            running_server(config, tmp_path, CLOCK) as server,
            agent_phones(sandbox, phones_dir, {"1001": talk, "1003": talk}),
        ):
            await login(server, "1001", "1003")
            acd(config, "dialer", "start", "renewals")
            await polled(lambda: len(_of(tmp_path, LeadCallEnded)) == 1, 60)
            (first,) = _of(tmp_path, LeadCallEnded)
            owner = first.agent_id
            await until(server, lambda s: _state(s, owner)[0] == "ready", timeout_s=30)
            server_now = (await server.get("/api/status"))["at"]
            when = datetime.fromtimestamp(server_now + 3, UTC).isoformat()
            dispose = ("dialer", "dispose", owner, "callback", "--callback-at", when)
            assert "disposition callback set" in acd(config, *dispose).stdout
            await polled(lambda: len(_of(tmp_path, LeadCallEnded)) == 2, 60)
    finally:
        await customers.stop()

    first, second = _of(tmp_path, LeadCallEnded)
    assert (first.outcome, second.outcome) == ("answered", "answered")
    assert second.agent_id == owner  # the agent who booked it, though the other was free
    assert channels.index(f"agent-{second.call_id}") < channels.index(second.call_id)
    assert [i.dialled for i in customers.invites()] == [CALLED_BACK, CALLED_BACK]
