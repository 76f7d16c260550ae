"""Report stage: tables -> context dataclasses -> templates/*.html, plus discrepancies.json.

Every page is rendered from one frozen dataclass (IndexPage, EventPage, ArticlePage) whose
fields are plain text, except fields ending in `_html`: those are built here with markupsafe,
escaping every inner value first. Article text is hostile input; templates never mark it safe.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import duckdb
import jinja2
from markupsafe import Markup, escape

from .config import Settings
from .errors import CompareError
from .export import build_json, dump_json, load_events, parse_details, query_dicts
from .records import StageResult

KINDS = (
    "number_conflict", "attribution_difference", "update", "outlier", "misattribution",
    "quote_variant", "framing", "omission", "wire_copy_edit",
)
KIND_LABELS = {
    "number_conflict": "Number conflict",
    "attribution_difference": "Attribution difference",
    "update": "Update",
    "outlier": "Outlier",
    "misattribution": "Misattribution",
    "quote_variant": "Quote variant",
    "framing": "Framing",
    "omission": "Omission",
    "wire_copy_edit": "Wire copy edit",
}
BANDS = ("high", "medium", "low")
BAND_LABELS = ("high (≥ 0.7)", "medium (≥ 0.4)", "low")
SUMMARY_SIZE = 5  # discrepancies quoted in an event page's summary block
OPEN_SIZE = 3  # discrepancies shown expanded; the rest stay collapsed so big events stay usable
SLUG_MAX = 60
NO_SOURCE = "the outlet itself (no source cited)"


# ---------------------------------------------------------------- page contexts


@dataclass(frozen=True)
class ArticleRef:
    """An article as listed on other pages: outlet, title, publication time and its page."""

    outlet: str
    title: str
    published: str  # "2024-10-18 09:00", or "" when unknown
    published_iso: str
    href: str


@dataclass(frozen=True)
class EventRow:
    """One event on the index with (kind, count) and (band, count) pairs for every column."""

    title: str
    event_id: str
    href: str
    outlets: str  # sorted, comma-separated
    article_count: int
    first_published: str
    last_published: str
    kind_counts: tuple[tuple[str, int], ...]  # one per IndexPage.kinds, same order
    band_counts: tuple[tuple[str, int], ...]  # one per BANDS


@dataclass(frozen=True)
class IngestErrorRow:
    """One input that ingest could not read."""

    run_id: str
    path: str
    error: str


@dataclass(frozen=True)
class IndexPage:
    """index.html: every event with its discrepancy counts, and the ingest errors."""

    generated_at: str
    kinds: tuple[str, ...]  # kinds present, in KINDS order
    kind_labels: tuple[str, ...]
    band_labels_by_band: tuple[tuple[str, str], ...]  # (band, heading)
    events: tuple[EventRow, ...]
    errors: tuple[IngestErrorRow, ...]


@dataclass(frozen=True)
class ClaimRow:
    """One claim in a comparison table: the figure, its interval, its source and its sentence."""

    outlet: str
    article_href: str
    figure: str  # as written
    notes: str  # hedged / negated / time expression / direction, "; "-joined
    interval: str
    qualifier: str
    source: str  # speaker (reporting verb), or NO_SOURCE
    cited: bool
    published: str
    published_iso: str
    sentence_html: Markup  # the sentence, escaped, with the figure in <mark>
    sentence_href: str  # article-<slug>.html#s<N>


@dataclass(frozen=True)
class QuoteCell:
    """One outlet's wording of a quote, diffed word by word against the first one."""

    outlet: str
    speaker: str
    href: str
    is_base: bool
    diff_html: Markup  # escaped words, changes in <ins>/<del>


@dataclass(frozen=True)
class FramingRow:
    """The term one outlet chose for something other outlets name differently."""

    outlet: str
    term: str
    canonical: str
    kind: str
    href: str


@dataclass(frozen=True)
class DetailItem:
    """One entry of a discrepancy's details JSON, flattened to text."""

    label: str
    value: str


@dataclass(frozen=True)
class DiscrepancyView:
    """One discrepancy with everything needed to show its sides next to each other."""

    anchor: str
    kind: str
    kind_class: str
    kind_label: str
    severity: str
    band: str
    summary: str
    measure: str
    status: str
    open: bool
    claims: tuple[ClaimRow, ...]
    quotes: tuple[QuoteCell, ...]
    framing: tuple[FramingRow, ...]
    articles: tuple[ArticleRef, ...]  # only for kinds with no claims, quotes or terms to show
    details: tuple[DetailItem, ...]


@dataclass(frozen=True)
class EventPage:
    """event-<slug>.html: summary sentences, then every discrepancy, then the articles."""

    generated_at: str
    event_id: str
    title: str
    article_count: int
    outlet_count: int
    summary: tuple[DiscrepancyView, ...]
    discrepancies: tuple[DiscrepancyView, ...]
    articles: tuple[ArticleRef, ...]


@dataclass(frozen=True)
class ArticlePage:
    """article-<slug>.html: metadata and the cleaned text with sentence anchors and highlights."""

    generated_at: str
    title: str
    outlet: str
    url: str
    url_href: str  # "" unless the URL is http(s)
    published: str
    published_iso: str
    language: str
    path: str
    event_title: str
    event_href: str
    text_html: Markup  # <p> per paragraph, <span id="sN"> per sentence, highlights inside
    claims: tuple[ClaimRow, ...]


@dataclass(frozen=True)
class Highlight:
    """A span of article text to highlight; kind is "claim", "quote" or "framing"."""

    start: int
    end: int
    kind: str
    label: str = ""
    anchor: str = ""


# ---------------------------------------------------------------- the stage


def run(
    con: duckdb.DuckDBPyConnection, settings: Settings, *, generated_at: datetime | None = None
) -> StageResult:
    """Render index, event and article pages and discrepancies.json into settings.out."""
    generated = generated_at or datetime.now(timezone.utc)
    stamp = generated.isoformat(timespec="seconds")
    out = Path(settings.out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CompareError(f"cannot create report folder {out}: {exc.strerror or exc}") from None
    env = environment()

    events = load_events(con)
    articles = [
        _Article(**row)
        for row in query_dicts(
            con, "SELECT id, event_id, outlet, url, title, published, path, language "
            "FROM articles ORDER BY id"
        )
    ]
    article_slugs = unique_slugs(a.id for a in articles)
    arts = {a.id: a.with_slug(article_slugs[a.id]) for a in articles}
    event_slugs = unique_slugs(e["id"] for e in events)
    framing_slugs = unique_slugs(str(r[0]) for r in con.execute("SELECT id FROM framing").fetchall())
    event_links = {e["id"]: (e["title"] or e["id"], f"event-{event_slugs[e['id']]}.html") for e in events}
    by_event: dict[str, list[_Article]] = {}
    for art in sorted(arts.values(), key=lambda a: a.order):
        by_event.setdefault(art.event_id or "", []).append(art)

    _write(out, "index.html", env.get_template("index.html").render(
        page=_index_page(con, events, event_links, stamp)))
    pages = 1
    for event in events:
        page = _event_page(
            con, event["id"], event_links[event["id"]][0], by_event.get(event["id"], []), arts,
            framing_slugs, stamp,
        )
        _write(out, event_links[event["id"]][1], env.get_template("event.html").render(page=page))
        pages += 1
    for art in sorted(arts.values(), key=lambda a: a.id):
        title, href = event_links.get(art.event_id or "", ("", "index.html"))
        page_a = _article_page(con, art, title, href, framing_slugs, stamp)
        _write(out, art.href, env.get_template("article.html").render(page=page_a))
        pages += 1
    _write(out, "discrepancies.json", dump_json(build_json(con, generated_at=generated)))
    return StageResult("report", counts={"pages": pages, "events": len(events)})


def environment() -> jinja2.Environment:
    """The Jinja environment of the report: autoescaping, strict undefined, packaged templates."""
    root = _template_root()

    def load(name: str) -> str | None:
        resource = root.joinpath(name)
        return resource.read_text(encoding="utf-8") if resource.is_file() else None

    return jinja2.Environment(
        loader=jinja2.FunctionLoader(load),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _template_root() -> Traversable:
    try:
        root = resources.files("compare.templates")
        if root.joinpath("_base.html").is_file():
            return root
    except (ModuleNotFoundError, TypeError):
        pass
    # A source checkout that is not installed: templates/ sits next to the compare package.
    return Path(__file__).resolve().parent.parent / "templates"


def _write(out: Path, name: str, text: str) -> None:
    target = out / name
    if target.resolve().parent != out.resolve():
        raise CompareError(f"refusing to write outside the report folder: {name}")
    try:
        target.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise CompareError(f"cannot write {target}: {exc.strerror or exc}") from None


# ---------------------------------------------------------------- file names


def slugify(value: str, *, max_len: int = SLUG_MAX) -> str:
    """Lower-case `value` reduced to [a-z0-9_-], at most max_len characters, never empty."""
    slug = re.sub(r"[^a-z0-9_-]+", "-", value.lower()).strip("-_")[:max_len].strip("-_")
    return slug or "x"


def unique_slugs(ids: Iterable[str], *, max_len: int = SLUG_MAX) -> dict[str, str]:
    """Map ids to distinct slugs; ids whose slugs collide get a suffix from a hash of the id."""
    ids = sorted(set(ids))
    base = {i: slugify(i, max_len=max_len) for i in ids}
    seen: dict[str, int] = {}
    for slug in base.values():
        seen[slug] = seen.get(slug, 0) + 1
    result: dict[str, str] = {}
    used: set[str] = set()
    for i in ids:
        slug = base[i]
        if seen[slug] > 1:
            digest = hashlib.sha1(i.encode("utf-8")).hexdigest()
            slug = f"{slug[: max_len - 9].strip('-_') or 'x'}-{digest[:8]}"
        candidate, n = slug, 2
        while candidate in used:  # only when a hashed slug meets a natural one
            candidate, n = f"{slug[: max_len - 4]}-{n}", n + 1
        used.add(candidate)
        result[i] = candidate
    return result


# ---------------------------------------------------------------- articles


@dataclass(frozen=True)
class _Article:
    id: str
    event_id: str | None
    outlet: str | None
    url: str | None
    title: str | None
    published: datetime | None
    path: str | None
    language: str | None
    slug: str = ""

    def with_slug(self, slug: str) -> _Article:
        return replace(self, slug=slug)

    @property
    def href(self) -> str:
        return f"article-{self.slug}.html"

    @property
    def order(self) -> tuple[bool, datetime, str, str]:
        """Chronological, undated last, then by outlet: how sides of a comparison are listed."""
        return (self.published is None, self.published or datetime.min, self.outlet or "", self.id)

    def ref(self) -> ArticleRef:
        published, iso = _when(self.published)
        return ArticleRef(self.outlet or "", self.title or "(untitled)", published, iso, self.href)


def _when(value: datetime | None) -> tuple[str, str]:
    if value is None:
        return "", ""
    return value.strftime("%Y-%m-%d %H:%M"), value.isoformat()


def safe_href(url: str | None) -> str:
    """The URL if its scheme is http or https, else "" (javascript:, data: and the like)."""
    if not url:
        return ""
    url = url.strip()
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return ""
    return url if scheme in ("http", "https") else ""


# ---------------------------------------------------------------- index


def severity_band(severity: float | None) -> str:
    """high (>= 0.7), medium (>= 0.4) or low; a missing severity counts as low."""
    if severity is None or not math.isfinite(severity) or severity < 0.4:
        return "low"
    return "high" if severity >= 0.7 else "medium"


def _index_page(
    con: duckdb.DuckDBPyConnection,
    events: list[dict[str, Any]],
    links: dict[str, tuple[str, str]],
    stamp: str,
) -> IndexPage:
    stats = {
        row["event_id"]: row
        for row in query_dicts(
            con,
            """SELECT event_id, count(*) AS n, min(published) AS first, max(published) AS last,
                      list(DISTINCT outlet) FILTER (WHERE outlet IS NOT NULL) AS outlets
               FROM articles GROUP BY event_id""",
        )
    }
    counts: dict[tuple[str, str], int] = {}
    for row in query_dicts(
        con,
        """SELECT event_id, kind,
                  CASE WHEN severity >= 0.7 THEN 'high' WHEN severity >= 0.4 THEN 'medium'
                       ELSE 'low' END AS band,
                  count(*) AS n
           FROM discrepancies GROUP BY ALL""",
    ):
        for key in (row["kind"], row["band"]):
            counts[(row["event_id"], key)] = counts.get((row["event_id"], key), 0) + row["n"]
    present = {kind for _, kind in counts if kind not in BANDS}
    kinds = tuple(k for k in KINDS if k in present) + tuple(sorted(present - set(KINDS)))
    rows = []
    for event in events:
        eid = event["id"]
        stat = stats.get(eid, {})
        rows.append(EventRow(
            title=links[eid][0],
            event_id=eid,
            href=links[eid][1],
            outlets=", ".join(sorted(stat.get("outlets") or [])),
            article_count=int(stat.get("n") or 0),
            first_published=_when(stat.get("first"))[0],
            last_published=_when(stat.get("last"))[0],
            kind_counts=tuple((k, counts.get((eid, k), 0)) for k in kinds),
            band_counts=tuple((b, counts.get((eid, b), 0)) for b in BANDS),
        ))
    errors = tuple(
        IngestErrorRow("" if r["run_id"] is None else str(r["run_id"]), r["path"] or "", r["error"] or "")
        for r in query_dicts(
            con, "SELECT run_id, path, error FROM ingest_errors ORDER BY run_id DESC, path, error"
        )
    )
    labels = tuple(KIND_LABELS.get(k, k.replace("_", " ").capitalize()) for k in kinds)
    return IndexPage(stamp, kinds, labels, tuple(zip(BANDS, BAND_LABELS)), tuple(rows), errors)


# ---------------------------------------------------------------- event pages


def _event_page(
    con: duckdb.DuckDBPyConnection,
    event_id: str,
    title: str,
    own: list[_Article],
    arts: dict[str, _Article],
    framing_slugs: dict[str, str],
    stamp: str,
) -> EventPage:
    discrepancies = query_dicts(
        con,
        "SELECT * FROM discrepancies WHERE event_id = ? ORDER BY severity DESC NULLS LAST, id",
        [event_id],
    )
    claims = {
        row["id"]: row
        for row in query_dicts(
            con,
            """SELECT c.*, s.start AS sentence_start FROM claims c
               LEFT JOIN sentences s
                 ON s.article_id = c.article_id AND s.sentence_index = c.sentence_index
               WHERE c.id IN (SELECT unnest(claim_ids) FROM discrepancies WHERE event_id = ?)""",
            [event_id],
        )
    }
    quotes = {
        row["id"]: row
        for row in query_dicts(
            con,
            "SELECT * FROM quotes "
            "WHERE id IN (SELECT unnest(quote_ids) FROM discrepancies WHERE event_id = ?)",
            [event_id],
        )
    }
    framing = query_dicts(
        con,
        """SELECT f.* FROM framing f JOIN articles a ON a.id = f.article_id
           WHERE a.event_id = ? ORDER BY f.article_id, f.start, f.id""",
        [event_id],
    )
    anchors = unique_slugs(d["id"] for d in discrepancies)
    views = tuple(
        _discrepancy_view(
            d, f"d-{anchors[d['id']]}", i < OPEN_SIZE, arts, claims, quotes, framing, framing_slugs
        )
        for i, d in enumerate(discrepancies)
    )
    return EventPage(
        generated_at=stamp,
        event_id=event_id,
        title=title,
        article_count=len(own),
        outlet_count=len({a.outlet for a in own}),
        summary=views[:SUMMARY_SIZE],
        discrepancies=views,
        articles=tuple(a.ref() for a in own),
    )


def _discrepancy_view(
    row: dict[str, Any],
    anchor: str,
    is_open: bool,
    arts: dict[str, _Article],
    claims: dict[str, dict[str, Any]],
    quotes: dict[str, dict[str, Any]],
    framing: list[dict[str, Any]],
    framing_slugs: dict[str, str],
) -> DiscrepancyView:
    def by_article(items: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
        found = [i for i in items if i["article_id"] in arts]
        return sorted(found, key=lambda i: (arts[i["article_id"]].order, i.get("start") or 0, i["id"]))

    kind = row["kind"] or ""
    details = parse_details(row["details"])
    own_claims = by_article(claims[c] for c in row["claim_ids"] or [] if c in claims)
    own_quotes = by_article(quotes[q] for q in row["quote_ids"] or [] if q in quotes)
    article_ids = list(row["article_ids"] or []) or [i["article_id"] for i in own_claims + own_quotes]
    involved = sorted({arts[a] for a in article_ids if a in arts}, key=lambda a: a.order)

    terms: list[dict[str, Any]] = []
    if kind == "framing":
        # Discrepancies do not list framing ids: take the terms of the articles involved,
        # narrowed to the canonical term the matcher names (details.canonical, else measure).
        ids = {a.id for a in involved}
        pool = [f for f in framing if not ids or f["article_id"] in ids]
        canonical = details.get("canonical") if isinstance(details, dict) else None
        canonical = canonical or row["measure"]
        framing_kind = details.get("kind") if isinstance(details, dict) else None
        if framing_kind in ("hedge", "reporting_verb") and isinstance(details.get("terms"), dict):
            # hedges and distancing verbs: the words each outlet chose, listed in details.terms
            chosen = {str(t).lower() for words in details["terms"].values() for t in (words or [])}
            terms = [f for f in pool if f["kind"] == framing_kind and (f["term"] or "").lower() in chosen]
        else:
            terms = [f for f in pool if f["canonical"] == canonical and (not framing_kind or f["kind"] == framing_kind)] or pool

    severity = row["severity"]
    return DiscrepancyView(
        anchor=anchor,
        kind=kind,
        kind_class=slugify(kind),
        kind_label=KIND_LABELS.get(kind, kind.replace("_", " ").capitalize()),
        severity="" if severity is None else f"{severity:.2f}",
        band=severity_band(severity),
        summary=row["summary"] or KIND_LABELS.get(kind, kind),
        measure=row["measure"] or "",
        status=row["status"] or "",
        open=is_open,
        claims=tuple(_claim_row(c, arts[c["article_id"]]) for c in own_claims),
        quotes=_quote_cells(own_quotes, arts),
        framing=tuple(
            FramingRow(
                outlet=arts[f["article_id"]].outlet or "",
                term=f["term"] or "",
                canonical=f["canonical"] or "",
                kind=f["kind"] or "",
                href=f"{arts[f['article_id']].href}#f-{framing_slugs[f['id']]}",
            )
            for f in by_article(terms)
        ),
        # Claims, quotes and terms already name their outlets; other kinds list the articles.
        articles=() if own_claims or own_quotes or terms else tuple(a.ref() for a in involved),
        details=detail_items(details),
    )


def _claim_row(claim: dict[str, Any], art: _Article) -> ClaimRow:
    # `claim` is a claims row plus the start of its sentence (`sentence_start`).
    sentence = claim.get("sentence") or ""
    figure = claim.get("text") or ""
    start, end = claim.get("start"), claim.get("end")
    sentence_start = claim.get("sentence_start")
    if start is not None and end is not None and sentence_start is not None:
        lo, hi = start - sentence_start, end - sentence_start
    else:
        lo = hi = -1
    if not 0 <= lo < hi <= len(sentence):
        # The sentence row is missing or disagrees with the offsets: find the figure instead.
        lo = sentence.find(figure) if figure else -1
        hi = lo + len(figure)
    notes = [
        *(["hedged"] if claim.get("hedged") else []),
        *(["negated"] if claim.get("negated") else []),
        *([f"change: {claim['direction']}"] if claim.get("direction") else []),
        *([f"when: {claim['time']}"] if claim.get("time") else []),
    ]
    speaker, verb = claim.get("speaker"), claim.get("reporting_verb")
    published, iso = _when(art.published)
    index = claim.get("sentence_index")
    return ClaimRow(
        outlet=art.outlet or "",
        article_href=art.href,
        figure=figure,
        notes="; ".join(notes),
        interval=interval_text(claim.get("low"), claim.get("high"), claim.get("unit")),
        qualifier=(claim.get("qualifier") or "").replace("_", " "),
        source=(f"{speaker} ({verb})" if verb else speaker) if speaker else NO_SOURCE,
        cited=bool(speaker),
        published=published,
        published_iso=iso,
        sentence_html=mark_html(sentence, lo, hi) if lo >= 0 else escape(sentence),
        sentence_href=art.href + (f"#s{index}" if index is not None else ""),
    )


def mark_html(text: str, start: int, end: int) -> Markup:
    """`text` escaped, with text[start:end] wrapped in <mark>."""
    return Markup("{}<mark>{}</mark>{}").format(text[:start], text[start:end], text[end:])


def interval_text(low: float | None, high: float | None, unit: str | None) -> str:
    """The interval a figure asserts: "1,500", "1,350–1,650", "≥ 100", "5%"."""
    def amount(x: float) -> str:
        if not math.isfinite(x):
            return "?"
        number = f"{int(x):,}" if x == int(x) and abs(x) < 1e15 else f"{x:,.6g}"
        return f"{number}{unit}" if unit == "%" else f"{number} {unit}" if unit else number

    if low is None and high is None:
        return "unspecified"
    if low is None:
        return f"≤ {amount(high)}" if high is not None else ""
    if high is None:
        return f"≥ {amount(low)}"
    return amount(low) if low == high else f"{amount(low)}–{amount(high)}"


def _quote_cells(quotes: list[dict[str, Any]], arts: dict[str, _Article]) -> tuple[QuoteCell, ...]:
    if not quotes:
        return ()
    base = quotes[0]["text"] or ""
    cells = []
    for i, q in enumerate(quotes):
        art = arts[q["article_id"]]
        speaker = q["speaker"] or "unattributed"
        index = q.get("sentence_index")
        cells.append(QuoteCell(
            outlet=art.outlet or "",
            speaker=f"{speaker} ({q['verb']})" if q.get("verb") else speaker,
            href=art.href + (f"#s{index}" if index is not None else ""),
            is_base=i == 0,
            diff_html=escape(base) if i == 0 else word_diff_html(base, q["text"] or ""),
        ))
    return tuple(cells)


def word_diff_html(old: str, new: str) -> Markup:
    """Word-level diff of two texts: shared words plain, removed in <del>, added in <ins>."""
    a, b = old.split(), new.split()
    parts: list[Markup] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            parts.append(escape(" ".join(a[i1:i2])))
            continue
        if op in ("delete", "replace"):
            parts.append(Markup("<del>{}</del>").format(" ".join(a[i1:i2])))
        if op in ("insert", "replace"):
            parts.append(Markup("<ins>{}</ins>").format(" ".join(b[j1:j2])))
    return Markup(" ").join(parts)


def detail_items(details: Any) -> tuple[DetailItem, ...]:
    """A discrepancy's parsed details as label/value pairs (keys sorted, lists comma-joined)."""
    def text(value: Any) -> str:
        if isinstance(value, list):
            return ", ".join(text(v) for v in value)
        if isinstance(value, dict):
            return json.dumps(value, ensure_ascii=False, sort_keys=True)
        return "" if value is None else str(value)

    if details is None or details == {} or details == []:
        return ()
    if not isinstance(details, dict):
        return (DetailItem("details", text(details)),)
    items: list[DetailItem] = []
    for key in sorted(details):
        if key in _SHOWN_ELSEWHERE:
            continue
        if key == "edits" and isinstance(details[key], list):
            items.extend(_edit_item(e) for e in details[key] if isinstance(e, dict))
            continue
        if key == "terms" and isinstance(details[key], dict):
            items.extend(DetailItem(str(t), text(v)) for t, v in sorted(details[key].items()))
            continue
        items.append(DetailItem(str(key).replace("_", " "), text(details[key])))
    return tuple(items)


# details the page already shows as tables (claims, quotes with their word diffs)
_SHOWN_ELSEWHERE = {"sides", "variants", "reference", "kind", "canonical", "claim_ids"}


def _edit_item(edit: dict[str, Any]) -> DetailItem:
    """One wire-copy edit as a label and a readable line: the words changed, cut or added."""
    kind = str(edit.get("type", "edit"))
    if kind == "edited" and isinstance(edit.get("diff"), list):
        pairs = edit["diff"]
        changes = []
        for i, step in enumerate(pairs):
            if not isinstance(step, list) or len(step) != 2:
                continue
            op, words = step
            nxt = pairs[i + 1] if i + 1 < len(pairs) else None
            if op == "-" and isinstance(nxt, list) and nxt[0] == "+":
                changes.append(f"“{words}” → “{nxt[1]}”")
            elif op == "-" and not (i > 0 and pairs[i - 1][0] == "+"):
                changes.append(f"cut “{words}”")
            elif op == "+" and not (i > 0 and pairs[i - 1][0] == "-"):
                changes.append(f"added “{words}”")
        return DetailItem("edited", "; ".join(changes) or str(edit.get("to", "")))
    if kind == "cut":
        return DetailItem("sentence cut", str(edit.get("from", "")))
    if kind == "added":
        return DetailItem("sentence added", str(edit.get("to", "")))
    return DetailItem(kind, str(edit))


# ---------------------------------------------------------------- article pages


def _article_page(
    con: duckdb.DuckDBPyConnection,
    art: _Article,
    event_title: str,
    event_href: str,
    framing_slugs: dict[str, str],
    stamp: str,
) -> ArticlePage:
    found = con.execute("SELECT text FROM articles WHERE id = ?", [art.id]).fetchall()
    text = (found[0][0] if found else None) or ""
    sentences = [
        (r["sentence_index"], r["start"], r["end"])
        for r in query_dicts(
            con,
            'SELECT sentence_index, start, "end" FROM sentences WHERE article_id = ? '
            "ORDER BY sentence_index, start",
            [art.id],
        )
    ]
    claims = query_dicts(
        con,
        """SELECT c.*, s.start AS sentence_start FROM claims c
           LEFT JOIN sentences s
             ON s.article_id = c.article_id AND s.sentence_index = c.sentence_index
           WHERE c.article_id = ? ORDER BY c.start, c.id""",
        [art.id],
    )
    quotes = query_dicts(con, "SELECT * FROM quotes WHERE article_id = ? ORDER BY start, id", [art.id])
    framing = query_dicts(
        con, "SELECT * FROM framing WHERE article_id = ? ORDER BY start, id", [art.id]
    )
    rows = [_claim_row(c, art) for c in claims]
    highlights = [
        *(Highlight(q["start"], q["end"], "quote", f"quote: {q['speaker'] or 'unattributed'}")
          for q in quotes),
        *(Highlight(f["start"], f["end"], "framing", f"framing: {f['canonical'] or f['term'] or ''}",
                    f"f-{framing_slugs[f['id']]}" if f["id"] in framing_slugs else "")
          for f in framing),
        *(Highlight(c["start"], c["end"], "claim", row.source) for c, row in zip(claims, rows)),
    ]
    published, iso = _when(art.published)
    return ArticlePage(
        generated_at=stamp,
        title=art.title or "(untitled)",
        outlet=art.outlet or "",
        url=art.url or "",
        url_href=safe_href(art.url),
        published=published,
        published_iso=iso,
        language=art.language or "",
        path=art.path or "",
        event_title=event_title,
        event_href=event_href,
        text_html=highlight_text(text, sentences=sentences, highlights=highlights),
        claims=tuple(rows),
    )


@dataclass
class _Node:
    start: int
    end: int
    level: int
    open: Markup
    close: Markup
    children: list[_Node] = field(default_factory=list)


# Nesting order, outermost first. Sentences and quotes may be cut at outer boundaries;
# framing terms and claims are dropped instead when they would cross one.
_LEVELS = {"paragraph": 0, "sentence": 1, "quote": 2, "framing": 3, "claim": 4}
_SPLIT = {"sentence", "quote"}


def highlight_text(
    text: str, *, sentences: Sequence[tuple[int, int, int]], highlights: Sequence[Highlight]
) -> Markup:
    """Article text as escaped HTML: <p> per paragraph, <span id="sN"> per sentence, highlights nested."""
    root = _Node(0, len(text), -1, Markup(), Markup())
    for start, end in paragraphs(text):
        root.children.append(_Node(start, end, 0, Markup("<p>"), Markup("</p>")))
    for index, start, end in sorted(sentences):
        _insert(root, text, start, end, "sentence",
                Markup('<span class="sentence" id="s{}">').format(index),
                Markup('<span class="sentence">'), Markup("</span>"))
    for h in sorted(highlights, key=lambda h: (_LEVELS[h.kind], h.start, -h.end)):
        tag = "span" if h.kind == "quote" else "mark"
        anchor = Markup(' id="{}"').format(h.anchor) if h.anchor else Markup()
        first = Markup('<{} class="{}" title="{}"{}>').format(tag, h.kind, h.label, anchor)
        rest = Markup('<{} class="{}" title="{}">').format(tag, h.kind, h.label)
        _insert(root, text, h.start, h.end, h.kind, first, rest, Markup("</{}>").format(tag))
    return _render(text, root)


def paragraphs(text: str) -> list[tuple[int, int]]:
    """Character spans of the paragraphs of `text` (split on blank lines, blank ones dropped)."""
    spans, pos = [], 0
    for gap in re.finditer(r"\n[^\S\n]*\n\s*", text):
        spans.append((pos, gap.start()))
        pos = gap.end()
    spans.append((pos, len(text)))
    return [(s, e) for s, e in spans if text[s:e].strip()]


def _insert(
    root: _Node, text: str, start: int, end: int, kind: str, first: Markup, rest: Markup, close: Markup
) -> bool:
    level = _LEVELS[kind]
    start, end = max(0, start), min(len(text), end)
    if start >= end:
        return False
    cuts: list[int] = []
    if kind in _SPLIT:
        cuts = sorted({
            b for node in _walk(root) if 0 <= node.level < level
            for b in (node.start, node.end) if start < b < end
        })
    bounds = [start, *cuts, end]
    plan: list[tuple[_Node, int, int]] = []
    for s, e in zip(bounds, bounds[1:]):
        parent = _container(root, s, e, level)
        if parent is None:
            return False  # would cross a boundary or overlap its own kind: skip the whole span
        # Pieces outside every paragraph are blank separators; blank pieces of a cut span are noise.
        if parent is not root and (len(bounds) == 2 or text[s:e].strip()):
            plan.append((parent, s, e))
    for i, (parent, s, e) in enumerate(plan):
        parent.children.append(_Node(s, e, level, first if i == 0 else rest, close))
        parent.children.sort(key=lambda n: n.start)
    return bool(plan)


def _walk(node: _Node) -> Iterable[_Node]:
    yield node
    for child in node.children:
        yield from _walk(child)


def _container(root: _Node, start: int, end: int, level: int) -> _Node | None:
    """The innermost node that can hold [start, end) at `level`, or None if it would cross one."""
    node = root
    while True:
        for child in node.children:
            if child.end <= start or end <= child.start:
                continue
            if child.start <= start and end <= child.end and child.level < level:
                node = child
                break
            return None
        else:
            return node


def _render(text: str, node: _Node) -> Markup:
    parts = [node.open]
    pos = node.start
    for child in node.children:
        parts.append(escape(text[pos:child.start]))
        parts.append(_render(text, child))
        pos = child.end
    parts.append(escape(text[pos:node.end]))
    parts.append(node.close)
    return Markup("").join(parts)
