"""The `framing_terms` spaCy component: naming choices, hedges, loaded terms, reporting verbs.

Sets `doc._.framing` to plain dicts (kind, term, canonical, start, end). The words come from
the framing, hedges and reporting-verb lexicons, which users extend from their config.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from ..lexicons import Lexicons, load_lexicons
from .sents import doc_text

if not Doc.has_extension("framing"):
    Doc.set_extension("framing", default=None)

# modal verbs hedge figures (attribution.py) but say nothing of an outlet's framing
_MODALS = {"may", "might", "could"}


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


class FramingTerms:
    """Finds the framing terms of a Doc."""

    def __init__(self, nlp: Language, name: str, lexicon_files: list[str]) -> None:
        self.name = name
        self.lex: Lexicons = load_lexicons(tuple(Path(p) for p in lexicon_files))
        self._naming = re.compile(rf"(?<![\w-])({_alternation(list(self.lex.naming))})(?![\w-])")
        self._loaded = re.compile(rf"(?<![\w-])({_alternation(list(self.lex.loaded))})(?![\w-])", re.IGNORECASE)
        hedges = [h for h in self.lex.hedges if h not in _MODALS]
        self._hedges = re.compile(rf"(?<![\w-])({_alternation(hedges)})(?![\w-])", re.IGNORECASE)
        self._loaded_lower = {k.lower(): v for k, v in self.lex.loaded.items()}

    def __call__(self, doc: Doc) -> Doc:
        text = doc_text(doc)
        items: list[dict[str, Any]] = []
        quoted = [(q["start"], q["end"]) for q in (doc._.quotes or [])] if Doc.has_extension("quotes") else []

        def in_quote(start: int) -> bool:
            return any(s <= start < e for s, e in quoted)

        for m in self._naming.finditer(text):
            items.append(_item("naming", m.group(1), self.lex.naming[m.group(1)], m.start(1), m.end(1)))
        taken = {(i["start"], i["end"]) for i in items}
        for m in self._loaded.finditer(text):
            if in_quote(m.start(1)):
                continue  # a loaded word inside a quote is the speaker's, not the outlet's
            if any(s <= m.start(1) < e for s, e in taken) and " " not in m.group(1):
                continue  # a name already counted as a naming choice
            items.append(_item("loaded", m.group(1), self._loaded_lower[m.group(1).lower()], m.start(1), m.end(1)))
        for m in self._hedges.finditer(text):
            if in_quote(m.start(1)):
                continue
            if re.match(r"\s+of\b", text[m.end(1):]):
                continue  # "suspected of attacking officers": the charge, not the outlet's doubt
            items.append(_item("hedge", m.group(1), m.group(1).lower(), m.start(1), m.end(1)))
        for tok in doc:
            lemma = tok.lemma_.lower()
            if tok.pos_ != "VERB" or lemma not in self.lex.reporting_verbs or in_quote(tok.idx):
                continue
            deps = {c.dep_ for c in tok.children}
            if not deps & {"nsubj", "ccomp"}:
                continue
            if "dobj" in deps and not deps & {"ccomp", "parataxis"}:
                continue  # "claim compensation": a verb with a plain object reports nothing
            items.append(_item("reporting_verb", tok.text, lemma, tok.idx, tok.idx + len(tok.text)))
        items.sort(key=lambda i: (i["start"], i["kind"]))
        doc._.framing = items
        return doc


def _item(kind: str, term: str, canonical: str, start: int, end: int) -> dict[str, Any]:
    return {"kind": kind, "term": term, "canonical": canonical, "start": start, "end": end}


@Language.factory("framing_terms", default_config={"lexicon_files": []})
def make_framing_terms(nlp: Language, name: str, lexicon_files: list[str]) -> FramingTerms:
    """Factory of the `framing_terms` component."""
    return FramingTerms(nlp, name, lexicon_files)
