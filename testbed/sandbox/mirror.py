"""Finds the Debian mirror this machine already uses, so no host is written into the project.

Reads /etc/apt/sources.list (one-line format) and /etc/apt/sources.list.d/*.list and
*.sources (deb822). The first ``deb`` source whose path ends in ``/debian`` wins; the
ACD_DEBIAN_MIRROR environment variable overrides it (for Ubuntu machines, which have none).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from testbed.sandbox.errors import ProvisionError


def find_debian_mirror(apt_dir: Path = Path("/etc/apt")) -> str:
    override = os.environ.get("ACD_DEBIAN_MIRROR")
    if override:
        return override
    for uri in _deb_uris(apt_dir):
        if uri.rstrip("/").endswith("/debian"):
            return uri
    raise ProvisionError(
        "No Debian mirror found in this machine's apt sources (/etc/apt). "
        "Set ACD_DEBIAN_MIRROR to a Debian mirror URL, for example the one your "
        "organisation uses, and run the command again."
    )


def _deb_uris(apt_dir: Path) -> Iterator[str]:
    files = [apt_dir / "sources.list", *sorted((apt_dir / "sources.list.d").glob("*"))]
    for path in files:
        if not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        yield from _deb822_uris(text) if path.suffix == ".sources" else _one_line_uris(text)


def _one_line_uris(text: str) -> Iterator[str]:
    for line in text.splitlines():
        words = line.split("#", 1)[0].split()
        if len(words) >= 3 and words[0] == "deb":
            # Options in brackets may follow "deb": deb [signed-by=...] URI suite ...
            rest = words[1:]
            while rest and rest[0].startswith("["):
                closing = next((i for i, w in enumerate(rest) if w.endswith("]")), 0)
                rest = rest[closing + 1 :]
            if rest:
                yield rest[0]


def _deb822_uris(text: str) -> Iterator[str]:
    for stanza in text.split("\n\n"):
        fields: dict[str, str] = {}
        for line in stanza.splitlines():
            if ":" in line and not line.startswith((" ", "#")):
                key, value = line.split(":", 1)
                fields[key.strip().lower()] = value.strip()
        if "deb" in fields.get("types", "").split() and fields.get("enabled", "yes") != "no":
            yield from fields.get("uris", "").split()
