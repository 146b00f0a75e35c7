"""Time a national synthetic SSDA903 set: every English authority, 2015-2025.

Baseline: the two demo authorities (Cambridgeshire and Peterborough) generated one after the
other in this process (fitted to every breakdown DfE publishes for them, so a little slower
per authority than the others, which follow their numbers in care and England's mix). The national run is reported as wall time, rows written, and seconds
per authority against the baseline's seconds per authority (a ratio near 1 / workers means
the parallel run scales; above that, process start-up and scheduling cost something).

    .venv/bin/python benchmarks/synth_national.py [--workers N] [--published DIR] [--seed N]
"""
from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from sufficiency_lib.demo import synth
from sufficiency_lib.config import load_authority

YEARS = range(2015, 2026)
DEMO_AUTHORITIES = ("E10000003", "E06000031")


def baseline(out: Path, seed: int) -> tuple[float, int]:
    """Seconds and rows for the two demo authorities, sequentially."""
    start = time.perf_counter()
    rows = sum(synth.generate(load_authority(code), YEARS, out / code, seed) for code in DEMO_AUTHORITIES)
    return time.perf_counter() - start, rows


def national(out: Path, seed: int, workers: int, published: Path | None) -> tuple[float, dict]:
    start = time.perf_counter()
    rows = synth.write_national(YEARS, out, seed, published, workers)
    return time.perf_counter() - start, rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--published", type=Path, help="DfE release folder(s) to size authorities from")
    parser.add_argument("--seed", type=int, default=synth.DEMO_SEED)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="synth-bench-") as tmp:
        base_seconds, base_rows = baseline(Path(tmp) / "baseline", args.seed)
        seconds, rows = national(Path(tmp) / "national", args.seed, args.workers, args.published)
    per_base = base_seconds / len(DEMO_AUTHORITIES)
    per_la = seconds / len(rows)
    print(f"baseline: {len(DEMO_AUTHORITIES)} demo authorities, {YEARS[0]}-{YEARS[-1]}, sequential: "
          f"{base_seconds:.1f} s, {base_rows:,} rows, {per_base:.2f} s per authority")
    print(f"national: {len(rows)} authorities, {YEARS[0]}-{YEARS[-1]}, {args.workers} workers on "
          f"{os.cpu_count()} cores: {seconds:.1f} s wall, {sum(rows.values()):,} rows "
          f"({sum(rows.values()) / seconds:,.0f} rows/s)")
    print(f"ratio: {per_la:.2f} s per authority = {per_la / per_base:.2f} x the baseline's "
          f"(1/{args.workers} = {1 / args.workers:.2f} would be perfect scaling)")


if __name__ == "__main__":
    main()
