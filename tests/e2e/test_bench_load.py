"""bench/load.py in its quick mode, against the suite's sandbox: it must run to its JSON
line with the figures it documents, and lose no call at the small rates of the quick
ramp. Nothing about CPU or memory is asserted (timings and sizes belong in
docs/benchmarks.md, measured by the full run)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from testbed.sandbox import Sandbox
from tests.conftest import PROJECT

KEYS = {
    "max_cps",
    "max_concurrent",
    "lost",
    "server_cpu_core_fraction",
    "asterisk_cpu_core_fraction",
    "soak_rss_growth",
}


@pytest.mark.timeout(420)
def test_load_quick_mode_prints_its_figures(sandbox: Sandbox) -> None:
    result = subprocess.run(
        [sys.executable, "bench/load.py", "--quick"],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=400,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    assert set(figures) >= KEYS
    assert figures["lost"] == 0, result.stdout[-3000:]
    assert figures["max_cps"] > 0, result.stdout[-3000:]  # the bench's lines say why not
    assert all(isinstance(figures[key], int | float) for key in KEYS)
