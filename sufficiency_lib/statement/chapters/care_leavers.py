"""Chapter 5, care leavers: how many there are, and those in touch, in suitable
accommodation, and in education, employment or training, by age 17 to 18 and 19 to 21,
against comparators; and the authority's local offer to them."""
from __future__ import annotations

import pandas as pd

from sufficiency_lib.analysis import composition as comp
from sufficiency_lib.analysis import disclosure
from sufficiency_lib.analysis.facts import Facts
from sufficiency_lib.local import local_offer
from sufficiency_lib.statement import charts, narrative, stories
from sufficiency_lib.statement import tables as t
from sufficiency_lib.statement.blocks import Block, message
from sufficiency_lib.statement.chapter import Chapter
from sufficiency_lib.statement.chapters.common import benchmark_block, composition
from sufficiency_lib.vocabulary import Area, CareLeavers, Group, Indicator
from sufficiency_lib.wording import year_span

AGES = {Indicator.CARE_LEAVERS_17_18: "17 to 18", Indicator.CARE_LEAVERS_19_21: "19 to 21"}
NUMBER_COLUMNS = {CareLeavers.AGED_17_18: "aged_17_18", CareLeavers.AGED_19_21: "aged_19_21",
                  comp.ALL_CARE_LEAVERS: "aged_17_21"}
NO_OFFER = ("The authority's local offer to care leavers (the support it gives with housing, money, education, "
            "work, health and relationships) is its own decision and is not part of the figures. It can be given in "
            "the local data as a table of the local offer, one row per area; none was given for this statement.")


def numbers(facts: Facts) -> Block:
    """DfE's number of care leavers aged 17 to 18, 19 to 21 and in all, over the years."""
    published = facts.published is not None
    figures = facts.published.figures if published else facts.figures
    values = comp.care_leaver_numbers(figures, facts.code, facts.years)
    if values[list(NUMBER_COLUMNS)].isna().all().all():
        return message("care_leaver_numbers", "No figure of the number of care leavers is available.")
    shown = values.rename(columns=NUMBER_COLUMNS)
    counts = list(NUMBER_COLUMNS.values())
    shown = disclosure.suppress_small_counts(shown, counts, facts.threshold)
    source = facts.benchmark_source if published else facts.source
    columns = [t.year(), t.count("aged_17_18", "Aged 17 to 18"), t.count("aged_19_21", "Aged 19 to 21"),
               t.count("aged_17_21", "All care leavers aged 17 to 21")]
    table = t.Table("care_leaver_numbers", f"Care leavers, {facts.name}", source, columns, shown)
    plotted = disclosure.chart_data(shown, counts).frame.rename(columns={v: k for k, v in NUMBER_COLUMNS.items()})
    total = plotted.set_index("time_period")[comp.ALL_CARE_LEAVERS]
    sentence = narrative.describe_trend(total, "the number of care leavers aged 17 to 21").replace(
        "At 31 March", "In the year to 31 March")
    long = plotted.melt(id_vars="time_period", value_vars=list(NUMBER_COLUMNS)[:2], var_name="series",
                        value_name="young people").dropna()
    chart = charts.line_chart(long, x="time_period", y="young people", hue="series",
                              title=f"Care leavers, {facts.name}, {year_span(facts.years[0], facts.years[-1])}",
                              y_label="Number of care leavers", source=source,
                              alt=f"Line chart of the number of care leavers aged 17 to 18 and 19 to 21 in "
                                  f"{facts.name}, {year_span(facts.years[0], facts.years[-1])}. {sentence}")
    note = ("Care leavers are young people who were looked after for at least 13 weeks after their 14th birthday, "
            "including some time after their 16th, counted in the year of their 17th to 21st birthday, as DfE "
            "publishes them.")
    return Block("care_leaver_numbers", [sentence], table, chart, [note])


def offer(facts: Facts) -> Block:
    """The authority's local offer to care leavers, where its local data give it; else the
    place for it, saying what would fill it."""
    found = local_offer.load(facts.local_dir)
    if found.plain_problems:
        return message("local_offer", "The local table of the offer to care leavers could not be used ("
                       + "; ".join(found.plain_problems) + "), so it is not shown.")
    if not found.found:
        return message("local_offer", NO_OFFER)
    frame = pd.DataFrame({"area": found.table["area"], "offer": found.table["offer"]})
    table = t.Table("local_offer", f"The local offer to care leavers, {facts.name}", found.source(),
                    [t.text("area", "Area"), t.text("offer", "What the authority offers")], frame)
    return Block("local_offer", [f"{facts.name}'s local offer to care leavers covers {len(frame)} areas."], table)


def build(facts: Facts, found: list, outlook=None) -> Chapter:
    blocks = {"story": stories.care_leavers(facts), "numbers": numbers(facts)}
    council = "their council" if facts.is_group else "the authority"
    for indicator, ages in AGES.items():
        who = f"care leavers aged {ages}"
        key = indicator.removeprefix("care_leavers_")
        blocks[f"in_touch_{key}"] = composition(facts, f"in_touch_{key}", indicator, Group.IN_TOUCH, who,
                                                f"Care leavers aged {ages} in touch with {council}",
                                                focus=CareLeavers.IN_TOUCH, chart_kind="line")
        blocks[f"accommodation_{key}"] = composition(facts, f"accommodation_{key}", indicator, Group.ACCOMMODATION,
                                                     who, f"Care leavers aged {ages} by suitability of accommodation",
                                                     focus=CareLeavers.SUITABLE, chart_kind="line")
        blocks[f"accommodation_benchmark_{key}"] = benchmark_block(
            facts, f"accommodation_benchmark_{key}", indicator, f"the share of {who} in suitable accommodation",
            breakdown_group=Group.ACCOMMODATION, breakdown=CareLeavers.SUITABLE)
        blocks[f"activity_{key}"] = composition(facts, f"activity_{key}", indicator, Group.ACTIVITY, who,
                                                f"Care leavers aged {ages} by activity", focus=CareLeavers.EET,
                                                chart_kind="line")
        blocks[f"activity_benchmark_{key}"] = benchmark_block(
            facts, f"activity_benchmark_{key}", indicator,
            f"the share of {who} in education, employment or training",
            breakdown_group=Group.ACTIVITY, breakdown=CareLeavers.EET)
    blocks["local_offer"] = offer(facts)
    return Chapter(facts, "care_leavers", blocks, found, areas=[Area.CARE_LEAVERS])
