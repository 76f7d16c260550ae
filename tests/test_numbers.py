"""Figures as written: values, intervals, qualifiers, units; and what is not a figure."""

from __future__ import annotations

import pytest

from compare.extract.numbers import find_figures, interval, leading_qualifier, words_to_number
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
    ("barely 200 voters", ("barely 200", 200, 180, 200, "approx", None)),
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
    ("chips made on a sub-5 nanometre process", ("sub-5", 5, None, 5, "less_than", None)),
    ("a sub-$300 handset", ("sub-$300", 300, None, 300, "less_than", "USD")),
    ("a third of the staff", ("a third", 1 / 3, 1 / 3, 1 / 3, "exact", None)),
    ("a 90ft-wide crater", ("90ft", 90, 90, 90, "exact", "ft")),
    ("a flat of 48m2 in the centre", ("48m2", 48, 48, 48, "exact", "m2")),
    ("burned 3,500 square kilometres of forest", ("3,500 square kilometres", 3500, 3500, 3500, "exact", "km2")),
    ("stayed an average of 70 days", ("70", 70, 70, 70, "exact", None)),
    ("about 14-18 mpg", ("about 14-18 mpg", None, 14, 18, "range", "mpg")),
    ("a 3,000-year-old bronze sword", ("3,000", 3000, 3000, 3000, "exact", None)),
    ("rocks of 250 million-year-old", ("250 million", 2.5e8, 2.5e8, 2.5e8, "exact", None)),
])
def test_numbers_find_figures_gives_interval_and_qualifier(text: str, expected: tuple) -> None:
    assert figures(text) == [expected]


@pytest.mark.parametrize("text", [
    "on 18 October 2024", "in 2022", "at 23:11 local time", "at 11pm", "his fourth visit",
    "the 40-year-old leader", "aged 40", "a two-storey house", "a 14-story tower", "F-16 jets",
    "the G7 summit", "COVID-19 cases", "AN-124 aircraft", "call 020 7946 0958", "+44 20 7946 0000",
    "between 8-13 Oct", "the 1990s", "the 4th brigade", "October 8, 2023",
    "in the final third of the pitch", "the second quarter of the match",
])
def test_numbers_find_figures_skips_non_claims(text: str) -> None:
    assert figures(text) == []


@pytest.mark.parametrize(("text", "expected"), [
    # a year between the two figures of a from-to range is not a figure of its own
    ("fell from 31 mpg in 2015 to 26 mpg in 2021", [("from 31 mpg in 2015 to 26 mpg", None, 26, 31, "range", "mpg")]),
    ("slid from $410 at 9am to $388 at noon", [("from $410 at 9am to $388", None, 388, 410, "range", "USD")]),
    ("grew from 12 in 2019. To be sure, 40 more came", [("12", 12, 12, 12, "exact", None), ("40", 40, 40, 40, "exact", None)]),
    # the first of two figures keeps its own unit, and a year there is no figure
    ("went from 12 miles in 2008 to 29 kilometres", [("12 miles", 12, 12, 12, "exact", "mi"),
                                                      ("29 kilometres", 29, 29, 29, "exact", "km")]),
    ("rose in 2008 to 29 mpg", [("29 mpg", 29, 29, 29, "exact", "mpg")]),
])
def test_numbers_from_to_ranges_across_a_date(text: str, expected: list) -> None:
    assert figures(text) == expected


@pytest.mark.parametrize(("text", "qualifier"), [
    ("about 14-18 mpg", "approx"), ("~25 – 40min", "approx"), ("nearly 3-4 hours", "approx"),
    ("more than 20-30", "more_than"), ("up to 5-6 metres", "up_to"), ("sub-$300", "less_than"),
    ("14-18 mpg", None), ("between 4 and 5", None), ("overall 5", None),
])
def test_numbers_leading_qualifier_of_a_figure_text(text: str, qualifier: str | None) -> None:
    assert leading_qualifier(text) == qualifier


def test_numbers_two_figures_joined_by_and_are_not_a_range() -> None:
    found = figures("three missiles and more than 100 drones")
    assert [f[0] for f in found] == ["three", "more than 100"]


@pytest.mark.parametrize(("qualifier", "value", "bounds"), [
    ("exact", 100.0, (100.0, 100.0)), ("approx", 100.0, (90.0, 110.0)), ("nearly", 100.0, (90.0, 100.0)),
    ("more_than", 100.0, (100.0, None)), ("up_to", 100.0, (None, 100.0)),
])
def test_numbers_interval_convention(qualifier: str, value: float, bounds: tuple) -> None:
    assert interval(value, qualifier) == bounds
