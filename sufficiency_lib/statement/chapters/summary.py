"""Executive summary: the headline numbers, and the challenges found in every chapter
joined with the actions and impact the authority recorded."""
from __future__ import annotations

from dataclasses import replace

import pandas as pd

from sufficiency_lib.analysis import progress
from sufficiency_lib.analysis.facts import Facts
from sufficiency_lib.published.figures import select
from sufficiency_lib.statement import narrative, stories
from sufficiency_lib.statement import tables as t
from sufficiency_lib.statement.blocks import Block
from sufficiency_lib.statement.chapter import Chapter
from sufficiency_lib.vocabulary import (
    SIXTEEN_PLUS,
    TOTAL,
    CareLeavers,
    Distance,
    Group,
    Indicator,
    PlacementGroup,
    Stability,
    Uasc,
    Unit,
)
from sufficiency_lib.wording import half_up

HEADLINES = [
    ("Children looked after at 31 March", Indicator.CLA, TOTAL, TOTAL, Unit.NUMBER),
    ("Started to be looked after in the year", Indicator.STARTED, TOTAL, TOTAL, Unit.NUMBER),
    ("Ceased to be looked after in the year", Indicator.CEASED, TOTAL, TOTAL, Unit.NUMBER),
    ("In in-house foster care (%)", Indicator.CLA, Group.PLACEMENT_GROUP, PlacementGroup.IN_HOUSE, Unit.PERCENT),
    ("In IFA foster care (%)", Indicator.CLA, Group.PLACEMENT_GROUP, PlacementGroup.IFA, Unit.PERCENT),
    ("In residential children's homes (%)", Indicator.CLA, Group.PLACEMENT_GROUP, PlacementGroup.CHILDRENS_HOMES,
     Unit.PERCENT),
    ("Aged 16 and over (%)", Indicator.CLA, Group.AGE, SIXTEEN_PLUS, Unit.PERCENT),
    ("Placed more than 20 miles from home (%)", Indicator.CLA, Group.DISTANCE, Distance.FAR, Unit.PERCENT),
    ("With 3 or more placements in the year (%)", Indicator.CLA, Group.STABILITY, Stability.THREE_OR_MORE,
     Unit.PERCENT),
    ("Unaccompanied asylum-seeking children", Indicator.CLA, Group.UASC, Uasc.YES, Unit.NUMBER),
    ("Care leavers aged 19 to 21 in education, employment or training (%)", Indicator.CARE_LEAVERS_19_21,
     Group.ACTIVITY, CareLeavers.EET, Unit.PERCENT),
]
HEADLINE_COLUMNS = [t.year(), t.text("figure", "Figure"),
                    t.number("value", "Value (number or percent, as the figure says)")]


def _not_shown(facts: Facts, indicator: str, group: str, breakdown: str, year: int, unit: str) -> str:
    """Why a headline figure has no number: DfE's own symbol where it published one, ``x`` where
    there is no such figure (DfE does not publish in-house and agency foster care apart), and
    ``c`` where the page hides it to protect small numbers."""
    rows = select(facts.figures, indicator, unit, group, breakdown)
    rows = rows.loc[rows["time_period"].eq(year)]
    if rows.empty:
        return "x"
    return "c" if pd.notna(rows["value"].iloc[0]) else (str(rows["status"].iloc[0]).strip() or "x")


def headlines(facts: Facts) -> Block:
    """The latest year's headline figures beside the first year shown."""
    shown_years = sorted({facts.years[0], facts.year})
    rows = []
    for year in shown_years:
        for label, indicator, group, breakdown, unit in HEADLINES:
            value = facts.shown(indicator, group, breakdown, year, unit)
            rows.append({"time_period": year, "figure": label,
                         "value": _not_shown(facts, indicator, group, breakdown, year, unit) if pd.isna(value)
                         else int(half_up(value))})
    frame = pd.DataFrame(rows)
    page = t.Table("", f"Headline figures, {facts.name}", facts.source,
                   [t.text("figure", "Figure"), *[t.number(str(y), str(y)) for y in shown_years]],
                   frame.pivot(index="figure", columns="time_period", values="value").reindex(
                       [h[0] for h in HEADLINES]).rename(columns=str).reset_index())
    saved = t.Table("headline_figures", page.caption, facts.source, HEADLINE_COLUMNS, frame)
    sentence = narrative.describe_trend(facts.count_series(Indicator.CLA), "the number of children looked after")
    return Block("headline_figures", [sentence], page, None, [], [saved])


def opening(facts: Facts, found_by_chapter: dict[str, list]) -> Block:
    """The summary's first block: a year without its own recorded actions says so first."""
    story = stories.summary(facts, found_by_chapter)
    if facts.actions.is_for(facts.year):
        return story
    return replace(story, sentences=[facts.actions.note(facts.year), *story.sentences])


def build(facts: Facts, found_by_chapter: dict[str, list]) -> Chapter:
    """The summary: every chapter's findings, in the order of the chapters' rules, and last
    the measures of the previous plan that moved against the way it wanted (the plan chapter's)."""
    against = progress.challenges(progress.we_said(facts, facts.actions.previous))
    found_by_chapter = {**found_by_chapter, "plan": against} if against else found_by_chapter
    found = [f for found in found_by_chapter.values() for f in found]
    return Chapter(facts, "summary", {"story": opening(facts, found_by_chapter),
                                      "headlines": headlines(facts)}, found, areas=None)
