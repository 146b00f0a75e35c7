"""Benchmarking an authority against its statistical neighbours, its region and England.

Works on any series of a figures frame (one indicator, breakdown and unit). Conventions,
stated once:

- **Statistical neighbour mean and median**: the plain mean and median of the values of the
  authority's ten DfE statistical neighbours that have a value that year (as in DfE's LAIT);
  ``sn_count`` says how many had one. The model is chosen by year
  (:func:`reference.neighbour_model_for`) unless given.
- **Rank** among the authorities with a value that year, one convention for every indicator:
  1 = the lowest value. Equal values share the lowest rank of their group (``min``), so 1,
  2, 2, 4. Suppressed or missing values are not ranked, and the count ranked is reported.
  Whether a high value is good, bad or neither is DfE's **polarity** (:data:`POLARITY`),
  stated in words beside the rank, never folded into it.
- **Quartile band** A-D from the rank: A when ``(rank - 1) / n < 0.25``, B below 0.5, C below
  0.75, else D; A is the lowest quarter.
- **Change** on last year and over five years: the value less the value one and five years
  before (missing when either is).
- **Confidence intervals** (95%): for a rate, the exact Poisson interval of the count
  (Garwood, from the chi-squared distribution) divided by the population; for a percentage,
  Wilson's score interval. An authority **differs significantly** from England (or its
  neighbours' mean) when that reference value lies outside its interval, treating the
  reference as fixed, the convention of OHID's Fingertips.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from sufficiency_lib.published import reference
from sufficiency_lib.published.figures import TOTAL, figures_frame, select

Z95 = stats.norm.ppf(0.975)
POLARITIES = ("high", "low", "neutral")
# (indicator, breakdown_group, breakdown, unit) -> which way is good; anything else is neutral.
POLARITY = {
    ("cla_31_march", "Placement stability", "With 3 or more placements during the year", "percent"): "low",
    ("cla_long_term_under_16", "Placement stability", "Living with the same carer for at least 2 years",
     "percent"): "high",
    ("care_leavers_17_18", "Activity", "Total in education, employment or training", "percent"): "high",
    ("care_leavers_19_21", "Activity", "Total in education, employment or training", "percent"): "high",
    ("care_leavers_17_18", "Accommodation suitability", "Accommodation considered suitable", "percent"): "high",
    ("care_leavers_19_21", "Accommodation suitability", "Accommodation considered suitable", "percent"): "high",
    ("cla_31_march", "Distance between home and placement", "Placed more than 20 miles from home",
     "percent"): "low",
    # the sufficiency duty (Children Act 1989 s22G) is for accommodation within the authority's area
    ("cla_31_march", "Locality of placement", "Placed outside the local authority boundary", "percent"): "low",
}


def polarity_of(indicator: str, unit: str, breakdown_group: str = TOTAL, breakdown: str = TOTAL) -> str:
    """Whether high values of a series are good (``high``), bad (``low``) or neither."""
    return POLARITY.get((indicator, breakdown_group, breakdown, unit), "neutral")


def rank_and_band(values: pd.Series) -> pd.DataFrame:
    """Rank (1 = the lowest value) and quartile band A-D (A = the lowest quarter) of each
    non-missing value of ``values``.

    ``values`` is indexed by authority; missing values get no rank and no band.
    """
    present = values.dropna().astype(float)
    rank = present.rank(method="min", ascending=True)
    n = len(present)
    position = (rank - 1) / n if n else rank
    band = pd.Series(_band(position), index=present.index)
    out = pd.DataFrame({"rank": rank.astype("Int64"), "ranked_of": n, "quartile_band": band})
    return out.reindex(values.index).astype({"rank": "Int64", "ranked_of": "Int64"})


@dataclass(frozen=True)
class _Series:
    """What every authority's benchmark of one series shares: its rows, each place's values,
    and each year's ranking."""

    series: pd.DataFrame
    la_values: pd.Series
    status: pd.Series
    region: pd.Series
    england: pd.Series
    years: list
    ranked: dict          # year -> value, rank and band of each reporting authority, by code
    tables: dict = field(default_factory=dict)   # benchmark tables made of it, by authority, years, model


_NONE_RANKED = pd.DataFrame({"value": [], "rank": [], "quartile_band": []}, index=pd.Index([], name="new_la_code"))
_kept_series: dict[int, tuple[pd.DataFrame, dict]] = {}


def _series_tables(figures: pd.DataFrame, key: tuple) -> _Series:
    """:class:`_Series` of ``figures``' series ``key``, kept for the last few frames asked
    about (held here, so an id is never another frame's): a national run benchmarks every
    authority on the same series of the same figures."""
    frame, kept = _kept_series.get(id(figures), (None, {}))
    if frame is not figures or len(frame) != len(figures):
        if len(_kept_series) >= 4:
            _kept_series.pop(next(iter(_kept_series)))
        kept = {}
        _kept_series[id(figures)] = (figures, kept)
    if key not in kept:
        series = select(figures, *key)
        la_values = _by_place(series, "Local authority", "new_la_code")
        status = series.loc[series["geographic_level"].eq("Local authority")].set_index(
            ["time_period", "new_la_code"])["status"]
        ranked = _ranked_by_year(la_values)
        kept[key] = _Series(
            series, la_values, status, _by_place(series, "Regional", "region_code"),
            series.loc[series["geographic_level"].eq("National")].set_index("time_period")["value"],
            sorted(series["time_period"].unique()),
            {int(year): rows.set_index("new_la_code")[["value", "rank", "quartile_band"]]
             for year, rows in ranked.groupby("time_period")})
    return kept[key]


def _ranked_by_year(la_values: pd.Series) -> pd.DataFrame:
    """Every reporting authority's value, rank and band in each year at once (as
    :func:`rank_and_band` does one year): time_period, new_la_code, value, rank, quartile_band."""
    rows = la_values.dropna().astype(float).rename("value").reset_index()
    rows["new_la_code"] = rows["new_la_code"].astype(str)
    spans = reference.local_authorities().drop_duplicates("new_la_code")[["new_la_code", "first_year", "last_year"]]
    rows = rows.merge(spans, on="new_la_code", how="inner")
    rows = rows.loc[rows["first_year"].le(rows["time_period"]) & rows["last_year"].ge(rows["time_period"])]
    by_year = rows.groupby("time_period")["value"]
    rank = by_year.rank(method="min", ascending=True)
    position = (rank - 1) / by_year.transform("size")
    return rows.assign(rank=rank.astype(int), quartile_band=_band(position))[
        ["time_period", "new_la_code", "value", "rank", "quartile_band"]]


def _band(position: pd.Series) -> np.ndarray:
    return np.select([position < 0.25, position < 0.5, position < 0.75], ["A", "B", "C"], "D")


def poisson_rate_interval(count, population, per: float = 10_000, z: float = Z95) -> tuple[np.ndarray, np.ndarray]:
    """Exact (Garwood) 95% interval of ``count / population * per``."""
    count = np.asarray(count, dtype=float)
    population = np.asarray(population, dtype=float)
    alpha = 2 * (1 - stats.norm.cdf(z))
    with np.errstate(invalid="ignore"):
        low = np.where(count > 0, stats.chi2.ppf(alpha / 2, 2 * count) / 2, 0.0)
        high = stats.chi2.ppf(1 - alpha / 2, 2 * count + 2) / 2
    return low / population * per, high / population * per


def wilson_interval(successes, trials, z: float = Z95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score 95% interval of ``successes / trials``, in percent."""
    k = np.asarray(successes, dtype=float)
    n = np.asarray(trials, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = k / n
        centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
        half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / (1 + z**2 / n)
    return 100 * (centre - half), 100 * (centre + half)


def compare(low, high, reference_value) -> np.ndarray:
    """Whether the authority is 'higher' or 'lower' than ``reference_value`` (which lies
    outside its interval ``low``-``high``), or 'similar'; '' when anything is missing."""
    low, high, ref = (np.asarray(x, dtype=float) for x in (low, high, reference_value))
    out = np.where(ref < low, "higher", np.where(ref > high, "lower", "similar"))
    return np.where(np.isnan(low) | np.isnan(high) | np.isnan(ref), "", out)


def recompute_rates(figures: pd.DataFrame, population: pd.DataFrame, indicator: str = "cla_31_march",
                    per: float = 10_000) -> pd.DataFrame:
    """Rates per 10,000 children from counts and the ONS 0-17 population of the year before.

    DfE's rate for 31 March ``t`` divides by the mid-``t - 1`` estimate; the result is a
    figures frame (unit ``rate_per_10000``), unrounded, with ``ci_low``/``ci_high``.
    """
    counts = select(figures, indicator, "number")
    pop = population.assign(time_period=population["time_period"] + 1)
    keys = ["time_period", "geographic_level", "new_la_code", "region_code"]
    pop = pop.loc[pop["geographic_level"].isin(counts["geographic_level"].unique())]
    merged = counts.merge(pop[keys + ["value"]].rename(columns={"value": "population"}), on=keys, how="left")
    rate = merged["value"] / merged["population"] * per
    low, high = poisson_rate_interval(merged["value"].astype(float), merged["population"].astype(float), per)
    out = figures_frame(merged.assign(unit="rate_per_10000", value=rate,
                                      status=merged["status"].where(merged["population"].notna(), "x"),
                                      source="computed from counts and ONS population"))
    return out.assign(ci_low=low, ci_high=high)


def _by_place(series: pd.DataFrame, level: str, key: str) -> pd.Series:
    rows = series.loc[series["geographic_level"].eq(level)]
    return rows.set_index(["time_period", key])["value"]


def _region_of(series: pd.DataFrame, authority: str) -> str:
    """The authority's region, as the figures give it, else as the reference list does."""
    mine = series.loc[series["new_la_code"].eq(authority), "region_code"]
    if len(mine):
        return mine.iloc[-1]
    try:
        return reference.authority(authority)["region_code"]
    except reference.ReferenceError:
        return ""


def _neighbour_codes(authority: str, model: int) -> list[str]:
    """The authority's statistical neighbours; none for an authority DfE's model lacks."""
    try:
        return list(reference.neighbour_codes(authority, model))
    except reference.ReferenceError:
        return []


def benchmark_table(figures: pd.DataFrame, authority: str, indicator: str, unit: str = "number",
                    breakdown_group: str = TOTAL, breakdown: str = TOTAL, years=None,
                    neighbour_model: int | None = None) -> pd.DataFrame:
    """One row a year: the authority beside its neighbours, region and England, ranked.

    ``authority`` is a new (E...) LA code. Columns: time_period, value, status, sn_mean,
    sn_median, sn_count, region, england, rank, ranked_of, quartile_band, change_1y,
    change_5y, neighbour_model.
    """
    whole = _series_tables(figures, (indicator, unit, breakdown_group, breakdown))
    years = [int(y) for y in (years if years is not None else whole.years)]
    asked = (authority, tuple(years), neighbour_model)
    if any(kept[0] != authority for kept in whole.tables):
        whole.tables.clear()           # kept for one authority at a time: a worker's memory stays flat
    if asked not in whole.tables:      # chapters, stories and findings ask for the same table
        whole.tables[asked] = _benchmark_table(whole, figures, authority, indicator, unit, breakdown_group,
                                               breakdown, years, neighbour_model)
    return whole.tables[asked].copy()


def _benchmark_table(whole: _Series, figures: pd.DataFrame, authority: str, indicator: str, unit: str,
                     breakdown_group: str, breakdown: str, years: list[int],
                     neighbour_model: int | None) -> pd.DataFrame:
    la_values, status, region, england = whole.la_values, whole.status, whole.region, whole.england
    region_code = _region_of(whole.series, authority)
    rows = []
    for year in years:
        in_year = whole.ranked.get(year, _NONE_RANKED)
        model = reference.neighbour_model_for(year, neighbour_model)
        neighbours = in_year["value"].reindex(_neighbour_codes(authority, model)).dropna()
        mine = in_year.loc[authority] if authority in in_year.index else None
        rows.append({
            "time_period": year,
            "value": la_values.get((year, authority), pd.NA),
            "status": status.get((year, authority), "x"),
            "sn_mean": neighbours.mean() if len(neighbours) else pd.NA,
            "sn_median": neighbours.median() if len(neighbours) else pd.NA,
            "sn_count": len(neighbours),
            "region": region.get((year, region_code), pd.NA),
            "england": england.get(year, pd.NA),
            "rank": pd.NA if mine is None else int(mine["rank"]), "ranked_of": len(in_year),
            "quartile_band": "" if mine is None else mine["quartile_band"],
            "neighbour_model": model,
        })
    table = pd.DataFrame(rows)
    for column in ("value", "sn_mean", "sn_median", "region", "england"):
        table[column] = pd.to_numeric(table[column]).astype("Float64")
    history = la_values.xs(authority, level="new_la_code") if authority in la_values.index.get_level_values(1) \
        else pd.Series(dtype="Float64")
    for lag in (1, 5):
        before = table["time_period"].sub(lag).map(history)
        table[f"change_{lag}y"] = (table["value"] - pd.to_numeric(before).astype("Float64"))
    table["rank"] = table["rank"].astype("Int64")
    table["ranked_of"] = table["ranked_of"].astype("Int64")
    return _with_significance(table, figures, authority, indicator, unit, breakdown_group, breakdown)


def _la_values(figures: pd.DataFrame, authority: str, indicator: str, unit: str,
               breakdown_group: str, breakdown: str) -> pd.Series:
    rows = select(figures, indicator, unit, breakdown_group, breakdown)
    rows = rows.loc[rows["new_la_code"].eq(authority) & rows["geographic_level"].eq("Local authority")]
    return rows.set_index("time_period")["value"].astype(float)


def _with_significance(table: pd.DataFrame, figures: pd.DataFrame, authority: str, indicator: str, unit: str,
                       breakdown_group: str, breakdown: str) -> pd.DataFrame:
    """Add the 95% interval of a rate or percentage and how it compares with England and
    the neighbours' mean; counts have no interval (they are the whole population)."""
    years = table["time_period"]
    if unit == "rate_per_10000":
        count = years.map(_la_values(figures, authority, indicator, "number", breakdown_group, breakdown))
        size = years.map(_la_values(figures, authority, indicator, "population", breakdown_group, breakdown))
        low, high = poisson_rate_interval(count, size)
    elif unit == "percent":
        count = years.map(_la_values(figures, authority, indicator, "number", breakdown_group, breakdown))
        size = years.map(_la_values(figures, authority, indicator, "number", breakdown_group, TOTAL))
        low, high = wilson_interval(count, size)
    else:
        low = high = np.full(len(table), np.nan)
    out = table.assign(ci_low=low, ci_high=high)
    published = table["england"].astype(float)
    england = (_unrounded_england(figures, indicator, breakdown_group, breakdown, table["time_period"], published)
               if unit == "percent" else published)
    out["vs_england"] = compare(low, high, england)
    # where DfE's rounding alone would turn the answer, a page gives England's share to a decimal place
    out["england_tested"] = np.where(out["vs_england"] != compare(low, high, published), england, np.nan)
    out["vs_neighbours"] = compare(low, high, table["sn_mean"].astype(float))
    return out


def _unrounded_england(figures: pd.DataFrame, indicator: str, breakdown_group: str, breakdown: str,
                       years: pd.Series, published: pd.Series) -> pd.Series:
    """England's share from its counts (the breakdown's over its Total, as the authority's
    interval is), where that agrees with DfE's published whole percentage: the test against
    an interval needs England's share, not its rounding (Peterborough's 3.3% to 11.2% holds
    England's published 11 but not its 11.48%: 3,860 of 33,620). Else the published figure."""
    part = _series_tables(figures, (indicator, "number", breakdown_group, breakdown)).england
    whole = _series_tables(figures, (indicator, "number", breakdown_group, TOTAL)).england
    share = (years.map(part.astype(float)) / years.map(whole.astype(float)).replace(0, np.nan) * 100).to_numpy()
    agrees = np.abs(share - published.to_numpy()) <= 0.5
    return pd.Series(np.where(agrees, share, published.to_numpy()), index=published.index)


def series_for_chart(table: pd.DataFrame, la_name: str, region_name: str = "Region") -> pd.DataFrame:
    """Long form for a line chart: the authority, its neighbours' mean, region and England."""
    named = {"value": la_name, "sn_mean": "Statistical neighbours (mean)", "region": region_name,
             "england": "England"}
    wide = table[["time_period", *named]].rename(columns=named)
    long = wide.melt(id_vars="time_period", var_name="series", value_name="figure")
    return long.dropna(subset=["figure"]).astype({"figure": float}).rename(columns={"figure": "value"})
