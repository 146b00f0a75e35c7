"""Chapter 4, population composition: age, sex, ethnicity, legal status, time in care,
where children live, and unaccompanied asylum-seeking children."""
from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from sufficiency_lib.analysis import composition as comp
from sufficiency_lib.analysis import demand, disclosure, findings
from sufficiency_lib.analysis.facts import Facts
from sufficiency_lib.statement import narrative, stories
from sufficiency_lib.statement import tables as t
from sufficiency_lib.local import population_ethnicity
from sufficiency_lib.statement.blocks import Block, message
from sufficiency_lib.statement.chapter import Chapter
from sufficiency_lib.statement.chapters.common import benchmark_block, composition, crosstab, nothing_for, suppressed
from sufficiency_lib.vocabulary import (
    DFE_AGE_GROUPS,
    SIXTEEN_PLUS,
    TOTAL,
    Area,
    Distance,
    Group,
    Indicator,
    Locality,
    PlacementGroup,
    Sex,
    Uasc,
    Unit,
)
from sufficiency_lib.wording import half_up

AT_31_MARCH = "children looked after at 31 March"
SUPPRESSED = disclosure.SUPPRESSED
UASC_COUNTRIES = ("The child-level return does not record the country an unaccompanied asylum-seeking child came "
                  "from, so their home countries cannot be shown from it; {whose} own case records would be "
                  "needed.")
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
    note = (f"The ceiling is 0.07% of {'each council' if facts.is_group else 'the authority'}'s population aged 0 "
            "to 17 (the ONS mid-year estimate of the year before) until August 2022 and 0.1% since"
            + ("; the councils' ceilings are added up." if facts.is_group else "."))
    return Block("uasc_nts_ceiling", [sentence], table, None, [note])


# --- ethnicity against the area's children and England ------------------------------------------

ETHNICITY_COLUMNS = [t.text("ethnic_group", "Ethnic group"), t.count("children", "Children looked after"),
                     t.percent("percent", "Children looked after (%)"),
                     t.percent("region", "Region: children looked after (%)"),
                     t.percent("england", "England: children looked after (%)"),
                     t.percent("population", "All the area's children aged 0 to 17 (%)")]
MINORITY = [g for g in comp.ETHNIC_GROUPS if g != comp.ETHNIC_GROUPS[0]]
NO_POPULATION = ("The comparison with all the area's children needs the number of children aged 0 to 17 in each "
                 "ethnic group (for example from the 2021 Census), which the authority can give in its local data as "
                 "a table of the population by ethnic group; none was given, so that column is empty.")
CARER_GAP = ("The child-level return does not record the ethnicity of foster carers or other carers, so how far "
             "children live with carers who share their background cannot be measured from it; the fostering "
             "service's own records would be needed.")


def _ethnicity_counts(facts: Facts) -> pd.DataFrame:
    """The children looked after at 31 March by ethnic group, with their Total (a return's:
    a group with no row had no child)."""
    groups = [*comp.ETHNIC_GROUPS, comp.NOT_KNOWN_ETHNICITY]
    counts = comp.place_ethnicity(facts.figures, facts.year, "Local authority", facts.code).reindex(groups).fillna(0)
    return pd.DataFrame({"breakdown": [*counts.index, TOTAL], "n": [*counts.to_numpy(), counts.sum()]})


def _shown_ethnicity(facts: Facts) -> pd.Series:
    """The authority's counts as a page may show them (suppressed with their total, and for a
    group with what its members' pages hide)."""
    shown = suppressed(facts, _ethnicity_counts(facts), _ethnicity_counts, ["n"], total_row=TOTAL,
                       labels="breakdown")
    return shown.set_index("breakdown")["n"]


def ethnicity_compared(facts: Facts) -> Block:
    """The ethnicity of the children looked after at 31 March against England's and the
    region's children looked after (published) and the area's child population (a local
    table), as percentages of all the children of each."""
    groups = [*comp.ETHNIC_GROUPS, comp.NOT_KNOWN_ETHNICITY]
    mine = comp.place_ethnicity(facts.figures, facts.year, "Local authority", facts.code).reindex(groups)
    if mine.isna().all():
        return nothing_for(facts, "ethnicity_compared", "the ethnicity of children looked after")
    published = facts.published.figures if facts.published is not None else facts.figures.iloc[:0]
    percent = (None if facts.data is not None      # without a return, DfE's own percentages of the authority
               else comp.place_ethnicity(facts.figures, facts.year, "Local authority", facts.code, Unit.PERCENT))
    england = comp.place_ethnicity(published, facts.year, "National", unit=Unit.PERCENT)
    region = comp.place_ethnicity(published, facts.year, "Regional", facts.authority.region_code, Unit.PERCENT)
    population = population_ethnicity.load(facts.local_dir)
    pop_year, pop_counts = population.latest(facts.year)
    counts = mine.fillna(0) if facts.data is not None else mine     # no row in the return: no child
    table = comp.ethnicity_comparison(counts, england, region, pop_counts if population.found else None, percent)
    shown = _shown_ethnicity(facts) if facts.data is not None else counts.astype(object).where(
        counts.notna(), disclosure.SUPPRESSED)
    hidden = table["ethnic_group"].map(shown).eq(disclosure.SUPPRESSED).to_numpy()
    frame = table.astype({"children": object, "percent": object})
    frame["children"] = table["ethnic_group"].map(shown).to_numpy()
    frame.loc[hidden, "percent"] = disclosure.SUPPRESSED
    sentences = _ethnicity_sentences(facts, table, hidden, pop_year)
    sources = [facts.source, facts.benchmark_source] + ([population.source()] if population.found else [])
    declared = t.Table("ethnicity_compared", f"Ethnicity of children looked after at 31 March {facts.year}, "
                                             f"{facts.name}, against England, the region and all the area's children",
                       "; ".join(s for s in sources if s), ETHNICITY_COLUMNS, frame)
    notes = ["Percentages are of all the children of each column; children whose ethnicity is not known are a row "
             "of their own (the area's population has none)." + (
                 f" The area's children are those of {pop_year}." if population.found else ""), CARER_GAP]
    if population.plain_problems:
        sentences.append("The local table of the population by ethnic group could not be used ("
                         + "; ".join(population.plain_problems) + "), so that column is empty.")
    elif not population.found:
        sentences.append(NO_POPULATION)
    return Block("ethnicity_compared", sentences, declared, None, notes)


def _ethnicity_sentences(facts: Facts, table: pd.DataFrame, hidden: np.ndarray, pop_year) -> list[str]:
    rows = table.set_index("ethnic_group")
    minority_hidden = bool(hidden[table["ethnic_group"].isin(MINORITY).to_numpy()].any())
    sentences = []
    mine = rows.loc[MINORITY, "percent"].sum(min_count=len(MINORITY))
    england = rows.loc[MINORITY, "england"].sum(min_count=len(MINORITY))
    if not minority_hidden and not pd.isna(mine):
        text = (f"At 31 March {facts.year}, {half_up(mine):.0f}% of the children looked after were of Mixed, Asian, "
                "Black or other minority ethnic groups")
        if not pd.isna(england):
            text += f", against {half_up(england):.0f}% of all children looked after in England"
        sentences.append(text + ".")
        population = rows.loc[MINORITY, "population"].sum(min_count=len(MINORITY))
        if not pd.isna(population):
            stated, area = half_up(mine), half_up(population)        # as the sentences state them
            word = "more" if stated > area else ("less" if stated < area else "no more")
            sentences.append(f"Children of these groups made up {half_up(population):.0f}% of all the area's children "
                             f"aged 0 to 17 in {pop_year}, so they are {word} often in care than the area's children "
                             "as a whole" + ("" if word != "no more" else ", in proportion") + ".")
    return sentences


# --- the age profile ahead ---------------------------------------------------------------------

OUTLOOK_COLUMNS = [t.year(label="Year (31 March)"), t.count("mean", "Aged 16 and over (projected)"),
                   t.count("lower_80", "Likely range: from"), t.count("upper_80", "Likely range: to"),
                   t.percent("share", "Share of all children looked after (%)")]


def age_outlook(facts: Facts, outlook) -> Block:
    """Young people aged 16 and over projected to be looked after over the statement's
    years, and their share of all children in care: the child-by-child model of the return,
    its totals following the forecast of the number in care (the forecast chapter's)."""
    if outlook is None or outlook.chain is None:
        return message("age_outlook", "The projection of the age profile needs the child-level return and the "
                                      "forecast of the number in care.")
    total = demand.total_forecast(outlook.forecasts)
    ages = (outlook.chain.reconciled(total, demand.HORIZON, by=0) if len(total) == demand.HORIZON
            else outlook.chain.project(demand.HORIZON, by=0))
    older = ages.loc[ages["group"].eq(SIXTEEN_PLUS)].set_index("time_period")
    everyone = ages.loc[ages["group"].eq(TOTAL)].set_index("time_period")["mean"]
    if older.empty:
        return message("age_outlook", "No young people aged 16 and over are in the return to project.")
    frame = older[["mean", "lower_80", "upper_80"]].map(half_up).assign(
        share=(older["mean"] / everyone * 100).map(half_up)).reset_index()
    small = disclosure.small_mask(frame["mean"].to_numpy(), facts.threshold).to_numpy()
    shown = frame.astype(object)
    for column in ("mean", "lower_80", "upper_80", "share"):   # a projection of a few children is not shown
        shown.loc[small, column] = SUPPRESSED
    now = facts.share_series(Indicator.CLA, Group.AGE, SIXTEEN_PLUS).get(facts.year)
    last = frame.iloc[-1]
    sentence = ""
    if not small[-1]:
        sentence = (f"If the patterns of recent years hold, about {half_up(last['mean']):,.0f} young people aged 16 "
                    f"and over (likely between {half_up(last['lower_80']):,.0f} and {half_up(last['upper_80']):,.0f}) "
                    f"will be looked after at 31 March {int(last['time_period'])}, {half_up(last['share']):.0f}% of "
                    "all children in care"
                    + (f", against {half_up(now):.0f}% in "
                       f"{facts.year}." if now is not None and not pd.isna(now) else "."))
    table = t.Table("age_outlook", f"Young people aged 16 and over projected to be looked after, {facts.name}",
                    facts.source, OUTLOOK_COLUMNS, shown)
    note = ("Each child in the return is followed from one 31 March to the next, ageing and moving between "
            "placements as children did over recent years; the totals follow the forecast of the number in care. The "
            "likely range holds the outcome in 8 futures in 10 of those simulated.")
    return Block("age_outlook", [sentence], table, None, [note])


def sex_of_new_placements(facts: Facts) -> Block:
    """Placements made in each year by the sex of the child placed (from the return)."""
    if facts.data is None:
        return nothing_for(facts, "sex_of_new_placements", "placements made in the year by sex")
    derived = comp.new_placement_sex_figures(facts.data.tables, facts.authority, facts.years)
    members = [dataclasses.replace(m, figures=comp.new_placement_sex_figures(m.data.tables, m.authority, facts.years))
               for m in facts.members]
    return composition(dataclasses.replace(facts, figures=derived, members=members), "sex_of_new_placements",
                       Indicator.NEW_PLACEMENTS, Group.SEX, "placements made in the year",
                       "Placements made in the year by the sex of the child", focus=Sex.MALE, chart_kind="line")


# --- UASC by sex and age over the years ----------------------------------------------------------

def uasc_over_years(facts: Facts, key: str, crosstab: str, group: str, title: str, focus: str,
                    chart_kind: str = "line") -> Block:
    """Unaccompanied asylum-seeking children at 31 March by ``group`` (sex or age) over the
    years, suppressed as a breakdown of the UASC total."""
    derived = comp.uasc_breakdown(facts.figures, crosstab, group)
    if derived.empty:
        return nothing_for(facts, key, "unaccompanied asylum-seeking children by " + group.lower())
    members = [dataclasses.replace(m, figures=comp.uasc_breakdown(m.figures, crosstab, group)) for m in facts.members]
    return composition(dataclasses.replace(facts, figures=derived, members=members), key, Indicator.CLA, group,
                       "unaccompanied asylum-seeking children looked after at 31 March", title, focus=focus,
                       chart_kind=chart_kind)


def build(facts: Facts, found: list, outlook=None) -> Chapter:
    c, cla = AT_31_MARCH, Indicator.CLA
    return Chapter(facts, "population", {
        "story": stories.population(facts),
        "age": composition(facts, "age_group", cla, Group.AGE, c, "Children looked after by age", focus=SIXTEEN_PLUS),
        "age_benchmark": benchmark_block(facts, "age_16_plus_benchmark", cla,
                                         "the share of children looked after aged 16 and over",
                                         breakdown_group=Group.AGE, breakdown=SIXTEEN_PLUS),
        "age_outlook": age_outlook(facts, outlook),
        "sex": composition(facts, "sex", cla, Group.SEX, c, "Children looked after by sex", focus=Sex.MALE),
        "sex_of_new_placements": sex_of_new_placements(facts),
        "sex_by_placement": crosstab(facts, "sex_by_placement", Group.PLACEMENT_BY_SEX, "Placement", "Sex",
                                     "children in each placement", Sex.MALE, columns=list(Sex.ORDER)),
        "ethnicity": composition(facts, "ethnicity", cla, Group.ETHNICITY, c, "Children looked after by ethnicity"),
        "ethnicity_compared": ethnicity_compared(facts),
        "legal_status": composition(facts, "legal_status", cla, Group.LEGAL_STATUS, c,
                                    "Children looked after by legal status", focus="Full care order"),
        "time_in_care": composition(facts, "time_in_care", cla, Group.TIME_IN_CARE, c,
                                    "Children looked after by time in care", focus="5 years and over"),
        "locality": composition(facts, "locality", cla, Group.LOCALITY, c,
                                "Children placed inside and outside " + ("their own council" if facts.is_group
                                                                         else "the authority"), focus=Locality.OUTSIDE),
        "locality_benchmark": benchmark_block(facts, "locality_benchmark", cla,
                                              f"the share of children placed outside {facts.own_boundary}",
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
        "uasc_sex_trend": uasc_over_years(facts, "uasc_sex_trend", Group.UASC_BY_SEX, Group.SEX,
                                          "Unaccompanied asylum-seeking children by sex", Sex.MALE),
        "uasc_age": crosstab(facts, "uasc_by_age", Group.UASC_BY_AGE, "UASC status", "Age group",
                             "children by UASC status and age", SIXTEEN_PLUS, columns=list(DFE_AGE_GROUPS)),
        "uasc_age_trend": uasc_over_years(facts, "uasc_age_trend", Group.UASC_BY_AGE, Group.AGE,
                                          "Unaccompanied asylum-seeking children by age", SIXTEEN_PLUS,
                                          chart_kind="bar"),
        "uasc_countries": message("uasc_countries", UASC_COUNTRIES.format(whose=facts.whose)),
    }, found, areas=[Area.OUT_OF_AREA, Area.COMPOSITION, Area.UASC])
