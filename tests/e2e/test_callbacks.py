"""Callbacks end to end: a waiting caller books a callback with the phone's keys and hangs
up; a later caller does not overtake it; a second request from the same number merges;
when the agent is free the agent is rung first, then the customer (a SIPp phone behind
the carrier trunk) is dialled and the two are bridged."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from acd.adapters.callcontrol.callback_prompts import text
from acd.adapters.prompts import prompt_name
from acd.asterisk.ami import AmiClient
from acd.asterisk.ami import Event as AmiEvent
from acd.core.engine.facts import (
    CallAbandonedInQueue,
    CallAnswered,
    CallbackBooked,
    CallEntered,
    CallLeftQueue,
)
from testbed.phones import CallerPhone, CallerScript
from testbed.phones.remote import RemotePhone
from testbed.sandbox import Sandbox
from tests.e2e.acd_harness import (
    agent_phones,
    agent_state,
    book_callback,
    facts,
    login,
    queue,
    queue_status,
    running_server,
    until,
    write_config,
)

pytestmark = pytest.mark.e2e

CUSTOMER = "0611000002"
CUSTOMER_E164 = "+33611000002"
CENTRE_ID = "+33170000000"


def _callbacks(config: dict[str, Any]) -> None:
    config["calendars"] = {
        "always": {
            "timezone": "Europe/Paris",
            "holidays": "none",
            "hours": {"mon-sun": ["00:00-24:00"]},
        }
    }
    config["callbacks"] = {"trunk": "carrier", "caller_id": CENTRE_ID, "calling_hours": "always"}
    queue(config, "sales").update(
        members=["1001"],
        join_empty=[],
        overflow=[{"when": {"waited_over": 1}, "to": "callback"}],
    )


async def test_a_booked_callback_keeps_its_place_and_is_dialled_after_the_agent(
    sandbox: Sandbox, ami: AmiClient, tmp_path: Path, phones_dir: Path
) -> None:
    config = write_config(tmp_path, _callbacks)
    customer = RemotePhone(phones_dir, "127.0.0.8", 5070, name="customer", talk_ms=30_000)
    bridged: list[AmiEvent] = []
    ami.subscribe(bridged.append, "BridgeEnter")
    await customer.start()
    try:
        async with (
            running_server(config, tmp_path) as server,
            agent_phones(sandbox, phones_dir, {"1001": {"ring_ms": 300, "talk_ms": 18_000}}),
        ):
            await login(server, "1001")
            blocker = CallerPhone(phones_dir, "0611000001", ip="127.0.0.2")
            await blocker.dial("100", CallerScript(), hold_ms=60_000)  # the agent is busy
            await until(server, lambda s: agent_state(s, "1001") == "on_call")
            asker = CallerPhone(phones_dir, CUSTOMER, ip="127.0.0.3")
            await asker.dial("100", book_callback(), hold_ms=30_000)
            await asyncio.sleep(1)
            later = CallerPhone(phones_dir, "0611000003", ip="127.0.0.4")
            await later.dial("100", CallerScript(), hold_ms=120_000)  # hears the offer, waits
            await asyncio.sleep(2)
            again = CallerPhone(phones_dir, CUSTOMER, ip="127.0.0.5", caller_name="Same")
            await again.dial("100", book_callback(), hold_ms=30_000)
            await asyncio.gather(asker.finished(40), again.finished(40))  # told, hung up
            await asyncio.gather(blocker.finished(90), later.finished(150))
            await until(server, lambda s: queue_status(s, "sales")["waiting"] == 0, timeout_s=30)
    finally:
        await customer.stop()
    journal = facts(tmp_path)

    entered = {f.call_id: f for f in journal if isinstance(f, CallEntered)}
    by_number = [(c, f.caller) for c, f in entered.items()]
    asked = next(c for c, n in by_number if n == CUSTOMER)
    merged = next(c for c, n in by_number if n == CUSTOMER and c != asked)
    later_id = next(c for c, n in by_number if n == "0611000003")
    booked = {f.call_id: f for f in journal if isinstance(f, CallbackBooked)}
    assert (booked[asked].number, booked[asked].merged_into) == (CUSTOMER_E164, "")
    assert booked[merged].merged_into == asked
    assert [(f.call_id, f.reason) for f in journal if isinstance(f, CallLeftQueue)] == [
        (merged, "callback-merged")
    ]
    # The callback is served first, though its caller hung up long before the later one.
    answered = [f for f in journal if isinstance(f, CallAnswered)]
    order = [f.call_id for f in answered]
    assert order.index(asked) < order.index(later_id)
    callback = next(f for f in answered if f.call_id == asked)
    # Counted from the first entry (the agent's call before took 18 s), not from the dial-back.
    assert callback.wait_s == pytest.approx(callback.at - entered[asked].at, abs=0.01)
    assert callback.wait_s > 15
    # The customer was dialled once, on the number given, from the centre's number...
    [invite] = customer.invites()
    assert (invite.dialled, invite.caller) == (CUSTOMER_E164, CENTRE_ID)
    # ... after the agent answered, and the two legs met in one bridge.
    legs = {e.get("Uniqueid") or "": e.get("BridgeUniqueid") for e in bridged}
    customer_leg = next(u for u in legs if u.startswith(f"acd-cb-{asked}-"))
    agent_leg = next(u for u in legs if u.startswith(f"acd-{asked}-1001-"))
    assert legs[customer_leg] == legs[agent_leg]


async def test_kill_9_with_three_booked_callbacks_each_happens_once(
    sandbox: Sandbox, tmp_path: Path, phones_dir: Path
) -> None:
    config = write_config(tmp_path, _callbacks)
    numbers = [f"06110000{n}" for n in (21, 22, 23)]
    customer = RemotePhone(phones_dir, "127.0.0.8", 5070, name="customers", talk_ms=30_000)
    await customer.start()
    try:
        async with running_server(config, tmp_path) as server:
            await login(server, "1001")
            await server.request("POST", "/api/agents/1001/pause", {"reason": "lunch"})
            askers = [
                CallerPhone(phones_dir, n, ip=f"127.0.0.{2 + i}") for i, n in enumerate(numbers)
            ]
            for asker in askers:
                await asker.dial("100", book_callback(), hold_ms=30_000)
                await asyncio.sleep(0.5)
            await asyncio.gather(*(a.finished(40) for a in askers))  # all booked, hung up
            await until(server, lambda s: queue_status(s, "sales")["waiting"] == 3)
            await server.kill_9()
        async with (
            running_server(config, tmp_path) as server,
            agent_phones(sandbox, phones_dir, {"1001": {"ring_ms": 300, "talk_ms": 7000}}),
        ):
            # The three booked callbacks are back from the journal.
            await until(server, lambda s: queue_status(s, "sales")["waiting"] == 3)
            await server.request("POST", "/api/agents/1001/ready")
            await until(server, lambda s: queue_status(s, "sales")["waiting"] == 0, timeout_s=90)
            await until(server, lambda s: agent_state(s, "1001") == "ready", timeout_s=30)
    finally:
        await customer.stop()
    journal = facts(tmp_path)

    booked = [f.call_id for f in journal if isinstance(f, CallbackBooked)]
    answered = [f.call_id for f in journal if isinstance(f, CallAnswered)]
    assert len(booked) == len(set(booked)) == 3  # journaled once, not again at restart
    assert answered == booked  # each served once, in the order they were booked
    dialled = [i.dialled for i in customer.invites()]
    assert dialled == ["+33" + n[1:] for n in numbers]  # one dial each, in order


def _customer_first(config: dict[str, Any]) -> None:
    _callbacks(config)
    queue(config, "sales")["callback_mode"] = "customer-first"


async def test_customer_first_dials_the_customer_before_ringing_the_agent(
    sandbox: Sandbox, ami: AmiClient, tmp_path: Path, phones_dir: Path
) -> None:
    config = write_config(tmp_path, _customer_first)
    customer = RemotePhone(phones_dir, "127.0.0.8", 5070, name="customer1", talk_ms=30_000)
    created: list[str] = []
    ami.subscribe(lambda e: created.append(e.get("Uniqueid") or ""), "Newchannel")
    await customer.start()
    try:
        async with (
            running_server(config, tmp_path) as server,
            agent_phones(sandbox, phones_dir, {"1001": {"ring_ms": 300, "talk_ms": 5000}}),
        ):
            await login(server, "1001")
            await server.request("POST", "/api/agents/1001/pause", {"reason": "lunch"})
            asker = CallerPhone(phones_dir, "0611000031", ip="127.0.0.3")
            await asker.dial("100", book_callback(), hold_ms=30_000)
            await asker.finished(40)
            await server.request("POST", "/api/agents/1001/ready")
            await until(server, lambda s: queue_status(s, "sales")["answered"] == 1, timeout_s=30)
            await until(server, lambda s: agent_state(s, "1001") == "ready", timeout_s=30)
    finally:
        await customer.stop()
    journal = facts(tmp_path)

    [answered] = [f for f in journal if isinstance(f, CallAnswered)]
    customer_leg = next(i for i, u in enumerate(created) if u.startswith("acd-cb-"))
    agent_leg = next(i for i, u in enumerate(created) if u.startswith(f"acd-{answered.call_id}-"))
    assert customer_leg < agent_leg  # the customer first, then the agent's phone
    assert [i.dialled for i in customer.invites()] == ["+33611000031"]


async def test_a_number_on_the_do_not_call_list_is_refused_and_the_caller_keeps_waiting(
    sandbox: Sandbox, ami: AmiClient, tmp_path: Path, phones_dir: Path
) -> None:
    (tmp_path / "do-not-call.txt").write_text("06 11 00 00 41\n", encoding="utf-8")

    def edit(config: dict[str, Any]) -> None:
        _callbacks(config)
        config["callbacks"]["do_not_call"] = ["do-not-call.txt"]

    config = write_config(tmp_path, edit)
    played: list[str] = []
    ami.subscribe(lambda e: played.append(e.get("Command") or ""), "AGIExecStart")
    async with running_server(config, tmp_path) as server:
        await login(server, "1001")
        await server.request("POST", "/api/agents/1001/pause", {"reason": "lunch"})
        asker = CallerPhone(phones_dir, "0611000041", ip="127.0.0.3")
        await asker.dial("100", book_callback(), hold_ms=22_000)  # then gives up, still waiting
        await asker.finished(40)
        await until(server, lambda s: queue_status(s, "sales")["waiting"] == 0)
    journal = facts(tmp_path)

    assert not [f for f in journal if isinstance(f, CallbackBooked)]
    [abandoned] = [f for f in journal if isinstance(f, CallAbandonedInQueue)]
    assert abandoned.wait_s > 20  # back to waiting after the refusal, until hanging up
    refusal = prompt_name(text("do_not_call", "en"), "en")
    assert any(refusal in command for command in played)  # the reason was spoken
