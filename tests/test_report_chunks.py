"""Report pages are rendered a chunk of events at a time; the chunk size must not change a byte."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from compare import report, store
from compare.config import Settings

from .conftest import GENERATED_AT


def _render(db: Path, out: Path) -> dict[str, bytes]:
    con = store.connect(db, read_only=True)
    try:
        result = report.run(con, Settings(db=db, out=out), generated_at=GENERATED_AT)
    finally:
        con.close()
    files = {p.name: p.read_bytes() for p in out.iterdir()}
    assert result.counts["pages"] == len([n for n in files if n.endswith(".html")])
    return files


def test_chunk_sizes_do_not_change_the_report(seeds_run: tuple[Path, Path], tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "seeds.duckdb"
    shutil.copy(seeds_run[0], db)
    whole = _render(db, tmp_path / "whole")
    monkeypatch.setattr(report, "PAGE_CHUNK_EVENTS", 1)
    monkeypatch.setattr(report, "PAGE_CHUNK_ARTICLES", 1)
    chunked = _render(db, tmp_path / "chunked")
    assert sum(n.startswith("event-") for n in whole) >= 2 and sum(n.startswith("article-") for n in whole) >= 10
    assert chunked == whole


def test_missing_article_pages_of_unchanged_events_are_rendered_in_chunks(
        seeds_run: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "seeds.duckdb"
    shutil.copy(seeds_run[0], db)
    out = tmp_path / "out"
    whole = _render(db, out)
    gone = sorted(n for n in whole if n.startswith("article-"))[:3]
    for name in gone:
        (out / name).unlink()
    monkeypatch.setattr(report, "PAGE_CHUNK_ARTICLES", 2)
    con = store.connect(db, read_only=True)
    try:
        result = report.run(con, Settings(db=db, out=out), generated_at=GENERATED_AT, events_changed=set())
    finally:
        con.close()
    assert result.counts["pages"] == len(report.INDEX_PAGES) + len(gone)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == whole
