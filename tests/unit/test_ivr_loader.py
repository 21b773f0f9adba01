"""The IVR loader: each mistake an operator can make is found with its file, line and
key; random documents never crash it and every problem they get has a location."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from ivr.loader import MenuContext, Problem, load_library, load_menu
from tests.conftest import PROJECT

EXAMPLES = PROJECT / "config" / "ivr"
CONTEXT = MenuContext(
    queues=frozenset({"sales", "support"}),
    calendars=frozenset({"office"}),
    trunks=frozenset({"carrier", "partner"}),
    mailboxes=frozenset({"501"}),
)

SMALL = """\
entry: {numbers: ["300"]}
languages: [en]
start: main
nodes:
  main:
    type: menu
    prompt: "Press 1 for sales."
    options: {"1": sales}
    on_fail: sales
  sales: {type: queue, queue: sales}
"""


def _load(text: str, file: str = "small.yaml") -> tuple[object, list[Problem]]:
    return load_menu(text, file, CONTEXT)


def _only(text: str) -> Problem:
    menu, problems = _load(text)
    assert menu is None
    assert len(problems) == 1, [str(p) for p in problems]
    return problems[0]


def test_the_example_menus_load_without_a_problem() -> None:
    library, problems = load_library(EXAMPLES, CONTEXT)
    assert [str(p) for p in problems] == []
    assert library is not None
    assert sorted(library.menus) == ["accueil", "sales"]
    assert library.by_number == {"200": "accueil", "210": "sales"}


def test_a_small_menu_loads() -> None:
    menu, problems = _load(SMALL)
    assert problems == []
    assert menu is not None


@pytest.mark.parametrize(
    ("change", "line", "key", "words"),
    [
        (
            ("    on_fail: sales", "    on_fial: sales\n    on_fail: sales"),
            9,
            "nodes.main.on_fial",
            "unknown key 'on_fial'",
        ),
        (("    on_fail: sales\n", ""), 5, "nodes.main", "'on_fail' is missing (required)"),
        (("queue: sales}", "queue: salse}"), 10, "nodes.sales", "no queue named 'salse'"),
        (
            ('options: {"1": sales}', 'options: {"1": sale}'),
            5,
            "nodes.main",
            "no node named 'sale'",
        ),
        (("start: main", "start: mian"), 3, "start", "no node named 'mian'"),
        (("type: queue", "type: queu"), 10, "nodes.sales.type", "is not one of"),
        (
            ('options: {"1": sales}', 'options: {"11": sales}'),
            8,
            "nodes.main.options",
            "one phone key",
        ),
    ],
)
def test_each_mistake_names_its_line_and_key(
    change: tuple[str, str], line: int, key: str, words: str
) -> None:
    old, new = change
    assert old in SMALL
    problem = _only(SMALL.replace(old, new))
    assert (problem.file, problem.line, problem.key) == ("small.yaml", line, key)
    assert words in problem.message


def test_hints_name_the_closest_known_name() -> None:
    problem = _only(SMALL.replace("queue: sales}", "queue: salse}"))
    assert problem.hint == "did you mean 'sales'?"
    assert str(problem).startswith("small.yaml:10: nodes.sales: no queue named 'salse'")


def test_a_yaml_syntax_error_gives_its_line() -> None:
    problem = _only(SMALL.replace('options: {"1": sales}', 'options: {"1": sales'))
    assert problem.line in (8, 9)
    assert "not valid YAML" in problem.message


def test_a_key_written_twice_is_refused() -> None:
    menu, problems = _load(SMALL + "  sales: {type: hangup}\n")
    assert menu is None
    assert any(
        p.line == 11 and p.key == "nodes.sales" and "twice" in p.message for p in problems
    ), [str(p) for p in problems]


def test_an_unreachable_node_and_a_loop_with_no_exit() -> None:
    text = SMALL + "  lost: {type: hangup}\n"
    problem = _only(text)
    assert (problem.line, problem.key, problem.message) == (
        11,
        "nodes.lost",
        "no call can reach this node",
    )
    looping = (
        SMALL.replace("on_fail: sales", "on_fail: main").replace('{"1": sales}', '{"1": main}')
        + "  unused: {type: hangup}\n"
    )
    _, problems = _load(looping)
    messages = {(p.key, p.message.split(":")[0]) for p in problems}
    assert ("nodes.main", "a loop with no way out") in messages


def test_play_and_set_nodes_that_loop_for_ever_are_refused() -> None:
    text = """\
entry: {numbers: ["301"]}
languages: [en]
start: a
nodes:
  a: {type: play, prompt: "Hello", next: b}
  b: {type: set, priority: 2, next: a}
  c: {type: hangup}
"""
    _, problems = _load(text)
    assert any("loop for ever" in p.message and "a -> b -> a" in p.message for p in problems)


def test_unknown_calendar_trunk_mailbox_and_bad_pattern() -> None:
    text = """\
entry: {numbers: ["302"]}
languages: [en]
start: hours
nodes:
  hours:
    type: condition
    cases:
      - {when: {open: ofice}, to: account}
    else: out
  account:
    type: collect
    prompt: "Your account number, then hash."
    variable: account
    pattern: "[0-9"
    next: box
    on_fail: out
  box: {type: voicemail, mailbox: "999"}
  out: {type: transfer, number: "0140000000", trunk: carier}
"""
    _, problems = _load(text)
    found = {(p.line, p.message.split(" (")[0].split(":")[0]) for p in problems}
    assert (5, "no calendar named 'ofice' in acd.yaml") in found
    assert (10, "pattern") in found
    assert (17, "no mailbox named '999' in acd.yaml") in found
    assert (18, "no trunk named 'carier' in acd.yaml") in found


def test_a_missing_recording_is_named_with_the_folder_to_put_it_in(tmp_path: Path) -> None:
    (tmp_path / "en").mkdir()
    text = SMALL.replace('prompt: "Press 1 for sales."', "prompt: {file: welcome}")
    menu, problems = load_menu(text, "small.yaml", _with(sounds_dir=tmp_path))
    assert menu is None
    assert [(p.line, p.message) for p in problems] == [(5, "no recording 'welcome' for en")]
    assert str(tmp_path / "en") in problems[0].hint
    (tmp_path / "en" / "welcome.mp3").write_bytes(b"")
    assert load_menu(text, "small.yaml", _with(sounds_dir=tmp_path))[1] == []


def test_a_text_missing_in_one_of_the_menus_languages() -> None:
    text = SMALL.replace("languages: [en]", "languages: [en, fr]").replace(
        'prompt: "Press 1 for sales."', 'prompt: {say: {en: "Press 1."}}'
    )
    problem = _only(text)
    assert (problem.line, problem.message) == (5, "a text to say has no fr version")


def test_numbers_served_twice_and_a_goto_to_a_missing_menu(tmp_path: Path) -> None:
    (tmp_path / "one.yaml").write_text(SMALL)
    (tmp_path / "two.yaml").write_text(
        SMALL.replace("  sales: {type: queue, queue: sales}", "  sales: {type: goto, menu: three}")
    )
    library, problems = load_library(tmp_path, CONTEXT)
    assert library is None
    texts = sorted(str(p) for p in problems)
    assert any(
        "two.yaml:1: entry.numbers: number 300 is also served by menu 'one'" in t for t in texts
    ), texts
    assert any("two.yaml:10: nodes.sales: no menu named 'three'" in t for t in texts), texts


def test_a_file_with_a_bad_name_or_bad_bytes_is_refused_and_nothing_is_in_force(
    tmp_path: Path,
) -> None:
    (tmp_path / "good.yaml").write_text(SMALL)
    (tmp_path / "Bad Name.yaml").write_text(SMALL.replace('"300"', '"301"'))
    (tmp_path / "latin1.yaml").write_bytes("prompt: é\n".encode("latin-1"))
    library, problems = load_library(tmp_path, CONTEXT)
    assert library is None
    assert any("'Bad Name' is not a menu name" in str(p) for p in problems)
    assert any(p.file.endswith("latin1.yaml") and "cannot be read" in p.message for p in problems)


def test_an_alias_bomb_is_refused_not_expanded() -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{c}: &{c} [{', '.join(['*' + p] * 10)}]\n"
        for p, c in zip("abcdefg", "bcdefgh", strict=True)
    )
    problem = _only(bomb)
    assert "more than" in problem.message


def _with(**changes: Any) -> MenuContext:
    values = {name: getattr(CONTEXT, name) for name in CONTEXT.__dataclass_fields__}
    return MenuContext(**{**values, **changes})


# Properties: whatever the text, the loader answers with problems that have a location.


def _assert_well_formed(text: str) -> None:
    menu, problems = load_menu(text, "random.yaml", CONTEXT)
    if menu is None:
        assert problems, "a refused menu must say why"
    lines = text.count("\n") + 2
    for problem in problems:
        assert problem.file == "random.yaml"
        assert 1 <= problem.line <= lines, str(problem)
        assert problem.message
        assert str(problem).startswith(f"random.yaml:{problem.line}")


_PROPERTY = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_PROPERTY
@given(st.text(max_size=400))
@example("")
@example("- a\n- b")
@example("nodes: [1, 2")
@example("a: &x [*x]")
def test_any_text_gives_problems_with_a_location(text: str) -> None:
    _assert_well_formed(text)


_WORDS = ["sales", "main", "1", "*", "menu", "queue", "en", "fr", "office"]
_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-(10**12), 10**12)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=12)
    | st.sampled_from(_WORDS)
)
_KEYS = st.sampled_from(
    [
        "entry",
        "numbers",
        "languages",
        "start",
        "nodes",
        "type",
        "prompt",
        "options",
        "to",
        "words",
        "next",
        "on_fail",
        "queue",
        "cases",
        "when",
        "else",
        "url",
        "set",
        "say",
        "file",
        "sound",
        "1",
        "main",
    ]
) | st.text(max_size=6)
_DATA = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_KEYS, inner, max_size=5),
    max_leaves=30,
)


@_PROPERTY
@given(_DATA)
def test_any_yaml_document_gives_problems_with_a_location(data: object) -> None:
    _assert_well_formed(yaml.safe_dump(data, allow_unicode=True))


def _paths(data: object, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path]
    if isinstance(data, dict):
        for key, value in data.items():
            found += _paths(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += _paths(value, (*path, index))
    return found


def _mutated(data: Any, path: tuple[Any, ...], value: object, delete: bool) -> Any:
    result = copy.deepcopy(data)
    parent = result
    for part in path[:-1]:
        parent = parent[part]
    if delete and isinstance(parent, dict):
        del parent[path[-1]]
    else:
        parent[path[-1]] = value
    return result


_EXAMPLE_DATA = [yaml.safe_load(p.read_text()) for p in sorted(EXAMPLES.glob("*.yaml"))]


@_PROPERTY
@given(st.data())
def test_example_menus_changed_at_random_give_problems_with_a_location(data: st.DataObject) -> None:
    menu_data = data.draw(st.sampled_from(_EXAMPLE_DATA))
    for _ in range(data.draw(st.integers(1, 3))):
        paths = _paths(menu_data)[1:]
        path = data.draw(st.sampled_from(paths))
        menu_data = _mutated(menu_data, path, data.draw(_DATA), data.draw(st.booleans()))
    _assert_well_formed(yaml.safe_dump(menu_data, allow_unicode=True))


_EXAMPLE_TEXTS = [p.read_text() for p in sorted(EXAMPLES.glob("*.yaml"))]


@_PROPERTY
@given(st.data())
def test_example_files_edited_a_character_at_a_time_give_problems_with_a_location(
    data: st.DataObject,
) -> None:
    text = data.draw(st.sampled_from(_EXAMPLE_TEXTS))
    for _ in range(data.draw(st.integers(1, 3))):
        at = data.draw(st.integers(0, len(text) - 1))
        typed = data.draw(
            st.sampled_from(
                ["", " ", "\n", ":", "-", "'", '"', "{", "}", "[", "&a ", "*a", "\t", "#", "x", "é"]
            )
        )
        text = text[:at] + typed + text[at + 1 :]
    _assert_well_formed(text)
