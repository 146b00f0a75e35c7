"""Chapter 2, placement mix and stability: where children live, placements made in the
year, placements that ended within 7 days, age within each placement type, and stability."""
from __future__ import annotations

from sufficiency_lib.analysis.facts import Facts
from sufficiency_lib.statement import narrative, stories
from sufficiency_lib.statement.chapter import Chapter
from sufficiency_lib.statement.chapters.common import benchmark_block, composition, crosstab
from sufficiency_lib.vocabulary import (
    DFE_AGE_GROUPS,
    SIXTEEN_PLUS,
    Area,
    Group,
    Indicator,
    Locality,
    PlacementGroup,
    PlacementLength,
    Stability,
)

AT_31_MARCH = "children looked after at 31 March"
MADE_IN_YEAR = "placements made in the year"


def mix(facts: Facts):
    if facts.data is None:      # DfE publishes placement types, not the statement's split of foster care
        return composition(facts, "placement_mix", Indicator.CLA, Group.PLACEMENT, AT_31_MARCH,
                           "Children looked after at 31 March by type of placement", focus="Foster placements")
    block = composition(facts, "placement_mix", Indicator.CLA, Group.PLACEMENT_GROUP, AT_31_MARCH,
                        "Children looked after at 31 March by placement", focus=PlacementGroup.IN_HOUSE)
    for group in (PlacementGroup.IFA, PlacementGroup.CONNECTED, PlacementGroup.CHILDRENS_HOMES):
        block.sentences.append(narrative.describe_share(
            facts.share_series(Indicator.CLA, Group.PLACEMENT_GROUP, group), group, AT_31_MARCH))
    block.notes.append("Foster care is split by placement type and provider: connected persons are foster "
                       "carers who are relatives or friends; other foster carers are in-house when provided by "
                       "the authority or another public body, and with an independent fostering agency (IFA) when "
                       "private or voluntary.")
    return block


def build(facts: Facts, found: list, outlook=None) -> Chapter:
    cla, new = Indicator.CLA, Indicator.NEW_PLACEMENTS
    return Chapter(facts, "placements", {
        "story": stories.placements(facts),
        "mix": mix(facts),
        "foster_benchmark": benchmark_block(facts, "foster_placements_benchmark", cla,
                                            "the share of children looked after in foster placements",
                                            breakdown_group=Group.PLACEMENT, breakdown="Foster placements"),
        "providers": composition(facts, "placement_providers", cla, Group.PROVIDERS, AT_31_MARCH,
                                 "Children looked after at 31 March by placement provider"),
        "new_by_group": composition(facts, "new_placements_by_placement", new, Group.PLACEMENT_GROUP, MADE_IN_YEAR,
                                    "Placements made in the year by placement"),
        "new_by_provider": composition(facts, "new_placements_by_provider", new, Group.PROVIDERS, MADE_IN_YEAR,
                                       "Placements made in the year by provider"),
        "new_by_locality": (composition(facts, "new_placements_by_locality", new, Group.LOCALITY, MADE_IN_YEAR,
                                        "Placements made in the year inside and outside the authority",
                                        focus=Locality.OUTSIDE) if facts.data is not None else
                            composition(facts, "new_placements_by_locality", new, Group.NEW_PLACEMENT_LOCATION,
                                        MADE_IN_YEAR, "Placements made in the year by distance and locality")),
        "ended_7_days": composition(facts, "placements_ended_within_7_days", new, Group.PLACEMENT_LENGTH,
                                    MADE_IN_YEAR, "Placements made in the year that ended within 7 days",
                                    focus=PlacementLength.ENDED_WITHIN_7_DAYS, chart_kind="line"),
        "age_by_placement": crosstab(facts, "age_by_placement", Group.PLACEMENT_BY_AGE, "Placement",
                                     "Age group", "children in each placement", SIXTEEN_PLUS,
                                     columns=list(DFE_AGE_GROUPS), obvious=(PlacementGroup.SUPPORTED,)),
        "stability": composition(facts, "placement_stability", cla, Group.STABILITY, AT_31_MARCH,
                                 "Children looked after at 31 March with 3 or more placements in the year",
                                 focus=Stability.THREE_OR_MORE, chart_kind="line"),
        "stability_benchmark": benchmark_block(facts, "placement_stability_benchmark", cla,
                                               "the share of children with 3 or more placements in the year",
                                               breakdown_group=Group.STABILITY, breakdown=Stability.THREE_OR_MORE),
        "long_term": composition(facts, "long_term_stability", Indicator.LONG_TERM_UNDER_16, Group.STABILITY,
                                 "children under 16 looked after for 2.5 years or more",
                                 "Long-term placement stability", focus=Stability.SAME_CARER, chart_kind="line"),
        "long_term_benchmark": benchmark_block(facts, "long_term_stability_benchmark", Indicator.LONG_TERM_UNDER_16,
                                               "the share of long-term looked after children under 16 living with "
                                               "the same carer for 2 years", breakdown_group=Group.STABILITY,
                                               breakdown=Stability.SAME_CARER),
    }, found, areas=[Area.FOSTERING, Area.RESIDENTIAL, Area.SUPPORTED, Area.STABILITY])
