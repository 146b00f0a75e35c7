"""Why each period of care ended (REC), fitted to DfE's reasons for ceasing year by year.

Each period's natural reason follows its story (see
:func:`~sufficiency_lib.demo.synth_episodes.build_episodes`): adopted from a placement for
adoption, home from a placement with parents, special guardianship at the end of that
pathway, independent living or staying put at 18, age assessment for some UASC. In a year
with DfE's figures, the reasons of the periods ending that year are re-chosen
(:func:`~sufficiency_lib.demo.synth_allocate.allocate`) among those the story allows, so the
counts come out as DfE's: nobody is adopted but from adopters, nobody leaves at 18 to go home
on a care plan, nobody is an age assessment but a UASC, no placement with adopters ends in
anything but adoption.
"""
from __future__ import annotations

import numpy as np

from sufficiency_lib.demo.synth_allocate import allocate
from sufficiency_lib.demo.synth_basics import ADOPTION, FOSTER, J1, J2, J3, PARENTS, add_years, age_on, pick
from sufficiency_lib.demo.synth_published import REASONS
from sufficiency_lib.ssda903 import groupings

#: The REC codes of each of DfE's reasons, and how often each is used within it.
CODES = {label: [c for c, lab in groupings.DFE_REASON_CEASED.items() if lab == label] for label in REASONS}
CODE_WEIGHTS = {"E11": 0.2, "E12": 0.8, "E45": 0.4, "E46": 0.35, "E47": 0.15, "E48": 0.1}
OTHER_WEIGHT = 0.3


def _reason_of(code: str) -> int:
    return REASONS.index(groupings.DFE_REASON_CEASED[code])


def fit_reasons(rng, pop, natural: np.ndarray, last_group: np.ndarray, last_status: np.ndarray, targets: dict,
                ends_by_year: dict) -> np.ndarray:
    """REC per period: ``natural`` where no year's figures apply, else re-chosen so each
    year's counts by DfE's reason are ``targets[year]`` where the stories allow."""
    rec = natural.copy()
    for year, periods in ends_by_year.items():
        target = targets.get(year)
        if target is None or not len(periods):
            continue
        weights = _weights(pop, periods, natural[periods], last_group[periods], last_status[periods])
        chosen = allocate(weights, np.asarray(target, float), rng)
        keep = chosen == np.array([_reason_of(c) for c in natural[periods]])
        fresh = np.array([pick(rng, 1, {c: CODE_WEIGHTS.get(c, 1.0) for c in CODES[REASONS[k]]})[0]
                          for k in chosen], dtype=object)
        rec[periods] = np.where(keep, natural[periods], fresh)
    return rec


def _weights(pop, periods, natural, group, status) -> np.ndarray:
    """(periods x reasons): 1 for the natural reason, OTHER_WEIGHT for others the story
    allows, 0 for the rest."""
    dob = pop.dob[pop.child[periods]]
    end = pop.end[periods]
    at_18 = end == add_years(dob, 18)
    age = age_on(dob, end - 1)
    uasc = pop.uasc[pop.child[periods]]
    by = {label: np.zeros(len(periods), bool) for label in REASONS}

    def allow(code, mask):
        by[groupings.DFE_REASON_CEASED[code]] |= mask

    adopted = group == ADOPTION
    before = ~at_18 & ~adopted
    allow("E11", adopted)
    allow("E17", at_18 & np.isin(group, FOSTER))
    for code in ("E5", "E6"):
        allow(code, ~adopted & (age >= 16))
    allow("E7", at_18)
    allow("E8", ~adopted)
    allow("E2", ~adopted)
    allow("E15", uasc & before)
    for code in ("E4A", "E4B", "E41", "E45"):
        allow(code, before & ~uasc)
    for code in ("E13", "E3", "E16"):
        allow(code, before)
    allow("E9", ~adopted & (age >= 12))
    allow("E14", ~adopted & np.isin(status, (J1, J2, J3)))
    home = group == PARENTS                       # from a placement with parents: home, mostly
    w = np.column_stack([by[label] for label in REASONS]).astype(float) * OTHER_WEIGHT
    natural_index = np.array([_reason_of(c) for c in natural])
    w[np.arange(len(periods)), natural_index] = np.where(w[np.arange(len(periods)), natural_index] > 0, 1.0, 0.0)
    w[home] *= np.where(np.isin(np.arange(len(REASONS)), [_reason_of("E4A"), _reason_of("E4B"), _reason_of("E13"),
                                                          _reason_of("E8")]), 1.0, 0.1)
    return w
