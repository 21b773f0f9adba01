"""One caller's walk through a menu: a pure state machine, one action at a time.

    session = IvrSession(library, menu, call, is_open)
    action = session.start(now)
    while not session.finished:
        action = session.resume(<what the adapter saw>, now)

The session never does I/O: the FastAGI adapter and the simulator perform its actions.
It keeps the library it started with, so a reload never changes a call in progress.
Every node passed and how the call left it is a fact (``take_facts``) for the journal.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote

from ivr import model as m
from ivr.actions import (
    Action,
    Ask,
    Audio,
    CallbackDone,
    CallerHungUp,
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
from ivr.builtin import builtin
from ivr.call import IsOpenAt, IvrCall, fill, holds
from ivr.facts import IvrFact, IvrStep, Outcome, SurveyAnswered

# Nodes passed in a row without the caller doing anything; the checker refuses such
# loops in files, this stops one anyway (a hang-up beats a call spinning for ever).
MAX_STEPS = 100
ALL_KEYS = "0123456789*#"


class SessionError(Exception):
    """The adapter reported a result the session was not waiting for (a bug)."""


@dataclass
class _Waiting:
    node: m.Node
    tries: int = 0
    voice: bool = True  # speech still accepted at this node


class IvrSession:
    def __init__(
        self, library: m.IvrLibrary, menu: m.IvrMenu, call: IvrCall, is_open: IsOpenAt
    ) -> None:
        self.library, self.menu, self.call = library, menu, call
        self._is_open = is_open
        self._waiting: _Waiting | None = None
        self._menus: list[tuple[str, str]] = []  # menu nodes visited, for the back key
        self._facts: list[IvrFact] = []
        self.finished = False

    def start(self, now: float, node: str = "") -> Action:
        """Enters the menu's start node, or ``node`` (a survey after the call)."""
        return self._walk(node or self.menu.start, now)

    def resume(self, result: Result, now: float) -> Action:
        waiting = self._waiting
        if self.finished or waiting is None:
            raise SessionError(f"no action is waiting for {type(result).__name__}")
        if isinstance(result, CallerHungUp):
            return self._end(now, waiting.node, Outcome.HANGUP, EndCall())
        node = waiting.node
        match node, result:
            case m.Play(), Played():
                return self._walk(node.next, now)
            case m.Menu(), KeysEntered() | SpeechHeard():
                return self._menu_answer(node, waiting, result, now)
            case m.Collect(), KeysEntered():
                return self._collected(node, waiting, result.digits, now)
            case m.Survey(), KeysEntered():
                return self._scored(node, waiting, result.digits, now)
            case m.Lookup(), Fetched() | FetchFailed():
                return self._looked_up(node, result, now)
            case m.CallbackRequest(), CallbackDone(booked=True):
                return self._end(now, node, Outcome.DONE, EndCall())
            case m.CallbackRequest(), CallbackDone():
                return self._walk(node.on_fail, now)
        raise SessionError(f"{type(result).__name__} does not answer node {node.name!r}")

    def take_facts(self) -> list[IvrFact]:
        facts, self._facts = self._facts, []
        return facts

    # ---- walking from node to node ----------------------------------------------------

    def _walk(self, name: str, now: float) -> Action:
        for _ in range(MAX_STEPS):
            node = self.menu.nodes[name]
            self._step(now, node, Outcome.ENTERED)
            action_or_next = self._enter(node, now)
            if not isinstance(action_or_next, str):
                return action_or_next
            name = action_or_next
        return self._end(now, self.menu.nodes[name], Outcome.ERROR, EndCall(), "loop")

    def _enter(self, node: m.Node, now: float) -> Action | str:
        """The action that node asks for, or the name of the node to go on to."""
        match node:
            case m.Goto():
                if node.to.menu:
                    self.menu = self.library.menus.get(node.to.menu, self.menu)
                return node.to.node or self.menu.start
            case m.Condition():
                return self._decide(node, now)
            case m.SetValues():
                self._apply(node)
                return node.next
        self._waiting = _Waiting(node)
        match node:
            case m.Play():
                return Play(self._audio(node.prompt))
            case m.Menu():
                if not self._menus or self._menus[-1] != (self.menu.name, node.name):
                    self._menus.append((self.menu.name, node.name))
                return self._ask_menu(node, self._waiting, ())
            case m.Collect() | m.Survey():
                return self._ask_digits(node, ())
            case m.Lookup():
                return self._fetch(node)
            case m.CallbackRequest():
                return OfferCallback(node.queue, self.call.language)
        return self._leave(node, now)

    def _leave(self, node: m.Node, now: float) -> Action:
        """An end node: the call leaves the IVR."""
        match node:
            case m.ToQueue():
                return self._end(now, node, Outcome.DONE, self._queue_entry(node))
            case m.Transfer():
                return self._end(now, node, Outcome.DONE, TransferOut(node.number, node.trunk))
            case m.Voicemail():
                return self._end(now, node, Outcome.DONE, LeaveVoicemail(node.mailbox))
            case m.Hangup():
                return self._end(now, node, Outcome.DONE, EndCall(self._audio(node.prompt)))
        raise SessionError(f"node {node.name!r} of type {type(node).__name__} is not handled")

    def _end(
        self, now: float, node: m.Node, outcome: str, action: Action, detail: str = ""
    ) -> Action:
        self._step(now, node, outcome, detail)
        self.finished, self._waiting = True, None
        return action

    def _step(self, now: float, node: m.Node, outcome: str, detail: str = "") -> None:
        self._facts.append(
            IvrStep(
                at=now,
                call_id=self.call.call_id,
                menu=self.menu.name,
                node=node.name,
                outcome=outcome,
                detail=detail,
                version=self.library.version,
            )
        )

    # ---- menus --------------------------------------------------------------------------

    def _ask_menu(self, node: m.Menu, waiting: _Waiting, before: tuple[Audio, ...]) -> Action:
        options = "".join(o.key for o in node.options)
        keys = options + node.repeat_key + node.back_key + node.main_key
        words = node.keywords if waiting.voice else ()
        return Ask(
            audio=before + self._audio(node.prompt),
            max_digits=1,
            timeout_s=node.retry.timeout_s,
            terminator="",
            keys=keys,
            keywords=words,
            language=self.call.language,
        )

    def _menu_answer(
        self, node: m.Menu, waiting: _Waiting, result: KeysEntered | SpeechHeard, now: float
    ) -> Action:
        if isinstance(result, SpeechHeard):
            return self._spoken(node, waiting, result, now)
        key = result.digits[:1]
        option = next((o for o in node.options if o.key == key), None)
        if option is not None:
            self._step(now, node, Outcome.OPTION, key)
            return self._walk(option.to, now)
        if key and key == node.repeat_key:
            self._step(now, node, Outcome.REPEAT)
            return self._ask_menu(node, waiting, ())
        if key and key == node.back_key and len(self._menus) > 1:
            self._step(now, node, Outcome.BACK)
            self._menus.pop()
            menu_name, back_to = self._menus.pop()
            self.menu = self.library.menus.get(menu_name, self.menu)
            return self._walk(back_to, now)
        if key and key == node.main_key:
            self._step(now, node, Outcome.MAIN)
            return self._walk(self.menu.start, now)
        return self._failed_try(node, waiting, result.digits, now)

    def _spoken(self, node: m.Menu, waiting: _Waiting, heard: SpeechHeard, now: float) -> Action:
        option = next((o for o in node.options if heard.word in o.words), None)
        if heard.word is not None and option is not None:
            self._step(now, node, Outcome.SPOKEN, heard.word)
            return self._walk(option.to, now)
        if not heard.heard:  # silence: as if no key was pressed
            return self._failed_try(node, waiting, "", now)
        # Not sure what was said: a wrong route is worse than asking for keys.
        self._step(now, node, Outcome.NOT_UNDERSTOOD, heard.heard)
        waiting.voice = False
        return self._ask_menu(node, waiting, (builtin("not_understood", self.call.language),))

    def _failed_try(
        self, node: m.Menu | m.Collect | m.Survey, waiting: _Waiting, digits: str, now: float
    ) -> Action:
        self._step(now, node, Outcome.INVALID if digits else Outcome.TIMEOUT, digits)
        waiting.tries += 1
        if waiting.tries >= node.retry.tries:
            self._step(now, node, Outcome.FAILED)
            if isinstance(node, m.Survey):
                return self._end(now, node, Outcome.DONE, EndCall())
            return self._walk(node.on_fail, now)
        said = node.retry.invalid if digits else node.retry.no_input
        lang = self.call.language
        before = self._audio(said) or (builtin("invalid" if digits else "no_input", lang),)
        if isinstance(node, m.Menu):
            return self._ask_menu(node, waiting, before)
        return self._ask_digits(node, before)

    # ---- digits: collect and survey -------------------------------------------------------

    def _ask_digits(self, node: m.Collect | m.Survey, before: tuple[Audio, ...]) -> Action:
        if isinstance(node, m.Survey):
            high = node.scale.bounds[1]
            return Ask(
                audio=before + self._audio(node.prompt),
                max_digits=len(str(high)),
                timeout_s=node.retry.timeout_s,
                terminator="#",
                keys="0123456789#",
                keywords=(),
                language=self.call.language,
            )
        return Ask(
            audio=before + self._audio(node.prompt),
            max_digits=node.max_digits,
            timeout_s=node.retry.timeout_s,
            terminator=node.terminator,
            keys=ALL_KEYS,
            keywords=(),
            language=self.call.language,
        )

    def _collected(self, node: m.Collect, waiting: _Waiting, digits: str, now: float) -> Action:
        valid = node.min_digits <= len(digits) <= node.max_digits and digits.isdigit()
        if valid and node.pattern:
            valid = re.fullmatch(node.pattern, digits) is not None
        if not valid:
            return self._failed_try(node, waiting, digits, now)
        self.call.variables[node.variable] = digits
        self._step(now, node, Outcome.COLLECTED, str(len(digits)))  # not the digits: privacy
        return self._walk(node.next, now)

    def _scored(self, node: m.Survey, waiting: _Waiting, digits: str, now: float) -> Action:
        low, high = node.scale.bounds
        if not digits.isdigit() or not low <= int(digits) <= high:
            return self._failed_try(node, waiting, digits, now)
        self._facts.append(
            SurveyAnswered(
                at=now,
                call_id=self.call.call_id,
                menu=self.menu.name,
                node=node.name,
                scale=node.scale.value,
                score=int(digits),
            )
        )
        return self._end(now, node, Outcome.DONE, EndCall(self._audio(node.thanks)), digits)

    # ---- decisions, lookups, values ------------------------------------------------------

    def _decide(self, node: m.Condition, now: float) -> str:
        for number, case in enumerate(node.cases, start=1):
            if holds(case.when, self.call, now, self._is_open):
                self._step(now, node, Outcome.CASE, str(number))
                return case.to
        self._step(now, node, Outcome.CASE, "else")
        return node.otherwise

    def _fetch(self, node: m.Lookup) -> Action:
        values = {name: quote(value, safe="") for name, value in self.call.placeholders().items()}
        body = None
        if node.method == "POST":
            call = self.call
            body = {
                "caller": call.caller,
                "did": call.did,
                "call_id": call.call_id,
                "variables": dict(call.variables),
            }
        return Fetch(node.method, fill(node.url, values), body, node.timeout_s)

    def _looked_up(self, node: m.Lookup, result: Fetched | FetchFailed, now: float) -> Action:
        if isinstance(result, FetchFailed):
            self._step(now, node, Outcome.ERROR, result.reason)
            return self._walk(node.on_error, now)
        for variable, path in node.assign.items():
            value = _field(result.data, path)
            if value is not None:
                self.call.variables[variable] = value
        self._step(now, node, Outcome.ANSWERED)
        return self._walk(node.next, now)

    def _apply(self, node: m.SetValues) -> None:
        call = self.call
        call.language = node.language or call.language
        call.variables.update(node.variables)
        call.priority = node.priority if node.priority is not None else call.priority
        for skill, level in node.skills.items():
            call.skills[skill] = max(level, call.skills.get(skill, 0))

    def _queue_entry(self, node: m.ToQueue) -> EnterQueue:
        call = self.call
        skills = dict(call.skills)
        for skill, level in node.skills.items():
            skills[skill] = max(level, skills.get(skill, 0))
        priority = node.priority if node.priority is not None else call.priority
        after = f"{self.menu.name}:{node.after_call}" if node.after_call else ""
        return EnterQueue(
            queue=node.queue,
            priority=priority,
            skills=tuple(sorted(skills.items())),
            language=call.language,
            variables=dict(call.variables),
            after_call=after,
        )

    def _audio(self, prompt: m.Prompt) -> tuple[Audio, ...]:
        language = self.call.language
        audio: list[Audio] = []
        for part in prompt:
            if isinstance(part, m.Say):
                text = part.texts.get(language)
                if text is None:  # the checker refuses this; say it in the menu's language
                    fallback = next(iter(part.texts), language)
                    audio.append(Speak(part.texts.get(fallback, ""), fallback))
                else:
                    audio.append(Speak(text, language))
            elif isinstance(part, m.SoundFile):
                audio.append(Recording(part.name, language))
            else:
                audio.append(Sound(part.name))
        return tuple(audio)


def _field(data: object, path: str) -> str | None:
    """The text of ``data``'s field at a dotted path; None when absent or not a value."""
    for name in path.split("."):
        if not isinstance(data, dict) or name not in data:
            return None
        data = data[name]
    if isinstance(data, bool):
        return "true" if data else "false"
    if isinstance(data, str | int | float):
        return str(data)
    return None
