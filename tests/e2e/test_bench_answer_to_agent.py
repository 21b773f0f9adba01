"""bench/answer_to_agent.py in its quick mode, against the suite's sandbox: it must run to
its JSON line with the figures it documents, every person of the agent case put through
and every person of the message case given the message. Nothing about the times is
asserted (timings belong in docs/benchmarks.md, measured by the full run)."""

from __future__ import annotations

import json
import subprocess
import sys

from testbed.sandbox import Sandbox
from tests.conftest import PROJECT

KEYS = {
    f"answer_to_{case}_{percentile}_ms"
    for case in ("agent", "message")
    for percentile in ("p50", "p99")
}


def test_answer_to_agent_quick_mode_prints_its_figures(sandbox: Sandbox) -> None:
    result = subprocess.run(
        [sys.executable, "bench/answer_to_agent.py", "--quick"],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    said = result.stdout[-3000:]  # the bench's own account, when an assertion fails
    assert set(figures) >= KEYS, said
    assert all(isinstance(figures[key], float) for key in KEYS), said
    assert figures["agent_samples"] == figures["message_samples"] == 20, said
    assert figures["agent_case_abandoned"] == 0, said
