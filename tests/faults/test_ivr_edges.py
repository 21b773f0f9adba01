"""Faults at the IVR's edges. A voice menu whose recording Asterisk did not write, or
wrote wrong: the answer is "not sure" (the IVR asks for keys), never a dropped call
(the AGI side is a stub: the fault is in the file, which no real Asterisk can be made
to spoil on demand). A CRM answering garbage: the lookup's fallback branch, with the
same reason in `acd ivr simulate` as on a live call."""

from __future__ import annotations

import asyncio
import wave
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path, PurePosixPath
from typing import cast

import aiohttp
import pytest
from aiohttp import web

from acd.adapters.ivr.perform import Performer, Recordings
from acd.asterisk.agi import AgiHangup, AgiSession, RecordingResult
from acd.cli import ivr_cmd
from ivr.actions import Ask, Fetch, Fetched, FetchFailed, Sound, SpeechHeard
from ivr.speech import PocketsphinxRecogniser
from testbed.phones.ports import free_tcp_port


class _Asterisk:
    """Answers the commands a voice menu sends; ``record`` makes the "recording"."""

    def __init__(self, folder: Path, record: Callable[[Path], None]) -> None:
        self.folder, self.record = folder, record
        self.recorded: list[Path] = []

    async def set_variable(self, name: str, value: str) -> None:
        return None

    async def stream_file(self, name: str, escape: str = "") -> str | None:
        return None  # the prompt played, no key pressed

    async def get_variable(self, name: str) -> str | None:
        return "g722"  # a wideband call: the answer is recorded for the recogniser

    async def record_file(self, path: str, fmt: str, *args: object) -> RecordingResult:
        file = self.folder / f"{PurePosixPath(path).name}.{fmt}"
        self.recorded.append(file)
        self.record(file)
        return RecordingResult("timeout", None, 16000)


def _nothing(file: Path) -> None:
    return None


def _text(file: Path) -> None:
    file.write_text("this is not audio")


def _stereo(file: Path) -> None:
    with wave.open(str(file), "wb") as wav:
        wav.setnchannels(2)
        wav.setsampwidth(2)
        wav.setframerate(16000)
        wav.writeframes(bytes(6400))


@pytest.mark.parametrize("record", [_nothing, _text, _stereo])
async def test_an_unreadable_answer_is_not_sure_and_the_file_is_removed(
    tmp_path: Path, record: Callable[[Path], None], caplog: pytest.LogCaptureFixture
) -> None:
    asterisk = _Asterisk(tmp_path, record)
    ask = Ask((Sound("beep"),), 1, 3.0, "", "123", ("sales", "support"), "en")
    async with aiohttp.ClientSession() as http:
        performer = Performer(
            cast(AgiSession, asterisk),
            PocketsphinxRecogniser(),
            Recordings(PurePosixPath(tmp_path), tmp_path),
            http,
        )
        heard = await performer.ask(ask)
    assert heard == SpeechHeard(None, "", 0.0)
    assert len(asterisk.recorded) == 1
    assert not asterisk.recorded[0].exists()
    assert "could not be recognised, asking for keys" in caplog.text
    assert str(asterisk.recorded[0]) in caplog.text  # which file, for the operator


class _HangsUpWhileAnswering(_Asterisk):
    """Asterisk wrote part of the answer when the caller hung up."""

    async def record_file(self, path: str, fmt: str, *args: object) -> RecordingResult:
        await super().record_file(path, fmt, *args)
        raise AgiHangup("the caller hung up while recording")


async def test_a_caller_hanging_up_mid_answer_leaves_no_recording(tmp_path: Path) -> None:
    asterisk = _HangsUpWhileAnswering(tmp_path, _stereo)
    ask = Ask((Sound("beep"),), 1, 3.0, "", "123", ("sales", "support"), "en")
    async with aiohttp.ClientSession() as http:
        performer = Performer(
            cast(AgiSession, asterisk),
            PocketsphinxRecogniser(),
            Recordings(PurePosixPath(tmp_path), tmp_path),
            http,
        )
        with pytest.raises(AgiHangup):
            await performer.ask(ask)
    assert len(asterisk.recorded) == 1
    assert not asterisk.recorded[0].exists()  # a caller's voice is not kept


async def _crm(request: web.Request) -> web.Response:
    if request.path == "/slow":  # past the lookup's timeout
        await asyncio.sleep(2)
    answers = {
        "/text": web.Response(text="<html>maintenance</html>"),
        "/list": web.json_response(["gold"]),
        "/error": web.Response(status=503, text="down"),
        "/missing": web.Response(status=404, text="no such customer"),
        "/slow": web.json_response({"customer": {"tier": "gold"}}),
        "/ok": web.json_response({"customer": {"tier": "gold"}}),
    }
    return answers[request.path]


@asynccontextmanager
async def _crm_server() -> AsyncIterator[str]:
    """A CRM on a local port, answering as ``_crm`` says; yields its base URL."""
    app = web.Application()
    app.router.add_get("/{tail:.*}", _crm)
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_tcp_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await runner.cleanup()


async def _live_fetch(tmp_path: Path, request: Fetch) -> Fetched | FetchFailed:
    """The lookup as a live call's performer does it."""
    async with aiohttp.ClientSession() as http:
        performer = Performer(
            cast(AgiSession, _Asterisk(tmp_path, _nothing)),
            PocketsphinxRecogniser(),
            Recordings(PurePosixPath(tmp_path), tmp_path),
            http,
        )
        return await performer.fetch(request)


@pytest.mark.parametrize(
    ("path", "result"),
    [
        ("/text", FetchFailed("the answer is not JSON")),
        ("/list", FetchFailed("the answer is not a JSON object")),
        ("/error", FetchFailed("status 503")),
        ("/missing", FetchFailed("status 404")),
        ("/ok", Fetched({"customer": {"tier": "gold"}})),
    ],
)
async def test_a_crm_answer_that_is_not_a_json_object_takes_the_fallback(
    tmp_path: Path, path: str, result: Fetched | FetchFailed
) -> None:
    async with _crm_server() as crm:
        fetched = await _live_fetch(tmp_path, Fetch("GET", f"{crm}{path}", None, 2.0))
    assert fetched == result


@pytest.mark.parametrize("path", ["/missing", "/error", "/text", "/list", "/slow"])
async def test_the_simulator_describes_a_failed_lookup_as_a_live_call_does(
    tmp_path: Path, path: str
) -> None:
    """`acd ivr simulate` must show an operator the reason a call would log."""
    async with _crm_server() as crm:
        request = Fetch("GET", f"{crm}{path}", None, 0.5)
        live = await _live_fetch(tmp_path, request)
        # The simulator is synchronous and runs its own event loop: off this one.
        simulated = await asyncio.to_thread(ivr_cmd._fetch, request)
    assert isinstance(live, FetchFailed)
    assert simulated == live


async def test_the_simulator_describes_an_unreachable_crm_as_a_live_call_does(
    tmp_path: Path,
) -> None:
    request = Fetch("GET", f"http://127.0.0.1:{free_tcp_port()}/", None, 0.5)  # nobody there
    live = await _live_fetch(tmp_path, request)
    simulated = await asyncio.to_thread(ivr_cmd._fetch, request)
    assert live == simulated == FetchFailed("unreachable (ClientConnectorError)")
