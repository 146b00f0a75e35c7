"""Chapter 5, care leavers: in touch, in suitable accommodation, and in education,
employment or training, by age 17 to 18 and 19 to 21, against comparators."""
from __future__ import annotations

from sufficiency_lib.ssda903 import codes
from sufficiency_lib.analysis import findings
from sufficiency_lib.statement.chapters.common import Context, benchmark_block, composition
from sufficiency_lib.statement.chapters.page import Chapter

AGES = {"care_leavers_17_18": "17 to 18", "care_leavers_19_21": "19 to 21"}


def build(ctx: Context) -> Chapter:
    blocks = {}
    for indicator, ages in AGES.items():
        who = f"care leavers aged {ages}"
        key = indicator.removeprefix("care_leavers_")
        blocks[f"in_touch_{key}"] = composition(ctx, f"in_touch_{key}", indicator, "In touch", who,
                                                f"Care leavers aged {ages} in touch with the authority",
                                                focus="In touch", chart_kind="line")
        blocks[f"accommodation_{key}"] = composition(ctx, f"accommodation_{key}", indicator,
                                                     "Accommodation suitability", who,
                                                     f"Care leavers aged {ages} by suitability of accommodation",
                                                     focus="Accommodation considered suitable", chart_kind="line")
        blocks[f"accommodation_benchmark_{key}"] = benchmark_block(
            ctx, f"accommodation_benchmark_{key}", indicator, f"the share of {who} in suitable accommodation",
            breakdown_group="Accommodation suitability", breakdown="Accommodation considered suitable")
        blocks[f"activity_{key}"] = composition(ctx, f"activity_{key}", indicator, "Activity", who,
                                                f"Care leavers aged {ages} by activity", focus=codes.EET,
                                                chart_kind="line")
        blocks[f"activity_benchmark_{key}"] = benchmark_block(
            ctx, f"activity_benchmark_{key}", indicator, f"the share of {who} in education, employment or training",
            breakdown_group="Activity", breakdown=codes.EET)
    return Chapter(ctx, "care_leavers", blocks, areas=[findings.CARE_LEAVERS])
