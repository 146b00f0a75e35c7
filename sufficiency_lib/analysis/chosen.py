"""One forecast per series for an authority's page, with its interval, its tested typical
error and its track record.

The method of each kind of series (number in care, rate per 10,000, placement type) and
horizon is chosen once, on the national backtest (:func:`evaluation.choose`: the lowest
median absolute percentage error over every authority's published series), never per
authority. :func:`series_forecasts` fits the chosen method on every authority's figures up
to the latest year and gives this authority's forecast, with intervals calibrated on every
backtest error known by then (same series, method and horizon, scaled by size:
:mod:`intervals`), and the typical error the method made in the backtest, overall and for
authorities of this one's size. :func:`track_record` gives the authority's own past
forecasts by the chosen method against what happened. :func:`methods_table` is the table
of every method tried, for the methods section.

Typical use (``figures``: :func:`published.dfe.load`'s figures; ``cache_dir``: where the
national backtest is kept)::

    rows = chosen.series_forecasts(figures, "E10000003", horizon=3, cache_dir=CACHE_DIR)
    past = chosen.track_record(figures, "E10000003", cache_dir=CACHE_DIR)
    table = chosen.methods_table(figures, cache_dir=CACHE_DIR)
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from sufficiency_lib import fingerprint, parallel, text_storage
from sufficiency_lib.analysis import evaluation, intervals, pooled
from sufficiency_lib.analysis.panel import KIND_LABELS, Panel, build
from sufficiency_lib.wording import half_up

FORECAST_COLUMNS = ["series", "kind", "method", "method_label", "origin", "horizon", "time_period", "latest", "mean",
                    "lower_80", "upper_80", "lower_95", "upper_95", "typical_ape", "typical_ape_size",
                    "backtest_forecasts", "backtest_origins", "calibration_errors", "interval_note"]
TRACK_COLUMNS = ["series", "kind", "method", "origin", "horizon", "time_period", "forecast", "lower_80", "upper_80",
                 "lower_95", "upper_95", "actual", "ape", "covered_80", "covered_95", "fitted"]
SIZE_BANDS = 3           # typical error among authorities of a similar size: thirds by size


#: The panels and backtest of the figures last asked about (the frame itself kept, so its id
#: stays its own): an authority-year asks three times, and a national run's worker asks for
#: every authority it computes, always of the same published figures.
_LAST: dict = {}


def _results(figures: pd.DataFrame, cache_dir, results: pd.DataFrame | None,
             panels: list[Panel] | None) -> tuple[list[Panel], pd.DataFrame]:
    if panels is None and results is None and _LAST.get("figures") is figures and _LAST.get("cache") == cache_dir:
        return _LAST["panels"], _LAST["results"]
    mine = panels is None and results is None
    panels = build(figures) if panels is None else panels
    key = evaluation.fingerprint(panels) if mine and cache_dir is not None and panels else ""
    if results is None:
        results = evaluation.cached(figures, cache_dir, panels, key) if cache_dir is not None else \
            evaluation.run(panels)
    if mine:
        _LAST.clear()
        _LAST.update(figures=figures, cache=cache_dir, panels=panels, results=results, key=key)
    return panels, results


def chosen_methods(results: pd.DataFrame) -> dict[tuple[str, int], str]:
    """(kind, horizon) -> the method chosen on the backtest (:func:`evaluation.choose`);
    a horizon the backtest could not score takes the choice of the longest one it could.
    Worked out once for the cached backtest (an authority-year asks three times)."""
    if results is _LAST.get("results"):
        if "chosen" not in _LAST:
            _LAST["chosen"] = _chosen_methods(results)
        return dict(_LAST["chosen"])
    return _chosen_methods(results)


def _summary(results: pd.DataFrame, by_series: bool = False) -> pd.DataFrame:
    """:func:`evaluation.summary` of ``results``, worked out once for the cached backtest (the
    methods chosen and the methods table both read it)."""
    if results is not _LAST.get("results"):
        return evaluation.summary(results, by_series=by_series)
    if ("summary", by_series) not in _LAST:
        _LAST[("summary", by_series)] = evaluation.summary(results, by_series=by_series)
    return _LAST[("summary", by_series)].copy()


def _chosen_methods(results: pd.DataFrame) -> dict[tuple[str, int], str]:
    chosen = evaluation.choose(_summary(results))
    for kind in {k for k, _ in chosen}:
        scored = sorted(h for k, h in chosen if k == kind)
        for h in evaluation.HORIZONS:
            if (kind, h) not in chosen:
                shorter = [s for s in scored if s < h]
                chosen[(kind, h)] = chosen[(kind, shorter[-1])] if shorter else "naive"
    return chosen


def methods_table(figures: pd.DataFrame | None = None, cache_dir=None, results: pd.DataFrame | None = None,
                  by_series: bool = False) -> pd.DataFrame:
    """Every method tried, per kind of series (and placement type, ``by_series``) and
    horizon: :func:`evaluation.summary` with each method's label and whether it is the one
    chosen."""
    if results is None:
        _, results = _results(figures, cache_dir, None, None)
    table = _summary(results, by_series)
    chosen = chosen_methods(results)
    table["label"] = table["method"].map(evaluation.LABELS)
    table["chosen"] = [chosen.get((k, int(h))) == m for k, h, m in zip(table["kind"], table["horizon"],
                                                                         table["method"])]
    return table


def _typical(results: pd.DataFrame, series: str, method: str, horizon: int, size: float) -> dict:
    """The median APE of ``method``'s scored backtest forecasts of ``series`` at
    ``horizon``, overall and among the third of them by size that ``size`` falls in."""
    rows = results.loc[results["series"].eq(series) & results["method"].eq(method) & results["horizon"].eq(horizon)
                       & results["scored"] & results["actual"].gt(0)]
    if rows.empty:
        return {"typical_ape": np.nan, "typical_ape_size": np.nan, "backtest_forecasts": 0, "backtest_origins": 0}
    ape = (rows["forecast"] - rows["actual"]).abs() / rows["actual"] * 100
    cuts = np.quantile(rows["size"], np.linspace(0, 1, SIZE_BANDS + 1)[1:-1])
    band = np.searchsorted(cuts, rows["size"].to_numpy(), side="right")
    mine = np.searchsorted(cuts, size, side="right")
    return {"typical_ape": float(ape.median()), "typical_ape_size": float(ape[band == mine].median()),
            "backtest_forecasts": int(len(rows)), "backtest_origins": int(rows["origin"].nunique())}


def _calibration(results: pd.DataFrame, series: str, method: str, horizon: int, origin: int) -> tuple[dict | None, str]:
    """The interval calibration for a forecast at ``origin``: every known error of the same
    series, method and horizon; for a horizon with too few, the longest shorter one's,
    widened by the square root of the ratio of horizons."""
    for h in range(horizon, 0, -1):
        rows = results.loc[results["series"].eq(series) & results["method"].eq(method) & results["horizon"].eq(h)
                           & results["origin"].le(origin - h) & results["actual"].notna()]
        if len(rows) >= intervals.MIN_ERRORS:
            error = intervals.log_error(rows["actual"], rows["forecast"])
            latest = (rows["origin"] == rows["origin"].max()).to_numpy()
            found = intervals.calibrate(error, rows["size"].to_numpy(), latest=latest)
            if h == horizon:
                return found, f"calibrated on {len(rows)} backtest errors"
            return (intervals.widen(found, np.sqrt(horizon / h)),
                    f"calibrated on {len(rows)} errors {h} year(s) ahead, widened by sqrt({horizon}/{h})")
    return None, "no backtest errors to calibrate an interval on"


def forecast_panel_at(panel: Panel, method: str, horizons, design: pooled.Design | None = None) -> pd.DataFrame:
    """Every authority's forecast by ``method`` from the panel's last year."""
    return pooled.forecast_panel(panel, method, tuple(horizons), design)


def last_year(panel: Panel) -> int | None:
    """The latest year in which any authority has a figure."""
    known = [y for y in panel.years if panel.values[y].notna().any()]
    return known[-1] if known else None


def _every_authority(panels: list[Panel], panel: Panel, origin: int, horizon: int,
                     chosen: dict) -> dict[int, tuple[str, pd.DataFrame]]:
    """horizon -> (method, every authority's forecast from ``origin``): the pooled models are
    fitted on all authorities at once, so one fit serves every authority. Kept in memory
    while the panels are the cached ones, and on disk beside the national backtest (same
    fingerprint of the figures and code), so other processes and later runs reuse it."""
    key = (panel.name, origin, horizon)
    cached = panels is _LAST.get("panels")
    kept = _LAST.setdefault("forecasts", {}) if cached else {}
    if key not in kept:
        methods = {h: chosen.get((panel.kind, h), "naive") for h in range(1, horizon + 1)}
        stored = _stored_path(panel, origin, methods) if cached and _LAST.get("key") else None
        if stored is None:
            kept[key] = _fit_every_authority(panel, origin, methods)
        else:       # one process fits, the others wait and read (as the backtest is kept)
            with parallel.exclusive(stored.parent / ".panel_forecasts.lock"):
                kept[key] = _read_stored(stored, methods) if stored.is_file() else None
                if kept[key] is None:
                    kept[key] = _fit_every_authority(panel, origin, methods)
                    _write_stored(stored, kept[key])
    return kept[key]


def _fit_every_authority(panel: Panel, origin: int, methods: dict[int, str]) -> dict[int, tuple[str, pd.DataFrame]]:
    cut = panel.upto(origin)
    design = pooled.Design(cut)
    return {h: (method, forecast_panel_at(cut, method, (h,), design).set_index("new_la_code"))
            for h, method in methods.items()}


#: This module's code is in the stored forecasts' names too (the backtest's fingerprint
#: covers the forecasting modules, not how this one cuts the panel at an origin).
_THIS_CODE = fingerprint.digest(Path(__file__).read_text(encoding="utf-8"))[:12]


def _stored_path(panel: Panel, origin: int, methods: dict[int, str]) -> Path:
    name = fingerprint.digest(panel.name, origin, sorted(methods.items()), _THIS_CODE)[:16]
    return Path(_LAST["cache"]) / f"panel_forecasts_{_LAST['key']}" / f"{name}.parquet"


def _read_stored(path: Path, methods: dict[int, str]) -> dict[int, tuple[str, pd.DataFrame]] | None:
    """The stored forecasts, or None when they do not hold every horizon (then they are fitted)."""
    table = text_storage.read_parquet(path)
    found = {int(h): (rows["method"].iloc[0], rows.drop(columns="method").set_index("new_la_code"))
             for h, rows in table.groupby("horizon", sort=True)}
    return found if set(found) == set(methods) else None


def _write_stored(path: Path, forecasts: dict[int, tuple[str, pd.DataFrame]]) -> None:
    """Written whole then renamed: processes computing the same forecasts at once write
    the same rows, and a reader never sees half a file."""
    table = pd.concat([found.reset_index().assign(method=method) for method, found in forecasts.values()])
    fingerprint.atomic_write_bytes(path, table.to_parquet(index=False))


def series_forecasts(figures: pd.DataFrame, code: str, horizon: int = 3, cache_dir=None,
                     results: pd.DataFrame | None = None, panels: list[Panel] | None = None,
                     levels: dict[str, float] | None = None, until: int | None = None) -> pd.DataFrame:
    """One forecast per series of authority ``code`` and year ahead (1 to ``horizon``),
    from the latest year the figures hold, by the method chosen for that kind of series and
    horizon. Columns :data:`FORECAST_COLUMNS`: mean and the calibrated 80% and 95% bounds,
    ``typical_ape`` (the method's median APE in the national backtest at that horizon) and
    ``typical_ape_size`` (among authorities of a similar size), how many backtest forecasts
    and origins stand behind them, and how the interval was calibrated. A series whose
    figure for the latest year is not published (suppressed, or not yet reported) has no
    forecast.

    ``levels`` (series -> value at the latest year, e.g. the count from the authority's own
    return) starts a series from that value instead of the published one: its forecast and
    bounds are scaled by the ratio. ``results`` and ``panels`` may be given to skip
    building them (they must come from the same ``figures``). ``until`` (a statement's year)
    makes the forecast as it would have been made then: from the latest year up to it, the
    intervals calibrated on origins before it (the methods stay those chosen on every origin)."""
    panels, results = _results(figures, cache_dir, results, panels)
    chosen = chosen_methods(results) if len(results) else {}
    by_series = dict(tuple(results.groupby("series"))) if len(results) else {}
    rows = []
    for panel in panels:
        origin = last_year(panel if until is None else panel.upto(until))
        if origin is None or code not in panel.values.index or pd.isna(panel.values.at[code, origin]):
            continue
        latest = float(panel.values.at[code, origin])
        scale = levels[panel.name] / latest if levels and panel.name in levels and latest else 1.0
        mine = by_series.get(panel.name, results.iloc[:0])
        every = _every_authority(panels, panel, origin, horizon, chosen)
        for h in range(1, horizon + 1):
            method, found = every[h]
            mean = float(found.loc[code, "forecast"])
            calibration, note = _calibration(mine, panel.name, method, h, origin)
            row = {"series": panel.name, "kind": panel.kind, "method": method,
                   "method_label": evaluation.LABELS.get(method, method), "origin": origin, "horizon": h,
                   "time_period": origin + h, "latest": latest * scale, "mean": mean * scale,
                   "calibration_errors": 0 if calibration is None else calibration["errors"], "interval_note": note,
                   **_typical(mine, panel.name, method, h, latest)}
            if calibration is not None:
                bounds = intervals.bounds(calibration, [mean], [latest], integer=panel.kind != "rate").iloc[0]
                row.update({k: float(v) * scale for k, v in bounds.items()})
            rows.append(row)
    return pd.DataFrame(rows, columns=FORECAST_COLUMNS)


def track_record(figures: pd.DataFrame, code: str, cache_dir=None, results: pd.DataFrame | None = None,
                 panels: list[Panel] | None = None, horizons=(1, 2), until: int | None = None) -> pd.DataFrame:
    """Authority ``code``'s past forecasts by the method chosen for each kind of series and
    horizon, made at each earlier origin on the figures known then (the national
    backtest), against what happened: columns :data:`TRACK_COLUMNS` (``fitted`` False
    where the pooled model had nothing to learn from yet and forecast no change). With
    ``until`` (a statement's year), only forecasts of years up to it: what was known then."""
    panels, results = _results(figures, cache_dir, results, panels)
    if results.empty:
        return pd.DataFrame(columns=TRACK_COLUMNS)
    chosen = chosen_methods(results)
    mine = results.loc[results["new_la_code"].eq(code) & results["actual"].notna()
                       & results["horizon"].isin(list(horizons))]
    if until is not None:
        mine = mine.loc[(mine["origin"] + mine["horizon"]).le(int(until))]
    keep = [chosen.get((k, int(h))) == m for k, h, m in zip(mine["kind"], mine["horizon"], mine["method"])]
    mine = mine.loc[keep]
    out = mine.assign(time_period=mine["origin"] + mine["horizon"],
                      ape=np.where(mine["actual"] > 0, (mine["forecast"] - mine["actual"]).abs() / mine["actual"]
                                   * 100, np.nan))
    return out.sort_values(["kind", "series", "horizon", "origin"])[TRACK_COLUMNS].reset_index(drop=True)


def describe(row) -> str:
    """A forecast row of :func:`series_forecasts` in words, with its tested typical error."""
    what = KIND_LABELS.get(row["kind"], row["kind"])
    text = f"{half_up(row['mean']):,.0f} at 31 March {int(row['time_period'])}"
    if not pd.isna(row.get("lower_80")):
        text += f" (80% interval {half_up(row['lower_80']):,.0f} to {half_up(row['upper_80']):,.0f})"
    if not pd.isna(row["typical_ape"]):
        text += (f"; forecasts of the {what} {int(row['horizon'])} year(s) ahead by this method were typically "
                 f"{half_up(row['typical_ape']):.0f}% off ({half_up(row['typical_ape_size']):.0f}% for authorities of "
                 "this size)")
    else:
        text += f"; not yet tested {int(row['horizon'])} years ahead"
    return text + "."
