"""Builds the sandbox: Asterisk 22 from Debian's packages in a chroot (docs/sandbox.md).

Debian 12 has no Asterisk package but Debian unstable ("sid") has Asterisk 22, so the
sandbox is a minimal sid chroot. It is built once into .cache/sandbox/rootfs.partial and
renamed to rootfs only when complete (the marker file written last), so an interrupted
build is redone, never reused. A rootfs without its marker is such a leftover (or a
folder something else created there too early) and is removed before the build.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

from testbed.sandbox.errors import MissingToolError, NotRootError, ProvisionError
from testbed.sandbox.layout import SandboxLayout
from testbed.sandbox.mounts import mounted_proc, unmount_all_under

log = logging.getLogger(__name__)

PACKAGES = (
    "asterisk",
    "asterisk-modules",
    "asterisk-core-sounds-en-gsm",
    "asterisk-core-sounds-fr-gsm",
    "asterisk-moh-opsound-gsm",
)
# The sid Release file on mirrors can be past its Valid-Until date; the chroot is a test bed.
APT_OPTS = ("-o", "Acquire::Check-Valid-Until=false", "-o", "Acquire::Retries=3")


def require_root() -> None:
    if os.geteuid() != 0:
        raise NotRootError(
            "The sandbox Asterisk runs in a chroot, which needs root. "
            "Run this command as root (for example: sudo make run)."
        )


def require_tool(name: str, package: str) -> None:
    if shutil.which(name) is None:
        raise MissingToolError(
            f"'{name}' is not installed. Install it with: apt-get install {package}"
        )


Builder = Callable[[Path, str], None]  # (folder to fill, Debian mirror URL)


def provision(layout: SandboxLayout, mirror: str, build: Builder | None = None) -> bool:
    """Builds the chroot if it is not there yet; returns True if it built one.

    ``build`` fills a folder with a working chroot (default: debootstrap, then apt-get
    in the chroot); the tests pass their own to check the steps around it."""
    require_root()
    if layout.marker.exists():
        return False
    for unfinished in (layout.partial, layout.rootfs):
        _remove_unfinished(unfinished)
    layout.cache.mkdir(parents=True, exist_ok=True)
    (build or _debian_chroot)(layout.partial, mirror)
    _link_french_sounds(layout.partial)
    (layout.partial / layout.marker.name).write_text(_asterisk_version(layout.partial) + "\n")
    layout.partial.rename(layout.rootfs)
    return True


def _remove_unfinished(root: Path) -> None:
    if not root.exists():
        return
    log.info("removing an unfinished sandbox build at %s", root)
    unmount_all_under(root)
    shutil.rmtree(root)


def _debian_chroot(root: Path, mirror: str) -> None:
    require_tool("debootstrap", "debootstrap")
    log.info("building a Debian sid chroot from %s (about 30 s)", mirror)
    _run("debootstrap", ["debootstrap", "--variant=minbase", "sid", str(root), mirror])
    with mounted_proc(root):
        _chroot(root, "apt-get update", ["apt-get", *APT_OPTS, "update"])
        log.info("installing Asterisk 22 and its French and English sounds (about 30 s)")
        install = ["apt-get", *APT_OPTS, "install", "-y", "--no-install-recommends", *PACKAGES]
        _chroot(root, "apt-get install asterisk", install)


def _link_french_sounds(root: Path) -> None:
    # Debian installs French prompts as fr_CA_f_June without the "fr" alias that
    # CHANNEL(language)=fr looks for.
    sounds = root / "usr/share/asterisk/sounds"
    if not (sounds / "fr").exists():
        (sounds / "fr").symlink_to("fr_CA_f_June")


def _asterisk_version(root: Path) -> str:
    out = subprocess.run(
        ["chroot", str(root), "asterisk", "-V"], capture_output=True, text=True, check=False
    )
    return out.stdout.strip()


def _chroot(root: Path, step: str, argv: list[str]) -> None:
    env = {"DEBIAN_FRONTEND": "noninteractive", "PATH": "/usr/sbin:/usr/bin:/sbin:/bin"}
    _run(step, ["chroot", str(root), *argv], env=env)


def _run(step: str, argv: list[str], env: dict[str, str] | None = None) -> None:
    result = subprocess.run(argv, capture_output=True, text=True, env=env, check=False)
    if result.returncode != 0:
        tail = "\n".join((result.stdout + result.stderr).strip().splitlines()[-15:])
        raise ProvisionError(f"sandbox build step '{step}' failed:\n{tail}")
