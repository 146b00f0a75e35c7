"""Who is in each placement grouping at 31 March: boys, and UASC, where the statement says.

DfE publishes an authority's placement types and providers but not who is in them: not the
share of boys in its children's homes, nor where its UASC live. The statements print some
of these (:attr:`Targets.male_within`, :attr:`Targets.uasc_placed`). When the placements new
since the previous 31 March are given their cells (:mod:`sufficiency_lib.demo.synth_labels`),
each grouping with such a figure has its cells split by the traits of the children who can
take them (boy or girl, UASC or not, still there next 31 March or not), with the number
wanted in each part, so that the grouping's count at 31 March still comes out as DfE's
figures make it while its boys and UASC come out as the statement's. Those still there a
year later lean to next year's share of boys, as they will be counted again then.

Where the children there are cannot give every figure (too few girls of 16 and over, a
UASC already placed elsewhere), the parts come as near as they allow, and DfE's counts win.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from sufficiency_lib.demo.synth_allocate import allocate, settle

RAKE_PASSES = 60


@dataclass
class Wanted:
    """What the free placements of one grouping should hold: ``counts`` (trait -> number
    with it) and, where next year has a share of boys, that share among those of the
    grouping who are still there next 31 March (``stay_pinned``: how many of them, and
    boys, were placed before this year)."""

    counts: dict = field(default_factory=dict)
    stay_share: float | None = None
    stay_pinned: tuple = (0, 0)

    @property
    def traits(self) -> list[str]:
        return [*self.counts, *(["stays"] if self.stay_share is not None else [])]


def trait_wants(figures: dict, pinned: dict, totals: dict, free_in: dict, uasc_total: int, free_uasc: int,
                later: dict | None = None) -> dict:
    """Per grouping, the :class:`Wanted` of its free placements. ``figures`` -> {grouping:
    {"male": share of boys, "uasc": share of all UASC}}; ``pinned`` -> {grouping: {trait:
    count already placed there}}; ``totals`` -> {grouping: its count at 31 March};
    ``free_in`` -> {grouping: free placements it takes}; ``later`` -> {grouping: (next
    year's share of boys, placements there before this year that stay, boys of them)}. The
    UASC wanted in all groupings together are no more than the ``free_uasc`` to place."""
    later = later or {}

    def need(name, trait, share):
        stock = totals[name] if trait == "male" else uasc_total
        return max(int(round(share * stock)) - pinned[name].get(trait, 0), 0)

    asked = sum(need(name, "uasc", f["uasc"]) for name, f in figures.items()
                if "uasc" in f and free_in.get(name, 0) > 0)
    scale = min(1.0, free_uasc / asked) if asked else 1.0
    out = {}
    for name, shares in figures.items():
        if free_in.get(name, 0) <= 0:
            continue
        counts = {trait: need(name, trait, share) if trait == "male" else int(need(name, trait, share) * scale)
                  for trait, share in shares.items()}
        wanted = Wanted(counts)
        if "male" in counts and name in later:
            wanted.stay_share, *rest = later[name]
            wanted.stay_pinned = tuple(rest)
        out[name] = wanted
    return out


def _rescale(table: np.ndarray, within: np.ndarray, inside: np.ndarray, want: float) -> None:
    """``table`` scaled so its cells ``within`` and ``inside`` add up to ``want`` and the other
    cells ``within`` keep the rest of what ``within`` holds."""
    total = table[within].sum()
    for part, goal in ((within & inside, want), (within & ~inside, total - want)):
        have = table[part].sum()
        if have > 0:
            table[part] *= max(goal, 0) / have


def combo_counts(available: np.ndarray, size: int, wanted: Wanted) -> np.ndarray | None:
    """Whole numbers of free placements in each trait combination (bit j: has trait j of
    ``wanted.traits``) adding up to ``size``, none over what is ``available``, as near the
    wanted numbers as the available mix allows (raked from it). None when too few are
    available."""
    available = np.asarray(available, int)
    if available.sum() < size:
        return None
    combos = np.arange(len(available))
    bit = {name: (combos >> j) & 1 == 1 for j, name in enumerate(wanted.traits)}
    table = np.where(available > 0, available + 0.5, 0.0)
    table *= size / table.sum()
    everything = np.ones(len(table), bool)
    for _ in range(RAKE_PASSES):
        if wanted.stay_share is not None:       # boys among those still there next year
            kept, kept_boys = wanted.stay_pinned
            there = table[bit["stays"]].sum()
            goal = np.clip(wanted.stay_share * (kept + there) - kept_boys, 0, there)
            _rescale(table, bit["stays"], bit["male"], goal)
        for name, want in wanted.counts.items():
            _rescale(table, everything, bit[name], float(np.clip(want, 0, size)))
    return _whole_within(table, size, available, bit)


def _whole_within(table: np.ndarray, size: int, available: np.ndarray, bit: dict) -> np.ndarray:
    """``table`` as whole numbers adding up to ``size`` and none over ``available``: an
    excess goes to the combination with room that shares most traits with it."""
    out = np.floor(table).astype(int)
    out[np.argsort(out - table, kind="stable")[: size - out.sum()]] += 1
    traits = np.array(list(bit.values())) if bit else np.zeros((0, len(table)), bool)
    for combo in np.flatnonzero(out > available):
        while out[combo] > available[combo]:
            room = np.flatnonzero(out < available)
            shared = (traits[:, room] == traits[:, [combo]]).sum(axis=0)
            best = room[np.lexsort((-table[room], -shared))[0]]
            out[combo] -= 1
            out[best] += 1
    return out


def split_counts(cell_counts: np.ndarray, combos: np.ndarray) -> np.ndarray:
    """(cells x combinations) whole counts with rows adding up to ``cell_counts`` and
    columns to ``combos`` (which add up to the same total): each cell takes its share of
    what the cells before it left."""
    left = np.asarray(combos, int).copy()
    out = np.zeros((len(cell_counts), len(left)), int)
    for row, count in enumerate(cell_counts):
        if count <= 0 or left.sum() <= 0:
            continue
        raw = count * left / left.sum()
        part = np.floor(raw).astype(int)
        part[np.argsort(part - raw, kind="stable")[: int(count) - part.sum()]] += 1
        out[row] = np.minimum(part, left)
        left -= out[row]
    return out


def allocate_with_traits(rng, weights: np.ndarray, cell_counts: np.ndarray, cells_of: dict, wants: dict,
                         has: dict) -> np.ndarray:
    """A cell for each free placement (row of ``weights``) meeting ``cell_counts`` and, in each
    grouping of ``wants`` (:class:`Wanted`; ``cells_of`` its cells), as nearly as they
    allow, the numbers wanted with each trait (``has``: trait -> bool per placement). Falls
    back to the cells alone where the traits would cost DfE's counts."""
    columns, counts, cell_of_column = [], [], []
    split: set = set()
    for name, wanted in wants.items():
        cells = np.flatnonzero(cells_of[name])
        if not len(cells) or split & set(cells):
            continue
        eligible = weights[:, cells].sum(axis=1) > 0
        combo = sum(has[trait].astype(int) << j for j, trait in enumerate(wanted.traits))
        available = np.bincount(combo[eligible], minlength=1 << len(wanted.traits))
        combos = combo_counts(available, int(cell_counts[cells].sum()), wanted)
        if combos is None:
            continue
        parts = split_counts(cell_counts[cells], combos)
        for row, cell in enumerate(cells):
            for k in range(len(combos)):
                columns.append(weights[:, cell] * (combo == k))
                counts.append(parts[row, k])
                cell_of_column.append(cell)
        split |= set(cells)
    if not split:
        return allocate(weights, cell_counts, rng)
    for cell in range(weights.shape[1]):
        if cell not in split:
            columns.append(weights[:, cell])
            counts.append(cell_counts[cell])
            cell_of_column.append(cell)
    chosen = np.asarray(cell_of_column)[allocate(np.column_stack(columns), np.asarray(counts, float), rng)]
    # parts not all reachable at once: DfE's cell counts restored with as few moves as they take
    chosen = settle(chosen, weights, cell_counts, rng)
    missed = np.abs(np.bincount(chosen, minlength=len(cell_counts)) - cell_counts).sum()
    if missed == 0:
        return chosen
    plain = allocate(weights, cell_counts, rng)
    return plain if np.abs(np.bincount(plain, minlength=len(cell_counts)) - cell_counts).sum() < missed else chosen


__all__ = ["Wanted", "allocate_with_traits", "combo_counts", "split_counts", "trait_wants"]
