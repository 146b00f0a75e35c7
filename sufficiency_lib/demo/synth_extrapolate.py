"""Year series for the synthetic return's targets: known years kept, the others filled.

DfE publishes an authority's breakdowns from 2019 or 2020; the demo return starts in 2015.
Years without a published figure take the authority's own statement where it gives one,
else a plausible value carried from the nearest known years: a random walk away from them
(each category's share moving by a few percent a year, as real authorities' do), raked so
that any partial figure the statement gives for that year holds. Never a flat copy: a real
series moves every year. Everything is seeded, so a return is reproducible.
"""
from __future__ import annotations

import numpy as np

SHARE_STEP = 0.06        # a category's share moves by about 6% (relative) a year
TOTAL_STEP = 0.03        # a count (children in care, starts) by about 3% a year
OVERLAP_TOLERANCE = 3.0  # percentage points: a statement agreeing with DfE this closely shares its basis


def whole(values: np.ndarray, total: float | None = None) -> np.ndarray:
    """Non-negative ``values`` as whole numbers adding up to ``total`` (their rounded sum by
    default), by largest remainders."""
    values = np.clip(np.asarray(values, float), 0, None)
    total = round(values.sum()) if total is None else int(round(total))
    if values.sum() <= 0:
        return np.zeros(len(values), int)
    raw = values * total / values.sum()
    out = np.floor(raw).astype(int)
    out[np.argsort(out - raw, kind="stable")[: total - out.sum()]] += 1
    return out


def rake(shares: np.ndarray, constraints: list[tuple[list[int], float]], passes: int = 50) -> np.ndarray:
    """Shares (adding up to 1) adjusted to meet ``(categories, share)`` constraints, each
    category keeping its proportions inside and outside each constraint."""
    out = np.clip(np.asarray(shares, float), 1e-6, None)
    out = out / out.sum()
    for _ in range(passes):
        for cats, want in constraints:
            inside = out[cats].sum()
            rest = 1 - inside
            want = float(np.clip(want, 1e-4, 1 - 1e-4))
            out[cats] *= want / max(inside, 1e-9)
            others = np.setdiff1d(np.arange(len(out)), cats)
            if len(others):
                out[others] *= (1 - want) / max(rest, 1e-9)
    return out / out.sum()


def fill_shares(known: dict[int, np.ndarray], years, rng: np.random.Generator, step: float = SHARE_STEP,
                constraints: dict | None = None) -> dict[int, np.ndarray]:
    """Share vectors for every year in ``years``: known years as given, years between two
    known ones interpolated with a little noise, years beyond them a random walk from the
    nearest; ``constraints`` (year -> [(categories, share)]) raked in where given."""
    constraints = constraints or {}
    known = {int(y): np.asarray(v, float) for y, v in known.items()}
    years = set(int(y) for y in years)
    keys = sorted(known)
    out = {}
    if not keys:
        return out
    for year in sorted(years):
        if year in known:
            out[year] = known[year] / max(known[year].sum(), 1e-9)
    first, last = keys[0], keys[-1]
    walk = out[first].copy() if first in out else known[first] / np.sum(known[first])
    for year in range(first - 1, min(years) - 1, -1):          # back from the first known year
        walk = _step(walk, rng, step)
        if year in years:
            out[year] = rake(walk, constraints.get(year, []))
            walk = out[year]
    walk = known[last] / np.sum(known[last])
    for year in range(last + 1, max(years) + 1):                # forward from the last
        walk = _step(walk, rng, step)
        if year in years:
            out[year] = rake(walk, constraints.get(year, []))
            walk = out[year]
    for year in sorted(years):                                   # gaps between known years
        if year not in out:
            before, after = max(k for k in keys if k < year), min(k for k in keys if k > year)
            w = (year - before) / (after - before)
            mix = (1 - w) * known[before] / np.sum(known[before]) + w * known[after] / np.sum(known[after])
            out[year] = rake(_step(mix, rng, step / 2), constraints.get(year, []))
    return {y: out[y] for y in sorted(out) if y in years}


def _step(shares: np.ndarray, rng: np.random.Generator, step: float) -> np.ndarray:
    moved = np.clip(shares, 0, None) * np.exp(step * rng.standard_normal(len(shares)))
    return moved / max(moved.sum(), 1e-12)


def fill_scalar(known: dict[int, float], years, rng: np.random.Generator, step: float = TOTAL_STEP,
                trend_years: int = 4) -> dict[int, float]:
    """A value for every year: known years as given, others carried from the nearest known
    year along the trend of the nearest ``trend_years`` known years (half of it, so an old
    slope does not run away; ``trend_years=1``: no trend), with a random step each year.
    A carried value never rounds to its neighbour's: a real series moves every year."""
    keys = sorted(known)
    years = sorted(set(int(y) for y in years))
    out = {y: float(known[y]) for y in years if y in known}
    if not keys:
        return out
    head, tail = keys[:trend_years], keys[-trend_years:]
    slope_back = _log_slope(known, head) / 2
    slope_ahead = _log_slope(known, tail) / 2
    value = float(known[keys[0]])
    for year in range(keys[0] - 1, min(years) - 1, -1):
        value = _moved(value, value * np.exp(-slope_back + step * rng.standard_normal()), rng)
        if year in years:
            out[year] = value
    value = float(known[keys[-1]])
    for year in range(keys[-1] + 1, max(years) + 1):
        value = _moved(value, value * np.exp(slope_ahead + step * rng.standard_normal()), rng)
        if year in years:
            out[year] = value
    for year in years:
        if year not in out:
            before, after = max(k for k in keys if k < year), min(k for k in keys if k > year)
            w = (year - before) / (after - before)
            out[year] = np.exp((1 - w) * np.log(known[before]) + w * np.log(known[after])
                               + step / 2 * rng.standard_normal())
    return dict(sorted(out.items()))


def _moved(before: float, after: float, rng: np.random.Generator) -> float:
    """``after``, pushed a whole one to three away from ``before`` when both would round alike
    (only for counts above 20; rates and shares are left as drawn)."""
    if before > 20 and round(after) == round(before):
        return after + rng.choice([-1, 1]) * rng.integers(1, 4)
    return after


def _log_slope(known: dict, keys: list) -> float:
    if len(keys) < 2:
        return 0.0
    x = np.array(keys, float)
    y = np.log(np.maximum([known[k] for k in keys], 1e-9))
    return float(np.polyfit(x, y, 1)[0])


def on_dfe_basis(statement: dict[int, float], dfe: dict[int, float]) -> dict[int, float]:
    """A statement's percentages in DfE's terms: as given when the statement agrees with DfE
    in a year both cover (within OVERLAP_TOLERANCE points), else moved by the gap in the
    nearest such year (the statement measured something else, but its changes still tell)."""
    common = sorted(set(statement) & set(dfe))
    if not common:
        return dict(statement)
    out = {}
    for year, value in statement.items():
        nearest = min(common, key=lambda c: abs(c - year))
        gap = dfe[nearest] - statement[nearest]
        out[year] = value if abs(gap) <= OVERLAP_TOLERANCE else value + gap
    return out
