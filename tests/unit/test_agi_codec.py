"""The FastAGI codec against recorded bytes, byte-at-a-time feeding, limits and encoding."""

from __future__ import annotations

import ast
import random
from pathlib import Path

import pytest

from acd.asterisk.agi import (
    MAX_COMMAND_BYTES,
    AgiCodec,
    AgiEncodeError,
    ConnectionClosed,
    Event,
    HangupNotified,
    ProtocolErrorDetected,
    Reply,
    RequestReceived,
    encode_line,
    format_command,
    quote_arg,
)
from tests.fakes.agi_peer import header_block, parse_agi_args

FIXTURES = Path(__file__).parent.parent / "fixtures" / "agi"
TRANSCRIPTS = sorted(FIXTURES.glob("*.bin"))
HEADERS = header_block("inbound?did=100")


def feed_whole(data: bytes, codec: AgiCodec | None = None) -> list[Event]:
    return (codec or AgiCodec()).feed(data)


def feed_bytewise(data: bytes) -> list[Event]:
    codec = AgiCodec()
    return [event for i in range(len(data)) for event in codec.feed(data[i : i + 1])]


def replies(events: list[Event]) -> list[Reply]:
    return [event for event in events if isinstance(event, Reply)]


def after_headers(data: bytes) -> list[Event]:
    events = AgiCodec().feed(HEADERS + data)
    assert isinstance(events[0], RequestReceived)
    return events[1:]


# --- recorded transcripts -------------------------------------------------------------


def test_there_are_transcripts() -> None:
    assert len(TRANSCRIPTS) >= 4


@pytest.mark.parametrize("path", TRANSCRIPTS, ids=lambda p: p.stem)
def test_transcript_whole_equals_one_byte_at_a_time(path: Path) -> None:
    data = path.read_bytes()
    whole = feed_whole(data)
    assert whole == feed_bytewise(data)
    assert isinstance(whole[0], RequestReceived)
    assert not any(isinstance(event, ProtocolErrorDetected) for event in whole)


@pytest.mark.parametrize("path", TRANSCRIPTS, ids=lambda p: p.stem)
def test_transcript_random_chunkings_agree(path: Path) -> None:
    data = path.read_bytes()
    expected = feed_whole(data)
    rng = random.Random(path.stem)
    for _ in range(20):
        codec, events, at = AgiCodec(), [], 0
        while at < len(data):
            step = rng.randint(1, 40)
            events += codec.feed(data[at : at + step])
            at += step
        assert events == expected


def test_inbound_session_request() -> None:
    request = feed_whole((FIXTURES / "inbound_session.bin").read_bytes())[0]
    assert isinstance(request, RequestReceived)
    assert request.script == "inbound"
    assert request.query == {"did": "100", "lang": "fr"}
    assert request.args == ("100", "sales queue")
    assert request.channel == "PJSIP/trunk-00000001"
    assert request.uniqueid == "1732398000.1"
    assert request.callerid == "+33142000000"
    assert request.dnid == "100"
    assert request.context == "from-trunk"
    assert request.extension == "100"
    assert request.headers["agi_accountcode"] == ""
    assert request.get("network") == "yes"
    assert request.get("agi_request") == "agi://127.0.0.1:4573/inbound?did=100&lang=fr"


def test_inbound_session_replies() -> None:
    events = feed_whole((FIXTURES / "inbound_session.bin").read_bytes())
    got = [(r.code, r.result, r.data, dict(r.extras)) for r in replies(events)]
    assert got[:10] == [
        (200, "0", None, {}),
        (200, "0", None, {"endpos": "24807"}),
        (200, "49", None, {"endpos": "8640"}),
        (200, "123", None, {}),
        (200, "4", "timeout", {}),
        (200, "", "timeout", {}),
        (200, "35", None, {}),
        (200, "0", None, {}),
        (200, "1", "sales (vip) endpos=3", {}),
        (200, "0", None, {}),
    ]
    assert got[12] == (200, "35", "dtmf", {"endpos": "16000"})
    assert isinstance(events[-1], HangupNotified)


def test_usage_520_is_consumed_whole_and_keeps_the_stream_in_step() -> None:
    events = feed_whole((FIXTURES / "usage_520.bin").read_bytes())
    got = replies(events)
    assert [r.code for r in got] == [520, 200, 520, 510, 520, 100, 200]
    assert got[0].usage == (
        "Stream the given <replaceable>file</replaceable>, and receive DTMF data.\n"
        "\n"
        "Returns the digits received from the channel at the other end."
    )
    assert got[0].lines[-1] == "520 End of proper usage."
    assert got[1].data == "after usage"
    assert got[2].usage == " Usage: WAIT FOR DIGIT <timeout>"
    assert got[4].usage == ""
    assert not got[5].is_final
    assert got[6].is_final


def test_hangup_mid_command() -> None:
    events = after_headers((FIXTURES / "hangup_mid_command.bin").read_bytes().split(b"\n\n", 1)[1])
    assert events[1] == Reply(200, "-1", None, {"endpos": "5120"}, ("200 result=-1 endpos=5120",))
    assert isinstance(events[2], HangupNotified)
    assert isinstance(events[3], Reply)
    assert events[3].code == 511


@pytest.mark.parametrize(
    ("name", "caller_name"),
    [("real_asterisk22_session.bin", "Zoé"), ("real_asterisk22_latin1_callerid.bin", "Zo\ufffd")],
)
def test_real_asterisk_22_recordings(name: str, caller_name: str) -> None:
    path = FIXTURES / name
    if not path.exists():
        pytest.skip(f"{name} not recorded here")
    events = feed_whole(path.read_bytes())
    request = events[0]
    assert isinstance(request, RequestReceived)
    assert (request.script, request.query, request.calleridname) == (
        "inbound",
        {"did": "100"},
        caller_name,
    )
    assert (request.get("version") or "").startswith("22.")
    kinds = [e.code if isinstance(e, Reply) else type(e).__name__ for e in events[1:]]
    assert kinds == [200, 200, 200, 200, 510, 520, 200, 200, "HangupNotified", 511, 511]
    usage = replies(events)[5]
    # Asterisk 22.10.1 ends the usage block on a line of its own.
    assert usage.lines[-1] == "520 End of proper usage."
    assert usage.usage.startswith("Send the given file, allowing playback to be interrupted")
    assert replies(events)[6].extras == {"endpos": "11360"}


def test_utf8_caller_name_survives_every_split() -> None:
    data = (FIXTURES / "utf8_callerid.bin").read_bytes()
    name = "Zoë Çaçà \u2013 李雷"
    start = data.index(name.encode())
    for cut in range(start, start + len(name.encode()) + 1):
        codec = AgiCodec()
        events = codec.feed(data[:cut]) + codec.feed(data[cut:])
        request = events[0]
        assert isinstance(request, RequestReceived)
        assert request.calleridname == name
        assert events[1:] == [HangupNotified()]


# --- decoding rules -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "result", "data", "extras"),
    [
        ("200 result=1", "1", None, {}),
        ("200 result=-1", "-1", None, {}),
        ("200 result=1 (timeout)", "1", "timeout", {}),
        ("200 result=1 ()", "1", "", {}),
        ("200 result=1 (a b ) endpos=5", "1", "a b ", {"endpos": "5"}),
        ("200 result=1 (digit) digit=5 endpos=0", "1", "digit", {"digit": "5", "endpos": "0"}),
        ("200 result=1 (x) y=1)", "1", "x) y=1", {}),
        ("200 result=0 Gosub complete", "0", None, {}),
        ("200 result=-1 Gosub label not found", "-1", None, {}),
        ("503 result=-2 Memory allocation failure", "-2", None, {}),
        ("510 Invalid or unknown command", None, None, {}),
        ("200", None, None, {}),
    ],
)
def test_reply_line_parsing(
    line: str, result: str | None, data: str | None, extras: dict[str, str]
) -> None:
    (reply,) = after_headers(line.encode() + b"\n")
    assert isinstance(reply, Reply)
    assert (reply.result, reply.data, dict(reply.extras), reply.lines) == (
        result,
        data,
        extras,
        (line,),
    )


def test_crlf_line_endings_are_tolerated() -> None:
    events = AgiCodec().feed(HEADERS.replace(b"\n", b"\r\n") + b"200 result=1\r\n")
    assert isinstance(events[0], RequestReceived)
    assert events[0].script == "inbound"
    assert replies(events)[0].result == "1"


def test_invalid_utf8_is_replaced_not_fatal() -> None:
    events = AgiCodec().feed(
        header_block(calleridname="Ren\xe9").replace(b"Ren\xc3\xa9", b"Ren\xe9")
    )
    assert isinstance(events[0], RequestReceived)
    assert events[0].calleridname == "Ren\ufffd"


def test_script_falls_back_on_the_request_url() -> None:
    data = b"agi_network: yes\nagi_request: agi://127.0.0.1:4573/ivr/main/?x=1&y=%2B2\n\n"
    (request,) = AgiCodec().feed(data)
    assert isinstance(request, RequestReceived)
    assert (request.script, request.query, request.args) == ("ivr/main", {"x": "1", "y": "+2"}, ())


def test_a_plus_in_a_parameter_stays_a_plus() -> None:
    data = b"agi_network: yes\nagi_network_script: inbound?did=+33170000000\n\n"
    (request,) = AgiCodec().feed(data)
    assert isinstance(request, RequestReceived)
    assert request.query == {"did": "+33170000000"}  # parse_qsl would give " 33170000000"


@pytest.mark.parametrize(
    ("script", "reason"),
    [
        ("inbound?did=100&PJSIP/0899123456", "has no '='"),  # a dialled "number" with an &
        ("inbound?did=100&did=0899123456", "'did' given twice"),
    ],
)
def test_a_forged_or_unencoded_query_is_refused(script: str, reason: str) -> None:
    data = f"agi_network: yes\nagi_network_script: {script}\n\n".encode()
    (event,) = AgiCodec().feed(data)
    assert isinstance(event, ProtocolErrorDetected)
    assert reason in event.reason


def test_a_header_given_twice_is_refused() -> None:
    data = b"agi_network: yes\nagi_channel: PJSIP/1001-01\nagi_channel: PJSIP/1002-02\n\n"
    (event,) = AgiCodec().feed(data)
    assert isinstance(event, ProtocolErrorDetected)
    assert event.reason == "header agi_channel given twice"


def test_args_are_ordered_by_number_not_by_arrival() -> None:
    data = b"agi_network: yes\nagi_arg_10: j\nagi_arg_2: b\nagi_arg_1: a\n\n"
    (request,) = AgiCodec().feed(data)
    assert isinstance(request, RequestReceived)
    assert request.args == ("a", "b", "j")


def test_absurd_arg_numbers_are_plain_headers_not_a_crash() -> None:
    key = "agi_arg_" + "9" * 5000  # int() refuses strings this long
    (request,) = AgiCodec(max_line=6000).feed(f"agi_arg_1: a\n{key}: b\n\n".encode())
    assert isinstance(request, RequestReceived)
    assert request.args == ("a",)
    assert request.headers[key] == "b"


def test_eof_is_an_event_once() -> None:
    codec = AgiCodec()
    codec.feed(HEADERS + b"200 res")
    assert codec.feed_eof() == [ConnectionClosed()]
    assert codec.feed_eof() == []
    assert codec.feed(b"ult=1\n") == []


# --- garbage and bounds ---------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        b"\xff\xfe\x00garbage\n\n",
        b"GET / HTTP/1.1\r\nHost: example\r\n\r\n",
        b"\n",
        b"agi_network: yes\n: no key\n\n",
        b"agi network: yes\n\n",
    ],
)
def test_garbage_headers_give_one_protocol_error_then_silence(data: bytes) -> None:
    codec = AgiCodec()
    events = codec.feed(data)
    assert len(events) == 1
    assert isinstance(events[0], ProtocolErrorDetected)
    assert codec.done
    assert codec.feed(HEADERS) == []


def test_garbage_after_headers_is_a_protocol_error() -> None:
    events = after_headers(b"200 result=1\nthis is not agi\n200 result=1\n")
    assert [type(e) for e in events] == [Reply, ProtocolErrorDetected]


def test_line_length_bound_is_exact_whole_or_partial() -> None:
    limit = 64
    ok = b"agi_x: " + b"v" * (limit - 7) + b"\n"
    assert AgiCodec(max_line=limit).feed(ok + b"\n")[0] == RequestReceived(
        {"agi_x": "v" * (limit - 7)}, "", {}, ()
    )
    too_long = b"agi_x: " + b"v" * (limit - 6)
    assert isinstance(AgiCodec(max_line=limit).feed(too_long + b"\n")[0], ProtocolErrorDetected)
    codec = AgiCodec(max_line=limit)
    assert codec.feed(too_long[:-1]) == []
    assert isinstance(codec.feed(too_long[-1:])[0], ProtocolErrorDetected)


def test_header_count_is_bounded() -> None:
    data = b"".join(b"agi_h%d: x\n" % i for i in range(5)) + b"\n"
    assert isinstance(AgiCodec(max_headers=5).feed(data)[0], RequestReceived)
    assert isinstance(AgiCodec(max_headers=4).feed(data)[0], ProtocolErrorDetected)


def test_multiline_reply_is_bounded() -> None:
    codec = AgiCodec(max_reply_lines=3)
    events = codec.feed(HEADERS + b"520-usage\nline\nline\nline\n520 End of proper usage.\n")
    assert isinstance(events[-1], ProtocolErrorDetected)
    ok = AgiCodec(max_reply_lines=3).feed(HEADERS + b"520-usage\nline\nline\n520 End\n")
    assert replies(ok)[0].usage == "line\nline"


def test_a_long_line_fed_bytewise_is_kept_whole() -> None:
    codec = AgiCodec(max_line=200_000)
    codec.feed(HEADERS)
    for _ in range(100_000):  # each feed scans only the new byte for a newline
        codec.feed(b"x")
    assert codec.feed(b"\n") == [ProtocolErrorDetected("unexpected line '" + "x" * 80 + "'")]


# --- encoding -------------------------------------------------------------------------


def test_commands_quote_every_argument() -> None:
    assert format_command("STREAM FILE", "hello-world", "12") == 'STREAM FILE "hello-world" "12"'
    assert format_command("stream file", "a b", "") == 'STREAM FILE "a b" ""'
    assert format_command("SET VARIABLE", 'say "hi"', "c:\\x") == (
        'SET VARIABLE "say \\"hi\\"" "c:\\\\x"'
    )
    assert format_command("WAIT FOR DIGIT", 5000) == 'WAIT FOR DIGIT "5000"'
    assert format_command("ANSWER") == "ANSWER"


@pytest.mark.parametrize("bad", ["a\nb", "a\rb", "a\0b", "\n", 'x"\nHANGUP'])
def test_line_breaks_in_arguments_are_refused(bad: str) -> None:
    with pytest.raises(AgiEncodeError, match="CR, LF or NUL"):
        format_command("SET VARIABLE", "X", bad)
    with pytest.raises(AgiEncodeError):
        quote_arg(bad)
    with pytest.raises(AgiEncodeError):
        encode_line(f"VERBOSE {bad}")


def test_encode_error_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="CR, LF or NUL"):
        encode_line("ANSWER\nHANGUP")


@pytest.mark.parametrize("verb", ["", "STREAM  FILE", "EXEC;", "GET DATA\n", " ANSWER", "NOOP 1"])
def test_bad_verbs_are_refused(verb: str) -> None:
    with pytest.raises(AgiEncodeError):
        format_command(verb)


def test_command_size_matches_asterisk_buffer() -> None:
    fits = "VERBOSE " + "x" * (MAX_COMMAND_BYTES - len("VERBOSE ") - 1)
    assert len(encode_line(fits)) == MAX_COMMAND_BYTES
    with pytest.raises(AgiEncodeError, match="exceeds"):
        encode_line(fits + "x")
    with pytest.raises(AgiEncodeError, match="exceeds"):
        encode_line("VERBOSE " + "é" * 1020)  # 2040 bytes of text, under 2047 characters


def test_word_count_matches_asterisk_max_args() -> None:
    assert parse_agi_args(format_command("EXEC", *["a"] * 126)) == ["EXEC", *["a"] * 126]
    with pytest.raises(AgiEncodeError, match="words"):
        format_command("EXEC", *["a"] * 127)


def test_unencodable_text_is_an_encode_error() -> None:
    with pytest.raises(AgiEncodeError, match="UTF-8"):
        encode_line('VERBOSE "\ud800"')


def test_encoded_arguments_parse_back_like_asterisk() -> None:
    args = ['say "hi"', "back\\slash", "", "tab\there", "  spaces  ", '\\"', "é李"]
    line = format_command("SET VARIABLE", *args)
    assert parse_agi_args(line) == ["SET", "VARIABLE", *args]
    assert encode_line(line).count(b"\n") == 1


# --- the sans-I/O contract ------------------------------------------------------------

PURE_MODULES = ["codec", "events", "errors"]
FORBIDDEN = {"asyncio", "socket", "selectors", "sqlite3", "ssl", "threading"}


@pytest.mark.parametrize("module", PURE_MODULES)
def test_codec_modules_import_no_io(module: str) -> None:
    source = Path(__file__).parents[2] / "acd" / "asterisk" / "agi" / f"{module}.py"
    imported: set[str] = set()
    for node in ast.walk(ast.parse(source.read_text())):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module.split(".")[0])
            if node.module.startswith("acd."):
                assert node.module.split(".")[-1] in PURE_MODULES, node.module
    assert not imported & FORBIDDEN
