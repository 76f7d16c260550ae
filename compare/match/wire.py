"""Wire copies: one agency story run by several outlets, and the edits between the copies."""

from __future__ import annotations

from typing import Any

from rapidfuzz import fuzz, process

from ..groups import DisjointSet
from .common import discrepancy, word_diff, words

SENTENCE_MATCH = 80.0  # sentences this alike are the same sentence, edited or not
COPY_OVERLAP = 0.6  # share of the shorter article's sentences found in the other


def wire_groups(articles: list[dict[str, Any]]) -> tuple[list[list[str]], list[dict[str, Any]]]:
    """Groups of article ids that are copies of one story, and the matched pairs behind them.

    `articles` carry id, outlet, published and `sentences` (a list of sentence texts).
    """
    pairs = []
    n = len(articles)
    norm = [[" ".join(words(s)) for s in a["sentences"]] for a in articles]
    for i in range(n):
        for j in range(i + 1, n):
            if not norm[i] or not norm[j]:
                continue
            scores = process.cdist(norm[i], norm[j], scorer=fuzz.ratio, score_cutoff=SENTENCE_MATCH, workers=1)
            best_j = scores.argmax(axis=1)
            matched = [(a, int(best_j[a]), float(scores[a][best_j[a]])) for a in range(len(norm[i])) if scores[a][best_j[a]] > 0]
            if len(matched) < COPY_OVERLAP * min(len(norm[i]), len(norm[j])) or len(matched) < 3:
                continue
            pairs.append({"a": i, "b": j, "matched": matched})
    linked = DisjointSet(range(n))
    for p in pairs:
        linked.union(p["a"], p["b"])
    groups = [[articles[k]["id"] for k in members] for members in linked.groups()]
    return [g for g in groups if len(g) > 1], pairs


def wire_discrepancies(event_id: str, articles: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """A wire_copy_edit per pair of copies that differ, and each article's family id."""
    groups, pairs = wire_groups(articles)
    family = {a["id"]: a["id"] for a in articles}
    for group in groups:
        for member in group:
            family[member] = min(group)
    out = []
    for p in pairs:
        a, b = articles[p["a"]], articles[p["b"]]
        # the earlier copy is the reference; edits are what the later one changed
        if a["published"] is not None and b["published"] is not None and b["published"] < a["published"]:
            a, b = b, a
            p = {"a": p["b"], "b": p["a"], "matched": [(j, i, s) for i, j, s in p["matched"]]}
        edits = []
        matched_a = {i for i, _, _ in p["matched"]}
        matched_b = {j for _, j, _ in p["matched"]}
        for i, j, score in p["matched"]:
            if score < 100:
                diff = word_diff(a["sentences"][i], b["sentences"][j])
                if any(op != "=" for op, _ in diff):
                    edits.append({"type": "edited", "from": a["sentences"][i], "to": b["sentences"][j], "diff": diff})
        edits += [{"type": "cut", "from": s} for k, s in enumerate(a["sentences"]) if k not in matched_a]
        edits += [{"type": "added", "to": s} for k, s in enumerate(b["sentences"]) if k not in matched_b]
        if not edits:
            continue
        changed = [e for e in edits if e["type"] == "edited"]
        swaps = [f"“{d[1]}” → “{n[1]}”" for e in changed for d, n in zip(e["diff"], e["diff"][1:])
                 if d[0] == "-" and n[0] == "+" and len(d[1].split()) <= 3]
        summary = (f"{b['outlet']} runs the same story as {a['outlet']} with {len(edits)} edits"
                   + (f", including {', '.join(swaps[:3])}" if swaps else "") + ".")
        out.append(discrepancy(
            event_id, "wire_copy_edit", severity=0.3 + min(len(swaps), 5) * 0.06, summary=summary,
            measure=None, article_ids=[a["id"], b["id"]],
            details={"original": a["outlet"], "copy": b["outlet"], "edits": edits},
        ))
    return out, family
