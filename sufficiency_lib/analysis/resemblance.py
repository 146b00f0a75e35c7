"""How closely the figures computed from a return resemble the composition figures an
authority's statements printed (the demo's yardstick: ``published_composition.csv``).

The composition file has one row per (authority, period, measure, category) with a value
and a unit (count or percent). :data:`MEASURES` says how each is computed from the
figures of :func:`metrics.return_figures`; measures the 903 cannot give (UASC home
country, for one) are reported as not computable rather than left out. A figure a
statement printed on another basis than the return's (:data:`OTHER_BASIS`) is computed
and shown with the reason, but not counted in :func:`summary`.
"""
from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np
import pandas as pd

from sufficiency_lib.analysis import metrics, nts
from sufficiency_lib.published.figures import TOTAL
from sufficiency_lib.vocabulary import CROSS, CareLeavers, Distance, Locality, PlacementGroup, Stability, TIME_IN_CARE_BANDS, Uasc

AGE = {"Under 1": ["Under 1 year"], "1 to 4": ["1 to 4 years"], "5 to 9": ["5 to 9 years"],
       "10 to 15": ["10 to 15 years"], "16 to 17": ["16 years and over"],
       "Under 5": ["Under 1 year", "1 to 4 years"]}
ETHNICITY = {"White": "White", "Mixed": "Mixed or Multiple ethnic groups",
             "Asian or Asian British": "Asian or Asian British",
             "Black or Black British": "Black, African, Caribbean or Black British",
             "Other ethnic groups": "Other ethnic group",
             "Not stated / not yet obtained": "Refused or information not yet available"}
LEGAL = {"Interim care order": ["Interim care order"], "Full care order": ["Full care order"],
         "Section 20": ["Voluntary agreements under S20 CA 1989"], "Placement order": ["Placement order granted"],
         "Other": ["Youth justice legal statuses", "Detained for child protection"]}
LOCATION = {"In area": Locality.INSIDE, "Out of area": Locality.OUTSIDE, "20 miles or less": Distance.NEAR,
            "More than 20 miles": Distance.FAR}
UASC_PLACEMENT = {"In-house foster care": PlacementGroup.IN_HOUSE, "IFA foster care": PlacementGroup.IFA,
                  "Supported accommodation": PlacementGroup.SUPPORTED}
RESIDENTIAL = ["Residential children's homes", "Secure units", "Residential schools", "Other residential settings"]
LEAVERS = ["care_leavers_17_18", "care_leavers_19_21"]
CARE = "cla_31_march"


class Year:
    """The figures of one authority and year, with the lookups the measures need."""

    def __init__(self, figures: pd.DataFrame, year: int):
        rows = figures.loc[figures["time_period"].eq(int(year)) & figures["unit"].eq("number")]
        self.values = rows.set_index(["indicator", "breakdown_group", "breakdown"])["value"].astype(float)
        self.groups = set(zip(rows["indicator"], rows["breakdown_group"]))

    def n(self, indicator: str, group: str = TOTAL, *breakdowns: str) -> float:
        """The sum of ``breakdowns`` of a group (a breakdown the group lacks is zero: cross-tabs
        list only the cells with children); missing when the group itself is absent."""
        if (indicator, group) not in self.groups:
            return np.nan
        keys = [(indicator, group, b) for b in (breakdowns or (TOTAL,))]
        return float(sum(self.values.get(k, 0.0) for k in keys))

    def pct(self, part: float, whole: float) -> float:
        return part / whole * 100 if whole else np.nan

    def share(self, indicator: str, group: str, *breakdowns: str) -> float:
        return self.pct(self.n(indicator, group, *breakdowns), self.n(indicator, group, TOTAL))

    def cross(self, group: str, row: str, *columns: str) -> float:
        return self.n(CARE, group, *[f"{row}{CROSS}{c}" for c in columns])

    def leavers(self, group: str, breakdown: str) -> float:
        part = sum(self.n(ind, group, breakdown) for ind in LEAVERS)
        return self.pct(part, sum(self.n(ind, group, TOTAL) for ind in LEAVERS))


Measure = Callable[[Year, str, dict], float]
SEX_GROUP = "Placement group by sex"


def _male_share(placement: str) -> Measure:
    return lambda y, c, a: y.pct(y.cross(SEX_GROUP, placement, "Male"), y.cross(SEX_GROUP, placement, "Male", "Female"))


#: measure -> how to compute it from a :class:`Year` (category and the authority's params given).
MEASURES: dict[str, Measure] = {
    "cla_at_31_march": lambda y, c, a: y.n(CARE),
    "cla": lambda y, c, a: y.n(CARE),
    "looked_after_at_any_time": lambda y, c, a: y.n("cla_during_year"),
    "started": lambda y, c, a: y.n("cla_started", "Unaccompanied asylum-seeking children", c),
    "ceased": lambda y, c, a: y.n("cla_ceased", "Unaccompanied asylum-seeking children", c),
    "ifa_foster_placements_by_age": lambda y, c, a: y.cross("Placement group by age group", PlacementGroup.IFA, *AGE[c]),
    "residential_childrens_home_by_age": lambda y, c, a: y.cross("Placement group by age group",
                                                                 "Residential children's homes", *AGE[c]),
    "in_house_foster_placements_aged_10_to_15": lambda y, c, a: y.cross("Placement group by age group",
                                                                        PlacementGroup.IN_HOUSE, "10 to 15 years"),
    "supported_accommodation": lambda y, c, a: y.n(CARE, "Placement group", PlacementGroup.SUPPORTED),
    "residential_provisions": lambda y, c, a: y.n(CARE, "Placement group", *RESIDENTIAL),
    "ifa_foster_placements": lambda y, c, a: y.n(CARE, "Placement group", PlacementGroup.IFA),
    "in_house_foster_placements": lambda y, c, a: y.n(CARE, "Placement group", PlacementGroup.IN_HOUSE),
    "connected_persons_percent": lambda y, c, a: y.share(CARE, "Placement group", PlacementGroup.CONNECTED),
    "foster_placements_percent": lambda y, c, a: y.share(CARE, "Placement", "Foster placements"),
    "ethnicity": lambda y, c, a: y.n(CARE, "Ethnicity", ETHNICITY[c]),
    "white_percent": lambda y, c, a: y.share(CARE, "Ethnicity", "White"),
    "age_16_plus_percent": lambda y, c, a: y.share(CARE, "Age group", "16 years and over"),
    "male_percent": lambda y, c, a: y.share(CARE, "Sex", "Male"),
    "male_percent_residential_childrens_homes": _male_share("Residential children's homes"),
    "male_percent_supported_accommodation": _male_share(PlacementGroup.SUPPORTED),
    "legal_status": lambda y, c, a: y.n(CARE, "Legal status", *LEGAL[c]),
    "legal_status_percent": lambda y, c, a: y.share(CARE, "Legal status", *LEGAL[c]),
    "location": lambda y, c, a: y.n(CARE, "Locality of placement" if "area" in c else
                                    "Distance between home and placement", LOCATION[c]),
    "in_care_less_than_2_years_percent": lambda y, c, a: y.share(CARE, "Time in care", *TIME_IN_CARE_BANDS[:3]),
    "three_or_more_placements_percent": lambda y, c, a: y.share(CARE, "Placement stability", Stability.THREE_OR_MORE),
    "uasc": lambda y, c, a: (y.n(CARE, "Unaccompanied asylum-seeking children", Uasc.YES) if c == TOTAL
                             else y.cross("Sex of UASC", Uasc.YES, c)),
    "uasc_percent": lambda y, c, a: y.share(CARE, "Unaccompanied asylum-seeking children", Uasc.YES),
    "uasc_by_placement": lambda y, c, a: y.cross("Placement group of UASC", Uasc.YES, UASC_PLACEMENT[c]),
    "uasc_in_supported_accommodation_percent": lambda y, c, a: y.pct(
        y.cross("Placement group of UASC", Uasc.YES, PlacementGroup.SUPPORTED),
        y.n(CARE, "Unaccompanied asylum-seeking children", Uasc.YES)),
    "nts_ceiling": lambda y, c, a: nts.nts_ceiling(a.get("population", np.nan), a["date"]),
    "care_leavers": lambda y, c, a: sum(y.n(ind, "In touch", TOTAL) for ind in LEAVERS),
    "care_leavers_in_touch_percent": lambda y, c, a: y.leavers("In touch", "In touch"),
    "care_leavers_suitable_accommodation_percent": lambda y, c, a: y.leavers("Accommodation suitability",
                                                                             "Accommodation considered suitable"),
    "care_leavers_eet_percent": lambda y, c, a: y.leavers("Activity", CareLeavers.EET),
    "placements_made": lambda y, c, a: y.n("new_placements", "Placement group", TOTAL),
    "placements_made_ifa": lambda y, c, a: y.n("new_placements", "Placement group", PlacementGroup.IFA),
    "placements_made_in_house_fostering": lambda y, c, a: y.n("new_placements", "Placement group",
                                                              PlacementGroup.IN_HOUSE),
    "placements_made_residential_childrens_home": lambda y, c, a: y.n("new_placements", "Placement group",
                                                                      "Residential children's homes"),
    "placements_made_in_county_percent": lambda y, c, a: y.share("new_placements", "Locality of placement",
                                                                 Locality.INSIDE),
    "placements_made_out_of_county": lambda y, c, a: y.n("new_placements", "Locality of placement", Locality.OUTSIDE),
}

#: Printed figures measured on another basis than the 903 return's (DfE's, which the return
#: follows): (authority, measure) -> the reason, with the evidence in DfE's own figures
#: ("Care leavers' activity", 2020). Shown beside the computed figure, not counted.
OTHER_BASIS = {
    ("E10000003", "care_leavers_eet_percent"):
        "printed on the statement's own basis: 65% in 2020, where DfE has 46% of care leavers aged 17 to 21 "
        "in education, employment or training (189 of 413; 54% of those aged 17-18, 44% of those aged 19-21)",
    ("E06000031", "care_leavers_eet_percent"):
        "printed for care leavers aged 19 to 21 only: 43% in 2020 is DfE's 78 of 181 aged 19-21; "
        "the 903 measure counts those aged 17 to 21 (DfE: 116 of 244, 48%)",
}
OTHER_BASIS_NOTE = "another basis"


def collection_year(period) -> int | None:
    """A printed period as a collection year: 2020 stays, "2019/20" (April-March) is 2020;
    other periods (a month, a span of months) match no 903 year and give None."""
    text = str(period).strip()
    if re.fullmatch(r"\d{4}", text):
        return int(text)
    if re.fullmatch(r"\d{4}/\d{2}", text):
        return int(text[:4]) + 1
    return None


def compare(figures: pd.DataFrame, composition: pd.DataFrame, population: dict[int, int] | None = None) -> pd.DataFrame:
    """Each printed composition figure beside the one computed from ``figures`` (one
    authority), with the difference (computed less printed; percentage points for
    percentages). ``computed`` is missing where the measure is not computable from a 903
    return (``note`` says so)."""
    wanted = {collection_year(p) for p in composition["period"].unique()} - {None}
    years = {year: Year(figures, year) for year in wanted}
    rows = []
    population = population or {}
    for row in composition.itertuples(index=False):
        period = collection_year(row.period)
        measure = MEASURES.get(row.measure) if period is not None else None
        extra = {"population": population.get(period - 1, np.nan) if period else np.nan,
                 "date": pd.Timestamp(period or 2000, 3, 31)}
        try:
            value = measure(years[period], row.category, extra) if measure else np.nan
        except KeyError:
            value = np.nan
        note = ("not a 31 March or April-March figure" if period is None else "not in the 903 return"
                if not measure else "not computed by the suite" if pd.isna(value) else "")
        basis = OTHER_BASIS.get((row.new_la_code, row.measure))
        if basis and not note:
            note = f"{OTHER_BASIS_NOTE}: {basis}"
        rows.append({"new_la_code": row.new_la_code, "period": row.period, "measure": row.measure,
                     "category": row.category, "unit": row.unit, "printed": float(row.value),
                     "computed": value, "difference": value - float(row.value), "note": note})
    return pd.DataFrame(rows)


def summary(compared: pd.DataFrame) -> pd.DataFrame:
    """Per authority and unit: figures compared, median and largest absolute gap, and the
    share of counts within 20% / percentages within 5 points. Figures with a note (not
    computable, or printed on another basis: :data:`OTHER_BASIS`) are left out."""
    known = compared.loc[compared["computed"].notna() & compared["note"].eq("")].copy()
    known["gap"] = known["difference"].abs()
    known["relative"] = np.where(known["unit"].eq("count"), known["gap"] / known["printed"].where(
        known["printed"] > 0), np.nan)
    known["close"] = np.where(known["unit"].eq("count"), known["relative"] <= 0.2, known["gap"] <= 5)
    return known.groupby(["new_la_code", "unit"]).agg(
        compared=("gap", "size"), median_gap=("gap", "median"), largest_gap=("gap", "max"),
        close_share=("close", "mean")).reset_index()


def compare_authority(inputs, composition: pd.DataFrame) -> pd.DataFrame:
    """:func:`compare` for the rows of ``composition`` of ``inputs``' authority, computed
    from the return ``inputs`` name (a demo authority's synthetic one must exist already)."""
    from sufficiency_lib.analysis.facts import load_return

    authority = inputs.authority
    rows = composition.loc[composition["new_la_code"].eq(authority.new_la_code)]
    if rows.empty:
        return compare(pd.DataFrame(columns=["time_period", "unit"]), rows)
    years = sorted({collection_year(p) for p in rows["period"]} - {None})
    loaded = load_return(inputs)
    figures = metrics.return_figures(loaded.tables, authority, years, source=loaded.source)
    return compare(figures, rows, authority.population_0_17)
