"""The API's one error: a status, a stable id and a message an operator can act on."""

from __future__ import annotations

from collections.abc import Mapping


class ApiError(Exception):
    def __init__(
        self, status: int, error_id: str, message: str, headers: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status, self.error_id, self.message = status, error_id, message
        self.headers = dict(headers or {})
