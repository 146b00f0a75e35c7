"""Children placed for adoption and placed with parents at 31 March, fitted to the targets.

Both are scheduled last placements of a period (:class:`~sufficiency_lib.demo.synth_placements.Schedule`):
placement with adopters comes after the placement order and some months before the adoption
order; placement with parents comes under a care order, some months before the child goes
home. In each written year, the number so placed on 31 March is brought to the target by
moving such a placement across 31 March (made a little earlier or later, within the same
year) or, when there are too few, by placing a child whose story allows it: a child on a
placement order waiting for adopters, or a child on a care order who goes home within the
year.
"""
from __future__ import annotations

import numpy as np

from sufficiency_lib.demo.synth_basics import ADOPT, ADOPTION, E1, NO_DATE, PARENTS, SGO, add_years, age_on
from sufficiency_lib.demo.synth_legal import Legal, status_on
from sufficiency_lib.demo.synth_periods import Population, periods_open_on
from sufficiency_lib.demo.synth_placements import Schedule, placement_order_since, under_care_order
from sufficiency_lib.demo.synth_published import DFE_TYPES
from sufficiency_lib.demo.synth_targets import Targets

ADOPTION_COLUMN, PARENTS_COLUMN = 1, 2          # in DFE_TYPES
YOUNGEST_NOT_ADOPTED = 8                        # children found adopters off the adoption pathway: under 8
assert "adoption" in DFE_TYPES[ADOPTION_COLUMN] and "parents" in DFE_TYPES[PARENTS_COLUMN]


def fit_schedule(rng, pop: Population, legal: Legal, plan: Schedule, t: Targets) -> Schedule:
    """The schedule with the targets' numbers placed for adoption and with parents at 31
    March of every written year."""
    plan = Schedule(plan.final_day.copy(), plan.final_group.copy(), plan.step_day.copy())
    for i in range(1, len(t.years)):
        target = t.at("type", int(t.years[i]))
        if target is None:
            continue
        ye, before = int(t.ends[i]), int(t.ends[i - 1])
        after = int(t.ends[i + 1]) if i + 1 < len(t.ends) else ye + 365
        _fit(rng, pop, legal, plan, ADOPTION, int(target[ADOPTION_COLUMN]), ye, before, after)
        _fit(rng, pop, legal, plan, PARENTS, int(target[PARENTS_COLUMN]), ye, before, after)
    keep_step = (plan.final_day == NO_DATE) | (plan.step_day < plan.final_day)
    plan.step_day = np.where(keep_step, plan.step_day, NO_DATE)
    return plan


def _fit(rng, pop: Population, legal: Legal, plan: Schedule, group: int, want: int, ye: int, before: int,
         after: int) -> None:
    placed = np.flatnonzero((plan.final_group == group) & (plan.final_day != NO_DATE) & (plan.final_day <= ye)
                            & (pop.end > ye))
    gap = len(placed) - want
    if gap > 0:        # placed a little later, after 31 March (or, failing that, not at all)
        free = placed[(plan.final_day[placed] > before)]
        free = free[rng.permutation(len(free))][:gap]
        room = pop.end[free] - ye
        later = ye + 1 + (rng.random(len(free)) * np.maximum(room - 8, 1)).astype(np.int64)
        fits = room > 14
        if group == PARENTS:
            fits &= under_care_order(legal, free, np.where(fits, later, NO_DATE), pop.end[free])
        plan.final_day[free] = np.where(fits, later, NO_DATE)
    elif gap < 0:
        chosen = _candidates(rng, pop, legal, plan, group, ye, after)[: -gap]
        low = _earliest(pop, legal, plan, chosen, group, before)
        day = low + (rng.random(len(chosen)) * np.maximum(ye - low + 1, 1)).astype(np.int64)
        if group == PARENTS:
            day = np.where(under_care_order(legal, chosen, day, pop.end[chosen]), day, ye)
        plan.final_day[chosen] = np.minimum(day, ye)
        plan.final_group[chosen] = group
        if group == ADOPTION:      # a young child on a placement order found adopters after all
            pop.pathway[chosen] = ADOPT


def _candidates(rng, pop: Population, legal: Legal, plan: Schedule, group: int, ye: int, after: int) -> np.ndarray:
    """Periods in care on 31 March whose story allows this placement then: for adoption a
    child waiting on a placement order, adopted before next 31 March where possible; with
    parents a child on a care order who goes home within the year or, failing enough of
    them, stays at home on the order (sooner leavers first)."""
    periods = np.flatnonzero(periods_open_on(pop, ye))
    before_18 = pop.end[periods] < add_years(pop.dob[pop.child[periods]], 18)
    unplaced = (plan.final_day[periods] == NO_DATE) | (plan.final_day[periods] > ye)
    status = status_on(legal, periods, np.full(len(periods), ye))
    soon = pop.end[periods] <= after
    if group == ADOPTION:       # on a placement order since a fortnight at least, and still at the end
        young = age_on(pop.dob[pop.child[periods]], ye) < YOUNGEST_NOT_ADOPTED
        ok = (((pop.pathway[periods] == ADOPT) | (young & soon)) & before_18 & (status == E1)
              & (placement_order_since(legal, len(pop.start))[periods] <= ye - 14))
    else:
        ok = (~np.isin(pop.pathway[periods], (ADOPT, SGO)) & ~pop.uasc[pop.child[periods]]
              & under_care_order(legal, periods, np.full(len(periods), ye), pop.end[periods])
              & (plan.final_group[periods] != ADOPTION))
    mask = ok & unplaced
    pool = periods[mask]
    preference = 3.0 * soon[mask] + (2.0 * before_18[mask] if group == PARENTS else
                                     2.0 * (pop.pathway[periods[mask]] == ADOPT))
    key = (pop.end[pool] - ye) / 365.0 - preference - np.log(-np.log(rng.random(len(pool))))
    return pool[np.argsort(key, kind="stable")]


def _earliest(pop: Population, legal: Legal, plan: Schedule, periods: np.ndarray, group: int, before: int) -> np.ndarray:
    low = np.maximum(before + 1, pop.start[periods] + 14)
    if group == ADOPTION:
        low = np.maximum(low, placement_order_since(legal, len(pop.start))[periods] + 14)
    return low
