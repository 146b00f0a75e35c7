"""Supply for figures of coming years: long-term children and care leavers.

Two of DfE's figures count children whose story began years before: the long-term
population (children under 16 looked after for 2.5 years or more, with the same carers for
two years) and the care leavers aged 17-21. A year's steering cannot make a long-stayer or
a care leaver out of an entrant, so :mod:`sufficiency_lib.demo.synth_steering` uses these to

* meet the long-term number on 31 March: one who leaves for one who stays within an age
  band (:func:`long_term_swaps`), then the dates children came into care two and a half
  years before moved within that collection year (:func:`long_term_starts`);
* keep in care, up to four years ahead, enough of the children who would be long-term
  then (:func:`long_term_pipeline`) and let the others go first (:func:`future_long_term`);
* choose, among the entrants who leave again within the year, young people who will count
  in a coming year's care leavers that would otherwise fall short (:func:`care_leaver_need`).
"""
from __future__ import annotations

import numpy as np

from sufficiency_lib.demo.synth_basics import ADOPT, add_years, age_on, collection_year, months_between
from sufficiency_lib.demo.synth_periods import (
    POSTPONE_DAYS, Book, Entrants, advance, band_of, postpone, postponable,
)
from sufficiency_lib.demo.synth_published import LEAVER_AGES
from sufficiency_lib.demo.synth_targets import EXTRAPOLATED, Targets

LONG_TERM_MONTHS, LONG_TERM_AGE = 30, 16
PIPELINE_MARGIN = 1.06           # a coming year's long-term children kept in care: the target and a few more
PIPELINE_YEARS = 4               # how many 31 Marches ahead the long-term children are kept for
CARE_LEAVER_MARGIN = 1.04        # a coming year's care leavers wanted: the target and a few more


def _recorded_years_ahead(t: Targets, i: int, offsets: range):
    """(year, its 31 March as a day number) of the years ``i + offset`` ahead, within the
    demo's years, that have a long-term figure on record (not extrapolated)."""
    for k in offsets:
        if i + k >= len(t.years):
            return
        year = int(t.years[i + k])
        if year in t.lt_total and t.source.get("lt_total", {}).get(year) != EXTRAPOLATED:
            yield year, int(t.ends[i + k])


def future_long_term(book: Book, t: Targets, i: int):
    """A function telling which periods would be long-term on one of the next two 31 Marches
    that have a long-term figure on record the children now in care would fall short of
    (those are kept rather than let go); telling none when no such year is short."""
    checks = []
    for year, then in _recorded_years_ahead(t, i, range(1, PIPELINE_YEARS + 1)):
        open_ = np.flatnonzero(book.open_at(int(t.starts_days[i]) - 1))
        if int((long_term(book, open_, then) & (book.end[open_] > then)).sum()) < t.lt_total[year]:
            checks.append(then)

    def keep(periods: np.ndarray) -> np.ndarray:
        out = np.zeros(len(periods), bool)
        for then in checks:
            out |= long_term(book, periods, then)
        return out
    return keep


def long_term_pipeline(book: Book, rng, t: Targets, i: int) -> None:
    """Keep in care, past a coming 31 March with a long-term figure on record (up to
    PIPELINE_YEARS ahead), enough of the children now in care who would be long-term then
    (under 16, in care 2.5 years) but would leave before it: a later year's steering can let
    long-stayers go, not make them."""
    now = int(t.ends[i - 1])
    for year, then in _recorded_years_ahead(t, i, range(PIPELINE_YEARS)):
        open_ = np.flatnonzero(book.open_at(now))
        would_be = long_term(book, open_, then) & (book.pathway[open_] != ADOPT)
        short = int(round(PIPELINE_MARGIN * t.lt_total[year])) - int((would_be & (book.end[open_] > then)).sum())
        if short <= 0:
            continue
        leaving = open_[would_be & (book.end[open_] <= then)
                        & (add_years(book.dob[book.child[open_]], 18) > then + POSTPONE_DAYS[1])]
        postpone(book, rng, rng.permutation(leaving)[:short], then)


def long_term(book: Book, periods: np.ndarray, ye: int) -> np.ndarray:
    dob = book.dob[book.child[periods]]
    return (age_on(dob, ye) < LONG_TERM_AGE) & (months_between(book.start[periods], ye) >= LONG_TERM_MONTHS)


def long_term_swaps(book: Book, rng, prior: np.ndarray, ys: int, ye: int, target: int, quotas: np.ndarray,
                     spare: int) -> tuple[np.ndarray, int]:
    """Bring the number of children under 16 in care for 2.5 years or more to ``target``,
    keeping every age band's count: within a band, one such child leaves during the year
    and one other stays instead, either a child already in care who was going to leave or,
    failing that, an entrant who would have left again within the year (``spare`` of the
    entrants' places are such leavers; the reverse when there are too few long-stayers).
    Returns the bands' places for entrants and the spare leavers left."""
    staying = np.flatnonzero(prior & (book.end > ye))
    gap = int(long_term(book, staying, ye).sum()) - target
    book.notes.setdefault("long_term", []).append((int(collection_year(ye)), target, gap))
    quotas = quotas.copy()
    if gap == 0:
        return quotas, spare
    leaving = postponable(book, prior, ys, ye)
    stay_lt, leave_lt = long_term(book, staying, ye), long_term(book, leaving, ye)
    stay_band, leave_band = band_of(book, staying, ye), band_of(book, leaving, ye)
    out_set, in_set = (stay_lt, ~leave_lt) if gap > 0 else (~stay_lt, leave_lt)
    going, kept, done = [], [], 0
    for b in rng.permutation(4):          # under 16 only
        outs = rng.permutation(staying[out_set & (stay_band == b)])
        ins = rng.permutation(leaving[in_set & (leave_band == b)])
        k = max(min(len(outs), len(ins), abs(gap) - done), 0)
        going += list(outs[:k])
        kept += list(ins[:k])
        done += k
        if gap > 0:                       # entrants who would leave stay instead
            extra = max(min(len(outs) - k, spare, abs(gap) - done), 0)
            going += list(outs[k:k + extra])
            quotas[b] += extra
            spare -= extra
        else:                             # long-stayers stay; fewer entrants in the band
            extra = max(min(len(ins) - k, quotas[b], abs(gap) - done), 0)
            kept += list(ins[k:k + extra])
            quotas[b] -= extra
            spare += extra
        done += extra
    advance(book, rng, np.array(going, int), ys, ye)
    postpone(book, rng, np.array(kept, int), ye)
    return quotas, spare


def long_term_starts(book: Book, rng, ye: int, target: int) -> None:
    """What the swaps leave of the gap to the long-term target, closed by the dates children
    came into care two and a half years ago: a child who came in during the six months after
    the cut-off came in during the six months before it instead (or the reverse), within the
    same collection year, so no year's count of starters changes."""
    open_ = np.flatnonzero(book.open_at(ye))
    young = age_on(book.dob[book.child[open_]], ye) < LONG_TERM_AGE
    is_long = long_term(book, open_, ye)
    gap = int((young & is_long).sum()) - target
    if gap == 0:
        return
    cutoff = _cutoff(ye)
    year_start = int(np.datetime64(f"{collection_year(cutoff) - 1}-04-01").astype("datetime64[D]").astype(np.int64))
    year_end = int(np.datetime64(f"{collection_year(cutoff)}-03-31").astype("datetime64[D]").astype(np.int64))
    earlier = _previous_end(book, open_)
    if gap < 0:       # came in a little earlier: now long-term
        pick = open_[young & ~is_long & (book.start[open_] > cutoff) & (book.start[open_] <= year_end)
                     & (earlier < year_start - 14)]
        pick = rng.permutation(pick)[:-gap]
        low, high = np.full(len(pick), year_start), np.full(len(pick), cutoff)
    else:             # came in a little later: not yet long-term
        pick = open_[young & is_long & (book.start[open_] >= year_start) & (book.start[open_] <= cutoff)]
        pick = rng.permutation(pick)[:gap]
        low, high = np.full(len(pick), cutoff + 1), np.full(len(pick), year_end)
    low = np.maximum(low, book.dob[book.child[pick]] + 1)
    book.start[pick] = low + (rng.random(len(pick)) * np.maximum(high - low + 1, 1)).astype(np.int64)


def _cutoff(ye: int) -> int:
    """The last day a child can have come into care to have been in care 30 whole months
    on ``ye``."""
    day = ye - 915
    while months_between(np.array([day + 1]), ye)[0] >= LONG_TERM_MONTHS:
        day += 1
    while months_between(np.array([day]), ye)[0] < LONG_TERM_MONTHS:
        day -= 1
    return int(day)


def _previous_end(book: Book, periods: np.ndarray) -> np.ndarray:
    """End of each child's period before this one (a very early day when none)."""
    out = np.full(len(periods), np.iinfo(np.int64).min // 2)
    for k, p in enumerate(periods):      # few children have two periods: cheap
        same = np.flatnonzero((book.child == book.child[p]) & (book.start < book.start[p]))
        if len(same):
            out[k] = book.end[same].max()
    return out


def draw_order(rows: np.ndarray) -> np.ndarray:
    """Draw order of the candidates (earlier drawn, earlier taken)."""
    return np.arange(len(rows)) / max(len(rows), 1)


def care_leaver(e: Entrants, rows: np.ndarray) -> np.ndarray:
    """Whether each entrant leaving within the year will be a care leaver: 13 weeks in care
    after their 14th birthday, some of it after their 16th."""
    after_14 = e.end[rows] - np.maximum(e.start[rows], add_years(e.dob[rows], 14))
    return (after_14 >= 91) & (e.end[rows] > add_years(e.dob[rows], 16))


def care_leaver_need(book: Book, t: Targets, i: int):
    """How many more care leavers the coming years' cohorts on record need than the children
    in the book so far will give (as their stays stand), and a function telling which
    entrants leaving within this year would count in one of those short cohorts."""
    gaps = []
    eligible = _eligible_children(book)
    last_end = np.full(len(book.dob), np.iinfo(np.int64).min)
    np.maximum.at(last_end, book.child, book.end)
    # the cohorts whose other members are all in the book already: this year's 17-18 (those
    # leaving at 16-17 now), and the 19-21 of two years on (now 17: later entrants are too young)
    for k, group, (low, high) in ((0, LEAVER_AGES[0], (17, 18)), (2, LEAVER_AGES[1], (19, 21))):
        if i + k >= len(t.years):
            continue
        year = int(t.years[i + k])
        if t.source.get("leavers", {}).get(year) == EXTRAPOLATED or year not in t.leavers:
            continue
        then = int(t.ends[i + k])
        ages = age_on(book.dob[eligible], then)
        have = int(((ages >= low) & (ages <= high) & (last_end[eligible] <= then)).sum())
        gap = int(np.ceil(CARE_LEAVER_MARGIN * t.leavers[year].get(group, {}).get("total", 0))) - have
        if gap > 0:
            gaps.append((then, low, high, gap))

    def useful(e: Entrants, rows: np.ndarray) -> np.ndarray:
        out = np.zeros(len(rows), bool)
        if not len(rows):
            return out
        fits = care_leaver(e, rows)
        for then, low, high, _ in gaps:
            age = age_on(e.dob[rows], then)
            out |= fits & (age >= low) & (age <= high)
        return out
    return useful, sum(g for *_, g in gaps)


def _eligible_children(book: Book) -> np.ndarray:
    """Children who are (or, as their stays stand, will be) care leavers: 13 weeks in care
    after their 14th birthday, some of it after their 16th."""
    dob = book.dob[book.child]
    after_14 = np.maximum(book.end - np.maximum(book.start, add_years(dob, 14)), 0)
    days = np.bincount(book.child, weights=after_14, minlength=len(book.dob))
    after_16 = np.bincount(book.child, weights=book.end > add_years(dob, 16), minlength=len(book.dob)) > 0
    return np.flatnonzero((days >= 91) & after_16)
