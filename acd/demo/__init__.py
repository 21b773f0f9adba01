"""The `make run` demo: agent phones that answer and callers that keep coming."""

from acd.demo.traffic import run_demo

__all__ = ["run_demo"]
