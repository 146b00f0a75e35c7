"""Time the explorer's redraw after a change, on the demo data.

Baseline: computing the view alone (benchmark_table and the comparators, no chart). The
redraw adds the table's HTML and the chart's PNG; the ratio says what drawing costs.

    .venv/bin/python benchmarks/explorer_redraw.py [--changes 20]
"""
from __future__ import annotations

import argparse
import statistics
import time

from sufficiency_lib.statement import explorer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changes", type=int, default=20)
    args = parser.parse_args()
    started = time.perf_counter()
    app = explorer.build("E10000003")
    print(f"explorer built in {time.perf_counter() - started:.1f} s (demo published figures and return loaded)")
    authorities = [value for _, value in app.authority.options][: args.changes]
    redraws, views = [], []
    for code in authorities:
        app.authority.value = code
        redraws.append(app.last_redraw_seconds)
        start = time.perf_counter()
        app.trend_frame()
        views.append(time.perf_counter() - start)
    started = time.perf_counter()
    app.entry.value = 1.2
    scenario = time.perf_counter() - started
    print(f"authority changed {len(redraws)} times: median redraw {statistics.median(redraws):.3f} s "
          f"(max {max(redraws):.3f} s); view alone {statistics.median(views):.3f} s; "
          f"ratio {statistics.median(redraws) / statistics.median(views):.1f}x")
    print(f"scenario slider changed: projection redrawn in {scenario:.2f} s")


if __name__ == "__main__":
    main()
