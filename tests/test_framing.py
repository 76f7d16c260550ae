"""The `framing_terms` component: naming variants, loaded terms, hedges and reporting verbs.

Naming, loaded terms and hedges are read from the text, so those tests run the component on
tokenised Docs of a blank English pipeline (no model); reporting verbs need a parse, given by
hand or (marked slow) by the real model. Texts were written for these tests.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import spacy
from spacy.language import Language
from spacy.tokens import Doc

from compare.extract.framing import FramingTerms, make_framing_terms


@pytest.fixture(scope="module")
def blank() -> Language:
    return spacy.blank("en")


@pytest.fixture(scope="module")
def framing(blank: Language) -> FramingTerms:
    return make_framing_terms(blank, "framing_terms", [])


def terms(component: FramingTerms, blank: Language, text: str, kind: str | None = None) -> list[tuple[str, str]]:
    doc = component(blank.make_doc(text))
    return [(f["term"], f["canonical"]) for f in doc._.framing if kind is None or f["kind"] == kind]


@pytest.mark.parametrize(("text", "expected"), [
    ("Missiles struck Kiev overnight.", [("Kiev", "Kyiv")]),
    ("Missiles struck Kyiv overnight.", [("Kyiv", "Kyiv")]),
    ("Fighting raged in the Donbass on Sunday.", [("Donbass", "Donbas")]),
    ("Fighting raged in the Donbas on Sunday.", [("Donbas", "Donbas")]),
    ("President Zelenskyy met Zelensky's advisers.", [("Zelenskyy", "Zelensky"), ("Zelensky", "Zelensky")]),
    # inside another word, a variant is not a name
    ("Kievan Rus and Kyivstar are not variants of the city's name.", []),
])
def test_framing_naming_variants_map_to_canonical(framing: FramingTerms, blank: Language, text: str,
                                                  expected: list[tuple[str, str]]) -> None:
    assert terms(framing, blank, text, "naming") == expected


def test_framing_items_have_offsets_of_the_term(framing: FramingTerms, blank: Language) -> None:
    text = "Missiles struck Kiev and the regime denied it."
    items = framing(blank.make_doc(text))._.framing
    assert items
    for item in items:
        assert text[item["start"]:item["end"]] == item["term"]
    assert [i["start"] for i in items] == sorted(i["start"] for i in items)


@pytest.mark.parametrize(("text", "expected"), [
    ("The regime sent more troops to the border.", [("regime", "government")]),
    ("Local people said the invaders left at dawn.", [("invaders", "Russian forces")]),
    ("The Regime denied the report.", [("Regime", "government")]),
    ("The government sent more troops to the border.", []),
])
def test_framing_loaded_terms(framing: FramingTerms, blank: Language, text: str,
                              expected: list[tuple[str, str]]) -> None:
    assert terms(framing, blank, text, "loaded") == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("The vote was allegedly rigged.", [("allegedly", "allegedly")]),
    ("The so-called referendum was held on Sunday.", [("so-called", "so-called")]),
    ("The so-called referendum was Allegedly rigged.", [("so-called", "so-called"), ("Allegedly", "allegedly")]),
    ("The referendum was held on Sunday.", []),
    # modal verbs hedge figures, not framing
    ("The vote could be delayed.", []),
])
def test_framing_hedges(framing: FramingTerms, blank: Language, text: str, expected: list[tuple[str, str]]) -> None:
    assert terms(framing, blank, text, "hedge") == expected


def _parsed(vocab: Any, verb: str, lemma: str) -> Doc:
    # "The ministry <verb> that troops left ." with the parse given by hand
    return Doc(vocab, words=["The", "ministry", verb, "that", "troops", "left", "."],
               spaces=[True, True, True, True, True, False, False],
               heads=[1, 2, 2, 5, 5, 2, 2],
               deps=["det", "nsubj", "ROOT", "mark", "nsubj", "ccomp", "punct"],
               pos=["DET", "NOUN", "VERB", "SCONJ", "NOUN", "VERB", "PUNCT"],
               tags=["DT", "NN", "VBD", "IN", "NNS", "VBD", "."],
               lemmas=["the", "ministry", lemma, "that", "troop", "leave", "."])


@pytest.mark.parametrize(("verb", "lemma", "expected"), [
    ("said", "say", [("said", "say")]),
    ("claimed", "claim", [("claimed", "claim")]),
    ("told", "tell", [("told", "tell")]),
    # not a reporting verb
    ("hoped", "hope", []),
])
def test_framing_reporting_verb_with_lemma_on_hand_built_parse(
        framing: FramingTerms, blank: Language, verb: str, lemma: str, expected: list[tuple[str, str]]) -> None:
    doc = framing(_parsed(blank.vocab, verb, lemma))
    assert [(f["term"], f["canonical"]) for f in doc._.framing if f["kind"] == "reporting_verb"] == expected


@pytest.mark.slow
def test_framing_reporting_verbs_with_real_parse(nlp: Language) -> None:
    doc = nlp("The ministry told reporters that the attack had failed, and Moscow claimed it had won.")
    verbs = [(f["term"], f["canonical"]) for f in doc._.framing if f["kind"] == "reporting_verb"]
    assert verbs == [("told", "tell"), ("claimed", "claim")]


@pytest.mark.slow
def test_framing_full_pipeline_sets_every_kind(nlp: Language) -> None:
    doc = nlp("The regime in Kiev allegedly lost the so-called battle for the Donbass, officials said.")
    kinds = {(f["kind"], f["term"], f["canonical"]) for f in doc._.framing}
    assert kinds >= {("loaded", "regime", "government"), ("naming", "Kiev", "Kyiv"),
                     ("hedge", "allegedly", "allegedly"), ("hedge", "so-called", "so-called"),
                     ("naming", "Donbass", "Donbas"), ("reporting_verb", "said", "say")}


def test_framing_user_lexicon_adds_variants_and_terms(tmp_path: Path, blank: Language) -> None:
    lexicon = tmp_path / "my-lexicon.toml"
    lexicon.write_text(
        'words = ["ostensibly"]\n\n'
        '[naming.Kyiv]\nvariants = ["Kiew"]\n\n'
        '[naming.Bakhmut]\nvariants = ["Bakhmut", "Artemovsk"]\n\n'
        '[loaded]\n"meat grinder" = "battle"\n',
        encoding="utf-8")
    text = "Shells fell on Kiew and Artemovsk, ostensibly in a meat grinder battle."
    builtin = make_framing_terms(blank, "framing_terms", [])
    assert terms(builtin, blank, text) == []
    extended = make_framing_terms(blank, "framing_terms", [str(lexicon)])
    assert terms(extended, blank, text) == [
        ("Kiew", "Kyiv"), ("Artemovsk", "Bakhmut"), ("ostensibly", "ostensibly"), ("meat grinder", "battle")]
    # the built-in variants are still there
    assert terms(extended, blank, "Missiles struck Kiev.", "naming") == [("Kiev", "Kyiv")]


def test_framing_user_lexicon_through_add_pipe(tmp_path: Path) -> None:
    lexicon = tmp_path / "names.toml"
    lexicon.write_text('[naming.Kyiv]\nvariants = ["Kiew"]\n', encoding="utf-8")
    nlp = spacy.blank("en")
    nlp.add_pipe("framing_terms", config={"lexicon_files": [str(lexicon)]})
    doc = nlp("Shells fell on Kiew overnight.")
    assert [(f["kind"], f["term"], f["canonical"]) for f in doc._.framing] == [("naming", "Kiew", "Kyiv")]


@pytest.mark.slow
def test_framing_verbs_that_report_nothing_and_charges_are_not_framing(nlp: Language) -> None:
    doc = nlp("Passengers can claim compensation for the delay. Those arrested were suspected of attacking officers. "
              "\"The ministry believes it is right,\" an economist said.")
    found = [(f["kind"], f["term"]) for f in doc._.framing if f["kind"] in ("reporting_verb", "hedge")]
    assert found == [("reporting_verb", "said")]
