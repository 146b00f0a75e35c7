"""Chapter 1, children in care: numbers looked after, rates against comparators, and the
children starting and ceasing to be looked after."""
from __future__ import annotations

from sufficiency_lib.analysis.facts import Facts
from sufficiency_lib.published import reference
from sufficiency_lib.statement.blocks import Block
from sufficiency_lib.statement import narrative, stories
from sufficiency_lib.statement.chapter import Chapter
from sufficiency_lib.statement.chapters.common import benchmark_block, series_block
from sufficiency_lib.vocabulary import TOTAL, Area, Group, Indicator, Uasc, Unit

COUNT_LABEL = "Children looked after at 31 March"
RATE_LABEL = "Children looked after at 31 March per 10,000 children aged 0 to 17"


def counts(facts: Facts):
    sentence = narrative.describe_trend(facts.count_series(Indicator.CLA), "the number of children looked after")
    return series_block(facts, "cla_at_31_march", {COUNT_LABEL: (Indicator.CLA, TOTAL)},
                        "Children looked after at 31 March", [sentence])


def flows(facts: Facts):
    started, ceased = facts.count_series(Indicator.STARTED), facts.count_series(Indicator.CEASED)
    uasc = facts.count_series(Indicator.STARTED, Group.UASC, Uasc.YES)
    year = facts.year
    net = started.get(year) - ceased.get(year)
    sentences = [
        f"In the year to 31 March {year}, {narrative.count_text(started.get(year))} children started to be "
        f"looked after ({narrative.count_text(uasc.get(year))} of them unaccompanied asylum-seeking children) "
        f"and {narrative.count_text(ceased.get(year))} ceased, a net change of {narrative.count_text(net, sign=True)}.",
        narrative.describe_trend(started, "the number starting to be looked after in the year").replace(
            "At 31 March", "In the year to 31 March"),
    ]
    block = series_block(facts, "cla_started_and_ceased", {
        "Started to be looked after": (Indicator.STARTED, TOTAL),
        "of whom UASC": (Indicator.STARTED, f"{Group.UASC}|{Uasc.YES}"),
        "of whom not UASC": (Indicator.STARTED, f"{Group.UASC}|{Uasc.NO}"),
        "Ceased to be looked after": (Indicator.CEASED, TOTAL),
        "Looked after at any time in the year": (Indicator.DURING_YEAR, TOTAL),
    }, "Children starting and ceasing to be looked after", sentences,
        chart_columns=["Started to be looked after", "Ceased to be looked after"])
    block.notes.append("Years run from 1 April to 31 March. A child who started (or ceased) more than once in "
                       "a year is counted once; short-break-only care is not counted.")
    return block


def boundary(facts: Facts):
    """Where the authority's boundary changed, when it did (a group's members' changes too)."""
    codes = facts.authority.members or (facts.code,)
    notes = [reference.boundary_note(code) for code in codes if not code.startswith("group-")]
    return Block("boundary", [n for n in notes if n]) if any(notes) else None


def build(facts: Facts, found: list, outlook=None) -> Chapter:
    """The chapter's blocks for the facts' authority and year."""
    return Chapter(facts, "children_in_care", {
        "story": stories.children_in_care(facts),
        "boundary": boundary(facts),
        "counts": counts(facts),
        "rate_benchmark": benchmark_block(facts, "cla_rate_benchmark", Indicator.CLA,
                                          "the rate of children looked after", unit=Unit.RATE, label=RATE_LABEL,
                                          years=7),
        "flows": flows(facts),
    }, found, areas=[Area.CHILDREN_IN_CARE])
