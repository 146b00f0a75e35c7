"""What a page costs, its share of the authority-year's shared computation included, against
the floor (an empty notebook through the same papermill + nbconvert path); and the peak
memory of every process involved, kernels included.

Paired and alternated, each run in a process of its own as a batch worker is: (a) the
chapter run: the authority-year's artifact built from scratch, then each chapter page
executed (in the worker's kept kernel, as the batch does) and converted; (b) the floor run:
an empty notebook (a parameters cell only) through the same path, as many times as there
are chapters, in a new worker. A page's cost is (artifact build + every page) / pages, the
floor's the mean of its pages (both include one kernel start); the ratio is the first over
the second. Medians over the pairs. Peak memory is each worker's with the kernel it started,
sampled every 0.2 s.

A new process loads the national tables every authority-year shares (published figures,
forecasting panels, neighbour lists) inside its first build; a batch worker loads them once
for all the authority-years it renders. So the build is also timed (c) as a warm worker meets
it: in a process that has built the other demo authority's artifact first. Both ratios are
printed; the first is the issue's measure.

    .venv/bin/python benchmarks/render_batch.py [--authority E06000031] [--year 2025] [--pairs 5]
        [--return-dir DIR]     (default: the demo authority's synthetic return)

Baselines, measured the same way before each change: before each authority-year was computed
once, about 9x the floor and a kernel near 0.9 GB; with the artifact but a new kernel for
every page, a page cost 6.23 s with its share against a 2.76 s floor (2.26x).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from measure import MemorySampler  # noqa: E402

BASELINE_RATIO, BASELINE_PEAK_MB, BASELINE_PAGE_SECONDS = 9.0, 900, 6.23
DEMO = ("E06000031", "E10000003")        # a warm worker builds the other one first
ONE_THREAD = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def run(args: list[str]) -> tuple[dict, MemorySampler]:
    """Run a step in a process of its own: (what it printed, as JSON; its memory, sampled)."""
    process = subprocess.Popen([sys.executable, __file__, *args], env={**os.environ, **ONE_THREAD},
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    sampler = MemorySampler(every=0.2, root=process.pid)
    sampler.start()
    output, errors = process.communicate()
    sampler.stop()
    if process.returncode != 0:
        raise SystemExit(f"step {args[:3]} failed:\n{(output + errors)[-3000:]}")
    return json.loads(output.strip().splitlines()[-1]), sampler


# --- the steps, each run in a process of its own --------------------------------------------

def _page(notebook, parameters: dict, folder: Path) -> float:
    from sufficiency_lib.site import execute, html
    started = time.perf_counter()
    execute.execute_notebook(notebook, parameters, folder / "executed.ipynb")
    html.notebook_to_html(folder / "executed.ipynb", folder / "page.html", {"la_name": "x", "year": 2025})
    return time.perf_counter() - started


def _build(code: str, year: int, return_dir: str = "") -> tuple[float, object, Path]:
    """Build the authority-year's artifact from scratch (the cached one removed first): (seconds,
    its inputs, its folder)."""
    from sufficiency_lib import inputs
    from sufficiency_lib.statement import artifact
    found = inputs.resolve(code, return_dir)
    sums = artifact.input_checksums(found)
    shutil.rmtree(artifact.folder(found, year, artifact.key(found, year, sums)), ignore_errors=True)
    started = time.perf_counter()
    folder = artifact.ensure(found, year, sums)
    return time.perf_counter() - started, found, folder


def step_chapters(code: str, year: int, scratch: str, return_dir: str = "") -> dict:
    """Build the authority-year's artifact from scratch in a new process, then every chapter
    page in this process's kept kernel."""
    from sufficiency_lib.statement.chapters import CHAPTERS
    build, found, folder = _build(code, year, return_dir)
    pages = []
    for chapter in CHAPTERS:
        out = Path(tempfile.mkdtemp(dir=scratch))
        pages.append(_page(chapter, {**found.as_parameters(), "year": year, "tables_dir": str(out / "tables"),
                                     "artifact_dir": str(folder)}, out))
    return {"build": build, "pages": pages}


def step_warm(code: str, year: int, other: str, return_dir: str = "") -> dict:
    """The build as a batch worker's second and later authority-years meet it: another
    authority's artifact built first in this process, so the national tables every
    authority-year shares (published figures, forecasting panels, neighbour lists) are loaded."""
    _build(other, year)
    return {"build": _build(code, year, return_dir)[0]}


def step_floor(pages: int, scratch: str) -> dict:
    """``pages`` empty notebooks through the same path, in this process's kept kernel."""
    import nbformat
    cell = nbformat.v4.new_code_cell("authority = ''\nyear = 0\ntables_dir = ''\nartifact_dir = ''",
                                     metadata={"tags": ["parameters"]})
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Empty"), cell], metadata={
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"}})
    path = Path(tempfile.mkdtemp(dir=scratch)) / "empty.ipynb"
    nbformat.write(notebook, path)
    return {"pages": [_page(path, {"authority": "x"}, Path(tempfile.mkdtemp(dir=scratch))) for _ in range(pages)]}


# --- the pairs --------------------------------------------------------------------------------

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--authority", default="E06000031")
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--pairs", type=int, default=5)
    parser.add_argument("--return-dir", default="", help="a 903 return (default: the demo's synthetic one)")
    parser.add_argument("--step", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:                       # one step, run by run() in its own process
        name, *rest = args.step
        steps = {"chapters": lambda: step_chapters(rest[0], int(rest[1]), *rest[2:]),
                 "warm": lambda: step_warm(rest[0], int(rest[1]), *rest[2:]),
                 "floor": lambda: step_floor(int(rest[0]), rest[1])}
        result = steps[name]()
        print(json.dumps(result))
        return
    scratch = Path(tempfile.mkdtemp(prefix="render-batch-"))
    chapter_args = ["--step", "chapters", args.authority, str(args.year), str(scratch), args.return_dir]
    run(chapter_args)                   # warm: the demo return and the caches on disk
    other = next(code for code in DEMO if code != args.authority)
    chapters, floors = [], []
    for pair in range(args.pairs):
        result, memory = run(chapter_args)
        warm, _ = run(["--step", "warm", args.authority, str(args.year), other, args.return_dir])
        chapters.append({**result, "memory": memory, "warm_build": warm["build"],
                         "per_page": (result["build"] + sum(result["pages"])) / len(result["pages"]),
                         "per_page_warm": (warm["build"] + sum(result["pages"])) / len(result["pages"])})
        result, memory = run(["--step", "floor", str(len(chapters[-1]["pages"])), str(scratch)])
        floors.append({**result, "memory": memory, "per_page": statistics.mean(result["pages"])})
        print(f"pair {pair + 1}: page {chapters[-1]['per_page']:.2f} s (build {chapters[-1]['build']:.1f} s, "
              f"{warm['build']:.1f} s in a warm worker, + pages {sum(chapters[-1]['pages']):.1f} s) / floor "
              f"{floors[-1]['per_page']:.2f} s", flush=True)
    shutil.rmtree(scratch, ignore_errors=True)
    page = statistics.median(c["per_page"] for c in chapters)
    floor = statistics.median(f["per_page"] for f in floors)
    build = statistics.median(c["build"] for c in chapters)
    page_only = statistics.median(statistics.median(c["pages"]) for c in chapters)
    warm_build = statistics.median(c["warm_build"] for c in chapters)
    page_warm = statistics.median(c["per_page_warm"] for c in chapters)
    print(f"\n{args.authority} {args.year}, {len(chapters[0]['pages'])} pages, {args.pairs} pairs (medians):")
    print(f"  artifact build {build:.1f} s in a new process, {warm_build:.1f} s in a warm worker (another "
          f"authority-year built first); a chapter page alone {page_only:.2f} s; floor page {floor:.2f} s")
    print(f"  page cost with its share of the build: {page:.2f} s = {page / floor:.2f}x the floor "
          f"(baseline {BASELINE_RATIO:.0f}x; target at most 3x); {page / BASELINE_PAGE_SECONDS:.2f}x the "
          f"{BASELINE_PAGE_SECONDS} s a page cost with a new kernel each")
    print(f"  the same with the build as a warm batch worker meets it: {page_warm:.2f} s = "
          f"{page_warm / floor:.2f}x the floor")
    def peak(runs, what):
        return max(getattr(r["memory"], what) for r in runs)
    print(f"  peak memory of each process: the worker that builds the artifact and runs the pages "
          f"{peak(chapters, 'root_peak'):.0f} MB, its kernel {peak(chapters, 'kernel_peak'):.0f} MB (together "
          f"{peak(chapters, 'tree_peak'):.0f} MB); floor worker {peak(floors, 'root_peak'):.0f} MB, its kernel "
          f"{peak(floors, 'kernel_peak'):.0f} MB (baseline: a kernel near {BASELINE_PEAK_MB} MB; target at most "
          f"450 MB a process)")


if __name__ == "__main__":
    main()
