"""The `quote_finder` spaCy component: direct quotes, curly or straight, over paragraphs.

Sets `doc._.quotes` to plain dicts (start, end, text, sentence_index); `claim_attribution`
adds the speaker and verb. Unbalanced quote marks are dropped, never fatal.
"""

from __future__ import annotations

import re
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from .quantities import _sentence_index, sentence_bounds
from .sents import doc_text

if not Doc.has_extension("quotes"):
    Doc.set_extension("quotes", default=None)

_OPEN = {"“": "”", "„": "”", "«": "»", "‘": "’", '"': '"'}
_MIN_WORDS = 2


def find_quotes(text: str) -> list[tuple[int, int]]:
    """(start, end) of the inner text of each direct quote; multi-paragraph quotes join."""
    found: list[tuple[int, int]] = []
    paragraphs = [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text)]
    open_at: int | None = None
    close_mark = ""
    for p_index, (p0, p1) in enumerate(paragraphs):
        i = p0
        if open_at is not None:
            # an open quote continues only if this paragraph opens with the same mark
            first = text[p0]
            if first in _OPEN and _OPEN[first] == close_mark:
                i = p0 + 1
            else:
                open_at = None
        while i < p1:
            ch = text[i]
            if open_at is None:
                if ch in _OPEN and _is_opening(text, i):
                    open_at = i + 1
                    close_mark = _OPEN[ch]
            elif ch == close_mark and _is_closing(text, i, ch):
                if i > open_at:
                    found.append((open_at, i))
                open_at = None
            i += 1
    trimmed = []
    for s, e in found:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        trimmed.append((s, e))
    return [(s, e) for s, e in trimmed if _keep(text, s, e)]


def _is_opening(text: str, i: int) -> bool:
    prev = text[i - 1] if i > 0 else " "
    nxt = text[i + 1] if i + 1 < len(text) else " "
    if nxt.isspace() and text[i] != "«":  # French spacing: « nous ne céderons pas »
        return False
    if text[i] in "‘'":
        return prev.isspace() or prev in "([—–-"
    return prev.isspace() or prev in "([—–-:,“‘" or i == 0


def _is_closing(text: str, i: int, ch: str) -> bool:
    prev = text[i - 1] if i > 0 else " "
    nxt = text[i + 1] if i + 1 < len(text) else " "
    if prev.isspace() and ch != "»":
        return False
    if ch == "’":
        return not nxt.isalpha()
    return True


def _keep(text: str, start: int, end: int) -> bool:
    inner = text[start:end]
    if len(inner.split()) < _MIN_WORDS:
        return False
    before = text[max(0, start - 12):start - 1].lower()
    return not before.rstrip().endswith("so-called")


class QuoteFinder:
    """Finds the direct quotes of a Doc."""

    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        bounds = sentence_bounds(doc)
        starts = [b[0] for b in bounds]
        quotes: list[dict[str, Any]] = []
        text = doc_text(doc)
        for start, end in find_quotes(text):
            while end > start and text[end - 1] in ".,;: ":
                end -= 1
            inner = re.sub(r"\n\s*[“„«‘\"]", " ", text[start:end])
            quotes.append({
                "start": start,
                "end": end,
                "text": " ".join(inner.split()),
                "sentence_index": _sentence_index(starts, start),
            })
        doc._.quotes = quotes
        return doc


@Language.factory("quote_finder")
def make_quote_finder(nlp: Language, name: str) -> QuoteFinder:
    """Factory of the `quote_finder` component."""
    return QuoteFinder(nlp, name)
