"""The `quantity_claims` spaCy component: every figure with its interval, what it counts and how.

Sets `doc._.claims` to a list of plain dicts (the fields of contracts.md section 2 that do not
need attribution); `claim_attribution` fills in speaker, reporting verb, time and hedging.
Plain dicts keep Docs serialisable across `nlp.pipe(n_process=...)` workers.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from ..lexicons import Lexicons, load_lexicons
from .numbers import Figure, find_figures
from .sents import doc_text, sentence_of, sentences

if not Doc.has_extension("claims"):
    Doc.set_extension("claims", default=None)

# entity labels of names that carry digits ("Boeing 737", "Resolution 2231")
_NAME_LABELS = {"PRODUCT", "LAW", "WORK_OF_ART", "EVENT", "FAC", "ORG"}
_SKIP_MODIFIERS = {"det", "nummod", "quantmod", "predet", "punct", "advmod", "poss", "case", "cc", "prep"}


def sentence_bounds(doc: Doc) -> list[tuple[int, int]]:
    """Character bounds of each sentence, with surrounding whitespace trimmed."""
    bounds = []
    text = doc_text(doc)
    for sent in sentences(doc):
        start, end = sent.start_char, sent.end_char
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        bounds.append((start, end))
    return bounds


class QuantityClaims:
    """Finds figures and reads, from the parse, what each counts and the verb that governs it."""

    def __init__(self, nlp: Language, name: str, lexicon_files: list[str]) -> None:
        self.name = name
        self.lex: Lexicons = load_lexicons(tuple(Path(p) for p in lexicon_files))
        self._measure_nouns = tuple(sorted(
            {w for m in self.lex.measures for w in m.nouns if " " not in w}))

    def __call__(self, doc: Doc) -> Doc:
        claims: list[dict[str, Any]] = []
        bounds = sentence_bounds(doc)
        sent_starts = [b[0] for b in bounds]
        seen: set[tuple[int, int]] = set()
        text = doc_text(doc)
        for fig in find_figures(text, unit_prefix=self.lex.unit_prefix,
                                unit_suffix=self.lex.unit_suffix, extra_units=self._measure_nouns):
            span = doc.char_span(fig.number_start, fig.number_end, alignment_mode="expand")
            if span is None or len(span) == 0 or (fig.start, fig.end) in seen:
                continue
            claim = self._read(doc, fig, span, text)
            if claim is None:
                continue
            seen.add((fig.start, fig.end))
            index = _sentence_index(sent_starts, fig.start)
            s0, s1 = bounds[index] if index >= 0 else (0, len(text))
            claim.update(sentence_index=index, sentence=text[s0:s1])
            claims.append(claim)
        _inherit_conversions(claims, text)
        _inherit_gapped_directions(claims, doc)
        self._inherit_measures(claims)
        doc._.claims = claims
        return doc

    def _inherit_measures(self, claims: list[dict[str, Any]]) -> None:
        """'bringing the total to 3,000': a figure naming no measure takes the one before it."""
        known = set(self.lex.measure_names())
        last: dict[str, Any] | None = None
        for claim in claims:
            if (claim["measure"] is None or claim["measure"] in self.lex.referring_nouns) and last is not None \
                    and claim["sentence_index"] - last["sentence_index"] <= 1 and claim["unit"] == last["unit"]:
                claim["measure"] = last["measure"]
            if claim["measure"] in known:
                last = claim

    def _read(self, doc: Doc, fig: Figure, span: Span, text: str) -> dict[str, Any] | None:
        root = span.root
        if (fig.unit is None and fig.sign is None and "." not in fig.text and _is_name_part(span)) or _is_bare_one(fig, root):
            return None
        if root.ent_type_ in ("DATE", "TIME") and fig.unit is None and _looks_like_date(span):
            return None
        if not any(t.is_alpha for t in sentence_of(root) if t.i not in range(span.start, span.end)):
            return None  # a number standing alone ("2.") is a list marker, not a claim
        line_start = fig.start == 0 or text[fig.start - 1] == "\n"
        if line_start and text[fig.end:fig.end + 2] in (". ", ") ") and fig.qualifier == "exact":
            return None  # "1. Police arrested ...": a numbered list item
        if _is_age_apposition(span):
            return None  # "Sarah Pickford, 29, from Leeds"
        noun = _counted_head(root, span)
        if noun is not None and fig.start <= noun.idx < fig.end:
            # "a pay offer of 4.5%": the unit is part of the figure; what it counts hangs off the unit
            unit = noun
            noun = _counted_head(unit, doc[min(span.start, unit.i):max(span.end, unit.i + 1)])
            if noun is not None and fig.start <= noun.idx < fig.end:
                noun = None
            root = unit
        if _is_bare_year(fig, noun) or _is_label(fig, span, self._measure_nouns):
            return None
        if noun is not None and noun.tag_ == "NNP" and noun.pos_ == "PROPN" and _names(fig):
            # a number naming one proper noun is part of a name: "10 Downing Street", "787 Dreamliner",
            # "iPhone 12 Mini", "16-18 Mill Lane"; counted people are plural ("300 Marines")
            return None
        if noun is not None and noun.lemma_.lower() in _CODE_NOUNS and fig.unit is None and fig.qualifier == "exact":
            return None  # "the 90049 ZIP code", "the 020 area code"
        if _is_model_name(fig, root):
            return None
        counted = _noun_phrase(noun, span) if noun is not None else None
        verb = self._predicate(noun if noun is not None else root)
        fig = self._verb_bound(fig, root, span)
        direction = self._direction(fig, root, span, noun)
        measure = self._measure(noun, counted, verb, fig.unit, root)
        return {
            "start": fig.start,
            "end": fig.end,
            "text": fig.text,
            "value": fig.value,
            "low": fig.low,
            "high": fig.high,
            "qualifier": fig.qualifier,
            "direction": direction,
            "unit": fig.unit,
            "counted": counted,
            "measure": measure,
            "predicate": verb.lemma_.lower() if verb is not None else None,
            "negated": _negated(root, verb),
            # token indices the attribution component starts its walk from
            "_root": root.i,
            "_verb": verb.i if verb is not None else None,
        }

    def _predicate(self, tok: Token) -> Token | None:
        """The verb governing `tok` (a copula counts when there is no other verb)."""
        for anc in tok.ancestors:
            if anc.pos_ == "VERB" or (anc.tag_ in ("VBN", "VBG") and anc.dep_ in ("amod", "acl")):
                return anc
            if anc.pos_ == "AUX" and anc.dep_ in ("ROOT", "ccomp", "conj", "advcl", "relcl"):
                return anc
        # a participle modifying the counted noun ("people injured", "injured people")
        for child in tok.children:
            if child.dep_ in ("acl", "amod", "relcl") and child.tag_ in ("VBN", "VBD"):
                return child
        return None

    def _verb_bound(self, fig: Figure, root: Token, span: Span) -> Figure:
        """'the toll tops 2,000', 'soared past 2,000': the verb makes the figure a lower bound."""
        if fig.qualifier != "exact" or fig.value is None:
            return fig
        prev = root.doc[span.start - 1] if span.start > 0 else None
        head = root.head
        while head.dep_ in ("compound", "nummod") and head.i != head.head.i:
            head = head.head
        verb = None
        if prev is not None and prev.lower_ in ("past", "beyond") and prev.dep_ in ("prep", "advmod"):
            return replace(fig, qualifier="more_than", low=fig.value, high=None)
        for tok in (root, root.head):
            if tok.dep_ in ("dobj", "npadvmod") and tok.head.pos_ == "VERB":
                verb = tok.head
                break
        if verb is not None and verb.lemma_.lower() in self.lex.bound_verbs:
            return replace(fig, qualifier=self.lex.bound_verbs[verb.lemma_.lower()], low=fig.value, high=None)
        return fig

    def _direction(self, fig: Figure, root: Token, span: Span, noun: Token | None) -> str | None:
        """'up' or 'down' when the figure is a change ("rose by 5%", "fell 2%", "cut 200 jobs")."""
        if fig.sign:
            return fig.sign
        doc = root.doc
        first = doc.char_span(fig.start, fig.end, alignment_mode="expand")
        start_i = first.start if first is not None else span.start
        prev = doc[start_i - 1] if start_i > 0 else None
        if prev is not None and prev.lower_ in ("up", "down"):
            # "shares were down 2%", "trending up 0.2%"; not "made up 40%", "shot down 20 drones"
            verb = prev.head.lemma_.lower() if prev.head.pos_ == "VERB" else None
            governs = any(t.head.i == prev.i for t in doc[start_i:span.end])  # "up 50 billion from"
            if governs or verb is None or verb in self.lex.change_particle or verb in self.lex.change_up \
                    or verb in self.lex.change_down:
                return prev.lower_
        if prev is not None and prev.lower_ == "by" and start_i > 1:
            # "revised upward by 40 billion", "were lower by 5%": the word before "by" says which way
            way = _WAY.get(doc[start_i - 2].lower_)
            if way is not None:
                return way
        if prev is not None and prev.lower_ in ("to", "at", "from", "of"):
            return None  # a level: "rose to 2,000", "ended at 1,463"
        # climb to the head of the whole figure ("7" -> "%")
        end_i = first.end if first is not None else span.end
        while root.head.i != root.i and start_i <= root.head.i < end_i:
            root = root.head
        head = root.head
        lex = self.lex
        if root.dep_ == "pobj" and head.lower_ == "by" and head.head.pos_ in ("VERB", "NOUN"):
            lemma = head.head.lemma_.lower()
        elif noun is not None and noun.i != root.i and noun.head.pos_ == "VERB" and (
                noun.dep_ == "npadvmod" or (noun.dep_ == "dobj" and noun.lower_ in lex.change_steps)):
            lemma = noun.head.lemma_.lower()  # "rose 200 points", "climbed three places": the size of the change
        elif noun is not None and noun.i != root.i and noun.dep_ == "dobj" and noun.head.pos_ == "VERB" \
                and noun.head.lemma_.lower() in lex.change_down and noun.head.lemma_.lower() not in lex.change_by_only:
            lemma = noun.head.lemma_.lower()  # "cut 200 jobs": the jobs are what goes down
        elif root.dep_ in ("dobj", "npadvmod", "attr", "advmod") and head.pos_ == "VERB":
            lemma = head.lemma_.lower()
            if lemma in lex.change_by_only:
                return None
            if lemma in lex.change_up and noun is not None and noun.i != root.i and fig.unit != "%":
                return None  # "added 300 jobs" names an amount
        else:
            return None
        if lemma in lex.change_up:
            return "up"
        if lemma in lex.change_down:
            return "down"
        return None

    def _measure(self, noun: Token | None, counted: str | None, verb: Token | None,
                 unit: str | None, root: Token) -> str | None:
        """Canonical class of what is counted, from the lexicon; the noun's lemma otherwise.

        The noun says what is counted ("drones"); for people ("12 civilians", "40 soldiers")
        what happened to them decides ("killed" -> deaths, "injured" -> injured).
        """
        lex = self.lex
        if unit:
            for m in lex.measures:
                if unit in m.units:
                    return m.name
        words: list[str] = []
        happened: str | None = None
        if counted:
            words.append(counted.lower())
        if noun is not None:
            words += [noun.lemma_.lower(), noun.lower_]
            words += [c.lower_ for c in noun.children if c.dep_ in ("amod", "compound")]
        else:
            # "the death toll rose to 2,000", "put the number of wounded at 1,100": the verb's
            # object or subject says what is counted, its head noun before its modifiers
            for arg in sorted(_arguments_of(root), key=lambda t: t.dep_ != "dobj"):
                words.append(" ".join(t.lower_ for t in arg.subtree if t.dep_ in ("compound", "amod") or t.i == arg.i))
                words += [arg.lemma_.lower(), arg.lower_]
                inner = [t for t in arg.subtree if t.i != arg.i]
                happened = happened or next((m.name for t in inner for m in lex.measures if t.lower_ in m.adjectives), None)
                words += [t.lemma_.lower() for t in inner if t.dep_ == "pobj"]
                words += [t.lemma_.lower() for t in inner if t.dep_ != "pobj"]
        noun_measure = next((m for w in words for m in lex.measures
                             if (w in m.nouns or any(w.endswith(" " + n) for n in m.nouns if " " in n))
                             and w not in lex.generic_nouns), None)
        happened = happened or self._event_measure(noun, verb)
        people = noun is None or noun.lemma_.lower() in lex.generic_nouns or (noun_measure is not None and noun_measure.people)
        if happened is not None and (people or noun_measure is None):
            return happened
        if noun_measure is not None:
            return noun_measure.name
        if noun is not None and noun.pos_ in ("NOUN", "PROPN") and noun.is_alpha:
            lemma = noun.lemma_.lower()
            return lex.generic_same.get(lemma, lemma)
        return None

    def _event_measure(self, noun: Token | None, verb: Token | None) -> str | None:
        """The measure named by what happened: a participle, a complement or the verb."""
        lex = self.lex
        candidates: list[Token] = []
        if noun is not None:
            candidates += [c for c in noun.children if c.dep_ in ("amod", "acl", "relcl")]
            if noun.head.pos_ in ("AUX", "VERB", "ADJ"):
                candidates.append(noun.head)
                candidates += [c for c in noun.head.children if c.dep_ in ("acomp", "attr", "oprd")]
        if verb is not None:
            candidates.append(verb)
            candidates += [c for c in verb.children if c.dep_ in ("acomp", "oprd", "xcomp", "amod")]
        for tok in candidates:
            for m in lex.measures:
                if tok.lower_ in m.adjectives or tok.lemma_.lower() in m.predicates:
                    return m.name
        if verb is not None:
            return self._complement_measure(verb)
        return None

    def _complement_measure(self, verb: Token) -> str | None:
        """'went on strike', 'taken to hospital', 'forced from their homes'; 'joined the march'."""
        lex = self.lex
        for prep in verb.children:
            if prep.dep_ != "prep":
                continue
            for pobj in prep.children:
                if pobj.dep_ == "pobj":
                    phrase = f"{prep.lower_} {pobj.lemma_.lower()}"
                    found = next((m.name for m in lex.measures if phrase in m.complements), None)
                    if found:
                        return found
        if verb.lemma_.lower() not in lex.participation_verbs:
            return None
        # the event taken part in: the object, "in X", the noun a relative clause hangs off
        # ("a strike joined by 9,000"), else an event named in the sentence ("taking part")
        events = [c for c in verb.children if c.dep_ == "dobj"]
        events += [p for c in verb.children if c.dep_ == "prep" and c.lower_ == "in" for p in c.children if p.dep_ == "pobj"]
        if verb.dep_ in ("relcl", "acl"):
            events.append(verb.head)
        events += [t for t in verb.sent if t.pos_ == "NOUN" and t not in events]
        for tok in events:
            lemma = tok.lemma_.lower()
            found = next((m.name for m in lex.measures if m.people and (lemma in m.predicates or lemma in m.nouns)), None)
            if found:
                return found
        return None


# "more than 7.5 million crowns (US$1.1 million)", "just under 300 hp (224 kW / 305 PS)": the
# text between a figure and the opening bracket of its conversion holds no digits or clause
_CONVERSION_OPEN = re.compile(r"[^\d()\[\].;:!?]{0,30}?\(\s*")
_CONVERSION_NEXT = re.compile(r"\s*(?:/|,|;|or|=)\s*")
# the conversion fills its bracket, up to a unit word or two ("1.8 to 2.7 Fahrenheit)")
_CONVERSION_CLOSE = re.compile(r"(?:\s*[^\W\d_]+(?:[\s-][^\W\d_]+)?)?\s*(?:\)|/|,|;|or\b|=)")


def _inherit_conversions(claims: list[dict[str, Any]], text: str) -> None:
    """A figure restated in other units in brackets asserts what the original does.

    "more than 7.5 million crowns (US$1.1 million)" makes both figures lower bounds; "fell by
    1 to 1.5C (1.8 to 2.7F)" makes both changes. Only an exact (or range), undirected figure
    that fills its bracket (or one slash-separated part of it) and names a unit of its own
    inherits; a percentage in brackets is a share, not a conversion.
    """
    converts: dict[int, int] = {}  # index of a conversion -> index of the figure it restates
    for i in range(1, len(claims)):
        conv, prev = claims[i], claims[i - 1]
        gap = text[prev["end"]:conv["start"]]
        if _CONVERSION_OPEN.fullmatch(gap):
            j = i - 1
        elif i - 1 in converts and _CONVERSION_NEXT.fullmatch(gap):
            j = converts[i - 1]
        else:
            continue
        source = claims[j]
        if not _CONVERSION_CLOSE.match(text, conv["end"]) or "%" in (conv["unit"], source["unit"]) \
                or conv["unit"] == source["unit"] or conv["direction"] is not None \
                or conv["qualifier"] not in ("exact", "range"):
            continue
        converts[i] = j
        conv["direction"] = source["direction"]
        if conv["qualifier"] == "exact" and source["qualifier"] not in ("exact", "range", "vague") \
                and source["value"]:
            ratio = conv["value"] / source["value"]
            conv["qualifier"] = source["qualifier"]
            conv["low"], conv["high"] = (None if b is None else round(b * ratio, 6)
                                         for b in (source["low"], source["high"]))


_WAY = {"up": "up", "upward": "up", "upwards": "up", "higher": "up",
        "down": "down", "downward": "down", "downwards": "down", "lower": "down"}


def _inherit_gapped_directions(claims: list[dict[str, Any]], doc: Doc) -> None:
    """'Sales rose 5%, profits by 3%': a change whose verb is left out takes the one before it.

    The figure follows "by" right after a noun (the subject of the omitted verb), within the
    sentence of a change of the same unit, separated from it by a comma or "and".
    """
    text = doc_text(doc)
    for prev, claim in zip(claims, claims[1:]):
        if claim["direction"] is not None or prev["direction"] is None or prev["unit"] != claim["unit"] \
                or prev["sentence_index"] != claim["sentence_index"]:
            continue
        gap = text[prev["end"]:claim["start"]]
        if not _GAPPED.fullmatch(gap):
            continue
        by = doc.char_span(claim["start"] - len(gap) + gap.rindex("by"), claim["start"], alignment_mode="expand")
        if by is None or by.start == 0 or doc[by.start - 1].pos_ not in ("NOUN", "PROPN"):
            continue
        claim["direction"] = prev["direction"]


_GAPPED = re.compile(r"[^.;:()\d]{0,60}?(?:,|\band\b)[^.;:()\d,]{1,40}\sby\s+", re.IGNORECASE)


def _sentence_index(starts: list[int], char: int) -> int:
    lo, hi = 0, len(starts) - 1
    ans = -1
    while lo <= hi:
        mid = (lo + hi) // 2
        if starts[mid] <= char:
            ans = mid
            lo = mid + 1
        else:
            hi = mid - 1
    return max(ans, 0) if starts else -1


def _is_name_part(span: Span) -> bool:
    """True for digits inside a name: 'Boeing 737', 'Flight 17', 'Article 5'."""
    root = span.root
    if root.ent_type_ in _NAME_LABELS:
        ents = [e for e in root.doc.ents if e.start <= root.i < e.end]
        if ents and ents[0].start < span.start and root.doc[span.start - 1].pos_ == "PROPN":
            return True
    if span.start > 0:
        prev = root.doc[span.start - 1]
        if (prev.is_title and prev.pos_ in ("PROPN", "NOUN") and prev.dep_ == "compound"
                and root.like_num and "," not in root.text and root.dep_ != "nummod"):
            return True
    return False


_CODE_NOUNS = {"code", "postcode", "zipcode"}


def _names(fig: Figure) -> bool:
    """A whole number (or range of them) without unit or thousands separator, as names use."""
    ends = [fig.value] if fig.qualifier == "exact" else [fig.low, fig.high] if fig.qualifier == "range" else []
    return bool(ends) and not fig.unit and "," not in fig.text and all(
        e is not None and e < 10_000 and e == int(e) for e in ends)


def _is_model_name(fig: Figure, root: Token) -> bool:
    """'two new 737 Max jets': of two numbers before one noun, the one in a proper name names."""
    if root.dep_ != "nummod" or not _names(fig) or root.i + 1 >= len(root.doc):
        return False
    nxt = root.doc[root.i + 1]
    counts = [c for c in root.head.children if c.dep_ == "nummod" and c.i < root.i]
    return nxt.pos_ == "PROPN" and nxt.dep_ == "compound" and nxt.head.i == root.head.i and bool(counts)


def _is_bare_year(fig: Figure, noun: Token | None) -> bool:
    """'the 2019 review', 'in 2025 and 2030': a year, unless it counts a plural noun."""
    if fig.unit or fig.qualifier != "exact" or not re.fullmatch(r"1[89]\d\d|20\d\d", fig.text):
        return False
    return noun is None or noun.tag_ not in ("NNS", "NNPS")


def _is_label(fig: Figure, span: Span, measure_nouns: tuple[str, ...]) -> bool:
    """'category 4', 'Game 7', 'S&P 500', 'iPhone 12': a number that names, after a singular noun."""
    if fig.unit or fig.qualifier != "exact" or not re.fullmatch(r"\d{1,4}", fig.text) or span.start == 0:
        return False
    prev = span.doc[span.start - 1]
    if prev.tag_ not in ("NN", "NNP") or prev.lower_ in measure_nouns or prev.lemma_.lower() in measure_nouns:
        return False
    root = span.root
    return not (root.dep_ == "nummod" and root.head.i > root.i)


def _is_age_apposition(span: Span) -> bool:
    """A bare number set off by commas right after a person's name is an age."""
    doc = span.doc
    if span.start < 2 or span.end >= len(doc) or len(span) != 1:
        return False
    before, after, name = doc[span.start - 1], doc[span.end], doc[span.start - 2]
    return (before.text == "," and after.text == "," and span[0].like_num and "," not in span[0].text
            and (name.ent_type_ == "PERSON" or name.pos_ == "PROPN") and 0 < float(span[0].text.replace(",", "") if span[0].text.replace(",", "").replace(".", "").isdigit() else 0) < 120)


def _is_bare_one(fig: Figure, root: Token) -> bool:
    """'one' as a pronoun or determiner ('one of them', 'no one') is not a figure."""
    if fig.text.lower() not in ("one", "a dozen") or fig.text.lower() == "a dozen":
        return False
    nxt = root.nbor(1) if root.i + 1 < len(root.doc) else None
    if nxt is not None and nxt.lower_ in ("of", "another", "day", "time", "way", "thing"):
        return True
    return root.dep_ != "nummod"


_CALENDAR = {"january", "february", "march", "april", "may", "june", "july", "august",
             "september", "october", "november", "december", "jan", "feb", "mar", "apr", "jun",
             "jul", "aug", "sep", "sept", "oct", "nov", "dec", "monday", "tuesday", "wednesday",
             "thursday", "friday", "saturday", "sunday"}


def _looks_like_date(span: Span) -> bool:
    """True when the figure sits in a calendar date ('Friday 18', 'the 8th of May')."""
    ent = next((e for e in span.doc.ents if e.start <= span.root.i < e.end), None)
    return ent is not None and any(t.lower_.rstrip(".") in _CALENDAR for t in ent)


def _counted_head(root: Token, span: Span) -> Token | None:
    """The noun a figure counts: '1,500 [forces]', 'dozens of [people]', 'a toll of 2,000'."""
    if root.dep_ in ("nummod", "quantmod", "amod", "compound") and root.head.pos_ in ("NOUN", "PROPN", "ADJ") and root.head.i not in range(span.start, span.end):
        return root.head
    # "dozens of people", "thousands of troops", "1,500 of them"
    for child in root.children:
        if child.dep_ == "prep" and child.lower_ == "of":
            for pobj in child.children:
                if pobj.dep_ == "pobj" and pobj.pos_ in ("NOUN", "PROPN"):
                    return pobj
    if root.pos_ in ("NOUN", "PROPN") and root.lower_ not in ("dozens", "hundreds", "thousands", "millions", "tens", "scores", "%", "percent", "cent"):
        if not root.like_num:
            return root
    # "magnitude 6.8", "a toll of 2,000": the noun the figure attaches to
    if root.dep_ in ("appos", "npadvmod") and root.head.pos_ == "NOUN":
        return root.head
    if root.dep_ == "pobj" and root.head.lower_ == "of" and root.head.head.pos_ == "NOUN":
        return root.head.head
    return None


def _noun_phrase(noun: Token, span: Span) -> str:
    """The counted noun with its compound and adjective modifiers, without the figure."""
    keep = {noun.i}
    for child in noun.lefts:
        if child.dep_ in _SKIP_MODIFIERS or child.i in range(span.start, span.end):
            continue
        if child.dep_ in ("compound", "amod", "nmod", "npadvmod") or child.pos_ in ("ADJ", "PROPN", "NOUN"):
            sub = [t for t in child.subtree if t.i not in range(span.start, span.end)]
            if any(t.like_num for t in sub):
                continue
            keep.update(t.i for t in sub)
    # modifiers must form a contiguous run ending at the noun
    start = noun.i
    while start - 1 in keep:
        start -= 1
    tokens = [t for t in noun.doc[start:noun.i + 1] if t.dep_ != "punct" or t.text in "-'’"]
    return _normalise(" ".join(t.text for t in tokens).replace(" - ", "-").replace(" ’s", "'s").replace(" 's", "'s"))


def _normalise(text: str) -> str:
    return text.replace("’", "'").replace("‘", "'").strip()


def _arguments_of(tok: Token) -> list[Token]:
    """Subject and object of the verb governing `tok`, when `tok` is neither."""
    for anc in [tok, *tok.ancestors]:
        if anc.pos_ in ("VERB", "AUX"):
            return [c for c in anc.children if c.dep_ in ("nsubj", "nsubjpass", "dobj") and c.i != tok.i
                    and tok not in list(c.subtree)]
    return []


def _negated(root: Token, verb: Token | None) -> bool:
    if verb is not None and any(c.dep_ == "neg" for c in verb.children):
        return True
    if root.i > 0 and root.doc[max(0, root.left_edge.i - 1)].lower_ in ("not", "no", "never"):
        return True
    return False


@Language.factory("quantity_claims", default_config={"lexicon_files": []})
def make_quantity_claims(nlp: Language, name: str, lexicon_files: list[str]) -> QuantityClaims:
    """Factory of the `quantity_claims` component."""
    return QuantityClaims(nlp, name, lexicon_files)
