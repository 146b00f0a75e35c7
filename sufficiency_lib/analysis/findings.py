"""Challenges detected from the numbers by explicit rules, for each chapter's summary of
findings and the executive summary.

Each rule reads figures the page shows (computed from the return, suppressed as shown, or
DfE's published figures) and returns a :class:`Finding` or nothing. The tests are simple
comparisons whose thresholds are named here, so a reviewer can see why a challenge was
raised:

- a share *falling* or *rising*: the latest year against the first year shown, by at
  least :data:`MIN_POINTS` percentage points (whole percentages, as published);
- *above/below England or neighbours*: the authority's latest published figure against
  England's and the neighbours' mean, beyond :data:`MIN_GAP_POINTS` points;
- the UASC count against :data:`NTS_WARNING` of the National Transfer Scheme ceiling;
- from the local tables: an IFA weekly cost up :data:`REAL_RISE` % or more (real terms when
  a deflator is given), a fostering net gain below its target, external placements costing
  :data:`BUDGET_GAP` more than their budget, printed framework averages that disagree.

Areas are the statement's; the actions an authority records (:mod:`actions`) join on
them.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sufficiency_lib.analysis import benchmark, disclosure, metrics
from sufficiency_lib.ssda903 import codes
from sufficiency_lib.local import local_data
from sufficiency_lib.analysis import costs as analysis
from sufficiency_lib.statement.chapters.common import share_series, suppressed_value

MIN_POINTS = 2          # percentage points of change that count as a trend
MIN_GAP_POINTS = 2      # percentage points above/below a comparator that count as a gap
RATE_GAP = 0.10         # a rate 10% above its neighbours' mean
NTS_WARNING = 0.9       # UASC at 90% of the ceiling or more
MIN_YEARS = 3           # a trend needs at least three years of figures

FOSTERING, OUT_OF_AREA = "Fostering", "Out-of-area placements"
RESIDENTIAL, SUPPORTED = "Residential children's homes", "Supported accommodation"
COMPOSITION, STABILITY = "Population composition", "Placement stability"
CARE_LEAVERS, UASC_AREA = "Care leavers", "Unaccompanied asylum-seeking children"
CHILDREN_IN_CARE, DATA_QUALITY = "Children in care", "Data quality"
COSTS, MARKET = "Costs and budget", "Commissioned market"
FORECAST, GAP = "Forecast demand", "Sufficiency gap"
FORECAST_RISE = 5.0    # percent more children projected by the end of the statement's years
REAL_RISE = 5.0        # percent rise in a weekly cost over the years recorded
BUDGET_GAP = 0.10      # external placements costing 10% more than their budget


@dataclass(frozen=True)
class Finding:
    area: str
    challenge: str


# --- the tests, on plain numbers ---------------------------------------------------------

def share_change(series: pd.Series) -> tuple[int, int, int] | None:
    """(first year, last year, change in whole points) of a share series, or None when
    fewer than :data:`MIN_YEARS` years are known."""
    known = series.dropna()
    if len(known) < MIN_YEARS:
        return None
    return int(known.index[0]), int(known.index[-1]), int(round(known.iloc[-1]) - round(known.iloc[0]))


def trend(series: pd.Series, rising: bool, min_points: int = MIN_POINTS) -> tuple[int, int, int] | None:
    """The change when the share rose (``rising``) or fell by at least ``min_points``."""
    change = share_change(series)
    if change is None:
        return None
    points = change[2]
    return change if (points >= min_points if rising else points <= -min_points) else None


def gap(value: float, reference: float, above: bool, min_gap: float = MIN_GAP_POINTS) -> bool:
    """Whether ``value`` is above (``above``) or below ``reference`` by more than ``min_gap``."""
    if pd.isna(value) or pd.isna(reference):
        return False
    return value - reference > min_gap if above else reference - value > min_gap


def _points(n: int) -> str:
    return f"{abs(n)} percentage point{'s' if abs(n) != 1 else ''}"


def _trend_text(what: str, change: tuple[int, int, int], series: pd.Series) -> str:
    first, last, points = change
    return (f"The share of {what} {'rose' if points > 0 else 'fell'} {_points(points)}, from "
            f"{series[first]:.0f}% in {first} to {series[last]:.0f}% in {last}.")


# --- rules on a chapter context ------------------------------------------------------------

def _latest_published(ctx, indicator: str, unit: str, group: str = "Total", breakdown: str = "Total"):
    """The latest benchmark row of a published figure (value, england, sn_mean, ...)."""
    if ctx.published is None:
        return None
    table = benchmark.benchmark_table(ctx.published.figures, ctx.authority.new_la_code, indicator, unit,
                                      group, breakdown, years=range(ctx.year - 2, ctx.year + 1),
                                      neighbour_model=ctx.authority.neighbour_model)
    table = table.dropna(subset=["value"])
    return None if table.empty else table.iloc[-1]


def _versus(ctx, what: str, area: str, indicator: str, group: str, breakdown: str,
            high_is_bad: bool) -> list[Finding]:
    """A published percentage worse than England's or the neighbours' mean."""
    row = _latest_published(ctx, indicator, "percent", group, breakdown)
    if row is None:
        return []
    out = []
    for name, column in (("England", "england"), ("its statistical neighbours' average", "sn_mean")):
        if gap(float(row["value"]), float(row[column]) if not pd.isna(row[column]) else np.nan, high_is_bad):
            out.append(Finding(area, f"{what[0].upper() + what[1:]} was {row['value']:.0f}% in "
                                     f"{row['time_period']}, {'above' if high_is_bad else 'below'} {name} "
                                     f"({row[column]:.0f}%)."))
            break  # one comparison is enough to raise it
    return out


def _trend_rule(ctx, area: str, what: str, indicator: str, group: str, breakdown: str,
                rising: bool) -> list[Finding]:
    series = share_series(ctx, indicator, group, breakdown)
    change = trend(series, rising)
    return [Finding(area, _trend_text(what, change, series))] if change else []


def children_in_care(ctx) -> list[Finding]:
    row = _latest_published(ctx, "cla_31_march", "rate_per_10000")
    if row is None or pd.isna(row["sn_mean"]) or row["value"] <= row["sn_mean"] * (1 + RATE_GAP):
        return []
    return [Finding(CHILDREN_IN_CARE, f"The rate of children looked after ({row['value']:.0f} per 10,000 in "
                                      f"{row['time_period']}) was more than {RATE_GAP:.0%} above the statistical "
                                      f"neighbours' average ({row['sn_mean']:.0f}).")]


def placements(ctx) -> list[Finding]:
    group = "Placement group"
    out = _trend_rule(ctx, FOSTERING, "children in in-house foster care", "cla_31_march", group,
                      codes.IN_HOUSE_FOSTER, rising=False)
    out += _trend_rule(ctx, FOSTERING, "children in IFA foster care", "cla_31_march", group,
                       codes.IFA_FOSTER, rising=True)
    out += _trend_rule(ctx, RESIDENTIAL, "children in residential children's homes", "cla_31_march", group,
                       "Residential children's homes", rising=True)
    out += _trend_rule(ctx, SUPPORTED, "children in supported accommodation (16+)", "cla_31_march", group,
                       codes.SUPPORTED_16_PLUS, rising=True)
    out += _versus(ctx, "the share of children with 3 or more placements in the year", STABILITY,
                   "cla_31_march", "Placement stability", metrics.THREE_OR_MORE, high_is_bad=True)
    out += _versus(ctx, "the share of long-term looked after children under 16 living with the same carer "
                        "for 2 years", STABILITY, "cla_long_term_under_16", "Placement stability",
                   metrics.SAME_CARER, high_is_bad=False)
    return out


def population(ctx) -> list[Finding]:
    out = _trend_rule(ctx, OUT_OF_AREA, "children placed more than 20 miles from home", "cla_31_march",
                      "Distance between home and placement", metrics.FAR, rising=True)
    out += _versus(ctx, "the share of children placed outside the authority's boundary", OUT_OF_AREA,
                   "cla_31_march", "Locality of placement", metrics.OUTSIDE, high_is_bad=True)
    published_16 = _versus(ctx, "the share of children looked after aged 16 and over", COMPOSITION,
                           "cla_31_march", "Age group", "16 years and over", high_is_bad=True)
    out += published_16 or _trend_rule(ctx, COMPOSITION, "children looked after aged 16 and over",
                                       "cla_31_march", "Age group", "16 years and over", rising=True)
    out += uasc(ctx)
    return out


def uasc(ctx) -> list[Finding]:
    count = suppressed_value(ctx, "cla_31_march", "Unaccompanied asylum-seeking children", metrics.UASC)
    population = ctx.authority.population_0_17.get(ctx.year - 1)
    ceiling = metrics.nts_ceiling(population, pd.Timestamp(ctx.year, 3, 31)) if population else np.nan
    if pd.isna(count) or pd.isna(ceiling) or count < NTS_WARNING * ceiling:
        return []
    word = "above" if count > ceiling else "at or near"
    return [Finding(UASC_AREA, f"{count:.0f} unaccompanied asylum-seeking children were looked after at 31 March "
                               f"{ctx.year}, {word} the National Transfer Scheme ceiling of {ceiling:.0f}.")]


def care_leavers(ctx) -> list[Finding]:
    out = []
    for indicator, ages in (("care_leavers_17_18", "17 to 18"), ("care_leavers_19_21", "19 to 21")):
        out += _versus(ctx, f"the share of care leavers aged {ages} in education, employment or training",
                       CARE_LEAVERS, indicator, "Activity", codes.EET, high_is_bad=False)
        out += _versus(ctx, f"the share of care leavers aged {ages} in suitable accommodation", CARE_LEAVERS,
                       indicator, "Accommodation suitability", "Accommodation considered suitable",
                       high_is_bad=False)
    return out


def data_quality(ctx) -> list[Finding]:
    reconciliation = ctx.data.result.ledger.reconciliation()
    held = int(reconciliation["quarantined"].sum())
    if not held:
        return []
    return [Finding(DATA_QUALITY, f"{held:,} rows of the return were quarantined and are not in any figure; "
                                  "correct them at source before the next return.")]


# --- provision and costs (local data) -------------------------------------------------------



def provision(ctx) -> list[Finding]:
    local = local_data.load(ctx.local_dir)
    out = []
    costs = local.get("weekly_costs")
    if costs is not None and len(costs):
        table = analysis.unit_costs(costs, local.get("deflator"))
        real = local.get("deflator") is not None
        for row in analysis.cost_changes(table).itertuples():
            change = row.real_change_percent if real else row.nominal_change_percent
            if analysis.placement_group_of(row.placement_type, row.provider) == codes.IFA_FOSTER and change >= REAL_RISE:
                terms = "in real terms" if real else "in cash terms (no deflator given)"
                out.append(Finding(FOSTERING, f"The weekly cost of IFA foster care rose {change:.0f}% {terms} "
                                              f"from {row.first_year} to {row.last_year}."))
    recruitment = local.get("fostering_recruitment")
    if recruitment is not None and len(recruitment):
        summary = analysis.fostering_summary(recruitment)
        target = analysis.target_net_gain(recruitment)
        if "net_gain_households" in summary and not pd.isna(target):
            latest = summary.dropna(subset=["net_gain_households"])
            if len(latest) and latest.iloc[-1]["net_gain_households"] < target:
                row = latest.iloc[-1]
                out.append(Finding(FOSTERING, f"The net gain of in-house fostering households was "
                                              f"{row['net_gain_households']:.0f} in {row['period']}, below the target "
                                              f"of {target:.0f} a year."))
    prices = local.get("supported_accommodation_prices")
    if prices is not None and len(prices):
        _, checks = analysis.price_matrix(prices)
        wrong = checks.loc[~checks["agrees"]] if len(checks) else checks
        if len(wrong):
            out.append(Finding(SUPPORTED, f"{len(wrong)} of the framework's printed average prices do not agree with "
                                          "the prices they average; correct them before the statement is published."))
    if costs is not None and len(costs) and local.get("placement_budget") is not None:
        budget = analysis.budget_for(local.get("placement_budget"), ctx.year)
        rows = ctx.figures.loc[ctx.figures["indicator"].eq("cla_31_march") & ctx.figures["unit"].eq("number")
                               & ctx.figures["breakdown_group"].eq("Placement group")
                               & ctx.figures["time_period"].eq(ctx.year) & ctx.figures["breakdown"].ne("Total")]
        mix = analysis.mix_cost(rows.set_index("breakdown")["value"].astype(float), table, ctx.year)
        external = mix.loc[mix["placement_group"].isin(analysis.EXTERNAL_GROUPS), "annual_cost"].sum()
        if budget is not None and external > budget["amount_gbp"] * (1 + BUDGET_GAP):
            out.append(Finding(COSTS, f"At the recorded weekly costs, external placements at 31 March {ctx.year} cost "
                                      f"about £{external:,.0f} a year, more than {BUDGET_GAP:.0%} above the "
                                      f"{budget['financial_year']} budget of £{budget['amount_gbp']:,.0f}."))
    return out


# --- forecast -------------------------------------------------------------------------------


def forecast_rules(ctx, forecasts: pd.DataFrame | None = None, series: dict | None = None,
                   gap_frame: pd.DataFrame | None = None, latest: pd.Series | None = None) -> list[Finding]:
    """A projected rise in the number in care, or in a placement group, of FORECAST_RISE% or
    more by the end of the statement's years, with the 80% interval above today's figure
    for a group (a rise the models are fairly sure of); and projected demand above capacity.
    ``forecasts`` and ``series`` are :func:`forecast.forecast_many`'s output and input;
    ``latest`` the page year's counts as shown (a group whose count is suppressed there is
    not stated here either)."""
    from sufficiency_lib.statement.chapters import forecast as chapter   # the chapter imports this module
    from sufficiency_lib.analysis import forecast as models

    if forecasts is None:
        snaps = chapter.snapshots(ctx)
        series = chapter.series_to_forecast(ctx, snaps)
        forecasts, _ = models.forecast_many(series, chapter.HORIZON)
        latest = chapter.latest_shown(ctx, snaps)
    out = []
    end = forecasts["time_period"].max()
    final = forecasts.loc[forecasts["time_period"].eq(end)].set_index("series")
    for name, values in series.items():
        if name == chapter.RATE or name not in final.index or (
                latest is not None and latest.get(name) == disclosure.SUPPRESSED):
            continue
        row, last = final.loc[name], values.iloc[-1]
        rise = (row["mean"] / last - 1) * 100 if last else np.nan
        if not rise >= FORECAST_RISE or (name != chapter.CLA and not row["lower_80"] > last):
            continue
        subject = "children looked after" if name == chapter.CLA else f"children in {name[0].lower() + name[1:]}"
        out.append(Finding(FORECAST, f"The number of {subject} is projected to rise {rise:.0f}% from "
                                     f"{last:,.0f} to {row['mean']:,.0f} by 31 March {end} (80% interval "
                                     f"{row['lower_80']:,.0f} to {row['upper_80']:,.0f})."))
    if gap_frame is not None and len(gap_frame):
        for row in gap_frame.loc[gap_frame["gap"] > 0.5].itertuples():
            out.append(Finding(GAP, f"Projected demand for {row.placement_group} exceeds capacity by "
                                    f"{row.gap:,.0f} places in {row.time_period}."))
    return out


#: Chapter -> its rules, in the order the summary lists them.
RULES = {
    "children_in_care": [children_in_care],
    "placements": [placements],
    "population": [population],
    "care_leavers": [care_leavers],
    "data_quality": [data_quality],
    "provision": [provision],
    "forecast": [forecast_rules],
}


def detect(ctx, chapter: str) -> list[Finding]:
    """Every challenge the rules of ``chapter`` find."""
    return [finding for rule in RULES.get(chapter, []) for finding in rule(ctx)]


def summary_table(found: list[Finding], actions: pd.DataFrame, areas: list[str] | None = None) -> pd.DataFrame:
    """Challenges joined with the recorded actions and impact by area. Areas with actions
    but no detected challenge are listed too (when in ``areas``, or all when None)."""
    challenges = pd.DataFrame([f.__dict__ for f in found], columns=["area", "challenge"], dtype=object)
    challenges = challenges.groupby("area", sort=False)["challenge"].agg(" ".join).reset_index()
    recorded = actions if areas is None else actions.loc[actions["area"].isin(areas)]
    order = list(dict.fromkeys([*challenges["area"], *recorded["area"]]))   # found first, then recorded
    table = (pd.DataFrame({"area": pd.Series(order, dtype=object)})
             .merge(challenges, on="area", how="left").merge(recorded.astype(object), on="area", how="left"))
    table["challenge"] = table["challenge"].fillna("No challenge detected from the figures.")
    table["actions"] = table["actions"].fillna("None recorded.")
    table["impact"] = table["impact"].fillna("")
    return table.rename(columns={"area": "Area", "challenge": "Challenges and gaps found",
                                 "actions": "Actions required", "impact": "Intended impact"})
