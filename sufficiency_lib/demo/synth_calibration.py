"""Simulating one authority and calibrating it to its targets.

The targets (:mod:`sufficiency_lib.demo.synth_targets`) are used two ways. Where a figure is
a count the simulation can meet directly, it is met by construction: the number in care and
UASC at 31 March, boys at 31 March, age bands and starts in published years (entrants are
drawn until each is filled), location shares (placements current at 31 March are chosen to
match), care leavers' in-touch, EET and suitable-accommodation shares. The rest (placement
mix, legal status, UASC in supported accommodation, placements made, the overall level of
starts and ages) come out of the dynamics: the periods, then legal status and placements,
are re-simulated a few times with the same random numbers while a handful of multipliers
(:class:`~sufficiency_lib.demo.synth_targets.Knobs`) move by the ratio of target to result.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sufficiency_lib.config import Authority
from sufficiency_lib.demo.synth_basics import (
    AGE_BANDS, GROUPS, LS_CODES, SUPPORTED, age_band, age_on, random_stream,
)
from sufficiency_lib.demo.synth_legal import Legal, simulate_legal, status_on
from sufficiency_lib.demo.synth_periods import Population, periods_open_on, simulate_periods
from sufficiency_lib.demo.synth_placements import Moves, group_on, simulate_moves
from sufficiency_lib.demo.synth_targets import (
    CALIBRATION_STEP, Knobs, Targets, nudge, nudge_anchor, resolve_targets,
)

PERIOD_PASSES = 6           # re-simulations of periods of care that move their knobs to targets
TIMELINE_PASSES = 12        # re-simulations of legal status and placements (cheap: ~0.03 s each)
STARTS_ELASTICITY = 0.7     # starts rise by about 0.7% when the turnover knob rises by 1%


def _window(t: Targets, year: int) -> list[int]:
    """The target year and its neighbours inside the simulation: measuring over three years
    keeps calibration from chasing the noise of one."""
    return [y for y in (year - 1, year, year + 1) if t.has(y)]


def period_measures(pop: Population, t: Targets) -> dict:
    """Starts in target years; age bands at 31 March around target years (all children, and
    counts of non-UASC and UASC children)."""
    out = {"starts": {}, "ages": {}, "non_uasc": {}, "uasc": {}}
    for year in t.starts:
        i = t.index(year)
        out["starts"][year] = int(((pop.start >= t.starts_days[i]) & (pop.start <= t.ends[i])).sum())
    for year in t.ages:
        shares, non_uasc, uasc = [], [], []
        for y in _window(t, year):
            ye = t.ends[t.index(y)]
            kids = pop.child[periods_open_on(pop, ye)]
            bands = np.bincount(age_band(age_on(pop.dob[kids], ye)), minlength=len(AGE_BANDS))
            u = np.bincount(age_band(age_on(pop.dob[kids[pop.uasc[kids]]], ye)), minlength=len(AGE_BANDS))
            shares.append(bands / max(bands.sum(), 1))
            non_uasc.append(bands - u)
            uasc.append(u)
        out["ages"][year] = np.mean(shares, axis=0)
        out["non_uasc"][year] = np.mean(non_uasc, axis=0)
        out["uasc"][year] = np.mean(uasc, axis=0)
    return out


def _update_period_knobs(knobs: Knobs, m: dict, t: Targets) -> None:
    if t.starts:
        got = sum(m["starts"][y] for y in t.starts)
        knobs.turnover = nudge(knobs.turnover, sum(t.starts.values()) / max(got, 1), 0.2, 5,
                                CALIBRATION_STEP / STARTS_ELASTICITY)
    ratios = np.full((len(t.ages), len(AGE_BANDS)), np.nan)
    for row, (year, shares) in enumerate(t.ages.items()):
        wanted = np.maximum(shares * t.cla[t.index(year)] - m["uasc"][year], 1)
        ratios[row] = wanted / np.maximum(m["non_uasc"][year], 1)
    for b in range(len(AGE_BANDS)):
        if len(ratios) and np.isfinite(ratios[:, b]).any():
            knobs.age_tilt[b] = nudge(knobs.age_tilt[b], float(np.nanmean(ratios[:, b])), 0.1, 10)
    if len(ratios) and np.isfinite(ratios[:, :2]).all():
        # too many 1-4 year olds for the babies: young children leave sooner
        knobs.young_stay = nudge(knobs.young_stay, float(np.mean(ratios[:, 1] / ratios[:, 0])), 0.1, 3)


def timeline_measures(pop: Population, legal: Legal, moves: Moves, t: Targets) -> dict:
    """Placement, legal-status and UASC-in-supported shares at 31 March, placements made."""
    out = {"groups": {}, "legal": {}, "uasc_supported": {}, "placements_made": {}}
    years = {y for y, _, _ in t.placement} | set(t.legal) | set(t.uasc_supported)
    for year in years:
        ye = t.ends[t.index(year)]
        periods = np.flatnonzero(periods_open_on(pop, ye))
        groups = group_on(moves, periods, np.full(len(periods), ye))
        out["groups"][year] = np.bincount(groups, minlength=len(GROUPS)) / max(len(periods), 1)
        status = LS_CODES[status_on(legal, periods, np.full(len(periods), ye))]
        status = np.where(np.isin(status, ("C1", "C2", "E1", "V2")), status, "other")
        out["legal"][year] = {s: float(np.mean(status == s)) for s in ("C1", "C2", "E1", "V2", "other")}
        out["legal"][year]["uasc"] = float(pop.uasc[pop.child[periods]].mean())
        u = pop.uasc[pop.child[periods]]
        out["uasc_supported"][year] = float(np.mean(groups[u] == SUPPORTED)) if u.any() else np.nan
    for year in t.placements_made:
        i = t.index(year)
        out["placements_made"][year] = int(((moves.day >= t.starts_days[i]) & (moves.day <= t.ends[i])).sum())
    return out


def _update_timeline_knobs(knobs: Knobs, m: dict, t: Targets) -> None:
    for year, groups, share in t.placement:
        ratio = share / max(m["groups"][year][list(groups)].sum(), 0.003)
        for g in groups:
            nudge_anchor(knobs.place_anchor.setdefault(g, {}), year, ratio)
    for year, shares in t.legal.items():
        got = m["legal"][year]
        if "V2" in shares:       # UASC are all section 20: steer the others
            uasc = got["uasc"]
            ratio = max(shares["V2"] - uasc, 0.01) / max(got["V2"] - uasc, 0.01)
        elif "C2" in shares:     # only care orders known: more section 20 when too many of them
            ratio = (1 - shares["C2"]) / max(1 - got["C2"], 0.01)
        else:
            ratio = 1.0
        nudge_anchor(knobs.s20_anchor, year, ratio)           # fewer enter under section 20 ...
        nudge_anchor(knobs.convert_anchor, year, 1 / ratio)   # ... and more of them move to proceedings
        if "C1" in shares:
            nudge_anchor(knobs.ico_anchor, year, shares["C1"] / max(got["C1"], 0.005))
        if "E1" in shares:
            nudge_anchor(knobs.po_anchor, year, shares["E1"] / max(got["E1"], 0.005))
    for year, want in t.uasc_supported.items():     # odds ratio: shares near 1 stay reachable
        got = m["uasc_supported"][year]
        nudge_anchor(knobs.uasc_anchor, year, (want / (1 - want)) / max(got / max(1 - got, 0.01), 0.01))
    if t.placements_made:
        got = sum(m["placements_made"][y] for y in t.placements_made)
        knobs.move_scale = nudge(knobs.move_scale, got / sum(t.placements_made.values()), 0.3, 3)


@dataclass
class Simulation:
    """Everything simulated for one authority, before it is written as tables."""

    authority: Authority
    targets: Targets
    knobs: Knobs
    pop: Population
    legal: Legal
    moves: Moves
    seed: int


def simulate(authority: Authority, years: range, seed: int) -> Simulation:
    """Simulate an authority and calibrate it: first the periods of care (starts, ages, sex),
    then legal status and placements (mix, legal status, UASC, placements made)."""
    t = resolve_targets(authority, years)
    knobs = Knobs()
    code = authority.new_la_code
    passes = PERIOD_PASSES if t.wants_period_calibration else 1
    for p in range(passes):
        last = p == passes - 1
        pop = simulate_periods(seed, code, t, knobs, exact=last)
        if not last:
            _update_period_knobs(knobs, period_measures(pop, t), t)
    passes = TIMELINE_PASSES if t.wants_timeline_calibration else 1
    for p in range(passes):
        legal = simulate_legal(random_stream(seed, code, 2), pop, knobs)
        moves = simulate_moves(seed, code, pop, legal, t, knobs)
        if p < passes - 1:
            _update_timeline_knobs(knobs, timeline_measures(pop, legal, moves, t), t)
    return Simulation(authority, t, knobs, pop, legal, moves, seed)
