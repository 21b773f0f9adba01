"""The sandbox Asterisk: Asterisk 22 from Debian's packages in a chroot, configured from
the project's own config, for `make run`, the end-to-end tests and the benchmarks."""

from testbed.sandbox.errors import SandboxError
from testbed.sandbox.sandbox import Sandbox, SandboxStatus

__all__ = ["Sandbox", "SandboxError", "SandboxStatus"]
