"""Chapter 2, placement mix and stability: where children live, placements made in the
year, placements that ended within 7 days, age within each placement type, and stability."""
from __future__ import annotations

from sufficiency_lib.ssda903 import codes
from sufficiency_lib.analysis import findings, metrics
from sufficiency_lib.statement import narrative
from sufficiency_lib.statement.chapters.common import Context, benchmark_block, composition, crosstab, share_series
from sufficiency_lib.statement.chapters.page import Chapter

AT_31_MARCH = "children looked after at 31 March"


def mix(ctx: Context):
    block = composition(ctx, "placement_mix", "cla_31_march", "Placement group", AT_31_MARCH,
                        "Children looked after at 31 March by placement", focus=codes.IN_HOUSE_FOSTER)
    for group in (codes.IFA_FOSTER, codes.CONNECTED_FOSTER, "Residential children's homes"):
        block.sentences.append(narrative.describe_share(
            share_series(ctx, "cla_31_march", "Placement group", group), group, AT_31_MARCH))
    block.notes.append("Foster care is split by placement type and provider: connected persons are U1-U3; "
                       "other foster carers (U4-U6) are in-house when provided by the authority or another "
                       "public body (PR1-PR3) and IFA when private or voluntary (PR4, PR5).")
    return block


def build(ctx: Context) -> Chapter:
    new = "placements made in the year"
    return Chapter(ctx, "placements", {
        "mix": mix(ctx),
        "foster_benchmark": benchmark_block(ctx, "foster_placements_benchmark", "cla_31_march",
                                            "the share of children looked after in foster placements",
                                            breakdown_group="Placement", breakdown="Foster placements"),
        "providers": composition(ctx, "placement_providers", "cla_31_march", "Place providers", AT_31_MARCH,
                                 "Children looked after at 31 March by placement provider"),
        "new_by_group": composition(ctx, "new_placements_by_placement", "new_placements", "Placement group", new,
                                    "Placements made in the year by placement"),
        "new_by_provider": composition(ctx, "new_placements_by_provider", "new_placements", "Place providers", new,
                                       "Placements made in the year by provider"),
        "new_by_locality": composition(ctx, "new_placements_by_locality", "new_placements", "Locality of placement",
                                       new, "Placements made in the year inside and outside the authority",
                                       focus=metrics.OUTSIDE),
        "ended_7_days": composition(ctx, "placements_ended_within_7_days", "new_placements", "Placement length", new,
                                    "Placements made in the year that ended within 7 days",
                                    focus=metrics.ENDED_WITHIN_7_DAYS, chart_kind="line"),
        "age_by_placement": crosstab(ctx, "age_by_placement", "Placement group by age group", "Placement",
                                     "Age group", "children in each placement", "16 years and over",
                                     columns=list(codes.DFE_AGE_GROUP.values())),
        "stability": composition(ctx, "placement_stability", "cla_31_march", "Placement stability", AT_31_MARCH,
                                 "Children looked after at 31 March with 3 or more placements in the year",
                                 focus=metrics.THREE_OR_MORE, chart_kind="line"),
        "stability_benchmark": benchmark_block(ctx, "placement_stability_benchmark", "cla_31_march",
                                               "the share of children with 3 or more placements in the year",
                                               breakdown_group="Placement stability",
                                               breakdown=metrics.THREE_OR_MORE),
        "long_term": composition(ctx, "long_term_stability", "cla_long_term_under_16", "Placement stability",
                                 "children under 16 looked after for 2.5 years or more",
                                 "Long-term placement stability", focus=metrics.SAME_CARER, chart_kind="line"),
        "long_term_benchmark": benchmark_block(ctx, "long_term_stability_benchmark", "cla_long_term_under_16",
                                               "the share of long-term looked after children under 16 living with "
                                               "the same carer for 2 years", breakdown_group="Placement stability",
                                               breakdown=metrics.SAME_CARER),
    }, areas=[findings.FOSTERING, findings.RESIDENTIAL, findings.SUPPORTED, findings.STABILITY])
