"""Configuration: the typed settings model and the YAML reader that locates errors."""

from acd.core.settings.model import (
    Agent,
    Endpoint,
    Settings,
    SipSettings,
    Trunk,
    load_settings,
    parse_settings,
)
from acd.core.settings.yamlnodes import ConfigError

__all__ = [
    "Agent",
    "ConfigError",
    "Endpoint",
    "Settings",
    "SipSettings",
    "Trunk",
    "load_settings",
    "parse_settings",
]
