"""Chapter 4, population composition: age, sex, ethnicity, legal status, time in care,
where children live, and unaccompanied asylum-seeking children."""
from __future__ import annotations

import pandas as pd

from sufficiency_lib.analysis import disclosure, findings
from sufficiency_lib.analysis.facts import Facts
from sufficiency_lib.statement import narrative, stories
from sufficiency_lib.statement import tables as t
from sufficiency_lib.statement.blocks import Block
from sufficiency_lib.statement.chapter import Chapter
from sufficiency_lib.statement.chapters.common import benchmark_block, composition, crosstab
from sufficiency_lib.vocabulary import (
    DFE_AGE_GROUPS,
    SIXTEEN_PLUS,
    Area,
    Distance,
    Group,
    Indicator,
    Locality,
    PlacementGroup,
    Sex,
    Uasc,
)

AT_31_MARCH = "children looked after at 31 March"
NTS_COLUMNS = [t.year(), t.count("uasc_count", "UASC looked after at 31 March"),
               t.count("nts_ceiling", "National Transfer Scheme ceiling"),
               t.percent("percent_of_ceiling", "UASC as a percentage of the ceiling")]


def nts(facts: Facts) -> Block:
    """UASC looked after at 31 March against the National Transfer Scheme ceiling."""
    rows = []
    for year in facts.years:
        ceiling = findings.nts_ceiling(facts, year)
        count = facts.shown(Indicator.CLA, Group.UASC, Uasc.YES, year)
        rows.append({"time_period": year, "uasc_count": count, "nts_ceiling": ceiling,
                     "percent_of_ceiling": count / ceiling * 100 if ceiling else float("nan")})
    frame = pd.DataFrame(rows)
    last = frame.iloc[-1]
    sentence = narrative.describe_against(last["uasc_count"], last["nts_ceiling"],
                                          f"the number of UASC looked after at 31 March {facts.year}",
                                          "the National Transfer Scheme ceiling") or (
        "The National Transfer Scheme ceiling cannot be worked out: the published statistics hold no population "
        "aged 0 to 17 for the authority.")
    hidden = frame["uasc_count"].isna()     # suppressed: its share of the ceiling would give it away
    shown = frame.assign(uasc_count=frame["uasc_count"].astype(object).where(~hidden, disclosure.SUPPRESSED),
                         percent_of_ceiling=frame["percent_of_ceiling"].astype(object).where(~hidden,
                                                                                             disclosure.SUPPRESSED))
    table = t.Table("uasc_nts_ceiling", f"Unaccompanied asylum-seeking children against the National Transfer "
                                        f"Scheme ceiling, {facts.name}",
                    f"{facts.source}; ONS mid-year population estimates of children aged 0 to 17", NTS_COLUMNS, shown)
    note = ("The ceiling is 0.07% of the authority's population aged 0 to 17 (the ONS mid-year estimate of the "
            "year before) until August 2022 and 0.1% since.")
    return Block("uasc_nts_ceiling", [sentence], table, None, [note])


def build(facts: Facts, found: list, outlook=None) -> Chapter:
    c, cla = AT_31_MARCH, Indicator.CLA
    return Chapter(facts, "population", {
        "story": stories.population(facts),
        "age": composition(facts, "age_group", cla, Group.AGE, c, "Children looked after by age", focus=SIXTEEN_PLUS),
        "age_benchmark": benchmark_block(facts, "age_16_plus_benchmark", cla,
                                         "the share of children looked after aged 16 and over",
                                         breakdown_group=Group.AGE, breakdown=SIXTEEN_PLUS),
        "sex": composition(facts, "sex", cla, Group.SEX, c, "Children looked after by sex", focus=Sex.MALE),
        "sex_by_placement": crosstab(facts, "sex_by_placement", Group.PLACEMENT_BY_SEX, "Placement", "Sex",
                                     "children in each placement", Sex.MALE, columns=list(Sex.ORDER)),
        "ethnicity": composition(facts, "ethnicity", cla, Group.ETHNICITY, c, "Children looked after by ethnicity"),
        "legal_status": composition(facts, "legal_status", cla, Group.LEGAL_STATUS, c,
                                    "Children looked after by legal status", focus="Full care order"),
        "time_in_care": composition(facts, "time_in_care", cla, Group.TIME_IN_CARE, c,
                                    "Children looked after by time in care", focus="5 years and over"),
        "locality": composition(facts, "locality", cla, Group.LOCALITY, c,
                                "Children placed inside and outside the authority", focus=Locality.OUTSIDE),
        "locality_benchmark": benchmark_block(facts, "locality_benchmark", cla,
                                              "the share of children placed outside the authority's boundary",
                                              breakdown_group=Group.LOCALITY, breakdown=Locality.OUTSIDE),
        "distance": composition(facts, "distance", cla, Group.DISTANCE, c,
                                "Children placed more than 20 miles from home", focus=Distance.FAR),
        "distance_benchmark": benchmark_block(facts, "distance_benchmark", cla,
                                              "the share of children placed more than 20 miles from home",
                                              breakdown_group=Group.DISTANCE, breakdown=Distance.FAR),
        "uasc": composition(facts, "uasc", cla, Group.UASC, c, "Unaccompanied asylum-seeking children",
                            focus=Uasc.YES, chart_kind="line"),
        "uasc_nts": nts(facts),
        "uasc_placements": crosstab(facts, "uasc_by_placement", Group.UASC_BY_PLACEMENT, "UASC status",
                                    "Placement", "children by UASC status and placement", PlacementGroup.SUPPORTED),
        "uasc_sex": crosstab(facts, "uasc_by_sex", Group.UASC_BY_SEX, "UASC status", "Sex",
                             "children by UASC status and sex", Sex.MALE, columns=list(Sex.ORDER)),
        "uasc_age": crosstab(facts, "uasc_by_age", Group.UASC_BY_AGE, "UASC status", "Age group",
                             "children by UASC status and age", SIXTEEN_PLUS, columns=list(DFE_AGE_GROUPS)),
    }, found, areas=[Area.OUT_OF_AREA, Area.COMPOSITION, Area.UASC])
