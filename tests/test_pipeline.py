"""The whole job (`pipeline.run`) and single stages (`pipeline.stage`) over one database file.

Each run loads the real model through `build_pipeline`, so the module is marked slow. The
articles are short stories written for these tests.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from compare import pipeline, store
from compare.config import Settings
from compare.records import StageResult

pytestmark = pytest.mark.slow

GENERATED_AT = datetime(2026, 1, 1, 12, 0, 0)

ARTICLES = {
    "wire.json": {
        "outlet": "Northern Wire Service", "title": "Floods force hundreds from their homes",
        "published": "2024-03-03T08:00:00Z",
        "text": ("Floodwater swept through the centre of Hollin Bridge on Sunday night, forcing 400 "
                 "residents to leave their homes, the county council said.\n\n"
                 "Emergency crews rescued 42 people from cars and flooded houses, according to the fire service."),
    },
    "times.json": {
        "outlet": "Harbour Times", "title": "River bursts its banks in Hollin Bridge",
        "published": "2024-03-03T09:30:00Z",
        "text": ("About 600 residents were evacuated when the River Aske burst its banks in Hollin Bridge "
                 "on Sunday, the council said.\n\n"
                 "Firefighters rescued 42 people from cars and homes, and two men were treated in hospital."),
    },
}


def write_articles(folder: Path) -> Path:
    event = folder / "inputs" / "hollin-bridge-floods"
    event.mkdir(parents=True)
    for name, article in ARTICLES.items():
        (event / name).write_text(json.dumps(article), encoding="utf-8")
    return folder / "inputs"


def settings_for(folder: Path) -> Settings:
    return Settings(db=folder / "compare.duckdb", out=folder / "reports", workers=1)


def runs(db: Path) -> list[dict[str, Any]]:
    con = store.connect(db, read_only=True)
    try:
        cursor = con.execute("SELECT * FROM runs ORDER BY id")
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, r)) for r in cursor.fetchall()]
    finally:
        con.close()


def count(db: Path, sql: str) -> Any:
    con = store.connect(db, read_only=True)
    try:
        return con.execute(sql).fetchone()[0]
    finally:
        con.close()


def test_pipeline_run_records_an_ok_run_with_counts(tmp_path: Path) -> None:
    inputs = write_articles(tmp_path)
    settings = settings_for(tmp_path)
    result = pipeline.run([inputs], settings, generated_at=GENERATED_AT)

    assert result.stage == "run"
    assert result.failures == []
    assert result.counts["new_articles"] == 2 and result.counts["articles"] == 2
    assert result.counts["claims"] > 0
    [run] = runs(settings.db)
    assert (run["command"], run["status"]) == ("run", "ok")
    assert run["inputs"] == str(inputs)
    assert run["finished"] is not None and run["finished"] >= run["started"]
    assert json.loads(run["counts"]) == result.counts
    assert count(settings.db, "SELECT count(*) FROM claims") == result.counts["claims"]
    assert (settings.out / "index.html").exists()


def test_pipeline_run_with_a_bad_file_is_partial_and_lists_it(tmp_path: Path) -> None:
    inputs = write_articles(tmp_path)
    bad = inputs / "hollin-bridge-floods" / "broken.json"
    bad.write_text('{"outlet": "Broken Feed", "text": "cut off in the mid', encoding="utf-8")
    settings = settings_for(tmp_path)
    result = pipeline.run([inputs], settings, generated_at=GENERATED_AT)

    assert [f.path for f in result.failures] == [str(bad)]
    assert "JSON" in result.failures[0].error
    # the good files were still processed
    assert result.counts["new_articles"] == 2 and result.counts["claims"] > 0
    [run] = runs(settings.db)
    assert run["status"] == "partial"
    assert json.loads(run["counts"])["failed"] == 1
    con = store.connect(settings.db, read_only=True)
    try:
        errors = con.execute("SELECT run_id, path, error FROM ingest_errors").fetchall()
    finally:
        con.close()
    assert [(r[0], r[1]) for r in errors] == [(run["id"], str(bad))]


def test_pipeline_second_run_adds_a_run_and_no_articles(tmp_path: Path) -> None:
    inputs = write_articles(tmp_path)
    settings = settings_for(tmp_path)
    first = pipeline.run([inputs], settings, generated_at=GENERATED_AT)
    second = pipeline.run([inputs], settings, generated_at=GENERATED_AT)
    assert second.counts["new_articles"] == 0 and second.counts["articles"] == 0
    assert [(r["id"], r["status"]) for r in runs(settings.db)] == [(1, "ok"), (2, "ok")]
    assert count(settings.db, "SELECT count(*) FROM claims") == first.counts["claims"]


@pytest.fixture(scope="module")
def staged(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, Path, dict[str, StageResult]]:
    """Every stage run in order through `pipeline.stage` over a fresh database."""
    folder = tmp_path_factory.mktemp("staged")
    inputs = write_articles(folder)
    settings = settings_for(folder)
    results = {}
    for name in ("ingest", "extract", "match", "report"):
        results[name] = pipeline.stage(name, settings, inputs=[inputs], generated_at=GENERATED_AT)
    return settings, inputs, results


def test_pipeline_stage_ingest_reads_files_and_records_a_run(staged: tuple[Settings, Path, dict[str, StageResult]]) -> None:
    settings, inputs, results = staged
    assert results["ingest"].counts["new_articles"] == 2
    assert results["ingest"].counts["events"] == 1
    assert [(r["command"], r["status"], r["inputs"]) for r in runs(settings.db)] == [("ingest", "ok", str(inputs))]
    assert count(settings.db, "SELECT count(*) FROM articles") == 2


def test_pipeline_stage_extract_writes_claims(staged: tuple[Settings, Path, dict[str, StageResult]]) -> None:
    settings, _, results = staged
    assert results["extract"].stage == "extract"
    assert results["extract"].counts["articles"] == 2
    assert count(settings.db, "SELECT count(*) FROM claims") == results["extract"].counts["claims"] > 0
    assert count(settings.db, "SELECT count(*) FROM extracted") == 2


def test_pipeline_stage_match_covers_the_event(staged: tuple[Settings, Path, dict[str, StageResult]]) -> None:
    settings, _, results = staged
    assert results["match"].stage == "match"
    assert results["match"].counts["events"] == 1
    assert count(settings.db, "SELECT count(*) FROM discrepancies") == results["match"].counts["discrepancies"]


def test_pipeline_stage_report_writes_pages(staged: tuple[Settings, Path, dict[str, StageResult]]) -> None:
    settings, _, results = staged
    assert results["report"].stage == "report"
    assert (settings.out / "index.html").exists()
    assert (settings.out / "discrepancies.json").exists()
    assert json.loads((settings.out / "discrepancies.json").read_text(encoding="utf-8"))["generated_at"].startswith("2026-01-01T12:00:00")


def test_pipeline_stage_unknown_name_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown stage"):
        pipeline.stage("events", settings_for(tmp_path))
