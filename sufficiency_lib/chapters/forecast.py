"""Chapter 6, forecast and sufficiency gap: the number in care projected for the statement's
three years with intervals, by placement group from the stock-and-flow model, scenarios,
projected cost, demand against capacity, and how accurate each method has been."""
from __future__ import annotations

import numpy as np
import pandas as pd

from .. import charts, findings, forecast, local_data, metrics, narrative, provision, tidy
from ..present import Table
from .common import Block, Context
from .page import Chapter

HORIZON = 3
SNAPSHOT_YEARS = 5           # the stock-and-flow model learns from the last five 31 March snapshots
SCENARIOS = {
    "Baseline": {},
    "10% fewer children entering care": {"entry": 0.9},
    "Stays in care 10% shorter": {"stay": 0.9},
    "A fifth of IFA placements in-house instead": {"ifa_to_in_house": 0.2},
}


def history(ctx: Context) -> pd.Series:
    """Children looked after at 31 March, every year the return covers up to the page's."""
    first = int(ctx.data.episodes["return_year"].min())
    series = metrics.cla_at_31_march_series(ctx.data.episodes, range(first, ctx.year + 1))
    return series.set_index("time_period")["children_count"].astype(float)


def _interval_text(row) -> str:
    return f"{row['mean']:,.0f} (80% interval {row['lower_80']:,.0f} to {row['upper_80']:,.0f})"


def aggregate_block(ctx: Context, series: pd.Series) -> tuple[Block, Block, pd.DataFrame]:
    """The chosen method's forecast, and the backtest that chose it."""
    results = forecast.backtest(series)
    method = forecast.choose(results)
    predicted = forecast.forecast(series, method, HORIZON)
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
    scores = forecast.accuracy(results)
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


def model(ctx: Context, upto: int | None = None) -> forecast.StockFlow:
    """The stock-and-flow model from the snapshots of the years to ``upto`` (the page's)."""
    upto = upto or ctx.year
    first = max(int(ctx.data.episodes["return_year"].min()), upto - SNAPSHOT_YEARS + 1)
    snapshots = {y: metrics.children_at_31_march(ctx.data.tables, y) for y in range(first, upto + 1)}
    return forecast.StockFlow.estimate(snapshots)


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
    note = (f"Intervals are the 10th-90th and 2.5th-97.5th percentiles of {forecast.SIMULATIONS} simulated futures "
            "(children move between states as they did, new children enter at the average rate seen).")
    return Block("placement_group_projection", [sentence], table, None, data, meta, [note]), projected


def backtest_block(ctx: Context) -> Block | None:
    """The stock-and-flow model fitted to the year before, against the page's year."""
    try:
        chain = model(ctx, ctx.year - 1)
    except ValueError:
        return None
    projected = chain.project(1, by=1, runs=400).set_index("group")["mean"]
    actual = metrics.children_at_31_march(ctx.data.tables, ctx.year)["placement_group"].value_counts()
    actual["Total"] = actual.sum()
    frame = pd.DataFrame({"projected": projected, "actual": actual.reindex(projected.index).fillna(0)})
    frame["ape"] = (frame["projected"] - frame["actual"]).abs() / frame["actual"].replace(0, np.nan) * 100
    total = frame.loc["Total"]
    return Block("stock_flow_backtest", [
        f"Fitted on the years to {ctx.year - 1}, the stock-and-flow model projected {total['projected']:,.0f} children "
        f"for 31 March {ctx.year}; the return has {total['actual']:,.0f} ({total['ape']:.1f}% off)."])


def scenarios_block(ctx: Context, chain: forecast.StockFlow, costs: pd.DataFrame | None) -> tuple[Block, pd.DataFrame]:
    weekly = provision.latest_costs(costs, ctx.year).set_index("placement_group")["weekly_cost"] \
        if costs is not None else pd.Series(dtype=float)
    rows = []
    for name, change in SCENARIOS.items():
        projected = chain.scenario(**change).project(HORIZON, by=1)   # same seed: common random numbers
        final = projected.loc[projected["time_period"].eq(ctx.year + HORIZON)].set_index("group")["mean"]
        cost = (final.drop("Total") * weekly.reindex(final.drop("Total").index)).sum() * provision.WEEKS_PER_YEAR
        rows.append({"scenario": name, "children": final["Total"], "ifa": final.get("IFA foster care", 0.0),
                     "in_house": final.get("In-house foster care", 0.0),
                     "priced_cost": cost if len(weekly) else np.nan})
    frame = pd.DataFrame(rows)
    base = frame.iloc[0]
    sentences = [narrative.describe_scenario(row, base, ctx.year + HORIZON) for row in frame.iloc[1:].to_dict("records")]
    if not len(weekly):
        sentences.append("No weekly costs are in the local data, so the scenarios are not costed.")
    shown = frame.assign(children=frame["children"].round(0), ifa=frame["ifa"].round(0),
                         in_house=frame["in_house"].round(0),
                         priced_cost=frame["priced_cost"].map(narrative.money))
    table = Table(shown.rename(columns={"scenario": "Scenario", "children": f"Children, {ctx.year + HORIZON}",
                                        "ifa": "IFA foster care", "in_house": "In-house foster care",
                                        "priced_cost": "Cost a year of the groups with a weekly cost"}),
                  caption=f"Scenarios against the baseline, 31 March {ctx.year + HORIZON}, {ctx.name}",
                  source=ctx.source + ("; the authority's local data (weekly_costs)" if len(weekly) else ""))
    data = tidy.la_frame(ctx.authority, [ctx.year + HORIZON]).merge(
        frame.assign(time_period=ctx.year + HORIZON).round(0), on="time_period")
    meta = tidy.meta_frame({"children": ("Children looked after", "", 0), "ifa": ("IFA foster care", "", 0),
                            "in_house": ("In-house foster care", "", 0),
                            "priced_cost": ("Cost a year of groups with a weekly cost (£)", "£", 0)},
                           {"scenario": "Scenario"})
    return Block("scenarios", sentences, table, None, data, meta), frame


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
    series = history(ctx)
    headline, accuracy, predicted = aggregate_block(ctx, series)
    chain = model(ctx)
    groups, projected = groups_block(ctx, chain)
    costs = provision.unit_costs(local.get("weekly_costs")) if local.get("weekly_costs") is not None else None
    scenarios, _ = scenarios_block(ctx, chain, costs)
    gap, gap_frame = gap_block(ctx, projected, local.get("capacity"))
    return Chapter(ctx, "forecast", {"headline": headline, "accuracy": accuracy, "groups": groups,
                                     "backtest": backtest_block(ctx), "scenarios": scenarios, "gap": gap},
                   areas=[findings.FORECAST, findings.GAP],
                   found=findings.forecast_rules(ctx, series, predicted, gap_frame))
