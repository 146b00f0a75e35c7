"""Chapter 4, population composition: age, sex, ethnicity, legal status, time in care,
where children live, and unaccompanied asylum-seeking children."""
from __future__ import annotations

import pandas as pd

from sufficiency_lib.ssda903 import codes
from sufficiency_lib.analysis import disclosure, findings, metrics
from sufficiency_lib.statement import narrative, tidy
from sufficiency_lib.statement.tables import Table
from sufficiency_lib.statement.chapters.common import Block, Context, benchmark_block, composition, crosstab, suppressed_value
from sufficiency_lib.statement.chapters.page import Chapter

AT_31_MARCH = "children looked after at 31 March"
UASC_GROUP = "Unaccompanied asylum-seeking children"


def nts(ctx: Context) -> Block:
    """UASC looked after at 31 March against the National Transfer Scheme ceiling."""
    rows = []
    for year in ctx.years:
        population = ctx.authority.population_0_17.get(year - 1)
        ceiling = metrics.nts_ceiling(population, pd.Timestamp(year, 3, 31)) if population else float("nan")
        count = suppressed_value(ctx, "cla_31_march", UASC_GROUP, metrics.UASC, year)
        rows.append({"time_period": year, "uasc_count": count, "nts_ceiling": ceiling,
                     "percent_of_ceiling": count / ceiling * 100 if ceiling else float("nan")})
    frame = pd.DataFrame(rows)
    shown = frame.assign(uasc_count=frame["uasc_count"].map(narrative.count_text),
                         nts_ceiling=frame["nts_ceiling"].map(lambda v: "x" if pd.isna(v) else f"{v:.0f}"),
                         percent_of_ceiling=frame["percent_of_ceiling"].map(
                             lambda v: disclosure.SUPPRESSED if pd.isna(v) else f"{v:.0f}"))
    last = frame.iloc[-1]
    sentence = narrative.describe_against(last["uasc_count"], last["nts_ceiling"],
                                          f"the number of UASC looked after at 31 March {ctx.year}",
                                          "the National Transfer Scheme ceiling") or (
        "The National Transfer Scheme ceiling needs the 0-17 population in the authority's params file.")
    table = Table(shown.rename(columns={"time_period": "Year", "uasc_count": "UASC looked after at 31 March",
                                        "nts_ceiling": "NTS ceiling", "percent_of_ceiling": "% of ceiling"}),
                  caption=f"Unaccompanied asylum-seeking children against the National Transfer Scheme ceiling, "
                          f"{ctx.name}", source=f"{ctx.source}; ONS mid-year population aged 0 to 17")
    data = tidy.la_frame(ctx.authority, ctx.years).merge(shown, on="time_period")
    meta = tidy.meta_frame({"uasc_count": ("UASC looked after at 31 March", "", 0),
                            "nts_ceiling": ("National Transfer Scheme ceiling", "", 0),
                            "percent_of_ceiling": ("UASC as a percentage of the ceiling", "%", 0)})
    note = ("The ceiling is 0.07% of the authority's population aged 0 to 17 (ONS mid-year estimate of the "
            "year before) until 2022 and 0.1% since; the rates and the date of change are parameters "
            "(metrics.NTS_RATES).")
    return Block("uasc_nts_ceiling", [sentence], table, None, data, meta, [note])


def build(ctx: Context) -> Chapter:
    c = AT_31_MARCH
    return Chapter(ctx, "population", {
        "age": composition(ctx, "age_group", "cla_31_march", "Age group", c, "Children looked after by age",
                           focus="16 years and over"),
        "age_benchmark": benchmark_block(ctx, "age_16_plus_benchmark", "cla_31_march",
                                         "the share of children looked after aged 16 and over",
                                         breakdown_group="Age group", breakdown="16 years and over"),
        "sex": composition(ctx, "sex", "cla_31_march", "Sex", c, "Children looked after by sex", focus="Male"),
        "sex_by_placement": crosstab(ctx, "sex_by_placement", "Placement group by sex", "Placement", "Sex",
                                     "children in each placement", "Male", columns=["Male", "Female"]),
        "ethnicity": composition(ctx, "ethnicity", "cla_31_march", "Ethnicity", c, "Children looked after by ethnicity"),
        "legal_status": composition(ctx, "legal_status", "cla_31_march", "Legal status", c,
                                    "Children looked after by legal status", focus="Full care order"),
        "time_in_care": composition(ctx, "time_in_care", "cla_31_march", "Time in care", c,
                                    "Children looked after by time in care", focus="5 years and over"),
        "locality": composition(ctx, "locality", "cla_31_march", "Locality of placement", c,
                                "Children placed inside and outside the authority", focus=metrics.OUTSIDE),
        "locality_benchmark": benchmark_block(ctx, "locality_benchmark", "cla_31_march",
                                              "the share of children placed outside the authority's boundary",
                                              breakdown_group="Locality of placement", breakdown=metrics.OUTSIDE),
        "distance": composition(ctx, "distance", "cla_31_march", "Distance between home and placement", c,
                                "Children placed more than 20 miles from home", focus=metrics.FAR),
        "distance_benchmark": benchmark_block(ctx, "distance_benchmark", "cla_31_march",
                                              "the share of children placed more than 20 miles from home",
                                              breakdown_group="Distance between home and placement",
                                              breakdown=metrics.FAR),
        "uasc": composition(ctx, "uasc", "cla_31_march", UASC_GROUP, c, "Unaccompanied asylum-seeking children",
                            focus=metrics.UASC, chart_kind="line"),
        "uasc_nts": nts(ctx),
        "uasc_placements": crosstab(ctx, "uasc_by_placement", "Placement group of UASC", "UASC status",
                                    "Placement", "children by UASC status and placement", codes.SUPPORTED_16_PLUS),
        "uasc_sex": crosstab(ctx, "uasc_by_sex", "Sex of UASC", "UASC status", "Sex", "children by UASC status and sex",
                             "Male", columns=["Male", "Female"]),
        "uasc_age": crosstab(ctx, "uasc_by_age", "Age group of UASC", "UASC status", "Age group",
                             "children by UASC status and age", "16 years and over",
                             columns=list(codes.DFE_AGE_GROUP.values())),
    }, areas=[findings.OUT_OF_AREA, findings.COMPOSITION, findings.UASC_AREA])
