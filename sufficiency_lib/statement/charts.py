"""Charts for the rendered pages, in the Government Analysis Function style (afcharts).

Every chart has a title, axis units, a source line and alt text; colours come from the
Analysis Function's accessible categorical palette, at most six to a chart (a breakdown
with more parts shows its five largest and the rest together, while the table beside it
keeps every part); legends sit below the plot, never over the data; one set of font sizes
serves every chart. Charts are embedded as SVG (sharp on screen and in print, and the page
still reads offline); :data:`Chart.png` is there for exports.
"""
from __future__ import annotations

import base64
import html
import io

import matplotlib

matplotlib.use("Agg")  # batch renders have no display
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

# Analysis Function accessible categorical palette (afcharts), in its order of use.
PALETTE = ["#12436D", "#28A197", "#801650", "#F46A25", "#3D3D3D", "#A285D1"]
MAX_COLOURS = len(PALETTE)
OTHERS = "All others"
STYLE = {"font.family": "DejaVu Sans", "font.size": 9, "axes.titlesize": 11, "axes.titleweight": "bold",
         "axes.labelsize": 9, "xtick.labelsize": 9, "ytick.labelsize": 9, "legend.fontsize": 9,
         "axes.spines.top": False, "axes.spines.right": False, "axes.grid": True, "axes.grid.axis": "y",
         "grid.color": "#dddddd", "axes.axisbelow": True, "svg.fonttype": "none"}
SIZE = (7.2, 3.6)             # inches: fits an A4 page's text width and a 1280 px screen


class Chart:
    """A rendered chart (SVG, and PNG for exports) plus the words a reader without sight of it needs."""

    def __init__(self, svg: bytes, png: bytes, title: str, alt: str, source: str):
        self.svg, self.png, self.title, self.alt, self.source = svg, png, title, alt, source

    def to_html(self) -> str:
        data = base64.b64encode(self.svg).decode("ascii")
        return (f'<figure class="chart"><img src="data:image/svg+xml;base64,{data}" '
                f'alt="{html.escape(self.alt)}"/>'
                f"<figcaption>Source: {html.escape(self.source)}</figcaption></figure>")

    def _repr_html_(self) -> str:  # shown as HTML in notebooks and nbconvert
        return self.to_html()


def _render(fig, png: bool = False) -> tuple[bytes, bytes]:
    svg = io.BytesIO()
    fig.savefig(svg, format="svg", bbox_inches="tight")
    raster = b""
    if png:
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=150, bbox_inches="tight")
        raster = buffer.getvalue()
    plt.close(fig)
    return svg.getvalue(), raster


def _figure():
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=SIZE)
    return fig, ax


def _finish(fig, ax, title: str, y_label: str, legend: bool) -> None:
    with plt.rc_context(STYLE):
        ax.set_title(title, loc="left")
        ax.set_ylabel(y_label)
        ax.set_xlabel("")
        ax.set_ylim(bottom=0)
        if legend:
            handles, labels = ax.get_legend_handles_labels()
            ax.legend(handles, labels, frameon=False, loc="upper left", bbox_to_anchor=(0, -0.1),
                      ncol=min(3, len(labels)))


def _styled(fig, ax) -> None:
    for key, value in (("top", False), ("right", False)):
        ax.spines[key].set_visible(value)
    ax.grid(axis="y", color="#dddddd")
    ax.grid(axis="x", visible=False)
    ax.set_axisbelow(True)
    ax.tick_params(labelsize=STYLE["xtick.labelsize"])


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


def line_chart(data: pd.DataFrame, x: str, y: str, title: str, y_label: str, source: str,
               alt: str, hue: str | None = None, png: bool = False) -> Chart:
    """A line chart of long-form ``data`` (one line per ``hue`` value), starting at zero."""
    fig, ax = _figure()
    groups = list(keep_largest(data, hue, y).groupby(hue, sort=False)) if hue else [("", data)]
    for colour, (label, group) in zip(PALETTE, groups):
        ordered = group.sort_values(x)
        ax.plot(ordered[x], ordered[y], marker="o", markersize=4, linewidth=2, color=colour, label=str(label))
    ax.xaxis.get_major_locator().set_params(integer=True)
    _styled(fig, ax)
    _finish(fig, ax, title, y_label, legend=bool(hue))
    svg, raster = _render(fig, png)
    return Chart(svg, raster, title=title, alt=alt, source=source)


def stacked_bar_chart(data: pd.DataFrame, x: str, y: str, hue: str, title: str, y_label: str,
                      source: str, alt: str, png: bool = False) -> Chart:
    """Stacked bars of long-form ``data``: one bar per ``x``, one segment per ``hue`` value
    (the largest first, the rest together), legend below the plot."""
    data = keep_largest(data, hue, y)
    wide = data.pivot_table(index=x, columns=hue, values=y, aggfunc="sum", sort=False).fillna(0)
    order = [h for h in data.groupby(hue, sort=False)[y].sum().sort_values(ascending=False).index if h != OTHERS]
    wide = wide[[*order, *([OTHERS] if OTHERS in wide.columns else [])]].sort_index()
    fig, ax = _figure()
    bottom = pd.Series(0.0, index=wide.index)
    for colour, column in zip(PALETTE, wide.columns):
        ax.bar([str(i) for i in wide.index], wide[column], bottom=bottom, label=column, color=colour, width=0.65)
        bottom = bottom + wide[column]
    _styled(fig, ax)
    _finish(fig, ax, title, y_label, legend=True)
    svg, raster = _render(fig, png)
    return Chart(svg, raster, title=title, alt=alt, source=source)


def forecast_chart(history: pd.Series, predicted: pd.DataFrame, title: str, y_label: str, source: str,
                   alt: str, png: bool = False) -> Chart:
    """A history line, the forecast's mean dashed, and its 80% and 95% intervals shaded."""
    fig, ax = _figure()
    ax.plot(history.index, history.to_numpy(), marker="o", markersize=4, color=PALETTE[0], linewidth=2,
            label="Recorded")
    years = [history.index[-1], *predicted.index]
    for level, shade in ((95, 0.15), (80, 0.3)):
        lower = [history.iloc[-1], *predicted[f"lower_{level}"]]
        upper = [history.iloc[-1], *predicted[f"upper_{level}"]]
        ax.fill_between(years, lower, upper, color=PALETTE[1], alpha=shade, label=f"{level}% interval")
    ax.plot(years, [history.iloc[-1], *predicted["mean"]], linestyle="--", marker="o", markersize=4,
            color=PALETTE[1], linewidth=2, label="Forecast")
    ax.xaxis.get_major_locator().set_params(integer=True)
    _styled(fig, ax)
    _finish(fig, ax, title, y_label, legend=True)
    svg, raster = _render(fig, png)
    return Chart(svg, raster, title=title, alt=alt, source=source)
