"""AmiClient against a scripted fake Asterisk: logins, drops, half-open sockets, garbage,
oversized and truncated frames, raising subscribers, and the never-re-send rule."""

from __future__ import annotations

import asyncio
import hashlib
import itertools
import logging
from collections.abc import AsyncIterator

import pytest

from acd.asterisk.ami import (
    AmiActionFailed,
    AmiClient,
    AmiDisconnected,
    AmiEncodeError,
    AmiLoginFailed,
    AmiNotConnected,
    AmiState,
    AmiTimeout,
    Event,
)
from tests.fakes.ami_peer import (
    CHALLENGE,
    Events,
    FakeAmiPeer,
    PeerConnection,
    ReceivedAction,
    States,
    frame,
    make_client,
)

S = AmiState


@pytest.fixture
async def peer() -> AsyncIterator[FakeAmiPeer]:
    async with FakeAmiPeer() as fake:
        yield fake


async def started(client: AmiClient) -> States:
    states = States()
    client.on_state(states)
    await client.start()
    await client.wait_connected(timeout=5)
    return states


# -- login -----------------------------------------------------------------------------


async def test_plain_login_then_action(peer: FakeAmiPeer) -> None:
    client = make_client(peer, auth="plain", events="off")
    states = await started(client)
    response = await client.action("CoreSettings")
    assert response.get("AsteriskVersion") == "22.1.0"
    assert client.asterisk_version == "9.0.0"
    login = peer.actions("Login")[0]
    assert (login.get("Username"), login.get("Secret"), login.get("Events")) == (
        "acd",
        "s3cret",
        "off",
    )
    assert login.get("AuthType") is None
    assert states.items == [S.CONNECTED]
    await client.close()
    assert states.items == [S.CONNECTED, S.DISCONNECTED, S.CLOSED]


async def test_md5_login_never_sends_the_secret(peer: FakeAmiPeer) -> None:
    client = make_client(peer, auth="md5")
    await started(client)
    assert [a.name for a in peer.received[:2]] == ["Challenge", "Login"]
    assert peer.received[0].get("AuthType") == "MD5"
    login = peer.received[1]
    assert login.get("Key") == hashlib.md5((CHALLENGE + "s3cret").encode()).hexdigest()
    assert login.get("Secret") is None
    assert all("s3cret" not in v for a in peer.received for _, v in a.fields)
    await client.close()


async def test_refused_login_is_typed_and_retried_with_growing_backoff(
    peer: FakeAmiPeer,
) -> None:
    client = make_client(peer, secret="wrong", auth="md5", backoff_initial=0.02, backoff_max=0.08)
    states = States()
    client.on_state(states)
    await client.start()
    with pytest.raises(AmiLoginFailed, match="Authentication failed") as failed:
        await client.wait_connected(timeout=5)
    assert failed.value.response is not None
    await peer.wait_for(lambda: len(peer.connections) >= 5)
    opened = [c.opened_at for c in peer.connections[:5]]
    gaps = [b - a for a, b in itertools.pairwise(opened)]
    # Equal jitter: the n-th wait is at least half its ceiling, initial * 2**(n-1),
    # and never more than backoff_max (plus scheduling slack).
    for n, gap in enumerate(gaps, start=1):
        assert gap >= 0.9 * min(0.08, 0.02 * 2**n) / 2, gaps
        assert gap <= 0.08 + 0.15, gaps  # (+ slack for a loaded CI machine)
    assert gaps[2] > gaps[0]
    assert states.items.count(S.LOGIN_FAILED) >= 4
    assert S.CONNECTED not in states.items
    assert not client.connected
    await client.close()


async def test_event_filters_are_in_place_before_events_are_turned_on(
    peer: FakeAmiPeer,
) -> None:
    client = make_client(peer, events="call,agent", event_filters=("Event: Hangup", "!VarSet"))
    await started(client)
    sent = [(a.name, a.get("Events"), a.get("Filter"), a.get("EventMask")) for a in peer.received]
    assert sent == [
        ("Login", "off", None, None),
        ("Filter", None, "Event: Hangup", None),
        ("Filter", None, "!VarSet", None),
        ("Events", None, None, "call,agent"),
    ]
    assert all(f.get("Operation") == "Add" for f in peer.actions("Filter"))
    await client.close()


async def test_refused_filter_counts_as_a_failed_login(peer: FakeAmiPeer) -> None:
    async def refuse(conn: PeerConnection, action: ReceivedAction) -> None:
        await conn.reply(action, "Error", ("Message", "Permission denied"))

    peer.on("Filter", refuse)
    client = make_client(peer, event_filters=("Event: Hangup",))
    await client.start()
    with pytest.raises(AmiLoginFailed, match="Filter refused: Permission denied"):
        await client.wait_connected(timeout=5)
    assert not client.connected
    await client.close()


async def test_wait_connected_times_out_with_a_timeout_error() -> None:
    async with FakeAmiPeer() as gone:
        port = gone.port  # a port that was just released: connections are refused
    client = AmiClient("127.0.0.1", port, "acd", "x", backoff_initial=0.01, backoff_max=0.02)
    await client.start()
    with pytest.raises(TimeoutError) as raised:
        await client.wait_connected(timeout=0.1)
    assert isinstance(raised.value, AmiTimeout)
    assert isinstance(client.last_error, OSError)
    await client.close()


# -- actions ---------------------------------------------------------------------------


async def test_actions_fail_fast_when_not_connected(peer: FakeAmiPeer) -> None:
    client = make_client(peer)
    with pytest.raises(AmiNotConnected):
        await client.action("CoreSettings")  # never started
    await started(client)
    await client.close()
    with pytest.raises(AmiNotConnected):
        await client.action("CoreSettings")  # closed
    assert len(peer.actions("CoreSettings")) == 0


async def test_error_response_raises_action_failed_and_the_connection_stays(
    peer: FakeAmiPeer,
) -> None:
    client = make_client(peer)
    await started(client)
    with pytest.raises(AmiActionFailed, match="Invalid/unknown command") as failed:
        await client.action("NoSuchAction")
    assert failed.value.response.status == "Error"
    assert (await client.action("CoreSettings")).ok
    assert len(peer.connections) == 1
    await client.close()


async def test_action_timeout_leaves_the_connection_up(peer: FakeAmiPeer) -> None:
    peer.on("Slow", lambda conn, action: None)  # never answers
    client = make_client(peer)
    await started(client)
    loop = asyncio.get_running_loop()
    began = loop.time()
    with pytest.raises(AmiTimeout):
        await client.action("Slow", timeout=0.05)
    assert 0.04 <= loop.time() - began < 1.0
    assert (await client.action("CoreSettings")).ok
    assert len(peer.connections) == 1
    await client.close()


async def test_header_injection_is_refused_before_anything_is_sent(peer: FakeAmiPeer) -> None:
    client = make_client(peer)
    await started(client)
    sent_before = len(peer.received)
    with pytest.raises(AmiEncodeError, match="CR, LF"):
        await client.action("Setvar", {"Variable": "X", "Value": "1\r\n\r\nAction: Originate"})
    assert (await client.action("CoreSettings")).ok
    assert [a.name for a in peer.received[sent_before:]] == ["CoreSettings"]
    await client.close()


async def test_list_action_gathers_its_events_and_leaves_others_to_subscribers(
    peer: FakeAmiPeer,
) -> None:
    async def channels(conn: PeerConnection, action: ReceivedAction) -> None:
        aid = ("ActionID", action.get("ActionID") or "")
        await conn.reply(action, "Success", ("EventList", "start"), ("Message", "follows"))
        await conn.event("CoreShowChannel", aid, ("Channel", "PJSIP/1001-00000001"))
        await conn.event("Newchannel", ("Channel", "PJSIP/1002-00000002"))  # unrelated
        await conn.event("CoreShowChannel", aid, ("Channel", "PJSIP/1003-00000003"))
        await conn.event(
            "CoreShowChannelsComplete", aid, ("EventList", "Complete"), ("ListItems", "2")
        )

    peer.on("CoreShowChannels", channels)
    client = make_client(peer)
    events = Events()
    client.subscribe(events)
    await started(client)
    result = await client.list_action("CoreShowChannels")
    assert result.response.ok
    assert [e.get("Channel") for e in result.events] == [
        "PJSIP/1001-00000001",
        "PJSIP/1003-00000003",
    ]
    assert result.complete is not None
    assert result.complete.get("ListItems") == "2"
    await events.count(1)
    assert events.names == ["Newchannel"]
    await client.close()


async def test_close_fails_pending_actions(peer: FakeAmiPeer) -> None:
    peer.on("Slow", lambda conn, action: None)
    client = make_client(peer)
    states = await started(client)
    pending = asyncio.create_task(client.action("Slow", timeout=30))
    await peer.wait_action("Slow")
    await client.close()
    with pytest.raises(AmiDisconnected):
        await pending
    assert states.items[-1] is S.CLOSED
    await peer.wait_action("Logoff")


# -- drops, half-open sockets, resync --------------------------------------------------


async def test_drop_mid_message_fails_pending_reconnects_and_resyncs(peer: FakeAmiPeer) -> None:
    async def half_then_drop(conn: PeerConnection, action: ReceivedAction) -> None:
        if conn.number == 1:
            await conn.send(b"Response: Success\r\nActionID: " + b"half-a-mess")
            conn.drop()
        else:
            await conn.reply(action, "Success", ("Status", "fine"))

    peer.on("Status", half_then_drop)
    client = make_client(peer)
    states = await started(client)
    with pytest.raises(AmiDisconnected):
        await client.action("Status", timeout=30)
    await states.reached(S.RESYNCED)
    assert states.items == [S.CONNECTED, S.DISCONNECTED, S.CONNECTED, S.RESYNCED]
    assert (await client.action("Status")).get("Status") == "fine"
    assert len(peer.actions("Status")) == 2  # the second is ours, not a re-send
    await client.close()


async def test_every_pending_action_fails_at_once_on_disconnect(peer: FakeAmiPeer) -> None:
    peer.on("Slow", lambda conn, action: None)
    client = make_client(peer)
    await started(client)
    pending = [asyncio.create_task(client.action("Slow", timeout=30)) for _ in range(5)]
    await peer.wait_action("Slow", 5)
    peer.connections[0].drop()
    results = await asyncio.wait_for(asyncio.gather(*pending, return_exceptions=True), 1.0)
    assert all(isinstance(r, AmiDisconnected) for r in results), results
    await client.close()


async def test_pending_originate_is_failed_and_never_resent(peer: FakeAmiPeer) -> None:
    async def originate_then_drop(conn: PeerConnection, action: ReceivedAction) -> None:
        conn.drop()  # Asterisk went away: did it place the call? We cannot know.

    peer.on("Originate", originate_then_drop)
    client = make_client(peer)
    states = await started(client)
    with pytest.raises(AmiDisconnected):
        await client.originate("PJSIP/1001", context="agents", exten="1001", priority=1)
    await states.reached(S.RESYNCED)
    assert (await client.action("CoreSettings")).ok  # anything replayed would come first
    assert len(peer.actions("Originate")) == 1
    assert [a.name for a in peer.received if a.connection == 2] == ["Login", "CoreSettings"]
    await client.close()


async def test_half_open_socket_is_detected_by_the_ping_deadline(peer: FakeAmiPeer) -> None:
    peer.answer_pings = False  # the first connection goes silent but stays open
    client = make_client(peer, ping_interval=0.05, ping_timeout=0.05)
    loop = asyncio.get_running_loop()
    states = States()
    client.on_state(states)
    await client.start()
    await client.wait_connected(timeout=5)
    connected_at = loop.time()
    peer.answer_pings = True  # the reconnection will be healthy
    await states.reached(S.DISCONNECTED)
    silent_for = loop.time() - connected_at
    assert 0.09 <= silent_for <= 0.1 + 0.4, silent_for  # interval + timeout (+ slack)
    await peer.connections[0].closed.wait()  # the client dropped the silent socket
    await states.reached(S.RESYNCED)
    await peer.wait_for(lambda: len(peer.actions("Ping")) >= 3)
    assert [a.connection for a in peer.actions("Ping")][:1] == [1]
    assert states.items[:4] == [S.CONNECTED, S.DISCONNECTED, S.CONNECTED, S.RESYNCED]
    await client.close()


# -- bad input -------------------------------------------------------------------------


async def test_garbage_is_logged_and_skipped(
    peer: FakeAmiPeer, caplog: pytest.LogCaptureFixture
) -> None:
    client = make_client(peer)
    events = Events()
    client.subscribe(events)
    await started(client)
    conn = peer.connections[0]
    await conn.send(b"this is not AMI\r\n\r\nNo-colon-here\r\nEvent: X\r\n\r\n")
    await conn.event("Hangup", ("Channel", "PJSIP/1001-00000001"))
    await events.count(1)
    assert events.names == ["Hangup"]
    assert "line without ': '" in caplog.text
    assert (await client.action("CoreSettings")).ok
    assert len(peer.connections) == 1
    await client.close()


async def test_oversized_frame_resets_the_connection(
    peer: FakeAmiPeer, caplog: pytest.LogCaptureFixture
) -> None:
    client = make_client(peer, max_frame=1024)
    events = Events()
    client.subscribe(events)
    states = await started(client)
    await peer.connections[0].send(frame(("Event", "Huge"), ("Data", "x" * 5000)))
    await states.reached(S.RESYNCED)
    assert "frame exceeds max_frame" in caplog.text
    assert events.names == []
    await peer.connections[1].event("Hangup")
    await events.count(1)
    assert events.names == ["Hangup"]
    await client.close()


async def test_truncated_message_then_close(
    peer: FakeAmiPeer, caplog: pytest.LogCaptureFixture
) -> None:
    peer.on("Slow", lambda conn, action: None)
    client = make_client(peer)
    states = await started(client)
    pending = asyncio.create_task(client.action("Slow", timeout=30))
    await peer.wait_action("Slow")
    conn = peer.connections[0]
    await conn.send(b"Event: Hangup\r\nChannel: PJSIP/10")
    conn.drop()
    with pytest.raises(AmiDisconnected):
        await pending
    await states.reached(S.RESYNCED)
    assert "stream ended inside a frame" in caplog.text
    await client.close()


async def test_utf8_character_split_across_writes(peer: FakeAmiPeer) -> None:
    client = make_client(peer)
    events = Events()
    client.subscribe(events)
    await started(client)
    conn = peer.connections[0]
    name = "Zoë Ångström 日本"
    data = frame(("Event", "Newchannel"), ("CallerIDName", name))
    cut = data.index("日".encode()) + 1  # inside the 3-byte character
    # The first write ends with a whole event, so once it is dispatched the client has
    # read that write; the second write then arrives as a separate read.
    await conn.send(frame(("Event", "Marker")) + data[:cut])
    await events.count(1)
    await conn.send(data[cut:])
    await events.count(2)
    assert events.items[1].get("CallerIDName") == name
    await client.close()


# -- subscribers -----------------------------------------------------------------------


async def test_raising_subscribers_are_isolated(
    peer: FakeAmiPeer, caplog: pytest.LogCaptureFixture
) -> None:
    def explode(event: Event) -> None:
        raise RuntimeError("subscriber bug")

    async def explode_async(event: Event) -> None:
        raise RuntimeError("async subscriber bug")

    client = make_client(peer)
    client.subscribe(explode)
    client.subscribe(explode_async)
    events = Events()
    client.subscribe(events)
    await started(client)
    for n in range(3):
        await peer.connections[0].event("UserEvent", ("N", str(n)))
    await events.count(3)
    assert [e.get("N") for e in events.items] == ["0", "1", "2"]
    assert (await client.action("CoreSettings")).ok
    assert len(peer.connections) == 1
    await client.close()
    errors = [r for r in caplog.records if r.levelno == logging.ERROR and r.exc_info]
    assert any("subscriber bug" in str(r.exc_info[1]) for r in errors if r.exc_info)
    assert any("async subscriber bug" in str(r.exc_info[1]) for r in errors if r.exc_info)


async def test_events_arrive_in_order_by_name_and_async(peer: FakeAmiPeer) -> None:
    client = make_client(peer)
    everything, hangups = Events(), Events()
    seen_async: list[str] = []
    all_async = asyncio.Event()

    async def slow(event: Event) -> None:
        await asyncio.sleep(0)  # yields between events: order must still hold
        seen_async.append(event.get("N") or "")
        if len(seen_async) == 20:
            all_async.set()

    client.subscribe(everything)
    unsubscribe = client.subscribe(hangups, "hangup")
    client.subscribe(slow)
    await started(client)
    conn = peer.connections[0]
    await conn.send(
        b"".join(
            frame(("Event", "Hangup" if n % 2 else "Newstate"), ("N", str(n))) for n in range(20)
        )
    )
    await everything.count(20)
    await asyncio.wait_for(all_async.wait(), 5)
    assert [e.get("N") for e in everything.items] == [str(n) for n in range(20)]
    assert [e.get("N") for e in hangups.items] == [str(n) for n in range(1, 20, 2)]
    assert seen_async == [str(n) for n in range(20)]
    unsubscribe()
    await conn.event("Hangup", ("N", "late"))
    await everything.count(21)
    assert len(hangups.items) == 10
    await client.close()


async def test_a_stuck_async_subscriber_does_not_block_the_reader(
    peer: FakeAmiPeer, caplog: pytest.LogCaptureFixture
) -> None:
    release = asyncio.Event()
    got: list[str] = []

    async def stuck(event: Event) -> None:
        await release.wait()
        got.append(event.get("N") or "")

    client = make_client(peer, max_queued_events=5)
    client.subscribe(stuck)
    events = Events()
    client.subscribe(events)
    await started(client)
    await peer.connections[0].send(
        b"".join(frame(("Event", "Tick"), ("N", str(n))) for n in range(50))
    )
    await events.count(50)  # the reader went on while the async subscriber was stuck
    assert (await client.action("CoreSettings")).ok
    assert "items behind" in caplog.text  # the overflow was logged, not silently lost
    release.set()
    await client.close()  # lets the stuck subscriber drain what it had queued
    assert 5 <= len(got) < 50
    assert got == [str(n) for n in range(len(got))]  # in order, the overflow dropped


async def test_originate_waits_for_its_originate_response(peer: FakeAmiPeer) -> None:
    async def originate(conn: PeerConnection, action: ReceivedAction) -> None:
        aid = ("ActionID", action.get("ActionID") or "")
        await conn.reply(action, "Success", ("Message", "Originate successfully queued"))
        await conn.event("Newchannel", ("Channel", "PJSIP/1001-00000009"))
        await conn.event(
            "OriginateResponse",
            aid,
            ("Response", "Failure"),
            ("Channel", "PJSIP/1001"),
            ("Reason", "3"),
        )

    peer.on("Originate", originate)
    client = make_client(peer)
    events = Events()
    client.subscribe(events)
    await started(client)
    result = await client.originate(
        "PJSIP/1001",
        context="agents",
        exten="1001",
        priority=1,
        variables={"ACD_CALL": "c-42", "ACD_QUEUE": "sales"},
        caller_id="Sales <100>",
        timeout_ms=20_000,
    )
    assert (result.name, result.get("Response"), result.get("Reason")) == (
        "OriginateResponse",
        "Failure",
        "3",
    )
    sent = peer.actions("Originate")[0]
    assert sent.get("Async") == "true"
    assert sent.get("Timeout") == "20000"
    assert sent.get_all("Variable") == ["ACD_CALL=c-42", "ACD_QUEUE=sales"]
    assert sent.get("CallerID") == "Sales <100>"
    await events.count(1)
    assert events.names == ["Newchannel"]  # the OriginateResponse was the answer, not news
    queued = await client.originate("PJSIP/1002", application="Playback", data="beep", wait=False)
    assert queued.message == "Originate successfully queued"
    await client.close()


async def test_originate_refused_raises_action_failed(peer: FakeAmiPeer) -> None:
    async def refuse(conn: PeerConnection, action: ReceivedAction) -> None:
        await conn.reply(action, "Error", ("Message", "Extension does not exist."))

    peer.on("Originate", refuse)
    client = make_client(peer)
    await started(client)
    with pytest.raises(AmiActionFailed, match="Extension does not exist"):
        await client.originate("PJSIP/1001", context="nowhere", exten="1", priority=1)
    with pytest.raises(AmiEncodeError):
        await client.originate("PJSIP/1001", context="agents")  # no exten/priority
    assert len(peer.actions("Originate")) == 1
    await client.close()


async def test_async_state_callbacks_see_states_in_order_and_close_is_final(
    peer: FakeAmiPeer,
) -> None:
    seen: list[AmiState] = []
    closed = asyncio.Event()

    async def on_state(state: AmiState) -> None:
        await asyncio.sleep(0)
        seen.append(state)
        if state is S.CLOSED:
            closed.set()

    client = make_client(peer)
    client.on_state(on_state)
    states = await started(client)
    peer.connections[0].drop()
    await states.reached(S.RESYNCED)
    await client.close()
    await client.close()  # idempotent
    await asyncio.wait_for(closed.wait(), 5)
    assert seen == [S.CONNECTED, S.DISCONNECTED, S.CONNECTED, S.RESYNCED, S.DISCONNECTED, S.CLOSED]
    with pytest.raises(AmiNotConnected):
        await client.start()
    with pytest.raises(AmiNotConnected):
        await client.wait_connected(1)
