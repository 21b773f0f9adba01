"""Errors of the sandbox Asterisk. Each message tells an operator what to do next.

SandboxError
 ├── NotRootError        the chroot needs root
 ├── MissingToolError    debootstrap (or chroot, mount) is not installed
 ├── ProvisionError      building the chroot failed (the failing step is named)
 ├── BootError           Asterisk did not start or did not report FullyBooted in time
 └── StuckChannelsError  channels Asterisk did not end when asked to hang up every call
"""


class SandboxError(Exception):
    """Base of the sandbox's errors."""


class NotRootError(SandboxError):
    pass


class MissingToolError(SandboxError):
    pass


class ProvisionError(SandboxError):
    pass


class BootError(SandboxError):
    pass


class StuckChannelsError(SandboxError):
    pass
