"""Placements of each synthetic period of care: a first placement, then a move process.

The time in a placement is drawn by type and age from a Weibull distribution whose shape is
below one, so many placements end within weeks while those that last a year tend to last
much longer (most children in long-term care live with the same carers for years, a few
move often). After an emergency first placement for some, the next placement is chosen by
age, sex and pathway among in-house, connected-persons and IFA foster care, children's
homes, secure homes, supported accommodation (16 and over) and others. Scheduled moves take
precedence (:class:`Schedule`): placement for adoption before an adoption order, placement
with parents before some returns home (both only under the orders the law needs; see
:mod:`sufficiency_lib.demo.synth_schedule`) and a step-down to supported accommodation at
16-17. A move becomes a new episode (RNE P, or U with the same carers).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sufficiency_lib.demo.synth_basics import (
    ADOPT, ADOPTION, C1, C2, CONNECTED, E1, HOME, LONG, NO_DATE, PARENTS, SGO, SUPPORTED, YEAR, add_years, age_band,
    age_on, choose, collection_year, day_number, random_stream,
)
from sufficiency_lib.demo.synth_knobs import Knobs, anchored
from sufficiency_lib.demo.synth_legal import Legal, status_on
from sufficiency_lib.demo.synth_periods import Population
from sufficiency_lib.demo.synth_targets import Targets

# Relative chance of each placement type when a placement is made, by age band (rows) --
# England mix at 31 March: about 72% foster (a third of it IFA), children's homes mostly
# 10+, supported accommodation only at 16-17. Adoption and placement with parents are never
# chosen, only scheduled.
CHOICE_BY_AGE = np.array([
    # INH  CON  IFA   HOME  SEC  SUP  PAR  ADO  SCH  ORES  OPL
    [45,   18,  28,   0.0,  0.0, 0,   0,   0,   0.0, 4.0,  0.3],
    [42,   20,  32,   0.3,  0.0, 0,   0,   0,   0.0, 0.5,  0.3],
    [38,   18,  36,   4.0,  0.0, 0,   0,   0,   0.7, 0.2,  0.3],
    [28,   10,  36,   18,   1.0, 0,   0,   0,   1.5, 0.8,  0.5],
    [14,   5,   22,   14,   0.8, 40,  0,   0,   0.7, 0.8,  0.5],
], float)
CHOICE_UASC = np.array([      # UASC under 16 / 16+: foster, then mostly supported accommodation
    [30, 0, 60, 5, 0, 0, 0, 0, 0, 0, 0.5],
    [5, 0, 12, 2, 0, 81, 0, 0, 0, 0, 0.2],
], float)
BOY_FACTOR = np.array([1, 1, 1, 1.8, 1.5, 1, 1, 1, 2.0, 1, 1])   # residential cohorts 70%+ boys
SGO_CONNECTED_FACTOR = 3.0           # special guardianship usually follows kinship care
# Weibull scale (years) of the time spent in one placement, by type, and the shape: below
# one, so placements that have lasted are the ones that go on lasting.
PLACEMENT_SCALE_YEARS = np.array([2.4, 3.2, 2.4, 1.0, 0.25, 1.3, 1.5, 50.0, 2.0, 0.5, 0.3])
PLACEMENT_SHAPE = 0.6
TEEN_MOVE_FACTOR = 0.7               # placements of children 11+ last this much less long
EMERGENCY_FIRST_SHARE = 0.2          # first placement an emergency one of up to six weeks
STEPDOWN_SHARE = 0.35                # 16-17 year olds moving on to supported accommodation
UASC_STEPDOWN_SHARE = 0.8
PARENTS_BEFORE_HOME_SHARE = 0.3      # returns home preceded by placement with parents (P1)
ADOPTION_PLACEMENT_DAYS = (150, 330) # placed with adopters this long before the adoption order
MAX_MOVE_STEPS = 80


@dataclass
class Moves:
    """Placement events: the first of each period at its start, then every move."""

    period: np.ndarray
    day: np.ndarray
    group: np.ndarray
    previous: np.ndarray       # type of the placement before (-1 at the start of a period)
    forced: np.ndarray         # 0 chosen, 1 adoption, 2 with parents, 3 step-down, 4 added by a fit


@dataclass
class Schedule:
    """Per period: the day of the last placement (for adoption or with parents, NO_DATE if
    none), its type, and the day of a step-down to supported accommodation."""

    final_day: np.ndarray
    final_group: np.ndarray
    step_day: np.ndarray


def natural_schedule(rng, pop: Population, legal: Legal, t: Targets, knobs: Knobs) -> Schedule:
    """Scheduled moves as the dynamics have them: adopters some months before the adoption
    order (after the placement order), parents some months before some returns home (under a
    care order), a step-down at 16-17 for some."""
    n = len(pop.start)
    dob = pop.dob[pop.child]
    before_18 = pop.end < add_years(dob, 18)
    order = placement_order_since(legal, n)
    adopt = (pop.pathway == ADOPT) & (order < pop.end - 14) & before_18
    placed = pop.end - rng.integers(*ADOPTION_PLACEMENT_DAYS, n)
    adopt_day = np.where(adopt, np.clip(placed, order + 14, pop.end - 1), NO_DATE)
    adopt_day = np.where(adopt & (adopt_day > pop.start), adopt_day, NO_DATE)
    home = (np.isin(pop.pathway, (HOME, LONG)) & before_18 & (rng.random(n) < PARENTS_BEFORE_HOME_SHARE))
    home_day = np.where(home, pop.end - rng.integers(30, 240, n), NO_DATE)
    home_day = np.where(home & (home_day > pop.start + 14) & under_care_order(legal, np.arange(n), home_day, pop.end),
                        home_day, NO_DATE)
    final_day = np.where(adopt_day != NO_DATE, adopt_day, home_day)
    final_group = np.where(adopt_day != NO_DATE, ADOPTION, PARENTS)
    step_day = add_years(dob, 16) + rng.integers(0, 540, n)
    share = np.where(pop.uasc[pop.child], UASC_STEPDOWN_SHARE,
                     STEPDOWN_SHARE * boys_factor(knobs.boys, SUPPORTED, pop.male[pop.child], pop.uasc[pop.child],
                                                  step_day))
    steps = (rng.random(n) < np.clip(share, 0, 0.95)) & (step_day > pop.start) & (step_day < pop.end - 30)
    return Schedule(final_day, final_group, np.where(steps, step_day, NO_DATE))


def placement_order_since(legal: Legal, n: int) -> np.ndarray:
    """Per period, the day since which it is on a placement order to its end (a placement
    with adopters may follow); a very late day when its last status is not one."""
    out = np.full(n, np.iinfo(np.int64).max // 2)
    if len(legal.period):
        last = np.append(legal.period[1:] != legal.period[:-1], True)
        final = last & (legal.status == E1)
        out[legal.period[final]] = legal.day[final]
    return out


def under_care_order(legal: Legal, periods: np.ndarray, first: np.ndarray, end: np.ndarray) -> np.ndarray:
    """Whether each of ``periods`` is on an interim or full care order from ``first`` to its
    end (placement with parents needs one); False where ``first`` is NO_DATE."""
    ok = first != NO_DATE
    at_first = status_on(legal, periods, np.where(ok, first, end - 1))
    at_end = status_on(legal, periods, end - 1)
    return ok & np.isin(at_first, (C1, C2)) & np.isin(at_end, (C1, C2))


def boys_factor(boys: dict, group: int, male: np.ndarray, uasc: np.ndarray, day: np.ndarray) -> np.ndarray:
    """How much likelier than by default a child (not UASC) is placed in ``group`` on
    ``day``: the authority's odds of a boy there that year (``Knobs.boys``) split evenly
    between boys and girls, so the type's size barely moves while its mix does."""
    if group not in boys:
        return np.ones(np.shape(male))
    root = np.sqrt(anchored(boys[group], collection_year(day)))
    return np.where(uasc, 1.0, np.where(male, root, 1 / root))


def choice_weights(age, male, uasc, pathway, boys: dict | None = None, day=None) -> np.ndarray:
    """(placements x GROUPS) weights of the next placement's type on ``day``, by age, sex,
    UASC, pathway (``boys``: the authority's odds of a boy in a type, :attr:`Knobs.boys`)."""
    w = np.where(uasc[:, None], CHOICE_UASC[(age >= 16).astype(int)], CHOICE_BY_AGE[age_band(age)])
    w = w * np.where(male[:, None], BOY_FACTOR, 1.0)
    w[:, CONNECTED] *= np.where(pathway == SGO, SGO_CONNECTED_FACTOR, 1.0)
    for group in (boys or {}):
        w[:, group] *= boys_factor(boys, group, male, uasc, day)
    return w


def stay_days(u: np.ndarray, group, age, knobs: Knobs) -> np.ndarray:
    """Days in a placement: Weibull by type and age, from uniforms (inverse distribution)."""
    scale = PLACEMENT_SCALE_YEARS[group] * YEAR * knobs.move_scale * np.where(age >= 11, TEEN_MOVE_FACTOR, 1.0)
    weibull = (-np.log1p(-u)) ** (1 / (PLACEMENT_SHAPE * knobs.settle))
    return np.maximum((scale * weibull).round(), 1).astype(np.int64)


def simulate_moves(seed: int, code: str, pop: Population, plan: Schedule, t: Targets, knobs: Knobs) -> Moves:
    """Every placement of every period: a first placement, then moves step by step (one step
    = the next move of every period still open), with scheduled moves taking precedence.

    Each period's k-th move uses its own fixed random numbers (drawn per step for all
    periods), so calibration passes see the same chance events and only the knobs differ."""
    n = len(pop.start)
    final_day, final_group, step_day = plan.final_day, plan.final_group, plan.step_day.copy()
    dob, male, uasc = pop.dob[pop.child], pop.male[pop.child], pop.uasc[pop.child]
    u = random_stream(seed, code, 3, 0).random((3, n))
    idx = np.arange(n)
    day = pop.start.copy()
    group = choose(choice_weights(age_on(dob, day), male, uasc, pop.pathway, knobs.boys, day), u[0])
    starts_final = final_day == day
    group = np.where(starts_final, final_group, group)
    out = [(idx, day, group, np.full(n, -1), np.where(starts_final, np.where(final_group == ADOPTION, 1, 2), 0))]
    stay = np.where(u[1] < min(EMERGENCY_FIRST_SHARE * knobs.emergency, 0.9), 1 + (u[2] * 42).astype(np.int64),
                    stay_days(random_stream(seed, code, 3, 1).random(n), group, age_on(dob, day), knobs))
    keep = ~starts_final
    idx, day, group, stay = idx[keep], day[keep], group[keep], stay[keep]
    for step in range(2, MAX_MOVE_STEPS):
        if not len(idx):
            break
        nxt = day + stay
        f_day, s_day = final_day[idx], step_day[idx]
        use_final = (f_day != NO_DATE) & (f_day <= nxt) & (f_day > day)
        use_step = ((s_day != NO_DATE) & (s_day <= nxt) & (s_day > day) & ~use_final & (group != SUPPORTED))
        nxt = np.where(use_final, f_day, np.where(use_step, s_day, nxt))
        open_ = nxt < pop.end[idx]
        idx, nxt, prev, use_final, use_step = idx[open_], nxt[open_], group[open_], use_final[open_], use_step[open_]
        step_day[idx[use_step]] = NO_DATE
        u = random_stream(seed, code, 3, step).random((2, n))[:, idx]
        age = age_on(dob[idx], nxt)
        w = choice_weights(age, male[idx], uasc[idx], pop.pathway[idx], knobs.boys, nxt)
        group = np.where(use_final, final_group[idx], np.where(use_step, SUPPORTED, choose(w, u[0])))
        forced = np.where(use_final, np.where(final_group[idx] == ADOPTION, 1, 2), np.where(use_step, 3, 0))
        out.append((idx, nxt, group, prev, forced))
        keep = ~use_final                          # nobody moves after the scheduled last placement
        idx, day, group = idx[keep], nxt[keep], group[keep]
        stay = stay_days(u[1][keep], group, age[keep], knobs)
    period, day, group, _, forced = (np.concatenate(x) for x in zip(*out))
    return sorted_moves(period, day, group, forced)


def sorted_moves(period, day, group, forced) -> Moves:
    """Moves in (period, day) order, each with the type of the placement before it."""
    order = np.lexsort((day, period))
    period, group = period[order], group[order]
    first = np.append(True, period[1:] != period[:-1])
    previous = np.where(first, -1, np.append(-1, group[:-1]))
    return Moves(period, day[order], group, previous, forced[order])


def placement_on(moves: Moves, period: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Index of the placement each (period, day) is in."""
    key = moves.period.astype(np.int64) * 200_000 + (moves.day - day_number("1900-01-01"))
    query = period.astype(np.int64) * 200_000 + (day - day_number("1900-01-01"))
    return np.searchsorted(key, query, side="right") - 1
