"""Every benchmark's ``--quick`` run: it must finish and print, on its last line, the JSON
object with every key its full run documents. Figures and timings are not asserted: a
quick run has too few samples for them (docs/benchmarks.md holds the measured ones).
bench/vs_app_queue.py needs the sandbox Asterisk: tests/e2e/test_bench_vs_app_queue.py."""

from __future__ import annotations

import json
import math
import subprocess
import sys

import pytest

from tests.conftest import PROJECT

KEYS: dict[str, set[str]] = {
    "ami_ingest": {"events_per_s", "panoramisk_events_per_s", "ratio"},
    "asr_accuracy": {
        "wideband_accuracy",
        "false_accept_rate",
        "oov_accept_rate",
        "keywords_only_wideband",
        "bands",
        "voices",
        "snr_db",
        "seconds",
    },
    "lead_import": {"leads", "seconds", "leads_per_s", "rejected"},
    "dialer_efficiency": {
        "occupancy_n50_p30_t60",
        "max_window_abandon",
        "min_gap_closed_n50_plus",
        "progressive_occupancy_n50_p30_t60",
        "vicidial_occupancy_n50_p30_t60",
        "oracle_occupancy_n50_p30_t60",
        "seconds",
    },
    "erlang_conformance": {"all_within_ci", "fifo_violations", "calls_per_case", "cases"},
    "ewt_accuracy": {
        "ours_mae_s",
        "app_queue_mae_s",
        "ratio",
        "estimates",
        "ours_median_error_s",
        "app_queue_median_error_s",
        "calm_ours_mae_s",
        "calm_app_queue_mae_s",
        "calm_ratio",
        "days",
    },
    "ewt_floor": {
        "floor_mae_s",
        "ours_mae_s",
        "app_queue_mae_s",
        "floor_ratio",
        "ratio",
        "estimates",
        "days",
        "samples",
    },
    "overflow_pooling": {
        "ratio_to_pooled_sl",
        "overflow_after_s",
        "pooled_sl",
        "pooled_sl_formula",
        "pooled_abandon_formula",
        "systems",
    },
    "push_fanout": {
        "clients",
        "events_per_s",
        "cpu_core_fraction",
        "idle_cpu_core_fraction",
        "events_received_per_client_min",
        "lost",
        "goal_met",
    },
    "routing": {
        "p99_us",
        "growth_ratio",
        "growth_within_log",
        "p99_us_by_waiting",
        "ready_p99_us_by_waiting",
        "arrival_p99_us_by_waiting",
        "noise_p50_us",
        "noise_p99_us",
        "details",
    },
}
NOT_HERE = {"vs_app_queue", "answer_to_agent", "load"}  # need the sandbox: end-to-end tests


def test_every_benchmark_has_its_quick_test() -> None:
    scripts = {p.stem for p in (PROJECT / "bench").glob("*.py") if not p.stem.startswith("_")}
    assert scripts - NOT_HERE == set(KEYS)


@pytest.mark.timeout(300)
@pytest.mark.parametrize("name", sorted(KEYS))
def test_quick_mode_prints_the_documented_keys(name: str) -> None:
    result = subprocess.run(
        [sys.executable, f"bench/{name}.py", "--quick"],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    last = [line for line in result.stdout.splitlines() if line.strip()][-1]
    figures = json.loads(last)
    assert isinstance(figures, dict)
    assert set(figures) == KEYS[name]
    assert _not_finite(figures) == []


def _not_finite(value: object) -> list[object]:
    """The numbers in ``value`` (nested) that are NaN or infinite: a division by zero
    or an empty sample somewhere, whatever the run's size."""
    if isinstance(value, dict):
        return [bad for item in value.values() for bad in _not_finite(item)]
    if isinstance(value, list):
        return [bad for item in value for bad in _not_finite(item)]
    if isinstance(value, float) and not math.isfinite(value):
        return [value]
    return []
