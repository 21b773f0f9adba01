"""YAML text to plain data, remembering the line of every value and key.

Menus are read with PyYAML's node tree so each value keeps its line. Keys are taken as
written (an option ``1:`` is the key "1", not the number 1); dates are left as text (a
menu has none, and PyYAML would crash on an impossible one); a key written twice in one
mapping is a problem, where PyYAML would silently keep the last.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import yaml

from ivr.problems import Problem

Path_ = tuple[str | int, ...]


class _Loader(yaml.SafeLoader):
    """SafeLoader without timestamps: "2026-02-30" stays text instead of crashing."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


MAX_VALUES = 50_000  # aliases can multiply a small text into a huge document


class _TooBig(Exception):
    pass


@dataclass
class Document:
    data: object
    lines: dict[Path_, int] = field(default_factory=dict)  # value's line, from 1
    key_lines: dict[Path_, int] = field(default_factory=dict)  # line of a mapping's key
    _open: set[int] = field(default_factory=set)  # nodes being converted (alias loops)

    def line(self, path: Path_) -> int:
        """The line of ``path``, or of its closest enclosing value; for a mapping's value,
        the line of its key ("main:" rather than the first line under it)."""
        for end in range(len(path), -1, -1):
            if path[:end] in self.key_lines:
                return self.key_lines[path[:end]]
            if path[:end] in self.lines:
                return self.lines[path[:end]]
        return 1


def read(text: str, file: str) -> tuple[Document | None, list[Problem]]:
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        return None, [
            Problem(
                file,
                line,
                "",
                f"not valid YAML: {exc.problem or exc.context}",
                "check the indentation and the quotes on this line",
            )
        ]
    except yaml.YAMLError as exc:
        return None, [Problem(file, 1, "", f"not valid YAML: {exc}")]
    except RecursionError:
        return None, [Problem(file, 1, "", "lists or mappings nested too deep")]
    document, problems = Document(None), list[Problem]()
    try:
        document.data = _convert(root, (), document, problems, file) if root is not None else {}
    except RecursionError:
        return None, [Problem(file, 1, "", "lists or mappings nested too deep")]
    except _TooBig:
        return None, [
            Problem(
                file,
                1,
                "",
                f"more than {MAX_VALUES} values (aliases?)",
                "a menu is a few hundred lines at most",
            )
        ]
    if root is None:
        document.lines[()] = 1
    return document, problems


def _convert(
    node: yaml.Node, path: Path_, doc: Document, problems: list[Problem], file: str
) -> object:
    doc.lines[path] = node.start_mark.line + 1
    if len(doc.lines) > MAX_VALUES:
        raise _TooBig
    if id(node) in doc._open:
        problems.append(
            Problem(
                file,
                node.start_mark.line + 1,
                _dotted(path),
                "a YAML alias refers to a value that contains it",
            )
        )
        return None
    if isinstance(node, yaml.MappingNode | yaml.SequenceNode):
        doc._open.add(id(node))
        try:
            return _collection(node, path, doc, problems, file)
        finally:
            doc._open.discard(id(node))
    try:
        return _Loader.construct_object(_Loader(""), node)
    except (ValueError, yaml.YAMLError) as exc:
        message = f"{node.value!r} cannot be read ({exc})"
        problems.append(
            Problem(file, node.start_mark.line + 1, _dotted(path), message, "put it in quotes")
        )
        return str(node.value)


def _collection(
    node: yaml.Node, path: Path_, doc: Document, problems: list[Problem], file: str
) -> object:
    if isinstance(node, yaml.MappingNode):
        result: dict[str, object] = {}
        for key_node, value_node in node.value:
            key = _key(key_node)
            child = (*path, key)
            if key in result:
                problems.append(
                    Problem(
                        file,
                        key_node.start_mark.line + 1,
                        _dotted(child),
                        "this key appears twice",
                        "keep only one",
                    )
                )
                continue
            doc.key_lines[child] = key_node.start_mark.line + 1
            result[key] = _convert(value_node, child, doc, problems, file)
        return result
    return [_convert(item, (*path, i), doc, problems, file) for i, item in enumerate(node.value)]


def _key(node: yaml.Node) -> str:
    if isinstance(node, yaml.ScalarNode):
        return str(node.value)
    return "?"  # a list or mapping used as a key: the schema refuses "?" as a name


def dotted(path: Path_) -> str:
    return _dotted(path)


def _dotted(path: Path_) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text
