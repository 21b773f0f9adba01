"""AgiServer against fake Asterisk peers that misbehave: early closes, garbage, overload,
crashing handlers, slow headers, and a server closed with calls in progress."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time

import pytest

from acd.asterisk.agi import REFUSED_VARIABLE, AgiServer, AgiSession
from tests.fakes.agi_peer import STEP_TIMEOUT, FakeAsterisk, header_block

pytestmark = pytest.mark.timeout(20)


async def within(event: asyncio.Event) -> None:
    await asyncio.wait_for(event.wait(), STEP_TIMEOUT)


async def echo_until_stop(session: AgiSession) -> None:
    """Asks for N until told "stop": a live call that keeps the session busy."""
    while await session.get_variable("N") != "stop":
        pass


async def test_connect_and_close_is_dropped_and_the_loop_stays_idle(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="acd.asterisk.agi")
    calls: list[str] = []
    release = asyncio.Event()

    async def live(session: AgiSession) -> None:
        calls.append(session.request.script)
        await echo_until_stop(session)

    async def parked(session: AgiSession) -> None:
        calls.append(session.request.script)
        await release.wait()  # busy elsewhere while its caller's socket closes

    loop = asyncio.get_running_loop()
    async with AgiServer({"live": live, "parked": parked}, port=0) as server:
        caller = await FakeAsterisk.start_call(server.port, "live")
        await caller.respond("200 result=1 (0)")
        gone = await FakeAsterisk.start_call(server.port, "parked")
        for i in range(30):  # close cleanly, after half a header block, and with a reset
            peer = await FakeAsterisk.connect(server.port)
            if i % 3 == 1:
                await peer.send(b"agi_network: yes\nagi_netw")
            if i % 3 == 2:
                peer.writer.transport.abort()
            await peer.close()
        await gone.close()

        # A measurement window, not a wait for an event: a loop spinning on a closed socket
        # (panoramisk's FastAGI defect) would burn the whole window in CPU time.
        cpu = time.process_time()
        await asyncio.sleep(0.5)
        assert time.process_time() - cpu < 0.15
        assert server.open_sessions == 2

        slowest = 0.0
        for n in range(1, 20):  # the live call still answers promptly
            started = loop.time()
            await caller.respond(f"200 result=1 ({n})")
            slowest = max(slowest, loop.time() - started)
        await caller.respond("200 result=1 (stop)")
        assert await caller.read_to_eof() == b""
        release.set()
    assert slowest < 0.5
    assert calls == ["live", "parked"]
    assert caplog.text.count("dropped connection") == 30


GARBAGE = {
    "binary": b"\xff\xfe\x00garbage\n\n",
    "http": b"GET / HTTP/1.1\r\nHost: example\r\n\r\n",
    "empty-block": b"\n",
    "overlong-line": b"agi_network: yes\nagi_x: " + b"x" * 20000,
    "too-many-headers": b"".join(b"agi_h%d: x\n" % i for i in range(300)),
}


@pytest.mark.parametrize("garbage", GARBAGE.values(), ids=GARBAGE.keys())
async def test_garbage_headers_drop_only_that_connection(garbage: bytes) -> None:
    calls: list[str] = []

    async def handler(session: AgiSession) -> None:
        calls.append(session.request.script)
        await echo_until_stop(session)

    async with AgiServer(handler, port=0) as server:
        live = await FakeAsterisk.start_call(server.port)
        await live.respond("200 result=1 (0)")
        bad = await FakeAsterisk.connect(server.port)
        await bad.send(garbage)
        assert await bad.read_to_eof() == b""  # closed on us, without a word
        await live.respond("200 result=1 (stop)")
        assert await live.read_to_eof() == b""
        after = await FakeAsterisk.start_call(server.port, "later")
        await after.respond("200 result=1 (stop)")
        assert await after.read_to_eof() == b""
    assert calls == ["inbound", "later"]


async def test_silent_peer_is_dropped_after_the_header_timeout() -> None:
    async with AgiServer(echo_until_stop, port=0, header_timeout=0.2) as server:
        peer = await FakeAsterisk.connect(server.port)
        await peer.send(b"agi_network: yes\n")  # and then nothing
        started = asyncio.get_running_loop().time()
        assert await peer.read_to_eof() == b""
        assert 0.15 <= asyncio.get_running_loop().time() - started < 2.0
        assert server.open_sessions == 0


async def test_over_the_bound_a_call_is_refused_cleanly_and_the_others_go_on() -> None:
    seen: list[str | None] = []

    async def handler(session: AgiSession) -> None:
        seen.append(await session.get_variable("WHO"))

    async with AgiServer(handler, port=0, max_sessions=2) as server:
        first = await FakeAsterisk.start_call(server.port)
        second = await FakeAsterisk.start_call(server.port)
        for peer in (first, second):  # both sessions are live, each waiting on a reply
            assert await peer.read_command() == ["GET", "VARIABLE", "WHO"]

        third = await FakeAsterisk.start_call(server.port)
        assert await third.respond("200 result=1") == ["SET", "VARIABLE", REFUSED_VARIABLE, "busy"]
        assert await third.read_to_eof() == b""
        assert server.open_sessions == 2

        for name, peer in (("first", first), ("second", second)):
            await peer.reply(f"200 result=1 ({name})")
            assert await peer.read_to_eof() == b""
        assert seen == ["first", "second"]

        fourth = await FakeAsterisk.start_call(server.port)  # a freed slot serves again
        await fourth.respond("200 result=1 (fourth)")
        assert await fourth.read_to_eof() == b""
    assert seen == ["first", "second", "fourth"]


async def test_unknown_script_is_refused_with_no_route(caplog: pytest.LogCaptureFixture) -> None:
    async with AgiServer({"inbound": echo_until_stop}, port=0) as server:
        peer = await FakeAsterisk.start_call(server.port, "nosuch?x=1")
        command = await peer.respond("200 result=1")
        assert command == ["SET", "VARIABLE", REFUSED_VARIABLE, "no-route"]
        assert await peer.read_to_eof() == b""
    assert "no handler for script 'nosuch'" in caplog.text


async def test_handler_exception_closes_only_its_session(caplog: pytest.LogCaptureFixture) -> None:
    seen: list[str | None] = []

    async def boom(session: AgiSession) -> None:
        await session.answer()
        raise RuntimeError("bug in the IVR")

    async def fine(session: AgiSession) -> None:
        seen.append(await session.get_variable("X"))

    async with AgiServer({"boom": boom, "fine": fine}, port=0) as server:
        good = await FakeAsterisk.start_call(server.port, "fine")
        assert await good.read_command() == ["GET", "VARIABLE", "X"]  # mid-command
        bad = await FakeAsterisk.start_call(server.port, "boom")
        await bad.respond("200 result=0")
        assert await bad.read_to_eof() == b""
        await good.reply("200 result=1 (still here)")
        assert await good.read_to_eof() == b""
        again = await FakeAsterisk.start_call(server.port, "fine")
        await again.respond("200 result=1 (and again)")
        assert await again.read_to_eof() == b""
    assert seen == ["still here", "and again"]
    failures = [r for r in caplog.records if r.exc_info and "bug in the IVR" in str(r.exc_info[1])]
    assert len(failures) == 1


async def test_session_timeout_ends_a_stuck_handler(caplog: pytest.LogCaptureFixture) -> None:
    ended = asyncio.Event()

    async def stuck(session: AgiSession) -> None:
        try:
            await asyncio.Event().wait()
        finally:
            ended.set()

    async def own_timeout(session: AgiSession) -> None:
        raise TimeoutError("the handler's own deadline")

    async with AgiServer(
        {"stuck": stuck, "own": own_timeout}, port=0, session_timeout=0.2
    ) as server:
        peer = await FakeAsterisk.start_call(server.port, "stuck")
        assert await peer.read_to_eof() == b""
        await within(ended)
        other = await FakeAsterisk.start_call(server.port, "own")
        assert await other.read_to_eof() == b""
    assert "'stuck' on PJSIP/trunk-00000001 exceeded 0.2 s" in caplog.text
    assert "'own' on PJSIP/trunk-00000001 exceeded" not in caplog.text
    assert "handler 'own' failed" in caplog.text


async def test_close_cancels_open_sessions_and_waits_for_them() -> None:
    cancelled: list[str] = []

    async def handler(session: AgiSession) -> None:
        try:
            await session.get_variable("X")
        except asyncio.CancelledError:
            cancelled.append(session.request.script)
            raise

    server = AgiServer(handler, port=0)
    await server.start()
    peers = [await FakeAsterisk.start_call(server.port, f"s{i}") for i in range(3)]
    for peer in peers:
        await peer.read_command()
    await asyncio.wait_for(server.close(), STEP_TIMEOUT)
    assert sorted(cancelled) == ["s0", "s1", "s2"]
    assert server.open_sessions == 0
    for peer in peers:
        assert await peer.read_to_eof() == b""
    with pytest.raises(ConnectionRefusedError):
        await FakeAsterisk.connect(server.port)
    await server.close()  # twice is harmless


async def test_callable_router_serves_every_script_with_its_request() -> None:
    seen: list[tuple[str, dict[str, str], tuple[str, ...]]] = []

    async def handler(session: AgiSession) -> None:
        request = session.request
        seen.append((request.script, dict(request.query), request.args))

    async with AgiServer(handler, port=0) as server:
        for script in ("inbound?did=100", "queue/hold?q=sales&prio=2"):
            peer = await FakeAsterisk.connect(server.port)
            await peer.send(header_block(script, args=["a b", ""]))
            assert await peer.read_to_eof() == b""
    assert seen == [
        ("inbound", {"did": "100"}, ("a b", "")),
        ("queue/hold", {"q": "sales", "prio": "2"}, ("a b", "")),
    ]


async def test_a_connection_from_an_address_not_allowed_is_dropped_unread(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A fake FastAGI session naming an agent's channel must not log them out."""
    caplog.set_level(logging.WARNING, logger="acd.asterisk.agi")
    calls: list[str] = []

    async def agent(session: AgiSession) -> None:
        calls.append(session.request.script)

    async with AgiServer({"agent": agent}, port=0, allowed=("192.0.2.0/24",)) as server:
        forger = await FakeAsterisk.start_call(
            server.port, "agent?exten=*42", agi_channel="PJSIP/1001-00000001"
        )
        with contextlib.suppress(ConnectionError):
            assert await forger.read_to_eof() == b""
    assert calls == []
    assert "connection from ('127.0.0.1'" in caplog.text
    assert "not an allowed address" in caplog.text
