"""The running server: the composition root that wires settings, the AMI client, the
FastAGI server, the ACD engine, the journal and the HTTP API together."""

from acd.server.app import Server
from acd.server.errors import ServerError, ServiceDied, StartupError

__all__ = ["Server", "ServerError", "ServiceDied", "StartupError"]
