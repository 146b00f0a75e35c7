"""Charts for the rendered pages, in the Government Analysis Function style.

Every chart has a title, axis units, a source line and alt text, and is embedded in the
page as a PNG data URI so the HTML reads offline.
"""
from __future__ import annotations

import base64
import html
import io

import matplotlib

matplotlib.use("Agg")  # batch renders have no display
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import seaborn as sns  # noqa: E402

# Analysis Function accessible categorical palette (afcharts): dark blue, turquoise,
# dark pink, orange, dark grey, light purple.
PALETTE = ["#12436D", "#28A197", "#801650", "#F46A25", "#3D3D3D", "#A285D1"]


class Chart:
    """A rendered chart: PNG bytes plus the words a reader without sight of it needs."""

    def __init__(self, png: bytes, title: str, alt: str, source: str):
        self.png, self.title, self.alt, self.source = png, title, alt, source

    def to_html(self) -> str:
        data = base64.b64encode(self.png).decode("ascii")
        return (f'<figure class="chart"><img src="data:image/png;base64,{data}" '
                f'alt="{html.escape(self.alt)}"/>'
                f"<figcaption>Source: {html.escape(self.source)}</figcaption></figure>")

    def _repr_html_(self) -> str:  # shown as HTML in notebooks and nbconvert
        return self.to_html()


def _figure_png(fig) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)
    return buffer.getvalue()


def line_chart(data: pd.DataFrame, x: str, y: str, title: str, y_label: str, source: str,
               alt: str, hue: str | None = None) -> Chart:
    """A line chart of long-form ``data`` (one line per ``hue`` value), starting at zero."""
    sns.set_theme(style="whitegrid", palette=PALETTE)
    fig, ax = plt.subplots(figsize=(7.5, 3.8))
    sns.lineplot(data=data, x=x, y=y, hue=hue, marker="o", ax=ax, linewidth=2.2)
    ax.set_title(title, loc="left", fontsize=12, fontweight="bold")
    ax.set_xlabel("")
    ax.set_ylabel(y_label)
    ax.set_ylim(bottom=0)
    ax.xaxis.get_major_locator().set_params(integer=True)
    if hue:
        ax.legend(title="", frameon=False, loc="lower left")
    return Chart(_figure_png(fig), title=title, alt=alt, source=source)


# More categories than PALETTE holds (placement groups): the Analysis Function palette
# first, then matplotlib's tab20 for the rest, so colours never repeat within a chart.
def _colours(n: int) -> list:
    extra = [plt.get_cmap("tab20")(i) for i in range(20)]
    return (PALETTE + extra)[:n]


def stacked_bar_chart(data: pd.DataFrame, x: str, y: str, hue: str, title: str, y_label: str,
                      source: str, alt: str) -> Chart:
    """Stacked bars of long-form ``data``: one bar per ``x``, one segment per ``hue`` value
    (in the order they first appear), legend outside the plot on the right."""
    wide = data.pivot_table(index=x, columns=hue, values=y, aggfunc="sum", sort=False).fillna(0)
    wide = wide[[h for h in data[hue].drop_duplicates() if h in wide.columns]]
    fig, ax = plt.subplots(figsize=(8.5, 4.0))
    bottom = pd.Series(0.0, index=wide.index)
    for colour, column in zip(_colours(len(wide.columns)), wide.columns):
        ax.bar([str(i) for i in wide.index], wide[column], bottom=bottom, label=column, color=colour, width=0.7)
        bottom = bottom + wide[column]
    ax.set_title(title, loc="left", fontsize=12, fontweight="bold")
    ax.set_ylabel(y_label)
    ax.set_xlabel("")
    ax.grid(axis="y", color="#dddddd")
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.legend(frameon=False, loc="center left", bbox_to_anchor=(1.0, 0.5), fontsize=8)
    return Chart(_figure_png(fig), title=title, alt=alt, source=source)


def forecast_chart(history: pd.Series, predicted: pd.DataFrame, title: str, y_label: str, source: str,
                   alt: str) -> Chart:
    """A history line, the forecast's mean dashed, and its 80% and 95% intervals shaded."""
    fig, ax = plt.subplots(figsize=(7.5, 3.8))
    ax.plot(history.index, history.to_numpy(), marker="o", color=PALETTE[0], linewidth=2.2, label="Recorded")
    years = [history.index[-1], *predicted.index]
    for level, shade in ((95, 0.15), (80, 0.3)):
        lower = [history.iloc[-1], *predicted[f"lower_{level}"]]
        upper = [history.iloc[-1], *predicted[f"upper_{level}"]]
        ax.fill_between(years, lower, upper, color=PALETTE[1], alpha=shade, label=f"{level}% interval")
    ax.plot(years, [history.iloc[-1], *predicted["mean"]], linestyle="--", marker="o", color=PALETTE[1],
            linewidth=2, label="Forecast")
    ax.set_title(title, loc="left", fontsize=12, fontweight="bold")
    ax.set_ylabel(y_label)
    ax.set_ylim(bottom=0)
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.grid(axis="y", color="#dddddd")
    ax.legend(frameon=False, loc="lower left")
    return Chart(_figure_png(fig), title=title, alt=alt, source=source)
