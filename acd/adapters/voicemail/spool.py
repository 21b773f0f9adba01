"""Reads Asterisk's voicemail spool: <spool>/voicemail/<context>/<box>/<folder>/msgNNNN.txt
(an INI-like ``[message]`` section: callerid, origtime, duration...) beside the audio
file msgNNNN.wav. Reading only: Asterisk owns the files."""

from __future__ import annotations

import configparser
from dataclasses import dataclass
from pathlib import Path

FOLDERS = ("INBOX", "Old", "Urgent")


class MessageError(Exception):
    """A message file that cannot be read: the path says which."""


@dataclass(frozen=True)
class Message:
    mailbox: str
    folder: str
    number: int  # NNNN of msgNNNN
    received_at: float  # epoch seconds (origtime)
    caller_id: str  # as Asterisk wrote it: "Name" <number>
    duration_s: int
    audio: Path | None  # the recording; None if Asterisk has not written it (yet)


def read_messages(spool: Path, context: str = "acd", mailbox: str = "") -> list[Message]:
    """Every message of the context (or of one mailbox), oldest first."""
    root = spool / "voicemail" / context
    boxes = [root / mailbox] if mailbox else sorted(p for p in root.glob("*") if p.is_dir())
    messages = [
        _message(box.name, folder, path)
        for box in boxes
        for folder in FOLDERS
        for path in sorted((box / folder).glob("msg[0-9][0-9][0-9][0-9].txt"))
    ]
    return sorted(messages, key=lambda m: (m.received_at, m.mailbox, m.number))


def _message(mailbox: str, folder: str, path: Path) -> Message:
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(path.read_text(encoding="utf-8", errors="replace"), str(path))
        fields = parser["message"]
        received_at = float(fields.get("origtime", "0"))
        duration = int(fields.get("duration", "0"))
    except (configparser.Error, KeyError, ValueError, OSError) as exc:
        raise MessageError(f"{path}: not a voicemail message file ({exc})") from None
    audio = next(
        (p for p in sorted(path.parent.glob(f"{path.stem}.*")) if p.suffix != ".txt"), None
    )
    return Message(
        mailbox=mailbox,
        folder=folder,
        number=int(path.stem[3:]),
        received_at=received_at,
        caller_id=fields.get("callerid", ""),
        duration_s=duration,
        audio=audio,
    )
