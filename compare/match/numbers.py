"""Numeric discrepancies: figures aligned across outlets, split where they disagree.

Figures are aligned when they count the same measure with a compatible predicate; aligned
figures whose reading intervals do not overlap are split into value clusters, and each pair
of clusters seen in different articles becomes one discrepancy, classified the way an
editor would explain it (contracts.md section 3).
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import duckdb
import polars as pl
from rapidfuzz import fuzz

from ..groups import DisjointSet
from ..lexicons import Lexicons, load_lexicons
from .common import discrepancy

# matching reads an open interval as reaching at most this factor past its bound
OPEN_FACTOR = 2.0
# figures further apart than this count different things (an army against a deployment)
MAX_RATIO = 50.0
# exact round figures carry rounding: "1,500" covers 1,450..1,550, never more than 5%
MAX_ROUNDING = 0.05
UPDATE_GAP = timedelta(hours=6)

NUMBER_KINDS = ("number_conflict", "attribution_difference", "update", "outlier", "misattribution")


@dataclass(frozen=True)
class Side:
    """One value cluster of an aligned group: the claims that agree with each other."""

    claim_ids: tuple[str, ...]
    article_ids: tuple[str, ...]
    outlets: tuple[str, ...]
    speakers: tuple[str, ...]
    texts: tuple[str, ...]
    low: float
    high: float
    first_published: datetime | None
    last_published: datetime | None
    # publication time of each article giving a closed figure (not "more than N")
    timeline: tuple[tuple[str, datetime], ...] = ()


def reading_interval(low: float | None, high: float | None, value: float | None, qualifier: str | None) -> tuple[float, float] | None:
    """The interval matching compares: open ends closed by OPEN_FACTOR, rounding allowed."""
    if low is None and high is None:
        return None
    if low is None:
        assert high is not None
        low = high / OPEN_FACTOR
    if high is None:
        high = low * OPEN_FACTOR
    if qualifier == "exact" and value is not None and value == low == high and value != 0:
        tolerance = min(_rounding(value), abs(value) * MAX_ROUNDING)
        return value - tolerance, value + tolerance
    return low, high


def _rounding(value: float) -> float:
    """Half a unit of the last significant digit of a round figure (1,500 -> 50)."""
    v = abs(value)
    if v != int(v):
        return 0.0
    n = int(v)
    zeros = 0
    while n and n % 10 == 0:
        n //= 10
        zeros += 1
    return 0.5 * 10 ** zeros if zeros else 0.0


_STOP = {"the", "of", "a", "an", "and", "in", "for", "on", "to", "'s", "s", "mr", "ms", "mrs", "dr"}


_NORMALISED: dict[tuple[int, str], str] = {}


def normalise_speaker(text: str, lex: Lexicons) -> str:
    """A speaker in comparable form: lower case, synonyms and capitals replaced (memoised)."""
    key = (id(lex), text)
    found = _NORMALISED.get(key)
    if found is None:
        if len(_NORMALISED) > 50_000:
            _NORMALISED.clear()
        found = _NORMALISED[key] = _normalise_speaker(text, lex)
    return found


def _normalise_speaker(text: str, lex: Lexicons) -> str:
    out = " " + " ".join(text.replace("’", "'").replace("'s ", " ").split()) + " "
    for name, country in lex.capitals.items():
        out = re.sub(rf"(?<= ){re.escape(name)}(?= )", country, out)
    out = out.lower()
    for phrase, canonical in lex.source_synonyms.items():
        out = out.replace(f" {phrase.lower()} ", f" {canonical.lower()} ")
    return " ".join(out.split())


def _words(text: str) -> set[str]:
    return {w.strip("'.,()").removesuffix("'s") for w in text.split()} - _STOP


def _initials_runs(text: str) -> set[str]:
    """Initials of every run of capitalised words: 'South Korea's National Intelligence Service' -> NIS, SK, ..."""
    words = [w.strip("'.,()").removesuffix("'s") for w in text.split()]
    caps = [w[:1] if w[:1].isupper() and w.lower() not in _STOP else "" for w in words]
    runs: set[str] = set()
    for i in range(len(caps)):
        acc = ""
        for j in range(i, len(caps)):
            if not caps[j]:
                if words[j].lower() in _STOP and acc:
                    continue
                break
            acc += caps[j]
            if len(acc) >= 2:
                runs.add(acc.lower())
    return runs


def same_speaker(a: str | None, b: str | None, lex: Lexicons | None = None) -> bool:
    """True when two speaker strings name the same source ('NIS' and 'National Intelligence Service')."""
    if not a or not b:
        return a == b
    lex = lex or load_lexicons()
    a_l, b_l = normalise_speaker(a, lex), normalise_speaker(b, lex)
    if a_l == b_l or f" {a_l} " in f" {b_l} " or f" {b_l} " in f" {a_l} ":
        return True
    for short, long in ((a, b), (b, a)):
        if short.isupper() and 2 <= len(short) <= 6 and short.lower() in _initials_runs(long):
            return True
    words_a, words_b = _words(a_l), _words(b_l)
    # the content words of one are all in the other ("interior ministry", "Ministry of the Interior";
    # "Estoria's air force", "the Estorian air force")
    small, large = sorted((words_a, words_b), key=len)
    if len(small) >= 2 and all(any(_word_alike(w, x) for x in large) for w in small):
        return True
    # people: the same surname ("Volodymyr Zelensky" and "Mr Zelensky"), or a one-word name
    # that is one of the other's names ("Cho" and "Cho Tae-yong")
    last_a, last_b = a.split()[-1], b.split()[-1]
    if last_a == last_b and last_a[:1].isupper():
        return True
    for short, long in ((a, b), (b, a)):
        if " " not in short.strip() and short[:1].isupper() and not short.isupper() and short in long.split():
            return True
    return fuzz.token_sort_ratio(a_l, b_l) >= 90


def _initials(text: str) -> str:
    return "".join(w[0] for w in re.findall(r"[A-Za-z]+", text) if w.lower() not in _STOP).lower()


def counted_alike(a: str | None, b: str | None, similarity: float, nouns: frozenset[str] = frozenset()) -> bool:
    """Two counted noun phrases name the same thing ("special forces", "special operation forces";
    "GDP"; two nouns of the figures' own measure, `nouns`: "quake" and "magnitude")."""
    if not a or not b:
        return False
    if fuzz.token_set_ratio(a, b) >= similarity:
        return True
    if nouns and _head(a) in nouns and _head(b) in nouns:
        return True
    for short, long in ((a, b), (b, a)):
        if short.isupper() and 2 <= len(short) <= 6 and " " not in short and short.lower() == _initials(long):
            return True
    return False


def _head(phrase: str) -> str:
    """The last word of a noun phrase, singular: "Russian landing ships" -> "ship"."""
    word = phrase.lower().split()[-1].strip(".,'’")
    if word.endswith("ives") and len(word) >= 5:
        return word[:-3] + "fe"  # "lives", "knives"
    for suffix, repl in (("ies", "y"), ("ses", "s"), ("s", "")):
        if word.endswith(suffix) and len(word) > len(suffix) + 2:
            return word[: -len(suffix)] + repl
    return word


def _overlaps(a: dict[str, Any], b: dict[str, Any]) -> bool:
    ia = reading_interval(a["low"], a["high"], a["value"], a["qualifier"])
    ib = reading_interval(b["low"], b["high"], b["value"], b["qualifier"])
    return ia is not None and ib is not None and ia[0] <= ib[1] and ib[0] <= ia[1]


def _word_alike(w: str, x: str) -> bool:
    """One word, spelt alike or as its demonym: "Ukraine" and "Ukrainian", "Estoria" and "Estorian"."""
    if w == x:
        return True
    if min(len(w), len(x)) >= 5 and fuzz.ratio(w, x) >= 85:
        return True
    prefix = len(os.path.commonprefix([w, x]))
    return prefix >= 5 and prefix >= 0.75 * min(len(w), len(x))


# words that say what kind of body or person speaks, not which one
_ROLES = {"chief", "chiefs", "head", "director", "spokesman", "spokeswoman", "spokesperson", "official",
          "officials", "officer", "officers", "source", "sources", "minister", "secretary", "president",
          "mayor", "governor", "commander", "leader", "deputy", "representative", "aide", "aides",
          "colonel", "general", "estimates", "estimate", "figures", "data", "report", "statement"}
_BODIES = {"agency", "service", "ministry", "department", "office", "authority", "authorities",
           "administration", "council", "force", "forces", "committee", "institute", "government",
           "bureau", "directorate", "command", "company", "operator", "firm"}
_PLAIN = {"national", "regional", "local", "county", "state", "federal", "city", "municipal", "central",
          "country", "own", "senior", "top", "its", "their", "his", "her", "our"}


_OWNERS: dict[tuple[int, str], frozenset[str]] = {}


def _owner(text: str, lex: Lexicons) -> frozenset[str]:
    """Memoised `_find_owner`."""
    key = (id(lex), text)
    found = _OWNERS.get(key)
    if found is None:
        if len(_OWNERS) > 50_000:
            _OWNERS.clear()
        found = _OWNERS[key] = frozenset(_find_owner(text, lex))
    return found


def _find_owner(text: str, lex: Lexicons) -> set[str]:
    """The place or country a source belongs to: "Seoul's spy agency" -> {south, korea},
    "US intelligence officials" -> {us}, "mayor of Dravec" -> {dravec}."""
    words = text.replace("’", "'").split()
    owner: list[str] = []
    for i, w in enumerate(words):
        if w.endswith("'s") and w[:1].isupper():
            owner = [x for x in words[:i]] + [w[:-2]]
    if not owner and " of " in f" {text} ":
        tail = text.split(" of ", 1)[1].split()
        owner = [w for w in tail if w[:1].isupper()]
    if not owner:
        lead = []
        for w in words:
            if not w[:1].isupper() or w.lower() in _ROLES or w.lower() in _BODIES:
                break
            lead.append(w)
        if lead and len(lead) < len(words) and words[len(lead)][:1].islower():
            owner = lead  # "US intelligence officials", "Ukrainian air force"; not a name in capitals
    names = " ".join(owner)
    for name, country in lex.capitals.items():
        names = re.sub(rf"\b{re.escape(name)}\b", country, names)
    return {w.lower().strip(".,") for w in names.split()} - _STOP


def _core(text: str, lex: Lexicons) -> set[str]:
    """The words that tell one source from another of its kind: "county fire service" -> {fire}."""
    return _words(normalise_speaker(text, lex)) - _ROLES - _BODIES - _PLAIN - _owner(text, lex) - {""}


def compatible_sources(a: str, b: str, lex: Lexicons | None = None) -> bool:
    """Whether two speakers may be one source: aliases, a body and its chief or spokesman ("fire
    chiefs", "county fire service"), or a description too vague to tell ("officials", "the
    government"). Sources of different countries or places never are."""
    lex = lex or load_lexicons()
    if same_speaker(a, b, lex):
        return True
    oa, ob = _owner(a, lex), _owner(b, lex)
    if oa and ob and not any(_word_alike(x, y) for x in oa for y in ob):
        return False
    ca, cb = _core(a, lex), _core(b, lex)
    if not ca or not cb:
        return True
    return any(_word_alike(x, y) for x in ca for y in cb)


def source_entities(speakers: list[str], lex: Lexicons) -> list[list[str]]:
    """Speakers that name one source, grouped: aliases and a body with its officials join;
    vague descriptions ("officials") are left out, since they could be any of them."""
    named = [s for s in dict.fromkeys(speakers) if _core(s, lex)]
    linked = DisjointSet(range(len(named)))
    for i in range(len(named)):
        for j in range(i + 1, len(named)):
            if same_speaker(named[i], named[j], lex):
                linked.union(i, j)
    # a source named in full and by an alias: "NIS" joins "intelligence chief Cho" through
    # "South Korea's National Intelligence Service"
    groups = [[named[i] for i in g] for g in linked.groups()]
    merged = True
    while merged:
        merged = False
        for i in range(len(groups)):
            for j in range(i + 1, len(groups)):
                owners_i = set().union(*(_owner(s, lex) for s in groups[i]))
                owners_j = set().union(*(_owner(s, lex) for s in groups[j]))
                core_i = set().union(*(_core(s, lex) for s in groups[i])) - owners_i
                core_j = set().union(*(_core(s, lex) for s in groups[j])) - owners_j
                if (owners_i and owners_j and not any(_word_alike(x, y) for x in owners_i for y in owners_j)):
                    continue
                if any(_word_alike(x, y) for x in core_i for y in core_j):
                    groups[i] += groups.pop(j)
                    merged = True
                    break
            if merged:
                break
    return groups


def align(frame: pl.DataFrame, lex: Lexicons, *, similarity: float) -> list[list[dict[str, Any]]]:
    """Groups of claims about the same thing; blocked by measure and unit, never all pairs."""
    groups: list[list[dict[str, Any]]] = []
    if frame.height == 0:
        return groups
    # a figure repeated inside one article counts once
    frame = frame.unique(subset=["article_id", "measure", "unit", "low", "high", "speaker"], keep="first", maintain_order=True)
    frame = _adopt_measures(frame, lex)
    for _, block in frame.group_by(["measure", "unit"], maintain_order=True):
        rows = block.to_dicts()
        linked = DisjointSet(range(len(rows)))
        # within a block, claims join when their predicates share a class; a figure whose verb
        # names no happening ("rose to 24", "put at 7.0", a headline) joins what it reads like
        by_class: dict[str, list[int]] = {}
        loose: list[int] = []
        spec = next((m for m in lex.measures if m.name == rows[0]["measure"]), None)
        # where the measure itself says what happened to people ("strikers", "displaced", "missing"),
        # every verb that says anything says that ("went on strike", "forced from their homes")
        telling = spec is not None and (spec.people or bool(spec.complements) or bool(spec.adjectives))
        for i, row in enumerate(rows):
            classes = lex.predicate_class(row["predicate"])
            if telling and classes:
                classes = frozenset({"happened"})
            if not classes:
                loose.append(i)
            for name in classes:
                by_class.setdefault(name, []).append(i)
        # the nouns of the measure; for a measure named by a generic noun, the nouns that count
        # the same people ("workers", "staff", "employees")
        own = next((m.nouns for m in lex.measures if m.name == rows[0]["measure"]), None)
        if own is None:
            own = frozenset(w for w, first in lex.generic_same.items() if first == rows[0]["measure"])
        for members in by_class.values():
            for part in _populations(members, rows, own | lex.generic_nouns):
                for j in part[1:]:
                    linked.union(part[0], j)
        for i in loose:
            for j in range(len(rows)):
                if i != j and counted_alike(rows[i]["counted"], rows[j]["counted"], similarity, own):
                    linked.union(j, i)
                    break
        # groups whose verbs differ but that repeat one closed figure from one source in
        # different articles ("planned 4 million", "set aside 4 million") are one thing
        by_value: dict[float, list[int]] = {}
        for i in sorted({i for name in by_class.values() for i in name}):
            if rows[i]["value"] is not None:
                by_value.setdefault(float(rows[i]["value"]), []).append(i)
        for same in by_value.values():
            for x, i in enumerate(same):
                for j in same[x + 1:]:
                    if not linked.same(i, j) and _repeats(rows[i], rows[j], lex):
                        linked.union(i, j)
        # a group of such figures alone joins the one group with a verb that it agrees with,
        # else the block's only such group
        anchored = {linked.find(i) for name in by_class.values() for i in name}
        if not anchored:
            # no verb says what happened: what the figures count does
            anchored = {linked.find(i) for i in range(len(rows)) if rows[i]["counted"]}
        members_of: dict[int, list[int]] = {}
        for i in range(len(rows)):
            members_of.setdefault(linked.find(i), []).append(i)
        for root, members in list(members_of.items()):
            if root in anchored:
                continue
            agreeing = {linked.find(j) for j in range(len(rows)) if linked.find(j) in anchored
                        and any(rows[j]["article_id"] != rows[i]["article_id"] and _overlaps(rows[i], rows[j]) for i in members)}
            # figures that name something of their own ("a pay offer of 4.5%") join only by agreeing
            specific = any(rows[i]["counted"] and _head(rows[i]["counted"]) not in own for i in members)
            candidates = agreeing or (set() if specific else anchored)
            if len(candidates) == 1:
                linked.union(next(iter(candidates)), root)
        components = [[rows[i] for i in members] for members in linked.groups()]
        groups.extend(c for c in components if len({r["article_id"] for r in c}) >= 2)
    return groups


def _populations(members: list[int], rows: list[dict[str, Any]], plain: frozenset[str]) -> list[list[int]]:
    """Split figures of one happening by who they count, when they name different kinds of
    people or things ("14 police officers injured", "about 30 protesters treated"); a figure
    that names none ("people", "the injured") joins the kind it agrees with, else the largest."""
    kinds: dict[str, list[int]] = {}
    unnamed: list[int] = []
    for i in members:
        counted = rows[i]["counted"]
        head = _head(counted) if counted else None
        if head is None or head in plain or _head(head) in plain:
            unnamed.append(i)
        else:
            kinds.setdefault(head, []).append(i)
    if len(kinds) < 2:
        return [members]
    parts = list(kinds.values())
    for i in unnamed:
        agreeing = [p for p in parts if any(rows[j]["article_id"] != rows[i]["article_id"] and _overlaps(rows[i], rows[j]) for j in p)]
        (agreeing[0] if len(agreeing) == 1 else max(parts, key=len)).append(i)
    return parts


def _repeats(a: dict[str, Any], b: dict[str, Any], lex: Lexicons) -> bool:
    """The same closed figure from the same source, in two articles."""
    return (a["article_id"] != b["article_id"] and a["qualifier"] not in _OPEN and b["qualifier"] not in _OPEN
            and bool(a["speaker"]) and bool(b["speaker"]) and _overlaps(a, b)
            and compatible_sources(a["speaker"], b["speaker"], lex))


def _adopt_measures(frame: pl.DataFrame, lex: Lexicons) -> pl.DataFrame:
    """People counted with no lexicon measure ("4,200 residents", "12,500 workers") take the
    measure of a figure they repeat: the same value from the same source in another article."""
    known = set(lex.measure_names())
    rows = frame.to_dicts()
    named = [r for r in rows if r["measure"] in known]
    changed = False
    for row in rows:
        if row["measure"] in known or row["measure"] not in lex.generic_nouns or not row["speaker"]:
            continue
        measures = {r["measure"] for r in named
                    if r["article_id"] != row["article_id"] and r["unit"] == row["unit"]
                    and r["speaker"] and _overlaps(r, row) and same_speaker(r["speaker"], row["speaker"], lex)}
        if len(measures) == 1:
            row["measure"] = measures.pop()
            row["predicate"] = None  # it joins the figure it repeats, whatever its verb
            changed = True
    return pl.DataFrame(rows, schema=frame.schema) if changed else frame


def value_clusters(group: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Split a group into clusters of figures that all agree with each other.

    A figure joins the current cluster only if it overlaps what every member asserts (the
    intersection of their reading intervals), so agreement never chains: "10,000" and
    "about 10,000" agree, "about 10,000" and "about 12,000" overlap, yet 10,000 and 12,000
    stay apart. Closed figures are clustered first; an open or vague one ("more than 600",
    "up to 600", "hundreds") then joins the one cluster it agrees with, and one that agrees
    with several stays alone (see `_clusters`).
    """
    return _clusters(group)[0]


_OPEN = ("more_than", "at_least", "less_than", "at_most", "up_to", "vague")


def _clusters(group: list[dict[str, Any]]) -> tuple[list[list[dict[str, Any]]], dict[int, set[int]]]:
    """Value clusters, and for each cluster holding an open figure that agrees with others
    without being one of them ("up to 600" next to 312 and 412; "as many as 12,000" next to
    10,000), the clusters it must not be set against."""
    closed: list[tuple[tuple[float, float], dict[str, Any]]] = []
    open_: list[tuple[tuple[float, float], dict[str, Any]]] = []
    for row in group:
        interval = reading_interval(row["low"], row["high"], row["value"], row["qualifier"])
        if interval is not None:
            (open_ if row["qualifier"] in _OPEN else closed).append((interval, row))
    clusters, common = _chain(closed)
    blocked: dict[int, set[int]] = {}
    pending: list[tuple[tuple[float, float], dict[str, Any]]] = []
    first_open = len(clusters)
    for (lo, hi), row in open_:
        overlapping = [k for k in range(first_open) if lo <= common[k][1] and common[k][0] <= hi]
        # "more than 600" is the 632 it stands next to; "as many as 12,000" is not 10,000
        bound = row["low"] if row["low"] is not None else row["high"]
        hits = [k for k in overlapping if bound is None or _near(bound, common[k])]
        if len(hits) > 1:
            # "at least nine" next to nine and 17: the cluster holding the number written
            hits = [k for k in hits if bound is not None and common[k][0] <= bound <= common[k][1]] or hits
        if len(hits) == 1:
            k = hits[0]
            clusters[k].append(row)
            common[k] = (max(common[k][0], lo), min(common[k][1], hi))
        else:
            pending.append(((lo, hi), row))
    # open figures that name none of the closed ones cluster among themselves; where they agree
    # with a closed figure without being it, they are not set against it
    more, more_common = _chain(pending)
    for m, (lo, hi) in enumerate(more_common):
        against = {k for k in range(first_open) if lo <= common[k][1] and common[k][0] <= hi}
        if against:
            blocked[len(clusters) + m] = against
    return clusters + more, blocked


def _near(bound: float, interval: tuple[float, float]) -> bool:
    """A bound written within a tenth of a cluster's figures names that figure."""
    gap = max(interval[0] - bound, bound - interval[1], 0.0)
    return gap <= 0.1 * abs(bound)


def _chain(items: list[tuple[tuple[float, float], dict[str, Any]]]) -> tuple[list[list[dict[str, Any]]], list[tuple[float, float]]]:
    items = sorted(items, key=lambda item: (math.sqrt(max(item[0][0], 1e-9) * max(item[0][1], 1e-9)), item[0][1]))
    clusters: list[list[dict[str, Any]]] = []
    common: list[tuple[float, float]] = []
    for (lo, hi), row in items:
        if clusters and lo <= common[-1][1] and common[-1][0] <= hi:
            clusters[-1].append(row)
            common[-1] = (max(common[-1][0], lo), min(common[-1][1], hi))
        else:
            clusters.append([row])
            common.append((lo, hi))
    return clusters, common


def _side(rows: list[dict[str, Any]]) -> Side:
    intervals = [reading_interval(r["low"], r["high"], r["value"], r["qualifier"]) for r in rows]
    published = sorted(r["published"] for r in rows if r["published"] is not None)
    return Side(
        claim_ids=tuple(r["id"] for r in rows),
        article_ids=tuple(sorted({r["article_id"] for r in rows})),
        outlets=tuple(sorted({r["outlet"] for r in rows})),
        speakers=tuple(sorted({r["speaker"] for r in rows if r["speaker"]})),
        texts=tuple(dict.fromkeys(r["text"] for r in rows)),
        low=min(i[0] for i in intervals if i),
        high=max(i[1] for i in intervals if i),
        first_published=published[0] if published else None,
        last_published=published[-1] if published else None,
        timeline=_timeline(rows),
    )


def _centre(side: Side) -> float:
    return math.sqrt(max(side.low, 1e-9) * max(side.high, 1e-9))


def _speakers_overlap(a: Side, b: Side) -> bool:
    return any(compatible_sources(x, y) for x in a.speakers for y in b.speakers)


def _timeline(rows: list[dict[str, Any]]) -> tuple[tuple[str, datetime], ...]:
    """(article, published) of a side's figures: closed ones when there are any ("2,012"
    dates a toll better than "more than 2,000")."""
    dated = [r for r in rows if r["published"] is not None]
    closed = [r for r in dated if r["low"] is not None and r["high"] is not None]
    return tuple(sorted({(r["article_id"], r["published"]) for r in (closed or dated)}, key=lambda t: t[1]))


def _first_seen(side: Side, other: Side) -> datetime | None:
    """When a figure first appeared, leaving out articles that give both (timelines, recaps)."""
    shared = set(side.article_ids) & set(other.article_ids)
    times = [t for article, t in side.timeline if article not in shared]
    return times[0] if times else None


def _before(a: Side, b: Side) -> bool:
    """Every article giving a's figure appeared before every article giving b's (recaps aside)."""
    shared = set(a.article_ids) & set(b.article_ids)
    times_a = [t for article, t in a.timeline if article not in shared]
    times_b = [t for article, t in b.timeline if article not in shared]
    return bool(times_a and times_b) and max(times_a) + UPDATE_GAP <= min(times_b)


def _told_apart(side: Side, sides: list[Side], skip: frozenset[int] | set[int] = frozenset()) -> bool:
    """Every article giving this figure also gives another figure of the group, from the same
    source (or none): the articles tell it apart as a different thing ("2,059 injured, 1,404 of
    them critically"; "2.4 billion in cuts, 600 million of it from transport")."""
    own = set(side.article_ids)
    return any(own <= set(other.article_ids) and _apart(side, other)
               for k, other in enumerate(sides) if other is not side and k not in skip)


def _apart(a: Side, b: Side) -> bool:
    """One side's articles all give the other side's figure too, for a compatible source."""
    small, large = sorted((a, b), key=lambda s: len(s.article_ids))
    if not set(small.article_ids) <= set(large.article_ids):
        return False
    return not small.speakers or not large.speakers or _speakers_overlap(small, large)


def _digits(value: float | None) -> str:
    if value is None:
        return ""
    text = f"{value:.6f}".rstrip("0").rstrip(".").replace(".", "").lstrip("0")
    return text.rstrip("0")


def misprint(a: float | None, b: float | None) -> bool:
    """Figures that look like one figure misprinted: a slipped decimal point or zero (2.4 and 24
    billion, 4,200 and 42,000), swapped digits (38 and 83), a digit added (8,000 and 18,000)."""
    da, db = _digits(a), _digits(b)
    if not da or not db or a == b:
        return False
    if da == db:
        return True
    if len(da) == len(db) >= 2 and sorted(da) == sorted(db):
        return True
    short, long = sorted((da, db), key=len)
    return len(long) == len(short) + 1 >= 3 and (long.startswith(short) or long.endswith(short))


def _value(side: Side, rows: dict[str, dict[str, Any]]) -> float | None:
    """The figure a side gives as written: its first exact value."""
    for claim_id in side.claim_ids:
        row = rows.get(claim_id, {})
        if row.get("value") is not None and row.get("qualifier") in ("exact", "approx"):
            return float(row["value"])
    return None


def classify(a: Side, b: Side, *, misprinted: bool = False, tally: bool = True) -> str:
    """The kind of disagreement between two value clusters of one aligned group.

    `misprinted`: the two figures look like one misprinted (`misprint`), which a later
    article is not taken to update. `tally`: the figures are a running count (a toll), which
    changes over time; a figure of one moment (vehicles on a bridge) does not.
    """
    if a.speakers and b.speakers and not _speakers_overlap(a, b):
        return "attribution_difference"
    if tally and not misprinted and (_before(a, b) or _before(b, a)):
        return "update"
    # an article that gives both figures for the same source tells a story over time
    # ("another 1,500, bringing the total to 3,000"; a timeline of a rising toll)
    if set(a.article_ids) & set(b.article_ids) and set(a.article_ids) != set(b.article_ids):
        return "update"
    small, large = sorted((a, b), key=lambda s: len(s.outlets))
    if len(small.outlets) == 1 and len(large.outlets) >= 3 and not set(small.outlets) & set(large.outlets):
        return "outlier"
    return "number_conflict"


_BASE_SEVERITY = {"number_conflict": 0.7, "outlier": 0.75, "misattribution": 0.6,
                  "attribution_difference": 0.45, "update": 0.3}


def severity(kind: str, a: Side, b: Side) -> float:
    """0..1: the kind's base, raised by how far apart the figures are and how many outlets."""
    gap = abs(math.log10(max(_centre(a), 1e-9) / max(_centre(b), 1e-9)))
    outlets = len(set(a.outlets) | set(b.outlets))
    score = _BASE_SEVERITY.get(kind, 0.5) + min(gap, 1.0) * 0.15 + min(outlets, 10) * 0.01
    return round(min(score, 1.0), 3)


def _who(side: Side, rows: dict[str, dict[str, Any]] | None = None) -> str:
    """The source cited most often on one side (and how many others), or 'no source cited'."""
    if not side.speakers:
        return "no source cited"
    counts: dict[str, int] = {}
    for claim_id in side.claim_ids:
        speaker = (rows or {}).get(claim_id, {}).get("speaker")
        if speaker:
            counts[speaker] = counts.get(speaker, 0) + 1
    ranked = sorted(counts or {s: 1 for s in side.speakers}, key=lambda s: (-counts.get(s, 1), len(s)))
    distinct = [ranked[0]] + [s for s in ranked[1:] if not same_speaker(s, ranked[0])]
    return ranked[0] if len(distinct) == 1 else f"{ranked[0]} and {len(distinct) - 1} other source{'s' if len(distinct) > 2 else ''}"


def _outlets(side: Side) -> str:
    names = list(side.outlets)
    if len(names) == 1:
        return names[0]
    if len(names) == 2:
        return f"{names[0]} and {names[1]}"
    return f"{len(names)} outlets"


def summarise(kind: str, measure: str, a: Side, b: Side, rows: dict[str, dict[str, Any]] | None = None) -> str:
    """One sentence a reader understands without opening the articles."""
    fa, fb = a.texts[0], b.texts[0]
    if kind == "update":
        first, last = (a, b) if (_first_seen(a, b) or datetime.min) <= (_first_seen(b, a) or datetime.min) else (b, a)
        return (f"The {measure} figure changed over time: {first.texts[0]} ({_outlets(first)}) "
                f"became {last.texts[-1]} ({_outlets(last)}).")
    if kind == "attribution_difference":
        return (f"Sources differ on {measure}: {_who(a, rows)} gives {fa} ({_outlets(a)}), "
                f"{_who(b, rows)} gives {fb} ({_outlets(b)}).")
    if kind == "outlier":
        small, large = sorted((a, b), key=lambda s: len(s.outlets))
        return (f"{_outlets(small)} alone reports {small.texts[0]} {measure}, where "
                f"{len(large.outlets)} outlets report {large.texts[0]}.")
    return (f"Outlets disagree on {measure}: {_outlets(a)} report {fa} ({_who(a, rows)}), "
            f"{_outlets(b)} report {fb} ({_who(b, rows)}).")


def _discrepancy(event_id: str, kind: str, measure: str, sides: list[Side], sev: float, summary: str) -> dict[str, Any]:
    return discrepancy(
        event_id, kind, severity=sev, summary=summary, measure=measure,
        claim_ids=[c for side in sides for c in side.claim_ids],
        article_ids=[a for side in sides for a in side.article_ids],
        details={"sides": [
            {"figures": list(s.texts), "low": s.low, "high": s.high, "speakers": list(s.speakers),
             "outlets": list(s.outlets), "claim_ids": list(s.claim_ids)} for s in sides]},
    )


def _disagreements(group: list[dict[str, Any]], lex: Lexicons | None = None) -> tuple[list[list[dict[str, Any]]], list[Side],
                                                         dict[tuple[int, int], str], dict[int, set[int]]]:
    """The value clusters of an aligned group, their sides, the disagreements an editor would
    list between them (pair of cluster indices -> kind), and the open figures that agree with
    clusters without being them (see `_clusters`)."""
    clusters, blocked = _clusters(group)
    sides = [_side(c) for c in clusters]
    rows = {r["id"]: r for r in group}
    ambiguous = {k for k, against in blocked.items() if len(against) > 1}
    tally = lex is None or not lex.tallies or group[0]["measure"] in lex.tallies
    pairs: dict[tuple[int, int], str] = {}
    for i in range(len(sides)):
        for j in range(i + 1, len(sides)):
            a, b = sides[i], sides[j]
            if max(_centre(a), _centre(b)) / max(min(_centre(a), _centre(b)), 1e-9) > MAX_RATIO:
                continue
            kind = classify(a, b, misprinted=misprint(_value(a, rows), _value(b, rows)), tally=tally)
            if (j in blocked.get(i, ()) or i in blocked.get(j, ())) and kind != "update":
                continue  # an open figure that agrees with the other, at the same time
            if kind != "attribution_difference" and _apart(a, b):
                # the articles giving one figure all give the other for the same source too:
                # they tell two things apart, they do not disagree
                continue
            pairs[(i, j)] = kind
    chosen = {p: kind for p, kind in pairs.items() if _chosen(p[0], p[1], sides, pairs, rows, ambiguous)}
    return clusters, sides, chosen, blocked


def claim_things(frame: pl.DataFrame, lex: Lexicons, *, similarity: float) -> list[list[list[dict[str, Any]]]]:
    """The things an event's figures are about, each as its value clusters: clusters of one
    aligned group belong to one thing when they are versions of each other (an update, a
    conflict, an open figure agreeing), and to different things when the articles tell them
    apart (a monthly payment and a rebuilding grant)."""
    out: list[list[list[dict[str, Any]]]] = []
    for group in align(frame, lex, similarity=similarity):
        clusters, _, chosen, blocked = _disagreements(group, lex)
        linked = DisjointSet(range(len(clusters)))
        for i, j in chosen:
            linked.union(i, j)
        for k, against in blocked.items():
            for other in against:
                linked.union(k, other)
        out.extend([clusters[k] for k in members] for members in linked.groups())
    return out


def _chosen(i: int, j: int, sides: list[Side], pairs: dict[tuple[int, int], str],
            rows: dict[str, dict[str, Any]], ambiguous: set[int]) -> bool:
    """Whether a disagreement between two sides is one an editor would list.

    A figure is set against the one figure it most likely is another version of: the side
    given by fewer outlets chooses, among every side it disagrees with, a misprint of its
    number first, then the figure most outlets give, the nearest in time and in value. A
    figure the articles tell apart from another ("600 million of it") chooses nothing, so a
    misprint elsewhere is set against the main figure only.
    """
    a, b = sides[i], sides[j]
    choosers = [k for k in (i, j) if len(sides[k].outlets) == min(len(a.outlets), len(b.outlets))]
    for k in choosers:
        if k in ambiguous or _told_apart(sides[k], sides, ambiguous):
            continue
        other = j if k == i else i
        if _best_counterpart(k, sides, pairs, rows) == other:
            return True
    return False


def _best_counterpart(k: int, sides: list[Side], pairs: dict[tuple[int, int], str],
                      rows: dict[str, dict[str, Any]]) -> int | None:
    me = sides[k]
    mine = _value(me, rows)
    when = me.first_published
    best: tuple[Any, ...] | None = None
    choice = None
    for (i, j) in pairs:
        if k not in (i, j):
            continue
        other = j if k == i else i
        them = sides[other]
        gap = abs((them.first_published - when).total_seconds()) if when and them.first_published else 0.0
        ratio = abs(math.log(max(_centre(me), 1e-9) / max(_centre(them), 1e-9)))
        key = (misprint(mine, _value(them, rows)), len(them.outlets), -gap, -ratio)
        if best is None or key > best:
            best, choice = key, other
    return choice


def claim_groups(frame: pl.DataFrame, lex: Lexicons, *, similarity: float) -> list[list[dict[str, Any]]]:
    """Every cluster of agreeing figures about one thing, across the articles of an event."""
    return [cluster for group in align(frame, lex, similarity=similarity) for cluster in value_clusters(group)]


def _update_chains(event_id: str, measure: str, sides: list[Side], pairs: list[tuple[int, int]]) -> list[dict[str, Any]]:
    """One update per figure that changed over time, with every step in publication order."""
    linked = DisjointSet(sorted({k for pair in pairs for k in pair}))
    for i, j in pairs:
        linked.union(i, j)
    out = []
    for members in linked.groups():
        chain = [sides[k] for k in members]
        chain.sort(key=lambda s: (min((t for _, t in s.timeline), default=datetime.max), s.low))
        steps = [f"{s.texts[0]} ({_outlets(s)}{', ' + min(t for _, t in s.timeline).strftime('%-d %b') if s.timeline else ''})"
                 for s in chain]
        summary = f"The {measure} figure changed over time: " + " → ".join(steps) + "."
        out.append(_discrepancy(event_id, "update", measure, chain, severity("update", chain[0], chain[-1]), summary))
    return out


def number_discrepancies(event_id: str, frame: pl.DataFrame, lex: Lexicons, *, similarity: float) -> list[dict[str, Any]]:
    """Every numeric discrepancy of one event."""
    out: list[dict[str, Any]] = []
    # who is who across the whole event: "Cho" is "intelligence chief Cho Tae-yong", of the NIS
    entities = source_entities([s for s in frame["speaker"].to_list() if s], lex) if frame.height else []
    for group in align(frame, lex, similarity=similarity):
        measure = group[0]["measure"]
        if measure in lex.durations:
            continue  # "in 24 hours", "over two years": no claim of their own
        clusters, sides, chosen, _ = _disagreements(group, lex)
        rows = {r["id"]: r for r in group}
        updates: list[tuple[int, int]] = []
        for (i, j), kind in sorted(chosen.items()):
            a, b = sides[i], sides[j]
            if kind == "update":
                updates.append((i, j))
                continue
            out.append(_discrepancy(event_id, kind, measure, [a, b], severity(kind, a, b), summarise(kind, measure, a, b, rows)))
        out.extend(_update_chains(event_id, measure, sides, updates))
        # the same figure credited to different sources by different outlets
        for k, side in enumerate(sides):
            if len(side.outlets) < 2:
                continue
            credited = [(row["article_id"], row["outlet"], row["speaker"]) for row in group
                        if row["id"] in side.claim_ids and row["speaker"]]
            entity_of = {name: e for e, names in enumerate(entities) for name in names}
            if len({entity_of[c[2]] for c in credited if c[2] in entity_of}) < 2:
                continue
            # sources one article gives together for this figure are aliases ("NIS" and "the agency")
            linked = DisjointSet(range(len(entities)))
            by_article: dict[str, set[int]] = {}
            for article, _, speaker in credited:
                if speaker in entity_of:
                    by_article.setdefault(article, set()).add(entity_of[speaker])
            for found in by_article.values():
                first, *rest = sorted(found)
                for e in rest:
                    linked.union(first, e)
            outlets_of: dict[int, set[str]] = {}
            for _, outlet, speaker in credited:
                if speaker in entity_of:
                    outlets_of.setdefault(linked.find(entity_of[speaker]), set()).add(outlet)
            if len(outlets_of) < 2 or len(set().union(*outlets_of.values())) < 2:
                continue
            said = {c[2] for c in credited}
            names = [max((n for e in range(len(entities)) if linked.find(e) == root for n in entities[e] if n in said), key=len)
                     for root in sorted(outlets_of, key=lambda r: -len(outlets_of[r]))]
            out.append(_discrepancy(
                event_id, "misattribution", measure, [side], _BASE_SEVERITY["misattribution"],
                f"{side.texts[0]} {measure} is credited to different sources: {', '.join(names)}."))
    return out
