"""Figures of the population-composition, children-in-care and care-leaver pages that the
figures of :mod:`~sufficiency_lib.analysis.metrics` do not hold.

- **Looked after during the year by UASC status** (:func:`during_year_by_uasc`). DfE's
  definition of "children looked after at any time during the year": every child with an
  episode of care open on some day from 1 April to 31 March (started on or before 31 March
  and not ended before 1 April), short-break-only care (legal status V3/V4) left out, each
  child counted once. A child counts as an unaccompanied asylum-seeking child when they
  were one at any time they were looked after in the year: UASC status only ever ceases
  (on the UASC table's date DUC), so that is their status on the first day of the year
  they were looked after (1 April, or the day they started).
- **The latest six months by UASC status** (:func:`six_month_change`): the number looked
  after at 30 September (the year before the statement's year) and at 31 March (its year),
  each counted as DfE counts "looked after at 31 March" (distinct children with an episode
  open at the end of the day, short-break-only care, legal status V3/V4, left out), split by
  DfE's UASC definition on that day (in the return's UASC table, with the date UASC status
  ceased, DUC, blank or after the day), and the change between the two dates: the
  six-month progress update of the statements.
- **Placements made in the year by sex** (:func:`new_placements_by_sex`): every placement
  that started in the year, by the sex of the child placed.
- **UASC by sex and by age over the years** (:func:`uasc_breakdown`): the UASC rows of the
  cross-tabulations of the children on 31 March, as a breakdown of the UASC total.
- **Ethnicity against the child population and England** (:func:`ethnicity_comparison`):
  the percentage of the authority's children looked after in each of DfE's five major
  ethnic groups beside the same percentage of England's (and the region's) children looked
  after, and of the authority's children aged 0 to 17 where a population by ethnic group
  is given. Percentages of children looked after are of all of them, those whose
  ethnicity is "Refused or information not yet available" included (as DfE's are); a
  population has no such group.
- **Care leavers over the years** (:func:`care_leaver_numbers`): DfE's number of care
  leavers aged 17 to 18 and 19 to 21 (the Total of the activity breakdown: every care
  leaver of that age whose birthday fell in the year), and their sum.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from sufficiency_lib.analysis import metrics
from sufficiency_lib.published.figures import figures_frame, select
from sufficiency_lib.ssda903 import codes
from sufficiency_lib.ssda903.periods import year_end, year_start
from sufficiency_lib.vocabulary import NOT_KNOWN, CROSS, TOTAL, CareLeavers, Group, Indicator, Sex, Uasc, Unit

#: DfE's five major ethnic groups, and the sixth (not known), a row of its own.
ETHNIC_GROUPS = tuple(codes.ETHNIC_GROUPS[:5])
NOT_KNOWN_ETHNICITY = codes.ETHNIC_GROUPS[5]
CARE_LEAVER_AGES = {CareLeavers.AGED_17_18: Indicator.CARE_LEAVERS_17_18,
                    CareLeavers.AGED_19_21: Indicator.CARE_LEAVERS_19_21}
ALL_CARE_LEAVERS = "Care leavers aged 17 to 21"


# --- looked after during the year ---------------------------------------------------------

def during_year_by_uasc(tables: dict[str, pd.DataFrame], year: int) -> dict[str, int]:
    """Children looked after at any time during ``year`` (see the module docstring), split
    into UASC and non-UASC: ``{Uasc.YES: n, Uasc.NO: m, TOTAL: n + m}``."""
    care = metrics.return_care_episodes(tables)
    first, last = year_start(year), year_end(year)
    in_year = care.loc[metrics.open_during(care, first, last)]
    if in_year.empty:
        return {Uasc.YES: 0, Uasc.NO: 0, TOTAL: 0}
    began = in_year.groupby("CHILD")["DECOM"].min().clip(lower=first)     # first day looked after in the year
    children = pd.Series(began.index, index=began.index)
    uasc = metrics.uasc_on(children, tables.get("uasc"), began)
    yes = int(uasc.sum())
    return {Uasc.YES: yes, Uasc.NO: int(len(uasc) - yes), TOTAL: int(len(uasc))}


def during_year_figures(tables: dict[str, pd.DataFrame], authority, years) -> pd.DataFrame:
    """:func:`during_year_by_uasc` for each of ``years`` in the figures shape (indicator
    ``cla_during_year``, group UASC, with percentages of the year's total)."""
    rows = []
    for year in years:
        counts = during_year_by_uasc(tables, int(year))
        for label in (Uasc.YES, Uasc.NO, TOTAL):
            share = counts[label] / counts[TOTAL] * 100 if counts[TOTAL] else np.nan
            for unit, value in ((Unit.NUMBER, counts[label]), (Unit.PERCENT, share)):
                rows.append({"time_period": int(year), "indicator": Indicator.DURING_YEAR,
                             "breakdown_group": Group.UASC, "breakdown": label, "unit": unit, "value": value})
    return _in_place(pd.DataFrame(rows), authority)


# --- the latest six months: 30 September to 31 March -------------------------------------------

SEPTEMBER, MARCH, CHANGE = "september", "march", "change"


def six_month_dates(year: int) -> tuple[pd.Timestamp, pd.Timestamp]:
    """30 September of ``year`` - 1 and 31 March of ``year``: the latest six months of the
    statement's year."""
    return pd.Timestamp(year=int(year) - 1, month=9, day=30), year_end(year)


def looked_after_on_by_uasc(tables: dict[str, pd.DataFrame], day: pd.Timestamp) -> dict[str, int]:
    """Children looked after at the end of ``day``, DfE's "looked after at 31 March" applied
    to any day (distinct children with a non-short-break episode started on or before it and
    not ended by it), split by UASC status on that day (DfE's definition, as
    :func:`~sufficiency_lib.analysis.metrics.uasc_on`): ``{Uasc.YES: n, Uasc.NO: m, TOTAL: n + m}``."""
    care = metrics.return_care_episodes(tables)
    children = pd.Series(metrics.open_at(care, pd.Timestamp(day))["CHILD"].drop_duplicates().to_numpy())
    uasc = metrics.uasc_on(children, tables.get("uasc"), pd.Timestamp(day))
    yes = int(uasc.sum())
    return {Uasc.YES: yes, Uasc.NO: int(len(children) - yes), TOTAL: int(len(children))}


def six_month_change(tables: dict[str, pd.DataFrame], year: int) -> pd.DataFrame:
    """The number looked after at 30 September (``year`` - 1) and at 31 March (``year``),
    each by UASC status (:func:`looked_after_on_by_uasc`), and the change over the six
    months: one row per status (UASC, non-UASC, Total), columns ``breakdown``,
    ``september``, ``march`` and ``change`` (March less September)."""
    september, march = (looked_after_on_by_uasc(tables, day) for day in six_month_dates(year))
    labels = [Uasc.YES, Uasc.NO, TOTAL]
    out = pd.DataFrame({"breakdown": labels, SEPTEMBER: [september[k] for k in labels],
                        MARCH: [march[k] for k in labels]})
    return out.assign(**{CHANGE: out[MARCH] - out[SEPTEMBER]})


# --- placements made in the year, by the child's sex ----------------------------------------------

def new_placements_by_sex(tables: dict[str, pd.DataFrame], year: int) -> dict[str, int]:
    """Placements that started in ``year`` (1 April to 31 March; a placement as
    :func:`~sufficiency_lib.analysis.metrics.placements` defines it, short breaks left out)
    by the sex of the child placed (the header's SEX; "Not known" where it has none): each
    placement counts, so a child placed twice counts twice, as DfE counts new placements."""
    placed = metrics.return_placements(tables)
    new = placed.loc[placed["start"].between(year_start(year), year_end(year))]
    header = tables["header"].drop_duplicates("CHILD", keep="last").set_index("CHILD")["SEX"]
    sex = new["CHILD"].map(header).astype("string").str.strip().map(codes.SEX).fillna(NOT_KNOWN)
    counts = sex.value_counts()
    labels = (*Sex.ORDER, *sorted(set(counts.index) - set(Sex.ORDER)))
    return {**{label: int(counts.get(label, 0)) for label in labels}, TOTAL: int(len(sex))}


def new_placement_sex_figures(tables: dict[str, pd.DataFrame], authority, years) -> pd.DataFrame:
    """:func:`new_placements_by_sex` for each of ``years`` in the figures shape (indicator
    ``new_placements``, group Sex, with percentages of the year's total)."""
    rows = []
    for year in years:
        counts = new_placements_by_sex(tables, int(year))
        for label, count in counts.items():
            share = count / counts[TOTAL] * 100 if counts[TOTAL] else np.nan
            for unit, value in ((Unit.NUMBER, count), (Unit.PERCENT, share)):
                rows.append({"time_period": int(year), "indicator": Indicator.NEW_PLACEMENTS,
                             "breakdown_group": Group.SEX, "breakdown": label, "unit": unit, "value": value})
    return _in_place(pd.DataFrame(rows), authority)


def _in_place(frame: pd.DataFrame, authority) -> pd.DataFrame:
    place = {"geographic_level": "Local authority", "country_code": "E92000001",
             "region_code": authority.region_code, "region_name": authority.region_name,
             "old_la_code": authority.old_la_code, "new_la_code": authority.new_la_code,
             "la_name": authority.la_name}
    return figures_frame(frame.assign(**place, status="", source="903 return"))


# --- UASC by sex and age over the years ----------------------------------------------------

def uasc_breakdown(figures: pd.DataFrame, crosstab: str, group: str, status: str = Uasc.YES) -> pd.DataFrame:
    """The ``status`` rows of a UASC cross-tabulation (``Group.UASC_BY_SEX`` or
    ``Group.UASC_BY_AGE``, breakdowns ``"UASC; Male"``) as a breakdown ``group`` of the
    children looked after at 31 March with that status: counts, a Total (the UASC count),
    and percentages of it. Figures rows (the place columns of ``figures``)."""
    rows = figures.loc[figures["breakdown_group"].eq(crosstab) & figures["unit"].eq(Unit.NUMBER)
                       & figures["breakdown"].astype(str).str.startswith(status + CROSS)]
    if rows.empty:
        return figures.iloc[:0]
    parts = rows.assign(breakdown_group=group,
                        breakdown=rows["breakdown"].astype(str).str.split(CROSS, n=1).str[1])
    totals = parts.groupby("time_period", observed=True)["value"].sum(min_count=1)
    total = parts.drop_duplicates("time_period").assign(breakdown=TOTAL)
    total["value"] = total["time_period"].map(totals).astype("Float64")
    counts = pd.concat([parts, total], ignore_index=True)
    share = counts.assign(unit=Unit.PERCENT,
                          value=counts["value"] / counts["time_period"].map(totals).replace(0, np.nan) * 100)
    return figures_frame(pd.concat([counts, share], ignore_index=True).astype({"breakdown_group": str,
                                                                                 "breakdown": str, "unit": str}))


# --- ethnicity against the population and England -------------------------------------------

def _shares(counts: pd.Series) -> pd.Series:
    """Each group's percentage of the sum of all the groups given (not known included)."""
    counts = counts.astype("float64")
    total = counts.sum(min_count=1)
    return counts / total * 100 if not pd.isna(total) and total else counts * np.nan


def place_ethnicity(figures: pd.DataFrame, year: int, level: str, code: str = "",
                    unit: str = Unit.NUMBER) -> pd.Series:
    """Children looked after at 31 March ``year`` by major ethnic group (counts, or with
    ``unit`` percent DfE's percentages), of one place of a figures frame: ``level`` "Local
    authority" (``code`` its new LA code), "Regional" (``code`` the region code) or
    "National"."""
    mask = (figures["indicator"].eq(Indicator.CLA) & figures["unit"].eq(unit)
            & figures["breakdown_group"].eq(Group.ETHNICITY) & figures["time_period"].eq(int(year))
            & figures["geographic_level"].eq(level))
    if level == "Local authority":
        mask &= figures["new_la_code"].eq(code)
    elif level == "Regional":
        mask &= figures["region_code"].eq(code)
    rows = figures.loc[mask & figures["breakdown"].ne(TOTAL)]
    return rows.set_index(rows["breakdown"].astype(str))["value"].astype("float64")


def ethnicity_comparison(authority_counts: pd.Series, england_percent: pd.Series,
                         region_percent: pd.Series | None = None, population_counts: pd.Series | None = None,
                         authority_percent: pd.Series | None = None) -> pd.DataFrame:
    """One row per ethnic group (DfE's five major groups, then not known): ``children``
    (the authority's count, as given), ``percent`` of the authority's children looked after
    (``authority_percent`` where given, else of the sum of ``authority_counts``, those whose
    ethnicity is not known included, as DfE's percentages are), ``region`` and ``england``
    (their published percentages, as given), and ``population``: the percentage of the
    authority's children aged 0 to 17 (of the sum of ``population_counts``, which has no
    not-known group). Missing where not given; every series is indexed by DfE's labels."""
    out = pd.DataFrame({"ethnic_group": [*ETHNIC_GROUPS, NOT_KNOWN_ETHNICITY]})
    empty = pd.Series(dtype="float64")
    out["children"] = out["ethnic_group"].map(authority_counts).astype("float64")
    mine = authority_percent if authority_percent is not None else _shares(authority_counts)
    for column, values in (("percent", mine), ("region", region_percent), ("england", england_percent),
                           ("population", _shares(population_counts) if population_counts is not None else None)):
        out[column] = out["ethnic_group"].map(values if values is not None else empty).astype("float64")
    return out


# --- care leavers over the years -------------------------------------------------------------

def care_leaver_numbers(figures: pd.DataFrame, code: str, years) -> pd.DataFrame:
    """DfE's number of care leavers of the authority ``code`` aged 17 to 18, 19 to 21 and
    in all, one row a year (the Total of the activity breakdown; missing where not given)."""
    out = pd.DataFrame({"time_period": [int(y) for y in years]})
    for label, indicator in CARE_LEAVER_AGES.items():
        rows = select(figures, indicator, Unit.NUMBER, Group.ACTIVITY, TOTAL)
        rows = rows.loc[rows["new_la_code"].eq(code)].set_index("time_period")["value"]
        out[label] = out["time_period"].map(rows).astype("float64")
    out[ALL_CARE_LEAVERS] = out[list(CARE_LEAVER_AGES)].sum(axis=1, min_count=len(CARE_LEAVER_AGES))
    return out
