"""A lead file's bytes to text, whatever program wrote it (pure: bytes in, text out)."""

from __future__ import annotations

import codecs


def decode_csv(data: bytes) -> str:
    """The file's text: UTF-8 with or without its byte-order mark; UTF-16 with one
    (Excel's "Unicode text"); else Windows-1252, what French spreadsheets write, which
    is Latin-1 with more letters in 0x80-0x9F (œ, €, curly quotes); else Latin-1.
    Never fails: a byte read wrong shows in a name, and a number with it is rejected."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")
