"""What every chapter shares: the loaded figures (:class:`Context`) and the parts a page is
made of (:class:`Block`: sentences, a chart and a table, saved as an EES CSV).

A block is built from *figures* (see :mod:`figures`) in three shapes the statement uses:
a composition over years (:func:`composition`), one figure beside neighbours, region and
England (:func:`benchmark_block`), and a cross-tabulation for the latest year
(:func:`crosstab`). Every count shown is suppressed first (:mod:`disclosure`), and charts
and sentences read the suppressed values, so nothing a table hides appears elsewhere.
"""
from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from sufficiency_lib.analysis import benchmark, disclosure, metrics
from sufficiency_lib.statement import charts, narrative, tidy
from sufficiency_lib import config
from sufficiency_lib.demo import national as demo_published
from sufficiency_lib.analysis.facts import ReturnData, load as load_return
from sufficiency_lib.published.figures import TOTAL, select
from sufficiency_lib.statement.tables import Table
from sufficiency_lib.published.dfe import Published

HISTORY_YEARS = 6          # the statement's tables look back six years
SUPPRESSED = disclosure.SUPPRESSED


@dataclass
class Context:
    """Everything a chapter reads, loaded once per page."""

    authority: config.Authority
    year: int
    data: ReturnData
    figures: pd.DataFrame             # computed from the return, one row per figure
    years: list[int]
    published: Published | None = None
    threshold: int = disclosure.DEFAULT_THRESHOLD
    local_dir: Path | None = None

    @property
    def source(self) -> str:
        return self.data.source[0].upper() + self.data.source[1:]

    @property
    def benchmark_source(self) -> str:
        return benchmark.source_of(self.published) if self.published is not None else ""

    @property
    def name(self) -> str:
        return self.authority.la_name


def load_context(authority: str, year: int, return_dir: str = "", published_dir: str = "",
                 params_dir: str = "", local_dir: str = "", history: int = HISTORY_YEARS) -> Context:
    """Load the return (or the demo), compute its figures for the ``history`` years to
    ``year``, and the published figures to benchmark against."""
    params = Path(params_dir) if params_dir else config.PARAMS_DIR
    la = config.load_authority(authority, params)
    data = load_return(la, return_dir)
    first = max(int(data.episodes["return_year"].min()), int(year) - history + 1)
    years = list(range(first, int(year) + 1))
    figures = metrics.return_figures(data.tables, la, years, source=data.source)
    published = demo_published.load_for(la, published_dir)
    local = Path(local_dir) if local_dir else config.local_dir_for(la)
    return Context(la, int(year), data, figures, years, published, local_dir=local)


@dataclass
class Block:
    """One part of a page: sentences, an optional chart and table, and the tidy frame
    (already suppressed) that is saved as ``<key>.csv`` with its ``.meta.csv``."""

    key: str
    sentences: list[str]
    table: Table | None = None
    chart: charts.Chart | None = None
    data: pd.DataFrame | None = None
    meta: pd.DataFrame | None = None
    notes: list[str] = field(default_factory=list)
    benchmark: pd.DataFrame | None = None      # a benchmark block's table, for findings
    writer: Callable[[Path], Path] | None = None   # saves the block when ``data`` cannot

    def to_html(self) -> str:
        parts = [f"<p>{html.escape(text)}</p>" for text in self.sentences if text]
        if self.chart is not None:
            parts.append(self.chart.to_html())
        if self.table is not None:
            parts.append(self.table.to_html())
        parts += [f'<p class="note">{html.escape(text)}</p>' for text in self.notes if text]
        return "\n".join(parts)

    def _repr_html_(self) -> str:
        return self.to_html()

    def save(self, tables_dir: str | Path) -> Path | None:
        if not str(tables_dir):
            return None
        if self.writer is not None:
            return self.writer(Path(tables_dir))
        if self.data is None:
            return None
        return tidy.write_table(self.data, self.meta, Path(tables_dir) / f"{self.key}.csv")


def save_all(blocks, tables_dir: str | Path) -> list[Path]:
    """Save every block that has data; an empty ``tables_dir`` (interactive use) saves none."""
    return [path for block in blocks if block is not None and (path := block.save(tables_dir))]


# --- figures to frames ------------------------------------------------------------------

def counts_by_year(figures: pd.DataFrame, indicator: str, group: str, years) -> pd.DataFrame:
    """Counts of one breakdown group: a row per breakdown (Total last), a column per year."""
    rows = figures.loc[figures["indicator"].eq(indicator) & figures["breakdown_group"].eq(group)
                       & figures["unit"].eq("number") & figures["time_period"].isin(list(years))]
    wide = rows.pivot_table(index="breakdown", columns="time_period", values="value",
                            aggfunc="first", sort=False)
    order = [b for b in rows["breakdown"].drop_duplicates() if b != TOTAL] + [TOTAL]
    wide = wide.reindex([b for b in order if b in wide.index]).fillna(0)
    wide.columns = [str(c) for c in wide.columns]
    return wide.rename_axis("breakdown").reset_index()


def shares(counts: pd.DataFrame, shown: pd.DataFrame, year_columns: list[str]) -> pd.DataFrame:
    """Percent of each year's Total, missing where the count or the Total is suppressed."""
    total = counts.loc[counts["breakdown"].eq(TOTAL), year_columns].iloc[0].astype(float)
    share = counts[year_columns].astype(float).div(total.replace(0, np.nan)) * 100
    hidden = shown[year_columns].eq(SUPPRESSED)
    hidden = hidden | hidden.loc[counts["breakdown"].eq(TOTAL).to_numpy()].iloc[0]
    return pd.concat([counts[["breakdown"]], share.mask(hidden.to_numpy())], axis=1)


def tidy_breakdown(ctx: Context, shown: pd.DataFrame, share: pd.DataFrame, filter_name: str,
                   label: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A suppressed year x breakdown table in EES tidy shape, and its meta."""
    years = [c for c in shown.columns if c != "breakdown"]
    long = shown.melt(id_vars="breakdown", var_name="time_period", value_name="number")
    pct = share.melt(id_vars="breakdown", var_name="time_period", value_name="percent")
    long["percent"] = pct["percent"].map(lambda v: SUPPRESSED if pd.isna(v) else f"{v:.0f}").to_numpy()
    long["time_period"] = long["time_period"].astype(int)
    geo = tidy.la_frame(ctx.authority, [int(y) for y in years])
    out = geo.merge(long.rename(columns={"breakdown": filter_name}), on="time_period")
    meta = tidy.meta_frame({"number": (f"{label}: number", "", 0), "percent": (f"{label}: percent", "%", 0)},
                           {filter_name: label})
    return out, meta


# --- block builders ---------------------------------------------------------------------

def composition(ctx: Context, key: str, indicator: str, group: str, subject: str, title: str,
                focus: str | None = None, years=None, chart_kind: str = "bar") -> Block:
    """A breakdown over the years: suppressed counts with a Total, a chart of shares, and a
    sentence on the share in ``focus`` (default: the largest group in the latest year)."""
    years = list(years or ctx.years)
    counts = counts_by_year(ctx.figures, indicator, group, years)
    if counts.empty:
        return Block(key, [f"The return holds no figures for {subject}."])
    year_columns = [str(y) for y in years if str(y) in counts.columns]
    shown = disclosure.suppress_table(counts, year_columns, total_row=TOTAL, labels="breakdown",
                                      threshold=ctx.threshold)
    share = shares(counts, shown, year_columns)
    parts = share.loc[share["breakdown"].ne(TOTAL)]
    if focus is None:
        latest = parts.set_index("breakdown")[year_columns[-1]]
        focus = latest.idxmax() if latest.notna().any() else None
    sentence = (narrative.describe_share(parts.set_index("breakdown").loc[focus, year_columns], focus, subject)
                if focus in set(parts["breakdown"]) else "")
    long = parts.melt(id_vars="breakdown", var_name="year", value_name="percent").astype({"year": int})
    chart_title = f"{title}, {ctx.name}, {year_columns[0]} to {year_columns[-1]}"
    alt = (f"{'Stacked bar' if chart_kind == 'bar' else 'Line'} chart of the percentage of {subject} by "
           f"{group.lower()}, {year_columns[0]} to {year_columns[-1]}. {sentence}")
    if long["percent"].notna().any():
        make = charts.stacked_bar_chart if chart_kind == "bar" else charts.line_chart
        chart = make(long.dropna(subset=["percent"]), x="year", y="percent", hue="breakdown", title=chart_title,
                     y_label="Percentage", source=ctx.source, alt=alt)
    else:
        chart = None
    table = Table(shown.rename(columns={"breakdown": group}),
                  caption=f"{title} (number), {ctx.name}", source=ctx.source)
    data, meta = tidy_breakdown(ctx, shown, share, _column_name(group), group)
    notes = [disclosure.CHART_NOTE] if (shown[year_columns] == SUPPRESSED).any().any() else []
    return Block(key, [sentence], table, chart, data, meta, notes)


def _column_name(label: str) -> str:
    return "".join(ch if ch.isalnum() else "_" for ch in label.lower()).strip("_")


def crosstab(ctx: Context, key: str, group: str, row_label: str, column_label: str, subject: str,
             focus_column: str, columns: list[str] | None = None) -> Block:
    """A cross-tabulation for the latest year with its margins, suppressed as a cross-tab,
    and a sentence on where the share in ``focus_column`` is highest and lowest."""
    rows = ctx.figures.loc[ctx.figures["breakdown_group"].eq(group) & ctx.figures["unit"].eq("number")
                           & ctx.figures["time_period"].eq(ctx.year)]
    if rows.empty:
        return Block(key, [f"The return holds no figures for {subject} in {ctx.year}."])
    split = rows["breakdown"].str.split(metrics.CROSS, n=1, expand=True)
    table = pd.DataFrame({row_label: split[0], "column": split[1], "value": rows["value"].astype(float)})
    wide = table.pivot_table(index=row_label, columns="column", values="value", aggfunc="sum", fill_value=0)
    wide = wide.reindex(columns=[c for c in (columns or sorted(wide.columns)) if c in wide.columns]
                        + [c for c in wide.columns if c not in (columns or [])], fill_value=0)
    wide = wide.loc[:, ~wide.columns.duplicated()]
    wide["Total"] = wide.sum(axis=1)
    wide.loc[TOTAL] = wide.sum(axis=0)
    wide = wide.reset_index()
    count_columns = [c for c in wide.columns if c != row_label]
    shown = disclosure.suppress_table(wide, count_columns, total_row=TOTAL, total_column="Total",
                                      labels=row_label, threshold=ctx.threshold)
    plotted = disclosure.chart_data(shown, count_columns).frame
    share = (plotted[focus_column] / plotted["Total"] * 100) if focus_column in plotted else pd.Series(dtype=float)
    share.index = plotted[row_label]
    sentence = narrative.describe_crosstab(share.drop(TOTAL, errors="ignore"), focus_column, subject,
                                           overall=share.get(TOTAL, np.nan))
    data = tidy.la_frame(ctx.authority, [ctx.year]).merge(
        shown.melt(id_vars=row_label, var_name=_column_name(column_label), value_name="number")
        .rename(columns={row_label: _column_name(row_label)}).assign(time_period=ctx.year), on="time_period")
    meta = tidy.meta_frame({"number": (f"{subject}: number", "", 0)},
                           {_column_name(row_label): row_label, _column_name(column_label): column_label})
    return Block(key, [sentence], Table(shown, caption=f"{subject}, {ctx.name}, 31 March {ctx.year} (number)",
                                        source=ctx.source), None, data, meta)


def benchmark_block(ctx: Context, key: str, indicator: str, subject: str, unit: str = "percent",
                    breakdown_group: str = TOTAL, breakdown: str = TOTAL, label: str = "",
                    polarity: str | None = None, years: int = 6) -> Block | None:
    """The authority's published figure beside its statistical neighbours, region and
    England, ranked, over ``years`` years; None when nothing is published for it."""
    if ctx.published is None:
        return None
    table = benchmark.benchmark_table(ctx.published.figures, ctx.authority.new_la_code, indicator, unit,
                                      breakdown_group, breakdown, years=range(ctx.year - years + 1, ctx.year + 1),
                                      neighbour_model=ctx.authority.neighbour_model, polarity=polarity)
    if table.empty or table["value"].isna().all():
        return Block(key, [f"No published figure for {subject} is available for {ctx.name} to compare."])
    suffix = "%" if unit == "percent" else (" per 10,000" if unit == "rate_per_10000" else "")
    pol = polarity or benchmark.polarity_of(indicator, unit, breakdown_group, breakdown)
    sentence = narrative.describe_benchmark(table.dropna(subset=["value"]).iloc[-1], subject, suffix, pol)
    if ctx.benchmark_source.startswith("Synthetic"):
        sentence += " These comparisons use synthetic national figures made for the demonstration, not DfE statistics."
    long = benchmark.series_for_chart(table, ctx.name, ctx.authority.region_name)
    first, last = table["time_period"].min(), table["time_period"].max()
    title = f"{label or subject[0].upper() + subject[1:]}, {first} to {last}"
    y_label = {"percent": "Percentage", "rate_per_10000": "Rate per 10,000 children aged 0 to 17"}.get(unit, "Number")
    chart = charts.line_chart(long, x="time_period", y="value", hue="series", title=title, y_label=y_label,
                              source=ctx.benchmark_source,
                              alt=f"Line chart of {subject} for {ctx.name}, its statistical neighbours' average, "
                                  f"its region and England, {first} to {last}. {sentence}")
    what = label or subject[0].upper() + subject[1:]
    shown = Table(benchmark.display_frame(table, ctx.name),
                  caption=f"{what}: {ctx.name} compared with its statistical neighbours, region and England",
                  source=ctx.benchmark_source)
    def writer(folder: Path) -> Path:
        return benchmark.write_table(table, ctx.authority, label or subject, folder / f"{key}.csv")

    return Block(key, [sentence], shown, chart, benchmark=table, writer=writer)


def series_block(ctx: Context, key: str, columns: dict[str, tuple[str, str]], title: str,
                 sentences: list[str], chart_columns: list[str] | None = None) -> Block:
    """Total counts of several indicators over the years (primary suppression), with a
    line chart. ``columns`` maps an output column to (indicator, breakdown_group/breakdown
    as ``group|breakdown``)."""
    frame = pd.DataFrame({"time_period": ctx.years})
    for name, (indicator, where) in columns.items():
        group, _, breakdown = where.partition("|")
        rows = select(ctx.figures, indicator, "number", group, breakdown or TOTAL).set_index("time_period")["value"]
        frame[name] = frame["time_period"].map(rows).astype(float)
    count_columns = list(columns)
    shown = disclosure.suppress_small_counts(frame, count_columns, ctx.threshold)
    plotted = disclosure.chart_data(shown, count_columns).frame
    long = plotted.melt(id_vars="time_period", value_vars=chart_columns or count_columns,
                        var_name="series", value_name="children").dropna()
    chart = charts.line_chart(long, x="time_period", y="children", hue="series",
                              title=f"{title}, {ctx.name}, {ctx.years[0]} to {ctx.years[-1]}",
                              y_label="Number of children", source=ctx.source,
                              alt=f"Line chart of {title.lower()} in {ctx.name}, {ctx.years[0]} to "
                                  f"{ctx.years[-1]}. {' '.join(sentences)}")
    table = Table(shown.rename(columns={"time_period": "Year"}), caption=f"{title}, {ctx.name}", source=ctx.source)
    data = tidy.la_frame(ctx.authority, ctx.years).merge(
        shown.rename(columns={c: _column_name(c) for c in count_columns}), on="time_period")
    meta = tidy.meta_frame({_column_name(c): (c, "", 0) for c in count_columns})
    return Block(key, sentences, table, chart, data, meta)


def suppressed_value(ctx: Context, indicator: str, group: str = TOTAL, breakdown: str = TOTAL,
                     year: int | None = None, unit: str = "number") -> float:
    """One computed figure as a page may state it: missing when its count is 1 to 5."""
    rows = select(ctx.figures, indicator, unit, group, breakdown)
    rows = rows.loc[rows["time_period"].eq(year or ctx.year), "value"]
    if rows.empty:
        return np.nan
    count = select(ctx.figures, indicator, "number", group, breakdown)
    count = count.loc[count["time_period"].eq(year or ctx.year), "value"]
    if not count.empty and 0 < float(count.iloc[0]) < ctx.threshold:
        return np.nan
    return float(rows.iloc[0])


def share_series(ctx: Context, indicator: str, group: str, breakdown: str) -> pd.Series:
    """The percentage of one breakdown over the years, missing where suppressed."""
    return pd.Series({year: suppressed_value(ctx, indicator, group, breakdown, year, "percent")
                      for year in ctx.years}, dtype=float)
