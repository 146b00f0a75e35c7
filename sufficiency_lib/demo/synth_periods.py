"""Periods of care of a synthetic authority: who enters, at what age, on which pathway.

Each collection year children enter care, at ages with peaks under 1 (many newborns) and at
14-16. Each entrant follows a *pathway* drawn by age (short stay and home, return home after
months, adoption, special guardianship, long-term care) whose length of stay gives the
bimodal distribution seen nationally; everyone leaves by their 18th birthday. Some entrants
are earlier leavers coming back (same child id). Unaccompanied asylum-seeking children
(UASC) are a second stream, mostly boys of 16-17 staying until 18.

This module holds that entry process and the record of children and periods
(:class:`Book`); :mod:`sufficiency_lib.demo.synth_steering` decides each year how many enter
and who leaves, so that the numbers at 31 March are the targets.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from sufficiency_lib.demo.synth_basics import (
    ADOPT, HOME, LONG, NO_DATE, SGO, SHORT, UASC_STAY, YEAR, add_years, age_band, age_on, collection_year,
    categorical,
)
from sufficiency_lib.demo.synth_knobs import Knobs, anchored

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
    [0.19, 0.16, 0.24, 0.17, 0.30],
    [0.24, 0.19, 0.02, 0.15, 0.40],
    [0.33, 0.19, 0.00, 0.07, 0.41],
    [0.36, 0.08, 0.00, 0.00, 0.56],
])
SHORT_MEAN_DAYS = 65                 # short stays: exponential, median about six weeks
HOME_MEDIAN_DAYS = 400               # return home after months (lognormal)
ADOPT_MEDIAN_DAYS = 600              # entry to adoption order: DfE A10 average about 15+5 months
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
    notes: dict = field(default_factory=dict)     # what the steering could not do, for the knobs


@dataclass
class Entrants:
    child: np.ndarray          # index of a returning child, -1 for a new one
    dob: np.ndarray
    male: np.ndarray
    start: np.ndarray
    end: np.ndarray
    pathway: np.ndarray

    def take(self, index) -> "Entrants":
        return Entrants(*(getattr(self, f)[index] for f in _ENTRANT_FIELDS))


_ENTRANT_FIELDS = ("child", "dob", "male", "start", "end", "pathway")


def concat_entrants(parts: list) -> Entrants:
    return Entrants(*(np.concatenate([getattr(p, f) for p in parts]) for f in _ENTRANT_FIELDS))


@dataclass
class Returnees:
    """Children who went home and may come back this year, in random order."""

    child: np.ndarray
    dob: np.ndarray
    male: np.ndarray

    def consume(self, k: int) -> None:
        self.child, self.dob, self.male = self.child[k:], self.dob[k:], self.male[k:]


NO_RETURNEES = Returnees(np.array([], int), np.array([], np.int64), np.array([], bool))


def _entry_weights(knobs: Knobs) -> np.ndarray:
    return ENTRY_AGE_WEIGHTS / ENTRY_AGE_WEIGHTS.sum()


def _pathway_weights(knobs: Knobs, year: int) -> np.ndarray:
    weights = PATHWAY_BY_AGE.copy()
    weights[:, [SHORT, HOME]] *= knobs.turnover
    weights[:4, LONG] *= knobs.long_stay * float(anchored(knobs.long_anchor, year))   # under 16, long term
    weights[:, ADOPT] *= knobs.adoption
    return weights


def _durations(rng: np.random.Generator, pathway: np.ndarray, knobs: Knobs) -> np.ndarray:
    """Length of each period of care (days, before the cut at 18) by pathway."""
    n = len(pathway)
    s = 1.0 / knobs.turnover
    lognormal = {HOME: (HOME_MEDIAN_DAYS * s, 0.5), ADOPT: (ADOPT_MEDIAN_DAYS, 0.3),
                 SGO: (SGO_MEDIAN_DAYS * s, 0.4), LONG: (LONG_MEDIAN_DAYS * s, 0.6)}
    z = rng.standard_normal(n)
    days = 1 + rng.exponential(SHORT_MEAN_DAYS, n)
    for path, (median, sigma) in lognormal.items():
        days = np.where(pathway == path, median * np.exp(sigma * z), days)
    days = np.where(pathway == ADOPT, np.maximum(days, 240), days)
    uasc_short = rng.random(n) < UASC_EARLY_LEAVE_SHARE
    days = np.where(pathway == UASC_STAY, np.where(uasc_short, 1 + rng.exponential(120, n), 1e6), days)
    return np.maximum(days.round(), 1).astype(np.int64)


def draw_entrants(rng, n, year_start, spread, uasc, knobs, male_share, returnees) -> Entrants:
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
    pathway = np.full(n, UASC_STAY) if uasc else categorical(rng, _pathway_weights(knobs, int(collection_year(year_start)))[age_band(age)])
    end = np.minimum(start + _durations(rng, pathway, knobs), add_years(dob, 18))
    return Entrants(child, dob, male, start, np.maximum(end, start + 1), pathway)


def steer(rng, need: int, floor_mean: float, draw) -> tuple[Entrants, np.ndarray]:
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
    entrants = concat_entrants([b for b, _ in batches])
    alive = np.concatenate([a for _, a in batches])
    keep = max(int(np.searchsorted(np.cumsum(alive), need)) + 1, min(floor, len(alive)))
    return entrants.take(slice(0, keep)), alive[:keep]


def set_boys(rng, e: Entrants, alive: np.ndarray, boys_needed: int, fresh_only: np.ndarray | None = None) -> None:
    """Make exactly the boys still needed at 31 March among new children surviving the year
    (returning children keep their sex); the rest keep their random draw."""
    fresh = alive & (e.child < 0)
    if fresh_only is not None:
        fresh &= fresh_only
    fresh = np.flatnonzero(fresh)
    already = int((alive & e.male).sum()) - int(e.male[fresh].sum())
    k = int(np.clip(boys_needed - already, 0, len(fresh)))
    boys = np.zeros(len(fresh), bool)
    boys[rng.permutation(len(fresh))[:k]] = True
    e.male[fresh] = boys


class Book:
    """The children (dob, sex, UASC) and periods of care (child, start, end, pathway) so far."""

    def __init__(self):
        self.dob = np.array([], np.int64)
        self.male = np.array([], bool)
        self.uasc = np.array([], bool)
        self.child = np.array([], np.int64)
        self.start = np.array([], np.int64)
        self.end = np.array([], np.int64)
        self.pathway = np.array([], np.int64)
        self.notes: dict = {}

    def add(self, e: Entrants, uasc: bool, same_as: np.ndarray | None = None) -> None:
        """Add entrants: new children get ids; ``same_as[k] = j`` makes entrant k the same
        (new) child as entrant j (a child who left and came back within the year)."""
        child = e.child.copy()
        same_as = np.full(len(child), -1) if same_as is None else same_as
        fresh = (child < 0) & (same_as < 0)
        child[fresh] = len(self.dob) + np.arange(int(fresh.sum()))
        linked = np.flatnonzero(same_as >= 0)
        child[linked] = child[same_as[linked]]
        self.dob = np.concatenate([self.dob, e.dob[fresh]])
        self.male = np.concatenate([self.male, e.male[fresh]])
        self.uasc = np.concatenate([self.uasc, np.full(int(fresh.sum()), uasc)])
        self.child = np.concatenate([self.child, child])
        self.start = np.concatenate([self.start, e.start])
        self.end = np.concatenate([self.end, e.end])
        self.pathway = np.concatenate([self.pathway, e.pathway])

    def open_at(self, day: int) -> np.ndarray:
        """Which periods are open at the end of ``day``."""
        return (self.start <= day) & (self.end > day)

    def returnees(self, rng, year_start: int) -> Returnees:
        """Children whose latest period ended with a return home one month to five years
        ago, still under 16, in random order."""
        if not len(self.start):
            return NO_RETURNEES
        last = np.full(len(self.dob), NO_DATE)
        np.maximum.at(last, self.child, self.end)
        latest = self.end == last[self.child]
        went_home = np.zeros(len(last), bool)
        went_home[self.child[latest & np.isin(self.pathway, (SHORT, HOME))]] = True
        eligible = (went_home & ~self.uasc & (last < year_start - 30) & (last > year_start - 5 * 365)
                    & (add_years(self.dob, 16) > year_start))
        order = rng.permutation(np.flatnonzero(eligible))
        return Returnees(order, self.dob[order], self.male[order])

    def population(self) -> Population:
        return Population(dob=self.dob, male=self.male, uasc=self.uasc, child=self.child, start=self.start,
                          end=self.end, pathway=self.pathway, notes=self.notes)


# --- what the steering does to a period's end --------------------------------------------------

POSTPONE_DAYS = (14, 200)         # a leaver kept in care leaves this long after 31 March


def band_of(book: Book, periods: np.ndarray, day: int) -> np.ndarray:
    """Age band (AGE_BANDS index) on ``day`` of the child of each period."""
    return age_band(age_on(book.dob[book.child[periods]], day))


def advance(book: Book, rng, periods: np.ndarray, ys: int, ye: int) -> None:
    """These periods end during the year (on a day between 1 April, or just after they
    began, and 31 March) instead of later."""
    if not len(periods):
        return
    low = np.maximum(ys, book.start[periods] + 1)
    book.end[periods] = low + (rng.random(len(periods)) * np.maximum(ye - low + 1, 1)).astype(np.int64)


def postpone(book: Book, rng, periods: np.ndarray, ye: int) -> None:
    """These periods, which would have ended during the year, end a few weeks or months
    after 31 March instead (never past the child's 18th birthday)."""
    if not len(periods):
        return
    later = ye + rng.integers(*POSTPONE_DAYS, len(periods))
    book.end[periods] = np.minimum(later, add_years(book.dob[book.child[periods]], 18))


def postponable(book: Book, prior: np.ndarray, ys: int, ye: int) -> np.ndarray:
    """Periods of children in care on 1 April who would leave during the year and could
    stay past 31 March (not about to turn 18, not waiting for an adoption order)."""
    leaving = prior & (book.end <= ye) & (book.end >= ys) & (book.pathway != ADOPT)   # adoption dates: their own fit
    return np.flatnonzero(leaving & (add_years(book.dob[book.child], 18) > ye + POSTPONE_DAYS[1]))


def periods_open_on(pop: Population, day: int) -> np.ndarray:
    """Which periods of care are open on a day (started on or before it, ending after it)."""
    return (pop.start <= day) & (pop.end > day)
