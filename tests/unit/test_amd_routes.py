"""Who answered, per AMD (status, cause): the safe defaults, the most specific route,
and the operator's routes refused with what is allowed. Every status and cause is one
Asterisk 22's apps/app_amd.c sets."""

from __future__ import annotations

import pytest

from dialer.amd_routes import CAUSES, AmdRoutes, Answerer, cause_word, parse_amd_routes

PERSON, MACHINE, NOBODY = Answerer.PERSON, Answerer.MACHINE, Answerer.NOBODY
# An AMDCAUSE as app_amd.c writes it, for each (status, cause word).
WRITTEN = {
    ("MACHINE", "INITIALSILENCE"): "INITIALSILENCE-2500-2500",
    ("MACHINE", "LONGGREETING"): "LONGGREETING-1700-1500",
    ("MACHINE", "MAXWORDLENGTH"): "MAXWORDLENGTH-5000",
    ("MACHINE", "MAXWORDS"): "MAXWORDS-3-2",
    ("HUMAN", "HUMAN"): "HUMAN-900-800",
    ("NOTSURE", "TOOLONG"): "TOOLONG-5000",
    ("NOTSURE", "NOAUDIODATA"): "NOAUDIODATA-0",
}


def test_every_status_and_cause_of_app_amd_is_known() -> None:
    assert {(s, c) for s, causes in CAUSES.items() for c in causes} == set(WRITTEN)
    assert CAUSES["HANGUP"] == ()  # the line dropped: no cause


def test_by_default_only_a_machine_verdict_is_a_machine() -> None:
    routes = AmdRoutes()
    for (status, _), cause in WRITTEN.items():
        assert routes.answerer(status, cause) == (MACHINE if status == "MACHINE" else PERSON)
    assert routes.answerer("HANGUP", "") is NOBODY
    assert routes.answerer("", "") is PERSON  # no detection: AMD off, or it could not run
    assert routes.answerer("SOMETHINGNEW", "X-1") is PERSON  # a doubt is a person


def test_the_cause_is_matched_on_its_first_word_whatever_the_case() -> None:
    assert cause_word("LONGGREETING-1700-1500") == "LONGGREETING"
    assert cause_word("toolong-5000") == "TOOLONG"
    assert cause_word("") == ""
    routes = parse_amd_routes({"machine/initialsilence": "Person"})
    assert routes.answerer("machine", "initialsilence-2600-2500") is PERSON
    assert routes.answerer(" MACHINE ", "INITIALSILENCE") is PERSON  # no figures: still it


def test_a_status_and_cause_route_wins_over_its_status() -> None:
    routes = parse_amd_routes(
        {"MACHINE/INITIALSILENCE": "person", "MACHINE": "nobody", "NOTSURE/TOOLONG": "machine"}
    )
    assert routes.answerer("MACHINE", "INITIALSILENCE-2500-2500") is PERSON
    assert routes.answerer("MACHINE", "LONGGREETING-1700-1500") is NOBODY
    assert routes.answerer("NOTSURE", "TOOLONG-5000") is MACHINE
    assert routes.answerer("NOTSURE", "NOAUDIODATA-0") is PERSON  # the default still
    assert routes.answerer("HUMAN", "HUMAN-900-800") is PERSON


def test_no_route_given_is_the_defaults() -> None:
    assert parse_amd_routes({}) == AmdRoutes()


@pytest.mark.parametrize(("status", "cause"), sorted(WRITTEN))
def test_every_status_and_cause_can_be_routed(status: str, cause: str) -> None:
    for answerer in (PERSON, MACHINE, NOBODY):
        routes = parse_amd_routes({f"{status}/{cause}": answerer.value})
        assert routes.answerer(status, WRITTEN[status, cause]) is answerer


def test_a_person_may_be_routed_to_a_machine_on_purpose() -> None:
    routes = parse_amd_routes({"HUMAN": "machine"})  # allowed, documented: not silent
    assert routes.answerer("HUMAN", "HUMAN-900-800") is MACHINE


@pytest.mark.parametrize(
    ("routes", "message"),
    [
        ({"MACHIN": "person"}, "route 'MACHIN': 'MACHIN' is not an AMD status; write STATUS or"),
        ({"/TOOLONG": "person"}, "'no status' is not an AMD status"),
        ({"MACHINE/TOOLONG": "person"}, "AMD gives TOOLONG with NOTSURE, not with MACHINE"),
        ({"HUMAN/SILENCE": "person"}, "'SILENCE' is not a cause AMD gives (HUMAN's causes: HUMAN)"),
        ({"MACHINE/": "person"}, "'no cause' is not a cause AMD gives"),
        ({"HANGUP/TOOLONG": "nobody"}, "AMD gives no cause with HANGUP; write HANGUP alone"),
        ({"HANGUP": "person"}, "HANGUP means the line dropped: only nobody"),
        ({"NOTSURE": "human"}, "route 'NOTSURE': 'human' is not one of person, machine, nobody"),
        ({"MACHINE": "person", "machine": "nobody"}, "'machine' is written twice"),
    ],
)
def test_a_bad_route_is_refused_naming_it_and_what_is_allowed(
    routes: dict[str, str], message: str
) -> None:
    with pytest.raises(ValueError, match=r"^route ") as raised:
        parse_amd_routes(routes)
    assert message in str(raised.value)


def test_the_allowed_statuses_and_causes_are_listed() -> None:
    with pytest.raises(ValueError, match="MACHINE, HUMAN, NOTSURE, HANGUP"):
        parse_amd_routes({"PERSON": "person"})
    with pytest.raises(
        ValueError, match="MACHINE's causes: INITIALSILENCE, LONGGREETING, MAXWORDLENGTH, MAXWORDS"
    ):
        parse_amd_routes({"MACHINE/SILENCE": "person"})
