"""Backtest the forecasting methods on DfE's published series for every English authority.

For each authority with children looked after at 31 March published for enough years, every
method is refitted on each prefix of its series (rolling origin, at least 4 years) and
scored one and two years ahead. Prints, per method and horizon, the median across
authorities of each authority's MAPE, and the 80% and 95% interval coverage pooled over
all forecasts; naive (no change) is the baseline every method is set against. Then the
record-level stock-and-flow model on the synthetic demo returns: fitted on the years to t,
compared with t + 1, with whether its 80% interval held the outcome.

    .venv/bin/python benchmarks/forecast_backtest.py [PUBLISHED_DIR] [--workers N]
"""
from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import pandas as pd

from sufficiency_lib import config
from sufficiency_lib.analysis import facts as data, forecast, metrics
from sufficiency_lib.published import dfe as published
from sufficiency_lib.config import PROJECT_ROOT


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
    series = forecast.authority_series(published.load(Path(args.published)).figures)
    results = forecast.national_backtest(series, args.workers)
    print(f"{results['new_la_code'].nunique()} authorities, {len(results):,} forecasts, "
          f"{time.perf_counter() - started:.0f} s")
    print(forecast.national_summary(results).round(3).to_string(index=False))
    print("\nStock-and-flow model on the synthetic demo returns (fitted to t, compared with t + 1):")
    print(record_level().round(1).to_string(index=False))


if __name__ == "__main__":
    main()
