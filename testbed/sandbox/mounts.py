"""The /proc mount a chroot needs (Asterisk and apt read it)."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def is_mounted(path: Path) -> bool:
    target = str(path.resolve())
    with open("/proc/mounts", encoding="utf-8") as mounts:
        return any(line.split()[1] == target for line in mounts if len(line.split()) > 1)


def mount_proc(root: Path) -> None:
    proc = root / "proc"
    if not is_mounted(proc):
        proc.mkdir(exist_ok=True)
        subprocess.run(["mount", "-t", "proc", "proc", str(proc)], check=True)


def unmount_all_under(root: Path) -> None:
    """Unmounts everything below ``root``, deepest first, so the folder can be removed."""
    prefix = str(root.resolve()) + "/"
    with open("/proc/mounts", encoding="utf-8") as mounts:
        points = [line.split()[1] for line in mounts if line.split()[1].startswith(prefix)]
    for point in sorted(points, key=len, reverse=True):
        subprocess.run(["umount", "-l", point], check=False)


@contextmanager
def mounted_proc(root: Path) -> Iterator[None]:
    mount_proc(root)
    try:
        yield
    finally:
        unmount_all_under(root)
