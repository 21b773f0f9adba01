"""Property tests of the FastAGI codec: no input makes it raise, chunking never changes what
it decodes, and what we encode is read back by Asterisk's own argument splitter."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from acd.asterisk.agi import (
    AgiCodec,
    AgiEncodeError,
    Event,
    ProtocolErrorDetected,
    Reply,
    RequestReceived,
    encode_line,
    format_command,
)
from tests.fakes.agi_peer import header_block, parse_agi_args

HEADERS = header_block("inbound?did=100")

# Pieces that steer random streams into every state: headers, replies, 520 blocks, notices,
# split UTF-8, stray CR, overlong runs.
TOKENS = st.sampled_from(
    [
        b"agi_network: yes\n",
        b"agi_arg_1: x\n",
        b"\n",
        b"\r\n",
        b"HANGUP\n",
        b"200 result=1 (a (b)) endpos=3\n",
        b"200 result= (timeout)\n",
        b"510 Invalid or unknown command\n",
        b"520-Invalid command syntax.  Proper usage follows:\n",
        b"usage text.520 End of proper usage.\n",
        b"520 End of proper usage.\n",
        b"100 result=0 Trying...\n",
        b"\xc3",
        b"\xa9",
        b"\xe6\x9d",
        b"\x8e",
        b"\xff",
        b"\x00",
        b"x" * 300,
    ]
)
STREAMS = st.one_of(
    st.binary(max_size=2000), st.lists(TOKENS | st.binary(max_size=20)).map(b"".join)
)


def decode(chunks: list[bytes], *, eof: bool = False) -> list[Event]:
    codec = AgiCodec(max_line=256, max_headers=16, max_reply_lines=8)
    events = [event for chunk in chunks for event in codec.feed(chunk)]
    return events + (codec.feed_eof() if eof else [])


def split(data: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({0, len(data), *(cut % (len(data) + 1) for cut in cuts)})
    return [data[a:b] for a, b in itertools.pairwise(points)]


@settings(max_examples=300, deadline=None)
@given(data=STREAMS, cuts=st.lists(st.integers(min_value=0), max_size=30), prefix=st.booleans())
def test_any_chunking_decodes_the_same_and_never_raises(
    data: bytes, cuts: list[int], prefix: bool
) -> None:
    stream = (HEADERS if prefix else b"") + data
    whole = decode([stream], eof=True)
    assert decode(split(stream, cuts), eof=True) == whole
    errors = [i for i, event in enumerate(whole) if isinstance(event, ProtocolErrorDetected)]
    assert errors in ([], [len(whole) - 1])  # at most one, and nothing after it


@settings(max_examples=100, deadline=None)
@given(data=STREAMS)
def test_one_byte_at_a_time_matches_whole(data: bytes) -> None:
    stream = HEADERS + data
    assert decode([stream[i : i + 1] for i in range(len(stream))]) == decode([stream])


ARG = st.text(st.characters(codec="utf-8", exclude_characters="\r\n\0"), max_size=40)
VERB = st.sampled_from(["SET VARIABLE", "STREAM FILE", "EXEC", "VERBOSE", "GET DATA"])


@settings(max_examples=300, deadline=None)
@given(verb=VERB, args=st.lists(ARG, max_size=10))
def test_encoded_commands_parse_back_as_asterisk_does(verb: str, args: list[str]) -> None:
    line = format_command(verb, *args)
    data = encode_line(line)
    assert data.endswith(b"\n")
    assert data.count(b"\n") == 1
    assert parse_agi_args(data[:-1].decode()) == [*verb.split(), *args]


@settings(max_examples=200, deadline=None)
@given(before=ARG, after=ARG, breaker=st.sampled_from(["\r", "\n", "\0", "\r\n"]))
def test_no_argument_can_smuggle_a_second_command(before: str, after: str, breaker: str) -> None:
    with pytest.raises(AgiEncodeError):
        format_command("SET VARIABLE", "X", before + breaker + after)


@settings(max_examples=300, deadline=None)
@given(value=st.text(st.characters(codec="utf-8", exclude_characters="\n"), max_size=60))
def test_get_variable_values_come_back_intact(value: str) -> None:
    # GET VARIABLE answers "200 result=1 (<raw value>)": any text may sit in the parentheses.
    codec = AgiCodec()
    events = codec.feed(HEADERS + f"200 result=1 ({value})\n".encode())
    assert isinstance(events[0], RequestReceived)
    reply = events[1]
    assert isinstance(reply, Reply)
    assert (reply.result, reply.data) == ("1", value)
