"""The running server: the composition root that wires settings, the AMI client and the
FastAGI server together (and, as issues land, the ACD engine, journal and HTTP API)."""

from acd.server.app import Server

__all__ = ["Server"]
