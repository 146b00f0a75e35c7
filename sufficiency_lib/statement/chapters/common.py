"""The block shapes every chapter uses, built from an authority-year's
:class:`~sufficiency_lib.analysis.facts.Facts`:

- a composition over the years (:func:`composition`): a breakdown's counts with its Total,
  a chart of shares and a sentence;
- one figure beside statistical neighbours, region and England (:func:`benchmark_block`);
- a cross-tabulation for the latest year with its margins (:func:`crosstab`);
- several counts over the years (:func:`series_block`).

Every count shown is suppressed first (:mod:`~sufficiency_lib.analysis.disclosure`), and
charts and sentences read the suppressed values, so nothing a table hides appears
elsewhere. Tables are declared once (:mod:`~sufficiency_lib.statement.tables`).
"""
from __future__ import annotations

from dataclasses import replace
from functools import partial

import numpy as np
import pandas as pd

from sufficiency_lib.analysis import benchmark, disclosure, group_disclosure
from sufficiency_lib.analysis.facts import Facts
from sufficiency_lib.analysis.metrics import GROUP_ORDER
from sufficiency_lib.published.figures import select
from sufficiency_lib.statement import charts, narrative
from sufficiency_lib.statement import tables as t
from sufficiency_lib.statement.blocks import Block, message
from sufficiency_lib.vocabulary import CROSS, TOTAL, Group, Unit, unit_axis_label
from sufficiency_lib.wording import half_up, year_span

SUPPRESSED = disclosure.SUPPRESSED


#: Breakdowns whose groups run in an order (bands of age, time, distance, length): their
#: stacked bars follow the table's order; the others stack the largest at the bottom.
ORDERED_GROUPS = (Group.AGE, Group.TIME_IN_CARE, Group.DISTANCE, Group.PLACEMENT_LENGTH, Group.UASC_BY_AGE)


def needs_return(subject: str) -> str:
    """What a part without the return says, naming its subject (each part says it of its own)."""
    return (f"The figures on {subject} need the council's return of each child's records to the Department for "
            "Education (SSDA903), which was not given.")


def nothing_for(facts: Facts, key: str, subject: str) -> Block:
    """The block for a part with no figures: it needs the return, or the return holds none."""
    if facts.data is None:
        return message(key, needs_return(subject))
    return message(key, f"The return holds no figures for {subject}.")


def column_name(label: str) -> str:
    """An EES column name for a label: lower case, words joined by underscores."""
    return "".join(ch if ch.isalnum() else "_" for ch in label.lower()).strip("_")


# --- a group's pages hide what its members' pages hide ---------------------------------

def members_hide(facts: Facts, table: pd.DataFrame, raw, columns: list[str], hide=None,
                 **how) -> pd.DataFrame | None:
    """For a group's statement, the cells of ``table`` (counts in ``columns``, made by
    ``raw(facts)``) that its members' own pages hide: ``raw`` of each member, suppressed as
    ``how`` says, with the cells ``hide(member, its table)`` forces
    (:func:`group_disclosure.hidden_by_members`). None for an authority's own statement.
    A group's count is its members' added up, so a cell a member hides, shown for the group,
    could be worked out from the group's and the other members'."""
    if not facts.members:
        return None
    tables = [raw(member) for member in facts.members]
    forced = [hide(member, own) for member, own in zip(facts.members, tables)] if hide else None
    return group_disclosure.hidden_by_members(table, tables, columns, threshold=facts.threshold,
                                              members_also=forced, **how)


def suppressed(facts: Facts, table: pd.DataFrame, raw, columns: list[str], hide=None, **how) -> pd.DataFrame:
    """``table`` (``raw(facts)``) suppressed (:func:`disclosure.suppress_table` with ``how``),
    hiding too the cells ``hide(facts, table)`` forces (None: none) and what the members'
    pages hide (:func:`members_hide`)."""
    forced = None
    for mask in (members_hide(facts, table, raw, columns, hide, **how), hide(facts, table) if hide else None):
        if mask is not None:
            mask = mask.reindex(index=table.index, columns=columns, fill_value=False).astype(bool)
            forced = mask if forced is None else forced | mask
    return disclosure.suppress_table(table, columns, threshold=facts.threshold, also_hide=forced, **how)


def composition_shown(facts: Facts, indicator: str, group: str) -> pd.DataFrame:
    """A composition's counts over the statement's years as its page table shows them (a
    ``breakdown`` column and a column per year); empty when there are none. What another
    table's suppression follows, for a group's members too."""
    found = _composition(facts, indicator, group, list(facts.years))
    return found[1] if found else pd.DataFrame()


def _composition(facts: Facts, indicator: str, group: str, years: list) -> tuple | None:
    """A breakdown's counts by year, as shown, and the year columns; None when there are none."""
    def raw(of: Facts) -> pd.DataFrame:
        return counts_by_year(of.figures, indicator, group, years)
    counts = raw(facts)
    if counts.empty:
        return None
    columns = [str(y) for y in years if str(y) in counts.columns]

    def linked(of: Facts, table: pd.DataFrame) -> pd.DataFrame | None:
        """The cells another table of the same children hides (:meth:`Facts.linked`)."""
        forced = pd.DataFrame({c: table["breakdown"].isin(of.linked(indicator, group, int(c))).to_numpy()
                               for c in columns if c in table.columns}, index=table.index)
        return forced if forced.to_numpy().any() else None
    return counts, suppressed(facts, counts, raw, columns, linked, total_row=TOTAL, labels="breakdown"), columns


def cross_shown(facts: Facts, group: str, columns: list[str] | None = None) -> pd.DataFrame | None:
    """The latest year's cross-tabulation ``group`` as its page table shows it (a ``row``
    column, a column per column label and Total); None when there is none."""
    wide = cross_counts(facts, group, columns)
    if wide is None:
        return None
    return suppressed(facts, wide, lambda f: cross_counts(f, group, columns),
                      [c for c in wide.columns if c != "row"], total_row=TOTAL, total_column=TOTAL, labels="row")


def row_of(frame: pd.DataFrame | None, row: str, label_column: str = "breakdown") -> pd.Series:
    """One row of a shown table ('c' where suppressed); empty when absent."""
    if frame is None or label_column not in frame:
        return pd.Series(dtype=object)
    indexed = frame.set_index(label_column)
    return indexed.loc[row] if row in indexed.index else pd.Series(dtype=object)


# --- figures to frames ------------------------------------------------------------------

def counts_by_year(figures: pd.DataFrame, indicator: str, group: str, years) -> pd.DataFrame:
    """Counts of one breakdown group: a row per breakdown (Total last), a column per year."""
    rows = figures.loc[figures["indicator"].eq(indicator) & figures["breakdown_group"].eq(group)
                       & figures["unit"].eq(Unit.NUMBER) & figures["time_period"].isin(list(years))]
    # a count DfE did not publish keeps DfE's symbol (c suppressed, x not available); a
    # breakdown with no row in a year had no children in it
    status = rows["status"].astype(str).replace("", "x")
    cells = rows.assign(cell=rows["value"].astype(object).where(rows["value"].notna(), status))
    wide = cells.pivot_table(index="breakdown", columns="time_period", values="cell", aggfunc="first",
                             sort=False, observed=True, dropna=False)
    seen = [b for b in cells["breakdown"].drop_duplicates() if b != TOTAL]
    ordered = [b for b in GROUP_ORDER.get(group, ()) if b in seen]      # age bands youngest first, ...
    order = ordered + [b for b in seen if b not in ordered] + [TOTAL]
    wide = wide.reindex([b for b in order if b in wide.index]).astype(object).where(lambda w: w.notna(), 0)
    wide.columns = [str(c) for c in wide.columns]
    return wide.rename_axis("breakdown").reset_index()


def shares(counts: pd.DataFrame, shown: pd.DataFrame, year_columns: list[str]) -> pd.DataFrame:
    """Percent of each year's Total, missing where the count or the Total is suppressed."""
    numbers = counts[year_columns].apply(pd.to_numeric, errors="coerce")
    total = numbers.loc[counts["breakdown"].eq(TOTAL).to_numpy()].iloc[0].astype(float)
    share = numbers.astype(float).div(total.replace(0, np.nan)) * 100
    hidden = shown[year_columns].eq(SUPPRESSED)
    hidden = hidden | hidden.loc[counts["breakdown"].eq(TOTAL).to_numpy()].iloc[0]
    return pd.concat([counts[["breakdown"]], share.mask(hidden.to_numpy())], axis=1)


def _long_breakdown(shown: pd.DataFrame, share: pd.DataFrame) -> pd.DataFrame:
    """Year x breakdown counts (as shown) and percentages in long form, year by year."""
    long = shown.melt(id_vars="breakdown", var_name="time_period", value_name="number")
    pct = share.melt(id_vars="breakdown", var_name="time_period", value_name="percent")
    long["percent"] = [SUPPRESSED if pd.isna(v) else int(half_up(float(v))) for v in pct["percent"]]
    long["number"] = [_whole(v) for v in long["number"]]
    return long.astype({"time_period": int})


def _whole(value):
    """A shown count as a whole number; a GSS symbol (c, x, z) as it is."""
    text = str(value).strip()
    return int(float(text)) if text.replace(".", "", 1).isdigit() else text


# --- block builders ---------------------------------------------------------------------

def composition(facts: Facts, key: str, indicator: str, group: str, subject: str, title: str,
                focus: str | None = None, years=None, chart_kind: str = "bar") -> Block:
    """A breakdown over the years: suppressed counts with a Total, a chart of shares, and a
    sentence on the share in ``focus`` (default: the largest group in the latest year)."""
    found = _composition(facts, indicator, group, list(years or facts.years))
    if found is None:
        return nothing_for(facts, key, subject)
    counts, shown, year_columns = found
    share = shares(counts, shown, year_columns)
    parts = share.loc[share["breakdown"].ne(TOTAL)]
    if focus is None:
        latest = parts.set_index("breakdown")[year_columns[-1]]
        focus = latest.idxmax() if latest.notna().any() else None
    sentence = (narrative.describe_share(parts.set_index("breakdown").loc[focus, year_columns], focus, subject, group)
                if focus in set(parts["breakdown"]) else "")
    latest_total = counts.loc[counts["breakdown"].eq(TOTAL), year_columns[-1]].iloc[0]
    if pd.to_numeric(latest_total, errors="coerce") == 0:      # none at all, not too few to show
        # named by its table: a page of several empty tables (Isles of Scilly) says each once
        sentence = f"{title} in {year_columns[-1]}: none, as there were no {subject}."
    long = parts.melt(id_vars="breakdown", var_name="year", value_name="percent").astype({"year": int})
    chart = None
    if long["percent"].notna().any():
        order = list(parts["breakdown"]) if group in ORDERED_GROUPS else None
        make = partial(charts.stacked_bar_chart, order=order) if chart_kind == "bar" else charts.line_chart
        chart = make(long.dropna(subset=["percent"]), x="year", y="percent", hue="breakdown",
                     title=f"{title}, {facts.name}, {year_span(year_columns[0], year_columns[-1])}",
                     y_label="Percentage", source=facts.source,
                     alt=f"{'Stacked bar' if chart_kind == 'bar' else 'Line'} chart of the percentage of {subject} "
                         f"by {group.lower()}, {year_span(year_columns[0], year_columns[-1])}. {sentence}")
    wide = t.Table("", f"{title} (number), {facts.name}", facts.source,
                   [t.text("breakdown", group), *[t.count(y, y) for y in year_columns]], shown)
    filter_name = column_name(group)
    saved = t.Table(key, wide.caption, facts.source,
                    [t.year(), t.text(filter_name, group), t.count("number", f"{group}: number"),
                     t.percent("percent", f"{group}: percent")],
                    _long_breakdown(shown, share).rename(columns={"breakdown": filter_name}))
    notes = [disclosure.CHART_NOTE] if (shown[year_columns] == SUPPRESSED).any().any() else []
    return Block(key, [sentence], wide, chart, notes, [saved])


def cross_counts(facts: Facts, group: str, columns: list[str] | None = None) -> pd.DataFrame | None:
    """The latest year's cross-tabulation ``group`` (breakdowns "row; column") with its
    margins: a ``row`` column, a column per ``columns`` (then any others) and Total, and a
    Total row; None when the figures hold none."""
    rows = facts.figures.loc[facts.figures["breakdown_group"].eq(group) & facts.figures["unit"].eq(Unit.NUMBER)
                             & facts.figures["time_period"].eq(facts.year)]
    if rows.empty:
        return None
    split = rows["breakdown"].str.split(CROSS, n=1, expand=True)
    table = pd.DataFrame({"row": split[0], "column": split[1], "value": rows["value"].astype(float)})
    wide = table.pivot_table(index="row", columns="column", values="value", aggfunc="sum", fill_value=0)
    wide = wide.reindex(columns=[c for c in (columns or sorted(wide.columns)) if c in wide.columns]
                        + [c for c in wide.columns if c not in (columns or [])], fill_value=0)
    wide = wide.loc[:, ~wide.columns.duplicated()]
    wide[TOTAL] = wide.sum(axis=1)
    wide.loc[TOTAL] = wide.sum(axis=0)
    return wide.reset_index()


def crosstab(facts: Facts, key: str, group: str, row_label: str, column_label: str, subject: str,
             focus_column: str, columns: list[str] | None = None, obvious: tuple[str, ...] = ()) -> Block:
    """A cross-tabulation for the latest year with its margins, suppressed as a cross-tab,
    and a sentence on where the share in ``focus_column`` is highest and lowest (leaving out
    the ``obvious`` rows, whose share is so by definition: every child in 16+ supported
    accommodation is 16 or over)."""
    wide = cross_counts(facts, group, columns)
    if wide is None:
        return nothing_for(facts, key, f"{subject} in {facts.year}")
    count_columns = [c for c in wide.columns if c != "row"]
    shown = suppressed(facts, wide, lambda f: cross_counts(f, group, columns), count_columns,
                       total_row=TOTAL, total_column=TOTAL, labels="row")
    plotted = disclosure.chart_data(shown, count_columns).frame
    share = (plotted[focus_column] / plotted[TOTAL] * 100) if focus_column in plotted else pd.Series(dtype=float)
    share.index = plotted["row"]
    share = share.loc[~plotted[TOTAL].eq(0).to_numpy()] if len(share) else share    # a row of none: no share
    sentence = narrative.describe_crosstab(share.drop([TOTAL, *obvious], errors="ignore"), focus_column, subject,
                                           overall=share.get(TOTAL, np.nan),
                                           left_out=tuple(r for r in obvious if r in share.index))
    caption = f"{subject[:1].upper()}{subject[1:]}, {facts.name}, 31 March {facts.year} (number)"
    page = t.Table("", caption, facts.source, [t.text("row", row_label), *[t.count(c, c) for c in count_columns]],
                   shown)
    long = shown.melt(id_vars="row", var_name="column", value_name="number")
    long["number"] = [_whole(v) for v in long["number"]]
    saved = t.Table(key, caption, facts.source,
                    [t.text(column_name(row_label), row_label), t.text(column_name(column_label), column_label),
                     t.count("number", f"{subject}: number")],
                    long.rename(columns={"row": column_name(row_label), "column": column_name(column_label)}))
    return Block(key, [sentence], page, None, [], [saved])


def benchmark_columns(la_name: str, unit: str) -> list[t.Column]:
    """The declared columns of a benchmark table (see :func:`benchmark.benchmark_table`); the
    table's caption names the figure, so the headings need not. Rank 1 and band A are always
    the lowest, everywhere in the statement (whether high is good is said in words); a group
    shows no rank (:func:`compared_columns`)."""
    cell_unit = "%" if unit == Unit.PERCENT else ""

    def compared(name, text, decimals=1, show=True, trim=True):
        return t.Column(name, text, t.INDICATOR, cell_unit, decimals, trim, show)

    return [t.year(label="Year (31 March)"), compared("value", la_name),
            compared("sn_mean", "Statistical neighbours (mean)"),
            compared("sn_median", "Statistical neighbours (median)"), compared("region", "Region"),
            compared("england", "England"),
            t.number("rank", "Rank among authorities (1 = the lowest)"),
            t.number("ranked_of", "Authorities ranked"),
            compared("change_1y", "Change on the year before", show=False),
            compared("change_5y", "Change over five years", show=False),
            compared("ci_low", "Lower 95% confidence limit", show=False),
            compared("ci_high", "Upper 95% confidence limit", show=False),
            t.Column("quartile_band", "Quartile band (A = the lowest quarter)", t.FILTER),
            t.text("compared_with_england", "Compared with England (95% interval)")]


#: What a group has not: it is not in DfE's neighbour model, nor ranked among authorities.
NOT_FOR_A_GROUP = ("rank", "ranked_of", "quartile_band")


def compared_columns(facts: Facts, columns: list[t.Column]) -> list[t.Column]:
    """``columns`` as ``facts``' page shows them: a group does not show its statistical
    neighbours' columns or a rank among authorities (always empty; its CSV keeps them)."""
    def hidden(column: t.Column) -> bool:
        return facts.is_group and (column.name.startswith("sn_") or column.name in NOT_FOR_A_GROUP)
    return [replace(c, show=False) if hidden(c) else c for c in columns]


def benchmark_frame(table: pd.DataFrame) -> pd.DataFrame:
    """A benchmark table's values as the declared table holds them: DfE's symbol where the
    authority's figure is suppressed, numbers elsewhere."""
    out = table.copy()
    out["value"] = [s if s else v for v, s in zip(table["value"].astype(object), table["status"])]
    out["compared_with_england"] = table["vs_england"].replace({"similar": "not significantly different"})
    for column in ("sn_mean", "sn_median", "region", "england", "rank", "ranked_of", "change_1y", "change_5y",
                   "ci_low", "ci_high"):
        out[column] = pd.to_numeric(table[column]).astype("float64")
    return out


def benchmark_block(facts: Facts, key: str, indicator: str, subject: str, unit: str = Unit.PERCENT,
                    breakdown_group: str = TOTAL, breakdown: str = TOTAL, label: str = "",
                    polarity: str | None = None, years: int = 6) -> Block | None:
    """The authority's published figure beside its statistical neighbours, region and
    England, ranked, over ``years`` years; None when nothing is published for it."""
    if facts.published is None:
        return None
    table = benchmark.benchmark_table(facts.published.figures, facts.code, indicator, unit,
                                      breakdown_group, breakdown, years=range(facts.year - years + 1, facts.year + 1),
                                      neighbour_model=facts.authority.neighbour_model)
    if table.empty or table["value"].isna().all():
        return message(key, f"No published figure for {subject} is available for {facts.name} to compare.")
    suffix = "%" if unit == Unit.PERCENT else (" per 10,000" if unit == Unit.RATE else "")
    pol = polarity or benchmark.polarity_of(indicator, unit, breakdown_group, breakdown)
    latest = table.dropna(subset=["value"]).iloc[-1]
    sentence = narrative.describe_benchmark(latest, subject, suffix, pol)
    what = label or subject[0].upper() + subject[1:]
    chart, declared = compared_chart_and_table(facts, key, table, subject, what, unit, facts.benchmark_source,
                                               sentence)
    mixed = (facts.sources_differ(indicator, breakdown_group, breakdown, int(latest["time_period"]), unit)
             if facts.data is not None else "")
    return Block(key, [sentence, mixed], declared, chart)


def compared_chart_and_table(facts: Facts, key: str, table: pd.DataFrame, subject: str, what: str, unit: str,
                             source: str, sentence: str, y_label: str | None = None) -> tuple:
    """The line chart and the declared table of a benchmark table (the authority, its
    neighbours' mean, region and England by year); the chart's description ends with
    ``sentence``, what the block says of it."""
    long = benchmark.series_for_chart(table, facts.name, facts.authority.region_name)
    first, last = int(table["time_period"].min()), int(table["time_period"].max())
    chart = charts.line_chart(long, x="time_period", y="value", hue="series", title=f"{what}, {year_span(first, last)}",
                              y_label=y_label or unit_axis_label(unit), source=source,
                              alt=f"Line chart of {subject} for {facts.name}, {facts.comparators(average=True)}, "
                                  f"{year_span(first, last)}. {sentence}")
    declared = t.Table(key, f"{what}: {facts.name} compared with {facts.comparators()}", source,
                       compared_columns(facts, benchmark_columns(facts.name, unit)),
                       benchmark_frame(table))
    return chart, declared


def series_block(facts: Facts, key: str, columns: dict[str, tuple[str, str]], title: str,
                 sentences: list[str], chart_columns: list[str] | None = None) -> Block:
    """Total counts of several indicators over the years (primary suppression), with a
    line chart. ``columns`` maps an output column's label to (indicator, breakdown_group
    and breakdown as ``group|breakdown``)."""
    def counts(of: Facts) -> pd.DataFrame:
        frame = pd.DataFrame({"time_period": facts.years})
        for name, (indicator, where) in columns.items():
            group, _, breakdown = where.partition("|")
            rows = select(of.figures, indicator, Unit.NUMBER, group, breakdown or TOTAL).set_index("time_period")
            frame[name] = frame["time_period"].map(rows["value"]).astype(float)
        return frame
    frame, labels = counts(facts), list(columns)
    shown = disclosure.suppress_small_counts(frame, labels, facts.threshold,
                                             also_hide=members_hide(facts, frame, counts, labels, labels="time_period"))
    plotted = disclosure.chart_data(shown, labels).frame
    long = plotted.melt(id_vars="time_period", value_vars=chart_columns or labels,
                        var_name="series", value_name="children").dropna()
    chart = charts.line_chart(long, x="time_period", y="children", hue="series",
                              title=f"{title}, {facts.name}, {year_span(facts.years[0], facts.years[-1])}",
                              y_label="Number of children", source=facts.source,
                              alt=f"Line chart of {title.lower()} in {facts.name}, "
                                  f"{year_span(facts.years[0], facts.years[-1])}. {' '.join(sentences)}")
    values = shown.rename(columns={c: column_name(c) for c in labels})
    for c in labels:
        values[column_name(c)] = [_whole(v) for v in values[column_name(c)]]
    declared = t.Table(key, f"{title}, {facts.name}", facts.source,
                       [t.year(), *[t.count(column_name(c), c) for c in labels]], values)
    return Block(key, sentences, declared, chart)
