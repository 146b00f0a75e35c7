"""Chapter 3, provision, market and costs: the authority's local tables (unit costs, the
cost of the placement mix against the budget, framework prices, in-house fostering, the
commissioned market and specialist cohorts)."""
from __future__ import annotations

import pandas as pd

from sufficiency_lib.analysis import costs as provision
from sufficiency_lib.analysis import disclosure
from sufficiency_lib.analysis.facts import Facts
from sufficiency_lib.local import local_data
from sufficiency_lib.statement import charts, narrative
from sufficiency_lib.statement import tables as t
from sufficiency_lib.statement.blocks import Block, message
from sufficiency_lib.statement.chapter import Chapter
from sufficiency_lib.vocabulary import TOTAL, Area, Group, Indicator, Unit

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


def _source(local: local_data.LocalData, name: str) -> str:
    table = local.get(name)
    cited = sorted({s for s in table["source"] if s}) if table is not None and "source" in table else []
    return f"{LOCAL_SOURCE} ({NAMES[name]})" + (f": {'; '.join(cited)}" if cited else "")


def _missing(name: str) -> Block:
    return message(name, f"No table of {NAMES[name]} was found in the authority's local data, so this part is "
                         "not shown.")


def costs_block(facts: Facts, local: local_data.LocalData) -> Block:
    costs = local.get("weekly_costs")
    if costs is None or costs.empty:
        return _missing("weekly_costs")
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
    declared = t.Table("weekly_costs", f"Average weekly cost by placement type, {facts.name}",
                       _source(local, "weekly_costs"), COST_COLUMNS,
                       table.fillna({"placement_group": ""}))
    return Block("weekly_costs", sentences, declared, chart)


def children_by_group(facts: Facts) -> pd.Series:
    """Children at 31 March of the page's year by placement group (computed figures)."""
    f = facts.figures
    rows = f.loc[f["indicator"].eq(Indicator.CLA) & f["breakdown_group"].eq(Group.PLACEMENT_GROUP)
                 & f["unit"].eq(Unit.NUMBER) & f["time_period"].eq(facts.year) & f["breakdown"].ne(TOTAL)]
    return rows.set_index("breakdown")["value"].astype(float)


def mix_block(facts: Facts, local: local_data.LocalData) -> Block:
    costs = local.get("weekly_costs")
    if costs is None or costs.empty:
        return _missing("weekly_costs")
    table = provision.mix_cost(children_by_group(facts), provision.unit_costs(costs), facts.year)
    priced = table.dropna(subset=["annual_cost"])
    external = priced.loc[priced["placement_group"].isin(provision.EXTERNAL_GROUPS), "annual_cost"].sum()
    budget = provision.budget_for(local.get("placement_budget"), facts.year) \
        if local.get("placement_budget") is not None else None
    unpriced = table.loc[table["weekly_cost"].isna() & table["children"].gt(0), "placement_group"].tolist()
    sentences = [narrative.describe_mix_cost(priced["annual_cost"].sum(), external, budget, facts.year, unpriced)]
    small = disclosure.small_mask(table["children"].to_numpy(), facts.threshold).to_numpy()
    shown = table.assign(children=table["children"].astype(object).where(~small, disclosure.SUPPRESSED),
                         annual_cost=table["annual_cost"].astype(object).where(~small, disclosure.SUPPRESSED))
    columns = [t.text("placement_group", "Placement group"), t.count("children", f"Children, 31 March {facts.year}"),
               t.text("cost_year", "Year of the weekly cost"), t.pounds("weekly_cost", "Weekly cost"),
               t.pounds("annual_cost", "Cost a year")]
    note = (f"Cost a year = children x weekly cost x {provision.WEEKS_PER_YEAR:.2f} weeks, using each group's newest "
            "weekly cost up to the year; in-house costs are not in an external placements budget.")
    declared = t.Table("placement_mix_cost", f"Cost of the placement mix at 31 March {facts.year}, {facts.name}",
                       f"{facts.source}; {_source(local, 'weekly_costs')}", columns, shown)
    return Block("placement_mix_cost", sentences, declared, None, [note])


def prices_block(facts: Facts, local: local_data.LocalData) -> Block:
    prices = local.get("supported_accommodation_prices")
    if prices is None or prices.empty:
        return _missing("supported_accommodation_prices")
    matrix, checks = provision.price_matrix(prices)
    localities = [c for c in matrix.columns]
    page = t.Table("", "Supported accommodation framework: weekly price by lot and locality, with averages "
                       "recomputed", _source(local, "supported_accommodation_prices"),
                   [t.text("lot", "Lot"), *[t.pounds(c, c, 2) for c in localities]],
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
    """Which local tables were found; saved so a reviewer sees what was used."""
    missing = [NAMES[name] for name in local.missing]
    sentence = ("Local data: " + (f"not found: {', '.join(missing)}." if missing else "every local table was found.")
                if local.folder else "No local data folder was given.")
    frame = pd.DataFrame({"table": list(local_data.TABLES),
                          "found": ["yes" if n in local.tables else "no" for n in local_data.TABLES],
                          "rows": [len(local.tables[n]) if n in local.tables else 0 for n in local_data.TABLES]})
    saved = t.Table("local_data_found", "Local tables found", LOCAL_SOURCE,
                    [t.text("table", "Local table"), t.text("found", "Found"), t.count("rows", "Rows")], frame)
    return Block("local_data_found", [sentence], None, None, [], [saved])


def build(facts: Facts, found: list, outlook=None) -> Chapter:
    local = facts.local
    return Chapter(facts, "provision", {
        "found": found_block(facts, local),
        "costs": costs_block(facts, local),
        "mix_cost": mix_block(facts, local),
        "prices": prices_block(facts, local),
        "fostering": fostering_block(facts, local),
        "market": listing_block(facts, local, "provider_market", "The commissioned market",
                                ["framework", "as_at", "measure", "value", "note"]),
        "cohorts": listing_block(facts, local, "specialist_cohorts", "Specialist cohorts",
                                 ["period", "cohort", "measure", "value", "note"]),
    }, found, areas=[Area.FOSTERING, Area.COSTS, Area.MARKET, Area.SUPPORTED])
