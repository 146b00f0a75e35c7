"""Legal status at 31 March fitted to the targets, then told as one story per period of care.

The natural legal histories (:func:`~sufficiency_lib.demo.synth_legal.simulate_legal`) give
each child's status at every 31 March. In each year with a target, the statuses of the
children in care that day are re-chosen (:func:`~sufficiency_lib.demo.synth_allocate.allocate`)
so that the counts are the target's: each child keeps its natural status where it can and
otherwise takes one its story allows. Statuses only move forward (police protection, then
section 20, then an interim care order, then a full care order or a placement order; a
placement order may be revoked into a care order, and a care order followed by a placement
order), UASC stay on section 20, a full care order takes some weeks after entry, placement
orders are for young children. The periods whose status changed are then rebuilt: the
transitions are dated between the 31 Marches they fall between, and children adopted leave
from a placement order.
"""
from __future__ import annotations

import numpy as np

from sufficiency_lib.demo.synth_allocate import allocate
from sufficiency_lib.demo.synth_basics import (
    ADOPT, C1, C2, E1, HOME, J1, J2, J3, L1, L2, LONG, NO_DATE, SHORT, V2, add_years, age_on,
)
from sufficiency_lib.demo.synth_legal import Legal, status_on
from sufficiency_lib.demo.synth_periods import Population, periods_open_on
from sufficiency_lib.demo.synth_targets import Targets

#: The targets' categories (synth_published.LEGAL_KEYS) as the legal-status indices they stand for.
CATEGORY_STATUS = np.array([C1, C2, E1, V2, J1, L1])
_CATEGORY_OF = {C1: 0, C2: 1, E1: 2, V2: 3, J1: 4, J2: 4, J3: 4, L1: 5, L2: 5}
_RANK = np.array([2, 3, 3, 1, 1, 0])          # C1, C2, E1, V2, J, L
OTHER_WEIGHT = 0.15                            # a status the story allows, not the natural one
MIN_FULL_ORDER_DAYS = 45                       # entry to a full care order, at the soonest
MIN_PLACEMENT_ORDER_DAYS = 90
ADOPTION_ORDER_LEAD_DAYS = 60                  # placement order at least this long before adoption


def category(status: np.ndarray) -> np.ndarray:
    """Target category of legal-status indices (-1 for short breaks)."""
    lookup = np.full(16, -1)
    for code, cat in _CATEGORY_OF.items():
        lookup[code] = cat
    return lookup[status]


def fit_legal(rng: np.random.Generator, pop: Population, legal: Legal, t: Targets) -> Legal:
    """Legal statuses with the targets' counts at 31 March of every written year."""
    n = len(pop.start)
    prev = np.full(n, -1)            # category at the previous 31 March (-1: not in care then)
    runs = np.zeros(n, int)          # 31 Marches in a row on an interim care order
    snapshots, changed = [], np.zeros(n, bool)
    for i, ye in enumerate(t.ends):
        periods = np.flatnonzero(periods_open_on(pop, ye))
        natural = category(status_on(legal, periods, np.full(len(periods), ye)))
        target = t.at("legal", int(t.years[i]))
        if target is None:
            chosen = np.where((prev[periods] >= 0) & (_RANK[natural] < _RANK[np.maximum(prev[periods], 0)]),
                              prev[periods], natural)
        else:
            weights = _weights(pop, periods, natural, prev[periods], runs[periods], ye)
            chosen = allocate(weights, np.asarray(target, float), rng)
        changed[periods[chosen != natural]] = True
        runs[periods] = np.where(chosen == 0, runs[periods] + 1, 0)
        prev[:] = -1
        prev[periods] = chosen
        snapshots.append((ye, periods, chosen))
    return _rebuild(rng, pop, legal, snapshots, changed)


def _weights(pop: Population, periods: np.ndarray, natural: np.ndarray, prev: np.ndarray, runs: np.ndarray,
             ye: int) -> np.ndarray:
    """(periods x 6) weights: 1 for the natural status, OTHER_WEIGHT (or less) for statuses
    the child's story allows, 0 for the rest."""
    m = len(periods)
    path = pop.pathway[periods]
    dob = pop.dob[pop.child[periods]]
    age = age_on(dob, ye)
    days = ye - pop.start[periods]
    uasc = pop.uasc[pop.child[periods]]
    w = np.full((m, 6), OTHER_WEIGHT)
    new = prev < 0
    rank_prev = np.where(new, -1, _RANK[np.maximum(prev, 0)])
    w[_RANK[None, :] < rank_prev[:, None]] = 0                     # no going back ...
    w[(prev == 2), 1] = np.where(path[prev == 2] == ADOPT, 0, 0.1)  # ... but a placement order revoked
    w[(prev == 1), 2] = np.where(age[prev == 1] < 10, 0.05, 0)      # or one made after a care order
    w[:, 5] = np.where(natural == 5, 1, 0)                          # police protection: days only
    w[:, 4] = np.where(natural == 4, 1, np.where((prev == 4), 0.1, 0))
    w[:, 1] *= np.where(new & (days < MIN_FULL_ORDER_DAYS), 0, 1)
    w[:, 2] *= np.where((age >= 10) | (new & (days < MIN_PLACEMENT_ORDER_DAYS)), 0,
                        np.where(path == ADOPT, 8.0, np.where(age < 5, 0.2, 0.05)))
    w[:, 0] *= np.where(runs >= 2, 0.05, np.where(age >= 16, 0.3, 1.0))   # proceedings rarely pass two years
    w[:, 3] *= np.where(path == ADOPT, 0.2, np.where(np.isin(path, (SHORT, HOME)) | (age >= 13), 1.5, 1.0))
    w[:, 1] *= np.where(path == LONG, 1.5, 1.0)
    w[np.arange(m), natural] = np.where(w[np.arange(m), natural] > 0, 1.0, 0.0)
    w[uasc] = 0
    w[uasc, 3] = 1.0                                                 # UASC: section 20
    return w


def _rebuild(rng, pop: Population, legal: Legal, snapshots: list, changed: np.ndarray) -> Legal:
    """The periods whose status at some 31 March changed, told again from their statuses
    on those days; the others keep their natural history."""
    anchors: dict[int, list] = {int(p): [] for p in np.flatnonzero(changed)}
    for ye, periods, chosen in snapshots:
        pick = changed[periods]
        for p, c in zip(periods[pick], chosen[pick]):
            anchors[int(p)].append((int(ye), int(c)))
    keep = ~changed[legal.period]
    parts = [(legal.period[keep], legal.day[keep], legal.status[keep])]
    starts = np.searchsorted(legal.period, np.arange(len(pop.start)))
    stops = np.searchsorted(legal.period, np.arange(len(pop.start)), side="right")
    for p, points in anchors.items():
        natural = list(zip(legal.day[starts[p]:stops[p]], legal.status[starts[p]:stops[p]]))
        days, statuses = _story(rng, pop, p, points, natural)
        parts.append((np.full(len(days), p), np.array(days, np.int64), np.array(statuses, np.int64)))
    period, day, status = (np.concatenate(x) for x in zip(*parts))
    order = np.lexsort((day, period))
    period, day, status = period[order], day[order], status[order]
    repeat = np.append(False, (period[1:] == period[:-1]) & (status[1:] == status[:-1]))
    period, day, status = period[~repeat], day[~repeat], status[~repeat]      # no change, no event
    entry = status[np.searchsorted(period, np.arange(len(pop.start)))]
    e1 = np.where(status == E1, day, np.iinfo(np.int64).max)
    first_e1 = np.full(len(pop.start), np.iinfo(np.int64).max)
    np.minimum.at(first_e1, period, e1)
    order_day = np.where((first_e1 < np.iinfo(np.int64).max) & (pop.pathway == ADOPT), first_e1, NO_DATE)
    return Legal(period, day, status, entry, order_day)


def _story(rng, pop: Population, p: int, points: list, natural: list) -> tuple[list, list]:
    """(days, statuses) of one period: entry, the statuses at each 31 March in care
    (``points``, as categories), the dated steps between, and after the last 31 March the
    natural steps that still fit."""
    start, end = int(pop.start[p]), int(pop.end[p])
    first = points[0][1]
    entry = int(natural[0][1])
    entry_cat = _CATEGORY_OF.get(entry, 3)
    if _RANK[entry_cat] > _RANK[first] or (entry_cat == 4 and first not in (4, 3, 0)) or entry_cat == 2:
        entry = int(CATEGORY_STATUS[first]) if first in (0, 3, 4, 5) else C1
    days, statuses = [start], [entry]
    current, day = _CATEGORY_OF[entry], start
    for when, cat in points:
        for step_day, step in _steps(rng, current, cat, day, when, emergency=day == start and current == 5):
            days.append(step_day)
            statuses.append(int(CATEGORY_STATUS[step]) if step not in (4, 5) else statuses[-1])
        current, day = cat, when
    for when, status in natural:
        cat = _CATEGORY_OF.get(int(status), -1)
        if when > day and cat >= 0 and cat != current and _allowed_after(current, cat) and when < end:
            for step_day, step in _steps(rng, current, cat, day, int(when), emergency=False):
                days.append(step_day)
                statuses.append(int(status) if step == cat else int(CATEGORY_STATUS[step]))
            current, day = cat, int(when)
    if pop.pathway[p] == ADOPT and current != 2 and end < add_years(pop.dob[pop.child[p]], 18):
        latest = end - ADOPTION_ORDER_LEAD_DAYS
        if latest > day + 14:
            for step_day, step in _steps(rng, current, 2, day, latest, emergency=False):
                days.append(step_day)
                statuses.append(int(CATEGORY_STATUS[step]))
    return _lawful(days, statuses)


def _lawful(days: list, statuses: list) -> tuple[list, list]:
    """No full care order or placement order straight after section 20, police protection
    or remand: an interim care order comes between (a day before, or instead of the earlier
    status when they fall on consecutive days)."""
    out_days, out = [days[0]], [statuses[0]]
    for when, status in zip(days[1:], statuses[1:]):
        if when <= out_days[-1]:
            continue
        if _CATEGORY_OF.get(status) in (1, 2) and _CATEGORY_OF.get(out[-1]) in (3, 4, 5):
            if when - 1 > out_days[-1]:
                out_days.append(when - 1)
                out.append(C1)
            elif len(out) > 1:
                out[-1] = C1
            else:
                status = C1
        out_days.append(when)
        out.append(status)
    return out_days, out


def _allowed_after(current: int, cat: int) -> bool:
    if (current, cat) in ((2, 1), (1, 2)):
        return True
    return _RANK[cat] > _RANK[current] and cat not in (4, 5)


def _steps(rng, a: int, b: int, after: int, by: int, emergency: bool) -> list[tuple[int, int]]:
    """Dated steps from category ``a`` (on ``after``) to ``b`` (by ``by``), through an
    interim care order where the law needs one."""
    if a == b:
        return []
    chain = {(3, 1): [0, 1], (3, 2): [0, 2], (5, 1): [0, 1], (5, 2): [0, 2], (4, 1): [0, 1], (4, 2): [0, 2]}
    path = chain.get((a, b), [b])
    span = max(by - after, 1)
    if emergency:                       # police protection lasts days
        first = after + int(rng.integers(1, 9))
        rest = np.sort(rng.integers(min(first + 14, by), by + 1, len(path) - 1)) if len(path) > 1 else []
        when = [first, *rest]
    else:
        lo = after + min(14, span // 3) + 1
        when = np.sort(rng.integers(min(lo, by), by + 1, len(path)))
    m = len(path)
    when = np.maximum.accumulate(np.asarray(when, np.int64) + np.arange(m))   # one day apart at least
    when = np.minimum(when, by - (m - 1 - np.arange(m)))                      # ... and all by ``by``
    return [(int(d), step) for d, step in zip(when, path) if d > after]
