"""Where the sandbox keeps its files. All paths derive from one project folder."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

# Inside the chroot: our own config folder, so Debian's sample files stay untouched.
ETC_IN_CHROOT = "/etc/asterisk-acd"


@dataclass(frozen=True)
class SandboxLayout:
    """The cache (chroot, reused across runs, git-ignored) and the state folder (var/)."""

    project: Path

    @property
    def cache(self) -> Path:
        return self.project / ".cache" / "sandbox"

    @property
    def rootfs(self) -> Path:
        return self.cache / "rootfs"

    @property
    def partial(self) -> Path:
        return self.cache / "rootfs.partial"

    @property
    def marker(self) -> Path:
        return self.rootfs / ".acd-provisioned"

    @property
    def state(self) -> Path:
        return self.project / "var" / "sandbox"

    @property
    def pid_file(self) -> Path:
        return self.state / "asterisk.pid"

    @property
    def log_file(self) -> Path:
        return self.state / "asterisk.log"

    @property
    def etc(self) -> Path:
        return self.rootfs / ETC_IN_CHROOT.lstrip("/")

    @property
    def asterisk_conf(self) -> str:
        return f"{ETC_IN_CHROOT}/asterisk.conf"
