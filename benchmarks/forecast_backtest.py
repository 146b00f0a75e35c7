"""Backtest every forecasting method on DfE's published series for every English authority.

Reads the DfE releases in PUBLISHED_DIR (any number of release folders, any number of
years; one release will do) and backtests, at every origin the figures allow, each method
on the number in care, the rate per 10,000 and each placement type, pooled across
authorities (:mod:`sufficiency_lib.analysis.evaluation`). Prints, per kind of series,
method and horizon: the median absolute percentage error (APE) over every scored
forecast, its ratio to naive's on the same forecasts, the coverage of the 80% and 95%
intervals (calibrated only on errors known at each origin), and how many authorities,
origins and forecasts stand behind them; then the same for each placement type, the
method chosen per kind and horizon against the goals of issue 22, each chosen method's
ratio to naive origin by origin, and a bound: naive corrected by each year's actual median
change (what knowing the national shock in advance would have been worth).

    .venv/bin/python benchmarks/forecast_backtest.py [PUBLISHED_DIR] [--json FILE]
        [--classic] [--stockflow N] [--record-level]

``--classic`` adds ETS and ARIMA per series on the number in care (minutes, not seconds);
``--stockflow N`` checks the stock-and-flow model's intervals on N synthetic returns of a
known process; ``--record-level`` checks it on the demo authorities' synthetic returns.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from sufficiency_lib.analysis import evaluation, panel as panels_mod, pooled, stockflow
from sufficiency_lib.config import PROJECT_ROOT
from sufficiency_lib.published import dfe as published

SHOWN = ["method", "horizon", "median_ape", "vs_naive", "coverage_80", "coverage_95", "authorities", "origins",
         "forecasts", "coverage_origins", "coverage_forecasts"]
JSON_KEYS = ["method", "horizon", "median_ape", "vs_naive", "coverage_80", "coverage_95", "authorities", "forecasts",
             "origins", "coverage_origins", "coverage_forecasts", "median_la_mape", "kind", "series", "level", "chosen"]


def oracle(results: pd.DataFrame) -> pd.DataFrame:
    """Naive's median APE against naive corrected by each origin's actual median change of
    the series (log scale): the most that knowing each year's common shock would give."""
    naive = results.loc[results["method"].eq("naive") & results["scored"] & results["actual"].gt(0)].copy()
    change = np.log(naive["actual"] + pooled.OFFSET) - np.log(naive["forecast"] + pooled.OFFSET)
    shock = change.groupby([naive["series"], naive["origin"], naive["horizon"]]).transform("median")
    corrected = np.exp(np.log(naive["forecast"] + pooled.OFFSET) + shock) - pooled.OFFSET
    naive["ape"] = (naive["forecast"] - naive["actual"]).abs() / naive["actual"] * 100
    naive["oracle_ape"] = (corrected - naive["actual"]).abs() / naive["actual"] * 100
    table = naive.groupby(["kind", "horizon"])[["ape", "oracle_ape"]].median()
    table["ratio"] = table["oracle_ape"] / table["ape"]
    return table.reset_index()


def by_origin(results: pd.DataFrame, chosen: dict) -> pd.DataFrame:
    """Each chosen method's median APE over naive's, origin by origin."""
    scored = results.loc[results["scored"] & results["actual"].gt(0)]
    scored = scored.assign(ape=(scored["forecast"] - scored["actual"]).abs() / scored["actual"] * 100)
    rows = []
    for (kind, horizon), method in sorted(chosen.items()):
        mine = scored.loc[scored["kind"].eq(kind) & scored["horizon"].eq(horizon)]
        medians = mine.groupby(["method", "origin"])["ape"].median()
        if method not in medians.index.get_level_values(0):
            continue
        ratio = (medians[method] / medians["naive"]).round(3)
        rows.append({"kind": kind, "horizon": horizon, "method": method, **ratio.to_dict()})
    return pd.DataFrame(rows)


def record_level() -> pd.DataFrame:
    """The stock-and-flow model on the demo authorities' synthetic returns: fitted on the
    years to t, compared with t + 1."""
    from sufficiency_lib import config, inputs as inputs_mod
    from sufficiency_lib.analysis import facts, metrics
    from sufficiency_lib.demo import synth
    rows = []
    for la in config.list_authorities():
        resolved = inputs_mod.resolve(la)
        if resolved.synthetic:
            synth.ensure_demo_return(resolved.authority, resolved.return_dir)
        data = facts.load_return(resolved)
        if data is None:
            continue
        snapshots = {y: metrics.children_at_31_march(data.tables, y) for y in range(la.latest_year - 6,
                                                                                  la.latest_year + 1)}
        for t in range(la.latest_year - 3, la.latest_year):
            fit = stockflow.StockFlow.estimate({y: s for y, s in snapshots.items() if t - 4 <= y <= t})
            total = fit.project(1, by=1, runs=400).set_index("group").loc["Total"]
            actual = len(snapshots[t + 1])
            rows.append({"la": la.la_name, "fitted_to": t, "projected": round(total["mean"]), "actual": actual,
                         "ape": abs(total["mean"] - actual) / actual * 100,
                         "covered_80": total["lower_80"] <= actual <= total["upper_80"]})
    return pd.DataFrame(rows)


def records(kinds: pd.DataFrame, series: pd.DataFrame, chosen: dict) -> list[dict]:
    """The printed rows as JSON records (NaN as null)."""
    out = []
    for level, table in (("kind", kinds), ("series", series)):
        for row in table.to_dict("records"):
            row["level"] = level
            row.setdefault("series", panels_mod.KIND_LABELS.get(row["kind"], row["kind"]))
            row["chosen"] = chosen.get((row["kind"], int(row["horizon"]))) == row["method"]
            out.append({k: (None if isinstance(row.get(k), float) and np.isnan(row[k]) else
                            (row[k].item() if hasattr(row.get(k), "item") else row.get(k))) for k in JSON_KEYS})
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("published", nargs="?", default=str(PROJECT_ROOT.parent / "shared" / "data" / "published"))
    parser.add_argument("--json", help="also write the rows to this file as a list of records")
    parser.add_argument("--classic", action="store_true", help="add ETS and ARIMA per series (slow)")
    parser.add_argument("--stockflow", type=int, default=0, metavar="N",
                        help="check the stock-and-flow intervals on N synthetic returns of a known process")
    parser.add_argument("--record-level", action="store_true",
                        help="check the stock-and-flow model on the demo returns")
    args = parser.parse_args()
    started = time.perf_counter()
    try:
        figures = published.load(Path(args.published)).figures
    except published.PublishedError as err:
        print(f"cannot read the published figures: {err}", file=sys.stderr)
        return 2
    panels = panels_mod.build(figures)
    if not panels:
        print(f"{args.published}: no children looked after at 31 March by authority; nothing to backtest.",
              file=sys.stderr)
        return 2
    loaded = time.perf_counter()
    results = evaluation.run(panels, with_classic=args.classic)
    ran = time.perf_counter()
    if not results["scored"].any():
        years = sorted({y for p in panels for y in p.years if p.values[y].notna().any()})
        print(f"{args.published}: the figures hold {len(years)} year(s) ({', '.join(map(str, years))}); a forecast "
              "is scored from the second year on when a later year holds its outcome, so there is nothing to "
              "score. Add an earlier release.")
        if args.json:
            Path(args.json).write_text("[]", encoding="utf-8")
        return 0
    kinds = evaluation.summary(results)
    series = evaluation.summary(results.loc[results["kind"].eq(panels_mod.PLACEMENT)], by_series=True)
    chosen = evaluation.choose(kinds)
    years = [y for p in panels for y in p.years if p.values[y].notna().any()]
    groups = sum(p.kind == panels_mod.PLACEMENT for p in panels)
    print(f"Series: the number in care, the rate and {groups} placement types, {min(years)} to {max(years)}; "
          f"{results['new_la_code'].nunique()} authorities; {int(results['scored'].sum()):,} scored forecasts. "
          f"Read in {loaded - started:.1f} s; backtest{' (with ETS and ARIMA)' if args.classic else ''} in "
          f"{ran - loaded:.1f} s.\n")
    pd.set_option("display.width", 200)
    for kind, table in kinds.groupby("kind", sort=False):
        print(f"== {panels_mod.KIND_LABELS[kind]} ==")
        print(table[SHOWN].round(3).to_string(index=False), "\n")
    print("== each placement type ==")
    shown = series.assign(series=series["series"].str.slice(0, 40))
    print(shown[["series", *SHOWN]].round(3).to_string(index=False), "\n")
    print("== chosen per kind of series and horizon, against the goals ==")
    print(evaluation.goal_check(kinds, chosen).round(3).to_string(index=False), "\n")
    print("== each chosen method's median APE over naive's, origin by origin ==")
    print(by_origin(results, chosen).to_string(index=False), "\n")
    print("== naive with each year's actual median change added (a bound no forecast can reach) ==")
    print(oracle(results).round(3).to_string(index=False), "\n")
    if args.stockflow:
        for spread in (0.0, 0.15):
            print(f"== stock-and-flow intervals on {args.stockflow} synthetic returns of a known chain, "
                  f"year effect on entrants sd {spread} ==")
            print(stockflow.coverage_check(args.stockflow, year_spread=spread).round(3).to_string(index=False), "\n")
    if args.record_level:
        print("== stock-and-flow model on the demo returns (fitted to t, compared with t + 1) ==")
        print(record_level().round(1).to_string(index=False), "\n")
    print(f"total {time.perf_counter() - started:.1f} s")
    if args.json:
        Path(args.json).write_text(json.dumps(records(kinds, series, chosen), indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
