"""Chapter 6, forecast and sufficiency gap: one forecast per series (the number in care, its
rate per 10,000 and each placement type) for the statement's three years with its interval
and how far off such forecasts have typically been; the authority's own track record; with
the child-level return, the statement's placement groups (adding up to the forecast total),
scenarios and their cost; demand against capacity; and, in the annex, every method tried.

Everything shown is computed once in :mod:`sufficiency_lib.analysis.demand`. The body
says what the forecasts mean in words; the names of the methods are in the annex only."""
from __future__ import annotations

import pandas as pd

from sufficiency_lib.analysis import disclosure
from sufficiency_lib.analysis.demand import CLA, RATE, SNAPSHOT_YEARS, Outlook, hidden_projections, weekly_costs
from sufficiency_lib.analysis.facts import Facts
from sufficiency_lib.statement import charts, narrative, stories
from sufficiency_lib.statement import tables as t
from sufficiency_lib.statement.blocks import Block, message
from sufficiency_lib.statement.chapter import Chapter
from sufficiency_lib.statement.chapters.gap import gap_block
from sufficiency_lib.vocabulary import TOTAL, Area, PlacementGroup
from sufficiency_lib.wording import half_up, in_sentence

SUPPRESSED = disclosure.SUPPRESSED
INTERVAL_COLUMNS = [t.year(label="Year (31 March)"), t.count("mean", "Forecast"),
                    t.count("lower_80", "Likely range (80%): from"), t.count("upper_80", "to"),
                    t.count("lower_95", "Wider range (95%): from"), t.count("upper_95", "to ")]
SERIES_COLUMNS = [t.Column("time_period", "Year of the forecast", t.TIME, show=False), t.text("series", "Figure"),
                  t.number("latest", "Latest figure"), t.number("mean", "Forecast"),
                  t.number("lower_80", "Likely range (80%): from"), t.number("upper_80", "to"),
                  t.percent("typical_ape", "Typical error of such forecasts across authorities"),
                  t.count("backtest_forecasts", "Past forecasts tested")]
TRACK_COLUMNS = [t.year(label="Year forecast (31 March)"), t.text("series", "Figure"),
                 t.number("forecast", "Forecast a year before"), t.number("lower_80", "Likely range: from"),
                 t.number("upper_80", "to"), t.number("actual", "What happened"),
                 t.percent("ape", "How far off"), t.text("inside", "Inside the likely range")]
METHOD_COLUMNS = [t.text("kind", "Kind of figure"), t.text("label", "Method"), t.text("horizon", "Years ahead"),
                  t.percent("median_ape", "Median error"), t.number("vs_naive", "Error against no change", 2),
                  t.number("coverage_80", "80% interval held the outcome", 2),
                  t.number("coverage_95", "95% interval held the outcome", 2),
                  t.count("authorities", "Authorities"), t.count("origins", "Years forecast from"),
                  t.count("forecasts", "Forecasts scored"), t.text("chosen", "Used on the page")]
PROJECTION_COLUMNS = [t.year(), t.text("group", "Placement group"), t.count("mean", "Projected"),
                      t.count("lower_80", "80% lower"), t.count("upper_80", "80% upper"),
                      t.count("lower_95", "95% lower"), t.count("upper_95", "95% upper")]
SCENARIO_COLUMNS = [t.year(), t.text("scenario", "Scenario"), t.count("children", "Children looked after"),
                    t.count("ifa", "IFA foster care"), t.count("in_house", "In-house foster care"),
                    t.pounds("priced_cost", "Cost a year of groups with a weekly cost")]


def _range(row) -> str:
    return (f"{half_up(row['mean']):,.0f} (likely between {half_up(row['lower_80']):,.0f} and "
            f"{half_up(row['upper_80']):,.0f})")


def _typical(row) -> str:
    """How far off forecasts like this one have been, in words."""
    if pd.isna(row["typical_ape"]):
        return "forecasts this far ahead have not yet been tested against what happened"
    return (f"across every English authority, forecasts made this way {int(row['horizon'])} "
            f"year{'s' if row['horizon'] != 1 else ''} ahead have typically (half of them) been within "
            f"{half_up(row['typical_ape']):.0f}% of what happened")


def headline_block(facts: Facts, outlook: Outlook) -> Block:
    """The number in care: its forecast with the likely range, in words, chart and table."""
    rows = outlook.forecasts.loc[outlook.forecasts["series"].eq(CLA)].sort_values("time_period")
    history = outlook.history.get(CLA)
    if rows.empty or history is None or history.empty:
        return message("cla_forecast", "No forecast of the number in care can be made: its latest figure is not "
                                       "published.")
    last = rows.iloc[-1]
    sentence = (f"If the patterns of recent years hold, {_range(last)} children will be looked after at 31 March "
                f"{int(last['time_period'])}, against {half_up(history.iloc[-1]):,.0f} at 31 March "
                f"{history.index[-1]}; {_typical(last)}.")          # tested as far ahead as it looks
    predicted = rows.set_index("time_period")[["mean", "lower_80", "upper_80", "lower_95", "upper_95"]]
    chart = charts.forecast_chart(history, predicted, title=f"Children looked after at 31 March, {facts.name}: "
                                                            "history and forecast",
                                  y_label="Number of children", source=facts.source,
                                  alt=f"Line chart of the number of children looked after from {history.index[0]} to "
                                      f"{history.index[-1]}, and the forecast to {predicted.index[-1]} with its likely "
                                      f"(80%) and wider (95%) ranges shaded. {sentence}")
    table = t.Table("cla_forecast", f"Forecast of children looked after at 31 March, {facts.name}", facts.source,
                    INTERVAL_COLUMNS, predicted.map(half_up).reset_index())
    return Block("cla_forecast", [sentence], table, chart)


def series_block(facts: Facts, outlook: Outlook) -> Block:
    """Every series' forecast for the last year of the horizon, beside its latest figure."""
    final = outlook.forecasts.loc[outlook.forecasts["time_period"].eq(outlook.end)].copy()
    final["latest"] = [outlook.history[s].iloc[-1] if s in outlook.history and len(outlook.history[s])
                       else float("nan") for s in final["series"]]
    counts = final["series"].ne(RATE)
    small = counts & disclosure.small_mask(final["mean"].to_numpy(), facts.threshold).to_numpy()
    whole = {c: final[c].map(half_up) for c in ("latest", "mean", "lower_80", "upper_80")}
    shown = final.assign(**whole).astype(object)
    for column in ("mean", "lower_80", "upper_80"):
        shown[column] = shown[column].where(~small, SUPPRESSED)
    shown["backtest_forecasts"] = shown["backtest_forecasts"].where(shown["backtest_forecasts"].ne(0), "none yet")
    rising = final.loc[counts & ~small & (final["mean"] > final["latest"] * 1.1), "series"]
    falling = final.loc[counts & ~small & (final["mean"] < final["latest"] * 0.9), "series"]
    sentences = [f"Each figure below is forecast to 31 March {outlook.end} by the method that has been most accurate "
                 "for figures of its kind across every English authority, with the range the outcome has usually "
                 "fallen in."]
    if outlook.chain is not None and (~final["series"].isin([CLA, RATE])).any():
        sentences.append("These are DfE's published figures, each forecast on its own from every authority's "
                         "history. The placement groups further down are the council's own, projected child by child "
                         "from its return so that they add up to the number in care: where a type appears in both, "
                         "the two need not agree (DfE's types and the statement's groups are not drawn alike).")
    if len(rising):
        sentences.append("Expected to grow by more than a tenth: " + "; ".join(in_sentence(s) for s in rising) + ".")
    if len(falling):
        sentences.append("Expected to fall by more than a tenth: " + "; ".join(in_sentence(s) for s in falling) + ".")
    table = t.Table("series_forecasts", f"Forecasts for 31 March {outlook.end}, {facts.name}",
                    facts.benchmark_source, SERIES_COLUMNS, shown.assign(time_period=outlook.end))
    return Block("series_forecasts", sentences, table)


def track_block(facts: Facts, outlook: Outlook) -> Block:
    """The authority's own past forecasts, a year ahead, against what happened."""
    track = outlook.track.loc[outlook.track["horizon"].eq(1) & outlook.track["series"].eq(CLA)
                              & outlook.track["fitted"].astype(bool)]
    if track.empty:
        return message("forecast_track_record", "There are not yet enough years to show how past forecasts for "
                                                 f"{facts.name} compared with what happened.")
    inside = track["covered_80"].astype(bool)
    sentence = (f"For {facts.name} itself, forecasts of the number in care made a year ahead in the same way were off "
                f"by {half_up(track['ape'].mean()):.0f}% on average over the last {len(track)} years, and what "
                f"happened fell inside the likely range in {int(inside.sum())} of those {len(track)} years.")
    frame = track.assign(inside=inside.map({True: "yes", False: "no"}))
    table = t.Table("forecast_track_record", f"How past forecasts of the number in care compared with what "
                                             f"happened, {facts.name}", facts.benchmark_source, TRACK_COLUMNS,
                    frame.assign(**{c: frame[c].map(half_up) for c in ("forecast", "lower_80", "upper_80")}))
    long = pd.concat([frame.assign(series="Forecast a year before", value=frame["forecast"]),
                      frame.assign(series="What happened", value=frame["actual"])])
    chart = charts.line_chart(long[["time_period", "series", "value"]].astype({"value": float}), x="time_period",
                              y="value", hue="series", title=f"Past forecasts against what happened, {facts.name}",
                              y_label="Children looked after", source=facts.benchmark_source,
                              alt=f"Line chart of each year's forecast of the number in care made a year before, "
                                  f"beside the number that year. {sentence}")
    return Block("forecast_track_record", [sentence], table, chart)


def methods_block(facts: Facts, outlook: Outlook) -> Block | None:
    """Every method tried on every authority's published series (the annex)."""
    table = outlook.methods
    if table.empty:
        return None
    frame = table.assign(kind=table["kind"].map({"number": "number in care", "rate": "rate per 10,000",
                                                 "placement": "placement type"}).fillna(table["kind"]),
                         chosen=table["chosen"].map({True: "yes", False: ""}))
    sentence = narrative.describe_methods(table)
    return Block("forecast_methods", [sentence], t.Table(
        "forecast_methods", "Every forecasting method tried on every English authority's published figures",
        facts.benchmark_source, METHOD_COLUMNS, frame))


def groups_block(facts: Facts, outlook: Outlook) -> Block | None:
    """The statement's placement groups from the return's stock-and-flow model, adding up to
    the forecast of the number in care; small projections suppressed."""
    if outlook.chain is None:
        return message("placement_group_projection", outlook.without_model or (
            "The placement groups of this statement (in-house and agency foster care, for instance) need the "
            "child-level return."))
    projected = outlook.projected
    last = projected.loc[projected["time_period"].eq(outlook.end)].set_index("group")
    sentence = (f"Followed child by child through {outlook.chain.pairs} years of the return, the placements add up to "
                f"the forecast of {half_up(last.loc[TOTAL, 'mean']):,.0f} children at 31 March {outlook.end} in this "
                "mix.")
    # Projected means are model output, not counts, but a small one still points at a few children;
    # each year's groups add up to its total, so one small group takes another with it.
    small = hidden_projections(projected, facts.threshold)
    shown = projected.map(half_up).astype(object)
    for column in [c for c in projected.columns if c.startswith(("mean", "lower", "upper"))]:
        shown[column] = shown[column].where(~small, SUPPRESSED)
    table = t.Table("placement_group_projection", f"Projected children looked after by placement group, {facts.name}",
                    facts.source, PROJECTION_COLUMNS, shown)
    note = ("Ranges are those of many simulated futures, each with its own rates drawn from what the return shows, "
            f"scaled so that every future's total follows the forecast of the number in care; they assume the "
            f"future works as the last {SNAPSHOT_YEARS} years did.")
    return Block("placement_group_projection", [sentence], table, None, [note])


def check_block(facts: Facts, outlook: Outlook) -> Block | None:
    """The stock-and-flow model fitted to the year before, against the page's year (the annex)."""
    check = outlook.check
    if check is None:
        return None
    actual = check["actual"]
    held = "held" if check["lower_80"] <= actual <= check["upper_80"] else "did not hold"
    return message("stock_flow_backtest", (
        f"Fitted on the years to {facts.year - 1}, the stock-and-flow model projected {half_up(check['mean']):,.0f} "
        f"children for 31 March {facts.year} (80% interval {half_up(check['lower_80']):,.0f} to "
        f"{half_up(check['upper_80']):,.0f}); the return has {actual:,} "
        f"({half_up(abs(check['mean'] - actual) / actual * 100):.0f}% off; the interval {held} it)."))


def scenarios_block(facts: Facts, outlook: Outlook) -> Block | None:
    """Each scenario of the params against the baseline: children, the foster mix and the
    projected cost a year of the groups with a weekly cost, for every year of the horizon."""
    frame = outlook.scenarios
    if frame.empty:
        need = "at least two years of it; the return given covers one" if outlook.without_model else "the return"
        return message("scenarios", "Scenarios change what the child-level return shows (who enters care, how long "
                                    f"children stay, who cares for them), so they need {need}.")
    final = frame.loc[frame["time_period"].eq(outlook.end)].reset_index(drop=True)
    base = final.iloc[0]
    sentences = [narrative.describe_scenario(row, base, outlook.end) for row in final.iloc[1:].to_dict("records")]
    if not outlook.priced:
        sentences.append("No weekly costs are in the local data, so the scenarios are not costed.")
    recorded = weekly_costs(facts, "financial_year").reindex([PlacementGroup.IN_HOUSE, PlacementGroup.IFA]).dropna()
    if outlook.priced and recorded.nunique() == 2:      # a move between the two, priced in different years
        sentences.append(f"A move between in-house and IFA foster care is priced at weekly costs recorded in "
                         f"different years (in-house foster care {recorded.iloc[0]}, IFA foster care "
                         f"{recorded.iloc[1]}), so what it saves is not at today's prices.")
    table = t.Table("scenarios", f"Scenarios against the baseline, {facts.name}: children at 31 March, and the "
                                 "cost a year of the placement groups with a weekly cost",
                    facts.source + ("; the authority's local data (weekly costs)" if outlook.priced else ""),
                    SCENARIO_COLUMNS, frame.map(half_up))
    notes = ["The baseline is the forecast of the number in care above; each scenario keeps, in proportion, the "
             "difference the child-by-child model makes to it."]
    notes += ["Costs are the projected children in each group with a weekly cost times that group's newest weekly "
              f"cost recorded up to {facts.year}, over a year, at the prices of the year each cost was recorded; "
              "no inflation is assumed."] if outlook.priced else []
    return Block("scenarios", sentences, table, None, notes)


def build(facts: Facts, found: list, outlook: Outlook | None = None) -> Chapter:
    if outlook is None:
        return Chapter(facts, "forecast", {"headline": message("cla_forecast", "No forecast can be made without "
                                                               "the published statistics.")}, found,
                       areas=[Area.FORECAST, Area.GAP])
    return Chapter(facts, "forecast", {
        "story": stories.forecast(facts, outlook), "headline": headline_block(facts, outlook),
        "series": series_block(facts, outlook), "track": track_block(facts, outlook),
        "groups": groups_block(facts, outlook), "scenarios": scenarios_block(facts, outlook),
        "gap": gap_block(facts, outlook), "methods": methods_block(facts, outlook),
        "backtest": check_block(facts, outlook)}, found, areas=[Area.FORECAST, Area.GAP])

