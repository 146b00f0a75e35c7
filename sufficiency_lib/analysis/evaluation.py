"""The national backtest: every method on every authority's published series, pooled.

At each origin ``T`` (a 31 March the figures hold, but the last) every method is fitted on
the panel cut at ``T`` (:meth:`Panel.upto`: no later year of any authority) and forecasts
each authority one, two and three years ahead. A forecast is *scored* when the pooled
models had a pair of years to learn from (``T`` at least ``h`` years after the first year
of the series), so every method is scored on the same forecasts; where a pooled model had
nothing to learn from it falls back to naive, and those forecasts still serve to calibrate
later intervals. Intervals are calibrated on earlier errors only (:func:`intervals.nested`).

:func:`summary` gives, per kind of series (and placement type) and horizon, each method's
median absolute percentage error (APE) over every scored forecast, its ratio to naive's on
the same forecasts, 80% and 95% coverage, and how many authorities, origins and forecasts
stand behind them. :func:`choose` picks one method per kind of series and horizon: the
lowest median APE. The pseudo-method ``selected`` is that choice made *nested* (at each
origin, on the errors known then), so its row says how well choosing a method this way
works, not just how well the winner did in hindsight.

:func:`cached` keeps the results in a cache folder under a hash of the figures used and of
the code, so a batch of pages computes them once.
"""
from __future__ import annotations

import hashlib
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from sufficiency_lib import text_storage
from sufficiency_lib.analysis import classic, intervals, pooled
from sufficiency_lib.analysis.panel import KINDS, NUMBER, PLACEMENT, Panel, build

PER_SERIES = ("naive", "drift")
CLASSIC = ("ets", "arima")
METHODS = (*PER_SERIES, *pooled.SPECS, *pooled.COMBINATIONS)
SELECTED = "selected"
HORIZONS = (1, 2, 3)
GOAL_HORIZONS = (1, 2)
GOAL_RATIO = 0.9                     # median APE at most 0.9 x naive's one year ahead
GOAL_COVERAGE = {80: (0.75, 0.85), 95: (0.90, 0.98)}
LABELS = {"naive": "naive (no change)", "drift": "drift (the series' average yearly change continued)",
          "ets": "damped-trend exponential smoothing (ETS), per series",
          "arima": "ARIMA(0,1,1) with drift, per series",
          **{name: spec.label for name, spec in pooled.SPECS.items()},
          "combined": "the mean of the pooled trend, shrunk, reversion, flows and structure models",
          SELECTED: "the method with the lowest median error on the forecasts known at each origin"}
COLUMNS = ["kind", "series", "method", "new_la_code", "origin", "horizon", "size", "forecast", "actual", "fitted",
           "scored"]
_SOURCES = ("panel.py", "pooled.py", "intervals.py", "evaluation.py", "classic.py")


def first_year(panel: Panel) -> int | None:
    """The first year in which any authority has a figure."""
    known = [y for y in panel.years if panel.values[y].notna().any()]
    return known[0] if known else None


def _attach(panel: Panel, rows: pd.DataFrame, first: int) -> pd.DataFrame:
    values = panel.values
    codes = values.index.get_indexer(rows["new_la_code"])
    column = {y: i for i, y in enumerate(values.columns)}
    array = values.to_numpy()
    at_origin = np.array([column[o] for o in rows["origin"]])
    target = np.array([column.get(o + h, -1) for o, h in zip(rows["origin"], rows["horizon"])])
    rows = rows.assign(kind=panel.kind, series=panel.name, size=array[codes, at_origin],
                       actual=np.where(target >= 0, array[codes, np.maximum(target, 0)], np.nan))
    rows["scored"] = rows["fitted"].astype(bool) & (rows["origin"] >= first + rows["horizon"])
    return rows[COLUMNS]


def backtest_panel(panel: Panel, methods=METHODS, horizons=HORIZONS) -> pd.DataFrame:
    """Every method's forecasts at every origin of ``panel`` (columns :data:`COLUMNS`)."""
    first = first_year(panel)
    if first is None:
        return pd.DataFrame(columns=COLUMNS)
    last = panel.years[-1]
    design = pooled.Design(panel)
    singles = [m for m in methods if m not in pooled.COMBINATIONS]
    needed = list(dict.fromkeys([*singles, *(x for m in methods if m in pooled.COMBINATIONS
                                             for x in pooled.COMBINATIONS[m])]))
    parts = []
    for origin in [y for y in panel.years if first <= y < last]:
        cut = panel.upto(origin)
        hs = tuple(h for h in horizons if origin + h <= last)
        found = {m: pooled.forecast_panel(cut, m, hs, design).assign(method=m) for m in needed}
        parts += [found[m].assign(origin=origin) for m in singles]
        for name in (m for m in methods if m in pooled.COMBINATIONS):
            parts.append(_combine(cut, [found[m] for m in pooled.COMBINATIONS[name]], name).assign(origin=origin))
    return _attach(panel, pd.concat(parts, ignore_index=True), first)


def _combine(panel: Panel, members: list[pd.DataFrame], name: str) -> pd.DataFrame:
    """The mean change (log scale) of ``members``' forecasts, as a forecast."""
    keyed = [m.set_index(["new_la_code", "horizon"]) for m in members]
    change = sum(m["change"] for m in keyed) / len(keyed)
    fitted = np.logical_and.reduce([m["fitted"].astype(bool).to_numpy() for m in keyed])
    z = pooled.log_values(panel.values)[panel.years[-1]].reindex(change.index.get_level_values(0)).to_numpy()
    out = pd.DataFrame({"forecast": np.maximum(np.exp(z + change.to_numpy()) - pooled.OFFSET, 0.0),
                        "change": change.to_numpy(), "fitted": fitted}, index=change.index)
    return out.reset_index().assign(method=name)


def backtest_classic(panel: Panel, methods=CLASSIC, horizons=HORIZONS) -> pd.DataFrame:
    """ETS and ARIMA refitted on each authority's own series at every origin with at
    least :data:`classic.MIN_TRAIN` years (slow: a fit per series, origin and method)."""
    first = first_year(panel)
    if first is None:
        return pd.DataFrame(columns=COLUMNS)
    last = panel.years[-1]
    rows = []
    for code in panel.codes:
        series = panel.series(code)
        for end in range(classic.MIN_TRAIN, len(series)):
            train = series.iloc[:end]
            origin = int(train.index[-1])
            hs = [h for h in horizons if origin + h <= last]
            for method in methods:
                try:
                    predicted = classic.forecast(train, method, max(hs))
                except Exception:           # a model that cannot be fitted on this prefix scores nothing
                    continue
                rows += [{"new_la_code": code, "origin": origin, "horizon": h, "method": method, "fitted": True,
                          "forecast": float(predicted.loc[origin + h, "mean"])} for h in hs
                         if origin + h in predicted.index]
    frame = pd.DataFrame(rows, columns=["new_la_code", "origin", "horizon", "method", "fitted", "forecast"])
    return _attach(panel, frame, first) if len(frame) else pd.DataFrame(columns=COLUMNS)


def select_nested(results: pd.DataFrame, candidates=METHODS) -> pd.DataFrame:
    """The pseudo-method :data:`SELECTED`: at each origin and horizon, per kind of series,
    the forecasts of the candidate with the lowest median APE over the scored forecasts
    whose outcome was known at that origin (naive when none was)."""
    scored = results.loc[results["scored"] & results["method"].isin(candidates) & results["actual"].gt(0)]
    ape = (scored["forecast"] - scored["actual"]).abs() / scored["actual"]
    parts = []
    for (kind, horizon), group in results.loc[results["method"].isin(candidates)].groupby(["kind", "horizon"]):
        for origin in sorted(group["origin"].unique()):
            known = scored.loc[scored["kind"].eq(kind) & scored["horizon"].eq(horizon)
                               & scored["origin"].le(origin - horizon)]
            best = "naive"
            if len(known):
                medians = ape.loc[known.index].groupby(known["method"]).median()
                best = min(medians.index, key=lambda m: (round(medians[m], 12), list(candidates).index(m)))
            parts.append(group.loc[group["origin"].eq(origin) & group["method"].eq(best)].assign(method=SELECTED))
    return pd.concat(parts, ignore_index=True) if parts else results.iloc[:0]


def run(panels: list[Panel], methods=METHODS, horizons=HORIZONS, with_classic: bool = False) -> pd.DataFrame:
    """The backtest of ``methods`` (and ETS and ARIMA on the number in care when
    ``with_classic``) on every panel, with the nested :data:`SELECTED` choice and nested
    calibrated intervals (lower_/upper_/covered_ 80 and 95, calibration_errors)."""
    parts = [backtest_panel(panel, methods, horizons) for panel in panels]
    if with_classic:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            parts += [backtest_classic(panel, CLASSIC, horizons) for panel in panels if panel.kind == NUMBER]
    results = pd.concat([p for p in parts if len(p)], ignore_index=True)
    results = pd.concat([results, select_nested(results, methods)], ignore_index=True)
    return intervals.nested(results, by=("series", "method", "horizon"))


def _ape(frame: pd.DataFrame) -> pd.Series:
    return (frame["forecast"] - frame["actual"]).abs() / frame["actual"] * 100


def summary(results: pd.DataFrame, by_series: bool = False, horizons=None) -> pd.DataFrame:
    """Per kind (and series, with ``by_series``), method and horizon: median_ape (over every
    scored forecast with a non-zero outcome: ``forecasts`` of them), vs_naive (that median
    over naive's on the same forecasts), median_la_mape (the median of each authority's mean
    APE), coverage_80 and coverage_95 (over the scored forecasts with a calibrated interval
    and a known outcome, zero included: ``coverage_forecasts`` of them, from
    ``coverage_origins`` origins), and the authorities and origins behind the errors."""
    keys = ["kind", *(["series"] if by_series else []), "method", "horizon"]
    scored = results.loc[results["scored"] & results["actual"].notna()]
    if horizons is not None:
        scored = scored.loc[scored["horizon"].isin(horizons)]
    positive = scored.loc[scored["actual"].gt(0)]
    positive = positive.assign(ape=_ape(positive))
    pair = ["series", "new_la_code", "origin", "horizon"]
    naive = positive.loc[positive["method"].eq("naive")].set_index(pair)["ape"]
    positive = positive.assign(naive_ape=naive.reindex(pd.MultiIndex.from_frame(positive[pair])).to_numpy())
    per_la = positive.groupby([*keys, "new_la_code"])["ape"].mean().groupby(keys).median().rename("median_la_mape")
    table = positive.groupby(keys).agg(median_ape=("ape", "median"), authorities=("new_la_code", "nunique"),
                                       origins=("origin", "nunique"), forecasts=("ape", "size"))
    naive_median = positive.dropna(subset=["naive_ape"]).groupby(keys)["naive_ape"].median()
    table["vs_naive"] = table["median_ape"] / naive_median.reindex(table.index)
    covered = scored.loc[scored["covered_80"].notna()]
    coverage = covered.groupby(keys).agg(coverage_80=("covered_80", "mean"), coverage_95=("covered_95", "mean"),
                                         coverage_forecasts=("covered_80", "size"),
                                         coverage_origins=("origin", "nunique"))
    table = table.join(coverage).join(per_la).reset_index()
    order = {m: i for i, m in enumerate([*PER_SERIES, *CLASSIC, *pooled.SPECS, *pooled.COMBINATIONS, SELECTED])}
    kinds = {k: i for i, k in enumerate(KINDS)}
    table = table.sort_values(keys, key=lambda c: c.map(order) if c.name == "method" else
                              (c.map(kinds) if c.name == "kind" else c), ignore_index=True)
    for column in ("coverage_forecasts", "coverage_origins"):
        table[column] = table[column].fillna(0).astype(int)
    return table[[*keys, "median_ape", "vs_naive", "coverage_80", "coverage_95", "authorities", "origins",
                  "forecasts", "coverage_origins", "coverage_forecasts", "median_la_mape"]]


def choose(table: pd.DataFrame, candidates=METHODS) -> dict[tuple[str, int], str]:
    """(kind, horizon) -> the candidate with the lowest median APE in :func:`summary`'s
    ``table`` (by kind, not by series); ties go to the simpler, in the order of METHODS."""
    rows = table.loc[table["method"].isin(candidates)]
    if "series" in rows.columns:
        raise ValueError("choose from a summary by kind (by_series=False), not by series")
    out = {}
    for (kind, horizon), group in rows.groupby(["kind", "horizon"]):
        medians = group.set_index("method")["median_ape"].dropna()
        if len(medians):
            out[(kind, int(horizon))] = min(medians.index, key=lambda m: (round(medians[m], 9),
                                                                         list(candidates).index(m)))
    return out


def goal_check(table: pd.DataFrame, chosen: dict[tuple[str, int], str]) -> pd.DataFrame:
    """Each chosen method against the issue's goals: vs naive (at most GOAL_RATIO at one
    year for the number in care, at most 1 at two years) and coverage in GOAL_COVERAGE."""
    rows = []
    for (kind, horizon), method in sorted(chosen.items()):
        if horizon not in GOAL_HORIZONS:
            continue
        row = table.loc[table["kind"].eq(kind) & table["method"].eq(method) & table["horizon"].eq(horizon)].iloc[0]
        limit = GOAL_RATIO if (kind == NUMBER and horizon == 1) else 1.0
        rows.append({"kind": kind, "horizon": horizon, "method": method, "vs_naive": row["vs_naive"],
                     "vs_naive_goal": limit, "vs_naive_met": bool(row["vs_naive"] <= limit),
                     "coverage_80": row["coverage_80"], "coverage_95": row["coverage_95"],
                     "coverage_met": bool(GOAL_COVERAGE[80][0] <= row["coverage_80"] <= GOAL_COVERAGE[80][1]
                                          and GOAL_COVERAGE[95][0] <= row["coverage_95"] <= GOAL_COVERAGE[95][1])})
    return pd.DataFrame(rows)


def fingerprint(panels: list[Panel], extra: str = "") -> str:
    """A hash of every panel's figures, context, regions and neighbours, and of the
    forecasting code."""
    digest = hashlib.sha256(extra.encode())
    here = Path(__file__).resolve().parent
    for name in _SOURCES:
        digest.update((here / name).read_bytes())
    for panel in panels:
        digest.update(f"{panel.kind}|{panel.name}".encode())
        frames = [panel.values, *(panel.context[key] for key in sorted(panel.context))]
        for frame in frames:
            digest.update(pd.util.hash_pandas_object(frame.reset_index(), index=False).to_numpy().tobytes())
        digest.update(pd.util.hash_pandas_object(panel.neighbours, index=False).to_numpy().tobytes())
        digest.update(pd.util.hash_pandas_object(panel.region, index=True).to_numpy().tobytes())
    return digest.hexdigest()[:16]


def cached(figures: pd.DataFrame, cache_dir, panels: list[Panel] | None = None, key: str = "") -> pd.DataFrame:
    """:func:`run` on the panels of ``figures`` (:func:`panel.build`), kept in ``cache_dir``
    under :func:`fingerprint` (``key``, when already worked out), so the pages of a batch
    (one computes, the others wait) and later runs reuse it."""
    from sufficiency_lib import parallel

    panels = build(figures) if panels is None else panels
    if not panels:
        return pd.DataFrame(columns=COLUMNS)
    folder = Path(cache_dir)
    path = folder / f"panel_backtest_{key or fingerprint(panels)}.parquet"
    with parallel.exclusive(folder / ".panel_backtest.lock"):
        if not path.is_file():
            results = run(panels)
            staging = path.with_suffix(".tmp")
            results.to_parquet(staging, index=False)
            staging.replace(path)
    return text_storage.read_parquet(path)


__all__ = ["METHODS", "PER_SERIES", "CLASSIC", "SELECTED", "HORIZONS", "LABELS", "backtest_panel", "backtest_classic",
           "run", "summary", "choose", "goal_check", "select_nested", "cached", "fingerprint", "first_year",
           "PLACEMENT"]
