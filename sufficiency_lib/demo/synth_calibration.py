"""Simulating one authority and calibrating it to its targets.

The order matters, each step building on the settled result of the one before:

1. periods of care (:mod:`~sufficiency_lib.demo.synth_steering`): a few quick passes
   without the exact steering move the knobs (short stays, long stays) until the model's
   own flows are near the targets, then the steered run meets the numbers in care, UASC,
   boys, age bands, starts, ceases and the long-term population exactly;
2. legal status (:mod:`~sufficiency_lib.demo.synth_legal`, fitted by
   :mod:`~sufficiency_lib.demo.synth_legal_fit`);
3. the scheduled last placements, for adoption and with parents
   (:mod:`~sufficiency_lib.demo.synth_schedule`);
4. placements and moves (:mod:`~sufficiency_lib.demo.synth_placements`), again after a few
   passes moving the knobs for how long placements last and, where a statement gives the
   share of boys in a placement type, for who is placed there; then fitted for stability
   and the number of placements made (:mod:`~sufficiency_lib.demo.synth_stability`);
5. labels: type and provider (with the statement's boys and UASC in each grouping,
   :mod:`~sufficiency_lib.demo.synth_traits`), location, ethnicity, category of need
   (:mod:`~sufficiency_lib.demo.synth_labels`).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sufficiency_lib.config import Authority
from sufficiency_lib.demo.synth_basics import ADOPT, GROUPS, add_years, age_on, months_between, random_stream
from sufficiency_lib.demo.synth_knobs import CALIBRATION_STEP, Knobs, nudge, nudge_anchor
from sufficiency_lib.demo.synth_labels import Labels, fit_labels
from sufficiency_lib.demo.synth_legal import Legal, simulate_legal
from sufficiency_lib.demo.synth_legal_fit import fit_legal
from sufficiency_lib.demo.synth_periods import Population, periods_open_on
from sufficiency_lib.demo.synth_placements import Moves, natural_schedule, placement_on, simulate_moves
from sufficiency_lib.demo.synth_schedule import fit_schedule
from sufficiency_lib.demo.synth_stability import fit_stability
from sufficiency_lib.demo.synth_steering import simulate_periods
from sufficiency_lib.demo.synth_supply import LONG_TERM_AGE, LONG_TERM_MONTHS
from sufficiency_lib.demo.synth_targets import Targets, resolve_targets

PERIOD_PASSES = 4           # unsteered runs moving the knobs of the periods of care
LONG_TERM_ENTRY_YEARS = (3, 4, 5)   # years before the 31 March the long-term children entered
STEERED_PASSES = 6         # steered runs moving the adoption and long-stay knobs
SAME_CARER_LEAN = 1.10     # the model's own long-term stability, over the target by this much
MOVE_PASSES = 4             # runs moving the knobs of placement lengths
STARTS_ELASTICITY = 0.7     # starts rise by about 0.7% when the turnover knob rises by 1%
BOYS_SHARE_LIMIT = 0.05     # shares of boys aimed at or measured, kept within 5%-95% for their odds


@dataclass
class Simulation:
    """Everything simulated for one authority, before it is written as tables."""

    authority: Authority
    targets: Targets
    knobs: Knobs
    pop: Population
    legal: Legal
    moves: Moves
    labels: Labels
    seed: int


def _written(t: Targets) -> list[int]:
    return [int(y) for y in t.years if t.written[0] <= y <= t.written[1]]


def period_measures(pop: Population, t: Targets) -> dict:
    """Over the written years: distinct children starting, and children under 16 in care
    2.5 years or more at 31 March."""
    starts = long_term = adopted = 0
    before_18 = pop.end < add_years(pop.dob[pop.child], 18)
    for year in _written(t):
        i = t.index(year)
        ys, ye = t.starts_days[i], t.ends[i]
        starts += np.unique(pop.child[(pop.start >= ys) & (pop.start <= ye)]).size
        adopted += int(((pop.pathway == ADOPT) & before_18 & (pop.end >= ys) & (pop.end <= ye)).sum())
        open_ = periods_open_on(pop, ye)
        long_term += int(((age_on(pop.dob[pop.child[open_]], ye) < LONG_TERM_AGE)
                          & (months_between(pop.start[open_], ye) >= LONG_TERM_MONTHS)).sum())
    return {"starts": starts, "long_term": long_term, "adopted": adopted}


def _calibrate_periods(seed: int, code: str, t: Targets, knobs: Knobs) -> None:
    want_starts = sum(t.starts.get(y, 0) for y in _written(t))
    want_long = sum(t.lt_total.get(y, 0) for y in _written(t))
    if not want_starts:
        return
    for _ in range(PERIOD_PASSES):
        got = period_measures(simulate_periods(seed, code, t, knobs, exact=False), t)
        knobs.turnover = nudge(knobs.turnover, want_starts / max(got["starts"], 1), 0.2, 5,
                               CALIBRATION_STEP / STARTS_ELASTICITY)
        if want_long:
            knobs.long_stay = nudge(knobs.long_stay, want_long / max(got["long_term"], 1), 0.2, 5)



def _calibrate_steered(seed: int, code: str, t: Targets, knobs: Knobs) -> None:
    """Knobs the steered runs show best: the adoption pathway's share of young entrants (as
    many start on it as are adopted; the age bands leave little room for other young
    entrants), and long stays of children under 16 (the long-term population before the
    steering's swaps)."""
    want = sum(t.adopted.get(y, 0) for y in _written(t))
    if not want:
        return
    for _ in range(STEERED_PASSES):
        pop = simulate_periods(seed, code, t, knobs, exact=True)
        entered = sum(int(((pop.pathway == ADOPT) & (pop.start >= t.starts_days[t.index(y)])
                           & (pop.start <= t.ends[t.index(y)])).sum()) for y in _written(t))
        knobs.adoption = nudge(knobs.adoption, want / max(entered, 1), 0.2, 8)
        for year, target, gap in pop.notes.get("long_term", []):
            for entry in LONG_TERM_ENTRY_YEARS:   # those long-term then entered about three years before
                nudge_anchor(knobs.long_anchor, year - entry, (target / max(target + gap, 1)) ** 2)


def move_measures(pop: Population, moves: Moves, t: Targets) -> dict:
    """Over the written years: placements made, and the share of the long-term population
    with the same carers for two years."""
    made = same = long_term = three = 0
    last = np.append(moves.period[1:] != moves.period[:-1], True)
    ends = np.where(last, pop.end[moves.period], np.append(moves.day[1:], 0))
    for year in _written(t):
        i = t.index(year)
        ys, ye = t.starts_days[i], t.ends[i]
        made += int(((moves.day >= ys) & (moves.day <= ye)).sum())
        periods = np.flatnonzero(periods_open_on(pop, ye))
        in_year = np.bincount(moves.period[(moves.day <= ye) & (ends >= ys)], minlength=len(pop.start))
        three += int((in_year[periods] >= 3).sum())
        lt = ((age_on(pop.dob[pop.child[periods]], ye) < LONG_TERM_AGE)
              & (months_between(pop.start[periods], ye) >= LONG_TERM_MONTHS))
        current = placement_on(moves, periods[lt], np.full(int(lt.sum()), ye))
        same += int((months_between(moves.day[current], ye) >= 24).sum())
        long_term += int(lt.sum())
    return {"made": made, "same_share": same / max(long_term, 1), "three": three}


def boys_measures(pop: Population, moves: Moves, t: Targets) -> dict:
    """Per placement type with a share of boys to aim at (:attr:`Targets.male_within`) and
    written year: [boys wanted, boys placed there, children there] among the children who
    are not UASC there on 31 March, as the dynamics place them."""
    out: dict[tuple[int, int], list] = {}
    for year in _written(t):
        shares = t.male_within.get(year)
        if not shares:
            continue
        ye = t.ends[t.index(year)]
        periods = np.flatnonzero(periods_open_on(pop, ye))
        group = moves.group[placement_on(moves, periods, np.full(len(periods), ye))]
        male, uasc = pop.male[pop.child[periods]], pop.uasc[pop.child[periods]]
        for name, share in shares.items():
            there = group == GROUPS.index(name)
            want = share * there.sum() - (there & uasc & male).sum()
            out[GROUPS.index(name), year] = [want, int((there & ~uasc & male).sum()), int((there & ~uasc).sum())]
    return out


def _odds_ratio(want: float, got: float, n: int) -> float:
    """Odds of the share wanted over the odds of the share got (shares kept off 0 and 1)."""
    w, g = (np.clip(x / max(n, 1), BOYS_SHARE_LIMIT, 1 - BOYS_SHARE_LIMIT) for x in (want, got))
    return float(w / (1 - w) / (g / (1 - g)))


def _plan(seed: int, code: str, pop: Population, legal: Legal, t: Targets, knobs: Knobs):
    """The scheduled moves (adoption, parents, step-downs) as the knobs have them, fitted."""
    plan = natural_schedule(random_stream(seed, code, 3), pop, legal, t, knobs)
    return fit_schedule(random_stream(seed, code, 22), pop, legal, plan, t)


def _calibrate_moves(seed: int, code: str, pop: Population, legal: Legal, t: Targets, knobs: Knobs) -> None:
    """Knobs of how long placements last and, where the statement gives the share of boys in
    a placement type, of who is placed there (the step-downs at 16 with them)."""
    years = _written(t)
    want_made = sum(t.new_total.get(y, 0) for y in years)
    want_three = sum(t.three_plus.get(y, 0) for y in years)
    want_same = (sum(t.lt_same.get(y, 0) for y in years) / max(sum(t.lt_total.get(y, 0) for y in years), 1))
    if not want_made:
        return
    plan = _plan(seed, code, pop, legal, t, knobs)
    for _ in range(MOVE_PASSES):
        moves = simulate_moves(seed, code, pop, plan, t, knobs)
        got = move_measures(pop, moves, t)
        for (group, year), (want, boys, n) in boys_measures(pop, moves, t).items():
            nudge_anchor(knobs.boys.setdefault(group, {}), year, _odds_ratio(want, boys, n))
        if knobs.boys:
            plan = _plan(seed, code, pop, legal, t, knobs)
        knobs.move_scale = nudge(knobs.move_scale, got["made"] / want_made, 0.3, 3)
        if want_three:    # many with 3 placements or more in a year: fewer emergency first placements
            knobs.emergency = nudge(knobs.emergency, want_three / max(got["three"], 1), 0.1, 3)
        if want_same:     # too few with the same carers: placements that last, last longer
            # aimed a little high: the fit can always add a move, not always take one away
            knobs.settle = nudge(knobs.settle, (got["same_share"] / (SAME_CARER_LEAN * want_same)) ** 2, 0.4, 2.0)


def simulate(authority: Authority, years: range, seed: int) -> Simulation:
    """Simulate an authority and fit it to its targets (see the module docstring)."""
    t = resolve_targets(authority, years)
    knobs = Knobs()
    code = authority.new_la_code
    _calibrate_periods(seed, code, t, knobs)
    _calibrate_steered(seed, code, t, knobs)
    pop = simulate_periods(seed, code, t, knobs, exact=True)
    legal = fit_legal(random_stream(seed, code, 21), pop, simulate_legal(random_stream(seed, code, 2), pop), t)
    _calibrate_moves(seed, code, pop, legal, t, knobs)
    plan = _plan(seed, code, pop, legal, t, knobs)
    moves = simulate_moves(seed, code, pop, plan, t, knobs)
    moves = fit_stability(random_stream(seed, code, 23), pop, moves, t, knobs)
    labels = fit_labels(random_stream(seed, code, 24), pop, moves, t)
    return Simulation(authority, t, knobs, pop, legal, moves, labels, seed)
