"""Quote variants, framing, wire copies and omissions on hand-made rows (no model)."""

from __future__ import annotations

import json
from datetime import datetime

import polars as pl

from compare.lexicons import load_lexicons
from compare.match.coverage import omissions
from compare.match.framing import framing_discrepancies
from compare.match.quotes import quote_variants
from compare.match.wire import wire_discrepancies

LEX = load_lexicons()


def quotes(*rows: tuple[str, str, str, str | None]) -> pl.DataFrame:
    return pl.DataFrame([{"id": f"q{i}", "article_id": a, "outlet": o, "text": t, "speaker": s, "verb": "say"}
                         for i, (a, o, t, s) in enumerate(rows)])


def test_match_quote_variant_flags_a_changed_word() -> None:
    found = quote_variants("e", quotes(
        ("a1", "Wire", "a grave security threat", "Yoon's office"),
        ("a2", "Post", "a grave security threat", "Yoon's office"),
        ("a3", "Blast", "a serious security threat", "Yoon's office"),
    ))
    [d] = found
    assert d["kind"] == "quote_variant" and d["quote_ids"] == ["q0", "q1", "q2"]
    details = json.loads(d["details"])
    assert details["reference"] == "a grave security threat"
    assert ["-", "grave"] in details["variants"][1]["diff"] and ["+", "serious"] in details["variants"][1]["diff"]
    assert "Blast" in d["summary"]


def test_match_identical_or_unrelated_quotes_are_not_variants() -> None:
    assert quote_variants("e", quotes(
        ("a1", "Wire", "a grave security threat", "Yoon"),
        ("a2", "Post", "a grave security threat", "Yoon"),
        ("a3", "Post", "we will not sit idly by in the face of this", "Yoon"),
    )) == []


def test_match_quote_variants_need_the_same_speaker() -> None:
    assert quote_variants("e", quotes(
        ("a1", "Wire", "a grave security threat", "Yoon Suk Yeol"),
        ("a2", "Post", "a serious security threat", "Vladimir Putin"),
    )) == []


def framing(*rows: tuple[str, str, str, str, str]) -> pl.DataFrame:
    return pl.DataFrame([{"article_id": a, "outlet": o, "kind": k, "term": t, "canonical": c} for a, o, k, t, c in rows])


def test_match_framing_naming_variants_and_loaded_terms() -> None:
    outlets = {"a1": "Wire", "a2": "State", "a3": "Sentinel"}
    found = framing_discrepancies("e", framing(
        ("a1", "Wire", "naming", "Kyiv", "Kyiv"),
        ("a2", "State", "naming", "Kiev", "Kyiv"),
        ("a3", "Sentinel", "naming", "Kyiv", "Kyiv"),
        ("a3", "Sentinel", "loaded", "invaders", "Russian forces"),
        ("a2", "State", "hedge", "allegedly", "allegedly"),
    ), outlets, LEX)
    by_measure = {d["measure"]: d for d in found}
    assert set(by_measure) == {"naming", "loaded", "hedge"}
    assert json.loads(by_measure["naming"]["details"])["terms"] == {"Kiev": ["State"], "Kyiv": ["Sentinel", "Wire"]}
    assert "Sentinel calls Russian forces “invaders”" in by_measure["loaded"]["summary"]
    assert "State writes “allegedly”" in by_measure["hedge"]["summary"]


def test_match_framing_same_words_everywhere_is_not_framing() -> None:
    outlets = {"a1": "Wire", "a2": "Post"}
    assert framing_discrepancies("e", framing(
        ("a1", "Wire", "naming", "Kyiv", "Kyiv"), ("a2", "Post", "naming", "Kyiv", "Kyiv"),
        ("a1", "Wire", "reporting_verb", "said", "say"), ("a2", "Post", "reporting_verb", "said", "say"),
    ), outlets, LEX) == []


STORY = [
    "North Korea has sent about 1,500 special forces to Russia, the NIS said on Friday.",
    "The soldiers were moved on Russian navy ships between 8 and 13 October.",
    "They were issued Russian uniforms and forged identity papers.",
    "The agency added that it expected more shipments soon.",
    "Zelensky said on Thursday that 10,000 soldiers were being prepared.",
]


def test_match_wire_copy_edits_are_found_and_copies_share_a_family() -> None:
    copy = list(STORY)
    copy[0] = copy[0].replace("said", "claimed")
    del copy[3]
    articles = [
        {"id": "a1", "outlet": "Wire", "published": datetime(2024, 10, 18, 6), "sentences": STORY},
        {"id": "a2", "outlet": "Bulletin", "published": datetime(2024, 10, 18, 11), "sentences": copy},
        {"id": "a3", "outlet": "Sentinel", "published": datetime(2024, 10, 21), "sentences": [
            "Austin arrived in Kyiv on his fourth visit.", "Russia fired three missiles overnight.",
            "The air force said more than 100 drones were launched."]},
    ]
    found, family = wire_discrepancies("e", articles)
    [d] = found
    details = json.loads(d["details"])
    assert details["original"] == "Wire" and details["copy"] == "Bulletin"
    types = sorted(e["type"] for e in details["edits"])
    assert types == ["cut", "edited"]
    assert "“said” → “claimed”" in d["summary"]
    assert family["a1"] == family["a2"] != family["a3"]


def test_match_omission_counts_wire_copies_once() -> None:
    outlets = {f"a{i}": f"Outlet {i}" for i in range(5)}
    family = {a: a for a in outlets} | {"a1": "a0"}  # a1 copies a0
    cluster = [{"id": f"c{i}", "article_id": f"a{i}", "text": "1,500", "measure": "troops", "speaker": "NIS"} for i in (0, 1, 2, 3)]
    [d] = omissions("e", [cluster], family, outlets, {"troops"})
    assert json.loads(d["details"])["missing_from"] == ["Outlet 4"]
    assert "3 of 4 stories" in d["summary"]
    # carried by too few stories: no key claim
    assert omissions("e", [cluster[:1]], family, outlets, {"troops"}) == []


def test_match_omission_counts_another_figure_for_the_same_thing_as_carried() -> None:
    # four stories give a toll (one an earlier figure); only the fifth leaves it out
    family = {f"a{i}": f"a{i}" for i in range(5)}
    outlets = {f"a{i}": f"Outlet {i}" for i in range(5)}
    later = [{"id": f"c{i}", "article_id": f"a{i}", "text": "24", "measure": "deaths", "speaker": "coastguard"} for i in range(3)]
    earlier = [{"id": "c3", "article_id": "a3", "text": "nine", "measure": "deaths", "speaker": "coastguard"}]
    [d] = omissions("e", [later, earlier], family, outlets, {"deaths"}, groups=[0, 0])
    assert json.loads(d["details"])["missing_from"] == ["Outlet 4"] and "24" in d["summary"]
    # without the grouping the earlier figure's story would count as leaving the toll out
    found = omissions("e", [later, earlier], family, outlets, {"deaths"})
    assert json.loads(found[0]["details"])["missing_from"] == ["Outlet 3", "Outlet 4"]


def test_match_framing_a_word_a_wire_copy_brought_in_is_an_edit_not_framing() -> None:
    outlets = {"a1": "Wire", "a2": "Copy", "a3": "Post"}
    rows = framing(("a1", "Wire", "reporting_verb", "said", "say"), ("a2", "Copy", "reporting_verb", "claimed", "claim"),
                   ("a3", "Post", "reporting_verb", "said", "say"))
    assert framing_discrepancies("e", rows, outlets, LEX)  # without knowing the copies
    assert framing_discrepancies("e", rows, outlets, LEX, originals={"a1": "a1", "a2": "a1", "a3": "a3"}) == []


def test_match_framing_plain_variants_of_a_name_are_not_framing() -> None:
    outlets = {"a1": "Wire", "a2": "Courier", "a3": "State"}
    plain = framing(("a1", "Wire", "naming", "war in Ukraine", "war in Ukraine"),
                    ("a2", "Courier", "naming", "war against Ukraine", "war in Ukraine"))
    assert framing_discrepancies("e", plain, outlets, LEX) == []
    marked = framing(("a1", "Wire", "naming", "war in Ukraine", "war in Ukraine"),
                     ("a3", "State", "naming", "special military operation", "war in Ukraine"))
    assert len(framing_discrepancies("e", marked, outlets, LEX)) == 1


def test_match_framing_loaded_term_names_its_counterpart_as_the_article_does() -> None:
    text = "The Kalvaran invaders struck at dawn. Later the invaders fired again."
    rows = pl.DataFrame([{"article_id": "a1", "outlet": "Now", "kind": "loaded", "term": "invaders",
                          "canonical": "Russian forces", "start": text.index("invaders")},
                         {"article_id": "a1", "outlet": "Now", "kind": "loaded", "term": "invaders",
                          "canonical": "Russian forces", "start": text.rindex("invaders")}])
    [d] = framing_discrepancies("e", rows, {"a1": "Now", "a2": "Wire"}, LEX, texts={"a1": text})
    assert "Kalvaran forces" in d["summary"]


def test_match_spelling_variants_skip_demonyms_and_common_words_and_see_transliterations() -> None:
    from compare.match.framing import spelling_variants

    entities = pl.DataFrame([{"article_id": a, "outlet": o, "label": "GPE", "text": t} for a, o, t in (
        ("a1", "Wire", "Dravetz"), ("a2", "Kalvar Today", "Dravec"), ("a1", "Wire", "Russia"), ("a2", "Kalvar Today", "Russian"),
        ("a1", "Wire", "Ferry"), ("a2", "Kalvar Today", "Ferri"))])
    found = spelling_variants("e", entities, LEX, common={"ferry"})
    assert [sorted(json.loads(d["details"])["terms"]) for d in found] == [["Dravec", "Dravetz"]]
