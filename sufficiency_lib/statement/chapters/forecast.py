"""Chapter 6, forecast and sufficiency gap: the number in care, its rate per 10,000 and each
placement group projected for the statement's three years with intervals (series models
and the stock-and-flow model), scenarios, projected cost, demand against capacity, and how
accurate each method has been, on this authority's series and on every authority's.

Everything shown is computed once in :mod:`sufficiency_lib.analysis.demand`."""
from __future__ import annotations

import numpy as np
import pandas as pd

from sufficiency_lib.analysis import disclosure, forecast
from sufficiency_lib.analysis.demand import CLA, RATE, SNAPSHOT_YEARS, Outlook
from sufficiency_lib.analysis.facts import Facts
from sufficiency_lib.statement import charts, narrative, stories
from sufficiency_lib.statement import tables as t
from sufficiency_lib.statement.blocks import Block, message
from sufficiency_lib.statement.chapter import Chapter
from sufficiency_lib.vocabulary import TOTAL, Area, PlacementGroup

SUPPRESSED = disclosure.SUPPRESSED
INTERVAL_COLUMNS = [t.number("mean", "Forecast", 1), t.number("lower_80", "80% lower", 1),
                    t.number("upper_80", "80% upper", 1), t.number("lower_95", "95% lower", 1),
                    t.number("upper_95", "95% upper", 1)]
SCORE_COLUMNS = [t.text("method", "Method"), t.text("horizon", "Years ahead"),
                 t.count("forecasts", "Forecasts scored"), t.percent("mape", "Average error (MAPE)", 1),
                 t.number("coverage_80", "80% interval coverage", 2),
                 t.number("coverage_95", "95% interval coverage", 2)]
NATIONAL_COLUMNS = [t.text("method", "Method"), t.text("horizon", "Years ahead"),
                    t.count("authorities", "Authorities"), t.percent("median_mape", "Median of authorities' MAPE", 2),
                    t.count("forecasts", "Forecasts scored"), t.number("coverage_80", "80% interval coverage", 2),
                    t.number("coverage_95", "95% interval coverage", 2),
                    t.number("vs_naive", "Median MAPE over naive's", 2)]
PROJECTION_COLUMNS = [t.year(), t.text("group", "Placement group"), t.count("mean", "Projected"),
                      t.count("lower_80", "80% lower"), t.count("upper_80", "80% upper"),
                      t.count("lower_95", "95% lower"), t.count("upper_95", "95% upper")]
SCENARIO_COLUMNS = [t.year(), t.text("scenario", "Scenario"), t.count("children", "Children looked after"),
                    t.count("ifa", "IFA foster care"), t.count("in_house", "In-house foster care"),
                    t.pounds("priced_cost", "Cost a year of groups with a weekly cost")]


def _interval_text(row) -> str:
    return f"{row['mean']:,.0f} (80% interval {row['lower_80']:,.0f} to {row['upper_80']:,.0f})"


def aggregate_block(facts: Facts, outlook: Outlook) -> tuple[Block, Block]:
    """The number in care: the chosen method's forecast, and the backtest that chose it."""
    series = outlook.series[CLA]
    mine = outlook.forecasts.loc[outlook.forecasts["series"].eq(CLA)]
    method = mine["method"].iloc[0]
    predicted = mine.set_index("time_period")[["mean", "lower_80", "upper_80", "lower_95", "upper_95"]]
    sentence = (f"Projected with the {method} method (the lowest one-year-ahead error in the backtest below), "
                f"the number of children looked after at 31 March {predicted.index[-1]} is "
                f"{_interval_text(predicted.iloc[-1])}, against {series.iloc[-1]:,.0f} in {series.index[-1]}.")
    chart = charts.forecast_chart(series, predicted, title=f"Children looked after at 31 March, {facts.name}: "
                                                           f"history and forecast",
                                  y_label="Number of children", source=facts.source,
                                  alt=f"Line chart of the number of children looked after from {series.index[0]} "
                                      f"to {series.index[-1]} and the {method} forecast to {predicted.index[-1]} "
                                      f"with 80% and 95% intervals. {sentence}")
    frame = predicted.round(1).reset_index().assign(method=method)
    table = t.Table("cla_forecast", f"Forecast of children looked after at 31 March ({method}), {facts.name}",
                    facts.source, [t.year(label="Year (31 March)"), *INTERVAL_COLUMNS,
                                   t.Column("method", "Method", t.FILTER, show=False)], frame)
    scores = outlook.scores.loc[outlook.scores["series"].eq(CLA)].drop(columns="series")
    accuracy = Block("forecast_accuracy", [narrative.describe_accuracy(scores, method)],
                     t.Table("forecast_accuracy", f"Backtest of each method on {facts.name}'s own series (rolling "
                                                  f"origin, fitted on {forecast.MIN_TRAIN}+ years)", facts.source,
                             SCORE_COLUMNS, scores))
    return Block("cla_forecast", [sentence], table, chart), accuracy


def series_forecasts_block(facts: Facts, outlook: Outlook) -> Block:
    """Every series' forecast for the last year of the horizon, beside its last figure (as
    the page shows it, suppressed), the stock-and-flow projection (placement groups) and
    the backtest behind its method."""
    end = outlook.end
    final = outlook.forecasts.loc[outlook.forecasts["time_period"].eq(end)].set_index("series")
    one = outlook.scores.loc[outlook.scores["horizon"].eq(1)].set_index(["series", "method"])["mape"]
    stock_flow = outlook.projected.loc[outlook.projected["time_period"].eq(end)].set_index("group")["mean"]
    rows = []
    for name, values in outlook.series.items():
        row, counts = final.loc[name], name != RATE
        rows.append({"series": name, "method": row["method"], "latest": values.iloc[-1], "mean": row["mean"],
                     "lower_80": row["lower_80"], "upper_80": row["upper_80"],
                     "stock_flow": stock_flow.get(name if name != CLA else TOTAL, np.nan) if counts else np.nan,
                     "mape": one.get((name, row["method"]), np.nan), "naive_mape": one.get((name, "naive"), np.nan)})
    frame = pd.DataFrame(rows)
    shown = frame.round({"latest": 0, "mean": 0, "lower_80": 0, "upper_80": 0, "stock_flow": 0}).astype(object)
    shown["latest"] = shown["latest"].where(frame["series"].eq(RATE), frame["series"].map(outlook.latest))
    small = frame["series"].ne(RATE) & disclosure.small_mask(frame["mean"].to_numpy(), facts.threshold).to_numpy()
    for column in ("mean", "lower_80", "upper_80", "stock_flow"):
        shown[column] = shown[column].where(~small, SUPPRESSED)
    rising = frame.loc[frame["series"].ne(RATE) & ~small & (frame["mean"] > frame["latest"] * 1.1), "series"]
    sentences = [f"Each series below is forecast with the method that had the lowest one-year-ahead error on it "
                 f"(naive when the series is too short to backtest); figures are for 31 March {end}."]
    if len(rising):
        sentences.append("Projected to grow by more than a tenth: " + "; ".join(rising.str.lower()) + ".")
    columns = [t.Column("time_period", "Year of the forecast", t.TIME, show=False),
               t.text("series", "Series"), t.text("method", "Method"),
               t.count("latest", f"Figure at 31 March {facts.year}"), t.count("mean", f"Forecast {end}"),
               t.count("lower_80", "80% interval, lower"), t.count("upper_80", "80% interval, upper"),
               t.count("stock_flow", f"Stock-and-flow projection {end}"),
               t.Column("mape", "Backtest error, method (%)", t.INDICATOR, "", 1, show=True),
               t.Column("naive_mape", "Backtest error, naive (%)", t.INDICATOR, "", 1, show=True)]
    table = t.Table("series_forecasts", f"Forecasts of numbers in care, the rate and placement groups, {facts.name}",
                    f"{facts.source}; rate: {facts.benchmark_source}", columns,
                    shown.assign(time_period=end))
    return Block("series_forecasts", sentences, table)


def national_block(facts: Facts, outlook: Outlook) -> Block | None:
    """Each method's median error across every authority's published series."""
    summary = outlook.national
    if summary.empty:
        return None
    what = "published series"
    table = t.Table("national_accuracy", f"Backtest of each method on every authority's {what} of children "
                                         f"looked after at 31 March", facts.benchmark_source, NATIONAL_COLUMNS,
                    summary.assign(method=summary["method"].map(forecast.METHOD_LABELS)))
    return Block("national_accuracy", [narrative.describe_national_accuracy(summary, what)], table)


def groups_block(facts: Facts, outlook: Outlook) -> Block:
    """The stock-and-flow projection by placement group, small projections suppressed."""
    projected, chain = outlook.projected, outlook.chain
    last = projected.loc[projected["time_period"].eq(outlook.end)].set_index("group")
    sentence = (f"The stock-and-flow model, learnt from {chain.pairs} pairs of years of the return, projects "
                f"{_interval_text(last.loc[TOTAL])} children looked after at 31 March {outlook.end}.")
    # Projected means are model output, not counts, but a small one still points at a few children.
    small = disclosure.small_mask(projected["mean"].to_numpy(), facts.threshold).to_numpy()
    shown = projected.round(0).astype(object)
    for column in [c for c in projected.columns if c.startswith(("mean", "lower", "upper"))]:
        shown[column] = shown[column].where(~small, SUPPRESSED)
    table = t.Table("placement_group_projection", f"Projected children looked after by placement group, {facts.name}",
                    facts.source, PROJECTION_COLUMNS, shown)
    note = (f"Intervals are the 10th-90th and 2.5th-97.5th percentiles of {forecast.SIMULATIONS} simulated futures. "
            "Each future first draws its own rates from what the return shows (the moves between states counted, "
            "and the entrants each year, including how much that number varied), so the intervals carry the "
            "uncertainty of the rates as well as chance; they assume the future works as the last "
            f"{SNAPSHOT_YEARS} years did.")
    return Block("placement_group_projection", [sentence], table, None, [note])


def check_block(facts: Facts, outlook: Outlook) -> Block | None:
    """The stock-and-flow model fitted to the year before, against the page's year."""
    check = outlook.check
    if check is None:
        return None
    actual = check["actual"]
    held = "held" if check["lower_80"] <= actual <= check["upper_80"] else "did not hold"
    return message("stock_flow_backtest", (
        f"Fitted on the years to {facts.year - 1}, the stock-and-flow model projected {check['mean']:,.0f} children "
        f"for 31 March {facts.year} (80% interval {check['lower_80']:,.0f} to {check['upper_80']:,.0f}); the return "
        f"has {actual:,} ({abs(check['mean'] - actual) / actual * 100:.1f}% off; the interval {held} it)."))


def scenarios_block(facts: Facts, outlook: Outlook) -> Block:
    """Each scenario of the params against the baseline: children, the foster mix and the
    projected cost a year of the groups with a weekly cost, for every year of the horizon."""
    frame, end = outlook.scenarios, outlook.end
    final = frame.loc[frame["time_period"].eq(end)].reset_index(drop=True)
    base = final.iloc[0]
    sentences = [narrative.describe_scenario(row, base, end) for row in final.iloc[1:].to_dict("records")]
    if not outlook.priced:
        sentences.append("No weekly costs are in the local data, so the scenarios are not costed.")
    table = t.Table("scenarios", f"Scenarios against the baseline, {facts.name}: children at 31 March, and the "
                                 f"cost a year of the placement groups with a weekly cost",
                    facts.source + ("; the authority's local data (weekly costs)" if outlook.priced else ""),
                    SCENARIO_COLUMNS, frame.round(0))
    notes = ["Costs are the projected children in each group with a weekly cost times that group's newest weekly "
             f"cost recorded up to {facts.year}, over a year, at the prices of the year each cost was recorded; "
             "no inflation is assumed."] if outlook.priced else []
    return Block("scenarios", sentences, table, None, notes)


GAP_TABLE_COLUMNS = [
    t.year(), t.text("placement_group", "Placement group"), t.number("demand", "Projected children", 1),
    t.number("demand_lower_80", "80% lower", 1), t.number("demand_upper_80", "80% upper", 1),
    t.count("capacity", "Places (capacity)"), t.number("capacity_year", "Year of the places figure", show=False),
    t.count("local_authority_places", "Places: local authority homes"),
    t.count("private_places", "Places: private homes"), t.count("voluntary_places", "Places: voluntary homes"),
    t.count("health_authority_places", "Places: health authority homes"),
    t.percent("share_met", "Share of demand the places could meet"),
    t.number("beyond_capacity", "Children beyond the places (placed out of area or with other providers)", 1),
    t.number("gap", "Places less projected children", 1),
    t.Column("basis", "What the places count", t.FILTER, show=False)]
GAP_HIDDEN_ON_PAGE = ("local_authority_places", "private_places", "voluntary_places", "health_authority_places")


def _gap_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The gap as the table holds it: a projection the page suppresses is ``c`` with what would
    state it; a group with no capacity figure has its places and gap empty."""
    out = frame.rename(columns={f"{s}|places": f"{s.lower().replace(' ', '_')}_places"
                                for s in ("Local authority", "Private", "Voluntary", "Health authority")})
    out = out.astype(object).where(out.notna(), "")
    hidden = frame["suppressed"].astype(bool).to_numpy()
    for column in ("demand", "demand_lower_80", "demand_upper_80"):
        out.loc[hidden, column] = SUPPRESSED
    for column in ("share_met", "beyond_capacity", "gap"):     # suppressed where a number would be
        out.loc[hidden & frame["capacity"].notna().to_numpy(), column] = SUPPRESSED
    for column in ("demand", "demand_lower_80", "demand_upper_80", "beyond_capacity", "gap"):
        out[column] = [round(v, 1) if isinstance(v, float) else v for v in out[column]]
    return out


def _gap_chart(facts: Facts, frame: pd.DataFrame, sentence: str):
    """Projected children (mean) and places, each placement group with a capacity figure."""
    shown = frame.loc[frame["capacity"].notna() & ~frame["suppressed"].astype(bool)]
    if shown.empty:
        return None
    long = pd.concat([shown.assign(series=shown["placement_group"] + ": projected children", value=shown["demand"]),
                      shown.assign(series=shown["placement_group"] + ": places", value=shown["capacity"])])
    cited = "; ".join(sorted({s for s in shown["capacity_source"] if s}))
    return charts.line_chart(long[["time_period", "series", "value"]].astype({"value": float}), x="time_period",
                             y="value", hue="series", title=f"Projected children against places, {facts.name}",
                             y_label="Children or places", source=f"Projected children: {facts.source}; places: {cited}",
                             alt=f"Line chart of the projected children and the places known, each year of the "
                                 f"forecast, for the placement groups with a capacity figure in {facts.name}. "
                                 f"{sentence}")


def gap_block(facts: Facts, outlook: Outlook) -> Block:
    """Projected demand (with its interval) against the places in the area, each placement
    group and year of the horizon: the share the places could meet, the children beyond
    them and the gap (places less demand); "no public capacity figure" where none exists."""
    frame = outlook.gap
    if frame.empty:
        return message("sufficiency_gap", "No placement group is projected, so demand cannot be set against supply.")
    known = frame.loc[frame["capacity"].notna() & ~frame["suppressed"].astype(bool)]
    end = known.loc[known["time_period"].eq(outlook.end)]
    sentences = []
    if len(end):
        sentences.append(f"By 31 March {outlook.end}: " + "; ".join(
            f"{r.placement_group}, {r.demand:,.0f} children projected (80% interval {r.demand_lower_80:,.0f} to "
            f"{r.demand_upper_80:,.0f}) against {r.capacity:,.0f} places ({int(r.capacity_year)}), "
            + (f"short by {-r.gap:,.0f}" if r.gap < -0.5 else f"enough for {r.share_met:.0f}% of it")
            for r in end.itertuples()) + ".")
    short = known.loc[known["gap"] < -0.5]
    sentences.append("Projected demand is within the places known in every placement group with a capacity figure."
                     if short.empty else "Projected demand exceeds the places known, by the children who would be "
                     "placed out of area or with other providers, in: " + "; ".join(
                         f"{group}, by " + ", ".join(f"{-r.gap:,.0f} in {r.time_period}" for r in rows.itertuples())
                         for group, rows in short.groupby("placement_group", sort=False)) + ".")
    tight = end.loc[(end["gap"] >= -0.5) & (end["demand_upper_80"] > end["capacity"])]
    if len(tight):
        sentences.append("The upper end of the 80% interval is above the places for: " + "; ".join(
            f"{r.placement_group} ({r.demand_upper_80:,.0f} against {r.capacity:,.0f})" for r in tight.itertuples())
            + ", so a shortfall is within what the model thinks likely.")
    sentences.append(f"Places in the area are open to every authority's children: a private or voluntary home in "
                     f"{facts.name} is not reserved for {facts.name}'s, and other authorities place children there, "
                     "so the share of demand the places could meet is an upper bound.")
    none = [g for g in frame.loc[frame["capacity"].isna(), "placement_group"].drop_duplicates()]
    if none:
        why = [text for group, text in ((PlacementGroup.SUPPORTED, "Ofsted's register of supported accommodation "
                                         "began in 2024 and is not in the published figures read"),
                                        (PlacementGroup.IFA, "independent fostering agencies' places are not "
                                         "published by area")) if group in none]
        sentences.append("No public capacity figure for: " + "; ".join(none) + (f" ({'; '.join(why)})" if why else "")
                         + ". Nothing is put in its place.")
    notes = [f"{g}: {b}." for g, b in frame.loc[frame["capacity"].notna(), ["placement_group", "basis"]]
             .drop_duplicates("placement_group").itertuples(index=False)]
    notes.append("Gap = places less projected children (negative: short). Children beyond the places = projected "
                 "children less places, where more. Projections a page must not state (1 to "
                 f"{facts.threshold - 1} children) are shown as {SUPPRESSED}.")
    cited = sorted({s for s in frame["capacity_source"] if s})
    source = f"Projected children: {facts.source}" + (f"; places: {'; '.join(cited)}" if cited else "")
    columns = [c if c.name not in GAP_HIDDEN_ON_PAGE else t.Column(c.name, c.label, c.kind, c.unit, c.decimals,
                                                                      c.trim, show=False) for c in GAP_TABLE_COLUMNS]
    table = t.Table("sufficiency_gap", f"Projected demand against places, {facts.name}", source, columns,
                    _gap_frame(frame))
    return Block("sufficiency_gap", sentences, table, _gap_chart(facts, frame, sentences[0]), notes)


def build(facts: Facts, found: list, outlook: Outlook | None = None) -> Chapter:
    if outlook is None:
        return Chapter(facts, "forecast", {"headline": message("cla_forecast", "The forecast needs the child-level "
                                                               "return, which was not given.")}, found,
                       areas=[Area.FORECAST, Area.GAP])
    headline, accuracy = aggregate_block(facts, outlook)
    return Chapter(facts, "forecast", {
        "story": stories.forecast(facts, outlook), "headline": headline, "series": series_forecasts_block(facts, outlook), "accuracy": accuracy,
        "national": national_block(facts, outlook), "groups": groups_block(facts, outlook),
        "backtest": check_block(facts, outlook), "scenarios": scenarios_block(facts, outlook),
        "gap": gap_block(facts, outlook)}, found, areas=[Area.FORECAST, Area.GAP])
