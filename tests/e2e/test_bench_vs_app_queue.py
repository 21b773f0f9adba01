"""bench/vs_app_queue.py in its quick mode, against the suite's sandbox: it must run to
its JSON line with every figure it documents. Nothing about the figures is asserted (timings
belong in docs/benchmarks.md, measured by the full run)."""

from __future__ import annotations

import json
import subprocess
import sys

from testbed.sandbox import Sandbox
from tests.conftest import PROJECT

KEYS = {
    f"{side}_{percentile}_ms"
    for side in (
        "ours_free",
        "ours_enter",
        "app_queue_free",
        "app_queue_enter",
        "app_queue_immediate_enter",
    )
    for percentile in ("p50", "p99")
} | {"free_goal_met", "enter_goal_met"}


def test_vs_app_queue_quick_mode_prints_its_figures(sandbox: Sandbox) -> None:
    result = subprocess.run(
        [sys.executable, "bench/vs_app_queue.py", "--quick"],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=110,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    assert set(figures) == KEYS
    assert all(isinstance(figures[key], float) for key in KEYS if key.endswith("_ms"))
