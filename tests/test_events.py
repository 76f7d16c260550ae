"""Events stage: the `events` table follows the articles; an event with no article goes."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from compare import events, ingest, store
from compare.config import Settings

QUAKE = ("A magnitude 6.1 earthquake struck the mountainous north of the province early on Thursday, "
         "damaging more than 300 homes and cutting power to several villages, officials said.")
STRIKE = ("Train drivers across the network walked out on Monday in a dispute over pay, leaving "
          "commuters stranded at stations and forcing the operator to cancel nine in ten services.")


@pytest.fixture()
def settings(tmp_path: Path) -> Settings:
    return Settings(db=tmp_path / "events.duckdb", workers=1)


@pytest.fixture()
def con(settings: Settings):
    connection = store.connect(settings.db)
    yield connection
    connection.close()


def add_event(con: duckdb.DuckDBPyConnection, event_id: str) -> None:
    con.execute("INSERT INTO events VALUES (?, ?, 'folder')", [event_id, event_id.title()])


def add_article(con: duckdb.DuckDBPyConnection, article_id: str, event_id: str) -> None:
    store.insert_frame(con, "articles", store.to_frame("articles", [
        {"id": article_id, "event_id": event_id, "outlet": "Wire", "text": QUAKE, "path": f"{article_id}.txt"}]))


def event_ids(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [row[0] for row in con.execute("SELECT id FROM events ORDER BY id").fetchall()]


def test_events_without_articles_are_removed(con: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    for event_id in ("floods", "quake", "strike"):
        add_event(con, event_id)
    add_article(con, "a1", "quake")
    add_article(con, "a2", "quake")
    add_article(con, "a3", "strike")
    result = events.run(con, settings)
    assert event_ids(con) == ["quake", "strike"]
    assert result.stage == "events"
    assert result.counts["events"] == 2
    assert result.failures == []


def test_events_run_twice_changes_nothing(con: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    add_event(con, "quake")
    add_event(con, "floods")
    add_article(con, "a1", "quake")
    events.run(con, settings)
    before = con.execute("SELECT * FROM events").fetchall()
    assert events.run(con, settings).counts["events"] == 1
    assert con.execute("SELECT * FROM events").fetchall() == before == [("quake", "Quake", "folder")]


def test_events_on_an_empty_database(con: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    assert events.run(con, settings).counts["events"] == 0
    add_event(con, "floods")
    assert events.run(con, settings).counts["events"] == 0
    assert event_ids(con) == []


def test_events_article_moved_to_another_event_leaves_no_empty_event(
        con: duckdb.DuckDBPyConnection, settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "crawl" / "rail.json"
    path.parent.mkdir()
    path.write_text(json.dumps({"text": STRIKE, "event": "Rail strike"}), encoding="utf-8")
    ingest.run(con, settings, inputs=[path])
    assert events.run(con, settings).counts["events"] == 1
    assert event_ids(con) == ["rail-strike"]
    # the article's event field is corrected: the old event is left with no article
    path.write_text(json.dumps({"text": STRIKE, "event": "Rail strike March 2024"}), encoding="utf-8")
    ingest.run(con, settings, inputs=[path])
    assert event_ids(con) == ["rail-strike", "rail-strike-march-2024"]
    assert events.run(con, settings).counts["events"] == 1
    assert event_ids(con) == ["rail-strike-march-2024"]


def _flat_article(con: duckdb.DuckDBPyConnection, article_id: str, title: str, day: int, entities: list[str]) -> None:
    from datetime import datetime

    store.insert_frame(con, "articles", store.to_frame("articles", [{
        "id": article_id, "event_id": "night", "source_event": "night", "origin": "flat", "outlet": "Wire",
        "title": title, "text": QUAKE, "path": f"{article_id}.txt", "published": datetime(2024, 10, day, 9)}]))
    store.insert_frame(con, "entities", store.to_frame("entities", [
        {"article_id": article_id, "sentence_index": 0, "label": "GPE", "text": e, "start": 0, "end": 1} for e in entities]))


def test_events_flat_dump_is_grouped_by_shared_entities(con: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    add_event(con, "night")
    _flat_article(con, "q1", "Quake hits Ardel province", 3, ["Ardel", "Velmora", "Kessin"])
    _flat_article(con, "q2", "Ardel quake toll rises", 4, ["Ardel", "Velmora", "Brask"])
    _flat_article(con, "s1", "Rail strike strands commuters", 3, ["Harwick", "Dunmore", "Union of Rail Workers"])
    _flat_article(con, "s2", "Rail strike enters second day", 4, ["Harwick", "Dunmore", "Tarsk"])
    events.run(con, settings)
    rows = dict(con.execute("SELECT id, event_id FROM articles").fetchall())
    assert rows["q1"] == rows["q2"] != rows["s1"] == rows["s2"]
    assert "night" not in event_ids(con)
    # a second night adds an article about the quake: it joins the same event id
    first_ids = set(rows.values())
    _flat_article(con, "q3", "Aid reaches Ardel villages", 5, ["Ardel", "Velmora"])
    events.run(con, settings)
    rows = dict(con.execute("SELECT id, event_id FROM articles").fetchall())
    assert rows["q3"] == rows["q1"] and set(rows.values()) == first_ids


def test_events_articles_weeks_apart_are_not_one_event(con: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    from datetime import datetime

    add_event(con, "night")
    _flat_article(con, "a", "Quake hits Ardel province", 1, ["Ardel", "Velmora"])
    _flat_article(con, "b", "Quake hits Ardel province", 30, ["Ardel", "Velmora"])
    events.run(con, settings)
    rows = dict(con.execute("SELECT id, event_id FROM articles").fetchall())
    assert rows["a"] != rows["b"]


def test_events_pairwise_scores() -> None:
    truth = {"a": 1, "b": 1, "c": 2, "d": 2}
    assert events.pairwise_scores({"a": "x", "b": "x", "c": "y", "d": "y"}, truth)["f1"] == 1.0
    split = events.pairwise_scores({"a": "x", "b": "z", "c": "y", "d": "y"}, truth)
    assert split["precision"] == 1.0 and split["recall"] == 0.5


# labelled groups that follow the story of another group on later days; the 21 Oct strike on
# Zaporizhzhia is part of the North Korean troops story in the seed facts (the seed article
# reports both)
SAME_STORY = {"nk-troops-oct23-2024": "nk-troops-russia", "nk-troops-pentagon": "nk-troops-russia",
              "zaporizhzhia-strike": "nk-troops-russia", "morocco-aid": "morocco-earthquake"}
GROUPING_FLOOR_F1 = 0.95  # pinned: pairwise F1 of grouping the labelled mix below (measured 0.99-1.0)


@pytest.mark.slow
def test_events_grouping_of_a_labelled_mix_meets_the_floor(tmp_path: Path) -> None:
    """Seed-style events shuffled into one flat folder come back out as their events."""
    import shutil

    from compare import pipeline

    root = Path(__file__).resolve().parent.parent
    dump = tmp_path / "night"
    dump.mkdir()
    truth: dict[str, str] = {}
    groups = [*sorted((root / "seeds").iterdir()), *sorted((root / "tests" / "eval" / "discrepancies").iterdir())]
    for group in (g for g in groups if g.is_dir()):
        # the seeds and the labelled groups cover two of the same real events, some of them on
        # later days of the story
        label = group.name.removesuffix("-oct2024").removesuffix("-sept2023")
        label = SAME_STORY.get(label, label)
        for article in sorted(group.iterdir()):
            if article.name == "expected.json" or article.suffix not in (".txt", ".json", ".html", ".md"):
                continue
            target = dump / f"{group.name}__{article.name}"
            shutil.copy(article, target)
            truth[str(target)] = label
    settings = Settings(db=tmp_path / "mix.duckdb", out=tmp_path / "r", workers=1)
    pipeline.run([dump], settings)
    con = duckdb.connect(str(settings.db), read_only=True)
    try:
        predicted = dict(con.execute("SELECT path, event_id FROM articles").fetchall())
    finally:
        con.close()
    assert len(predicted) == len(truth) >= 50
    scores = events.pairwise_scores(predicted, truth)
    assert scores["f1"] >= GROUPING_FLOOR_F1, scores
