"""Typed reading of YAML with the file and line of every value, for operator-facing errors.

PyYAML's node tree (``yaml.compose``) keeps each value's position; plain ``yaml.safe_load``
loses it. Readers here take a node and return a checked Python value or raise
:class:`ConfigError` naming the file, the line and the key path, so an operator can find
the mistake without reading Python.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import yaml

T = TypeVar("T")


class ConfigError(Exception):
    """A configuration file is invalid: says which file, line and key, and why."""

    def __init__(self, file: str, line: int, key: str, message: str) -> None:
        self.file, self.line, self.key, self.message = file, line, key, message
        where = f"{file}:{line}" if line else file
        super().__init__(f"{where}: {key}: {message}" if key else f"{where}: {message}")


@dataclass(frozen=True)
class Node:
    """A YAML node with where it came from: file name and dotted key path."""

    raw: yaml.Node
    file: str
    key: str

    @property
    def line(self) -> int:
        return self.raw.start_mark.line + 1

    @property
    def is_scalar(self) -> bool:
        return isinstance(self.raw, yaml.ScalarNode)

    def error(self, message: str) -> ConfigError:
        return ConfigError(self.file, self.line, self.key, message)

    def child(self, raw: yaml.Node, name: str) -> Node:
        return Node(raw, self.file, f"{self.key}.{name}" if self.key else name)


def load(path: Path) -> Node:
    """Parse ``path`` into a node tree; a syntax error says file and line."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(str(path), 0, "", f"cannot read the file ({exc.strerror})") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(str(path), 0, "", "the file is not UTF-8 text") from exc
    return parse(text, str(path))


def parse(text: str, file: str) -> Node:
    try:
        raw = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = mark.line + 1 if mark is not None else 0
        raise ConfigError(file, line, "", f"not valid YAML: {exc.problem}") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(file, 0, "", f"not valid YAML: {exc}") from exc
    if raw is None:  # an empty file: an empty mapping, placed at line 1 for the errors
        start = yaml.Mark(file, 0, 0, 0, "", 0)
        raw = yaml.MappingNode("tag:yaml.org,2002:map", [], start_mark=start, end_mark=start)
    return Node(raw, file, "")


def mapping(node: Node, required: set[str], optional: set[str]) -> dict[str, Node]:
    """The entries of a mapping node; unknown, missing or repeated keys are errors."""
    if not isinstance(node.raw, yaml.MappingNode):
        raise node.error("expected a mapping of keys to values")
    entries: dict[str, Node] = {}
    for key_raw, value_raw in node.raw.value:
        key = key_raw.value if isinstance(key_raw, yaml.ScalarNode) else None
        child = node.child(value_raw, str(key))
        if not isinstance(key, str):
            raise node.child(key_raw, "?").error("keys must be plain words")
        if key in entries:
            raise child.error("this key appears twice")
        if key not in required | optional:
            allowed = ", ".join(sorted(required | optional))
            raise Node(key_raw, node.file, child.key).error(f"unknown key (allowed: {allowed})")
        entries[key] = child
    missing = sorted(required - entries.keys())
    if missing:
        raise node.error(f"missing required key {missing[0]!r}")
    return entries


def sequence(node: Node) -> Iterator[Node]:
    if not isinstance(node.raw, yaml.SequenceNode):
        raise node.error("expected a list")
    for index, item in enumerate(node.raw.value):
        yield Node(item, node.file, f"{node.key}[{index}]")


def _scalar(node: Node) -> object:
    if not isinstance(node.raw, yaml.ScalarNode):
        raise node.error("expected a single value, not a list or mapping")
    # A fresh constructor per value: it resolves YAML's scalar types (int, bool, null...).
    try:
        return yaml.constructor.SafeConstructor().construct_object(node.raw)
    except ValueError as exc:  # a value YAML reads as a date that does not exist: 2026-02-30
        message = f"{node.raw.value!r} cannot be read ({exc}); quote it if it is text"
        raise node.error(message) from None


def text(node: Node) -> str:
    value = _scalar(node)
    if isinstance(value, bool) or value is None:
        raise node.error("expected text")
    return str(value)


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


def listed(node: Node, read: Callable[[Node], T]) -> tuple[T, ...]:
    return tuple(read(item) for item in sequence(node))


def entries(node: Node) -> list[tuple[Node, Node]]:
    """(key node, value node) of a mapping whose keys are free (names, numbers), each once."""
    if not isinstance(node.raw, yaml.MappingNode):
        raise node.error("expected a mapping of names to values")
    seen: set[str] = set()
    found = []
    for key_raw, value_raw in node.raw.value:
        name = str(key_raw.value)
        key, value = Node(key_raw, node.file, f"{node.key}.{name}"), node.child(value_raw, name)
        if not isinstance(key_raw, yaml.ScalarNode):
            raise key.error("keys must be plain words")
        if name in seen:
            raise value.error("this key appears twice")
        seen.add(name)
        found.append((key, value))
    return found


def unique(keys: list[str], where: Node) -> None:
    """Refuses a name given twice (two agents with one id, two queues with one name)."""
    seen: set[str] = set()
    for key in keys:
        if key in seen:
            raise where.error(f"{key!r} is defined twice")
        seen.add(key)
