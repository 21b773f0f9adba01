"""The test phones' mu-law encoder against G.711's table points."""

from __future__ import annotations

from testbed.phones.audio import tone_frames, ulaw


def test_ulaw_reference_points() -> None:
    assert ulaw(0) == 0xFF
    assert ulaw(-1) == 0x7F
    assert ulaw(32767) == 0x80
    assert ulaw(-32768) == 0x00


def test_a_tone_is_twenty_millisecond_frames() -> None:
    frames = tone_frames(100)
    assert [len(f) for f in frames] == [160] * 5
    assert len(set(frames[0])) > 10  # not silence
