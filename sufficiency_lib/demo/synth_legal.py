"""Legal status over each synthetic period of care.

Police protection or emergency protection for days, interim care order (C1) for the length
of proceedings, then a full care order (C2) or, on the adoption pathway, a placement order
(E1; some young long-stayers also get one, revoked later); some section 20 (V2)
accommodations turn into proceedings. Each change becomes a new episode with RNE L (B or T
when the placement changes the same day; see :mod:`sufficiency_lib.demo.synth_episodes`).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sufficiency_lib.demo.synth_basics import (
    ADOPT, C1, C2, E1, J1, J2, J3, L1, L2, LONG, NO_DATE, UASC_STAY, V2, age_on, categorical,
    day_number,
)
from sufficiency_lib.demo.synth_periods import Population

# Legal status at entry by pathway (columns C1, V2, L1, L2, J1, J2, J3): section 20 and
# police protection for short stays, care proceedings for adoption and long-term care.
ENTRY_LS_BY_PATHWAY = np.array([
    [0.12, 0.55, 0.12, 0.08, 0.07, 0.03, 0.03],
    [0.45, 0.45, 0.05, 0.05, 0.00, 0.00, 0.00],
    [0.78, 0.10, 0.04, 0.08, 0.00, 0.00, 0.00],
    [0.70, 0.20, 0.05, 0.05, 0.00, 0.00, 0.00],
    [0.50, 0.40, 0.05, 0.05, 0.00, 0.00, 0.00],
])
ENTRY_LS_COLUMNS = np.array([C1, V2, L1, L2, J1, J2, J3])
PROCEEDINGS_MEDIAN_DAYS = 290        # issue to final order: Cafcass/MoJ average about 41 weeks
PO_NOT_ADOPTED_SHARE = 0.25          # young long-stayers whose placement order ends unused ...
PO_REVOKED_AFTER_DAYS = (365, 1460)  # ... and is revoked (care order) one to four years on
EMERGENCY_ORDER_MAX_DAYS = 8         # police protection 72 hours, EPO up to 8 days
# Section 20 accommodations turning into care proceedings, by pathway (SHORT .. UASC_STAY),
# some weeks to years after entry.
V2_TO_C1_BY_PATHWAY = np.array([0.0, 0.10, 0.0, 0.25, 0.40, 0.0])
V2_TO_C1_MEAN_DAYS = 500


@dataclass
class Legal:
    """Legal-status events (the first of each period at its start) and dates of orders."""

    period: np.ndarray
    day: np.ndarray
    status: np.ndarray
    entry: np.ndarray          # status at entry, per period
    order_day: np.ndarray      # placement order (E1) date per period, NO_DATE if none


def simulate_legal(rng: np.random.Generator, pop: Population) -> Legal:
    """Legal status over each period: entry status by pathway, emergency orders giving way
    to proceedings, interim care orders ending in a care order or a placement order."""
    n = len(pop.start)
    path = pop.pathway
    weights = ENTRY_LS_BY_PATHWAY[np.minimum(path, LONG)].copy()
    young = age_on(pop.dob[pop.child], pop.start) < 10
    weights[young, 4:] = 0                                  # youth justice only from age 10
    entry = ENTRY_LS_COLUMNS[categorical(rng, weights)]
    entry = np.where(path == UASC_STAY, V2, entry)
    events = [(np.arange(n), pop.start, entry)]

    emergency = np.isin(entry, (L1, L2))
    ends_emergency = pop.start + rng.integers(1, EMERGENCY_ORDER_MAX_DAYS + 1, n)
    after_emergency = np.where(rng.random(n) < 0.7, C1, V2)
    events.append((np.flatnonzero(emergency), ends_emergency[emergency], after_emergency[emergency]))

    convert_day = pop.start + 60 + rng.exponential(V2_TO_C1_MEAN_DAYS, n).astype(np.int64)
    convert_share = V2_TO_C1_BY_PATHWAY[path]
    converts = (entry == V2) & (rng.random(n) < np.minimum(convert_share, 0.95))
    events.append((np.flatnonzero(converts), convert_day[converts], np.full(int(converts.sum()), C1)))

    proceedings_start = np.where(emergency, ends_emergency, np.where(converts, convert_day, pop.start))
    on_c1 = (entry == C1) | (emergency & (after_emergency == C1)) | converts
    adoption = path == ADOPT
    length = PROCEEDINGS_MEDIAN_DAYS * np.exp(0.25 * rng.standard_normal(n))
    final_day = proceedings_start + np.maximum(length.round(), 30).astype(np.int64)
    final_day = np.where(adoption, np.minimum(final_day, pop.end - 60), final_day)
    final_day = np.maximum(final_day, proceedings_start + 14)
    # some young children in long-term care get a placement order that is later revoked
    unplaced = ((path == LONG) & (age_on(pop.dob[pop.child], pop.start) < 5)
                & (rng.random(n) < PO_NOT_ADOPTED_SHARE))
    final = np.where(adoption | unplaced, E1, C2)
    gets_order = on_c1 & (final_day < pop.end)
    events.append((np.flatnonzero(gets_order), final_day[gets_order], final[gets_order]))
    revoked = gets_order & unplaced
    revoke_day = final_day + rng.integers(*PO_REVOKED_AFTER_DAYS, n)
    events.append((np.flatnonzero(revoked), revoke_day[revoked], np.full(int(revoked.sum()), C2)))

    period, day, status = (np.concatenate(x) for x in zip(*events))
    inside = day < pop.end[period]
    period, day, status = period[inside], day[inside], status[inside]
    order = np.lexsort((day, period))
    order_day = np.where(gets_order & adoption, final_day, NO_DATE)
    return Legal(period[order], day[order], status[order], entry, order_day)


def status_on(legal: Legal, period: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Legal status of each (period, day): the last status event on or before the day."""
    key = legal.period.astype(np.int64) * 200_000 + (legal.day - day_number("1900-01-01"))
    query = period.astype(np.int64) * 200_000 + (day - day_number("1900-01-01"))
    return legal.status[np.searchsorted(key, query, side="right") - 1]
