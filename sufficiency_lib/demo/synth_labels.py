"""What each placement, child and period is labelled with, fitted to 31 March year by year.

A placement's type and provider, whether it is inside the authority and how far from home,
a child's ethnicity and a period's category of need are drawn naturally (by age, sex, type
of placement, UASC) and then, in each written year, chosen for the placements, children
and periods *new since the previous 31 March* so that the counts on 31 March are the
targets (those already counted a year before keep their labels: a placement does not change
type, nor a child ethnicity). The placements made during the year that have ended by 31
March take the location left over by DfE's figures for the year's new placements.

Types keep to the story: supported accommodation from 16, children's homes mostly from 10,
placements for adoption and with parents only where scheduled (they keep their type), UASC
mostly in foster care or supported accommodation. Where the statement gives the share of
boys in a grouping, or where its UASC are placed, the types are chosen to those figures too
(:mod:`sufficiency_lib.demo.synth_traits`), DfE's counts first.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sufficiency_lib.demo.synth_allocate import allocate, free_counts
from sufficiency_lib.demo.synth_basics import (
    ADOPTION, CHILDRENS_HOME, CONNECTED, GROUPS, IFA, IN_HOUSE, OTHER_PL, OTHER_RES, PARENTS, SCHOOL, SECURE,
    SUPPORTED, age_on,
)
from sufficiency_lib.demo.synth_periods import Population, periods_open_on
from sufficiency_lib.demo.synth_placements import Moves, placement_on
from sufficiency_lib.demo.synth_published import ETHNIC_GROUPS, LOCATIONS, NEW_LOCATIONS, PROVIDERS
from sufficiency_lib.demo.synth_targets import DFE, Targets
from sufficiency_lib.demo.synth_traits import allocate_with_traits, trait_wants

#: (placement type, provider) cells a placement can take; providers index PROVIDERS.
PR0, PR1, PR2, PR3, PR4, PR5, NONE = range(7)
CELLS = [(IN_HOUSE, PR1), (IN_HOUSE, PR2), (CONNECTED, PR1), (IFA, PR4), (IFA, PR5),
         (CHILDRENS_HOME, PR1), (CHILDRENS_HOME, PR4), (CHILDRENS_HOME, PR5), (CHILDRENS_HOME, PR2),
         (SECURE, PR1), (SECURE, PR2), (SUPPORTED, PR1), (SUPPORTED, PR4), (SUPPORTED, PR5), (SUPPORTED, PR2),
         (PARENTS, PR0), (ADOPTION, PR1), (ADOPTION, PR2), (ADOPTION, PR5), (SCHOOL, PR4), (SCHOOL, PR5),
         (SCHOOL, PR3), (OTHER_RES, PR3), (OTHER_RES, PR4), (OTHER_RES, PR1), (OTHER_PL, NONE), (OTHER_PL, PR4)]
CELL_GROUP = np.array([g for g, _ in CELLS])
CELL_PROVIDER = np.array([p for _, p in CELLS])
#: Natural share of each cell within its type (England: most IFA placements private,
#: most children's homes private, supported accommodation private or the LA's own).
CELL_PRIOR = np.array([0.97, 0.03, 1.0, 0.8, 0.2, 0.15, 0.75, 0.07, 0.03, 0.5, 0.5, 0.25, 0.6, 0.12, 0.03,
                       1.0, 0.6, 0.15, 0.25, 0.6, 0.3, 0.1, 0.4, 0.5, 0.1, 0.9, 0.1])
#: DfE placement type (index in DFE_TYPES) of each group; P3 (index 3) is never made.
DFE_TYPE_OF_GROUP = np.array([0, 0, 0, 4, 4, 5, 2, 1, 7, 6, 8])
STATEMENT_CELLS = {"in_house_foster": CELL_GROUP == IN_HOUSE, "connected_foster": CELL_GROUP == CONNECTED,
                   "ifa_foster": CELL_GROUP == IFA, "childrens_home": CELL_GROUP == CHILDRENS_HOME,
                   "supported_accommodation": CELL_GROUP == SUPPORTED}
# Chance of a placement more than 20 miles from home and outside the authority, by type.
FAR_BY_GROUP = np.array([0.15, 0.2, 0.45, 0.7, 0.8, 0.3, 0.1, 0.5, 0.7, 0.5, 0.5])
OUT_BY_GROUP = np.array([0.3, 0.35, 0.7, 0.8, 0.9, 0.4, 0.3, 0.6, 0.8, 0.6, 0.6])
UNKNOWN_DISTANCE = 0.1
ETHNIC_PRIOR_UASC = np.array([0.1, 0.0, 0.25, 0.35, 0.3, 0.0])   # UASC: few white, none mixed
CIN_UASC = 7                                                    # N8, absent parenting
LOOKAHEAD_POWER = 3.0


@dataclass
class Labels:
    """Per placement: type (GROUPS index), provider (PROVIDERS index), location (LOCATIONS
    index) and category of need (CIN_CODES index: the 903 records it with each episode; it
    mostly stays what it was); per child: ethnic group (ETHNIC_GROUPS index)."""

    group: np.ndarray
    provider: np.ndarray
    location: np.ndarray
    ethnic: np.ndarray
    cin: np.ndarray


def fit_labels(rng, pop: Population, moves: Moves, t: Targets) -> Labels:
    """Natural labels, then each written year's new placements, children and periods
    labelled so that the counts on 31 March (and the year's new placements) are the targets."""
    labels = _natural(rng, pop, moves, t)
    child_done = np.zeros(len(pop.dob), bool)
    need_done = np.zeros(len(moves.day), bool)
    for i in range(1, len(t.years)):
        year = int(t.years[i])
        if not t.written[0] <= year <= t.written[1]:
            continue
        ys, ye, before = int(t.starts_days[i]), int(t.ends[i]), int(t.ends[i - 1])
        after = int(t.ends[i + 1]) if i + 1 < len(t.ends) else ye
        periods = np.flatnonzero(periods_open_on(pop, ye))
        current = placement_on(moves, periods, np.full(len(periods), ye))
        new = moves.day[current] > before
        stays = _placement_end(pop, moves, current) > after          # still current next 31 March
        _fit_cells(rng, pop, moves, t, labels, year, periods, current, new, ye, stays)
        _fit_location(rng, moves, t, labels, year, current, new, ys, ye, stays[new])
        _fit_children(rng, pop, t, labels, year, periods, child_done, after)
        _fit_needs(rng, pop, moves, t, labels, year, current, new, stays[new], need_done)
    labels.cin = _carried(moves, labels.cin, need_done)
    return labels


def _placement_end(pop: Population, moves: Moves, rows: np.ndarray) -> np.ndarray:
    """Day each placement (row of ``moves``) ends: the next move of its period, or the period's end."""
    nxt = np.minimum(rows + 1, len(moves.day) - 1)
    same = (rows + 1 < len(moves.day)) & (moves.period[nxt] == moves.period[rows])
    return np.where(same, moves.day[nxt], pop.end[moves.period[rows]])


def _next(t: Targets, name: str, year: int):
    return t.at(name, year + 1) if year + 1 <= t.written[1] else None


def _natural(rng, pop: Population, moves: Moves, t: Targets) -> Labels:
    n = len(moves.day)
    provider = np.zeros(n, int)
    for g in range(len(GROUPS)):
        at = np.flatnonzero(moves.group == g)
        options = np.flatnonzero(CELL_GROUP == g)
        provider[at] = CELL_PROVIDER[options[rng.choice(len(options), len(at), p=_norm(CELL_PRIOR[options]))]]
    far = rng.random(n) < FAR_BY_GROUP[moves.group]
    out = np.where(far, rng.random(n) < 0.9, rng.random(n) < OUT_BY_GROUP[moves.group] * 0.5)
    unknown = rng.random(n) < UNKNOWN_DISTANCE
    location = np.where(unknown, np.where(out, 5, 4), np.where(far, np.where(out, 3, 2), np.where(out, 1, 0)))
    shares = np.asarray(t.snap.get("ethnic", {}).get(t.written[1], np.ones(len(ETHNIC_GROUPS))), float)
    ethnic = rng.choice(len(ETHNIC_GROUPS), len(pop.dob), p=_norm(shares))
    ethnic = np.where(pop.uasc, rng.choice(len(ETHNIC_GROUPS), len(pop.dob), p=_norm(ETHNIC_PRIOR_UASC)), ethnic)
    needs = np.asarray(t.snap.get("cin", {}).get(t.written[1], np.ones(8)), float)
    needs[CIN_UASC] *= 0.3
    cin = rng.choice(8, len(pop.start), p=_norm(needs))
    cin = np.where(pop.uasc[pop.child], CIN_UASC, cin)
    return Labels(moves.group.copy(), provider, location, ethnic, cin[moves.period])


def _lookahead(weights: np.ndarray, stays: np.ndarray, now, later) -> np.ndarray:
    """Weights leaning to next year's figures: a category that shrinks next year goes to
    items that will be gone by then, one that grows to items that will still be there."""
    if now is None or later is None:
        return weights
    factor = np.clip((np.asarray(later, float) + 1) / (np.asarray(now, float) + 1), 0.25, 4.0)
    out = weights.copy()
    out[stays] *= np.minimum(factor, 1.0) ** LOOKAHEAD_POWER
    out[~stays] *= np.minimum(1 / factor, 1.0) ** LOOKAHEAD_POWER
    return out


def _norm(values) -> np.ndarray:
    values = np.clip(np.asarray(values, float), 0, None) + 1e-12
    return values / values.sum()


# ---------------------------------------------------------------------------- type and provider


def _fit_cells(rng, pop, moves, t: Targets, labels: Labels, year, periods, current, new, ye, stays_all) -> None:
    types = t.at("type", year)
    if types is None:
        return
    stays = stays_all[new]
    free, pinned = current[new], current[~new]
    constraints = _cell_constraints(t, year, labels, pinned)
    prior = _cell_prior(labels, free)
    cell_counts = _integer_cells(rake_cells(prior, constraints, len(free)), constraints, len(free))
    weights = _cell_weights(pop, moves, labels, free, periods[new], ye)
    weights = _lookahead(weights, stays, _cell_figures(t, year), _cell_figures(t, year + 1))
    child = pop.child[periods]
    has = {"male": pop.male[child], "uasc": pop.uasc[child], "stays": stays_all}
    free_has = {trait: flags[new] for trait, flags in has.items()}
    wants = _trait_wants(t, year, labels, pinned, cell_counts, free_has, {k: v[~new] for k, v in has.items()})
    chosen = allocate_with_traits(rng, weights, cell_counts, STATEMENT_CELLS, wants, free_has)
    labels.group[free] = CELL_GROUP[chosen]
    labels.provider[free] = CELL_PROVIDER[chosen]


def _trait_wants(t: Targets, year: int, labels: Labels, pinned: np.ndarray, cell_counts: np.ndarray,
                 free_has: dict, pinned_has: dict) -> dict:
    """The statement's boys and UASC in each grouping this year, as numbers wanted among the
    free placements (see :func:`synth_traits.trait_wants`)."""
    figures: dict[str, dict] = {}
    for trait, by_year in (("male", t.male_within), ("uasc", t.uasc_placed)):
        for name, share in by_year.get(year, {}).items():
            figures.setdefault(name, {})[trait] = share
    pinned_in, totals, free_in, later = {}, {}, {}, {}
    for name in figures:
        cells = STATEMENT_CELLS[name]
        there = np.isin(labels.group[pinned], np.unique(CELL_GROUP[cells]))
        pinned_in[name] = {trait: int((there & flags).sum()) for trait, flags in pinned_has.items()}
        free_in[name] = int(cell_counts[cells].sum())
        totals[name] = int(there.sum()) + free_in[name]
        share = t.male_within.get(year + 1, {}).get(name) if year < t.written[1] else None
        if share is not None:
            kept = there & pinned_has["stays"]
            later[name] = (share, int(kept.sum()), int((kept & pinned_has["male"]).sum()))
    free_uasc = int(free_has["uasc"].sum())
    return trait_wants(figures, pinned_in, totals, free_in, free_uasc + int(pinned_has["uasc"].sum()), free_uasc,
                       later)


def _cell_figures(t: Targets, year: int):
    """Each cell's DfE type count times its provider's share: how big the cell is that year."""
    types = t.at("type", year) if t.written[0] <= year <= t.written[1] else None
    if types is None:
        return None
    size = np.asarray(types, float)[DFE_TYPE_OF_GROUP[CELL_GROUP]]
    providers = t.provider.get(year)
    if providers is not None:
        size = size * (np.asarray(providers, float)[CELL_PROVIDER] + 1) / (sum(providers) + 1) * len(PROVIDERS)
    return size


def _cell_constraints(t: Targets, year: int, labels: Labels, pinned: np.ndarray) -> list:
    """(cells, count for the free placements) for each figure of the year: DfE's types and
    providers, the statement's groupings."""
    out = []        # the statement's first, DfE's last: raking leaves the last ones met exactly
    for name, count in _statement_groups(t, year).items():
        cells = STATEMENT_CELLS[name]
        out.append((cells, count - int(np.isin(labels.group[pinned], np.unique(CELL_GROUP[cells])).sum())))
    providers = t.provider.get(year)
    if providers is not None:
        for k, count in enumerate(providers):
            out.append((CELL_PROVIDER == k, count - int((labels.provider[pinned] == k).sum())))
    pinned_type = DFE_TYPE_OF_GROUP[labels.group[pinned]]
    for k, count in enumerate(t.at("type", year)):
        out.append((DFE_TYPE_OF_GROUP[CELL_GROUP] == k, count - int((pinned_type == k).sum())))
    return out


def _statement_groups(t: Targets, year: int) -> dict:
    """The statement's groupings for the year, made consistent with DfE's figures where DfE
    publishes the year: foster care split in the statement's proportions of DfE's foster
    total, children's homes no more than DfE's homes, supported accommodation left to DfE."""
    groups = dict(t.groups.get(year, {}))
    if t.source.get("type", {}).get(year) != DFE:
        return groups
    types = t.at("type", year)
    groups.pop("supported_accommodation", None)
    if "childrens_home" in groups:
        groups["childrens_home"] = min(groups["childrens_home"], types[4])
    foster = [g for g in ("in_house_foster", "connected_foster", "ifa_foster") if g in groups]
    named = sum(groups[g] for g in foster)
    if foster and named > types[0]:
        for g in foster:
            groups[g] = groups[g] * types[0] / named
    return groups


def _cell_prior(labels: Labels, free: np.ndarray) -> np.ndarray:
    natural = np.bincount(labels.group[free], minlength=len(GROUPS)).astype(float) + 0.5
    return natural[CELL_GROUP] * CELL_PRIOR


def rake_cells(prior: np.ndarray, constraints: list, total: int, passes: int = 80) -> np.ndarray:
    """Cell counts adding up to ``total``, near ``prior``, meeting the constraints as nearly
    as they agree with each other (a negative count means the placements already labelled
    are too many: the constraint is kept at zero)."""
    x = np.asarray(prior, float) * total / max(prior.sum(), 1e-9)
    for _ in range(passes):
        for cells, want in constraints:
            have = x[cells].sum()
            x[cells] *= max(want, 0) / have if have > 0 else 0
        x *= total / max(x.sum(), 1e-9)
    return x


def _integer_cells(x: np.ndarray, constraints: list, total: int) -> np.ndarray:
    """Whole cell counts from ``x``: rounded down, then the units left go where they best
    close the constraints' gaps."""
    out = np.floor(x).astype(int)
    masks = np.array([cells for cells, _ in constraints]) if constraints else np.zeros((0, len(x)), bool)
    wants = np.array([max(w, 0) for _, w in constraints], float)
    weight = np.linspace(0.5, 1.5, len(constraints))        # later constraints (DfE's) count more
    for _ in range(total - out.sum()):
        gaps = wants - masks.astype(int) @ out
        score = masks.T.astype(float) @ (weight * np.sign(gaps)) + (x - out) * 0.5
        score[(x - out) <= -0.5] -= 10
        out[int(np.argmax(score))] += 1
    return out


def _cell_weights(pop, moves, labels: Labels, free: np.ndarray, periods: np.ndarray, ye: int) -> np.ndarray:
    """(placements x cells): 1 for the cells of the natural type, less for other types the
    child's age allows; adoption and parents keep their scheduled type."""
    child = pop.child[periods]
    age = age_on(pop.dob[child], moves.day[free])
    uasc = pop.uasc[child]
    group = labels.group[free]
    w = np.where(CELL_GROUP[None, :] == group[:, None], 1.0, 0.25) * CELL_PRIOR[None, :]
    w[:, np.isin(CELL_GROUP, (SUPPORTED,))] *= (age >= 16)[:, None]
    w[:, CELL_GROUP == CHILDRENS_HOME] *= np.where(age >= 10, 1.0, np.where(age >= 7, 0.2, 0))[:, None]
    w[:, CELL_GROUP == SECURE] *= (age >= 10)[:, None]
    w[:, CELL_GROUP == SCHOOL] *= (age >= 5)[:, None]
    w[:, CELL_GROUP == OTHER_RES] *= np.where(age < 1, 1.0, 0.3)[:, None]
    w[np.ix_(uasc, np.isin(CELL_GROUP, (CONNECTED, CHILDRENS_HOME, SECURE, SCHOOL)))] *= 0.1
    fixed = np.isin(group, (ADOPTION, PARENTS))
    w[:, np.isin(CELL_GROUP, (ADOPTION, PARENTS))] = 0
    w[fixed] = np.where(CELL_GROUP[None, :] == group[fixed, None], CELL_PRIOR[None, :], 0)
    return w


# ---------------------------------------------------------------------------- location


def _location_weights(groups: np.ndarray) -> np.ndarray:
    far, out = FAR_BY_GROUP[groups], OUT_BY_GROUP[groups]
    known = 1 - UNKNOWN_DISTANCE
    return np.column_stack([known * (1 - far) * (1 - out * 0.6), known * (1 - far) * out * 0.6,
                            known * far * 0.15, known * far * 0.85,
                            UNKNOWN_DISTANCE * (1 - out), UNKNOWN_DISTANCE * out]) + 1e-3


def _fit_location(rng, moves: Moves, t: Targets, labels: Labels, year, current, new, ys, ye, stays) -> None:
    """Location on 31 March of the placements new since the year before, then of the
    year's other new placements, to DfE's two figures."""
    target = t.at("location", year)
    free = current[new]
    if target is not None:
        pinned = np.bincount(labels.location[current[~new]], minlength=len(LOCATIONS))
        weights = _lookahead(_location_weights(labels.group[free]), stays, target, _next(t, "location", year))
        chosen = allocate(weights, free_counts(target, pinned, len(free)), rng)
        labels.location[free] = chosen
    flow = t.new_location.get(year)
    if flow is None:
        return
    made = np.flatnonzero((moves.day >= ys) & (moves.day <= ye))
    rest = np.setdiff1d(made, free)
    as_flow = np.array([0, 2, 1, 3, 4, 4])        # LOCATIONS -> NEW_LOCATIONS
    counted = np.bincount(as_flow[labels.location[free]], minlength=len(NEW_LOCATIONS))
    weights = _location_weights(labels.group[rest])
    flow_weights = np.column_stack([weights[:, 0], weights[:, 2], weights[:, 1], weights[:, 3],
                                    weights[:, 4] + weights[:, 5]])
    chosen = allocate(flow_weights, free_counts(flow, counted, len(rest)), rng)
    unknown_out = rng.random(len(rest)) < OUT_BY_GROUP[labels.group[rest]]
    labels.location[rest] = np.where(chosen == 4, np.where(unknown_out, 5, 4), np.array([0, 2, 1, 3, 4])[chosen])


# ---------------------------------------------------------------------------- children and needs


def _fit_children(rng, pop: Population, t: Targets, labels: Labels, year, periods, done, after) -> None:
    target = t.at("ethnic", year)
    child = np.unique(pop.child[periods])
    if target is None:
        done[child] = True
        return
    free = child[~done[child]]
    pinned = np.bincount(labels.ethnic[child[done[child]]], minlength=len(ETHNIC_GROUPS))
    w = np.tile(_norm(target), (len(free), 1))
    w[pop.uasc[free]] = ETHNIC_PRIOR_UASC
    staying = np.zeros(len(pop.dob), bool)
    staying[pop.child[periods_open_on(pop, after)]] = True
    w = _lookahead(w, staying[free], target, _next(t, "ethnic", year))
    labels.ethnic[free] = allocate(w, free_counts(target, pinned, len(free)), rng)
    done[child] = True


def _fit_needs(rng, pop: Population, moves: Moves, t: Targets, labels: Labels, year, current, new, stays,
               done) -> None:
    """Category of need of the placements new since the year before, each most likely the
    one its child had in the placement before."""
    target = t.at("cin", year)
    if target is None:
        return
    free, pinned = current[new], current[~new]
    before = np.maximum(free - 1, 0)
    carried = (free > 0) & (moves.period[before] == moves.period[free])
    w = np.tile(_norm(target), (len(free), 1)) * np.where(carried[:, None], 0.15, 1.0)
    w[carried, labels.cin[before[carried]]] = 1.0
    w[:, CIN_UASC] *= 0.3
    uasc = pop.uasc[pop.child[moves.period[free]]]
    w[uasc] = np.where(np.arange(8) == CIN_UASC, 1.0, 0.05)   # UASC: absent parenting, mostly
    w = _lookahead(w, stays, target, _next(t, "cin", year))
    labels.cin[free] = allocate(w, free_counts(target, np.bincount(labels.cin[pinned], minlength=8), len(free)), rng)
    done[current] = True


def _carried(moves: Moves, cin: np.ndarray, done: np.ndarray) -> np.ndarray:
    """Categories of need of placements no 31 March saw: the one before in the period (or,
    before the first one labelled, the first one labelled), so a period's category changes
    only where a fitted placement changed it."""
    out = cin.copy()
    first = np.append(True, moves.period[1:] != moves.period[:-1])
    seg = np.cumsum(first) - 1
    last_seen = np.maximum.accumulate(np.where(done | first, np.arange(len(cin)), 0))
    use = ~done & done[last_seen] & (seg[last_seen] == seg)
    out[use] = cin[last_seen[use]]
    # leading placements of a period before its first labelled one
    first_done = np.full(seg.max() + 1 if len(seg) else 0, -1)
    rows = np.flatnonzero(done)[::-1]
    first_done[seg[rows]] = rows
    lead = ~done & ~use & (first_done[seg] >= 0)
    out[lead] = cin[first_done[seg[lead]]]
    return out


__all__ = ["Labels", "fit_labels", "CELLS", "PROVIDERS"]
