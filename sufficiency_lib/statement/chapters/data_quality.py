"""Chapter 7, data quality: what validation found and did, and how the figures computed
from the return compare with DfE's published ones."""
from __future__ import annotations

import numpy as np
import pandas as pd

from sufficiency_lib.analysis import disclosure
from sufficiency_lib.analysis.facts import Facts, published_comparison
from sufficiency_lib.published.figures import INDICATORS
from sufficiency_lib.ssda903.schema import TABLE_LABELS
from sufficiency_lib.statement import stories
from sufficiency_lib.statement import tables as t
from sufficiency_lib.statement.blocks import Block, message
from sufficiency_lib.statement.chapter import Chapter
from sufficiency_lib.vocabulary import TOTAL, Area, Indicator
from sufficiency_lib.wording import half_up

HEADLINES = {Indicator.CLA: "Children looked after at 31 March", Indicator.STARTED: "Started to be looked after",
             Indicator.CEASED: "Ceased to be looked after"}
RECONCILIATION_COLUMNS = [t.text("table", "Table of the return"), t.count("rows_in", "Rows read"),
                          t.count("kept", "Kept"), t.count("corrected", "Corrected"),
                          t.count("superseded", "Superseded by a newer return"),
                          t.count("quarantined", "Set aside"), t.text("balanced", "All rows accounted for")]
RULE_COLUMNS = [t.text("rule_id", "Rule"), t.text("severity", "Severity"), t.text("table", "Table of the return"),
                t.count("rows", "Rows"), t.text("title", "What was found"), t.text("outcome", "What was done"),
                t.text("fix", "What to do")]
HEADLINE_COLUMNS = [t.year(), t.text("figure", "Figure"), t.count("computed", "From the return"),
                    t.count("published", "Published"), t.number("difference", "Difference")]
GROUP_COLUMNS = [t.text("indicator", "Indicator"), t.text("breakdown_group", "Breakdown"),
                 t.count("figures", "Figures compared"), t.count("matching", "Figures that match"),
                 t.number("largest_difference", "Largest absolute difference")]


def validation(facts: Facts) -> tuple[Block, Block | None]:
    """Rows in, kept, corrected and set aside per table, and the rules that fired."""
    if facts.data is None:
        return message("validation_reconciliation", "No child-level return was given, so there is nothing to "
                                                    "validate; every figure comes from published statistics."), None
    ledger = facts.data.result.ledger
    frame = ledger.reconciliation()
    kept, fixed, held = (int(frame[c].sum()) if c in frame else 0 for c in ("kept", "corrected", "quarantined"))
    sentence = (f"Of the rows read from the return, {kept:,} were used as they were, {fixed:,} were corrected "
                f"and {held:,} were set aside (quarantined); every row read is accounted for.")
    table = t.Table("validation_reconciliation", f"Rows read, kept, corrected and set aside by table, {facts.name}",
                    facts.source, RECONCILIATION_COLUMNS, frame.assign(
                        table=frame["table"].map(lambda name: TABLE_LABELS.get(name, name)),
                        balanced=frame["balanced"].map({True: "yes", False: "no"})))
    block = Block("validation_reconciliation", [sentence], table)
    rules = ledger.rule_summary()
    if not len(rules):
        return block, None
    block.notes.append("The rules and the counts they found are listed below; the rows themselves stay in the "
                       "analyst's validation report, never on this page.")
    listed = t.Table("", "Validation rules that found something, with what was done and what to do",
                     "Checks of the council's return made for this statement", RULE_COLUMNS,
                     rules.assign(table=rules["table"].map(lambda name: TABLE_LABELS.get(name, name))))
    return block, Block("validation_rules", [], listed)


def _headline_frame(both: pd.DataFrame, threshold: int) -> pd.DataFrame:
    headline = both.loc[both["indicator"].isin(list(HEADLINES)) & both["breakdown_group"].eq(TOTAL)]
    small = disclosure.small_mask(headline["value_computed"].astype(float).to_numpy(), threshold).to_numpy()
    return pd.DataFrame({
        "time_period": headline["time_period"].to_numpy(),
        "figure": headline["indicator"].map(HEADLINES).to_numpy(),
        "computed": np.where(small, disclosure.SUPPRESSED, headline["value_computed"].astype(object)),
        "published": [disclosure.SUPPRESSED if pd.isna(v) else v for v in headline["value_published"]],
        "difference": np.where(small, "", headline["difference"].astype(object)),
    })


def reconciliation(facts: Facts) -> tuple[Block, Block | None]:
    """The headline comparison, and the count of matching figures by breakdown."""
    both = published_comparison(facts)
    if facts.data is None:
        return message("published_reconciliation", "No child-level return was given, so there are no figures of "
                                                   "the council's own to compare with DfE's."), None
    if both.empty:
        return message("published_reconciliation", "No published figures for this authority and these years "
                                                   "were found to compare with the return."), None
    known = both.dropna(subset=["value_published"])
    same = int((known["difference"].abs() < 0.5).sum())
    sentence = (f"{len(known):,} figures computed from the return were compared with DfE's published figures "
                f"for the same years; {same:,} match exactly"
                + (" and the largest difference is "
                   f"{half_up(known['difference'].abs().max()):,.0f}." if len(known) > same
                   else "."))
    source = f"{facts.source}; {facts.benchmark_source}"
    headline = t.Table("", f"Headline figures from the return and as published, {facts.name}", source,
                       HEADLINE_COLUMNS, _headline_frame(both, facts.threshold))
    by_group = known.groupby(["indicator", "breakdown_group"]).agg(
        figures=("difference", "size"), matching=("difference", lambda d: int((d.abs() < 0.5).sum())),
        largest_difference=("difference", lambda d: float(np.abs(d).max()))).reset_index()
    by_group["indicator"] = by_group["indicator"].map(lambda code: INDICATORS.get(code, code))   # DfE's words
    groups = t.Table("reconciliation_by_group", "Figures compared, by indicator and breakdown", source,
                     GROUP_COLUMNS, by_group)
    return Block("published_reconciliation", [sentence], headline), Block("reconciliation_by_group", [], groups)


def checks_block(found: list) -> Block:
    """The checks the rules raised about the data, for the analyst to act on before publishing."""
    checks = [f.challenge for f in found if f.internal]
    if not checks:
        return message("checks", "The checks on the data found nothing to correct.")
    return Block("checks", ["Checks on the data to act on before the statement is published:", *checks])


def build(facts: Facts, found: list, outlook=None) -> Chapter:
    checks, rules = validation(facts)
    matched, groups = reconciliation(facts)
    return Chapter(facts, "data_quality", {"story": stories.data_quality(facts), "checks": checks_block(found), "validation": checks, "rules": rules,
                                           "reconciliation": matched, "reconciliation_groups": groups},
                   found, areas=[Area.DATA_QUALITY])
