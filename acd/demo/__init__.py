"""The `make run` demo: agent phones that answer and callers that keep coming."""

from acd.demo.traffic import Demo

__all__ = ["Demo"]
