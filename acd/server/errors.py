"""Why the server stopped serving. Each message is one line an operator can act on.

ServerError
 ├── StartupError    a service could not start (a port taken, Asterisk unreachable,
 │                   the AMI login refused); nothing was left running
 └── ServiceDied     a task the server cannot run without (the engine's owner, the menu
                     watcher, the recovery after a connect) failed or ended
"""

from __future__ import annotations


class ServerError(Exception):
    """Base of the server's errors."""


class StartupError(ServerError):
    pass


class ServiceDied(ServerError):
    pass
