"""The YAML reader shared by acd.yaml, the IVR menus and the campaigns: both of its views
(typed readers that raise, plain data that collects) get the same protections."""

from __future__ import annotations

import pytest

from acd.core import yamlfile as y
from acd.core.yamlfile import ConfigError


def read_label(text: str) -> str:
    """The typed view: the first mistake raises."""
    return y.text(y.mapping(y.parse(text, "f.yaml"), set(), {"label"})["label"])


def read_plain(text: str) -> tuple[object, list[str]]:
    """The plain view: every mistake is collected."""
    document, problems = y.plain(y.parse(text, "f.yaml"))
    return document.data, [str(p) for p in problems]


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("label: !!python/name:os.system ''\n", "!!python/name:os.system"),
        ("label: !!python/object:os.Thing {a: 1}\n", "!!python/object:os.Thing"),
        ("label: !!binary aGVsbG8=\n", "!!binary"),
        ("label: !!bool maybe\n", "!!bool"),  # PyYAML raises KeyError building this one
        ("label: !!set {a, b}\n", "!!set"),
        ("\nlabel: !custom x\n", "!custom"),
    ],
)
def test_a_tag_refuses_the_file_before_any_value_is_built(text: str, shown: str) -> None:
    with pytest.raises(ConfigError) as caught:
        y.parse(text, "f.yaml")
    assert caught.value.line == text.count("\n")
    assert caught.value.message == f"the YAML tag {shown} is not allowed"
    assert "remove the tag" in caught.value.hint


def test_a_date_that_does_not_exist_is_refused_in_both_views() -> None:
    with pytest.raises(ConfigError, match=r"^f\.yaml:1: label: '2026-02-30' cannot be read"):
        read_label("label: 2026-02-30\n")
    data, problems = read_plain("label: 2026-02-30\n")
    assert data == {"label": "2026-02-30"}  # kept as written, so the rest is still checked
    assert [p.split(" (")[0] for p in problems] == ["f.yaml:1: label: '2026-02-30' cannot be read"]


@pytest.mark.parametrize("written", ["2026-12-24", "2026-02-28T10:00:00Z", "2026-2-8 1:02:03"])
def test_a_date_stays_as_written(written: str) -> None:
    assert read_label(f"label: {written}\n") == written
    assert read_plain(f"label: {written}\n") == ({"label": written}, [])


@pytest.mark.parametrize("written", ["=", "<<"])
def test_equals_and_merge_signs_are_text(written: str) -> None:
    assert read_label(f"label: {written}\n") == written
    assert read_plain(f"label: {written}\n") == ({"label": written}, [])


def test_a_key_written_twice_is_refused_at_the_key_in_both_views() -> None:
    text = "label: one\nlabel:\n  - two\n"
    with pytest.raises(ConfigError, match=r"^f\.yaml:2: label: this key appears twice"):
        read_label(text)
    with pytest.raises(ConfigError, match=r"^f\.yaml:2: label: this key appears twice"):
        y.entries(y.parse(text, "f.yaml"))
    data, problems = read_plain(text)
    assert data == {"label": "one"}  # the first is kept
    assert problems == ["f.yaml:2: label: this key appears twice (keep only one)"]


def test_keys_are_taken_as_written() -> None:
    root = y.parse("1: a\ntrue: b\n", "f.yaml")
    assert [key.key for key, _ in y.entries(root)] == ["1", "true"]
    assert y.plain(root)[0].data == {"1": "a", "true": "b"}


def test_a_syntax_error_gives_its_line_and_a_hint() -> None:
    with pytest.raises(ConfigError) as caught:
        y.parse("a: 1\nb: [1, 2\n", "f.yaml")
    assert caught.value.line == 3
    assert caught.value.message.startswith("not valid YAML")
    assert caught.value.hint == "check the indentation and the quotes on this line"


def test_nesting_too_deep_is_refused() -> None:
    with pytest.raises(ConfigError, match="nested too deep"):
        y.parse("[" * 5000 + "]" * 5000, "f.yaml")


def test_an_alias_inside_its_own_value_is_a_problem_not_a_loop() -> None:
    data, problems = read_plain("a: &x [1, *x]\n")
    assert data == {"a": [1, None]}
    assert problems == ["f.yaml:1: a[1]: a YAML alias refers to a value that contains it"]


def test_aliases_multiplying_the_document_are_refused() -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{c}: &{c} [{', '.join(['*' + p] * 10)}]\n" for p, c in zip("abcd", "bcde", strict=True)
    )
    with pytest.raises(ConfigError, match=f"more than {y.MAX_VALUES} values"):
        read_plain(bomb)


def test_an_empty_file_is_an_empty_mapping_at_line_one() -> None:
    root = y.parse("# nothing yet\n", "f.yaml")
    assert y.mapping(root, set(), {"label"}) == {}
    document, problems = y.plain(root)
    assert (document.data, document.line(("label",)), problems) == ({}, 1, [])
    with pytest.raises(ConfigError, match=r"^f\.yaml:1: missing required key 'label'"):
        y.mapping(root, {"label"}, set())
