"""Performs an IVR session's actions on a call, over FastAGI.

Prompts: text is played from the speech cache (acd/adapters/prompts, made when the menus were
loaded), operator recordings from ``ivr/<language>/<name>``, core sounds by name. Keys
interrupt a prompt when they mean something at that point. Voice menus record the
caller's answer at the call's own bandwidth (16 kHz on G.722 calls, 8 kHz otherwise)
and hand it to the recogniser, which only ever chooses among the menu's keywords.
"""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import aiohttp

from acd.adapters.prompts import prompt_name
from acd.asterisk.agi import AgiSession
from ivr.actions import (
    Ask,
    Audio,
    Fetch,
    Fetched,
    FetchFailed,
    KeysEntered,
    Played,
    Recording,
    Sound,
    Speak,
    SpeechHeard,
)
from ivr.speech import Recogniser, WavError, read_wav

log = logging.getLogger(__name__)

# Asterisk's native formats that carry 16 kHz audio: recorded as wav16 (16 kHz PCM).
_WIDEBAND = ("g722", "slin16", "opus", "siren14", "speex16", "silk16")
# Any key stops a prompt: a wrong key is heard as such at once, not lost under the prompt.
ANY_KEY = "0123456789*#"
SILENCE_S = 2  # the caller's answer ends after this much silence
_ANSWER_EXTRA_MS = 4000  # a spoken answer may go on past the menu's timeout


@dataclass(frozen=True)
class Recordings:
    """Where Asterisk writes the callers' spoken answers, as it sees the folder and as
    this server sees it (the same folder when Asterisk is not in a chroot)."""

    in_asterisk: PurePosixPath
    here: Path


def sound_name(audio: Audio) -> str:
    """What STREAM FILE is given for a piece of audio."""
    if isinstance(audio, Speak):
        return prompt_name(audio.text, audio.language)
    if isinstance(audio, Recording):
        return f"ivr/{audio.language}/{audio.name}"
    assert isinstance(audio, Sound)
    return audio.name


class Performer:
    def __init__(
        self,
        session: AgiSession,
        recogniser: Recogniser,
        recordings: Recordings,
        http: aiohttp.ClientSession,
    ) -> None:
        self._agi, self._recogniser, self._recordings, self._http = (
            session,
            recogniser,
            recordings,
            http,
        )
        self._language = ""

    async def play(self, audio: tuple[Audio, ...]) -> Played:
        for part in audio:
            await self._agi.stream_file(sound_name(part))
        return Played()

    async def ask(self, ask: Ask) -> KeysEntered | SpeechHeard:
        await self.use_language(ask.language)
        first = None
        for part in ask.audio:
            first = await self._agi.stream_file(sound_name(part), ANY_KEY)
            if first is not None:
                break
        if first is None and ask.keywords and ask.language in self._recogniser.languages():
            return await self._listen(ask)
        if first is None:
            first = await self._agi.wait_for_digit(_ms(ask.timeout_s))
        return KeysEntered(await self._more_digits(first or "", ask))

    async def use_language(self, language: str) -> None:
        """Core sounds follow the channel's language: keep it the call's."""
        if language and language != self._language:
            await self._agi.set_variable("CHANNEL(language)", language)
            self._language = language

    async def _more_digits(self, digits: str, ask: Ask) -> str:
        """The rest of a number typed after its first key: up to ``max_digits``, the
        terminator ends it (and is not part of it), a pause of ``timeout_s`` too."""
        if ask.terminator and digits == ask.terminator:
            return ""
        while digits and len(digits) < ask.max_digits:
            key = await self._agi.wait_for_digit(_ms(ask.timeout_s))
            if key is None or key == ask.terminator:
                break
            digits += key
        return digits

    async def _listen(self, ask: Ask) -> KeysEntered | SpeechHeard:
        native = await self._agi.get_variable("CHANNEL(audionativeformat)") or ""
        wideband = any(codec in native for codec in _WIDEBAND)
        name = f"answer-{uuid.uuid4().hex}"
        fmt = "wav16" if wideband else "wav"
        where = str(self._recordings.in_asterisk / name)
        longest_ms = _ms(ask.timeout_s) + _ANSWER_EXTRA_MS
        path = self._recordings.here / f"{name}.{fmt}"
        try:  # deleted whatever happens, a caller hanging up mid-answer too
            recorded = await self._agi.record_file(where, fmt, ANY_KEY, longest_ms, SILENCE_S)
            if recorded.digit is not None:
                return KeysEntered(await self._more_digits(recorded.digit, ask))
            pcm, rate = read_wav(path)
            heard = await asyncio.to_thread(
                self._recogniser.recognise, pcm, rate, ask.keywords, ask.language
            )
        except WavError as exc:  # Asterisk wrote no file, or not one it should have
            log.warning("the caller's answer could not be recognised, asking for keys: %s", exc)
            return SpeechHeard(None, "", 0.0)
        finally:
            path.unlink(missing_ok=True)
        log.info(
            "heard %r (confidence %.2f, %d Hz): %s",
            heard.heard,
            heard.confidence,
            rate,
            heard.word or "not sure",
        )
        return SpeechHeard(heard.word, heard.heard, heard.confidence)

    async def fetch(self, fetch: Fetch) -> Fetched | FetchFailed:
        return await look_up(self._http, fetch)


async def look_up(http: aiohttp.ClientSession, fetch: Fetch) -> Fetched | FetchFailed:
    """A menu's CRM lookup, for live calls and for ``acd ivr simulate`` alike: one place
    says what a failure is called, so the simulator shows what a call would log."""
    timeout = aiohttp.ClientTimeout(total=fetch.timeout_s)
    try:
        async with http.request(
            fetch.method, fetch.url, json=fetch.body, timeout=timeout
        ) as response:
            if response.status >= 400:
                return FetchFailed(f"status {response.status}")
            data = json.loads(await response.text())
    except TimeoutError:
        return FetchFailed(f"no answer within {fetch.timeout_s:g} s")
    except (aiohttp.ClientError, OSError) as exc:
        return FetchFailed(f"unreachable ({type(exc).__name__})")
    except (ValueError, UnicodeDecodeError):
        return FetchFailed("the answer is not JSON")
    if not isinstance(data, dict):
        return FetchFailed("the answer is not a JSON object")
    return Fetched(data)


def _ms(seconds: float) -> int:
    return max(round(seconds * 1000), 1)
