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
              measures: set[str], *, groups: list[int] | None = None) -> list[dict[str, Any]]:
    """An omission per key claim (of a lexicon measure), naming the outlets that leave it out.

    `groups` gives, for each cluster, the aligned group it belongs to: clusters of one group
    are figures for the same thing, so a story that gives another figure for it (an earlier
    toll, a wrong number) has not left the claim out. Without it each cluster stands alone.
    """
    stories = sorted(set(family.values()))
    if len(stories) < 3:
        return []
    need = max(2, math.ceil(KEY_SHARE * len(stories)))
    index = groups if groups is not None else list(range(len(clusters)))
    members: dict[int, list[list[dict[str, Any]]]] = {}
    for cluster, group in zip(clusters, index):
        members.setdefault(group, []).append(cluster)
    out = []
    for group_clusters in members.values():
        carried_each = [{family.get(r["article_id"], r["article_id"]) for r in c} for c in group_clusters]
        carried = set().union(*carried_each)
        # the figure most stories give stands for the claim
        main = max(range(len(group_clusters)), key=lambda k: (len(carried_each[k]), -k))
        cluster = group_clusters[main]
        missing = [s for s in stories if s not in carried]
        if len(carried) < need or not missing or cluster[0]["measure"] not in measures:
            continue
        missing_outlets = sorted({outlets[a] for a, f in family.items() if f in missing})
        carrying_outlets = sorted({outlets[a] for a, f in family.items() if f in carried})
        figure, measure = cluster[0]["text"], cluster[0]["measure"]
        speaker = next((r["speaker"] for r in cluster if r["speaker"]), None)
        others = len(carried - carried_each[main])
        summary = (f"{outlet_list(missing_outlets)} {verb(missing_outlets, 'leave', 'leaves')} out {figure} {measure}"
                   + (f" ({speaker})" if speaker else "")
                   + f", which {len(carried)} of {len(stories)} stories report"
                   + (f" ({others} with another figure)" if others else "") + ".")
        out.append(discrepancy(
            event_id, "omission", severity=0.3 + 0.3 * len(carried) / len(stories), summary=summary,
            measure=measure, claim_ids=[r["id"] for r in cluster],
            article_ids=[a for a, f in family.items() if f in missing],
            key="omission|" + "|".join(sorted(r["id"] for r in cluster)),
            details={"carried_by": carrying_outlets, "missing_from": missing_outlets,
                     "figure": figure, "speaker": speaker,
                     "other_figures": sorted({c[0]["text"] for k, c in enumerate(group_clusters) if k != main})},
        ))
    return out
