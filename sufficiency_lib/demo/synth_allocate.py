"""Giving items categories so that the counts come out as wanted, each item as it likes best.

The fitting steps of the generator (legal status, placement type and provider, location,
ethnicity, category of need, care leavers' circumstances) all do the same thing: a set of
children (or placements) free to take one of several categories, a weight for each item and
category (0: impossible for that item; the natural choice weighs most), and the number
wanted in each category. :func:`allocate` scales the weights so that they sum to the wanted
numbers (Sinkhorn balancing), then fills each category to exactly its number, most
constrained items first, each item taking its likeliest category that still has room.
"""
from __future__ import annotations

import numpy as np

SINKHORN_PASSES = 60


def balance(weights: np.ndarray, counts: np.ndarray, passes: int = SINKHORN_PASSES) -> np.ndarray:
    """Weights scaled per category so each row sums to 1 and each column to its count (as
    nearly as the zero weights allow)."""
    p = np.asarray(weights, float).copy()
    rows = p.sum(axis=1, keepdims=True)
    p = np.where(rows > 0, p / np.where(rows > 0, rows, 1), 0.0)
    counts = np.asarray(counts, float)
    for _ in range(passes):
        columns = p.sum(axis=0)
        p *= np.where(columns > 0, counts / np.where(columns > 0, columns, 1), 0.0)
        rows = p.sum(axis=1, keepdims=True)
        p = np.where(rows > 0, p / np.where(rows > 0, rows, 1), 0.0)
    return p


def allocate(weights: np.ndarray, counts: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A category (column index) for each item (row) of ``weights`` so that category ``c`` is
    taken by ``counts[c]`` items where the weights allow it. ``counts`` are scaled to the
    number of items first. An item whose allowed categories are all full takes its likeliest
    one anyway (the count is then missed by that item)."""
    weights = np.asarray(weights, float)
    n, k = weights.shape
    if n == 0:
        return np.zeros(0, int)
    counts = _whole(np.asarray(counts, float), n)
    p = balance(weights, counts)
    allowed = weights > 0
    no_choice = ~allowed.any(axis=1)
    allowed[no_choice] = True                      # nothing allowed: anything goes
    key = np.where(allowed, np.log(np.maximum(p, 1e-12)) - np.log(-np.log(rng.random((n, k)))), -np.inf)
    fewest = allowed.sum(axis=1)                   # the most constrained choose first
    out = np.full(n, -1)
    room = counts.copy()
    for _ in range(k + 1):
        todo = np.flatnonzero(out < 0)
        if not len(todo):
            break
        open_key = np.where(room[None, :] > 0, key[todo], -np.inf)
        best = open_key.argmax(axis=1)
        has_room = np.isfinite(open_key[np.arange(len(todo)), best])
        for c in np.unique(best[has_room]):
            bidders = todo[has_room & (best == c)]
            order = np.lexsort((-key[bidders, c], fewest[bidders]))
            taken = bidders[order[: int(room[c])]]
            out[taken] = c
            room[c] -= len(taken)
        if not has_room.any():
            break
    rest = out < 0
    out[rest] = key[rest].argmax(axis=1)
    return _repair(out, allowed, key, counts)


def settle(out: np.ndarray, weights: np.ndarray, counts: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """``out`` (a category per item, as a finer allocation chose them) moved as little as
    it takes for category ``c`` to hold ``counts[c]`` items where ``weights`` allow it."""
    weights = np.asarray(weights, float)
    n, k = weights.shape
    if n == 0:
        return np.asarray(out, int)
    counts = _whole(np.asarray(counts, float), n)
    allowed = weights > 0
    allowed[~allowed.any(axis=1)] = True
    p = balance(weights, counts)
    key = np.where(allowed, np.log(np.maximum(p, 1e-12)) - np.log(-np.log(rng.random((n, k)))), -np.inf)
    return _repair(np.asarray(out, int).copy(), allowed, key, counts)


def _repair(out: np.ndarray, allowed: np.ndarray, key: np.ndarray, counts: np.ndarray,
            rounds: int = 500) -> np.ndarray:
    """Move items from categories over their number to ones under it, along the shortest
    chain of moves (each item to a category it is allowed in, the likeliest item of each
    category first) that links them: exact counts whenever the allowed cells make them
    possible."""
    k = allowed.shape[1]
    for _ in range(rounds):
        have = np.bincount(out, minlength=k)
        over, under = have > counts, have < counts
        if not over.any() or not under.any():
            break
        path = _chain(out, allowed, key, over, under)
        if path is None:
            break
        for item, category in path:
            out[item] = category
    return out


def _chain(out: np.ndarray, allowed: np.ndarray, key: np.ndarray, over: np.ndarray,
           under: np.ndarray) -> list[tuple[int, int]] | None:
    """(item, new category) moves taking one item out of an over-full category and one more
    into an under-full one, every category between keeping its number (breadth first)."""
    reached = {int(c): None for c in np.flatnonzero(over)}
    queue = list(reached)
    while queue:
        here = queue.pop(0)
        items = np.flatnonzero(out == here)
        if not len(items):
            continue
        score = np.where(allowed[items], key[items], -np.inf)
        best = score.argmax(axis=0)
        for there in np.flatnonzero(np.isfinite(score.max(axis=0))):
            there = int(there)
            if there in reached:
                continue
            reached[there] = (here, int(items[best[there]]))
            if under[there]:
                path, at = [], there
                while reached[at] is not None:
                    came_from, item = reached[at]
                    path.append((item, at))
                    at = came_from
                return path
            queue.append(there)
    return None


def _whole(values: np.ndarray, total: int) -> np.ndarray:
    values = np.clip(values, 0, None)
    if values.sum() <= 0:
        values = np.ones(len(values))
    raw = values * total / values.sum()
    out = np.floor(raw).astype(int)
    out[np.argsort(out - raw, kind="stable")[: total - out.sum()]] += 1
    return out


def free_counts(target: np.ndarray, pinned: np.ndarray, free: int) -> np.ndarray:
    """What the free items must add to the pinned ones' counts to reach ``target``: never
    negative, and adding up to the number of free items."""
    need = np.clip(np.asarray(target, float) - np.asarray(pinned, float), 0, None)
    return _whole(need if need.sum() > 0 else np.asarray(target, float) + 1e-9, free)
