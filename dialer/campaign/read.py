"""Small readers the campaign files need beyond acd.core.yamlfile's: a mapping whose
unknown key names the closest allowed one, booleans, phone keys, and the hint every
campaign error ends up with."""

from __future__ import annotations

import difflib
import re

import yaml

from acd.core import yamlfile as y
from acd.core.yamlfile import ConfigError, Node

DOC_HINT = "see docs/dialer.md, 'Campaign files'"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_NAME = re.compile(r"^[a-z][a-z0-9_-]{0,30}$")
PHONE_KEYS = "0123456789*#"


def fields(node: Node, required: set[str], optional: set[str]) -> dict[str, Node]:
    """``y.mapping``, with a hint naming the allowed key closest to an unknown one."""
    allowed = required | optional
    for key, _ in y.entries(node):
        name = y.text(key)
        if name not in allowed:
            near = difflib.get_close_matches(name, sorted(allowed), n=1, cutoff=0.6)
            hint = f"did you mean {near[0]!r}?" if near else DOC_HINT
            raise key.error(f"unknown key (allowed: {', '.join(sorted(allowed))})", hint)
    return y.mapping(node, required, optional)


def with_hint(error: ConfigError) -> ConfigError:
    """``error`` as it is when it has a hint; otherwise with the documentation's."""
    if error.hint:
        return error
    return ConfigError(error.file, error.line, error.key, error.message, DOC_HINT)


def boolean(node: Node) -> bool:
    if not (isinstance(node.raw, yaml.ScalarNode) and node.raw.tag == _BOOL):
        raise node.error("expected true or false")
    return str(node.raw.value).lower() in ("true", "yes", "on")


def optional_text(node: Node) -> str | None:
    """Text, or None for a value left empty (``~``, ``null``, ``""`` or nothing)."""
    if isinstance(node.raw, yaml.ScalarNode) and node.raw.tag == _NULL:
        return None
    return y.text(node).strip() or None


def spoken(node: Node) -> str:
    """Text said to the called person: not blank."""
    value = y.text(node).strip()
    if not value:
        raise node.error("the text is empty", "write what the called person should hear")
    return " ".join(value.split())


def phone_key(node: Node) -> str:
    value = y.text(node)
    if len(value) != 1 or value not in PHONE_KEYS:
        raise node.error(f"{value!r} is not a key of a phone", "one of 0-9, * or # (quoted)")
    return value


def is_name(value: str) -> bool:
    return _NAME.match(value) is not None


def name(node: Node) -> str:
    value = y.text(node)
    if not is_name(value):
        raise node.error(f"{value!r} is not a name", "use lower-case letters, digits, '-' or '_'")
    return value
