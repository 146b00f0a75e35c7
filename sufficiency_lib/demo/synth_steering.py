"""Year by year, who enters care and who leaves, so the numbers at 31 March are the targets.

In each year the return holds, the steering meets, exactly where the figures allow:

* the number in care and the UASC among them at 31 March;
* the age bands at 31 March: when the children already in care would leave a band too
  full, those nearest to leaving anyway leave a little earlier; entrants fill each band's
  remaining places (and entrants who leave again within the year come on top);
* the children starting to be looked after (distinct children) and ceasing: the difference
  between the two and the change in the number in care is made by children who leave and
  come back within the same year (counted once among the starters, as DfE counts them);
* children under 16 looked after for at least two and a half years (DfE's long-term
  stability population), and enough children kept for those of coming years, and future
  care leavers among those who leave again within the year (:mod:`~sufficiency_lib.demo.synth_supply`);
* children adopted during the year, and boys at 31 March.

Burn-in years before the first written one only follow the numbers in care and UASC.
Leaving "a little earlier" or "later" moves a period's end within the year or a few months
past 31 March; the child's story (:mod:`sufficiency_lib.demo.synth_legal` and the
placements) is built on the periods after they are settled.
"""
from __future__ import annotations

import numpy as np

from sufficiency_lib.demo.synth_basics import ADOPT, YEAR, add_years, age_band, age_on, random_stream
from sufficiency_lib.demo.synth_knobs import Knobs
from sufficiency_lib.demo.synth_periods import (
    MIN_ENTRY_RATE, NO_RETURNEES, PRE_HISTORY_YEARS, Book, Entrants, Population, advance, band_of,
    concat_entrants, draw_entrants, postpone, postponable, set_boys, steer,
)
from sufficiency_lib.demo.synth_published import REASONS
from sufficiency_lib.demo.synth_supply import (
    care_leaver, care_leaver_need, draw_order, future_long_term, long_term, long_term_pipeline, long_term_starts,
    long_term_swaps,
)
from sufficiency_lib.demo.synth_targets import EXTRAPOLATED, Targets
from sufficiency_lib.ssda903 import groupings

BANDS = 5
RETURN_GAP_DAYS = (14, 75)        # a child who left comes back two weeks to ten weeks later
MAX_DRAWN = 60                    # candidates drawn per entrant needed, at most
UASC_LEAVING_SHARE = 0.1          # UASC entrants who leave again within the year, when starts allow
ADOPTION_MIN_DAYS = 365          # entry to adoption order, at the soonest
ADOPTION_PULL_DAYS = 183         # an adoption comes forward by at most about six months
LEAVER_CHOICE = 2.0              # candidates drawn per entrant wanted to leave within the year
CARE_LEAVER_PREFERENCE = 1.0    # entrants leaving within the year: future care leavers taken first, a little
CARE_LEAVER_SHARE = 0.3         # of the entrants leaving within the year, at most this share so chosen
CARE_LEAVER_SEARCH = 6           # ... among at most this many candidates per entrant
ENTRANTS_LEAVING_SHARE = 0.3      # of the year's entrants, those who leave again within it (at least)


def simulate_periods(seed: int, code: str, t: Targets, knobs: Knobs, exact: bool = True) -> Population:
    """Periods of care year by year, steered to the targets (``exact=False``: only the
    numbers in care and UASC, so calibration passes see the model's own tendencies)."""
    book = Book()
    for i, year_start in enumerate(t.starts_days):
        rng = random_stream(seed, code, 1, i)
        year = int(t.years[i])
        returnees = book.returnees(rng, year_start)
        if exact and i > 0 and t.written[0] <= year <= t.written[1]:
            _exact_year(book, rng, t, i, knobs, returnees)
        else:
            _natural_year(book, rng, t, i, knobs, returnees)
    return book.population()


def _draw(rng, t: Targets, i: int, knobs: Knobs, uasc: bool, male_share: float, returnees, spread: int = 0):
    year_end = t.ends[i]

    def draw(n):
        e = draw_entrants(rng, n, t.starts_days[i], spread, uasc, knobs, male_share,
                          NO_RETURNEES if uasc else returnees)
        return e, e.end > year_end
    return draw


def _natural_year(book: Book, rng, t: Targets, i: int, knobs: Knobs, returnees) -> None:
    """Entrants drawn until the numbers in care and UASC at 31 March are the targets."""
    spread = int(PRE_HISTORY_YEARS * YEAR) if i == 0 else 0
    year_end = t.ends[i]
    for uasc in (True, False):
        target = t.uasc[i] if uasc else t.cla[i] - t.uasc[i]
        open_ = book.open_at(year_end)
        in_care = int((book.uasc[book.child[open_]] == uasc).sum())
        male_share = t.uasc_male if uasc else _male_share(t, i)
        draw = _draw(rng, t, i, knobs, uasc, male_share, returnees, spread)
        new, alive = steer(rng, int(round(target)) - in_care, MIN_ENTRY_RATE * target, draw)
        if not uasc:
            boys = int(book.male[book.child[open_]].sum())
            set_boys(rng, new, alive, int(round(t.male[i])) - boys)
        book.add(new, uasc)


def _male_share(t: Targets, i: int) -> float:
    """Boys among non-UASC entrants so that boys at 31 March can match the year's target."""
    n, u = t.cla[i], t.uasc[i]
    share = (t.male[i] - t.uasc_male * u) / max(n - u, 1) if t.male[i] else 0.56
    return float(np.clip(share, 0.3, 0.8))


def _exact_year(book: Book, rng, t: Targets, i: int, knobs: Knobs, returnees) -> None:
    """One written year: UASC, then everyone else by age band, the year's flows, entrants."""
    year = int(t.years[i])
    ys, ye = int(t.starts_days[i]), int(t.ends[i])
    stock_before = int(((book.start < ys) & (book.end >= ys)).sum())
    uasc_draw, uasc_starts = _uasc_year(book, rng, t, i, knobs, returnees)
    nu_prior = (book.start < ys) & (book.end >= ys) & ~book.uasc[book.child]
    keep = future_long_term(book, t, i)
    quotas, lt_gap = _fit_bands(book, rng, t, i, nu_prior, keep)
    starts = int(t.starts.get(year, 0)) - uasc_starts
    returners = max(int(t.ceases.get(year, 0)) - int(t.starts.get(year, 0)) + (int(t.cla[i]) - stock_before), 0)
    leavers = starts + returners - int(quotas.sum())
    wanted_leavers = max(returners, int(round(ENTRANTS_LEAVING_SHARE * starts)))
    if leavers < wanted_leavers:   # too few starts for the places: some who would leave stay on
        quotas = _postpone_for(book, rng, nu_prior, ys, ye, quotas, wanted_leavers - leavers, lt_gap, keep)
        leavers = starts + returners - int(quotas.sum())
    spare = leavers - returners
    # adoptions shape the years after: steered only to figures on record
    if year in t.adopted and t.source.get("adopted", {}).get(year) != EXTRAPOLATED:
        quotas, spare = _adoption_swaps(book, rng, nu_prior, ys, ye, int(t.adopted[year]), quotas, spare)
    if year in t.lt_total:         # after the adoptions: a child kept waiting may be long-term
        quotas, spare = long_term_swaps(book, rng, nu_prior, ys, ye, int(t.lt_total[year]), quotas, spare)
        long_term_starts(book, rng, ye, int(t.lt_total[year]))
    leavers = spare + returners
    returners = int(np.clip(min(returners, leavers), 0, None))
    leavers -= _uasc_leavers(book, rng, t, year, uasc_draw, uasc_starts, max(leavers - returners, 0))
    draw = _draw(rng, t, i, knobs, False, _male_share(t, i), returnees)
    useful, short = care_leaver_need(book, t, i)
    new, alive = _fill(draw, quotas, max(leavers, 0), ye, useful, short)
    same_as = _pair_returners(rng, new, alive, returners, ye)
    fixed_boys = int(book.male[book.child[book.open_at(ye)]].sum())
    set_boys(rng, new, alive, int(round(t.male[i])) - fixed_boys, fresh_only=same_as < 0)
    book.add(new, False, same_as)
    if i + 1 < len(t.years):
        long_term_pipeline(book, rng, t, i + 1)


def _uasc_year(book: Book, rng, t: Targets, i: int, knobs: Knobs, returnees):
    """UASC in care at 31 March brought to the target: those already in care and nearest
    to 18 leave early if there are too many, entrants fill the rest. Returns the UASC draw
    (for those who leave again within the year) and the UASC entrants' number."""
    ys, ye = int(t.starts_days[i]), int(t.ends[i])
    prior_uasc = (book.start < ys) & (book.end >= ys) & book.uasc[book.child]
    alive_u = np.flatnonzero(prior_uasc & (book.end > ye))
    excess = len(alive_u) - int(t.uasc[i])
    if excess > 0:
        advance(book, rng, alive_u[np.argsort(book.end[alive_u], kind="stable")[:excess]], ys, ye)
    need = max(int(t.uasc[i]) - int((prior_uasc & (book.end > ye)).sum()), 0)
    uasc_draw = _draw(rng, t, i, knobs, True, t.uasc_male, returnees)
    book.add(_fill_any(uasc_draw, need, 0)[0], True)
    return uasc_draw, need


def _uasc_leavers(book: Book, rng, t: Targets, year: int, uasc_draw, uasc_starts: int, room: int) -> int:
    """UASC who leave again within the year (age assessed as adults, moved on): DfE's number
    assessed as 18 or over where it is published, within the room the starts leave."""
    assessed = t.reasons.get(year)
    early = (int(assessed[REASONS.index(groupings.DFE_REASON_CEASED["E15"])]) if assessed is not None
             else int(rng.binomial(uasc_starts, UASC_LEAVING_SHARE)))
    count = min(early, room)
    if count:
        book.add(_fill_any(uasc_draw, 0, count)[0], True)
    return count


def _fit_bands(book: Book, rng, t: Targets, i: int, nu_prior: np.ndarray, keep) -> tuple[np.ndarray, int]:
    """Children other than UASC in each age band at 31 March: where those already in care
    would leave a band too full, those nearest to leaving go a little earlier (long-stayers
    first or last as the year's long-term figure wants; children waiting for adoption and
    coming years' long-term children last). Returns the places left for entrants per band
    and the gap to the long-term figure."""
    year = int(t.years[i])
    ys, ye = int(t.starts_days[i]), int(t.ends[i])
    wanted = t.at("age", year)
    uasc_bands = np.bincount(band_of(book, np.flatnonzero(book.open_at(ye) & book.uasc[book.child]), ye),
                             minlength=BANDS)
    prior = (book.start < ys) & (book.end >= ys)
    wanted = np.maximum(np.asarray(wanted if wanted is not None else _natural_bands(book, prior, ye, t.cla[i]),
                                   float) - uasc_bands, 0).astype(int)
    survivors = np.flatnonzero(nu_prior & (book.end > ye))
    bands = band_of(book, survivors, ye)
    lt_gap = int(long_term(book, survivors, ye).sum()) - int(t.lt_total[year]) if year in t.lt_total else 0
    for b in range(BANDS):
        in_band = survivors[bands == b]
        excess = len(in_band) - wanted[b]
        if excess > 0:
            key = np.log1p(book.end[in_band] - ye) - 0.5 * np.log(-np.log(rng.random(len(in_band))))
            key -= np.sign(lt_gap) * 3.0 * long_term(book, in_band, ye)
            key += 6.0 * (book.pathway[in_band] == ADOPT) + 3.0 * keep(in_band)
            advance(book, rng, in_band[np.argsort(key, kind="stable")[:excess]], ys, ye)
    survivors = np.flatnonzero(nu_prior & (book.end > ye))
    return np.maximum(wanted - np.bincount(band_of(book, survivors, ye), minlength=BANDS), 0), lt_gap


def _natural_bands(book: Book, prior: np.ndarray, ye: int, total: float) -> np.ndarray:
    """Age bands at 31 March without a target: those staying on, entrants in proportion."""
    staying = np.bincount(band_of(book, np.flatnonzero(prior & (book.end > ye)), ye), minlength=BANDS)
    extra = max(total - staying.sum(), 0)
    return staying + np.round(extra * np.array([0.25, 0.2, 0.15, 0.25, 0.15]))


def _postpone_for(book: Book, rng, prior, ys, ye, quotas: np.ndarray, count: int, lt_gap: int = 0,
                  keep=None) -> np.ndarray:
    """Keep ``count`` leavers in care past 31 March, from bands still needing children
    (long-stayers first when there are too few of them, last when too many); returns the
    bands' remaining places."""
    candidates = postponable(book, prior, ys, ye)
    bands = band_of(book, candidates, ye)
    quotas = quotas.copy()
    chosen = []
    key = rng.random(len(candidates)) + np.sign(lt_gap) * long_term(book, candidates, ye)
    if keep is not None:
        key -= 1.5 * keep(candidates)
    for k in np.argsort(key, kind="stable"):
        if len(chosen) >= count:
            break
        if quotas[bands[k]] > 0:
            quotas[bands[k]] -= 1
            chosen.append(candidates[k])
    postpone(book, rng, np.array(chosen, int), ye)
    return quotas


def _adoption_swaps(book: Book, rng, prior: np.ndarray, ys: int, ye: int, target: int, quotas: np.ndarray,
                    spare: int) -> tuple[np.ndarray, int]:
    """Bring the children adopted during the year to ``target``: a child on the adoption
    pathway whose adoption would fall in the year waits until after 31 March (one fewer
    entrant of its age band stays in care), or one whose adoption would come within six
    months comes before 31 March (one more entrant stays). Adoption comes at least
    ADOPTION_MIN_DAYS after entering care."""
    quotas = quotas.copy()
    adopt = prior & (book.pathway == ADOPT) & (book.end < add_years(book.dob[book.child], 18))
    leaving = np.flatnonzero(adopt & (book.end >= ys) & (book.end <= ye))
    gap = len(leaving) - target
    if gap > 0:
        chosen = []
        for k in leaving[np.argsort(-book.end[leaving], kind="stable")]:
            b = band_of(book, np.array([k]), ye)[0]
            if len(chosen) < gap and quotas[b] > 0:
                quotas[b] -= 1
                chosen.append(k)
        postpone(book, rng, np.array(chosen, int), ye)
        spare += len(chosen)
    elif gap < 0:
        waiting = np.flatnonzero(adopt & (book.end > ye) & (book.end <= ye + ADOPTION_PULL_DAYS)
                                 & (book.start <= ye - ADOPTION_MIN_DAYS))
        waiting = waiting[np.argsort(book.end[waiting], kind="stable")][: min(-gap, max(spare, 0))]
        bands = band_of(book, waiting, ye)
        low = np.maximum(ys, book.start[waiting] + ADOPTION_MIN_DAYS)
        book.end[waiting] = low + (rng.random(len(waiting)) * np.maximum(ye - low + 1, 1)).astype(np.int64)
        np.add.at(quotas, bands, 1)
        spare -= len(waiting)
    return quotas, spare


def _fill(draw, quotas: np.ndarray, leavers: int, ye: int, useful=None, short: int = 0) -> tuple[Entrants, np.ndarray]:
    """Entrants drawn until each band has its survivors at 31 March and ``leavers`` more
    have left again within the year, ``short`` of those leavers (where the draws allow)
    young people ``useful`` tells will fill a coming year's care leavers; candidates beyond
    those are not taken."""
    batches, got, gone, found, drawn = [], np.zeros(BANDS, int), 0, 0, 0
    limit = MAX_DRAWN * (int(quotas.sum()) + leavers) + 1000
    wanted_gone = int(np.ceil(LEAVER_CHOICE * leavers))
    short = min(short, int(CARE_LEAVER_SHARE * leavers))
    search = CARE_LEAVER_SEARCH * (int(quotas.sum()) + leavers) + 200
    while ((got < quotas).any() or gone < wanted_gone or (found < short and drawn < search)) and drawn < limit:
        batch, alive = draw(max(2 * (int(np.maximum(quotas - got, 0).sum()) + max(wanted_gone - gone, 0)), 32))
        band = age_band(age_on(batch.dob, ye))
        batches.append((batch, alive, band))
        got += np.bincount(band[alive], minlength=BANDS)
        gone += int((~alive).sum())
        if short and useful is not None:
            found += int(useful(batch, np.flatnonzero(~alive)).sum())
        drawn += len(alive)
    if not batches:
        return draw(0)
    entrants = concat_entrants([b for b, _, _ in batches])
    alive = np.concatenate([a for _, a, _ in batches])
    band = np.concatenate([b for _, _, b in batches])
    counted = (band[:, None] == np.arange(BANDS)) & alive[:, None]
    before = (np.cumsum(counted, axis=0) - counted)[np.arange(len(band)), band]
    gone_rows = np.flatnonzero(~alive)        # of those who leave again, young people who will be
    key = draw_order(gone_rows) - CARE_LEAVER_PREFERENCE * care_leaver(entrants, gone_rows)   # care leavers first
    if short and useful is not None:          # ... and first of all those a coming year is short of
        needed = useful(entrants, gone_rows)
        key -= 2.0 * (needed & (np.cumsum(needed) <= short))
    chosen = np.zeros(len(alive), bool)
    chosen[gone_rows[np.argsort(key, kind="stable")[:leavers]]] = True
    keep = np.where(alive, before < quotas[band], chosen)
    return entrants.take(keep), alive[keep]


def _fill_any(draw, survivors: int, leavers: int) -> tuple[Entrants, np.ndarray]:
    """Entrants drawn until ``survivors`` are in care at 31 March and ``leavers`` have left."""
    batches, got, gone = [], 0, 0
    while got < survivors or gone < leavers:
        batch, alive = draw(max(2 * (max(survivors - got, 0) + max(leavers - gone, 0)), 16))
        batches.append((batch, alive))
        got, gone = got + int(alive.sum()), gone + int((~alive).sum())
    if not batches:
        return draw(0)
    entrants = concat_entrants([b for b, _ in batches])
    alive = np.concatenate([a for _, a in batches])
    keep = np.where(alive, np.cumsum(alive) <= survivors, np.cumsum(~alive) <= leavers)
    return entrants.take(keep), alive[keep]


def _pair_returners(rng, e: Entrants, alive: np.ndarray, count: int, ye: int) -> np.ndarray:
    """``count`` entrants who left within the year come back before 31 March: each takes
    the place of a new survivor of the same age band (that period becomes theirs, starting
    a few weeks after they left). Returns ``same_as`` for :meth:`Book.add`."""
    same_as = np.full(len(alive), -1)
    if count <= 0:
        return same_as
    band = age_band(age_on(e.dob, ye))
    left = rng.permutation(np.flatnonzero(~alive & (e.child < 0) & (e.end <= ye - 30)))
    free = np.flatnonzero(alive & (e.child < 0))
    taken = np.zeros(len(alive), bool)
    paired = 0
    for j in left:
        if paired >= count:
            break
        fits = free[(band[free] == band[j]) & ~taken[free] & (e.end[free] < add_years(e.dob[j], 18))]
        if not len(fits):
            continue
        k = fits[rng.integers(len(fits))]
        gap = rng.integers(*RETURN_GAP_DAYS)
        e.start[k] = min(e.end[j] + gap, ye - 7)
        e.dob[k], e.male[k] = e.dob[j], e.male[j]
        taken[k] = True
        same_as[k] = j
        paired += 1
    return same_as
