"""Builds the sandbox: Asterisk 22 from Debian's packages in a chroot (docs/sandbox.md).

Debian 12 has no Asterisk package but Debian unstable ("sid") has Asterisk 22, so the
sandbox is a minimal sid chroot. It is built once into .cache/sandbox/rootfs.partial and
renamed to rootfs only when complete, so an interrupted build is redone, never reused.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
from pathlib import Path

from acd.sandbox.errors import MissingToolError, NotRootError, ProvisionError
from acd.sandbox.layout import SandboxLayout
from acd.sandbox.mounts import mounted_proc, unmount_all_under

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


def provision(layout: SandboxLayout, mirror: str) -> bool:
    """Builds the chroot if it is not there yet; returns True if it built one."""
    require_root()
    if layout.marker.exists():
        return False
    require_tool("debootstrap", "debootstrap")
    if layout.partial.exists():
        log.info("removing an unfinished sandbox build at %s", layout.partial)
        unmount_all_under(layout.partial)
        shutil.rmtree(layout.partial)
    layout.cache.mkdir(parents=True, exist_ok=True)
    log.info("building a Debian sid chroot from %s (about 30 s)", mirror)
    _run("debootstrap", ["debootstrap", "--variant=minbase", "sid", str(layout.partial), mirror])
    with mounted_proc(layout.partial):
        _chroot(layout.partial, "apt-get update", ["apt-get", *APT_OPTS, "update"])
        log.info("installing Asterisk 22 and its French and English sounds (about 30 s)")
        install = ["apt-get", *APT_OPTS, "install", "-y", "--no-install-recommends", *PACKAGES]
        _chroot(layout.partial, "apt-get install asterisk", install)
    _link_french_sounds(layout.partial)
    (layout.partial / ".acd-provisioned").write_text(_asterisk_version(layout.partial) + "\n")
    layout.partial.rename(layout.rootfs)
    return True


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
