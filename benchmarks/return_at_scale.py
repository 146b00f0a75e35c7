"""Read, validate and clean a 903 return the size of a region; count children at each 31 March.

The return is made by copying a sample return ``--copies`` times (default 50), each copy
with its own child ids, into one flat folder of ``YYYY-<table>.csv`` files. The sample is

- ``--sample DIR``: a folder of ``YYYY-<table>.csv`` files, e.g. the sample of the open
  demand model cs-demand-model 0.5.1 (``cs_demand_model_samples/combined``: 3,737 episode
  rows, 2017-2021, each file named by the year its collection STARTS, so it is read with
  ``year_label="start"``); or, without ``--sample``,
- the demo return of data/demo/generated/E06000031 (synthetic; its latest years up to about
  3,700 episode rows, in year folders named by the year the collection ends).

The work is timed in a fresh process so that its peak memory (``ru_maxrss``, which includes
the Python interpreter and pandas) is its own: ``load_clean_return`` (read, every check,
years merged, report-ready ledger) then ``cla_at_31_march_series`` for every year.
``--peer-python`` times cs-demand-model on the same files (its data container and daily
stock) with that interpreter, which must have ``cs-demand-model==0.5.1`` installed, e.g. in
a separate virtual environment.

    .venv/bin/python benchmarks/return_at_scale.py [--sample DIR] [--copies 50] [--peer-python PY]

Figures measured before the work of issue 20, on the 50-copy return of the cs-demand-model
sample (187k episode rows) on the 2-core development machine: 9.2 s and 892 MB.
"""
from __future__ import annotations

import argparse
import csv
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BEFORE_SECONDS, BEFORE_MB = 9.2, 892  # measured before issue 20 (see the docstring)
PEER_REPORTED_SECONDS, PEER_REPORTED_MB = 4.8, 335  # cs-demand-model 0.5.1, as reported in issue 20
DEMO_SAMPLE = Path(__file__).resolve().parents[1] / "data" / "demo" / "generated" / "E06000031"
SAMPLE_EPISODES = 3700
FILE_NAME = re.compile(r"^(20\d\d)-(\w+)\.csv$")

PEER_SCRIPT = """
import json, resource, sys, time
started = time.perf_counter()
from cs_demand_model import Config, DemandModellingDataContainer, PopulationStats, fs_datastore
config = Config()
container = DemandModellingDataContainer(fs_datastore(sys.argv[1]), config)
stock = PopulationStats(container.enriched_view, config).stock
usage = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"seconds": time.perf_counter() - started, "episodes": len(container.combined_data),
                  "days": len(stock), "peak_mb": usage.ru_maxrss / 1024,
                  "cpu_seconds": usage.ru_utime + usage.ru_stime}))
"""


def sample_files(sample: Path | None) -> tuple[dict[tuple[int, str], Path], str, str]:
    """``(year, table) -> file`` of the sample, what it is, and how its files name years."""
    if sample is not None:
        files = {(int(m[1]), m[2]): path for path in sorted(sample.iterdir())
                 if (m := FILE_NAME.match(path.name))}
        if not files:
            raise SystemExit(f"{sample}: no files named YYYY-<table>.csv")
        return files, f"sample {sample}", "start"
    years = sorted((int(p.name) for p in DEMO_SAMPLE.iterdir() if p.name.isdigit()), reverse=True)
    chosen, rows = [], 0
    for year in years:  # the latest years, until about SAMPLE_EPISODES episode rows
        chosen.append(year)
        with (DEMO_SAMPLE / str(year) / "episodes.csv").open() as handle:
            rows += sum(1 for _ in handle) - 1
        if rows >= SAMPLE_EPISODES:
            break
    files = {(year, path.stem): path for year in chosen for path in (DEMO_SAMPLE / str(year)).glob("*.csv")}
    return files, f"demo return {DEMO_SAMPLE.name}, years {min(chosen)}-{max(chosen)}", "end"


def build(files: dict[tuple[int, str], Path], copies: int, out: Path) -> int:
    """Write ``copies`` copies of every sample file into ``out``; return the episode rows written."""
    out.mkdir(parents=True, exist_ok=True)
    episodes = 0
    for (year, table), path in files.items():
        with path.open(newline="", encoding="utf-8") as source:
            rows = list(csv.reader(source))
        if not rows:
            (out / f"{year}-{table}.csv").write_text("")
            continue
        names, body = rows[0], rows[1:]
        child = names.index("CHILD") if "CHILD" in names else None
        with (out / f"{year}-{table}.csv").open("w", newline="", encoding="utf-8") as target:
            writer = csv.writer(target)
            writer.writerow(names)
            for copy in range(copies):
                prefix = f"{copy + 10}"  # two digits: ids stay numeric and distinct across copies
                for row in body:
                    if child is not None and row:
                        row = [*row[:child], prefix + row[child], *row[child + 1:]]
                    writer.writerow(row)
        if table == "episodes":
            episodes += copies * len(body)
    return episodes


def measure(folder: Path, year_label: str) -> dict:
    """The workload itself (run in a fresh process by ``main``)."""
    import resource

    started = time.perf_counter()
    from sufficiency_lib.analysis import metrics
    from sufficiency_lib.ssda903 import clean, quality_report

    imported = time.perf_counter()
    result = clean.load_clean_return(folder, year_label=year_label)
    assessment = quality_report.assess(result)
    episodes = result.tables["episodes"]
    years = sorted(set(episodes["return_year"]))
    counts = metrics.cla_at_31_march_series(episodes, years)
    done = time.perf_counter()
    recon = result.ledger.reconciliation()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return {"seconds": done - started, "seconds_after_imports": done - imported,
            "cpu_seconds": usage.ru_utime + usage.ru_stime,
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "rows_in": int(recon["rows_in"].sum()), "episodes_kept": len(episodes),
            "findings": result.ledger.finding_count(), "usable": assessment.usable,
            "counts": dict(zip(counts["time_period"].astype(str), counts["children_count"].astype(int)))}


def _run(command: list[str]) -> dict:
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=Path, help="folder of YYYY-<table>.csv files (default: the demo return)")
    parser.add_argument("--copies", type=int, default=50)
    parser.add_argument("--out", type=Path, help="where to build the return (default: a temporary folder)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each tool; the fastest is shown")
    parser.add_argument("--peer-python", help="interpreter with cs-demand-model==0.5.1, to time it on the same files")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--year-label", default="end", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure, args.year_label)))
        return
    files, what, year_label = sample_files(args.sample)
    with tempfile.TemporaryDirectory() as scratch:
        folder = args.out or Path(scratch) / "return"
        started = time.perf_counter()
        episodes = build(files, args.copies, folder)
        print(f"built {folder}: {what} x {args.copies} = {episodes:,} episode rows "
              f"in {time.perf_counter() - started:.1f} s (files named by the year the collection "
              f"{'starts' if year_label == 'start' else 'ends'})")
        ours, peer = [], []
        for _ in range(args.repeat):  # alternate the tools, so that both see the same load
            ours.append(_run([sys.executable, __file__, "--measure", str(folder), "--year-label", year_label]))
            if args.peer_python:
                peer.append(_run([args.peer_python, "-c", PEER_SCRIPT, str(folder)]))
        best = min(ours, key=lambda run: run["seconds"])
        print(f"sufficiency_lib: {best['seconds']:.2f} s (fastest of {args.repeat}; "
              f"{best['seconds_after_imports']:.2f} s after imports; CPU {best['cpu_seconds']:.2f} s), "
              f"peak {best['peak_mb']:.0f} MB (largest of the runs: {max(r['peak_mb'] for r in ours):.0f}); "
              f"{best['rows_in']:,} rows in, {best['episodes_kept']:,} episodes kept, "
              f"{best['findings']:,} findings, usable: {best['usable']}")
        print(f"  children looked after at 31 March: {best['counts']}")
        print(f"  before issue 20: {BEFORE_SECONDS} s, {BEFORE_MB} MB -> now {best['seconds'] / BEFORE_SECONDS:.0%} "
              f"of the time, {best['peak_mb'] / BEFORE_MB:.0%} of the memory")
        if peer:
            fastest = min(peer, key=lambda run: run["seconds"])
            print(f"cs-demand-model: {fastest['seconds']:.2f} s (fastest of {args.repeat}, imports included; "
                  f"CPU {fastest['cpu_seconds']:.2f} s), peak {fastest['peak_mb']:.0f} MB; "
                  f"{fastest['episodes']:,} episodes combined")
            print(f"  ratio: {best['seconds'] / fastest['seconds']:.2f} of its time (target <= 0.5), "
                  f"{best['cpu_seconds'] / fastest['cpu_seconds']:.2f} of its CPU time, "
                  f"{max(r['peak_mb'] for r in ours) / fastest['peak_mb']:.2f} of its memory (target <= 1.0)")
        else:
            print(f"  cs-demand-model 0.5.1 as reported in issue 20: {PEER_REPORTED_SECONDS} s, "
                  f"{PEER_REPORTED_MB} MB (run with --peer-python for a paired measurement)")


if __name__ == "__main__":
    main()
