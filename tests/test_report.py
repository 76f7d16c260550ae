"""Tests of compare.report: pages parsed with BeautifulSoup, structure asserted, hostile input escaped."""

from __future__ import annotations

import json
import re
from pathlib import Path

import duckdb
import pytest
from bs4 import BeautifulSoup, Tag

from compare import report
from compare.config import Settings

try:  # tests/ on sys.path (no tests/__init__.py) or tests as a package
    from conftest_report import (  # noqa: F401  (fixtures are used by name)
        ATTR, EM, EVIL_EVENT, GENERATED, JS_URL, NK, XSS, markup_problems, report_dir, sample_con,
    )
except ImportError:
    from .conftest_report import (  # type: ignore[no-redef]  # noqa: F401
        ATTR, EM, EVIL_EVENT, GENERATED, JS_URL, NK, XSS, markup_problems, report_dir, sample_con,
    )

NAME = re.compile(r"^(index|index-recent|event-[a-z0-9_-]{1,60}|article-[a-z0-9_-]{1,60})\.html$|^discrepancies\.json$")


def page(out: Path, name: str) -> BeautifulSoup:
    """A rendered page, parsed."""
    return BeautifulSoup((out / name).read_text(encoding="utf-8"), "html.parser")


def event_file(out: Path, event_title: str) -> str:
    """The file name the index links for the event with this title."""
    link = page(out, "index.html").find("a", string=event_title)
    assert isinstance(link, Tag), f"index has no link to {event_title!r}"
    return str(link["href"])


def row_of(soup: BeautifulSoup, title: str) -> Tag:
    """The index table row of an event."""
    for row in soup.select("tbody tr.event"):
        if row.th is not None and row.th.get_text(strip=True) == title:
            return row
    raise AssertionError(f"no index row for {title!r}")


def text(tag: Tag | None) -> str:
    """Text of a tag with whitespace collapsed; fails on a missing tag."""
    assert tag is not None
    return " ".join(tag.get_text(" ").split())


# ---------------------------------------------------------------- the stage


def test_report_run_writes_every_page(sample_con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    out = tmp_path / "new" / "out"
    result = report.run(sample_con, Settings(out=out), generated_at=GENERATED)
    assert result.stage == "report"
    assert result.counts == {"pages": 2 + 2 + 5, "events": 2}
    names = sorted(p.name for p in out.iterdir())
    assert "index-recent.html" in names
    assert len([n for n in names if n.startswith("article-")]) == 5
    assert len([n for n in names if n.startswith("event-")]) == 2
    assert "index.html" in names and "discrepancies.json" in names


def test_report_output_is_deterministic(sample_con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    first, second = tmp_path / "one", tmp_path / "two"
    report.run(sample_con, Settings(out=first), generated_at=GENERATED)
    report.run(sample_con, Settings(out=second), generated_at=GENERATED)
    files = sorted(p.name for p in first.iterdir())
    assert files == sorted(p.name for p in second.iterdir())
    for name in files:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
    assert GENERATED.isoformat() in (first / "index.html").read_text(encoding="utf-8")


def test_report_discrepancies_json_matches_database(report_dir: Path) -> None:
    doc = json.loads((report_dir / "discrepancies.json").read_text(encoding="utf-8"))
    assert doc["generated_at"] == GENERATED.isoformat()
    assert [e["id"] for e in doc["events"]] == sorted([NK, EVIL_EVENT])
    nk = next(e for e in doc["events"] if e["id"] == NK)
    assert [d["id"] for d in nk["discrepancies"]] == ["d-num", "d-quote", "d-omit", "d-frame"]


def test_report_pages_nest_properly(report_dir: Path) -> None:
    for path in sorted(report_dir.glob("*.html")):
        assert markup_problems(path.read_text(encoding="utf-8")) == [], path.name


def test_report_pages_fetch_nothing(report_dir: Path) -> None:
    for path in sorted(report_dir.glob("*.html")):
        soup = page(report_dir, path.name)
        assert not soup.find_all(["script", "link", "img", "iframe", "object", "embed"]), path.name
        assert "@import" not in path.read_text(encoding="utf-8") and "url(" not in path.read_text(encoding="utf-8")


# ---------------------------------------------------------------- index


def test_report_index_lists_events_with_counts(report_dir: Path) -> None:
    soup = page(report_dir, "index.html")
    assert len(soup.select("tbody tr.event")) == 2
    nk = row_of(soup, "North Korean troops sent to Russia")
    assert text(nk.select_one("td.outlets")) == "BBC, Reuters, Yonhap"
    assert text(nk.select_one("td.articles")) == "3"
    assert text(nk.select_one("td.span")) == "2024-10-18 09:00 – 2024-10-19 08:00"
    kinds = {td["data-kind"]: int(text(td)) for td in nk.select("td[data-kind]")}
    assert kinds == {"number_conflict": 1, "quote_variant": 1, "framing": 1, "omission": 1}
    bands = {td["data-band"]: int(text(td)) for td in nk.select("td[data-band]")}
    assert bands == {"high": 1, "medium": 2, "low": 1}

    evil = row_of(soup, f"{XSS} quake")
    assert text(evil.select_one("td.articles")) == "2"
    assert {td["data-kind"]: int(text(td)) for td in evil.select("td[data-kind]")} == {
        "number_conflict": 1, "quote_variant": 1, "framing": 0, "omission": 0}
    assert {td["data-band"]: int(text(td)) for td in evil.select("td[data-band]")} == {
        "high": 1, "medium": 1, "low": 0}


def test_report_index_headers_have_scope(report_dir: Path) -> None:
    soup = page(report_dir, "index.html")
    headers = soup.find_all("th")
    assert headers and all(th.get("scope") for th in headers)
    labels = [text(th) for th in soup.select("thead th[scope=col]")]
    assert "Number conflict" in labels and "Wire copy edit" not in labels


def test_report_index_lists_ingest_errors(report_dir: Path) -> None:
    section = page(report_dir, "index.html").select_one("section.ingest-errors")
    assert section is not None
    assert f"seeds/{XSS}.txt" in text(section) and f"cannot decode {EM}" in text(section)


# ---------------------------------------------------------------- event page


def test_report_event_page_has_a_row_per_claim(report_dir: Path) -> None:
    soup = page(report_dir, event_file(report_dir, "North Korean troops sent to Russia"))
    section = soup.find(id="d-d-num")
    assert isinstance(section, Tag)
    rows = section.select("table.claims tbody tr")
    expected = [  # chronological: Reuters 09:00, BBC 12:30, Yonhap next day
        ("Reuters", "1,500", "South Korea's spy agency (say)", "article-a-reuters.html#s0"),
        ("BBC", "About 1,500", "officials (say)", "article-a-bbc.html#s0"),
        ("Yonhap", "3,000", report.NO_SOURCE, "article-a-yonhap.html#s0"),
    ]
    assert len(rows) == len(expected)
    for row, (outlet, figure, source, href) in zip(rows, expected):
        assert text(row.select_one("th.outlet")) == outlet
        figure_cell = row.select_one("td.figure")
        assert figure_cell is not None and str(figure_cell.contents[0]).strip() == figure
        assert text(row.select_one("td.source")) == source
        marks = row.select("td.sentence mark")
        assert [m.get_text() for m in marks] == [figure]
        assert row.select_one("a.context")["href"] == href  # type: ignore[index]
    assert "nosource" in rows[2].select_one("td.source")["class"]  # type: ignore[index]
    assert text(rows[1].select_one("td.interval")) == "1,350–1,650 (approx)"
    assert "when: last week" in text(rows[2].select_one("td.figure"))


def test_report_event_page_marks_figure_inside_sentence(report_dir: Path) -> None:
    soup = page(report_dir, event_file(report_dir, "North Korean troops sent to Russia"))
    cell = soup.select_one("#d-d-num tr td.sentence span.text")
    assert cell is not None
    assert cell.get_text() == "South Korea's spy agency said 1,500 special forces were sent to Russia."
    assert str(cell).count("<mark>") == 1
    assert "said <mark>1,500</mark> special" in str(cell)


def test_report_event_page_summary_is_most_severe_first(report_dir: Path) -> None:
    soup = page(report_dir, event_file(report_dir, "North Korean troops sent to Russia"))
    items = soup.select("section.summary li a")
    assert [a["href"] for a in items] == ["#d-d-num", "#d-d-quote", "#d-d-omit", "#d-d-frame"]
    assert text(items[0]) == "Yonhap reports 3,000 troops where Reuters and BBC report about 1,500."
    assert all(soup.find(id=str(a["href"])[1:]) is not None for a in items)


def test_report_event_page_collapses_discrepancies(report_dir: Path) -> None:
    soup = page(report_dir, event_file(report_dir, "North Korean troops sent to Russia"))
    sections = soup.select("details.discrepancy")
    assert len(sections) == 4
    assert all(d.find("summary") is not None for d in sections)
    # the three most severe are open wherever their section puts them
    assert {d["id"]: d.has_attr("open") for d in sections} == {
        "d-d-num": True, "d-d-quote": True, "d-d-omit": True, "d-d-frame": False}


def test_report_event_page_diffs_quote_words(report_dir: Path) -> None:
    soup = page(report_dir, event_file(report_dir, "North Korean troops sent to Russia"))
    cards = soup.select("#d-d-quote figure.quote-variant")
    assert [text(c.select_one("figcaption a")) for c in cards] == ["Reuters", "BBC"]
    assert text(cards[1].select_one(".speaker")) == "Zelensky (say)"
    assert not cards[0].find_all(["ins", "del"])
    assert [d.get_text() for d in cards[1].find_all("del")] == ["10,000", "being"]
    assert [i.get_text() for i in cards[1].find_all("ins")] == ["ten thousand"]
    assert text(cards[1].blockquote).startswith("We are seeing")


def test_report_event_page_shows_framing_terms(report_dir: Path) -> None:
    soup = page(report_dir, event_file(report_dir, "North Korean troops sent to Russia"))
    rows = soup.select("#d-d-frame table.framing tbody tr")
    assert [(text(r.th), text(r.select_one("td.term"))) for r in rows] == [
        ("Reuters", "special military operation"), ("BBC", "war in Ukraine")]
    href = rows[0].th.a["href"]  # type: ignore[union-attr,index]
    name, anchor = str(href).split("#")
    assert page(report_dir, name).find(id=anchor).get_text() == "special military operation"  # type: ignore[union-attr]


def test_report_event_page_shows_omission_details(report_dir: Path) -> None:
    soup = page(report_dir, event_file(report_dir, "North Korean troops sent to Russia"))
    section = soup.find(id="d-d-omit")
    assert isinstance(section, Tag)
    assert [text(th) for th in section.select("table.articles tbody th")] == ["Yonhap"]
    details = section.select_one("dl.details")
    assert details is not None
    pairs = dict(zip((text(dt) for dt in details.find_all("dt")), (text(dd) for dd in details.find_all("dd"))))
    assert pairs == {"carried by": "BBC, Reuters", "missing measure": "troops"}


# ---------------------------------------------------------------- article page


def test_report_article_page_wraps_sentences_and_highlights(report_dir: Path) -> None:
    soup = page(report_dir, "article-a-reuters.html")
    body = soup.select_one("div.article-text")
    assert body is not None
    assert len(body.find_all("p")) == 2
    assert [s["id"] for s in body.select("span.sentence[id]")] == ["s0", "s1", "s2"]
    assert body.find(id="s1").get_text() == "Moscow calls the war a special military operation."  # type: ignore[union-attr]
    assert [m.get_text() for m in body.select("#s0 mark.claim")] == ["1,500"]
    assert [m.get_text() for m in body.select("#s1 mark.framing")] == ["special military operation"]
    quote = body.select_one("#s2 span.quote")
    assert quote is not None and quote.get_text() == "We are seeing 10,000 soldiers being prepared."
    assert [m.get_text() for m in quote.select("mark.claim")] == ["10,000"]


def test_report_article_page_links_http_urls_only(report_dir: Path) -> None:
    good = page(report_dir, "article-a-reuters.html").select_one("dd.url a")
    assert good is not None and good["href"] == "https://reuters.example/nk"
    bad = page(report_dir, "article-b-1.html").select_one("dd.url")
    assert bad is not None and bad.find("a") is None and text(bad) == JS_URL


@pytest.mark.parametrize(("url", "expected"), [
    ("https://example.org/a?b=1", "https://example.org/a?b=1"),
    ("HTTP://example.org", "HTTP://example.org"),
    ("javascript:alert(1)", ""),
    ("  JavaScript:alert(1)", ""),
    ("java\tscript:alert(1)", ""),
    ("data:text/html,<script>alert(1)</script>", ""),
    ("//example.org/x", ""),
    ("/etc/passwd", ""),
    (None, ""),
])
def test_report_safe_href_allows_http_only(url: str | None, expected: str) -> None:
    assert report.safe_href(url) == expected


# ---------------------------------------------------------------- escaping


def test_report_escapes_hostile_input_everywhere(report_dir: Path) -> None:
    for path in sorted(report_dir.glob("*.html")):
        soup = page(report_dir, path.name)
        assert soup.find_all("script") == [], path.name
        assert soup.find_all("em") == [], path.name
        for tag in soup.find_all(True):
            assert not [a for a in tag.attrs if a.lower().startswith("on")], (path.name, tag.name)
        for link in soup.find_all(href=True):
            assert not str(link["href"]).strip().lower().startswith("javascript:"), path.name


def test_report_hostile_payloads_appear_as_text(report_dir: Path) -> None:
    event = page(report_dir, event_file(report_dir, f"{XSS} quake"))
    assert text(event.h1) == f"{XSS} quake"
    rows = event.select("#d-db-num table.claims tbody tr")
    assert [text(r.select_one("th.outlet")) for r in rows] == [EM, f"Agency{ATTR}"]
    assert [text(r.select_one("td.source")) for r in rows] == [f"{EM} (say)", f"{ATTR} (claim)"]
    assert [m.get_text() for m in rows[0].select("td.sentence mark")] == ["At least 12"]
    assert text(event.select_one("#d-db-num dl.details dd")) == XSS
    speakers = [text(s) for s in event.select("#d-db-quote .speaker")]
    assert speakers == [f"{XSS} (say)", f"{ATTR} (say)"]
    assert EM in text(event.select_one("#d-db-quote blockquote"))

    article = page(report_dir, "article-b-1.html")
    assert text(article.h1) == f"{EM}{ATTR}"
    assert text(article.select_one("dd.outlet")) == EM
    body = article.select_one("div.article-text")
    assert body is not None and body.get_text().strip().startswith(f"{XSS} At least 12 people died, {EM} said.")
    framing = body.select_one("mark.framing")
    assert framing is not None and framing["title"] == f"framing: {XSS}"
    quote = body.select_one("span.quote")
    assert quote is not None and quote["title"] == f"quote: {XSS}" and quote.get_text() == f"{EM} we mourn {ATTR}."
    other = page(report_dir, "article-b-2.html")
    assert text(other.title).startswith(XSS)
    assert other.select_one("dd.url a")["href"] == "https://ok.example/b2?q=<script>"  # type: ignore[index]


def test_report_event_id_cannot_escape_out(report_dir: Path) -> None:
    base = report_dir.parent.parent.parent
    assert not (report_dir.parent.parent / "etc").exists() and not (base / "etc").exists()
    for path in base.rglob("*"):
        if path.is_file() and path.suffix != ".duckdb":
            assert path.parent == report_dir, path
            assert NAME.match(path.name), path.name
    name = event_file(report_dir, f"{XSS} quake")
    assert NAME.match(name) and (report_dir / name).is_file()
    assert (report_dir / name).resolve().parent == report_dir.resolve()


# ---------------------------------------------------------------- helpers


def test_report_unique_slugs_sanitise_and_disambiguate() -> None:
    ids = ["A b", "a-b", "a b", EVIL_EVENT, "x" * 300, "X" * 300, "", "Ünïcode/..\\x"]
    slugs = report.unique_slugs(ids)
    assert set(slugs) == set(ids)
    assert len(set(slugs.values())) == len(ids)
    for slug in slugs.values():
        assert re.fullmatch(r"[a-z0-9_-]{1,60}", slug), slug
    assert slugs[EVIL_EVENT] == "etc-passwd"
    # colliding ids all get a suffix from their own hash, so adding an id never renames another
    assert all(re.fullmatch(r"a-b-[0-9a-f]{8}", slugs[i]) for i in ("A b", "a-b", "a b"))
    assert len(slugs["x" * 300]) == len(slugs["X" * 300]) == 60
    assert report.unique_slugs(reversed(ids)) == slugs


def test_report_unique_slugs_keep_natural_names_without_collisions() -> None:
    assert report.unique_slugs(["a-reuters", "b-1"]) == {"a-reuters": "a-reuters", "b-1": "b-1"}


def test_report_word_diff_marks_changes_and_escapes() -> None:
    assert str(report.word_diff_html("a b c", "a x c")) == "a <del>b</del> <ins>x</ins> c"
    html = str(report.word_diff_html("<b>bold</b> said", "<i>it</i> said"))
    assert "<b>" not in html and "<i>" not in html and "&lt;i&gt;it&lt;/i&gt;" in html


def test_report_highlight_nests_overlapping_claims() -> None:
    text_ = "One two three four."
    html = report.highlight_text(
        text_, sentences=[(0, 0, len(text_))],
        highlights=[report.Highlight(4, 13, "claim"), report.Highlight(8, 18, "claim")],
    )
    soup = BeautifulSoup(str(html), "html.parser")
    assert soup.get_text() == text_
    assert markup_problems(str(html)) == []
    # the second claim overlaps the first: it is nested inside it, then continues after it
    assert [m.get_text() for m in soup.select('mark[data-span="4-13"]')] == ["two three"]
    assert [m.get_text() for m in soup.select('mark[data-span="8-18"]')] == ["three", " four"]
    assert soup.select_one('mark[data-span="4-13"] > mark[data-span="8-18"]') is not None


def test_report_highlight_splits_quote_across_sentences() -> None:
    text_ = 'He said: "We will fight. We will win." Then he left.'
    first_end = text_.index("fight.") + len("fight.")
    quote_start, quote_end = text_.index("We will fight"), text_.index("win.") + len("win.")
    crossing_end = text_.index("fight") + 3
    html = report.highlight_text(
        text_,
        sentences=[(0, 0, first_end), (1, first_end + 1, quote_end + 1), (2, quote_end + 2, len(text_))],
        highlights=[
            report.Highlight(quote_start, quote_end, "quote", "quote: he"),
            report.Highlight(0, crossing_end, "claim"),  # crosses into the quote: cut in two
            report.Highlight(text_.index("win"), text_.index("win") + 3, "claim"),
        ],
    )
    assert markup_problems(str(html)) == []
    soup = BeautifulSoup(str(html), "html.parser")
    assert soup.get_text() == text_
    assert [s.get_text() for s in soup.select("span.quote")] == ["We will fight.", "We will win."]
    assert [s["id"] for s in soup.select("span.sentence[id]")] == ["s0", "s1", "s2"]
    assert [m.get_text() for m in soup.select(f'mark.claim[data-span="0-{crossing_end}"]')] == [
        'He said: "', "We will fig"]
    assert [m.get_text() for m in soup.select("span.quote mark.claim")] == ["We will fig", "win"]


def test_report_highlight_merges_identical_spans() -> None:
    text_ = "They claimed 12 died."
    start = text_.index("claimed")
    html = report.highlight_text(text_, sentences=[(0, 0, len(text_))], highlights=[
        report.Highlight(start, start + 7, "framing", "hedge: claimed", "f-a"),
        report.Highlight(start, start + 7, "framing", "reporting verb: claim", "f-b"),
    ])
    marks = BeautifulSoup(str(html), "html.parser").select("mark.framing")
    assert len(marks) == 1 and marks[0]["title"] == "hedge: claimed; reporting verb: claim"
    assert marks[0]["id"] == "f-a"


def test_report_highlight_sentence_over_paragraph_break_keeps_anchor() -> None:
    text_ = "Title line\n\nBody starts here."
    html = report.highlight_text(text_, sentences=[(0, 0, len(text_))], highlights=[])
    soup = BeautifulSoup(str(html), "html.parser")
    assert len(soup.find_all("p")) == 2
    assert [s.get("id") for s in soup.select("span.sentence")] == ["s0", None]
    assert markup_problems(str(html)) == []


def test_report_severity_bands() -> None:
    assert [report.severity_band(s) for s in (0.95, 0.7, 0.69, 0.4, 0.39, 0.0, None)] == [
        "high", "high", "medium", "medium", "low", "low", "low"]


def test_report_interval_text() -> None:
    assert report.interval_text(1500.0, 1500.0, None) == "1,500"
    assert report.interval_text(1350.0, 1650.0, None) == "1,350–1,650"
    assert report.interval_text(100.0, None, None) == "≥ 100"
    assert report.interval_text(None, 5.5, "%") == "≤ 5.5%"
    assert report.interval_text(None, None, None) == "unspecified"
