"""Chapter 1, children in care: numbers looked after, rates against comparators, and the
children starting and ceasing to be looked after."""
from __future__ import annotations

import pandas as pd

from sufficiency_lib.analysis import findings, metrics
from sufficiency_lib.statement import narrative
from sufficiency_lib.published.figures import TOTAL, select
from sufficiency_lib.statement.chapters.common import Context, benchmark_block, series_block
from sufficiency_lib.statement.chapters.page import Chapter

COUNT_LABEL = "Children looked after at 31 March"
RATE_LABEL = "Children looked after at 31 March per 10,000 children aged 0 to 17"
UASC_GROUP = "Unaccompanied asylum-seeking children"


def _shown_series(ctx: Context, indicator: str, group: str = TOTAL, breakdown: str = TOTAL) -> pd.Series:
    """A count over the years as the page shows it: 1 to 5 suppressed (missing)."""
    rows = select(ctx.figures, indicator, "number", group, breakdown).set_index("time_period")["value"]
    values = rows.reindex(ctx.years).astype(float)
    return values.where(~((values > 0) & (values < ctx.threshold)))


def counts(ctx: Context):
    sentence = narrative.describe_trend(_shown_series(ctx, "cla_31_march"), "the number of children looked after")
    return series_block(ctx, "cla_at_31_march", {COUNT_LABEL: ("cla_31_march", TOTAL)},
                        "Children looked after at 31 March", [sentence])


def flows(ctx: Context):
    started, ceased = _shown_series(ctx, "cla_started"), _shown_series(ctx, "cla_ceased")
    year = ctx.year
    uasc = _shown_series(ctx, "cla_started", UASC_GROUP, metrics.UASC)
    net = started.get(year) - ceased.get(year)
    sentences = [
        f"In the year to 31 March {year}, {narrative.count_text(started.get(year))} children started to be "
        f"looked after ({narrative.count_text(uasc.get(year))} of them unaccompanied asylum-seeking children) "
        f"and {narrative.count_text(ceased.get(year))} ceased, a net change of {narrative.count_text(net, sign=True)}.",
        narrative.describe_trend(started, "the number starting to be looked after in the year").replace(
            "At 31 March", "In the year to 31 March"),
    ]
    block = series_block(ctx, "cla_started_and_ceased", {
        "Started to be looked after": ("cla_started", TOTAL),
        "of whom UASC": ("cla_started", f"{UASC_GROUP}|{metrics.UASC}"),
        "of whom not UASC": ("cla_started", f"{UASC_GROUP}|{metrics.NON_UASC}"),
        "Ceased to be looked after": ("cla_ceased", TOTAL),
        "Looked after at any time in the year": ("cla_during_year", TOTAL),
    }, "Children starting and ceasing to be looked after", sentences,
        chart_columns=["Started to be looked after", "Ceased to be looked after"])
    block.notes.append("Years run from 1 April to 31 March. A child who started (or ceased) more than once in "
                       "a year is counted once; short-break-only care is not counted.")
    return block


def build(ctx: Context) -> Chapter:
    """The chapter's blocks for the context's authority and year."""
    return Chapter(ctx, "children_in_care", {
        "counts": counts(ctx),
        "rate_benchmark": benchmark_block(ctx, "cla_rate_benchmark", "cla_31_march", "the rate of children looked after",
                                          unit="rate_per_10000", label=RATE_LABEL, years=7),
        "flows": flows(ctx),
    }, areas=[findings.CHILDREN_IN_CARE])

