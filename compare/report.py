"""Report stage: tables -> context dataclasses -> templates/*.html, plus discrepancies.json.

Every page is rendered from one frozen dataclass (IndexPage, EventPage, ArticlePage) whose
fields are plain text, except fields ending in `_html`: those are built here with markupsafe,
escaping every inner value first. Article text is hostile input; templates never mark it safe.

Pages: index.html (events, most severe first) and index-recent.html (the same table, most
recent first), event-<slug>.html per event and article-<slug>.html per article. Big events
stay usable: every discrepancy, claim group and large table is a collapsible <details>, and
side tables show at most SIDE_ROWS claims, linking to the full claim group.
"""

from __future__ import annotations

import bisect
import difflib
import functools
import gc
import hashlib
import json
import math
import operator
import os
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

import duckdb
import jinja2
from markupsafe import Markup, escape

from . import timeline
from .timeline import _escape_str
from .timeline import escape_text as _e
from .config import Settings
from .errors import CompareError
from .export import iter_export_json, load_events, parse_details, query_dicts
from .lexicons import Lexicons, load_lexicons
from .records import StageResult

KINDS = (
    "number_conflict", "attribution_difference", "update", "outlier", "misattribution",
    "quote_variant", "framing", "omission", "wire_copy_edit",
)
NUMBER_KINDS = ("number_conflict", "attribution_difference", "update", "outlier", "misattribution")
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
SIDE_ROWS = 15  # claims listed per side inside a discrepancy; the claim group lists them all
OPEN_CHARTS = 3  # timeline charts shown expanded
OPEN_TABLE_ROWS = 20  # framing tables with more outlets than this start collapsed
OPEN_MATRIX_CELLS = 400  # coverage matrices with more cells than this start collapsed
OPEN_ARTICLES = 25  # article lists longer than this start collapsed
OUTLETS_SHOWN = 8  # outlets named in an index row before the rest are collapsed
SLUG_MAX = 60
NO_SOURCE = "the outlet itself (no source cited)"
INDEX_PAGES = (("severity", "index.html", "most severe first"),
               ("recent", "index-recent.html", "most recent first"))


# ---------------------------------------------------------------- page contexts


@dataclass(frozen=True)
class ArticleRef:
    """An article as listed on other pages: outlet, title, publication time and its page."""

    outlet: str
    title: str
    published: str  # "2024-10-18 09:00", or "" when unknown
    published_iso: str
    href: str
    row_html: Markup = Markup()  # the table row, rendered once per run by _articles.html (see _Parts)


@dataclass(frozen=True)
class LinkRef:
    """A link within the report: its text and its target."""

    label: str
    href: str


@dataclass(frozen=True)
class EventRow:
    """One event on the index with (kind, count) and (band, count) pairs for every column."""

    title: str
    event_id: str
    href: str
    outlets: str  # sorted, comma-separated
    outlet_count: int
    outlets_collapsed: bool  # more than OUTLETS_SHOWN outlets: the list sits in a <details>
    article_count: int
    first_published: str
    last_published: str
    last_published_iso: str
    discrepancy_count: int  # live ones: resolved discrepancies are not counted
    new_count: int  # 0 unless run history exists
    max_severity: str  # "0.80", or "" with no discrepancies
    max_band: str
    kind_counts: tuple[tuple[str, int], ...]  # one per IndexPage.kinds, same order
    band_counts: tuple[tuple[str, int], ...]  # one per BANDS


@dataclass(frozen=True)
class IngestErrorRow:
    """One input that ingest could not read."""

    run_id: str
    path: str
    error: str


@dataclass(frozen=True)
class SortLink:
    """One ordering of the index: its label, its page and whether this page is it."""

    label: str
    href: str
    current: bool


@dataclass(frozen=True)
class IndexPage:
    """index.html / index-recent.html: every event with its discrepancy counts, and the ingest errors."""

    generated_at: str
    sort_label: str  # "most severe first" or "most recent first"
    sort_links: tuple[SortLink, ...]
    history: bool  # more than one run recorded: "new" marks mean new since the previous run
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
    # The whole table row, rendered by _claim_row.html once per run (a claim shows in many
    # tables, see _Parts); empty when not rendered yet, and the tables then render it in place.
    row_html: Markup = Markup()


@dataclass(frozen=True)
class SideView:
    """One side of a numeric discrepancy: the claims that agree with each other."""

    letter: str  # "A", "B", ...
    figures: str  # the wordings, "; "-joined
    interval: str
    sources: str  # who is cited, "; "-joined, or NO_SOURCE
    outlets: str
    outlet_count: int
    claim_count: int
    rows: tuple[ClaimRow, ...]  # at most SIDE_ROWS
    hidden: int  # claims of this side not listed here
    group_href: str  # "#g-..." the claim group listing every claim, or ""
    table_html: Markup = Markup()  # the side's table, rendered once per run by _sides.html (see _Parts)


@dataclass(frozen=True)
class QuoteCell:
    """One outlet's wording of a quote, diffed word by word against the reference wording."""

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
class EditView:
    """One edit between two copies of a wire story."""

    kind: str  # "edited", "cut" or "added"
    label: str
    diff_html: Markup  # escaped words, changes in <ins>/<del>, long unchanged runs elided
    item_html: Markup = Markup()  # the list item, rendered once per run by _edits.html (see _Parts)


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
    is_new: bool  # status "new" and run history exists
    open: bool
    claims: tuple[ClaimRow, ...]  # when the details give no sides
    sides: tuple[SideView, ...]
    quotes: tuple[QuoteCell, ...]
    framing: tuple[FramingRow, ...]
    articles: tuple[ArticleRef, ...]  # only for kinds with no claims, quotes or terms to show
    edits: tuple[EditView, ...]
    links: tuple[LinkRef, ...]  # related parts of the page (the claim group of an omission)
    details: tuple[DetailItem, ...]
    details_html: Markup = Markup()  # the details list, rendered once per run by _details.html (see _Parts)


@dataclass(frozen=True)
class ClaimGroupView:
    """Every claim of one group of agreeing figures (a side of the numeric discrepancies)."""

    anchor: str
    measure: str
    figures: str
    interval: str
    sources: str
    outlet_count: int
    claim_count: int
    key_claim: bool  # an omission names it: most outlets carry it, some leave it out
    rows: tuple[ClaimRow, ...]
    links: tuple[LinkRef, ...]  # the discrepancies it takes part in


@dataclass(frozen=True)
class TimelineRow:
    """One plotted point, as a table row (the chart's data, readable without the picture)."""

    key: str
    outlet: str
    figure: str
    value: str
    published: str
    published_iso: str
    source: str
    href: str


@dataclass(frozen=True)
class TimelineChart:
    """A figure that changed over time: an SVG chart, its legend and its data."""

    anchor: str
    measure: str
    title: str
    open: bool
    svg_html: Markup  # built by compare.timeline, every text escaped
    legend: tuple[timeline.Marker, ...]
    rows: tuple[TimelineRow, ...]
    undated: tuple[str, ...]  # "Outlet: figure" of claims with no publication time
    links: tuple[LinkRef, ...]


@dataclass(frozen=True)
class TermChoice:
    """A term an outlet used, how often, and a note ("less common choice", "distancing")."""

    term: str
    count: int
    note: str
    href: str


@dataclass(frozen=True)
class FramingOutletRow:
    """One outlet's choices: a tuple of terms per column of the framing table."""

    outlet: str
    cells: tuple[tuple[TermChoice, ...], ...]


@dataclass(frozen=True)
class FramingTable:
    """Outlets x (names chosen per canonical, loaded terms, hedges, reporting verbs)."""

    columns: tuple[str, ...]
    rows: tuple[FramingOutletRow, ...]
    open: bool


@dataclass(frozen=True)
class CoverageCell:
    """Whether one outlet reports one claim group: a mark and the same said in words."""

    state: str  # "reported", "absent" or "omitted"
    mark: str  # ✓, — or ✗
    text: str  # for screen readers and tooltips
    figure: str


@dataclass(frozen=True)
class CoverageRow:
    """One claim group across the outlets."""

    label: str
    href: str
    key_claim: bool
    carried: int
    cells: tuple[CoverageCell, ...]


@dataclass(frozen=True)
class CoverageMatrix:
    """Claim groups x outlets."""

    outlets: tuple[str, ...]
    rows: tuple[CoverageRow, ...]
    open: bool


@dataclass(frozen=True)
class WireGroupView:
    """Articles that are copies of one wire story, and the edits between each pair."""

    anchor: str
    label: str
    articles: tuple[ArticleRef, ...]
    pairs: tuple[DiscrepancyView, ...]


@dataclass(frozen=True)
class Section:
    """An entry of an event page's table of contents."""

    anchor: str
    label: str
    count: int
    show_count: bool = True


@dataclass(frozen=True)
class EventPage:
    """event-<slug>.html: summary sentences, then figures, timelines, quotes, framing, coverage, wire copies."""

    generated_at: str
    event_id: str
    title: str
    article_count: int
    outlet_count: int
    discrepancy_count: int
    history: bool
    new_count: int
    sections: tuple[Section, ...]
    summary: tuple[DiscrepancyView, ...]
    figures: tuple[DiscrepancyView, ...]
    claim_groups: tuple[ClaimGroupView, ...]
    timelines: tuple[TimelineChart, ...]
    quotes: tuple[DiscrepancyView, ...]
    framing_table: FramingTable | None
    framing: tuple[DiscrepancyView, ...]
    coverage: CoverageMatrix | None
    omissions: tuple[DiscrepancyView, ...]
    wire_groups: tuple[WireGroupView, ...]
    others: tuple[DiscrepancyView, ...]  # kinds this report does not know
    resolved: tuple[DiscrepancyView, ...]  # seen in an earlier run, gone now
    articles: tuple[ArticleRef, ...]
    articles_open: bool

    @property
    def discrepancies(self) -> tuple[DiscrepancyView, ...]:
        """Every live discrepancy, in page order."""
        wire = tuple(d for g in self.wire_groups for d in g.pairs)
        return self.figures + self.quotes + self.framing + self.omissions + wire + self.others


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
    counts: tuple[tuple[int, str], ...]  # (how many, label) highlighted: claims, quotes, framing terms
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
    con: duckdb.DuckDBPyConnection, settings: Settings, *, generated_at: datetime | None = None,
    events_changed: set[str] | None = None,
) -> StageResult:
    """Render the index pages, event and article pages and discrepancies.json into settings.out.

    With `events_changed`, only those events' pages (and pages missing from the folder) are
    rendered again; the index pages and discrepancies.json always are.

    Rows are read a chunk of events at a time (one query per table per chunk, grouped here by
    event or article), so memory stays flat as the database grows, and within a chunk a
    claim's table row is built once however many pages show it.
    """
    with _collection_paused():
        return _run(con, settings, generated_at=generated_at, events_changed=events_changed)


@contextmanager
def _collection_paused() -> Iterator[None]:
    """No cyclic garbage collection while the report is built.

    Rendering allocates millions of short-lived objects, and every collection they trigger
    would also walk all the rows held for the run: that was a fifth of the time. The stage
    makes no reference cycles (nested functions here do not call themselves), so reference
    counting frees everything as before; collection resumes as it was afterwards.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _run(
    con: duckdb.DuckDBPyConnection, settings: Settings, *, generated_at: datetime | None,
    events_changed: set[str] | None,
) -> StageResult:
    generated = generated_at or datetime.now(timezone.utc)
    stamp = generated.isoformat(timespec="seconds")
    out = Path(settings.out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CompareError(f"cannot create report folder {out}: {exc.strerror or exc}") from None
    env = environment()
    lex = load_lexicons(settings.extra_lexicons)
    history = has_history(con)

    events = load_events(con)
    articles = [
        _Article(*row)
        for row in con.execute(
            "SELECT id, event_id, outlet, url, title, published, path, language FROM articles ORDER BY id"
        ).fetchall()
    ]
    article_slugs = unique_slugs(a.id for a in articles)
    arts = {a.id: a.with_slug(article_slugs[a.id]) for a in articles}
    event_slugs = unique_slugs(e["id"] for e in events)
    framing_slugs = unique_slugs(str(r[0]) for r in con.execute("SELECT id FROM framing").fetchall())
    event_links = {e["id"]: (e["title"] or e["id"], f"event-{event_slugs[e['id']]}.html") for e in events}
    by_event: dict[str, list[_Article]] = {}
    for art in sorted(arts.values(), key=lambda a: a.order):
        by_event.setdefault(art.event_id or "", []).append(art)
    parts = _Parts(arts, env)

    rows = _index_rows(con, events, event_links, history=history)
    pages = 0
    for sort, name, _ in INDEX_PAGES:
        _write(out, name, env.get_template("index.html").render(
            page=_index_page(con, rows, stamp, history=history, sort=sort)))
        pages += 1
    todo = [
        event for event in events
        # unchanged events keep the page written before
        if events_changed is None or event["id"] in events_changed or not (out / event_links[event["id"]][1]).exists()
    ]
    # article pages: those of the events this run changed, and any page not written yet
    to_render = [a for a in sorted(arts.values(), key=lambda a: a.id)
                 if events_changed is None or a.event_id in events_changed or not (out / a.href).exists()]
    write_json = events_changed is None or bool(events_changed) or not (out / "discrepancies.json").exists()
    # pages read their rows a chunk at a time, so memory stays flat however big the
    # database grows
    pending: dict[str, list[_Article]] = {}
    for art in to_render:
        pending.setdefault(art.event_id or "", []).append(art)
    event_template, article_template = env.get_template("event.html"), env.get_template("article.html")

    def article_pages(chunk_a: list[_Article]) -> int:
        data = _prefetch(con, (a.id for a in chunk_a))
        for art in chunk_a:
            title, href = event_links.get(art.event_id or "", ("", "index.html"))
            page_a = _article_page(data, art, title, href, framing_slugs, stamp, parts)
            _write(out, art.href, article_template.render(page=page_a))
        return len(chunk_a)

    # an event's page and its articles' pages in one chunk: they share claim rows
    for chunk in _chunks(todo, PAGE_CHUNK_EVENTS):
        event_data = _prefetch_events(con, [e["id"] for e in chunk])
        for event in chunk:
            page = _event_page(
                event_data, event["id"], event_links[event["id"]][0], by_event.get(event["id"], []), arts,
                framing_slugs, stamp, parts, history=history, lex=lex,
            )
            _write(out, event_links[event["id"]][1], event_template.render(page=page))
            pages += 1
        del event_data
        pages += article_pages([a for e in chunk for a in pending.pop(e["id"], [])])
        parts.clear()
    # pages missing for articles of events this run left alone
    rest = sorted((a for arts_of in pending.values() for a in arts_of), key=lambda a: a.id)
    for chunk_a in _chunks(rest, PAGE_CHUNK_ARTICLES):
        pages += article_pages(chunk_a)
        parts.clear()
    if write_json:
        _write_pieces(out, "discrepancies.json", iter_export_json(con, generated_at=generated), "\n")
    return StageResult("report", counts={"pages": pages, "events": len(events)})



_T = TypeVar("_T")

# pages are rendered from rows read this many events (or articles) at a time
PAGE_CHUNK_EVENTS = 64
PAGE_CHUNK_ARTICLES = 512


def _chunks(items: Sequence[_T], size: int) -> Iterator[list[_T]]:
    for start in range(0, len(items), size):
        yield list(items[start:start + size])


def has_history(con: duckdb.DuckDBPyConnection) -> bool:
    """True once the runs table holds more than one run: "new" then means new since the previous one."""
    try:
        found = con.execute("SELECT count(*) FROM runs").fetchall()
    except duckdb.Error:
        return False
    return bool(found and found[0][0] > 1)


@functools.cache
def environment() -> jinja2.Environment:
    """The Jinja environment of the report: autoescaping, strict undefined, packaged templates.

    Built once per process, so every template is compiled once; the templates are packaged
    files that do not change while the process runs.
    """
    root = _template_root()

    def load(name: str) -> str | None:
        resource = root.joinpath(name)
        return resource.read_text(encoding="utf-8") if resource.is_file() else None

    env = jinja2.Environment(
        loader=jinja2.FunctionLoader(load),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
    )
    env.template_class = _Template
    return env


def _output_escape(value: Any) -> str:
    """markupsafe.escape as templates need it for each {{ expression }}, without the Markup object.

    The text is the same: str gets markupsafe's five replacements, Markup is already safe,
    anything else goes through markupsafe.escape. Only the type differs (str, not Markup),
    which output does not need: Jinja joins the pieces and marks macro results safe itself.
    """
    kind = type(value)
    if kind is str:
        return _escape_str(value)
    if kind is Markup:
        return value
    return _e(value)


class _Template(jinja2.Template):
    """A report template: compiled Jinja code whose {{ }} output is escaped by _output_escape.

    Jinja's compiled code calls the escape function it imports into the template's module
    namespace; the report's pages hold some million values, and markupsafe.escape builds a
    Markup object for each (a third of the rendering time). Anything else stays Jinja's own.
    """

    @classmethod
    def from_code(cls, environment: jinja2.Environment, code: Any, globals: Any, uptodate: Any = None) -> Any:
        template = super().from_code(environment, code, globals, uptodate)
        namespace = template.root_render_func.__globals__
        if namespace.get("escape") is escape:
            namespace["escape"] = _output_escape
        return template


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
    _write_pieces(out, name, (text,))


def _write_pieces(out: Path, name: str, *pieces: Iterable[str]) -> None:
    """Write the pieces one after the other to out/name, refusing any name that leaves `out`."""
    target = out / name
    # A plain file name that is no symbolic link stays in `out`: only other names need resolving.
    plain = name not in ("", ".", "..") and "/" not in name and (os.altsep or "/") not in name and os.sep not in name
    if (not plain or target.is_symlink()) and target.resolve().parent != out.resolve():
        raise CompareError(f"refusing to write outside the report folder: {name}")
    try:
        with target.open("w", encoding="utf-8") as handle:
            for part in pieces:
                handle.writelines(part)
    except OSError as exc:
        raise CompareError(f"cannot write {target}: {exc.strerror or exc}") from None


# ---------------------------------------------------------------- file names


_SLUG_JUNK = re.compile(r"[^a-z0-9_-]+")


def slugify(value: str, *, max_len: int = SLUG_MAX) -> str:
    """Lower-case `value` reduced to [a-z0-9_-], at most max_len characters, never empty."""
    slug = _SLUG_JUNK.sub("-", value.lower()).strip("-_")[:max_len].strip("-_")
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

    @functools.cached_property
    def href(self) -> str:
        return f"article-{self.slug}.html"

    @functools.cached_property
    def order(self) -> tuple[bool, datetime, str, str]:
        """Chronological, undated last, then by outlet: how sides of a comparison are listed."""
        return (self.published is None, self.published or datetime.min, self.outlet or "", self.id)

    @functools.cached_property
    def when(self) -> tuple[str, str]:
        """The publication time as shown and as ISO 8601 (see _when)."""
        return _when(self.published)

    def ref(self) -> ArticleRef:
        published, iso = self.when
        return ArticleRef(self.outlet or "", self.title or "(untitled)", published, iso, self.href)


def _set_html(view: Any, name: str, html: Markup) -> None:
    """Store the rendered HTML of a view built a moment ago and not yet shared with anything.

    The views are frozen dataclasses; this is how their own __post_init__ would set a field
    (dataclasses.replace would build the whole object again).
    """
    object.__setattr__(view, name, html)


class _Parts:
    """Claim rows, sides of discrepancies and wire-copy edits, built once per run.

    They repeat: a claim shows on its article page and in every side, group and timeline
    that names it; the same side of agreeing claims shows in many discrepancies; wire copies
    share their edits. Each is built the first time it is needed and reused after, and with
    an environment its HTML is rendered by its own template then too (ClaimRow.row_html,
    SideView.table_html, EditView.item_html, ArticleRef.row_html, DiscrepancyView.details_html),
    so the pages only copy it.
    """

    def __init__(self, arts: dict[str, _Article], env: jinja2.Environment | None = None) -> None:
        self.arts = arts
        self.rows: dict[str, ClaimRow] = {}
        self.sides: dict[tuple[Any, ...], SideView] = {}
        self.edits: dict[tuple[Any, ...], EditView] = {}
        self.detail_lists: dict[tuple[DetailItem, ...], Markup] = {}
        self.refs: dict[str, ArticleRef] = {}
        self.render_row = self.render_side = self.render_edit = self.render_details = self.render_ref = None
        if env is not None:
            self.render_row = env.get_template("_claim_row.html").module.claim_row  # type: ignore[attr-defined]
            self.render_side = env.get_template("_sides.html").module.side_table  # type: ignore[attr-defined]
            self.render_edit = env.get_template("_edits.html").module.edit_item  # type: ignore[attr-defined]
            self.render_details = env.get_template("_details.html").module.detail_list  # type: ignore[attr-defined]
            self.render_ref = env.get_template("_articles.html").module.article_row  # type: ignore[attr-defined]

    def clear(self) -> None:
        """Forget what was built (between chunks of pages, to keep memory flat)."""
        self.rows.clear()
        self.sides.clear()
        self.edits.clear()
        self.detail_lists.clear()
        self.refs.clear()

    def row(self, claim: dict[str, Any]) -> ClaimRow:
        """The row of a claims row (with sentence_start), by claim id."""
        row = self.rows.get(claim["id"])
        if row is None:
            row = _claim_row(claim, self.arts[claim["article_id"]])
            if self.render_row is not None:
                _set_html(row, "row_html", self.render_row(row))
            self.rows[claim["id"]] = row
        return row

    def side(self, key: tuple[Any, ...], build: Callable[[], SideView]) -> SideView:
        """The side view `build` makes, by a key of everything it depends on."""
        view = self.sides.get(key)
        if view is None:
            view = build()
            if self.render_side is not None:
                _set_html(view, "table_html", self.render_side(view))
            self.sides[key] = view
        return view

    def edit(self, edit: dict[str, Any]) -> EditView:
        """edit_view(edit), by the content of the edit."""
        key = _edit_key(edit)
        view = self.edits.get(key) if key is not None else None
        if view is None:
            view = edit_view(edit)
            if self.render_edit is not None:
                _set_html(view, "item_html", self.render_edit(view))
            if key is not None:
                self.edits[key] = view
        return view

    def ref(self, art: _Article) -> ArticleRef:
        """The article as lists show it, by article id."""
        ref = self.refs.get(art.id)
        if ref is None:
            ref = self.refs[art.id] = art.ref()
            if self.render_ref is not None:
                _set_html(ref, "row_html", self.render_ref(ref))
        return ref

    def details_html(self, items: tuple[DetailItem, ...]) -> Markup:
        """The rendered list of a discrepancy's details ("" without an environment)."""
        if self.render_details is None or not items:
            return Markup()
        html = self.detail_lists.get(items)
        if html is None:
            html = self.detail_lists[items] = self.render_details(items)
        return html


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


@dataclass(frozen=True)
class _IndexRow:
    row: EventRow
    max_severity: float  # -1 without discrepancies
    last: datetime | None


def _index_rows(
    con: duckdb.DuckDBPyConnection,
    events: list[dict[str, Any]],
    links: dict[str, tuple[str, str]],
    *,
    history: bool,
) -> tuple[list[_IndexRow], tuple[str, ...]]:
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
           FROM discrepancies WHERE status IS DISTINCT FROM 'resolved' GROUP BY ALL""",
    ):
        for key in (row["kind"], row["band"]):
            counts[(row["event_id"], key)] = counts.get((row["event_id"], key), 0) + row["n"]
    totals = {
        row["event_id"]: row
        for row in query_dicts(
            con,
            """SELECT event_id, count(*) AS n, max(severity) AS top,
                      count(*) FILTER (WHERE status = 'new') AS new
               FROM discrepancies WHERE status IS DISTINCT FROM 'resolved' GROUP BY event_id""",
        )
    }
    present = {kind for _, kind in counts if kind not in BANDS}
    kinds = tuple(k for k in KINDS if k in present) + tuple(sorted(present - set(KINDS)))
    rows = []
    for event in events:
        eid = event["id"]
        stat = stats.get(eid, {})
        total = totals.get(eid, {})
        top = total.get("top")
        top = top if top is not None and math.isfinite(top) else None
        outlets = sorted(stat.get("outlets") or [])
        last = stat.get("last")
        rows.append(_IndexRow(
            EventRow(
                title=links[eid][0],
                event_id=eid,
                href=links[eid][1],
                outlets=", ".join(outlets),
                outlet_count=len(outlets),
                outlets_collapsed=len(outlets) > OUTLETS_SHOWN,
                article_count=int(stat.get("n") or 0),
                first_published=_when(stat.get("first"))[0],
                last_published=_when(last)[0],
                last_published_iso=_when(last)[1],
                discrepancy_count=int(total.get("n") or 0),
                new_count=int(total.get("new") or 0) if history else 0,
                max_severity="" if top is None else f"{top:.2f}",
                max_band=severity_band(top) if top is not None else "",
                kind_counts=tuple((k, counts.get((eid, k), 0)) for k in kinds),
                band_counts=tuple((b, counts.get((eid, b), 0)) for b in BANDS),
            ),
            -1.0 if top is None else top,
            last,
        ))
    return rows, kinds


def _index_page(
    con: duckdb.DuckDBPyConnection,
    rows_kinds: tuple[list[_IndexRow], tuple[str, ...]],
    stamp: str,
    *,
    history: bool,
    sort: str,
) -> IndexPage:
    rows, kinds = rows_kinds
    if sort == "recent":
        ordered = sorted(rows, key=lambda r: (
            r.last is None, -(r.last.timestamp() if r.last else 0.0), -r.max_severity, r.row.title, r.row.event_id))
    else:
        ordered = sorted(rows, key=lambda r: (
            -r.max_severity, -r.row.discrepancy_count, r.last is None,
            -(r.last.timestamp() if r.last else 0.0), r.row.title, r.row.event_id))
    errors = tuple(
        IngestErrorRow("" if r["run_id"] is None else str(r["run_id"]), r["path"] or "", r["error"] or "")
        for r in query_dicts(
            con, "SELECT run_id, path, error FROM ingest_errors ORDER BY run_id DESC, path, error"
        )
    )
    labels = tuple(KIND_LABELS.get(k, k.replace("_", " ").capitalize()) for k in kinds)
    return IndexPage(
        generated_at=stamp,
        sort_label=next(label for key, _, label in INDEX_PAGES if key == sort),
        sort_links=tuple(SortLink(label, name, key == sort) for key, name, label in INDEX_PAGES),
        history=history,
        kinds=kinds,
        kind_labels=labels,
        band_labels_by_band=tuple(zip(BANDS, BAND_LABELS)),
        events=tuple(r.row for r in ordered),
        errors=errors,
    )


# ---------------------------------------------------------------- event pages


@dataclass
class _Group:
    """A claim group while the event page is assembled."""

    key: frozenset[str]
    anchor: str
    measure: str
    figures: list[str]
    low: float | None
    high: float | None
    omission: dict[str, Any] | None = None
    links: list[LinkRef] = field(default_factory=list)


def _group_anchor(claim_ids: Iterable[str]) -> str:
    # a hash of the claims, so a group keeps its anchor from run to run
    return "g-" + hashlib.sha1("|".join(sorted(claim_ids)).encode("utf-8")).hexdigest()[:10]


@dataclass
class _EventRows:
    """Everything the event pages of a chunk show, read in one query per table, grouped by event."""

    discrepancies: dict[str, list[dict[str, Any]]]  # page order; "parsed" holds the details parsed
    claims: dict[str, dict[str, Any]]  # by id: every claim a discrepancy names, with sentence_start
    quotes: dict[str, dict[str, Any]]  # by id: every quote a discrepancy names
    framing: dict[str, list[dict[str, Any]]]  # the terms of the event's articles, by article and start


def _grouped(con: duckdb.DuckDBPyConnection, sql: str) -> dict[Any, list[dict[str, Any]]]:
    """Rows of `sql` as dicts, grouped by the value of its first column (left out of the dicts)."""
    cursor = con.execute(sql)
    names = [column[0] for column in cursor.description or []][1:]
    out: dict[Any, list[dict[str, Any]]] = {}
    for key, *values in cursor.fetchall():
        out.setdefault(key, []).append(dict(zip(names, values)))
    return out


def _prefetch_events(con: duckdb.DuckDBPyConnection, event_ids: Sequence[str]) -> _EventRows:
    import polars as pl

    if not event_ids:
        return _EventRows({}, {}, {}, {})
    ids = pl.DataFrame({"id": sorted(set(event_ids))}, schema={"id": pl.Utf8()})
    con.register("_page_events", ids.to_arrow())
    try:
        discrepancies = _grouped(
            con,
            """SELECT event_id AS _event, * FROM discrepancies
               WHERE event_id IN (SELECT id FROM _page_events)
               ORDER BY event_id, status IS NOT DISTINCT FROM 'resolved', severity DESC NULLS LAST, id""",
        )
        for rows in discrepancies.values():
            for d in rows:
                d["parsed"] = parse_details(d["details"])
        claims = {
            row["id"]: row
            for row in query_dicts(
                con,
                """SELECT c.*, s.start AS sentence_start FROM claims c
                   LEFT JOIN sentences s
                     ON s.article_id = c.article_id AND s.sentence_index = c.sentence_index
                   WHERE c.id IN (SELECT unnest(claim_ids) FROM discrepancies
                                  WHERE event_id IN (SELECT id FROM _page_events))""",
            )
        }
        quotes = {
            row["id"]: row
            for row in query_dicts(
                con,
                """SELECT * FROM quotes
                   WHERE id IN (SELECT unnest(quote_ids) FROM discrepancies
                                WHERE event_id IN (SELECT id FROM _page_events))""",
            )
        }
        framing = _grouped(
            con,
            """SELECT a.event_id AS _event, f.* FROM framing f JOIN articles a ON a.id = f.article_id
               WHERE a.event_id IN (SELECT id FROM _page_events) ORDER BY f.article_id, f.start, f.id""",
        )
    finally:
        con.unregister("_page_events")
    return _EventRows(discrepancies, claims, quotes, framing)


def _event_page(
    data: _EventRows,
    event_id: str,
    title: str,
    own: list[_Article],
    arts: dict[str, _Article],
    framing_slugs: dict[str, str],
    stamp: str,
    parts: _Parts,
    *,
    history: bool = False,
    lex: Lexicons | None = None,
) -> EventPage:
    discrepancies = data.discrepancies.get(event_id, [])  # each row gets its "anchor" below
    claims = {
        c: data.claims[c]
        for c in dict.fromkeys(c for d in discrepancies for c in d["claim_ids"] or [])
        if c in data.claims
    }
    quotes = {
        q: data.quotes[q]
        for q in dict.fromkeys(q for d in discrepancies for q in d["quote_ids"] or [])
        if q in data.quotes
    }
    framing = data.framing.get(event_id, [])
    framing_by_article: dict[str, list[dict[str, Any]]] = {}
    for f in framing:
        framing_by_article.setdefault(f["article_id"], []).append(f)
    anchors = unique_slugs(d["id"] for d in discrepancies)
    for d in discrepancies:
        d["anchor"] = f"d-{anchors[d['id']]}"
    live = [d for d in discrepancies if d["status"] != "resolved"]
    resolved = [d for d in discrepancies if d["status"] == "resolved"]

    # every claim of the page in page order (chronological, then by outlet and offset); a
    # claim's position there orders it in every side, group and table
    ordered_claims = sorted(
        (c for c in claims.values() if c["article_id"] in arts),
        key=lambda c: (arts[c["article_id"]].order, c.get("start") or 0, c["id"]),
    )
    position = {c["id"]: i for i, c in enumerate(ordered_claims)}
    groups = _claim_groups(live, claims)
    by_key = {g.key: g for g in groups}
    shared = {"parts": parts, "framing_by_article": framing_by_article,
              "claim_order": (ordered_claims, position)}
    views = {
        d["id"]: _discrepancy_view(
            d, d["anchor"], i < OPEN_SIZE, arts, claims, quotes, framing, framing_slugs,
            history=history, groups=by_key, **shared,
        )
        for i, d in enumerate(live)
    }
    resolved_views = tuple(
        _discrepancy_view(d, d["anchor"], False, arts, claims, quotes, framing, framing_slugs, groups={}, **shared)
        for d in resolved
    )

    def of(kinds: Iterable[str]) -> tuple[DiscrepancyView, ...]:
        wanted = set(kinds)
        return tuple(views[d["id"]] for d in live if d["kind"] in wanted)

    outlets = sorted({a.outlet or "" for a in own})
    group_views = tuple(_group_view(g, ordered_claims, position, parts) for g in groups)
    timelines = _timelines(live, claims, arts, parts)
    framing_table = _framing_table(framing, arts, outlets, framing_slugs, lex or load_lexicons())
    coverage = _coverage(groups, ordered_claims, position, arts, outlets)
    wire = _wire_groups(live, views, arts, parts)
    known = set(KINDS)
    page_views = {
        "figures": of(NUMBER_KINDS), "quotes": of(["quote_variant"]), "framing": of(["framing"]),
        "omissions": of(["omission"]),
        "others": tuple(views[d["id"]] for d in live if d["kind"] not in known),
    }
    sections = tuple(s for s in (
        Section("summary", "Summary", min(len(live), SUMMARY_SIZE), False),
        Section("figures", "Figures", len(page_views["figures"]) + len(group_views)),
        Section("timeline", "Figures over time", len(timelines)),
        Section("quotes", "Quotes", len(page_views["quotes"])),
        Section("framing", "Framing", len(page_views["framing"]) + (1 if framing_table else 0)),
        Section("coverage", "Coverage", len(page_views["omissions"]) + (1 if coverage else 0)),
        Section("wire", "Wire copies", len(wire)),
        Section("other", "Other discrepancies", len(page_views["others"])),
        Section("resolved", "Resolved", len(resolved_views)),
        Section("articles", "Articles", len(own), False),
    ) if s.count or not s.show_count)
    return EventPage(
        generated_at=stamp,
        event_id=event_id,
        title=title,
        article_count=len(own),
        outlet_count=len(outlets),
        discrepancy_count=len(live),
        history=history,
        new_count=sum(1 for v in views.values() if v.is_new),
        sections=sections,
        summary=tuple(views[d["id"]] for d in live[:SUMMARY_SIZE]),
        figures=page_views["figures"],
        claim_groups=group_views,
        timelines=timelines,
        quotes=page_views["quotes"],
        framing_table=framing_table,
        framing=page_views["framing"],
        coverage=coverage,
        omissions=page_views["omissions"],
        wire_groups=wire,
        others=page_views["others"],
        resolved=resolved_views,
        articles=tuple(parts.ref(a) for a in own),
        articles_open=len(own) <= OPEN_ARTICLES,
    )


def _sides(details: Any) -> list[dict[str, Any]]:
    """The `sides` of a numeric discrepancy's details, or [] when there are none."""
    if not isinstance(details, dict) or not isinstance(details.get("sides"), list):
        return []
    return [s for s in details["sides"] if isinstance(s, dict) and isinstance(s.get("claim_ids"), list)]


def _claim_groups(live: list[dict[str, Any]], claims: dict[str, dict[str, Any]]) -> list[_Group]:
    """The groups of agreeing figures the event's numeric discrepancies and omissions name."""
    groups: dict[frozenset[str], _Group] = {}
    for d in live:
        kind = d["kind"]
        label = KIND_LABELS.get(kind or "", kind or "")
        if kind in NUMBER_KINDS:
            for side in _sides(d["parsed"]):
                ids = frozenset(str(c) for c in side["claim_ids"] if c in claims)
                if not ids:
                    continue
                group = groups.get(ids)
                if group is None:
                    figures = [str(f) for f in side.get("figures") or []] or sorted(
                        {claims[c]["text"] or "" for c in ids})
                    group = groups[ids] = _Group(
                        ids, _group_anchor(ids), d["measure"] or claims[next(iter(sorted(ids)))]["measure"] or "",
                        figures, _float(side.get("low")), _float(side.get("high")))
                group.links.append(LinkRef(f"{label}: {d['summary'] or ''}", f"#{d['anchor']}"))
        elif kind == "omission":
            ids = frozenset(c for c in d["claim_ids"] or [] if c in claims)
            if not ids:
                continue
            group = groups.get(ids)
            if group is None:
                figures = sorted({claims[c]["text"] or "" for c in ids})
                lows = [claims[c]["low"] for c in ids if claims[c]["low"] is not None]
                highs = [claims[c]["high"] for c in ids if claims[c]["high"] is not None]
                group = groups[ids] = _Group(
                    ids, _group_anchor(ids), d["measure"] or "", figures,
                    min(lows) if lows else None, max(highs) if highs else None)
            group.omission = d["parsed"] if isinstance(d["parsed"], dict) else {}
            group.links.append(LinkRef(f"{label}: {d['summary'] or ''}", f"#{d['anchor']}"))
    return sorted(groups.values(), key=lambda g: (
        g.measure, -len(g.key), g.low if g.low is not None else math.inf, g.anchor))


def _float(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and math.isfinite(value) else None


def _group_view(
    group: _Group, ordered: list[dict[str, Any]], position: dict[str, int], parts: _Parts
) -> ClaimGroupView:
    """A claim group with its claims in page order (`position`: claim id -> index in `ordered`)."""
    rows = [ordered[i] for i in sorted(position[c] for c in group.key if c in position)]
    claim_rows = tuple(parts.row(c) for c in rows)
    figures = "; ".join(dict.fromkeys(group.figures))
    interval = interval_text(group.low, group.high, None)
    return ClaimGroupView(
        anchor=group.anchor,
        measure=group.measure,
        figures=figures,
        interval="" if interval == figures else interval,
        sources=_sources(claim_rows),
        outlet_count=len({r.outlet for r in claim_rows}),
        claim_count=len(claim_rows),
        key_claim=group.omission is not None,
        rows=claim_rows,
        links=tuple(group.links),
    )


def _sources(rows: Sequence[ClaimRow]) -> str:
    cited = list(dict.fromkeys(r.source for r in rows if r.cited))
    uncited = any(not r.cited for r in rows)
    return "; ".join(cited + ([NO_SOURCE] if uncited else [])) or NO_SOURCE


def _discrepancy_view(
    row: dict[str, Any],
    anchor: str,
    is_open: bool,
    arts: dict[str, _Article],
    claims: dict[str, dict[str, Any]],
    quotes: dict[str, dict[str, Any]],
    framing: list[dict[str, Any]],
    framing_slugs: dict[str, str],
    *,
    history: bool = False,
    groups: dict[frozenset[str], _Group] | None = None,
    parts: _Parts | None = None,
    framing_by_article: dict[str, list[dict[str, Any]]] | None = None,
    claim_order: tuple[list[dict[str, Any]], dict[str, int]] | None = None,
) -> DiscrepancyView:
    """One discrepancy as shown. The keyword arguments only save work: `parts` reuses rows,
    sides and edits, `framing_by_article` indexes `framing`, `claim_order` is the event's
    claims in page order with each claim's position there (see _event_page)."""
    parts = parts or _Parts(arts)

    def page_order(item: dict[str, Any]) -> tuple[Any, ...]:
        return (arts[item["article_id"]].order, item.get("start") or 0, item["id"])

    def by_article(items: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
        return sorted((i for i in items if i["article_id"] in arts), key=page_order)

    kind = row["kind"] or ""
    details = row["parsed"] if "parsed" in row else parse_details(row["details"])
    if claim_order is not None:
        ordered, position = claim_order
        own_claims = [ordered[i] for i in sorted(position[c] for c in row["claim_ids"] or [] if c in position)]
    else:
        own_claims = by_article(claims[c] for c in row["claim_ids"] or [] if c in claims)
    own_quotes = by_article(quotes[q] for q in row["quote_ids"] if q in quotes) if row["quote_ids"] else []
    article_ids = list(row["article_ids"] or []) or [i["article_id"] for i in own_claims + own_quotes]
    involved = sorted((arts[a] for a in dict.fromkeys(article_ids) if a in arts), key=lambda a: a.order)

    sides = _side_views(own_claims, details, arts, groups or {}, parts) if kind in NUMBER_KINDS else ()
    terms: list[dict[str, Any]] = []
    if kind == "framing":
        # Discrepancies do not list framing ids: take the terms of the articles involved,
        # narrowed to the canonical term the matcher names (details.canonical, else measure).
        ids = {a.id for a in involved}
        if not ids:
            pool = framing
        elif framing_by_article is not None:
            pool = [f for a in ids for f in framing_by_article.get(a, ())]  # sorted below
        else:
            pool = [f for f in framing if f["article_id"] in ids]
        canonical = details.get("canonical") if isinstance(details, dict) else None
        canonical = canonical or row["measure"]
        framing_kind = details.get("kind") if isinstance(details, dict) else None
        if framing_kind in ("hedge", "reporting_verb") and isinstance(details.get("terms"), dict):
            # hedges and distancing verbs: the words each outlet chose, listed in details.terms
            chosen = {str(t).lower() for words in details["terms"].values() for t in (words or [])}
            terms = [f for f in pool if f["kind"] == framing_kind and (f["term"] or "").lower() in chosen]
        else:
            terms = [f for f in pool if f["canonical"] == canonical and (not framing_kind or f["kind"] == framing_kind)] or pool

    edits: tuple[EditView, ...] = ()
    shown = details
    if kind == "wire_copy_edit" and isinstance(details, dict) and isinstance(details.get("edits"), list):
        edits = tuple(parts.edit(e) for e in details["edits"] if isinstance(e, dict))
        shown = {k: v for k, v in details.items() if k != "edits"}
    links: tuple[LinkRef, ...] = ()
    if kind == "omission" and groups:
        group = groups.get(frozenset(c["id"] for c in own_claims))
        if group is not None:
            links = (LinkRef("every claim of this group", f"#{group.anchor}"),)

    severity = row["severity"]
    reference = details.get("reference") if isinstance(details, dict) else None
    details_shown = detail_items(shown)
    return DiscrepancyView(
        anchor=anchor,
        kind=kind,
        kind_class=_kind_class(kind),
        kind_label=_kind_label(kind),
        severity="" if severity is None or not math.isfinite(severity) else f"{severity:.2f}",
        band=severity_band(severity),
        summary=row["summary"] or KIND_LABELS.get(kind, kind),
        measure=row["measure"] or "",
        status=row["status"] or "",
        is_new=history and row["status"] == "new",
        open=is_open,
        claims=() if sides else tuple(parts.row(c) for c in own_claims),
        sides=sides,
        quotes=_quote_cells(own_quotes, arts, reference=reference if isinstance(reference, str) else None),
        framing=tuple(
            FramingRow(
                outlet=arts[f["article_id"]].outlet or "",
                term=f["term"] or "",
                canonical=f["canonical"] or "",
                kind=f["kind"] or "",
                href=f"{arts[f['article_id']].href}#f-{framing_slugs[f['id']]}",
            )
            for f in (by_article(terms) if terms else ())
        ),
        # Claims, quotes and terms already name their outlets; other kinds list the articles.
        articles=() if own_claims or own_quotes or terms else tuple(parts.ref(a) for a in involved),
        edits=edits,
        links=links,
        details=details_shown,
        details_html=parts.details_html(details_shown),
    )


@functools.lru_cache(maxsize=256)
def _kind_class(kind: str) -> str:
    return slugify(kind)


def _kind_label(kind: str) -> str:
    return KIND_LABELS[kind] if kind in KIND_LABELS else kind.replace("_", " ").capitalize()


def _side_views(
    own_claims: list[dict[str, Any]],
    details: Any,
    arts: dict[str, _Article],
    groups: dict[frozenset[str], _Group],
    parts: _Parts | None = None,
) -> tuple[SideView, ...]:
    """The sides of a numeric discrepancy (details.sides), each with its claims, chronological.

    `own_claims` are the discrepancy's claims in page order (chronological, then by outlet).
    """
    sides = _sides(details)
    if not sides:
        return ()
    parts = parts or _Parts(arts)
    # own_claims are in page order already, and so is each side taken from them: a claim
    # goes to the first side that names it
    placed: set[str] = set()
    out: list[tuple[dict[str, Any], list[dict[str, Any]]]] = []
    for side in sides:
        wanted = set(side["claim_ids"])
        members = []
        for c in own_claims:
            if c["id"] in wanted and c["id"] not in placed:
                placed.add(c["id"])
                members.append(c)
        out.append((side, members))
    rest = [c for c in own_claims if c["id"] not in placed]
    if rest:  # claims the discrepancy lists but no side names
        out.append(({"figures": sorted({c["text"] or "" for c in rest})}, rest))
    views = []
    for (side, members), letter in zip(out, _key_letters(len(out))):
        ids = tuple(c["id"] for c in members)
        group = groups.get(frozenset(ids))
        named = tuple(str(f) for f in side.get("figures") or [])
        bounded = "low" in side or "high" in side
        low, high = _float(side.get("low")), _float(side.get("high"))
        key = (letter, ids, named, bounded, low, high, group.anchor if group is not None else "")

        def build(members: list[dict[str, Any]] = members, letter: str = letter) -> SideView:
            rows = tuple(parts.row(c) for c in members)
            outlets = sorted({r.outlet for r in rows})
            figures = "; ".join(dict.fromkeys(named)) or "; ".join(dict.fromkeys(r.figure for r in rows))
            interval = interval_text(low, high, None) if bounded else ""
            return SideView(
                letter=letter,
                figures=figures,
                interval="" if interval == figures else interval,
                sources=_sources(rows),
                outlets=", ".join(outlets) if len(outlets) <= OUTLETS_SHOWN else f"{len(outlets)} outlets",
                outlet_count=len(outlets),
                claim_count=len(rows),
                rows=rows[:SIDE_ROWS],
                hidden=max(0, len(rows) - SIDE_ROWS),
                group_href=f"#{group.anchor}" if group is not None else "",
            )

        views.append(parts.side(key, build))
    return tuple(views)


@functools.lru_cache(maxsize=64)
def _key_letters(n: int) -> tuple[str, ...]:
    return tuple(timeline.key_letters(n))


def _timelines(
    live: list[dict[str, Any]], claims: dict[str, dict[str, Any]], arts: dict[str, _Article],
    parts: _Parts | None = None,
) -> tuple[TimelineChart, ...]:
    """A chart per measure whose figure changed over time (update discrepancies)."""
    by_measure: dict[str, list[dict[str, Any]]] = {}
    for d in live:
        if d["kind"] == "update":
            by_measure.setdefault(d["measure"] or "figure", []).append(d)
    parts = parts or _Parts(arts)
    charts = []
    slugs = unique_slugs(by_measure)
    for n, (measure, rows) in enumerate(sorted(by_measure.items())):
        ids: dict[str, None] = {}
        for d in rows:
            for side in _sides(d["parsed"]):
                ids.update(dict.fromkeys(str(c) for c in side["claim_ids"]))
            ids.update(dict.fromkeys(d["claim_ids"] or []))
        members = sorted(
            (claims[c] for c in ids if c in claims and claims[c]["article_id"] in arts),
            key=lambda c: (arts[c["article_id"]].order, c.get("start") or 0, c["id"]),
        )
        points: list[tuple[timeline.Point, str]] = []
        undated: list[str] = []
        seen: set[tuple[str, float]] = set()
        for c in members:
            art = arts[c["article_id"]]
            value = next((v for v in (c["value"], c["low"], c["high"]) if v is not None and math.isfinite(v)), None)
            if value is None:
                continue
            if art.published is None:
                undated.append(f"{art.outlet or ''}: {c['text'] or ''}")
                continue
            if (art.id, value) in seen:  # a figure repeated in one article is one point
                continue
            seen.add((art.id, value))
            row = parts.row(c)
            points.append((timeline.Point(
                outlet=art.outlet or "", figure=c["text"] or "", value=value, low=_float(c["low"]),
                high=_float(c["high"]), published=art.published, href=row.sentence_href, source=row.source,
            ), row.published_iso))
        if not points:
            continue
        # keys follow the order outlets first appear in, so A is the first to report
        outlets = list(dict.fromkeys(p.outlet for p, _ in sorted(points, key=lambda pi: (pi[0].published, pi[0].outlet))))
        marks = timeline.markers(outlets)
        anchor = f"t-{slugs[measure]}"
        title = f"{measure.capitalize()} reported over time"
        desc = (f"{len(points)} figures from {len(outlets)} outlets between "
                f"{min(p.published for p, _ in points):%Y-%m-%d %H:%M} and "
                f"{max(p.published for p, _ in points):%Y-%m-%d %H:%M}: "
                + "; ".join(f"{p.outlet} {p.figure} at {p.published:%Y-%m-%d %H:%M}" for p, _ in points[:20])
                + ("; …" if len(points) > 20 else "."))
        charts.append(TimelineChart(
            anchor=anchor,
            measure=measure,
            title=title,
            open=n < OPEN_CHARTS,
            svg_html=timeline.chart_svg([p for p, _ in points], marks, chart_id=anchor + "-svg",
                                        title=title, desc=desc),
            legend=tuple(marks[o] for o in outlets),
            rows=tuple(TimelineRow(
                key=marks[p.outlet].key, outlet=p.outlet, figure=p.figure,
                value=interval_text(p.value, p.value, None), published=_when(p.published)[0],
                published_iso=iso, source=p.source, href=p.href,
            ) for p, iso in sorted(points, key=lambda pi: (pi[0].published, pi[0].outlet, pi[0].value))),
            undated=tuple(undated),
            links=tuple(LinkRef(d["summary"] or "update", f"#{d['anchor']}") for d in rows),
        ))
    return tuple(charts)


def _framing_table(
    framing: list[dict[str, Any]],
    arts: dict[str, _Article],
    outlets: list[str],
    framing_slugs: dict[str, str],
    lex: Lexicons,
) -> FramingTable | None:
    """Outlets x the words they chose: names per canonical, loaded terms, hedges, reporting verbs."""
    rows = [f for f in framing if f["article_id"] in arts]
    if not rows:
        return None
    naming: dict[str, dict[str, set[str]]] = {}
    for f in rows:
        if f["kind"] == "naming" and f["canonical"]:
            naming.setdefault(f["canonical"], {}).setdefault(f["term"] or "", set()).add(
                arts[f["article_id"]].outlet or "")
    contested = sorted(c for c, terms in naming.items() if len(terms) > 1)
    columns: list[tuple[str, str, str | None]] = [
        (f"Name for “{c}”", "naming", c) for c in contested]
    for kind, heading in (("loaded", "Loaded terms"), ("hedge", "Hedges"), ("reporting_verb", "Reporting verbs")):
        if any(f["kind"] == kind for f in rows):
            columns.append((heading, kind, None))
    if not columns:
        return None

    def key_of(f: dict[str, Any]) -> str:
        return (f["term"] or "") if f["kind"] == "naming" else (f["term"] or "").lower()

    by_outlet: dict[str, list[dict[str, Any]]] = {}
    for f in rows:
        by_outlet.setdefault(arts[f["article_id"]].outlet or "", []).append(f)
    out_rows = []
    for outlet in outlets:
        mine = list(by_outlet.get(outlet, ()))
        mine.sort(key=lambda f: (arts[f["article_id"]].order, f["start"] or 0, f["id"]))
        cells = []
        for _, kind, canonical in columns:
            found = [f for f in mine if f["kind"] == kind and (canonical is None or f["canonical"] == canonical)]
            tally: dict[str, list[dict[str, Any]]] = {}
            for f in found:
                tally.setdefault(key_of(f), []).append(f)
            choices = []
            for term, items in sorted(tally.items(), key=lambda kv: (-len(kv[1]), kv[0])):
                first = items[0]
                note = ""
                if kind == "naming" and canonical is not None:
                    users = naming[canonical]
                    most = max(len(o) for o in users.values())
                    if len(users.get(first["term"] or "", ())) < most:
                        note = "less common choice"
                elif kind == "loaded" and first["canonical"]:
                    note = f"for {first['canonical']}"
                elif kind == "reporting_verb" and lex.reporting_verbs.get(first["canonical"] or "") == "hedge":
                    note = "distancing"
                anchor = framing_slugs.get(first["id"])
                choices.append(TermChoice(
                    term=term, count=len(items), note=note,
                    href=arts[first["article_id"]].href + (f"#f-{anchor}" if anchor else ""),
                ))
            cells.append(tuple(choices))
        out_rows.append(FramingOutletRow(outlet, tuple(cells)))
    return FramingTable(tuple(c[0] for c in columns), tuple(out_rows), len(outlets) <= OPEN_TABLE_ROWS)


def _coverage(
    groups: list[_Group], ordered: list[dict[str, Any]], position: dict[str, int], arts: dict[str, _Article],
    outlets: list[str],
) -> CoverageMatrix | None:
    """Claim groups x outlets: who reports each group, and who leaves out a key claim."""
    if not groups or not outlets:
        return None
    rows = []
    for g in groups:
        figures: dict[str, str] = {}
        for i in sorted(position[c] for c in g.key if c in position):
            c = ordered[i]
            figures.setdefault(arts[c["article_id"]].outlet or "", c["text"] or "")
        missing = set(g.omission.get("missing_from") or []) if g.omission else set()
        cells = []
        for outlet in outlets:
            if outlet in figures:
                cells.append(CoverageCell("reported", "✓", f"{outlet} reports {figures[outlet]}", figures[outlet]))
            elif outlet in missing:
                cells.append(CoverageCell("omitted", "✗", f"{outlet} leaves out this key claim", ""))
            else:
                cells.append(CoverageCell("absent", "—", f"{outlet} does not report it", ""))
        figures_text = "; ".join(dict.fromkeys(g.figures))
        rows.append(CoverageRow(
            label=f"{g.measure}: {figures_text}" if g.measure else figures_text,
            href=f"#{g.anchor}",
            key_claim=g.omission is not None,
            carried=len(figures),
            cells=tuple(cells),
        ))
    return CoverageMatrix(tuple(outlets), tuple(rows), len(rows) * len(outlets) <= OPEN_MATRIX_CELLS)


def _wire_groups(
    live: list[dict[str, Any]], views: dict[str, DiscrepancyView], arts: dict[str, _Article],
    parts: _Parts | None = None,
) -> tuple[WireGroupView, ...]:
    """Articles joined by wire_copy_edit discrepancies into stories, each with its pairs' edits."""
    pairs = [d for d in live if d["kind"] == "wire_copy_edit"]
    parent: dict[str, str] = {}

    def find(a: str) -> str:
        parent.setdefault(a, a)
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for d in pairs:
        ids = [a for a in d["article_ids"] or [] if a in arts]
        for a in ids:
            find(a)
        for a in ids[1:]:
            parent[find(a)] = find(ids[0])
    members: dict[str, list[str]] = {}
    for a in parent:
        members.setdefault(find(a), []).append(a)
    pairs_of: dict[str, list[DiscrepancyView]] = {}
    for d in pairs:
        ids = d["article_ids"] or []
        if ids and any(a in arts for a in ids):
            pairs_of.setdefault(find(ids[0]), []).append(views[d["id"]])
    out = []
    for root, ids in members.items():
        group_articles = sorted((arts[a] for a in ids), key=lambda a: a.order)
        own = tuple(pairs_of.get(root, ()))
        outlets = list(dict.fromkeys(a.outlet or "" for a in group_articles))
        out.append(WireGroupView(
            anchor="w-" + slugify(group_articles[0].slug if group_articles else root),
            label=f"One story run by {', '.join(outlets)}",
            articles=tuple(parts.ref(a) if parts else a.ref() for a in group_articles),
            pairs=own,
        ))
    return tuple(sorted(out, key=lambda w: (w.articles[0].published_iso if w.articles else "", w.anchor)))


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
    published, iso = art.when
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
    return Markup(f"{_e(text[:start])}<mark>{_e(text[start:end])}</mark>{_e(text[end:])}")


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


def _quote_cells(
    quotes: list[dict[str, Any]], arts: dict[str, _Article], *, reference: str | None = None
) -> tuple[QuoteCell, ...]:
    """Each wording of a quote, diffed against `reference` (the wording most outlets print), else the first."""
    if not quotes:
        return ()
    base = reference if reference is not None else (quotes[0]["text"] or "")
    cells = []
    for q in quotes:
        art = arts[q["article_id"]]
        speaker = q["speaker"] or "unattributed"
        index = q.get("sentence_index")
        text = q["text"] or ""
        cells.append(QuoteCell(
            outlet=art.outlet or "",
            speaker=f"{speaker} ({q['verb']})" if q.get("verb") else speaker,
            href=art.href + (f"#s{index}" if index is not None else ""),
            is_base=text == base,
            diff_html=escape(text) if text == base else word_diff_html(base, text),
        ))
    return tuple(cells)


def word_diff_html(old: str, new: str) -> Markup:
    """Word-level diff of two texts: shared words plain, removed in <del>, added in <ins>."""
    a, b = old.split(), new.split()
    parts: list[str] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            parts.append(_e(" ".join(a[i1:i2])))
            continue
        if op in ("delete", "replace"):
            parts.append(f"<del>{_e(' '.join(a[i1:i2]))}</del>")
        if op in ("insert", "replace"):
            parts.append(f"<ins>{_e(' '.join(b[j1:j2]))}</ins>")
    return Markup(" ".join(parts))  # every part escaped above


CONTEXT_WORDS = 6  # unchanged words kept on each side of an edit; longer runs are elided


def ops_diff_html(ops: Sequence[Any], *, context: int = CONTEXT_WORDS) -> Markup:
    """[op, text] word edits ('=', '-', '+') as escaped HTML with <del>/<ins>; long unchanged runs elided."""
    steps = [(str(s[0]), str(s[1])) for s in ops if isinstance(s, (list, tuple)) and len(s) == 2]
    parts: list[str] = []
    for i, (op, text) in enumerate(steps):
        if op == "-":
            parts.append(f"<del>{_e(text)}</del>")
        elif op == "+":
            parts.append(f"<ins>{_e(text)}</ins>")
        else:
            words = text.split()
            first, last = i == 0, i == len(steps) - 1
            if first and len(words) > context:
                text = "… " + " ".join(words[-context:])
            elif last and len(words) > context:
                text = " ".join(words[:context]) + " …"
            elif not first and not last and len(words) > 2 * context:
                text = " ".join(words[:context]) + " … " + " ".join(words[-context:])
            parts.append(_e(text))
    return Markup(" ".join(parts))  # every part escaped above


def _edit_key(edit: dict[str, Any]) -> tuple[Any, ...] | None:
    """What edit_view reads of an edit, hashable; None for kinds it shows as raw JSON.

    Equal keys mean equal views. An edited sentence's diff is keyed by its steps and their
    types (a step of two words, or some other value); the slow, exact form of the steps
    serves when a step is no sequence or holds something unhashable.
    """
    kind = str(edit.get("type", "edit"))
    diff = edit.get("diff")
    if kind == "edited" and isinstance(diff, list):
        try:
            key = (kind, tuple(map(tuple, diff)), tuple(map(type, diff)))
            hash(key)
            return key
        except TypeError:
            return (kind, tuple((str(s[0]), str(s[1])) for s in diff if isinstance(s, (list, tuple)) and len(s) == 2), None)
    if kind == "cut":
        return (kind, str(edit.get("from", "")))
    if kind == "added":
        return (kind, str(edit.get("to", "")))
    return None


def edit_view(edit: dict[str, Any]) -> EditView:
    """One wire-copy edit from a wire_copy_edit discrepancy's details, readable with <ins>/<del>."""
    kind = str(edit.get("type", "edit"))
    if kind == "edited" and isinstance(edit.get("diff"), list):
        return EditView("edited", "Sentence edited", ops_diff_html(edit["diff"]))
    if kind == "cut":
        return EditView("cut", "Sentence cut", Markup(f"<del>{_e(str(edit.get('from', '')))}</del>"))
    if kind == "added":
        return EditView("added", "Sentence added", Markup(f"<ins>{_e(str(edit.get('to', '')))}</ins>"))
    return EditView(kind, kind.replace("_", " ").capitalize(), escape(json.dumps(edit, ensure_ascii=False)))


def _detail_text(value: Any) -> str:
    """A details value as text: lists comma-joined, objects as JSON."""
    if isinstance(value, list):
        return ", ".join(_detail_text(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return "" if value is None else str(value)


def detail_items(details: Any) -> tuple[DetailItem, ...]:
    """A discrepancy's parsed details as label/value pairs (keys sorted, lists comma-joined)."""
    text = _detail_text
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


@dataclass
class _ArticleRows:
    """Everything the article pages show, read in one query per table, grouped by article."""

    texts: dict[str, str]
    sentences: dict[str, list[tuple[int, int, int]]]
    claims: dict[str, list[dict[str, Any]]]
    quotes: dict[str, list[dict[str, Any]]]
    framing: dict[str, list[dict[str, Any]]]


def _prefetch(con: duckdb.DuckDBPyConnection, article_ids: Iterable[str]) -> _ArticleRows:
    import polars as pl

    ids = pl.DataFrame({"id": sorted(set(article_ids))}, schema={"id": pl.Utf8()})
    con.register("_page_ids", ids.to_arrow())
    try:
        def grouped(sql: str) -> dict[str, list[dict[str, Any]]]:
            out: dict[str, list[dict[str, Any]]] = {}
            for row in query_dicts(con, sql):
                out.setdefault(row["article_id"], []).append(row)
            return out

        texts = {r[0]: r[1] or "" for r in con.execute(
            "SELECT id, text FROM articles WHERE id IN (SELECT id FROM _page_ids)").fetchall()}
        sentences: dict[str, list[tuple[int, int, int]]] = {}
        for article_id, index, start, end in con.execute(
                'SELECT article_id, sentence_index, start, "end" FROM sentences WHERE article_id IN '
                "(SELECT id FROM _page_ids) ORDER BY article_id, sentence_index, start").fetchall():
            sentences.setdefault(article_id, []).append((index, start, end))
        claims = grouped(
            """SELECT c.*, s.start AS sentence_start FROM claims c
               LEFT JOIN sentences s ON s.article_id = c.article_id AND s.sentence_index = c.sentence_index
               WHERE c.article_id IN (SELECT id FROM _page_ids) ORDER BY c.article_id, c.start, c.id""")
        quotes = grouped("SELECT * FROM quotes WHERE article_id IN (SELECT id FROM _page_ids) ORDER BY article_id, start, id")
        framing = grouped("SELECT * FROM framing WHERE article_id IN (SELECT id FROM _page_ids) ORDER BY article_id, start, id")
    finally:
        con.unregister("_page_ids")
    return _ArticleRows(texts, sentences, claims, quotes, framing)


def _article_page(
    data: _ArticleRows,
    art: _Article,
    event_title: str,
    event_href: str,
    framing_slugs: dict[str, str],
    stamp: str,
    parts: _Parts | None = None,
) -> ArticlePage:
    parts = parts or _Parts({art.id: art})
    text = data.texts.get(art.id, "")
    sentences = data.sentences.get(art.id, [])
    claims = data.claims.get(art.id, [])
    quotes = data.quotes.get(art.id, [])
    framing = data.framing.get(art.id, [])
    rows = [parts.row(c) for c in claims]
    highlights = [
        *(Highlight(q["start"], q["end"], "quote", f"quote: {q['speaker'] or 'unattributed'}")
          for q in quotes),
        *(Highlight(f["start"], f["end"], "framing",
                    f"{(f['kind'] or 'framing').replace('_', ' ')}: {f['canonical'] or f['term'] or ''}"
                    if f["kind"] and f["kind"] != "naming" else f"framing: {f['canonical'] or f['term'] or ''}",
                    f"f-{framing_slugs[f['id']]}" if f["id"] in framing_slugs else "")
          for f in framing),
        *(Highlight(c["start"], c["end"], "claim", row.source) for c, row in zip(claims, rows)),
    ]
    published, iso = art.when
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
        counts=tuple((n, one if n == 1 else many) for n, one, many in (
            (len(claims), "figure", "figures"), (len(quotes), "quote", "quotes"),
            (len(framing), "framing term", "framing terms"))),
        claims=tuple(rows),
    )


@dataclass(slots=True)
class _Node:
    start: int
    end: int
    level: float
    open: str  # HTML, escaped already
    close: str
    children: list[_Node] = field(default_factory=list)


# Nesting order, outermost first. A span that would cross the boundary of an outer element is
# cut into pieces at that boundary; one that overlaps a span of its own kind is nested one step
# deeper (up to _DEPTHS steps), so every claim, quote and framing term gets highlighted.
_LEVELS = {"paragraph": 0.0, "sentence": 1.0, "quote": 2.0, "framing": 3.0, "claim": 4.0}
_DEPTHS = 9
_STEP = 0.1


def highlight_text(
    text: str, *, sentences: Sequence[tuple[int, int, int]], highlights: Sequence[Highlight]
) -> Markup:
    """Article text as escaped HTML: <p> per paragraph, <span id="sN"> per sentence, highlights nested.

    Every highlight element carries data-span="start-end" (its offsets in the text), so a
    reader or a test can match it to the extracted row; highlights with the same kind and
    offsets are merged into one element whose title lists every label.
    """
    root = _Node(0, len(text), -1.0, "", "")
    for start, end in paragraphs(text):
        root.children.append(_Node(start, end, 0.0, "<p>", "</p>"))
    for index, start, end in sorted(sentences):
        _insert(root, text, start, end, _LEVELS["sentence"],
                f'<span class="sentence" id="s{_e(index)}">', '<span class="sentence">', "</span>")
    merged: dict[tuple[str, int, int], list[Highlight]] = {}
    for h in highlights:
        if h.start is None or h.end is None:
            continue
        merged.setdefault((h.kind, h.start, h.end), []).append(h)
    for (kind, start, end), same in sorted(merged.items(), key=lambda kv: (_LEVELS[kv[0][0]], kv[0][1], -kv[0][2])):
        tag = "span" if kind == "quote" else "mark"
        label = "; ".join(dict.fromkeys(h.label for h in same if h.label))
        anchors = list(dict.fromkeys(h.anchor for h in same if h.anchor))
        anchor = f' id="{_e(anchors[0])}"' if anchors else ""
        # merged highlights keep every anchor: the extra ones as empty spans just before
        extra = "".join(f'<span class="anchor" id="{_e(a)}"></span>' for a in anchors[1:])
        opening = f'<{tag} class="{_e(kind)}" title="{_e(label)}" data-span="{_e(start)}-{_e(end)}"'
        first, rest = f"{extra}{opening}{anchor}>", f"{opening}>"
        for depth in range(_DEPTHS):
            if _insert(root, text, start, end, _LEVELS[kind] + depth * _STEP, first, rest, f"</{tag}>"):
                break
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
    root: _Node, text: str, start: int, end: int, level: float, first: str, rest: str, close: str
) -> bool:
    """Place [start, end) at `level`, cut at the boundaries of every outer element it crosses.

    Returns False (placing nothing) when a piece would overlap an element at this level or deeper.
    """
    start, end = max(0, start), min(len(text), end)
    if start >= end:
        return False
    found: set[int] = set()
    _cuts(root, start, end, level, found)
    cuts = sorted(found)
    bounds = [start, *cuts, end]
    plan: list[tuple[_Node, int, int]] = []
    for s, e in zip(bounds, bounds[1:]):
        parent = _container(root, s, e, level)
        if parent is None:
            return False
        # Pieces outside every paragraph are blank separators; blank pieces of a cut span are noise.
        if parent is not root and (len(bounds) == 2 or text[s:e].strip()):
            plan.append((parent, s, e))
    for i, (parent, s, e) in enumerate(plan):
        # children stay sorted by start (after any with the same start, as a stable sort would)
        bisect.insort_right(parent.children, _Node(s, e, level, first if i == 0 else rest, close), key=_node_start)
    return bool(plan)


_node_start = operator.attrgetter("start")


def _cuts(node: _Node, start: int, end: int, level: float, found: set[int]) -> None:
    """Boundaries strictly inside (start, end) of the nodes under `node` whose level is in [0, level).

    Children lie within their parent, so only the children overlapping (start, end) are visited.
    """
    if 0 <= node.level < level:
        if start < node.start < end:
            found.add(node.start)
        if start < node.end < end:
            found.add(node.end)
    for child in node.children:
        if child.start < end and start < child.end:
            _cuts(child, start, end, level, found)


def _container(root: _Node, start: int, end: int, level: float) -> _Node | None:
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
    parts: list[str] = []
    _render_into(text, node, parts)
    return Markup("".join(parts))  # tags are built escaped, text is escaped here


def _render_into(text: str, node: _Node, parts: list[str]) -> None:
    parts.append(node.open)
    pos = node.start
    for child in node.children:
        parts.append(_e(text[pos:child.start]))
        _render_into(text, child, parts)
        pos = child.end
    parts.append(_e(text[pos:node.end]))
    parts.append(node.close)
