"""`acd ivr check | simulate | graph` on the example menus and on a broken folder, as an
operator runs them from the project folder."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from acd.cli import main
from tests.conftest import PROJECT
from tests.unit.test_ivr_loader import SMALL


@pytest.fixture(autouse=True)
def _in_the_project(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(PROJECT)


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, list[str], str]:
    code = main(["ivr", *argv])
    out, err = capsys.readouterr()
    return code, out.splitlines(), err


def test_check_passes_the_example_menus(capsys: pytest.CaptureFixture[str]) -> None:
    code, lines, _ = _run(capsys, "check")
    assert code == 0
    assert lines == ["config/ivr: 2 menus, 18 nodes, no problems."]


def test_check_lists_every_problem_with_file_and_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "one.yaml").write_text(SMALL.replace("queue: sales}", "queue: salse}"))
    (tmp_path / "two.yaml").write_text(SMALL.replace('"300"', '"301"').replace("main", "mian", 1))
    code, lines, _ = _run(capsys, "--menus", str(tmp_path), "check")
    assert code == 1
    assert (
        f"{tmp_path}/one.yaml:10: nodes.sales: no queue named 'salse' in acd.yaml "
        "(did you mean 'sales'?)" in lines
    )
    assert any(
        line.startswith(f"{tmp_path}/two.yaml:3: start: no node named 'mian'") for line in lines
    ), lines
    assert lines[-1].startswith("2 problem(s) in 2 file(s): the server keeps the menus it has")


def test_simulate_two_levels_by_keys(capsys: pytest.CaptureFixture[str]) -> None:
    code, lines, _ = _run(capsys, "simulate", "accueil", "--keys", "2,1", "--calendars", "open")
    assert code == 0
    assert lines[0] == "[horaires] condition: no case holds, else"
    assert "[principal] caller presses 2" in lines
    assert "[support] caller presses 1" in lines
    assert lines[-1] == (
        "[file_support] ends in queue support: priority 3, language fr, "
        "skills french 3, survey after the call: accueil:enquete"
    )


def test_simulate_wrong_key_silence_then_fallback(capsys: pytest.CaptureFixture[str]) -> None:
    _, lines, _ = _run(capsys, "simulate", "accueil", "--keys", "5,,7", "--calendars", "open")
    assert "[principal] caller presses 5" in lines
    assert "[principal] caller does nothing (timeout)" in lines
    assert lines[-1] == "[conseiller] ends in queue sales: priority 1, language fr, skills none"


def test_simulate_closed_and_by_voice(capsys: pytest.CaptureFixture[str]) -> None:
    _, lines, _ = _run(capsys, "simulate", "accueil", "--calendars", "closed")
    assert lines[-1] == "[messagerie] ends in voicemail box 501"
    _, lines, _ = _run(capsys, "simulate", "sales", "--say", "billing")
    assert "[main] caller says 'billing': recognised as 'billing'" in lines
    assert lines[-1].startswith("[support] ends in queue support")
    assert "billing 3" in lines[-1]


def test_simulate_an_unknown_menu_names_the_known_ones(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(capsys, "simulate", "acueil")
    assert code == 2
    assert "No menu named 'acueil' (menus: accueil, sales)." in err


def test_graph_as_graphviz_text_and_svg(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    dot = tmp_path / "accueil.dot"
    assert _run(capsys, "graph", "accueil", "--format", "dot", "-o", str(dot))[0] == 0
    text = dot.read_text()
    assert text.startswith("digraph")
    for node in ("principal", "support", "facturation", "enquete", "messagerie"):
        assert f'"{node}"' in text
    if shutil.which("dot") is None:  # installed by `make` (graphviz)
        pytest.fail("Graphviz is missing: run `make deps`")
    svg = tmp_path / "accueil.svg"
    assert _run(capsys, "graph", "accueil", "-o", str(svg))[0] == 0
    assert "<svg" in svg.read_text()
