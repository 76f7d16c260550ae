"""The `quantity_claims` component: what a figure counts, its measure, verb and direction.

Most tests run small sentences (written for these tests) through the full pipeline (the
session `nlp` fixture, real en_core_web_sm parse). One test builds a Doc by hand and runs
the component alone on it, to show it reads whatever parse it is given.
"""

from __future__ import annotations

from typing import Any

import pytest
import spacy
from spacy.language import Language
from spacy.tokens import Doc

from compare.extract.quantities import sentence_bounds

pytestmark = pytest.mark.slow


def claims_of(nlp: Language, text: str) -> list[dict[str, Any]]:
    return list(nlp(text)._.claims)


def one_claim(nlp: Language, text: str, figure: str) -> dict[str, Any]:
    found = [c for c in claims_of(nlp, text) if c["text"] == figure]
    assert len(found) == 1, f"{figure!r} in {text!r}: {[c['text'] for c in claims_of(nlp, text)]}"
    return found[0]


# -- what is counted -------------------------------------------------------------------------

def test_quantities_counted_noun_phrase_keeps_its_modifiers(nlp: Language) -> None:
    text = "North Korea sent 1,500 special operation forces to Russia this month."
    claim = one_claim(nlp, text, "1,500")
    assert claim["counted"] == "special operation forces"
    assert claim["measure"] == "troops"
    assert claim["predicate"] == "send"
    assert (claim["value"], claim["low"], claim["high"], claim["qualifier"]) == (1500, 1500, 1500, "exact")
    assert claim["unit"] is None


@pytest.mark.parametrize(("text", "figure", "counted", "measure", "predicate"), [
    ("Gunmen killed 12 people in the village.", "12", "people", "deaths", "kill"),
    ("The shelling injured 40 civilians.", "40", "civilians", "injured", "injure"),
    ("Police arrested 30 people during the protest.", "30", "people", "arrested", "arrest"),
    ("Rescuers saved 42 people from the rubble.", "42", "people", "rescued", "save"),
    ("The floods displaced 5,000 residents.", "5,000", "residents", "displaced", "displace"),
])
def test_quantities_measure_of_generic_noun_comes_from_the_verb(
        nlp: Language, text: str, figure: str, counted: str, measure: str, predicate: str) -> None:
    claim = one_claim(nlp, text, figure)
    assert (claim["counted"], claim["measure"], claim["predicate"]) == (counted, measure, predicate)


def test_quantities_coordinated_figures_get_their_own_measures(nlp: Language) -> None:
    claims = claims_of(nlp, "12 people were killed and 40 injured in the attack.")
    assert [(c["text"], c["measure"], c["predicate"]) for c in claims] == [
        ("12", "deaths", "kill"), ("40", "injured", "injure")]


@pytest.mark.parametrize(("text", "figure", "measure"), [
    ("The death toll rose to 2,000.", "2,000", "deaths"),
    ("The death toll from the earthquake rose to 2,946 on Sunday.", "2,946", "deaths"),
    ("The number of injured stood at 5,674.", "5,674", "injured"),
])
def test_quantities_figure_that_refers_back_takes_measure_from_its_subject(
        nlp: Language, text: str, figure: str, measure: str) -> None:
    claim = one_claim(nlp, text, figure)
    assert claim["counted"] is None
    assert claim["measure"] == measure


# -- direction -------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "figure", "direction"), [
    ("Prices rose by 5% last year.", "5%", "up"),
    ("Prices fell 2% in October.", "2%", "down"),
    ("Exports fell by 7% in March.", "7%", "down"),
    ("Shares dropped 3 per cent on Monday.", "3 per cent", "down"),
    ("The firm cut its workforce by 200.", "200", "down"),
    # the size of a change measured in points, places or a currency's cents
    ("The index gained 150 points on Friday.", "150", "up"),
    ("The club slipped four places in the league table.", "four", "down"),
    ("The shares climbed 12 sen to RM4.10.", "12 sen", "up"),
    ("The miner added 20 cents to $3.40.", "20 cents", "up"),
    ("The shares climbed 12 sen to RM4.10.", "RM4.10", None),
    # a particle of a verb of movement; other particles are not directions
    ("The index was trending down 0.4% at midday.", "0.4%", "down"),
    ("The stock ended up 3% on the day.", "3%", "up"),
    ("Exports made up 40% of output.", "40%", None),
    ("Air defences shot down 20 drones overnight.", "20", None),
    ("The firm now expects a profit of $5bn, up $400m from its earlier forecast.", "$400m", "up"),
    # the way is said before "by"
    ("The forecast was revised upward by 40 billion yen.", "40 billion yen", "up"),
    ("Prices were lower by 3% than a year earlier.", "3%", "down"),
    ("The central bank revised its outlook down by 0.3 percentage points.", "0.3 percentage points", "down"),
    # a change whose verb is left out ("profits [rose] by 3%")
    ("Sales rose 5% in March, and profits by 3%.", "3%", "up"),
    ("Shares of the miner were down 2%, the refiner by 1.5% and the bank was flat.", "1.5%", "down"),
    ("Sales rose 5% in March, helped by 3% inflation.", "3%", None),
    # a level, not a change
    ("The death toll rose to 2,000.", "2,000", None),
    ("Exports rose to $2bn last year.", "$2bn", None),
    # an amount, not a change
    ("Gunmen killed 12 people in the village.", "12", None),
    ("The retailer added 300 jobs at its depot.", "300", None),
])
def test_quantities_direction_of_a_change(nlp: Language, text: str, figure: str, direction: str | None) -> None:
    assert one_claim(nlp, text, figure)["direction"] == direction


# -- negation --------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "figure", "negated"), [
    ("The army did not send 1,500 troops to the front.", "1,500", True),
    ("The army never sent 1,500 troops to the front.", "1,500", True),
    ("Police did not arrest 30 protesters.", "30", True),
    ("The army sent 1,500 troops to the front.", "1,500", False),
    ("Police arrested 30 protesters.", "30", False),
])
def test_quantities_negation(nlp: Language, text: str, figure: str, negated: bool) -> None:
    assert one_claim(nlp, text, figure)["negated"] is negated


# -- what is not a claim ---------------------------------------------------------------------

@pytest.mark.parametrize(("text", "figures"), [
    ("The meeting took place on 18 October 2024.", []),
    ("On 18 October 2024, police arrested 30 protesters in the capital.", ["30"]),
    ("It was his fourth visit to the region.", []),
    ("On his fourth visit to the region, the minister met 20 local leaders.", ["20"]),
    ("The 45-year-old was arrested at the scene.", []),
    ("The 45-year-old was one of 12 people arrested at the scene.", ["12"]),
    ("They live in a two-storey house near the river.", []),
    ("The blast destroyed a two-storey house and damaged 14 other buildings.", ["14"]),
    ("The country bought F-16 jets from the United States.", []),
    ("The air force received 24 F-16 jets from its allies.", ["24"]),
    ("The airline ordered a Boeing 737 last week.", []),
    ("The airline ordered 50 aircraft, including a Boeing 737 for its domestic routes.", ["50"]),
    ("For tickets call 020 7946 0958 before noon.", []),
    ("Residents can call 020 7946 0958 for help, and 300 volunteers have signed up.", ["300"]),
    ("Sarah Pickford, 29, from Leeds, was among the injured.", []),
    ("Sarah Pickford, 29, from Leeds, was one of 40 people injured.", ["40"]),
    ("The factory closed in 2019.", []),
    ("In 2019, the company employed 300 workers.", ["300"]),
    ("The carrier grounded three new 747 Freighter planes.", ["three"]),
    ("The carrier bought 40 Airbus planes.", ["40"]),
    ("The firm leased a unit at 12-14 Harbour Road last year.", []),
    ("Homes in the 10115 postcode sold for more than $2m.", ["more than $2m"]),
])
def test_quantities_dates_ordinals_ages_descriptors_names_and_phones_are_not_claims(
        nlp: Language, text: str, figures: list[str]) -> None:
    assert [c["text"] for c in claims_of(nlp, text)] == figures


@pytest.mark.parametrize("text", [
    "The army deployed 3,000 troops near the border.\n\n2.\n\nOfficials said more would follow.",
    "Key facts:\n\n3\n\nThe army deployed 3,000 troops near the border.",
])
def test_quantities_number_standing_alone_is_a_list_marker(nlp: Language, text: str) -> None:
    assert [c["text"] for c in claims_of(nlp, text)] == ["3,000"]


# -- offsets and sentences -------------------------------------------------------------------

def test_quantities_offsets_point_at_figure_and_sentence_is_text_in_bounds(nlp: Language) -> None:
    text = ("Floods hit the valley\n\n"
            "  Emergency crews rescued 42 people from flooded homes on Sunday.\n\n"
            "A further 12 people were taken to hospital, officials said, and about 1,500 "
            "residents were moved to shelters.")
    doc = nlp(text)
    bounds = sentence_bounds(doc)
    claims = doc._.claims
    assert [c["text"] for c in claims] == ["42", "12", "about 1,500"]
    for claim in claims:
        assert text[claim["start"]:claim["end"]] == claim["text"]
        s0, s1 = bounds[claim["sentence_index"]]
        assert claim["sentence"] == text[s0:s1]
        assert s0 <= claim["start"] < claim["end"] <= s1
        assert claim["sentence"] == claim["sentence"].strip()
    assert claims[0]["sentence"] == "Emergency crews rescued 42 people from flooded homes on Sunday."
    assert claims[1]["sentence_index"] == claims[2]["sentence_index"] == claims[0]["sentence_index"] + 1


# -- the component on a hand-built parse -----------------------------------------------------

def _hand_doc(vocab: Any, verb: str, lemma: str) -> Doc:
    # "Russia <verb> 1,500 soldiers to Kursk ." with the parse given, no model involved
    return Doc(
        vocab,
        words=["Russia", verb, "1,500", "soldiers", "to", "Kursk", "."],
        spaces=[True, True, True, True, True, False, False],
        heads=[1, 1, 3, 1, 1, 4, 1],
        deps=["nsubj", "ROOT", "nummod", "dobj", "prep", "pobj", "punct"],
        pos=["PROPN", "VERB", "NUM", "NOUN", "ADP", "PROPN", "PUNCT"],
        tags=["NNP", "VBD", "CD", "NNS", "IN", "NNP", "."],
        lemmas=["Russia", lemma, "1,500", "soldier", "to", "Kursk", "."],
    )


@pytest.mark.parametrize(("verb", "lemma"), [("sent", "send"), ("deployed", "deploy")])
def test_quantities_component_reads_a_hand_built_parse(verb: str, lemma: str) -> None:
    blank = spacy.blank("en")
    component = blank.add_pipe("quantity_claims")
    doc = component(_hand_doc(blank.vocab, verb, lemma))
    assert len(doc._.claims) == 1
    claim = doc._.claims[0]
    assert claim["text"] == "1,500" and claim["value"] == 1500
    assert doc.text[claim["start"]:claim["end"]] == "1,500"
    assert claim["counted"] == "soldiers"
    assert claim["measure"] == "troops"
    assert claim["predicate"] == lemma
    assert claim["sentence"] == f"Russia {verb} 1,500 soldiers to Kursk."


@pytest.mark.parametrize(("verb", "lemma", "measure"), [
    ("killed", "kill", "deaths"), ("wounded", "wound", "injured"), ("detained", "detain", "arrested")])
def test_quantities_component_on_hand_built_parse_takes_measure_from_given_lemma(
        verb: str, lemma: str, measure: str) -> None:
    blank = spacy.blank("en")
    component = blank.add_pipe("quantity_claims")
    doc = Doc(blank.vocab, words=["Gunmen", verb, "12", "people", "."],
              spaces=[True, True, True, False, False], heads=[1, 1, 3, 1, 1],
              deps=["nsubj", "ROOT", "nummod", "dobj", "punct"],
              pos=["NOUN", "VERB", "NUM", "NOUN", "PUNCT"], tags=["NNS", "VBD", "CD", "NNS", "."],
              lemmas=["gunman", lemma, "12", "people", "."])
    claim = component(doc)._.claims[0]
    assert (claim["counted"], claim["measure"], claim["predicate"]) == ("people", measure, lemma)


# -- conversions in brackets -------------------------------------------------------------------

@pytest.mark.parametrize(("text", "figure", "qualifier", "low", "high", "direction"), [
    ("The fund holds more than 40 million Swiss francs (US$44 million) in bonds.", "US$44 million",
     "more_than", 44_000_000, None, None),
    ("The engine makes just under 200 hp (149 kW / 203 PS) at full revs.", "149 kW", "less_than", None, 149, None),
    ("The engine makes just under 200 hp (149 kW / 203 PS) at full revs.", "203 PS", "less_than", None, 203, None),
    ("The lake fell by 2 to 3 metres (6.5 to 10 feet) over the summer.", "6.5 to 10 feet", "range", 6.5, 10, "down"),
    ("The runway was extended by about 500 metres (1,640 feet) last year.", "1,640 feet", "approx", 1476, 1804, "up"),
    # not conversions: a share, a figure of the same unit, a figure with its own qualifier
    ("Nearly 2,000 people (15%) were hurt in the floods.", "15%", "exact", 15, 15, None),
    ("More than 300 recruits (200 of them conscripts) arrived.", "200", "exact", 200, 200, None),
    ("Rents rose by about $300 (nearly £240) a month.", "nearly £240", "approx", 216, 240, None),
])
def test_quantities_conversion_in_brackets_asserts_what_the_original_does(
        nlp: Language, text: str, figure: str, qualifier: str, low: float | None, high: float | None,
        direction: str | None) -> None:
    claim = one_claim(nlp, text, figure)
    assert (claim["qualifier"], claim["low"], claim["high"], claim["direction"]) == (qualifier, low, high, direction)


@pytest.mark.parametrize(("text", "figure", "measure"), [
    # a phrase of the verb says what happened to the people counted
    ("More than 9,000 rail workers went on strike on Monday.", "More than 9,000", "strikers"),
    ("The union says 12,500 of its members are now on strike.", "12,500", "strikers"),
    ("The health department said 52 residents had been taken to hospital.", "52", "injured"),
    ("The agency said 42,000 people had been forced from their homes.", "42,000", "displaced"),
    # taking part in an event: the event names the measure
    ("Police said 18,000 people joined the march.", "18,000", "protesters"),
    ("The strike widened on Tuesday, with 12,500 workers now taking part.", "12,500", "strikers"),
    ("Ministers held firm despite a strike that had been joined by more than 9,000 members.", "more than 9,000", "strikers"),
])
def test_quantities_measure_from_a_complement_or_an_event_taken_part_in(
        nlp: Language, text: str, figure: str, measure: str) -> None:
    assert one_claim(nlp, text, figure)["measure"] == measure


@pytest.mark.parametrize(("text", "figure", "direction"), [
    ("Air defences shot down 40 drones overnight.", "40", None),  # a particle, not a change
    ("The index closed down 2% on Monday.", "2%", "down"),
])
def test_quantities_particle_of_a_verb_is_no_direction(nlp: Language, text: str, figure: str, direction: str | None) -> None:
    assert one_claim(nlp, text, figure)["direction"] == direction


def test_quantities_temperature_in_degrees_celsius(nlp: Language) -> None:
    claim = one_claim(nlp, "Temperatures reached 41.3 degrees Celsius in Salden on Tuesday.", "41.3 degrees Celsius")
    assert (claim["value"], claim["unit"], claim["measure"]) == (41.3, "deg", "temperature")


@pytest.mark.parametrize(("text", "figure"), [
    ("Delmont said 230 workers had been on the night shift when the fire broke out.", "230"),
    ("According to the company, 320 staff were working the night shift at the time.", "320"),
    ("The firm said 45 employees were sent home early on Friday.", "45"),
])
def test_quantities_workers_staff_and_employees_are_one_measure(nlp: Language, text: str, figure: str) -> None:
    assert one_claim(nlp, text, figure)["measure"] == "worker"
