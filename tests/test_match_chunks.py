"""Matching reads and writes events in chunks; the chunk size must not change any result."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from compare import match, store
from compare.config import Settings

COLUMNS = "id, event_id, kind, severity, summary, claim_ids, quote_ids, article_ids, first_seen_run, status, details"


def _rematch(seeds_db: Path, tmp: Path, chunk: int, monkeypatch: pytest.MonkeyPatch) -> list[tuple]:
    db = tmp / f"chunk-{chunk}.duckdb"
    shutil.copy(seeds_db, db)
    monkeypatch.setattr(match, "CHUNK_EVENTS", chunk)
    con = store.connect(db)
    try:
        con.execute("DELETE FROM event_state")
        con.execute("DELETE FROM discrepancies")
        result = match.run(con, Settings(db=db), run_id=7)
        assert result.counts["events"] == con.execute("SELECT count(*) FROM events").fetchall()[0][0] >= 2
        return con.execute(f"SELECT {COLUMNS} FROM discrepancies ORDER BY id").fetchall()
    finally:
        con.close()


def test_chunk_size_does_not_change_discrepancies(seeds_run: tuple[Path, Path], tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    one_by_one = _rematch(seeds_run[0], tmp_path, 1, monkeypatch)
    together = _rematch(seeds_run[0], tmp_path, 64, monkeypatch)
    assert one_by_one and one_by_one == together


def test_event_discrepancies_equal_stage_rows(seeds_run: tuple[Path, Path], tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    stored = {r[0] for r in _rematch(seeds_run[0], tmp_path, 64, monkeypatch)}
    con = store.connect(seeds_run[0], read_only=True)
    try:
        events = [r[0] for r in con.execute("SELECT id FROM events").fetchall()]
        alone = {row["id"] for e in events for row in match.event_discrepancies(con, e, Settings(db=seeds_run[0]))}
    finally:
        con.close()
    assert alone == stored
