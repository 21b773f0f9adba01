"""Starts, stops and inspects the sandbox Asterisk process.

Asterisk runs as root inside the chroot *without* -U/-G: with -U it drops its
capabilities and can no longer read its own config files there (docs/sandbox.md).
It shares the host's network, so AMI, SIP and FastAGI all meet on 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from pathlib import Path

from testbed.sandbox.layout import SandboxLayout
from testbed.sandbox.mounts import mount_proc, unmount_all_under


def running_pid(layout: SandboxLayout) -> int | None:
    """The pid of the sandbox Asterisk if it is alive, else None (a stale pid file is ignored)."""
    try:
        pid = int(layout.pid_file.read_text().strip())
    except (OSError, ValueError):
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    # The pid file may be stale and the pid reused: check it is an Asterisk in *our* chroot.
    return pid if "asterisk" in _cmdline(pid) and _root_of(pid) == layout.rootfs.resolve() else None


def spawn(layout: SandboxLayout) -> int:
    """Starts Asterisk in the background; returns its pid (the boot itself is awaited over AMI)."""
    mount_proc(layout.rootfs)
    layout.state.mkdir(parents=True, exist_ok=True)
    # A control socket left by a killed Asterisk would make the new one refuse to start.
    (layout.rootfs / "var/run/asterisk/asterisk.ctl").unlink(missing_ok=True)
    with open(layout.log_file, "ab") as log:
        proc = subprocess.Popen(
            ["chroot", str(layout.rootfs), "asterisk", "-f", "-n", "-C", layout.asterisk_conf],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # survives the command that started it
        )
    layout.pid_file.write_text(f"{proc.pid}\n")
    return proc.pid


def stop(layout: SandboxLayout, grace_s: float = 10.0, hard: bool = False) -> bool:
    """Stops Asterisk (orderly first, then SIGKILL); returns False if it was not running.

    ``hard`` kills it at once, as a crash would: no hang-ups, no goodbyes on AMI."""
    pid = running_pid(layout)
    if pid is None:
        _cleanup(layout)
        return False
    if not hard:
        cli(layout, "core stop now", timeout_s=grace_s)
    if hard or not _wait_gone(pid, grace_s):
        os.kill(pid, signal.SIGKILL)
        _wait_gone(pid, grace_s)
    _cleanup(layout)
    return True


def cli(layout: SandboxLayout, command: str, timeout_s: float = 10.0) -> str:
    """Runs one Asterisk CLI command over the remote console; returns its output."""
    argv = ["chroot", str(layout.rootfs), "asterisk", "-C", layout.asterisk_conf, "-rx", command]
    try:
        result = subprocess.run(
            argv, capture_output=True, text=True, timeout=timeout_s, check=False
        )
    except subprocess.TimeoutExpired:
        return ""
    return result.stdout


def _wait_gone(pid: int, timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        _reap(pid)
        time.sleep(0.05)  # polling a foreign process: there is no event to await
    return False


def _reap(pid: int) -> None:
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)


def _cleanup(layout: SandboxLayout) -> None:
    layout.pid_file.unlink(missing_ok=True)
    unmount_all_under(layout.rootfs)


def _root_of(pid: int) -> Path | None:
    try:
        return Path(os.readlink(f"/proc/{pid}/root"))
    except OSError:
        return None


def _cmdline(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""
