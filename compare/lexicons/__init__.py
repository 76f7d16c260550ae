"""Lexicons: the data files behind measures, units, reporting verbs, hedges and framing.

Users extend them from their config (`lexicons = ["mine.toml"]`): a user file has the same
sections as the built-in files, and its entries are added to (or override) the built-in ones.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from ..errors import ConfigError

_FILES = ("measures", "units", "reporting_verbs", "hedges", "framing", "predicates")


@dataclass(frozen=True)
class Measure:
    """One measure class and the words that select it."""

    name: str
    nouns: frozenset[str]
    predicates: frozenset[str]
    adjectives: frozenset[str]
    units: frozenset[str]


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
    light_verbs: frozenset[str]
    quote_verbs: frozenset[str]
    predicate_classes: dict[str, frozenset[str]]  # verb -> the classes it belongs to

    def predicate_class(self, lemma: str | None) -> frozenset[str]:
        """The classes a predicate belongs to; a verb in no class is its own class."""
        if not lemma:
            return frozenset()
        return self.predicate_classes.get(lemma, frozenset({lemma}))

    def measure_names(self) -> list[str]:
        """Names of the measure classes, in lexicon order."""
        return [m.name for m in self.measures]


def _merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        elif isinstance(value, list) and isinstance(out.get(key), list):
            out[key] = list(dict.fromkeys([*out[key], *value]))
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


@lru_cache(maxsize=16)
def load_lexicons(extra: tuple[Path, ...] = ()) -> Lexicons:
    """Load the built-in lexicons, merged with the user's TOML files in `extra`."""
    data: dict[str, Any] = {}
    for name in _FILES:
        data = _merge(data, _read_builtin(name))
    for path in extra:
        try:
            data = _merge(data, tomllib.loads(Path(path).read_text(encoding="utf-8")))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"lexicon file {path} cannot be read: {exc}") from None
    measures = tuple(
        Measure(
            name=name,
            nouns=frozenset(w.lower() for w in spec.get("nouns", [])),
            predicates=frozenset(spec.get("predicates", [])),
            adjectives=frozenset(spec.get("adjectives", [])),
            units=frozenset(spec.get("units", [])),
        )
        for name, spec in data.get("measures", {}).items()
    )
    naming: dict[str, str] = {}
    for canonical, spec in data.get("naming", {}).items():
        for variant in spec.get("variants", []):
            naming[variant] = canonical
    return Lexicons(
        measures=measures,
        generic_nouns=frozenset(data.get("generic", {}).get("nouns", [])),
        unit_prefix=dict(data.get("prefix", {})),
        unit_suffix=dict(data.get("suffix", {})),
        reporting_verbs=dict(data.get("verbs", {})),
        reporting_phrases=dict(data.get("phrases", {})),
        hedges=frozenset(w.lower() for w in data.get("words", [])),
        naming=naming,
        loaded=dict(data.get("loaded", {})),
        change_up=frozenset(data.get("change", {}).get("up", [])),
        change_down=frozenset(data.get("change", {}).get("down", [])),
        light_verbs=frozenset(data.get("light_verbs", {}).get("verbs", [])),
        quote_verbs=frozenset(data.get("quote_verbs", {}).get("verbs", [])),
        predicate_classes=_invert(data.get("classes", {})),
    )
