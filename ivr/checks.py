"""What a schema cannot see in a menu: names that point nowhere, nodes nobody reaches,
loops with no way out, queues or calendars acd.yaml does not have, missing prompts,
regular expressions that do not compile. Each finding is a Problem at the node's line."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from ivr import model as m
from ivr.graph import edges, end_nodes, reachable
from ivr.problems import Problem, closest

_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_FIXED_PLACEHOLDERS = {"caller", "did", "call_id"}
_RECORDING_SUFFIXES = (".wav", ".mp3")


@dataclass(frozen=True)
class MenuContext:
    """What menus may refer to; the server builds it from acd.yaml (acd/server/ivrsetup.py)."""

    queues: frozenset[str] = frozenset()
    calendars: frozenset[str] = frozenset()
    trunks: frozenset[str] = frozenset()
    mailboxes: frozenset[str] = frozenset()
    sounds_dir: Path | None = None  # operators' recordings; None = not checked
    core_sound_exists: Callable[[str, str], bool] | None = None  # (name, language)
    unknown_words: Callable[[Sequence[str], str], list[str]] | None = None  # (words, language)


def check_menu(menu: m.IvrMenu, context: MenuContext) -> list[Problem]:
    found: list[Problem] = []
    found += _references(menu)
    if found:  # reachability and loops mean nothing with dangling names
        return found
    found += _reachability(menu)
    for node in menu.nodes.values():
        found += [_at(node, message, hint) for message, hint in _node_problems(menu, node, context)]
    return found


def _at(node: m.Node, message: str, hint: str = "", key: str = "") -> Problem:
    where = node.where
    return Problem(
        file=where.file, line=where.line, key=key or where.key, message=message, hint=hint
    )


def _references(menu: m.IvrMenu) -> list[Problem]:
    found = []
    if menu.start not in menu.nodes:
        hint = closest(menu.start, menu.nodes)
        found.append(
            Problem(
                file=menu.start_where.file,
                line=menu.start_where.line,
                key="start",
                message=f"no node named {menu.start!r}",
                hint=hint,
            )
        )
    for node in menu.nodes.values():
        for target, label in edges(node):
            if target and target not in menu.nodes:
                found.append(
                    _at(node, f"{label}: no node named {target!r}", closest(target, menu.nodes))
                )
    return found


def _reachability(menu: m.IvrMenu) -> list[Problem]:
    found = []
    seen = reachable(menu)
    for node in menu.nodes.values():
        if node.name not in seen:
            found.append(
                _at(node, "no call can reach this node", "link it from another node or delete it")
            )
    ends = end_nodes(menu)
    for node in menu.nodes.values():
        if node.name in seen and node.name not in ends:
            found.append(
                _at(
                    node,
                    "a loop with no way out: from here no call can reach a queue, "
                    "transfer, voicemail, callback, survey or hang-up",
                    "give one of the loop's nodes an exit",
                )
            )
    found += _idle_loops(menu, seen)
    return found


def _idle_loops(menu: m.IvrMenu, seen: set[str]) -> Iterator[Problem]:
    """A cycle of play, set and goto nodes only: the caller could never leave it."""
    idle = {name for name in seen if isinstance(menu.nodes[name], m.Play | m.SetValues | m.Goto)}
    for name in sorted(idle):
        path, current = [name], name
        while True:
            nexts = [t for t, _ in edges(menu.nodes[current]) if t in idle]
            if not nexts:
                break
            current = nexts[0]
            if current == name:
                loop = " -> ".join([*path, name])
                message = f"these nodes loop for ever without waiting for the caller: {loop}"
                yield _at(menu.nodes[name], message, "put a menu in the loop")
                break
            if current in path:
                break
            path.append(current)


def _node_problems(menu: m.IvrMenu, node: m.Node, ctx: MenuContext) -> Iterator[tuple[str, str]]:
    yield from _prompt_problems(menu, node, ctx)
    match node:
        case m.Menu():
            yield from _menu_problems(menu, node, ctx)
        case m.Collect():
            if node.min_digits > node.max_digits:
                yield (
                    f"min_digits ({node.min_digits}) is more than max_digits ({node.max_digits})",
                    "",
                )
            yield from _regex(node.pattern, "pattern")
        case m.Condition():
            for case in node.cases:
                yield from _test_problems(case.when, ctx)
        case m.Lookup():
            yield from _placeholder_problems(node.url)
        case m.ToQueue() | m.CallbackRequest():
            yield from _known(node.queue, ctx.queues, "queue")
            if isinstance(node, m.ToQueue) and node.after_call:
                target = menu.nodes.get(node.after_call)
                if not isinstance(target, m.Survey):
                    yield f"after_call: {node.after_call!r} is not a survey node", ""
        case m.Transfer() if node.trunk:
            yield from _known(node.trunk, ctx.trunks, "trunk")
        case m.Voicemail():
            yield from _known(node.mailbox, ctx.mailboxes, "mailbox")


def _placeholder_problems(url: str) -> Iterator[tuple[str, str]]:
    for name in _PLACEHOLDER.findall(url):
        variable = re.fullmatch(r"variables\.[a-z][a-z0-9_]*", name)
        if name not in _FIXED_PLACEHOLDERS and not variable:
            yield (
                f"unknown placeholder {{{name}}} in the url",
                "use {caller}, {did}, {call_id} or {variables.NAME}",
            )


def _menu_problems(menu: m.IvrMenu, node: m.Menu, ctx: MenuContext) -> Iterator[tuple[str, str]]:
    keys = [o.key for o in node.options]
    for name in ("repeat_key", "back_key", "main_key"):
        key = getattr(node, name)
        if key and key in keys:
            yield f"{name} {key!r} is also a key of the options or another special key", ""
        keys.append(key)
    owner: dict[str, str] = {}
    for option in node.options:
        for word in option.words:
            if word in owner:
                yield f"the word {word!r} chooses both option {owner[word]} and {option.key}", ""
            owner[word] = option.key
    if ctx.unknown_words is not None and node.keywords:
        for language in menu.languages:
            unknown = ctx.unknown_words(node.keywords, language)
            if unknown:
                yield (
                    f"the recogniser does not know the word(s) {', '.join(unknown)} ({language})",
                    "choose common words, or rely on the keys",
                )


def _test_problems(test: m.Test, ctx: MenuContext) -> Iterator[tuple[str, str]]:
    if isinstance(test, m.IsOpen):
        yield from _known(test.calendar, ctx.calendars, "calendar")
    elif isinstance(test, m.CallerMatches):
        yield from _regex(test.pattern, "caller_matches")
    elif isinstance(test, m.VariableTest):
        if not test.variable:
            yield "a variable test needs 'variable' (its name)", ""
        if test.compare is m.Compare.MATCHES:
            yield from _regex(test.values[0], "matches")


def _prompt_problems(menu: m.IvrMenu, node: m.Node, ctx: MenuContext) -> Iterator[tuple[str, str]]:
    for prompt in m.prompts_of(node):
        for part in prompt:
            if isinstance(part, m.Say):
                for lang in [lang for lang in menu.languages if lang not in part.texts]:
                    yield (
                        f"a text to say has no {lang} version",
                        f"add {lang}: ... next to the others",
                    )
            elif isinstance(part, m.SoundFile) and ctx.sounds_dir is not None:
                for lang in menu.languages:
                    folder = ctx.sounds_dir / lang
                    if not any((folder / f"{part.name}{s}").is_file() for s in _RECORDING_SUFFIXES):
                        yield (
                            f"no recording {part.name!r} for {lang}",
                            f"put {part.name}.wav or {part.name}.mp3 in {folder}",
                        )
            elif isinstance(part, m.CoreSound) and ctx.core_sound_exists is not None:
                for lang in menu.languages:
                    if not ctx.core_sound_exists(part.name, lang):
                        yield f"Asterisk has no sound {part.name!r} in {lang}", ""


def _known(name: str, known: frozenset[str], what: str) -> Iterator[tuple[str, str]]:
    if name not in known:
        yield f"no {what} named {name!r} in acd.yaml", closest(name, known)


def _regex(pattern: str, key: str) -> Iterator[tuple[str, str]]:
    if not pattern:
        return
    try:
        re.compile(pattern)
    except re.error as exc:
        yield f"{key}: {pattern!r} is not a valid regular expression ({exc})", ""
