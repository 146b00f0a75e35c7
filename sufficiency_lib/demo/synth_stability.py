"""Placement stability and the number of placements made, fitted to the targets year by year.

Three figures DfE publishes depend on when children move, and each has a move that changes
it and nothing else the targets hold:

* long-term stability (children under 16 in care 2.5 years or more, with the same carers for
  2 years): one of them moves during the year (one fewer), or a move of the year that
  ended a two-year placement never happened (one more);
* children with 3 or more placements in the year: an early move of the year never happened
  (one fewer; the placement on 31 March is the same), or a placement of the year is split
  by a short one between (one more);
* placements made in the year: a move of a child who leaves care during the year is
  added or taken away.

Moves that the story needs (to adopters, to parents, a step-down at 16) are never taken
away. Years are fitted in order, so each year's changes only touch that year.
"""
from __future__ import annotations

import numpy as np

from sufficiency_lib.demo.synth_basics import ADOPTION, PARENTS, age_on, choose, months_between
from sufficiency_lib.demo.synth_knobs import Knobs
from sufficiency_lib.demo.synth_periods import Population, periods_open_on
from sufficiency_lib.demo.synth_placements import Moves, choice_weights, sorted_moves
from sufficiency_lib.demo.synth_targets import Targets

REMOVABLE = (0, 4)               # chosen moves and moves added by a fit; never scheduled ones
ADDED = 4
MIN_DAYS = 7                     # a placement lasts at least a week either side of an added move
LONG_TERM_MONTHS, SAME_CARER_MONTHS, LONG_TERM_AGE = 30, 24, 16


class _View:
    """The placements of every period as they stand: start, end, and who is in care."""

    def __init__(self, pop: Population, moves: Moves):
        self.pop, self.moves = pop, moves
        last = np.append(moves.period[1:] != moves.period[:-1], True)
        self.end = np.where(last, pop.end[moves.period], np.append(moves.day[1:], 0))
        self.first = np.append(True, moves.period[1:] != moves.period[:-1])

    def in_year(self, ys: int, ye: int) -> np.ndarray:
        return (self.moves.day <= ye) & (self.end >= ys)

    def current(self, periods: np.ndarray, ye: int) -> np.ndarray:
        key = self.moves.period.astype(np.int64) * 100_000_000 + self.moves.day
        return np.searchsorted(key, periods.astype(np.int64) * 100_000_000 + ye, side="right") - 1


def fit_stability(rng, pop: Population, moves: Moves, t: Targets, knobs: Knobs) -> Moves:
    """Moves with the targets' long-term stability, 3+ placements and placements made in
    every written year."""
    for i in range(1, len(t.years)):
        year = int(t.years[i])
        if not t.written[0] <= year <= t.written[1]:
            continue
        ys, ye = int(t.starts_days[i]), int(t.ends[i])
        if year in t.lt_same:
            moves = _fit_same_carer(rng, pop, moves, t, knobs, ys, ye, int(t.lt_same[year]))
        if year in t.three_plus:
            moves = _fit_three_plus(rng, pop, moves, t, knobs, ys, ye, int(t.three_plus[year]))
        if year in t.new_total:
            moves = _fit_new_total(rng, pop, moves, t, knobs, ys, ye, int(t.new_total[year]))
    return moves


def _children_in_care(pop: Population, view: _View, ys: int, ye: int):
    """Periods open on 31 March (one per child), with each child's placements in the year,
    long-term flag and same-carer flag, as the metrics count them."""
    periods = np.flatnonzero(periods_open_on(pop, ye))
    child = pop.child[periods]
    in_year = view.in_year(ys, ye)
    per_child = np.bincount(pop.child[view.moves.period[in_year]], minlength=len(pop.dob))
    periods_in_year = np.bincount(pop.child[(pop.start <= ye) & (pop.end >= ys)], minlength=len(pop.dob))
    current = view.current(periods, ye)
    long_term = ((age_on(pop.dob[child], ye) < LONG_TERM_AGE)
                 & (months_between(pop.start[periods], ye) >= LONG_TERM_MONTHS))
    same = long_term & (months_between(view.moves.day[current], ye) >= SAME_CARER_MONTHS)
    return periods, per_child[child], current, long_term, same, periods_in_year[child] == 1


def _apply(pop, moves: Moves, remove: np.ndarray, periods: np.ndarray, days: np.ndarray, groups: np.ndarray) -> Moves:
    keep = np.ones(len(moves.day), bool)
    keep[remove] = False
    return sorted_moves(np.concatenate([moves.period[keep], periods]), np.concatenate([moves.day[keep], days]),
                        np.concatenate([moves.group[keep], groups]),
                        np.concatenate([moves.forced[keep], np.full(len(days), ADDED)]))


def _new_groups(rng, pop: Population, t: Targets, knobs: Knobs, periods: np.ndarray, days: np.ndarray) -> np.ndarray:
    """Types of added placements, as a move on that day would choose them."""
    if not len(periods):
        return np.zeros(0, int)
    child = pop.child[periods]
    w = choice_weights(age_on(pop.dob[child], days), pop.male[child], pop.uasc[child], pop.pathway[periods],
                       knobs.boys, days)
    return choose(w, rng.random(len(periods)))


def _inside(rng, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    return low + (rng.random(len(low)) * np.maximum(high - low + 1, 1)).astype(np.int64)


def _fit_same_carer(rng, pop, moves, t, knobs, ys, ye, target) -> Moves:
    view = _View(pop, moves)
    periods, count, current, long_term, same, single = _children_in_care(pop, view, ys, ye)
    gap = int(same.sum()) - target
    movable = (moves.forced[current] != 1) & (moves.forced[current] != 2) & single
    if gap > 0:            # some of them move during the year
        pick = rng.permutation(np.flatnonzero(same & movable & (count < 2)))[:gap]
        low = np.maximum(ys, moves.day[current[pick]] + MIN_DAYS)
        days = _inside(rng, low, np.full(len(pick), ye - MIN_DAYS))
        groups = _new_groups(rng, pop, t, knobs, periods[pick], days)
        return _apply(pop, moves, np.zeros(0, int), periods[pick], days, groups)
    if gap < 0:            # the move that ended a long placement never happened
        prev = current - 1
        ok = (long_term & ~same & movable & (moves.day[current] >= ys) & ~view.first[current]
              & np.isin(moves.forced[current], REMOVABLE) & (count != 3))
        ok &= months_between(moves.day[np.maximum(prev, 0)], ye) >= SAME_CARER_MONTHS
        pick = rng.permutation(np.flatnonzero(ok))[:-gap]
        return _apply(pop, moves, current[pick], *(np.zeros(0, int),) * 3)
    return moves


def _fit_three_plus(rng, pop, moves, t, knobs, ys, ye, target) -> Moves:
    view = _View(pop, moves)
    periods, count, current, long_term, same, single = _children_in_care(pop, view, ys, ye)
    gap = int((count >= 3).sum()) - target
    if gap > 0:            # the early moves of the year never happened: two placements left
        before_current = np.flatnonzero(view.in_year(ys, ye) & ~view.first & (moves.day >= ys))
        owner = _owners(moves, periods, current)[before_current]
        rows = before_current[(owner >= 0)]
        owner = owner[owner >= 0]
        rows, owner = rows[rows < current[owner]], owner[rows < current[owner]]
        removable = np.isin(moves.forced[rows], REMOVABLE)
        # a child qualifies when all its early moves of the year can go
        blocked = np.bincount(owner[~removable], minlength=len(periods)) > 0
        early = np.bincount(owner, minlength=len(periods))
        ok = (count >= 3) & single & ~blocked & (early == count - 2)
        pick = rng.permutation(np.flatnonzero(ok))
        pick = pick[np.argsort(count[pick], kind="stable")][:gap]      # fewest moves first
        return _apply(pop, moves, rows[np.isin(owner, pick)], *(np.zeros(0, int),) * 3)
    if gap < 0:            # a placement of the year is split by a short one
        before = current - 1
        ok = ((count == 2) & single & (before >= 0) & (moves.period[np.maximum(before, 0)] == periods)
              & ~np.isin(moves.group[np.maximum(before, 0)], (ADOPTION, PARENTS)))
        low = np.maximum(ys, moves.day[np.maximum(before, 0)]) + MIN_DAYS
        high = moves.day[current] - MIN_DAYS
        ok &= high > low
        pick = rng.permutation(np.flatnonzero(ok))[:-gap]
        days = _inside(rng, low[pick], high[pick])
        groups = _new_groups(rng, pop, t, knobs, periods[pick], days)
        return _apply(pop, moves, np.zeros(0, int), periods[pick], days, groups)
    return moves


def _fit_new_total(rng, pop, moves, t, knobs, ys, ye, target) -> Moves:
    """Placements made in the year: moves of children who leave care during it added or
    taken away, then, if that is not enough, early moves of the year of children in care on
    31 March who keep the same count side of three placements and the same carers on 31 March
    (or, not being long-term, whose last move it is)."""
    view = _View(pop, moves)
    gap = int(((moves.day >= ys) & (moves.day <= ye)).sum()) - target
    if gap == 0:
        return moves
    leaving = (pop.end[moves.period] >= ys) & (pop.end[moves.period] <= ye)
    periods, count, current, long_term, same, single = _children_in_care(pop, view, ys, ye)
    owner = _owners(moves, periods, current)           # row -> child in care on 31 March (-1: none)
    known = owner >= 0
    in_care = known & single[np.maximum(owner, 0)]
    row_count = np.where(known, count[np.maximum(owner, 0)], 0)
    row_long = known & long_term[np.maximum(owner, 0)]
    is_current = np.zeros(len(moves.day), bool)
    is_current[current] = True
    if gap > 0:
        removable = (moves.day >= ys) & ~view.first & np.isin(moves.forced, REMOVABLE)
        first_choice = np.flatnonzero(leaving & removable)
        second = np.flatnonzero(in_care & removable & ((row_count >= 4) & ~is_current
                                                       | (row_count == 2) & is_current & ~row_long))
        chosen = np.concatenate([rng.permutation(first_choice), rng.permutation(second)])[:gap]
        return _apply(pop, moves, chosen, *(np.zeros(0, int),) * 3)
    low = np.maximum(moves.day, ys) + MIN_DAYS
    high = np.minimum(view.end, ye) - MIN_DAYS
    splittable = (high > low) & ~np.isin(moves.group, (ADOPTION, PARENTS))
    first_choice = np.flatnonzero(leaving & splittable)
    second = np.flatnonzero(in_care & splittable & (row_count >= 3) & ~is_current)
    pick = np.concatenate([rng.permutation(first_choice), rng.permutation(second)])[:-gap]
    days = _inside(rng, low[pick], high[pick])
    groups = _new_groups(rng, pop, t, knobs, moves.period[pick], days)
    return _apply(pop, moves, np.zeros(0, int), moves.period[pick], days, groups)


def _owners(moves: Moves, periods: np.ndarray, current: np.ndarray) -> np.ndarray:
    """For each move row up to the placement current on 31 March of one of ``periods``, the
    index of that period in ``periods``; -1 for other rows."""
    owner = np.full(len(moves.day), -1)
    first = np.searchsorted(moves.period, periods)
    lengths = np.maximum(current - first + 1, 0)
    rows = np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths) + np.repeat(first, lengths)
    owner[rows] = np.repeat(np.arange(len(periods)), lengths)
    return owner
