"""The AMI codec on recorded transcripts (real Asterisk 22 and hand-made), whole and one
byte at a time, and on each rule of the wire format."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from acd.asterisk.ami import (
    Action,
    AmiDecoder,
    AmiEncodeError,
    Banner,
    Correlator,
    Done,
    Event,
    Expect,
    Item,
    ProtocolViolation,
    Response,
    encode_action,
)
from acd.asterisk.ami.codec import FieldValue

FIXTURES = Path(__file__).parents[1] / "fixtures" / "ami"
TRANSCRIPTS = sorted(FIXTURES.glob("*.bin"))


def decode_whole(data: bytes, **options: int) -> list[Item]:
    decoder = AmiDecoder(**options)  # type: ignore[arg-type]
    return decoder.feed(data) + decoder.feed_eof()


def decode_bytewise(data: bytes, **options: int) -> list[Item]:
    decoder = AmiDecoder(**options)  # type: ignore[arg-type]
    items: list[Item] = []
    for i in range(len(data)):
        items += decoder.feed(data[i : i + 1])
    return items + decoder.feed_eof()


def violations(items: list[Item]) -> list[ProtocolViolation]:
    return [i for i in items if isinstance(i, ProtocolViolation)]


# -- recorded transcripts --------------------------------------------------------------


def test_there_are_real_and_hand_made_transcripts() -> None:
    names = {p.name for p in TRANSCRIPTS}
    assert {"real_session.bin", "real_events.bin", "handmade_events.bin"} <= names


@pytest.mark.parametrize("path", TRANSCRIPTS, ids=lambda p: p.name)
def test_transcript_whole_equals_one_byte_at_a_time(path: Path) -> None:
    data = path.read_bytes()
    whole = decode_whole(data)
    assert whole == decode_bytewise(data)
    assert isinstance(whole[0], Banner)
    assert len(whole) > 3


@pytest.mark.parametrize("path", sorted(FIXTURES.glob("real_*.bin")), ids=lambda p: p.name)
def test_real_asterisk_transcripts_are_clean_ami(path: Path) -> None:
    items = decode_whole(path.read_bytes())
    assert violations(items) == []
    banner = items[0]
    assert isinstance(banner, Banner)
    assert banner.version.count(".") == 2
    for item in items[1:]:
        assert isinstance(item, Response | Event)
        assert item.fields[0][0] in {"Response", "Event"}


def test_real_session_transcript() -> None:
    items = decode_whole((FIXTURES / "real_session.bin").read_bytes())
    responses = [i for i in items if isinstance(i, Response)]
    by_id = {r.action_id: r for r in responses}
    assert (by_id["rec-1"].get("Challenge") or "").isdigit()
    assert by_id["rec-2"].message == "Authentication accepted"
    assert (by_id["rec-3"].get("asteriskversion") or "").startswith("22.")
    version = by_id["rec-4"]
    assert version.message == "Command output follows"
    assert version.output[0].startswith("Asterisk 22.")
    assert [line.split(":")[0] for line in by_id["rec-5"].output] == [
        "System uptime",
        "Last reload",
    ]
    assert by_id["rec-6"].status == "Error"
    assert not by_id["rec-6"].ok
    assert by_id["rec-7"].get("Ping") == "Pong"
    assert by_id["rec-8"].is_list_start
    complete = next(i for i in items if isinstance(i, Event))
    assert complete.name == "CoreShowChannelsComplete"
    assert complete.action_id == "rec-8"
    assert responses[-1].status == "Goodbye"
    assert responses[-1].ok


def test_real_events_transcript_keeps_utf8() -> None:
    items = decode_whole((FIXTURES / "real_events.bin").read_bytes())
    events = [i for i in items if isinstance(i, Event)]
    assert events[0].name == "FullyBooted"
    mine = next(e for e in events if e.get("UserEvent") == "AcdRecording")
    assert mine.get("Note") == "Zoë ünïcode 日本"
    # Quirk: a UserEvent carries the ActionID of the action that raised it.
    assert mine.action_id is not None


def test_real_originate_failure_is_an_event_and_correlates() -> None:
    """Asterisk 22's OriginateResponse is an *event* that has a "Response:" field."""
    items = decode_whole((FIXTURES / "real_events.bin").read_bytes())
    outcome = next(i for i in items if isinstance(i, Event) and i.name == "OriginateResponse")
    assert outcome.get("Response") == "Failure"
    action_id = outcome.action_id
    assert action_id is not None
    corr = Correlator()
    corr.expect(action_id, Expect.ORIGINATE)
    finished = [
        corr.receive(i)
        for i in items
        if isinstance(i, Response | Event) and i.action_id == action_id
    ]
    done = finished[-1]
    assert isinstance(done, Done)
    assert done.final == outcome
    assert done.response is not None
    assert done.response.message == "Originate successfully queued"
    channels = [i for i in items if isinstance(i, Event) and i.name == "Newchannel"]
    assert len(channels) == 2
    assert len(channels[0].fields) >= 14


def test_hand_made_events_transcript() -> None:
    items = decode_whole((FIXTURES / "handmade_events.bin").read_bytes())
    events = {i.name: i for i in items if isinstance(i, Event)}
    assert events["Newchannel"].get("CallerIDName") == "Zoë Ångström"
    assert events["Newchannel"].get("AccountCode") == ""  # "Key: " is an empty value
    varset = events["VarSet"]
    assert varset.get_all("chanvariable") == ["ACD_CALL=c-42", "ACD_ENTERED=1795472001"]
    assert varset.get("CHANVARIABLE") == "ACD_CALL=c-42"
    # An event whose fields include "Response:" is still an event.
    assert events["OriginateResponse"].get("Response") == "Failure"
    assert events["Hangup"].get("Cause-txt") == "Normal Clearing"  # bare "\n" line ends
    assert events["Newexten"].get("AppData") == "CALLERID(name)=Zo\ufffd"  # bad UTF-8
    [garbage] = violations(items)
    assert garbage.reason == "line without ': '"
    assert not garbage.fatal
    assert garbage.raw.startswith(b"this line is not AMI")
    assert events["QueueMember"].get("Name") == "Agent 1001"


def test_legacy_command_output_may_hold_blank_lines() -> None:
    items = decode_whole((FIXTURES / "handmade_legacy_command.bin").read_bytes())
    assert items[0] == Banner("1.1")
    command = items[2]
    assert isinstance(command, Response)
    assert (command.status, command.action_id, command.ok) == ("Follows", "cmd-1", True)
    assert command.output[0].startswith("Name/username")
    assert command.output[-1].startswith("1 sip peers")
    assert "" in command.output  # the blank line inside the output did not end the frame
    assert isinstance(items[3], Event)
    assert items[3].name == "PeerStatus"
    assert violations(items) == []


# -- framing rules ---------------------------------------------------------------------


def test_bare_newlines_decode_like_crlf() -> None:
    crlf = b"Asterisk Call Manager/9.0.0\r\nEvent: A\r\nX: 1\r\n\r\nEvent: B\r\n\r\n"
    assert decode_whole(crlf) == decode_whole(crlf.replace(b"\r\n", b"\n"))


def test_stray_blank_lines_between_frames_are_ignored() -> None:
    data = b"Asterisk Call Manager/9.0.0\r\n\r\nEvent: A\r\n\r\n\r\n\r\nEvent: B\r\n\r\n"
    items = decode_whole(data)
    assert [type(i) for i in items] == [Banner, Event, Event]
    assert items == decode_bytewise(data)


def test_missing_banner_is_reported_but_frames_still_decode() -> None:
    items = decode_whole(b"Event: A\r\n\r\n")
    assert isinstance(items[0], ProtocolViolation)
    assert items[0].reason == "no AMI banner"
    assert isinstance(items[1], Event)
    assert items[1].name == "A"


def test_frame_without_kind_is_a_violation() -> None:
    [item] = AmiDecoder(role="client").feed(b"Asterisk Call Manager/9\r\nFoo: bar\r\n\r\n")[1:]
    assert isinstance(item, ProtocolViolation)
    assert item.reason == "neither Response nor Event"


def test_kind_key_in_another_case_or_position() -> None:
    items = decode_whole(b"Asterisk Call Manager/9\r\nPrivilege: x\r\nevent: Late\r\n\r\n")
    assert isinstance(items[1], Event)
    assert items[1].name == "Late"


def test_utf8_character_split_between_reads() -> None:
    decoder = AmiDecoder()
    data = "Asterisk Call Manager/9.0\r\nEvent: X\r\nName: 日本\r\n\r\n".encode()
    cut = data.index("本".encode()) + 2
    assert decoder.feed(data[:cut]) == [Banner("9.0")]
    [event] = decoder.feed(data[cut:])
    assert isinstance(event, Event)
    assert event.get("Name") == "日本"


def test_oversized_frame_is_fatal_and_the_decoder_resyncs() -> None:
    data = (
        b"Asterisk Call Manager/9.0\r\n"
        + b"Event: Big\r\nData: "
        + b"x" * 2000
        + b"\r\n\r\nEvent: After\r\n\r\n"
    )
    for items in (decode_whole(data, max_frame=512), decode_bytewise(data, max_frame=512)):
        assert isinstance(items[1], ProtocolViolation)
        assert items[1].fatal
        assert items[1].raw.startswith(b"Event: Big")
        assert isinstance(items[2], Event)
        assert items[2].name == "After"


def test_line_less_flood_keeps_memory_bounded() -> None:
    decoder = AmiDecoder(max_frame=1024)
    fatal = []
    for _ in range(1000):
        fatal += [i for i in decoder.feed(b"A" * 1000) if isinstance(i, ProtocolViolation)]
        assert decoder.buffered <= 1024 + 1
    assert fatal
    assert all(v.fatal for v in fatal if v.reason == "frame exceeds max_frame")
    assert decoder.feed(b"\r\n\r\nEvent: Back\r\n\r\n")[-1] == Event.from_fields(
        [("Event", "Back")]
    )


def test_truncated_frame_at_eof_is_reported() -> None:
    decoder = AmiDecoder()
    assert decoder.feed(b"Asterisk Call Manager/9\r\nEvent: Hangup\r\nChan") == [Banner("9")]
    [item] = decoder.feed_eof()
    assert isinstance(item, ProtocolViolation)
    assert item.reason == "stream ended inside a frame"
    assert item.raw == b"Event: Hangup\nChan"


def test_clean_eof_reports_nothing() -> None:
    decoder = AmiDecoder()
    decoder.feed(b"Asterisk Call Manager/9\r\nEvent: A\r\n\r\n")
    assert decoder.feed_eof() == []


def test_max_frame_has_a_floor() -> None:
    with pytest.raises(ValueError, match="at least 256"):
        AmiDecoder(max_frame=10)


# -- messages --------------------------------------------------------------------------


def test_message_keeps_order_and_repeats_and_is_case_insensitive() -> None:
    event = Event.from_fields(
        [("Event", "VarSet"), ("Variable", "A"), ("variable", "B"), ("Value", "x: y")]
    )
    assert event.fields == (
        ("Event", "VarSet"),
        ("Variable", "A"),
        ("variable", "B"),
        ("Value", "x: y"),
    )
    assert event.get("VARIABLE") == "A"
    assert event["value"] == "x: y"
    assert event.get_all("Variable") == ["A", "B"]
    assert event.get("missing") is None
    assert "missing" not in event
    with pytest.raises(KeyError):
        event["missing"]
    assert list(event) == list(event.fields)
    assert len(event) == 4
    assert event.name == "VarSet"


def test_get_skips_values_that_read_like_the_key() -> None:
    event = Event.from_fields([("Event", "Channel"), ("Note", "Uniqueid"), ("Channel", "X")])
    assert event.get("Channel") == "X"
    assert event.get("channel") == "X"
    assert event.get("Uniqueid") is None
    assert event.get("Uniqueid", "none") == "none"


def test_messages_are_immutable_and_hashable() -> None:
    event = Event.from_fields([("Event", "A")])
    with pytest.raises(AttributeError):
        event.fields = ()  # type: ignore[misc]
    with pytest.raises(AttributeError):
        event.name = "B"  # type: ignore[misc]
    assert {event, Event.from_fields([("Event", "A")])} == {event}
    assert event != Response.from_fields([("Event", "A")])


# -- encoding --------------------------------------------------------------------------


def test_encode_action_layout() -> None:
    fields: dict[str, FieldValue] = {
        "Channel": "PJSIP/1001",
        "Variable": ["A=1", "B=2"],
        "Async": True,
        "Timeout": 30000,
    }
    data = encode_action("Originate", "id-1", fields)
    assert data == (
        b"Action: Originate\r\nActionID: id-1\r\nChannel: PJSIP/1001\r\n"
        b"Variable: A=1\r\nVariable: B=2\r\nAsync: true\r\nTimeout: 30000\r\n\r\n"
    )
    [action] = AmiDecoder(role="server").feed(data)
    assert isinstance(action, Action)
    assert action.name == "Originate"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"Value": "1\r\nAction: Hangup"}, "CR, LF or NUL"),
        ({"Value": "1\nX: y"}, "CR, LF or NUL"),
        ({"Value": "nul\x00"}, "CR, LF or NUL"),
        ({"Variable": ["ok", "bad\r"]}, "CR, LF or NUL"),
        ({"Bad Key": "x"}, "invalid AMI key"),
        ({"Key:": "x"}, "invalid AMI key"),
        ({"": "x"}, "invalid AMI key"),
        ({"ActionID": "mine"}, "set by the client"),
        ({"action": "Hangup"}, "set by the client"),
        ({"Value": 1.5}, "must be str, int, bool"),
        ({"Value": "\ud800"}, "not encodable"),
    ],
)
def test_encode_rejects_what_could_inject_or_break(fields: dict[str, object], message: str) -> None:
    with pytest.raises(AmiEncodeError, match=message):
        encode_action("Setvar", "id-1", fields)  # type: ignore[arg-type]


def test_encode_rejects_a_bad_action_name_or_id() -> None:
    with pytest.raises(AmiEncodeError):
        encode_action("Ping\r\nAction: Originate", "id")
    with pytest.raises(AmiEncodeError):
        encode_action("Ping", "id\n")
    assert isinstance(AmiEncodeError("x"), ValueError)


# -- the fast path and the purity of the codec ----------------------------------------


def test_ordinary_frames_take_the_fast_path(monkeypatch: pytest.MonkeyPatch) -> None:
    decoder = AmiDecoder()
    careful: list[bytes] = []
    original = AmiDecoder._emit

    def spy(self: AmiDecoder, raw: bytes, out: list[Item]) -> None:
        careful.append(raw)
        original(self, raw, out)

    monkeypatch.setattr(AmiDecoder, "_emit", spy)
    data = (FIXTURES / "real_events.bin").read_bytes()
    items = decoder.feed(data)
    assert len(items) > 10
    assert careful == []
    # A value holding ": " does, and parses the same way Asterisk means it.
    [event] = decoder.feed(b"Event: X\r\nMessage: Error: no such thing\r\n\r\n")
    assert careful == [b"Event: X\nMessage: Error: no such thing"]
    assert isinstance(event, Event)
    assert event.get("Message") == "Error: no such thing"


def test_nul_bytes_take_the_careful_path_and_survive() -> None:
    [_, event] = decode_whole(b"Asterisk Call Manager/9\r\nEvent: X\r\nV: a\x00b\r\n\r\n")
    assert isinstance(event, Event)
    assert event.get("V") == "a\x00b"


PURE_MODULES = ["codec", "frames", "encoding", "message", "correlate", "originate", "errors"]


@pytest.mark.parametrize("name", PURE_MODULES)
def test_pure_modules_import_no_io(name: str) -> None:
    """The codec and its helpers stay sans-I/O, also through what they import."""
    package = Path(__file__).parents[2] / "acd" / "asterisk" / "ami"
    forbidden = {"asyncio", "socket", "selectors", "ssl", "sqlite3", "threading"}
    seen: set[str] = set()
    todo = [name]
    while todo:
        module = todo.pop()
        if module in seen:
            continue
        seen.add(module)
        tree = ast.parse((package / f"{module}.py").read_text())
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for imported in names:
                assert imported.split(".")[0] not in forbidden, f"{module} imports {imported}"
                if imported.startswith("acd.asterisk.ami."):
                    todo.append(imported.rsplit(".", 1)[1])
    assert seen <= set(PURE_MODULES)
