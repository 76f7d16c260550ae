"""Tests of compare.show and the `show` command: one event's discrepancies in the terminal."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from compare import cli, show
from compare.errors import UsageError

try:  # tests/ on sys.path (no tests/__init__.py) or tests as a package
    from conftest_report import EVIL_EVENT, NK, QUAKE, XSS, feature_db, sample_db, write_runs
except ImportError:
    from .conftest_report import (  # type: ignore[no-redef]
        EVIL_EVENT, NK, QUAKE, XSS, feature_db, sample_db, write_runs,
    )

runner = CliRunner()


@pytest.fixture
def feature_path(tmp_path: Path) -> Path:
    """The feature database with two runs recorded (so "new" means new since the previous run)."""
    path = feature_db().write(tmp_path / "features.duckdb")
    write_runs(path, 2)
    return path


def test_show_event_view_orders_by_severity_resolved_last(feature_path: Path) -> None:
    con = duckdb.connect(str(feature_path), read_only=True)
    try:
        view = show.event_view(con, QUAKE)
    finally:
        con.close()
    assert (view.event_id, view.title, view.article_count, view.outlet_count) == (QUAKE, "Quake in the hills", 4, 4)
    assert [(r.kind, r.severity, r.status) for r in view.rows] == [
        ("update", "0.50", "new"), ("omission", "0.42", "unchanged"), ("wire_copy_edit", "0.36", "new"),
        ("framing", "0.35", "unchanged"), ("number_conflict", "0.95", "resolved")]
    assert [r.is_new for r in view.rows] == [True, False, True, False, False]
    assert view.rows[0].outlets == "Daily, Post, Times and 1 more"
    assert view.rows[2].outlets == "Daily, Wire"


def test_show_event_view_finds_an_event_by_title(feature_path: Path) -> None:
    con = duckdb.connect(str(feature_path), read_only=True)
    try:
        assert show.event_view(con, "Quake in the hills").event_id == QUAKE
        with pytest.raises(UsageError, match="unknown event 'quake'; known events: "):
            show.event_view(con, "quake")
    finally:
        con.close()


def test_show_plain_removes_control_characters() -> None:
    assert show.plain("a\x1b[31mred\x07\nb") == "a [31mred  b"


def test_show_cli_prints_a_table(feature_path: Path) -> None:
    result = runner.invoke(cli.app, ["show", QUAKE, "--db", str(feature_path)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "Quake in the hills (quake-2025)" in lines[0]
    assert any(h in lines[2] for h in ("Severity",)) and "Summary" in lines[2]
    body = result.output
    order = [body.index(s) for s in ("The deaths figure changed", "Wire and Daily leave out",
                                     "Daily runs the same story", "An earlier disagreement")]
    assert order == sorted(order)
    assert body.count("NEW") == 2 and "resolved" in body
    assert "5 discrepancies · 4 articles from 4 outlets" in body


def test_show_cli_unknown_event_exits_2_with_one_line(feature_path: Path) -> None:
    result = runner.invoke(cli.app, ["show", "no-such-event", "--db", str(feature_path)])
    assert result.exit_code == 2
    assert result.output.strip().count("\n") == 0
    assert result.output.startswith("error: unknown event 'no-such-event'")


def test_show_cli_missing_database_exits_3(tmp_path: Path) -> None:
    result = runner.invoke(cli.app, ["show", NK, "--db", str(tmp_path / "missing.duckdb")])
    assert result.exit_code == 3 and "database not found" in result.output


def test_show_cli_prints_hostile_text_literally(tmp_path: Path) -> None:
    db = sample_db()
    for row in db.rows["discrepancies"]:
        if row["event_id"] == EVIL_EVENT:
            row["summary"] = f"[bold red]{XSS}[/bold red] \x1b[2J cleared"
    path = db.write(tmp_path / "evil.duckdb")
    result = runner.invoke(cli.app, ["show", EVIL_EVENT, "--db", str(path)], env={"COLUMNS": "250"})
    assert result.exit_code == 0, result.output
    assert "[bold red]<script>alert(1)</script>[/bold red]" in result.output  # rich markup not applied
    assert "\x1b" not in result.output and "cleared" in result.output
    assert json.dumps(result.output).count("\\u001b") == 0
