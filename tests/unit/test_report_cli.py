"""`acd report` with bad input: one line on stderr saying what and where, exit status 2,
never a traceback."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from pathlib import Path

import pytest

from acd.adapters.journal import Journal
from acd.cli import report_cmd
from acd.core.engine.facts import CallEntered
from tests.unit.test_report_golden import FIXTURES

NOON = datetime(2001, 9, 9, 12, tzinfo=UTC).timestamp()  # that day in any time zone +-11 h


def run(*argv: str, config: Path | None = FIXTURES / "acd.yaml") -> int:
    parser = argparse.ArgumentParser(prog="acd")
    parser.add_argument("--config", type=Path)
    report_cmd.register(parser.add_subparsers())
    args = parser.parse_args([*(["--config", str(config)] if config else []), "report", *argv])
    code: int = args.handler(args)
    return code


@pytest.fixture
def journal(tmp_path: Path) -> Path:
    path = tmp_path / "journal.sqlite3"
    with Journal.open(path) as journal:
        journal.append([CallEntered(NOON, "c1", "ghost", 1, 0, "")])  # a queue since removed
    return path


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--from", "31/12/2024"], "acd report: --from '31/12/2024': not a date"),
        (["--from", "2024-03-11", "--to", "2024-03-01"], "is not after --from"),
        (
            ["--from", "2001-09-09", "--queue", "sale"],
            "--queue 'sale': no such name (known: ghost, sales, support)",
        ),
        (["--agent", "9999"], "--agent '9999': no such name (known: 1001, 1002, 1003)"),
        (["--from", "2024-03-11", "--queue", "ghost"], "--queue 'ghost': no such name"),
    ],
)
def test_bad_input_is_one_clear_line(
    journal: Path, argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run("--journal", str(journal), *argv) == 2
    out = capsys.readouterr()
    assert message in out.err
    assert out.err.count("\n") == 1
    assert out.out == ""


def test_a_missing_journal_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run("--journal", str(tmp_path / "none.sqlite3")) == 2
    assert "none.sqlite3: no journal here" in capsys.readouterr().err
    assert not (tmp_path / "none.sqlite3").exists()


def test_a_file_that_is_not_a_journal_is_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "j").write_text("garbage " * 200)
    assert run("--journal", str(tmp_path / "j")) == 2
    assert "not a usable journal" in capsys.readouterr().err


def test_a_negative_threshold_is_refused_by_the_parser(
    journal: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        run("--journal", str(journal), "--short-abandon-s", "-1")
    assert exit_.value.code == 2
    assert "'-1': expected 0 to 86400 seconds" in capsys.readouterr().err


def test_without_a_configuration_the_report_still_runs(
    journal: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = run(
        "--journal",
        str(journal),
        "--from",
        "2001-09-09",
        "--format",
        "json",
        config=tmp_path / "absent.yaml",
    )
    out = capsys.readouterr()
    assert code == 0
    assert "no configuration at" in out.err
    assert '"queue": "ghost"' in out.out
    assert '"sl_threshold_s": 20.0' in out.out


def test_the_threshold_option_overrides_the_configuration(
    journal: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        run(
            "--journal",
            str(journal),
            "--from",
            "2001-09-09",
            "--sl-threshold-s",
            "45",
            "--format",
            "json",
        )
        == 0
    )
    assert capsys.readouterr().out.count('"sl_threshold_s": 45.0') == 3  # ghost, sales, support


def test_the_journal_path_comes_from_the_configuration(
    journal: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "acd.yaml"
    text = (FIXTURES / "acd.yaml").read_text(encoding="utf-8")
    config.write_text(f"{text}journal: {{path: {journal}}}\n", encoding="utf-8")
    assert run("--from", "2001-09-09", config=config) == 0
    assert "\nghost " in capsys.readouterr().out
