"""Care leavers (the OC3 table): who is in each year's cohort, and what is known of them.

Eligible young people are those looked after for at least 13 weeks after their 14th birthday,
some of it after their 16th. A year's OC3 table holds those of them with their 17th to 21st
birthday in the year who are no longer looked after (those aged 19-21 had left by their
birthday): DfE's two age groups, 17-18 and 19-21. Each group's cohort is the target's size, drawn from the eligible (those who left at
18 first); the young people not in touch have neither activity nor accommodation recorded,
the others are in education, employment or training or not, in suitable accommodation or not,
in the target's numbers -- each keeping last year's circumstances where the numbers allow, so
a young person's story runs on from year to year.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from sufficiency_lib.demo.synth_allocate import allocate
from sufficiency_lib.demo.synth_basics import NO_DATE, add_years, age_on, pick
from sufficiency_lib.demo.synth_extrapolate import whole
from sufficiency_lib.demo.synth_published import LEAVER_AGES

NOT_IN_TOUCH = {"NO": 0.5, "REFU": 0.25, "NREQ": 0.10, "RHOM": 0.15}
EET_ACTIV = {"F1": 0.10, "P1": 0.02, "F2": 0.35, "P2": 0.08, "F4": 0.10, "P4": 0.03, "F5": 0.22, "P5": 0.10}
NEET_ACTIV = {"G4": 0.25, "G5": 0.60, "G6": 0.15}
SUITABLE_ACCOM = {"U1": 0.30, "Z1": 0.15, "D1": 0.13, "B1": 0.18, "T1": 0.06, "E1": 0.10, "Y1": 0.05,
                  "K1": 0.03}
UNSUITABLE_ACCOM = {"U2": 0.15, "D2": 0.15, "V2": 0.10, "S2": 0.15, "C2": 0.10, "B2": 0.15, "W2": 0.10, "X2": 0.10}
# Circumstances: not in touch, then (EET, NEET) x (suitable, unsuitable).
STATES = ("away", "eet_fit", "eet_unfit", "neet_fit", "neet_unfit")
KEEP_WEIGHT = 4.0                # last year's circumstances, where the numbers allow


def eligible_leavers(pop) -> pd.DataFrame:
    """Children eligible for OC3: child, dob, the day they last left care."""
    dob = pop.dob[pop.child]
    after_14 = np.maximum(pop.end - np.maximum(pop.start, add_years(dob, 14)), 0)
    after_16 = pop.end > add_years(dob, 16)
    days = np.bincount(pop.child, weights=after_14, minlength=len(pop.dob))
    any_16 = np.bincount(pop.child, weights=after_16, minlength=len(pop.dob)) > 0
    last_end = np.full(len(pop.dob), NO_DATE)
    np.maximum.at(last_end, pop.child, pop.end)
    eligible = np.flatnonzero((days >= 91) & any_16)
    return pd.DataFrame({"child": eligible, "dob": pop.dob[eligible], "left": last_end[eligible]})


def cohorts(rng, leavers: pd.DataFrame, targets, years) -> dict[int, pd.DataFrame]:
    """Each year's OC3 rows: child, dob and circumstances (one of STATES)."""
    state = np.full(len(leavers), -1)
    dob, left = leavers["dob"].to_numpy(), leavers["left"].to_numpy()
    out = {}
    for year in years:
        ys, ye = (np.datetime64(f"{year - 1}-04-01").astype(np.int64), np.datetime64(f"{year}-03-31").astype(np.int64))
        age = age_on(dob, ye)
        birthday = add_years(dob, age)
        # not in care on 31 March; those aged 19-21 had left by their birthday in the year
        pool = (age >= 17) & (age <= 21) & (birthday >= ys) & (left <= np.where(age >= 19, birthday, ye))
        rows = []
        for group, (low, high) in zip(LEAVER_AGES, ((17, 18), (19, 21))):
            in_group = np.flatnonzero(pool & (age >= low) & (age <= high))
            want = (targets.get(year) or {}).get(group)
            chosen = _choose(rng, in_group, left, birthday, want)
            counts = _state_counts(want, len(chosen))
            weights = np.ones((len(chosen), len(STATES)))
            known = state[chosen] >= 0
            weights[known, state[chosen[known]]] *= KEEP_WEIGHT
            state[chosen] = allocate(weights, counts, rng)
            rows.append(chosen)
        chosen = np.concatenate(rows) if rows else np.zeros(0, int)
        out[year] = pd.DataFrame({"row": chosen, "child": leavers["child"].to_numpy()[chosen],
                                  "dob": dob[chosen], "state": state[chosen]})
    return out


def _choose(rng, pool: np.ndarray, left, birthday, want: dict | None) -> np.ndarray:
    """The cohort: the target's number from the pool, those who left care on their 18th
    birthday most likely (the typical care leaver), in random order otherwise."""
    if want is None:
        return pool
    n = int(round(want["total"]))
    key = rng.random(len(pool)) + 0.5 * (left[pool] == birthday[pool])
    return pool[np.argsort(-key, kind="stable")[:n]]


def _state_counts(want: dict | None, n: int) -> np.ndarray:
    """How many of ``n`` young people in each of STATES."""
    if want is None or n == 0:
        return whole(np.array([0.1, 0.5, 0.03, 0.33, 0.04]), n)
    total = max(want["total"], 1)
    away = min(int(round(want["unknown"] * n / total)), n)
    known = n - away
    eet = whole(np.array([want["eet"], want["neet"]]), known)[0] if known else 0
    neet = known - eet
    unfit = min(int(round(want["unsuitable"] * n / total)), known)
    eet_unfit = min(int(round(unfit * eet / known)) if known else 0, eet)
    neet_unfit = min(unfit - eet_unfit, neet)
    eet_unfit = unfit - neet_unfit
    return np.array([away, eet - eet_unfit, eet_unfit, neet - neet_unfit, neet_unfit])


def oc3_table(rng, cohort: pd.DataFrame, child_ids: np.ndarray, format_dates) -> pd.DataFrame:
    """The OC3 rows of a year's cohort, with 903 codes for the circumstances."""
    n = len(cohort)
    state = cohort["state"].to_numpy()
    away = state == 0
    eet = np.isin(state, (1, 2))
    fit = np.isin(state, (1, 3))
    return pd.DataFrame({
        "child": cohort["child"].to_numpy(), "CHILD": child_ids[cohort["child"].to_numpy()],
        "DOB": format_dates(cohort["dob"].to_numpy()),
        "IN_TOUCH": np.where(away, pick(rng, n, NOT_IN_TOUCH), "YES"),
        "ACTIV": np.where(away, "0", np.where(eet, pick(rng, n, EET_ACTIV), pick(rng, n, NEET_ACTIV))),
        "ACCOM": np.where(away, "0", np.where(fit, pick(rng, n, SUITABLE_ACCOM), pick(rng, n, UNSUITABLE_ACCOM))),
    }).sort_values("CHILD", kind="stable")
