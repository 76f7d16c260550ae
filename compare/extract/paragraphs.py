"""The `paragraph_sentences` spaCy component: a paragraph break always starts a sentence.

Runs before the parser, which then keeps these boundaries: a headline or a dateline never
runs into the first sentence of the body.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc


@Language.component("paragraph_sentences")
def paragraph_sentences(doc: Doc) -> Doc:
    """Mark the first token after a blank line (or any line break) as a sentence start."""
    for tok in doc[:-1]:
        if "\n" in tok.text_with_ws and (tok.is_space or tok.whitespace_ == "\n" or "\n" in tok.text):
            nxt = doc[tok.i + 1]
            if not nxt.is_space:
                nxt.is_sent_start = True
    return doc
