"""Charts for the rendered pages, in the Government Analysis Function style (afcharts).

Every chart has a title, axis units, a source line and alt text; colours come from the
Analysis Function's accessible categorical palette, at most six to a chart (a breakdown
with more parts shows its five largest and the rest together, while the table beside it
keeps every part); legends sit below the plot, never over the data; one set of font sizes
serves every chart. Charts are written as SVG by :mod:`sufficiency_lib.statement.svg`
(a few milliseconds each; sharp on screen and in print, and the page still reads offline).
"""
from __future__ import annotations

import base64
import html

import pandas as pd

from sufficiency_lib.statement import svg as drawing

# Analysis Function accessible categorical palette (afcharts), in its order of use.
PALETTE = ["#12436D", "#28A197", "#801650", "#F46A25", "#3D3D3D", "#A285D1"]
MAX_COLOURS = len(PALETTE)
OTHERS = "All others"


class Chart:
    """A rendered chart (SVG) plus the words a reader without sight of it needs.

    ``png`` is kept for callers of the earlier charts and is empty: exports write the SVG."""

    def __init__(self, svg: bytes, png: bytes, title: str, alt: str, source: str):
        self.svg, self.png, self.title, self.alt, self.source = svg, png, title, alt, source

    def to_html(self) -> str:
        """The chart as a ``<figure>``: the SVG as an image (720 px wide at most) and its source."""
        data = base64.b64encode(self.svg).decode("ascii")
        return (f'<figure class="chart"><img src="data:image/svg+xml;base64,{data}" '
                f'width="{drawing.WIDTH}" height="{self._height()}" alt="{html.escape(self.alt)}"/>'
                f"<figcaption>Source: {html.escape(self.source)}</figcaption></figure>")

    def _height(self) -> int:
        """The viewBox's height, in whole pixels (a chart with a long legend grows taller than 360)."""
        head = self.svg[:200].decode("utf-8", "replace")
        box = head.partition('viewBox="0 0 ')[2].partition('"')[0].split(" ")
        return round(float(box[-1])) if box[-1] else drawing.HEIGHT

    def _repr_html_(self) -> str:  # shown as HTML in notebooks and nbconvert
        return self.to_html()


def _chart(text: str, title: str, alt: str, source: str) -> Chart:
    return Chart(text.encode("utf-8"), b"", title=title, alt=alt, source=source)


def keep_largest(data: pd.DataFrame, hue: str, y: str, n: int = MAX_COLOURS - 1) -> pd.DataFrame:
    """``data`` with every ``hue`` but the ``n`` largest (by their total of ``y``) summed into
    :data:`OTHERS`, so a chart never needs more colours than the palette has."""
    order = data.groupby(hue, sort=False)[y].sum().sort_values(ascending=False)
    if len(order) <= n + 1:
        return data
    keep = set(order.index[:n])
    grouped = data.assign(**{hue: data[hue].where(data[hue].isin(keep), OTHERS)})
    keys = [c for c in data.columns if c not in (hue, y)]
    return grouped.groupby([*keys, hue], sort=False, as_index=False)[y].sum()


def _numbers(values: pd.Series) -> list[float]:
    """``values`` as floats, NaN where missing (or not a number: a suppressed "c" is a gap)."""
    return pd.to_numeric(values, errors="coerce").astype(float).tolist()


def _years(values: pd.Series, what: str) -> list[float]:
    """The x values as numbers (years); a label that is not one is the caller's mistake."""
    numbers = pd.to_numeric(values, errors="coerce")
    if (numbers.isna() & values.notna()).any():
        bad = values[numbers.isna() & values.notna()].iloc[0]
        raise ValueError(f"line chart: x column {what!r} holds {bad!r}, not a year or number")
    return numbers.astype(float).tolist()


def _parts(labels: list, values: list[float], n: int = MAX_COLOURS - 1) -> dict:
    """Each label's part on the chart: itself for the ``n`` largest (by total), else
    :data:`OTHERS` (as :func:`keep_largest`, on plain lists: a chart is drawn in milliseconds)."""
    totals: dict = {}
    for label, value in zip(labels, values):
        totals[label] = totals.get(label, 0.0) + (value if value == value else 0.0)
    if len(totals) <= n + 1:
        return {label: label for label in totals}
    keep = set(sorted(totals, key=totals.__getitem__, reverse=True)[:n])
    return {label: label if label in keep else OTHERS for label in totals}


def _add(cells: dict, key: tuple, value: float, summed: bool) -> None:
    """Put ``value`` in ``cells`` at ``key``: added to what is there for the rest together
    (``summed``), else in its place; a missing value only marks the place as missing."""
    if value != value:
        cells.setdefault(key, float("nan"))
    elif summed and key in cells and cells[key] == cells[key]:
        cells[key] += value
    else:
        cells[key] = value


def _label(value) -> str:
    """A bar's label: a year stored as a float (2024.0) reads as 2024."""
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def line_chart(data: pd.DataFrame, x: str, y: str, title: str, y_label: str, source: str,
               alt: str, hue: str | None = None, png: bool = False) -> Chart:
    """A line chart of long-form ``data`` (one line per ``hue`` value, the five largest and
    the rest together), starting at zero. A year a line has no value for (missing, or NaN)
    breaks it: no line is drawn across. ``png`` is accepted for older callers and ignored."""
    xs, ys = _years(data[x], x), _numbers(data[y])
    labels = [str(v) for v in data[hue]] if hue else [""] * len(xs)
    part = _parts(labels, ys)
    cells: dict = {}
    for label, at, value in zip(labels, xs, ys):
        if at == at:
            _add(cells, (part[label], at), value, summed=part[label] == OTHERS)
    names = sorted(dict.fromkeys(part.values()), key=lambda name: name == OTHERS)   # the rest last
    years = sorted({at for _, at in cells})
    series = [drawing.Series(name, [cells.get((name, at), float("nan")) for at in years], colour)
              for colour, name in zip(PALETTE, names)]
    return _chart(drawing.lines(title, alt, y_label, years, series, legend=bool(hue)), title, alt, source)


def stacked_bar_chart(data: pd.DataFrame, x: str, y: str, hue: str, title: str, y_label: str,
                      source: str, alt: str, png: bool = False, order: list[str] | None = None) -> Chart:
    """Stacked bars of long-form ``data``: one bar per ``x``, one segment per ``hue`` value
    (in ``order`` from the bottom when given, as the table beside it lists them, else the
    largest at the bottom; the rest together on top), legend below the plot."""
    values = _numbers(data[y])
    labels = [str(v) for v in data[hue]]
    part = _parts(labels, values)
    cells: dict = {}
    totals: dict = {}
    for label, at, value in zip(labels, data[x].tolist(), values):
        if not pd.isna(at) and value == value:
            cells[(part[label], at)] = cells.get((part[label], at), 0.0) + value
            totals[part[label]] = totals.get(part[label], 0.0) + value
    place = {name: i for i, name in enumerate(order or [])}
    names = sorted(totals, key=lambda name: (name == OTHERS, place.get(name, len(place)), -totals[name]))
    bars = sorted({at for _, at in cells})
    segments = [drawing.Series(name, [cells.get((name, at), 0.0) for at in bars], colour)
                for colour, name in zip(PALETTE, names)]
    return _chart(drawing.stacked_bars(title, alt, y_label, [_label(at) for at in bars], segments), title, alt, source)


def forecast_chart(history: pd.Series, predicted: pd.DataFrame, title: str, y_label: str, source: str,
                   alt: str, png: bool = False) -> Chart:
    """A history line, the forecast's mean dashed from the last recorded point, and its 80%
    and 95% intervals shaded from there."""
    recorded = history.dropna()
    last_year, last = float(recorded.index[-1]), float(recorded.iloc[-1])
    xs = sorted({float(v) for v in history.index} | {float(v) for v in predicted.index})

    def along(values: pd.Series, start: bool = True) -> list[float]:
        by_year = {float(k): float(v) for k, v in values.items()}
        if start:
            by_year[last_year] = last
        return [by_year.get(v, float("nan")) for v in xs]

    lines = [drawing.Series("Recorded", along(recorded, start=False), PALETTE[0]),
             drawing.Series("Forecast", along(predicted["mean"]), PALETTE[1], dashed=True)]
    bands = [drawing.Band(f"{level}% interval", along(predicted[f"lower_{level}"]), along(predicted[f"upper_{level}"]),
                      PALETTE[1], shade) for level, shade in ((95, 0.15), (80, 0.3))]
    return _chart(drawing.lines(title, alt, y_label, xs, lines, bands), title, alt, source)
