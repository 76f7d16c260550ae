"""Scoring extraction against labelled data: NewsQuant and our own labelled set.

Used by the quality gate in the tests (floors pinned in tests/eval/floors.toml) and by
benchmarks/extraction.py. Scoring follows the NewsQuant README: micro precision/recall/F1,
a prediction matching a gold quantity of the same sentence when the values agree within a
relative tolerance of 1e-5 (both ends for a range), one-to-one per sentence.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from .extract import doc_rows
from .extract.numbers import leading_qualifier

_BOUND = {"exact": "=", "approx": "~", "more_than": ">", "at_least": ">", "less_than": "<",
          "at_most": "<", "up_to": "<", "range": "=", "vague": "="}
# NewsQuant writes vague amounts as the decade they name ("dozens" 12-120, "millions" 1e6-1e7);
# our own convention is narrower (README). Scoring uses theirs, only for this benchmark.
_NEWSQUANT_VAGUE = {"dozens": (12.0, 120.0), "hundreds": (100.0, 1000.0), "thousands": (1e3, 1e4),
                    "millions": (1e6, 1e7), "billions": (1e9, 1e10), "tens of thousands": (1e4, 1e5),
                    "hundreds of thousands": (1e5, 1e6), "tens of millions": (1e7, 1e8),
                    "hundreds of millions": (1e8, 1e9)}


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-5 * max(abs(a), abs(b), 1e-9)


def _gold_value(text: str) -> tuple[float, ...]:
    parts = re.split(r"(?<=[\d.])\s*-\s*(?=[\d.])", text.strip())
    return tuple(float(p) for p in parts)


def _predicted(claim: dict[str, Any]) -> tuple[tuple[float, ...], str] | None:
    """A claim as NewsQuant writes a quantity: its value (both ends for a range) and bound.

    Bounds: our qualifiers map one to one (`_BOUND`). A range or a vague amount keeps the words
    that bound it in its text ("about 14-18 mpg", "more than hundreds"), which give its bound.
    A change carries its direction as its bound unless a qualifier bounds it ("up about 19%"
    is `~`). A level reached by a change ("rose 5% to 200") has no direction in our claims and
    is `=`, as NewsQuant writes most such levels.
    """
    bound = _BOUND.get(claim["qualifier"], "=")
    if claim["qualifier"] in ("range", "vague"):
        bound = _BOUND.get(leading_qualifier(claim["text"]) or "exact", "=")
    if claim.get("direction") and bound == "=":
        bound = claim["direction"]
    if claim["qualifier"] == "vague":
        key = " ".join(claim["text"].lower().split())
        for words, interval in sorted(_NEWSQUANT_VAGUE.items(), key=lambda kv: -len(kv[0])):
            if key.endswith(words):
                return interval, bound
        if claim["low"] is None or claim["high"] is None:
            return None
        return (claim["low"], claim["high"]), bound
    if claim["value"] is None:
        if claim["low"] is None or claim["high"] is None:
            return None
        # NewsQuant writes a range in the order it was written ("from 75 to 45.88")
        from .extract.numbers import words_to_number

        parts = re.findall(r"\d[\d,]*(?:\.\d+)?(?:\s*(?:million|billion|thousand|bn|m|k)\b)?", claim["text"], re.IGNORECASE)
        written = [v for v in (words_to_number(p) for p in parts) if v is not None]
        if len(written) >= 2 and written[0] > written[-1]:
            return (claim["high"], claim["low"]), bound
        return (claim["low"], claim["high"]), bound
    return (claim["value"],), bound


def _values_match(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return len(a) == len(b) and all(_close(x, y) for x, y in zip(a, b))


def score_newsquant(nlp: Any, path: Path, *, errors: list[str] | None = None) -> dict[str, float]:
    """Micro P/R/F1 for value and value+bound on the NewsQuant file at `path`.

    With `errors`, appends one line per disagreement: a gold quantity missed, a prediction
    with no gold value, or a value found with the wrong bound (`bound gold -> predicted`).
    """
    data = json.loads((path / "dev.json").read_text(encoding="utf-8") if path.is_dir() else path.read_text(encoding="utf-8"))
    counts = {"value": [0, 0, 0], "bound": [0, 0, 0]}  # tp, predicted, gold
    for item, doc in zip(data, nlp.pipe([d["text"] for d in data], batch_size=64)):
        gold = [(_gold_value(q["value"]), q["change"]) for q in item["quantities"]]
        claims = [c for c in doc_rows(doc)["claims"] if _predicted(c) is not None]
        pred = [_predicted(c) for c in claims]
        for key, with_bound in (("value", False), ("bound", True)):
            pairs = _pair(pred, gold, with_bound=with_bound)  # type: ignore[arg-type]
            counts[key][0] += len(pairs)
            counts[key][1] += len(pred)
            counts[key][2] += len(gold)
            if errors is not None and not with_bound:
                _describe_errors(errors, item["text"], claims, pred, gold, pairs)  # type: ignore[arg-type]
    out: dict[str, float] = {}
    for key, (tp, n_pred, n_gold) in counts.items():
        p = tp / n_pred if n_pred else 0.0
        r = tp / n_gold if n_gold else 0.0
        out[f"{key}_precision"] = 100 * p
        out[f"{key}_recall"] = 100 * r
        out[f"{key}_f1"] = 100 * (2 * p * r / (p + r) if p + r else 0.0)
    return out


Quantity = tuple[tuple[float, ...], str]


def _pair(pred: list[Quantity], gold: list[Quantity], *, with_bound: bool) -> dict[int, int]:
    """Greedy one-to-one matching of predictions to gold quantities: {pred index: gold index}."""
    used: set[int] = set()
    pairs: dict[int, int] = {}
    for j, (value, bound) in enumerate(pred):
        for i, (gvalue, gbound) in enumerate(gold):
            if i in used or not _values_match(value, gvalue) or (with_bound and bound != gbound):
                continue
            used.add(i)
            pairs[j] = i
            break
    return pairs


def _fmt(value: tuple[float, ...]) -> str:
    return "-".join(f"{v:g}" for v in value)


def _describe_errors(errors: list[str], text: str, claims: list[dict[str, Any]], pred: list[Quantity],
                     gold: list[Quantity], pairs: dict[int, int]) -> None:
    """Lines for the value misses, the extra predictions and the wrong bounds of one sentence."""
    lines = []
    for j, i in pairs.items():
        if pred[j][1] != gold[i][1]:
            lines.append(f"  bound {gold[i][1]} -> {pred[j][1]}: {claims[j]['text']!r} ({claims[j]['qualifier']})")
    for i, (gvalue, gbound) in enumerate(gold):
        if i not in pairs.values():
            lines.append(f"  missed {_fmt(gvalue)} {gbound}")
    for j, (value, bound) in enumerate(pred):
        if j not in pairs:
            lines.append(f"  extra {_fmt(value)} {bound}: {claims[j]['text']!r}")
    if lines:
        errors.append(text + "\n" + "\n".join(lines))


def _norm(text: str | None) -> str:
    return " ".join((text or "").replace("’", "'").lower().split())


def speaker_matches(gold: str | None, pred: str | None) -> bool:
    """Gold and predicted speakers agree: both absent, or one names the other."""
    g, p = _norm(gold), _norm(pred)
    if not g or not p:
        return not g and not p
    for article in ("the ", "a "):
        g = g.removeprefix(article)
        p = p.removeprefix(article)
    return g in p or p in g


def score_eval(nlp: Any, path: Path) -> dict[str, float]:
    """Recall/precision of figures and accuracy of their fields on our labelled set."""
    items = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    found = gold_total = predicted_total = 0
    right = {"value": 0, "interval": 0, "measure": 0, "predicate": 0, "speaker": 0}
    misses: list[str] = []
    for item, doc in zip(items, nlp.pipe([i["text"] for i in items], batch_size=32)):
        pred = doc_rows(doc)["claims"]
        predicted_total += len(pred)
        gold_total += len(item["claims"])
        used: set[int] = set()
        search_from = 0
        for gold in item["claims"]:
            start = item["text"].find(gold["text"], search_from)
            search_from = start + 1 if start >= 0 else search_from
            match = None
            for i, claim in enumerate(pred):
                if i in used:
                    continue
                if claim["start"] < start + len(gold["text"]) and start < claim["end"]:
                    match = i
                    break
            if match is None:
                misses.append(f"{item['id']}: missed {gold['text']!r}")
                continue
            used.add(match)
            found += 1
            claim = pred[match]
            right["value"] += _same_number(claim["value"], gold["value"])
            right["interval"] += _same_number(claim["low"], gold["low"]) and _same_number(claim["high"], gold["high"])
            right["measure"] += claim["measure"] == gold["measure"]
            right["predicate"] += claim["predicate"] == gold["predicate"]
            if claim["measure"] != gold["measure"]:
                misses.append(f"{item['id']}: {gold['text']!r} measure {claim['measure']!r} (gold {gold['measure']!r})")
            if claim["predicate"] != gold["predicate"]:
                misses.append(f"{item['id']}: {gold['text']!r} predicate {claim['predicate']!r} (gold {gold['predicate']!r})")
            ok = speaker_matches(gold["speaker"], claim["speaker"])
            right["speaker"] += ok
            if not ok:
                misses.append(f"{item['id']}: {gold['text']!r} speaker {claim['speaker']!r} (gold {gold['speaker']!r})")
    out = {"figures_recall": found / gold_total if gold_total else 0.0,
           "figures_precision": found / predicted_total if predicted_total else 0.0}
    out.update({f"{k}_accuracy": v / found if found else 0.0 for k, v in right.items()})
    out["_misses"] = misses  # type: ignore[assignment]
    return out


def _same_number(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return _close(float(a), float(b))




# -- discrepancies -------------------------------------------------------------------------

DISCREPANCY_KINDS = ("number_conflict", "attribution_difference", "update", "outlier", "misattribution",
                     "quote_variant", "framing", "omission", "wire_copy_edit")


def _norm_figure(text: str) -> str:
    return " ".join(text.lower().replace("’", "'").split())


def _matches(expected: dict[str, Any], found: dict[str, Any], claims: dict[str, str], quotes: dict[str, str],
             outlets: dict[str, str]) -> bool:
    """Whether a discrepancy the matcher found is the one an editor listed."""
    kind = expected["kind"]
    if found["kind"] != kind:
        return False
    details = json.loads(found["details"] or "{}")
    found_outlets = {outlets.get(a, "") for a in found["article_ids"]}
    if kind == "quote_variant":
        texts = [_norm_figure(quotes[q]) for q in found["quote_ids"] if q in quotes]
        return all(any(_norm_figure(w) in t or t in _norm_figure(w) for t in texts) for w in expected.get("quotes", []))
    if kind == "framing":
        blob = _norm_figure(found["summary"] + " " + json.dumps(details, ensure_ascii=False))
        return all(_norm_figure(t) in blob for t in expected.get("terms", []))
    if kind == "wire_copy_edit":
        return set(expected.get("outlets", [])) <= found_outlets
    figures = [_norm_figure(claims[c]) for c in found["claim_ids"] if c in claims]
    if not all(any(_norm_figure(f) in g or g in _norm_figure(f) for g in figures) for f in expected.get("figures", [])):
        return False
    if kind == "omission":
        return set(expected.get("outlets", [])) <= set(details.get("missing_from", []))
    return True


def score_discrepancies(nlp: Any, folder: Path, *, settings: Any = None,
                        groups: set[str] | None = None) -> dict[str, dict[str, float]]:
    """Precision and recall per kind on labelled event groups (tests/eval/discrepancies/).

    Each group folder holds article files and an `expected.json`; the real pipeline runs on
    each group (in a temporary database) and its discrepancies are matched one to one with
    the expected ones. `groups` limits scoring to the named group folders.
    """
    import tempfile
    from dataclasses import replace

    from . import extract, ingest, match
    from .config import Settings
    from .store import connect

    counts = {k: {"tp": 0, "found": 0, "expected": 0} for k in DISCREPANCY_KINDS}
    misses: list[str] = []
    for group in sorted(p for p in folder.iterdir() if p.is_dir() and (groups is None or p.name in groups)):
        expected = json.loads((group / "expected.json").read_text(encoding="utf-8"))["discrepancies"]
        with tempfile.TemporaryDirectory() as tmp:
            base = settings or Settings()
            run_settings = replace(base, db=Path(tmp) / "e.duckdb", workers=1)
            con = connect(run_settings.db)
            try:
                articles = [p for p in group.iterdir() if p.name != "expected.json" and p.suffix in ingest.ARTICLE_SUFFIXES]
                ingest.run(con, run_settings, inputs=articles)
                con.execute("UPDATE articles SET event_id = 'e', source_event = 'e', origin = 'folder'")
                con.execute("DELETE FROM events")
                con.execute("INSERT INTO events VALUES ('e', 'e', 'folder')")
                extract.run(con, run_settings, nlp=nlp)
                match.run(con, run_settings, run_id=1)
                found = [dict(zip(("kind", "summary", "claim_ids", "quote_ids", "article_ids", "details"), r)) for r in
                         con.execute("SELECT kind, summary, claim_ids, quote_ids, article_ids, details FROM discrepancies").fetchall()]
                claims = dict(con.execute("SELECT id, text FROM claims").fetchall())
                quotes = dict(con.execute("SELECT id, text FROM quotes").fetchall())
                outlets = dict(con.execute("SELECT id, outlet FROM articles").fetchall())
            finally:
                con.close()
        used: set[int] = set()
        for item in expected:
            if item["kind"] not in counts:
                continue
            counts[item["kind"]]["expected"] += 1
            hit = next((i for i, f in enumerate(found) if i not in used and _matches(item, f, claims, quotes, outlets)), None)
            if hit is None:
                misses.append(f"{group.name}: missed {item['kind']} {item.get('figures') or item.get('quotes') or item.get('terms') or item.get('outlets')}")
            else:
                used.add(hit)
                counts[item["kind"]]["tp"] += 1
        for i, f in enumerate(found):
            if f["kind"] in counts:
                counts[f["kind"]]["found"] += 1
                if i not in used:
                    misses.append(f"{group.name}: extra {f['kind']}: {f['summary']}")
    scores: dict[str, dict[str, float]] = {}
    for kind, c in counts.items():
        scores[kind] = {
            "precision": c["tp"] / c["found"] if c["found"] else (1.0 if not c["expected"] else 0.0),
            "recall": c["tp"] / c["expected"] if c["expected"] else 1.0,
            "expected": float(c["expected"]), "found": float(c["found"]),
        }
    scores["_misses"] = misses  # type: ignore[assignment]
    return scores
