"""Where the `acd` command finds the project's folders."""

from __future__ import annotations

from pathlib import Path

DEFAULT_CONFIG = Path("config/acd.yaml")


def project_dir() -> Path:
    """The project folder: where config/ and the git-ignored .cache/ and var/ live."""
    return Path.cwd()
