"""The public market, capacity and money of the provision chapter (:mod:`provision`), for
every authority: children's homes, secure homes, residential special schools registered as
children's homes, short-break-only homes and fostering agencies registered in the area
(Ofsted), the share of homes judged good or outstanding, homes opened and closed, the
authority's own foster carers' places (Ofsted via LAIT), S251 weekly unit costs and gross
spending (LAIT), each against the statistical neighbours, region and England where they
compare, and each with its date. The numbers come from :mod:`sufficiency_lib.analysis.market`."""
from __future__ import annotations

import numpy as np
import pandas as pd

from sufficiency_lib.analysis import budgets, market
from sufficiency_lib.analysis import costs as provision
from sufficiency_lib.analysis.facts import Facts
from sufficiency_lib.published import reference
from sufficiency_lib.published.releases import LICENCE, NEIGHBOUR_MODELS
from sufficiency_lib.statement import charts, narrative
from sufficiency_lib.statement import tables as t
from sufficiency_lib.statement.blocks import Block, message
from sufficiency_lib.statement.chapters.common import column_name, compared_chart_and_table, compared_columns
from sufficiency_lib.vocabulary import Indicator, Unit, unit_axis_label
from sufficiency_lib.wording import decimal_text, half_up, year_span

I = Indicator
OPENING_COLUMNS = [t.year(label="Year to 31 March"), t.count("homes_opened", "Homes opened"),
                   t.count("places_opened", "Places opened"), t.count("homes_closed", "Homes closed"),
                   t.count("places_closed", "Places closed"), t.number("net_homes", "Net change in homes"),
                   t.number("net_places", "Net change in places")]
FOSTER_COLUMNS = [t.year(label="Year (31 March)"), t.count("approved", "Places approved"),
                  t.count("filled", "Places filled"), t.count("vacant", "Places not filled"),
                  t.percent("occupancy", "Occupancy"), t.percent("sn_occupancy", "Occupancy: neighbours (mean)"),
                  t.percent("england_occupancy", "Occupancy: England"),
                  t.number("per_10000", "Places approved per 10,000 children", 1, trim=True),
                  t.number("sn_per_10000", "Per 10,000: neighbours (mean)", 1, trim=True),
                  t.number("england_per_10000", "Per 10,000: England", 1, trim=True),
                  t.Column("source", "Source of the places", t.FILTER, show=False)]
UNIT_COST_COLUMNS = [t.year(label="Year (to 31 March)"), t.text("financial_year", "Financial year"),
                     t.text("measure", "S251 unit cost"), t.pounds("value", "Weekly cost"),
                     t.pounds("sn_mean", "Neighbours (mean)"), t.pounds("region", "Region"),
                     t.pounds("england", "England"), t.number("rank", "Rank among authorities (1 = the lowest)"),
                     t.pounds("real_value", "Weekly cost in real terms")]
SPEND_COLUMNS = [t.year(label="Year (to 31 March)"), t.text("financial_year", "Financial year"),
                 t.text("measure", "Gross spending"), t.pounds("value", "Spending"),
                 t.pounds("real_value", "Spending in real terms"), t.pounds("per_child", "Per child aged 0 to 17"),
                 t.pounds("sn_mean_per_child", "Per child: neighbours (mean)"),
                 t.pounds("region_per_child", "Per child: region"),
                 t.pounds("england_per_child", "Per child: England")]



# --- sources and dates ---------------------------------------------------------------------

def public_source(figures: pd.DataFrame, indicator: str, unit: str, years, facts: Facts | None = None) -> str:
    """The source line of a public series: publication and files, the neighbour model when compared."""
    text = market.source_of(figures, indicator, unit, years)
    if facts is not None and not facts.is_group:          # a group has no statistical neighbours
        model = facts.authority.neighbour_model or max(NEIGHBOUR_MODELS)
        text += ("; statistical neighbours: DfE children's services statistical neighbour model of "
                 f"{NEIGHBOUR_MODELS.get(int(model), model)}")
    return f"{text} ({LICENCE})"


def _when(year: int, statement_year: int, what: str = "at 31 March") -> str:
    """'at 31 March 2023, 2 years before the statement's year (2025)': the figure's date."""
    gap = market.age(year, statement_year)
    since = "" if not gap else f", {gap} year{'s' if gap != 1 else ''} before the statement's year ({statement_year})"
    return f"{what} {year}{since}"


def _upper(text: str) -> str:
    return text[:1].upper() + text[1:]


def _compare_sentence(row: pd.Series, subject: str, suffix: str, decimals: int, region: str, polarity: str,
                      statement_year: int) -> str:
    """'At 31 March 2023, 2 years before the statement's year (2025), <subject> was 10.4 per
    10,000, against 9.4 for its statistical neighbours (mean), 7.8 for the East of England and
    9.3 for England; it ranked 101 of 150 (1 = lowest).' The date says how old the latest figure is."""
    def number(value) -> str:
        return "not published" if pd.isna(value) else f"{decimal_text(float(value), decimals)}{suffix}"

    when = _upper(_when(int(row["time_period"]), statement_year))
    text = (f"{when}, {subject} was {number(row['value'])}, against {number(row['sn_mean'])} "
            f"for its statistical neighbours (mean), {number(row['region'])} for {region} and "
            f"{number(row['england'])} for England")
    if not pd.isna(row["rank"]):
        text += f"; it ranked {int(row['rank'])} of {int(row['ranked_of'])} authorities (1 = the lowest)"
    good = {"high": " A higher figure is better.", "low": " A lower figure is better."}.get(polarity, "")
    return text + "." + good


def _compare(facts: Facts, figures: pd.DataFrame, key: str, indicator: str, unit: str, subject: str,
             label: str, suffix: str, polarity: str = "neutral") -> Block:
    """A public figure beside the neighbours, region and England in every year it is published."""
    table = market.comparison(figures, facts.code, indicator, unit, facts.year, facts.authority.neighbour_model)
    if table.empty or table["value"].isna().all():
        return message(key, f"No published figure of {subject} is available for {facts.name} up to {facts.year}.")
    latest = table.dropna(subset=["value"]).iloc[-1]
    sentence = _compare_sentence(latest, subject, suffix, 1 if unit == Unit.RATE else 0, facts.authority.region_name,
                                 polarity, facts.year)
    source = public_source(figures, indicator, unit, table["time_period"], facts)
    chart, declared = compared_chart_and_table(facts, key, table, subject, label, unit, source, sentence,
                                               unit_axis_label(unit, label))
    return Block(key, [sentence], declared, chart)


# --- the market in the area ------------------------------------------------------------------

def _homes_frame(table: pd.DataFrame, sectors: list[str], year: int) -> tuple[pd.DataFrame, list[t.Column]]:
    columns = [t.Column("time_period", "Year (31 March)", t.TIME, show=False), t.text("provision", "Provision"),
               t.count("homes", "Homes (agencies)"), t.count("places", "Places")]
    frame = table[["provision", "homes", "places"]].assign(time_period=year)
    for sector in sectors:
        for what in ("homes", "places"):
            name = f"{column_name(sector)}_{what}"
            frame[name] = table[f"{sector}|{what}"]
            columns.append(t.count(name, f"{sector}: {what}"))
    return frame.astype(object).where(frame.notna(), ""), columns


def homes_block(facts: Facts, figures: pd.DataFrame) -> Block:
    """Children's homes, secure homes, residential special schools registered as children's
    homes, short-break-only homes and fostering agencies registered in the area, by sector."""
    year = market.latest_year(figures, I.CHILDRENS_HOMES, Unit.HOMES, facts.year)
    if year is None:
        return message("childrens_homes", f"Ofsted's register of children's homes is not among the published "
                                          f"figures for any year up to {facts.year}.")
    table = market.homes_in_area(figures, facts.code, year)
    if table["homes"].isna().all():
        formed = None if facts.is_group else reference.formed_in(facts.code)
        why = (f"formed in April {formed}, after that count" if formed is not None and formed >= year
               else "an authority it does not name")
        return message("childrens_homes", f"Ofsted's register at 31 March {year} gives no figures for {facts.name} "
                                          f"({why}).")
    sectors = market.sectors_shown(table)
    row = table.set_index("provision")
    homes, short, secure, rss, agencies = (row.iloc[i] for i in range(5))
    by_sector = "; ".join(f"{s.lower()} {half_up(homes[f'{s}|homes']):,.0f} "
                          f"({half_up(homes[f'{s}|places']):,.0f} places)" for s in sectors)
    sentences = [
        f"{_upper(_when(year, facts.year))} (Ofsted's latest register read), {half_up(homes['homes']):,.0f} children's "
        f"homes with {half_up(homes['places']):,.0f} places were registered in {facts.name}: {by_sector}. Of them "
        f"{half_up(short['homes']):,.0f} {'was a' if short['homes'] == 1 else 'were'} short-break-only "
        f"home{'' if short['homes'] == 1 else 's'} ({half_up(short['places']):,.0f} places).",
        f"Also in the area: {half_up(secure['homes']):,.0f} secure children's "
        f"home{'' if secure['homes'] == 1 else 's'} ({half_up(secure['places']):,.0f} places), "
        f"{half_up(rss['homes']):,.0f} residential special school{'' if rss['homes'] == 1 else 's'} registered as a "
        f"children's home ({half_up(rss['places']):,.0f} places), and {half_up(agencies['homes']):,.0f} independent "
        f"fostering agenc{'y' if agencies['homes'] == 1 else 'ies'} registered with Ofsted.",
        f"A home counts where it stands, not whose children it looks after: a private or voluntary home in "
        f"{facts.name} is open to every authority's children and is not reserved for {facts.name}'s."]
    frame, columns = _homes_frame(table, sectors, year)
    source = public_source(figures, I.CHILDRENS_HOMES, Unit.HOMES, [year])
    declared = t.Table("childrens_homes", f"Children's homes and fostering agencies registered in {facts.name} "
                                          f"at 31 March {year}, by sector", source, columns, frame)
    over_time = market.homes_over_time(figures, facts.code, facts.year)
    over_time = over_time.loc[over_time["sector"].isin(sectors)]
    chart = charts.stacked_bar_chart(over_time, x="time_period", y="places", hue="sector",
                                     title=f"Children's home places in {facts.name} by sector",
                                     y_label="Registered places", source=public_source(
                                         figures, I.CHILDRENS_HOME_PLACES, Unit.PLACES, over_time["time_period"]),
                                     alt=f"Stacked bar chart of children's home places registered in {facts.name} "
                                         f"by sector at 31 March of {', '.join(map(str, over_time['time_period'].unique()))}."
                                         f" {sentences[0]}") if len(over_time) else None
    notes = ["Children's homes include short-break-only and suspended homes; secure children's homes and residential "
             "special schools registered as children's homes are counted apart. Places are those registered with "
             "Ofsted, occupied or not.",
             "No map of provision is drawn: Ofsted does not publish children's homes' addresses, so the public figures "
             "place a home only in its authority. The authority's own list of the homes and supported accommodation "
             "it commissions, with their districts, would allow one."]
    return Block("childrens_homes", sentences, declared, chart, notes)


def quality_block(facts: Facts, figures: pd.DataFrame) -> Block:
    """The share of children's homes in the area judged good or outstanding, against comparators."""
    block = _compare(facts, figures, "homes_good_or_outstanding", I.HOMES_GOOD_OR_OUTSTANDING, Unit.PERCENT,
                     "the share of children's homes in the area judged good or outstanding",
                     "Children's homes judged good or outstanding", "%", polarity="high")
    year = market.latest_year(figures, I.HOMES_GOOD_OR_OUTSTANDING, Unit.PERCENT, facts.year)
    if year is not None:
        counts = market.judgements(figures, facts.code, year)
        block.notes.append(f"Children's homes in {facts.name} by latest full inspection judgement at 31 March {year}: "
                           + "; ".join(f"{label} {half_up(value):,.0f}" for label, value in counts.items())
                           + ". The share is of homes with a judgement.")
    return block


def openings_block(facts: Facts, figures: pd.DataFrame) -> Block:
    """Children's homes opened and closed in the area each year (Ofsted's joiners and leavers)."""
    frame = market.openings(figures, facts.code, facts.year)
    if frame.empty:
        return message("homes_opened_closed", f"No figures of Ofsted's joiners and leavers (homes opened and "
                                              f"closed) are published for {facts.name} up to {facts.year}.")
    first, last = int(frame["time_period"].min()), int(frame["time_period"].max())
    sentence = (f"In the {'year' if first == last else 'years'} to 31 March {year_span(first, last)} that Ofsted's "
                f"joiners and leavers give ({', '.join(map(str, frame['time_period']))}), "
                f"{half_up(frame['homes_opened'].sum()):,.0f} children's homes "
                f"({half_up(frame['places_opened'].sum()):,.0f} places) opened in {facts.name} and "
                f"{half_up(frame['homes_closed'].sum()):,.0f} ({half_up(frame['places_closed'].sum()):,.0f} places) "
                f"closed: a net change of {half_up(frame['net_homes'].sum()):+,.0f} homes and "
                f"{half_up(frame['net_places'].sum()):+,.0f} places. The latest is the year "
                f"{_when(last, facts.year, 'to 31 March')}.")
    # a year Ofsted's files do not give is a gap in the lines, not a straight line across it
    every = frame.set_index("time_period").reindex(range(first, last + 1)).rename_axis("time_period").reset_index()
    long = every.melt(id_vars="time_period", value_vars=["homes_opened", "homes_closed"], var_name="series",
                      value_name="homes").replace({"homes_opened": "Opened", "homes_closed": "Closed"})
    source = public_source(figures, I.CHILDRENS_HOMES_OPENED, Unit.HOMES, frame["time_period"])
    chart = charts.line_chart(long, x="time_period", y="homes", hue="series", title=f"Children's homes opened and "
                              f"closed in {facts.name}, years to 31 March", y_label="Homes", source=source,
                              alt=f"Line chart of children's homes opened and closed in {facts.name} each year to 31 "
                                  f"March, {year_span(first, last)}. {sentence}")
    declared = t.Table("homes_opened_closed", f"Children's homes opened and closed in {facts.name}", source,
                       OPENING_COLUMNS, frame)
    return Block("homes_opened_closed", [sentence], declared, chart)


# --- the authority's own foster carers --------------------------------------------------------

def _against(row: pd.Series, comparators: dict[str, str], said) -> str:
    """", against 60% for its statistical neighbours and 62% for England": the comparators of
    ``row`` it has (a group has no neighbours), each as ``said`` writes it."""
    known = [f"{said(row[column])} for {who}" for column, who in comparators.items() if pd.notna(row[column])]
    return ", against " + " and ".join(known) if known else ""


def foster_block(facts: Facts, figures: pd.DataFrame) -> Block:
    """In-house foster places approved and filled, occupancy and places per 10,000 children,
    against comparators; a local capacity table's in-house places win for its years."""
    frame = market.foster_comparison(figures, facts.code, facts.year, facts.authority.neighbour_model,
                                     facts.local.get("capacity"))
    if frame.empty:
        return message("inhouse_foster_places", f"No figure of {facts.name}'s approved in-house foster places is "
                                                f"published or recorded locally up to {facts.year}.")
    latest = frame.iloc[-1]
    year = int(latest["time_period"])
    sentence = (f"{_upper(_when(year, facts.year))}, {facts.name}'s own foster carers were approved for "
                f"{half_up(latest['approved']):,.0f} places (family and friends carers excluded)")
    if pd.notna(latest["filled"]):
        # a group's occupancy is its members' places filled over their places approved
        occupancy = latest["occupancy"] if pd.notna(latest["occupancy"]) else (
            latest["filled"] / latest["approved"] * 100 if latest["approved"] else np.nan)
        sentence += f", {half_up(latest['filled']):,.0f} of them filled"
        if pd.notna(occupancy):
            sentence += f": an occupancy of {half_up(occupancy):.0f}%" + _against(
                latest, {"sn_occupancy": "its statistical neighbours", "england_occupancy": "England"},
                lambda v: f"{half_up(v):.0f}%")
    sentences = [sentence + "."]
    if pd.notna(latest["per_10000"]):
        sentences.append(f"That is {decimal_text(latest['per_10000'])} approved places per 10,000 children aged 0 to "
                         "17" + _against(latest, {"sn_per_10000": "its neighbours", "england_per_10000": "England"},
                                         decimal_text) + ".")
    if frame["source"].eq(market.LOCAL_CAPACITY).any():
        sentences.append("Where the local capacity table records in-house places for a year, they are shown in "
                         "place of Ofsted's (places filled are then not known).")
    long = frame.melt(id_vars="time_period", value_vars=["approved", "filled"], var_name="series",
                      value_name="places").dropna().replace({"approved": "Approved", "filled": "Filled"})
    source = public_source(figures, I.INHOUSE_FOSTER_PLACES, Unit.PLACES, frame["time_period"], facts)
    chart = charts.line_chart(long, x="time_period", y="places", hue="series", title=f"In-house foster places, "
                              f"{facts.name}", y_label="Places", source=source,
                              alt=f"Line chart of the places approved with {facts.name}'s own foster carers and the "
                                  f"places filled, {year_span(int(frame['time_period'].min()), year)}. {sentences[0]}")
    declared = t.Table("inhouse_foster_places", f"Places with {facts.name}'s own foster carers, approved and filled",
                       source, compared_columns(facts, FOSTER_COLUMNS), frame)
    notes = [f"Ofsted's fostering data: places approved with {facts.whose} own carers, occupied or not, and the "
             "places filled, both rounded to 5; independent fostering agencies' places are not included."]
    return Block("inhouse_foster_places", sentences, declared, chart, notes)


# --- money -----------------------------------------------------------------------------------

def _real_terms_note(deflator, what: str) -> str:
    """Whether ``what`` (the unit costs, the spending) is in real terms, and by which deflator."""
    if deflator is None:
        return f"No price deflator was given in the local data, so {what} is in cash terms only."
    return (f"{_upper(what)} in real terms is in the prices of {deflator['financial_year'].max()}, by the "
            f"authority's deflator ({_source_text(deflator)}).")


def _source_text(table: pd.DataFrame) -> str:
    cited = sorted({s for s in table.get("source", pd.Series(dtype=str)) if s})
    return "; ".join(cited) or "local deflator table"


def unit_costs_block(facts: Facts, figures: pd.DataFrame) -> Block:
    """S251 weekly unit costs of fostering, residential care and all looked-after children,
    over time, against comparators, in real terms where a deflator is given."""
    deflator = facts.local.get("deflator")
    frame = market.unit_costs(figures, facts.code, facts.year, facts.authority.neighbour_model, deflator)
    if frame.empty:
        return message("unit_costs", f"No S251 unit costs are published for {facts.name} up to {facts.year}.")
    last = int(frame["time_period"].max())
    latest = frame.loc[frame["time_period"].eq(last)]
    sentences = [f"In {provision.financial_year(last)} (the year {_when(last, facts.year, 'to 31 March')}), "
                 f"{facts.name}'s S251 weekly unit costs were: " + "; ".join(
                     f"{r.measure.lower()} {narrative.money(r.value)} (neighbours {narrative.money(r.sn_mean)}, "
                     f"England {narrative.money(r.england)})" for r in latest.itertuples()) + "."]
    for measure, rows in frame.groupby("measure", sort=False):
        moved = market.change(rows.set_index("time_period")["value"])
        if moved:
            sentences.append(f"The {measure.lower()} unit cost {narrative.direction(moved[2])} "
                             f"{half_up(abs(moved[2])):.0f}% in cash terms from {provision.financial_year(moved[0])} "
                             f"to {provision.financial_year(moved[1])}.")
    sentences.append(_real_terms_note(deflator, "each unit cost"))
    long = frame.assign(series=frame["measure"] + ": " + facts.name)
    england = frame.assign(series=frame["measure"] + ": England", value=frame["england"])
    chart_rows = pd.concat([long, england], ignore_index=True).dropna(subset=["value"])
    source = public_source(figures, I.UNIT_COST_CLA, Unit.GBP_PER_WEEK, frame["time_period"], facts)
    chart = charts.line_chart(chart_rows, x="time_period", y="value", hue="series",
                              title=f"S251 weekly unit costs, {facts.name} and England", y_label="Pounds a week (cash)",
                              source=source, alt=f"Line chart of {facts.name}'s and England's S251 weekly unit costs "
                                                 f"of fostering, residential care and all children looked after, "
                                                 "years to 31 March "
                                                 f"{year_span(int(frame['time_period'].min()), last)}. "
                                                 f"{sentences[0]}")
    declared = t.Table("unit_costs", f"S251 outturn weekly unit costs, {facts.name}, against {facts.comparators()}",
                       source, compared_columns(facts, UNIT_COST_COLUMNS), frame)
    notes = ["S251 outturn unit costs are DfE's approximations, rounded to £5: fostering covers in-house and purchased "
             "foster care; residential care covers children's homes (registered and voluntary), homes with education "
             "and the social care share of residential schools. Rank 1 is the lowest cost."]
    return Block("unit_costs", sentences, declared, chart, notes)


def spending_block(facts: Facts, figures: pd.DataFrame) -> Block:
    """Gross spending on children looked after and on leaving care, and per child against comparators."""
    deflator = facts.local.get("deflator")
    frame = market.spending(figures, facts.code, facts.year, facts.authority.neighbour_model, deflator)
    if frame.empty:
        return message("spending", f"No S251 spending is published for {facts.name} up to {facts.year}.")
    last = int(frame["time_period"].max())
    sentences = []
    for _, r in frame.loc[frame["time_period"].eq(last)].iterrows():
        sentences.append(f"In {provision.financial_year(last)}, {facts.name} spent {t.money_text(r['value'])} on "
                         f"{r['measure'].lower().replace(' (gross)', '')} (gross): {narrative.money(r['per_child'])} "
                         "per child aged 0 to 17" + _against(r, {"sn_mean_per_child": "its neighbours",
                                                                 "england_per_child": "England"}, narrative.money)
                         + ".")
    sentences.append(drivers_sentence(facts, frame))
    sentences.append(_real_terms_note(deflator, "the spending"))
    cla = frame.loc[frame["indicator"].eq(I.SPEND_CLA)]
    named = {"per_child": facts.name, "sn_mean_per_child": "Statistical neighbours (mean)",
             "region_per_child": facts.authority.region_name, "england_per_child": "England"}
    long = cla.melt(id_vars="time_period", value_vars=list(named), var_name="series", value_name="pounds") \
        .dropna().replace({"series": named})
    source = public_source(figures, I.SPEND_CLA, Unit.GBP, frame["time_period"], facts) + \
        "; ONS mid-year population estimates, children aged 0 to 17"
    chart = charts.line_chart(long, x="time_period", y="pounds", hue="series",
                              title=f"Gross spending on children looked after per child aged 0 to 17, {facts.name}",
                              y_label="Pounds per child (cash)", source=source,
                              alt=f"Line chart of gross spending on children looked after per child aged 0 to 17, "
                                  f"{facts.name}, {facts.comparators(average=True)}. {sentences[0]}")
    declared = t.Table("spending", f"Gross spending on children looked after and on leaving care, {facts.name}",
                       source, compared_columns(facts, SPEND_COLUMNS), frame)
    notes = ["Per child: spending in the year to 31 March divided by the ONS mid-year estimate of children aged 0 "
             "to 17 of the year before (as DfE's rates). Spending on children looked after includes leaving care. "
             "Authorities record some spending under different S251 lines, so a figure far from its comparators may "
             "reflect how it is recorded as much as what is spent."]
    return Block("spending", sentences, declared, chart, notes)


def drivers_sentence(facts: Facts, frame: pd.DataFrame) -> str:
    """What drove the change in gross spending on children looked after over the last year
    and over the years with both figures: more or fewer children, or spending per child."""
    spend = frame.loc[frame["indicator"].eq(I.SPEND_CLA)].set_index("time_period")["value"].astype(float)
    children = pd.Series({y: facts.published_value(I.CLA, year=int(y)) for y in spend.index}, dtype=float)
    texts = []
    for first in (None, int(children.dropna().index.min()) if children.notna().any() else None):
        moved = budgets.spend_drivers(spend, children, first=first)
        if moved is None or (texts and moved["first"] == texts[-1][0]):
            continue
        rise = "rose" if moved["change"] >= 0 else "fell"
        texts.append((moved["first"], (
            f"from {provision.financial_year(moved['first'])} to {provision.financial_year(moved['last'])} it {rise} "
            f"{narrative.money(abs(moved['change']))}: {_signed(moved['from_numbers'])} from "
            f"{'more' if moved['children_last'] >= moved['children_first'] else 'fewer'} children looked after "
            f"({half_up(moved['children_first']):,.0f} to {half_up(moved['children_last']):,.0f} at 31 March) and "
            f"{_signed(moved['from_cost_per_child'])} from the spending per child looked after "
            f"({narrative.money(moved['per_child_first'])} to {narrative.money(moved['per_child_last'])})")))
    if not texts:
        return ""
    return ("What drove gross spending on children looked after: " + "; ".join(text for _, text in texts) + ".")


def _signed(value: float) -> str:
    return f"{'+' if value >= 0 else '-'}{narrative.money(abs(value))}"


def market_intelligence(facts: Facts, figures: pd.DataFrame) -> Block:
    """What the public figures say of the national market (England's unit costs and children's
    home places over time), and the place of the commissioners' own intelligence."""
    sentences = []
    costs = market.unit_costs(figures, facts.code, facts.year, facts.authority.neighbour_model)
    for measure, rows in costs.groupby("measure", sort=False):
        moved = market.change(rows.set_index("time_period")["england"].dropna())
        if moved and measure != costs["measure"].iloc[-1]:
            sentences.append(f"Across England, the S251 weekly unit cost of {measure.lower()} "
                             f"{narrative.direction(moved[2])} {half_up(abs(moved[2])):.0f}% in cash terms from "
                             f"{provision.financial_year(moved[0])} to {provision.financial_year(moved[1])}.")
    places = market.comparison(figures, facts.code, I.CHILDRENS_HOME_PLACES, Unit.RATE, facts.year,
                               facts.authority.neighbour_model).dropna(subset=["england"])
    if len(places) >= 2:
        first, last = places.iloc[0], places.iloc[-1]
        sentences.append(f"Children's home places in England were {decimal_text(first['england'])} per 10,000 "
                         f"children at 31 March {int(first['time_period'])} and {decimal_text(last['england'])} "
                         f"{_when(int(last['time_period']), facts.year)} (Ofsted).")
    sentences.append("What commissioners learn from providers (fee rises asked for, vacancies, foster carers' ages, "
                     f"providers entering or leaving the area) is not in the public figures; {facts.whose} table of "
                     "the commissioned market would carry it, each figure with its date. None is recorded here.")
    return Block("market_intelligence", sentences)


def blocks(facts: Facts) -> tuple[dict[str, Block], pd.DataFrame | None]:
    """The blocks of the public market, capacity and money, and the figures they read (the
    market's published figures with their derived rates), None without published figures."""
    if facts.published is None:
        return {"homes": message("childrens_homes", "No published statistics were loaded, so the public market, "
                                                    "capacity and money cannot be shown.")}, None
    figures = market.with_rates(facts.published.figures, facts.published.population)
    return {"homes": homes_block(facts, figures),
            "home_places_rate": _compare(facts, figures, "childrens_home_places_rate", I.CHILDRENS_HOME_PLACES,
                                         Unit.RATE, "the number of children's home places in the area for every "
                                         "10,000 children", "Children's home places per 10,000 children", ""),
            "home_quality": quality_block(facts, figures),
            "openings": openings_block(facts, figures),
            "foster_capacity": foster_block(facts, figures),
            "unit_costs": unit_costs_block(facts, figures),
            "spending": spending_block(facts, figures),
            "market_intelligence": market_intelligence(facts, figures)}, figures
