"""The DuckDB file: connection, schema and the only DDL of the project."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Iterator
from contextlib import contextmanager

import duckdb
import polars as pl

from .errors import DatabaseError

SCHEMA_VERSION = 1

# Declared column types of every table, shared by the stages that build frames for them.
SCHEMAS: dict[str, dict[str, pl.DataType]] = {
    "events": {
        "id": pl.Utf8(),
        "title": pl.Utf8(),
        "origin": pl.Utf8(),
    },
    "articles": {
        "id": pl.Utf8(),
        "event_id": pl.Utf8(),
        "outlet": pl.Utf8(),
        "url": pl.Utf8(),
        "title": pl.Utf8(),
        "published": pl.Datetime("us"),
        "path": pl.Utf8(),
        "language": pl.Utf8(),
        "text": pl.Utf8(),
        "ingested_run": pl.Int64(),
        "source_event": pl.Utf8(),
        "origin": pl.Utf8(),
    },
    "sentences": {
        "article_id": pl.Utf8(),
        "sentence_index": pl.Int32(),
        "start": pl.Int32(),
        "end": pl.Int32(),
    },
    "entities": {
        "article_id": pl.Utf8(),
        "sentence_index": pl.Int32(),
        "label": pl.Utf8(),
        "text": pl.Utf8(),
        "start": pl.Int32(),
        "end": pl.Int32(),
    },
    "claims": {
        "id": pl.Utf8(),
        "article_id": pl.Utf8(),
        "sentence_index": pl.Int32(),
        "start": pl.Int32(),
        "end": pl.Int32(),
        "text": pl.Utf8(),
        "value": pl.Float64(),
        "low": pl.Float64(),
        "high": pl.Float64(),
        "qualifier": pl.Utf8(),
        "direction": pl.Utf8(),
        "unit": pl.Utf8(),
        "counted": pl.Utf8(),
        "measure": pl.Utf8(),
        "predicate": pl.Utf8(),
        "speaker": pl.Utf8(),
        "reporting_verb": pl.Utf8(),
        "time": pl.Utf8(),
        "hedged": pl.Boolean(),
        "negated": pl.Boolean(),
        "sentence": pl.Utf8(),
    },
    "quotes": {
        "id": pl.Utf8(),
        "article_id": pl.Utf8(),
        "text": pl.Utf8(),
        "speaker": pl.Utf8(),
        "verb": pl.Utf8(),
        "start": pl.Int32(),
        "end": pl.Int32(),
        "sentence_index": pl.Int32(),
    },
    "framing": {
        "id": pl.Utf8(),
        "article_id": pl.Utf8(),
        "kind": pl.Utf8(),
        "term": pl.Utf8(),
        "canonical": pl.Utf8(),
        "start": pl.Int32(),
        "end": pl.Int32(),
    },
    "extracted": {
        "article_id": pl.Utf8(),
        "extractor": pl.Utf8(),
    },
    "discrepancies": {
        "id": pl.Utf8(),
        "event_id": pl.Utf8(),
        "kind": pl.Utf8(),
        "severity": pl.Float64(),
        "summary": pl.Utf8(),
        "measure": pl.Utf8(),
        "claim_ids": pl.List(pl.Utf8()),
        "quote_ids": pl.List(pl.Utf8()),
        "article_ids": pl.List(pl.Utf8()),
        "first_seen_run": pl.Int64(),
        "status": pl.Utf8(),
        "details": pl.Utf8(),
    },
    "files": {
        "path": pl.Utf8(),
        "size": pl.Int64(),
        "mtime_ns": pl.Int64(),
        "run_id": pl.Int64(),
    },
    "event_state": {
        "event_id": pl.Utf8(),
        "fingerprint": pl.Utf8(),
    },
    "ingest_errors": {
        "run_id": pl.Int64(),
        "path": pl.Utf8(),
        "error": pl.Utf8(),
    },
}

_DDL = [
    """CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR)""",
    """CREATE SEQUENCE IF NOT EXISTS run_ids START 1""",
    """CREATE TABLE IF NOT EXISTS runs (
        id BIGINT PRIMARY KEY, started TIMESTAMP, finished TIMESTAMP, command VARCHAR,
        inputs VARCHAR, counts VARCHAR, settings VARCHAR, version VARCHAR, status VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS events (id VARCHAR PRIMARY KEY, title VARCHAR, origin VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS articles (
        id VARCHAR PRIMARY KEY, event_id VARCHAR, outlet VARCHAR, url VARCHAR, title VARCHAR,
        published TIMESTAMP, path VARCHAR, language VARCHAR, text VARCHAR, ingested_run BIGINT,
        source_event VARCHAR, origin VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS sentences (
        article_id VARCHAR, sentence_index INTEGER, start INTEGER, "end" INTEGER)""",
    """CREATE TABLE IF NOT EXISTS entities (
        article_id VARCHAR, sentence_index INTEGER, label VARCHAR, text VARCHAR,
        start INTEGER, "end" INTEGER)""",
    """CREATE TABLE IF NOT EXISTS claims (
        id VARCHAR PRIMARY KEY, article_id VARCHAR, sentence_index INTEGER, start INTEGER,
        "end" INTEGER, text VARCHAR, value DOUBLE, low DOUBLE, high DOUBLE, qualifier VARCHAR,
        direction VARCHAR, unit VARCHAR, counted VARCHAR, measure VARCHAR, predicate VARCHAR,
        speaker VARCHAR, reporting_verb VARCHAR, time VARCHAR, hedged BOOLEAN, negated BOOLEAN,
        sentence VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS quotes (
        id VARCHAR PRIMARY KEY, article_id VARCHAR, text VARCHAR, speaker VARCHAR, verb VARCHAR,
        start INTEGER, "end" INTEGER, sentence_index INTEGER)""",
    """CREATE TABLE IF NOT EXISTS framing (
        id VARCHAR PRIMARY KEY, article_id VARCHAR, kind VARCHAR, term VARCHAR,
        canonical VARCHAR, start INTEGER, "end" INTEGER)""",
    """CREATE TABLE IF NOT EXISTS extracted (article_id VARCHAR PRIMARY KEY, extractor VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS discrepancies (
        id VARCHAR PRIMARY KEY, event_id VARCHAR, kind VARCHAR, severity DOUBLE,
        summary VARCHAR, measure VARCHAR, claim_ids VARCHAR[], quote_ids VARCHAR[],
        article_ids VARCHAR[], first_seen_run BIGINT, status VARCHAR, details VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS ingest_errors (run_id BIGINT, path VARCHAR, error VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS files (path VARCHAR PRIMARY KEY, size BIGINT, mtime_ns BIGINT, run_id BIGINT)""",
    """CREATE TABLE IF NOT EXISTS event_state (event_id VARCHAR PRIMARY KEY, fingerprint VARCHAR)""",
]


def connect(path: Path | str, *, read_only: bool = False, timeout: float = 30.0) -> duckdb.DuckDBPyConnection:
    """Open (creating if needed) the database, waiting up to `timeout` seconds for a lock."""
    path = Path(path)
    if read_only and not path.exists():
        raise DatabaseError(f"database not found: {path}")
    deadline = time.monotonic() + max(0.0, timeout)
    while True:
        try:
            con = duckdb.connect(str(path), read_only=read_only)
            break
        except duckdb.IOException as exc:
            if "lock" in str(exc).lower() and time.monotonic() < deadline:
                time.sleep(0.25)
                continue
            first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise DatabaseError(f"cannot open database {path}: {first}") from None
        except duckdb.Error as exc:
            first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise DatabaseError(f"cannot open database {path}: {first}") from None
    if not read_only:
        try:
            migrate(con)
        except duckdb.Error as exc:
            con.close()
            raise DatabaseError(f"database {path} has an unusable schema: {exc}") from None
    return con


_DUCK_TYPES = {"Utf8": "VARCHAR", "String": "VARCHAR", "Int32": "INTEGER", "Int64": "BIGINT", "Float64": "DOUBLE",
               "Boolean": "BOOLEAN", "Datetime": "TIMESTAMP", "List": "VARCHAR[]"}


def migrate(con: duckdb.DuckDBPyConnection) -> None:
    """Create every table that does not exist yet, add columns added since, record the version.

    Tables only ever gain columns (contracts: add fields, never rename), so a database made by
    an earlier version is brought up to date in place.
    """
    for statement in _DDL:
        con.execute(statement)
    for table, schema in SCHEMAS.items():
        present = {r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()}
        for column, dtype in schema.items():
            if column not in present:
                duck = _DUCK_TYPES[type(dtype).__name__]
                con.execute(f'ALTER TABLE {table} ADD COLUMN "{column}" {duck}')
    con.execute(
        "INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", [str(SCHEMA_VERSION)]
    )


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """Run the block in one transaction: all of its writes land, or none."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
    except BaseException:
        con.execute("ROLLBACK")
        raise
    else:
        con.execute("COMMIT")


def empty_frame(table: str) -> pl.DataFrame:
    """An empty frame with the declared schema of `table`."""
    return pl.DataFrame(schema=SCHEMAS[table])


def to_frame(table: str, rows: list[dict]) -> pl.DataFrame:
    """Rows (dicts) as a frame with the declared schema of `table`."""
    schema = SCHEMAS[table]
    if not rows:
        return empty_frame(table)
    return pl.DataFrame({k: [r.get(k) for r in rows] for k in schema}, schema=schema)


def insert_frame(con: duckdb.DuckDBPyConnection, table: str, frame: pl.DataFrame) -> int:
    """Insert a frame into `table` by column name; returns the row count."""
    if frame.height == 0:
        return 0
    view = f"_in_{table}"
    con.register(view, frame.to_arrow())
    try:
        cols = ", ".join(f'"{c}"' for c in frame.columns)
        con.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM {view}")
    finally:
        con.unregister(view)
    return frame.height


def replace_frame(con: duckdb.DuckDBPyConnection, table: str, frame: pl.DataFrame, key: str = "id") -> int:
    """Insert a frame, replacing the rows of `table` with the same `key`; one statement each
    way, so it stays fast for many rows (unlike a row-at-a-time INSERT OR REPLACE)."""
    if frame.height == 0:
        return 0
    view = f"_replace_{table}"
    con.register(view, frame.select(key).to_arrow())
    try:
        con.execute(f'DELETE FROM {table} WHERE "{key}" IN (SELECT "{key}" FROM {view})')
    finally:
        con.unregister(view)
    return insert_frame(con, table, frame)


def delete_for_articles(con: duckdb.DuckDBPyConnection, table: str, article_ids: list[str]) -> None:
    """Delete the rows of `table` that belong to the given articles."""
    if not article_ids:
        return
    con.register("_ids", pl.DataFrame({"id": article_ids}, schema={"id": pl.Utf8()}).to_arrow())
    try:
        con.execute(f"DELETE FROM {table} WHERE article_id IN (SELECT id FROM _ids)")
    finally:
        con.unregister("_ids")


def start_run(con: duckdb.DuckDBPyConnection, *, command: str, inputs: list[str], settings: str, version: str) -> int:
    """Record the start of a run and return its id; runs left 'running' by a crash become 'interrupted'."""
    con.execute("UPDATE runs SET status = 'interrupted' WHERE status = 'running'")
    run_id = int(con.execute("SELECT nextval('run_ids')").fetchall()[0][0])
    con.execute(
        "INSERT INTO runs (id, started, command, inputs, settings, version, status) "
        "VALUES (?, now(), ?, ?, ?, ?, 'running')",
        [run_id, command, "\n".join(inputs), settings, version],
    )
    return run_id


def finish_run(con: duckdb.DuckDBPyConnection, run_id: int, *, status: str, counts: str) -> None:
    """Record the end of a run."""
    con.execute(
        "UPDATE runs SET finished = now(), status = ?, counts = ? WHERE id = ?",
        [status, counts, run_id],
    )
