"""Export the comparison tables: one JSON document (contracts.md section 3), or CSV/Parquet per table."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from .errors import CompareError, UsageError

# Tables written by the CSV and Parquet exports, each with its deterministic row order.
EXPORT_TABLES: dict[str, str] = {
    "events": "id",
    "articles": "event_id, id",
    "claims": 'article_id, start, "end", id',
    "quotes": 'article_id, start, "end", id',
    "framing": 'article_id, start, "end", id',
    "discrepancies": "event_id, severity DESC NULLS LAST, id",
    "ingest_errors": "run_id, path, error",
}
FORMATS = ("json", "csv", "parquet")

_ARTICLE_COLUMNS = "id, outlet, url, title, published, path, language"
_QUOTE_COLUMNS = 'q.id, q.article_id, q.text, q.speaker, q.verb, q.start, q."end", q.sentence_index'
_FRAMING_COLUMNS = 'f.id, f.article_id, f.kind, f.term, f.canonical, f.start, f."end"'
_DISCREPANCY_COLUMNS = (
    "id, kind, severity, summary, measure, claim_ids, quote_ids, article_ids, "
    "first_seen_run, status, details"
)


def query_dicts(
    con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[object] = ()
) -> list[dict[str, Any]]:
    """Run a query and return its rows as dicts keyed by column name."""
    cursor = con.execute(sql, list(params))
    names = [column[0] for column in cursor.description or []]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def load_events(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """Every event by id; an event id used by articles but missing from `events` is titled by its id."""
    return query_dicts(
        con,
        """SELECT id, title FROM events
           UNION ALL
           SELECT DISTINCT event_id, event_id FROM articles
           WHERE event_id IS NOT NULL AND event_id NOT IN (SELECT id FROM events)
           ORDER BY id""",
    )


def parse_details(text: str | None) -> Any:
    """A discrepancy's details JSON as Python data; text that is not JSON is returned unchanged."""
    if text is None or not text.strip():
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text


def build_json(con: duckdb.DuckDBPyConnection, *, generated_at: datetime) -> dict[str, Any]:
    """The export document of contracts.md section 3, sorted deterministically."""
    by_event: dict[str, dict[str, list[dict[str, Any]]]] = {}
    sections = {
        "articles": f"SELECT event_id, {_ARTICLE_COLUMNS} FROM articles ORDER BY event_id, id",
        "claims": """SELECT a.event_id, c.*, c.article_id AS doc FROM claims c
                     JOIN articles a ON a.id = c.article_id
                     ORDER BY c.article_id, c.start, c."end", c.id""",
        "quotes": f"""SELECT a.event_id, {_QUOTE_COLUMNS} FROM quotes q
                      JOIN articles a ON a.id = q.article_id
                      ORDER BY q.article_id, q.start, q."end", q.id""",
        "framing": f"""SELECT a.event_id, {_FRAMING_COLUMNS} FROM framing f
                       JOIN articles a ON a.id = f.article_id
                       ORDER BY f.article_id, f.start, f."end", f.id""",
        "discrepancies": f"""SELECT event_id, {_DISCREPANCY_COLUMNS} FROM discrepancies
                             ORDER BY event_id, severity DESC NULLS LAST, id""",
    }
    for section, sql in sections.items():
        for row in query_dicts(con, sql):
            event_id = row.pop("event_id")
            if section == "discrepancies":
                row["details"] = parse_details(row["details"])
                for key in ("claim_ids", "quote_ids", "article_ids"):
                    row[key] = list(row[key] or [])
            by_event.setdefault(event_id, {}).setdefault(section, []).append(_jsonable(row))
    events = []
    for event in load_events(con):
        tables = by_event.get(event["id"], {})
        events.append(
            {"id": event["id"], "title": event["title"]}
            | {section: tables.get(section, []) for section in sections}
        )
    return {"generated_at": generated_at.isoformat(), "events": events}


def dump_json(document: dict[str, Any]) -> str:
    """Serialise an export document the same way everywhere (UTF-8, indented, newline-terminated)."""
    return json.dumps(document, ensure_ascii=False, indent=2, allow_nan=False) + "\n"


def export(
    con: duckdb.DuckDBPyConnection, *, fmt: str, out: Path, generated_at: datetime
) -> list[Path]:
    """Write the export in `fmt` (json, csv or parquet) to `out`; returns the files written."""
    fmt = fmt.lower()
    if fmt not in FORMATS:
        raise UsageError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    out = Path(out)
    try:
        if fmt == "json":
            target = out / "export.json" if out.is_dir() else out
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(dump_json(build_json(con, generated_at=generated_at)), encoding="utf-8")
            return [target]
        if out.exists() and not out.is_dir():
            raise UsageError(f"export folder {out} exists and is not a folder")
        out.mkdir(parents=True, exist_ok=True)
        written = []
        for table, order in EXPORT_TABLES.items():
            frame = con.sql(f"SELECT * FROM {table} ORDER BY {order}").pl()
            target = out / f"{table}.{fmt}"
            if fmt == "csv":
                _lists_as_json(frame).write_csv(target)
            else:
                frame.write_parquet(target)
            written.append(target)
        return written
    except OSError as exc:
        raise CompareError(f"cannot write export to {out}: {exc.strerror or exc}") from None


def _lists_as_json(frame: pl.DataFrame) -> pl.DataFrame:
    """CSV has no list type: list columns become JSON text."""
    converted = [
        pl.Series(
            name, [None if v is None else json.dumps(v, ensure_ascii=False) for v in frame[name].to_list()],
            dtype=pl.Utf8(),
        )
        for name, dtype in frame.schema.items()
        if isinstance(dtype, pl.List)
    ]
    return frame.with_columns(converted) if converted else frame


def _jsonable(value: Any) -> Any:
    """Dates as ISO strings and NaN as null, recursively, so the document is strict JSON."""
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(item) for item in value]
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
