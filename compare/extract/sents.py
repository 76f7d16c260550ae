"""Sentence lookups that cost one pass over a Doc, not one pass per lookup.

spaCy's `Token.sent` and `Doc.sents` re-check the whole Doc on every call; the components
look sentences up once per figure, quote and pronoun, so they share this small cache.
`Doc.text` likewise joins every token on each access; `doc_text` reads it once per Doc.
"""

from __future__ import annotations

from bisect import bisect_right

from spacy.tokens import Doc, Span, Token

_CACHE: dict[int, tuple[Doc, list[int], list[int]]] = {}
_CACHE_SIZE = 256


def _starts(doc: Doc) -> tuple[list[int], list[int]]:
    entry = _CACHE.get(id(doc))
    if entry is not None and entry[0] is doc:
        return entry[1], entry[2]
    spans = list(doc.sents)
    starts, ends = [s.start for s in spans], [s.end for s in spans]
    if len(_CACHE) >= _CACHE_SIZE:
        _CACHE.clear()
    _CACHE[id(doc)] = (doc, starts, ends)
    return starts, ends


def sentences(doc: Doc) -> list[Span]:
    """The sentences of a Doc."""
    starts, ends = _starts(doc)
    return [doc[s:e] for s, e in zip(starts, ends)]


def sentence_of(tok: Token) -> Span:
    """The sentence a token belongs to (same as `tok.sent`, without the full scan)."""
    starts, ends = _starts(tok.doc)
    i = max(0, bisect_right(starts, tok.i) - 1)
    return tok.doc[starts[i]:ends[i]]


_TEXTS: dict[int, tuple[Doc, str]] = {}


def doc_text(doc: Doc) -> str:
    """`doc.text`, joined once per Doc however many components ask for it."""
    entry = _TEXTS.get(id(doc))
    if entry is not None and entry[0] is doc:
        return entry[1]
    text = doc.text
    if len(_TEXTS) >= _CACHE_SIZE:
        _TEXTS.clear()
    _TEXTS[id(doc)] = (doc, text)
    return text
