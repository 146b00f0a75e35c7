"""Forecasts of children in care: where each part lives, and the names the pages use.

- :mod:`classic`: each series on its own (naive, drift, ETS, ARIMA), with a rolling-origin
  backtest per series (:func:`backtest`, :func:`forecast_many`): the statement's first
  models, kept as the baseline and as alternatives.
- :mod:`panel`, :mod:`pooled`: every authority's published series side by side, and point
  forecasts pooled across authorities (trend, growth shrunk toward comparable
  authorities, mean reversion of the rate, flows, age mix, combinations).
- :mod:`intervals`: intervals calibrated on the errors of earlier forecasts (nested
  split conformal, by horizon and size of authority).
- :mod:`evaluation`: the national backtest of every method on every authority's series,
  the methods table, the choice of one method per kind of series and horizon, and its
  cache.
- :mod:`chosen`: one forecast per series of an authority with its interval and tested
  typical error, and the authority's track record.
- :mod:`stockflow`: the record-level stock-and-flow model, its scenarios and its
  reconciliation with the aggregate forecast.

This module re-exports what the chapter and the explorer use, and keeps the national
accuracy table (:func:`national_accuracy`) the chapter shows.
"""
from __future__ import annotations

import pandas as pd

from sufficiency_lib.analysis import evaluation
from sufficiency_lib.analysis.classic import (LEVELS, METHODS, MIN_TRAIN, accuracy, backtest, choose, forecast,
                                              forecast_many)
from sufficiency_lib.analysis.stockflow import (EXIT, IFA, IN_HOUSE, SEP, SIMULATIONS, StockFlow, change, part,
                                                quantile_path, state)

METHOD_NAMES = {"naive": "naive", "drift": "drift", "ets": "ETS", "arima": "ARIMA", "trend": "trend",
                "trend_damped": "damped trend", "shrunk": "shrunk growth", "reversion": "mean reversion",
                "flows": "flows", "structure": "age mix", "pooled": "pooled", "pooled_trend": "pooled with trend",
                "combined": "combined", evaluation.SELECTED: "selected"}
METHOD_LABELS = dict(evaluation.LABELS)

__all__ = ["LEVELS", "METHODS", "MIN_TRAIN", "accuracy", "backtest", "choose", "forecast", "forecast_many", "EXIT",
           "IFA", "IN_HOUSE", "SEP", "SIMULATIONS", "StockFlow", "change", "part", "quantile_path", "state",
           "METHOD_NAMES", "METHOD_LABELS", "authority_series", "national_backtest", "national_summary",
           "national_accuracy"]


# --- the per-series backtest on every authority (the methods of :mod:`classic`) ---------------

def authority_series(figures: pd.DataFrame, indicator: str = "cla_31_march", unit: str = "number",
                     min_years: int = MIN_TRAIN + 1) -> dict[str, pd.Series]:
    """Each authority's published series of ``indicator`` (``unit``), by new_la_code, for
    those with at least ``min_years`` figures (enough to score one rolling-origin forecast)."""
    from sufficiency_lib.published.figures import select
    rows = select(figures, indicator, unit).loc[lambda f: f["geographic_level"].eq("Local authority")]
    series = {code: group.set_index("time_period")["value"].astype(float).sort_index()
              for code, group in rows.groupby("new_la_code")}
    return {code: s for code, s in series.items() if s.notna().sum() >= min_years}


def _backtest_one(item) -> pd.DataFrame:
    code, series = item
    return backtest(series).assign(new_la_code=code)


def national_backtest(series: dict[str, pd.Series], workers: int = 1) -> pd.DataFrame:
    """:func:`backtest` of every per-series method on every authority's series, with
    new_la_code (the models' own intervals, not calibrated ones)."""
    items = sorted(series.items())
    if workers > 1:
        from sufficiency_lib.parallel import process_pool
        with process_pool(workers) as pool:
            parts = list(pool.map(_backtest_one, items, chunksize=4))
    else:
        parts = [_backtest_one(item) for item in items]
    return pd.concat(parts, ignore_index=True) if parts else backtest(pd.Series(dtype=float)).assign(new_la_code="")


def national_summary(results: pd.DataFrame) -> pd.DataFrame:
    """Per method and horizon of :func:`national_backtest`'s results: authorities,
    forecasts, the median across authorities of each authority's MAPE, that median against
    naive's (``vs_naive``), and 80% and 95% interval coverage pooled over every forecast."""
    per_la = results.groupby(["new_la_code", "method", "horizon"])["ape"].mean().reset_index()
    table = per_la.groupby(["method", "horizon"]).agg(authorities=("new_la_code", "nunique"),
                                                      median_mape=("ape", "median"))
    pooled = results.groupby(["method", "horizon"]).agg(forecasts=("ape", "size"), coverage_80=("covered_80", "mean"),
                                                        coverage_95=("covered_95", "mean"))
    table = table.join(pooled).reset_index()
    naive = table.loc[table["method"].eq("naive")].set_index("horizon")["median_mape"]
    table["vs_naive"] = table["median_mape"] / table["horizon"].map(naive)
    order = {m: i for i, m in enumerate(METHODS)}
    return table.sort_values(["horizon", "method"], key=lambda c: c.map(order) if c.name == "method" else c,
                             ignore_index=True)


# --- the national accuracy table the chapter shows ------------------------------------------

def national_accuracy(figures: pd.DataFrame, cache_dir, workers: int | None = None) -> pd.DataFrame:
    """Every method's national backtest on the number in care (:mod:`evaluation`, kept in
    ``cache_dir`` under a hash of the figures and the code, so the pages of a batch compute
    it once), one and two years ahead. Columns: method, horizon, authorities,
    ``median_mape`` (the median of the authorities' mean APE), forecasts, coverage_80 and
    coverage_95 (nested calibrated intervals), ``vs_naive`` (median_mape over naive's),
    and ``median_ape`` (over every forecast), ``vs_naive_ape`` (over naive's on the same
    forecasts), origins and ``chosen`` (the method chosen for the number in care).
    ``workers`` is accepted for callers of the per-series version; the pooled backtest
    runs in one process."""
    results = evaluation.cached(figures, cache_dir)
    columns = ["method", "horizon", "authorities", "median_mape", "forecasts", "coverage_80", "coverage_95",
               "vs_naive", "median_ape", "vs_naive_ape", "origins", "chosen"]
    if results.empty:
        return pd.DataFrame(columns=columns)
    table = evaluation.summary(results, horizons=evaluation.GOAL_HORIZONS)
    table = table.loc[table["kind"].eq("number")].rename(columns={"vs_naive": "vs_naive_ape",
                                                                  "median_la_mape": "median_mape"})
    naive = table.loc[table["method"].eq("naive")].set_index("horizon")["median_mape"]
    table["vs_naive"] = table["median_mape"] / table["horizon"].map(naive)
    picked = evaluation.choose(evaluation.summary(results))
    table["chosen"] = [picked.get(("number", int(h))) == m for h, m in zip(table["horizon"], table["method"])]
    return table[columns].reset_index(drop=True)
