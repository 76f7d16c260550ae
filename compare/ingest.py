"""Ingest: article files -> `articles` and `events` rows (contracts.md section 1).

Reads .txt/.md (plain text with page furniture, optional `---` front matter), .html/.htm
(saved pages, through trafilatura) and .json/.jsonl records (our field names, news-please's
and trafilatura's). Every bad input becomes one InputFailure; the rest is still ingested.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections import Counter
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Iterable, Iterator
from urllib.parse import urlparse

import duckdb

from . import store
from .config import Settings
from .records import Article, InputFailure, StageResult

ARTICLE_SUFFIXES = {".txt", ".md", ".html", ".htm", ".json", ".jsonl"}
TEXT_FIELDS = ("text", "maintext", "raw_text")
HTML_FIELDS = ("html", "raw_html")
OUTLET_FIELDS = ("outlet", "source", "source_domain", "sitename", "hostname")
PUBLISHED_FIELDS = ("published", "date_publish", "date")
MIN_WORDS = 20  # an article shorter than this after cleaning is not an article
MIN_ENGLISH_SHARE = 0.12  # English prose is about a third function words; other languages a few percent
_ENGLISH_WORDS = frozenset("""the of and to in a is that for on was with said as at by from it he his
are be has have had were not but an which this their they its who after been would will also more
than about into over there when up out one two we our or all new could other some what so""".split())


def english_share(text: str) -> float:
    """The share of words that are common English function words (0 for an empty text)."""
    words = re.findall(r"[a-zà-öø-ÿ']+", text.lower())
    return sum(w in _ENGLISH_WORDS for w in words) / len(words) if words else 0.0

_TERMINAL = tuple('.!?"”’…:»')
_MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)}
_ZONES = {"utc": 0, "gmt": 0, "z": 0, "bst": 1, "cet": 1, "cest": 2, "eet": 2, "eest": 3,
          "msk": 3, "kst": 9, "jst": 9, "est": -5, "edt": -4, "cst": -6, "cdt": -5, "pst": -8,
          "pdt": -7, "wet": 0, "west": 1}


# -- discovering inputs ---------------------------------------------------------------------

def discover(inputs: Iterable[Path]) -> Iterator[tuple[Path, str, str]]:
    """(file, event name, origin) for every article file under the inputs, in sorted order.

    A folder with subfolders of articles: each subfolder is an event (loose files beside
    them, such as a README, are not articles). A folder of files: a flat dump, one event
    named after the folder. A single file: an event named after its folder.
    """
    for item in inputs:
        item = Path(item)
        if item.is_file():
            yield item, item.resolve().parent.name or "articles", "file"
            continue
        if not item.is_dir():
            raise FileNotFoundError(f"input not found: {item}")
        name = item.resolve().name or "articles"
        subdirs = sorted(p for p in item.iterdir() if p.is_dir() and not p.name.startswith("."))
        subdirs = [d for d in subdirs if any(_is_article(p) for p in d.rglob("*"))]
        if not subdirs:
            for path in sorted(p for p in item.iterdir() if _is_article(p)):
                yield path, name, "flat"
        for sub in subdirs:
            for path in sorted(p for p in sub.rglob("*") if _is_article(p)):
                yield path, sub.name, "folder"


def _is_article(path: Path) -> bool:
    return path.is_file() and path.suffix.lower() in ARTICLE_SUFFIXES and not path.name.startswith(".")


# -- text normalisation and furniture -------------------------------------------------------

def normalise_text(text: str) -> str:
    """NFC, unified line ends and spaces, no control characters; paragraphs one per line."""
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u00a0", " ").replace("\u2009", " ").replace("\u202f", " ")
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch)[0] != "C" or ch == "\u00ad")
    text = text.replace("\u00ad", "")
    lines = [line.strip() for line in text.split("\n")]
    return "\n".join(lines)


_SEGMENT_SPLIT = re.compile(r"\s{2,}|\s*[|\t•·]\s*|\s+[>/]\s+")


def is_menu(line: str) -> bool:
    """A row of links or buttons: several short pieces set apart by runs of spaces or marks."""
    pieces = [p for p in _SEGMENT_SPLIT.split(line) if p.strip()]
    if len(pieces) < 3:
        # "World > Asia", "News | Sport": two pieces set apart by a mark, in a short line
        return any(mark in line for mark in ("|", " • ", " · ", " > ", " / ")) and len(line.split()) < 12
    lengths = sorted(len(p.split()) for p in pieces)
    return lengths[len(lengths) // 2] <= 3


def is_furniture(line: str) -> bool:
    """True for a line that is page furniture rather than prose.

    Prose is a sentence: it ends with terminal punctuation and has a few words. Menus,
    breadcrumbs and button rows are short pieces set apart by runs of spaces or marks
    (two spaces after a full stop inside prose do not make a menu).
    """
    words = line.split()
    if len(words) < 4 or is_menu(line):
        return True
    if line.endswith(_TERMINAL):
        return False
    # a long paragraph cut off without its full stop is still prose
    return len(words) < 40


def _id_hash(text: str) -> str:
    norm = " ".join(text.lower().split())
    return hashlib.sha256(norm.encode("utf-8")).hexdigest()[:16]


def slugify(name: str) -> str:
    """A stable, file-safe id for an event name."""
    slug = re.sub(r"[^a-z0-9]+", "-", unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()).strip("-")
    return slug[:80] or "event-" + hashlib.sha1(name.encode("utf-8")).hexdigest()[:8]


def _event_title(name: str) -> str:
    words = re.sub(r"[-_]+", " ", name).strip()
    return words[:1].upper() + words[1:] if words else name


# -- dates ----------------------------------------------------------------------------------

def parse_date(value: Any) -> datetime | None:
    """A publication date from ISO text, '18 October 2024 11:58 BST' and similar; UTC, naive."""
    if value is None or value == "":
        return None
    if isinstance(value, (int, float)):
        try:
            return datetime.fromtimestamp(float(value), tz=timezone.utc).replace(tzinfo=None)
        except (OverflowError, OSError, ValueError):
            return None
    text = str(value).strip()
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        if parsed.tzinfo is not None:
            parsed = parsed.astimezone(timezone.utc).replace(tzinfo=None)
        return parsed
    except ValueError:
        pass
    return _parse_loose_date(text)


_LOOSE_DATE = re.compile(
    r"(?:(?P<d1>\d{1,2})(?:st|nd|rd|th)?\s+(?P<m1>[A-Za-z]{3,9})\.?,?\s+(?P<y1>\d{4})"
    r"|(?P<m2>[A-Za-z]{3,9})\.?\s+(?P<d2>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y2>\d{4}))"
)
_LOOSE_TIME = re.compile(r"\b(?P<h>\d{1,2})[:.](?P<mi>\d{2})\b(?:\s*(?P<ampm>[ap]\.?m\.?))?")
_LOOSE_ZONE = re.compile(r"\b(?P<z>UTC|GMT|BST|CET|CEST|EET|EEST|MSK|KST|JST|EST|EDT|CST|CDT|PST|PDT|WET|WEST)(?P<off>[+-]\d{1,2})?\b")


def _parse_loose_date(text: str) -> datetime | None:
    m = _LOOSE_DATE.search(text)
    if not m:
        return None
    day = int(m.group("d1") or m.group("d2"))
    month_name = (m.group("m1") or m.group("m2") or "").lower()[:3]
    year = int(m.group("y1") or m.group("y2"))
    month = _MONTHS.get(month_name)
    if month is None:
        return None
    hour = minute = 0
    t = _LOOSE_TIME.search(text)
    if t:
        hour, minute = int(t.group("h")), int(t.group("mi"))
        ampm = (t.group("ampm") or "").lower()
        if ampm.startswith("p") and hour < 12:
            hour += 12
        elif ampm.startswith("a") and hour == 12:
            hour = 0
    try:
        result = datetime(year, month, day, hour % 24, minute % 60)
    except ValueError:
        return None
    z = _LOOSE_ZONE.search(text)
    if z:
        offset = _ZONES.get(z.group("z").lower(), 0) + int(z.group("off") or 0)
        result -= timedelta(hours=offset)
    return result


# -- reading one file -----------------------------------------------------------------------

def read_file(path: Path, *, max_bytes: int) -> list[dict[str, Any]]:
    """The raw article records of one file (one for most formats, many for .jsonl)."""
    size = path.stat().st_size
    if size > max_bytes:
        raise ValueError(f"file is {size} bytes, over the limit of {max_bytes}")
    if size == 0:
        raise ValueError("file is empty")
    data = path.read_bytes()
    suffix = path.suffix.lower()
    if suffix == ".jsonl":
        records = []
        for number, line in enumerate(decode_bytes(data).splitlines(), start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                records.append({"_error": f"line {number}: invalid JSON ({exc.msg})", "_line": number})
                continue
            if not isinstance(record, dict):
                records.append({"_error": f"line {number}: not a JSON object", "_line": number})
                continue
            record["_line"] = number
            records.append(record)
        if not records:
            raise ValueError("file has no JSON lines")
        return records
    text = decode_bytes(data)
    if suffix == ".json":
        try:
            record = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValueError(f"invalid JSON at line {exc.lineno}: {exc.msg}") from None
        if isinstance(record, list):
            if not any(isinstance(r, dict) for r in record):
                raise ValueError("JSON is a list, not an article object")
            return [r if isinstance(r, dict) else {"_error": "list item is not a JSON object"} for r in record]
        if not isinstance(record, dict):
            raise ValueError("JSON is not an article object")
        return [record]
    if suffix in (".html", ".htm"):
        return [{"html": text}]
    return [{"_plain": text}]


_TEXT_CONTROLS = frozenset(b"\t\n\v\f\r\x1a")


def decode_bytes(data: bytes) -> str:
    """Text of a file: BOM-marked UTF-16/UTF-8, else UTF-8, else cp1252, else latin-1."""
    if not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        if b"\x00" in data[:4096] and data.count(b"\x00") > len(data) // 4:
            raise ValueError("file is binary, not text")
        # compressed data (images, archives) has few NULs but is dense in control bytes,
        # which text never is
        sample = data[:4096]
        if sum(1 for b in sample if b < 32 and b not in _TEXT_CONTROLS) > len(sample) // 20:
            raise ValueError("file is binary, not text")
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


_FRONT_MATTER = re.compile(r"\A---\n(?P<body>(?:[A-Za-z_][\w-]*\s*:.*\n)+)---\n")


def _front_matter(text: str) -> tuple[dict[str, str], str]:
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, text
    meta = {}
    for line in match.group("body").splitlines():
        key, _, value = line.partition(":")
        meta[key.strip().lower()] = value.strip().strip("'\"")
    return meta, text[match.end():]


def _first(record: dict[str, Any], names: Iterable[str]) -> Any:
    for name in names:
        value = record.get(name)
        if value not in (None, ""):
            return value
    return None


def _html_record(html: str, url: str | None) -> dict[str, Any]:
    import trafilatura

    extracted = trafilatura.bare_extraction(html, url=url, with_metadata=True, include_comments=False,
                                            include_tables=False, favor_precision=True)
    doc: dict[str, Any] = {}
    if extracted is not None:
        doc = extracted if isinstance(extracted, dict) else extracted.as_dict()
    if not doc.get("text"):
        raise ValueError("no article text found in the HTML")
    out: dict[str, Any] = {"text": doc.get("text"), "title": doc.get("title"),
                           "sitename": doc.get("sitename"), "url": doc.get("url") or url,
                           "published": doc.get("date"), "language": doc.get("language")}
    # trafilatura's date has no time; the page's own timestamp is more precise
    stamp = _page_timestamp(html)
    if stamp is not None and parse_date(stamp) is not None:
        out["published"] = stamp
    if out.get("title") and out.get("sitename"):
        # "Headline | Outlet" in <title>
        out["title"] = re.sub(rf"\s*[|–—-]\s*{re.escape(str(out['sitename']))}\s*$", "", str(out["title"]))
    return out


_META_TAG = re.compile(r"<meta\b[^>]*>", re.IGNORECASE)
_META_PUBLISHED = re.compile(
    r"""(?:property|name|itemprop)\s*=\s*["'](?:article:published_time|datePublished|date)["']""", re.IGNORECASE)
_META_CONTENT = re.compile(r"""\bcontent\s*=\s*["']([^"']+)["']""", re.IGNORECASE)


def _page_timestamp(html: str) -> str | None:
    """The publication time a page declares in a meta tag (attributes in any order) or JSON-LD."""
    for tag in _META_TAG.finditer(html):
        if _META_PUBLISHED.search(tag.group(0)):
            content = _META_CONTENT.search(tag.group(0))
            if content is not None:
                return content.group(1)
    found = re.search(r'"datePublished"\s*:\s*"([^"]+)"', html)
    return found.group(1) if found else None


def _clean_body(text: str) -> tuple[list[str], list[str]]:
    """(body lines, furniture lines before the body) of normalised text."""
    lines = [line for line in normalise_text(text).split("\n") if line]
    body: list[str] = []
    head: list[str] = []
    for line in lines:
        if is_furniture(line):
            if not body:
                head.append(line)
        else:
            body.append(line)
    return body, head


def _title_from_head(head: list[str]) -> str | None:
    """The headline among the furniture lines above the body: the first prose-like line.

    Menus and bylines are mostly capitalised words; a headline is written in sentence case
    (at least half its words lower-case) or entirely in capitals.
    """
    for line in head:
        words = line.split()
        if not 4 <= len(words) <= 30 or is_menu(line) or "  " in line or ". " in line:
            continue
        if _LOOSE_DATE.search(line) or line.startswith("[") or _is_consent_banner(line):
            continue
        letters = [w for w in words if w[:1].isalpha()]
        lower = sum(w[:1].islower() for w in letters)
        shouting = line.upper() == line and len(letters) >= 3
        if shouting or (len(letters) >= 5 and lower >= len(letters) / 2):
            return line
    return None


_FIRST_PERSON = re.compile(r"\b(?:we|our|us)\b", re.IGNORECASE)
_SECOND_PERSON = re.compile(r"\b(?:you|your)\b", re.IGNORECASE)


def _is_consent_banner(line: str) -> bool:
    """The site talking to its reader ("We use ... to give you ..."): a notice, not a headline."""
    return bool(_FIRST_PERSON.search(line) and _SECOND_PERSON.search(line))


def _date_from_head(head: list[str]) -> datetime | None:
    for line in head:
        if len(line.split()) <= 12:
            found = _parse_loose_date(line)
            if found is not None:
                return found
    return None


def build_article(record: dict[str, Any], *, path: Path, event_name: str, origin: str) -> Article:
    """An Article from one raw record; raises ValueError with a one-line reason if unusable."""
    if "_error" in record:
        raise ValueError(record["_error"])
    meta: dict[str, Any] = {}
    head: list[str] = []
    if "_plain" in record:
        meta, text = _front_matter(normalise_text(record["_plain"]))
        record = {**meta}
    else:
        text = _first(record, TEXT_FIELDS)
        html = _first(record, HTML_FIELDS)
        if (not isinstance(text, str) or not text.strip()) and isinstance(html, str):
            extracted = _html_record(html, _first(record, ("url",)))
            record = {**{k: v for k, v in extracted.items() if v}, **{k: v for k, v in record.items() if v not in (None, "")}}
            text = extracted["text"]
        if not isinstance(text, str):
            raise ValueError("no article text (expected one of: " + ", ".join(TEXT_FIELDS + HTML_FIELDS) + ")")
    body, head = _clean_body(text)
    if sum(len(line.split()) for line in body) < MIN_WORDS:
        raise ValueError("no article text after removing page furniture")
    declared = _first(record, ("language",))
    if isinstance(declared, str) and declared.strip() and not declared.strip().lower().startswith("en"):
        raise ValueError(f"article language is {declared.strip()!r}; only English articles are compared")
    share = english_share(" ".join(body))
    if share < MIN_ENGLISH_SHARE:
        raise ValueError(f"article does not read as English ({share:.0%} common English words); only English articles are compared")
    url = _first(record, ("url",))
    url = str(url) if url is not None else None
    title = _first(record, ("title",)) or _title_from_head(head)
    title = " ".join(str(title).split()) if title else None
    published = parse_date(_first(record, PUBLISHED_FIELDS)) or _date_from_head(head)
    outlet = _first(record, OUTLET_FIELDS)
    if not outlet and url:
        outlet = urlparse(url).hostname
        if outlet and outlet.startswith("www."):
            outlet = outlet[4:]
    if not outlet:
        outlet = path.stem
    event = _first(record, ("event",))
    if event:
        event_name, origin = str(event), "field"
    raw_key = "\n".join(body)
    paragraphs = list(body)
    if title and (not paragraphs or paragraphs[0].rstrip(".") != title.rstrip(".")):
        paragraphs.insert(0, title)
    language = _first(record, ("language",))
    return Article(
        id=_id_hash(raw_key),
        event_id=slugify(event_name),
        event_title=_event_title(event_name),
        event_origin=origin,
        outlet=" ".join(str(outlet).split())[:200],
        url=url,
        title=title,
        published=published,
        path=str(path),
        language=str(language) if language else None,
        text="\n\n".join(paragraphs),
    )


def drop_repeated_lines(articles: list[Article]) -> list[Article]:
    """Remove lines that recur across most articles of one outlet, in different stories (furniture).

    Versions of one story (articles filed under one event) share lines because they tell the
    same story; those lines stay.
    """
    by_outlet: dict[str, list[int]] = {}
    for index, article in enumerate(articles):
        by_outlet.setdefault(article.outlet, []).append(index)
    out = list(articles)
    for indices in by_outlet.values():
        # one article read twice (a duplicate record, a copy of the file) counts once
        distinct = list({articles[i].id: i for i in indices}.values())
        if len(distinct) < 2:
            continue
        counts: Counter[str] = Counter()
        stories: dict[str, set[str]] = {}
        for i in distinct:
            article = articles[i]
            # articles filed under one event are versions of one story, whose shared lines are
            # story text; where the event is not known yet (a flat dump) each article is its own
            story = article.event_id if article.event_origin in ("folder", "field") else article.id
            for line in set(article.text.split("\n\n")):
                counts[line] += 1
                stories.setdefault(line, set()).add(story)
        # furniture is what recurs in most of an outlet's articles, across different stories
        repeated = {line for line, n in counts.items()
                    if n >= 2 and len(stories[line]) >= 2 and n >= len(distinct) * 0.5 and len(line.split()) < 40}
        if not repeated:
            continue
        for i in indices:
            kept = [p for p in articles[i].text.split("\n\n") if p not in repeated]
            if len(kept) >= 2:
                out[i] = replace(articles[i], text="\n\n".join(kept))
    return out


# -- the stage ------------------------------------------------------------------------------

def file_stamp(path: Path) -> tuple[int, int]:
    """(size, modification time in ns) of a file: unchanged stamps are not read again."""
    stat = path.stat()
    return stat.st_size, stat.st_mtime_ns


def load_articles(inputs: list[Path], settings: Settings, *, known: dict[str, tuple[int, int]] | None = None,
                  read: dict[str, tuple[int, int]] | None = None) -> tuple[list[Article], list[InputFailure]]:
    """Read every input into Articles; failures are collected, never raised.

    Files whose stamp matches `known` (ingested before, unchanged since) are skipped; the
    stamps of files read successfully are added to `read`.
    """
    articles: list[Article] = []
    failures: list[InputFailure] = []
    for path, event_name, origin in discover(inputs):
        try:
            stamp = file_stamp(path)
            if known is not None and known.get(str(path)) == stamp:
                continue
            records = read_file(path, max_bytes=settings.max_file_bytes)
        except (OSError, ValueError) as exc:
            failures.append(InputFailure(str(path), _one_line(exc)))
            continue
        failed_before = len(failures)
        for record in records:
            where = f"{path}:{record['_line']}" if "_line" in record else str(path)
            try:
                articles.append(build_article(record, path=path, event_name=event_name, origin=origin))
            except (ValueError, TypeError) as exc:
                failures.append(InputFailure(where, _one_line(exc)))
            except Exception as exc:  # noqa: BLE001 - article text is hostile input
                failures.append(InputFailure(where, f"unreadable article ({type(exc).__name__}: {_one_line(exc)})"))
        if read is not None and len(failures) == failed_before:
            read[str(path)] = stamp  # a file with a bad record is read (and reported) again
    return drop_repeated_lines(articles), failures


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return (text[0] if text else type(exc).__name__)[:300]


def run(con: duckdb.DuckDBPyConnection, settings: Settings, *, inputs: list[Path], run_id: int | None = None) -> StageResult:
    """Ingest the inputs into `articles` and `events`; re-ingesting a file adds nothing.

    Files ingested before and unchanged since (same size and modification time) are not
    read again, so a nightly rerun over a growing crawl costs only the new files.
    """
    known = {r[0]: (r[1], r[2]) for r in con.execute("SELECT path, size, mtime_ns FROM files").fetchall()}
    read: dict[str, tuple[int, int]] = {}
    articles, failures = load_articles(inputs, settings, known=known, read=read)
    if settings.since is not None:
        articles = [a for a in articles if a.published is None or a.published >= settings.since]
    unique: dict[str, Article] = {}
    for article in articles:
        unique.setdefault(article.id, article)
    rows = [
        {"id": a.id, "event_id": a.event_id, "outlet": a.outlet, "url": a.url, "title": a.title,
         "published": a.published, "path": a.path, "language": a.language, "text": a.text,
         "ingested_run": run_id, "source_event": a.event_id, "origin": a.event_origin}
        for a in unique.values()
    ]
    events = {a.event_id: {"id": a.event_id, "title": a.event_title, "origin": a.event_origin} for a in unique.values()}
    frame = store.to_frame("articles", rows)
    new = 0
    with store.transaction(con):
        if frame.height:
            con.register("_new_articles", frame.to_arrow())
            try:
                new = con.execute("SELECT count(*) FROM _new_articles WHERE id NOT IN (SELECT id FROM articles)").fetchall()[0][0]
                # unchanged articles keep their row; changed text or metadata replaces it
                con.execute(
                    "DELETE FROM articles WHERE id IN (SELECT n.id FROM _new_articles n JOIN articles a ON a.id = n.id "
                    "WHERE a.text IS DISTINCT FROM n.text OR a.source_event IS DISTINCT FROM n.source_event "
                    "OR a.outlet IS DISTINCT FROM n.outlet OR a.title IS DISTINCT FROM n.title "
                    "OR a.published IS DISTINCT FROM n.published OR a.url IS DISTINCT FROM n.url)"
                )
                # a file whose text changed has a new article id: its old article goes
                con.execute("DELETE FROM articles WHERE path IN (SELECT path FROM _new_articles) "
                            "AND id NOT IN (SELECT id FROM _new_articles)")
                con.execute("INSERT INTO articles SELECT * FROM _new_articles WHERE id NOT IN (SELECT id FROM articles)")
            finally:
                con.unregister("_new_articles")
        store.replace_frame(con, "events", store.to_frame("events", list(events.values())))
        store.replace_frame(con, "files", store.to_frame("files", [
            {"path": p, "size": size, "mtime_ns": mtime, "run_id": run_id} for p, (size, mtime) in sorted(read.items())]),
            key="path")
        if run_id is not None and failures:
            store.insert_frame(con, "ingest_errors", store.to_frame(
                "ingest_errors", [{"run_id": run_id, "path": f.path, "error": f.error} for f in failures]))
    return StageResult("ingest", {"files_articles": len(unique), "new_articles": int(new),
                                  "failed": len(failures), "files_read": len(read)}, failures)
