"""Placements of each synthetic period of care: a first placement, then a move process.

The time in a placement is drawn by type and age (after an emergency first placement for
some), the next placement by age, sex and pathway among in-house, connected-persons and IFA
foster care, children's homes, secure homes, supported accommodation and others; scheduled
moves add placement for adoption before an adoption order, placement with parents before
some returns home and a step-down to supported accommodation at 16-17. A move becomes a new
episode (RNE P, or U with the same carers); the previous one ends that day with REC X1 and a
reason for the change (see :mod:`sufficiency_lib.demo.synth_episodes`).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sufficiency_lib.demo.synth_basics import (
    ADOPT, ADOPTION, CONNECTED, HOME, LONG, NO_DATE, PARENTS, SGO, SUPPORTED, YEAR, add_years, age_band, age_on,
    choose, collection_year, day_number, random_stream,
)
from sufficiency_lib.demo.synth_legal import Legal
from sufficiency_lib.demo.synth_periods import Population
from sufficiency_lib.demo.synth_targets import Knobs, Targets, anchored

# Relative chance of each placement type when a placement is made, by age band (rows) --
# England mix at 31 March: about 72% foster (a third of it IFA), children's homes mostly
# 10+, supported accommodation only at 16-17. Adoption is never chosen, only scheduled.
CHOICE_BY_AGE = np.array([
    # INH  CON  IFA   HOME  SEC  SUP  PAR  ADO  SCH  OTH
    [45,   18,  28,   0.0,  0.0, 0,   4,   0,   0.0, 5.0],
    [42,   20,  32,   0.3,  0.0, 0,   5,   0,   0.0, 0.7],
    [38,   18,  36,   4.0,  0.0, 0,   3,   0,   0.7, 0.3],
    [28,   10,  36,   18,   1.0, 0,   3,   0,   1.5, 1.5],
    [14,   5,   22,   14,   0.8, 40,  2,   0,   0.7, 1.5],
], float)
CHOICE_UASC = np.array([      # UASC under 16 / 16+: foster, then mostly supported accommodation
    [30, 0, 60, 5, 0, 0, 0, 0, 0, 5],
    [5, 0, 12, 2, 0, 81, 0, 0, 0, 0],
], float)
BOY_FACTOR = np.array([1, 1, 1, 1.8, 1.5, 1, 1, 1, 2.0, 1])   # residential cohorts 70%+ boys
SGO_CONNECTED_FACTOR = 3.0           # special guardianship usually follows kinship care
# Weibull scale (years) of the time spent in one placement, by type; with the emergency first
# placements this gives about 1 in 10 children 3+ placements in a year (DfE stability).
PLACEMENT_SCALE_YEARS = np.array([2.2, 3.0, 2.2, 1.1, 0.25, 1.3, 1.5, 50.0, 2.0, 0.4])
PLACEMENT_SHAPE = 1.0
TEEN_MOVE_FACTOR = 0.7               # placements of children 11+ last this much less long
EMERGENCY_FIRST_SHARE = 0.2          # first placement an emergency one of up to six weeks
STEPDOWN_SHARE = 0.35                # 16-17 year olds moving on to supported accommodation
UASC_STEPDOWN_SHARE = 0.8
PARENTS_BEFORE_HOME_SHARE = 0.3      # returns home preceded by placement with parents (P1)
MAX_MOVE_STEPS = 80


@dataclass
class Moves:
    """Placement events: the first of each period at its start, then every move."""

    period: np.ndarray
    day: np.ndarray
    group: np.ndarray
    previous: np.ndarray       # type of the placement before (-1 at the start of a period)
    forced: np.ndarray         # 0 chosen, 1 adoption, 2 with parents, 3 step-down


def _choice_weights(t_years, tilt, knobs, day, age, male, uasc, pathway) -> np.ndarray:
    year_index = np.clip(collection_year(day) - t_years[0], 0, len(t_years) - 1)
    band = age_band(age)
    w = CHOICE_BY_AGE[band] * tilt[year_index]
    uasc_w = CHOICE_UASC[(age >= 16).astype(int)].copy()
    uasc_w[:, SUPPORTED] *= anchored(knobs.uasc_anchor, t_years[year_index])
    w = np.where(uasc[:, None], uasc_w * tilt[year_index], w)
    w = w * np.where(male[:, None], BOY_FACTOR, 1.0)
    w[:, CONNECTED] *= np.where(pathway == SGO, SGO_CONNECTED_FACTOR, 1.0)
    w[:, ADOPTION] = 0
    return w


def _scheduled(rng, pop, legal, knobs, tilt, t_years):
    """Dates of scheduled moves: placement for adoption, with parents before going home,
    and a step-down to supported accommodation at 16-17."""
    n = len(pop.start)
    dob = pop.dob[pop.child]
    adopt = pop.pathway == ADOPT
    placed = pop.end - rng.integers(150, 330, n)
    earliest = np.where(legal.order_day != NO_DATE, legal.order_day + 14, pop.start + 30)
    adopt_day = np.where(adopt, np.clip(placed, earliest, pop.end - 1), NO_DATE)
    adopt_day = np.where(adopt & (adopt_day > pop.start), adopt_day, NO_DATE)

    goes_home = (np.isin(pop.pathway, (HOME, LONG)) & (pop.end < add_years(dob, 18))
                 & (rng.random(n) < PARENTS_BEFORE_HOME_SHARE))
    home_day = pop.end - rng.integers(30, 240, n)
    home_day = np.where(goes_home & (home_day > pop.start + 14), home_day, NO_DATE)

    step_day = add_years(dob, 16) + rng.integers(0, 540, n)
    year_index = np.clip(collection_year(step_day) - t_years[0], 0, len(t_years) - 1)
    share = np.where(pop.uasc[pop.child], UASC_STEPDOWN_SHARE * anchored(knobs.uasc_anchor, t_years[year_index]),
                     STEPDOWN_SHARE * tilt[year_index, SUPPORTED])
    steps = (rng.random(n) < np.clip(share, 0, 0.95)) & (step_day > pop.start) & (step_day < pop.end - 30)
    step_day = np.where(steps, step_day, NO_DATE)
    final_day = np.where(adopt_day != NO_DATE, adopt_day, home_day)
    final_group = np.where(adopt_day != NO_DATE, ADOPTION, PARENTS)
    return final_day, final_group, step_day


def _stay_days(u: np.ndarray, group, age, knobs) -> np.ndarray:
    """Days in a placement: Weibull by type and age, from uniforms (inverse distribution)."""
    scale = PLACEMENT_SCALE_YEARS[group] * YEAR * knobs.move_scale * np.where(age >= 11, TEEN_MOVE_FACTOR, 1.0)
    weibull = (-np.log1p(-u)) ** (1 / PLACEMENT_SHAPE)
    return np.maximum((scale * weibull).round(), 1).astype(np.int64)


def simulate_moves(seed: int, code: str, pop: Population, legal: Legal, t: Targets, knobs: Knobs) -> Moves:
    """Every placement of every period: a first placement, then moves step by step (one step
    = the next move of every period still open), with scheduled moves taking precedence.

    Each period's k-th move uses its own fixed random numbers (drawn per step for all
    periods), so calibration passes see the same chance events and only the knobs differ."""
    tilt = knobs.place_tilt(t.years)
    n = len(pop.start)
    final_day, final_group, step_day = _scheduled(random_stream(seed, code, 3), pop, legal, knobs, tilt, t.years)
    dob, male, uasc = pop.dob[pop.child], pop.male[pop.child], pop.uasc[pop.child]
    u = random_stream(seed, code, 3, 0).random((3, n))
    idx = np.arange(n)
    day = pop.start.copy()
    group = choose(_choice_weights(t.years, tilt, knobs, day, age_on(dob, day), male, uasc, pop.pathway), u[0])
    out = [(idx, day, group, np.full(n, -1), np.zeros(n, int))]
    stay = np.where(u[1] < EMERGENCY_FIRST_SHARE, 1 + (u[2] * 42).astype(np.int64),
                    _stay_days(random_stream(seed, code, 3, 1).random(n), group, age_on(dob, day), knobs))
    for step in range(2, MAX_MOVE_STEPS):
        if not len(idx):
            break
        nxt = day + stay
        f_day, s_day = final_day[idx], step_day[idx]
        use_final = (f_day != NO_DATE) & (f_day <= nxt) & (f_day > day)
        use_step = ((s_day != NO_DATE) & (s_day <= nxt) & (s_day > day) & ~use_final
                    & ~np.isin(group, (SUPPORTED, ADOPTION, PARENTS)))
        nxt = np.where(use_final, f_day, np.where(use_step, s_day, nxt))
        open_ = nxt < pop.end[idx]
        idx, nxt, prev, use_final, use_step = idx[open_], nxt[open_], group[open_], use_final[open_], use_step[open_]
        step_day[idx[use_step]] = NO_DATE
        u = random_stream(seed, code, 3, step).random((2, n))[:, idx]
        age = age_on(dob[idx], nxt)
        w = _choice_weights(t.years, tilt, knobs, nxt, age, male[idx], uasc[idx], pop.pathway[idx])
        group = np.where(use_final, final_group[idx], np.where(use_step, SUPPORTED, choose(w, u[0])))
        forced = np.where(use_final, np.where(final_group[idx] == ADOPTION, 1, 2), np.where(use_step, 3, 0))
        out.append((idx, nxt, group, prev, forced))
        keep = ~use_final                          # nobody moves after the scheduled last placement
        idx, day, group = idx[keep], nxt[keep], group[keep]
        stay = _stay_days(u[1][keep], group, age[keep], knobs)
    period, day, group, previous, forced = (np.concatenate(x) for x in zip(*out))
    order = np.lexsort((day, period))
    return Moves(period[order], day[order], group[order], previous[order], forced[order])


def placement_on(moves: Moves, period: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Index of the placement each (period, day) is in."""
    key = moves.period.astype(np.int64) * 200_000 + (moves.day - day_number("1900-01-01"))
    query = period.astype(np.int64) * 200_000 + (day - day_number("1900-01-01"))
    return np.searchsorted(key, query, side="right") - 1


def group_on(moves: Moves, period: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Placement type of each (period, day)."""
    return moves.group[placement_on(moves, period, day)]
