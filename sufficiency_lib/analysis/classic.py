"""Per-series forecasts: each authority's series on its own, by naive, drift, ETS or ARIMA.

These are the models the statement first used, kept as the baseline every pooled model
(:mod:`pooled`) is measured against and as alternatives in the methods table:

- ``naive``: the last value; intervals from the one-step changes, widening with the square
  root of the horizon (random walk).
- ``drift``: the last value plus the mean yearly change; the random walk with drift's
  intervals (variance h s^2 (1 + h / (n - 1))).
- ``ets``: statsmodels ``ETSModel``, additive errors and a damped additive trend; intervals
  from the model's prediction (``get_prediction().summary_frame``).
- ``arima``: statsmodels ``ARIMA(0, 1, 1)`` with a drift term; intervals from
  ``get_forecast().conf_int``.

:func:`backtest` refits each method on every prefix of a series (rolling origin) and scores
its forecasts one and two years ahead: absolute percentage error and whether the actual
fell inside the model's own 80% and 95% intervals. :func:`choose` picks the method with the
lowest one-year MAPE, with naive as the fallback a method must beat. On every authority's
published series none of them beats naive and the ETS and ARIMA intervals are far too
narrow (see ``benchmarks/forecast_backtest.py``); the statement's forecasts come from
:mod:`chosen` instead.
"""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from scipy import stats

METHODS = ("naive", "drift", "ets", "arima")
LEVELS = (80, 95)
MIN_TRAIN = 4            # fewest years a model is fitted on in a backtest


def _random_walk(values: np.ndarray, horizon: int, drift: bool) -> pd.DataFrame:
    steps = np.diff(values)
    n = len(values)
    slope = steps.mean() if drift and len(steps) else 0.0
    resid = steps - slope
    sigma = np.sqrt((resid ** 2).sum() / max(len(resid) - (1 if drift else 0), 1)) if len(resid) else 0.0
    h = np.arange(1, horizon + 1)
    mean = values[-1] + slope * h
    scale = sigma * np.sqrt(h * (1 + h / max(n - 1, 1))) if drift else sigma * np.sqrt(h)
    out = {"mean": mean}
    for level in LEVELS:
        z = stats.norm.ppf(0.5 + level / 200)
        out[f"lower_{level}"], out[f"upper_{level}"] = mean - z * scale, mean + z * scale
    return pd.DataFrame(out, index=h)


def _ets(values: np.ndarray, horizon: int) -> pd.DataFrame:
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel
    fit = ETSModel(pd.Series(values, dtype=float), error="add", trend="add", damped_trend=True).fit(disp=False)
    out = {}
    for level in LEVELS:
        frame = fit.get_prediction(start=len(values), end=len(values) + horizon - 1).summary_frame(
            alpha=1 - level / 100)
        out["mean"] = frame["mean"].to_numpy()
        out[f"lower_{level}"], out[f"upper_{level}"] = frame["pi_lower"].to_numpy(), frame["pi_upper"].to_numpy()
    return pd.DataFrame(out, index=np.arange(1, horizon + 1))


def _arima(values: np.ndarray, horizon: int) -> pd.DataFrame:
    from statsmodels.tsa.arima.model import ARIMA
    fit = ARIMA(values.astype(float), order=(0, 1, 1), trend="t").fit()
    forecast = fit.get_forecast(horizon)
    out = {"mean": np.asarray(forecast.predicted_mean)}
    for level in LEVELS:
        bounds = np.asarray(forecast.conf_int(alpha=1 - level / 100))
        out[f"lower_{level}"], out[f"upper_{level}"] = bounds[:, 0], bounds[:, 1]
    return pd.DataFrame(out, index=np.arange(1, horizon + 1))


def forecast(series: pd.Series, method: str, horizon: int = 3) -> pd.DataFrame:
    """Forecast ``series`` (indexed by consecutive years) ``horizon`` years ahead: a row a
    year with mean, lower_80, upper_80, lower_95, upper_95 (never below zero)."""
    values = pd.Series(series).dropna().astype(float)
    if len(values) < 2:
        raise ValueError(f"a forecast needs at least two years of figures, got {len(values)}")
    array = values.to_numpy()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")     # statsmodels warns freely on short annual series
        if method == "naive":
            out = _random_walk(array, horizon, drift=False)
        elif method == "drift":
            out = _random_walk(array, horizon, drift=True)
        elif method == "ets":
            out = _ets(array, horizon)
        elif method == "arima":
            out = _arima(array, horizon)
        else:
            raise ValueError(f"unknown method {method!r}; choose from {', '.join(METHODS)}")
    out.index = [int(values.index[-1]) + h for h in out.index]
    return out.clip(lower=0).rename_axis("time_period")


def backtest(series: pd.Series, methods=METHODS, horizons=(1, 2), min_train: int = MIN_TRAIN) -> pd.DataFrame:
    """Rolling-origin backtest: for each origin (the last year a fit sees) and method, the
    forecast of each horizon against the actual. Columns: origin, method, horizon, actual,
    forecast, ape (absolute percentage error), covered_80, covered_95."""
    values = pd.Series(series).dropna().astype(float)
    rows = []
    for end in range(min_train, len(values)):
        train = values.iloc[:end]
        for method in methods:
            try:
                predicted = forecast(train, method, max(horizons))
            except Exception:           # a model that cannot be fitted on this prefix scores nothing
                continue
            for h in horizons:
                if end + h - 1 >= len(values):
                    continue
                actual = values.iloc[end + h - 1]
                row = predicted.iloc[h - 1]
                rows.append({"origin": int(train.index[-1]), "method": method, "horizon": h, "actual": actual,
                             "forecast": row["mean"],
                             "ape": abs(row["mean"] - actual) / actual * 100 if actual else np.nan,
                             "covered_80": row["lower_80"] <= actual <= row["upper_80"],
                             "covered_95": row["lower_95"] <= actual <= row["upper_95"]})
    return pd.DataFrame(rows, columns=["origin", "method", "horizon", "actual", "forecast", "ape", "covered_80",
                                       "covered_95"])


def accuracy(results: pd.DataFrame) -> pd.DataFrame:
    """Per method and horizon: forecasts scored, MAPE, and 80% and 95% interval coverage."""
    return results.groupby(["method", "horizon"]).agg(
        forecasts=("ape", "size"), mape=("ape", "mean"), coverage_80=("covered_80", "mean"),
        coverage_95=("covered_95", "mean")).reset_index()


def choose(results: pd.DataFrame, fallback: str = "naive") -> str:
    """The method with the lowest one-year-ahead MAPE in a backtest (``fallback`` when
    nothing was scored; ties go to the simpler method, in the order of METHODS)."""
    one = results.loc[results["horizon"].eq(1)]
    if one.empty:
        return fallback
    mape = one.groupby("method")["ape"].mean()
    order = [m for m in METHODS if m in mape.index]
    return min(order, key=lambda m: (round(mape[m], 9), order.index(m)))


def forecast_many(series: dict[str, pd.Series], horizon: int = 3) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Each named series backtested, its method chosen (:func:`choose`) and forecast
    ``horizon`` years ahead. Returns the forecasts (series, method, time_period, mean and
    intervals) and the backtest scores (series, method, horizon, forecasts, mape, coverage)."""
    forecasts, scores = [], []
    for name, values in series.items():
        results = backtest(values)
        method = choose(results)
        forecasts.append(forecast(values, method, horizon).reset_index().assign(series=name, method=method))
        scores.append(accuracy(results).assign(series=name))
    columns = ["series", "method", "time_period", "mean", *(f"{b}_{lv}" for lv in LEVELS for b in ("lower", "upper"))]
    return (pd.concat(forecasts, ignore_index=True)[columns] if forecasts else pd.DataFrame(columns=columns),
            pd.concat(scores, ignore_index=True) if scores else pd.DataFrame())
