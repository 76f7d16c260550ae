"""The `claim_attribution` spaCy component: who each figure and quote is attributed to.

Runs after `quantity_claims` and `quote_finder`. For every claim it fills `speaker`,
`reporting_verb`, `time` and `hedged`; for every quote `speaker` and `verb`. Speakers named
by a pronoun or a bare "the agency" resolve to the last named source of the article.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from ..lexicons import Lexicons, load_lexicons
from .sents import sentence_of, sentences

_SUBJECTS = ("nsubj", "nsubjpass", "csubj")
_DOCUMENTS = {"figure", "statement", "report", "data", "estimate", "count", "tally", "number", "release",
              "bulletin", "update", "toll", "record", "assessment", "briefing"}
_VAGUE_HEADS = {"dozens", "hundreds", "thousands", "millions", "scores", "tens"}
_PRONOUNS = {"it", "he", "she", "they", "we", "i", "this", "who", "which", "that"}
_CLAUSE_LINKS = ("parataxis", "ccomp", "advcl", "conj", "xcomp")


class ClaimAttribution:
    """Attributes claims and quotes to their sources, sentence by sentence."""

    def __init__(self, nlp: Language, name: str, lexicon_files: list[str]) -> None:
        self.name = name
        self.lex: Lexicons = load_lexicons(tuple(Path(p) for p in lexicon_files))

    def __call__(self, doc: Doc) -> Doc:
        claims: list[dict[str, Any]] = doc._.claims or []
        quotes: list[dict[str, Any]] = doc._.quotes or []
        memory = Memory()
        sents = sentences(doc)
        by_sentence_claims: dict[int, list[dict[str, Any]]] = {}
        for claim in claims:
            by_sentence_claims.setdefault(claim["sentence_index"], []).append(claim)
        quote_iter = sorted(quotes, key=lambda q: q["start"])
        q_pos = 0
        for index, sent in enumerate(sents):
            # quotes that start in this sentence are attributed first: claims inside them follow
            while q_pos < len(quote_iter) and quote_iter[q_pos]["start"] < sent.end_char:
                self._attribute_quote(doc, quote_iter[q_pos], sents, memory)
                q_pos += 1
            verbs = self._reporting_verbs(sent)
            for claim in by_sentence_claims.get(index, []):
                self._attribute_claim(doc, sent, claim, verbs, quotes, memory)
            self._update_memory(sent, verbs, memory)
        for claim in claims:
            claim.pop("_root", None)
            claim.pop("_verb", None)
        return doc

    def _update_memory(self, sent: Span, verbs: list[Token], memory: Memory) -> None:
        """Remember, in order, the sources of this sentence and the people it makes subjects."""
        verb_ids = {v.i for v in verbs}
        for tok in sent:
            if tok.i in verb_ids:
                who = self._speaker_of(tok, memory)
                if who is not None:
                    memory.add(who)
            elif tok.ent_iob_ == "B" and tok.ent_type_ == "PERSON":
                # a person mentioned is who "he" or "she" most likely refers to next
                ent = next((e for e in sent.ents if e.start == tok.i), None)
                if ent is not None:
                    memory.add(_join(list(ent)), person=True)

    # -- reporting verbs -------------------------------------------------------------------

    def _reporting_verbs(self, sent: Span, *, quotes: bool = False) -> list[Token]:
        """Verbs in `sent` that attribute a statement (and, for quotes, a quoted phrase)."""
        found = []
        for tok in sent:
            lemma = tok.lemma_.lower()
            known = lemma in self.lex.reporting_verbs or (quotes and lemma in self.lex.quote_verbs)
            if known and tok.pos_ in ("VERB", "AUX"):
                deps = {c.dep_ for c in tok.children}
                if deps & {"nsubj", "csubj", "agent"} or lemma == "quote":
                    found.append(tok)
                elif "nsubjpass" in deps:
                    continue  # "2,946 people had been confirmed dead": what is reported, not who
                elif _subject_before(tok) is not None or self._reports_for_head(tok):
                    found.append(tok)
            elif tok.lower_ == "according" and tok.i + 1 < len(tok.doc) and tok.nbor(1).lower_ == "to":
                found.append(tok)
        return found

    def _reports_for_head(self, tok: Token) -> bool:
        """'quoted X as saying', 'said, adding that': a subjectless verb under a reporting verb."""
        head = tok.head
        return head.i != tok.i and tok.dep_ in ("advcl", "xcomp", "ccomp", "conj", "pcomp") and (
            head.lemma_.lower() in self.lex.reporting_verbs or head.lemma_.lower() == "quote")

    def _speaker_of(self, verb: Token, memory: Memory, *, depth: int = 0) -> str | None:
        """The source a reporting verb (or 'according to') names, resolved against memory."""
        if verb.lower_ == "according":
            to = verb.nbor(1)
            objs = [c for c in to.children if c.dep_ == "pobj"] or [c for c in verb.children if c.dep_ == "pobj"]
            if not objs:
                objs = [t for t in to.subtree if t.dep_ == "pobj"]
            return self._phrase(objs[0], memory) if objs else None
        if verb.lemma_.lower() == "quote":
            # "X was quoted by the Herald as saying", "the embassy quoted X as saying"
            quoted = [c for c in verb.children if c.dep_ in ("nsubjpass", "dobj")]
            if quoted:
                return self._phrase(quoted[0], memory)
        subj = next((c for c in verb.children if c.dep_ in ("nsubj", "csubj")), None)
        if subj is None and depth < 3 and self._reports_for_head(verb):
            return self._speaker_of(verb.head, memory, depth=depth + 1)
        if subj is None:
            # passive "was told by X" / "was quoted by X"
            agent = next((c for c in verb.children if c.dep_ == "agent"), None)
            if agent is not None:
                pobj = next((c for c in agent.children if c.dep_ == "pobj"), None)
                if pobj is not None:
                    return self._phrase(pobj, memory)
            # a parse that lost the subject of "..., South Korea's spy agency said"
            tokens = _subject_before(verb) if not any(c.dep_ == "nsubjpass" for c in verb.children) else None
            if tokens is not None:
                return self._phrase(tokens[-1], memory) if len(tokens) == 1 and tokens[0].pos_ == "PRON" else _join(tokens)
            return None
        appos = next((c for c in subj.children if c.dep_ == "appos" and c.i > subj.i), None)
        if appos is not None and verb.i > appos.right_edge.i and all(
                t.pos_ in ("AUX", "PART") for t in verb.doc[appos.right_edge.i + 1:verb.i]) \
                and verb.head.i < subj.i and verb.dep_ in _CLAUSE_LINKS:
            # a reporting clause closing the sentence whose subject the parse hung as an
            # apposition on the last name of the statement
            return self._phrase(appos, memory)
        return self._phrase(subj, memory)

    def _phrase(self, head: Token, memory: Memory) -> str | None:
        """Text of a speaker noun phrase, with pronouns and 'the agency' resolved."""
        if head.lower_ in _PRONOUNS or head.pos_ == "PRON":
            return _resolve_pronoun(head, memory)
        if head.lemma_.lower() in _DOCUMENTS:
            # "the latest figures from the interior ministry": the source is who issued them
            issuer = next((p for prep in head.children if prep.dep_ == "prep" and prep.lower_ in ("from", "of", "by")
                           for p in prep.children if p.dep_ == "pobj" and p.pos_ in ("PROPN", "NOUN")), None)
            if issuer is not None:
                return self._phrase(issuer, memory)
            # "police estimates", "ministry figures": the modifier names who issued them
            issuer = next((c for c in head.children if c.dep_ in ("compound", "poss") and c.pos_ in ("NOUN", "PROPN")
                           and c.lemma_.lower() not in _DOCUMENTS), None)
            if issuer is not None:
                return self._phrase(issuer, memory)
            if not any(c.pos_ == "PROPN" for c in head.subtree):
                # "according to the latest figures": a document with no issuer names no source
                return memory.last_source() if head.lower_ in ("statement", "report", "bulletin") else None
        if head.pos_ == "NOUN":
            # "its operator, Aurelia Lines", "the city's mayor, Tomas Vrell": the name
            named = next((c for c in head.children if c.dep_ == "appos" and c.pos_ == "PROPN"
                          and c.ent_type_ in ("PERSON", "ORG")), None)
            if named is not None:
                return self._phrase(named, memory)
            if head.lemma_.lower() in _FIRMS and any(c.dep_ == "det" for c in head.children):
                # "the company said": the organisation last named; never the last source quoted,
                # which is seldom a company ("the coastguard said ... the company said")
                return _last_organisation(head) or head.text
        tokens = [t for t in head.subtree if not _in_clause_modifier(t, head)]
        while tokens and (tokens[0].dep_ in ("det", "punct", "cc") or tokens[0].is_space):
            tokens = tokens[1:]
        while tokens and (tokens[-1].is_punct or tokens[-1].is_space):
            tokens = tokens[:-1]
        if not tokens:
            return None
        text = _join(tokens)
        if not any(ch.isalpha() for ch in text) or head.like_num or head.lower_ in _VAGUE_HEADS:
            return None  # "hundreds feared buried": a figure is not a source
        if _is_named(tokens):
            memory.named.add(text)
        if not _is_named(tokens) and len(tokens) <= 3 and memory.entries:
            # "the agency said": the last named source whose words include the same noun,
            # else the last source that is not a person
            noun = head.lemma_.lower()
            # every word must match: "the fire service" is not "the national weather service"
            wanted = [t.lemma_.lower() for t in tokens if t.dep_ != "det" and t.is_alpha and t.pos_ != "DET"]
            for earlier in reversed(memory.entries):
                if noun in earlier.lower() and all(w in earlier.lower() for w in wanted):
                    return earlier
            # a bare "the agency": the last named source that is not a person; an unnamed one
            # ("the company") says no more than the noun itself ("the union said" stays the union)
            definite = any(c.dep_ == "det" and c.lower_ in ("the", "this", "that") for c in head.children)
            if definite and len(tokens) == 1 and noun not in _TITLES:
                for earlier in reversed(memory.entries):
                    if not memory.is_person(earlier) and earlier != text:
                        return earlier if earlier in memory.named else text
        return text

    # -- claims ----------------------------------------------------------------------------

    def _attribute_claim(self, doc: Doc, sent: Span, claim: dict[str, Any], verbs: list[Token],
                         quotes: list[dict[str, Any]], memory: Memory) -> None:
        root = doc[claim["_root"]]
        pred = doc[claim["_verb"]] if claim.get("_verb") is not None else None
        speaker: str | None = None
        verb_tok: Token | None = None
        inside = next((q for q in quotes if q["start"] <= claim["start"] < q["end"]), None)
        if inside is not None and inside.get("speaker"):
            speaker, verb_name = inside["speaker"], inside.get("verb")
        else:
            verb_name = None
            verb_tok = self._governing_verb(root, verbs)
            if verb_tok is not None:
                speaker = self._speaker_of(verb_tok, memory)
                verb_name = "according to" if verb_tok.lower_ == "according" else verb_tok.lemma_.lower()
                if speaker is None:
                    verb_name = None
        if speaker is None and verb_tok is None and inside is None:
            speaker = _headline_source(sent)
            verb_name = None
        claim["speaker"] = speaker
        claim["reporting_verb"] = verb_name
        claim["time"] = _time_of(sent, root, pred, verb_tok, claim)
        claim["hedged"] = self._hedged(sent, root, pred, verb_tok, verb_name)

    def _governing_verb(self, root: Token, verbs: list[Token]) -> Token | None:
        """The reporting verb (or 'according to') whose statement contains the figure."""
        if not verbs:
            return None
        verb_set = {v.i for v in verbs}
        ancestors = list(root.ancestors)
        for anc in ancestors:
            if anc.i in verb_set and not _in_subject(root, anc) and not self._is_own_predicate(anc, root):
                return anc
        # the reporting clause hangs off the figure's clause: "Russia fired 3 missiles, X said"
        for anc in [root, *ancestors]:
            for child in anc.children:
                if child.i in verb_set and child.dep_ in _CLAUSE_LINKS and root not in list(child.subtree) \
                        and not _is_subordinate(child):
                    return child
                if child.dep_ == "prep" and child.lower_ == "according":
                    return child
        according = [v for v in verbs if v.lower_ == "according"]
        if according:
            return according[0]
        # a sentence-final reporting clause in a sentence with one statement
        finals = [v for v in verbs if v.dep_ in _CLAUSE_LINKS and v.i > root.i and not _in_subject(root, v)
                  and not _is_subordinate(v)]
        if finals and len(verbs) == 1:
            return finals[0]
        return None

    def _is_own_predicate(self, verb: Token, root: Token) -> bool:
        """'the heatwave claimed 34 lives': the verb says what happened to what the figure counts
        (its object), it does not report a statement."""
        lemma = verb.lemma_.lower()
        if not any(lemma in m.predicates for m in self.lex.measures):
            return False
        return any(c.dep_ == "dobj" and root in list(c.subtree) for c in verb.children) \
            and not any(c.dep_ == "ccomp" for c in verb.children)

    def _hedged(self, sent: Span, root: Token, pred: Token | None, verb: Token | None,
                verb_name: str | None) -> bool:
        if verb_name and self.lex.reporting_verbs.get(verb_name) == "hedge":
            return True
        anchors = {root.i}
        anchors.update(a.i for a in root.ancestors)
        if pred is not None:
            anchors.add(pred.i)
        for tok in sent:
            if tok.lower_ in self.lex.hedges and (tok.head.i in anchors or tok.i in anchors):
                return True
        return False

    # -- quotes ----------------------------------------------------------------------------

    def _attribute_quote(self, doc: Doc, quote: dict[str, Any], sents: list[Span], memory: Memory) -> None:
        q0, q1 = quote["start"], quote["end"]
        overlapping = [s for s in sents if s.start_char < q1 + 2 and s.end_char > q0 - 1]
        candidates: list[tuple[int, Token]] = []
        for sent in overlapping:
            for verb in self._reporting_verbs(sent, quotes=True):
                if q0 <= verb.idx < q1:
                    continue
                distance = min(abs(verb.idx - q0), abs(verb.idx - q1))
                candidates.append((distance, verb))
        # "X said:" ending the sentence just before the quote
        if not candidates and overlapping:
            first = overlapping[0]
            if first.start > 0:
                prev = sentence_of(doc[first.start - 1])
                if prev.text.rstrip().endswith(":"):
                    candidates.extend((0, v) for v in self._reporting_verbs(prev, quotes=True))
        speaker: str | None = None
        verb_name: str | None = None
        primary = self.lex.reporting_verbs
        for _, verb in sorted(candidates, key=lambda c: (c[1].lemma_.lower() not in primary and c[1].lower_ != "according", c[0])):
            speaker = self._speaker_of(verb, memory)
            if speaker is not None:
                verb_name = "according to" if verb.lower_ == "according" else verb.lemma_.lower()
                break
        if speaker is None:
            # a quoted verb phrase: "Kim “condemned in the strongest terms” ..."
            span = doc.char_span(q0, q1, alignment_mode="expand")
            if span is not None and len(span):
                head = span.root
                for anc in [head, *head.ancestors]:
                    subj = next((c for c in anc.children if c.dep_ in ("nsubj",) and not (q0 <= c.idx < q1)), None)
                    if subj is not None:
                        speaker = self._phrase(subj, memory)
                        break
        quote["speaker"] = speaker
        quote["verb"] = verb_name
        if speaker:
            memory.add(speaker)


_FIRMS = {"company", "firm", "operator", "carrier", "airline", "manufacturer", "owner", "insurer", "group"}


def _last_organisation(head: Token) -> str | None:
    """The organisation named last before `head` in its article ("operated by Aurelia Lines, ...
    the company said")."""
    orgs = [e for e in head.doc.ents if e.label_ == "ORG" and e.end <= head.i]
    return _join(list(orgs[-1])) if orgs else None


_PERSON_PRONOUNS = {"he", "she", "i", "who"}
_TITLES = {"mr", "mrs", "ms", "dr", "president", "minister", "secretary", "director", "governor",
           "spokesman", "spokeswoman", "spokesperson", "chief", "general", "prime", "chancellor",
           "ambassador", "mayor", "official", "leader", "commander", "lawmaker"}


def _is_named(tokens: list[Token]) -> bool:
    return any(t.pos_ == "PROPN" or t.ent_type_ in ("PERSON", "ORG", "GPE", "NORP") for t in tokens)


def _is_person(text: str, tokens: list[Token] | None = None) -> bool:
    if tokens is not None and any(t.ent_type_ == "PERSON" for t in tokens):
        return True
    words = {w.strip(".").lower() for w in text.split()}
    return bool(words & _TITLES)


def _resolve_pronoun(pron: Token, memory: Memory) -> str | None:
    """A pronoun speaker: a named subject earlier in the sentence, else the last source."""
    want_person = pron.lower_ in _PERSON_PRONOUNS
    want_thing = pron.lower_ in ("it", "this", "which")
    sent = sentence_of(pron)
    best: Token | None = None
    for tok in sent:
        if tok.i >= pron.i:
            break
        if tok.dep_ in ("nsubj", "nsubjpass") and tok.pos_ in ("PROPN", "NOUN") and tok.lower_ not in _PRONOUNS:
            best = tok
    if best is None and want_person:
        # a parse without a subject: the nearest person named outside a prepositional phrase
        people = [e for e in sent.ents if e.label_ == "PERSON" and e.end <= pron.i]
        outside = [e for e in people if e.root.dep_ != "pobj"]
        if outside or people:
            best = (outside or people)[-1].root
    if best is not None:
        tokens = [t for t in best.subtree if not _in_clause_modifier(t, best)]
        while tokens and tokens[0].dep_ in ("det", "punct"):
            tokens = tokens[1:]
        text = _join(tokens)
        person = _is_person(text, tokens)
        if any(ch.isalpha() for ch in text) and _is_named(tokens) and ((want_person and person) or (want_thing and not person) or not (want_person or want_thing)):
            return text
    for earlier in reversed(memory.entries):
        person = memory.is_person(earlier)
        if (want_person and person) or (want_thing and not person) or not (want_person or want_thing):
            return earlier
    return memory.entries[-1] if memory.entries else None


_NP_TAGS = {"PROPN", "NOUN", "ADJ", "DET", "PART", "NUM"}
_DASHES = ("–", "—", "-")


def _headline_source(sent: Span) -> str | None:
    """The source of a headline: 'NIS: North Korea sends ...' or '... in Alvara – police'."""
    tokens = [t for t in sent if not t.is_space]
    if len(tokens) < 5:
        return None
    colon = next((i for i, t in enumerate(tokens[:6]) if t.text == ":"), None)
    if colon is not None and 0 < colon <= 4:
        head = tokens[:colon]
        # a source names an organisation or a person ("NIS:", "Pentagon:"), not a topic ("Morocco earthquake:")
        # only names: "NIS:", "Pentagon:", "Kremlin:"; a topic has common nouns ("Morocco earthquake:")
        if len(head) <= 3 and all(t.pos_ == "PROPN" or (t.is_upper and 2 <= len(t) <= 5) for t in head) \
                and not all(t.ent_type_ in ("GPE", "LOC", "DATE") for t in head):
            return _join(head)
    dash = next((i for i in range(len(tokens) - 1, len(tokens) - 6, -1)
                 if tokens[i].text in _DASHES and tokens[i].whitespace_ and tokens[i - 1].whitespace_), None)
    if dash is not None and 0 < len(tokens) - dash - 1 <= 4:
        tail = [t for t in tokens[dash + 1:] if not t.is_punct]
        if tail and all(t.pos_ in _NP_TAGS or t.tag_ == "POS" for t in tail) and any(t.pos_ in ("PROPN", "NOUN") for t in tail):
            return _join(tail)
    return None


def _subject_before(verb: Token) -> list[Token] | None:
    """The noun phrase right before a subjectless reporting verb: '..., the NIS (NIS) said'."""
    doc = verb.doc
    i = verb.i - 1
    while i >= 0 and doc[i].pos_ == "AUX":
        i -= 1
    if i >= 0 and doc[i].text == ")":
        while i >= 0 and doc[i].text != "(":
            i -= 1
        i -= 1
    end = i
    while i >= 0 and (doc[i].pos_ in _NP_TAGS or doc[i].tag_ == "POS") and doc[i].text not in (",", ";"):
        i -= 1
    tokens = [t for t in doc[i + 1:end + 1] if not t.is_space]
    while tokens and tokens[0].pos_ == "DET":
        tokens = tokens[1:]
    if not tokens or not any(t.pos_ in ("PROPN", "NOUN") for t in tokens):
        if len(tokens) == 1 and tokens[0].pos_ == "PRON":
            return tokens
        return None
    # only a phrase that closes a clause: "..., X said" or "X said" at the sentence start
    before = doc[i] if i >= 0 else None
    if before is not None and before.text not in (",", ";", "—", "–", "-") and not before.is_sent_start and before.i >= sentence_of(verb).start:
        return None
    return tokens


class Memory:
    """The sources and people an article has named so far, most recent last."""

    def __init__(self) -> None:
        self.entries: list[str] = []
        self.persons: set[str] = set()
        self.named: set[str] = set()  # sources given by name, which a bare "the agency" may stand for

    def add(self, who: str, *, person: bool = False) -> None:
        """Remember a source (or a person mentioned) as the most recent one."""
        if person:
            self.persons.add(who)
        if self.entries and self.entries[-1] == who:
            return
        if who in self.entries:
            self.entries.remove(who)
        self.entries.append(who)
        del self.entries[:-30]

    def last_source(self) -> str | None:
        """The most recent source that is not a person mentioned in passing."""
        return next((e for e in reversed(self.entries) if e not in self.persons), None)

    def is_person(self, who: str) -> bool:
        """True for people: mentioned as a person, or named with a title ('Mr', 'minister')."""
        return who in self.persons or _is_person(who)


def _in_clause_modifier(tok: Token, head: Token) -> bool:
    """True for tokens in a relative clause or apposition hanging off the speaker phrase."""
    cursor = tok
    while cursor.i != head.i and cursor.head.i != cursor.i:
        if cursor.dep_ in ("relcl", "acl", "advcl", "parataxis"):
            return True
        # "Cho Tae-yong, the NIS director," drops the apposition; "the rights group Civic Watch" keeps it
        if cursor.dep_ == "appos" and cursor.left_edge.i > 0 and cursor.doc[cursor.left_edge.i - 1].text == ",":
            return True
        cursor = cursor.head
    return False


_SUBORDINATORS = {"as", "while", "when", "after", "before", "because", "since", "until", "if", "though", "although"}


def _is_subordinate(verb: Token) -> bool:
    """'... as the Kingdom declares mourning': a clause of time or reason, not an attribution."""
    return any(c.dep_ == "mark" and c.lower_ in _SUBORDINATORS for c in verb.children)


def _in_subject(tok: Token, verb: Token) -> bool:
    for child in verb.children:
        if child.dep_ in _SUBJECTS and tok in list(child.subtree):
            return True
    return False


def _join(tokens: list[Token]) -> str:
    out = []
    for i, tok in enumerate(tokens):
        out.append(tok.text)
        if i + 1 < len(tokens) and tok.whitespace_ and tokens[i + 1].i == tok.i + 1:
            out.append(" ")
        elif i + 1 < len(tokens) and tokens[i + 1].i != tok.i + 1:
            out.append(" ")
    text = "".join(out).replace("’", "'").replace("‘", "'")
    # commas left behind by a removed apposition or relative clause
    text = re.sub(r",(\s*,)+", ",", text)
    text = re.sub(r"\s*\([^)]*$", "", text)  # an unclosed "(ING" left by the parse
    return re.sub(r"[\s,;:(\-]+$", "", text).strip()


def _time_of(sent: Span, root: Token, pred: Token | None, verb: Token | None, claim: dict[str, Any]) -> str | None:
    """The DATE/TIME expression attached to the figure's verb, else to its reporting verb."""
    ents = [e for e in sent.ents if e.label_ in ("DATE", "TIME")
            and not (e.start_char < claim["end"] and e.end_char > claim["start"])]
    if not ents:
        return None
    for anchor in (pred, verb):
        if anchor is None:
            continue
        for ent in ents:
            head = ent.root.head
            if ent.root.dep_ == "pobj" and head.dep_ == "prep" and head.head.i == anchor.i:
                return f"{head.text} {ent.text}"
            if head.i == anchor.i:
                return ent.text
    return None


@Language.factory("claim_attribution", default_config={"lexicon_files": []})
def make_claim_attribution(nlp: Language, name: str, lexicon_files: list[str]) -> ClaimAttribution:
    """Factory of the `claim_attribution` component."""
    return ClaimAttribution(nlp, name, lexicon_files)
