"""Chapter 2, placement mix and stability: where children live (and, against England, the
shares in children's homes and supported accommodation), the age profile within each main
placement type over the years, placements made in the year by type and by age, against
DfE's count, placements that ended within 7 days and how, placements made outside the
authority and how many of them were in a bordering authority, and stability.

Figures beyond DfE's breakdowns come from :mod:`sufficiency_lib.analysis.placement_moves`.
A table that shows cells another table of the page also shows takes that table's
suppression for them (a total hidden there is hidden here; the latest year of an age
profile is the row of the cross-tabulation), so no cell hidden in one can be worked out
from the other."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from sufficiency_lib.analysis import disclosure, group_disclosure
from sufficiency_lib.analysis import placement_moves as moves
from sufficiency_lib.analysis.costs import financial_year
from sufficiency_lib.analysis.facts import Facts
from sufficiency_lib.published import reference
from sufficiency_lib.statement import charts, narrative, stories
from sufficiency_lib.statement import tables as t
from sufficiency_lib.statement.blocks import Block, message
from sufficiency_lib.statement.chapter import Chapter
from sufficiency_lib.statement.chapters.common import (benchmark_block, composition, composition_shown, cross_shown,
                                                       crosstab, nothing_for, row_of)
from sufficiency_lib.vocabulary import (DFE_AGE_GROUPS, SIXTEEN_PLUS, TOTAL, Area, Group, Indicator, Locality,
                                        PlacementGroup, PlacementLength, Stability)
from sufficiency_lib.ssda903.groupings import DFE_PLACEMENT_TYPES
from sufficiency_lib.wording import half_up, in_sentence, year_span

SUPPRESSED = disclosure.SUPPRESSED
SUPPRESSED_NOTE = "Some values are suppressed to protect confidentiality (shown as c in the table)."
AT_31_MARCH = "children looked after at 31 March"
MADE_IN_YEAR = "placements made in the year"
HOMES, SUPPORTED_DFE = DFE_PLACEMENT_TYPES[4], DFE_PLACEMENT_TYPES[5]
OLDER = (DFE_AGE_GROUPS[3], SIXTEEN_PLUS)          # 10 and over
#: Placement groups whose age profile over the years is shown (the statements' tables).
AGE_PROFILES = {PlacementGroup.IFA: "ifa_by_age", PlacementGroup.IN_HOUSE: "in_house_by_age",
                PlacementGroup.CHILDRENS_HOMES: "childrens_homes_by_age"}


def mix(facts: Facts):
    if facts.data is None:      # DfE publishes placement types, not the statement's split of foster care
        return composition(facts, "placement_mix", Indicator.CLA, Group.PLACEMENT, AT_31_MARCH,
                           "Children looked after at 31 March by type of placement", focus="Foster placements")
    block = composition(facts, "placement_mix", Indicator.CLA, Group.PLACEMENT_GROUP, AT_31_MARCH,
                        "Children looked after at 31 March by placement", focus=PlacementGroup.IN_HOUSE)
    for group in (PlacementGroup.IFA, PlacementGroup.CONNECTED, PlacementGroup.CHILDRENS_HOMES):
        block.sentences.append(narrative.describe_share(
            facts.share_series(Indicator.CLA, Group.PLACEMENT_GROUP, group), group, AT_31_MARCH))
    block.notes.append("Foster care is split by placement type and provider: connected persons are foster "
                       "carers who are relatives or friends; other foster carers are in-house when provided by "
                       "the authority or another public body, and with an independent fostering agency (IFA) when "
                       "private or voluntary.")
    return block


# --- tables over the years, suppressed consistently with the page's other tables ----------------

def shown_row(block: Block | None, row: str, label_column: str = "breakdown") -> pd.Series:
    """One row of a block's page table as shown ('c' where suppressed); empty when absent."""
    return row_of(None if block is None or block.table is None else block.table.frame, row, label_column)


@dataclass
class MemberView:
    """A group's member as its own placements page shows it: the tables the page's year-by-year
    tables follow (:func:`by_year`), and its placements made."""

    facts: Facts
    made: pd.DataFrame
    mix: pd.DataFrame
    cross: pd.DataFrame | None
    new_by_group: pd.DataFrame
    by_locality: pd.DataFrame

    @classmethod
    def of(cls, member: Facts) -> MemberView:
        return cls(member, moves.placements_made(member.data.tables, member.years),
                   composition_shown(member, Indicator.CLA, Group.PLACEMENT_GROUP),
                   cross_shown(member, Group.PLACEMENT_BY_AGE, list(DFE_AGE_GROUPS)),
                   composition_shown(member, Indicator.NEW_PLACEMENTS, Group.PLACEMENT_GROUP),
                   composition_shown(member, Indicator.NEW_PLACEMENTS, Group.LOCALITY))


def _with_total(counts: pd.DataFrame) -> pd.DataFrame:
    """``counts`` (labels x year columns) with a Total row, the years as text."""
    frame = counts.copy()
    frame.loc[TOTAL] = frame.sum(axis=0)
    frame = frame.astype(object)
    frame.columns = [str(c) for c in frame.columns]
    return frame


def by_year(counts: pd.DataFrame, threshold: int, totals: pd.Series | None = None,
            latest: pd.Series | None = None, members: list[pd.DataFrame] = ()) -> pd.DataFrame:
    """``counts`` (labels x year columns) with a Total row, suppressed: a Total that another
    table hides (``totals``, that table's shown row) is hidden here first, and the last year
    is ``latest`` (another table's shown cells for it, 'c' kept) where given. For a group,
    ``members`` are its members' own tables of the same counts as their pages show them (this
    function's result for each), and whatever they hide is hidden here too
    (:func:`~sufficiency_lib.analysis.group_disclosure.hidden_in`)."""
    frame = _with_total(counts)
    years = list(frame.columns)
    for year in years:
        if totals is not None and str(totals.get(year, "")).strip() == SUPPRESSED:
            frame.loc[TOTAL, year] = SUPPRESSED
    if latest is not None and len(latest):
        given = latest.reindex(frame.index)
        frame[years[-1]] = given.where(given.notna(), frame[years[-1]])
    frame = frame.rename_axis("breakdown").reset_index()
    also = group_disclosure.hidden_in(frame, list(members), years, labels="breakdown") if len(members) else None
    return disclosure.suppress_table(frame, years, total_row=TOTAL, labels="breakdown", threshold=threshold,
                                     also_hide=also)


def shown_numbers(shown: pd.DataFrame, years: list[str]) -> pd.DataFrame:
    """A shown table's counts as numbers (NaN where suppressed), indexed by label."""
    return disclosure.chart_data(shown, years).frame.set_index("breakdown")[years]


def _share_of(numbers: pd.DataFrame, labels, year: str) -> float:
    """The share of ``labels`` in ``year``'s Total (NaN when any of them is suppressed)."""
    parts = numbers.loc[[label for label in labels if label in numbers.index], year]
    total = numbers.loc[TOTAL, year]
    return float("nan") if parts.isna().any() or pd.isna(total) or not total else parts.sum() / total * 100


def _year_block(facts: Facts, key: str, title: str, label: str, shown: pd.DataFrame, sentences: list[str],
                subject: str, chart: bool = True) -> Block:
    """A table of counts over the years (as shown) with a stacked bar chart of shares (when
    ``chart``: a few children a year are better read in the table)."""
    years = [c for c in shown.columns if c != "breakdown"]
    numbers = shown_numbers(shown, years)
    share = numbers.drop(index=TOTAL).div(numbers.loc[TOTAL].replace(0, float("nan"))) * 100
    long = share.rename_axis("breakdown").reset_index().melt(id_vars="breakdown", var_name="year",
                                                              value_name="percent").dropna()
    figure = charts.stacked_bar_chart(long.astype({"year": int}), x="year", y="percent", hue="breakdown",
                                     title=f"{title}, {facts.name}, {year_span(years[0], years[-1])}",
                                     y_label="Percentage",
                                     source=facts.source, alt=f"Stacked bar chart of the percentage of {subject} by "
                                     f"{label.lower()}, {year_span(years[0], years[-1])}. {' '.join(sentences)}") \
        if len(long) and chart else None
    page = t.Table("", f"{title} (number), {facts.name}", facts.source,
                   [t.text("breakdown", label), *[t.count(y, y) for y in years]], shown)
    tidy = shown.melt(id_vars="breakdown", var_name="time_period", value_name="number").astype({"time_period": int})
    name = label.lower().replace(" ", "_")
    saved = t.Table(key, page.caption, facts.source, [t.year(), t.text(name, label), t.count("number", "Number")],
                    tidy.rename(columns={"breakdown": name}))
    hidden = shown[years].eq(SUPPRESSED).any().any()
    notes = [disclosure.CHART_NOTE if figure is not None else SUPPRESSED_NOTE] if hidden else []
    return Block(key, [s for s in sentences if s], page, figure, notes, [saved])


def _older_sentence(numbers: pd.DataFrame, years: list[str], who: str, made: bool = False) -> str:
    """'Of the 254 children in IFA foster care at 31 March 2025, 62% were aged 10 or over (67% in
    2020).' (``made``: placements made in the financial year, of children aged 10 or over)."""
    now, then = _share_of(numbers, OLDER, years[-1]), _share_of(numbers, OLDER, years[0])
    total = numbers.loc[TOTAL, years[-1]]
    if pd.isna(now) or pd.isna(total):
        return ""
    when = (lambda y: financial_year(int(y))) if made else (lambda y: y)
    text = (f"Of the {half_up(total):,.0f} {who} {'in' if made else 'at 31 March'} {when(years[-1])}, "
            f"{half_up(now):.0f}% {'were of children' if made else 'were'} aged 10 or over")
    return text + (f" ({half_up(then):.0f}% in {when(years[0])})." if not pd.isna(then) and len(years) > 1 else ".")


# --- age within each placement type (C5, C6) -----------------------------------------------------

def _ages_in(facts: Facts, group: str) -> pd.DataFrame | None:
    """The children in ``group`` at 31 March by age group (rows) and year (columns); None when none."""
    rows = facts.figures.loc[facts.figures["breakdown_group"].eq(Group.PLACEMENT_BY_AGE)
                             & facts.figures["unit"].eq("number")]
    split = rows["breakdown"].astype(str).str.split("; ", n=1, expand=True)
    mine = rows.loc[split[0].eq(group).to_numpy()].assign(age=split.loc[split[0].eq(group), 1].to_numpy())
    if mine.empty:
        return None
    counts = mine.pivot_table(index="age", columns="time_period", values="value", aggfunc="sum", fill_value=0)
    return counts.reindex([*DFE_AGE_GROUPS, *sorted(set(counts.index) - set(DFE_AGE_GROUPS))],
                          fill_value=0).reindex(columns=facts.years, fill_value=0)


def age_profile(facts: Facts, group: str, key: str, mix_block: Block, cross: Block,
                members: list[MemberView] = ()) -> Block:
    """Children in one placement group at 31 March by age group, every year of the statement."""
    counts = _ages_in(facts, group)
    if counts is None:
        return nothing_for(facts, key, f"the age of children in {group.lower()}")
    theirs = [by_year(found, facts.threshold, row_of(m.mix, group), row_of(m.cross, group, "row"))
              for m, found in ((m, _ages_in(m.facts, group)) for m in members) if found is not None]
    shown = by_year(counts, facts.threshold, shown_row(mix_block, group), shown_row(cross, group, "row"), theirs)
    years = [str(y) for y in facts.years]
    sentence = _older_sentence(shown_numbers(shown, years), years, f"children in {in_sentence(group)}")
    block = _year_block(facts, key, f"Children in {in_sentence(group)} at 31 March by age", "Age group", shown,
                        [sentence], f"children in {in_sentence(group)}")
    block.notes.append(f"The latest year is the {in_sentence(group)} row of the table of every placement by age "
                       "above.")
    return block


# --- placements made in the year (C9, C11, C10, C15) -------------------------------------------

def published_count(facts: Facts) -> str:
    """The return's count of placements made in the year beside DfE's published count."""
    mine = facts.shown(Indicator.NEW_PLACEMENTS, Group.NEW_PLACEMENT_LOCATION, TOTAL)
    theirs = facts.published_value(Indicator.NEW_PLACEMENTS, Group.NEW_PLACEMENT_LOCATION, TOTAL)
    if pd.isna(mine) or pd.isna(theirs):
        return ""
    same = "the same count" if mine == theirs else f"a difference of {half_up(mine - theirs):+,.0f}"
    return (f"The return counts {half_up(mine):,.0f} placements made in {financial_year(facts.year)}; DfE published "
            f"{half_up(theirs):,.0f} for the year ({same}).")


def _made_ages(made: pd.DataFrame, years: list[int], group: str | None) -> pd.DataFrame:
    counts = moves.made_by_age(made, years, group).pivot(index="age_group", columns="time_period", values="value")
    return counts.reindex([*[a for a in DFE_AGE_GROUPS if a in counts.index],
                           *[a for a in counts.index if a not in DFE_AGE_GROUPS]])


def made_by_age(facts: Facts, made: pd.DataFrame, group: str | None, key: str, by_group: Block,
                members: list[MemberView] = ()) -> Block:
    """Placements made in each year by the child's age when placed: all, or of one group
    (``members``: a group's members, :func:`by_year`)."""
    counts = _made_ages(made, facts.years, group)
    theirs = [by_year(_made_ages(m.made, facts.years, group), facts.threshold, row_of(m.new_by_group, group or TOTAL))
              for m in members]
    shown = by_year(counts, facts.threshold, shown_row(by_group, group or TOTAL), members=theirs)
    years = [str(y) for y in facts.years]
    what = f"{in_sentence(group)} placements" if group else "placements"
    sentence = _older_sentence(shown_numbers(shown, years), years, f"{what} made", made=True)
    title = f"{group + ' placements' if group else 'Placements'} made in the year by age when placed"
    return _year_block(facts, key, title, "Age group", shown, [sentence], f"{what} made in the year")


def _ended(made: pd.DataFrame, years: list[int], group: str) -> pd.DataFrame:
    counts = moves.ended_within_7_days(made, years, group).pivot(index="ending", columns="time_period", values="value")
    return counts.reindex(list(moves.Ending.ENDED))


def ended_quickly(facts: Facts, made: pd.DataFrame, by_group: Block, members: list[MemberView] = ()) -> Block:
    """In-house foster placements made in each year that ended within 7 days, and how they ended."""
    group = PlacementGroup.IN_HOUSE
    shown = by_year(_ended(made, facts.years, group), facts.threshold,
                    members=[by_year(_ended(m.made, facts.years, group), facts.threshold) for m in members])
    years = [str(y) for y in facts.years]
    numbers = shown_numbers(shown, years)
    placed = pd.to_numeric(shown_row(by_group, group).get(years[-1]), errors="coerce")
    ended = numbers.loc[TOTAL, years[-1]]
    sentences = []
    if not pd.isna(placed) and not pd.isna(ended):
        share = f" ({half_up(ended / placed * 100):.0f}%)" if placed else ""
        text = (f"Of the {half_up(placed):,.0f} in-house foster placements made in {financial_year(facts.year)}, "
                f"{half_up(ended):,.0f}{share} ended within 7 days")
        ceased = numbers.loc[moves.Ending.CEASED, years[-1]]
        text += (f", {f'{half_up(ceased):,.0f}' if ceased else 'none'} of them because the child ceased to be looked "
                 "after."
                 if not pd.isna(ceased) else ".")
        sentences.append(text)
    reasons = moves.move_reasons(made, facts.year, group)
    if len(reasons) and reasons.iloc[0] >= facts.threshold:
        sentences.append(f"Where such a placement ended with a move, the reason most often recorded was: "
                         f"{reasons.index[0][0].lower()}{reasons.index[0][1:]}.")
    title = "In-house foster placements made in the year that ended within 7 days"
    block = _year_block(facts, "in_house_ended_within_7_days", title, "How the placement ended", shown, sentences,
                        "in-house foster placements that ended within 7 days", chart=False)
    block.notes.append("A placement ended when the child moved to another placement if its last episode ended with a "
                       "change of placement, and when the child ceased to be looked after otherwise.")
    return block


def out_of_area(facts: Facts, made: pd.DataFrame, locality: Block, members: list[MemberView] = ()) -> Block:
    """Placements made outside the authority, in a bordering authority or further away."""
    bordering = facts.authority.bordering
    if not bordering and facts.is_group:
        return message("out_of_area_bordering", "Placements in a bordering authority are counted for each council "
                                                "against its own neighbours, in its own statement: a placement in "
                                                "the other council's area is out of area for one council but inside "
                                                "the group, so the two are not added up here.")
    if not bordering:
        return message("out_of_area_bordering", f"The authorities that border {facts.name} are not listed in its "
                                                "settings, so the share of out-of-area placements made in a "
                                                "bordering authority cannot be given. Listing their local authority "
                                                "codes would fill this part.")
    def where(of: pd.DataFrame, near: tuple) -> pd.DataFrame:
        return moves.out_of_area(of, facts.years, near).pivot(index="placed_in", columns="time_period",
                                                              values="value").reindex(list(moves.PlacedIn.ORDER))
    theirs = [by_year(where(m.made, m.facts.authority.bordering), facts.threshold,
                      row_of(m.by_locality, Locality.OUTSIDE)) for m in members if m.facts.authority.bordering]
    shown = by_year(where(made, bordering), facts.threshold, shown_row(locality, Locality.OUTSIDE), members=theirs)
    years = [str(y) for y in facts.years]
    numbers = shown_numbers(shown, years)
    sentences = []
    near, total = numbers.loc[moves.PlacedIn.BORDERING, years[-1]], numbers.loc[TOTAL, years[-1]]
    if not pd.isna(near) and not pd.isna(total) and total:
        first = _share_of(numbers, [moves.PlacedIn.BORDERING], years[0])
        sentences.append(f"Of the {half_up(total):,.0f} placements made outside {facts.name} in "
                         f"{financial_year(facts.year)}, {half_up(near):,.0f} ({half_up(near / total * 100):.0f}%) "
                         "were in a bordering authority"
                         + (f", against {half_up(first):.0f}% in {financial_year(int(years[0]))}." if not pd.isna(first)
                            and len(years) > 1 else "."))
    unknown = numbers.loc[moves.PlacedIn.NOT_RECORDED, years[-1]]
    if not pd.isna(unknown) and unknown > 0:
        sentences.append(f"For {half_up(unknown):,.0f} of them the return does not record the authority of placement.")
    names = [_name(code) for code in bordering]
    block = _year_block(facts, "out_of_area_bordering", "Placements made outside the authority, by where",
                        "Where placed", shown, sentences, "placements made outside the authority")
    block.notes.append(f"Bordering authorities: {', '.join(dict.fromkeys(names))}. Where a placement is comes from the "
                       "return's authority of placement for the placement's first day.")
    return block


def _name(code: str) -> str:
    """An authority's name, with the last year of one since abolished: 'Northamptonshire (until 2021)'."""
    try:
        found = reference.authority(code)
    except reference.ReferenceError:
        return code
    ended = int(found["last_year"])
    return str(found["la_name"]) + (f" (until {ended})" if ended < 9999 else "")


def framework_share(facts: Facts) -> Block:
    """The share of IFA placements made through the framework: a local figure, not in the return."""
    market = facts.local.get("provider_market")
    rows = (market.loc[market["measure"].str.contains("framework", case=False)
                       & market["measure"].str.contains("ifa", case=False)] if market is not None else pd.DataFrame())
    if rows.empty:
        return message("ifa_through_framework", "The share of IFA placements made through the external placements "
                                                f"framework is not in the return. {facts.whose.capitalize()} table "
                                                "of the commissioned market would give it, as a share of IFA "
                                                "placements made through the framework for each year; none is "
                                                "recorded.")
    row = rows.iloc[-1]
    return message("ifa_through_framework", f"In {row['as_at']}, {half_up(row['value']):.0f}% of IFA placements were "
                                            "made through the framework (the authority's own record).")


def build(facts: Facts, found: list, outlook=None) -> Chapter:
    cla, new = Indicator.CLA, Indicator.NEW_PLACEMENTS
    placement_mix = mix(facts)
    new_by_group = composition(facts, "new_placements_by_placement", new, Group.PLACEMENT_GROUP, MADE_IN_YEAR,
                               "Placements made in the year by placement")
    new_by_group.sentences.append(published_count(facts))
    by_locality = (composition(facts, "new_placements_by_locality", new, Group.LOCALITY, MADE_IN_YEAR,
                               "Placements made in the year inside and outside the authority", focus=Locality.OUTSIDE)
                   if facts.data is not None else
                   composition(facts, "new_placements_by_locality", new, Group.NEW_PLACEMENT_LOCATION, MADE_IN_YEAR,
                               "Placements made in the year by distance and locality"))
    cross = crosstab(facts, "age_by_placement", Group.PLACEMENT_BY_AGE, "Placement", "Age group",
                     "children in each placement", SIXTEEN_PLUS, columns=list(DFE_AGE_GROUPS),
                     obvious=(PlacementGroup.SUPPORTED,))
    blocks = {
        "story": stories.placements(facts),
        "mix": placement_mix,
        "foster_benchmark": benchmark_block(facts, "foster_placements_benchmark", cla,
                                            "the share of children looked after in foster placements",
                                            breakdown_group=Group.PLACEMENT, breakdown="Foster placements"),
        "homes_benchmark": benchmark_block(facts, "childrens_homes_benchmark", cla, "the share of children looked "
                                           "after in secure homes and children's homes", breakdown_group=Group.PLACEMENT,
                                           breakdown=HOMES),
        "supported_benchmark": benchmark_block(facts, "supported_accommodation_benchmark", cla, "the share of children "
                                               "looked after in independent and semi-independent living or supported "
                                               "accommodation", breakdown_group=Group.PLACEMENT,
                                               breakdown=SUPPORTED_DFE),
        "providers": composition(facts, "placement_providers", cla, Group.PROVIDERS, AT_31_MARCH,
                                 "Children looked after at 31 March by placement provider"),
        "new_by_group": new_by_group,
        "new_by_provider": composition(facts, "new_placements_by_provider", new, Group.PROVIDERS, MADE_IN_YEAR,
                                       "Placements made in the year by provider"),
        "new_by_locality": by_locality,
        "ended_7_days": composition(facts, "placements_ended_within_7_days", new, Group.PLACEMENT_LENGTH,
                                    MADE_IN_YEAR, "Placements made in the year that ended within 7 days",
                                    focus=PlacementLength.ENDED_WITHIN_7_DAYS, chart_kind="line"),
        "age_by_placement": cross,
        "framework": framework_share(facts),
    }
    if facts.data is not None:
        made = moves.placements_made(facts.data.tables, facts.years)
        members = [MemberView.of(m) for m in facts.members if m.data is not None]
        for group, key in AGE_PROFILES.items():
            blocks[key] = age_profile(facts, group, key, placement_mix, cross, members)
        blocks["new_by_age"] = made_by_age(facts, made, None, "new_placements_by_age", new_by_group, members)
        blocks["new_ifa_by_age"] = made_by_age(facts, made, PlacementGroup.IFA, "new_ifa_placements_by_age",
                                               new_by_group, members)
        blocks["in_house_ended_7_days"] = ended_quickly(facts, made, new_by_group, members)
        blocks["out_of_area"] = out_of_area(facts, made, by_locality, members)
    else:
        subjects = {**{key: f"the age of children in {in_sentence(group)}" for group, key in AGE_PROFILES.items()},
                    "new_by_age": "the age of children at the placements made in the year",
                    "new_ifa_by_age": "the age of children at the IFA placements made in the year",
                    "in_house_ended_7_days": "in-house foster placements that ended within 7 days",
                    "out_of_area": "placements made outside the authority in the year"}
        for key, subject in subjects.items():
            blocks[key] = nothing_for(facts, key, subject)
    blocks.update({
        "stability": composition(facts, "placement_stability", cla, Group.STABILITY, AT_31_MARCH,
                                 "Children looked after at 31 March with 3 or more placements in the year",
                                 focus=Stability.THREE_OR_MORE, chart_kind="line"),
        "stability_benchmark": benchmark_block(facts, "placement_stability_benchmark", cla,
                                               "the share of children with 3 or more placements in the year",
                                               breakdown_group=Group.STABILITY, breakdown=Stability.THREE_OR_MORE),
        "long_term": composition(facts, "long_term_stability", Indicator.LONG_TERM_UNDER_16, Group.STABILITY,
                                 "children under 16 looked after for 2.5 years or more",
                                 "Long-term placement stability", focus=Stability.SAME_CARER, chart_kind="line"),
        "long_term_benchmark": benchmark_block(facts, "long_term_stability_benchmark", Indicator.LONG_TERM_UNDER_16,
                                               "the share of long-term looked after children under 16 living with "
                                               "the same carer for 2 years", breakdown_group=Group.STABILITY,
                                               breakdown=Stability.SAME_CARER),
    })
    return Chapter(facts, "placements", blocks, found,
                   areas=[Area.FOSTERING, Area.RESIDENTIAL, Area.SUPPORTED, Area.STABILITY, Area.OUT_OF_AREA])
