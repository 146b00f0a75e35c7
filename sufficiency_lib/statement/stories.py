"""The short story each chapter opens with: the level of its figures, how they changed, how
they compare, and what that means for placements, generated from the numbers.

Each chapter has its own function and its own sentences (no sentence is shared between
chapters), and every figure is one the chapter's tables show: counts of 1 to 5 are never
stated (see :meth:`Facts.shown`).
"""
from __future__ import annotations

import pandas as pd

from sufficiency_lib.analysis import benchmark
from sufficiency_lib.analysis.demand import CLA
from sufficiency_lib.analysis.facts import Facts
from sufficiency_lib.analysis.trends import percent_change
from sufficiency_lib.statement.blocks import Block
from sufficiency_lib.vocabulary import (SIXTEEN_PLUS, CareLeavers, Distance, Group, Indicator, Locality,
                                        PlacementGroup, Uasc, Unit)
from sufficiency_lib.wording import half_up, in_sentence


def _change_words(old: float, new: float) -> str:
    """How ``new`` compares with ``old`` a year before: "12% more than", "about the same as",
    "up from none" (no percentage of 0)."""
    if old == 0:
        return "the same as" if new == 0 else "up from none"
    change = percent_change(new, old)
    if pd.isna(change) or abs(change) < 0.5:
        return "about the same as"
    return f"{half_up(abs(change)):.0f}% {'more' if change > 0 else 'fewer'} than"


def _against(value: float, reference: float, what: str, verdict: str = "") -> str:
    """'above England (67)'; with the 95% interval's ``verdict`` (higher, lower, similar) a
    difference chance could explain is not called above or below, as the tables say."""
    if pd.isna(reference):
        return ""
    if half_up(value) == half_up(reference):
        return f"level with {what} ({half_up(reference):,.0f})"
    if verdict == "similar":
        return f"close to {what} ({half_up(reference):,.0f}; the difference is within what chance alone gives)"
    return f"{'above' if value > reference else 'below'} {what} ({half_up(reference):,.0f})"


def _join(parts: list[str]) -> str:
    parts = [p for p in parts if p]
    return " and ".join(parts)


def children_in_care(facts: Facts) -> Block:
    now = facts.shown(Indicator.CLA)
    before = facts.shown(Indicator.CLA, year=facts.year - 1)
    sentences = []
    if not pd.isna(now):
        opening = f"{facts.name} looked after {half_up(now):,.0f} children at 31 March {facts.year}"
        if not pd.isna(before):
            opening += f", {_change_words(before, now)} a year earlier"
        sentences.append(opening + ".")
    rate = facts.latest_published(Indicator.CLA, Unit.RATE)
    if rate is not None:
        versus = _join([_against(float(rate["value"]), rate["england"], "England", rate.get("vs_england", "")),
                        _against(float(rate["value"]), rate["sn_mean"], "the average of similar authorities",
                                 rate.get("vs_neighbours", ""))])
        sentences.append(f"For every 10,000 children living in the area, {half_up(float(rate['value'])):,.0f} were in "
                         f"care in {rate['time_period']}" + (f", {versus}" if versus else "") + ".")
    started, ceased = facts.shown(Indicator.STARTED), facts.shown(Indicator.CEASED)
    if not pd.isna(started) and not pd.isna(ceased):
        net = started - ceased
        effect = (f"{half_up(net):,.0f} more came in than left" if net > 0
                  else f"{half_up(-net):,.0f} more left than came in" if net < 0
                  else "as many came in as left")
        sentences.append(f"During the year {half_up(started):,.0f} children came into care and {half_up(ceased):,.0f} "
                         f"left: {effect}.")
    return Block("story", sentences)


def placements(facts: Facts) -> Block:
    group = Group.PLACEMENT_GROUP
    shares = {g: facts.shown(Indicator.CLA, group, g, unit=Unit.PERCENT)
              for g in (PlacementGroup.IN_HOUSE, PlacementGroup.IFA, PlacementGroup.CHILDRENS_HOMES)}
    sentences = []
    if not any(pd.isna(v) for v in shares.values()):
        sentences.append(f"Of the children in care at 31 March {facts.year}, "
                         f"{half_up(shares[PlacementGroup.IN_HOUSE]):.0f}% lived with {facts.whose} own foster "
                         f"carers, {half_up(shares[PlacementGroup.IFA]):.0f}% with carers from independent fostering "
                         f"agencies and {half_up(shares[PlacementGroup.CHILDRENS_HOMES]):.0f}% in children's homes.")
    foster = facts.latest_published(Indicator.CLA, Unit.PERCENT, Group.PLACEMENT, "Foster placements")
    if foster is not None and not pd.isna(foster["england"]):
        sentences.append(f"Foster care as a whole took {half_up(float(foster['value'])):.0f}% of children, against "
                         f"{half_up(float(foster['england'])):.0f}% across England.")
    first = facts.share_series(Indicator.CLA, group, PlacementGroup.IFA).dropna()
    if len(first) >= 2:
        move = int(half_up(first.iloc[-1]) - half_up(first.iloc[0]))
        if move:
            sentences.append(f"The share of children with agency foster carers has {'grown' if move > 0 else 'fallen'} "
                             f"by {abs(move)} percentage point{'s' if abs(move) != 1 else ''} since {first.index[0]}, "
                             f"from {half_up(first.iloc[0]):.0f}% to {half_up(first.iloc[-1]):.0f}% in "
                             f"{first.index[-1]}.")
    return Block("story", sentences)


def population(facts: Facts) -> Block:
    older = facts.shown(Indicator.CLA, Group.AGE, SIXTEEN_PLUS, unit=Unit.PERCENT)
    uasc = facts.shown(Indicator.CLA, Group.UASC, Uasc.YES)
    outside = facts.shown(Indicator.CLA, Group.LOCALITY, Locality.OUTSIDE, unit=Unit.PERCENT)
    far = facts.shown(Indicator.CLA, Group.DISTANCE, Distance.FAR, unit=Unit.PERCENT)
    sentences = []
    if not pd.isna(older):
        sentences.append(f"Young people aged 16 or 17 made up {half_up(older):.0f}% of those in care, the age group "
                         "that moves towards supported accommodation and leaving care.")
    if not pd.isna(uasc):
        sentences.append(f"{half_up(uasc):,.0f} of the children in care had come to the country alone, seeking asylum.")
    unrecorded = facts.shown(Indicator.CLA, Group.LOCALITY, Locality.NOT_RECORDED, unit=Unit.PERCENT)
    if not pd.isna(outside) and not pd.isna(far):
        gap = (f" (the return does not record where {half_up(unrecorded):.0f}% of them lived)"
               if unrecorded >= 0.5 else "")
        sentences.append(f"{half_up(outside):.0f}% lived outside {facts.own_boundary} and {half_up(far):.0f}% more "
                         f"than 20 miles from home{gap}. The sufficiency duty asks for places within the area where "
                         "that is consistent with each child's welfare, so the share placed outside it is one sign of "
                         "how far local places fall short.")
    elif unrecorded >= 99.5:
        sentences.append("The return does not record where the children lived, so how many were placed outside "
                         f"{facts.own_boundary} or far from home is not known.")
    return Block("story", sentences)


def care_leavers(facts: Facts) -> Block:
    sentences = []
    for indicator, ages in ((Indicator.CARE_LEAVERS_19_21, "19 to 21"), (Indicator.CARE_LEAVERS_17_18, "17 or 18")):
        total = facts.shown(indicator, Group.ACTIVITY, "Total")
        eet = facts.latest_published(indicator, Unit.PERCENT, Group.ACTIVITY, CareLeavers.EET)
        if pd.isna(total) and eet is None:
            continue
        busy = "" if eet is None else (f"{half_up(float(eet['value'])):.0f}% were in education, employment or training "
                                       f"in {eet['time_period']}, against {half_up(float(eet['england'])):.0f}% in "
                                       "England")
        if pd.isna(total):
            sentences.append(f"Of its care leavers aged {ages}, {busy}.")
        elif total == 0:
            sentences.append(f"The return records no care leavers aged {ages} in {facts.year}" +
                             (f"; DfE's figures say that of {facts.whose} care leavers of that age, {busy}." if busy
                              else "."))
        else:
            sentences.append(f"The {'councils' if facts.is_group else 'authority'} had {half_up(total):,.0f} care "
                             f"leavers aged {ages}" +
                             (f"; of them, {busy}." if busy else "."))
    suitable = facts.latest_published(Indicator.CARE_LEAVERS_19_21, Unit.PERCENT, Group.ACCOMMODATION,
                                      CareLeavers.SUITABLE)
    if suitable is not None:
        sentences.append("Suitable accommodation is the measure of a good move to adulthood: "
                         f"{half_up(float(suitable['value'])):.0f}% of 19 to 21 year olds had it.")
    return Block("story", sentences)


def data_quality(facts: Facts) -> Block:
    if facts.data is None:
        return Block("story", ["Every figure in this statement comes from published statistics: no child-level "
                               "return was given."])
    table = facts.data.result.ledger.reconciliation()
    rows, held = int(table["rows_in"].sum()), int(table["quarantined"].sum())
    returns = "the councils' returns" if facts.is_group else "the authority's return"
    return Block("story", [f"The statement rests on {rows:,} rows of {returns}; {held:,} could not be "
                           "used and are left out of every figure."])


def forecast(facts: Facts, outlook) -> Block:
    if outlook is None:
        return Block("story", [])
    final = outlook.forecasts.loc[outlook.forecasts["time_period"].eq(outlook.end)].set_index("series")
    sentences = []
    history = outlook.history.get(CLA)
    if CLA in final.index and history is not None and len(history):
        row, last = final.loc[CLA], history.iloc[-1]
        # a direction only where the likely range leaves today's number out (as the sentence states them)
        low, high, now = half_up(row["lower_80"]), half_up(row["upper_80"]), half_up(last)
        likely = f"about {half_up(row['mean']):,.0f} (probably between {int(low):,} and {int(high):,})"
        if low <= now <= high:
            sentences.append(f"The forecast for 31 March {outlook.end} is {likely} children, a range that takes in "
                             f"the {int(now):,} of today.")
        else:
            sentences.append(f"The forecast for 31 March {outlook.end} is {'more' if low > now else 'fewer'} "
                             f"children than today: {likely}, against {int(now):,} now.")
    short = outlook.gap.loc[outlook.gap["gap"] < -0.5] if len(outlook.gap) else outlook.gap
    if len(short):
        worst = short.sort_values("gap").iloc[0]
        sentences.append("The widest gap between need and the places available is in "
                         f"{in_sentence(worst.placement_group)}: {half_up(-worst.gap):,.0f} more children than places "
                         f"by {worst.time_period}.")
    return Block("story", sentences)


def _trend_against_england(facts: Facts) -> str:
    """How the rate in care moved over five years against England's, from DfE's figures."""
    rate = facts.latest_published(Indicator.CLA, Unit.RATE)
    if rate is None or facts.published is None:
        return ""
    table = facts.published.figures
    years = range(int(rate["time_period"]) - 5, int(rate["time_period"]) + 1)
    rows = benchmark.benchmark_table(table, facts.code, Indicator.CLA, Unit.RATE, years=years,
                                     neighbour_model=facts.authority.neighbour_model).dropna(subset=["value", "england"])
    if len(rows) < 2:
        return ""
    start, end = rows.iloc[0], rows.iloc[-1]
    mine, england = float(end["value"]) - float(start["value"]), float(end["england"]) - float(start["england"])

    def moved(change: float) -> str:
        if half_up(change) == 0:
            return "stayed level"
        return f"{'rose' if change > 0 else 'fell'} by {half_up(abs(change)):.0f}"
    return (f"Between {int(start['time_period'])} and {int(end['time_period'])} the number in care for every 10,000 "
            f"children {moved(mine)} in {facts.name} (to {half_up(float(end['value'])):.0f}), while England's "
            f"{moved(england)} (to {half_up(float(end['england'])):.0f}).")


def summary(facts: Facts, found_by_chapter: dict[str, list]) -> Block:
    """The opening of the executive summary: the trend against England, and the priorities
    (the areas with the most challenges in the figures first; the previous plan's measures
    that moved the other way are listed with them but not counted again)."""
    trend = _trend_against_england(facts)
    challenges = [f for chapter, found in found_by_chapter.items() if chapter != "plan" for f in found
                  if not f.internal]
    counted = {area: sum(f.area == area for f in challenges) for area in dict.fromkeys(f.area for f in challenges)}
    areas = sorted(counted, key=lambda a: -counted[a])
    if not areas:
        return Block("story", [s for s in (trend, f"The figures for {facts.name} raise no challenge that the rules "
                                                   "look for.") if s])
    listed = ", ".join(in_sentence(a) for a in areas[:-1]) + (f" and {in_sentence(areas[-1])}" if len(areas) > 1
                                                              else in_sentence(areas[-1]))
    behind = [f for f in found_by_chapter.get("plan", []) if not f.internal]
    return Block("story", [s for s in (
        trend,
        f"This statement finds {len(challenges)} challenge{'s' if len(challenges) != 1 else ''} in the figures for "
        f"{facts.name} in {facts.year}, in {listed}: each is set out in its chapter and brought together with the "
        "actions below.",
        _priorities(counted),
        f"The table below also lists {len(behind)} measure{'s' if len(behind) != 1 else ''} of the last plan that "
        "moved the other way (set out in the chapter 'Our plan and progress'), not counted again here."
        if behind else "") if s])


def _priorities(counted: dict[str, int]) -> str:
    """'The priorities, by the number of challenges found, are fostering (4), then costs and
    budget (3).'; areas level on the most are named together, and none stands out when every
    area has the same number."""
    levels = sorted(set(counted.values()), reverse=True)
    if len(levels) == 1:
        return "" if len(counted) > 1 else f"The priority is {in_sentence(next(iter(counted)))}."
    top = [in_sentence(a) for a, n in counted.items() if n == levels[0]]
    second = [in_sentence(a) for a, n in counted.items() if n == levels[1]]
    if len(top) > 1:
        lead = f"are {', '.join(top[:-1])} and {top[-1]} ({levels[0]} each)"
    elif len(second) == 1:
        lead = f"are {top[0]} ({levels[0]}), then {second[0]} ({levels[1]})"
    else:
        return f"The priority, by the number of challenges found, is {top[0]} ({levels[0]})."
    return f"The priorities, by the number of challenges found, {lead}."
