"""Chapter 7, data quality: what validation found and did, and how the figures computed
from the return compare with DfE's published ones."""
from __future__ import annotations

import numpy as np
import pandas as pd

from sufficiency_lib.analysis import disclosure, findings
from sufficiency_lib.statement import tidy
from sufficiency_lib.published.figures import TOTAL, side_by_side
from sufficiency_lib.statement.tables import Table
from sufficiency_lib.statement.chapters.common import Block, Context
from sufficiency_lib.statement.chapters.page import Chapter

HEADLINES = ["cla_31_march", "cla_started", "cla_ceased"]


def validation(ctx: Context) -> tuple[Block, Block | None]:
    """Rows in, kept, corrected and set aside per table, and the rules that fired."""
    ledger = ctx.data.result.ledger
    table = ledger.reconciliation()
    kept = int(table["kept"].sum()) if "kept" in table else 0
    held = int(table["quarantined"].sum())
    fixed = int(table["corrected"].sum()) if "corrected" in table else 0
    sentence = (f"Of the rows read from the return, {kept:,} were used as they were, {fixed:,} were corrected "
                f"and {held:,} were set aside (quarantined); every row read is accounted for.")
    shown = Table(table.rename(columns=lambda c: c.replace("_", " ").capitalize()),
                  caption=f"Rows read, kept, corrected and set aside by table, {ctx.name}", source=ctx.source)
    rules = ledger.rule_summary()
    rules_table = Table(rules.rename(columns=lambda c: c.replace("_", " ").capitalize()),
                        caption="Validation rules that found something, with what was done and what to do",
                        source="sufficiency_lib validation rules (quality.py)") if len(rules) else None
    data = tidy.la_frame(ctx.authority, [ctx.year]).merge(table.assign(time_period=ctx.year), on="time_period")
    meta = tidy.meta_frame({c: (c.replace("_", " "), "", 0) for c in table.columns if c != "table"},
                           {"table": "903 table"})
    block = Block("validation_reconciliation", [sentence], shown, None, data, meta)
    if rules_table is not None:
        block.notes.append("The rules and the counts they found are listed below; the rows themselves stay in "
                           "the analyst's validation report (sufficiency validate), never on this page.")
    return block, (Block("validation_rules", [], rules_table) if rules_table is not None else None)


def comparison(ctx: Context) -> pd.DataFrame:
    """Each figure computed from the return beside DfE's published one, for the authority
    and the years of the page, where both exist."""
    if ctx.published is None:
        return pd.DataFrame()
    mine = ctx.figures.loc[ctx.figures["unit"].eq("number")]
    theirs = ctx.published.figures
    theirs = theirs.loc[theirs["new_la_code"].eq(ctx.authority.new_la_code) & theirs["unit"].eq("number")
                        & theirs["time_period"].isin(ctx.years)]
    both = side_by_side(mine, theirs)
    return both.dropna(subset=["value_computed"]).loc[both["value_published"].notna()
                                                      | both["status_published"].eq(disclosure.SUPPRESSED)]


def reconciliation(ctx: Context) -> tuple[Block, Block | None]:
    """The headline comparison, and the count of matching figures by breakdown."""
    both = comparison(ctx)
    if both.empty:
        return Block("published_reconciliation", ["No published figures for this authority and these years were "
                                                  "found to compare with the return."]), None
    known = both.dropna(subset=["value_published"])
    same = int((known["difference"].abs() < 0.5).sum())
    sentence = (f"{len(known):,} figures computed from the return were compared with DfE's published figures "
                f"for the same years; {same:,} match exactly"
                + (f" and the largest difference is {known['difference'].abs().max():,.0f}." if len(known) > same
                   else "."))
    if ctx.benchmark_source.startswith("Synthetic"):
        sentence += (" The published figures here are the demo's synthetic national figures, made from the same "
                     "synthetic returns, so they agree by construction; with DfE's files they show real differences.")
    headline = both.loc[both["indicator"].isin(HEADLINES) & both["breakdown_group"].eq(TOTAL)]
    shown = headline[["time_period", "indicator", "value_computed", "value_published", "difference"]].copy()
    small = (shown["value_computed"] > 0) & (shown["value_computed"] < ctx.threshold)
    shown["value_computed"] = shown["value_computed"].map(lambda v: f"{v:,.0f}").where(~small, disclosure.SUPPRESSED)
    shown["value_published"] = headline["value_published"].map(lambda v: disclosure.SUPPRESSED if pd.isna(v) else f"{v:,.0f}")
    shown["difference"] = headline["difference"].map(lambda v: "" if pd.isna(v) else f"{v:+,.0f}").where(~small, "")
    table = Table(shown.rename(columns={"time_period": "Year", "indicator": "Figure", "value_computed": "From the return",
                                        "value_published": "Published", "difference": "Difference"}),
                  caption=f"Headline figures from the return and as published, {ctx.name}",
                  source=f"{ctx.source}; {ctx.benchmark_source}")
    by_group = known.groupby(["indicator", "breakdown_group"]).agg(
        figures=("difference", "size"), matching=("difference", lambda d: int((d.abs() < 0.5).sum())),
        largest_difference=("difference", lambda d: float(np.abs(d).max()))).reset_index()
    groups = Table(by_group.rename(columns=lambda c: c.replace("_", " ").capitalize()),
                   caption="Figures compared, by indicator and breakdown", source=f"{ctx.source}; {ctx.benchmark_source}")
    data = tidy.la_frame(ctx.authority, [ctx.year]).merge(by_group.assign(time_period=ctx.year), on="time_period")
    meta = tidy.meta_frame({"figures": ("Figures compared", "", 0), "matching": ("Figures that match", "", 0),
                            "largest_difference": ("Largest absolute difference", "", 0)},
                           {"indicator": "Indicator", "breakdown_group": "Breakdown"})
    return (Block("published_reconciliation", [sentence], table),
            Block("reconciliation_by_group", [], groups, None, data, meta))


def build(ctx: Context) -> Chapter:
    checks, rules = validation(ctx)
    matched, groups = reconciliation(ctx)
    return Chapter(ctx, "data_quality", {"validation": checks, "rules": rules, "reconciliation": matched,
                                         "reconciliation_groups": groups}, areas=[findings.DATA_QUALITY])
