"""The product runs without the test bed: the production image copies acd/, ivr/ and
dialer/ only, and the `acd` command then offers no sandbox and no demo (the import
contracts in pyproject.toml keep every other module from importing the test bed)."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import PROJECT

# Runs `acd` in a process where the test bed cannot be imported, as in the image.
WITHOUT_TESTBED = """
import sys
class NoTestbed:
    def find_spec(self, name, path=None, target=None):
        if name == "testbed" or name.startswith("testbed."):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None
sys.meta_path.insert(0, NoTestbed())
from acd.cli import main
sys.exit(main(sys.argv[1:]))
"""


def _acd(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", WITHOUT_TESTBED, *args],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_acd_without_the_test_bed_has_its_production_commands_only() -> None:
    result = _acd("--help")
    assert result.returncode == 0, result.stderr
    for command in ("run", "status", "report", "ivr", "asterisk-config"):
        assert command in result.stdout
    assert "sandbox" not in result.stdout
    run_help = _acd("run", "--help")
    assert run_help.returncode == 0, run_help.stderr
    assert "--demo" not in run_help.stdout
    assert "Traceback" not in result.stderr + run_help.stderr


def test_the_production_image_copies_no_test_bed() -> None:
    copies = [
        line.split()[1]
        for line in (PROJECT / "Dockerfile").read_text().splitlines()
        if line.startswith("COPY")
    ]
    assert {"acd", "ivr", "dialer"} <= set(copies)
    assert not [source for source in copies if source.strip("./").startswith(("testbed", "."))]
