"""Omissions: key claims most outlets carry that some outlets leave out."""

from __future__ import annotations

import math
from typing import Any

from .common import discrepancy, outlet_list, verb

KEY_SHARE = 0.5  # a claim carried by at least this share of the event's stories is a key claim


def coverage(clusters: list[list[dict[str, Any]]], family: dict[str, str], outlets: dict[str, str]) -> dict[str, Any]:
    """The coverage matrix: claim groups x outlets, counting wire copies of a story once."""
    stories = sorted(set(family.values()))
    matrix = []
    for cluster in clusters:
        carried = sorted({family.get(r["article_id"], r["article_id"]) for r in cluster})
        matrix.append({"figure": cluster[0]["text"], "measure": cluster[0]["measure"],
                       "claim_ids": [r["id"] for r in cluster], "stories": carried})
    return {"stories": stories, "outlets": {s: outlets.get(s, s) for s in stories}, "groups": matrix}


def omissions(event_id: str, clusters: list[list[dict[str, Any]]], family: dict[str, str], outlets: dict[str, str],
              measures: set[str]) -> list[dict[str, Any]]:
    """An omission per key claim group (of a lexicon measure), naming the outlets that leave it out."""
    stories = sorted(set(family.values()))
    if len(stories) < 3:
        return []
    need = max(2, math.ceil(KEY_SHARE * len(stories)))
    out = []
    for cluster in clusters:
        carried = {family.get(r["article_id"], r["article_id"]) for r in cluster}
        missing = [s for s in stories if s not in carried]
        if len(carried) < need or not missing or cluster[0]["measure"] not in measures:
            continue
        missing_outlets = sorted({outlets[a] for a, f in family.items() if f in missing})
        carrying_outlets = sorted({outlets[a] for a, f in family.items() if f in carried})
        figure, measure = cluster[0]["text"], cluster[0]["measure"]
        speaker = next((r["speaker"] for r in cluster if r["speaker"]), None)
        summary = (f"{outlet_list(missing_outlets)} {verb(missing_outlets, 'leave', 'leaves')} out {figure} {measure}"
                   + (f" ({speaker})" if speaker else "")
                   + f", which {len(carried)} of {len(stories)} stories report.")
        out.append(discrepancy(
            event_id, "omission", severity=0.3 + 0.3 * len(carried) / len(stories), summary=summary,
            measure=measure, claim_ids=[r["id"] for r in cluster],
            article_ids=[a for a, f in family.items() if f in missing],
            key="omission|" + "|".join(sorted(r["id"] for r in cluster)),
            details={"carried_by": carrying_outlets, "missing_from": missing_outlets,
                     "figure": figure, "speaker": speaker},
        ))
    return out
