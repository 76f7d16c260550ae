"""Lexicons: the data files behind measures, units, reporting verbs, hedges and framing.

Users extend them from their config (`lexicons = ["mine.toml"]`): a user file has the same
sections as the built-in files, and its entries are added to (or override) the built-in ones.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from ..errors import ConfigError

_FILES = ("measures", "units", "reporting_verbs", "hedges", "framing", "predicates", "sources")


@dataclass(frozen=True)
class Measure:
    """One measure class and the words that select it."""

    name: str
    nouns: frozenset[str]
    predicates: frozenset[str]
    adjectives: frozenset[str]
    units: frozenset[str]
    people: bool = False  # counts people: what happened to them decides the measure
    # prepositional phrases of the verb that say what happened: "on strike", "to hospital"
    complements: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Lexicons:
    """All lexicons, merged from the built-in files and any user files."""

    measures: tuple[Measure, ...]
    generic_nouns: frozenset[str]
    unit_prefix: dict[str, str]
    unit_suffix: dict[str, str]
    reporting_verbs: dict[str, str]
    reporting_phrases: dict[str, str]
    hedges: frozenset[str]
    naming: dict[str, str]  # spelling -> canonical
    loaded: dict[str, str]  # term -> canonical idea
    change_up: frozenset[str]
    change_down: frozenset[str]
    change_by_only: frozenset[str]
    light_verbs: frozenset[str]
    referring_nouns: frozenset[str]
    bound_verbs: dict[str, str]
    source_synonyms: dict[str, str]
    capitals: dict[str, str]
    quote_verbs: frozenset[str]
    predicate_classes: dict[str, frozenset[str]]  # verb -> the classes it belongs to
    generic_same: dict[str, str] = field(default_factory=dict)  # generic noun -> the word its group counts as
    change_steps: frozenset[str] = frozenset()  # nouns that measure a change: "rose 200 points"
    change_particle: frozenset[str] = frozenset()  # verbs whose up/down says the direction: "ended up 2%"
    neutral_predicates: frozenset[str] = frozenset()  # verbs that report a figure, not a happening
    participation_verbs: frozenset[str] = frozenset()  # "joined the march": the event names the measure
    durations: frozenset[str] = frozenset()  # "hour", "year": figures that only qualify others
    tallies: frozenset[str] = frozenset()  # measures of running counts, which updates change
    marked_names: frozenset[str] = frozenset()  # naming variants that frame ("special military operation")
    marked_canonicals: frozenset[str] = frozenset()  # names whose variants are plain unless marked

    def predicate_class(self, lemma: str | None) -> frozenset[str]:
        """The classes a predicate belongs to; a verb in no class is its own class.

        Light verbs, neutral verbs and verbs of change or of passing a mark (of a figure that is
        a level: "rose to 24", "passed 2,000") belong to no class: they say nothing of what
        happened to what is counted.
        """
        if not lemma or lemma in self.light_verbs:
            return frozenset()  # "be", "put", "reach" relate a figure; they do not classify it
        classes = self.predicate_classes.get(lemma)
        if classes:
            return classes
        if lemma in self.neutral_predicates or lemma in self.bound_verbs or lemma in self.change_up \
                or lemma in self.change_down:
            return frozenset()
        return frozenset({lemma})

    def measure_names(self) -> list[str]:
        """Names of the measure classes, in lexicon order."""
        return [m.name for m in self.measures]


def _merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        elif isinstance(value, list) and isinstance(out.get(key), list):
            # word lists are unions; lists of lists (groups of words) are appended
            out[key] = list(dict.fromkeys([*out[key], *value])) if all(
                isinstance(v, str) for v in [*out[key], *value]) else [*out[key], *value]
        else:
            out[key] = value
    return out


def _invert(classes: dict[str, list[str]]) -> dict[str, frozenset[str]]:
    out: dict[str, set[str]] = {}
    for name, verbs in classes.items():
        for verb in verbs:
            out.setdefault(verb, set()).add(name)
    return {verb: frozenset(names) for verb, names in out.items()}


def _read_builtin(name: str) -> dict[str, Any]:
    text = resources.files(__package__).joinpath(f"{name}.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def _table(data: dict[str, Any], key: str) -> dict[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise TypeError(f"{key} must be a table, not {type(value).__name__}")
    return value


def _words(data: dict[str, Any], key: str) -> list[str]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(w, str) for w in value):
        raise TypeError(f"{key} must be a list of strings")
    return value


def _groups(data: dict[str, Any], key: str) -> dict[str, str]:
    """Lists of words that mean the same, as word -> the first word of its list."""
    value = data.get(key, [])
    if not isinstance(value, list) or not all(
            isinstance(g, list) and g and all(isinstance(w, str) for w in g) for g in value):
        raise TypeError(f"{key} must be a list of lists of words")
    return {w: group[0] for group in value for w in group}


def _strings(data: dict[str, Any], key: str) -> dict[str, str]:
    table = _table(data, key)
    for name, value in table.items():
        if not isinstance(value, str):
            raise TypeError(f"{key}.{name} must be a string")
    return dict(table)


def _build(data: dict[str, Any]) -> Lexicons:
    """Lexicons from merged TOML data; TypeError names the first entry of the wrong shape."""
    measures = []
    measure_specs = _table(data, "measures")
    for name in measure_specs:
        spec = _table(measure_specs, name)
        measures.append(Measure(
            name=name,
            nouns=frozenset(w.lower() for w in _words(spec, "nouns")),
            predicates=frozenset(_words(spec, "predicates")),
            adjectives=frozenset(_words(spec, "adjectives")),
            units=frozenset(_words(spec, "units")),
            people=bool(spec.get("people", False)),
            complements=frozenset(w.lower() for w in _words(spec, "complements")),
        ))
    naming: dict[str, str] = {}
    marked: set[str] = set()
    marked_canonicals: set[str] = set()
    names = _table(data, "naming")
    for canonical in names:
        for variant in _words(_table(names, canonical), "variants"):
            naming[variant] = canonical
        if _words(_table(names, canonical), "marked"):
            marked.update(_words(_table(names, canonical), "marked"))
            marked_canonicals.add(canonical)
    classes = _table(data, "classes")
    return Lexicons(
        measures=tuple(measures),
        generic_nouns=frozenset(_words(_table(data, "generic"), "nouns")),
        generic_same=_groups(_table(data, "generic"), "same"),
        unit_prefix=_strings(data, "prefix"),
        unit_suffix=_strings(data, "suffix"),
        reporting_verbs=_strings(data, "verbs"),
        reporting_phrases=_strings(data, "phrases"),
        hedges=frozenset(w.lower() for w in _words(data, "words")),
        naming=naming,
        loaded=_strings(data, "loaded"),
        change_up=frozenset(_words(_table(data, "change"), "up")),
        change_down=frozenset(_words(_table(data, "change"), "down")),
        change_by_only=frozenset(_words(_table(data, "change"), "by_only")),
        light_verbs=frozenset(_words(_table(data, "light_verbs"), "verbs")),
        referring_nouns=frozenset(_words(_table(data, "referring"), "nouns")),
        bound_verbs=_strings(data, "bound_verbs"),
        source_synonyms=_strings(data, "source_synonyms"),
        capitals=_strings(data, "capitals"),
        quote_verbs=frozenset(_words(_table(data, "quote_verbs"), "verbs")),
        predicate_classes=_invert({name: _words(classes, name) for name in classes}),
        change_steps=frozenset(w.lower() for w in _words(_table(data, "change"), "steps")),
        change_particle=frozenset(_words(_table(data, "change"), "particle")),
        neutral_predicates=frozenset(_words(_table(data, "neutral"), "verbs")),
        participation_verbs=frozenset(_words(_table(data, "participation"), "verbs")),
        durations=frozenset(_words(_table(data, "durations"), "nouns")),
        tallies=frozenset(_words(_table(data, "tallies"), "measures")),
        marked_names=frozenset(marked),
        marked_canonicals=frozenset(marked_canonicals),
    )


@lru_cache(maxsize=16)
def load_lexicons(extra: tuple[Path, ...] = ()) -> Lexicons:
    """Load the built-in lexicons, merged with the user's TOML files in `extra`."""
    data: dict[str, Any] = {}
    for name in _FILES:
        data = _merge(data, _read_builtin(name))
    lexicons = _build(data)
    for path in extra:
        try:
            data = _merge(data, tomllib.loads(Path(path).read_text(encoding="utf-8")))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"lexicon file {path} cannot be read: {exc}") from None
        try:
            # built after each file, so that a mistake is reported with the file that made it
            lexicons = _build(data)
        except TypeError as exc:
            raise ConfigError(f"lexicon file {path} is invalid: {exc}") from None
    return lexicons
