"""Match stage: claims, quotes and framing terms -> discrepancies, event by event.

Figures are aligned across outlets and split where they disagree (numbers.py); quotes are
aligned by fuzzy similarity (quotes.py); framing terms are compared per outlet (framing.py);
near-duplicate articles are recognised as wire copies (wire.py) and counted once when
deciding which claims most outlets carry (coverage.py). Discrepancy ids are stable, so a
rerun keeps each one's history (first run seen; new, unchanged or resolved).
"""

from __future__ import annotations

import re
from typing import Any

import duckdb
import polars as pl

from .. import store
from ..config import Settings
from ..lexicons import load_lexicons
from ..records import StageResult
from .coverage import omissions
from .framing import framing_discrepancies, spelling_variants
from .numbers import (
    MAX_RATIO,
    OPEN_FACTOR,
    Side,
    align,
    claim_groups,
    claim_things,
    classify,
    compatible_sources,
    misprint,
    number_discrepancies,
    reading_interval,
    same_speaker,
    value_clusters,
)
from .quotes import quote_variants
from .wire import wire_discrepancies

__all__ = ["MAX_RATIO", "OPEN_FACTOR", "Side", "align", "classify", "compatible_sources", "event_discrepancies", "misprint",
           "number_discrepancies", "reading_interval", "run", "same_speaker", "value_clusters"]


# events matched per read and per write transaction: bounds memory on big nights and
# keeps the number of queries small (a kill loses at most one chunk, matched again next run)
CHUNK_EVENTS = 64

_QUERIES = {
    "articles": "SELECT a.event_id, a.id, a.outlet, a.published, a.text FROM articles a "
                "WHERE a.event_id IN (SELECT id FROM _match_events) ORDER BY a.event_id, a.id",
    "sentences": "SELECT a.event_id, s.article_id, s.start, s.\"end\" FROM sentences s "
                 "JOIN articles a ON a.id = s.article_id WHERE a.event_id IN (SELECT id FROM _match_events) "
                 "ORDER BY a.event_id, s.article_id, s.sentence_index",
    "claims": "SELECT a.event_id, c.id, c.article_id, a.outlet, a.published, c.text, c.value, c.low, c.high, "
              "c.qualifier, c.direction, c.unit, c.counted, c.measure, c.predicate, c.speaker, "
              "c.reporting_verb, c.time, c.negated, c.start FROM claims c JOIN articles a ON a.id = c.article_id "
              "WHERE a.event_id IN (SELECT id FROM _match_events) AND c.measure IS NOT NULL "
              "AND c.direction IS NULL AND NOT coalesce(c.negated, false) ORDER BY a.event_id, c.article_id, c.start",
    "quotes": "SELECT a.event_id, q.id, q.article_id, a.outlet, q.text, q.speaker, q.verb FROM quotes q "
              "JOIN articles a ON a.id = q.article_id WHERE a.event_id IN (SELECT id FROM _match_events) "
              "ORDER BY a.event_id, q.article_id, q.start",
    "framing": "SELECT a.event_id, f.article_id, a.outlet, f.kind, f.term, f.canonical, f.start FROM framing f "
               "JOIN articles a ON a.id = f.article_id WHERE a.event_id IN (SELECT id FROM _match_events) "
               "ORDER BY a.event_id, f.article_id, f.start",
    "entities": "SELECT a.event_id, e.article_id, a.outlet, e.label, e.text FROM entities e "
                "JOIN articles a ON a.id = e.article_id WHERE a.event_id IN (SELECT id FROM _match_events) "
                "ORDER BY a.event_id, e.article_id, e.start",
}


def _load(con: duckdb.DuckDBPyConnection, event_ids: list[str]) -> dict[str, dict[str, pl.DataFrame]]:
    """Everything matching reads, for several events at once: {event: {table: frame}}.

    One query per table for the whole chunk of events, split by event in memory.
    """
    con.register("_match_events", pl.DataFrame({"id": event_ids}, schema={"id": pl.Utf8()}).to_arrow())
    try:
        frames = {name: con.sql(sql).pl() for name, sql in _QUERIES.items()}
    finally:
        con.unregister("_match_events")
    out: dict[str, dict[str, pl.DataFrame]] = {event: {} for event in event_ids}
    for name, frame in frames.items():
        empty = frame.clear().drop("event_id")
        parts = {key[0]: part.drop("event_id")
                 for key, part in frame.partition_by("event_id", as_dict=True, maintain_order=True).items()}
        for event in event_ids:
            out[event][name] = parts.get(event, empty)
    return out


def _discrepancies(event_id: str, data: dict[str, pl.DataFrame], settings: Settings) -> list[dict[str, Any]]:
    """Every discrepancy of one event, of every kind, from its loaded rows."""
    lex = load_lexicons(settings.extra_lexicons)
    articles = data["articles"]
    outlets = dict(zip(articles["id"].to_list(), articles["outlet"].to_list()))
    bounds: dict[str, list[tuple[int, int]]] = {}
    sentences = data["sentences"]
    for article_id, start, end in zip(sentences["article_id"].to_list(), sentences["start"].to_list(),
                                      sentences["end"].to_list()):
        bounds.setdefault(article_id, []).append((start, end))
    docs = [{"id": a, "outlet": o, "published": p, "sentences": [t[s:e] for s, e in bounds.get(a, [])]}
            for a, o, p, t in articles.select("id", "outlet", "published", "text").iter_rows()]
    claims = data["claims"]
    rows = number_discrepancies(event_id, claims, lex, similarity=settings.match_similarity)
    wire_rows, family = wire_discrepancies(event_id, docs)
    rows += wire_rows
    clusters: list[list[dict[str, Any]]] = []
    group_of: list[int] = []
    for k, thing in enumerate(claim_things(claims, lex, similarity=settings.match_similarity)):
        for cluster in thing:
            clusters.append(cluster)
            group_of.append(k)
    rows += omissions(event_id, clusters, family, outlets, set(lex.measure_names()), groups=group_of)
    rows += quote_variants(event_id, data["quotes"])
    texts = dict(zip(articles["id"].to_list(), articles["text"].to_list()))
    # the first article of each wire story: what a later copy changed is an edit, not framing
    published = dict(zip(articles["id"].to_list(), articles["published"].to_list()))
    first: dict[str, str] = {}
    for article_id in sorted(family, key=lambda a: (published.get(a) is None, published.get(a) or 0, a)):
        first.setdefault(family[article_id], article_id)
    originals = {a: first[f] for a, f in family.items()}
    rows += framing_discrepancies(event_id, data["framing"], outlets, lex, originals=originals, texts=texts)
    common = {w for text in texts.values() for w in re.findall(r"(?<![.!?]\s)\b[a-z][a-z’'-]{4,}\b", text or "")}
    rows += spelling_variants(event_id, data["entities"], lex, common=common)
    return rows


def event_discrepancies(con: duckdb.DuckDBPyConnection, event_id: str, settings: Settings) -> list[dict[str, Any]]:
    """Every discrepancy of one event, of every kind."""
    return _discrepancies(event_id, _load(con, [event_id])[event_id], settings)


def run(con: duckdb.DuckDBPyConnection, settings: Settings, *, run_id: int | None = None, events: list[str] | None = None) -> StageResult:
    """Rewrite the discrepancies of each event; ids are stable, so history carries over."""
    event_ids = events if events is not None else [r[0] for r in con.execute("SELECT id FROM events ORDER BY id").fetchall()]
    counts: dict[str, int] = {"events": 0, "discrepancies": 0, "unchanged_events": 0}
    fingerprints = _fingerprints(con, settings)
    stored = dict(con.execute("SELECT event_id, fingerprint FROM event_state").fetchall())
    todo = []
    for event_id in event_ids:
        if stored.get(event_id) == fingerprints.get(event_id):
            # same articles, extraction and settings: nothing to re-match and nothing changes;
            # statuses keep describing the last run that changed this event
            counts["unchanged_events"] += 1
        else:
            todo.append(event_id)
    for i in range(0, len(todo), CHUNK_EVENTS):
        chunk = todo[i:i + CHUNK_EVENTS]
        loaded = _load(con, chunk)
        results = {event_id: _discrepancies(event_id, loaded[event_id], settings) for event_id in chunk}
        del loaded
        _write(con, results, run_id, fingerprints)
        for rows in results.values():
            counts["events"] += 1
            counts["discrepancies"] += len(rows)
            for row in rows:
                counts[row["kind"]] = counts.get(row["kind"], 0) + 1
    return StageResult("match", counts, touched=todo)


def _fingerprints(con: duckdb.DuckDBPyConnection, settings: Settings) -> dict[str, str]:
    """A hash per event of what its discrepancies depend on: articles, extraction, settings."""
    import hashlib

    salt = hashlib.sha1(repr((settings.match_similarity, tuple(map(str, settings.extra_lexicons)))).encode()).hexdigest()
    rows = con.execute(
        "SELECT a.event_id, md5(string_agg(a.id || ':' || coalesce(x.extractor, '') || ':' || coalesce(a.outlet, '') "
        "|| ':' || coalesce(CAST(a.published AS VARCHAR), ''), ',' ORDER BY a.id)) "
        "FROM articles a LEFT JOIN extracted x ON x.article_id = a.id GROUP BY a.event_id").fetchall()
    claims = dict(con.execute(
        "SELECT a.event_id, md5(string_agg(c.id, ',' ORDER BY c.id)) FROM claims c "
        "JOIN articles a ON a.id = c.article_id GROUP BY a.event_id").fetchall())
    return {event: f"{digest}:{claims.get(event, '')}:{salt}" for event, digest in rows}


def _write(con: duckdb.DuckDBPyConnection, results: dict[str, list[dict[str, Any]]], run_id: int | None,
           fingerprints: dict[str, str] | None = None) -> None:
    """Replace the discrepancies of some events in one transaction; ones that are gone stay,
    marked resolved."""
    fingerprints = fingerprints or {}
    event_ids = list(results)
    with store.transaction(con):
        con.register("_write_events", pl.DataFrame({"id": event_ids}, schema={"id": pl.Utf8()}).to_arrow())
        try:
            previous = {r[0]: (r[1], r[2]) for r in con.execute(
                "SELECT id, first_seen_run, status FROM discrepancies "
                "WHERE event_id IN (SELECT id FROM _write_events)").fetchall()}
            out = []
            for rows in results.values():
                unique = {r["id"]: r for r in rows}
                for key, row in sorted(unique.items()):
                    seen = previous.get(key)
                    if seen is not None and seen[1] != "resolved":
                        out.append({**row, "first_seen_run": seen[0], "status": "unchanged"})
                    else:
                        out.append({**row, "first_seen_run": run_id, "status": "new"})
            frame = store.to_frame("discrepancies", out)
            con.register("_new_ids", frame.select("id").to_arrow())
            try:
                con.execute("UPDATE discrepancies SET status = 'resolved' "
                            "WHERE event_id IN (SELECT id FROM _write_events) "
                            "AND id NOT IN (SELECT id FROM _new_ids)")
                con.execute("DELETE FROM discrepancies WHERE id IN (SELECT id FROM _new_ids)")
            finally:
                con.unregister("_new_ids")
        finally:
            con.unregister("_write_events")
        store.insert_frame(con, "discrepancies", frame)
        store.replace_frame(con, "event_state", store.to_frame("event_state", [
            {"event_id": e, "fingerprint": fingerprints[e]} for e in event_ids if e in fingerprints]), key="event_id")
