"""The one reader for the YAML files operators write (acd.yaml, the IVR menus, the dialer's
campaigns): every value keeps its file, line and key path, so an error says where to look.

    root = parse(text, "acd.yaml")        # or load(path); raises ConfigError
    fields = mapping(root, {"agents"}, {"queues"})   # typed readers: the first mistake raises
    document, problems = plain(root)      # plain data and lines: every mistake is collected

The typed readers (``mapping``, ``entries``, ``sequence``, ``listed``, ``text``, ``integer``,
``number``, ``unique``) suit a file read by code; ``plain`` suits one checked against a JSON
Schema. Both rest on the same protections, which PyYAML alone lacks:

- a YAML tag (``!!python/name:...``, ``!!binary``, ``!foo``) refuses the file, so no value
  is ever built from a tag;
- a value YAML reads as a date stays as written, and one naming no real day (2026-02-30,
  where PyYAML raises) is refused: quote it if it is text;
- a key written twice in one mapping is refused, where PyYAML silently keeps the last;
- keys are taken as written: an option ``1:`` is the key "1", not the number 1;
- nesting too deep, an alias inside its own value, and aliases multiplying a small text into
  a huge document are refused rather than followed.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from enum import Enum
from pathlib import Path
from typing import TypeVar

import yaml

T = TypeVar("T")
E = TypeVar("E", bound=Enum)
KeyPath = tuple[str | int, ...]  # ("queues", 0, "name") is written queues[0].name

MAX_VALUES = 50_000  # aliases can multiply a small text into a huge document
_TAG_HINT = "remove the tag; quote the value if it is text"


class ConfigError(Exception):
    """A file is invalid: says which file, line and key, why, and what to do about it."""

    def __init__(self, file: str, line: int, key: str, message: str, hint: str = "") -> None:
        self.file, self.line, self.key, self.message, self.hint = file, line, key, message, hint
        where = f"{file}:{line}" if line else file
        text = f"{where}: {key}: {message}" if key else f"{where}: {message}"
        super().__init__(f"{text} ({hint})" if hint else text)


def dotted(path: KeyPath) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


@dataclass(frozen=True)
class Node:
    """A YAML node with where it came from: the file and the key path to it."""

    raw: yaml.Node
    file: str
    path: KeyPath = ()

    @property
    def key(self) -> str:
        return dotted(self.path)

    @property
    def line(self) -> int:
        return self.raw.start_mark.line + 1

    @property
    def is_scalar(self) -> bool:
        return isinstance(self.raw, yaml.ScalarNode)

    def error(self, message: str, hint: str = "") -> ConfigError:
        return ConfigError(file=self.file, line=self.line, key=self.key, message=message, hint=hint)

    def child(self, raw: yaml.Node, name: str | int) -> Node:
        return Node(raw, self.file, (*self.path, name))


# ---- parsing: text to a node tree ---------------------------------------------------------


class _TagRefused(yaml.MarkedYAMLError):
    pass


class _Loader(yaml.SafeLoader):
    """SafeLoader that refuses explicit tags while composing, before anything is built."""

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        event = self.peek_event()  # type: ignore[no-untyped-call]  # untyped in the PyYAML stub
        tag = getattr(event, "tag", None)  # "!" alone means "resolve as usual"
        if tag not in (None, "!"):
            shown = str(tag).replace("tag:yaml.org,2002:", "!!", 1)
            message = f"the YAML tag {shown} is not allowed"
            raise _TagRefused(None, None, message, event.start_mark)
        return super().compose_node(parent, index)


# A plain = or << resolves to tags PyYAML has no constructor for (value, merge): text instead.
_UNBUILT = {"tag:yaml.org,2002:value", "tag:yaml.org,2002:merge"}
_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in _UNBUILT]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load(path: Path) -> Node:
    """Parse ``path`` into a node tree; a file that cannot be read is an error at line 0."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(str(path), 0, "", f"cannot read the file ({exc.strerror})") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(str(path), 0, "", "the file is not UTF-8 text") from exc
    return parse(text, str(path))


def parse(text: str, file: str) -> Node:
    """Parse ``text`` into a node tree; a syntax error or a tag says file and line."""
    try:
        raw = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        raise _syntax_error(exc, file) from exc
    except yaml.YAMLError as exc:  # a character YAML refuses: no line is known
        raise ConfigError(file, 1, "", f"not valid YAML: {exc}") from exc
    except RecursionError:
        raise ConfigError(file, 1, "", "lists or mappings nested too deep") from None
    if raw is None:  # an empty file: an empty mapping, placed at line 1 for the errors
        start = yaml.Mark(file, 0, 0, 0, "", 0)
        raw = yaml.MappingNode("tag:yaml.org,2002:map", [], start_mark=start, end_mark=start)
    return Node(raw, file)


def _syntax_error(exc: yaml.MarkedYAMLError, file: str) -> ConfigError:
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark is not None else 1
    if isinstance(exc, _TagRefused):
        return ConfigError(file=file, line=line, key="", message=str(exc.problem), hint=_TAG_HINT)
    message = f"not valid YAML: {exc.problem or exc.context}"
    return ConfigError(
        file=file,
        line=line,
        key="",
        message=message,
        hint="check the indentation and the quotes on this line",
    )


def _scalar(node: Node) -> object:
    """The value YAML resolves a scalar to: text, number, boolean or None; a date as written."""
    if not isinstance(node.raw, yaml.ScalarNode):
        raise node.error("expected a single value, not a list or mapping")
    try:  # a fresh constructor per value; explicit tags never get this far
        value = yaml.constructor.SafeConstructor().construct_object(node.raw)
    except ValueError as exc:  # a date that does not exist (2026-02-30), a 5,000-digit number
        message = f"{node.raw.value!r} cannot be read ({exc})"
        raise node.error(message, "quote it if it is text") from None
    # Dates stay text, so each file reads them as it means them (hours check their own).
    return node.raw.value if isinstance(value, date) else value


def _pairs(node: Node, expected: str) -> Iterator[tuple[str, Node, Node]]:
    """(key as written, key node, value node) of a mapping node; "?" for a key that is a
    list or mapping, which no schema allows as a name."""
    if not isinstance(node.raw, yaml.MappingNode):
        raise node.error(expected)
    for key_raw, value_raw in node.raw.value:
        name = str(key_raw.value) if isinstance(key_raw, yaml.ScalarNode) else "?"
        yield name, node.child(key_raw, name), node.child(value_raw, name)


def _twice(key: Node) -> ConfigError:
    return key.error("this key appears twice", "keep only one")


# ---- typed readers: the first mistake raises ---------------------------------------------


def _checked(node: Node, expected: str) -> Iterator[tuple[str, Node, Node]]:
    """``_pairs`` in file order, raising at the first key that is not a word or is repeated."""
    seen: set[str] = set()
    for name, key, value in _pairs(node, expected):
        if not key.is_scalar:
            raise key.error("keys must be plain words")
        if name in seen:
            raise _twice(key)
        seen.add(name)
        yield name, key, value


def mapping(node: Node, required: set[str], optional: set[str]) -> dict[str, Node]:
    """The entries of a mapping node; unknown, missing or repeated keys are errors."""
    allowed = required | optional
    found: dict[str, Node] = {}
    for name, key, value in _checked(node, "expected a mapping of keys to values"):
        if name not in allowed:
            raise key.error(f"unknown key (allowed: {', '.join(sorted(allowed))})")
        found[name] = value
    missing = sorted(required - found.keys())
    if missing:
        raise node.error(f"missing required key {missing[0]!r}")
    return found


def entries(node: Node) -> list[tuple[Node, Node]]:
    """(key node, value node) of a mapping whose keys are free (names, numbers), each once."""
    checked = _checked(node, "expected a mapping of names to values")
    return [(key, value) for _, key, value in checked]


def sequence(node: Node) -> Iterator[Node]:
    if not isinstance(node.raw, yaml.SequenceNode):
        raise node.error("expected a list")
    for index, item in enumerate(node.raw.value):
        yield node.child(item, index)


def listed(node: Node, read: Callable[[Node], T]) -> tuple[T, ...]:
    return tuple(read(item) for item in sequence(node))


def text(node: Node) -> str:
    value = _scalar(node)
    if isinstance(value, bool) or value is None:
        raise node.error("expected text")
    return str(value)


def member(node: Node, kind: type[E], what: str) -> E:
    """One of an Enum's values, written as text; ``what`` names it in the error."""
    value = text(node)
    try:
        return kind(value)
    except ValueError:
        known = ", ".join(str(item.value) for item in kind)
        raise node.error(f"unknown {what} {value!r} (known: {known})") from None


def integer(node: Node, low: int, high: int) -> int:
    value = _scalar(node)
    if isinstance(value, bool) or not isinstance(value, int):
        raise node.error(f"expected a whole number between {low} and {high}")
    if not low <= value <= high:
        raise node.error(f"{value} is out of range ({low} to {high})")
    return value


def number(node: Node, low: float, high: float, unit: str) -> float:
    """A finite number from ``low`` to ``high``; ``unit`` names it in the error."""
    text_value = text(node)
    try:
        value = float(text_value)
    except ValueError:
        raise node.error(f"{text_value!r}: expected a number of {unit}") from None
    if not math.isfinite(value) or not low <= value <= high:
        raise node.error(f"{text_value} is out of range ({low:g} to {high:g} {unit})")
    return value


def unique(keys: list[str], where: Node) -> None:
    """Refuses a name given twice (two agents with one id, two queues with one name)."""
    seen: set[str] = set()
    for key in keys:
        if key in seen:
            raise where.error(f"{key!r} is defined twice")
        seen.add(key)


# ---- plain data: every mistake collected -------------------------------------------------


@dataclass(frozen=True)
class Document:
    """A file as plain data (dicts, lists, text, numbers, booleans, None) for a schema check,
    with the line of every value and of every mapping's key, from 1."""

    data: object
    lines: dict[KeyPath, int]
    key_lines: dict[KeyPath, int]

    def line(self, path: KeyPath) -> int:
        """The line of ``path``, or of its closest enclosing value; for a mapping's value,
        the line of its key ("main:" rather than the first line under it)."""
        for end in range(len(path), -1, -1):
            if path[:end] in self.key_lines:
                return self.key_lines[path[:end]]
            if path[:end] in self.lines:
                return self.lines[path[:end]]
        return 1


def plain(root: Node) -> tuple[Document, list[ConfigError]]:
    """The tree as plain data, with every mistake found on the way (keys written twice,
    values that cannot be read), each left out or kept as written so the rest can still be
    checked. Raises ConfigError when the tree cannot be walked: too deep, or too big."""
    walk = _Walk()
    try:
        data = walk.value(root)
    except RecursionError:
        raise ConfigError(root.file, 1, "", "lists or mappings nested too deep") from None
    return Document(data, walk.lines, walk.key_lines), walk.problems


class _Walk:
    def __init__(self) -> None:
        self.lines: dict[KeyPath, int] = {}
        self.key_lines: dict[KeyPath, int] = {}
        self.problems: list[ConfigError] = []
        self._open: set[int] = set()  # collections being converted: an alias loop is in here

    def value(self, node: Node) -> object:
        self.lines[node.path] = node.line
        if len(self.lines) > MAX_VALUES:  # counts paths, so it counts what aliases repeat
            hint = "write the values out rather than aliases of aliases"
            raise ConfigError(
                file=node.file,
                line=1,
                key="",
                message=f"more than {MAX_VALUES} values (aliases?)",
                hint=hint,
            )
        if node.is_scalar:
            return self._scalar(node)
        if id(node.raw) in self._open:
            self.problems.append(node.error("a YAML alias refers to a value that contains it"))
            return None
        self._open.add(id(node.raw))
        try:
            return self._collection(node)
        finally:
            self._open.discard(id(node.raw))

    def _scalar(self, node: Node) -> object:
        try:
            return _scalar(node)
        except ConfigError as error:
            self.problems.append(error)
            return str(node.raw.value)

    def _collection(self, node: Node) -> object:
        if not isinstance(node.raw, yaml.MappingNode):
            return [self.value(item) for item in sequence(node)]
        result: dict[str, object] = {}
        for name, key, value in _pairs(node, "expected a mapping"):
            if name in result:
                self.problems.append(_twice(key))
                continue
            self.key_lines[key.path] = key.line
            result[name] = self.value(value)
        return result
