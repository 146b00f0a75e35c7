"""Periods of care of a synthetic authority, year by year, steered to the numbers in care.

Each collection year children enter care, at ages with peaks under 1 (many newborns) and at
14-16. Each entrant follows a *pathway* drawn by age (short stay and home, return home after
months, adoption, special guardianship, long-term care) whose length of stay gives the
bimodal distribution seen nationally; everyone leaves by their 18th birthday. Entrants are
drawn until exactly as many are still in care at 31 March as the published number needs
after the year's survivors, so the stock tracks ``calibration.cla_at_31_march``. Some
entrants are earlier leavers coming back (same child id). Unaccompanied asylum-seeking
children (UASC) are a second stream, mostly boys of 16-17 staying until 18, steered to their
own published number (following England's UASC numbers outside the published years).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sufficiency_lib.demo.synth_basics import (
    ADOPT, AGE_BANDS, HOME, LONG, NO_DATE, SGO, SHORT, UASC_STAY, YEAR, add_years, age_band, age_on,
    categorical, random_stream,
)
from sufficiency_lib.demo.synth_targets import Knobs, Targets

PRE_HISTORY_YEARS = 8       # the first simulated stock entered over this many earlier years

# --- Entries ------------------------------------------------------------------------------
# Relative entry rate by single year of age (non-UASC). Shape of DfE "children starting to
# be looked after by age" (England, 2019-2023): about a fifth under 1, 14% aged 1-4, 17%
# 5-9, 37% 10-15 with a peak at 14-15, fewer at 16-17 (many of whom are UASC).
ENTRY_AGE_WEIGHTS = np.array([19, 3.6, 3.5, 3.5, 3.4, 3.4, 3.4, 3.4, 3.4, 3.4,
                              4.0, 4.5, 5.5, 7.0, 8.2, 8.0, 6.0, 2.0])
NEWBORN_SHARE = 0.45        # of infant entrants, taken into care in their first week of life
UASC_ENTRY_AGE = {14: 0.03, 15: 0.10, 16: 0.40, 17: 0.47}   # Home Office age profile, mostly 16-17
REENTRY_SHARE = 0.12        # of entrants previously looked after (DfE: around one in ten)
MIN_ENTRY_RATE = 0.12       # entrants per child of the target even when the stock is above it

# --- Pathways and lengths of stay (days) --------------------------------------------------
# Pathway probabilities by age band at entry (columns SHORT, HOME, ADOPT, SGO, LONG): about
# a third of entrants go home within months, adoption is for the youngest, teenagers either
# leave fast or stay to 18. Shaped on DfE ceased-by-reason and duration tables.
PATHWAY_BY_AGE = np.array([
    [0.15, 0.11, 0.36, 0.15, 0.23],
    [0.19, 0.16, 0.18, 0.17, 0.30],
    [0.24, 0.19, 0.02, 0.15, 0.40],
    [0.33, 0.19, 0.00, 0.07, 0.41],
    [0.36, 0.08, 0.00, 0.00, 0.56],
])
SHORT_MEAN_DAYS = 65                 # short stays: exponential, median about six weeks
HOME_MEDIAN_DAYS = 400               # return home after months (lognormal)
ADOPT_MEDIAN_DAYS = 680              # entry to adoption order: DfE A10 average about 15+8 months
SGO_MEDIAN_DAYS = 480                # special guardianship at the end of proceedings and after
LONG_MEDIAN_DAYS = 3600              # long-term care, cut at 18
UASC_EARLY_LEAVE_SHARE = 0.12        # UASC leaving before 18 (age assessed as adult, transfer)


@dataclass
class Population:
    """Children (dob, sex, UASC) and their periods of care (child index, start, end, pathway)."""

    dob: np.ndarray
    male: np.ndarray
    uasc: np.ndarray
    child: np.ndarray
    start: np.ndarray
    end: np.ndarray
    pathway: np.ndarray


@dataclass
class _Entrants:
    child: np.ndarray          # index of a returning child, -1 for a new one
    dob: np.ndarray
    male: np.ndarray
    start: np.ndarray
    end: np.ndarray
    pathway: np.ndarray

    def take(self, index) -> "_Entrants":
        return _Entrants(*(getattr(self, f)[index] for f in _ENTRANT_FIELDS))


_ENTRANT_FIELDS = ("child", "dob", "male", "start", "end", "pathway")


def _concat_entrants(parts: list) -> _Entrants:
    return _Entrants(*(np.concatenate([getattr(p, f) for p in parts]) for f in _ENTRANT_FIELDS))


@dataclass
class _Returnees:
    """Children who went home and may come back this year, in random order."""

    child: np.ndarray
    dob: np.ndarray
    male: np.ndarray

    def consume(self, k: int) -> None:
        self.child, self.dob, self.male = self.child[k:], self.dob[k:], self.male[k:]


_NO_RETURNEES = _Returnees(np.array([], int), np.array([], np.int64), np.array([], bool))


def _entry_weights(knobs: Knobs) -> np.ndarray:
    weights = ENTRY_AGE_WEIGHTS * knobs.age_tilt[age_band(np.arange(18))]
    return weights / weights.sum()


def _pathway_weights(knobs: Knobs) -> np.ndarray:
    weights = PATHWAY_BY_AGE.copy()
    weights[:, [SHORT, HOME]] *= knobs.turnover
    return weights


def _durations(rng: np.random.Generator, pathway: np.ndarray, young: np.ndarray, knobs: Knobs) -> np.ndarray:
    """Length of each period of care (days, before the cut at 18) by pathway."""
    n = len(pathway)
    young_scale = np.where(young, knobs.young_stay, 1.0)
    s = young_scale / knobs.turnover
    lognormal = {HOME: (HOME_MEDIAN_DAYS * s, 0.5), ADOPT: (ADOPT_MEDIAN_DAYS * np.sqrt(young_scale), 0.3),
                 SGO: (SGO_MEDIAN_DAYS * s, 0.4), LONG: (LONG_MEDIAN_DAYS * s, 0.9)}
    z = rng.standard_normal(n)
    days = 1 + rng.exponential(SHORT_MEAN_DAYS, n)
    for path, (median, sigma) in lognormal.items():
        days = np.where(pathway == path, median * np.exp(sigma * z), days)
    days = np.where(pathway == ADOPT, np.maximum(days, 240), days)
    uasc_short = rng.random(n) < UASC_EARLY_LEAVE_SHARE
    days = np.where(pathway == UASC_STAY, np.where(uasc_short, 1 + rng.exponential(120, n), 1e6), days)
    return np.maximum(days.round(), 1).astype(np.int64)


def _draw_entrants(rng, n, year_start, spread, uasc, knobs, male_share, returnees) -> _Entrants:
    """``n`` candidate entrants starting in the year (or up to ``spread`` days before it)."""
    if uasc:
        ages = np.array(list(UASC_ENTRY_AGE))
        age = ages[rng.choice(len(ages), n, p=np.array(list(UASC_ENTRY_AGE.values())))]
    else:
        age = rng.choice(18, n, p=_entry_weights(knobs))
    start = year_start + rng.integers(0, 365, n) - (rng.integers(0, spread, n) if spread else 0)
    newborn = (age == 0) & (rng.random(n) < NEWBORN_SHARE)
    age_days = np.where(newborn, rng.integers(1, 8, n), np.floor(age * YEAR) + rng.integers(1, 365, n))
    dob = start - age_days.astype(np.int64)
    male = rng.random(n) < male_share
    child = np.full(n, -1)
    if len(returnees.child):     # some entrants are earlier leavers coming back
        back = np.flatnonzero(rng.random(n) < REENTRY_SHARE)[: len(returnees.child)]
        child[back] = returnees.child[: len(back)]
        dob[back] = returnees.dob[: len(back)]
        male[back] = returnees.male[: len(back)]
        returnees.consume(len(back))
    age = age_on(dob, start)
    pathway = np.full(n, UASC_STAY) if uasc else categorical(rng, _pathway_weights(knobs)[age_band(age)])
    end = np.minimum(start + _durations(rng, pathway, age < 5, knobs), add_years(dob, 18))
    return _Entrants(child, dob, male, start, np.maximum(end, start + 1), pathway)


def _returnees(rng, lists: dict, year_start: int) -> _Returnees:
    """Children whose latest period ended with a return home one month to five years ago,
    still under 16."""
    if not lists["start"]:
        return _NO_RETURNEES
    child = np.concatenate(lists["child"])
    end = np.concatenate(lists["end"])
    pathway = np.concatenate(lists["pathway"])
    last = np.full(len(lists["dob_all"]), NO_DATE)
    np.maximum.at(last, child, end)
    latest = end == last[child]
    went_home = np.zeros(len(last), bool)
    went_home[child[latest & np.isin(pathway, (SHORT, HOME))]] = True
    dob = lists["dob_all"]
    eligible = (went_home & ~lists["uasc_all"] & (last < year_start - 30) & (last > year_start - 5 * 365)
                & (add_years(dob, 16) > year_start))
    order = rng.permutation(np.flatnonzero(eligible))
    return _Returnees(order, dob[order], lists["male_all"][order])


def _steer(rng, need: int, floor_mean: float, draw) -> tuple[_Entrants, np.ndarray]:
    """Entrants drawn until exactly ``need`` are still in care at 31 March, or a floor of
    entrants when the stock is already at the target. Returns them and who survives."""
    floor = int(rng.poisson(floor_mean))
    batches, survivors = [], 0
    while survivors < need:
        batch, alive = draw(max(2 * (need - survivors), 32))
        batches.append((batch, alive))
        survivors += int(alive.sum())
    if not batches:
        return draw(floor)
    entrants = _concat_entrants([b for b, _ in batches])
    alive = np.concatenate([a for _, a in batches])
    keep = max(int(np.searchsorted(np.cumsum(alive), need)) + 1, min(floor, len(alive)))
    return entrants.take(slice(0, keep)), alive[:keep]


def _steer_with_leavers(need: int, leavers: int, draw) -> tuple[_Entrants, np.ndarray]:
    """Like :func:`_steer`, also keeping exactly ``leavers`` entrants who leave within the
    year, so that the year's starts are the published number."""
    batches, survivors, gone, drawn = [], 0, 0, 0
    while (survivors < need or gone < leavers) and drawn < 50 * (need + leavers) + 1000:
        batch, alive = draw(max(2 * (max(need - survivors, 0) + max(leavers - gone, 0)), 32))
        batches.append((batch, alive))
        survivors, gone, drawn = survivors + int(alive.sum()), gone + int((~alive).sum()), drawn + len(alive)
    entrants = _concat_entrants([b for b, _ in batches])
    alive = np.concatenate([a for _, a in batches])
    keep = (alive & (np.cumsum(alive) <= need)) | (~alive & (np.cumsum(~alive) <= leavers))
    return entrants.take(keep), alive[keep]


def _band_needs(wanted: np.ndarray, in_care: np.ndarray, need: int) -> np.ndarray:
    """Entrants still needed at 31 March per age band: the published numbers less those in
    care, never negative, adding up to the total needed (largest remainders)."""
    short = np.maximum(wanted - in_care, 0)
    scaled = short * need / max(short.sum(), 1e-9) if short.sum() else np.full(len(short), need / len(short))
    needs = np.floor(scaled).astype(int)
    needs[np.argsort(needs - scaled, kind="stable")[: need - needs.sum()]] += 1
    return needs


def _steer_by_band(needs: np.ndarray, draw, year_end: int) -> tuple[_Entrants, np.ndarray]:
    """Like :func:`_steer` but per age band at 31 March: a candidate is kept while its band
    is still short of survivors (so leavers within the year keep their natural share)."""
    batches, got, drawn = [], np.zeros(len(needs), int), 0
    while (got < needs).any() and drawn < 50 * needs.sum() + 1000:
        batch, alive = draw(max(2 * int(np.maximum(needs - got, 0).sum()), 32))
        band = age_band(age_on(batch.dob, year_end))
        batches.append((batch, alive, band))
        got += np.bincount(band[alive], minlength=len(needs))
        drawn += len(alive)
    entrants = _concat_entrants([b for b, _, _ in batches])
    alive = np.concatenate([a for _, a, _ in batches])
    band = np.concatenate([b for _, _, b in batches])
    counted = (band[:, None] == np.arange(len(needs))) & alive[:, None]
    before = (np.cumsum(counted, axis=0) - counted)[np.arange(len(band)), band]
    keep = before < needs[band]
    return entrants.take(keep), alive[keep]


def _set_boys(rng, e: _Entrants, alive: np.ndarray, boys_needed: int) -> None:
    """Make exactly the boys still needed at 31 March among new children surviving the year
    (returning children keep their sex); the rest keep their random draw."""
    fresh = np.flatnonzero(alive & (e.child < 0))
    k = int(np.clip(boys_needed - (alive & (e.child >= 0) & e.male).sum(), 0, len(fresh)))
    boys = np.zeros(len(fresh), bool)
    boys[rng.permutation(len(fresh))[:k]] = True
    e.male[fresh] = boys


def _male_share(t: Targets, knobs: Knobs, i: int) -> float:
    """Boys among non-UASC entrants so that boys at 31 March can match the year's target."""
    n, u = t.cla[i], t.uasc[i]
    share = (t.male_series[i] * n - t.uasc_male * u) / max(n - u, 1)
    return float(np.clip(share, 0.3, 0.8))


def simulate_periods(seed: int, code: str, t: Targets, knobs: Knobs, exact: bool = True) -> Population:
    """Periods of care year by year. Each year UASC and then other entrants are drawn until
    the numbers in care at 31 March equal the targets, with boys set to the target share and,
    in years with published age bands, each age band filled to its number (or else, in years
    with a published number of starts, as many leaving within the year as make it up).
    Calibration passes run without those two (``exact=False``) so the knobs learn the
    model's own tendencies."""
    lists = {k: [] for k in ("child", "start", "end", "pathway", "uasc")}
    lists.update(dob_all=np.array([], np.int64), male_all=np.array([], bool), uasc_all=np.array([], bool))
    for i, (year_start, year_end) in enumerate(zip(t.starts_days, t.ends)):
        rng = random_stream(seed, code, 1, i)
        spread = int(PRE_HISTORY_YEARS * YEAR) if i == 0 else 0
        returnees = _returnees(rng, lists, year_start)
        uasc_starts = 0
        for uasc in (True, False):
            target = t.uasc[i] if uasc else t.cla[i] - t.uasc[i]
            open_ = _open_children(lists, year_end)
            in_care = int((lists["uasc_all"][open_] == uasc).sum())
            male_share = t.uasc_male if uasc else _male_share(t, knobs, i)

            def draw(n, uasc=uasc, male_share=male_share):
                e = _draw_entrants(rng, n, year_start, spread, uasc, knobs, male_share,
                                   _NO_RETURNEES if uasc else returnees)
                return e, e.end > year_end

            need = int(round(target)) - in_care
            shares = t.ages.get(int(t.years[i]))
            starts = t.starts.get(int(t.years[i]))
            leavers = None if starts is None else max(int(round(starts)) - uasc_starts - need, 0)
            if exact and not uasc and need > 0 and shares is not None and not np.isnan(shares).any():
                bands = np.bincount(age_band(age_on(lists["dob_all"][open_], year_end)), minlength=len(AGE_BANDS))
                new, alive = _steer_by_band(_band_needs(shares * t.cla[i], bands, need), draw, year_end)
            elif exact and not uasc and need > 0 and leavers is not None:   # as near the starts as can be
                new, alive = _steer_with_leavers(need, leavers, draw)
            else:
                new, alive = _steer(rng, need, MIN_ENTRY_RATE * target, draw)
            uasc_starts = len(alive)
            if not uasc:
                boys = int(lists["male_all"][open_].sum())
                _set_boys(rng, new, alive, int(round(t.male_series[i] * t.cla[i])) - boys)
            _add_entrants(lists, new, uasc)
    return Population(dob=lists["dob_all"], male=lists["male_all"], uasc=lists["uasc_all"],
                      **{k: np.concatenate(lists[k]) for k in ("child", "start", "end", "pathway")})


def _open_children(lists: dict, day: int) -> np.ndarray:
    if not lists["end"]:
        return np.array([], int)
    end = np.concatenate(lists["end"])
    return np.concatenate(lists["child"])[end > day]


def _add_entrants(lists: dict, e: _Entrants, uasc: bool) -> None:
    fresh = e.child < 0
    child = e.child.copy()
    child[fresh] = len(lists["dob_all"]) + np.arange(int(fresh.sum()))
    lists["dob_all"] = np.concatenate([lists["dob_all"], e.dob[fresh]])
    lists["male_all"] = np.concatenate([lists["male_all"], e.male[fresh]])
    lists["uasc_all"] = np.concatenate([lists["uasc_all"], np.full(int(fresh.sum()), uasc)])
    for key, value in (("child", child), ("start", e.start), ("end", e.end), ("pathway", e.pathway),
                       ("uasc", np.full(len(child), uasc))):
        lists[key].append(value)


def periods_open_on(pop: Population, day: int) -> np.ndarray:
    """Which periods of care are open on a day (started on or before it, ending after it)."""
    return (pop.start <= day) & (pop.end > day)
