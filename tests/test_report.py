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
        ATTR, EM, EVIL_EVENT, GENERATED, JS_URL, NK, QUAKE, XSS, SampleDb, feature_db, feature_dir,
        markup_problems, report_dir, sample_con, write_runs,
    )
except ImportError:
    from .conftest_report import (  # type: ignore[no-redef]  # noqa: F401
        ATTR, EM, EVIL_EVENT, GENERATED, JS_URL, NK, QUAKE, XSS, SampleDb, feature_db, feature_dir,
        markup_problems, report_dir, sample_con, write_runs,
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
        if row.th is not None and row.th.a is not None and row.th.a.get_text(strip=True) == title:
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
    assert marks[0].find_previous_sibling("span", id="f-b") is not None  # links to either term still land


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


# ---------------------------------------------------------------- index orderings and "new"


def event_titles(soup: BeautifulSoup) -> list[str]:
    return [text(r.th.a) for r in soup.select("tbody tr.event")]  # type: ignore[union-attr]


def test_report_index_orders_by_severity_and_by_recency(feature_dir: Path) -> None:
    by_severity, by_recency = page(feature_dir, "index.html"), page(feature_dir, "index-recent.html")
    # severity: 0.9 (hostile event), 0.8 (troops), 0.5 (quake; its resolved 0.95 does not count)
    assert event_titles(by_severity) == [f"{XSS} quake", "North Korean troops sent to Russia", "Quake in the hills"]
    # recency: quake (March 2025), hostile (Nov 2024), troops (Oct 2024)
    assert event_titles(by_recency) == ["Quake in the hills", f"{XSS} quake", "North Korean troops sent to Russia"]
    for soup, current, other in ((by_severity, "most severe first", "index-recent.html"),
                                 (by_recency, "most recent first", "index.html")):
        nav = soup.select_one("nav.sort")
        assert nav is not None and text(nav.select_one("[aria-current=page]")) == current
        assert [a["href"] for a in nav.find_all("a")] == [other]
    tops = [text(r.select_one("td.top")) for r in by_severity.select("tbody tr.event")]
    assert tops == ["high 0.90", "high 0.80", "medium 0.50"]


def test_report_index_counts_leave_out_resolved(feature_dir: Path) -> None:
    quake = row_of(page(feature_dir, "index.html"), "Quake in the hills")
    kinds = {td["data-kind"]: int(text(td)) for td in quake.select("td[data-kind]")}
    assert kinds["number_conflict"] == 0 and kinds["update"] == 1 and kinds["wire_copy_edit"] == 1
    assert {td["data-band"]: int(text(td)) for td in quake.select("td[data-band]")} == {
        "high": 0, "medium": 2, "low": 2}


def test_report_marks_new_discrepancies_once_history_exists(feature_dir: Path) -> None:
    soup = page(feature_dir, "index.html")
    assert text(row_of(soup, "Quake in the hills").select_one("th .new")) == "2 new"
    assert text(row_of(soup, "Quake in the hills").select_one("td.new-count")) == "2"
    # the sample events' rows are all "new" too, first seen in run 1
    assert text(row_of(soup, "North Korean troops sent to Russia").select_one("td.new-count")) == "4"
    event = page(feature_dir, "event-quake-2025.html")
    marked = {d["id"] for d in event.select("details.discrepancy") if d.select_one("summary .new")}
    assert marked == {"d-q-update", "d-q-wire-edit"}
    assert [a["href"] for a in event.select("section.summary li") if a.select_one(".new")
            for a in [a.a]] == ["#d-q-update", "#d-q-wire-edit"]
    assert "2 new" in text(event.select_one("p.meta"))


def test_report_without_history_marks_nothing_new(report_dir: Path) -> None:
    for name in ("index.html", "index-recent.html", "event-nk-troops.html"):
        soup = page(report_dir, name)
        assert soup.select(".new") == [] and soup.select("td.new-count") == [], name


def test_report_has_history_needs_two_runs(tmp_path: Path) -> None:
    path = SampleDb().write(tmp_path / "h.duckdb")
    con = duckdb.connect(str(path))
    try:
        assert not report.has_history(con)
        con.close()
        write_runs(path, 1)
        con = duckdb.connect(str(path))
        assert not report.has_history(con)
        con.execute("INSERT INTO runs (id, command, status) VALUES (9, 'run', 'ok')")
        assert report.has_history(con)
    finally:
        con.close()


# ---------------------------------------------------------------- event page sections


def test_report_event_page_shows_each_side_as_a_table(feature_dir: Path) -> None:
    soup = page(feature_dir, "event-quake-2025.html")
    tables = soup.select("#d-q-update table.claims.side")
    assert [text(t.caption.select_one(".side-letter")) for t in tables] == ["Side A", "Side B"]  # type: ignore[union-attr]
    assert "600" in text(tables[0].caption) and "At least 2,000; 2,100" in text(tables[1].caption)
    assert "cited: the ministry (say); officials (claim)" in text(tables[1].caption)
    rows = [[text(r.select_one("th.outlet")) for r in t.select("tbody tr")] for t in tables]
    assert rows == [["Wire", "Daily"], ["Times", "Post"]]  # chronological within a side
    for t in tables:
        assert all(th.get("scope") for th in t.find_all("th"))
        link = t.select_one("tfoot a")
        assert link is not None and soup.find(id=str(link["href"])[1:]) is not None


def test_report_event_page_lists_claim_groups(feature_dir: Path) -> None:
    soup = page(feature_dir, "event-quake-2025.html")
    groups = soup.select("#figures details.group")
    assert len(groups) == 2 and not any(g.has_attr("open") for g in groups)
    later = next(g for g in groups if "2,100" in text(g.summary))
    assert "key claim" in text(later.summary)  # the omission names this group
    assert [text(r.select_one("td.figure")) for r in later.select("tbody tr")] == ["At least 2,000", "2,100"]
    assert {a["href"] for a in later.select("p.links a")} == {"#d-q-update", "#d-q-omit"}
    omission = soup.select_one("#d-q-omit p.links a")
    assert omission is not None and omission["href"] == f"#{later['id']}"


def test_report_event_page_draws_a_timeline(feature_dir: Path) -> None:
    soup = page(feature_dir, "event-quake-2025.html")
    chart = soup.select_one("#timeline details.timeline")
    assert chart is not None and chart.has_attr("open")
    svg = chart.select_one("svg.timeline")
    assert svg is not None and svg["role"] == "img"
    labelled = str(svg["aria-labelledby"]).split()
    assert [svg.find(id=i).name for i in labelled] == ["title", "desc"]  # type: ignore[union-attr]
    points = svg.select("g.point")
    assert len(points) == 4
    tips = [text(p.title) for p in points]
    assert tips[0].startswith("Wire (A): “600” = 600, published 2025-03-01 09:00")
    assert any(t.startswith("Times (C): “At least 2,000”") for t in tips)
    # every point links to its sentence and carries its outlet's key letter as text
    assert all(p.parent.name == "a" and "#s" in p.parent["href"] for p in points)  # type: ignore[union-attr]
    assert sorted(text(p.find("text")) for p in points) == ["A", "B", "C", "D"]
    legend = chart.select("ul.chart-legend li")
    assert [text(li.select_one(".key")) for li in legend] == ["A", "B", "C", "D"]
    shapes = [text(li.small) for li in legend]  # type: ignore[arg-type]
    assert len(set(shapes)) == 4  # shape tells outlets apart without colour
    data = chart.select("table.timeline-data tbody tr")
    assert [(text(r.th), text(r.find_all("td")[1])) for r in data] == [
        ("Wire", "600"), ("Daily", "600"), ("Times", "At least 2,000"), ("Post", "2,100")]


def test_report_timeline_is_escaped_and_nests(tmp_path: Path) -> None:
    from compare import timeline
    from datetime import datetime

    marks = timeline.markers([XSS, EM])
    points = [
        timeline.Point(XSS, EM, 10.0, 10.0, None, datetime(2024, 1, 1, 9), "a.html#s0", ATTR),
        timeline.Point(EM, XSS, 30.0, 25.0, 35.0, datetime(2024, 1, 3, 9), "b.html#s1", XSS),
    ]
    svg = str(timeline.chart_svg(points, marks, chart_id="t-x", title=XSS, desc=EM))
    assert markup_problems(svg) == []
    soup = BeautifulSoup(svg, "html.parser")
    assert soup.find_all("script") == [] and soup.find_all("em") == []
    assert text(soup.title) == XSS
    for tag in soup.find_all(True):
        assert not [a for a in tag.attrs if a.lower().startswith("on")]
    assert XSS in text(soup.select("g.point title")[0])


@pytest.mark.parametrize(("n", "expected"), [(1, ["A"]), (3, ["A", "B", "C"]), (28, [*"ABCDEFGHIJKLMNOPQRSTUVWXYZ", "AA", "AB"])])
def test_report_timeline_key_letters(n: int, expected: list[str]) -> None:
    from compare import timeline

    assert timeline.key_letters(n) == expected


def test_report_timeline_markers_differ_in_shape_or_colour() -> None:
    from compare import timeline

    marks = timeline.markers([f"o{i}" for i in range(50)])
    combos = {(m.colour, m.shape) for m in marks.values()}
    assert len(combos) == 50
    assert len({m.shape for m in list(marks.values())[:8]}) == 8


def test_report_timeline_ticks_are_round() -> None:
    from compare import timeline
    from datetime import datetime

    ticks = timeline.time_ticks(datetime(2023, 9, 9, 6, 55), datetime(2023, 9, 18, 10, 0))
    assert ticks and all(t.hour == 0 and t.minute == 0 for t in ticks) and len(ticks) <= 6
    hours = timeline.time_ticks(datetime(2024, 1, 1, 9, 10), datetime(2024, 1, 1, 17, 0))
    assert all(t.minute == 0 for t in hours) and 2 <= len(hours) <= 7


def test_report_event_page_framing_table(feature_dir: Path) -> None:
    soup = page(feature_dir, "event-quake-2025.html")
    table = soup.select_one("#framing table.framing-choices")
    assert table is not None
    assert [text(th) for th in table.select("thead th")] == ["Outlet", "Name for “Kyiv”", "Hedges", "Reporting verbs"]
    cells = {text(r.th): [text(td) for td in r.find_all("td")] for r in table.select("tbody tr")}
    assert cells == {
        "Daily": ["—", "reportedly", "—"],
        "Post": ["Kyiv", "—", "claimed (distancing)"],
        "Times": ["Kyiv", "—", "—"],
        "Wire": ["Kiev (less common choice)", "—", "—"],
    }
    for link in table.select("a.term"):
        name, anchor = str(link["href"]).split("#")
        target = page(feature_dir, name).find(id=anchor)
        assert target is not None and text(link) in target.get_text(), link


def test_report_event_page_coverage_matrix(feature_dir: Path) -> None:
    soup = page(feature_dir, "event-quake-2025.html")
    matrix = soup.select_one("#coverage table.coverage-matrix")
    assert matrix is not None
    assert [text(th) for th in matrix.select("thead th.outlet-col")] == ["Daily", "Post", "Times", "Wire"]
    rows = {text(r.th.a): r for r in matrix.select("tbody tr")}  # type: ignore[union-attr]
    later = rows["deaths: At least 2,000; 2,100"]
    assert "key-claim-row" in later["class"]
    marks = [td.select_one("[aria-hidden]").get_text() for td in later.select("td.cov")]  # type: ignore[union-attr]
    assert marks == ["✗", "✓", "✓", "✗"]
    # the mark is said in words too, so colour is never the only signal
    words = [text(td.select_one(".visually-hidden")) for td in later.select("td.cov")]
    assert words == ["Daily leaves out this key claim", "Post reports 2,100", "Times reports At least 2,000",
                     "Wire leaves out this key claim"]
    earlier = rows["deaths: 600"]
    assert [td.select_one("[aria-hidden]").get_text() for td in earlier.select("td.cov")] == ["✓", "—", "—", "✓"]  # type: ignore[union-attr]


def test_report_event_page_wire_copies_show_edits(feature_dir: Path) -> None:
    soup = page(feature_dir, "event-quake-2025.html")
    group = soup.select_one("#wire section.wire-group")
    assert group is not None
    assert [text(th) for th in group.select(":scope > table.articles tbody th")] == ["Wire", "Daily"]
    edits = group.select("#d-q-wire-edit ol.edits li")
    assert [text(li.select_one(".edit-kind")) for li in edits] == ["Sentence edited:", "Sentence cut:", "Sentence added:"]
    assert [d.get_text() for d in edits[0].find_all("del")] == ["died"]
    assert [i.get_text() for i in edits[0].find_all("ins")] == ["were killed"]
    assert edits[1].find("del").get_text() == "Rescuers searched the rubble all night long."  # type: ignore[union-attr]
    assert edits[2].find("ins").get_text() == "Rescuers reportedly searched the rubble all night."  # type: ignore[union-attr]
    details = {text(dt): text(dd) for dt, dd in zip(group.select("#d-q-wire-edit dl.details dt"),
                                                     group.select("#d-q-wire-edit dl.details dd"))}
    assert details == {"copy": "Daily", "original": "Wire"}  # the edits are not repeated as text


def test_report_ops_diff_elides_long_unchanged_runs() -> None:
    words = " ".join(f"w{i}" for i in range(30))
    html = str(report.ops_diff_html([["=", words], ["-", "<b>old</b>"], ["+", "new"], ["=", words], ["-", "x"], ["=", words]]))
    assert html.startswith("… w24 w25") and html.endswith("w5 …")
    assert "w0 w1 w2 w3 w4 w5 … w24" in html
    assert "<del>&lt;b&gt;old&lt;/b&gt;</del> <ins>new</ins>" in html


def test_report_event_page_resolved_section(feature_dir: Path) -> None:
    soup = page(feature_dir, "event-quake-2025.html")
    resolved = soup.select("#resolved details.discrepancy")
    assert [d["id"] for d in resolved] == ["d-q-gone"] and not resolved[0].has_attr("open")
    assert "d-q-gone" not in [a["href"][1:] for a in soup.select("section.summary a")]
    toc = {text(a): a["href"] for a in soup.select("nav.toc a")}
    assert list(toc) == ["Summary", "Figures", "Figures over time", "Framing", "Coverage", "Wire copies",
                         "Resolved", "Articles"]
    assert all(soup.find(id=h[1:]) is not None for h in toc.values())


def test_report_quotes_diff_against_reference_wording(tmp_path: Path) -> None:
    db = feature_db()
    db.rows["discrepancies"] = [d for d in db.rows["discrepancies"] if d["id"] == "d-quote"]
    # the matcher names the BBC wording as the reference: the Reuters card is the one diffed
    db.rows["discrepancies"][0]["details"] = json.dumps({"reference": "We are seeing ten thousand soldiers prepared."})
    con = duckdb.connect(str(db.write(tmp_path / "q.duckdb")))
    try:
        report.run(con, Settings(out=tmp_path / "out"), generated_at=GENERATED)
    finally:
        con.close()
    cards = page(tmp_path / "out", "event-nk-troops.html").select("#d-d-quote figure.quote-variant")
    assert [text(c.select_one("figcaption a")) for c in cards] == ["Reuters", "BBC"]
    assert cards[1].find_all(["ins", "del"]) == [] and "reference wording" in text(cards[1].figcaption)
    assert [i.get_text() for i in cards[0].find_all("ins")] == ["10,000", "being"]


# ---------------------------------------------------------------- the seeds


def test_report_seeds_highlight_every_extracted_span(seeds_run: tuple[Path, Path]) -> None:
    db, out = seeds_run
    con = duckdb.connect(str(db), read_only=True)
    try:
        slugs = report.unique_slugs(r[0] for r in con.execute("SELECT id FROM articles").fetchall())
        checked = 0
        for article_id, body_text in con.execute("SELECT id, text FROM articles ORDER BY id").fetchall():
            body = page(out, f"article-{slugs[article_id]}.html").select_one("div.article-text")
            assert body is not None
            for kind, table in (("claim", "claims"), ("quote", "quotes"), ("framing", "framing")):
                rows = con.execute(f'SELECT start, "end" FROM {table} WHERE article_id = ?', [article_id]).fetchall()
                for start, end in rows:
                    pieces = body.select(f'.{kind}[data-span="{start}-{end}"]')
                    # pieces of a span cut at sentence boundaries leave out the blanks between them
                    got = "".join("".join(p.get_text() for p in pieces).split())
                    assert got == "".join(body_text[start:end].split()), (article_id, kind, start, end)
                    checked += 1
        assert checked > 300
    finally:
        con.close()


# ---------------------------------------------------------------- a big event

BIG_OUTLETS = 50
BIG_MEASURES = 10  # 50 claims each: 500 claims
BIG_PAGE_BYTES = 4_000_000


def big_event_db(path: Path) -> Path:
    """One event, 50 outlets, 500 claims, 100 quotes, 200 framing terms and 127 discrepancies."""
    from datetime import datetime, timedelta

    from compare import store

    rows: dict[str, list[dict[str, object]]] = {t: [] for t in store.SCHEMAS}
    rows["events"].append({"id": "big", "title": "A very big event", "origin": "folder"})
    start = datetime(2025, 5, 1, 6, 0)
    measures = [f"measure{m}" for m in range(BIG_MEASURES)]
    for o in range(BIG_OUTLETS):
        aid = f"art{o:02d}"
        sentences = [f"Officials said {100 * (m + 1) + (o % 5) * 10} {measures[m]} were counted in town {o}."
                     for m in range(BIG_MEASURES)]
        sentences += [f'The mayor said: "We will rebuild every house in town {o % 3} soon."',
                      f"Reporters in Kiev and Kyiv allegedly saw the regime claimed a win {o}."]
        text, spans = "", []
        for sentence in sentences:
            text += " " if text else ""
            spans.append((len(text), len(text) + len(sentence)))
            text += sentence
        rows["articles"].append({"id": aid, "event_id": "big", "outlet": f"Outlet {o:02d} <b>", "text": text,
                                 "title": f"Story {o}", "url": f"https://o{o}.example/s",
                                 "published": start + timedelta(hours=o), "path": f"big/{aid}.txt"})
        for i, (s, e) in enumerate(spans):
            rows["sentences"].append({"article_id": aid, "sentence_index": i, "start": s, "end": e})
        for m in range(BIG_MEASURES):
            s, _ = spans[m]
            sentence = sentences[m]
            figure = sentence.split()[2]
            at = s + sentence.index(figure)
            value = float(figure)
            rows["claims"].append({"id": f"{aid}-c{m}", "article_id": aid, "sentence_index": m, "start": at,
                                   "end": at + len(figure), "text": figure, "value": value, "low": value,
                                   "high": value, "qualifier": "exact", "measure": measures[m],
                                   "speaker": "Officials", "reporting_verb": "say", "sentence": sentence})
        q_at = text.index("We will rebuild")
        for k, quote in enumerate((f"We will rebuild every house in town {o % 3} soon.",)):
            rows["quotes"].append({"id": f"{aid}-q{k}", "article_id": aid, "text": quote, "speaker": "The mayor",
                                   "verb": "say", "start": q_at, "end": q_at + len(quote),
                                   "sentence_index": BIG_MEASURES})
        for k, (term, kind, canonical) in enumerate((("Kiev", "naming", "Kyiv"), ("Kyiv", "naming", "Kyiv"),
                                                     ("allegedly", "hedge", "allegedly"), ("regime", "loaded", "government"),
                                                     ("claimed", "reporting_verb", "claim"))):
            at = text.index(term)
            rows["framing"].append({"id": f"{aid}-f{k}", "article_id": aid, "kind": kind, "term": term,
                                    "canonical": canonical, "start": at, "end": at + len(term)})

    def claims_of(m: int, outlets: range) -> list[str]:
        return [f"art{o:02d}-c{m}" for o in outlets]

    def disc(id: str, kind: str, severity: float, **fields: object) -> None:
        rows["discrepancies"].append({"id": id, "event_id": "big", "kind": kind, "severity": severity,
                                      "summary": f"{kind} {id} <script>x</script>", "claim_ids": [],
                                      "quote_ids": [], "article_ids": [], "first_seen_run": 1, "status": "new",
                                      "details": "{}"} | fields)

    for m in range(BIG_MEASURES):
        # five sides of ten outlets each (figures end in 0, 10, ..., 40): ten pairs per measure
        sides = [{"claim_ids": claims_of(m, range(k, BIG_OUTLETS, 5)), "figures": [str(100 * (m + 1) + k * 10)],
                  "low": 100.0 * (m + 1) + k * 10, "high": 100.0 * (m + 1) + k * 10} for k in range(5)]
        for a in range(5):
            for b in range(a + 1, 5):
                kind = "update" if (a, b) == (0, 4) else "number_conflict"
                disc(f"m{m}-{a}{b}", kind, 0.3 + 0.05 * m + 0.01 * b, measure=measures[m],
                     claim_ids=sides[a]["claim_ids"] + sides[b]["claim_ids"],
                     details=json.dumps({"sides": [sides[a], sides[b]]}))
        # one big side of 25 claims against another: sides longer than a table shows
        half = {"claim_ids": claims_of(m, range(0, 25)), "figures": ["many"], "low": 1.0, "high": 2.0}
        other = {"claim_ids": claims_of(m, range(25, 50)), "figures": ["more"], "low": 3.0, "high": 4.0}
        disc(f"m{m}-halves", "attribution_difference", 0.2, measure=measures[m],
             claim_ids=half["claim_ids"] + other["claim_ids"], details=json.dumps({"sides": [half, other]}))
        disc(f"m{m}-omit", "omission", 0.45, measure=measures[m], claim_ids=sides[0]["claim_ids"],
             details=json.dumps({"carried_by": [], "missing_from": [f"Outlet {o:02d} <b>" for o in range(1, 5)]}))
    for k in range(3):
        ids = [f"art{o:02d}-q0" for o in range(k, BIG_OUTLETS, 3)]
        disc(f"quote{k}", "quote_variant", 0.5, quote_ids=ids, details=json.dumps({"reference": "We will rebuild"}))
    disc("frame", "framing", 0.35, measure="naming", article_ids=[f"art{o:02d}" for o in range(BIG_OUTLETS)],
         details=json.dumps({"kind": "naming", "canonical": "Kyiv", "terms": {"Kiev": [], "Kyiv": []}}))
    for o in range(0, 20, 2):
        disc(f"wire{o}", "wire_copy_edit", 0.3, article_ids=[f"art{o:02d}", f"art{o + 1:02d}"],
             details=json.dumps({"edits": [{"type": "cut", "from": "x " * 200}]}))
    con = store.connect(path)
    try:
        for table, table_rows in rows.items():
            store.insert_frame(con, table, store.to_frame(table, table_rows))
    finally:
        con.close()
    return path


@pytest.fixture(scope="module")
def big_page(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, BeautifulSoup]:
    """The big event's page, as text and parsed once (the tests only read it)."""
    base = tmp_path_factory.mktemp("big")
    con = duckdb.connect(str(big_event_db(base / "big.duckdb")))
    try:
        report.run(con, Settings(out=base / "out"), generated_at=GENERATED)
    finally:
        con.close()
    html = (base / "out" / "event-big.html").read_text(encoding="utf-8")
    return html, BeautifulSoup(html, "html.parser")


def test_report_big_event_page_stays_small_and_collapsed(big_page: tuple[str, BeautifulSoup]) -> None:
    html, soup = big_page
    assert len(html.encode("utf-8")) < BIG_PAGE_BYTES
    assert len(soup.select("details.discrepancy")) == 10 * 12 + 3 + 1 + 10
    details = soup.find_all("details")
    opened = [d for d in details if d.has_attr("open")]
    # the three most severe discrepancies and the first three charts: everything else is collapsed
    assert len(opened) <= report.OPEN_SIZE + report.OPEN_CHARTS
    assert len(opened) / len(details) < 0.05
    for name in ("framing-table", "coverage", "article-list"):
        block = soup.select_one(f"details.{name}")
        assert block is not None and not block.has_attr("open"), name
    assert markup_problems(html) == []


def test_report_big_event_sides_are_capped_and_link_to_groups(big_page: tuple[str, BeautifulSoup]) -> None:
    _, soup = big_page
    halves = soup.select("#d-m0-halves table.side")
    assert [len(t.select("tbody tr")) for t in halves] == [report.SIDE_ROWS, report.SIDE_ROWS]
    assert all("10 more claims" in text(t.tfoot) for t in halves)
    for t in halves:
        group = soup.find(id=str(t.tfoot.a["href"])[1:])  # type: ignore[union-attr,index]
        assert isinstance(group, Tag) and len(group.select("tbody tr")) == 25
    assert max(len(t.select("tbody tr")) for t in soup.select("table.side")) <= report.SIDE_ROWS
    # every claim is listed in full once, in its groups; each side of ten, and each half
    assert len(soup.select("details.group")) == BIG_MEASURES * 7
    assert len(soup.select("table.coverage-matrix tbody tr")) == BIG_MEASURES * 7
    assert len(soup.select("table.coverage-matrix thead th.outlet-col")) == BIG_OUTLETS


def test_report_big_event_timelines_and_summary(big_page: tuple[str, BeautifulSoup]) -> None:
    _, soup = big_page
    charts = soup.select("details.timeline")
    assert len(charts) == BIG_MEASURES
    assert [c.has_attr("open") for c in charts].count(True) == report.OPEN_CHARTS
    assert all(len(c.select("svg g.point")) == 20 for c in charts)  # two sides of ten
    assert len(soup.select("section.summary li")) == report.SUMMARY_SIZE
    assert soup.find_all("script") == []
    ids = {str(tag["id"]) for tag in soup.find_all(id=True)}
    targets = {str(a["href"])[1:] for a in soup.select('a[href^="#"]')}
    assert targets and targets <= ids


def test_report_discrepancies_json_equals_export_on_awkward_details(
    sample_con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    """discrepancies.json reuses the details the pages parsed; its content must be build_json's."""
    from compare import export

    details = ['{"a": NaN}', '{"big": 1e999}', "not json", "", None, ' {"ok": [1, 2.0]} ', '"text"', "[1, 2,]"]
    for i, text in enumerate(details):
        sample_con.execute(
            "INSERT INTO discrepancies (id, event_id, kind, severity, summary, status, details) "
            "VALUES (?, ?, 'number_conflict', 0.5, ?, 'new', ?)", [f"d-aw{i}", NK, f"awkward {i}", text])
    report.run(sample_con, Settings(out=tmp_path), generated_at=GENERATED)
    written = json.loads((tmp_path / "discrepancies.json").read_text(encoding="utf-8"))
    # dumped again, so that key order and 1 against 1.0 count as differences too
    assert json.dumps(written) == json.dumps(export.build_json(sample_con, generated_at=GENERATED))
    rows = {d["id"]: d["details"] for e in written["events"] for d in e["discrepancies"]}
    assert rows["d-aw0"] == {"a": None} and rows["d-aw1"] == {"big": None}
    assert (rows["d-aw2"], rows["d-aw3"], rows["d-aw4"], rows["d-aw7"]) == ("not json", None, None, "[1, 2,]")
    assert rows["d-aw5"] == {"ok": [1, 2.0]} and rows["d-aw6"] == "text"
