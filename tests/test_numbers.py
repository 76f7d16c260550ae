"""Figures as written: values, intervals, qualifiers, units; and what is not a figure."""

from __future__ import annotations

import pytest

from compare.extract.numbers import find_figures, interval, words_to_number
from compare.lexicons import load_lexicons

LEX = load_lexicons()


def figures(text: str) -> list[tuple[str, float | None, float | None, float | None, str, str | None]]:
    found = find_figures(text, unit_prefix=LEX.unit_prefix, unit_suffix=LEX.unit_suffix,
                         extra_units=("magnitude",))
    return [(f.text, f.value, f.low, f.high, f.qualifier, f.unit) for f in found]


@pytest.mark.parametrize(("text", "value"), [
    ("1,500", 1500), ("2,946", 2946), ("1.2 million", 1_200_000), ("1.5m", 1_500_000),
    ("10k", 10_000), ("seven", 7), ("fifteen hundred", 1500), ("15-hundred", 1500),
    ("ten-thousand", 10_000), ("a dozen", 12), ("half a million", 500_000),
    ("two hundred and fifty", 250), ("one and a half million", 1_500_000), ("twenty-five", 25),
])
def test_numbers_words_to_number_reads_every_form(text: str, value: float) -> None:
    assert words_to_number(text) == value


@pytest.mark.parametrize(("text", "expected"), [
    ("sent 1,500 troops", ("1,500", 1500, 1500, 1500, "exact", None)),
    ("more than 100 drones", ("more than 100", 100, 100, None, "more_than", None)),
    ("at least 3,000 soldiers", ("at least 3,000", 3000, 3000, None, "at_least", None)),
    ("up to 10,000 men", ("up to 10,000", 10000, None, 10000, "up_to", None)),
    ("as many as 12,000 troops", ("as many as 12,000", 12000, None, 12000, "up_to", None)),
    ("fewer than 20 people", ("fewer than 20", 20, None, 20, "less_than", None)),
    ("about 1,500 troops", ("about 1,500", 1500, 1350, 1650, "approx", None)),
    ("nearly 1,500 troops", ("nearly 1,500", 1500, 1350, 1500, "approx", None)),
    ("100 or more people", ("100 or more", 100, 100, None, "at_least", None)),
    ("between 4,000 and 6,000 troops", ("between 4,000 and 6,000", None, 4000, 6000, "range", None)),
    ("20,000 to 50,000 people", ("20,000 to 50,000", None, 20000, 50000, "range", None)),
    ("5,000-6,000 people", ("5,000-6,000", None, 5000, 6000, "range", None)),
    ("rose 25 per cent", ("25 per cent", 25, 25, 25, "exact", "%")),
    ("rose 0.3 percentage points", ("0.3 percentage points", 0.3, 0.3, 0.3, "exact", "pp")),
    ("cut by 2 percent", ("2 percent", 2, 2, 2, "exact", "%")),
    ("rose 25%", ("25%", 25, 25, 25, "exact", "%")),
    ("a $2bn package", ("$2bn", 2e9, 2e9, 2e9, "exact", "USD")),
    ("a €500m loan", ("€500m", 5e8, 5e8, 5e8, "exact", "EUR")),
    ("dozens of people", ("dozens", None, 24, 99, "vague", None)),
    ("hundreds of homes", ("hundreds", None, 200, 999, "vague", None)),
    ("tens of thousands of lives", ("tens of thousands", None, 20000, 99999, "vague", None)),
    ("a 6.8-magnitude quake", ("6.8", 6.8, 6.8, 6.8, "exact", None)),
])
def test_numbers_find_figures_gives_interval_and_qualifier(text: str, expected: tuple) -> None:
    assert figures(text) == [expected]


@pytest.mark.parametrize("text", [
    "on 18 October 2024", "in 2022", "at 23:11 local time", "at 11pm", "his fourth visit",
    "the 40-year-old leader", "aged 40", "a two-storey house", "a 14-story tower", "F-16 jets",
    "the G7 summit", "COVID-19 cases", "AN-124 aircraft", "call 020 7946 0958", "+44 20 7946 0000",
    "between 8-13 Oct", "the 1990s", "the 4th brigade", "October 8, 2023",
])
def test_numbers_find_figures_skips_non_claims(text: str) -> None:
    assert figures(text) == []


def test_numbers_two_figures_joined_by_and_are_not_a_range() -> None:
    found = figures("three missiles and more than 100 drones")
    assert [f[0] for f in found] == ["three", "more than 100"]


@pytest.mark.parametrize(("qualifier", "value", "bounds"), [
    ("exact", 100.0, (100.0, 100.0)), ("approx", 100.0, (90.0, 110.0)), ("nearly", 100.0, (90.0, 100.0)),
    ("more_than", 100.0, (100.0, None)), ("up_to", 100.0, (None, 100.0)),
])
def test_numbers_interval_convention(qualifier: str, value: float, bounds: tuple) -> None:
    assert interval(value, qualifier) == bounds
