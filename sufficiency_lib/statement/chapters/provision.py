"""Chapter 3, provision, market and costs: the authority's local tables (unit costs, the
cost of the placement mix against the budget, framework prices, in-house fostering, the
commissioned market and specialist cohorts)."""
from __future__ import annotations

import pandas as pd

from sufficiency_lib.statement import charts, narrative, tidy
from sufficiency_lib.analysis import findings, costs as provision
from sufficiency_lib.local import local_data
from sufficiency_lib.config import PROJECT_ROOT
from sufficiency_lib.published.figures import TOTAL
from sufficiency_lib.statement.tables import Table
from sufficiency_lib.statement.chapters.common import Block, Context
from sufficiency_lib.statement.chapters.page import Chapter

LOCAL_SOURCE = "The authority's local data"
NAMES = {
    "weekly_costs": "weekly unit costs", "placement_budget": "placement budgets",
    "supported_accommodation_prices": "supported accommodation framework prices",
    "fostering_recruitment": "in-house fostering recruitment", "provider_market": "the commissioned market",
    "specialist_cohorts": "specialist cohorts", "deflator": "a price deflator",
    "capacity": "placement capacity",
}


def _source(local: local_data.LocalData, name: str) -> str:
    table = local.get(name)
    cited = sorted({s for s in table["source"] if s}) if table is not None and "source" in table else []
    return f"{LOCAL_SOURCE} ({name})" + (f": {'; '.join(cited)}" if cited else "")


def _missing(name: str) -> Block:
    return Block(name, [f"No {NAMES[name]} table was found in the authority's local data folder: add "
                        f"{name}.csv (or a '{name}' sheet in {local_data.WORKBOOK}) to show this part."])


def _money(value) -> str:
    return "" if value is None or pd.isna(value) else f"£{value:,.0f}"


def _save(ctx: Context, frame: pd.DataFrame, indicators: dict, filters: dict) -> pd.DataFrame:
    """An EES-shaped copy of a local table for the page's year."""
    data = tidy.la_frame(ctx.authority, [ctx.year]).merge(frame.assign(time_period=ctx.year), on="time_period")
    return data, tidy.meta_frame(indicators, filters)


def costs_block(ctx: Context, local: local_data.LocalData) -> Block:
    costs = local.get("weekly_costs")
    if costs is None or costs.empty:
        return _missing("weekly_costs")
    table = provision.unit_costs(costs, local.get("deflator"))
    changes = provision.cost_changes(table)
    sentences = [narrative.describe_cost_change(row) for row in changes.itertuples()]
    if local.get("deflator") is None:
        sentences.append("No deflator was given (deflator.csv), so costs are shown in cash terms only, not in "
                         "real terms.")
    chart_rows = table.loc[table["placement_group"].notna()]
    long = chart_rows.assign(series=chart_rows["placement_type"] + ", " + chart_rows["provider"],
                             year=chart_rows["financial_year"].str[:4].astype(int) + 1)
    chart = charts.line_chart(long, x="year", y="weekly_cost", hue="series",
                              title=f"Average weekly cost of a placement, {ctx.name}",
                              y_label="Pounds a week (cash)", source=_source(local, "weekly_costs"),
                              alt=f"Line chart of the average weekly cost of placements by type and provider "
                                  f"in {ctx.name}, by year ending 31 March. {' '.join(sentences[:2])}") \
        if len(long) else None
    shown = table.assign(weekly_cost=table["weekly_cost"].map(_money), comparator=table["comparator"].map(_money),
                         real_weekly_cost=table["real_weekly_cost"].map(_money))
    shown = shown.drop(columns=["placement_group", "price_base"]).rename(columns={
        "financial_year": "Year", "placement_type": "Placement type", "provider": "Provider",
        "weekly_cost": "Weekly cost", "comparator": "Comparator", "real_weekly_cost": "Weekly cost, real terms"})
    data, meta = _save(ctx, table.drop(columns=["price_base"]).fillna({"placement_group": ""}),
                       {"weekly_cost": ("Weekly cost (£)", "£", 0), "comparator": ("Comparator weekly cost (£)", "£", 0),
                        "real_weekly_cost": ("Weekly cost in real terms (£)", "£", 0)},
                       {"financial_year": "Financial year", "placement_type": "Placement type", "provider": "Provider",
                        "placement_group": "Placement group"})
    return Block("weekly_costs", sentences, Table(shown, caption=f"Average weekly cost by placement type, {ctx.name}",
                                                   source=_source(local, "weekly_costs")), chart, data, meta)


def children_by_group(ctx: Context) -> pd.Series:
    """Children at 31 March of the page's year by placement group (computed figures)."""
    rows = ctx.figures.loc[ctx.figures["indicator"].eq("cla_31_march") & ctx.figures["breakdown_group"].eq(
        "Placement group") & ctx.figures["unit"].eq("number") & ctx.figures["time_period"].eq(ctx.year)
        & ctx.figures["breakdown"].ne(TOTAL)]
    return rows.set_index("breakdown")["value"].astype(float)


def mix_block(ctx: Context, local: local_data.LocalData) -> Block:
    costs = local.get("weekly_costs")
    if costs is None or costs.empty:
        return _missing("weekly_costs")
    table = provision.mix_cost(children_by_group(ctx), provision.unit_costs(costs), ctx.year)
    priced = table.dropna(subset=["annual_cost"])
    external = priced.loc[priced["placement_group"].isin(provision.EXTERNAL_GROUPS), "annual_cost"].sum()
    budget = provision.budget_for(local.get("placement_budget"), ctx.year) \
        if local.get("placement_budget") is not None else None
    unpriced = table.loc[table["weekly_cost"].isna() & table["children"].gt(0), "placement_group"].tolist()
    sentences = [narrative.describe_mix_cost(priced["annual_cost"].sum(), external, budget, ctx.year, unpriced)]
    small = (table["children"] > 0) & (table["children"] < ctx.threshold)
    shown = table.assign(children=table["children"].map(narrative.count_text).where(~small, "c"),
                         weekly_cost=table["weekly_cost"].map(_money),
                         annual_cost=table["annual_cost"].map(_money).where(~small, "c"))
    shown = shown.rename(columns={"placement_group": "Placement group", "children": f"Children, 31 March {ctx.year}",
                                  "cost_year": "Cost of year", "weekly_cost": "Weekly cost",
                                  "annual_cost": "Cost a year"})
    data, meta = _save(ctx, table.assign(children=table["children"].where(~small), annual_cost=table[
        "annual_cost"].where(~small)), {"children": ("Children at 31 March", "", 0),
                                        "weekly_cost": ("Weekly cost (£)", "£", 0),
                                        "annual_cost": ("Cost a year (£)", "£", 0)},
        {"placement_group": "Placement group", "cost_year": "Year of the weekly cost"})
    note = (f"Cost a year = children x weekly cost x {provision.WEEKS_PER_YEAR:.2f} weeks, using each group's newest "
            "weekly cost up to the year; in-house costs are not in an external placements budget.")
    return Block("placement_mix_cost", sentences, Table(shown, caption=f"Cost of the placement mix at 31 March "
                                                                       f"{ctx.year}, {ctx.name}",
                                                        source=f"{ctx.source}; {_source(local, 'weekly_costs')}"),
                 None, data.assign(children=data["children"].astype("Float64")), meta, [note])


def prices_block(ctx: Context, local: local_data.LocalData) -> Block:
    prices = local.get("supported_accommodation_prices")
    if prices is None or prices.empty:
        return _missing("supported_accommodation_prices")
    matrix, checks = provision.price_matrix(prices)
    sentences = [narrative.describe_price_checks(matrix, checks)]
    shown = matrix.map(lambda v: "" if pd.isna(v) else f"£{v:,.2f}").rename_axis(columns=None)
    shown = shown.reset_index().rename(columns={"lot": "Lot"})
    tables = [Table(shown, caption="Supported accommodation framework: weekly price by lot and locality, with "
                                   "averages recomputed", source=_source(local, "supported_accommodation_prices"))]
    long = matrix.reset_index().melt(id_vars="lot", var_name="locality", value_name="weekly_price_gbp")
    data, meta = _save(ctx, long, {"weekly_price_gbp": ("Weekly price (£)", "£", 2)},
                       {"lot": "Lot", "locality": "Locality"})
    block = Block("framework_prices", sentences, tables[0], None, data, meta)
    if len(checks):
        block.notes.append("Printed averages checked against the recomputed ones: "
                           + "; ".join(f"{r.lot} / {r.locality}: printed £{r.printed:,.2f}, recomputed "
                                       f"£{r.recomputed:,.2f} ({'agrees' if r.agrees else 'DISAGREES'})"
                                       for r in checks.itertuples()) + ".")
    return block


def fostering_block(ctx: Context, local: local_data.LocalData) -> Block:
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
    shown = summary.rename(columns=lambda c: c.replace("_", " ").capitalize())
    data, meta = _save(ctx, summary, {c: (c.replace("_", " "), "", 0) for c in summary.columns if c != "period"},
                       {"period": "Period"})
    block = Block("fostering_recruitment", [s for s in sentences if s],
                  Table(shown.fillna(""), caption=f"In-house fostering: households and beds approved, {ctx.name}",
                        source=_source(local, "fostering_recruitment")), None, data, meta)
    if len(steps):
        block.notes.append("Recruitment funnel: " + "; ".join(
            f"{r.period} {r.stage.replace('_', ' ')} {r.value:,.0f}"
            + ("" if pd.isna(r.conversion_percent) else f" ({r.conversion_percent:.0f}% of the stage before)")
            for r in steps.itertuples()) + ".")
    return block


def listing_block(ctx: Context, local: local_data.LocalData, name: str, caption: str, columns: list[str]) -> Block:
    table = local.get(name)
    if table is None or table.empty:
        return _missing(name)
    shown = table[[c for c in columns if c in table]].copy()
    shown["measure"] = shown["measure"].str.replace("_", " ")
    shown["value"] = shown["value"].map(lambda v: f"{v:,.0f}")
    data, meta = _save(ctx, table[[c for c in columns if c in table]], {"value": ("Value", "", 0)},
                       {c: c.replace("_", " ").capitalize() for c in columns if c in table and c != "value"})
    return Block(name, [], Table(shown.rename(columns=lambda c: c.replace("_", " ").capitalize()),
                                 caption=caption, source=_source(local, name)), None, data, meta)


def _shown_path(folder) -> str:
    """A folder as the page names it: relative to the project when inside it."""
    try:
        return str(folder.resolve().relative_to(PROJECT_ROOT))
    except ValueError:
        return str(folder)


def missing_block(ctx: Context, local: local_data.LocalData) -> Block:
    """Which local tables were found, and where; saved so a reviewer sees what was used."""
    where = _shown_path(local.folder) if local.folder else "no local data folder"
    missing = [f"{NAMES[name]} ({name})" for name in local.missing]
    sentence = (f"Local data read from {where}. " + (f"Not found: {', '.join(missing)}." if missing
                                                     else "Every local table was found."))
    frame = pd.DataFrame({"table": list(local_data.TABLES),
                          "found": ["yes" if n in local.tables else "no" for n in local_data.TABLES],
                          "rows": [len(local.tables[n]) if n in local.tables else 0 for n in local_data.TABLES]})
    data, meta = _save(ctx, frame, {"rows": ("Rows", "", 0)}, {"table": "Local table", "found": "Found"})
    return Block("local_data_found", [sentence], None, None, data, meta)


def build(ctx: Context) -> Chapter:
    local = local_data.load(ctx.local_dir)
    return Chapter(ctx, "provision", {
        "found": missing_block(ctx, local),
        "costs": costs_block(ctx, local),
        "mix_cost": mix_block(ctx, local),
        "prices": prices_block(ctx, local),
        "fostering": fostering_block(ctx, local),
        "market": listing_block(ctx, local, "provider_market", "The commissioned market",
                                ["framework", "as_at", "measure", "value", "note"]),
        "cohorts": listing_block(ctx, local, "specialist_cohorts", "Specialist cohorts",
                                 ["period", "cohort", "measure", "value", "note"]),
    }, areas=[findings.FOSTERING, findings.COSTS, findings.MARKET, findings.SUPPORTED])

