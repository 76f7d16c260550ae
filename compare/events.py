"""Events stage: articles -> events.

Events come from the input layout (a subfolder per event) or from an article's `event`
field. The articles of a flat dump (one night's crawl) are grouped automatically: articles
that share rare named entities, key figures and headline words, published close in time,
form one event. Work is blocked through an inverted index of those features, so only
articles that share something are ever compared. Event ids are stable across nights: a
group that contains articles grouped before keeps their event id.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
import duckdb

from . import store
from .config import Settings
from .groups import DisjointSet
from .ingest import slugify
from .records import StageResult

ENTITY_LABELS = ("PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "EVENT", "PRODUCT")
LINK_THRESHOLD = 0.3  # weighted share of entities and figures two articles of one event have in common
RARE_SHARE = 8  # a rare feature is found in at most 1/RARE_SHARE of the dump (or in two articles)
MAX_DAYS_APART = 14.0  # articles further apart than this are never one event
_STOP = {"this", "that", "with", "from", "have", "will", "after", "over", "says", "said", "into",
         "their", "about", "more", "than", "were", "been", "what", "when", "where", "amid"}


@dataclass
class Doc:
    """What grouping knows of one article."""

    id: str
    title: str
    published: datetime | None
    previous_event: str | None
    features: dict[str, float]


def _features(title: str, entities: list[tuple[str, str]], figures: list[str]) -> dict[str, float]:
    feats: dict[str, float] = {}
    for label, text in entities:
        key = "e:" + re.sub(r"['’]s$", "", " ".join(text.lower().split()))
        feats[key] = feats.get(key, 0.0) + 1.0
    for fig in figures:
        feats["f:" + fig] = 1.0
    for word in re.findall(r"[a-z][a-z'-]{3,}", title.lower()):
        if word not in _STOP:
            feats.setdefault("t:" + word, 0.5)
    return feats


def _load(con: duckdb.DuckDBPyConnection) -> list[Doc]:
    rows = con.execute(
        "SELECT id, coalesce(title, ''), published, event_id, source_event FROM articles "
        "WHERE origin = 'flat' ORDER BY id").fetchall()
    if not rows:
        return []
    labels = ", ".join(f"'{label}'" for label in ENTITY_LABELS)
    entities: dict[str, list[tuple[str, str]]] = {}
    for article_id, label, text in con.execute(
            f"SELECT e.article_id, e.label, e.text FROM entities e JOIN articles a ON a.id = e.article_id "
            f"WHERE a.origin = 'flat' AND e.label IN ({labels})").fetchall():
        entities.setdefault(article_id, []).append((label, text))
    figures: dict[str, list[str]] = {}
    for article_id, measure, value in con.execute(
            "SELECT c.article_id, c.measure, c.value FROM claims c JOIN articles a ON a.id = c.article_id "
            "WHERE a.origin = 'flat' AND c.value IS NOT NULL AND c.value >= 10").fetchall():
        figures.setdefault(article_id, []).append(f"{measure}:{value:g}")
    return [Doc(r[0], r[1], r[2], r[3] if r[3] != r[4] else None,
                _features(r[1], entities.get(r[0], []), figures.get(r[0], []))) for r in rows]


def group(docs: list[Doc], *, threshold: float = LINK_THRESHOLD) -> list[list[Doc]]:
    """Groups of articles about one event (single link over blocked candidate pairs)."""
    n = len(docs)
    df: Counter[str] = Counter()
    for d in docs:
        df.update(d.features.keys())
    # a feature in most articles of the dump says nothing about which event an article is on
    cap = n if n < 10 else int(0.5 * n)
    idf = {f: math.log(1 + n / c) for f, c in df.items()}
    rare_idf = math.log(1 + n / max(2.0, n / RARE_SHARE))
    index: dict[str, list[int]] = {}
    for i, d in enumerate(docs):
        for f in d.features:
            if 2 <= df[f] <= cap:
                index.setdefault(f, []).append(i)
    linked = DisjointSet(range(n))
    seen: set[tuple[int, int]] = set()
    for members in index.values():
        for x in range(len(members)):
            for y in range(x + 1, len(members)):
                i, j = members[x], members[y]
                if (i, j) in seen or linked.same(i, j):
                    continue
                seen.add((i, j))
                if similarity(docs[i], docs[j], idf, rare_idf) >= threshold:
                    linked.union(i, j)
    groups = [[docs[i] for i in members] for members in linked.groups()]
    return sorted(groups, key=lambda g: min(d.id for d in g))


def similarity(a: Doc, b: Doc, idf: dict[str, float], rare_idf: float = math.log(9)) -> float:
    """How much two articles share, weighted by rarity: 0 (nothing) to 1 (everything).

    Named entities and key figures count; headline words only open the candidate pairs.
    The rarest thing two articles share must be rare in the dump (mentioned by at most an
    eighth of it): "the interior ministry" or "Russia" alone never makes two stories one.
    """
    if a.published and b.published and abs((a.published - b.published).total_seconds()) > MAX_DAYS_APART * 86400:
        return 0.0
    fa = {f: v for f, v in a.features.items() if not f.startswith("t:")}
    fb = {f: v for f, v in b.features.items() if not f.startswith("t:")}
    shared = fa.keys() & fb.keys()
    if not shared:
        return 0.0

    def weight(features: dict[str, float]) -> float:
        return sum(min(v, 3.0) * idf[f] for f, v in features.items())

    score = sum(min(fa[f], fb[f], 3.0) * idf[f] for f in shared) / max(min(weight(fa), weight(fb)), 1e-9)
    return score if max(idf[f] for f in shared) >= rare_idf else score * 0.5


def _event_id(docs: list[Doc]) -> str:
    """A stable id for a new group: its earliest date and its most shared entities."""
    dates = sorted(d.published for d in docs if d.published)
    counts: Counter[str] = Counter()
    for d in docs:
        counts.update(f[2:] for f in d.features if f.startswith("e:"))
    top = [name for name, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:3]]
    stem = slugify(" ".join(top)) if top else "event"
    return f"{dates[0]:%Y-%m-%d}-{stem}" if dates else stem


def run(con: duckdb.DuckDBPyConnection, settings: Settings) -> StageResult:
    """Group the articles of flat dumps into events and drop events left with no article."""
    docs = _load(con)
    assignments: list[tuple[str, str, str]] = []  # article, event id, title
    for members in group(docs):
        previous = Counter(d.previous_event for d in members if d.previous_event)
        event_id = previous.most_common(1)[0][0] if previous else _event_id(members)
        first = min(members, key=lambda d: (d.published or datetime.max, d.id))
        assignments.extend((d.id, event_id, first.title or event_id) for d in members)
    with store.transaction(con):
        if assignments:
            titles = {event: title for _, event, title in assignments}
            for event, title in titles.items():
                con.execute("INSERT OR REPLACE INTO events VALUES (?, ?, 'grouped')", [event, title])
            con.executemany("UPDATE articles SET event_id = ? WHERE id = ?", [[e, a] for a, e, _ in assignments])
        con.execute("DELETE FROM events WHERE id NOT IN (SELECT DISTINCT event_id FROM articles)")
        count = con.execute("SELECT count(*) FROM events").fetchall()[0][0]
    return StageResult("events", {"events": int(count), "grouped_articles": len(assignments)})


def pairwise_scores(predicted: dict[str, str], truth: dict[str, str]) -> dict[str, float]:
    """Pairwise precision, recall and F1 of a grouping against the true one."""
    ids = sorted(set(predicted) & set(truth))
    tp = fp = fn = 0
    for i in range(len(ids)):
        for j in range(i + 1, len(ids)):
            same_pred = predicted[ids[i]] == predicted[ids[j]]
            same_true = truth[ids[i]] == truth[ids[j]]
            tp += same_pred and same_true
            fp += same_pred and not same_true
            fn += same_true and not same_pred
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}

