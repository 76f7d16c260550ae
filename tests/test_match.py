"""Matching: interval logic, alignment, classification, history (hand-built claim frames)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from compare import match, store
from compare.config import Settings
from compare.lexicons import load_lexicons

LEX = load_lexicons()
FRI = datetime(2024, 10, 18, 9, 0)
MON = datetime(2024, 10, 21, 9, 0)


def claim(id: str, article: str, outlet: str, text: str, low: float | None, high: float | None, *,
          value: float | None = None, qualifier: str = "exact", measure: str = "troops",
          predicate: str | None = "send", speaker: str | None = None, counted: str | None = "troops",
          published: datetime | None = FRI, unit: str | None = None) -> dict[str, Any]:
    return {"id": id, "article_id": article, "outlet": outlet, "published": published, "text": text,
            "value": value if value is not None else (low if low == high else None), "low": low,
            "high": high, "qualifier": qualifier, "direction": None, "unit": unit, "counted": counted,
            "measure": measure, "predicate": predicate, "speaker": speaker, "reporting_verb": "say",
            "time": None, "negated": False, "start": 0}


def frame(*rows: dict[str, Any]) -> pl.DataFrame:
    return pl.DataFrame(list(rows), infer_schema_length=None)


def kinds(*rows: dict[str, Any]) -> list[str]:
    found = match.number_discrepancies("e", frame(*rows), LEX, similarity=55.0)
    return sorted(d["kind"] for d in found)


@pytest.mark.parametrize(("a", "b"), [
    ((100.0, None, None, "more_than"), (120.0, 120.0, 120.0, "exact")),
    ((1350.0, 1650.0, 1500.0, "approx"), (1500.0, 1500.0, 1500.0, "exact")),
    ((1487.0, 1487.0, 1487.0, "exact"), (1350.0, 1500.0, 1500.0, "approx")),  # "nearly 1,500"
    ((1500.0, 1500.0, 1500.0, "exact"), (1487.0, 1487.0, 1487.0, "exact")),  # rounding
    ((200.0, 999.0, None, "vague"), (632.0, 632.0, 632.0, "exact")),  # "hundreds"
])
def test_match_compatible_figures_agree(a: tuple, b: tuple) -> None:
    ra = match.reading_interval(a[0], a[1], a[2], a[3])
    rb = match.reading_interval(b[0], b[1], b[2], b[3])
    assert ra is not None and rb is not None
    assert ra[0] <= rb[1] and rb[0] <= ra[1]


@pytest.mark.parametrize(("a", "b"), [
    ((1500.0, 1500.0, 1500.0, "exact"), (10000.0, 10000.0, 10000.0, "exact")),
    ((10000.0, 10000.0, 10000.0, "exact"), (12000.0, 12000.0, 12000.0, "exact")),
    ((3000.0, None, None, "at_least"), (9000.0, 11000.0, 10000.0, "approx")),
])
def test_match_incompatible_figures_disagree(a: tuple, b: tuple) -> None:
    ra = match.reading_interval(a[0], a[1], a[2], a[3])
    rb = match.reading_interval(b[0], b[1], b[2], b[3])
    assert ra is not None and rb is not None
    assert ra[1] < rb[0] or rb[1] < ra[0]


def test_match_different_sources_are_an_attribution_difference() -> None:
    found = kinds(
        claim("c1", "a1", "Wire", "1,500", 1500, 1500, speaker="South Korea's spy agency"),
        claim("c2", "a2", "Sentinel", "10,000", 10000, 10000, speaker="Volodymyr Zelensky", predicate="prepare"),
    )
    assert found == ["attribution_difference"]


def test_match_same_source_different_figure_is_a_conflict() -> None:
    found = kinds(
        claim("c1", "a1", "Wire", "1,500", 1500, 1500, speaker="NIS"),
        claim("c2", "a2", "Tabloid", "12,000", 12000, 12000, speaker="NIS"),
    )
    assert found == ["number_conflict"]


def test_match_later_figure_from_same_source_is_an_update() -> None:
    found = kinds(
        claim("c1", "a1", "Wire", "more than 600", 600, None, value=600, qualifier="more_than",
              measure="deaths", predicate="kill", speaker="interior ministry"),
        claim("c2", "a2", "Post", "2,012", 2012, 2012, measure="deaths", predicate="kill",
              speaker="Ministry of the Interior", published=MON),
    )
    assert found == ["update"]


def test_match_one_outlet_against_the_rest_is_an_outlier() -> None:
    rows = [claim(f"c{i}", f"a{i}", f"Outlet {i}", "1,500", 1500, 1500) for i in range(4)]
    rows.append(claim("c9", "a9", "Tabloid", "15,000", 15000, 15000))
    assert kinds(*rows) == ["outlier"]


def test_match_agreeing_figures_give_nothing() -> None:
    assert kinds(
        claim("c1", "a1", "Wire", "about 1,500", 1350, 1650, value=1500, qualifier="approx"),
        claim("c2", "a2", "Post", "1,500", 1500, 1500),
        claim("c3", "a3", "Blast", "nearly 1,500", 1350, 1500, value=1500, qualifier="approx"),
    ) == []


def test_match_different_measures_are_never_compared() -> None:
    assert kinds(
        claim("c1", "a1", "Wire", "100", 100, 100, measure="deaths", predicate="kill"),
        claim("c2", "a2", "Post", "300", 300, 300, measure="injured", predicate="injure"),
    ) == []


def test_match_unrelated_predicates_are_not_aligned() -> None:
    assert kinds(
        claim("c1", "a1", "Wire", "100", 100, 100, measure="drones", predicate="fire"),
        claim("c2", "a2", "Post", "40", 40, 40, measure="drones", predicate="intercept"),
    ) == []


def test_match_figures_repeated_in_one_article_count_once() -> None:
    rows = [claim("c1", "a1", "Wire", "1,500", 1500, 1500, speaker="NIS"),
            claim("c1b", "a1", "Wire", "1,500", 1500, 1500, speaker="NIS"),
            claim("c2", "a2", "Tabloid", "12,000", 12000, 12000, speaker="NIS")]
    found = match.number_discrepancies("e", frame(*rows), LEX, similarity=55.0)
    assert len(found) == 1 and "c1b" not in found[0]["claim_ids"]


def test_match_same_articles_telling_two_things_apart_is_no_conflict() -> None:
    # both outlets print "four landing ships and three escort vessels"
    rows = [claim("c1", "a1", "Wire", "four", 4, 4, measure="ships", speaker="NIS", predicate="carry"),
            claim("c2", "a1", "Wire", "three", 3, 3, measure="ships", speaker="NIS", predicate="carry"),
            claim("c3", "a2", "Post", "four", 4, 4, measure="ships", speaker="NIS", predicate="carry"),
            claim("c4", "a2", "Post", "three", 3, 3, measure="ships", speaker="NIS", predicate="carry")]
    assert kinds(*rows) == []


def test_match_same_speaker_recognises_aliases() -> None:
    assert match.same_speaker("National Intelligence Service", "NIS")
    assert match.same_speaker("Ukrainian President Volodymyr Zelensky", "Mr Zelensky")
    assert match.same_speaker("interior ministry", "Ministry of the Interior")
    assert not match.same_speaker("Volodymyr Zelensky", "South Korea's spy agency")


def test_match_summary_and_severity_are_filled() -> None:
    found = match.number_discrepancies("e", frame(
        claim("c1", "a1", "Wire", "1,500", 1500, 1500, speaker="NIS"),
        claim("c2", "a2", "Tabloid", "12,000", 12000, 12000, speaker="NIS"),
    ), LEX, similarity=55.0)
    [d] = found
    assert "1,500" in d["summary"] and "12,000" in d["summary"] and "Tabloid" in d["summary"]
    assert 0.0 < d["severity"] <= 1.0
    assert d["article_ids"] == ["a1", "a2"]


def test_match_run_keeps_history_across_runs(tmp_path: Path) -> None:
    con = store.connect(tmp_path / "m.duckdb")
    con.execute("INSERT INTO events VALUES ('e', 'E', 'folder')")
    # five stories, so that two giving a troop figure do not make it a key claim (no omission)
    for art, outlet, day in (("a1", "Wire", FRI), ("a2", "Tabloid", FRI), ("a3", "Post", FRI),
                             ("a4", "Herald", FRI), ("a5", "Courier", FRI)):
        con.execute("INSERT INTO articles (id, event_id, outlet, published, text) VALUES (?, 'e', ?, ?, 'x')", [art, outlet, day])
    rows = [claim("c1", "a1", "Wire", "1,500", 1500, 1500, speaker="NIS"),
            claim("c2", "a2", "Tabloid", "12,000", 12000, 12000, speaker="NIS")]
    store.insert_frame(con, "claims", store.to_frame("claims", rows))
    settings = Settings(db=tmp_path / "m.duckdb")
    match.run(con, settings, run_id=1)
    first = con.execute("SELECT id, first_seen_run, status FROM discrepancies").fetchall()
    assert [r[2] for r in first] == ["new"] and first[0][1] == 1
    # a rerun on unchanged claims matches nothing again and changes nothing
    again = match.run(con, settings, run_id=2)
    assert again.counts["unchanged_events"] == 1 and again.touched == []
    assert con.execute("SELECT id, first_seen_run, status FROM discrepancies").fetchall() == first
    # a new figure changes the event: the old discrepancy is unchanged, the new one is new
    store.insert_frame(con, "claims", store.to_frame("claims", [
        claim("c3", "a3", "Post", "40,000", 40000, 40000, speaker="NIS")]))
    match.run(con, settings, run_id=3)
    statuses = dict(con.execute("SELECT id, status FROM discrepancies").fetchall())
    assert statuses[first[0][0]] == "unchanged" and sorted(statuses.values()).count("new") >= 1
    con.execute("DELETE FROM claims WHERE id IN ('c2', 'c3')")
    match.run(con, settings, run_id=4)
    assert set(dict(con.execute("SELECT id, status FROM discrepancies").fetchall()).values()) == {"resolved"}
    con.close()


def test_match_figures_whose_verb_names_no_happening_join_the_group_they_agree_with() -> None:
    # "the toll rose to 24", "put the magnitude at 7.0": such verbs do not split figures apart
    rows = [claim("c1", "a1", "Wire", "nine", 9, 9, measure="deaths", predicate="kill", speaker="coastguard"),
            claim("c2", "a2", "Post", "24", 24, 24, measure="deaths", predicate="die", speaker="coastguard",
                  published=MON),
            claim("c3", "a3", "Radio", "24", 24, 24, measure="deaths", predicate="rise", counted=None,
                  speaker="coastguard", published=MON)]
    [group] = match.align(frame(*rows), LEX, similarity=55.0)
    assert {r["id"] for r in group} == {"c1", "c2", "c3"}
    assert LEX.predicate_class("measure") == frozenset() and LEX.predicate_class("fire") == frozenset({"attack"})


def test_match_a_verbless_figure_naming_its_own_thing_stays_apart() -> None:
    # "a pay offer of 4.5%" is not the union's demand of "a rise of at least 9%"
    rows = [claim("c1", "a1", "Times", "4.5%", 4.5, 4.5, measure="percent", unit="%", predicate=None, counted="pay offer"),
            claim("c2", "a2", "Daily", "5.4%", 5.4, 5.4, measure="percent", unit="%", predicate="remain", counted="offer"),
            claim("c3", "a3", "Radio", "at least 9%", 9, None, value=9, qualifier="at_least", measure="percent",
                  unit="%", predicate="want", counted="rise")]
    assert kinds(*rows) == ["number_conflict"]


def test_match_a_figure_every_article_gives_beside_another_is_a_different_thing() -> None:
    # one outlet gives 2.4 billion and the 600 million part of it; another misprints 24 billion
    rows = [claim(f"c{i}", f"a{i}", f"Outlet {i}", "2.4 billion", 2.4e9, 2.4e9, measure="money", unit="EUR",
                  predicate="announce", counted=None) for i in range(3)]
    rows[0]["counted"] = "spending cuts"
    rows.append(claim("c9", "a0", "Outlet 0", "600m", 6e8, 6e8, measure="money", unit="EUR", predicate="include", counted=None))
    rows.append(claim("c8", "a8", "Tabloid", "24 billion", 2.4e10, 2.4e10, measure="money", unit="EUR", predicate="cut", counted=None))
    assert kinds(*rows) == ["outlier"]


def test_match_an_open_figure_agreeing_with_two_clusters_takes_no_side() -> None:
    # a capacity of "up to 600" agrees with both 312 and 412 on board
    rows = [claim(f"c{i}", f"a{i}", f"Outlet {i}", "312", 312, 312, measure="passenger", predicate="carry") for i in range(4)]
    rows.append(claim("c8", "a8", "Radio", "412", 412, 412, measure="passenger", predicate="carry"))
    rows.append(claim("c9", "a0", "Outlet 0", "up to 600", None, 600, value=600, qualifier="up_to",
                      measure="passenger", predicate="carry"))
    assert kinds(*rows) == ["outlier"]
    clusters = match.value_clusters([r for r in rows])
    assert ["c9"] in [[r["id"] for r in c] for c in clusters]
    # "at least nine" next to nine and 17 is the nine
    nine = match.value_clusters([claim("n1", "a1", "W", "nine", 9, 9), claim("n2", "a2", "P", "17", 17, 17),
                                 claim("n3", "a3", "R", "at least nine", 9, None, value=9, qualifier="at_least")])
    assert sorted(sorted(r["id"] for r in c) for c in nine) == [["n1", "n3"], ["n2"]]


@pytest.mark.parametrize(("a", "b", "same"), [
    ("fire chiefs", "county fire service", True),  # a body and its officers
    ("Seoul's spy chief", "South Korea's National Intelligence Service", True),
    ("the government", "interior ministry", True),  # too vague to be another source
    ("Ukraine's air force", "Ukrainian air force", True),
    ("US intelligence officials", "South Korea's National Intelligence Service", False),  # other country
    ("health ministry", "interior ministry", False),
    ("Mayor Tomas Vrell", "national police", False),
])
def test_match_compatible_sources(a: str, b: str, same: bool) -> None:
    assert match.compatible_sources(a, b, LEX) is same


def test_match_misattribution_needs_two_sources_that_cannot_be_one() -> None:
    def rows(other: str) -> list[dict[str, Any]]:
        out = [claim(f"c{i}", f"a{i}", f"Outlet {i}", "12", 12, 12, measure="deaths", predicate="kill",
                     speaker="county fire service") for i in range(3)]
        return out + [claim("c9", "a9", "Tabloid", "A dozen", 12, 12, measure="deaths", predicate="kill", speaker=other)]
    assert kinds(*rows("fire chiefs")) == []
    assert kinds(*rows("police")) == ["misattribution"]
    # the event says who "Cho" is: the intelligence chief of the NIS, so not another source
    troops = [claim(f"t{i}", f"a{i}", f"Outlet {i}", "3,000", 3000, 3000, speaker="NIS") for i in range(3)]
    troops.append(claim("t9", "a9", "Wire", "about 3,000", 2700, 3300, value=3000, qualifier="approx", speaker="Cho"))
    elsewhere = [claim("x1", "a9", "Wire", "1,500", 1500, 1500, speaker="South Korea's intelligence chief Cho Tae-yong",
                       predicate="prepare"),
                 claim("x2", "a8", "Post", "1,500", 1500, 1500, speaker="South Korea's National Intelligence Service",
                       predicate="prepare")]
    assert "misattribution" not in kinds(*troops, *elsewhere)
    assert "misattribution" in kinds(*troops)


@pytest.mark.parametrize(("a", "b", "expected"), [
    (2.4e9, 2.4e10, True), (4200, 42000, True), (38, 83, True), (230, 320, True), (1200, 11200, True),
    (1500, 5000, False), (9, 24, False), (632, 2012, False), (2901, 2946, False), (140000, 140000, False),
])
def test_match_misprint(a: float, b: float, expected: bool) -> None:
    assert match.misprint(a, b) is expected


def test_match_a_misprint_is_set_against_the_figure_it_misprints() -> None:
    # two outlets give a 2,500 monthly payment and a 140,000 grant; a later tabloid prints 14,000
    rows = []
    for i in range(2):
        rows += [claim(f"m{i}", f"a{i}", f"Outlet {i}", "2,500 dirhams", 2500, 2500, measure="money", unit="MAD",
                       predicate="pay", counted=None, speaker="government"),
                 claim(f"g{i}", f"a{i}", f"Outlet {i}", "140,000 dirhams", 140000, 140000, measure="money", unit="MAD",
                       predicate="receive", counted=None, speaker="government")]
    rows.append(claim("t", "a9", "Tabloid", "14,000 dirhams", 14000, 14000, measure="money", unit="MAD",
                      predicate="hand", counted=None, speaker="government", published=MON))
    found = match.number_discrepancies("e", frame(*rows), LEX, similarity=55.0)
    [d] = found
    assert d["kind"] == "number_conflict" and set(d["claim_ids"]) == {"g0", "g1", "t"}


def test_match_figures_counting_different_people_are_not_compared() -> None:
    assert kinds(
        claim("c1", "a1", "Daily", "14", 14, 14, measure="injured", predicate="injure", counted="police officers",
              speaker="interior ministry"),
        claim("c2", "a2", "Free", "about 30", 27, 33, value=30, qualifier="approx", measure="injured",
              predicate="treat", counted="protesters", speaker="volunteer medics"),
    ) == []


def test_match_where_the_measure_says_what_happened_any_verb_agrees() -> None:
    # "went on strike", "joined" and "taking part" all count strikers; a later, larger figure updates
    rows = [claim("c1", "a1", "Wire", "more than 9,000", 9000, None, value=9000, qualifier="more_than",
                  measure="strikers", predicate="go", counted="rail workers", speaker="union"),
            claim("c2", "a2", "Daily", "more than 9,000", 9000, None, value=9000, qualifier="more_than",
                  measure="strikers", predicate="join", counted="members", speaker="union"),
            claim("c3", "a3", "Metro", "12,500", 12500, 12500, measure="strikers", predicate="take",
                  counted="workers", speaker="union", published=MON)]
    assert kinds(*rows) == ["update"]


def test_match_durations_are_never_compared() -> None:
    assert kinds(claim("c1", "a1", "Wire", "over two", 2, None, value=2, qualifier="more_than", measure="year",
                       predicate="remain", counted="years"),
                 claim("c2", "a2", "Post", "three", 3, 3, measure="year", predicate="lose", counted="years")) == []


def test_match_a_figure_of_one_moment_is_not_updated_later() -> None:
    # vehicles on a bridge when it fell do not change overnight; a death toll does
    vehicles = [claim("v1", "a1", "Wire", "14", 14, 14, measure="vehicles", predicate="fall", counted="vehicles", speaker="police"),
                claim("v2", "a2", "Standard", "18", 18, 18, measure="vehicles", predicate="be", counted="vehicles",
                      speaker="police", published=MON)]
    assert kinds(*vehicles) == ["number_conflict"]
    tolls = [dict(r, measure="deaths", predicate="kill", counted="people") for r in vehicles]
    assert kinds(*tolls) == ["update"]


def test_match_groups_repeating_one_figure_from_one_source_are_one_thing() -> None:
    # "repairs worth 4 million had been planned", "4 million had been set aside"; the opposition says 1.5 million
    rows = [claim("m1", "a1", "Wire", "4 million euros", 4e6, 4e6, measure="money", unit="EUR", predicate="plan",
                  counted=None, speaker="transport ministry"),
            claim("m2", "a2", "News", "4 million euros", 4e6, 4e6, measure="money", unit="EUR", predicate="set",
                  counted=None, speaker="transport ministry"),
            claim("m3", "a2", "News", "1.5 million euros", 1.5e6, 1.5e6, measure="money", unit="EUR", predicate="be",
                  counted=None, speaker="Green Alliance")]
    assert kinds(*rows) == ["attribution_difference"]


def test_match_workers_and_staff_of_one_source_on_one_shift_conflict() -> None:
    # "230 workers had been on the night shift" / "320 staff were working the night shift":
    # nouns of one group of generic nouns count the same people, whatever the verb
    rows = [claim("c1", "a1", "Chronicle", "230", 230, 230, measure="worker", predicate="be",
                  counted="workers", speaker="Delmont Coatings"),
            claim("c2", "a2", "Radio", "320", 320, 320, measure="worker", predicate="work",
                  counted="staff", speaker="Delmont Coatings")]
    assert kinds(*rows) == ["number_conflict"]
    # students are not staff
    rows[1] = {**rows[1], "measure": "student", "counted": "students"}
    assert kinds(*rows) == []
