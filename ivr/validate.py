"""Checks a menu's data against the published JSON Schema (ivr/schema/menu.schema.json)
and turns each violation into a Problem an operator can act on: the line of the value,
the key path, and a message in plain words (the schema's own ``errorMessage`` where it
has one, since "is not valid under any of the given schemas" helps nobody)."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator, ValidationError

from acd.core.yamlfile import Document, dotted
from ivr.problems import Problem, closest


@cache
def schema() -> dict[str, Any]:
    text = resources.files("ivr").joinpath("schema/menu.schema.json").read_text("utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


@cache
def _validator() -> Draft202012Validator:
    return Draft202012Validator(schema())


def problems(document: Document, file: str) -> list[Problem]:
    found = []
    for error in _validator().iter_errors(document.data):
        for leaf in _leaves(error):
            found.append(_problem(leaf, document, file))
    unique = {(p.line, p.key, p.message): p for p in found}
    return sorted(unique.values(), key=lambda p: (p.line, p.key))


def _leaves(error: ValidationError) -> list[ValidationError]:
    """The errors worth showing: for an if/then (node types), the inner ones; for an
    anyOf with its own message, the anyOf itself."""
    own = _schema_of(error).get("errorMessage")
    if error.validator in ("allOf", "$ref") or (error.validator == "anyOf" and not own):
        inner = [leaf for sub in error.context or [] for leaf in _leaves(sub)]
        return inner or [error]
    return [error]


def _problem(error: ValidationError, doc: Document, file: str) -> Problem:
    path = tuple(error.absolute_path)
    if error.validator == "additionalProperties":
        return _unknown_keys(error, doc, file, path)
    line = doc.line(path)
    message, hint = _message(error)
    return Problem(file=file, line=line, key=dotted(path), message=message, hint=hint)


def _unknown_keys(
    error: ValidationError, doc: Document, file: str, path: tuple[str | int, ...]
) -> Problem:
    allowed = sorted(_schema_of(error).get("properties", {}))
    given = error.instance if isinstance(error.instance, dict) else {}
    extra = [key for key in given if key not in allowed]
    key = extra[0] if extra else "?"
    line = doc.key_lines.get((*path, key), doc.line(path))
    if allowed:
        hint = closest(key, allowed) if closest(key, allowed).startswith("did") else ""
        return Problem(
            file=file,
            line=line,
            key=dotted((*path, key)),
            message=f"unknown key {key!r} (allowed: {', '.join(allowed)})",
            hint=hint,
        )
    return Problem(file, line, dotted((*path, key)), f"unknown key {key!r}")


def _message(error: ValidationError) -> tuple[str, str]:
    own = _schema_of(error).get("errorMessage")
    value = error.instance
    shown = repr(value) if not isinstance(value, dict | list) else "this"
    if own:
        return f"{shown}: {own}" if not isinstance(value, dict | list) else own, ""
    kind = error.validator
    if kind == "required":
        return error.message.replace("is a required property", "is missing (required)"), ""
    if kind == "enum":
        allowed = [str(c) for c in _schema_of(error).get("enum", [])]
        choices = ", ".join(allowed)
        hint = closest(str(value), allowed)
        return f"{shown} is not one of: {choices}", hint if hint.startswith("did") else ""
    if kind == "type":
        return f"{shown} should be {_type_words(error.validator_value)}", ""
    if kind in ("minimum", "maximum"):
        low = _schema_of(error).get("minimum", "-")
        high = _schema_of(error).get("maximum", "-")
        return f"{shown} is out of range ({low} to {high})", ""
    if kind in ("minItems", "minProperties"):
        return "must not be empty", ""
    if kind == "maxProperties":
        return "give only one of these keys here", ""
    if kind == "uniqueItems":
        return "a value is listed twice", ""
    if kind == "minLength":
        return "must not be empty", ""
    if kind == "propertyNames":
        return f"{shown} is not allowed as a name here", ""
    return error.message, ""


def _type_words(expected: object) -> str:
    words = {
        "string": "text",
        "integer": "a whole number",
        "number": "a number",
        "boolean": "true or false",
        "object": "a mapping (key: value)",
        "array": "a list",
    }
    names = expected if isinstance(expected, list) else [expected]
    return " or ".join(words.get(str(n), str(n)) for n in names)


def _schema_of(error: ValidationError) -> dict[str, Any]:
    return error.schema if isinstance(error.schema, dict) else {}
