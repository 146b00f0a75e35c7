"""Chapter 6, forecast and sufficiency gap: the number in care, its rate per 10,000 and each
placement group projected for the statement's three years with intervals (series models
and the stock-and-flow model), scenarios, projected cost, demand against capacity, and how
accurate each method has been, on this authority's series and on every authority's."""
from __future__ import annotations

import numpy as np
import pandas as pd

from sufficiency_lib.statement import charts, narrative, tidy
from sufficiency_lib import config
from sufficiency_lib.analysis import disclosure, findings, forecast, metrics, costs as provision
from sufficiency_lib.local import local_data
from sufficiency_lib.published.figures import select
from sufficiency_lib.statement.tables import Table
from sufficiency_lib.statement.chapters.common import SUPPRESSED, Block, Context
from sufficiency_lib.statement.chapters.page import Chapter

HORIZON = 3
SNAPSHOT_YEARS = 5           # the stock-and-flow model learns from the last five 31 March snapshots
BASELINE = "Baseline"
CLA = "Children looked after at 31 March"
RATE = "Children looked after per 10,000 children"


def history(ctx: Context) -> pd.Series:
    """Children looked after at 31 March, every year the return covers up to the page's."""
    first = int(ctx.data.episodes["return_year"].min())
    series = metrics.cla_at_31_march_series(ctx.data.episodes, range(first, ctx.year + 1))
    return series.set_index("time_period")["children_count"].astype(float)


def snapshots(ctx: Context) -> dict[int, pd.DataFrame]:
    """The children at each 31 March the return covers, to the page's year."""
    first = int(ctx.data.episodes["return_year"].min())
    return {y: metrics.children_at_31_march(ctx.data.tables, y) for y in range(first, ctx.year + 1)}


def rate_history(ctx: Context) -> pd.Series:
    """The authority's published rate per 10,000 children (or the demo's synthetic one)."""
    if ctx.published is None:
        return pd.Series(dtype=float)
    rows = select(ctx.published.figures, "cla_31_march", "rate_per_10000")
    rows = rows.loc[rows["new_la_code"].eq(ctx.authority.new_la_code) & rows["time_period"].le(ctx.year)]
    return rows.set_index("time_period")["value"].astype(float).dropna().sort_index()


def series_to_forecast(ctx: Context, snaps: dict[int, pd.DataFrame]) -> dict[str, pd.Series]:
    """The annual series forecast: numbers in care, the rate, and each placement group with
    at least the suppression threshold of children in the page's year (smaller groups are
    too few to model as a series; the stock-and-flow model still includes them)."""
    out = {CLA: history(ctx)}
    rate = rate_history(ctx)
    if len(rate) >= 2:
        out[RATE] = rate
    groups = pd.DataFrame({y: s["placement_group"].value_counts() for y, s in snaps.items()}).T.fillna(0).sort_index()
    latest = groups.iloc[-1].sort_values(ascending=False)
    out.update({group: groups[group].astype(float) for group in latest.index[latest >= ctx.threshold]})
    return out


def _interval_text(row) -> str:
    return f"{row['mean']:,.0f} (80% interval {row['lower_80']:,.0f} to {row['upper_80']:,.0f})"


def aggregate_block(ctx: Context, series: pd.Series, forecasts: pd.DataFrame,
                    scores: pd.DataFrame) -> tuple[Block, Block, pd.DataFrame]:
    """The number in care: the chosen method's forecast, and the backtest that chose it."""
    mine = forecasts.loc[forecasts["series"].eq(CLA)]
    method = mine["method"].iloc[0]
    predicted = mine.set_index("time_period")[["mean", "lower_80", "upper_80", "lower_95", "upper_95"]]
    last = predicted.iloc[-1]
    sentence = (f"Projected with the {method} method (the lowest one-year-ahead error in the backtest below), "
                f"the number of children looked after at 31 March {predicted.index[-1]} is "
                f"{_interval_text(last)}, against {series.iloc[-1]:,.0f} in {series.index[-1]}.")
    chart = charts.forecast_chart(series, predicted, title=f"Children looked after at 31 March, {ctx.name}: "
                                                           f"history and forecast",
                                  y_label="Number of children", source=ctx.source,
                                  alt=f"Line chart of the number of children looked after from {series.index[0]} to "
                                      f"{series.index[-1]} and the {method} forecast to {predicted.index[-1]} with 80% "
                                      f"and 95% intervals. {sentence}")
    shown = predicted.round(0).reset_index().rename(columns={
        "time_period": "Year (31 March)", "mean": "Forecast", "lower_80": "80% lower", "upper_80": "80% upper",
        "lower_95": "95% lower", "upper_95": "95% upper"})
    data = tidy.la_frame(ctx.authority, predicted.index).merge(
        predicted.round(1).reset_index().assign(method=method), on="time_period")
    meta = tidy.meta_frame({c: (c.replace("_", " "), "", 1) for c in predicted.columns}, {"method": "Method"})
    table = Table(shown, caption=f"Forecast of children looked after at 31 March ({method}), {ctx.name}",
                  source=ctx.source)
    scores = scores.loc[scores["series"].eq(CLA)].drop(columns="series")
    accuracy = Block("forecast_accuracy", [narrative.describe_accuracy(scores, method)],
                     Table(scores.round(2).rename(columns=lambda c: c.replace("_", " ").capitalize()),
                           caption=f"Backtest of each method on {ctx.name}'s own series (rolling origin, "
                                   f"fitted on {forecast.MIN_TRAIN}+ years)", source=ctx.source),
                     data=tidy.la_frame(ctx.authority, [ctx.year]).merge(scores.assign(time_period=ctx.year),
                                                                         on="time_period"),
                     meta=tidy.meta_frame({"forecasts": ("Forecasts scored", "", 0), "mape": ("MAPE", "%", 1),
                                           "coverage_80": ("80% interval coverage", "", 2),
                                           "coverage_95": ("95% interval coverage", "", 2)},
                                          {"method": "Method", "horizon": "Years ahead"}))
    return Block("cla_forecast", [sentence], table, chart, data, meta), accuracy, predicted


def latest_shown(ctx: Context, snaps: dict[int, pd.DataFrame]) -> pd.Series:
    """The page year's children by placement group as the placements chapter shows them
    (primary and secondary suppression over every group and the total), so that the groups
    listed here cannot be subtracted from the total to recover the small ones."""
    counts = snaps[ctx.year]["placement_group"].value_counts()
    table = pd.DataFrame({"breakdown": [*counts.index, "Total"], "latest": [*counts.to_numpy(), counts.sum()]})
    shown = disclosure.suppress_table(table, ["latest"], total_row="Total", labels="breakdown",
                                      threshold=ctx.threshold)
    return shown.set_index("breakdown")["latest"].rename({"Total": CLA})


def series_forecasts_block(ctx: Context, forecasts: pd.DataFrame, scores: pd.DataFrame,
                           series: dict[str, pd.Series], projected: pd.DataFrame, latest: pd.Series) -> Block:
    """Every series' forecast for the last year of the horizon, beside its last figure (as
    ``latest`` shows it, suppressed), the stock-and-flow model's projection (placement
    groups) and the backtest behind its method."""
    end = ctx.year + HORIZON
    final = forecasts.loc[forecasts["time_period"].eq(end)].set_index("series")
    one = scores.loc[scores["horizon"].eq(1)].set_index(["series", "method"])["mape"]
    stock_flow = projected.loc[projected["time_period"].eq(end)].set_index("group")["mean"]
    rows = []
    for name, values in series.items():
        row, counts = final.loc[name], name != RATE
        rows.append({"series": name, "method": row["method"], "latest": values.iloc[-1], "mean": row["mean"],
                     "lower_80": row["lower_80"], "upper_80": row["upper_80"],
                     "stock_flow": stock_flow.get(name if name != CLA else "Total", np.nan) if counts else np.nan,
                     "mape": one.get((name, row["method"]), np.nan), "naive_mape": one.get((name, "naive"), np.nan)})
    frame = pd.DataFrame(rows)
    shown = frame.copy()
    for column in ("latest", "mean", "lower_80", "upper_80", "stock_flow"):
        shown[column] = frame[column].map(lambda v: "" if pd.isna(v) else f"{v:,.0f}")
    shown["latest"] = shown["latest"].where(frame["series"].eq(RATE), frame["series"].map(latest))
    small = frame["series"].ne(RATE) & (frame["mean"] < ctx.threshold - 0.5)
    for column in ("mean", "lower_80", "upper_80", "stock_flow"):
        shown[column] = shown[column].where(~small, SUPPRESSED)
    for column in ("mape", "naive_mape"):
        shown[column] = frame[column].map(lambda v: "" if pd.isna(v) else f"{v:.1f}")
    rising = frame.loc[frame["series"].ne(RATE) & ~small & (frame["mean"] > frame["latest"] * 1.1), "series"]
    sentences = [f"Each series below is forecast with the method that had the lowest one-year-ahead error on it "
                 f"(naive when the series is too short to backtest); figures are for 31 March {end}."]
    if len(rising):
        sentences.append("Projected to grow by more than a tenth: " + "; ".join(rising.str.lower()) + ".")
    table = Table(shown.rename(columns={
        "series": "Series", "method": "Method", "latest": f"{ctx.year}", "mean": f"Forecast {end}",
        "lower_80": "80% lower", "upper_80": "80% upper", "stock_flow": f"Stock-and-flow {end}",
        "mape": "Backtest MAPE, method (%)", "naive_mape": "Backtest MAPE, naive (%)"}),
        caption=f"Forecasts of numbers in care, the rate and placement groups, {ctx.name}",
        source=f"{ctx.source}; rate: {ctx.benchmark_source}")
    data = tidy.la_frame(ctx.authority, [end]).merge(
        shown.drop(columns=["mape", "naive_mape"]).assign(time_period=end), on="time_period")
    meta = tidy.meta_frame({"latest": (f"Figure at 31 March {ctx.year}", "", 0), "mean": ("Forecast", "", 0),
                            "lower_80": ("80% interval, lower", "", 0), "upper_80": ("80% interval, upper", "", 0),
                            "stock_flow": ("Stock-and-flow projection", "", 0)},
                           {"series": "Series", "method": "Method"})
    return Block("series_forecasts", sentences, table, None, data, meta)


def national_block(ctx: Context) -> Block | None:
    """Each method's median error across every authority's published series."""
    if ctx.published is None:
        return None
    summary = forecast.national_accuracy(ctx.published.figures, config.CACHE_DIR)
    if summary.empty:
        return None
    what = "synthetic demonstration series" if ctx.published.synthetic else "published series"
    shown = summary.assign(method=summary["method"].map(forecast.METHOD_LABELS),
                           median_mape=summary["median_mape"].round(2), vs_naive=summary["vs_naive"].round(2),
                           coverage_80=summary["coverage_80"].round(2), coverage_95=summary["coverage_95"].round(2))
    table = Table(shown.rename(columns={
        "method": "Method", "horizon": "Years ahead", "authorities": "Authorities", "median_mape": "Median MAPE (%)",
        "forecasts": "Forecasts", "coverage_80": "80% interval coverage", "coverage_95": "95% interval coverage",
        "vs_naive": "MAPE against naive"}),
        caption=f"Backtest of each method on every authority's {what} of children looked after at 31 March",
        source=ctx.benchmark_source)
    data = tidy.la_frame(ctx.authority, [ctx.year]).merge(summary.assign(time_period=ctx.year), on="time_period")
    meta = tidy.meta_frame({"authorities": ("Authorities", "", 0), "median_mape": ("Median of authorities' MAPE", "%", 2),
                            "forecasts": ("Forecasts scored", "", 0), "coverage_80": ("80% interval coverage", "", 2),
                            "coverage_95": ("95% interval coverage", "", 2),
                            "vs_naive": ("Median MAPE over naive's", "", 2)},
                           {"method": "Method", "horizon": "Years ahead"})
    return Block("national_accuracy", [narrative.describe_national_accuracy(summary, what)], table, data=data,
                 meta=meta)


def model(ctx: Context, snaps: dict[int, pd.DataFrame], upto: int | None = None) -> forecast.StockFlow:
    """The stock-and-flow model from the last SNAPSHOT_YEARS snapshots to ``upto`` (the page's)."""
    upto = upto or ctx.year
    return forecast.StockFlow.estimate({y: s for y, s in snaps.items() if upto - SNAPSHOT_YEARS < y <= upto})


def _suppress_projection(frame: pd.DataFrame, threshold: int) -> pd.DataFrame:
    """Projected means are model output, not counts of children, but a small one still
    points at a few children: means below the threshold are shown as c."""
    shown = frame.copy()
    small = (frame["mean"] > 0) & (frame["mean"] < threshold - 0.5)
    for column in [c for c in frame.columns if c.startswith(("mean", "lower", "upper"))]:
        shown[column] = frame[column].map(lambda v: f"{v:,.0f}").where(~small, "c")
    return shown


def groups_block(ctx: Context, chain: forecast.StockFlow) -> tuple[Block, pd.DataFrame]:
    projected = chain.project(HORIZON, by=1)
    last = projected.loc[projected["time_period"].eq(ctx.year + HORIZON)].set_index("group")
    sentence = (f"The stock-and-flow model, learnt from {chain.pairs} pairs of years of the return, projects "
                f"{_interval_text(last.loc['Total'])} children looked after at 31 March {ctx.year + HORIZON}.")
    shown = _suppress_projection(projected, ctx.threshold)
    table = Table(shown.rename(columns={"time_period": "Year", "group": "Placement group", "mean": "Projected",
                                        "lower_80": "80% lower", "upper_80": "80% upper", "lower_95": "95% lower",
                                        "upper_95": "95% upper"}),
                  caption=f"Projected children looked after by placement group, {ctx.name}", source=ctx.source)
    data = tidy.la_frame(ctx.authority, sorted(set(projected["time_period"]))).merge(shown, on="time_period")
    meta = tidy.meta_frame({c: (c.replace("_", " "), "", 0) for c in projected.columns
                            if c.startswith(("mean", "lower", "upper"))}, {"group": "Placement group"})
    note = (f"Intervals are the 10th-90th and 2.5th-97.5th percentiles of {forecast.SIMULATIONS} simulated futures. "
            "Each future first draws its own rates from what the return shows (the moves between states counted, "
            "and the entrants each year, including how much that number varied), so the intervals carry the "
            "uncertainty of the rates as well as chance; they assume the future works as the last "
            f"{SNAPSHOT_YEARS} years did.")
    return Block("placement_group_projection", [sentence], table, None, data, meta, [note]), projected


def backtest_block(ctx: Context, snaps: dict[int, pd.DataFrame]) -> Block | None:
    """The stock-and-flow model fitted to the year before, against the page's year."""
    try:
        chain = model(ctx, snaps, ctx.year - 1)
    except ValueError:
        return None
    total = chain.project(1, by=1, runs=400).set_index("group").loc["Total"]
    actual = len(snaps[ctx.year])
    held = "held" if total["lower_80"] <= actual <= total["upper_80"] else "did not hold"
    return Block("stock_flow_backtest", [
        f"Fitted on the years to {ctx.year - 1}, the stock-and-flow model projected {total['mean']:,.0f} children "
        f"for 31 March {ctx.year} (80% interval {total['lower_80']:,.0f} to {total['upper_80']:,.0f}); the return "
        f"has {actual:,} ({abs(total['mean'] - actual) / actual * 100:.1f}% off; the interval {held} it)."])


def scenarios_block(ctx: Context, chain: forecast.StockFlow, costs: pd.DataFrame | None) -> tuple[Block, pd.DataFrame]:
    """Each scenario of the params against the baseline: children, the foster mix and the
    projected cost a year of the groups with a weekly cost, for every year of the horizon."""
    weekly = provision.latest_costs(costs, ctx.year).set_index("placement_group")["weekly_cost"] \
        if costs is not None else pd.Series(dtype=float)
    rows = []
    for name, change in {BASELINE: {}, **ctx.authority.scenarios}.items():
        projected = chain.scenario(**change).project(HORIZON, by=1)   # same seed: common random numbers
        for year, group in projected.groupby("time_period"):
            means = group.set_index("group")["mean"]
            groups = means.drop("Total")
            cost = (groups * weekly.reindex(groups.index)).sum() * provision.WEEKS_PER_YEAR
            rows.append({"time_period": year, "scenario": name, "children": means["Total"],
                         "ifa": means.get(forecast.IFA, 0.0), "in_house": means.get(forecast.IN_HOUSE, 0.0),
                         "priced_cost": cost if len(weekly) else np.nan})
    frame = pd.DataFrame(rows)
    end = ctx.year + HORIZON
    final = frame.loc[frame["time_period"].eq(end)].reset_index(drop=True)
    base = final.iloc[0]
    sentences = [narrative.describe_scenario(row, base, end) for row in final.iloc[1:].to_dict("records")]
    if not len(weekly):
        sentences.append("No weekly costs are in the local data, so the scenarios are not costed.")
    costs_by_year = frame.pivot(index="scenario", columns="time_period", values="priced_cost")
    shown = final[["scenario"]].assign(**{c: final[c].map(lambda v: f"{v:,.0f}") for c in ("children", "ifa",
                                                                                           "in_house")})
    for year in costs_by_year.columns:
        shown[f"Cost {year}"] = shown["scenario"].map(costs_by_year[year]).map(narrative.money)
    table = Table(shown.rename(columns={"scenario": "Scenario", "children": f"Children, {end}",
                                        "ifa": f"IFA foster care, {end}", "in_house": f"In-house foster care, {end}"}),
                  caption=f"Scenarios against the baseline, {ctx.name}: children at 31 March {end}, and the cost a "
                          f"year of the placement groups with a weekly cost",
                  source=ctx.source + ("; the authority's local data (weekly_costs)" if len(weekly) else ""))
    data = tidy.la_frame(ctx.authority, sorted(set(frame["time_period"]))).merge(frame.round(0), on="time_period")
    meta = tidy.meta_frame({"children": ("Children looked after", "", 0), "ifa": ("IFA foster care", "", 0),
                            "in_house": ("In-house foster care", "", 0),
                            "priced_cost": ("Cost a year of groups with a weekly cost (£)", "£", 0)},
                           {"scenario": "Scenario"})
    notes = ["Costs are the projected children in each group with a weekly cost times that group's newest weekly "
             f"cost recorded up to {ctx.year}, over a year, at the prices of the year each cost was recorded; "
             "no inflation is assumed."] if len(weekly) else []
    return Block("scenarios", sentences, table, None, data, meta, notes), frame


def gap_block(ctx: Context, projected: pd.DataFrame, capacity: pd.DataFrame | None) -> tuple[Block, pd.DataFrame]:
    if capacity is None or capacity.empty:
        return Block("sufficiency_gap", ["No capacity table was found in the local data (capacity.csv: year, "
                                         "placement_group, places), so demand cannot be set against supply."]), \
            pd.DataFrame()
    demand = projected.loc[projected["group"].ne("Total")]
    places = capacity.groupby(["year", "placement_group"])["places"].sum()
    rows = []
    for row in demand.itertuples():
        known = places.loc[places.index.get_level_values("year") <= row.time_period]
        known = known.loc[known.index.get_level_values("placement_group") == row.group]
        if len(known):
            supply = float(known.iloc[-1])
            rows.append({"time_period": row.time_period, "placement_group": row.group, "demand": row.mean,
                         "capacity": supply, "gap": row.mean - supply})
    frame = pd.DataFrame(rows, columns=["time_period", "placement_group", "demand", "capacity", "gap"])
    short = frame.loc[frame["gap"] > 0.5]
    sentence = ("Projected demand is within capacity in every placement group with a capacity recorded."
                if short.empty else "Projected demand exceeds capacity in: " + "; ".join(
                    f"{r.placement_group} in {r.time_period} (by {r.gap:,.0f})" for r in short.itertuples()) + ".")
    table = Table(frame.round(0).rename(columns=lambda c: c.replace("_", " ").capitalize()),
                  caption=f"Projected demand against capacity, {ctx.name}",
                  source=f"{ctx.source}; the authority's local data (capacity)")
    data = tidy.la_frame(ctx.authority, sorted(set(frame["time_period"])) or [ctx.year]).merge(
        frame.round(1), on="time_period")
    meta = tidy.meta_frame({"demand": ("Projected children", "", 1), "capacity": ("Places", "", 0),
                            "gap": ("Demand less places", "", 1)}, {"placement_group": "Placement group"})
    return Block("sufficiency_gap", [sentence], table, None, data, meta), frame


def build(ctx: Context) -> Chapter:
    local = local_data.load(ctx.local_dir)
    snaps = snapshots(ctx)
    series = series_to_forecast(ctx, snaps)
    forecasts, scores = forecast.forecast_many(series, HORIZON)
    headline, accuracy, predicted = aggregate_block(ctx, series[CLA], forecasts, scores)
    chain = model(ctx, snaps)
    groups, projected = groups_block(ctx, chain)
    costs = provision.unit_costs(local.get("weekly_costs")) if local.get("weekly_costs") is not None else None
    scenarios, _ = scenarios_block(ctx, chain, costs)
    gap, gap_frame = gap_block(ctx, projected, local.get("capacity"))
    latest = latest_shown(ctx, snaps)
    return Chapter(ctx, "forecast", {"headline": headline, "series": series_forecasts_block(
                                         ctx, forecasts, scores, series, projected, latest),
                                     "accuracy": accuracy, "national": national_block(ctx), "groups": groups,
                                     "backtest": backtest_block(ctx, snaps), "scenarios": scenarios, "gap": gap},
                   areas=[findings.FORECAST, findings.GAP],
                   found=findings.forecast_rules(ctx, forecasts, series, gap_frame, latest))
