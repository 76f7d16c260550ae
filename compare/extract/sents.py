"""Sentence lookups that cost one pass over a Doc, not one pass per lookup.

spaCy's `Token.sent` and `Doc.sents` re-check the whole Doc on every call; the components
look sentences up once per figure, quote and pronoun, so they share this small cache.
`Doc.text` likewise joins every token on each access; `doc_text` reads it once per Doc.
"""

from __future__ import annotations

from bisect import bisect_right

from spacy.tokens import Doc, Span, Token

from typing import Callable, TypeVar

_T = TypeVar("_T")
_CACHE_SIZE = 256


def _per_doc(cache: dict[int, tuple[Doc, _T]], doc: Doc, compute: Callable[[Doc], _T]) -> _T:
    """`compute(doc)`, worked out once per Doc (while at most _CACHE_SIZE Docs are cached)."""
    entry = cache.get(id(doc))
    if entry is not None and entry[0] is doc:
        return entry[1]
    value = compute(doc)
    if len(cache) >= _CACHE_SIZE:
        cache.clear()
    cache[id(doc)] = (doc, value)
    return value


def _bounds(doc: Doc) -> tuple[list[int], list[int]]:
    spans = list(doc.sents)
    return [s.start for s in spans], [s.end for s in spans]


_STARTS: dict[int, tuple[Doc, tuple[list[int], list[int]]]] = {}
_TEXTS: dict[int, tuple[Doc, str]] = {}


def _starts(doc: Doc) -> tuple[list[int], list[int]]:
    return _per_doc(_STARTS, doc, _bounds)


def sentences(doc: Doc) -> list[Span]:
    """The sentences of a Doc."""
    starts, ends = _starts(doc)
    return [doc[s:e] for s, e in zip(starts, ends)]


def sentence_of(tok: Token) -> Span:
    """The sentence a token belongs to (same as `tok.sent`, without the full scan)."""
    starts, ends = _starts(tok.doc)
    i = max(0, bisect_right(starts, tok.i) - 1)
    return tok.doc[starts[i]:ends[i]]


def doc_text(doc: Doc) -> str:
    """`doc.text`, joined once per Doc however many components ask for it."""
    return _per_doc(_TEXTS, doc, lambda d: d.text)
