"""Children leaving care to permanence with a new family: adoption, special guardianship
orders and child arrangements (formerly residence) orders.

Definitions follow DfE, "Children looked after in England including adoptions" (children
who ceased to be looked after during the year, by reason episode ceased): a child who
ceased more than once in the year (1 April to 31 March) is counted once, by the reason of
their last ceasing (:func:`~sufficiency_lib.analysis.metrics.leavers`); short-break-only
care is left out. The reasons are the 903's ``REC`` codes (SSDA903 guidance;
:data:`sufficiency_lib.ssda903.codes.REC`):

- **Adopted**: ``E11`` (application for an adoption order unopposed) and ``E12`` (consent
  dispensed with by the court);
- **Special guardianship order**: ``E45``-``E48`` (to former foster carers who are or are
  not relatives or friends, and to other carers who are or are not). ``E43`` and ``E44``,
  the codes before the split, are no longer valid and the cleaned return holds none;
- **Child arrangements order** (a residence order before 2014): ``E41``.

These are DfE's published labels of the same reasons (``Adopted``, ``Special guardianship
orders``, ``Residence order or child arrangement order granted``), so a count from the
return sits beside DfE's published one (the 2024 release's file of children who ceased).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from sufficiency_lib.analysis import metrics
from sufficiency_lib.published.figures import select
from sufficiency_lib.vocabulary import TOTAL, Group, Indicator, Unit

ADOPTED = "Adopted"
SGO = "Special guardianship orders"
CAO = "Residence order or child arrangement order granted"
#: Route (DfE's label) -> the REC codes of it.
ROUTES = {ADOPTED: ("E11", "E12"), SGO: ("E45", "E46", "E47", "E48"), CAO: ("E41",)}
PERMANENCE = "Left care to permanence"        # the three routes together
#: ``reasons_given``: whether the year's reasons are given at all (a missing route in a year
#: with reasons is a suppressed count; in a year without, it is not published yet).
COLUMNS = ["time_period", "ceased", ADOPTED, SGO, CAO, PERMANENCE, "reasons_given"]


def route_of(rec: pd.Series) -> pd.Series:
    """The permanence route of each REC code ('' when the code is not one)."""
    lookup = {code: route for route, codes_ in ROUTES.items() for code in codes_}
    return rec.astype("string").str.strip().map(lookup).fillna("").astype(object)


def exits_from_return(tables: dict[str, pd.DataFrame], year: int) -> dict[str, int]:
    """Children who ceased to be looked after in ``year`` and, of them, those who left by
    each route and to permanence in all (see the module docstring)."""
    left = metrics.leavers(tables, year)
    routes = route_of(left["REC"])
    counts = {route: int(routes.eq(route).sum()) for route in ROUTES}
    return {"time_period": int(year), "ceased": int(len(left)), **counts, PERMANENCE: int(sum(counts.values())),
            "reasons_given": True}


def exits_series(tables: dict[str, pd.DataFrame], years) -> pd.DataFrame:
    """:func:`exits_from_return` for each of ``years``, one row a year (:data:`COLUMNS`)."""
    return pd.DataFrame([exits_from_return(tables, int(y)) for y in years], columns=COLUMNS)


def exits_from_figures(figures: pd.DataFrame, code: str, years) -> pd.DataFrame:
    """The same table from a figures frame (DfE's published figures, or figures computed from
    a return) for the authority ``code``: one row a year with the number ceased, each route
    and their sum; missing where the figure is missing or suppressed (a sum with a
    suppressed part is missing too). The number ceased is the total of the reasons' breakdown
    (DfE revises a year's total in a later release; the routes' own total keeps the shares
    of one release)."""
    years = [int(y) for y in years]
    out = pd.DataFrame({"time_period": years})
    mine = figures.loc[figures["new_la_code"].eq(code)]
    reasons = select(mine, Indicator.CEASED, Unit.NUMBER, Group.REASON_CEASED, TOTAL)
    with_reasons = set(reasons["time_period"].astype(int))     # years the breakdown is given for

    def series(group: str, breakdown: str) -> pd.Series:
        rows = select(mine, Indicator.CEASED, Unit.NUMBER, group, breakdown).set_index("time_period")["value"]
        values = out["time_period"].map(rows).astype("float64")
        # no row for a reason in a year whose breakdown is given: no child left that way
        # (a suppressed count has a row, with its value missing)
        listed = out["time_period"].isin(rows.index)
        return values.where(listed | ~out["time_period"].isin(with_reasons) | (group == TOTAL), 0.0)

    # the total of the same breakdown (the same file and release as the routes), else the headline one
    out["ceased"] = series(Group.REASON_CEASED, TOTAL).fillna(series(TOTAL, TOTAL))
    for route in ROUTES:
        out[route] = series(Group.REASON_CEASED, route)
    out[PERMANENCE] = out[list(ROUTES)].sum(axis=1, min_count=len(ROUTES))
    out["reasons_given"] = out["time_period"].isin(with_reasons)
    return out[COLUMNS]


def shares(table: pd.DataFrame) -> pd.DataFrame:
    """Each route's (and permanence's) percentage of the children who ceased, per year."""
    out = table[["time_period"]].copy()
    ceased = table["ceased"].astype("float64").replace(0, np.nan)
    for column in (*ROUTES, PERMANENCE):
        out[column] = table[column].astype("float64") / ceased * 100
    return out


#: Why children ceased to be looked after, in the four ways a statement reads them (DfE's
#: published labels of the reasons; every other reason is "other").
HOME = "Returned home or to live with relatives"
ADULTHOOD = "Left care as a young adult"
OTHER = "Other reasons"
DESTINATIONS = {
    PERMANENCE: tuple(ROUTES),
    HOME: ("Returned home to live with parents or other person with parental responsibility which was part of the "
           "care planning process",
           "Returned home to live with parents or other person with parental responsibility which was not part of "
           "the care planning process",
           "Left care to live with parents, relatives or other person with no parental responsibility"),
    ADULTHOOD: ("Aged 18 (or over) and remained with current carers",
                "Moved into independent living (with supportive accommodation)",
                "Moved into independent living (with no formalised support)",
                "Transferred to residential care funded by adult social services"),
}


def destinations(figures: pd.DataFrame, code: str, year: int) -> dict[str, float]:
    """The children of ``code`` who ceased to be looked after in ``year`` by where they went
    (:data:`DESTINATIONS`, then :data:`OTHER`), summed over DfE's reasons; a group with a
    suppressed (missing) reason in it is missing. Empty when the reasons are not given."""
    rows = figures.loc[figures["indicator"].eq(Indicator.CEASED) & figures["unit"].eq(Unit.NUMBER)
                       & figures["breakdown_group"].eq(Group.REASON_CEASED) & figures["new_la_code"].eq(code)
                       & figures["time_period"].eq(int(year))]
    if rows.empty:
        return {}
    values = rows.set_index(rows["breakdown"].astype(str))["value"].astype("float64")
    total = values.get(TOTAL, np.nan)
    out = {}
    for name, labels in DESTINATIONS.items():
        parts = values.reindex(list(labels))
        listed = parts.index.isin(values.index)
        out[name] = float(parts[listed].sum(min_count=int(listed.sum()))) if listed.any() else 0.0
    named = [label for labels in DESTINATIONS.values() for label in labels]
    rest = values.drop(labels=[*named, TOTAL], errors="ignore")
    out[OTHER] = float(rest.sum(min_count=len(rest))) if len(rest) else 0.0
    out[TOTAL] = float(total)
    return out
