"""We said, we did: how the measures of the previous statement's actions have moved.

The previous statement's actions (:attr:`Actions.previous`, the newest actions file of an
earlier year) name the figures each should move (:data:`~sufficiency_lib.local.actions.MEASURES`)
and the way wanted. For each, this module reads the figure as the statement shows it
(:meth:`Facts.shown`) in the file's year (the baseline) and in the statement's year, rounds
both as a page prints them (whole numbers), and says how it moved and whether that is the
way wanted, from the rounded figures, so the words agree with the table. A figure that is
suppressed (a count of 1 to 5, or DfE's ``c``) or not available is said to be so, never a
number. A measure moving the way wanted does not by itself show that the action caused it.

A rate per 10,000 that the figures do not hold (figures computed from a return hold counts
and shares) is the count shown divided by the ONS mid-year estimate of children aged 0 to
17 of the calendar year before, times 10,000: DfE's definition.
"""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from sufficiency_lib.analysis.facts import Facts
from sufficiency_lib.analysis.findings import Finding
from sufficiency_lib.local.actions import MEASURES, UP, Action, Actions, Measure
from sufficiency_lib.published.figures import select
from sufficiency_lib.vocabulary import Unit
from sufficiency_lib.wording import half_up

SUPPRESSED = "suppressed"            # a count of 1 to 5, or not published by DfE (c)
NOT_AVAILABLE = "not available"      # no figure for that year
WANTED, NOT_WANTED, NO_CHANGE, NOT_KNOWN = "the way wanted", "not the way wanted", "no change", "not known"
FINISHED = ("done", "dropped")
_UNIT_WORDS = {Unit.PERCENT: "percentage points", Unit.RATE: "per 10,000 children", Unit.NUMBER: "children"}


@dataclass(frozen=True)
class Value:
    """A measure's figure in one year as a page may print it: a whole number, or why not."""

    year: int
    number: float | None          # rounded to a whole number; None when not shown
    reason: str = ""              # SUPPRESSED or NOT_AVAILABLE when there is no number


@dataclass(frozen=True)
class Progress:
    """One recorded action of the previous plan, and one of its measures (if any)."""

    action: Action
    key: str = ""                 # key of MEASURES ("" when the action has no measure)
    wanted: str = ""
    then: Value | None = None     # in the year of the plan
    now: Value | None = None      # in the statement's year

    @property
    def measure(self) -> Measure | None:
        return MEASURES.get(self.key)

    @property
    def change(self) -> float | None:
        """Now less then, as printed; None when either is not shown."""
        if self.then is None or self.now is None or self.then.number is None or self.now.number is None:
            return None
        return self.now.number - self.then.number

    @property
    def outcome(self) -> str:
        """WANTED, NOT_WANTED, NO_CHANGE or NOT_KNOWN ('' without a measure)."""
        if not self.key:
            return ""
        change = self.change
        if change is None:
            return NOT_KNOWN
        if change == 0:
            return NO_CHANGE
        return WANTED if (change > 0) == (self.wanted == UP) else NOT_WANTED

    def words(self) -> str:
        """The movement in words, e.g. 'Up from 21% to 24% (3 percentage points): the way wanted.'"""
        if not self.key:
            return "No measure was recorded for this action."
        if self.change is None:
            missing = [v for v in (self.then, self.now) if v.number is None]
            return "Not known: " + " and ".join(f"the {v.year} figure is {_reason_words(v.reason)}"
                                                for v in missing) + "."
        unit = self.measure.unit
        if self.change == 0:
            return f"No change: {value_text(self.now.number, unit)} in {self.then.year} and in {self.now.year}."
        way = "Up" if self.change > 0 else "Down"
        return (f"{way} from {value_text(self.then.number, unit)} to {value_text(self.now.number, unit)} "
                f"({half_up(abs(self.change)):,.0f} {_UNIT_WORDS[unit]}): {self.outcome}.")


def _reason_words(reason: str) -> str:
    return ("suppressed to protect children's privacy (fewer than 6 children)" if reason == SUPPRESSED
            else "not available")


def value_text(number: float | None, unit: str) -> str:
    """A printed figure with its unit: 21%, 52 per 10,000, 705."""
    if number is None:
        return ""
    if unit == Unit.PERCENT:
        return f"{half_up(number):,.0f}%"
    if unit == Unit.RATE:
        return f"{half_up(number):,.0f} per 10,000"
    return f"{half_up(number):,.0f}"


def _whole(value: float) -> float:
    return half_up(value)


def _why_missing(facts: Facts, measure: Measure, year: int, unit: str) -> str:
    rows = select(facts.figures, measure.indicator, unit, measure.group, measure.breakdown)
    rows = rows.loc[rows["time_period"].eq(year)]
    if rows.empty:
        return NOT_AVAILABLE
    if rows["value"].notna().any() or (rows["status"].astype(str) == "c").any():
        return SUPPRESSED      # a figure there is, hidden because its count is small
    return NOT_AVAILABLE


def measure_value(facts: Facts, measure: Measure, year: int) -> Value:
    """``measure``'s figure in ``year`` as the statement shows it (see the module's notes)."""
    shown = facts.shown(measure.indicator, measure.group, measure.breakdown, year, measure.unit)
    if not math.isnan(shown):
        return Value(year, _whole(shown))
    reason = _why_missing(facts, measure, year, measure.unit)
    if measure.unit != Unit.RATE or reason == SUPPRESSED:
        return Value(year, None, reason)
    count = facts.shown(measure.indicator, measure.group, measure.breakdown, year, Unit.NUMBER)
    if math.isnan(count):
        return Value(year, None, _why_missing(facts, measure, year, Unit.NUMBER))
    population = facts.population_0_17(year - 1)
    if math.isnan(population) or population <= 0:
        return Value(year, None, NOT_AVAILABLE)
    return Value(year, _whole(count / population * 10_000))


def we_said(facts: Facts, said: Actions | None) -> list[Progress]:
    """Every action of ``said`` (the previous plan), one row per measure, with its figure in
    the plan's year and in the statement's year; actions without a measure have one row."""
    if said is None or said.year is None:
        return []
    rows = []
    for action in said.entries:
        if not action.measures:
            rows.append(Progress(action))
            continue
        for key, wanted in action.measures:
            measure = MEASURES[key]
            rows.append(Progress(action, key, wanted, measure_value(facts, measure, said.year),
                                 measure_value(facts, measure, facts.year)))
    return rows


def tally(rows: list[Progress]) -> dict[str, int]:
    """How many measures moved each way: WANTED, NOT_WANTED, NO_CHANGE, NOT_KNOWN."""
    outcomes = [r.outcome for r in rows if r.key]
    return {o: outcomes.count(o) for o in (WANTED, NOT_WANTED, NO_CHANGE, NOT_KNOWN)}


def due_passed(action: Action, year: int) -> bool:
    """Whether ``action`` was due before 31 March of ``year`` and is not recorded as done or dropped."""
    return action.due is not None and action.due < dt.date(int(year), 3, 31) and action.status not in FINISHED


def challenges(rows: list[Progress]) -> list[Finding]:
    """A challenge for each measure that moved against the way the previous plan wanted."""
    found = []
    for row in rows:
        if row.outcome != NOT_WANTED:
            continue
        went = "rose" if row.change > 0 else "fell"
        found.append(Finding(row.action.area, f"The {row.then.year} plan wanted the {row.measure.label} to go "
                                              f"{'up' if row.wanted == UP else 'down'}; it {went} from "
                                              f"{value_text(row.then.number, row.measure.unit)} to "
                                              f"{value_text(row.now.number, row.measure.unit)} by {row.now.year}."))
    return found

