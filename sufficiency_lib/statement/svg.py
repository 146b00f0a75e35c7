"""Charts written as SVG text: about a millisecond each, where drawing them with matplotlib
took a few hundred (a national run draws thousands).

:func:`lines` draws lines (with shaded bands, for a forecast's intervals) over numeric x
positions (years); :func:`stacked_bars` draws one stacked bar per category. Both return the
SVG as a string: a 720 x 360 viewBox that scales to the page's width, ``role="img"`` with a
``<title>`` and ``<desc>`` for screen readers, real ``<text>`` (9pt; the title 11pt bold),
a y axis from zero with nice ticks, a light horizontal grid, and the legend below the plot.

Text widths are estimated from the characters (no font metrics): :func:`text_width` is a
slight overestimate for DejaVu Sans and Arial, so labels laid out by it do not collide.
Sizes are in user units, one to a CSS pixel when the chart is 720 px wide (9pt = 12 px).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape

WIDTH, HEIGHT = 720, 360
FONT = "DejaVu Sans, Arial, sans-serif"
TEXT_SIZE = 12.0              # 9pt
TITLE_SIZE = 14.67            # 11pt
LINE_HEIGHT = 1.25            # of the font size, between lines of one label
PAD = 8.0                     # space between the chart's edge and anything drawn
TICK = 4.0                    # length of a tick mark
GAP = 6.0                     # between a tick and its label, an axis and its title
MIN_PLOT_HEIGHT = 150.0       # the chart grows taller (never narrower) to keep this much plot
INK, AXIS_INK, GRID_INK = "#0b0c0c", "#595959", "#dddddd"
NICE = (1.0, 2.0, 2.5, 5.0)   # tick steps: these times a power of ten
MAX_INTERVALS = 5             # so 4 to 6 ticks from zero
SWATCH = 24.0                 # legend swatch width
BAR_WIDTH = 0.65              # of a bar's slot
# estimated advance of a character, in ems (DejaVu Sans is the widest of the fonts named)
_NARROW, _WIDE = set(" .,:;'|!il()[]-/tfjr"), set("MWmw@%")


def text_width(text: str, size: float = TEXT_SIZE, bold: bool = False) -> float:
    """An estimate (slightly over) of the width of ``text`` set at ``size``."""
    capital = 0.83 if bold else 0.72          # bold capitals widen the most
    ems = sum(0.36 if c in _NARROW else 0.92 if c in _WIDE else capital if c.isupper() else 0.64 for c in text)
    return ems * size * (1.08 if bold else 1.0)


@dataclass
class Series:
    """One line (``values`` by x position, NaN where missing) or one stack of bar segments."""

    label: str
    values: list[float]
    colour: str
    dashed: bool = False


@dataclass
class Band:
    """A shaded range between ``lower`` and ``upper`` (by x position, NaN where absent)."""

    label: str
    lower: list[float]
    upper: list[float]
    colour: str
    opacity: float


def nice_ticks(low: float, high: float) -> tuple[list[float], int]:
    """Ticks from zero (or below, for negative data) covering ``low``-``high`` in steps of
    1, 2, 2.5 or 5 x 10^k, at most :data:`MAX_INTERVALS` apart; and the decimals they need.
    A range under a millionth is drawn on an axis of 0 to 1 (its values are next to zero)."""
    low, high = min(low, 0.0), max(high, 0.0)
    if not high - low > 1e-6 or not math.isfinite(high - low):     # nothing (or next to nothing) to show
        low, high = 0.0, 1.0
    exponent = math.floor(math.log10(high - low)) - 1
    while True:
        for mantissa in NICE:
            step = mantissa * 10.0 ** exponent
            first, last = math.floor(low / step), math.ceil(high / step)
            last += (last * step < high)          # float division can fall just short
            first -= (first * step > low)
            if last - first <= MAX_INTERVALS:
                decimals = max(0, -exponent + (mantissa == 2.5))
                return [round(i * step, decimals) + 0.0 for i in range(first, last + 1)], decimals
        exponent += 1


def tick_label(value: float, decimals: int) -> str:
    """A tick's label: thousands separated, as many decimals as the step needs."""
    return f"{value:,.{decimals}f}"


def wrap(text: str, width: float, size: float = TEXT_SIZE, bold: bool = False, balanced: bool = False) -> list[str]:
    """``text`` broken at spaces into lines no wider than ``width`` (a longer word stands alone);
    ``balanced``: into lines of even length (no last word left alone on a line)."""
    lines: list[str] = []
    for word in text.split():
        if lines and text_width(f"{lines[-1]} {word}", size, bold) <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    if balanced and len(lines) > 1:
        narrowest = text_width(text, size, bold) / len(lines)
        while narrowest < width and len(even := wrap(text, narrowest, size, bold)) > len(lines):
            narrowest += size
        lines = even if narrowest < width else lines
    return lines or [""]


def _n(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _text(x: float, y: float, lines: list[str], size: float = TEXT_SIZE, anchor: str = "start",
          css: str = "", extra: str = "") -> str:
    """A ``<text>`` of one or more lines, the first line's baseline at ``y``."""
    spans = "".join(f'<tspan x="{_n(x)}" dy="{_n(0 if i == 0 else size * LINE_HEIGHT)}">{escape(line)}</tspan>'
                    for i, line in enumerate(lines)) if len(lines) > 1 else escape(lines[0])
    return (f'<text class="{css}" x="{_n(x)}" y="{_n(y)}" font-size="{_n(size)}" text-anchor="{anchor}"{extra}>'
            f"{spans}</text>")


@dataclass
class _Legend:
    entries: list[tuple[str, str, str]]   # label, kind (line, dashed, box), colour (and opacity)
    columns: int = 1
    lines: list[list[str]] | None = None

    def fit(self, width: float) -> float:
        """Choose columns (up to 3) and wrap the labels to ``width``; the legend's height."""
        if not self.entries:
            return 0.0
        best = None
        for columns in range(1, min(3, len(self.entries)) + 1):     # as few as need no more rows
            room = width / columns - SWATCH - 2 * GAP
            lines = [wrap(label, room) for label, _, _ in self.entries]
            if columns > 1 and any(text_width(x) > room for label in lines for x in label):
                continue      # a word too long for the column
            rows = [max(len(x) for x in lines[i:i + columns]) for i in range(0, len(lines), columns)]
            height = sum(rows) * TEXT_SIZE * LINE_HEIGHT + (len(rows) - 1) * GAP
            if best is None or height < best[0] - 0.5:
                best = (height, columns, lines)
        height, self.columns, self.lines = best
        return height

    def draw(self, left: float, top: float, width: float) -> list[str]:
        if not self.entries:
            return []
        out, row_top, step = ['<g class="legend">'], top, TEXT_SIZE * LINE_HEIGHT
        for start in range(0, len(self.entries), self.columns):
            for column in range(self.columns):
                if start + column >= len(self.entries):
                    break
                (_, kind, colour), lines = self.entries[start + column], self.lines[start + column]
                x, middle = left + column * width / self.columns, row_top + step / 2
                out.append(_swatch(kind, colour, x, middle))
                out.append(_text(x + SWATCH + GAP, middle + TEXT_SIZE * 0.35, lines, css="legend-label",
                                 extra=f' fill="{INK}"'))
            rows = max(len(x) for x in self.lines[start:start + self.columns])
            row_top += rows * step + GAP
        out.append("</g>")
        return out


def _swatch(kind: str, colour: str, x: float, middle: float) -> str:
    if kind.startswith("box"):
        opacity = kind.partition(":")[2] or "1"
        return (f'<rect class="swatch" x="{_n(x + 4)}" y="{_n(middle - 7)}" width="16" height="14" '
                f'fill="{colour}" fill-opacity="{opacity}"/>')
    dash = ' stroke-dasharray="6 4"' if kind == "dashed" else ""
    return (f'<path class="swatch" d="M{_n(x)} {_n(middle)}H{_n(x + SWATCH)}" stroke="{colour}" stroke-width="2" '
            f'fill="none"{dash}/><circle class="swatch" cx="{_n(x + SWATCH / 2)}" cy="{_n(middle)}" r="3" '
            f'fill="{colour}"/>')


@dataclass
class _Frame:
    """Where the plot sits and how values map into it."""

    left: float
    top: float
    right: float
    bottom: float
    ticks: list[float]

    def y(self, value: float) -> float:
        low, high = self.ticks[0], self.ticks[-1]
        return self.bottom - (value - low) / (high - low) * (self.bottom - self.top)


@dataclass
class _XLabels:
    """The x axis's labels: where each sits, its lines, and whether it is turned 45 degrees."""

    items: list[tuple[float, list[str]]]   # position (0-1 of the plot's width), lines
    rotated: bool = False

    def height(self) -> float:
        if not self.items:
            return 0.0
        if self.rotated:
            return max(text_width(lines[0]) for _, lines in self.items) * math.sqrt(0.5) + TEXT_SIZE
        return max(len(lines) for _, lines in self.items) * TEXT_SIZE * LINE_HEIGHT

    def overhang(self) -> float:
        """How far the first label reaches left of its position (rotated labels lean left)."""
        return text_width(self.items[0][1][0]) * math.sqrt(0.5) if self.rotated and self.items else 0.0


def _year_labels(xs: list[float], pad: float, width: float) -> _XLabels:
    """Every whole year (x) whose label fits, else every 2nd, 5th, 10th...; ``xs`` sorted."""
    if not xs:
        return _XLabels([])
    low, high = xs[0] - pad, xs[-1] + pad
    first, last = math.ceil(xs[0]), math.floor(xs[-1])
    widest = max(text_width(str(first)), text_width(str(last)))
    per_unit = width / (high - low)
    stride = 1
    for stride in (m * 10 ** k for k in range(12) for m in (1, 2, 5)):
        if stride * per_unit >= widest + 2 * GAP:
            break
    years = range(math.ceil(first / stride) * stride, last + 1, stride)
    return _XLabels([((v - low) / (high - low), [str(v)]) for v in years])


def _bar_labels(categories: list[str], slot: float) -> _XLabels:
    """Category labels under bars: on one line, else wrapped (up to 3 lines), else turned
    45 degrees (every k-th if even then they would touch; long ones cut short)."""
    room = slot - GAP
    centres = [(i + 0.5) / len(categories) for i in range(len(categories))]
    if all(text_width(c) <= room for c in categories):
        return _XLabels([(c, [label]) for c, label in zip(centres, categories)])
    wrapped = [wrap(c, room) for c in categories]
    if all(len(w) <= 3 and all(text_width(line) <= room for line in w) for w in wrapped):
        return _XLabels(list(zip(centres, wrapped)))
    every = max(1, math.ceil(TEXT_SIZE * LINE_HEIGHT / (slot * math.sqrt(0.5))))
    short = [c if len(c) <= 28 else c[:27].rstrip() + "\u2026" for c in categories]
    return _XLabels([(centres[i], [short[i]]) for i in range(0, len(categories), every)], rotated=True)


def _frame(title_lines: list[str], y_label: str, ticks: list[float], decimals: int, legend: _Legend,
           x_labels) -> tuple[_Frame, _XLabels, float, float, list[str]]:
    """Lay out the chart: the plot's frame, the x labels, the legend's top, the chart's height
    and the y axis's title (wrapped to the plot's height). ``x_labels(width)`` gives the
    labels for a plot ``width`` wide."""
    top = PAD + len(title_lines) * TITLE_SIZE * LINE_HEIGHT + GAP + TEXT_SIZE / 2
    widest_tick = max(text_width(tick_label(t, decimals)) for t in ticks)
    right, y_lines = WIDTH - 2 * PAD, [y_label] if y_label else []
    while True:
        left = PAD + (len(y_lines) * TEXT_SIZE * LINE_HEIGHT + GAP if y_lines else 0) + widest_tick + TICK + GAP
        labels = x_labels(right - left)
        if labels.rotated and labels.overhang() > left - PAD - 1:
            left = PAD + labels.overhang() + 1
            labels = x_labels(right - left)
        legend_height = legend.fit(right - left)
        below = TICK + GAP + labels.height() + (2 * GAP + legend_height if legend_height else 0) + PAD
        height = max(HEIGHT, top + MIN_PLOT_HEIGHT + below)
        wrapped = wrap(y_label, height - below - top - 2 * GAP, balanced=True) if y_label else []
        if len(wrapped) <= len(y_lines):      # a second pass makes room for the wrapped lines
            break
        y_lines = wrapped
    return _Frame(left, top, right, height - below, ticks), labels, height - PAD - legend_height, height, y_lines


def _axes(frame: _Frame, y_lines: list[str], decimals: int, labels: _XLabels) -> list[str]:
    """Grid, spines, ticks and their labels, the y axis's title."""
    f, out = frame, []
    for value in f.ticks:
        y = f.y(value)
        if value != f.ticks[0]:
            out.append(f'<path class="grid" d="M{_n(f.left)} {_n(y)}H{_n(f.right)}" stroke="{GRID_INK}"/>')
        out.append(f'<path class="y-tick-mark" d="M{_n(f.left - TICK)} {_n(y)}H{_n(f.left)}" stroke="{AXIS_INK}"/>')
        out.append(_text(f.left - TICK - GAP, y + TEXT_SIZE * 0.35, [tick_label(value, decimals)], anchor="end",
                         css="y-tick", extra=f' fill="{INK}"'))
    zero = f.y(0.0)
    out.append(f'<path class="axis" d="M{_n(f.left)} {_n(f.top)}V{_n(f.bottom)}M{_n(f.left)} {_n(zero)}'
               f'H{_n(f.right)}" stroke="{AXIS_INK}" fill="none"/>')
    for position, lines in labels.items:
        x = f.left + position * (f.right - f.left)
        out.append(f'<path class="x-tick-mark" d="M{_n(x)} {_n(f.bottom)}V{_n(f.bottom + TICK)}" '
                   f'stroke="{AXIS_INK}"/>')
        baseline = f.bottom + TICK + GAP + TEXT_SIZE * 0.8
        if labels.rotated:
            out.append(_text(x, baseline, lines, anchor="end", css="x-tick",
                             extra=f' fill="{INK}" transform="rotate(-45 {_n(x)} {_n(baseline)})"'))
        else:
            out.append(_text(x, baseline, lines, anchor="middle", css="x-tick", extra=f' fill="{INK}"'))
    if y_lines:
        x, y = PAD + TEXT_SIZE, (f.top + f.bottom) / 2
        out.append(_text(x, y, y_lines, anchor="middle", css="y-label",
                         extra=f' fill="{INK}" transform="rotate(-90 {_n(x)} {_n(y)})"'))
    return out


def _document(title: str, alt: str, title_lines: list[str], height: float, body: list[str]) -> str:
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {_n(height)}" width="100%" '
            f'role="img" aria-labelledby="chart-title chart-desc" font-family="{FONT}">'
            f'<title id="chart-title">{escape(title)}</title><desc id="chart-desc">{escape(alt)}</desc>'
            f'<rect class="background" width="{WIDTH}" height="{_n(height)}" fill="#ffffff"/>')
    heading = _text(PAD, PAD + TITLE_SIZE, title_lines, size=TITLE_SIZE, css="title",
                    extra=f' font-weight="bold" fill="{INK}"')
    return "".join([head, heading, *body, "</svg>"])


def _extent(values) -> tuple[float, float]:
    finite = [v for v in values if v == v and math.isfinite(v)]
    return (min(finite), max(finite)) if finite else (0.0, 0.0)


def _runs(points: list[tuple[float, float]]) -> list[list[tuple[float, float]]]:
    """The unbroken runs of (x, y) points: a missing y (NaN) ends a run."""
    runs: list[list[tuple[float, float]]] = [[]]
    for x, y in points:
        if y == y:
            runs[-1].append((x, y))
        elif runs[-1]:
            runs.append([])
    return [r for r in runs if r]


def lines(title: str, alt: str, y_label: str, xs: list[float], series: list[Series], bands: list[Band] = (),
          legend: bool = True) -> str:
    """Lines (2 px, round markers) over sorted numeric positions ``xs`` (years), a missing
    value (NaN) breaking its line, and ``bands`` shaded beneath them."""
    low, high = _extent([v for s in series for v in s.values] + [v for b in bands for v in (*b.lower, *b.upper)])
    ticks, decimals = nice_ticks(low, high)
    title_lines = wrap(title, WIDTH - 2 * PAD, TITLE_SIZE, bold=True, balanced=True)
    entries = [(s.label, "dashed" if s.dashed else "line", s.colour) for s in series]
    key = _Legend(entries + [(b.label, f"box:{b.opacity}", b.colour) for b in bands] if legend else [])
    pad = 0.04 * (xs[-1] - xs[0]) if len(xs) > 1 and xs[-1] > xs[0] else 0.5
    frame, labels, legend_top, height, y_lines = _frame(title_lines, y_label, ticks, decimals, key,
                                                        lambda width: _year_labels(xs, pad, width))
    origin, span = (xs[0] - pad if xs else 0.0), (xs[-1] - xs[0] + 2 * pad if xs else 1.0)

    def x_of(v: float) -> float:
        return frame.left + (v - origin) / span * (frame.right - frame.left)

    body = [*_axes(frame, y_lines, decimals, labels), '<g class="data">']
    for band in bands:
        spans = [(x, (lo, up) if lo == lo and up == up else math.nan) for x, lo, up in zip(xs, band.lower, band.upper)]
        for run in _runs(spans):
            outline = [f"{_n(x_of(x))} {_n(frame.y(up))}" for x, (lo, up) in run]
            outline += [f"{_n(x_of(x))} {_n(frame.y(lo))}" for x, (lo, up) in reversed(run)]
            body.append(f'<path class="band" d="M{"L".join(outline)}Z" fill="{band.colour}" '
                        f'fill-opacity="{band.opacity}" stroke="none"/>')
    for s in reversed(series):        # the first (the authority's) drawn last, on top
        runs = _runs(list(zip(xs, s.values)))
        path = "".join("M" + "L".join(f"{_n(x_of(x))} {_n(frame.y(y))}" for x, y in run) for run in runs)
        dash = ' stroke-dasharray="6 4"' if s.dashed else ""
        body.append(f'<path class="line" d="{path}" stroke="{s.colour}" stroke-width="2" fill="none" '
                    f'stroke-linejoin="round" stroke-linecap="round"{dash}/>')
        body += [f'<circle class="marker" cx="{_n(x_of(x))}" cy="{_n(frame.y(y))}" r="3" fill="{s.colour}"/>'
                 for run in runs for x, y in run]
    body += ["</g>", *key.draw(frame.left, legend_top, frame.right - frame.left)]
    return _document(title, alt, title_lines, height, body)


def stacked_bars(title: str, alt: str, y_label: str, categories: list[str], segments: list[Series]) -> str:
    """One bar per category (65% of its slot), its ``segments`` stacked from the bottom in
    the order given (the legend's order); a missing value counts as none."""
    columns = [[s.values[i] for s in segments if s.values[i] == s.values[i]] for i in range(len(categories))]
    ticks, decimals = nice_ticks(min((sum(v for v in c if v < 0) for c in columns), default=0.0),
                                 max((sum(v for v in c if v > 0) for c in columns), default=0.0))
    title_lines = wrap(title, WIDTH - 2 * PAD, TITLE_SIZE, bold=True, balanced=True)
    key = _Legend([(s.label, "box", s.colour) for s in segments])
    frame, labels, legend_top, height, y_lines = _frame(
        title_lines, y_label, ticks, decimals, key, lambda width: _bar_labels(categories, width / max(1, len(categories))))
    slot = (frame.right - frame.left) / max(1, len(categories))
    body = [*_axes(frame, y_lines, decimals, labels), '<g class="data">']
    for i in range(len(categories)):
        x, up, down = frame.left + slot * (i + (1 - BAR_WIDTH) / 2), 0.0, 0.0
        for s in segments:
            value = s.values[i]
            if not value == value or value == 0:
                continue
            start = up if value > 0 else down      # negative parts hang below zero
            top, bottom = frame.y(max(start, start + value)), frame.y(min(start, start + value))
            body.append(f'<rect class="bar" x="{_n(x)}" y="{_n(top)}" width="{_n(slot * BAR_WIDTH)}" '
                        f'height="{_n(bottom - top)}" fill="{s.colour}"/>')
            up, down = (up + value, down) if value > 0 else (up, down + value)
    body += ["</g>", *key.draw(frame.left, legend_top, frame.right - frame.left)]
    return _document(title, alt, title_lines, height, body)
