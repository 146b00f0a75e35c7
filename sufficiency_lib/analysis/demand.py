"""Projected demand for placements, computed once per authority and year: the
:class:`Outlook` of the statement's three years.

From the facts (:mod:`sufficiency_lib.analysis.facts`) it forecasts the authority's
published series (the number in care, the rate per 10,000, each of DfE's placement types)
with the one method chosen for each kind of series and horizon on the national backtest
(:mod:`sufficiency_lib.analysis.chosen`), with intervals calibrated on that backtest's
errors, and the authority's own track record. With the child-level return it also projects
the statement's placement groups with the stock-and-flow model, reconciled so that they add
up to the forecast of the number in care in every simulated future (one answer per
series), and runs the params' scenarios with their cost. It sets projected demand against
capacity (the gap: the places in the area from public figures, and the local capacity
table's). The forecast chapter shows it and the findings rules read it; neither computes it
again.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sufficiency_lib.analysis import chosen, costs, disclosure, forecast, group_disclosure, market, metrics, panel
from sufficiency_lib.analysis.stockflow import TooFewYears
from sufficiency_lib.analysis.facts import Facts
from sufficiency_lib.inputs import CACHE_DIR
from sufficiency_lib.published import ofsted
from sufficiency_lib.published.figures import select
from sufficiency_lib.vocabulary import TOTAL, Group, Indicator, PlacementGroup, Unit

HORIZON = 3
SNAPSHOT_YEARS = 5           # the stock-and-flow model learns from the last five 31 March snapshots
BASELINE = "Baseline"
CLA = panel.CLA_SERIES
RATE = panel.RATE_SERIES
#: The published figure behind each named forecast series (placement types: by their label).
SERIES_KEYS = {CLA: (Indicator.CLA, Unit.NUMBER, TOTAL, TOTAL), RATE: (Indicator.CLA, Unit.RATE, TOTAL, TOTAL)}


@dataclass
class Outlook:
    """Forecasts, projections, scenarios and the gap of one authority and year."""

    year: int
    history: dict[str, pd.Series]      # each forecast series' figures to the page's year, by name
    forecasts: pd.DataFrame            # one row per series and year ahead (chosen.FORECAST_COLUMNS)
    track: pd.DataFrame                # the authority's past forecasts against what happened
    methods: pd.DataFrame              # every method tried on the national backtest (the annex)
    chain: forecast.StockFlow | None   # the stock-and-flow model fitted to the page's year (a return)
    projected: pd.DataFrame            # placement groups, reconciled with the total's forecast
    latest: pd.Series                  # the page year's counts by group as the page shows them
    scenarios: pd.DataFrame            # time_period, scenario, children, ifa, in_house, priced_cost
    priced: bool                       # whether weekly costs priced the scenarios
    gap: pd.DataFrame                  # demand (and interval) against capacity: GAP_COLUMNS
    check: dict | None                 # the stock-and-flow model fitted a year earlier, against the year
    without_model: str = ""            # why a return gave no stock-and-flow model (too few years), if so

    @property
    def end(self) -> int:
        return self.year + HORIZON


def return_history(facts: Facts) -> pd.Series:
    """Children looked after at 31 March, every year the return covers up to the page's."""
    first = int(facts.data.episodes["return_year"].min())
    series = metrics.cla_at_31_march_series(facts.data.episodes, range(first, facts.year + 1))
    return series.set_index("time_period")["children_count"].astype(float)


def snapshots(facts: Facts) -> dict[int, pd.DataFrame]:
    """The children at each 31 March the return covers, to the page's year (record level:
    they stay inside the library)."""
    first = int(facts.data.episodes["return_year"].min())
    return {y: metrics.children_at_31_march(facts.data.tables, y) for y in range(first, facts.year + 1)}


def published_history(facts: Facts, series: str) -> pd.Series:
    """A forecast series' published figures for the authority, to the page's year."""
    indicator, unit, group, breakdown = SERIES_KEYS.get(series, (Indicator.CLA, Unit.NUMBER, Group.PLACEMENT,
                                                                  series))
    rows = select(facts.published.figures, indicator, unit, group, breakdown)
    rows = rows.loc[rows["new_la_code"].eq(facts.code) & rows["time_period"].le(facts.year)]
    return rows.set_index("time_period")["value"].astype(float).dropna().sort_index()


def latest_shown(facts: Facts, snaps: dict[int, pd.DataFrame]) -> pd.Series:
    """The page year's children by placement group as the placements chapter shows them
    (primary and secondary suppression over every group and the total), so that the groups
    listed cannot be subtracted from the total to recover the small ones."""
    def by_group(snapshot: pd.DataFrame) -> pd.DataFrame:
        counts = snapshot["placement_group"].value_counts()
        return pd.DataFrame({"breakdown": [*counts.index, TOTAL], "latest": [*counts.to_numpy(), counts.sum()]})
    table = by_group(snaps[facts.year])
    members = [by_group(metrics.children_at_31_march(m.data.tables, facts.year)) for m in facts.members
               if m.data is not None]        # a group hides what its members' pages hide
    also = group_disclosure.hidden_by_members(table, members, ["latest"], total_row=TOTAL, labels="breakdown",
                                              threshold=facts.threshold) if members else None
    shown = disclosure.suppress_table(table, ["latest"], total_row=TOTAL, labels="breakdown",
                                      threshold=facts.threshold, also_hide=also)
    return shown.set_index("breakdown")["latest"].rename({TOTAL: CLA})


def fit_chain(snaps: dict[int, pd.DataFrame], upto: int) -> forecast.StockFlow:
    """The stock-and-flow model from the last :data:`SNAPSHOT_YEARS` snapshots to ``upto``."""
    return forecast.StockFlow.estimate({y: s for y, s in snaps.items() if upto - SNAPSHOT_YEARS < y <= upto})


def weekly_costs(facts: Facts, column: str = "weekly_cost") -> pd.Series:
    """The newest weekly cost of each placement group recorded up to the page's year (with
    ``column`` "financial_year": the year each was recorded)."""
    table = facts.local.get("weekly_costs")
    if table is None or table.empty:
        return pd.Series(dtype=float if column == "weekly_cost" else object)
    return costs.latest_costs(costs.unit_costs(table), facts.year).set_index("placement_group")[column]


def in_house_places(facts: Facts) -> float | None:
    """The newest in-house foster places known at the page's year: the local capacity table's,
    else the places approved with the authority's own carers published by Ofsted via LAIT (an
    upper bound of the places a child could use; see :func:`market.public_capacity`); None when
    neither."""
    found = _capacity_for(capacity(facts).loc[lambda c: c["placement_group"].eq(PlacementGroup.IN_HOUSE)], facts.year)
    return None if found is None else float(found["places"])


def run_scenarios(facts: Facts, chain: forecast.StockFlow, weekly: pd.Series) -> pd.DataFrame:
    """Each scenario of the params against the baseline, every year of the horizon: children,
    the foster mix and the cost a year of the groups with a weekly cost. Scenarios share
    the baseline's random numbers, so differences are the scenario's, not chance."""
    rows = []
    for name, change in {BASELINE: {}, **facts.authority.scenarios}.items():
        projected = chain.scenario(**change).project(HORIZON, by=1)
        for year, group in projected.groupby("time_period"):
            means = group.set_index("group")["mean"]
            groups = means.drop(TOTAL)
            cost = (groups * weekly.reindex(groups.index)).sum() * costs.WEEKS_PER_YEAR
            rows.append({"time_period": year, "scenario": name, "children": means[TOTAL],
                         "ifa": means.get(PlacementGroup.IFA, 0.0), "in_house": means.get(PlacementGroup.IN_HOUSE, 0.0),
                         "priced_cost": cost if len(weekly) else np.nan})
    return pd.DataFrame(rows)


def on_the_forecast(scenarios: pd.DataFrame, total: pd.DataFrame) -> pd.DataFrame:
    """The scenarios set against the forecast of the number in care: each year's figures of
    every scenario scaled by the forecast's mean over the model's own baseline, so the
    baseline is the forecast the page states and each scenario keeps its difference from it
    in proportion. Years the forecast lacks are left as the model made them."""
    if scenarios.empty or total.empty:
        return scenarios
    base = scenarios.loc[scenarios["scenario"].eq(BASELINE)].set_index("time_period")["children"]
    factor = (total.set_index("time_period")["mean"] / base).reindex(scenarios["time_period"]).fillna(1.0)
    factor = factor.where(np.isfinite(factor), 1.0).to_numpy()
    columns = ["children", "ifa", "in_house", "priced_cost"]
    return scenarios.assign(**{c: scenarios[c].to_numpy() * factor for c in columns})


GAP_COLUMNS = ["time_period", "placement_group", "demand", "demand_lower_80", "demand_upper_80", "capacity",
               "capacity_year", "capacity_local", *[f"{s}|places" for s in ofsted.SECTORS], "capacity_lower",
               "places_named", "basis", "capacity_source", "share_met", "beyond_capacity", "gap", "suppressed"]


def capacity(facts: Facts) -> pd.DataFrame:
    """Places the gap sets demand against: the public capacity in the area at the page's year
    (in-house foster places, children's home and secure places by sector) and the local
    capacity table's rows (see :func:`market.capacity`)."""
    figures = facts.published.figures if facts.published is not None else None
    return market.capacity(figures, facts.code, facts.year, facts.local.get("capacity"))


def _capacity_for(rows: pd.DataFrame, year: int) -> pd.Series | None:
    """The newest capacity of one placement group at or before ``year``: a local row wins over a
    public one (the local table's years only; before its first, the public figure stands)."""
    known = rows.loc[rows["year"].astype(int).le(year)]
    local = known.loc[known["local"].astype(bool)] if "local" in known else known.iloc[0:0]
    known = local if len(local) else known
    if known.empty:
        return None
    newest = known.loc[known["year"].astype(int).eq(int(known["year"].max()))]
    row = newest.iloc[-1].copy()
    row["places"] = float(pd.to_numeric(newest["places"]).sum())
    return row


def _named(found: pd.Series | None) -> str:
    """What a capacity row's places count, in a few words ("places approved")."""
    if found is None:
        return ""
    named = found.get("places_named")
    return named if isinstance(named, str) and named else "places"


def hidden_projections(projected: pd.DataFrame, threshold: int) -> np.ndarray:
    """Which rows of the projection to show as ``c``: each year's groups and their total
    suppressed as a breakdown (:func:`disclosure.suppression_mask`) on the whole children shown.
    Every table that states a projected group (the projection, the gap) hides the same rows, so
    one cannot give back what the other's secondary suppression hid."""
    hidden = np.zeros(len(projected), dtype=bool)
    for _, rows in projected.groupby("time_period", sort=False):
        whole = rows.assign(mean=[disclosure.whole_children(v) for v in rows["mean"]])
        if whole["group"].eq(TOTAL).sum() != 1:
            hidden[projected.index.get_indexer(rows.index)] = disclosure.small_mask(whole["mean"], threshold).to_numpy()
            continue
        mask = disclosure.suppression_mask(whole, ["mean"], total_row=TOTAL, labels="group", threshold=threshold)
        hidden[projected.index.get_indexer(rows.index)] = mask["mean"].to_numpy()
    return hidden


def demand_against_capacity(projected: pd.DataFrame, capacity: pd.DataFrame | None,
                            threshold: int | None = None) -> pd.DataFrame:
    """Projected children in each placement group (mean and 80% interval), every year of the
    horizon, against the places known for the group at or before that year.

    ``gap`` is capacity less demand (negative: demand exceeds capacity); ``capacity_lower`` the
    lower bound of the places a child could use where one is published (in-house foster care's
    places filled; the capacity is then the upper bound); ``share_met`` the
    percent of demand the places could meet; ``beyond_capacity`` the children the places
    could not take (placed out of area, or with other providers). A group with no capacity
    figure keeps its demand with the rest missing and ``basis`` "no public capacity figure".
    With ``threshold``, a projection a page must suppress (:func:`hidden_projections`: small,
    or hidden with a small one of its year) is marked ``suppressed`` and what would state it
    (gap, share, beyond) is left out.

    Projections are stated in whole children (halves up) and the gap, share and children
    beyond the places are worked from those, so every row reads places less projected
    children exactly, in the table, the findings and the summary alike. No children
    projected: the places meet all of it (100%).
    """
    capacity = capacity if capacity is not None else pd.DataFrame(columns=["placement_group", "year", "places"])
    rows = []
    hidden = (pd.Series(hidden_projections(projected, threshold), index=projected.index) if threshold is not None
              else pd.Series(False, index=projected.index))
    parts = projected.loc[projected["group"].ne(TOTAL)]
    for row, small in zip(parts.itertuples(index=False), hidden.loc[parts.index]):
        found = _capacity_for(capacity.loc[capacity["placement_group"].eq(row.group)], int(row.time_period))
        places = np.nan if found is None else float(found["places"])
        known = not np.isnan(places) and not small
        mean = disclosure.whole_children(row.mean)
        out = {"time_period": int(row.time_period), "placement_group": row.group, "demand": mean,
               "demand_lower_80": disclosure.whole_children(row.lower_80),
               "demand_upper_80": disclosure.whole_children(row.upper_80),
               "capacity": places, "capacity_year": np.nan if found is None else int(found["year"]),
               "capacity_local": bool(found.get("local", False)) if found is not None else False,
               "capacity_lower": np.nan if found is None else float(found.get("places_filled", np.nan)),
               "places_named": _named(found),
               "basis": market.NO_PUBLIC_CAPACITY if found is None else str(found.get("basis", "")),
               "capacity_source": "" if found is None else str(found.get("source", "")),
               "share_met": (min(places / mean, 1.0) * 100 if mean > 0 else 100.0) if known else np.nan,
               "beyond_capacity": max(mean - places, 0.0) if known else np.nan,
               "gap": places - mean if known else np.nan, "suppressed": bool(small)}
        for sector in ofsted.SECTORS:
            out[f"{sector}|places"] = float(found.get(f"{sector}|places", np.nan)) if found is not None else np.nan
        rows.append(out)
    frame = pd.DataFrame(rows, columns=GAP_COLUMNS)
    order = {group: i for i, group in enumerate(PlacementGroup.ORDER)}
    return frame.sort_values(["placement_group", "time_period"], key=lambda c: c.map(order).fillna(len(order))
                             if c.name == "placement_group" else c, kind="stable").reset_index(drop=True)


def one_year_check(snaps: dict[int, pd.DataFrame], year: int) -> dict | None:
    """The stock-and-flow model fitted on the years to ``year - 1``, against ``year``."""
    try:
        chain = fit_chain(snaps, year - 1)
    except ValueError:
        return None
    total = chain.project(1, by=1, runs=400).set_index("group").loc[TOTAL]
    return {"mean": float(total["mean"]), "lower_80": float(total["lower_80"]),
            "upper_80": float(total["upper_80"]), "actual": len(snaps[year])}


def series_forecasts(facts: Facts) -> pd.DataFrame:
    """The authority's published series forecast by the chosen methods; the number in care
    starts from the return's own count when there is a return (the page's figures are the
    return's), so the forecast and the return's history meet."""
    levels = {CLA: float(return_history(facts).iloc[-1])} if facts.data is not None else None
    return chosen.series_forecasts(facts.published.figures, facts.code, HORIZON, CACHE_DIR, levels=levels,
                                   until=facts.year)


def total_forecast(forecasts: pd.DataFrame) -> pd.DataFrame:
    """The forecast of the number in care, by year: what the placement groups are reconciled with."""
    return forecasts.loc[forecasts["series"].eq(CLA), ["time_period", "mean", "lower_80", "upper_80", "lower_95",
                                                       "upper_95"]]


def _with_return(facts: Facts, forecasts: pd.DataFrame) -> dict:
    """What only the child-level return gives: the stock-and-flow model, the placement groups
    reconciled with the total's forecast, the scenarios and the one-year check."""
    snaps = snapshots(facts)
    chain = fit_chain(snaps, facts.year)
    total = total_forecast(forecasts)
    projected = chain.reconciled(total, HORIZON) if len(total) == HORIZON else chain.project(HORIZON, by=1)
    weekly = weekly_costs(facts)
    scenarios = on_the_forecast(run_scenarios(facts, chain, weekly), total)
    return {"chain": chain, "projected": projected, "latest": latest_shown(facts, snaps),
            "scenarios": scenarios, "priced": bool(len(weekly)),
            "check": one_year_check(snaps, facts.year)}


def _published_groups(forecasts: pd.DataFrame) -> pd.DataFrame:
    """Without a return: the placement types whose places are published (children's homes,
    with secure homes), as projections the gap can set against capacity."""
    rows = forecasts.loc[forecasts["series"].eq(PUBLISHED_HOMES)]
    return rows.assign(group=PlacementGroup.CHILDRENS_HOMES)[["time_period", "group", "mean", "lower_80",
                                                               "upper_80", "lower_95", "upper_95"]]


PUBLISHED_HOMES = "Secure homes and children's homes"


def _published_latest(history: dict[str, pd.Series], year: int) -> pd.Series:
    """Without a return: the children in the published placement types projected (children's
    homes, with secure homes) at 31 March ``year``, as DfE published them (its own rounding and
    suppression), so the projection is read from where it starts; empty when not published."""
    homes = history.get(PUBLISHED_HOMES, pd.Series(dtype=float))
    if year not in homes.index:
        return pd.Series(dtype=object)
    return pd.Series({PlacementGroup.CHILDRENS_HOMES: float(homes[year])}, dtype=object)


def build(facts: Facts) -> Outlook:
    """The outlook of ``facts``' authority and year."""
    if facts.published is None:
        raise ValueError("the forecast needs the published statistics of every authority")
    forecasts = series_forecasts(facts)
    history = {name: (return_history(facts) if name == CLA and facts.data is not None
                      else published_history(facts, name)) for name in forecasts["series"].unique()}
    parts, one_year = None, False
    if facts.data is not None:
        try:
            parts = _with_return(facts, forecasts)
        except TooFewYears:       # a one-year return: the published placement types are projected instead
            one_year = True
    if parts is None:
        parts = {"chain": None, "projected": _published_groups(forecasts),
                 "latest": _published_latest(history, facts.year),
                 "scenarios": pd.DataFrame(), "priced": False, "check": None}
    without_model = ""
    if one_year:
        instead = ("so the placement types DfE publishes are projected instead." if len(parts["projected"]) else
                   "and no placement type DfE publishes can be projected from that year either.")
        without_model = (f"The statement's placement groups are projected from at least two years of the "
                         f"child-level return; the return given covers only {facts.year}, {instead}")
    gap = demand_against_capacity(parts["projected"], capacity(facts), facts.threshold)
    return Outlook(facts.year, history, forecasts,
                   chosen.track_record(facts.published.figures, facts.code, CACHE_DIR, until=facts.year),
                   chosen.methods_table(facts.published.figures, CACHE_DIR), parts["chain"], parts["projected"],
                   parts["latest"], parts["scenarios"], parts["priced"], gap, parts["check"], without_model)
