"""Point forecasts pooled across authorities: one model fitted on every authority's series.

Each authority's series is short (seven published years at most) but there are some 150
authorities, so the models here learn from the whole panel (:mod:`panel`) how an
authority's figure tends to move, then apply that to each authority. Everything is on
the log scale, ``z = log(value + 0.5)`` (the half keeps small placement counts finite).

A pooled model forecasts the change of ``z`` over ``h`` years as a *common* part, the
same for every authority, plus an authority's own part:

    z[T + h] - z[T] = common(T, h) + beta_h . (x[T] - mean of x[T] over authorities)

- the common part is zero, or a share (:attr:`Spec.trend`: all or half) of the panel's
  *momentum*: ``h`` times the median change of ``z`` over the last year (the national
  trend continued, authority by authority);
- ``beta_h`` is fitted by a robust (Huber) least squares with a ridge penalty on every
  pair of years ``(t, t + h)`` the panel holds up to the origin ``T`` (``t + h <= T``),
  with target and features centred within each year, so it learns only how authorities
  differ (a year's common shock cannot be learnt from one year);
- the features ``x`` (:data:`FEATURES`) are the authority's own last change, its region's
  and neighbours' (growth shrunk toward comparable authorities), the gap of its rate (or,
  for a placement type, its share of the children in care) to its neighbours', region's
  and England's (mean reversion toward comparable authorities), children starting and
  ceasing in the year per child in care (flows feeding the stock), the share aged 16 and
  over and the share UASC (children who will soon leave at 18), and the change of the
  child population.

A model is fitted only on the panel cut at its origin (:meth:`Panel.upto`), so it cannot
see later years. With no pair of years to learn from, it falls back to its common part
alone (naive, or naive with momentum), and says so (``fitted`` False).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sufficiency_lib.analysis.panel import NUMBER, PLACEMENT, RATE, Panel, cross_mean, neighbour_mean, neighbour_model

OFFSET = 0.5
RIDGE = 30.0         # ridge penalty, in units of one standardised observation per feature
HUBER = 1.345        # Huber's constant, in robust standard deviations of the residuals
MAX_CHANGE = np.log(50.0)   # a forecast moves at most 50-fold a year (a guard against wild figures)

FEATURES = {
    "growth": "the authority's own change over the last year",
    "region_growth": "its region's other authorities' mean change over the last year",
    "neighbour_growth": "its statistical neighbours' mean change over the last year",
    "gap_neighbours": "log gap of its rate (placement types: share) to its neighbours' mean",
    "gap_region": "log gap of its rate (share) to its region's other authorities' mean",
    "gap_england": "log gap of its rate (share) to the mean of all authorities",
    "starts": "children starting to be looked after in the year, per child in care",
    "ceases": "children ceasing to be looked after in the year, per child in care",
    "aged_16_plus": "share of the children in care aged 16 and over",
    "uasc": "share of the children in care who are UASC",
    "population": "change in the population aged 0 to 17 over the last year (log)",
}


@dataclass(frozen=True)
class Spec:
    """A pooled model: its features, the weight of the panel's momentum in its common part
    (0: none; 1: last year's median change continued), and how much of the fitted
    authority part it keeps (``shrink`` 1: all of it)."""

    features: tuple[str, ...] = ()
    trend: float = 0.0
    label: str = ""
    shrink: float = 1.0


GAPS = ("gap_neighbours", "gap_region", "gap_england")
EVERY = ("growth", "region_growth", "neighbour_growth", *GAPS, "starts", "ceases", "aged_16_plus", "uasc", "population")

#: Pooled models tried (see the module docstring); naive and drift are per series.
SPECS = {
    "trend": Spec((), 1.0, "no change for the authority beyond the panel's median change of the last year"),
    "trend_damped": Spec((), 0.5, "half the panel's median change of the last year"),
    "shrunk": Spec(("growth", "region_growth", "neighbour_growth"), 0.5,
                   "the last year's change shrunk toward its region's, neighbours' and England's"),
    "reversion": Spec(GAPS, 0.0, "the rate (placement types: share) drawn back toward comparable authorities'"),
    "flows": Spec(("starts", "ceases", "growth"), 0.0, "children starting and ceasing feeding the stock"),
    "structure": Spec(("aged_16_plus", "uasc", "population"), 0.0,
                      "the age mix (16 and over, UASC) and the change of the child population"),
    "pooled": Spec(EVERY, 0.0, "every feature together"),
    "pooled_trend": Spec(EVERY, 0.5, "every feature together, with half the panel's change of the last year"),
}
#: Combinations: the mean change (log scale) of the named pooled models.
COMBINATIONS = {
    "combined": ("trend_damped", "shrunk", "reversion", "flows", "structure"),
}


def log_values(frame: pd.DataFrame) -> pd.DataFrame:
    """``log(value + OFFSET)``, missing where the value is missing or negative."""
    return np.log(frame.where(frame >= 0) + OFFSET)


def _intensity(panel: Panel, year: int) -> pd.Series:
    """What is compared with comparable authorities: the log rate per 10,000 (number and
    rate kinds; the number over the population when no rate is published) or, for a
    placement type, the log share of the children in care."""
    ctx = panel.context
    if panel.kind == PLACEMENT:
        total = ctx.get("total", pd.DataFrame()).get(year)
        if total is None:
            return pd.Series(np.nan, index=panel.values.index)
        return np.log((panel.values[year] + OFFSET) / (total + OFFSET))
    rate = ctx.get("rate", pd.DataFrame()).get(year)
    if panel.kind == RATE:
        rate = panel.values[year]
    if rate is None or rate.isna().all():
        population = ctx.get("population", pd.DataFrame()).get(year)
        number = ctx.get("total", panel.values).get(year)
        if population is None or number is None:
            return pd.Series(np.nan, index=panel.values.index)
        rate = number / population * 10_000
    return np.log(rate.where(rate > 0))


def _ratio(panel: Panel, top: str, bottom: str, year: int) -> pd.Series:
    ctx = panel.context
    if top not in ctx or year not in ctx[top].columns or bottom not in ctx or year not in ctx[bottom].columns:
        return pd.Series(np.nan, index=panel.values.index)
    below = ctx[bottom][year]
    return ctx[top][year] / below.where(below > 0)


def features(panel: Panel, year: int, names: tuple[str, ...], model: int | None) -> pd.DataFrame:
    """The features ``names`` of every authority at ``year`` (codes x names), from the
    panel's years up to ``year`` only; missing where a figure is not published."""
    z = log_values(panel.values)
    index = panel.values.index
    last = z[year] - z[year - 1] if year - 1 in z.columns else pd.Series(np.nan, index=index)
    neighbours = panel.neighbours_of(model) if model is not None else {}
    out = {}
    for name in names:
        if name == "growth":
            out[name] = last
        elif name == "region_growth":
            out[name] = cross_mean(last, panel.region)
        elif name == "neighbour_growth":
            out[name] = neighbour_mean(last, neighbours)
        elif name.startswith("gap_"):
            level = _intensity(panel, year)
            comparator = {"gap_neighbours": lambda: neighbour_mean(level, neighbours),
                          "gap_region": lambda: cross_mean(level, panel.region),
                          "gap_england": lambda: pd.Series(level.mean(), index=index)}[name]()
            out[name] = level - comparator
        elif name == "starts":
            out[name] = _ratio(panel, "start", "total", year)
        elif name == "ceases":
            out[name] = _ratio(panel, "cease", "total", year)
        elif name == "aged_16_plus":
            out[name] = _ratio(panel, "aged_16_plus", "age_total", year)
        elif name == "uasc":
            out[name] = _ratio(panel, "uasc", "uasc_total", year)
        elif name == "population":
            pop = panel.context.get("population", pd.DataFrame())
            out[name] = (np.log(pop[year] / pop[year - 1]) if year in pop.columns and year - 1 in pop.columns
                         else pd.Series(np.nan, index=index))
        else:
            raise ValueError(f"unknown feature {name!r}; choose from {', '.join(FEATURES)}")
    return pd.DataFrame(out, index=index, columns=list(names)).astype(float).replace([np.inf, -np.inf], np.nan)


def momentum(panel: Panel, origin: int) -> float:
    """The median change of ``z`` over the year to ``origin`` across authorities (0 when
    the panel has no earlier year)."""
    z = log_values(panel.values)
    if origin - 1 not in z.columns:
        return 0.0
    change = (z[origin] - z[origin - 1]).dropna()
    return float(change.median()) if len(change) else 0.0


def huber_ridge(x: np.ndarray, y: np.ndarray, ridge: float | None = None, iterations: int = 50) -> np.ndarray:
    """Coefficients of ``y`` on ``x`` by iteratively reweighted least squares with Huber
    weights and a ridge penalty on standardised columns, with an unpenalised intercept (so
    a few wild values cannot shift everyone's residual; the intercept is not returned).
    Columns with no spread get a zero coefficient."""
    if x.shape[1] == 0 or len(y) == 0:
        return np.zeros(x.shape[1])
    ridge = RIDGE if ridge is None else ridge
    scale = x.std(axis=0)
    usable = scale > 1e-12
    xs = np.column_stack([np.ones(len(y)), np.where(usable, x / np.where(usable, scale, 1.0), 0.0)])
    weights = np.ones(len(y))
    beta = np.zeros(xs.shape[1])
    penalty = ridge * np.diag([0.0, *np.ones(x.shape[1])])
    for _ in range(iterations):
        xw = xs * weights[:, None]
        new = np.linalg.solve(xs.T @ xw + penalty + 1e-12 * np.eye(xs.shape[1]), xw.T @ y)
        residual = y - xs @ new
        spread = 1.4826 * np.median(np.abs(residual - np.median(residual))) or 1e-9
        weights = np.minimum(1.0, HUBER * spread / np.maximum(np.abs(residual), 1e-12))
        converged = np.allclose(new, beta, atol=1e-10)
        beta = new
        if converged:
            break
    return np.where(usable, beta[1:] / np.where(usable, scale, 1.0), 0.0)


class Design:
    """The log values and every feature of every authority by year, each year's features
    computed from the panel cut at that year (so no later figure can reach them), once,
    for all the fits of a backtest. Fits at an origin read only years up to it."""

    def __init__(self, panel: Panel):
        self.panel = panel
        self.years = panel.years
        self.column = {y: i for i, y in enumerate(self.years)}
        self.z = log_values(panel.values).to_numpy()
        self._cache: dict[tuple[int, int | None], np.ndarray] = {}

    def matrix(self, year: int, model: int | None) -> np.ndarray:
        """Every feature (columns in the order of FEATURES) of every authority at ``year``."""
        key = (year, model)
        if key not in self._cache:
            self._cache[key] = features(self.panel.upto(year), year, tuple(FEATURES), model).to_numpy()
        return self._cache[key]

    def at(self, year: int, model: int | None, names: tuple[str, ...]) -> pd.DataFrame:
        """:meth:`matrix` as a frame of the features ``names``."""
        frame = pd.DataFrame(self.matrix(year, model), index=self.panel.values.index, columns=list(FEATURES))
        return frame[list(names)]

    def change(self, start: int, end: int) -> np.ndarray:
        """Every authority's change of ``z`` from ``start`` to ``end``."""
        return self.z[:, self.column[end]] - self.z[:, self.column[start]]


def _columns(names: tuple[str, ...]) -> list[int]:
    order = list(FEATURES)
    return [order.index(name) for name in names]


def _centred(x: np.ndarray) -> np.ndarray:
    """Columns centred on their mean over the rows with a value; missing values become
    that mean (zero). A column with no value at all is zero."""
    if x.size == 0:
        return x
    with np.errstate(all="ignore"):
        means = np.nanmean(np.where(np.isnan(x).all(axis=0), 0.0, x), axis=0)
    return np.nan_to_num(x - means, nan=0.0)


def training_rows(design: Design, origin: int, horizon: int, spec: Spec,
                  model: int | None) -> tuple[np.ndarray, np.ndarray]:
    """Centred features and targets of every pair of years ``(t, t + horizon)`` up to
    ``origin`` (``t + horizon <= origin``)."""
    columns = _columns(spec.features)
    xs, ys = [], []
    for t in design.years:
        if t + horizon > origin or t + horizon not in design.column:
            continue
        target = design.change(t, t + horizon)
        keep = ~np.isnan(target)
        if keep.sum() < 3:
            continue
        xs.append(_centred(design.matrix(t, model)[keep][:, columns]))
        ys.append(target[keep] - target[keep].mean())
    if not ys:
        return np.zeros((0, len(columns))), np.zeros(0)
    return np.vstack(xs), np.concatenate(ys)


@dataclass(frozen=True)
class Fit:
    """A pooled model fitted at an origin: coefficients per feature and horizon, the
    common part a year, and whether it had any pair of years to learn from."""

    spec: Spec
    origin: int
    beta: dict[int, np.ndarray]
    common: float
    fitted: dict[int, bool]
    model: int | None


def fit(panel: Panel, spec: Spec, horizons=(1, 2), design: Design | None = None) -> Fit:
    """``spec`` fitted on ``panel`` cut at its origin (its last year). ``design`` may be
    built on the same figures with later years too: only years up to the origin are read."""
    origin = panel.years[-1]
    design = design or Design(panel)
    model = neighbour_model(origin, panel.neighbours)
    betas, fitted = {}, {}
    for h in horizons:
        x, y = training_rows(design, origin, h, spec, model)
        fitted[h] = len(y) > 0
        betas[h] = huber_ridge(x, y) if len(y) else np.zeros(len(spec.features))
    common = spec.trend * momentum(panel, origin) if spec.trend else 0.0
    return Fit(spec, origin, betas, common, fitted, model)


def predict(panel: Panel, result: Fit, horizon: int, design: Design | None = None) -> pd.DataFrame:
    """Point forecasts ``horizon`` years after the origin, for every authority with a value
    at the origin: columns forecast (the value), change (of z) and fitted."""
    design = design or Design(panel)
    z = design.z[:, design.column[result.origin]]
    x = _centred(design.matrix(result.origin, result.model)[:, _columns(result.spec.features)])
    beta = result.beta.get(horizon, np.zeros(len(result.spec.features)))
    change = horizon * result.common + result.spec.shrink * (x @ beta)
    change = np.clip(change, -horizon * MAX_CHANGE, horizon * MAX_CHANGE)
    out = pd.DataFrame({"change": change, "fitted": result.fitted.get(horizon, False),
                        "forecast": np.maximum(np.exp(z + change) - OFFSET, 0.0)}, index=panel.values.index)
    return out.loc[~np.isnan(z)]


def per_series(panel: Panel, method: str, horizon: int) -> pd.DataFrame:
    """Naive (the last value) or drift (the last value plus the mean yearly change over the
    series) for every authority, from the panel cut at its origin."""
    origin = panel.years[-1]
    last = panel.values[origin]
    out = pd.DataFrame(index=panel.values.index)
    if method == "naive":
        out["forecast"] = last
        out["fitted"] = True
    elif method == "drift":
        known = panel.values.notna()
        count = known.sum(axis=1)
        first = panel.values.bfill(axis=1).iloc[:, 0]
        step = (last - first) / (count - 1).where(count > 1)
        out["forecast"] = np.maximum(last + horizon * step.fillna(0.0), 0.0)
        out["fitted"] = count > 1
    else:
        raise ValueError(f"unknown per-series method {method!r}")
    out["change"] = np.log(out["forecast"] + OFFSET) - np.log(last + OFFSET)
    return out.loc[last.notna()]


def forecast_panel(panel: Panel, method: str, horizons=(1, 2), design: Design | None = None) -> pd.DataFrame:
    """Every authority's forecast by ``method`` at the panel's last year, each horizon:
    columns new_la_code, horizon, forecast, change, fitted. ``design``: see :class:`Design`
    (built on the same figures; only years up to the origin are read from it)."""
    parts = []
    if method in COMBINATIONS:
        design = design or Design(panel)
        members = [forecast_panel(panel, m, horizons, design).set_index(["new_la_code", "horizon"])
                   for m in COMBINATIONS[method]]
        last = log_values(panel.values)[panel.years[-1]]
        out = members[0][[]].copy()
        out["change"] = sum(m["change"] for m in members) / len(members)
        out["fitted"] = np.logical_and.reduce([m["fitted"].to_numpy() for m in members])
        z = last.reindex(out.index.get_level_values("new_la_code")).to_numpy()
        out["forecast"] = np.maximum(np.exp(z + out["change"].to_numpy()) - OFFSET, 0.0)
        return out.reset_index()[["new_la_code", "horizon", "forecast", "change", "fitted"]]
    if method in SPECS:
        design = design or Design(panel)
        result = fit(panel, SPECS[method], horizons, design)
        for h in horizons:
            parts.append(predict(panel, result, h, design).assign(horizon=h))
    else:
        for h in horizons:
            parts.append(per_series(panel, method, h).assign(horizon=h))
    out = pd.concat(parts).rename_axis("new_la_code").reset_index()
    return out[["new_la_code", "horizon", "forecast", "change", "fitted"]]


def coefficients(panel: Panel, method: str, horizon: int = 1) -> pd.Series:
    """A pooled model's coefficients fitted on the whole ``panel`` (for the methods table)."""
    result = fit(panel, SPECS[method], (horizon,))
    return pd.Series(result.beta[horizon], index=list(result.spec.features), name=method)


__all__ = ["FEATURES", "SPECS", "Spec", "Fit", "fit", "predict", "features", "forecast_panel", "per_series",
           "huber_ridge", "momentum", "log_values", "coefficients", "NUMBER", "RATE", "PLACEMENT"]
