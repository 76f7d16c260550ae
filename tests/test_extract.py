"""The extract stage on a real DuckDB file: rows per table, stable ids, reruns, changes.

Two short articles (written for these tests) are ingested from JSON files, then
`extract.run` runs with the session `nlp` fixture passed in.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterator

import duckdb
import pytest
from spacy.language import Language

from compare import extract, ingest, store
from compare.config import Settings
from compare.extract.quantities import sentence_bounds

pytestmark = pytest.mark.slow

TROOPS = {
    "outlet": "Northern Wire Service",
    "url": "https://northernwire.example/asia/troops",
    "title": "North Korea sends 1,500 troops to Russia, spy agency says",
    "published": "2024-10-18T06:42:00Z",
    "text": ("North Korea has sent 1,500 special operation forces to Russia this month, South Korea's "
             "spy agency said on Friday.\n\n"
             "“This is a grave threat to our security,” the president said in Seoul.\n\n"
             "Officials in Kiev said the deployment could grow to 10,000 soldiers by December."),
}
QUAKE = {
    "outlet": "Harbour Times",
    "url": "https://harbourtimes.example/world/quake",
    "title": "Earthquake kills more than 2,000 in mountain villages",
    "published": "2023-09-09T10:00:00Z",
    "text": ("An earthquake killed more than 2,000 people in the mountain villages, the interior "
            "ministry said on Saturday.\n\n"
            "Rescue teams pulled 42 survivors from collapsed homes, and the regime allegedly "
            "blocked foreign aid for two days."),
}
TABLES = ("sentences", "entities", "claims", "quotes", "framing", "extracted")


@pytest.fixture()
def settings(tmp_path: Path) -> Settings:
    folder = tmp_path / "articles" / "news"
    folder.mkdir(parents=True)
    (folder / "troops.json").write_text(json.dumps(TROOPS), encoding="utf-8")
    (folder / "quake.json").write_text(json.dumps(QUAKE), encoding="utf-8")
    return Settings(db=tmp_path / "extract.duckdb", out=tmp_path / "reports", workers=1)


@pytest.fixture()
def con(settings: Settings) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = store.connect(settings.db)
    result = ingest.run(connection, settings, inputs=[settings.db.parent / "articles"])
    assert result.counts["new_articles"] == 2, result.failures
    yield connection
    connection.close()


def article_ids(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """outlet -> article id."""
    return dict(con.execute("SELECT outlet, id FROM articles").fetchall())


def snapshot(con: duckdb.DuckDBPyConnection, article_id: str | None = None) -> dict[str, list[tuple[Any, ...]]]:
    out = {}
    for table in TABLES:
        where = "WHERE article_id = ?" if article_id else ""
        out[table] = sorted(con.execute(f"SELECT * FROM {table} {where}", [article_id] if article_id else []).fetchall(),
                            key=repr)
    return out


def rows(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
    cursor = con.execute(sql, params or [])
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, r)) for r in cursor.fetchall()]


def test_extract_run_writes_every_table_with_stable_ids(con: duckdb.DuckDBPyConnection, settings: Settings,
                                                         nlp: Language) -> None:
    result = extract.run(con, settings, nlp=nlp)
    ids = article_ids(con)
    troops_id = ids["Northern Wire Service"]
    text = con.execute("SELECT text FROM articles WHERE id = ?", [troops_id]).fetchone()[0]

    assert result.counts["articles"] == 2
    for table in ("sentences", "entities", "claims", "quotes", "framing"):
        count = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        assert count == result.counts[table] and count > 0, table

    claims = rows(con, "SELECT * FROM claims WHERE article_id = ? ORDER BY start", [troops_id])
    for claim in claims:
        assert claim["id"] == f"{troops_id}-c{claim['start']}"
        assert text[claim["start"]:claim["end"]] == claim["text"]
    body = next(c for c in claims if c["start"] == text.index("1,500 special"))
    assert (body["text"], body["value"], body["counted"], body["measure"], body["predicate"]) == (
        "1,500", 1500, "special operation forces", "troops", "send")
    assert (body["speaker"], body["reporting_verb"], body["time"]) == ("South Korea's spy agency", "say", "this month")
    assert body["sentence"] == ("North Korea has sent 1,500 special operation forces to Russia this month, "
                                "South Korea's spy agency said on Friday.")
    assert any(c["text"] == "10,000" and c["measure"] == "troops" for c in claims)

    [quote] = rows(con, "SELECT * FROM quotes WHERE article_id = ?", [troops_id])
    assert quote["id"] == f"{troops_id}-q{quote['start']}"
    assert (quote["text"], quote["speaker"], quote["verb"]) == ("This is a grave threat to our security", "president", "say")

    framing = rows(con, "SELECT * FROM framing ORDER BY article_id, start")
    for item in framing:
        assert item["id"] == f"{item['article_id']}-f{item['start']}-{item['kind']}"
    assert {(f["kind"], f["term"], f["canonical"]) for f in framing} >= {
        ("naming", "Kiev", "Kyiv"), ("loaded", "regime", "government"), ("hedge", "allegedly", "allegedly")}

    bounds = sentence_bounds(nlp(text))
    sentences = con.execute("SELECT sentence_index, start, \"end\" FROM sentences WHERE article_id = ? "
                            "ORDER BY sentence_index", [troops_id]).fetchall()
    assert sentences == [(i, s, e) for i, (s, e) in enumerate(bounds)]

    entities = con.execute("SELECT label, text, start, \"end\" FROM entities WHERE article_id = ?", [troops_id]).fetchall()
    assert ("GPE", "Russia") in {(label, t) for label, t, _, _ in entities}
    assert all(text[s:e] == t for _, t, s, e in entities)

    extracted = con.execute("SELECT article_id FROM extracted ORDER BY article_id").fetchall()
    assert [r[0] for r in extracted] == sorted(ids.values())


def test_extract_second_run_extracts_nothing_and_changes_nothing(
        con: duckdb.DuckDBPyConnection, settings: Settings, nlp: Language) -> None:
    extract.run(con, settings, nlp=nlp)
    before = snapshot(con)
    again = extract.run(con, settings, nlp=nlp)
    assert again.counts["articles"] == 0
    assert extract.pending(con, extract.extractor_key(settings)) == []
    assert snapshot(con) == before


def test_extract_changed_text_makes_article_pending_again(
        con: duckdb.DuckDBPyConnection, settings: Settings, nlp: Language) -> None:
    extract.run(con, settings, nlp=nlp)
    ids = article_ids(con)
    troops_id, quake_id = ids["Northern Wire Service"], ids["Harbour Times"]
    quake_before = snapshot(con, quake_id)
    key = extract.extractor_key(settings)
    assert extract.pending(con, key) == []

    con.execute("UPDATE articles SET text = replace(text, '1,500 special', '2,500 special') WHERE id = ?", [troops_id])
    new_text = con.execute("SELECT text FROM articles WHERE id = ?", [troops_id]).fetchone()[0]
    assert extract.pending(con, key) == [(troops_id, new_text)]

    result = extract.run(con, settings, nlp=nlp)
    assert result.counts["articles"] == 1
    figures = {r[0] for r in con.execute("SELECT text FROM claims WHERE article_id = ?", [troops_id]).fetchall()}
    assert "2,500" in figures
    start = new_text.index("2,500 special")
    assert con.execute("SELECT text FROM claims WHERE id = ?", [f"{troops_id}-c{start}"]).fetchone() == ("2,500",)
    assert snapshot(con, quake_id) == quake_before
    assert extract.pending(con, key) == []


def test_extract_deleted_article_loses_its_rows(
        con: duckdb.DuckDBPyConnection, settings: Settings, nlp: Language) -> None:
    extract.run(con, settings, nlp=nlp)
    ids = article_ids(con)
    troops_id, quake_id = ids["Northern Wire Service"], ids["Harbour Times"]
    troops_before = snapshot(con, troops_id)
    assert all(snapshot(con, quake_id)[t] for t in ("sentences", "claims", "framing", "extracted"))

    con.execute("DELETE FROM articles WHERE id = ?", [quake_id])
    result = extract.run(con, settings, nlp=nlp)
    assert result.counts["articles"] == 0
    for table in TABLES:
        assert con.execute(f"SELECT count(*) FROM {table} WHERE article_id = ?", [quake_id]).fetchone() == (0,), table
    assert snapshot(con, troops_id) == troops_before


def test_extract_pending_lists_new_articles_in_id_order(con: duckdb.DuckDBPyConnection, settings: Settings,
                                                        nlp: Language) -> None:
    todo = extract.pending(con, extract.extractor_key(settings))
    assert [article_id for article_id, _ in todo] == sorted(article_ids(con).values())
    texts = dict(con.execute("SELECT id, text FROM articles").fetchall())
    assert all(texts[i] == t for i, t in todo)


def _extract_seeds(tmp: Path, name: str, workers: int, batch_size: int) -> dict[str, list[tuple[Any, ...]]]:
    seeds = Path(__file__).resolve().parent.parent / "seeds"
    settings = Settings(db=tmp / f"{name}.duckdb", out=tmp / name, workers=workers, batch_size=batch_size)
    connection = store.connect(settings.db)
    try:
        ingest.run(connection, settings, inputs=[seeds])
        result = extract.run(connection, settings)
        assert result.counts["articles"] == connection.execute("SELECT count(*) FROM articles").fetchone()[0]
        return snapshot(connection)
    finally:
        connection.close()


def test_extract_worker_processes_write_what_one_process_writes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pools: list[int] = []
    real = extract._pool_rows

    def counted(*args: Any) -> Any:
        pools.append(args[2])
        return real(*args)

    monkeypatch.setattr(extract, "_pool_rows", counted)
    # batch 1 -> shards of 2 articles: the seeds (14 articles) take the worker pool's path,
    # which needs at least two shards
    seeds_count = len(list((Path(__file__).resolve().parent.parent / "seeds").rglob("*.*"))) - 1
    assert seeds_count >= 2 * extract.shard_size(Settings(batch_size=1))
    pooled = _extract_seeds(tmp_path, "pool", workers=2, batch_size=1)
    single = _extract_seeds(tmp_path, "single", workers=1, batch_size=1)
    assert pools == [2]  # only the two-worker run used the pool
    assert pooled["claims"] and pooled == single
