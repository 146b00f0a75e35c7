"""The local tables of the provision chapter (:mod:`provision`): weekly costs over the years,
placement budgets, supported accommodation framework prices, in-house fostering recruitment
(households, net gain against target, the recruitment funnel), the commissioned market and
specialist cohorts.

Each figure is the authority's own, cites its source and carries its date; a figure more
than two years older than the statement's year says how old it is beside it. A table the
authority has not given keeps its place on the page and says what would fill it. The
numbers are computed in :mod:`sufficiency_lib.analysis.costs` and
:mod:`sufficiency_lib.analysis.budgets`."""
from __future__ import annotations

import pandas as pd

from sufficiency_lib.analysis import budgets
from sufficiency_lib.analysis import costs as provision
from sufficiency_lib.analysis.facts import Facts
from sufficiency_lib.local import local_data
from sufficiency_lib.statement import charts, narrative
from sufficiency_lib.statement import tables as t
from sufficiency_lib.statement.blocks import Block, message
from sufficiency_lib.wording import half_up, money_text

LOCAL_SOURCE = "The authority's local data"
STALE_YEARS = 2            # a figure older than this says its age beside it
NAMES = {
    "weekly_costs": "weekly unit costs", "placement_budget": "placement budgets",
    "supported_accommodation_prices": "supported accommodation framework prices",
    "fostering_recruitment": "in-house fostering recruitment", "provider_market": "the commissioned market",
    "specialist_cohorts": "specialist cohorts", "deflator": "a price deflator",
    "capacity": "placement capacity",
}
#: What each local table holds, for a page that says what would fill a part left empty.
HOLDS = {
    "weekly_costs": "the average weekly cost of each placement type and provider, by financial year",
    "placement_budget": "each placement budget line (external, internal, savings targets) with its financial year, "
                        "amount and what it covers",
    "supported_accommodation_prices": "the framework's weekly price for each lot and locality",
    "fostering_recruitment": "households and beds approved and deregistered each year, the net gain against its "
                             "target, and the enquiries, initial visits, assessments and approvals of the "
                             "recruitment funnel",
    "provider_market": "the providers, homes and places on each framework, with the date of each figure",
    "specialist_cohorts": "the children in specialist cohorts (such as those leaving Tier 4 mental health care, or "
                          "Staying Close) and the placements they needed",
}
PRICE_COLUMNS = [t.text("lot", "Lot"), t.text("locality", "Locality"), t.pounds("weekly_price_gbp", "Weekly price", 2)]
COST_COLUMNS = [t.text("financial_year", "Financial year"), t.text("placement_type", "Placement type"),
                t.text("provider", "Provider"), t.Column("placement_group", "Placement group", t.FILTER, show=False),
                t.pounds("weekly_cost", "Weekly cost"), t.pounds("comparator", "Comparator weekly cost"),
                t.pounds("real_weekly_cost", "Weekly cost in real terms"), t.text("source", "Source")]
FOSTERING_LABELS = {"households_approved": "Households approved", "beds_approved": "Beds approved",
                    "households_deregistered": "Households deregistered", "net_gain_households": "Net gain of households"}
STAGES = {"enquiries": "Enquiries", "initial_visits": "Initial visits",
          "households_in_assessment": "Households in assessment", "assessments_completed": "Assessments completed",
          "households_approved": "Households approved"}


# --- sources, dates and places kept ------------------------------------------------------------

def source(local: local_data.LocalData, name: str) -> str:
    table = local.get(name)
    cited = sorted({s for s in table["source"] if s}) if table is not None and "source" in table else []
    return f"{LOCAL_SOURCE} ({NAMES[name]})" + (f": {'; '.join(cited)}" if cited else "")


def missing(facts: Facts, name: str, part: str = "this part") -> Block:
    """The place of a part whose local table was not given, saying what would fill it."""
    return message(name, f"No table of {NAMES[name]} is recorded for {facts.name}, so {part} cannot be shown. "
                         f"{facts.whose.capitalize()} table of {NAMES[name]} ({HOLDS.get(name, 'its figures')}) "
                         "would fill it.")


def dated(period: str, year: int) -> str:
    """'2020/21' or, when older than :data:`STALE_YEARS`, '2020/21, 4 years before the
    statement's year (2024/25)'."""
    gap = budgets.years_before(period, year)
    if gap is None or gap <= STALE_YEARS:
        return str(period)
    return f"{period}, {gap} years before the statement's year ({provision.financial_year(year)})"


# --- weekly costs over the years (D4, D5) --------------------------------------------------------

def costs_block(facts: Facts, local: local_data.LocalData) -> Block:
    costs = local.get("weekly_costs")
    if costs is None or costs.empty:
        return message("weekly_costs", "No local weekly costs were given, so the placement mix below is priced "
                                       "with the S251 unit costs above, where they are published. "
                                       f"{facts.whose.capitalize()} table of weekly unit costs "
                                       f"({HOLDS['weekly_costs']}) would add its own.")
    table = provision.unit_costs(costs, local.get("deflator"))
    newest = table["financial_year"].max()
    sentences = [f"The newest local weekly costs are for {dated(newest, facts.year)}."]
    sentences += [narrative.describe_cost_change(row) for row in provision.cost_changes(table).itertuples()]
    latest = table.sort_values("financial_year").groupby(["placement_type", "provider"], sort=False).tail(1)
    old = latest.loc[latest["financial_year"].lt(newest)]
    if len(old):
        sentences.append("Older still, the newest cost recorded for: " + "; ".join(
            f"{r.placement_type} ({r.provider}), {money_text(r.weekly_cost)} in {dated(r.financial_year, facts.year)}"
            for r in old.itertuples()) + ".")
    if local.get("deflator") is None:
        sentences.append("No price index was given, so costs are shown in cash terms only, not in real terms.")
    wide = table.pivot_table(index=["placement_type", "provider"], columns="financial_year", values="weekly_cost",
                             aggfunc="last", sort=False)
    wide = wide.reindex(columns=sorted(wide.columns)).reset_index()
    years = [c for c in wide.columns if c not in ("placement_type", "provider")]
    frame = wide.rename(columns={y: f"fy_{y.replace('/', '_')}" for y in years})
    page = t.Table("", f"Average weekly cost by placement type and financial year, {facts.name} (local data)",
                   source(local, "weekly_costs"), [t.text("placement_type", "Placement type"),
                                                   t.text("provider", "Provider"),
                                                   *[t.pounds(f"fy_{y.replace('/', '_')}", y) for y in years]],
                   frame.astype(object).where(frame.notna(), ""))
    saved = t.Table("weekly_costs", page.caption, page.source, COST_COLUMNS, table.fillna({"placement_group": ""}))
    notes = [_comparators(table)] if table["comparator"].notna().any() else []
    chart_rows = table.loc[table["placement_group"].notna()]
    long = chart_rows.assign(series=chart_rows["placement_type"] + ", " + chart_rows["provider"],
                             year=chart_rows["financial_year"].str[:4].astype(int) + 1)
    chart = charts.line_chart(long, x="year", y="weekly_cost", hue="series",
                              title=f"Average weekly cost of a placement, {facts.name}",
                              y_label="Pounds a week (cash)", source=source(local, "weekly_costs"),
                              alt=f"Line chart of the average weekly cost of placements by type and provider "
                                  f"in {facts.name}, by year ending 31 March. {' '.join(sentences[:2])}") \
        if len(long) else None
    return Block("weekly_costs", sentences, page, chart, notes, [saved])


def _comparators(table: pd.DataFrame) -> str:
    rows = table.loc[table["comparator"].notna()]
    return ("Comparator weekly costs recorded beside the authority's own: " + "; ".join(
        f"{r.placement_type} ({r.provider}), {r.financial_year}: {money_text(r.weekly_cost)} against "
        f"{money_text(r.comparator)}" for r in rows.itertuples())
            + f" ({'; '.join(sorted({s for s in rows['source'] if s})) or 'source not recorded'}).")


# --- placement budgets (D1, D2, D3, D17) ----------------------------------------------------------

BUDGET_COLUMNS = [t.text("financial_year", "Financial year"), t.text("budget", "Budget"),
                  t.pounds("amount_gbp", "Amount"), t.pounds("change_gbp", "Change on the year before recorded"),
                  t.text("note", "What it covers"), t.Column("source", "Source", t.FILTER, show=False)]


def budget_block(facts: Facts, local: local_data.LocalData) -> Block:
    """Every budget line recorded, the newest placement budgets (external and internal, what
    they cover), their change where a line has two years, and other lines (savings targets)."""
    budget = local.get("placement_budget")
    if budget is None or budget.empty:
        return missing(facts, "placement_budget", "the placement budget")
    lines = budgets.budget_lines(budget)
    newest = budgets.placement_budgets(budget, provision.financial_year(facts.year))
    sentences = []
    if newest is not None:
        parts = [f"{name.lower()} {money_text(newest[key])}" for name, key in
                 (("External placements", "external"), ("Internal placements", "internal"))
                 if not pd.isna(newest[key])]
        text = f"In {dated(newest['financial_year'], facts.year)}, the placement budgets were: " + " and ".join(parts)
        if not pd.isna(newest["external_share"]):
            text += f", {money_text(newest['total'])} together, {half_up(newest['external_share']):.0f}% of it external"
        sentences.append(text + ". No newer budget is recorded." if budgets.years_before(
            newest["financial_year"], facts.year) else text + ".")
        sentences += [f"Recorded with the {name.lower()} budget: {covers}." for name, covers in newest["covers"].items()]
        if pd.isna(newest["internal"]) or pd.isna(newest["external"]):
            sentences.append(f"No {'internal' if pd.isna(newest['internal']) else 'external'} placements budget is "
                             f"recorded; a line for it in {facts.whose} table of placement budgets would set the "
                             "two side by side.")
    placement_lines = lines.loc[lines["placement_budget"]]
    if len(placement_lines) and placement_lines["change_gbp"].isna().all():
        sentences.append("Each placement budget is recorded for one year only, so its change from year to year "
                         "cannot be given; the year before's budget would show it.")
    for r in lines.loc[lines["change_gbp"].notna() & lines["placement_budget"]].itertuples():
        moved = narrative.direction(r.change_percent)
        sentences.append(f"The {r.budget.lower()} budget {moved}" + (f" {half_up(abs(r.change_percent)):.0f}%" if
                                                                     moved != "was unchanged" else "")
                         + f" from {r.previous_year} to {r.financial_year}.")
    for r in budgets.other_lines(budget).itertuples():
        span = r.first_year if r.first_year == r.last_year else f"{r.first_year} to {r.last_year}"
        sentences.append(f"{r.budget}, {dated(span, facts.year)}: {money_text(r.total_gbp)} over "
                         f"{r.years} year{'s' if r.years != 1 else ''}.")
    table = t.Table("placement_budget", f"Placement budgets and related lines, {facts.name} (local data)",
                    source(local, "placement_budget"), BUDGET_COLUMNS,
                    lines.assign(change_gbp=lines["change_gbp"].astype(object).where(lines["change_gbp"].notna(), "")))
    return Block("placement_budget", sentences, table, None,
                 ["A negative amount is a saving to be made. Budgets are the authority's own figures, in cash."])


# --- supported accommodation framework prices (D12) -----------------------------------------------

def prices_block(facts: Facts, local: local_data.LocalData) -> Block:
    prices = local.get("supported_accommodation_prices")
    if prices is None or prices.empty:
        return missing(facts, "supported_accommodation_prices", "the framework's prices")
    matrix, checks = provision.price_matrix(prices)
    page = t.Table("", "Supported accommodation framework: weekly price by lot and locality, with averages "
                       "recomputed", source(local, "supported_accommodation_prices"),
                   [t.text("lot", "Lot"), *[t.pounds(c, c) for c in matrix.columns]],
                   matrix.reset_index().rename_axis(columns=None))
    long = matrix.reset_index().melt(id_vars="lot", var_name="locality", value_name="weekly_price_gbp")
    saved = t.Table("framework_prices", page.caption, page.source, PRICE_COLUMNS, long)
    sentence = narrative.describe_price_checks(matrix, checks)
    block = Block("framework_prices", [sentence], page, None, [], [saved])
    if len(checks):
        block.notes.append("Averages printed in the statements, against those recomputed from the prices: "
                           + "; ".join(f"{r.lot} / {r.locality}: printed £{half_up(r.printed, 2):,.2f}, recomputed "
                                       f"£{half_up(r.recomputed, 2):,.2f} ({'the same' if r.agrees else 'different'})"
                                       for r in checks.itertuples()) + ".")
    return block


# --- in-house fostering recruitment (D14, D15, D16) ------------------------------------------------

def fostering_block(facts: Facts, local: local_data.LocalData) -> Block:
    recruitment = local.get("fostering_recruitment")
    if recruitment is None or recruitment.empty:
        return missing(facts, "fostering_recruitment", "households approved, the net gain against target and the "
                                                      "recruitment funnel")
    summary = provision.fostering_summary(recruitment)
    sentences = [_net_gain(summary, recruitment, facts.year)]
    saving = provision.in_house_saving(provision.unit_costs(local.get("weekly_costs"))) \
        if local.get("weekly_costs") is not None else None
    if saving:
        sentences.append(narrative.describe_saving(saving) + (
            f" These costs are from {dated(saving['financial_year'], facts.year)}."
            if (budgets.years_before(saving["financial_year"], facts.year) or 0) > STALE_YEARS else ""))
    columns = [t.text("period", "Period"), *[t.count(c, FOSTERING_LABELS.get(c, c.replace("_", " ").capitalize()))
                                             for c in summary.columns if c != "period"]]
    declared = t.Table("fostering_recruitment", f"In-house fostering: households and beds approved, {facts.name}",
                       source(local, "fostering_recruitment"), columns, summary)
    return Block("fostering_recruitment", [s for s in sentences if s], declared, None, _targets(recruitment))


def _net_gain(summary: pd.DataFrame, recruitment: pd.DataFrame, year: int) -> str:
    """The newest year's approvals and net gain against the target, dated."""
    if summary.empty:
        return ""
    known = summary.dropna(subset=[c for c in ("net_gain_households",) if c in summary]) \
        if "net_gain_households" in summary else summary
    row = (known if len(known) else summary).iloc[-1]
    text = f"In {dated(row['period'], year)}, the in-house fostering service"
    households, beds = row.get("households_approved"), row.get("beds_approved")
    done = households is not None and not pd.isna(households)
    if done:
        text += f" approved {half_up(households):,.0f} households"
        if beds is not None and not pd.isna(beds):
            text += f" ({half_up(beds):,.0f} beds)"
    target = recruitment.loc[recruitment["measure"].eq("target_net_gain_households_per_year")]
    if "net_gain_households" in row and not pd.isna(row["net_gain_households"]):
        text += f"{',' if done else ''} a net gain of {half_up(row['net_gain_households']):,.0f} households"
        if len(target):
            goal = target.iloc[-1]
            met = "meeting" if row["net_gain_households"] >= goal["value"] else "short of"
            text += f", {met} its target of {half_up(goal['value']):,.0f} a year (set for {goal['period']})"
    text += "."
    newest = summary["period"].map(budgets.period_end_year).max()
    if budgets.years_before(row["period"], year) and (budgets.period_end_year(row["period"]) or 0) >= (newest or 0):
        text += " No newer recruitment figures are recorded."
    return text


def _targets(recruitment: pd.DataFrame) -> list[str]:
    rows = recruitment.loc[recruitment["measure"].str.startswith("target")]
    return ["Targets recorded: " + "; ".join(
        f"{r.measure.replace('target_', '').replace('_', ' ')} {half_up(r.value):,.0f} ({r.period}"
        + (f"; {r.note}" if getattr(r, "note", "") else "") + ")" for r in rows.itertuples()) + "."] if len(rows) else []


FUNNEL_COLUMNS = [t.text("stage", "Stage"), t.text("period", "Period"), t.count("value", "Number"),
                  t.text("note", "Note")]


def funnel_block(facts: Facts, local: local_data.LocalData) -> Block:
    """The newest recruitment funnel recorded: each stage with its own period, dated."""
    recruitment = local.get("fostering_recruitment")
    steps = funnel(recruitment) if recruitment is not None else pd.DataFrame()
    if steps.empty:
        return message("fostering_funnel", f"No recruitment funnel (enquiries, initial visits, assessments, approvals) "
                                           f"is recorded for {facts.name}; rows of those stages in {facts.whose} "
                                           "table of in-house fostering recruitment would fill this part.")
    years = steps["period"].map(lambda p: budgets.years_before(p, facts.year) or 0)
    sentences = [f"The newest recruitment funnel recorded is from {steps['period'].map(budgets.period_end_year).max()}"
                 + (f", {years.min()} or more years before the statement's year "
                    f"({provision.financial_year(facts.year)})" if years.min() > STALE_YEARS else "") + ": "
                 + "; ".join(f"{half_up(r.value):,.0f} {r.stage.lower()} ({r.period})"
                             for r in steps.itertuples()) + "."]
    if steps["period"].nunique() > 1:
        sentences.append("The stages are counted over different periods, so they are not read as rates of moving "
                         "from one stage to the next.")
    table = t.Table("fostering_funnel", f"In-house fostering recruitment funnel, {facts.name}",
                    source(local, "fostering_recruitment"), FUNNEL_COLUMNS, steps)
    return Block("fostering_funnel", sentences, table)


def funnel(recruitment: pd.DataFrame) -> pd.DataFrame:
    """The newest funnel: its first recorded stage's newest period, and each other stage's row
    of that period, else of a period ending the same year (stage, period, value, note)."""
    rows = recruitment.loc[recruitment["measure"].isin(STAGES)].assign(
        end=lambda f: f["period"].map(budgets.period_end_year))
    if rows.empty:
        return pd.DataFrame(columns=["stage", "period", "value", "note"])
    first = next(s for s in STAGES if s in set(rows["measure"]))
    anchor = rows.loc[rows["measure"].eq(first)].sort_values("end", kind="stable").iloc[-1]
    out = []
    for stage, label in STAGES.items():
        mine = rows.loc[rows["measure"].eq(stage)]
        pick = mine.loc[mine["period"].eq(anchor["period"])]
        pick = pick if len(pick) else mine.loc[mine["end"].eq(anchor["end"])]
        if len(pick):
            row = pick.iloc[-1]
            out.append({"stage": label, "period": row["period"], "value": row["value"],
                        "note": row.get("note", "") if isinstance(row.get("note", ""), str) else ""})
    return pd.DataFrame(out, columns=["stage", "period", "value", "note"])


# --- the commissioned market and specialist cohorts (D9-D11, D19, D20) ----------------------------

def listing_block(facts: Facts, local: local_data.LocalData, name: str, caption: str, columns: list[str]) -> Block:
    table = local.get(name)
    if table is None or table.empty:
        return missing(facts, name)
    present = [c for c in columns if c in table]
    frame = table[present].copy()
    frame["measure"] = frame["measure"].map(_words)
    declared = t.Table(name, caption, source(local, name),
                       [t.number(c, "Value", trim=True) if c == "value" else t.text(c, c.replace("_", " ").capitalize())
                        for c in present], frame)
    return Block(name, [], declared)


def _words(measure: str) -> str:
    """A measure's name as words: 'change_in_placements_needed_vs_previous_year_percent' ->
    'change in placements needed against the year before (%)'."""
    text = str(measure).replace("_percent", " (%)").replace("_vs_previous_year", " against the year before")
    return text.replace("uasc", "UASC").replace("_", " ")


def cohorts_block(facts: Facts, local: local_data.LocalData) -> Block:
    """Specialist cohorts: one dated sentence per cohort and period, and the table."""
    block = listing_block(facts, local, "specialist_cohorts", "Specialist cohorts (local data)",
                          ["period", "cohort", "measure", "value", "note"])
    cohorts = local.get("specialist_cohorts")
    if cohorts is None or cohorts.empty:
        return block
    for (cohort, period), rows in cohorts.groupby(["cohort", "period"], sort=False):
        notes = sorted({n for n in rows.get("note", pd.Series(dtype=str)) if n})
        block.sentences.append(f"{cohort}, {dated(period, facts.year)}: " + "; ".join(
            f"{_words(r.measure).replace(' (%)', '')} "
            f"{half_up(r.value):,.0f}{'%' if r.measure.endswith('_percent') else ''}"
            for r in rows.itertuples())
            + (f" ({'; '.join(notes)})" if notes else "") + ".")
    return block
