"""Chapter 5, care leavers: in touch, in suitable accommodation, and in education,
employment or training, by age 17 to 18 and 19 to 21, against comparators."""
from __future__ import annotations

from sufficiency_lib.analysis.facts import Facts
from sufficiency_lib.statement import stories
from sufficiency_lib.statement.chapter import Chapter
from sufficiency_lib.statement.chapters.common import benchmark_block, composition
from sufficiency_lib.vocabulary import Area, CareLeavers, Group, Indicator

AGES = {Indicator.CARE_LEAVERS_17_18: "17 to 18", Indicator.CARE_LEAVERS_19_21: "19 to 21"}


def build(facts: Facts, found: list, outlook=None) -> Chapter:
    blocks = {"story": stories.care_leavers(facts)}
    for indicator, ages in AGES.items():
        who = f"care leavers aged {ages}"
        key = indicator.removeprefix("care_leavers_")
        blocks[f"in_touch_{key}"] = composition(facts, f"in_touch_{key}", indicator, Group.IN_TOUCH, who,
                                                f"Care leavers aged {ages} in touch with the authority",
                                                focus=CareLeavers.IN_TOUCH, chart_kind="line")
        blocks[f"accommodation_{key}"] = composition(facts, f"accommodation_{key}", indicator, Group.ACCOMMODATION,
                                                     who, f"Care leavers aged {ages} by suitability of accommodation",
                                                     focus=CareLeavers.SUITABLE, chart_kind="line")
        blocks[f"accommodation_benchmark_{key}"] = benchmark_block(
            facts, f"accommodation_benchmark_{key}", indicator, f"the share of {who} in suitable accommodation",
            breakdown_group=Group.ACCOMMODATION, breakdown=CareLeavers.SUITABLE)
        blocks[f"activity_{key}"] = composition(facts, f"activity_{key}", indicator, Group.ACTIVITY, who,
                                                f"Care leavers aged {ages} by activity", focus=CareLeavers.EET,
                                                chart_kind="line")
        blocks[f"activity_benchmark_{key}"] = benchmark_block(
            facts, f"activity_benchmark_{key}", indicator,
            f"the share of {who} in education, employment or training",
            breakdown_group=Group.ACTIVITY, breakdown=CareLeavers.EET)
    return Chapter(facts, "care_leavers", blocks, found, areas=[Area.CARE_LEAVERS])
