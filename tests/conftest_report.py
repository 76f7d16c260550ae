"""Fixtures for the report and export tests: a small hand-made database with two events.

Imported by tests/test_report.py and tests/test_export.py (not a conftest.py: that one is shared).
Offsets are computed from the texts, so the rows are consistent the way extract writes them.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timezone
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import duckdb
import pytest

from compare import store

GENERATED = datetime(2024, 11, 2, 12, 0, tzinfo=timezone.utc)
XSS = "<script>alert(1)</script>"
EM = "<em>x</em>"
ATTR = '" onmouseover="alert(1)'
JS_URL = "javascript:alert(1)"
EVIL_EVENT = "../../etc/passwd"
NK = "nk-troops"


class SampleDb:
    """Collects rows for every table, deriving offsets from the article texts."""

    def __init__(self) -> None:
        self.rows: dict[str, list[dict[str, Any]]] = {t: [] for t in store.SCHEMAS}
        self.texts: dict[str, str] = {}
        self.sentences: dict[str, list[tuple[int, int]]] = {}

    def article(self, id: str, event_id: str, outlet: str, paragraphs: list[list[str]], **fields: Any) -> None:
        """An article whose text is the paragraphs (blank-line separated) of sentences (space-joined)."""
        text, spans = "", []
        for p, sentences in enumerate(paragraphs):
            text += "\n\n" if p else ""
            for s, sentence in enumerate(sentences):
                text += " " if s else ""
                spans.append((len(text), len(text) + len(sentence)))
                text += sentence
        self.texts[id], self.sentences[id] = text, spans
        self.rows["articles"].append(
            {"id": id, "event_id": event_id, "outlet": outlet, "text": text, "path": f"seeds/{id}.txt",
             "language": "en", "ingested_run": 1} | fields
        )
        for i, (start, end) in enumerate(spans):
            self.rows["sentences"].append({"article_id": id, "sentence_index": i, "start": start, "end": end})

    def claim(self, id: str, article_id: str, index: int, figure: str, **fields: Any) -> None:
        """A claim on the first occurrence of `figure` in sentence `index`."""
        s_start, s_end = self.sentences[article_id][index]
        sentence = self.texts[article_id][s_start:s_end]
        start = s_start + sentence.index(figure)
        self.rows["claims"].append(
            {"id": id, "article_id": article_id, "sentence_index": index, "start": start,
             "end": start + len(figure), "text": figure, "sentence": sentence, "qualifier": "exact",
             "measure": "troops", "hedged": False, "negated": False} | fields
        )

    def quote(self, id: str, article_id: str, index: int, text: str, speaker: str | None) -> None:
        """A quote on the first occurrence of `text` in the article."""
        start = self.texts[article_id].index(text)
        self.rows["quotes"].append(
            {"id": id, "article_id": article_id, "text": text, "speaker": speaker, "verb": "say",
             "start": start, "end": start + len(text), "sentence_index": index}
        )

    def framing(self, id: str, article_id: str, term: str, canonical: str) -> None:
        """A framing term on the first occurrence of `term` in the article."""
        start = self.texts[article_id].index(term)
        self.rows["framing"].append(
            {"id": id, "article_id": article_id, "kind": "naming", "term": term,
             "canonical": canonical, "start": start, "end": start + len(term)}
        )

    def discrepancy(self, id: str, event_id: str, kind: str, severity: float, **fields: Any) -> None:
        """A discrepancy row; `details` may be given as Python data."""
        if "details" in fields and not isinstance(fields["details"], str):
            fields["details"] = json.dumps(fields["details"])
        self.rows["discrepancies"].append(
            {"id": id, "event_id": event_id, "kind": kind, "severity": severity, "claim_ids": [],
             "quote_ids": [], "article_ids": [], "first_seen_run": 1, "status": "new"} | fields
        )

    def write(self, path: Path) -> Path:
        """Create the database file at `path` holding every collected row."""
        con = store.connect(path)
        try:
            for table, rows in self.rows.items():
                store.insert_frame(con, table, store.to_frame(table, rows))
        finally:
            con.close()
        return path


def sample_db() -> SampleDb:
    """Two events: North Korean troops (3 outlets) and a hostile one whose every field is an attack."""
    db = SampleDb()
    db.rows["events"] += [
        {"id": NK, "title": "North Korean troops sent to Russia", "origin": "folder"},
        {"id": EVIL_EVENT, "title": f"{XSS} quake", "origin": "field"},
    ]
    db.article("a-reuters", NK, "Reuters", [
        ["South Korea's spy agency said 1,500 special forces were sent to Russia.",
         "Moscow calls the war a special military operation."],
        ['Zelensky said: "We are seeing 10,000 soldiers being prepared."'],
    ], url="https://reuters.example/nk", title="Seoul says 1,500 troops sent",
        published=datetime(2024, 10, 18, 9, 0))
    db.article("a-bbc", NK, "BBC", [
        ["About 1,500 troops arrived in Vladivostok, officials said.",
         "It is the largest deployment since the war in Ukraine began."],
        ['Zelensky said: "We are seeing ten thousand soldiers prepared."'],
    ], url="https://bbc.example/nk", title="Troops arrive", published=datetime(2024, 10, 18, 12, 30))
    db.article("a-yonhap", NK, "Yonhap", [["North Korea sent 3,000 troops to Russia last week."]],
               title="3,000 troops", published=datetime(2024, 10, 19, 8, 0))
    db.claim("c-r1", "a-reuters", 0, "1,500", value=1500.0, low=1500.0, high=1500.0,
             speaker="South Korea's spy agency", reporting_verb="say")
    db.claim("c-r2", "a-reuters", 2, "10,000", value=10000.0, low=10000.0, high=10000.0,
             speaker="Zelensky", reporting_verb="say")
    db.claim("c-b1", "a-bbc", 0, "About 1,500", value=1500.0, low=1350.0, high=1650.0,
             qualifier="approx", speaker="officials", reporting_verb="say")
    db.claim("c-y1", "a-yonhap", 0, "3,000", value=3000.0, low=3000.0, high=3000.0, time="last week")
    db.quote("q-r", "a-reuters", 2, "We are seeing 10,000 soldiers being prepared.", "Zelensky")
    db.quote("q-b", "a-bbc", 2, "We are seeing ten thousand soldiers prepared.", "Zelensky")
    db.framing("f-r", "a-reuters", "special military operation", "war in ukraine")
    db.framing("f-b", "a-bbc", "war in Ukraine", "war in ukraine")
    db.discrepancy("d-num", NK, "number_conflict", 0.8, measure="troops",
                   claim_ids=["c-y1", "c-b1", "c-r1"], article_ids=["a-reuters", "a-bbc", "a-yonhap"],
                   summary="Yonhap reports 3,000 troops where Reuters and BBC report about 1,500.")
    db.discrepancy("d-quote", NK, "quote_variant", 0.5, quote_ids=["q-b", "q-r"],
                   article_ids=["a-reuters", "a-bbc"], summary="Zelensky's words differ.")
    db.discrepancy("d-frame", NK, "framing", 0.3, article_ids=["a-reuters", "a-bbc"],
                   summary="The war is named differently.", details={"canonical": "war in ukraine"})
    db.discrepancy("d-omit", NK, "omission", 0.45, article_ids=["a-yonhap"], measure="troops",
                   summary="Yonhap leaves out the spy agency's figure.",
                   details={"carried_by": ["BBC", "Reuters"], "missing_measure": "troops"})

    db.article("b-1", EVIL_EVENT, EM, [
        [f"{XSS} At least 12 people died, {EM} said."],
        [f'A witness said: "{EM} we mourn {ATTR}."'],
    ], url=JS_URL, title=f"{EM}{ATTR}", published=datetime(2024, 11, 1, 10, 0))
    db.article("b-2", EVIL_EVENT, f"Agency{ATTR}", [
        [f"Officials said 20 people died near {JS_URL}."],
        [f'The mayor said: "{XSS} we mourn."'],
    ], url="https://ok.example/b2?q=<script>", title=XSS, published=datetime(2024, 11, 1, 11, 0))
    db.claim("cb1", "b-1", 0, "At least 12", value=12.0, low=12.0, qualifier="at_least",
             measure="deaths", speaker=EM, reporting_verb="say")
    db.claim("cb2", "b-2", 0, "20", value=20.0, low=20.0, high=20.0, measure="deaths",
             speaker=ATTR, reporting_verb="claim")
    db.quote("qb1", "b-1", 1, f"{EM} we mourn {ATTR}.", XSS)
    db.quote("qb2", "b-2", 1, f"{XSS} we mourn.", ATTR)
    db.framing("fb1", "b-1", "died", XSS)
    db.discrepancy("db-num", EVIL_EVENT, "number_conflict", 0.9, measure="deaths",
                   claim_ids=["cb1", "cb2"], article_ids=["b-1", "b-2"],
                   summary=f"{XSS} 12 versus 20 deaths", details={"note": XSS})
    db.discrepancy("db-quote", EVIL_EVENT, "quote_variant", 0.4, quote_ids=["qb1", "qb2"],
                   summary=f"{EM} quote differs")
    db.rows["ingest_errors"].append({"run_id": 1, "path": f"seeds/{XSS}.txt", "error": f"cannot decode {EM}"})
    return db


@pytest.fixture
def sample_con(tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """An open connection to a fresh copy of the sample database."""
    con = store.connect(sample_db().write(tmp_path / "sample.duckdb"))
    yield con
    con.close()


@pytest.fixture(scope="module")
def report_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The report of the sample database, rendered once per module into base/a/b/out."""
    from compare import report
    from compare.config import Settings

    base = tmp_path_factory.mktemp("report")
    out = base / "a" / "b" / "out"
    con = store.connect(sample_db().write(base / "sample.duckdb"))
    try:
        report.run(con, Settings(out=out), generated_at=GENERATED)
    finally:
        con.close()
    return out


class TagBalance(HTMLParser):
    """Records markup problems: end tags that do not close the innermost open element."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> while open: {self.stack}")
        else:
            self.stack.pop()


def markup_problems(html: str) -> list[str]:
    """Crossed or unclosed tags in an HTML fragment (empty list when it nests properly)."""
    checker = TagBalance()
    checker.feed(html)
    checker.close()
    return checker.problems + ([f"unclosed: {checker.stack}"] if checker.stack else [])


QUAKE = "quake-2025"


def feature_db() -> SampleDb:
    """The sample events plus one with every section of an event page, and a run history.

    Quake: a wire story (Wire 09:00) copied by Daily (12:00), a rising toll (600 -> at least
    2,000 -> 2,100) from Times and Post the next day, naming and hedging differences, an
    omission of the later toll, and one discrepancy resolved in an earlier run.
    """
    db = sample_db()
    db.rows["events"].append({"id": QUAKE, "title": "Quake in the hills", "origin": "folder"})
    day = datetime(2025, 3, 1, 9, 0)
    db.article("q-wire", QUAKE, "Wire", [
        ["Officials said 600 people died in the quake near Kiev.",
         "Rescuers searched the rubble all night long."],
    ], url="https://wire.example/q", title="600 dead in quake", published=day)
    db.article("q-daily", QUAKE, "Daily", [
        ["Officials said 600 people were killed in the quake near Kiev.",
         "Rescuers reportedly searched the rubble all night."],
    ], title="Quake kills 600", published=day.replace(hour=12))
    db.article("q-times", QUAKE, "Times", [
        ["At least 2,000 people died in the quake near Kyiv, the ministry said."],
    ], title="Toll passes 2,000", published=day.replace(day=2, hour=10))
    db.article("q-post", QUAKE, "Post", [
        ["The toll rose to 2,100 near Kyiv, officials claimed."],
    ], title="Toll at 2,100", published=day.replace(day=2, hour=18))
    db.claim("qc1", "q-wire", 0, "600", value=600.0, low=600.0, high=600.0, measure="deaths",
             speaker="Officials", reporting_verb="say")
    db.claim("qc2", "q-daily", 0, "600", value=600.0, low=600.0, high=600.0, measure="deaths",
             speaker="Officials", reporting_verb="say")
    db.claim("qc3", "q-times", 0, "At least 2,000", value=2000.0, low=2000.0, qualifier="at_least",
             measure="deaths", speaker="the ministry", reporting_verb="say")
    db.claim("qc4", "q-post", 0, "2,100", value=2100.0, low=2100.0, high=2100.0, measure="deaths",
             speaker="officials", reporting_verb="claim")
    db.framing("qf1", "q-wire", "Kiev", "Kyiv")
    db.framing("qf2", "q-times", "Kyiv", "Kyiv")
    db.framing("qf3", "q-post", "Kyiv", "Kyiv")
    db.framing("qf4", "q-daily", "reportedly", "reportedly")
    db.rows["framing"][-1]["kind"] = "hedge"
    db.framing("qf5", "q-post", "claimed", "claim")
    db.rows["framing"][-1]["kind"] = "reporting_verb"
    sides = [
        {"claim_ids": ["qc1", "qc2"], "figures": ["600"], "low": 600.0, "high": 600.0,
         "outlets": ["Daily", "Wire"], "speakers": ["Officials"]},
        {"claim_ids": ["qc3", "qc4"], "figures": ["At least 2,000", "2,100"], "low": 2000.0, "high": 4000.0,
         "outlets": ["Post", "Times"], "speakers": ["officials", "the ministry"]},
    ]
    db.discrepancy("q-update", QUAKE, "update", 0.5, measure="deaths", claim_ids=["qc1", "qc2", "qc3", "qc4"],
                   article_ids=["q-wire", "q-daily", "q-times", "q-post"], first_seen_run=2,
                   summary="The deaths figure changed over time: 600 became 2,100.", details={"sides": sides})
    db.discrepancy("q-omit", QUAKE, "omission", 0.42, measure="deaths", claim_ids=["qc3", "qc4"],
                   article_ids=["q-wire", "q-daily"], status="unchanged",
                   summary="Wire and Daily leave out 2,100 deaths.",
                   details={"carried_by": ["Post", "Times"], "missing_from": ["Daily", "Wire"],
                            "figure": "2,100", "speaker": "officials"})
    db.discrepancy("q-frame", QUAKE, "framing", 0.35, measure="naming", article_ids=["q-wire", "q-times", "q-post"],
                   status="unchanged", summary="Outlets name Kyiv differently: Kyiv (Post and Times), Kiev (Wire).",
                   details={"kind": "naming", "canonical": "Kyiv", "terms": {"Kiev": ["Wire"], "Kyiv": ["Post", "Times"]}})
    db.discrepancy("q-wire-edit", QUAKE, "wire_copy_edit", 0.36, article_ids=["q-wire", "q-daily"],
                   first_seen_run=2, summary="Daily runs the same story as Wire with 2 edits.",
                   details={"original": "Wire", "copy": "Daily", "edits": [
                       {"type": "edited", "from": "Officials said 600 people died in the quake near Kiev.",
                        "to": "Officials said 600 people were killed in the quake near Kiev.",
                        "diff": [["=", "Officials said 600 people"], ["-", "died"], ["+", "were killed"],
                                 ["=", "in the quake near Kiev."]]},
                       {"type": "cut", "from": "Rescuers searched the rubble all night long."},
                       {"type": "added", "to": "Rescuers reportedly searched the rubble all night."}]})
    db.discrepancy("q-gone", QUAKE, "number_conflict", 0.95, measure="injured", status="resolved",
                   summary="An earlier disagreement on the injured, since resolved.")
    return db


def write_runs(path: Path, count: int) -> None:
    """Record `count` finished runs in the database at `path` (run history for "new" marks)."""
    con = store.connect(path)
    try:
        for i in range(1, count + 1):
            con.execute("INSERT INTO runs (id, started, finished, command, status) VALUES "
                        "(?, TIMESTAMP '2025-03-02 00:00:00' + to_hours(?), now(), 'run', 'ok')", [i, i])
    finally:
        con.close()


@pytest.fixture(scope="module")
def feature_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The report of the feature database (with two runs recorded), rendered once per module."""
    from compare import report
    from compare.config import Settings

    base = tmp_path_factory.mktemp("features")
    path = feature_db().write(base / "features.duckdb")
    write_runs(path, 2)
    con = store.connect(path)
    try:
        report.run(con, Settings(out=base / "out"), generated_at=GENERATED)
    finally:
        con.close()
    return base / "out"
