"""Prediction intervals calibrated on the errors of earlier forecasts (split conformal).

A model's own intervals assume the model is right; these assume only that the next
forecast will err as the earlier ones did. The error of a forecast is on the log scale,
``e = z(actual) - z(forecast)`` with ``z = log(value + 0.5)``, so an interval is a band of
percentages around the forecast. Small authorities' figures move more in percentage terms,
so each error is first divided by the spread expected at its size (:func:`spread`):

    sigma(n)^2 = a + b / (n + 0.5)

(a share of the stock that any authority may gain or lose, plus chance that weighs more on
few children), fitted to the squared errors by non-negative least squares. The interval
of a new forecast at size ``n`` is the forecast moved by the lower and upper empirical
quantiles of the scaled errors times ``sigma(n)``, with the finite-sample correction of
split conformal prediction (the ``ceil((m + 1) q) / m`` quantile of ``m`` errors). When
the errors of the latest origin alone call for a wider band than all the errors together
(a year that moved more than the years before it), and there are enough of them to place
its bound (:data:`MIN_TAIL` beyond it), the wider is taken: the band follows a change in
volatility within a year rather than averaging it away. Counts are whole numbers,
so the bounds of a count are rounded to the nearest whole number.

NESTED: :func:`nested` scores the interval of a forecast made at origin ``T`` for ``h``
years ahead with only the errors of forecasts whose outcome was known at ``T`` (made at an
origin no later than ``T - h``), as a forecaster at ``T`` would have had.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy.optimize import nnls

from sufficiency_lib.analysis.pooled import OFFSET

LEVELS = (80, 95)
MIN_ERRORS = 10          # fewer earlier errors than this: no calibrated interval
MIN_TAIL = 10            # the latest origin widens a band only with this many errors beyond its bound


def log_error(actual, forecast) -> np.ndarray:
    """A forecast's error on the scale the intervals are calibrated on:
    ``log(actual + OFFSET) - log(forecast + OFFSET)``."""
    return np.log(np.asarray(actual, float) + OFFSET) - np.log(np.asarray(forecast, float) + OFFSET)


def spread(errors: np.ndarray, sizes: np.ndarray) -> tuple[float, float]:
    """``(a, b)`` of ``sigma(n)^2 = a + b / (n + 0.5)`` fitted to squared ``errors`` at
    ``sizes`` by non-negative least squares (b = 0 when sizes do not vary)."""
    design = np.column_stack([np.ones(len(errors)), 1.0 / (np.asarray(sizes, float) + OFFSET)])
    (a, b), _ = nnls(design, np.asarray(errors, float) ** 2)
    if a <= 0 and b <= 0:
        a = float(np.mean(np.asarray(errors, float) ** 2)) or 1e-6
    return float(a), float(b)


def sigma(params: tuple[float, float], sizes) -> np.ndarray:
    """The spread :func:`spread` expects at ``sizes``."""
    a, b = params
    return np.sqrt(np.maximum(a + b / (np.asarray(sizes, float) + OFFSET), 1e-12))


def conformal_quantile(scores: np.ndarray, q: float) -> float:
    """The ``ceil((m + 1) q) / m`` empirical quantile of ``m`` scores (the largest score
    when that exceeds 1): split conformal's finite-sample correction."""
    scores = np.sort(np.asarray(scores, float))
    m = len(scores)
    if q >= 0.5:
        rank = min(math.ceil((m + 1) * q), m)
        return float(scores[rank - 1])
    rank = max(math.floor((m + 1) * q), 1)
    return float(scores[rank - 1])


def calibrate(errors: np.ndarray, sizes: np.ndarray, levels=LEVELS, scaled: bool = True,
              latest: np.ndarray | None = None) -> dict:
    """What :func:`bounds` needs, from earlier ``errors`` (log scale) at ``sizes``: the
    spread parameters and the lower and upper quantiles of the scaled errors per level.
    ``latest`` (a boolean mask of the errors of the latest origin) widens each quantile to
    those errors' own when theirs is wider and enough of them lie beyond it (MIN_TAIL: a
    95% band needs 400 errors of that origin, an 80% band 100)."""
    errors, sizes = np.asarray(errors, float), np.asarray(sizes, float)
    params = spread(errors, sizes) if scaled else (float(np.mean(errors ** 2)) or 1e-6, 0.0)
    scores = errors / sigma(params, sizes)
    recent = scores[latest] if latest is not None else np.zeros(0)
    out = {"params": params, "errors": len(errors)}
    for level in levels:
        tail = (1 - level / 100) / 2
        low, high = conformal_quantile(scores, tail), conformal_quantile(scores, 1 - tail)
        if len(recent) * tail >= MIN_TAIL:
            low, high = min(low, conformal_quantile(recent, tail)), max(high, conformal_quantile(recent, 1 - tail))
        out[level] = (low, high)
    return out


def bounds(calibration: dict, forecast, sizes, levels=LEVELS, integer=False) -> pd.DataFrame:
    """Intervals around ``forecast`` (values) at ``sizes`` from :func:`calibrate`:
    columns lower_<level>, upper_<level> (never below zero; rounded to whole numbers where
    ``integer``, a flag or a mask, says the figure is a count)."""
    forecast = np.asarray(forecast, float)
    z = np.log(forecast + OFFSET)
    s = sigma(calibration["params"], sizes)
    whole = np.broadcast_to(np.asarray(integer, bool), forecast.shape)
    out = {}
    for level in levels:
        low, high = calibration[level]
        for side, q in (("lower", low), ("upper", high)):
            value = np.maximum(np.exp(z + q * s) - OFFSET, 0.0)
            out[f"{side}_{level}"] = np.where(whole, np.round(value), value)
    return pd.DataFrame(out)


def widen(calibration: dict, factor: float) -> dict:
    """A calibration for a longer horizon than any error was seen at: the same scaled
    quantiles, spread ``factor`` times as wide (random-walk growth, sqrt of the ratio of
    horizons)."""
    a, b = calibration["params"]
    return {**calibration, "params": (a * factor ** 2, b * factor ** 2), "widened": factor}


def nested(results: pd.DataFrame, by=("method", "horizon"), scaled: bool = True, levels=LEVELS) -> pd.DataFrame:
    """Intervals for every backtest forecast in ``results`` (columns origin, horizon, size,
    forecast, actual and ``by``), each calibrated only on the errors of the same ``by``
    group whose outcome was known at its origin (origin <= this origin - horizon). Adds
    lower_/upper_ per level, covered_<level> and ``calibration_errors`` (how many errors
    stood behind it; forecasts with fewer than MIN_ERRORS get no interval). Counts (every
    kind but ``rate``, when a ``kind`` column says) get whole-number bounds."""
    out = results.reset_index(drop=True)
    integer = out["kind"].ne("rate").to_numpy() if "kind" in out.columns else np.zeros(len(out), bool)
    forecast = out["forecast"].to_numpy(float)
    actual = out["actual"].to_numpy(float)
    size = out["size"].to_numpy(float)
    origin = out["origin"].to_numpy(int)
    horizon = out["horizon"].to_numpy(int)
    error = log_error(actual, forecast)
    bounds_found = {f"{side}_{level}": np.full(len(out), np.nan) for level in levels for side in ("lower", "upper")}
    behind = np.zeros(len(out), dtype=int)
    for rows in out.groupby(list(by), sort=False).indices.values():
        h = horizon[rows[0]]
        at = origin[rows]
        for o in np.unique(at):
            earlier = rows[(at <= o - h) & np.isfinite(error[rows]) & np.isfinite(size[rows])]
            if len(earlier) < MIN_ERRORS:
                continue
            here = rows[at == o]
            latest = origin[earlier] == origin[earlier].max()
            calibration = calibrate(error[earlier], size[earlier], levels, scaled, latest)
            found = bounds(calibration, forecast[here], size[here], levels, integer[here])
            for column in found.columns:
                bounds_found[column][here] = found[column].to_numpy()
            behind[here] = len(earlier)
    out = out.assign(**bounds_found, calibration_errors=behind)
    for level in levels:
        lower, upper = bounds_found[f"lower_{level}"], bounds_found[f"upper_{level}"]
        known = ~np.isnan(lower) & ~np.isnan(actual)
        inside = (actual >= lower) & (actual <= upper)
        out[f"covered_{level}"] = pd.Series(inside, dtype=object).where(known, np.nan).astype(float)
    return out
