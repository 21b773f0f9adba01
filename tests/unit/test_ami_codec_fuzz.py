"""Property tests for the AMI codec: it never raises on any input, keeps its buffer
bounded, gives the same items however the input is chunked, and decodes what it
encodes."""

from __future__ import annotations

import itertools
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from acd.asterisk.ami import Action, AmiDecoder, AmiEncodeError, Item, encode_action

MAX_FRAME = 256  # the floor, so that the size limits are reached often
FIXTURES = Path(__file__).parents[1] / "fixtures" / "ami"
SEED_BYTES = [p.read_bytes()[:600] for p in sorted(FIXTURES.glob("*.bin"))]

# Bytes that look like AMI often enough to reach the interesting states: frame ends,
# the banner, the legacy "Follows" form, multi-byte and invalid UTF-8.
ami_ish = st.lists(
    st.sampled_from(
        [
            b"\r\n",
            b"\n",
            b"\r",
            b"\r\n\r\n",
            b": ",
            b"Event: X",
            b"Response: Success",
            b"Response: Follows",
            b"--END COMMAND--",
            b"ActionID: 1",
            b"Asterisk Call Manager/9.0\r\n",
            "é日".encode(),
            b"\xe6\x97",
            b"\xff",
            b"x" * 300,
        ]
    )
    | st.binary(max_size=40),
    max_size=40,
).map(b"".join)
stream = st.one_of(st.binary(max_size=3000), ami_ish, st.sampled_from(SEED_BYTES))


def chunked(data: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({c % (len(data) + 1) for c in cuts})
    bounds = [0, *points, len(data)]
    return [data[a:b] for a, b in itertools.pairwise(bounds)]


def decode(chunks: list[bytes], role: str = "client", *, fast: bool = True) -> list[Item]:
    decoder = AmiDecoder(max_frame=MAX_FRAME, role=role)  # type: ignore[arg-type]
    decoder.fast_path = fast
    items: list[Item] = []
    for chunk in chunks:
        items += decoder.feed(chunk)
        # Bounded memory: never much more than one frame, whatever comes in.
        assert decoder.buffered <= MAX_FRAME + len(b"--END COMMAND--\n\n")
    return items + decoder.feed_eof()


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(data=stream, cuts=st.lists(st.integers(min_value=0), max_size=30))
@example(data=b"Asterisk Call Manager/9\r\nEvent: A\r\n\r\n\r\n", cuts=[26, 27, 28])
@example(data=b"Response: Follows\r\nx\r\n\r\n\r\ny\r\n--END COMMAND--\r\n\r\n", cuts=[21, 24])
@example(data=b"Asterisk Call Manager/" + b"x" * 300 + b"\r\n\r\n", cuts=[257])
def test_any_chunking_gives_the_same_items(data: bytes, cuts: list[int]) -> None:
    assert decode(chunked(data, cuts)) == decode([data])


@settings(max_examples=400)
@given(data=stream, cuts=st.lists(st.integers(min_value=0), max_size=10))
@example(data=b"Asterisk Call Manager/9\r\nEvent: A\r\nMsg: a: b\r\nno sep\r\n\r\n", cuts=[])
def test_fast_path_agrees_with_the_careful_path(data: bytes, cuts: list[int]) -> None:
    """The split-once fast path must give exactly what line-by-line parsing gives."""
    assert decode(chunked(data, cuts)) == decode([data], fast=False)


@settings(max_examples=200)
@given(data=stream)
def test_one_byte_at_a_time_gives_the_same_items(data: bytes) -> None:
    assert decode([data[i : i + 1] for i in range(len(data))]) == decode([data])


@settings(max_examples=200)
@given(data=stream, cuts=st.lists(st.integers(min_value=0), max_size=10))
def test_server_role_never_raises_either(data: bytes, cuts: list[int]) -> None:
    assert decode(chunked(data, cuts), role="server") == decode([data], role="server")


keys = st.from_regex(r"[A-Za-z][A-Za-z0-9_-]{0,15}", fullmatch=True).filter(
    lambda k: k.lower() not in {"action", "actionid"}
)
values = st.text(st.characters(codec="utf-8", exclude_characters="\r\n\x00"), max_size=40)


@settings(max_examples=300)
@given(
    name=keys,
    action_id=values,
    fields=st.lists(st.tuples(keys, values | st.lists(values, min_size=1, max_size=3)), max_size=8),
    cuts=st.lists(st.integers(min_value=0), max_size=10),
)
def test_encode_then_decode_round_trips(
    name: str,
    action_id: str,
    fields: list[tuple[str, str | list[str]]],
    cuts: list[int],
) -> None:
    data = encode_action(name, action_id, fields)
    decoder = AmiDecoder(role="server")
    items: list[Item] = []
    for chunk in chunked(data, cuts):
        items += decoder.feed(chunk)
    expected = [("Action", name), ("ActionID", action_id)]
    for key, value in fields:
        expected += [(key, v) for v in ([value] if isinstance(value, str) else value)]
    assert items == [Action.from_fields(expected)]


@settings(max_examples=300)
@given(
    name=st.text(max_size=20),
    fields=st.dictionaries(st.text(max_size=10), st.text(max_size=20), max_size=5),
)
def test_encode_either_encodes_or_raises_the_documented_error(
    name: str, fields: dict[str, str]
) -> None:
    try:
        data = encode_action(name, "id", fields)
    except AmiEncodeError:
        return
    assert data.endswith(b"\r\n\r\n")
    assert data.count(b"\r\n\r\n") == 1
    assert b"\r" not in data.replace(b"\r\n", b"")
    assert b"\n" not in data.replace(b"\r\n", b"")
