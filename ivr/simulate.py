"""Walks a menu in the terminal (`acd ivr simulate`): what the caller hears, what they
do, where the call ends, through the same session the live calls use.

The caller's script is a list of inputs, used in order whenever the menu waits: a group
of keys ("21", "#"), or words said on a voice menu. When the script runs out the caller
stays silent (a timeout). A word counts as recognised when it is one of the menu's
keywords; anything else is "not understood", as a live call would treat an unsure
recognition. Lookups go through ``fetch``, given by the caller of ``simulate``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ivr.actions import (
    Action,
    Ask,
    Audio,
    CallbackDone,
    EndCall,
    EnterQueue,
    Fetch,
    Fetched,
    FetchFailed,
    KeysEntered,
    LeaveVoicemail,
    OfferCallback,
    Play,
    Played,
    Recording,
    Result,
    Sound,
    Speak,
    SpeechHeard,
    TransferOut,
)
from ivr.call import IsOpenAt, IvrCall
from ivr.facts import IvrStep, Outcome
from ivr.model import IvrLibrary, IvrMenu
from ivr.session import IvrSession

Fetcher = Callable[[Fetch], Fetched | FetchFailed]


@dataclass(frozen=True)
class Said:
    """Words the caller says (a voice menu)."""

    words: str


Input = str | Said  # str: keys


@dataclass
class Walk:
    lines: list[str] = field(default_factory=list)
    end: Action | None = None
    steps: list[IvrStep] = field(default_factory=list)


def simulate(
    library: IvrLibrary,
    menu: IvrMenu,
    inputs: list[Input],
    *,
    caller: str = "+33612345678",
    did: str = "",
    fetch: Fetcher,
    is_open: IsOpenAt,
    now: float = 0.0,
) -> Walk:
    call = IvrCall(
        "simulated", caller, did or next(iter(menu.entry.numbers), ""), menu.languages[0]
    )
    session = IvrSession(library, menu, call, is_open)
    walk, script = Walk(), list(inputs)
    action = session.start(now)
    while True:
        new = [f for f in session.take_facts() if isinstance(f, IvrStep)]
        walk.lines += [_decision(step) for step in new if step.outcome == Outcome.CASE]
        walk.steps += new
        node = walk.steps[-1].node if walk.steps else menu.start
        if session.finished:
            walk.lines.append(f"[{node}] {describe_end(action)}")
            walk.end = action
            return walk
        result = _answer(action, script, fetch, walk.lines, f"[{node}]")
        action = session.resume(result, now)


def _decision(step: IvrStep) -> str:
    if step.detail == "else":
        return f"[{step.node}] condition: no case holds, else"
    return f"[{step.node}] condition: case {step.detail} holds"


def _answer(
    action: Action, script: list[Input], fetch: Fetcher, out: list[str], where: str
) -> Result:
    match action:
        case Play():
            out.append(f"{where} hears {hearing(action.audio)}")
            return Played()
        case Ask():
            choices = ", ".join(action.keys) or "none"
            words = f"; or says: {', '.join(action.keywords)}" if action.keywords else ""
            out.append(f"{where} hears {hearing(action.audio)}")
            out.append(f"{where} menu waits {action.timeout_s:g} s for keys ({choices}){words}")
            return _caller_does(action, script, out, where)
        case Fetch():
            result = fetch(action)
            told = "answered" if isinstance(result, Fetched) else f"failed: {result.reason}"
            out.append(f"{where} looks up {action.method} {action.url}: {told}")
            return result
        case OfferCallback():
            out.append(f"{where} offers a callback (queue {action.queue}): the caller declines")
            return CallbackDone(False)
    raise AssertionError(f"unexpected {action}")


def _caller_does(action: Ask, script: list[Input], out: list[str], where: str) -> Result:
    given = script.pop(0) if script else ""  # "": script over, or 2,,1's empty group
    if given == "":
        out.append(f"{where} caller does nothing (timeout)")
        return KeysEntered("")
    if isinstance(given, Said):
        if not action.keywords:
            out.append(f"{where} caller says {given.words!r}, but this menu only takes keys")
            return KeysEntered("")
        word = next((k for k in action.keywords if k.lower() == given.words.lower()), None)
        out.append(
            f"{where} caller says {given.words!r}: "
            + (f"recognised as {word!r}" if word else "not understood")
        )
        return SpeechHeard(word, given.words, 1.0 if word else 0.0)
    out.append(f"{where} caller presses {given}")
    return KeysEntered(given)


def hearing(audio: tuple[Audio, ...]) -> str:
    parts = []
    for part in audio:
        if isinstance(part, Speak):
            parts.append(f'"{part.text}" ({part.language})')
        elif isinstance(part, Recording):
            parts.append(f"recording {part.language}/{part.name}")
        else:
            assert isinstance(part, Sound)
            parts.append(f"sound {part.name}")
    return " + ".join(parts) or "nothing"


def describe_end(action: Action | None) -> str:
    match action:
        case EnterQueue():
            skills = ", ".join(f"{name} {level}" for name, level in action.skills) or "none"
            survey = f", survey after the call: {action.after_call}" if action.after_call else ""
            return (
                f"ends in queue {action.queue}: priority {action.priority}, language "
                f"{action.language}, skills {skills}{survey}"
            )
        case TransferOut():
            trunk = action.trunk or "(the first that calls out)"
            return f"ends transferred to {action.number or 'the number dialled'} over trunk {trunk}"
        case LeaveVoicemail():
            return f"ends in voicemail box {action.mailbox}"
        case EndCall():
            said = f" after {hearing(action.audio)}" if action.audio else ""
            return f"ends: hung up{said}"
    return f"ends: {action}"
