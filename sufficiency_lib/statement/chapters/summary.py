"""Executive summary: the headline numbers, and the challenges found in every chapter
joined with the actions and impact the authority recorded."""
from __future__ import annotations

import pandas as pd

from sufficiency_lib.ssda903 import codes
from sufficiency_lib.analysis import findings, metrics
from sufficiency_lib.statement import narrative, tidy
from sufficiency_lib.statement.tables import Table
from sufficiency_lib.statement.chapters.common import Block, Context, suppressed_value
from sufficiency_lib.statement.chapters.page import Chapter

#: Chapters whose rules feed the summary, and the two that have none yet.
CHAPTER_RULES = ["children_in_care", "placements", "provision", "population", "care_leavers", "forecast",
                 "data_quality"]
NOT_YET: dict[str, str] = {}     # chapters of the statement the suite does not have yet

HEADLINES = [
    ("Children looked after at 31 March", "cla_31_march", "Total", "Total", "number"),
    ("Started to be looked after in the year", "cla_started", "Total", "Total", "number"),
    ("Ceased to be looked after in the year", "cla_ceased", "Total", "Total", "number"),
    ("In in-house foster care (%)", "cla_31_march", "Placement group", codes.IN_HOUSE_FOSTER, "percent"),
    ("In IFA foster care (%)", "cla_31_march", "Placement group", codes.IFA_FOSTER, "percent"),
    ("In residential children's homes (%)", "cla_31_march", "Placement group", "Residential children's homes",
     "percent"),
    ("Aged 16 and over (%)", "cla_31_march", "Age group", "16 years and over", "percent"),
    ("Placed more than 20 miles from home (%)", "cla_31_march", "Distance between home and placement",
     metrics.FAR, "percent"),
    ("With 3 or more placements in the year (%)", "cla_31_march", "Placement stability", metrics.THREE_OR_MORE,
     "percent"),
    ("Unaccompanied asylum-seeking children", "cla_31_march", "Unaccompanied asylum-seeking children",
     metrics.UASC, "number"),
    ("Care leavers aged 19 to 21 in education, employment or training (%)", "care_leavers_19_21", "Activity",
     codes.EET, "percent"),
]


def headlines(ctx: Context) -> Block:
    """The latest year's headline figures beside the first year shown."""
    first, last = ctx.years[0], ctx.year
    rows = []
    for label, indicator, group, breakdown, unit in HEADLINES:
        values = [suppressed_value(ctx, indicator, group, breakdown, year, unit) for year in (first, last)]
        rows.append({"Figure": label, str(first): narrative.count_text(values[0]),
                     str(last): narrative.count_text(values[1])})
    frame = pd.DataFrame(rows)
    sentence = narrative.describe_trend(pd.Series({y: suppressed_value(ctx, "cla_31_march", year=y)
                                                   for y in ctx.years}), "the number of children looked after")
    data = tidy.la_frame(ctx.authority, [first, last]).merge(
        frame.melt(id_vars="Figure", var_name="time_period", value_name="value").astype({"time_period": int})
        .rename(columns={"Figure": "figure"}), on="time_period")
    meta = tidy.meta_frame({"value": ("Value (number or percent, as the figure says)", "", 0)}, {"figure": "Figure"})
    return Block("headline_figures", [sentence], Table(frame, caption=f"Headline figures, {ctx.name}",
                                                      source=ctx.source), None, data, meta)


def build(ctx: Context) -> Chapter:
    found = [f for slug in CHAPTER_RULES for f in findings.detect(ctx, slug)]
    found += [findings.Finding(area, f"Not assessed yet: {what} is not part of this suite so far.")
              for area, what in NOT_YET.items()]
    return Chapter(ctx, "summary", {"headlines": headlines(ctx)}, areas=None, found=found)
