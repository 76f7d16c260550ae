"""Direct quotes: `find_quotes` on plain strings (no model), then speaker and verb through
the full pipeline (marked slow). Every text was written for these tests."""

from __future__ import annotations

import random

import pytest
from spacy.language import Language

from compare.extract.quotes import find_quotes

OPENING_MARKS = "“„«‘\""


def quoted(text: str) -> list[str]:
    return [text[s:e] for s, e in find_quotes(text)]


# -- find_quotes on strings ------------------------------------------------------------------

@pytest.mark.parametrize(("text", "inner"), [
    ("“This is a grave threat,” the president said.", "This is a grave threat,"),
    ('"This is a grave threat," the president said.', "This is a grave threat,"),
    ("The mayor said ‘we will rebuild every home’ on Friday.", "we will rebuild every home"),
    ("She said: «We will never give up this city.»", "We will never give up this city."),
    ("Il a dit «nous resterons ici» hier soir.", "nous resterons ici"),
])
def test_quotes_find_quotes_curly_straight_and_guillemets(text: str, inner: str) -> None:
    assert quoted(text) == [inner]


def test_quotes_find_quotes_offsets_are_inside_the_marks() -> None:
    text = "Officials met. “We will not retreat from the river,” the commander said."
    [(start, end)] = find_quotes(text)
    assert text[start - 1] == "“" and text[end] == "”"


@pytest.mark.parametrize("gap", ["\n", "\n\n"])
def test_quotes_find_quotes_joins_a_quote_over_two_paragraphs(gap: str) -> None:
    first = "The first part of the plan is already done."
    second = "The second part will take another year,"
    text = f"The mayor said: “{first}{gap}“{second}” she added."
    assert quoted(text) == [f"{first}{gap}“{second}"]


@pytest.mark.parametrize("text", [
    # an opening with no close: the quote ends with its paragraph and is dropped
    "He said: “The quote never ends in this paragraph.\nThe next paragraph is plain prose here.",
    "“An unclosed quote starts here.\n\nThe next paragraph is plain prose about the floods.",
    # a second paragraph that does not repeat the opening mark does not continue the quote
    "“First part of a quote runs on,\n\nand the second paragraph has no opening mark” she said.",
])
def test_quotes_find_quotes_unclosed_quote_is_dropped(text: str) -> None:
    assert find_quotes(text) == []


@pytest.mark.parametrize(("text", "inner"), [
    # a stray closing mark is ignored; the real quote after it is still found
    ("The paragraph ends with a stray mark.” Then “a real quote here” follows.", "a real quote here"),
    ("A stray close” appears here. Then “a real quote here” follows.", "a real quote here"),
    # an unclosed opening in one paragraph does not swallow the next paragraph's quote
    ("He said “an opening with no close\nand then “a second quote here” follows.", "a second quote here"),
])
def test_quotes_find_quotes_unbalanced_marks_do_not_break_other_quotes(text: str, inner: str) -> None:
    assert quoted(text) == [inner]


def test_quotes_find_quotes_never_raises_or_crosses_a_paragraph_on_random_marks() -> None:
    rng = random.Random(20241018)
    pieces = ["“", "”", '"', "«", "»", "‘", "’", "'", "„", "word", "two words", " ", " ", "\n",
              "\n\n", ",", ".", ":", "(", "-"]
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 40)))
        for start, end in find_quotes(text):
            assert 0 <= start < end <= len(text)
            # a line break inside a quote is only allowed where the next paragraph reopens it
            for j in range(start, end):
                if text[j] == "\n":
                    k = j
                    while k < len(text) and text[k] == "\n":
                        k += 1
                    assert k < end and text[k] in OPENING_MARKS, repr(text)


@pytest.mark.parametrize("text", [
    "South Korea’s spy agency said the soldiers’ families were told nothing.",
    "South Korea's spy agency said the soldiers' families were told nothing.",
    "Officials praised the soldiers’ courage and Korea’s response to the attack.",
])
def test_quotes_find_quotes_apostrophes_are_not_quote_marks(text: str) -> None:
    assert find_quotes(text) == []


def test_quotes_find_quotes_apostrophes_around_a_real_quote() -> None:
    text = "Officials praised the soldiers’ courage and Korea’s response, calling it “a decisive step”."
    assert quoted(text) == ["a decisive step"]


@pytest.mark.parametrize("text", [
    "He called the retreat a “victory” in his speech.",
    "Zelensky presented his so-called “victory plan” to parliament.",
    "Zelensky presented his so-called “victory plan for Ukraine” to parliament.",
])
def test_quotes_find_quotes_scare_quotes_are_not_quotes(text: str) -> None:
    assert find_quotes(text) == []


# -- speaker and verb through the pipeline ---------------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize(("text", "quote", "speaker", "verb"), [
    ("“This is a grave threat,” the president said.", "This is a grave threat", "president", "say"),
    ("Mr Rutte wrote that it would “mark a significant escalation”.",
     "mark a significant escalation", "Mr Rutte", "write"),
    ("Foreign Minister Cho Tae-yul said on Monday: “We will not accept any troops on our border.”",
     "We will not accept any troops on our border", "Foreign Minister Cho Tae-yul", "say"),
    # the reporting clause is the previous sentence, ending with a colon
    ("The foreign minister told reporters on Monday:\n\n“We will not accept any troops on our "
     "border. Our answer will be firm.”",
     "We will not accept any troops on our border. Our answer will be firm", "foreign minister", "tell"),
])
def test_quotes_speaker_and_verb(nlp: Language, text: str, quote: str, speaker: str, verb: str) -> None:
    doc = nlp(text)
    assert len(doc._.quotes) == 1
    found = doc._.quotes[0]
    assert found["text"] == quote
    assert text[found["start"]:found["end"]] == quote
    assert (found["speaker"], found["verb"]) == (speaker, verb)


@pytest.mark.slow
def test_quotes_quote_after_colon_sentence_is_in_the_next_sentence(nlp: Language) -> None:
    text = "The foreign minister told reporters on Monday:\n\n“We will not accept any troops on our border.”"
    doc = nlp(text)
    [quote] = doc._.quotes
    assert quote["sentence_index"] == 1
    assert quote["speaker"] == "foreign minister"


@pytest.mark.slow
def test_quotes_two_paragraph_quote_text_is_joined(nlp: Language) -> None:
    text = ("Mayor Anna Holt said: “The first part of the plan is already done.\n\n"
            "“The second part will take another year,” she added.")
    [quote] = nlp(text)._.quotes
    assert quote["text"] == "The first part of the plan is already done. The second part will take another year"
    assert quote["start"] == text.index("The first")
    assert text[quote["end"] - 4:quote["end"]] == "year"
