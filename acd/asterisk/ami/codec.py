"""The AMI wire codec, sans I/O: bytes in, messages out (here); actions in, bytes out
(`encode_action`, from encoding.py).

AMI (Asterisk's main/manager.c) is line based: the server first sends one banner line,
"Asterisk Call Manager/X.Y.Z\\r\\n"; after that every message is a frame of "Key: Value\\r\\n"
lines ended by an empty line. The decoder is liberal (bare "\\n" line ends are accepted,
every CR is dropped) and the encoder strict (always "\\r\\n", no CR/LF in a value).

Guarantees the rest of the project builds on:

* Text is decoded only from whole frames, so a UTF-8 character split across reads
  survives; invalid UTF-8 becomes U+FFFD, never an exception.
* Memory is bounded: a frame (or a line-less flood) longer than `max_frame` bytes is cut
  off and reported as a *fatal* `ProtocolViolation`; the decoder then skips to the next
  frame boundary.
* `feed` never raises. Input that is not AMI comes back as a `ProtocolViolation` item.
* The output does not depend on how the input was chunked.

This module imports no asyncio, socket or database code (tests/unit/test_ami_codec.py
checks the imports of every pure AMI module).
"""

from __future__ import annotations

from typing import Literal

from acd.asterisk.ami.encoding import FieldValue, encode_action
from acd.asterisk.ami.frames import (
    FOLLOWS,
    FOLLOWS_END,
    MARK,
    not_ami,
    parse_frame,
    parse_marked,
    too_big,
)
from acd.asterisk.ami.message import Banner, Item, ProtocolViolation

DEFAULT_MAX_FRAME = 64 * 1024
BANNER_PREFIX = b"Asterisk Call Manager/"

__all__ = ["DEFAULT_MAX_FRAME", "AmiDecoder", "FieldValue", "encode_action"]


class AmiDecoder:
    """Turns a byte stream into AMI items. One instance per connection.

    `role="client"` expects the banner, then responses and events; `role="server"` (used
    by fake peers and round-trip tests) expects actions and no banner.
    """

    def __init__(
        self, *, role: Literal["client", "server"] = "client", max_frame: int = DEFAULT_MAX_FRAME
    ) -> None:
        if max_frame < 256:
            raise ValueError("max_frame must be at least 256 bytes")
        self.max_frame = max_frame
        self._client = role == "client"
        self._rest = bytearray()  # an incomplete frame: "\n" line ends, no leading "\n"
        self._scan_from = 0  # bytes of _rest already known to hold no frame end
        self._want_banner = self._client
        self._skip_until: bytes | None = None  # after an oversized frame: its terminator
        self.fast_path = True  # tests turn it off to compare with the careful path

    @property
    def buffered(self) -> int:
        """Bytes held for an incomplete frame (at most max_frame + one read)."""
        return len(self._rest)

    def feed(self, data: bytes) -> list[Item]:
        """Take the next bytes from the peer; return every item they complete."""
        out: list[Item] = []
        if data:
            # Liberal line ends: drop every CR, so "\r\n" and a bare "\n" both end a line.
            # (A lone CR means nothing in AMI; deleting bytes is 3x cheaper than
            # replacing "\r\n", and a "\r\n" split across two reads needs no care.)
            self._rest += data.translate(None, b"\r")
            if not self._want_banner or self._take_banner(out):
                self._take_frames(out)
        return out

    def feed_eof(self) -> list[Item]:
        """The peer closed the stream: report a frame it left unfinished."""
        out: list[Item] = []
        leftover = bytes(self._rest).strip()
        if leftover and self._skip_until is None:
            out.append(ProtocolViolation("stream ended inside a frame", leftover[:200]))
        self._rest.clear()
        return out

    def _take_banner(self, out: list[Item]) -> bool:
        """Consume the banner line; False while it is still incomplete."""
        rest = self._rest
        eol = rest.find(b"\n")
        if eol < 0 and len(rest) <= self.max_frame:
            return False
        self._want_banner = False
        if 0 <= eol <= self.max_frame and rest.startswith(BANNER_PREFIX):
            version = rest[len(BANNER_PREFIX) : eol].decode("utf-8", "replace").strip()
            out.append(Banner(version))
            del rest[: eol + 1]
        else:  # report the first line only, so that the report does not depend on chunking
            out.append(not_ami("no AMI banner", rest[: eol if eol >= 0 else len(rest)]))
        self._consumed(0)
        return True

    def _take_frames(self, out: list[Item]) -> None:
        rest = self._rest
        if rest.startswith(b"\n") and self._skip_until is None:
            self._consumed(0)  # blank lines between frames (not half of a skip target)
        while rest:
            if self._skip_until is not None and not self._skip():
                return
            if rest.startswith(FOLLOWS):
                if not self._take_one(out):
                    break
                continue
            end = rest.rfind(b"\n\n", self._scan_from)
            if end < 0:
                self._scan_from = max(len(rest) - 1, 0)
                break
            while rest[end - 1] == 10:  # "\n": the run of blank lines goes to _consumed
                end -= 1
            with memoryview(rest) as view:
                block = bytes(view[:end])  # one copy, not two
            if b"\nResponse: Follows" in block:
                self._take_one(out)  # a legacy command reply follows: go frame by frame
                continue
            self._consumed(end)
            self._bulk(block, out)
        self._check_incomplete(out)

    def _take_one(self, out: list[Item]) -> bool:
        """Take one frame (the slow path: legacy command output may hold blank lines, so
        only "--END COMMAND--" ends it). False if it is incomplete."""
        rest = self._rest
        terminator = FOLLOWS_END if rest.startswith(FOLLOWS) else b"\n\n"
        end = rest.find(terminator, self._scan_from)
        if end < 0:
            self._scan_from = max(len(rest) - len(terminator) + 1, 0)
            return False
        end += len(terminator) - 2  # keep "--END COMMAND--" in the frame
        raw = bytes(rest[:end])
        self._consumed(end)
        self._emit(raw, out)
        return True

    def _consumed(self, end: int) -> None:
        """Drop a frame (and the blank lines after it) from the buffer."""
        rest = self._rest
        del rest[:end]
        if rest.startswith(b"\n"):
            del rest[: len(rest) - len(rest.lstrip(b"\n"))]
        self._scan_from = 0

    def _skip(self) -> bool:
        """Drop the rest of an oversized frame; True once its end is reached."""
        assert self._skip_until is not None
        rest = self._rest
        end = rest.find(self._skip_until)
        if end < 0:
            keep = len(self._skip_until) - 1  # the end may straddle two reads
            del rest[: max(len(rest) - keep, 0)]
            return False
        self._consumed(end + len(self._skip_until))
        self._skip_until = None
        return True

    def _check_incomplete(self, out: list[Item]) -> None:
        """Cut off a frame that has grown past max_frame before its end arrived."""
        rest = self._rest
        size = len(rest) - rest.endswith(b"\n")  # a final "\n" may be half the boundary
        if size > self.max_frame and self._skip_until is None:
            out.append(too_big(rest))
            self._skip_until = FOLLOWS_END if rest.startswith(FOLLOWS) else b"\n\n"
            self._skip()

    def _bulk(self, block: bytes, out: list[Item]) -> None:
        """A run of whole frames separated by blank lines."""
        if self.fast_path and b"\x00" not in block:
            # Mark every line end in one pass over the block; frames then end at two
            # marks in a row. See frames.parse_marked for why marks make parsing cheap.
            marked = block.replace(b"\n", MARK).split(MARK + MARK)
            if max(map(len, marked)) <= self.max_frame:  # marked >= raw: sizes are fine
                self._fast(marked, out)
                return
        for raw in block.split(b"\n\n"):
            raw = raw.strip(b"\n")  # runs of blank lines between frames
            if raw:
                self._emit(raw, out)

    def _fast(self, marked: list[bytes], out: list[Item]) -> None:
        parse_marked(marked, out, client=self._client, careful=self._emit)

    def _emit(self, raw: bytes, out: list[Item]) -> None:
        """One frame, the careful way (also the reference the fast path must agree with)."""
        out.append(parse_frame(raw, client=self._client, max_frame=self.max_frame))
