"""The DuckDB file: declared schemas, migrations, transactions, locking and bad files."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from datetime import datetime
from pathlib import Path

import duckdb
import polars as pl
import pytest

from compare import store
from compare.errors import CompareError, DatabaseError


def duckdb_type(dtype: pl.DataType) -> str:
    """The DuckDB type name a declared polars type maps to."""
    if isinstance(dtype, pl.List):
        return duckdb_type(dtype.inner) + "[]"
    names = {pl.Utf8: "VARCHAR", pl.Int32: "INTEGER", pl.Int64: "BIGINT", pl.Float64: "DOUBLE",
             pl.Boolean: "BOOLEAN", pl.Datetime: "TIMESTAMP"}
    for polars_type, name in names.items():
        if isinstance(dtype, polars_type):
            return name
    raise AssertionError(f"no DuckDB type for {dtype!r}")


@pytest.fixture()
def db(tmp_path: Path) -> Path:
    return tmp_path / "compare.duckdb"


@pytest.fixture()
def con(db: Path):
    connection = store.connect(db)
    yield connection
    connection.close()


def test_store_duckdb_type_helper_maps_polars_types() -> None:
    assert duckdb_type(pl.List(pl.Utf8())) == "VARCHAR[]"
    assert duckdb_type(pl.Datetime("us")) == "TIMESTAMP"
    assert duckdb_type(pl.Int32()) == "INTEGER"


@pytest.mark.parametrize("table", sorted(store.SCHEMAS))
def test_store_declared_schema_matches_describe(con: duckdb.DuckDBPyConnection, table: str) -> None:
    described = [(row[0], row[1]) for row in con.execute(f"DESCRIBE {table}").fetchall()]
    declared = [(name, duckdb_type(dtype)) for name, dtype in store.SCHEMAS[table].items()]
    assert described == declared


def test_store_every_data_table_has_a_declared_schema(con: duckdb.DuckDBPyConnection) -> None:
    tables = {row[0] for row in con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'").fetchall()}
    # meta and runs are bookkeeping written by store itself
    assert tables - {"meta", "runs"} == set(store.SCHEMAS)


@pytest.mark.parametrize("table", sorted(store.SCHEMAS))
def test_store_frames_round_trip_with_declared_schema(con: duckdb.DuckDBPyConnection, table: str) -> None:
    assert store.empty_frame(table).schema == pl.Schema(store.SCHEMAS[table])
    assert con.sql(f"SELECT * FROM {table}").pl().schema == pl.Schema(store.SCHEMAS[table])


def test_store_connect_creates_tables_and_version(db: Path) -> None:
    assert not db.exists()
    con = store.connect(db)
    try:
        assert db.exists()
        assert con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchall() == [
            (str(store.SCHEMA_VERSION),)]
    finally:
        con.close()


def test_store_connect_is_idempotent(db: Path) -> None:
    con = store.connect(db)
    con.execute("INSERT INTO events VALUES ('floods', 'Floods', 'folder')")
    store.migrate(con)  # migrating twice on one connection
    store.migrate(con)
    con.close()
    con = store.connect(db)  # and again on reopening
    try:
        assert con.execute("SELECT * FROM events").fetchall() == [("floods", "Floods", "folder")]
        assert con.execute("SELECT count(*) FROM meta").fetchall() == [(1,)]
        described = con.execute("DESCRIBE articles").fetchall()
        assert [r[0] for r in described] == list(store.SCHEMAS["articles"])
    finally:
        con.close()


def test_store_transaction_commits(con: duckdb.DuckDBPyConnection) -> None:
    with store.transaction(con) as inner:
        assert inner is con
        con.execute("INSERT INTO events VALUES ('quake', 'Quake', 'folder')")
    assert con.execute("SELECT id FROM events").fetchall() == [("quake",)]


def test_store_transaction_rolls_back_on_exception(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("INSERT INTO events VALUES ('kept', 'Kept', 'folder')")
    with pytest.raises(RuntimeError, match="halfway"):
        with store.transaction(con):
            con.execute("INSERT INTO events VALUES ('quake', 'Quake', 'folder')")
            con.execute("DELETE FROM events WHERE id = 'kept'")
            raise RuntimeError("halfway")
    assert con.execute("SELECT id FROM events").fetchall() == [("kept",)]
    # the connection is usable afterwards
    with store.transaction(con):
        con.execute("INSERT INTO events VALUES ('strike', 'Strike', 'flat')")
    assert con.execute("SELECT id FROM events ORDER BY id").fetchall() == [("kept",), ("strike",)]


def test_store_transaction_rolls_back_on_database_error(con: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(duckdb.ConstraintException):
        with store.transaction(con):
            con.execute("INSERT INTO events VALUES ('a', 'A', 'folder')")
            con.execute("INSERT INTO events VALUES ('a', 'Again', 'folder')")
    assert con.execute("SELECT count(*) FROM events").fetchall() == [(0,)]


def _claim(claim_id: str, article_id: str, value: float | None) -> dict:
    return {"id": claim_id, "article_id": article_id, "sentence_index": 0, "start": 10, "end": 15,
            "text": "1,500", "value": value, "low": value, "high": value, "qualifier": "exact",
            "measure": "troops", "hedged": False, "negated": True, "sentence": "It sent 1,500 troops."}


def test_store_insert_frame_writes_rows_by_column_name(con: duckdb.DuckDBPyConnection) -> None:
    frame = store.to_frame("claims", [_claim("c1", "a1", 1500.0), _claim("c2", "a2", None)])
    # columns in another order still land in the right place
    reordered = frame.select(list(reversed(frame.columns)))
    assert store.insert_frame(con, "claims", reordered) == 2
    got = con.execute("SELECT id, article_id, value, qualifier, hedged, negated, speaker FROM claims ORDER BY id").fetchall()
    assert got == [("c1", "a1", 1500.0, "exact", False, True, None), ("c2", "a2", None, "exact", False, True, None)]


def test_store_insert_frame_partial_columns_and_lists(con: duckdb.DuckDBPyConnection) -> None:
    frame = pl.DataFrame({"id": ["d1"], "event_id": ["floods"], "claim_ids": [["c1", "c2"]], "severity": [0.5]},
                         schema={"id": pl.Utf8(), "event_id": pl.Utf8(), "claim_ids": pl.List(pl.Utf8()),
                                 "severity": pl.Float64()})
    assert store.insert_frame(con, "discrepancies", frame) == 1
    assert con.execute("SELECT id, claim_ids, severity, status FROM discrepancies").fetchall() == [
        ("d1", ["c1", "c2"], 0.5, None)]


def test_store_insert_empty_frame_is_a_no_op(con: duckdb.DuckDBPyConnection) -> None:
    assert store.insert_frame(con, "claims", store.empty_frame("claims")) == 0
    assert con.execute("SELECT count(*) FROM claims").fetchall() == [(0,)]


def test_store_to_frame_uses_declared_types_and_fills_missing_columns() -> None:
    frame = store.to_frame("articles", [{"id": "a1", "published": datetime(2024, 3, 10, 21, 15), "ingested_run": 3,
                                         "unexpected": "dropped"}])
    assert frame.schema == pl.Schema(store.SCHEMAS["articles"])
    assert frame.row(0, named=True) == {"id": "a1", "event_id": None, "outlet": None, "url": None, "title": None,
                                        "published": datetime(2024, 3, 10, 21, 15), "path": None,
                                        "language": None, "text": None, "ingested_run": 3,
                                            "source_event": None, "origin": None}
    assert store.to_frame("articles", []).height == 0


def test_store_delete_for_articles_removes_only_their_rows(con: duckdb.DuckDBPyConnection) -> None:
    store.insert_frame(con, "claims", store.to_frame("claims", [
        _claim("c1", "a1", 1.0), _claim("c2", "a2", 2.0), _claim("c3", "a3", 3.0), _claim("c4", "a1", 4.0)]))
    store.insert_frame(con, "sentences", store.to_frame("sentences", [
        {"article_id": "a1", "sentence_index": 0, "start": 0, "end": 20},
        {"article_id": "a2", "sentence_index": 0, "start": 0, "end": 30}]))
    store.delete_for_articles(con, "claims", ["a1", "a3", "not-there"])
    store.delete_for_articles(con, "sentences", ["a2"])
    assert con.execute("SELECT id FROM claims ORDER BY id").fetchall() == [("c2",)]
    assert con.execute("SELECT article_id FROM sentences").fetchall() == [("a1",)]
    store.delete_for_articles(con, "claims", [])
    assert con.execute("SELECT count(*) FROM claims").fetchall() == [(1,)]


def test_store_runs_are_numbered_and_finished(con: duckdb.DuckDBPyConnection) -> None:
    first = store.start_run(con, command="run", inputs=["seeds/a", "seeds/b"], settings="{}", version="0.1.0")
    second = store.start_run(con, command="ingest", inputs=[], settings="{}", version="0.1.0")
    assert second == first + 1
    store.finish_run(con, first, status="ok", counts='{"new_articles": 2}')
    got = con.execute("SELECT id, command, inputs, status, counts, finished IS NOT NULL FROM runs ORDER BY id").fetchall()
    assert got == [(first, "run", "seeds/a\nseeds/b", "ok", '{"new_articles": 2}', True),
                   (second, "ingest", "", "running", None, False)]


# -- failures -------------------------------------------------------------------------------

LOCKER = textwrap.dedent("""
    import sys, time
    import duckdb
    con = duckdb.connect(sys.argv[1])
    con.execute("CREATE TABLE IF NOT EXISTS held (x INTEGER)")
    print("ready", flush=True)
    time.sleep(60)
""")


def test_store_locked_database_raises_database_error_quickly(db: Path) -> None:
    store.connect(db).close()
    locker = subprocess.Popen([sys.executable, "-c", LOCKER, str(db)], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    try:
        assert locker.stdout is not None
        assert locker.stdout.readline().strip() == "ready"
        started = time.monotonic()
        with pytest.raises(DatabaseError) as caught:
            store.connect(db, timeout=0.5)
        elapsed = time.monotonic() - started
    finally:
        locker.kill()
        locker.wait(timeout=10)
    assert 0.4 <= elapsed < 5.0  # it waited for the lock, then gave up
    message = str(caught.value)
    assert "\n" not in message
    assert str(db) in message and "lock" in message.lower()
    assert caught.value.exit_code == 3
    assert isinstance(caught.value, CompareError)


def test_store_file_that_is_not_a_database_raises_database_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.duckdb"
    path.write_text("These are my notes about the floods, not a database.\n" * 200, encoding="utf-8")
    with pytest.raises(DatabaseError) as caught:
        store.connect(path)
    assert "\n" not in str(caught.value) and str(path) in str(caught.value)
    with pytest.raises(DatabaseError):
        store.connect(path, read_only=True)


def test_store_read_only_on_missing_file_raises_database_error(tmp_path: Path) -> None:
    path = tmp_path / "missing.duckdb"
    with pytest.raises(DatabaseError, match="not found"):
        store.connect(path, read_only=True)
    assert not path.exists()


def test_store_read_only_connection_reads_but_does_not_write(db: Path) -> None:
    con = store.connect(db)
    con.execute("INSERT INTO events VALUES ('floods', 'Floods', 'folder')")
    con.close()
    ro = store.connect(db, read_only=True)
    try:
        assert ro.execute("SELECT id FROM events").fetchall() == [("floods",)]
        with pytest.raises(duckdb.Error):
            ro.execute("INSERT INTO events VALUES ('quake', 'Quake', 'folder')")
    finally:
        ro.close()


def test_store_database_with_a_clashing_table_raises_database_error(tmp_path: Path) -> None:
    path = tmp_path / "other.duckdb"
    other = duckdb.connect(str(path))
    # another tool's database: a `meta` table of a different shape
    other.execute("CREATE TABLE meta (id INTEGER, payload VARCHAR, created TIMESTAMP)")
    other.close()
    with pytest.raises(DatabaseError) as caught:
        store.connect(path)
    assert "\n" not in str(caught.value)


def test_store_connect_adds_columns_an_older_database_lacks(tmp_path: Path) -> None:
    path = tmp_path / "old.duckdb"
    old = duckdb.connect(str(path))
    old.execute("CREATE TABLE articles (id VARCHAR PRIMARY KEY, event_id VARCHAR, outlet VARCHAR, url VARCHAR, "
                "title VARCHAR, published TIMESTAMP, path VARCHAR, language VARCHAR, text VARCHAR, ingested_run BIGINT)")
    old.execute("INSERT INTO articles (id, text) VALUES ('a1', 'kept')")
    old.close()
    con = store.connect(path)
    try:
        columns = [r[0] for r in con.execute("DESCRIBE articles").fetchall()]
        assert columns == list(store.SCHEMAS["articles"])
        assert con.execute("SELECT id, text, origin FROM articles").fetchall() == [("a1", "kept", None)]
    finally:
        con.close()
