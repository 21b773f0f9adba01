"""The `make run` demo: agent phones that answer and callers that keep coming."""

from testbed.demo.traffic import Demo, DemoRun

__all__ = ["Demo", "DemoRun"]
