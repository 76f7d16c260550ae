"""Tests of compare.export: the JSON contract (contracts.md section 3) and per-table CSV/Parquet."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import polars as pl
import pytest

from compare import export
from compare.errors import UsageError

try:  # tests/ on sys.path (no tests/__init__.py) or tests as a package
    from conftest_report import EVIL_EVENT, GENERATED, NK, XSS, sample_con  # noqa: F401
except ImportError:
    from .conftest_report import EVIL_EVENT, GENERATED, NK, XSS, sample_con  # type: ignore[no-redef]  # noqa: F401

EVENT_KEYS = {"id", "title", "articles", "claims", "quotes", "framing", "discrepancies"}
ARTICLE_KEYS = {"id", "outlet", "url", "title", "published", "path"}
CLAIM_KEYS = {  # contracts.md section 2, plus the ids
    "id", "article_id", "doc", "sentence_index", "start", "end", "text", "value", "low", "high",
    "qualifier", "direction", "unit", "counted", "measure", "predicate", "speaker",
    "reporting_verb", "time", "hedged", "negated", "sentence",
}
QUOTE_KEYS = {"id", "article_id", "text", "speaker", "verb", "start", "end"}
FRAMING_KEYS = {"id", "article_id", "kind", "term", "canonical", "start", "end"}
DISCREPANCY_KEYS = {
    "id", "kind", "severity", "summary", "measure", "claim_ids", "quote_ids", "article_ids",
    "first_seen_run", "status",
}
ROWS = {"events": 2, "articles": 5, "claims": 6, "quotes": 4, "framing": 3, "discrepancies": 6,
        "ingest_errors": 1}


def event(doc: dict, event_id: str) -> dict:
    """The event of an export document with this id."""
    return next(e for e in doc["events"] if e["id"] == event_id)


def test_export_build_json_has_contract_keys(sample_con: duckdb.DuckDBPyConnection) -> None:
    doc = export.build_json(sample_con, generated_at=GENERATED)
    assert set(doc) == {"generated_at", "events"}
    assert doc["generated_at"] == "2024-11-02T12:00:00+00:00"
    for ev in doc["events"]:
        assert EVENT_KEYS <= set(ev)
        assert all(ARTICLE_KEYS <= set(a) for a in ev["articles"])
        assert all(CLAIM_KEYS <= set(c) for c in ev["claims"])
        assert all(QUOTE_KEYS <= set(q) for q in ev["quotes"])
        assert all(FRAMING_KEYS <= set(f) for f in ev["framing"])
        assert all(DISCREPANCY_KEYS <= set(d) for d in ev["discrepancies"])
    nk = event(doc, NK)
    assert (len(nk["articles"]), len(nk["claims"]), len(nk["quotes"]), len(nk["framing"])) == (3, 4, 2, 2)
    assert "text" not in nk["articles"][0]  # the full text stays in the database and CSV/Parquet


def test_export_build_json_is_sorted(sample_con: duckdb.DuckDBPyConnection) -> None:
    doc = export.build_json(sample_con, generated_at=GENERATED)
    assert [e["id"] for e in doc["events"]] == [EVIL_EVENT, NK]
    nk = event(doc, NK)
    assert [a["id"] for a in nk["articles"]] == ["a-bbc", "a-reuters", "a-yonhap"]
    assert [(c["article_id"], c["start"]) for c in nk["claims"]] == sorted(
        (c["article_id"], c["start"]) for c in nk["claims"])
    assert [d["id"] for d in nk["discrepancies"]] == ["d-num", "d-quote", "d-omit", "d-frame"]
    assert [d["severity"] for d in nk["discrepancies"]] == [0.8, 0.5, 0.45, 0.3]


def test_export_build_json_values(sample_con: duckdb.DuckDBPyConnection) -> None:
    doc = export.build_json(sample_con, generated_at=GENERATED)
    nk = event(doc, NK)
    reuters = next(a for a in nk["articles"] if a["id"] == "a-reuters")
    assert reuters["published"] == "2024-10-18T09:00:00"
    assert reuters["path"] == "seeds/a-reuters.txt"
    claim = next(c for c in nk["claims"] if c["id"] == "c-y1")
    assert claim["speaker"] is None and claim["value"] == 3000.0 and claim["hedged"] is False
    assert claim["doc"] == "a-yonhap"
    number = nk["discrepancies"][0]
    assert number["claim_ids"] == ["c-y1", "c-b1", "c-r1"]
    assert number["quote_ids"] == [] and number["first_seen_run"] == 1
    omission = next(d for d in nk["discrepancies"] if d["id"] == "d-omit")
    assert omission["details"] == {"carried_by": ["BBC", "Reuters"], "missing_measure": "troops"}
    assert event(doc, EVIL_EVENT)["discrepancies"][0]["details"] == {"note": XSS}


def test_export_json_writes_one_file(sample_con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    target = tmp_path / "deep" / "out.json"
    assert export.export(sample_con, fmt="json", out=target, generated_at=GENERATED) == [target]
    doc = json.loads(target.read_text(encoding="utf-8"))
    assert doc == export.build_json(sample_con, generated_at=GENERATED)


def test_export_json_into_existing_folder(sample_con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    written = export.export(sample_con, fmt="JSON", out=tmp_path, generated_at=GENERATED)
    assert written == [tmp_path / "export.json"]
    assert len(json.loads(written[0].read_text(encoding="utf-8"))["events"]) == 2


def test_export_csv_writes_one_file_per_table(sample_con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    out = tmp_path / "csv"
    written = export.export(sample_con, fmt="csv", out=out, generated_at=GENERATED)
    assert sorted(p.name for p in written) == sorted(f"{t}.csv" for t in ROWS)
    for table, count in ROWS.items():
        assert pl.read_csv(out / f"{table}.csv").height == count, table


def test_export_csv_lists_are_json(sample_con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    export.export(sample_con, fmt="csv", out=tmp_path, generated_at=GENERATED)
    frame = pl.read_csv(tmp_path / "discrepancies.csv")
    first = frame.row(0, named=True)  # sorted by event, then severity: the hostile event first
    assert first["id"] == "db-num"
    assert json.loads(first["claim_ids"]) == ["cb1", "cb2"]
    assert json.loads(first["quote_ids"]) == []


def test_export_parquet_writes_one_file_per_table(sample_con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    written = export.export(sample_con, fmt="parquet", out=tmp_path / "pq", generated_at=GENERATED)
    assert len(written) == len(ROWS)
    for table, count in ROWS.items():
        frame = pl.read_parquet(tmp_path / "pq" / f"{table}.parquet")
        assert frame.height == count, table
    discrepancies = pl.read_parquet(tmp_path / "pq" / "discrepancies.parquet")
    assert discrepancies.schema["claim_ids"] == pl.List(pl.Utf8())
    assert discrepancies["id"].to_list()[:2] == ["db-num", "db-quote"]


def test_export_unknown_format_is_a_usage_error(sample_con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="unknown export format"):
        export.export(sample_con, fmt="xlsx", out=tmp_path / "x", generated_at=GENERATED)
    assert not (tmp_path / "x").exists()


def test_export_folder_that_is_a_file_is_a_usage_error(
    sample_con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    (tmp_path / "taken").write_text("", encoding="utf-8")
    with pytest.raises(UsageError, match="not a folder"):
        export.export(sample_con, fmt="csv", out=tmp_path / "taken", generated_at=GENERATED)


def test_export_empty_database(tmp_path: Path) -> None:
    from compare import store

    con = store.connect(tmp_path / "empty.duckdb")
    try:
        assert export.build_json(con, generated_at=GENERATED) == {
            "generated_at": GENERATED.isoformat(), "events": []}
        written = export.export(con, fmt="parquet", out=tmp_path / "pq", generated_at=GENERATED)
        assert all(pl.read_parquet(p).height == 0 for p in written)
    finally:
        con.close()


def test_export_json_text_matches_build_json_on_awkward_values(
    sample_con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    """The JSON file is serialised by DuckDB row by row; its content must equal build_json's."""
    con = sample_con
    con.execute("UPDATE claims SET value = 'nan'::DOUBLE, low = 'inf'::DOUBLE, high = 0.30000000000000004 "
                "WHERE id = 'c-y1'")
    con.execute("UPDATE articles SET published = TIMESTAMP '2024-10-18 09:00:00.000123' WHERE id = 'a-bbc'")
    con.execute("UPDATE articles SET published = TIMESTAMP '0999-01-02 03:04:05' WHERE id = 'a-yonhap'")
    con.execute("UPDATE discrepancies SET severity = 'nan'::DOUBLE, claim_ids = NULL WHERE id = 'd-quote'")
    details = [
        '{"a": NaN, "b": [Infinity, -Infinity], "c": "NaN"}', '{"big": 1e999, "ok": 1e300}',
        "not json", "", "  ", None, ' {"padded": [1, 2.0, "x\\u2028y"]} ', '"just a string"', "42",
        '{"id": "9e123", "dup": 1, "dup": 2}',
    ]
    for i, text in enumerate(details):
        con.execute(
            "INSERT INTO discrepancies (id, event_id, kind, severity, summary, details) VALUES (?, ?, ?, ?, ?, ?)",
            [f"d-x{i}", NK, "number_conflict", 0.1 * i, f"awkward {i}", text])
    target = tmp_path / "out.json"
    export.export(con, fmt="json", out=target, generated_at=GENERATED)
    text = target.read_text(encoding="utf-8")
    assert text.endswith("}\n")
    built = export.build_json(con, generated_at=GENERATED)
    # dumped again, so that key order and 1 against 1.0 count as differences too
    assert json.dumps(json.loads(text)) == json.dumps(built)
    assert json.dumps(json.loads(export.dump_json(built))) == json.dumps(built)
    rows = {d["id"]: d for d in event(built, NK)["discrepancies"]}
    assert rows["d-x0"]["details"] == {"a": None, "b": [None, None], "c": "NaN"}
    assert rows["d-x1"]["details"] == {"big": None, "ok": 1e300}
    assert (rows["d-x2"]["details"], rows["d-x3"]["details"], rows["d-x5"]["details"]) == ("not json", None, None)
    assert rows["d-quote"]["severity"] is None and rows["d-quote"]["claim_ids"] == []
    bbc = next(a for a in event(built, NK)["articles"] if a["id"] == "a-bbc")
    assert bbc["published"] == "2024-10-18T09:00:00.000123"
