"""Backtest the forecasting methods on DfE's published series for every English authority.

For each authority with children looked after at 31 March published for enough years, every
method is refitted on each prefix of its series (rolling origin, at least 4 years) and
scored one and two years ahead. Prints, per method and horizon, the median across
authorities of each authority's MAPE, and the 80% and 95% interval coverage pooled over
all forecasts; naive (no change) is the baseline every method is set against. Then the
record-level stock-and-flow model on the synthetic demo returns: fitted on the years to t,
compared with t + 1.

    .venv/bin/python benchmarks/forecast_backtest.py [PUBLISHED_DIR] [--workers N]
"""
from __future__ import annotations

import argparse
import os
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pandas as pd

from sufficiency_lib import config, data, forecast, metrics, published
from sufficiency_lib.config import PROJECT_ROOT
from sufficiency_lib.figures import select


def _one(item):
    code, series = item
    results = forecast.backtest(series)
    return results.assign(new_la_code=code)


def national(folder: Path, workers: int) -> pd.DataFrame:
    figures = published.load(folder).figures
    counts = select(figures, "cla_31_march").loc[lambda f: f["geographic_level"].eq("Local authority")]
    series = [(code, rows.set_index("time_period")["value"].astype(float).sort_index())
              for code, rows in counts.groupby("new_la_code")]
    series = [(c, s) for c, s in series if s.notna().sum() > forecast.MIN_TRAIN]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return pd.concat(pool.map(_one, series, chunksize=4), ignore_index=True)


def record_level() -> pd.DataFrame:
    rows = []
    for la in config.list_authorities():
        tables = data.load(la, "").tables
        snapshots = {y: metrics.children_at_31_march(tables, y) for y in range(la.latest_year - 6, la.latest_year + 1)}
        for t in range(la.latest_year - 3, la.latest_year):
            fit = forecast.StockFlow.estimate({y: s for y, s in snapshots.items() if t - 4 <= y <= t})
            projected = fit.project(1, by=1, runs=400)
            total = projected.loc[projected["group"].eq("Total")].iloc[0]
            actual = len(snapshots[t + 1])
            rows.append({"la": la.la_name, "fitted_to": t, "projected": round(total["mean"]), "actual": actual,
                         "ape": abs(total["mean"] - actual) / actual * 100,
                         "covered_80": total["lower_80"] <= actual <= total["upper_80"]})
    return pd.DataFrame(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("published", nargs="?", default=str(PROJECT_ROOT.parent / "shared" / "data" / "published"))
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    started = time.perf_counter()
    results = national(Path(args.published), args.workers)
    per_la = results.groupby(["new_la_code", "method", "horizon"])["ape"].mean().reset_index()
    table = per_la.groupby(["method", "horizon"])["ape"].median().rename("median_mape").to_frame()
    pooled = results.groupby(["method", "horizon"]).agg(forecasts=("ape", "size"), coverage_80=("covered_80", "mean"),
                                                        coverage_95=("covered_95", "mean"))
    table = table.join(pooled).reset_index()
    naive = table.loc[table["method"].eq("naive")].set_index("horizon")["median_mape"]
    table["vs_naive"] = table["median_mape"] / table["horizon"].map(naive)
    print(f"{results['new_la_code'].nunique()} authorities, {len(results):,} forecasts, "
          f"{time.perf_counter() - started:.0f} s")
    print(table.round(3).to_string(index=False))
    print("\nStock-and-flow model on the synthetic demo returns (fitted to t, compared with t + 1):")
    print(record_level().round(1).to_string(index=False))


if __name__ == "__main__":
    main()
