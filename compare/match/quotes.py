"""Quote variants: the same quote worded differently by different outlets."""

from __future__ import annotations

from typing import Any

import polars as pl
from rapidfuzz import fuzz, process

from ..groups import DisjointSet
from .common import discrepancy, outlet_list, word_diff, words

SIMILARITY = 70.0  # quotes this alike (rapidfuzz ratio on their words) are the same quote


def quote_variants(event_id: str, quotes: pl.DataFrame) -> list[dict[str, Any]]:
    """One discrepancy per group of aligned quotes whose wording differs between articles."""
    if quotes.height < 2:
        return []
    rows = quotes.to_dicts()
    texts = [" ".join(words(r["text"])) for r in rows]
    # one vectorised comparison of every quote with every other, cut at the similarity floor
    scores = process.cdist(texts, texts, scorer=fuzz.ratio, score_cutoff=SIMILARITY, workers=1)
    linked = DisjointSet(range(len(rows)))
    for i in range(len(rows)):
        for j in range(i + 1, len(rows)):
            if scores[i][j] and rows[i]["article_id"] != rows[j]["article_id"] and _speakers_agree(rows[i], rows[j]):
                linked.union(i, j)
    out = []
    for members in linked.groups():
        wordings: dict[str, list[int]] = {}
        for i in members:
            wordings.setdefault(texts[i], []).append(i)
        if len(wordings) < 2 or len({rows[i]["article_id"] for i in members}) < 2:
            continue
        # the wording most outlets print is the reference the others are compared with
        ranked = sorted(wordings.items(), key=lambda kv: (-len(kv[1]), kv[0]))
        reference = rows[ranked[0][1][0]]
        variants = []
        for text, idx in ranked:
            sample = rows[idx[0]]
            variants.append({"text": sample["text"], "outlets": sorted({rows[i]["outlet"] for i in idx}),
                             "quote_ids": [rows[i]["id"] for i in idx],
                             "diff": word_diff(reference["text"], sample["text"])})
        speaker = next((rows[i]["speaker"] for i in members if rows[i]["speaker"]), None)
        other = variants[1]
        summary = (f"A quote{f' of {speaker}' if speaker else ''} is worded differently: "
                   f"“{reference['text']}” ({outlet_list(variants[0]['outlets'])}) against "
                   f"“{other['text']}” ({outlet_list(other['outlets'])}).")
        changed = sum(len(t.split()) for v in variants[1:] for op, t in v["diff"] if op != "=")
        out.append(discrepancy(
            event_id, "quote_variant", severity=0.45 + min(changed, 10) * 0.03, summary=summary,
            measure=None, quote_ids=[rows[i]["id"] for i in members],
            article_ids=[rows[i]["article_id"] for i in members],
            details={"speaker": speaker, "reference": reference["text"], "variants": variants},
        ))
    return out


def _speakers_agree(a: dict[str, Any], b: dict[str, Any]) -> bool:
    from .numbers import same_speaker

    return not a["speaker"] or not b["speaker"] or same_speaker(a["speaker"], b["speaker"])
