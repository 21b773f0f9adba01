"""The API's OpenAPI document as a test oracle: a real response (status and JSON body) is
checked against what the document promises for that path, method and status."""

from __future__ import annotations

import re
from typing import Any

from jsonschema import Draft202012Validator

from acd.adapters.api import openapi_document

DOCUMENT = openapi_document()


def template_of(path: str) -> str:
    """The document's path template a concrete path matches (``/api/agents/1001/login``
    -> ``/api/agents/{agent}/{action}``); AssertionError if none does."""
    template: str
    # The fewest {parameters} first: /api/agents/{agent}/spy before .../{action}, as the
    # server routes it.
    for template in sorted(DOCUMENT["paths"], key=lambda t: t.count("{")):
        pattern = "^" + re.sub(r"\\{[a-z_]+\\}", "[^/]+", re.escape(template)) + "$"
        if re.match(pattern, path.split("?")[0]):
            return template
    raise AssertionError(f"{path} is not in the OpenAPI document")


def response_schema(method: str, path: str, status: int) -> dict[str, Any] | None:
    """The JSON schema of the documented response (None: documented, but not JSON);
    AssertionError if the document does not list that status for that operation."""
    operation = DOCUMENT["paths"][template_of(path)].get(method.lower())
    assert operation is not None, f"{method} {path} is not in the OpenAPI document"
    response = operation["responses"].get(str(status))
    assert response is not None, f"{method} {path} answered {status}, not documented"
    content = response.get("content", {})
    if "application/json" not in content:
        return None
    schema: dict[str, Any] = content["application/json"]["schema"]
    return schema


def check_response(method: str, path: str, status: int, body: object) -> None:
    """AssertionError naming every place where ``body`` breaks the document."""
    schema = response_schema(method, path, status)
    if schema is None:
        return
    # The schema's $refs point into the document's components: validate with them at hand.
    validator = Draft202012Validator({**schema, "components": DOCUMENT["components"]})
    errors = [
        f"{'/'.join(map(str, e.absolute_path)) or '(body)'}: {e.message}"
        for e in validator.iter_errors(body)
    ]
    assert not errors, f"{method} {path} {status} breaks the OpenAPI document:\n" + "\n".join(
        errors[:10]
    )
