"""Where the IVR's files are, in ``config/acd.yaml``.

ivr:
  menus: config/ivr          # one file per menu
  sounds: sounds             # operators' recordings
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from acd.core import yamlfile as y
from acd.core.yamlfile import Node


@dataclass(frozen=True)
class IvrSettings:
    """Where the IVR's files are (paths relative to the folder the server runs in)."""

    menus: Path = Path("config/ivr")  # one YAML file per menu (docs/ivr.md)
    sounds: Path = Path("sounds")  # operators' recordings: sounds/<language>/<name>.wav|.mp3


def parse_ivr(node: Node) -> IvrSettings:
    fields = y.mapping(node, set(), {"menus", "sounds"})
    defaults = IvrSettings()
    menus = Path(y.text(fields["menus"])) if "menus" in fields else defaults.menus
    sounds = Path(y.text(fields["sounds"])) if "sounds" in fields else defaults.sounds
    return IvrSettings(menus, sounds)
