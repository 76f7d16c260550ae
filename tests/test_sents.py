"""Shared per-Doc lookups: sentences and text read once per Doc, identical to spaCy's own."""

from __future__ import annotations

from spacy.language import Language

from compare.extract.sents import doc_text, sentence_of, sentences

TEXT = ("Rescuers said 14 people had died. The governor said on Tuesday that 300 homes were damaged.\n\n"
        "About 2,000 residents were moved to shelters, officials said.")


def test_doc_text_equals_spacy_text_and_is_read_once(nlp: Language) -> None:
    doc = nlp(TEXT)
    first = doc_text(doc)
    assert first == doc.text == TEXT
    assert doc_text(doc) is first
    other = nlp(TEXT.replace("14", "15"))
    assert doc_text(other) == other.text != first  # another Doc never gets the cached text


def test_sentence_lookups_equal_spacy_sentences(nlp: Language) -> None:
    doc = nlp(TEXT)
    assert [s.text for s in sentences(doc)] == [s.text for s in doc.sents]
    for tok in doc:
        assert sentence_of(tok) == tok.sent
