"""The callbacks section of acd.yaml: parsed, or refused with file, line and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from acd.core.settings import ConfigError, load_settings

BASE = """\
asterisk:
  ami: {username: acd}
  agi: {}
  sip: {}
trunks:
  - {name: carrier, match: [127.0.0.2/32]}
agents:
  - {id: "1001", name: Alice}
callbacks:
"""


def load(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "acd.yaml"
    path.write_text(BASE + text, encoding="utf-8")
    return path


def test_the_lists_are_read_beside_the_file_and_numbers_made_e164(tmp_path: Path) -> None:
    (tmp_path / "dnc.txt").write_text("# opted out\n06 12 34 56 78\n", encoding="utf-8")
    settings = load_settings(
        load(
            tmp_path,
            """\
  trunk: carrier
  caller_id: "01 70 00 00 00"
  do_not_call: [dnc.txt]
""",
        )
    )
    callbacks = settings.callbacks
    assert (callbacks.trunk, callbacks.caller_id, callbacks.calling_hours) == (
        "carrier",
        "+33170000000",
        "legal",
    )
    assert callbacks.do_not_call.forbids("+33612345678")


@pytest.mark.parametrize(
    ("text", "key", "message"),
    [
        ("  trunk: nowhere\n", "callbacks.trunk", "no trunk named 'nowhere'"),
        ("  trunk: carrier\n  country: XX\n", "callbacks.country", "unknown country 'XX'"),
        ("  trunk: carrier\n  caller_id: hello\n", "callbacks.caller_id", "not a phone number"),
        (
            "  trunk: carrier\n  calling_hours: night\n",
            "callbacks.calling_hours",
            "no calendar named 'night'",
        ),
        (
            "  trunk: carrier\n  do_not_call: [missing.txt]\n",
            "callbacks.do_not_call",
            "cannot read the do-not-call list missing.txt",
        ),
        (
            "  trunk: carrier\n  do_not_call: [bad.txt]\n",
            "callbacks.do_not_call",
            "bad.txt:2: 'call me' is not a phone number",
        ),
    ],
)
def test_mistakes_are_refused_with_file_line_and_key(
    tmp_path: Path, text: str, key: str, message: str
) -> None:
    (tmp_path / "bad.txt").write_text("0612345678\ncall me\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_settings(load(tmp_path, text))
    assert caught.value.key == key
    assert caught.value.file.endswith("acd.yaml")
    assert caught.value.line > 9
    assert message in caught.value.message
