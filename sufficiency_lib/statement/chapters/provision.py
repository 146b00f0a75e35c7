"""Chapter 3, provision, market and costs: for every authority, the public market, capacity
and money (Ofsted's register of children's homes and fostering agencies in the area, the
authority's own foster carers' places, S251 unit costs and spending, each against the
statistical neighbours, region and England), the cost of the placement mix for every
placement group, and the authority's local tables (weekly costs, budgets, framework prices,
fostering recruitment, the commissioned market, specialist cohorts), which add to the public
figures and win where both give the same one.

The numbers are computed in :mod:`sufficiency_lib.analysis.market` and
:mod:`sufficiency_lib.analysis.costs`; the public blocks are declared in
:mod:`provision_market`, the local ones and the cost of the mix here, each figure with its date."""
from __future__ import annotations

import pandas as pd

from sufficiency_lib.analysis import disclosure, market
from sufficiency_lib.analysis import costs as provision
from sufficiency_lib.analysis.facts import Facts
from sufficiency_lib.local import local_data
from sufficiency_lib.statement import charts, narrative
from sufficiency_lib.statement import tables as t
from sufficiency_lib.statement.blocks import Block, message
from sufficiency_lib.statement.chapter import Chapter
from sufficiency_lib.statement.chapters import provision_market
from sufficiency_lib.statement.chapters.provision_market import public_source
from sufficiency_lib.vocabulary import TOTAL, Area, Group, Indicator, PlacementGroup, Unit

I = Indicator
LOCAL_SOURCE = "The authority's local data"
NAMES = {
    "weekly_costs": "weekly unit costs", "placement_budget": "placement budgets",
    "supported_accommodation_prices": "supported accommodation framework prices",
    "fostering_recruitment": "in-house fostering recruitment", "provider_market": "the commissioned market",
    "specialist_cohorts": "specialist cohorts", "deflator": "a price deflator",
    "capacity": "placement capacity",
}
COST_COLUMNS = [t.text("financial_year", "Financial year"), t.text("placement_type", "Placement type"),
                t.text("provider", "Provider"), t.Column("placement_group", "Placement group", t.FILTER, show=False),
                t.pounds("weekly_cost", "Weekly cost"), t.pounds("comparator", "Comparator weekly cost"),
                t.pounds("real_weekly_cost", "Weekly cost in real terms")]
PRICE_COLUMNS = [t.text("lot", "Lot"), t.text("locality", "Locality"), t.pounds("weekly_price_gbp", "Weekly price", 2)]
FOSTERING_LABELS = {"households_approved": "Households approved", "beds_approved": "Beds approved",
                    "households_deregistered": "Households deregistered", "net_gain_households": "Net gain of households"}


# --- sources and dates ---------------------------------------------------------------------

def _source(local: local_data.LocalData, name: str) -> str:
    table = local.get(name)
    cited = sorted({s for s in table["source"] if s}) if table is not None and "source" in table else []
    return f"{LOCAL_SOURCE} ({NAMES[name]})" + (f": {'; '.join(cited)}" if cited else "")


def _missing(name: str) -> Block:
    return message(name, f"No table of {NAMES[name]} was found in the authority's local data, so this part is "
                         "not shown.")


# --- local tables, and the cost of the mix ----------------------------------------------------

def costs_block(facts: Facts, local: local_data.LocalData) -> Block:
    costs = local.get("weekly_costs")
    if costs is None or costs.empty:
        return message("weekly_costs", "No local weekly costs were given, so the placement mix below is priced "
                                       "with the S251 unit costs above, where they are published.")
    table = provision.unit_costs(costs, local.get("deflator"))
    sentences = [narrative.describe_cost_change(row) for row in provision.cost_changes(table).itertuples()]
    if local.get("deflator") is None:
        sentences.append("No price index was given, so costs are shown in cash terms only, not in real terms.")
    chart_rows = table.loc[table["placement_group"].notna()]
    long = chart_rows.assign(series=chart_rows["placement_type"] + ", " + chart_rows["provider"],
                             year=chart_rows["financial_year"].str[:4].astype(int) + 1)
    chart = charts.line_chart(long, x="year", y="weekly_cost", hue="series",
                              title=f"Average weekly cost of a placement, {facts.name}",
                              y_label="Pounds a week (cash)", source=_source(local, "weekly_costs"),
                              alt=f"Line chart of the average weekly cost of placements by type and provider "
                                  f"in {facts.name}, by year ending 31 March. {' '.join(sentences[:2])}") \
        if len(long) else None
    declared = t.Table("weekly_costs", f"Average weekly cost by placement type, {facts.name} (local data)",
                       _source(local, "weekly_costs"), COST_COLUMNS, table.fillna({"placement_group": ""}))
    return Block("weekly_costs", sentences, declared, chart)


def children_by_group(facts: Facts) -> pd.Series:
    """Children at 31 March of the page's year by placement group (computed figures), every
    placement group listed (0 where none)."""
    f = facts.figures
    rows = f.loc[f["indicator"].eq(I.CLA) & f["breakdown_group"].eq(Group.PLACEMENT_GROUP)
                 & f["unit"].eq(Unit.NUMBER) & f["time_period"].eq(facts.year) & f["breakdown"].ne(TOTAL)]
    counts = rows.set_index("breakdown")["value"].astype(float)
    order = [*PlacementGroup.ORDER, *[g for g in counts.index if g not in PlacementGroup.ORDER]]
    return counts.reindex(order).fillna(0.0) if len(counts) else counts


MIX_COLUMNS = [t.text("placement_group", "Placement group"), t.count("children", "Children at 31 March"),
               t.text("cost_source", "Weekly cost from"), t.text("cost_year", "Year of the weekly cost"),
               t.pounds("weekly_cost", "Weekly cost"), t.pounds("annual_cost", "Cost a year")]


def mix_block(facts: Facts, local: local_data.LocalData, figures: pd.DataFrame | None) -> Block:
    """The cost of the placement mix, every placement group: its local weekly cost, else the
    S251 unit cost that fits it, else a line saying it has none."""
    children = children_by_group(facts)
    if children.empty:
        return message("placement_mix_cost", "The return gives no children by placement group to price.")
    local_costs = local.get("weekly_costs")
    public = market.public_unit_costs(figures, facts.code, facts.year) if figures is not None else None
    table = provision.mix_cost(children, provision.unit_costs(local_costs) if local_costs is not None else None,
                               facts.year, public)
    small = disclosure.small_mask(table["children"].to_numpy(), facts.threshold).to_numpy()
    # a total with a suppressed group's cost in it would give that cost (and count) away by difference
    priced = table.loc[table["annual_cost"].notna() & ~small]
    external = priced.loc[priced["placement_group"].isin(provision.EXTERNAL_GROUPS), "annual_cost"].sum()
    budget = provision.budget_for(local.get("placement_budget"), facts.year) \
        if local.get("placement_budget") is not None else None
    unpriced = table.loc[table["weekly_cost"].isna() & table["children"].gt(0), "placement_group"].tolist()
    sentences = [narrative.describe_mix_cost(priced["annual_cost"].sum(), external, budget, facts.year, [])]
    if (table["annual_cost"].notna() & small).any():
        sentences.append(f"Groups of fewer than {facts.threshold} children are left out of these totals, so that "
                         "their number cannot be worked out from them.")
    if unpriced:
        sentences.append("No local or public weekly cost fits " + "; ".join(unpriced) + ", so "
                         "they are not priced: S251 has no unit cost of supported accommodation, placements with "
                         "parents or for adoption, and its average over all looked-after children is not theirs.")
    old = table.loc[table["cost_year"].ne("") & table["weekly_cost"].notna()]
    old = old.loc[old["cost_year"].str[:4].astype(int) + 1 < facts.year - 2]
    if len(old):
        sentences.append("Some weekly costs are more than two years older than the statement's year: " + "; ".join(
            f"{r.placement_group} ({r.cost_year})" for r in old.itertuples()) + ".")
    shown = table.assign(children=table["children"].astype(object).where(~small, disclosure.SUPPRESSED),
                         annual_cost=table["annual_cost"].astype(object).where(~small, disclosure.SUPPRESSED))
    shown["cost_source"] = shown["cost_source"].replace("", "none fits")
    notes = [f"Cost a year = children x weekly cost x {provision.WEEKS_PER_YEAR:.2f} weeks, using each group's newest "
             "local weekly cost up to the year, else the newest S251 outturn unit cost that fits it (fostering for "
             "foster care; residential care for children's homes, secure units and residential schools). S251's "
             "fostering cost averages in-house and purchased foster care. In-house costs are not in an external "
             "placements budget."]
    sources = [facts.source, *([_source(local, "weekly_costs")] if local_costs is not None else []),
               *([public_source(figures, I.UNIT_COST_FOSTERING, Unit.GBP_PER_WEEK,
                                 {int(y[:4]) + 1 for y in public["financial_year"]})]
                 if public is not None and len(public) else [])]
    declared = t.Table("placement_mix_cost", f"Cost of the placement mix at 31 March {facts.year}, {facts.name}",
                       "; ".join(sources), [*MIX_COLUMNS[:1], t.Column("children", f"Children, 31 March {facts.year}"),
                                            *MIX_COLUMNS[2:]], shown)
    return Block("placement_mix_cost", sentences, declared, None, notes)


def prices_block(facts: Facts, local: local_data.LocalData) -> Block:
    prices = local.get("supported_accommodation_prices")
    if prices is None or prices.empty:
        return _missing("supported_accommodation_prices")
    matrix, checks = provision.price_matrix(prices)
    page = t.Table("", "Supported accommodation framework: weekly price by lot and locality, with averages "
                       "recomputed", _source(local, "supported_accommodation_prices"),
                   [t.text("lot", "Lot"), *[t.pounds(c, c, 2) for c in matrix.columns]],
                   matrix.reset_index().rename_axis(columns=None))
    long = matrix.reset_index().melt(id_vars="lot", var_name="locality", value_name="weekly_price_gbp")
    saved = t.Table("framework_prices", page.caption, page.source, PRICE_COLUMNS, long)
    block = Block("framework_prices", [narrative.describe_price_checks(matrix, checks)], page, None, [], [saved])
    if len(checks):
        block.notes.append("Averages printed in the statements, against those recomputed from the prices: "
                           + "; ".join(f"{r.lot} / {r.locality}: printed £{r.printed:,.2f}, recomputed "
                                       f"£{r.recomputed:,.2f} ({'the same' if r.agrees else 'different'})"
                                       for r in checks.itertuples()) + ".")
    return block


def fostering_block(facts: Facts, local: local_data.LocalData) -> Block:
    recruitment = local.get("fostering_recruitment")
    if recruitment is None or recruitment.empty:
        return _missing("fostering_recruitment")
    summary = provision.fostering_summary(recruitment)
    target = provision.target_net_gain(recruitment)
    steps = provision.funnel(recruitment)
    saving = provision.in_house_saving(provision.unit_costs(local.get("weekly_costs"))) \
        if local.get("weekly_costs") is not None else None
    sentences = [narrative.describe_net_gain(summary, target), narrative.describe_funnel(steps),
                 narrative.describe_saving(saving)]
    columns = [t.text("period", "Period"), *[t.count(c, FOSTERING_LABELS.get(c, c.replace("_", " ").capitalize()))
                                             for c in summary.columns if c != "period"]]
    declared = t.Table("fostering_recruitment", f"In-house fostering: households and beds approved, {facts.name}",
                       _source(local, "fostering_recruitment"), columns, summary)
    block = Block("fostering_recruitment", [s for s in sentences if s], declared)
    if len(steps):
        block.notes.append("Recruitment funnel: " + "; ".join(
            f"{r.period} {r.stage.replace('_', ' ')} {r.value:,.0f}"
            + ("" if pd.isna(r.conversion_percent) else f" ({r.conversion_percent:.0f}% of the stage before)")
            for r in steps.itertuples()) + ".")
    return block


def listing_block(facts: Facts, local: local_data.LocalData, name: str, caption: str, columns: list[str]) -> Block:
    table = local.get(name)
    if table is None or table.empty:
        return _missing(name)
    present = [c for c in columns if c in table]
    frame = table[present].copy()
    frame["measure"] = frame["measure"].str.replace("_", " ")
    declared = t.Table(name, caption, _source(local, name),
                       [t.count(c, "Value") if c == "value" else t.text(c, c.replace("_", " ").capitalize())
                        for c in present], frame)
    return Block(name, [], declared)


def found_block(facts: Facts, local: local_data.LocalData) -> Block:
    """What the page is made of: the public figures for every authority, and which local tables
    were found to add to them; saved so a reviewer sees what was used."""
    sentences = [f"The market, capacity and money below come from public figures for every authority (Ofsted's "
                 f"register of providers, DfE's Local Authority Interactive Tool), each with its date. Local tables add "
                 f"to them and win where both give the same figure: local weekly costs price the placement mix before "
                 f"S251's, and a local capacity table's places replace the public ones."]
    missing = [NAMES[name] for name in local.missing]
    found = [NAMES[name] for name in local.tables]
    if local.folder:
        sentences.append(f"Local tables used: {', '.join(found) if found else 'none'}"
                         + (f"; not given: {', '.join(missing)}." if missing else "."))
    else:
        sentences.append("No local data folder was given, so only the public figures are shown.")
    frame = pd.DataFrame({"table": list(local_data.TABLES),
                          "found": ["yes" if n in local.tables else "no" for n in local_data.TABLES],
                          "rows": [len(local.tables[n]) if n in local.tables else 0 for n in local_data.TABLES]})
    saved = t.Table("local_data_found", "Local tables found", LOCAL_SOURCE,
                    [t.text("table", "Local table"), t.text("found", "Found"), t.count("rows", "Rows")], frame)
    return Block("local_data_found", sentences, None, None, [], [saved])


def build(facts: Facts, found: list, outlook=None) -> Chapter:
    local = facts.local
    public, figures = provision_market.blocks(facts)
    return Chapter(facts, "provision", {
        "found": found_block(facts, local),
        **public,
        "costs": costs_block(facts, local),
        "mix_cost": mix_block(facts, local, figures),
        "prices": prices_block(facts, local),
        "fostering": fostering_block(facts, local),
        "market": listing_block(facts, local, "provider_market", "The commissioned market (local data)",
                                ["framework", "as_at", "measure", "value", "note"]),
        "cohorts": listing_block(facts, local, "specialist_cohorts", "Specialist cohorts (local data)",
                                 ["period", "cohort", "measure", "value", "note"]),
    }, found, areas=[Area.FOSTERING, Area.RESIDENTIAL, Area.COSTS, Area.MARKET, Area.SUPPORTED])
