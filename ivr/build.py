"""A menu's data, already checked against the schema, into the model (ivr.model)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from acd.core.yamlfile import Document, dotted
from ivr import model as m
from ivr.problems import Problem

Data = dict[str, Any]


class _Builder:
    def __init__(self, name: str, file: str, doc: Document, languages: tuple[str, ...]) -> None:
        self.name, self.file, self.doc, self.languages = name, file, doc, languages
        self.problems: list[Problem] = []

    def where(self, *path: str | int) -> m.Where:
        return m.Where(self.file, self.doc.line(path), dotted(path))

    def prompt(self, value: object, *path: str | int) -> m.Prompt:
        if value is None:
            return ()
        parts = value if isinstance(value, list) else [value]
        return tuple(self._part(part, *path) for part in parts)

    def _part(self, part: object, *path: str | int) -> m.PromptPart:
        if isinstance(part, str):
            return self._say(part, *path)
        assert isinstance(part, dict)
        if "file" in part:
            return m.SoundFile(part["file"])
        if "sound" in part:
            return m.CoreSound(part["sound"])
        return self._say(part["say"], *path)

    def _say(self, texts: object, *path: str | int) -> m.Say:
        if isinstance(texts, str):
            if len(self.languages) > 1:
                spoken = ", ".join(self.languages)
                self.problems.append(
                    Problem(
                        file=self.file,
                        line=self.doc.line(path),
                        key=dotted(path),
                        message=f"this menu speaks {spoken}: give the text in each",
                        hint="write {say: {"
                        + ", ".join(f"{lang}: ..." for lang in self.languages)
                        + "}}",
                    )
                )
            return m.Say({self.languages[0]: texts})
        assert isinstance(texts, dict)
        return m.Say({str(k): str(v) for k, v in texts.items()})

    def retry(self, data: Data, *path: str | int) -> m.Retry:
        defaults = m.Retry()
        return m.Retry(
            float(data.get("timeout_s", defaults.timeout_s)),
            int(data.get("tries", defaults.tries)),
            self.prompt(data.get("invalid"), *path, "invalid"),
            self.prompt(data.get("no_input"), *path, "no_input"),
        )


def build_menu(name: str, file: str, doc: Document) -> tuple[m.IvrMenu, list[Problem]]:
    data: Data = doc.data  # type: ignore[assignment]  # the schema made it a mapping
    builder = _Builder(name, file, doc, tuple(data["languages"]))
    nodes = {}
    for node_name, node in data["nodes"].items():
        nodes[node_name] = _NODES[node["type"]](builder, node_name, node)
    entry = data["entry"]
    menu = m.IvrMenu(
        name=name,
        entry=m.Entry(tuple(entry.get("numbers", ())), tuple(entry.get("trunks", ()))),
        languages=builder.languages,
        start=data["start"],
        nodes=nodes,
        where=m.Where(file, 1, ""),
        start_where=builder.where("start"),
        entry_where=builder.where("entry"),
    )
    return menu, builder.problems


def _play(b: _Builder, name: str, d: Data) -> m.Node:
    return m.Play(
        name, b.prompt(d["prompt"], "nodes", name, "prompt"), d["next"], b.where("nodes", name)
    )


def _menu(b: _Builder, name: str, d: Data) -> m.Node:
    options = []
    for key, option in d["options"].items():
        to, words = (
            (option, ())
            if isinstance(option, str)
            else (option["to"], tuple(option.get("words", ())))
        )
        options.append(m.Option(key, to, words, b.where("nodes", name, "options", key)))
    return m.Menu(
        name=name,
        prompt=b.prompt(d["prompt"], "nodes", name, "prompt"),
        options=tuple(options),
        on_fail=d["on_fail"],
        retry=b.retry(d, "nodes", name),
        repeat_key=d.get("repeat_key", ""),
        back_key=d.get("back_key", ""),
        main_key=d.get("main_key", ""),
        where=b.where("nodes", name),
    )


def _collect(b: _Builder, name: str, d: Data) -> m.Node:
    return m.Collect(
        name=name,
        prompt=b.prompt(d["prompt"], "nodes", name, "prompt"),
        variable=d["variable"],
        next=d["next"],
        on_fail=d["on_fail"],
        min_digits=d.get("min_digits", 1),
        max_digits=d.get("max_digits", 20),
        terminator=d.get("terminator", "#"),
        pattern=d.get("pattern", ""),
        retry=b.retry(d, "nodes", name),
        where=b.where("nodes", name),
    )


def _condition(b: _Builder, name: str, d: Data) -> m.Node:
    cases = tuple(
        m.Case(_test(c["when"]), c["to"], b.where("nodes", name, "cases", i))
        for i, c in enumerate(d["cases"])
    )
    return m.Condition(name, cases, d["else"], b.where("nodes", name))


def _test(when: Data) -> m.Test:
    if "open" in when or "closed" in when:
        return m.IsOpen(when.get("open") or when["closed"], closed="closed" in when)
    if "caller_matches" in when:
        return m.CallerMatches(when["caller_matches"])
    if "caller_withheld" in when:
        return m.CallerWithheld(bool(when["caller_withheld"]))
    for compare in m.Compare:
        if compare.value in when:
            value = when[compare.value]
            values = value if isinstance(value, list) else [value]
            text = [str(v).lower() if isinstance(v, bool) else str(v) for v in values]
            return m.VariableTest(when.get("variable", ""), compare, tuple(text))
    return m.VariableTest(when.get("variable", ""), m.Compare.IS_SET, ("true",))


def _lookup(b: _Builder, name: str, d: Data) -> m.Node:
    return m.Lookup(
        name=name,
        url=d["url"],
        next=d["next"],
        on_error=d["on_error"],
        method=d.get("method", "GET"),
        timeout_s=float(d.get("timeout_s", 2.0)),
        assign=dict(d.get("set", {})),
        where=b.where("nodes", name),
    )


def _set(b: _Builder, name: str, d: Data) -> m.Node:
    variables = {k: str(v) for k, v in d.get("variables", {}).items()}
    return m.SetValues(
        name=name,
        next=d["next"],
        language=d.get("language", ""),
        variables=variables,
        priority=d.get("priority"),
        skills=dict(d.get("skills", {})),
        where=b.where("nodes", name),
    )


def _queue(b: _Builder, name: str, d: Data) -> m.Node:
    return m.ToQueue(
        name=name,
        queue=d["queue"],
        priority=d.get("priority"),
        skills=dict(d.get("skills", {})),
        after_call=d.get("after_call", ""),
        where=b.where("nodes", name),
    )


def _transfer(b: _Builder, name: str, d: Data) -> m.Node:
    return m.Transfer(name, d.get("number", ""), d.get("trunk", ""), b.where("nodes", name))


def _voicemail(b: _Builder, name: str, d: Data) -> m.Node:
    return m.Voicemail(name, d["mailbox"], b.where("nodes", name))


def _callback(b: _Builder, name: str, d: Data) -> m.Node:
    return m.CallbackRequest(name, d["queue"], d["on_fail"], b.where("nodes", name))


def _survey(b: _Builder, name: str, d: Data) -> m.Node:
    return m.Survey(
        name=name,
        scale=m.Scale(d["scale"]),
        prompt=b.prompt(d["prompt"], "nodes", name, "prompt"),
        thanks=b.prompt(d.get("thanks"), "nodes", name, "thanks"),
        retry=b.retry(d, "nodes", name),
        where=b.where("nodes", name),
    )


def _hangup(b: _Builder, name: str, d: Data) -> m.Node:
    return m.Hangup(
        name, b.prompt(d.get("prompt"), "nodes", name, "prompt"), b.where("nodes", name)
    )


def _goto(b: _Builder, name: str, d: Data) -> m.Node:
    return m.Goto(name, m.Target(d.get("to", ""), d.get("menu", "")), b.where("nodes", name))


_NODES: dict[str, Callable[[_Builder, str, Data], m.Node]] = {
    "play": _play,
    "menu": _menu,
    "collect": _collect,
    "condition": _condition,
    "lookup": _lookup,
    "set": _set,
    "queue": _queue,
    "transfer": _transfer,
    "voicemail": _voicemail,
    "callback": _callback,
    "survey": _survey,
    "hangup": _hangup,
    "goto": _goto,
}
