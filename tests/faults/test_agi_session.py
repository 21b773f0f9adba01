"""AgiSession against a fake Asterisk: command semantics, 520 blocks, hangups, timeouts and
protocol errors, each seen from inside the handler."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from acd.asterisk.agi import (
    AgiCommandFailed,
    AgiCommandUnknown,
    AgiEncodeError,
    AgiError,
    AgiHangup,
    AgiProtocolError,
    AgiServer,
    AgiSession,
    AgiTimeout,
    AgiUsageError,
    DigitsResult,
    RecordingResult,
)
from tests.fakes.agi_peer import STEP_TIMEOUT, FakeAsterisk, header_block

pytestmark = pytest.mark.timeout(20)


async def within(event: asyncio.Event) -> None:
    await asyncio.wait_for(event.wait(), STEP_TIMEOUT)


FULL_SCRIPT: list[tuple[list[str], list[str]]] = [
    (["ANSWER"], ["200 result=0"]),
    (["STREAM", "FILE", "welcome", "123"], ["200 result=0 endpos=24807"]),
    (["STREAM", "FILE", "menu", "123"], ["200 result=49 endpos=8640"]),
    (["GET", "DATA", "enter-account", "3000", "4"], ["200 result=1234"]),
    (["GET", "DATA", "enter-account", "3000", "4"], ["200 result=12 (timeout)"]),
    (["GET", "DATA", "enter-account", "3000", "4"], ["200 result= (timeout)"]),
    (["WAIT", "FOR", "DIGIT", "2000"], ["200 result=35"]),
    (["WAIT", "FOR", "DIGIT", "2000"], ["200 result=0"]),
    (["GET", "VARIABLE", "QUEUE"], ["200 result=1 (sales (vip))"]),
    (["GET", "VARIABLE", "NOPE"], ["200 result=0"]),
    (["SET", "VARIABLE", "ACD_CHOICE", 'sales "vip"'], ["200 result=1"]),
    (["SAY", "NUMBER", "42", "#"], ["200 result=0"]),
    (["SAY", "DIGITS", "0123", "9"], ["200 result=57"]),
    (
        ["RECORD", "FILE", "/tmp/msg", "wav", "#", "5000", "BEEP", "s=3"],
        ["200 result=35 (dtmf) endpos=16000"],
    ),
    (["EXEC", "Playback", "tt-monkeys,noanswer"], ["200 result=0"]),
    (["VERBOSE", "caller chose 1", "3"], ["200 result=1"]),
    (["HANGUP"], ["200 result=1", "HANGUP"]),
]


async def test_full_session_runs_every_helper_in_order() -> None:
    seen: dict[str, Any] = {}
    done = asyncio.Event()

    async def ivr(session: AgiSession) -> None:
        try:
            seen["request"] = session.request
            await session.answer()
            seen["played"] = await session.stream_file("welcome", "123")
            seen["pressed"] = await session.stream_file("menu", "123")
            seen["data"] = [await session.get_data("enter-account", 3000, 4) for _ in range(3)]
            seen["digits"] = [await session.wait_for_digit(2000) for _ in range(2)]
            seen["queue"] = await session.get_variable("QUEUE")
            seen["unset"] = await session.get_variable("NOPE")
            await session.set_variable("ACD_CHOICE", 'sales "vip"')
            seen["say"] = await session.say_number(42, "#")
            seen["say_digits"] = await session.say_digits("0123", "9")
            seen["recording"] = await session.record_file(
                "/tmp/msg", "wav", "#", 5000, silence_s=3, beep=True
            )
            seen["exec"] = (await session.exec_app("Playback", "tt-monkeys", "noanswer")).result
            await session.verbose("caller chose 1", 3)
            await session.hangup()
            with pytest.raises(AgiHangup):
                await session.answer()
            seen["after_hangup"] = "raised"
        finally:
            done.set()

    async with AgiServer({"inbound": ivr}, port=0) as server:
        peer = await FakeAsterisk.start_call(server.port, args=["100", "sales"])
        for expected, reply in FULL_SCRIPT:
            assert await peer.respond(*reply) == expected
        assert await peer.read_to_eof() == b""  # the ANSWER after HANGUP never went out
        await within(done)

    request = seen.pop("request")
    assert (request.script, request.query, request.args) == (
        "inbound",
        {"did": "100"},
        ("100", "sales"),
    )
    assert seen == {
        "played": None,
        "pressed": "1",
        "data": [DigitsResult("1234", False), DigitsResult("12", True), DigitsResult("", True)],
        "digits": ["#", None],
        "queue": "sales (vip)",
        "unset": None,
        "say": None,
        "say_digits": "9",
        "recording": RecordingResult("dtmf", "#", 16000),
        "exec": "0",
        "after_hangup": "raised",
    }


USAGE_BLOCKS = {  # name: (lines as Asterisk sends them, the usage text the handler gets)
    "xml-docs-one-line-end": (
        [
            "520-Invalid command syntax.  Proper usage follows:",
            "Stream the given <replaceable>file</replaceable>, and receive DTMF data.",
            "",
            "Returns the digits received from the channel at the other end."
            "520 End of proper usage.",
        ],
        "Stream the given <replaceable>file</replaceable>, and receive DTMF data.\n\n"
        "Returns the digits received from the channel at the other end.",
    ),
    "own-end-line": (
        [
            "520-Invalid command syntax.  Proper usage follows:",
            " Usage: GET DATA <file> [timeout] [maxdigits]",
            "520 End of proper usage.",
        ],
        " Usage: GET DATA <file> [timeout] [maxdigits]",
    ),
    "unavailable": (["520 Invalid command syntax.  Proper usage not available."], ""),
}


@pytest.mark.parametrize(("block", "usage"), USAGE_BLOCKS.values(), ids=USAGE_BLOCKS.keys())
async def test_520_block_mid_session_keeps_the_next_reply_in_step(
    block: list[str], usage: str
) -> None:
    seen: dict[str, Any] = {}
    done = asyncio.Event()

    async def handler(session: AgiSession) -> None:
        try:
            with pytest.raises(AgiUsageError) as caught:
                await session.command("GET DATA")
            seen["usage"] = caught.value.usage
            seen["after"] = await session.get_variable("X")
        finally:
            done.set()

    async with AgiServer(handler, port=0) as server:
        peer = await FakeAsterisk.start_call(server.port)
        assert await peer.read_command() == ["GET", "DATA"]
        wire = "".join(line + "\n" for line in block).encode()
        for at in range(0, len(wire), 7):  # dribbled, so the block spans many reads
            await peer.send(wire[at : at + 7])
        assert await peer.respond("200 result=1 (after)") == ["GET", "VARIABLE", "X"]
        assert await peer.read_to_eof() == b""
        await within(done)

    assert seen == {"usage": usage, "after": "after"}


async def test_510_raises_and_the_session_goes_on() -> None:
    seen: list[str | None] = []

    async def handler(session: AgiSession) -> None:
        with pytest.raises(AgiCommandUnknown):
            await session.command("FOO BAR")
        seen.append(await session.get_variable("X"))

    async with AgiServer(handler, port=0) as server:
        peer = await FakeAsterisk.start_call(server.port)
        await peer.respond("510 Invalid or unknown command")
        await peer.respond("200 result=1 (ok)")
        assert await peer.read_to_eof() == b""
    assert seen == ["ok"]


HANGUP_WAYS = {
    "notice": ["HANGUP"],
    "notice-then-late-reply": ["HANGUP", "200 result=-1 endpos=0"],
    "511": ["511 Command Not Permitted on a dead channel or intercept routine"],
}


@pytest.mark.parametrize("lines", [*HANGUP_WAYS.values(), None], ids=[*HANGUP_WAYS, "eof"])
async def test_hangup_mid_command_fails_it_and_every_later_command(lines: list[str] | None) -> None:
    seen: list[str] = []
    done = asyncio.Event()

    async def handler(session: AgiSession) -> None:
        try:
            for attempt in ("stream", "set", "get"):
                try:
                    if attempt == "stream":
                        await session.stream_file("long-prompt")
                    elif attempt == "set":
                        await session.set_variable("X", "1")
                    else:
                        await session.get_variable("X")
                except AgiHangup:
                    seen.append(attempt)
        finally:
            done.set()

    async with AgiServer(handler, port=0) as server:
        peer = await FakeAsterisk.start_call(server.port)
        assert await peer.read_command() == ["STREAM", "FILE", "long-prompt", ""]
        if lines is None:
            peer.writer.write_eof()
        else:
            await peer.reply(*lines)
        await within(done)
        assert await peer.read_to_eof() == b""  # nothing after the hangup reached the wire
    assert seen == ["stream", "set", "get"]


async def test_hangup_notice_between_commands_is_noticed_without_a_command() -> None:
    seen: list[object] = []

    async def handler(session: AgiSession) -> None:
        await session.answer()
        ended = await session.wait_closed()  # e.g. a caller on hold, waiting for an agent
        seen.extend([type(ended), session.hung_up])
        with pytest.raises(AgiHangup):
            await session.stream_file("menu")

    async with AgiServer(handler, port=0) as server:
        peer = await FakeAsterisk.start_call(server.port)
        await peer.respond("200 result=0")
        await peer.reply("HANGUP")
        assert await peer.read_to_eof() == b""  # STREAM FILE was never sent
    assert seen == [AgiHangup, True]


async def test_slow_peer_times_out_the_command_and_closes_the_session() -> None:
    seen: dict[str, Any] = {}
    release = asyncio.Event()

    async def handler(session: AgiSession) -> None:
        loop = asyncio.get_running_loop()
        started = loop.time()
        with pytest.raises(AgiTimeout):
            await session.get_variable("SLOW")
        seen["waited"] = loop.time() - started
        with pytest.raises(AgiTimeout):
            await session.set_variable("X", "1")
        seen["later"] = "raised"
        await release.wait()  # still running: the close must not wait for the handler

    async with AgiServer(handler, port=0, command_timeout=0.2) as server:
        peer = await FakeAsterisk.start_call(server.port)
        assert await peer.read_command() == ["GET", "VARIABLE", "SLOW"]
        # Closed at the timeout, so Asterisk leaves AGI() now and a late reply misleads no one.
        assert await peer.read_to_eof() == b""
        assert 0.15 <= seen["waited"] < 2.0
        assert seen["later"] == "raised"
        release.set()


async def test_per_command_timeout_overrides_the_default() -> None:
    seen: list[float] = []

    async def handler(session: AgiSession) -> None:
        loop = asyncio.get_running_loop()
        started = loop.time()
        with pytest.raises(AgiTimeout):
            await session.stream_file("prompt", timeout=0.1)
        seen.append(loop.time() - started)

    async with AgiServer(handler, port=0, command_timeout=30) as server:
        peer = await FakeAsterisk.start_call(server.port)
        await peer.read_command()
        assert await peer.read_to_eof() == b""
    assert 0.05 <= seen[0] < 2.0


@pytest.mark.parametrize(
    "reply",
    ["this is not agi", "200 result=1 (x)\n200 result=1 (unasked)"],
    ids=["garbage", "extra"],
)
async def test_protocol_error_mid_session_fails_the_handler_and_closes(reply: str) -> None:
    seen: list[type[AgiError]] = []
    done = asyncio.Event()

    async def handler(session: AgiSession) -> None:
        try:
            for _ in range(2):
                try:
                    await session.get_variable("X")
                except AgiError as exc:
                    seen.append(type(exc))
        finally:
            done.set()

    async with AgiServer(handler, port=0) as server:
        peer = await FakeAsterisk.start_call(server.port)
        await peer.respond(reply)
        assert await peer.read_to_eof() == b""
        await within(done)
    # The stray reply may land before or after the second command is sent.
    assert seen in ([AgiProtocolError, AgiProtocolError], [AgiProtocolError])


async def test_gosub_provisional_100_waits_for_the_final_reply() -> None:
    seen: list[str | None] = []

    async def handler(session: AgiSession) -> None:
        reply = await session.run("GOSUB", "sub-announce", "s", "1")
        seen.append(reply.result)

    async with AgiServer(handler, port=0) as server:
        peer = await FakeAsterisk.start_call(server.port)
        assert await peer.read_command() == ["GOSUB", "sub-announce", "s", "1"]
        await peer.reply("100 result=0 Trying...")
        await peer.reply("200 result=0 Gosub complete")
        assert await peer.read_to_eof() == b""
    assert seen == ["0"]


async def test_failures_are_typed_per_helper() -> None:
    seen: list[str] = []

    async def handler(session: AgiSession) -> None:
        with pytest.raises(AgiCommandFailed) as failed:
            await session.stream_file("missing")  # -1 and no HANGUP notice: a missing file
        seen.append(failed.value.reply.lines[0])
        with pytest.raises(AgiCommandFailed):
            await session.exec_app("NoSuchApp")
        with pytest.raises(AgiCommandFailed):
            await session.record_file("/nonexistent/x")
        with pytest.raises(AgiHangup):
            await session.record_file("/tmp/x")
        seen.append("done")

    async with AgiServer(handler, port=0) as server:
        peer = await FakeAsterisk.start_call(server.port)
        await peer.respond("200 result=-1 endpos=0")
        await peer.respond("200 result=-2")
        await peer.respond("200 result=-1 (writefile)")
        await peer.respond("200 result=-1 (hangup) endpos=800")
        assert await peer.read_to_eof() == b""
    assert seen == ["200 result=-1 endpos=0", "done"]


HELPERS_FAILING_ON_HANGUP = {
    "stream_file": lambda s: s.stream_file("prompt"),
    "get_data": lambda s: s.get_data("prompt", 1000, 2),
    "wait_for_digit": lambda s: s.wait_for_digit(1000),
    "say_number": lambda s: s.say_number(7),
}


@pytest.mark.parametrize("call", HELPERS_FAILING_ON_HANGUP.values(), ids=HELPERS_FAILING_ON_HANGUP)
async def test_minus_one_followed_by_hangup_notice_is_a_hangup(
    call: Callable[[AgiSession], Awaitable[object]],
) -> None:
    # What Asterisk sends when the caller hangs up during a prompt: the reply, then HANGUP.
    seen: list[float] = []

    async def handler(session: AgiSession) -> None:
        loop = asyncio.get_running_loop()
        with pytest.raises(AgiHangup):
            await call(session)
        seen.append(loop.time())

    async with AgiServer(handler, port=0) as server:
        peer = await FakeAsterisk.start_call(server.port)
        await peer.read_command()
        sent = asyncio.get_running_loop().time()
        await peer.reply("200 result=-1 endpos=1200", "HANGUP")
        assert await peer.read_to_eof() == b""
    assert seen[0] - sent < 0.4  # the notice, not the grace period, decided


async def test_encode_error_sends_nothing_and_the_session_goes_on() -> None:
    seen: list[str | None] = []

    async def handler(session: AgiSession) -> None:
        with pytest.raises(AgiEncodeError):
            await session.set_variable("X", "1\nHANGUP")
        seen.append(await session.get_variable("Y"))

    async with AgiServer(handler, port=0) as server:
        peer = await FakeAsterisk.start_call(server.port)
        assert await peer.respond("200 result=1 (y)") == ["GET", "VARIABLE", "Y"]
        assert await peer.read_to_eof() == b""
    assert seen == ["y"]


async def test_concurrent_commands_in_one_session_are_serialised() -> None:
    seen: list[str | None] = []

    async def handler(session: AgiSession) -> None:
        seen.extend(await asyncio.gather(*(session.get_variable(f"V{i}") for i in range(3))))

    async with AgiServer(handler, port=0) as server:
        peer = await FakeAsterisk.start_call(server.port)
        for _ in range(3):
            name = (await peer.read_command())[-1]
            await peer.reply(f"200 result=1 ({name.lower()})")
        assert await peer.read_to_eof() == b""
    assert seen == ["v0", "v1", "v2"]


async def test_split_utf8_caller_name_arrives_whole() -> None:
    seen: list[str] = []
    name = "Zoë Çaçà \u2013 李雷"

    async def handler(session: AgiSession) -> None:
        seen.append(session.request.calleridname)

    async with AgiServer(handler, port=0) as server:
        peer = await FakeAsterisk.connect(server.port)
        block = header_block(calleridname=name)
        at = block.index("李".encode()) + 1  # inside the three-byte character
        for piece in (block[: at - 12], block[at - 12 : at], block[at:]):
            await peer.send(piece)
        assert await peer.read_to_eof() == b""
    assert seen == [name]
