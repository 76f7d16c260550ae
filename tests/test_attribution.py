"""The `claim_attribution` component: who a figure is credited to, how, when, and hedging.

Runs small texts (written for these tests) through the full pipeline: the session `nlp`.
"""

from __future__ import annotations

from typing import Any

import pytest
from spacy.language import Language

pytestmark = pytest.mark.slow


def claim(nlp: Language, text: str, figure: str) -> dict[str, Any]:
    claims = nlp(text)._.claims
    found = [c for c in claims if c["text"] == figure]
    assert len(found) == 1, f"{figure!r} in {text!r}: {[c['text'] for c in claims]}"
    return found[0]


@pytest.mark.parametrize(("text", "figure", "speaker", "verb"), [
    # X said ...
    ("The interior ministry said 14 people had been killed.", "14", "interior ministry", "say"),
    # ..., X said.
    ("At least 14 people were killed in the blast, the interior ministry said.", "At least 14",
     "interior ministry", "say"),
    ("North Korea sent 1,500 troops to Russia this month, the agency said.", "1,500", "agency", "say"),
    # according to X
    ("At least 14 people were killed, according to the interior ministry.", "At least 14",
     "interior ministry", "according to"),
    ("According to the interior ministry, at least 14 people were killed.", "at least 14",
     "interior ministry", "according to"),
    # X told reporters that ...
    ("Police chief Mark Ellison told reporters that 30 protesters had been arrested.", "30",
     "Police chief Mark Ellison", "tell"),
    # X said in a statement ...
    ("The fire service said in a statement that 42 people were rescued.", "42", "fire service", "say"),
    ("In a statement, the interior ministry said 14 people had been killed.", "14", "interior ministry", "say"),
    # headline style
    ("Kim sends 1,500 troops to Russia, NIS says", "1,500", "NIS", "say"),
])
def test_attribution_speaker_and_reporting_verb(nlp: Language, text: str, figure: str, speaker: str, verb: str) -> None:
    found = claim(nlp, text, figure)
    assert (found["speaker"], found["reporting_verb"]) == (speaker, verb)
    assert found["hedged"] is False


def test_attribution_headline_and_body_have_their_own_sources(nlp: Language) -> None:
    text = ("Kim sends 1,500 troops to Russia, NIS says\n\n"
            "North Korea has sent about 1,500 special forces to Russia, South Korea's spy agency said on Friday.")
    claims = nlp(text)._.claims
    assert [(c["text"], c["sentence_index"], c["speaker"], c["reporting_verb"]) for c in claims] == [
        ("1,500", 0, "NIS", "say"), ("about 1,500", 1, "South Korea's spy agency", "say")]


@pytest.mark.parametrize(("text", "figure", "speaker", "verb"), [
    # "It added ..." in the next sentence: the agency named before
    ("South Korea's National Intelligence Service said North Korea had sent 1,500 troops to Russia. "
     "It added that 500 more soldiers would follow.", "500",
     "South Korea's National Intelligence Service", "add"),
    # "The agency added ...": a bare noun resolves to the named source that contains it
    ("South Korea's National Intelligence Service said North Korea had sent 1,500 troops to Russia. "
     "The agency added that 500 more would follow.", "500",
     "South Korea's National Intelligence Service", "add"),
    ("Ukraine's defence ministry said 40 drones were shot down overnight. "
     "The ministry added that 12 missiles were intercepted.", "12", "Ukraine's defence ministry", "add"),
])
def test_attribution_reported_speech_in_the_following_sentence(
        nlp: Language, text: str, figure: str, speaker: str, verb: str) -> None:
    found = claim(nlp, text, figure)
    assert found["sentence_index"] == 1
    assert (found["speaker"], found["reporting_verb"]) == (speaker, verb)


@pytest.mark.parametrize(("text", "figure", "speaker"), [
    # an earlier source that is not named tells nothing more than the noun itself
    ("According to the company, 320 staff were working the night shift. "
     "About 9,000 rail workers walked out on Monday, the union said.", "About 9,000", "union"),
    ("Officials at the company said 40 employees were hurt. "
     "Some 300 members joined the walkout, the union said.", "Some 300", "union"),
    # a named one is what the bare noun stands for
    ("Meridian Rail said 320 staff were working the night shift. "
     "Only 12 trains ran on Monday, the operator said.", "12", "Meridian Rail"),
])
def test_attribution_bare_noun_after_an_unnamed_source_stays_itself(
        nlp: Language, text: str, figure: str, speaker: str) -> None:
    assert claim(nlp, text, figure)["speaker"] == speaker


def test_attribution_first_sentence_keeps_its_own_speaker(nlp: Language) -> None:
    text = ("Ukraine's defence ministry said 40 drones were shot down overnight. "
            "The ministry added that 12 missiles were intercepted.")
    found = claim(nlp, text, "40")
    assert (found["speaker"], found["reporting_verb"]) == ("Ukraine's defence ministry", "say")


def test_attribution_figure_inside_a_direct_quote_belongs_to_the_quoted_person(nlp: Language) -> None:
    doc = nlp("“We have lost 300 soldiers in a week,” Colonel Petrenko said.")
    [found] = doc._.claims
    assert (found["speaker"], found["reporting_verb"]) == ("Colonel Petrenko", "say")
    [quote] = doc._.quotes
    assert quote["start"] <= found["start"] < quote["end"]


@pytest.mark.parametrize(("text", "figure"), [
    ("Russia fired 40 missiles at the city overnight.", "40"),
    ("The army sent 1,500 troops to the front.", "1,500"),
    ("The earthquake has killed more than 2,000 people.", "more than 2,000"),
])
def test_attribution_figure_the_outlet_asserts_has_no_speaker(nlp: Language, text: str, figure: str) -> None:
    found = claim(nlp, text, figure)
    assert found["speaker"] is None
    assert found["reporting_verb"] is None
    assert found["hedged"] is False


@pytest.mark.parametrize(("text", "figure", "speaker"), [
    ("Russia claimed that 40 drones were destroyed.", "40", "Russia"),
    ("The Russian defence ministry claimed that 40 drones were destroyed.", "40", "Russian defence ministry"),
])
def test_attribution_claim_verb_hedges(nlp: Language, text: str, figure: str, speaker: str) -> None:
    found = claim(nlp, text, figure)
    assert (found["speaker"], found["reporting_verb"], found["hedged"]) == (speaker, "claim", True)


@pytest.mark.parametrize(("text", "hedged"), [
    ("Russia reportedly sent 1,500 troops to the front.", True),
    ("Russia allegedly sent 1,500 troops to the front.", True),
    ("Russia sent 1,500 troops to the front.", False),
])
def test_attribution_hedge_words(nlp: Language, text: str, hedged: bool) -> None:
    assert claim(nlp, text, "1,500")["hedged"] is hedged


def test_attribution_pronoun_resolves_to_person_named_earlier_in_sentence(nlp: Language) -> None:
    text = "Volodymyr Zelensky arrived in Brussels on Thursday, and he said 10,000 troops were being prepared."
    found = claim(nlp, text, "10,000")
    assert (found["speaker"], found["reporting_verb"]) == ("Volodymyr Zelensky", "say")


@pytest.mark.parametrize(("text", "figure", "time"), [
    ("North Korea sent 1,500 troops to Russia this month, the agency said.", "1,500", "this month"),
    ("The ministry said 40 drones were shot down on Friday.", "40", "on Friday"),
    ("The army will deploy 2,000 soldiers by December, the ministry said.", "2,000", "by December"),
    ("Russia plans to send 5,000 more troops by December.", "5,000", "by December"),
    ("The interior ministry said 14 people had been killed.", "14", None),
])
def test_attribution_time_expression(nlp: Language, text: str, figure: str, time: str | None) -> None:
    assert claim(nlp, text, figure)["time"] == time


def test_attribution_private_fields_are_removed(nlp: Language) -> None:
    found = claim(nlp, "The interior ministry said 14 people had been killed.", "14")
    assert not [k for k in found if k.startswith("_")]


@pytest.mark.parametrize(("text", "figure", "speaker"), [
    # an unnamed speaker with a name in apposition: the name
    ("The ferry was carrying 312 passengers, according to its operator, Aurelia Lines.", "312", "Aurelia Lines"),
    ("The mayor of the town, Anna Berg, said that 14 people had been killed.", "14", "Anna Berg"),
    # "the company said": the organisation named just before, not the last source quoted
    ("The coastguard said nine people had died. The ferry, operated by Aurelia Lines, had 312 passengers "
     "on board, the company said.", "312", "Aurelia Lines"),
    # a document named by its issuer
    ("According to police estimates, 18,000 people joined the march.", "18,000", "police"),
    # a closing reporting clause the parse hung on the last name of the statement
    ("Pyongyang has shipped 5,000 soldiers to help Vladimir Putin, South Korea's spy agency told MPs.", "5,000",
     "South Korea's spy agency"),
])
def test_attribution_names_behind_descriptions(nlp: Language, text: str, figure: str, speaker: str) -> None:
    assert claim(nlp, text, figure)["speaker"] == speaker


@pytest.mark.parametrize(("text", "figure", "speaker"), [
    # a described source is an earlier one only if every word matches
    ("The national weather service said it was hot. The fire service said it was fighting 12 wildfires.", "12",
     "fire service"),
    # "claimed 34 lives" says what happened; the statement is the health ministry's
    ("The heatwave claimed 34 lives this week, the health ministry said.", "34", "health ministry"),
])
def test_attribution_descriptions_and_predicates_that_look_like_reporting(
        nlp: Language, text: str, figure: str, speaker: str) -> None:
    assert claim(nlp, text, figure)["speaker"] == speaker
