"""Figures as news writes them: find them in text and turn them into values and intervals.

This module sees characters only; what a figure counts and who says so is decided on the
parse (quantities.py, attribution.py). Interval conventions are documented in the README.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19,
}
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}
_SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000,
           "trillion": 1_000_000_000_000}
_ABBR = {"k": 1_000, "m": 1_000_000, "mn": 1_000_000, "mln": 1_000_000, "bn": 1_000_000_000,
         "b": 1_000_000_000, "bln": 1_000_000_000, "tn": 1_000_000_000_000, "trn": 1_000_000_000_000}

# Vague amounts: the interval each asserts (see README, "Interval conventions").
VAGUE = {
    "dozens": (24.0, 99.0), "scores": (40.0, 99.0), "hundreds": (200.0, 999.0),
    "thousands": (2_000.0, 9_999.0), "millions": (2e6, 9.99e6), "billions": (2e9, 9.99e9),
    "tens of thousands": (20_000.0, 99_999.0), "hundreds of thousands": (200_000.0, 999_999.0),
    "tens of millions": (2e7, 9.99e7), "hundreds of millions": (2e8, 9.99e8),
    "several hundred": (300.0, 999.0), "several thousand": (3_000.0, 9_999.0),
    "several million": (3e6, 9.99e6), "a few hundred": (200.0, 500.0),
    "a few thousand": (2_000.0, 5_000.0), "a few dozen": (24.0, 60.0),
    "several dozen": (36.0, 99.0), "a handful of": (2.0, 6.0),
}

APPROX_WIDTH = 0.10  # "about 1,500" asserts 1,350..1,650

# qualifier words before a figure -> qualifier name
_PREFIX_QUALIFIERS = [
    (r"more\s+than|over|above|exceeding|in\s+excess\s+of|upwards\s+of|just\s+over|well\s+over|north\s+of", "more_than"),
    (r"at\s+least|no\s+fewer\s+than|no\s+less\s+than|not\s+less\s+than|a\s+minimum\s+of", "at_least"),
    (r"less\s+than|fewer\s+than|under|below|just\s+under|nearly\s+under|sub-", "less_than"),
    (r"at\s+most|no\s+more\s+than|not\s+more\s+than|a\s+maximum\s+of", "at_most"),
    (r"up\s+to|as\s+many\s+as|as\s+much\s+as|as\s+high\s+as", "up_to"),
    # "barely 6.5 times earnings", "scarcely 100 people": only just, so about and not more
    (r"nearly|almost|close\s+to|just\s+short\s+of|approaching|barely|scarcely|hardly", "nearly"),
    (r"about|around|some|roughly|approximately|approx\.|an\s+estimated|estimated|circa|c\.|"
     r"an\s+approximate|or\s+so|~|≈", "approx"),
    # "an average of 70 days" states a mean, not an approximation: the figure is exact
]
_SUFFIX_QUALIFIERS = [
    (r"or\s+more|or\s+above|and\s+more|and\s+up|\+(?!\d)|-?plus", "at_least"),
    (r"or\s+so|or\s+thereabouts", "approx"),
    (r"or\s+fewer|or\s+less", "at_most"),
]

_W = r"(?:" + "|".join(sorted([*_UNITS, *_TENS], key=len, reverse=True)) + r")"
_WORDNUM = rf"{_W}(?:[\s-]{_W})?"
_SCALE = r"(?:hundred|thousand|million|billion|trillion)"
_DIGITS = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+"
_ABBR_RE = r"(?:k|m|mn|mln|bn|b|bln|tn|trn)(?![A-Za-z])"
# One figure: digits (with scale) or words (with scale), or "a dozen"/"a hundred".
_FRACTION = (
    # "a third of", "two-thirds of"; without a count "the final third of" is a part, not a fraction
    r"(?:a|one|two|three|four)[\s-](?:thirds?|quarters?|fifths?|tenths?)(?=\s+of\b)"
    r"|half(?=\s+(?:of|the|its|their|his|her|a|an)\b)(?!\s+an?\s+(?:dozen|hundred|thousand|million|billion))"
    rf"|(?:one|\d{{1,2}})\s+(?:in|out\s+of)\s+(?:every\s+)?(?:{_WORDNUM}|\d{{1,3}})(?![\d,])"
    r"|\d\s?[/⁄]\s?\d{1,3}(?![/⁄\d])"
)
_CORE = (
    rf"(?:{_FRACTION}"
    rf"|(?:{_DIGITS})(?:{_ABBR_RE}|(?:[\s-]+{_SCALE})+)?"
    rf"|(?:{_WORDNUM})(?:(?:[\s-]+(?:and\s+)?(?:{_SCALE}|{_WORDNUM}))*)(?:\s+and\s+a\s+half(?:\s+{_SCALE})?)?"
    rf"|(?:a|one)\s+(?:dozen|hundred|thousand|million|billion)(?:\s+and\s+a\s+half)?"
    rf"|half\s+a\s+(?:dozen|hundred|thousand|million|billion)"
    rf"|a\s+dozen|dozen)"
)
_VAGUE_RE = "|".join(sorted((re.escape(k).replace(r"\ ", r"\s+") for k in VAGUE), key=len, reverse=True))

_PREFIX_Q = "|".join(p for p, _ in _PREFIX_QUALIFIERS)
_UNIT_AFTER_A = r"(?:\s?%|\s?per\s?cent|\s?percent)(?!age)"


@lru_cache(maxsize=8)
def figure_pattern(currencies: tuple[str, ...]) -> re.Pattern[str]:
    """The figure regex, with the currency prefixes of the units lexicon."""
    cur = "|".join(re.escape(c) for c in sorted(currencies, key=len, reverse=True)) or r"\$"
    return re.compile(
        rf"""
        (?:(?<![\w.,/:$£€¥⁄+-])|(?<=[^\d],)(?=[^\W\d_]))  # not glued to a word, a date or a decimal
                                                # (a word after a comma with no space: ",minus 5")
        (?:(?P<qual>{_PREFIX_Q})(?:\s+|(?<=[~≈-])\s*))?
        (?:(?P<sign>\+)|(?P<cur>{cur})\s?(?P<cneg>-(?=\d))?)?
        (?P<neg>minus[\s-]+|−)?
        (?:
            (?P<vague>{_VAGUE_RE})(?![\w-])
          | (?P<a>{_CORE})(?P<apct>{_UNIT_AFTER_A})?
            (?:\s*(?P<rsep>-|–|—|to|and|or)\s*(?:{cur})?(?P<b>{_CORE}))?
        )
        (?P<pct>\s?%)?
        (?![/⁄]\d)(?!\d)                        # "24/7" is a phrase; never stop inside digits
        """,
        re.IGNORECASE | re.VERBOSE,
    )


_BETWEEN_RE = re.compile(r"(?:between|from)\s+$", re.IGNORECASE)
_TIME_AFTER = re.compile(r"^\s?(?:a\.?m\.?|p\.?m\.?|gmt|bst|cet|utc|hrs|h|o'clock|local time)(?![a-z])", re.IGNORECASE)
_ORDINAL_AFTER = re.compile(r"^(?:st|nd|rd|th|s)\b", re.IGNORECASE)
_MONTHS = (r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
           r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?")
_MONTH_AFTER = re.compile(rf"^[\s-]*(?:{_MONTHS})\b\.?", re.IGNORECASE)
_MONTH_BEFORE = re.compile(rf"\b(?:{_MONTHS})\.?\s+$", re.IGNORECASE)
_PHONE_RE = re.compile(r"(?:\+\d{1,3}[\s.-]?)?(?:\(\d{2,5}\)[\s.-]?)?\d{2,5}(?:[\s.-]\d{2,5}){1,4}")
_AGE_AFTER = re.compile(r"^[\s-]*years?[\s-]+old\b|^-year-old", re.IGNORECASE)
_AGE_BEFORE = re.compile(r"\b(?:aged|age|ages)\s+$", re.IGNORECASE)
_HYPHEN_WORD = re.compile(r"^-([A-Za-z]+)")


@dataclass(frozen=True)
class Figure:
    """A figure found in text, with its interval, before any syntax is read."""

    start: int
    end: int
    text: str
    value: float | None
    low: float | None
    high: float | None
    qualifier: str
    unit: str | None
    number_start: int  # where the number itself starts (after qualifier and currency)
    number_end: int
    sign: str | None = None  # "up" for an explicit "+5%"


def words_to_number(text: str) -> float | None:
    """Value of a written number: '1,500', '1.2 million', 'fifteen hundred', '15-hundred', '10k'."""
    s = text.lower().replace(",", "").strip()
    fraction = _fraction(s)
    if fraction is not None:
        return fraction
    s = re.sub(r"\band\b", " ", s)
    half = False
    if re.search(r"\ba\s+half\b", s):
        half = True
        s = re.sub(r"\s*a\s+half\b", " ", s)
    m = re.fullmatch(r"(\d*\.?\d+)\s*(k|m|mn|mln|bn|b|bln|tn|trn)", s)
    if m:
        return float(m.group(1)) * _ABBR[m.group(2)]
    if s.startswith("half a "):
        inner = words_to_number(s[len("half a "):].replace("dozen", "twelve"))
        return None if inner is None else inner / 2
    s = re.sub(r"^(a|one)\s+dozen$", "twelve", s)
    s = re.sub(r"^dozen$", "twelve", s)
    s = re.sub(r"^a\s+", "one ", s)
    parts = [p for p in re.split(r"[\s-]+", s) if p]
    if not parts:
        return None
    total = 0.0
    current = 0.0
    seen = False
    for part in parts:
        if re.fullmatch(r"\d*\.?\d+", part):
            current += float(part)
            seen = True
        elif part in _UNITS:
            current += _UNITS[part]
            seen = True
        elif part in _TENS:
            current += _TENS[part]
            seen = True
        elif part == "dozen":
            current = (current or 1) * 12
            seen = True
        elif part == "hundred":
            current = (current or 1) * 100
            seen = True
        elif part in _SCALES:
            total += (current or 1) * _SCALES[part]
            current = 0.0
            seen = True
        else:
            return None
    if not seen:
        return None
    value = total + current
    if half:
        # "one and a half million": the half belongs to the leading unit of the scale
        scale = next((v for k, v in _SCALES.items() if k in parts and k != "hundred"), 1)
        value += 0.5 * scale
    return value


_ORDINAL_PARTS = {"half": 2, "third": 3, "thirds": 3, "quarter": 4, "quarters": 4, "fifth": 5,
                  "fifths": 5, "tenth": 10, "tenths": 10}


def _fraction(s: str) -> float | None:
    """Value of 'two-thirds', 'a quarter', 'half', 'one in three', '1/16'; None otherwise."""
    m = re.fullmatch(r"(\d{1,3})\s?[/⁄]\s?(\d{1,4})", s)
    if m:
        num, den = int(m.group(1)), int(m.group(2))
        return num / den if 0 < num < den else None
    m = re.fullmatch(r"(?:(a|one|two|three|four)[\s-])?(half|thirds?|quarters?|fifths?|tenths?)", s)
    if m:
        num = {"a": 1, "one": 1, None: 1}.get(m.group(1)) or _UNITS[m.group(1)]
        return num / _ORDINAL_PARTS[m.group(2)]
    m = re.fullmatch(r"(one|\d{1,2})\s+(?:in|out\s+of)\s+(?:every\s+)?(.+)", s)
    if m:
        whole = 1.0 if m.group(1) == "one" else float(m.group(1))
        every = words_to_number(m.group(2))
        return whole / every if every and whole < every else None
    return None


def interval(value: float, qualifier: str) -> tuple[float | None, float | None]:
    """The interval a qualified value asserts (README, 'Interval conventions')."""
    if qualifier == "exact":
        return value, value
    if qualifier == "approx":
        lo, hi = sorted((round(value * (1 - APPROX_WIDTH), 6), round(value * (1 + APPROX_WIDTH), 6)))
        return lo, hi
    if qualifier == "nearly":
        return (round(value * (1 - APPROX_WIDTH), 6), value) if value >= 0 else (value, round(value * (1 - APPROX_WIDTH), 6))
    if qualifier in ("more_than", "at_least"):
        return value, None
    if qualifier in ("less_than", "at_most", "up_to"):
        return None, value
    return value, value


_LEADING_Q = re.compile(rf"(?P<q>{'|'.join(p for p, _ in _PREFIX_QUALIFIERS)})(?:\s+|(?<=[~≈-])\s*)(?=[^\W_]|[$£€¥₹₩₽₴])",
                        re.IGNORECASE)


def leading_qualifier(text: str) -> str | None:
    """The qualifier the words opening a figure's text name: 'about 14-18 mpg' -> 'approx'."""
    m = _LEADING_Q.match(text.strip())
    name = _qualifier_name(m.group("q"), _PREFIX_QUALIFIERS) if m else None
    return "approx" if name == "nearly" else name


def _qualifier_name(text: str | None, table: list[tuple[str, str]]) -> str | None:
    if not text:
        return None
    for pattern, name in table:
        if re.fullmatch(pattern, text.strip(), re.IGNORECASE):
            return name
    return None


def _blocked_spans(text: str) -> list[tuple[int, int]]:
    """Character spans that hold phone numbers: no figure is taken from inside them."""
    spans = []
    for m in _PHONE_RE.finditer(text):
        digits = sum(c.isdigit() for c in m.group())
        groups = re.split(r"[\s.-]", m.group())
        # thousands separators never split a figure with spaces, so grouped digit runs of
        # eight or more digits are phone-like; "1,500 2,000" cannot match this pattern
        if digits >= 8 and not all(len(g) == 3 for g in groups[1:]) and (
                len(groups) >= 3 or m.group().startswith(("0", "+", "("))):
            spans.append((m.start(), m.end()))
    return spans


_METRE_CONTEXT = re.compile(r"^(?:[2²]|\s?\(|-?(?:long|high|tall|deep|wide|away)\b|\s(?:long|high|tall|deep|wide|away|metres?|meters?)\b)", re.IGNORECASE)
_YEAR = re.compile(r"1\d\d\d|2[01]\d\d")


def _is_year_context(a: str, before: str, after: str) -> bool:
    if not _YEAR.fullmatch(a):
        return False
    return bool(_MONTH_BEFORE.search(before) or re.search(
        r"(?i)\b(?:in|since|by|of|until|from|to|during|before|after|year|early|late|mid|between|and|or|'s)\s+$", before)
        or re.match(r"^\s*(?:[.,;:)]|$|-\d{2}\b|\s+(?:and|to|when|as|after|before|while|that|which)\b)", after))


def find_figures(text: str, *, unit_prefix: dict[str, str], unit_suffix: dict[str, str],
                 extra_units: tuple[str, ...] = ()) -> list[Figure]:
    """Every figure in `text` that could be a claim; dates, times, ages and codes are skipped."""
    blocked = _blocked_spans(text)
    suffix_units = sorted(unit_suffix, key=len, reverse=True)
    suffix_lower = {u.lower(): v for u, v in unit_suffix.items()}
    suffix_re = re.compile(
        r"^\s?(?:" + "|".join(re.escape(u) for u in suffix_units) + r")(?![A-Za-z])", re.IGNORECASE
    ) if suffix_units else None
    suffix_q_re = re.compile(r"^\s*(?:" + "|".join(p for p, _ in _SUFFIX_QUALIFIERS) + r")(?![A-Za-z])", re.IGNORECASE)
    pattern = figure_pattern(tuple(unit_prefix))
    figures: list[Figure] = []
    pos = 0
    while True:
        m = pattern.search(text, pos)
        if m is None:
            break
        pos = m.end()
        start, end = m.start(), m.end()
        vague, a, b = m.group("vague"), m.group("a"), m.group("b")
        num_start = m.start("vague") if vague else m.start("a")
        if any(b0 <= num_start < b1 for b0, b1 in blocked):
            continue
        before = text[max(0, num_start - 40):num_start]
        after = text[end:end + 40]
        qual_text, cur = m.group("qual"), m.group("cur")
        pct = bool(m.group("pct") or m.group("apct"))
        if a and re.fullmatch(r"(?i)a|an", a.strip()):
            continue  # "a" alone is not a number
        if _TIME_AFTER.match(after) or re.match(r"^[:.]\d", after):
            continue
        if a and re.match(r"0\d", a):
            continue  # a leading zero: a code, a phone or a postcode, never a count
        glued = re.match(r"[A-Za-z]+[2²3³]?", text[end:])
        if glued and glued.group().lower() not in suffix_lower and not pct:
            continue  # "0XX", "4x4", "3D": part of a code
        if re.search(r"[©#№]\s*$", before) or re.search(r"\bNo\.?\s*$", before):
            continue  # copyright years, numbered items ("No. 10")
        if _ORDINAL_AFTER.match(text[end:end + 3]) and not vague:
            continue
        if (_AGE_AFTER.match(after) or _AGE_BEFORE.search(before)) and (words_to_number(a or "") or 0) < 130:
            continue  # a person's age; "a 2,900-year-old site" is a quantity
        if a and not b and not cur and not pct:
            if re.fullmatch(r"\d{1,2}", a) and (_MONTH_AFTER.match(after) or _MONTH_BEFORE.search(before)):
                continue
            if _is_year_context(a, before, after):
                continue
        if b and (re.fullmatch(r"\d{1,2}", b) and _MONTH_AFTER.match(after)):
            continue  # "8-13 Oct"
        if b and _YEAR.fullmatch(a.strip()) and _YEAR.fullmatch(b.strip()) and not cur and not pct:
            continue  # "between 2014 and 2017": years
        hy = _HYPHEN_WORD.match(after)
        if hy and not pct and not _AGE_AFTER.match(after):  # an age of 130 or more is a quantity
            word = hy.group(1).lower()
            if word not in _SCALES and word not in _ABBR and word not in suffix_lower and word not in extra_units:
                continue  # a descriptor: "two-storey", "14-story", "three-year"
        unit: str | None = unit_prefix.get(cur) if cur else None
        if pct:
            unit = "%"
        elif suffix_re is not None and unit is None:
            su = suffix_re.match(after)
            if su:
                unit = suffix_lower.get(su.group().strip().lower())
                end += su.end()
                after = text[end:end + 40]
        qualifier = _qualifier_name(qual_text, _PREFIX_QUALIFIERS)
        sq = suffix_q_re.match(after)
        if sq and qualifier is None:
            qualifier = _qualifier_name(sq.group().strip().lstrip("-"), _SUFFIX_QUALIFIERS) or _qualifier_name(sq.group().strip(), _SUFFIX_QUALIFIERS)
            end += sq.end()
        sign = "up" if m.group("sign") else None
        if vague:
            low: float | None
            high: float | None
            low, high = VAGUE[re.sub(r"\s+", " ", vague.lower())]
            if qualifier in ("more_than", "at_least"):
                high = None
            elif qualifier in ("less_than", "at_most", "up_to"):
                low = None
            figures.append(Figure(start, end, text[start:end].strip(), None, low, high, "vague", unit,
                                  num_start, m.end("vague"), sign))
            continue
        if b:
            sep = m.group("rsep").lower()
            a_val, b_val = words_to_number(a), words_to_number(b)
            between = _BETWEEN_RE.search(text[:start]) if not qual_text else None
            two_figures = (
                a_val is None or b_val is None
                or (sep == "and" and not between)
                or (sep == "or" and not (b_val > a_val and b_val <= a_val * 10))
                # "rose by 43.6 billion to 419.2 billion": a change, then the level reached
                or (sep == "to" and re.search(r"(?i)\bby\s+$", text[:start]) is not None and b_val > 3 * a_val)
                # "up 9.4 per cent to $84": a percentage, then a price
                or (bool(m.group("apct")) and not m.group("pct") and not re.match(r"\s?(?:per\s?cent|percent)", after, re.IGNORECASE))
                or (text[m.start("b") - 1] in "$£€¥" and not cur)
            )
            if b_val == a_val:
                continue  # a score: "2-2", "89-89"
            if two_figures:
                # keep the first figure and read on from the separator
                pos, single = _first_of_two(text, start, m, unit_prefix.get(cur) if cur else None, qualifier, sign,
                                            suffix_re, suffix_lower)
                if single is not None:
                    figures.append(single)
                continue
            assert a_val is not None and b_val is not None
            b_bare = words_to_number(re.sub(r"(?i)[\s-]*" + _SCALE + r"\s*$", "", b)) or b_val
            if a_val <= b_bare and a_val < b_val / 100 and re.search(_SCALE + r"\s*$", b, re.IGNORECASE) \
                    and not re.search(_SCALE, a, re.IGNORECASE):
                a_val *= b_val / b_bare  # a bare first number scaled like the second ("1.5 to 2 million")
            if b_val < a_val:
                if sep in ("-", "–", "—"):
                    continue  # "2010-11" spans and "5,000-6" are not ranges
                pos, single = _first_of_two(text, start, m, unit_prefix.get(cur) if cur else None, qualifier, sign,
                                            suffix_re, suffix_lower)
                if single is not None:
                    figures.append(single)
                continue
            if between:
                start = between.start()
            figures.append(Figure(start, end, text[start:end].strip(), None, a_val, b_val, "range", unit,
                                  num_start, m.end("b"), sign))
            continue
        single = _single(text, start, end, m, cur, unit, qualifier, sign)
        if single is not None:
            figures.append(single)
    return _join_ranges(text, figures)


def _first_of_two(text: str, start: int, m: re.Match[str], cur_unit: str | None, qualifier: str | None,
                  sign: str | None, suffix_re: re.Pattern[str] | None,
                  suffix_lower: dict[str, str]) -> tuple[int, Figure | None]:
    """The first of two figures read as one match ("in 2008 to 29 mpg", "up 9.4 per cent to $84").

    Returns where to read on, and the figure with its own unit (None when it is a year).
    """
    end = m.end("apct") if m.group("apct") else m.end("a")
    unit = "%" if m.group("apct") else cur_unit
    after = text[end:end + 40]
    if unit is None:
        if _is_year_context(m.group("a"), text[max(0, m.start("a") - 40):m.start("a")], after):
            return end, None
        su = suffix_re.match(after) if suffix_re is not None else None
        if su:
            unit = suffix_lower.get(su.group().strip().lower())
            end += su.end()
    return end, _single(text, start, end, m, m.group("cur"), unit, qualifier, sign)


# what may stand between the two figures of "from 20 mpg in 2008 to 29 mpg": a unit, a time or a
# date (never a figure: the two are consecutive), within one clause
_RANGE_GAP = re.compile(r"(?:(?![.!?]\s+[A-Z])[^;:()]){0,40}?\s(?P<sep>(?i:to|and))\s+$")


def _join_ranges(text: str, figures: list[Figure]) -> list[Figure]:
    """'from 208 pounds to 193', 'between 1 per cent and 1.5 per cent': one range figure."""
    out: list[Figure] = []
    i = 0
    while i < len(figures):
        a = figures[i]
        b = figures[i + 1] if i + 1 < len(figures) else None
        opener = re.search(r"(?i)\b(from|between|ranging from|range from)\s+$", text[max(0, a.start - 20):a.start])
        gap = _RANGE_GAP.fullmatch(text[a.end:b.start]) if b is not None else None
        if (b is not None and opener and gap and a.value is not None and b.value is not None
                and a.qualifier in ("exact", "approx") and b.qualifier == "exact"
                and (a.unit == b.unit or a.unit is None or b.unit is None)
                and (gap.group("sep").lower() == "to") == (opener.group(1).lower() != "between")):
            low, high = sorted((a.value, b.value))
            start = a.start - len(opener.group(0))
            out.append(Figure(start, b.end, text[start:b.end], None, low, high, "range", a.unit or b.unit,
                              a.number_start, b.number_end, a.sign))
            i += 2
            continue
        out.append(a)
        i += 1
    return out


def _single(text: str, start: int, end: int, m: re.Match[str], cur: str | None, unit: str | None,
            qualifier: str | None, sign: str | None) -> Figure | None:
    digits = m.group("a")
    value = words_to_number(digits)
    if value is not None and (m.group("neg") or m.group("cneg")):
        value = -value
    metre = re.fullmatch(r"(\d+(?:\.\d+)?)m", digits.strip())
    if metre and not cur and _METRE_CONTEXT.match(text[m.end("a"):m.end("a") + 12]):
        value, unit = float(metre.group(1)), "m"  # "37m (121ft)-long": metres, not millions
    qual = qualifier or "exact"
    if value is None:
        return None
    low, high = interval(value, qual)
    if qual == "nearly":
        qual = "approx"
    while end > start and text[end - 1].isspace():
        end -= 1
    return Figure(start, end, text[start:end], value, low, high, qual, unit, m.start("a"), m.end("a"), sign)
