"""The national run: every English authority's statement for one year (published-only where
there is no return), on this machine, through the local or the Dask executor.

It runs what ``sufficiency render --all --year YEAR`` runs (the same batch function, in
this process) and reports: pages, wall time, time per page and its ratio to the floor (an
empty notebook through the same papermill + nbconvert path, on a warm worker: the cheapest
a page can be), the breakdown (computing each authority-year, executing notebooks,
converting them, the whole statements (HTML and, unless ``--no-pdf``, PDF), and the rest:
index, overview, leak check, waiting), and the peak
memory of each worker with the kernels it started, sampled every half second.

    .venv/bin/python benchmarks/national_run.py [--year 2025] [--executor local|dask]
        [--jobs 2] [--limit N] [--out DIR] [--json FILE] [--no-pdf] [--keep-artifacts]

Baseline: the target of 20 minutes for the 153 authorities on a 2-core machine; the ratio
printed is the run's wall time over that (below 1 meets it). With ``--limit`` the target
is scaled to the authorities run.
"""
from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import nbformat

from sufficiency_lib import inputs, parallel
from sufficiency_lib.site import batch, execute
from sufficiency_lib.statement import artifact
from sufficiency_lib.site.html import notebook_to_html

sys.path.insert(0, str(Path(__file__).parent))
from measure import MemorySampler  # noqa: E402

TARGET_SECONDS, TARGET_AUTHORITIES = 20 * 60, 153


def _floor_page(folder: str, index: int, info: dict) -> float:
    """One empty notebook executed and converted, as a page is; its seconds."""
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("year = 2025", metadata={
        "tags": ["parameters"]})])
    notebook.metadata["kernelspec"] = {"name": execute.kernel_name(), "language": "python", "display_name": "Python"}
    path = Path(folder) / f"floor{index}.ipynb"
    nbformat.write(notebook, path)
    started = time.perf_counter()
    execute.execute_notebook(path, {"year": 2025}, Path(folder) / f"executed{index}.ipynb")
    notebook_to_html(Path(folder) / f"executed{index}.ipynb", Path(folder) / f"floor{index}.html", info)
    return time.perf_counter() - started


def floor_seconds(page: batch.Page, out: Path, pages: int = 12) -> tuple[float, float]:
    """(first page on a new worker, median of the rest): empty notebooks on one worker,
    converted with ``page``'s template information."""
    info = batch.page_info(page, batch.Settings(out))
    with tempfile.TemporaryDirectory() as folder, ProcessPoolExecutor(1, initializer=parallel.one_thread) as pool:
        seconds = [pool.submit(_floor_page, folder, i, info).result() for i in range(pages)]
    return seconds[0], statistics.median(seconds[1:])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--executor", choices=("local", "dask"), default="local")
    parser.add_argument("--jobs", type=int, default=parallel.workers())
    parser.add_argument("--limit", type=int, help="only the first N authorities (a quick look)")
    parser.add_argument("--out", help="output folder (default: a temporary one)")
    parser.add_argument("--json", help="also write the results to this file")
    parser.add_argument("--no-pdf", action="store_true", help="whole statements as HTML only")
    parser.add_argument("--keep-artifacts", action="store_true",
                        help="reuse authority-years already computed (default: compute every one afresh)")
    args = parser.parse_args()

    found = [inputs.resolve(a) for a in inputs.every_authority(args.year)][: args.limit]
    out = Path(args.out or tempfile.mkdtemp(prefix="national-"))
    if not args.keep_artifacts:
        for one in found:
            shutil.rmtree(artifact.ARTIFACTS_DIR / one.code / str(args.year), ignore_errors=True)
    sampler = MemorySampler()
    sampler.start()
    done = batch.render(found, out, years=[args.year], jobs=args.jobs, executor=args.executor, force=True,
                        pdf=not args.no_pdf)
    sampler.stop()
    cold_floor, floor = floor_seconds(done.pages[0], out)

    pages = [p for p in done.pages if p.status == "ok"]
    wall = done.seconds
    stages = {"computing the authority-years": sum(done.artifact_seconds.values()),
              "executing notebooks": sum(p.stages.get("execute", 0.0) for p in pages),
              "converting to HTML": sum(p.stages.get("convert", 0.0) for p in pages),
              "whole statements": sum(d.seconds for d in done.documents)}
    busy = sum(stages.values())
    per_page = wall * args.jobs / max(len(pages), 1)       # core-seconds per page, shared work included
    target = TARGET_SECONDS * len(found) / TARGET_AUTHORITIES
    result = {
        "command": " ".join(sys.argv), "executor": args.executor, "jobs": args.jobs, "year": args.year,
        "authorities": len(found), "pages": len(done.pages), "pages_ok": len(pages),
        "failed": [f"{p.inputs.code} {p.chapter}: {p.error}" for p in done.pages if p.status == "failed"],
        "wall_seconds": round(wall, 1), "target_seconds": round(target, 1), "ratio_to_target": round(wall / target, 2),
        "core_seconds_per_page": round(per_page, 2), "floor_seconds_per_page": round(floor, 2),
        "floor_first_page_seconds": round(cold_floor, 2), "ratio_to_floor": round(per_page / floor, 2),
        "stages_core_seconds": {k: round(v, 1) for k, v in stages.items()},
        "rest_wall_seconds": round(wall - busy / args.jobs, 1),
        "statements_ok": sum(d.status == "ok" for d in done.documents), "pdf": not args.no_pdf,
        # the batch's own checks of what it wrote, as `sufficiency render` prints them
        "record_level_data_found": len(done.leaks), "hidden_cells_given_back": len(done.given_back),
        "plain_english_breaches": [" ".join(map(str, w)) for w in done.wording],
        "peak_mb_per_worker": sorted(round(v) for v in sampler.peaks.values()),
        "peak_mb_main_process": round(sampler.root_peak),
        "peak_mb_largest_kernel": round(sampler.kernel_peak),
        "out": str(out),
    }
    print(json.dumps(result, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
