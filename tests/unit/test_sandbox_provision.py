"""The steps around the sandbox's chroot build: what is removed, what is kept, when it
counts as built. The Debian part (debootstrap, apt-get) is replaced by a folder filled
here; the real build runs in the end-to-end tests' sandbox fixture and in `make run`."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from acd.core.settings import load_settings
from acd.core.settings.journal_model import JournalSettings
from acd.server import Server
from testbed.sandbox.layout import SandboxLayout
from testbed.sandbox.provision import provision
from tests.conftest import PROJECT

MIRROR = "http://mirror.invalid/debian"  # never reached: the builder below is local


def _build(root: Path, mirror: str) -> None:
    """A stand-in chroot: the folders the steps after the build touch."""
    assert mirror == MIRROR
    (root / "usr/share/asterisk/sounds/fr_CA_f_June").mkdir(parents=True)
    (root / "etc").mkdir()


def test_a_build_becomes_the_sandbox_only_when_finished(tmp_path: Path) -> None:
    layout = SandboxLayout(tmp_path)
    assert provision(layout, MIRROR, _build)
    assert layout.marker.exists()
    assert not layout.partial.exists()
    assert (layout.rootfs / "usr/share/asterisk/sounds/fr").is_symlink()
    assert not provision(layout, MIRROR, _build)  # built: nothing to do


def test_a_stray_rootfs_without_its_marker_is_rebuilt(tmp_path: Path) -> None:
    layout = SandboxLayout(tmp_path)
    stray = layout.rootfs / "var/spool/asterisk/acd-ivr"
    stray.mkdir(parents=True)
    (layout.partial / "half").mkdir(parents=True)  # and an interrupted build
    assert provision(layout, MIRROR, _build)
    assert layout.marker.exists()
    assert not (layout.rootfs / "var").exists()
    assert not layout.partial.exists()


def test_a_server_built_before_the_sandbox_leaves_it_buildable(tmp_path: Path) -> None:
    """`acd run --demo` on a fresh clone: building the server must write nothing under
    the chroot it will use, or the finished build cannot be moved into place."""
    settings = replace(
        load_settings(PROJECT / "config" / "acd.yaml"),
        journal=JournalSettings(tmp_path / "journal.sqlite3", tmp_path / "queue_log"),
    )
    layout = SandboxLayout(tmp_path)
    Server(settings, "secret", layout.rootfs)
    assert not layout.rootfs.exists()
    assert provision(layout, MIRROR, _build)
    assert layout.marker.exists()
