"""ActionID correlation (pure), Originate field building, and the backoff schedule."""

from __future__ import annotations

import random

import pytest

from acd.asterisk.ami import CLAIMED, AmiEncodeError, Correlator, Done, Event, Expect, Response
from acd.asterisk.ami.originate import originate_fields
from acd.asterisk.ami.session import Credentials, backoff_delay


def response(action_id: str, status: str = "Success", *extra: tuple[str, str]) -> Response:
    return Response.from_fields([("Response", status), ("ActionID", action_id), *extra])


def event(name: str, *fields: tuple[str, str]) -> Event:
    return Event.from_fields([("Event", name), *fields])


def test_single_response_completes_and_is_forgotten() -> None:
    corr = Correlator()
    corr.expect("a1", Expect.RESPONSE)
    answer = response("a1")
    assert corr.receive(answer) == Done("a1", answer)
    assert "a1" not in corr
    assert len(corr) == 0
    assert corr.receive(response("a1")) is None  # a duplicate is stray


def test_unknown_and_late_responses_are_not_claimed() -> None:
    corr = Correlator()
    assert corr.receive(response("nobody")) is None
    assert corr.receive(Response.from_fields([("Response", "Success")])) is None
    corr.expect("a1", Expect.RESPONSE)
    corr.forget("a1")  # timed out
    assert corr.receive(response("a1")) is None


def test_list_gathers_its_events_until_complete() -> None:
    corr = Correlator()
    corr.expect("l1", Expect.LIST)
    start = response("l1", "Success", ("EventList", "start"))
    items = [event("CoreShowChannel", ("ActionID", "l1"), ("N", str(n))) for n in range(3)]
    other = event("Newchannel", ("ActionID", "someone-else"))
    complete = event("CoreShowChannelsComplete", ("ActionID", "l1"), ("EventList", "Complete"))
    assert corr.receive(start) is CLAIMED
    assert corr.event_waiters == 1
    assert corr.receive(items[0]) is CLAIMED
    assert corr.receive(other) is None
    assert corr.receive(items[1]) is CLAIMED
    assert corr.receive(items[2]) is CLAIMED
    assert corr.receive(complete) == Done("l1", start, tuple(items), complete)
    assert corr.event_waiters == 0


def test_old_style_lists_end_on_a_complete_event_name() -> None:
    corr = Correlator()
    corr.expect("l1", Expect.LIST)
    start = response("l1", "Success", ("Message", "Queue status will follow"))
    assert corr.receive(start) is CLAIMED
    done = corr.receive(event("QueueStatusComplete", ("ActionID", "l1")))
    assert isinstance(done, Done)
    assert done.events == ()


def test_list_error_or_empty_success_finishes_at_once() -> None:
    corr = Correlator()
    corr.expect("l1", Expect.LIST)
    corr.expect("l2", Expect.LIST)
    error = response("l1", "Error", ("Message", "Permission denied"))
    plain = response("l2", "Success", ("Message", "nothing to list"))
    assert corr.receive(error) == Done("l1", error)
    assert corr.receive(plain) == Done("l2", plain)


def test_originate_waits_for_its_originate_response_event() -> None:
    corr = Correlator()
    corr.expect("o1", Expect.ORIGINATE)
    queued = response("o1", "Success", ("Message", "Originate successfully queued"))
    outcome = event("OriginateResponse", ("ActionID", "o1"), ("Response", "Failure"))
    assert corr.receive(queued) is CLAIMED
    assert corr.receive(event("Newchannel", ("ActionID", "o1"))) is None  # not its answer
    assert corr.receive(outcome) == Done("o1", queued, (), outcome)


def test_originate_response_may_overtake_the_queued_response() -> None:
    corr = Correlator()
    corr.expect("o1", Expect.ORIGINATE)
    outcome = event("OriginateResponse", ("ActionID", "o1"), ("Response", "Success"))
    queued = response("o1")
    assert corr.receive(outcome) is CLAIMED
    assert corr.receive(queued) == Done("o1", queued, (), outcome)


def test_refused_originate_finishes_without_an_event() -> None:
    corr = Correlator()
    corr.expect("o1", Expect.ORIGINATE)
    refused = response("o1", "Error", ("Message", "Permission denied"))
    assert corr.receive(refused) == Done("o1", refused)


def test_clear_drops_everything() -> None:
    corr = Correlator()
    corr.expect("a", Expect.RESPONSE)
    corr.expect("b", Expect.LIST)
    assert sorted(corr.clear()) == ["a", "b"]
    assert len(corr) == 0
    assert corr.event_waiters == 0
    corr.expect("c", Expect.RESPONSE)
    with pytest.raises(ValueError, match="already pending"):
        corr.expect("c", Expect.RESPONSE)


def test_events_skip_the_lookup_when_nothing_waits_for_events() -> None:
    corr = Correlator()
    corr.expect("a1", Expect.RESPONSE)
    # An event carrying a pending ActionID (UserEvent does) is still news, not an answer.
    assert corr.receive(event("UserEvent", ("ActionID", "a1"))) is None
    assert "a1" in corr


# -- originate fields --------------------------------------------------------------------


def test_originate_fields_for_the_dialplan_and_for_an_application() -> None:
    common = {
        "application": None,
        "data": None,
        "variables": {"ACD_CALL": "c-1"},
        "caller_id": "Acd <100>",
        "timeout_ms": 15000,
        "extra": {"Account": "campaign-7"},
    }
    fields = originate_fields("PJSIP/1001", context="agents", exten="1001", priority=1, **common)  # type: ignore[arg-type]
    assert fields == {
        "Channel": "PJSIP/1001",
        "Context": "agents",
        "Exten": "1001",
        "Priority": "1",
        "CallerID": "Acd <100>",
        "Timeout": "15000",
        "Async": "true",
        "Variable": ["ACD_CALL=c-1"],
        "Account": "campaign-7",
    }
    app = originate_fields(
        "Local/1@x",
        context=None,
        exten=None,
        priority=None,
        application="Playback",
        data="beep",
        variables=None,
        caller_id=None,
        timeout_ms=1000,
        extra=None,
    )
    assert (app["Application"], app["Data"], app["Async"]) == ("Playback", "beep", "true")


@pytest.mark.parametrize(
    "target",
    [
        {"context": "a", "exten": None, "priority": None, "application": None},
        {"context": "a", "exten": "1", "priority": 1, "application": "Playback"},
        {"context": None, "exten": None, "priority": None, "application": None},
    ],
)
def test_originate_needs_exactly_one_target(target: dict[str, object]) -> None:
    with pytest.raises(AmiEncodeError):
        originate_fields(
            "PJSIP/1",
            data=None,
            variables=None,
            caller_id=None,
            timeout_ms=1,
            extra=None,
            **target,  # type: ignore[arg-type]
        )


def test_originate_refuses_overriding_its_own_fields_and_bad_variables() -> None:
    base = {
        "context": "a",
        "exten": "1",
        "priority": 1,
        "application": None,
        "data": None,
        "caller_id": None,
        "timeout_ms": 1,
    }
    with pytest.raises(AmiEncodeError, match="set by originate"):
        originate_fields("PJSIP/1", variables=None, extra={"async": "false"}, **base)  # type: ignore[arg-type]
    with pytest.raises(AmiEncodeError, match="bad variable"):
        originate_fields("PJSIP/1", variables={"A=B": "x"}, extra=None, **base)  # type: ignore[arg-type]


# -- backoff ------------------------------------------------------------------------------


def test_backoff_grows_is_capped_and_jittered() -> None:
    rng = random.Random(1)
    delays = [backoff_delay(n, 0.5, 10.0, rng) for n in range(12)]
    for n, delay in enumerate(delays):
        ceiling = min(10.0, 0.5 * 2**n)
        assert ceiling / 2 <= delay <= ceiling
    assert len(set(delays)) == len(delays)  # jittered, not lockstep
    assert backoff_delay(10_000, 0.5, 10.0, rng) <= 10.0  # no overflow on long outages


def test_credentials_repr_hides_the_secret() -> None:
    creds = Credentials("acd", "hunter2", "md5", "on", ())
    assert "hunter2" not in repr(creds)
