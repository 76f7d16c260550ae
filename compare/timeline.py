"""Timeline charts for the report: inline SVG built in Python, every text value escaped.

A chart plots one measure over time: a point per article and figure at its publication
time, coloured by outlet and also told apart by marker shape and a key letter, so colour is
never the only signal. Every point has a <title> (a tooltip and a text alternative) and
links to the sentence it comes from. No JavaScript, no external resources.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from markupsafe import Markup, escape

# Okabe-Ito colours, darkened where needed for contrast on white
PALETTE = ("#0072b2", "#d55e00", "#009e73", "#cc79a7", "#8a6d00", "#3a8fc0", "#000000", "#a04000")
SHAPES = ("circle", "square", "triangle", "diamond", "triangle-down", "plus", "pentagon", "hexagon")
SHAPE_NAMES = {
    "circle": "circle", "square": "square", "triangle": "triangle", "diamond": "diamond",
    "triangle-down": "downward triangle", "plus": "cross", "pentagon": "pentagon", "hexagon": "hexagon",
}

WIDTH, HEIGHT = 760, 320
LEFT, RIGHT, TOP, BOTTOM = 78, 24, 18, 52
RADIUS = 5.5
OPEN_WHISKER = 24  # pixels drawn for an open end ("more than 600")


@dataclass(frozen=True)
class Point:
    """One figure of one article: where it sits on the chart and what its tooltip says."""

    outlet: str
    figure: str  # as written
    value: float
    low: float | None
    high: float | None
    published: datetime
    href: str
    source: str


@dataclass(frozen=True)
class Marker:
    """How one outlet is drawn: colour, shape and key letter (the legend shows all three)."""

    outlet: str
    key: str
    colour: str
    shape: str
    shape_name: str
    icon_html: Markup  # a small standalone SVG of the marker, for the legend


try:  # markupsafe's own replacement of & > < ' " in a str (C), used by markupsafe.escape
    from markupsafe._speedups import _escape_inner as _escape_str  # type: ignore[import-not-found]
except ImportError:  # other markupsafe versions: the same five replacements
    def _escape_str(text: str, /) -> str:
        return (text.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")
                .replace("'", "&#39;").replace('"', "&#34;"))


def escape_text(value: object) -> str:
    """markupsafe.escape(value) as a plain str, for HTML assembled in pieces and wrapped in Markup once.

    A str gets the same five replacements as markupsafe (& > < ' "), without building a Markup
    object per piece (that costs a failed __html__ lookup each); anything else (Markup,
    numbers) goes through markupsafe.escape.
    """
    kind = type(value)
    if kind is str:
        return _escape_str(value)  # type: ignore[arg-type]
    if kind is int:
        return str(value)  # digits and a minus sign: nothing to escape
    return str(escape(value))


def key_letters(n: int) -> list[str]:
    """A, B, ..., Z, AA, AB, ...: one short key per outlet."""
    out = []
    for i in range(n):
        key, j = "", i
        while True:
            key = chr(ord("A") + j % 26) + key
            j = j // 26 - 1
            if j < 0:
                break
        out.append(key)
    return out


def markers(outlets: Sequence[str]) -> dict[str, Marker]:
    """A distinct colour, shape and key for each outlet, in the order given."""
    out: dict[str, Marker] = {}
    for i, (outlet, key) in enumerate(zip(outlets, key_letters(len(outlets)))):
        colour = PALETTE[i % len(PALETTE)]
        shape = SHAPES[(i + i // len(PALETTE)) % len(SHAPES)]
        icon = Markup(
            '<svg class="marker" width="16" height="16" viewBox="0 0 16 16" aria-hidden="true" '
            f'focusable="false">{_shape(shape, 8.0, 8.0, RADIUS, colour)}</svg>'
        )
        out[outlet] = Marker(outlet, key, colour, shape, SHAPE_NAMES[shape], icon)
    return out


def _num(x: float) -> str:
    return f"{x:.1f}"


def _shape(shape: str, x: float, y: float, r: float, colour: str) -> Markup:
    """One marker centred on (x, y); dark outline so light fills stay visible."""
    # numbers from _num need no escaping; every other value is escaped
    style = f'fill="{escape_text(colour)}" stroke="#1b1b1b" stroke-width="1"'
    if shape == "circle":
        return Markup(f'<circle cx="{_num(x)}" cy="{_num(y)}" r="{_num(r)}" {style}/>')
    if shape == "square":
        s = r * 0.9
        return Markup(f'<rect x="{_num(x - s)}" y="{_num(y - s)}" width="{_num(2 * s)}" height="{_num(2 * s)}" {style}/>')
    if shape == "plus":
        a, b = r, r * 0.38
        pts = [(-b, -a), (b, -a), (b, -b), (a, -b), (a, b), (b, b), (b, a), (-b, a), (-b, b), (-a, b),
               (-a, -b), (-b, -b)]
    elif shape == "triangle":
        pts = [(0, -r * 1.15), (r * 1.05, r * 0.8), (-r * 1.05, r * 0.8)]
    elif shape == "triangle-down":
        pts = [(0, r * 1.15), (r * 1.05, -r * 0.8), (-r * 1.05, -r * 0.8)]
    elif shape == "diamond":
        pts = [(0, -r * 1.25), (r * 1.1, 0), (0, r * 1.25), (-r * 1.1, 0)]
    else:
        sides = 5 if shape == "pentagon" else 6
        pts = [(r * 1.1 * math.sin(2 * math.pi * k / sides), -r * 1.1 * math.cos(2 * math.pi * k / sides))
               for k in range(sides)]
    path = "M" + " L".join(f"{_num(x + dx)} {_num(y + dy)}" for dx, dy in pts) + " Z"
    return Markup(f'<path d="{path}" {style}/>')


def nice_step(span: float, ticks: int = 5) -> float:
    """A round tick step (1, 2, 2.5 or 5 times a power of ten) covering span in about `ticks` steps."""
    if span <= 0 or not math.isfinite(span):
        return 1.0
    raw = span / ticks
    power = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        if m * power >= raw:
            return m * power
    return 10 * power


def _fmt_value(x: float) -> str:
    if abs(x) >= 1e6 and x == int(x):
        return f"{x / 1e6:,.6g}M"
    return f"{x:,.0f}" if x == int(x) else f"{x:,.6g}"


_TICK_STEPS = tuple(timedelta(hours=h) for h in (1, 2, 3, 6, 12, 24, 48, 72, 24 * 7, 24 * 14, 24 * 28, 24 * 91, 24 * 365))


def time_ticks(lo: datetime, hi: datetime, *, most: int = 6) -> list[datetime]:
    """Round tick times between lo and hi: whole hours or days, at most `most` of them."""
    span = hi - lo
    step = next((s for s in _TICK_STEPS if span / s <= most), _TICK_STEPS[-1] * max(1, math.ceil(span / (_TICK_STEPS[-1] * most))))
    epoch = datetime(2000, 1, 1, tzinfo=lo.tzinfo)
    first = epoch + step * math.ceil((lo - epoch) / step)
    ticks: list[datetime] = []
    t = first
    while t <= hi and len(ticks) <= most:
        ticks.append(t)
        t += step
    return ticks or [lo]


def chart_svg(points: Sequence[Point], marks: dict[str, Marker], *, chart_id: str, title: str,
              desc: str) -> Markup:
    """An accessible SVG line-and-marker chart of `points` (value over publication time)."""
    times = [p.published for p in points]
    t0, t1 = min(times), max(times)
    if t1 - t0 < timedelta(hours=2):
        t0, t1 = t0 - timedelta(hours=1), t1 + timedelta(hours=1)
    pad = (t1 - t0) * 0.04
    t0, t1 = t0 - pad, t1 + pad
    closed = [v for p in points for v in (p.value, p.low, p.high) if v is not None and math.isfinite(v)]
    top = max(closed) if closed else 1.0
    bottom = min(0.0, min(closed)) if closed else 0.0
    step = nice_step(top - bottom)
    y_max = math.ceil(top * 1.05 / step) * step if top > 0 else step
    y_min = math.floor(bottom / step) * step if bottom < 0 else 0.0
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def px(t: datetime) -> float:
        return LEFT + plot_w * (t - t0).total_seconds() / max((t1 - t0).total_seconds(), 1.0)

    def py(v: float) -> float:
        v = min(max(v, y_min), y_max)
        return TOP + plot_h * (1 - (v - y_min) / (y_max - y_min))

    e, cid = escape_text, escape_text(chart_id)  # numbers from _num and ints need no escaping
    parts: list[str] = [
        f'<svg class="timeline" role="img" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" '
        f'aria-labelledby="{cid}-t {cid}-d" preserveAspectRatio="xMinYMin meet">',
        f'<title id="{cid}-t">{e(title)}</title>',
        f'<desc id="{cid}-d">{e(desc)}</desc>',
        f'<rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>',
    ]
    # y grid and labels
    parts.append('<g class="axis y" font-size="12" fill="#333333">')
    tick = y_min
    while tick <= y_max + step / 1000:
        y = _num(py(tick))
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y}" y2="{y}" stroke="#d9d9d9" stroke-width="1"/>'
            f'<text x="{LEFT - 8}" y="{y}" text-anchor="end" dominant-baseline="middle">{e(_fmt_value(tick))}</text>')
        tick += step
    parts.append("</g>")
    # x axis ticks: dates on the first line, times on the second
    parts.append('<g class="axis x" font-size="12" fill="#333333">')
    parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{TOP + plot_h}" y2="{TOP + plot_h}" stroke="#555555"/>')
    ticks = time_ticks(t0, t1)
    daily = len(ticks) > 1 and (ticks[1] - ticks[0]) >= timedelta(days=1)
    for t in ticks:
        x = _num(px(t))
        parts.append(
            f'<line x1="{x}" x2="{x}" y1="{TOP + plot_h}" y2="{TOP + plot_h + 5}" stroke="#555555"/>'
            f'<text x="{x}" y="{TOP + plot_h + 19}" text-anchor="middle"><tspan x="{x}" dy="0">{e(t.strftime("%d %b %Y"))}</tspan>'
            f'<tspan x="{x}" dy="14">{"" if daily else e(t.strftime("%H:%M"))}</tspan></text>')
    parts.append("</g>")
    middle = _num(TOP + plot_h / 2)
    parts.append(f'<text x="14" y="{middle}" font-size="12" fill="#333333" transform="rotate(-90 14 {middle})" '
                 'text-anchor="middle">figure reported</text>')

    by_outlet: dict[str, list[Point]] = {}
    for p in sorted(points, key=lambda p: (p.published, p.value)):
        by_outlet.setdefault(p.outlet, []).append(p)
    # faint line through each outlet's points, so an outlet revising its figure shows as a step
    for outlet, pts in by_outlet.items():
        if len(pts) > 1:
            coords = " ".join(f"{_num(px(p.published))},{_num(py(p.value))}" for p in pts)
            parts.append(f'<polyline points="{coords}" fill="none" stroke="{e(marks[outlet].colour)}" '
                         'stroke-width="1.5" stroke-opacity="0.55"/>')
    for outlet, pts in by_outlet.items():
        mark = marks[outlet]
        colour = e(mark.colour)
        for p in pts:
            x, y = px(p.published), py(p.value)
            whiskers = ""
            if p.low is not None and p.high is not None and p.low != p.high:
                whiskers = (f'<line x1="{_num(x)}" x2="{_num(x)}" y1="{_num(py(p.low))}" y2="{_num(py(p.high))}" '
                            f'stroke="{colour}" stroke-width="2"/>')
            elif (p.low is None) != (p.high is None):  # "more than" opens upwards, "fewer than" down
                sign = -1 if p.high is None else 1
                tip = y + sign * OPEN_WHISKER
                whiskers = (
                    f'<line x1="{_num(x)}" x2="{_num(x)}" y1="{_num(y)}" y2="{_num(tip)}" stroke="{colour}" '
                    'stroke-width="2" stroke-dasharray="3 2"/>'
                    f'<path d="M{_num(x - 4)} {_num(tip - sign * 5)} L{_num(x)} {_num(tip)} L{_num(x + 4)} '
                    f'{_num(tip - sign * 5)}" fill="none" stroke="{colour}" stroke-width="2"/>')
            label = (f"{p.outlet} ({mark.key}): “{p.figure}” = {_fmt_value(p.value)}, "
                     f"published {p.published:%Y-%m-%d %H:%M}; cited: {p.source}")
            parts.append(f'<a href="{e(p.href)}"><g class="point"><title>{e(label)}</title>{whiskers}'
                         f'{_shape(mark.shape, x, y, RADIUS, mark.colour)}'
                         f'<text x="{_num(x + 8)}" y="{_num(y - 6)}" font-size="11" font-weight="700" '
                         f'fill="#1b1b1b">{e(mark.key)}</text></g></a>')
    parts.append("</svg>")
    return Markup("".join(parts))  # every value escaped above
