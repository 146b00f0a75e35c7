"""Provision, market and costs: the analysis of the authority's local tables.

Every function takes the typed tables of :mod:`local_data` (and, for the cost of the
placement mix, the figures of :mod:`metrics`) and returns plain frames; the chapter
(:mod:`chapters.provision`) shows them.

Conventions: a weekly cost is annualised with 365 / 7 = 52.14 weeks (:data:`WEEKS_PER_YEAR`);
real terms are in prices of the latest year of the deflator given (cost x index of that
year / index of the cost's year); nothing is deflated when no deflator is given.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from sufficiency_lib.vocabulary import PlacementGroup
from sufficiency_lib.wording import half_up

WEEKS_PER_YEAR = 365 / 7
AVERAGE = "Average"
TOLERANCE_GBP = 0.005          # printed averages are to the penny

#: Words of a cost's placement type and provider -> the statement's placement group.
_GROUP_RULES = [
    (("foster", "connected"), PlacementGroup.CONNECTED),
    (("foster", "family and friends"), PlacementGroup.CONNECTED),
    (("foster", "ifa"), PlacementGroup.IFA),
    (("foster", "independent"), PlacementGroup.IFA),
    (("foster", "in-house"), PlacementGroup.IN_HOUSE),
    (("foster", "in house"), PlacementGroup.IN_HOUSE),
    (("secure",), PlacementGroup.SECURE),
    (("residential school",), PlacementGroup.SCHOOLS),
    (("children's home",), PlacementGroup.CHILDRENS_HOMES),
    (("residential children",), PlacementGroup.CHILDRENS_HOMES),
    (("supported",), PlacementGroup.SUPPORTED),
    (("semi-independent",), PlacementGroup.SUPPORTED),
]


def placement_group_of(placement_type: str, provider: str) -> str | None:
    """The placement group a weekly cost prices, from its words ('Foster care' + 'IFA' ->
    IFA foster care), or None when the words name no single group (e.g. 'All placements',
    or a specialist home such as 'Out-of-county residential (autism)')."""
    words = f"{placement_type} {provider}".lower()
    for needles, group in _GROUP_RULES:
        if all(n in words for n in needles):
            return group
    return None


def financial_year(collection_year: int) -> str:
    """The April-March year that ends on 31 March of ``collection_year``: 2025 -> 2024/25."""
    return f"{collection_year - 1}/{str(collection_year)[-2:]}"


def real_terms(years: pd.Series, values: pd.Series, deflator: pd.DataFrame | None) -> tuple[pd.Series, str]:
    """``values`` of financial ``years`` (2020/21) in the prices of the deflator's latest year,
    and that year; missing (and ``""``) without a deflator, missing for a year it lacks."""
    if deflator is None or deflator.empty:
        return pd.Series(np.nan, index=values.index), ""
    index = deflator.groupby("financial_year")["index"].last()
    base = index.index.max()
    factor = years.map(index[base] / index).astype(float)
    return pd.to_numeric(values).astype(float) * factor, base          # rounded once, where it is shown


def unit_costs(costs: pd.DataFrame, deflator: pd.DataFrame | None = None) -> pd.DataFrame:
    """Weekly unit costs by placement type, provider and year, nominal and in real terms.

    Columns: financial_year, placement_type, provider, placement_group, weekly_cost,
    comparator, real_weekly_cost (missing without a deflator, or for a year it lacks),
    price_base (the deflator's latest year) and source (as recorded, '' when not)."""
    out = costs.rename(columns={"weekly_cost_gbp": "weekly_cost", "comparator_weekly_cost_gbp": "comparator"})
    if "comparator" not in out:
        out["comparator"] = np.nan
    if "source" not in out:
        out["source"] = ""
    out = out.assign(placement_group=[placement_group_of(t, p) for t, p in zip(out["placement_type"], out["provider"])])
    out = out.sort_values(["placement_type", "provider", "financial_year"], kind="stable")
    real, base = real_terms(out["financial_year"], out["weekly_cost"], deflator)
    return out.assign(real_weekly_cost=real, price_base=base)[_COST_COLUMNS].reset_index(drop=True)


_COST_COLUMNS = ["financial_year", "placement_type", "provider", "placement_group", "weekly_cost", "comparator",
                 "real_weekly_cost", "price_base", "source"]


def cost_changes(costs: pd.DataFrame) -> pd.DataFrame:
    """Per placement type and provider with two or more years from the same source: first and
    last year, and the change in the weekly cost over them, nominal and real (percent). Costs
    from different sources (a benchmarking study, the authority's own accounts) are measured
    differently, so a change is only read within one."""
    rows = []
    source = costs["source"] if "source" in costs else pd.Series("", index=costs.index)
    keyed = costs.assign(source=source.fillna(""))
    for (kind, provider, _), group in keyed.groupby(["placement_type", "provider", "source"], sort=False):
        group = group.sort_values("financial_year")
        if len(group) < 2:
            continue
        first, last = group.iloc[0], group.iloc[-1]
        rows.append({"placement_type": kind, "provider": provider, "first_year": first["financial_year"],
                     "last_year": last["financial_year"], "first": first["weekly_cost"], "last": last["weekly_cost"],
                     "nominal_change_percent": (last["weekly_cost"] / first["weekly_cost"] - 1) * 100,
                     "real_change_percent": (last["real_weekly_cost"] / first["real_weekly_cost"] - 1) * 100})
    return pd.DataFrame(rows, columns=["placement_type", "provider", "first_year", "last_year", "first", "last",
                                       "nominal_change_percent", "real_change_percent"])


def latest_costs(costs: pd.DataFrame, year: int) -> pd.DataFrame:
    """The newest weekly cost of each placement group in or before the financial year that
    ends in collection ``year`` (placement_group, financial_year, weekly_cost)."""
    known = costs.dropna(subset=["placement_group"])
    known = known.loc[known["financial_year"] <= financial_year(year)]
    newest = known.sort_values("financial_year").groupby("placement_group").tail(1)
    return newest[["placement_group", "financial_year", "weekly_cost"]].reset_index(drop=True)


LOCAL_COST = "local weekly costs"


def mix_cost(children: pd.Series, costs: pd.DataFrame | None, year: int,
             public: pd.DataFrame | None = None) -> pd.DataFrame:
    """The yearly cost of the placement mix: children at 31 March ``year`` by placement
    group (``children``, indexed by group) x the group's weekly cost x 52.14.

    A group's weekly cost is its newest local one up to the year (``costs``, from
    :func:`unit_costs`), else the public one given for it (``public``: placement_group,
    financial_year, weekly_cost, cost_source; e.g. the S251 unit cost that fits it).
    ``cost_source`` says which; groups without any cost keep their children with a missing
    cost and an empty source, so the table says what is not priced."""
    local = (latest_costs(costs, year) if costs is not None and len(costs)
             else pd.DataFrame(columns=["placement_group", "financial_year", "weekly_cost"]))
    priced = local.assign(cost_source=LOCAL_COST)
    if public is not None and len(public):
        fallback = public.loc[~public["placement_group"].isin(priced["placement_group"])]
        priced = pd.concat([priced, fallback[priced.columns]], ignore_index=True) if len(priced) else fallback
    priced = priced.set_index("placement_group")
    out = pd.DataFrame({"placement_group": children.index, "children": children.to_numpy(dtype=float)})
    # as text: with nothing priced (a group of councils) the mapped columns are all missing floats
    out["cost_year"] = out["placement_group"].map(priced["financial_year"]).astype(object).fillna("")
    out["weekly_cost"] = out["placement_group"].map(priced["weekly_cost"]).astype(float)
    out["cost_source"] = out["placement_group"].map(priced["cost_source"]).astype(object).fillna("")
    out["annual_cost"] = (out["children"] * out["weekly_cost"] * WEEKS_PER_YEAR).map(half_up)
    return out


def budget_for(budget: pd.DataFrame, year: int, name: str = "External placements") -> pd.Series | None:
    """The newest budget line called ``name`` in or before the financial year of ``year``."""
    rows = budget.loc[budget["budget"].str.lower().eq(name.lower())
                      & (budget["financial_year"] <= financial_year(year))]
    return None if rows.empty else rows.sort_values("financial_year").iloc[-1]


#: Groups an "External placements" budget pays for (the authority's own foster care and
#: in-house homes are outside it).
EXTERNAL_GROUPS = [PlacementGroup.IFA, PlacementGroup.CHILDRENS_HOMES, PlacementGroup.SECURE, PlacementGroup.SUPPORTED,
                   PlacementGroup.SCHOOLS]


def price_matrix(prices: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The framework's weekly prices as lot x locality with row, column and overall
    averages recomputed (means of the prices shown), and the printed averages (rows whose
    lot or locality is "Average") beside the recomputed ones, flagged when they differ by
    more than a penny."""
    is_average = prices["lot"].eq(AVERAGE) | prices["locality"].eq(AVERAGE)
    cells = prices.loc[~is_average]
    matrix = cells.pivot_table(index="lot", columns="locality", values="weekly_price_gbp", aggfunc="first",
                               sort=False)
    matrix[AVERAGE] = matrix.mean(axis=1)
    matrix.loc[AVERAGE] = matrix.mean(axis=0)
    matrix.loc[AVERAGE, AVERAGE] = cells["weekly_price_gbp"].mean()
    printed = prices.loc[is_average].copy()
    printed["recomputed"] = [matrix.loc[lot, loc] if lot in matrix.index and loc in matrix.columns else np.nan
                             for lot, loc in zip(printed["lot"], printed["locality"])]
    printed["difference"] = printed["weekly_price_gbp"] - printed["recomputed"]
    printed["agrees"] = printed["difference"].abs() <= TOLERANCE_GBP
    checks = printed.rename(columns={"weekly_price_gbp": "printed"})
    keep = [c for c in ("lot", "locality", "printed", "recomputed", "difference", "agrees", "published_in")
            if c in checks]
    return matrix, checks[keep].reset_index(drop=True)


FUNNEL = ["enquiries", "initial_visits", "households_in_assessment", "households_approved"]


def fostering_summary(recruitment: pd.DataFrame) -> pd.DataFrame:
    """Households and beds approved, deregistered and the net gain per period, with the
    target net gain a year where one is recorded (periods as recorded)."""
    measures = ["households_approved", "beds_approved", "households_deregistered", "net_gain_households"]
    rows = recruitment.loc[recruitment["measure"].isin(measures)]
    wide = rows.pivot_table(index="period", columns="measure", values="value", aggfunc="last")
    wide = wide.reindex(columns=[m for m in measures if m in wide.columns])
    if {"households_approved", "households_deregistered"} <= set(wide.columns) and "net_gain_households" not in wide:
        wide["net_gain_households"] = wide["households_approved"] - wide["households_deregistered"]
    return wide.reset_index().sort_values("period", kind="stable").reset_index(drop=True)


def target_net_gain(recruitment: pd.DataFrame) -> float:
    """The yearly target net gain of fostering households, when one is recorded."""
    target = recruitment.loc[recruitment["measure"].eq("target_net_gain_households_per_year"), "value"]
    return float(target.iloc[-1]) if len(target) else np.nan


def funnel(recruitment: pd.DataFrame) -> pd.DataFrame:
    """The recruitment funnel per period that records two or more stages: each stage's
    count and its conversion from the stage before (percent), missing where the stage
    before is not recorded for the same period."""
    rows = recruitment.loc[recruitment["measure"].isin(FUNNEL)]
    out = []
    for period, group in rows.groupby("period", sort=False):
        values = group.groupby("measure")["value"].last()
        if len(values) < 2:
            continue
        previous = np.nan
        for stage in FUNNEL:
            value = values.get(stage, np.nan)
            if not pd.isna(value):
                out.append({"period": period, "stage": stage, "value": value,
                            "conversion_percent": value / previous * 100 if previous else np.nan})
            previous = value
    return pd.DataFrame(out, columns=["period", "stage", "value", "conversion_percent"])


def in_house_saving(costs: pd.DataFrame) -> dict | None:
    """The newest year with both in-house and IFA foster care weekly costs: both costs and
    the yearly saving of each placement moved from IFA to in-house."""
    foster = costs.loc[costs["placement_group"].isin([PlacementGroup.IN_HOUSE, PlacementGroup.IFA])]
    both = foster.groupby("financial_year")["placement_group"].nunique()
    years = sorted(both.loc[both.eq(2)].index)
    if not years:
        return None
    year = years[-1]
    row = foster.loc[foster["financial_year"].eq(year)].groupby("placement_group")["weekly_cost"].last()
    weekly = row[PlacementGroup.IFA] - row[PlacementGroup.IN_HOUSE]
    return {"financial_year": year, "in_house": float(row[PlacementGroup.IN_HOUSE]), "ifa": float(row[PlacementGroup.IFA]),
            "weekly_saving": float(weekly), "annual_saving": half_up(weekly * WEEKS_PER_YEAR)}
