"""Framing discrepancies: outlets choosing different words for the same thing."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import polars as pl

from ..groups import DisjointSet
from ..lexicons import Lexicons
from .common import discrepancy, outlet_list, verb


def framing_discrepancies(event_id: str, framing: pl.DataFrame, outlets: dict[str, str], lex: Lexicons, *,
                          originals: dict[str, str] | None = None, texts: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """Naming variants, loaded terms, hedges and reporting verbs that differ between outlets.

    `framing` holds the event's framing rows with their outlet; `outlets` maps every article
    of the event to its outlet, so outlets that use no such term count too. `originals` maps
    each article to the first article of its wire story: a term a later copy brought in is an
    edit of the copy (wire_copy_edit), not the outlet's framing. `texts` (article texts, with
    a `start` column in `framing`) let a loaded term name its plain counterpart as the article
    would ("Kalvaran invaders" -> "Kalvaran forces").
    """
    if framing.height == 0:
        return []
    rows = framing.to_dicts()
    if originals:
        used = {(r["article_id"], r["kind"], r["term"].lower()) for r in rows}
        rows = [r for r in rows if originals.get(r["article_id"], r["article_id"]) == r["article_id"]
                or (originals[r["article_id"]], r["kind"], r["term"].lower()) in used]
    all_outlets = sorted(set(outlets.values()))
    out: list[dict[str, Any]] = []

    by_canonical: dict[str, dict[str, set[str]]] = {}
    ids: dict[str, set[str]] = {}
    for r in rows:
        if r["kind"] == "naming":
            by_canonical.setdefault(r["canonical"], {}).setdefault(r["term"], set()).add(r["outlet"])
            ids.setdefault(r["canonical"], set()).add(r["article_id"])
    for canonical, terms in sorted(by_canonical.items()):
        if len(terms) < 2:
            continue
        if canonical in lex.marked_canonicals and not set(terms) & lex.marked_names:
            continue  # plain variants of one name ("war in Ukraine", "war against Ukraine")
        parts = [f"{term} ({outlet_list(o)})" for term, o in sorted(terms.items(), key=lambda kv: (-len(kv[1]), kv[0]))]
        out.append(discrepancy(
            event_id, "framing", severity=0.35, measure="naming",
            summary=f"Outlets name {canonical} differently: " + ", ".join(parts) + ".",
            article_ids=ids[canonical], key=f"naming|{canonical}",
            details={"kind": "naming", "canonical": canonical, "terms": {t: sorted(o) for t, o in terms.items()}},
        ))

    loaded: dict[str, dict[str, set[str]]] = {}
    loaded_ids: dict[str, set[str]] = {}
    # an article names the side once ("the Kalvaran invaders") and then says "the invaders"
    written: dict[tuple[str, str], Counter[str]] = {}
    for r in rows:
        if r["kind"] == "loaded":
            written.setdefault((r["article_id"], r["term"].lower()), Counter())[_as_written(r, texts)] += 1
    for r in rows:
        if r["kind"] == "loaded":
            counts = written[(r["article_id"], r["term"].lower())]
            named = [idea for idea, _ in counts.most_common() if idea != r["canonical"]]
            idea = named[0] if named else r["canonical"]
            loaded.setdefault(idea, {}).setdefault(r["term"].lower(), set()).add(r["outlet"])
            loaded_ids.setdefault(idea, set()).add(r["article_id"])
    for idea, terms in sorted(loaded.items()):
        users = set().union(*terms.values())
        others = [o for o in all_outlets if o not in users]
        if not others:
            continue
        words = ", ".join(f"“{t}”" for t in sorted(terms))
        out.append(discrepancy(
            event_id, "framing", severity=0.5, measure="loaded",
            summary=f"{outlet_list(users)} {verb(users, 'call', 'calls')} {idea} {words}; "
                    f"{outlet_list(others)} {verb(others, 'do', 'does')} not.",
            article_ids=loaded_ids[idea], key=f"loaded|{idea}",
            details={"kind": "loaded", "canonical": idea, "terms": {t: sorted(o) for t, o in terms.items()},
                     "without": others},
        ))

    for kind, label, severity in (("hedge", "Hedging differs", 0.4), ("reporting_verb", "Distancing reporting verbs differ", 0.4)):
        per_outlet: dict[str, set[str]] = {}
        kind_ids: set[str] = set()
        for r in rows:
            if r["kind"] != kind:
                continue
            if kind == "reporting_verb" and lex.reporting_verbs.get(r["canonical"]) != "hedge":
                continue  # "said" is the default; "claimed" and "alleged" are the choice
            per_outlet.setdefault(r["outlet"], set()).add(r["term"].lower())
            kind_ids.add(r["article_id"])
        others = [o for o in all_outlets if o not in per_outlet]
        if not per_outlet or not others:
            continue
        parts = [f"{o} writes " + ", ".join(f"“{t}”" for t in sorted(ts)) for o, ts in sorted(per_outlet.items())]
        tail = f"{outlet_list(others)} {verb(others, 'use', 'uses')} none"
        if kind == "reporting_verb":
            # what the other outlets write instead: the plain verb the hedge replaces
            plain = Counter(r["term"].lower() for r in rows if r["kind"] == kind and r["outlet"] in others
                            and lex.reporting_verbs.get(r["canonical"]) == "neutral")
            if plain:
                tail = f"{outlet_list(others)} {verb(others, 'write', 'writes')} “{plain.most_common(1)[0][0]}”"
        out.append(discrepancy(
            event_id, "framing", severity=severity, measure=kind,
            summary=f"{label}: " + "; ".join(parts) + f"; {tail}.",
            article_ids=kind_ids, key=f"{kind}|stance",
            details={"kind": kind, "canonical": kind, "terms": {o: sorted(t) for o, t in per_outlet.items()},
                     "without": others},
        ))
    return out


def _as_written(row: dict[str, Any], texts: dict[str, str] | None) -> str:
    """The plain counterpart of a loaded term, with the article's own qualifier: "the Kalvaran
    invaders" stand for "Kalvaran forces" where the lexicon says "Russian forces"."""
    canonical = str(row["canonical"])
    words = canonical.split()
    text = (texts or {}).get(row["article_id"])
    start = row.get("start")
    if text is None or start is None or len(words) != 2 or not words[0][:1].isupper():
        return canonical
    before = re.findall(r"[\w’'-]+", text[max(0, start - 40):start])
    if before and before[-1][:1].isupper() and before[-1].lower() not in ("the", "a", "an", "these", "those"):
        return f"{before[-1]} {words[1]}"
    return canonical


# "Dravec" and "Dravetz", "Kiev" and "Kyiv", "Zaporozhye" and "Zaporizhzhia": letters that
# transliterations of one name swap
_TRANSLIT = (("tz", "c"), ("ts", "c"), ("zh", "j"), ("kh", "h"), ("ch", "c"), ("sch", "s"), ("ck", "k"),
             ("k", "c"), ("y", "i"), ("j", "i"), ("w", "v"), ("ph", "f"), ("ie", "i"), ("ii", "i"))


def _skeleton(name: str) -> str:
    out = name.lower()
    for a, b in _TRANSLIT:
        out = out.replace(a, b)
    return re.sub(r"(.)\1+", r"\1", out)


def spelling_variants(event_id: str, entities: pl.DataFrame, lex: Lexicons, *,
                      common: set[str] | frozenset[str] = frozenset()) -> list[dict[str, Any]]:
    """Names spelt differently by different outlets ("Dravec" and "Dravetz"), found without a lexicon.

    `common` holds words the event's articles write in lower case ("ferry"): a capitalised
    "Ferry" in a headline is that word, not a name.
    """
    if entities.height == 0:
        return []
    from rapidfuzz import fuzz

    used: dict[str, set[str]] = {}
    ids: dict[str, set[str]] = {}
    for r in entities.to_dicts():
        if r["label"] not in ("GPE", "PERSON", "LOC", "FAC", "ORG"):
            continue
        for word in re.findall(r"[A-Z][\w’'-]+", r["text"]):
            word = re.sub(r"['’]s$", "", word)
            if len(word) >= 5 and not word.isupper() and word.lower() not in common:
                used.setdefault(word, set()).add(r["outlet"])
                ids.setdefault(word, set()).add(r["article_id"])
    names = sorted(used)
    linked = DisjointSet(names)
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            if a[0] != b[0] or abs(len(a) - len(b)) > 2 or (a in lex.naming and b in lex.naming):
                continue
            if b.startswith(a) or a.startswith(b):
                continue  # plurals, possessives and demonyms are not spellings ("Russia", "Russian")
            if (fuzz.ratio(a, b) >= 80 or _skeleton(a) == _skeleton(b)) and used[a] != used[b]:
                linked.union(a, b)
    out = []
    for members in linked.groups():
        if len(members) < 2:
            continue
        terms = {m: sorted(used[m]) for m in members}
        parts = [f"{m} ({outlet_list(used[m])})" for m in sorted(members, key=lambda m: (-len(used[m]), m))]
        canonical = max(members, key=lambda m: (len(used[m]), m))
        out.append(discrepancy(
            event_id, "framing", severity=0.3, measure="naming",
            summary=f"Outlets spell {canonical} differently: " + ", ".join(parts) + ".",
            article_ids=set().union(*(ids[m] for m in members)), key=f"spelling|{'|'.join(sorted(members))}",
            details={"kind": "naming", "canonical": canonical, "terms": terms},
        ))
    return out
