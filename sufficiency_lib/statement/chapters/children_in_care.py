"""Chapter 1, children in care: numbers looked after and rates against comparators (the
statements' Tables 1 and 2, with their change columns), the children starting, ceasing and
looked after during the year by UASC status, the change over the latest six months
(30 September to 31 March) by UASC status, and the children who left care to permanence
(adoption, special guardianship, child arrangements)."""
from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from sufficiency_lib.analysis import benchmark, composition, disclosure, permanence, trends
from sufficiency_lib.analysis.facts import Facts
from sufficiency_lib.published import reference
from sufficiency_lib.published.figures import select
from sufficiency_lib.statement import charts, narrative, stories
from sufficiency_lib.statement import tables as t
from sufficiency_lib.statement.blocks import Block, message
from sufficiency_lib.statement.chapter import Chapter
from sufficiency_lib.statement.chapters.common import (benchmark_block, members_hide, nothing_for, series_block,
                                                       suppressed)
from sufficiency_lib.vocabulary import TOTAL, Area, Group, Indicator, Uasc, Unit
from sufficiency_lib.wording import half_up, year_span

COUNT_LABEL = "Children looked after at 31 March"
RATE_LABEL = "Children looked after at 31 March per 10,000 children aged 0 to 17"
SUPPRESSED = disclosure.SUPPRESSED
#: The flows table: (indicator, its label) -> the columns of the total, UASC and non-UASC.
FLOWS = {Indicator.STARTED: "Started to be looked after", Indicator.CEASED: "Ceased to be looked after",
         Indicator.DURING_YEAR: "Looked after at any time in the year"}
FLOW_SHORT = {Indicator.STARTED: "Started", Indicator.CEASED: "Ceased", Indicator.DURING_YEAR: "During the year"}


def counts(facts: Facts):
    sentence = narrative.describe_trend(facts.count_series(Indicator.CLA), "the number of children looked after")
    return series_block(facts, "cla_at_31_march", {COUNT_LABEL: (Indicator.CLA, TOTAL)},
                        "Children looked after at 31 March", [sentence])


# --- Tables 1 and 2: the authority beside its comparators, with changes ------------------------

def _published_table(facts: Facts, unit: str) -> pd.DataFrame:
    """Six published years to the statement's (or to the latest DfE has published)."""
    wide = benchmark.benchmark_table(facts.published.figures, facts.code, Indicator.CLA, unit,
                                     years=range(facts.year - 9, facts.year + 1),
                                     neighbour_model=facts.authority.neighbour_model)
    last = trends.latest_year_with(wide)
    if last is None:
        return wide.iloc[0:0]
    wide = wide.loc[wide["time_period"].between(last - 5, last)]
    known = wide[list(trends.AREAS)].apply(pd.to_numeric).notna().any(axis=1)
    return wide.loc[wide["time_period"] >= wide.loc[known, "time_period"].min()]     # from the first year with any


def _area_names(facts: Facts) -> dict[str, str]:
    """The rows of an area table and their labels; a group has no statistical neighbours."""
    names = {"value": facts.name, "sn_mean": "Statistical neighbours (average)",
             "region": facts.authority.region_name or "Region", "england": "England"}
    return {k: v for k, v in names.items() if not (facts.is_group and k == "sn_mean")}


def _moved(change: float) -> str:
    word = narrative.direction(change)
    return word if word == "was unchanged" else f"{word} {half_up(abs(change)):.0f}%"


def _pace(mine: float, theirs: float) -> str:
    """How the authority's change compares with England's, in words."""
    if pd.isna(mine) or pd.isna(theirs) or abs(mine - theirs) < 0.5:
        return "in step with England"
    if abs(mine) < 0.5:
        return "while England's " + ("rose" if theirs > 0 else "fell")
    if (mine > 0) != (theirs > 0) or abs(theirs) < 0.5:
        return "while England's " + ("rose" if theirs > 0 else "fell" if theirs < 0 else "held steady")
    faster = abs(mine) > abs(theirs)
    return f"{'faster' if faster else 'more slowly'} than England's"


def _phrases(facts: Facts) -> list[str]:
    """How a sentence names each comparator row of an area table, in its order."""
    region = facts.authority.region_name
    return ([] if facts.is_group else ["its statistical neighbours' average"]) + [
        f"the {region} region" if region else "its region", "England"]


def compare_changes(rows: pd.DataFrame, subject: str, phrases: list[str]) -> list[str]:
    """Sentences on the authority's change over five years and on the year against its
    comparators' (the statements' narrative beside Tables 1 and 2); ``rows`` is an area
    table (the authority first) and ``phrases`` name its other rows."""
    years = [c for c in rows.columns if c.isdigit()]
    if len(years) < 2:
        return []
    me, others = rows.iloc[0], rows.iloc[1:].reset_index(drop=True)
    sentences = []
    for change, since in (("change_5y", years[0]), ("change_1y", years[-2])):
        if pd.isna(me[change]):
            continue
        them = [f"{phrase} {_moved(others.loc[i, change])}" for i, phrase in enumerate(phrases[:len(others)])
                if not pd.isna(others.loc[i, change])]
        england = others[change].iloc[-1] if len(others) else np.nan
        sentences.append(f"From {since} to {years[-1]}, {subject} in {me['area']} {_moved(me[change])}, "
                         f"{_pace(me[change], england)}" + (f" ({', '.join(them)})." if them else "."))
    return sentences


def area_block(facts: Facts, key: str, unit: str, title: str, subject: str) -> Block | None:
    """The statements' Table 1 (rates) or Table 2 (numbers): the authority, its statistical
    neighbours' average, its region and England over six published years, with each area's
    percentage change on the year before and over five years."""
    if facts.published is None:
        return None
    wide = _published_table(facts, unit)
    if wide.empty:
        return message(key, f"No published figure of {subject} is available for {facts.name} to compare.")
    rows = trends.area_table(wide, _area_names(facts))
    years = [c for c in rows.columns if c.isdigit()]
    status = wide.set_index(wide["time_period"].astype(str))["status"]
    frame = rows.astype({y: object for y in years})
    for year in years:          # DfE's symbol where the authority's figure is not published
        if pd.isna(rows.loc[0, year]) and status.get(year):
            frame.loc[0, year] = status[year]
    decimals = 0 if unit == Unit.NUMBER else 1
    columns = [t.text("area", "Area"), *[t.number(y, y, decimals, trim=True) for y in years],
               t.percent("change_1y", f"Change {years[-2]} to {years[-1]}" if len(years) > 1 else "Change on a year"),
               t.percent("change_5y", f"Change {years[0]} to {years[-1]}")]
    table = t.Table(key, f"{title}: {facts.name}, {facts.comparators()}, {years[0]} to "
                         f"{years[-1]}", facts.benchmark_source, columns, frame)
    note = ("Changes are percentages of the earlier year's figure, worked out from the figures as DfE publishes "
            "them (rates as whole numbers; regional and national counts rounded to the nearest 10)."
            + ("" if facts.is_group else " The statistical neighbours' figure is the average of those with a "
                                         "figure that year."))
    return Block(key, compare_changes(rows, subject, _phrases(facts)), table, None, [note])


def comparators_update(facts: Facts) -> Block | None:
    """Whether the comparisons reach the statement's year; where DfE has not yet published
    it, the authority's own latest figure from the return and a note that comparators are
    not yet available."""
    if facts.published is None:
        return None
    wide = _published_table(facts, Unit.NUMBER)
    last = trends.latest_year_with(wide, "england")
    if last is None:
        return None
    if last >= facts.year:
        return Block("comparators_update", [f"DfE's figures for every authority, region and England are published to "
                                            f"31 March {last}, the year of this statement, so the comparisons above "
                                            "are up to date."])
    now = facts.shown(Indicator.CLA)
    return Block("comparators_update", [
        f"At 31 March {facts.year}, {facts.name} looked after {narrative.count_text(now)} children (its own figure). "
        f"DfE has not yet published the figures of other authorities, the region and England for {facts.year}, so "
        f"the comparisons above stop at {last}."])


# --- starting, ceasing and looked after during the year ----------------------------------------

def _flow_values(facts: Facts) -> pd.DataFrame:
    figures = facts.figures
    if facts.data is not None:      # looked after during the year by UASC: from the return
        figures = pd.concat([figures.loc[~(figures["indicator"].eq(Indicator.DURING_YEAR)
                                           & figures["breakdown_group"].eq(Group.UASC))],
                             composition.during_year_figures(facts.data.tables, facts.authority, facts.years)],
                            ignore_index=True)
    frame = pd.DataFrame({"time_period": facts.years})
    for indicator in FLOWS:
        for suffix, (group, breakdown) in {"": (TOTAL, TOTAL), "_uasc": (Group.UASC, Uasc.YES),
                                           "_other": (Group.UASC, Uasc.NO)}.items():
            rows = select(figures, indicator, Unit.NUMBER, group, breakdown)
            rows = rows.loc[rows["new_la_code"].eq(facts.code)].set_index("time_period")["value"]
            frame[f"{indicator}{suffix}"] = frame["time_period"].map(rows).astype("float64")
    return frame


def flows(facts: Facts) -> Block:
    """Children starting, ceasing and looked after during the year, each split into UASC and
    other children; each split is suppressed with its total, so no hidden count can be
    worked out from the others."""
    values = _flow_values(facts)
    shown = values[["time_period"]].copy()
    for indicator in FLOWS:
        parts = [f"{indicator}_uasc", f"{indicator}_other", indicator]
        also = members_hide(facts, values, lambda f: _flow_values(f)[parts], parts, total_column=indicator)
        shown[parts] = disclosure.suppress_table(values[parts], parts, total_column=indicator,
                                                 threshold=facts.threshold, also_hide=also)[parts]
    columns = [t.year()]
    for indicator, label in FLOWS.items():
        columns += [t.count(indicator, label), t.count(f"{indicator}_uasc", f"{FLOW_SHORT[indicator]}: UASC"),
                    t.count(f"{indicator}_other", f"{FLOW_SHORT[indicator]}: not UASC")]
    table = t.Table("cla_started_and_ceased", f"Children starting, ceasing and looked after during the year, "
                                              f"{facts.name}", facts.source, columns, shown)
    plotted = disclosure.chart_data(shown, [Indicator.STARTED, Indicator.CEASED]).frame
    long = plotted.rename(columns={i: FLOWS[i] for i in (Indicator.STARTED, Indicator.CEASED)}).melt(
        id_vars="time_period", value_vars=[FLOWS[Indicator.STARTED], FLOWS[Indicator.CEASED]],
        var_name="series", value_name="children").dropna()
    sentences = _flow_sentences(facts, shown, plotted)
    chart = charts.line_chart(long, x="time_period", y="children", hue="series",
                              title=f"Children starting and ceasing to be looked after, {facts.name}, "
                                    f"{year_span(facts.years[0], facts.years[-1])}",
                              y_label="Number of children", source=facts.source,
                              alt=f"Line chart of the children starting and ceasing to be looked after in "
                                  f"{facts.name}, {year_span(facts.years[0], facts.years[-1])}. {' '.join(sentences)}")
    notes = ["Years run from 1 April to 31 March. A child who started (or ceased) more than once in a year is counted "
             "once; short-break-only care is not counted. A child counts as an unaccompanied asylum-seeking child "
             "(UASC) when they were one on the day they started, on the day before they ceased, and, for the year as "
             "a whole, at any time they were looked after in it."]
    return Block("flows", sentences, table, chart, notes + ([disclosure.CHART_NOTE] if (shown == SUPPRESSED).any().any()
                                                             else []))


def _number(value) -> float:
    return pd.to_numeric(pd.Series([value]), errors="coerce").iloc[0]


def _flow_sentences(facts: Facts, shown: pd.DataFrame, plotted: pd.DataFrame) -> list[str]:
    latest = shown.set_index("time_period").loc[facts.year]
    started, ceased, during = (_number(latest[i]) for i in FLOWS)
    sentences = []
    if not pd.isna(started) and not pd.isna(ceased):
        uasc = _number(latest[f"{Indicator.STARTED}_uasc"])
        of_whom = f" ({half_up(uasc):,.0f} of them unaccompanied asylum-seeking children)" if not pd.isna(uasc) else ""
        sentences.append(f"In the year to 31 March {facts.year}, {half_up(started):,.0f} children started to be looked "
                         f"after{of_whom} and {half_up(ceased):,.0f} ceased, a net change of "
                         f"{half_up(started - ceased):+,.0f}.")
    if not pd.isna(during):
        other = _number(latest[f"{Indicator.DURING_YEAR}_other"])
        share = f"; {half_up(other / during * 100):.0f}% of them were not unaccompanied asylum-seeking children" \
            if not pd.isna(other) and during else ""
        sentences.append(f"In all, {half_up(during):,.0f} children were looked after at some time during the "
                         f"year{share}.")
    series = plotted.set_index("time_period")[Indicator.STARTED]
    sentences.append(narrative.describe_trend(series, "the number starting to be looked after in the year").replace(
        "At 31 March", "In the year to 31 March"))
    return sentences


def drivers(facts: Facts) -> Block | None:
    """What moved the number in care over the year: how many started and ceased against the
    year before, and where the children who ceased went (each group stated only when it
    is not a small number)."""
    started, ceased = facts.count_series(Indicator.STARTED), facts.count_series(Indicator.CEASED)
    year, before = facts.year, facts.year - 1
    if pd.isna(started.get(year)) or pd.isna(ceased.get(year)):
        return None
    net = started[year] - ceased[year]
    sentences = [f"The number in care {'grew' if net > 0 else 'fell' if net < 0 else 'held steady'} over the year "
                 f"because {half_up(started[year]):,.0f} children started to be looked after and "
                 f"{half_up(ceased[year]):,.0f} ceased"
                 + (f" (against {half_up(started[before]):,.0f} and {half_up(ceased[before]):,.0f} the year before)"
                    if not pd.isna(started.get(before)) and not pd.isna(ceased.get(before)) else "") + "."]
    went = permanence.destinations(facts.figures, facts.code, year)
    words = {permanence.HOME: "returned home or went to live with relatives",
             permanence.PERMANENCE: "left to permanence with a family",
             permanence.ADULTHOOD: "left care as young adults (staying with their carers after 18 or moving to "
                                   "live independently)"}
    parts = [f"{half_up(went[k]):,.0f} {w}" for k, w in words.items()
             if k in went and not pd.isna(went[k]) and not disclosure.is_small(went[k], facts.threshold)]
    if parts:
        sentences.append(f"Of those who ceased, {', '.join(parts[:-1]) + ' and ' if len(parts) > 1 else ''}"
                         f"{parts[-1]}.")
    return Block("drivers", sentences)


# --- the latest six months (the statements' six-month progress update) ---------------------------

SIX_MONTH_ROWS = {Uasc.YES: "Unaccompanied asylum-seeking children (UASC)", Uasc.NO: "Other children (not UASC)",
                  TOTAL: "All children looked after"}
#: The analysis frame's columns -> the table's EES names.
SIX_MONTH_COLUMNS = {"breakdown": "uasc_status", composition.SEPTEMBER: "looked_after_30_september_count",
                     composition.MARCH: "looked_after_31_march_count", composition.CHANGE: "six_month_change_count"}


def _long_date(day: pd.Timestamp) -> str:
    return f"{day.day} {day:%B %Y}"


def _from_to(september, march) -> str:
    """How a count moved between two shown counts, in words (e.g. rose from 650 to 672, 22 more);
    empty when either is hidden."""
    before, after = _number(september), _number(march)
    if pd.isna(before) or pd.isna(after):
        return ""
    if before == after:
        return f"stayed at {half_up(after):,.0f}"
    word, more = ("rose", "more") if after > before else ("fell", "fewer")
    return f"{word} from {half_up(before):,.0f} to {half_up(after):,.0f} ({half_up(abs(after - before)):,.0f} {more})"


def six_months(facts: Facts) -> Block:
    """The number looked after at 30 September and at 31 March of the statement's year, by
    UASC status, and the change over those six months. Each split is suppressed with its
    total, and a change is shown only where both its counts are, so no hidden count can be
    worked out from it."""
    key = "cla_six_months"
    if facts.data is None:
        return nothing_for(facts, "six_months", "the children looked after over the latest six months")
    september, march = composition.six_month_dates(facts.year)
    counts = [composition.SEPTEMBER, composition.MARCH]
    def change(of: Facts) -> pd.DataFrame:
        return composition.six_month_change(of.data.tables, of.year)
    values = change(facts)
    shown = suppressed(facts, values, change, counts, total_row=TOTAL, labels="breakdown")
    hidden = shown[counts].eq(SUPPRESSED).any(axis=1)
    shown[composition.CHANGE] = values[composition.CHANGE].astype(object).where(~hidden, SUPPRESSED)
    # shown counts back to numbers, so the page writes 1,034 (a suppressed cell stays c)
    shown[counts] = shown[counts].map(lambda v: v if v == SUPPRESSED else int(v))
    rows = shown.set_index("breakdown")
    total = _from_to(*rows.loc[TOTAL, counts])
    sentences = [f"Between {_long_date(september)} and {_long_date(march)}, the number of children looked after by "
                 f"{facts.name} {total}." if total else
                 f"Too few children were looked after by {facts.name} to show the change between "
                 f"{_long_date(september)} and {_long_date(march)}."]
    parts = [f"the number of {who} {moved}" for who, moved in
             (("unaccompanied asylum-seeking children", _from_to(*rows.loc[Uasc.YES, counts])),
              ("other children", _from_to(*rows.loc[Uasc.NO, counts]))) if moved]
    if parts:
        sentences.append(f"Over the same six months, {' and '.join(parts)}.")
    elif total:
        sentences.append("How the numbers of unaccompanied asylum-seeking children and of other children changed is "
                         f"not shown, as a count it rests on is {narrative.HIDDEN}.")
    frame = shown.assign(breakdown=shown["breakdown"].map(SIX_MONTH_ROWS)).rename(columns=SIX_MONTH_COLUMNS)
    columns = [t.text("uasc_status", "Children"),
               t.count("looked_after_30_september_count", f"Looked after at {_long_date(september)}"),
               t.count("looked_after_31_march_count", f"Looked after at {_long_date(march)}"),
               t.number("six_month_change_count", "Change over the six months")]
    table = t.Table(key, f"Children looked after over the latest six months by UASC status, {facts.name}, "
                         f"{_long_date(september)} to {_long_date(march)}", facts.source, columns, frame)
    notes = ["Each date's number counts the children with a period of care open at the end of that day, as DfE "
             "counts the children looked after at 31 March (short breaks only are not counted). A child counts as "
             "an unaccompanied asylum-seeking child (UASC) when they were one on that day. DfE publishes no figure "
             "for 30 September, so this six-month change comes from the return only."]
    return Block("six_months", sentences, table, None, notes)


# --- permanence -------------------------------------------------------------------------------

PERMANENCE_LABELS = {"ceased": "Ceased to be looked after", permanence.ADOPTED: "Adopted",
                     permanence.SGO: "Special guardianship order", permanence.CAO: "Child arrangements order",
                     permanence.PERMANENCE: "Left care to permanence"}


def _permanence_table(facts: Facts) -> pd.DataFrame:
    if facts.data is not None:
        return permanence.exits_series(facts.data.tables, facts.years)
    return permanence.exits_from_figures(facts.figures, facts.code, facts.years)


def permanence_block(facts: Facts) -> Block:
    """Children who left care to permanence each year, by route, and their share of all who
    ceased to be looked after (suppressed: each route with their sum)."""
    values = _permanence_table(facts)
    if values[list(PERMANENCE_LABELS)].isna().all().all():
        return nothing_for(facts, "permanence", "children leaving care to permanence")
    routes = [*permanence.ROUTES, permanence.PERMANENCE]
    shown = values[["time_period"]].copy()
    also = members_hide(facts, values, lambda f: _permanence_table(f)[routes], routes,
                        total_column=permanence.PERMANENCE)
    shown[routes] = disclosure.suppress_table(values[routes], routes, total_column=permanence.PERMANENCE,
                                              threshold=facts.threshold, also_hide=also)[routes]
    # DfE's own suppression: a route missing in a year whose reasons are published
    for column in routes:
        shown[column] = shown[column].where(~(values[column].isna() & values["reasons_given"]), SUPPRESSED)
    shown["ceased"] = disclosure.suppress_small_counts(
        values[["ceased"]], ["ceased"], facts.threshold,
        also_hide=members_hide(facts, values, lambda f: _permanence_table(f)[["ceased"]], ["ceased"]))["ceased"]
    share = values[permanence.PERMANENCE] / values["ceased"].replace(0, np.nan) * 100
    hidden = shown[permanence.PERMANENCE].eq(SUPPRESSED) | shown["ceased"].eq(SUPPRESSED)
    shown["percent"] = share.astype(object).where(~hidden, SUPPRESSED)
    names = dict(zip(["ceased", *routes], ["ceased", "adopted", "sgo", "cao", "permanence"]))
    frame = shown.rename(columns=names)
    columns = [t.year(), *[t.count(names[c], PERMANENCE_LABELS[c]) for c in ["ceased", *routes]],
               t.percent("percent", "Left care to permanence, percentage of those who ceased")]
    table = t.Table("permanence", f"Children leaving care to permanence, {facts.name}", facts.source, columns, frame)
    plotted = disclosure.chart_data(shown, list(permanence.ROUTES)).frame
    long = plotted.rename(columns=PERMANENCE_LABELS).melt(
        id_vars="time_period", value_vars=[PERMANENCE_LABELS[r] for r in permanence.ROUTES], var_name="series",
        value_name="children").dropna()
    sentences = [_permanence_sentence(facts, shown)]
    chart = charts.line_chart(long, x="time_period", y="children", hue="series",
                              title=f"Children leaving care to permanence, {facts.name}, {facts.years[0]} to "
                                    f"{facts.years[-1]}", y_label="Number of children", source=facts.source,
                              alt=f"Line chart of the children adopted and leaving care under a special guardianship "
                                  f"or child arrangements order in {facts.name}, {facts.years[0]} to "
                                  f"{facts.years[-1]}. {sentences[0]}")
    notes = ["Permanence here is leaving care to live with a family under an adoption order, a special guardianship "
             "order or a child arrangements order (a residence order before 2014), by the reason the child's last "
             "period of care in the year ended. Children who return home to their parents are not counted here."]
    if (shown == SUPPRESSED).any().any():
        notes.append(disclosure.CHART_NOTE)
    return Block("permanence", sentences, table, chart, notes + _revised(facts, values))


def _revised(facts: Facts, values: pd.DataFrame) -> list[str]:
    """Where DfE revised a year's number who ceased after publishing its reasons, a note: the
    reasons keep the total of their own release, so the page states two numbers for the year."""
    if facts.data is not None:
        return []
    said = []
    for year, ceased in zip(values["time_period"], values["ceased"]):
        newest = facts.shown(Indicator.CEASED, year=int(year))
        if not (pd.isna(ceased) or pd.isna(newest)) and half_up(ceased) != half_up(newest):
            said.append(f"{int(year)}: {half_up(ceased):,.0f} with the reasons, {half_up(newest):,.0f} revised")
    if not said:
        return []
    return ["DfE publishes the reasons children ceased to be looked after with the number who ceased in the same "
            "release, and revises the number in a later one; this table keeps each year's reasons with their own "
            "number, so it can differ from the newest number on this page (" + "; ".join(said) + ")."]


def _permanence_sentence(facts: Facts, shown: pd.DataFrame) -> str:
    """On the latest year whose reasons are given (DfE publishes them a year later than the
    numbers)."""
    given = shown.loc[shown[permanence.PERMANENCE].astype(str).str.strip().ne("")]
    if given.empty:
        return "No figures of the reasons children ceased to be looked after are available."
    latest = given.set_index("time_period").iloc[-1]
    year = int(given["time_period"].iloc[-1])
    total, ceased = _number(latest[permanence.PERMANENCE]), _number(latest["ceased"])
    if pd.isna(total) or pd.isna(ceased):
        return f"Too few children left care to permanence in the year to 31 March {year} to show the number by route."
    words = {permanence.ADOPTED: ("adopted", "adoption"), permanence.SGO: ("under a special guardianship order",
                                                                          "special guardianship"),
             permanence.CAO: ("under a child arrangements order", "child arrangements orders")}
    parts = [f"{half_up(_number(latest[r])):,.0f} {w}" for r, (w, _) in words.items()
             if not pd.isna(_number(latest[r]))]
    hidden = [name for r, (_, name) in words.items() if pd.isna(_number(latest[r]))]
    if parts and hidden:        # the suppressed routes together, as the table's total gives them
        parts.append(f"the rest by {' or '.join(hidden)} (too few to show apart)")
    share = f" ({half_up(total / ceased * 100):.0f}%)" if ceased else ""
    routes = f": {', '.join(parts[:-1])} and {parts[-1]}" if len(parts) > 1 else (f": {parts[0]}" if parts else "")
    return (f"Of the {half_up(ceased):,.0f} children who ceased to be looked after in the year to 31 March {year}, "
            f"{half_up(total):,.0f}{share} left care to permanence with a family{routes}.")


def permanence_benchmark(facts: Facts, route: str, key: str, subject: str) -> Block | None:
    """One route's share of the children ceasing to be looked after, as DfE publishes it,
    beside the statistical neighbours, region and England."""
    block = benchmark_block(facts, key, Indicator.CEASED, subject, unit=Unit.PERCENT,
                            breakdown_group=Group.REASON_CEASED, breakdown=route)
    if block is not None and block.table is not None:
        frame = block.table.frame
        known = frame.loc[pd.to_numeric(frame["england"], errors="coerce").notna(), "time_period"]
        if len(known) and int(known.max()) < facts.year:     # DfE has not published the later years yet
            last = int(known.max())
            block = dataclasses.replace(block, table=block.table.with_frame(frame.loc[frame["time_period"] <= last]),
                                        notes=[*block.notes, (
                                            f"DfE's figures of the children who ceased to be looked after by reason "
                                            f"are published to {last}, so the comparison stops there.")])
    return block


def boundary(facts: Facts):
    """Where the authority's boundary changed, when it did (a group's members' changes too)."""
    codes = facts.authority.members or (facts.code,)
    notes = [reference.boundary_note(code) for code in codes if not code.startswith("group-")]
    return Block("boundary", [n for n in notes if n]) if any(notes) else None


def build(facts: Facts, found: list, outlook=None) -> Chapter:
    """The chapter's blocks for the facts' authority and year."""
    return Chapter(facts, "children_in_care", {
        "story": stories.children_in_care(facts),
        "boundary": boundary(facts),
        "counts": counts(facts),
        "number_comparison": area_block(facts, "cla_number_comparison", Unit.NUMBER, COUNT_LABEL,
                                        "the number of children looked after"),
        "rate_comparison": area_block(facts, "cla_rate_comparison", Unit.RATE, RATE_LABEL,
                                      "the rate of children looked after per 10,000 children"),
        "rate_benchmark": benchmark_block(facts, "cla_rate_benchmark", Indicator.CLA,
                                          "the rate of children looked after", unit=Unit.RATE, label=RATE_LABEL,
                                          years=7),
        "comparators_update": comparators_update(facts),
        "flows": flows(facts),
        "drivers": drivers(facts),
        "six_months": six_months(facts),
        "permanence": permanence_block(facts),
        "adoption_benchmark": permanence_benchmark(facts, permanence.ADOPTED, "adoption_benchmark",
                                                   "the share of children ceasing to be looked after who were "
                                                   "adopted"),
        "sgo_benchmark": permanence_benchmark(facts, permanence.SGO, "sgo_benchmark",
                                              "the share of children ceasing to be looked after under a special "
                                              "guardianship order"),
    }, found, areas=[Area.CHILDREN_IN_CARE])
