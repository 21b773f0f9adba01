"""`acd voicemail list` reads Asterisk's spool: messages with caller ID and audio file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from acd.cli import main

MESSAGE = """\
;
; Message Information file
;
[message]
origmailbox=500
context=acd-overflow
exten=voicemail
callerid="Customer" <0611000001>
origtime=1795000000
category=
msg_id=1795000000-00000000
flag=
duration=7
"""


def spool_with_one_message(tmp_path: Path) -> Path:
    inbox = tmp_path / "voicemail" / "acd" / "500" / "INBOX"
    inbox.mkdir(parents=True)
    (inbox / "msg0000.txt").write_text(MESSAGE, encoding="utf-8")
    (inbox / "msg0000.wav").write_bytes(b"RIFF")
    return tmp_path


def test_lists_each_message_with_caller_and_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spool = spool_with_one_message(tmp_path)
    assert main(["voicemail", "list", "--spool", str(spool), "--json"]) == 0
    [message] = json.loads(capsys.readouterr().out)["messages"]
    assert (message["mailbox"], message["caller_id"], message["duration_s"]) == (
        "500",
        '"Customer" <0611000001>',
        7,
    )
    assert message["audio"].endswith("INBOX/msg0000.wav")
    assert main(["voicemail", "list", "--spool", str(spool)]) == 0
    assert "0611000001" in capsys.readouterr().out


def test_a_broken_message_file_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spool = spool_with_one_message(tmp_path)
    (spool / "voicemail/acd/500/INBOX/msg0001.txt").write_text("garbage", encoding="utf-8")
    assert main(["voicemail", "list", "--spool", str(spool)]) == 2
    assert "msg0001.txt: not a voicemail message file" in capsys.readouterr().err
