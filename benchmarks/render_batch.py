"""What a page costs, its share of the authority-year's shared computation included, against
the floor (an empty notebook through the same papermill + nbconvert path); and the peak
memory of every process involved.

Paired and alternated: each pair runs (a) the chapter run: the authority-year's artifact
built from scratch in its own process, then each chapter page executed and converted, one
at a time, each in its own process (with its kernel); and (b) the floor run: an empty
notebook (a parameters cell only) through the same path, as many times as there are
chapters. A page's cost is (artifact build + every page) / pages; the ratio is that over
the floor's median page. Medians over the pairs. Peak memory is each process's high-water
resident set (the page processes' include their kernel), read with ``os.wait4``.

    .venv/bin/python benchmarks/render_batch.py [--authority E06000031] [--year 2025] [--pairs 5]
        [--return-dir DIR]     (default: the demo authority's synthetic return)

Baseline (before each authority-year was computed once, measured the same way in the
issue that asked for this): about 9x the floor, and a kernel near 0.9 GB.
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

BASELINE_RATIO, BASELINE_PEAK_MB = 9.0, 900
ONE_THREAD = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def run(args: list[str]) -> tuple[float, float, str]:
    """Run a Python step in its own process: (seconds, peak resident MB of it and its children,
    what it printed)."""
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, __file__, *args], env={**os.environ, **ONE_THREAD},
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    output = process.stdout.read() + process.stderr.read()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"step {args} failed:\n{output[-3000:]}")
    return seconds, usage.ru_maxrss / 1024, output.strip()


# --- the steps, each run in a process of its own --------------------------------------------

def step_build(code: str, year: int, return_dir: str = "") -> None:
    """Build the authority-year's artifact from scratch (the cached one is removed first)."""
    from sufficiency_lib import inputs
    from sufficiency_lib.statement import artifact
    found = inputs.resolve(code, return_dir)
    sums = artifact.input_checksums(found)
    target = artifact.folder(found, year, artifact.key(found, year, sums))
    shutil.rmtree(target, ignore_errors=True)
    print(artifact.ensure(found, year, sums), end="")


def step_page(notebook: str, parameters: str, out: str) -> None:
    """Execute one notebook with papermill and convert it with the site's nbconvert template."""
    from sufficiency_lib.site import execute, html
    folder = Path(out)
    execute.execute_notebook(notebook, json.loads(parameters), folder / "executed.ipynb")
    html.notebook_to_html(folder / "executed.ipynb", folder / "page.html", {"la_name": "x", "year": 2025})


def empty_notebook(folder: Path) -> Path:
    import nbformat
    cell = nbformat.v4.new_code_cell("authority = ''\nyear = 0\ntables_dir = ''\nartifact_dir = ''",
                                     metadata={"tags": ["parameters"]})
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Empty"), cell], metadata={
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"}})
    path = folder / "empty.ipynb"
    nbformat.write(notebook, path)
    return path


# --- the pairs --------------------------------------------------------------------------------

def chapter_run(code: str, year: int, return_dir: str, scratch: Path) -> dict:
    from sufficiency_lib import inputs
    from sufficiency_lib.statement.chapters import CHAPTERS
    build_seconds, build_mb, folder = run(["--step", "build", code, str(year), return_dir])
    found = inputs.resolve(code, return_dir)
    pages, peaks = [], []
    for chapter in CHAPTERS:
        out = Path(tempfile.mkdtemp(dir=scratch))
        parameters = {**found.as_parameters(), "year": year, "tables_dir": str(out / "tables"),
                      "artifact_dir": str(folder)}
        seconds, mb, _ = run(["--step", "page", chapter, json.dumps(parameters), str(out)])
        pages.append(seconds)
        peaks.append(mb)
    return {"build": build_seconds, "pages": pages, "build_mb": build_mb, "page_mb": max(peaks),
            "per_page": (build_seconds + sum(pages)) / len(pages)}


def floor_run(pages: int, scratch: Path) -> dict:
    notebook = empty_notebook(Path(tempfile.mkdtemp(dir=scratch)))
    times, peaks = [], []
    for _ in range(pages):
        out = Path(tempfile.mkdtemp(dir=scratch))
        seconds, mb, _ = run(["--step", "page", str(notebook), json.dumps({"authority": "x"}), str(out)])
        times.append(seconds)
        peaks.append(mb)
    return {"pages": times, "per_page": statistics.median(times), "page_mb": max(peaks)}


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
        step_build(rest[0], int(rest[1]), *rest[2:]) if name == "build" else step_page(*rest)
        return
    scratch = Path(tempfile.mkdtemp(prefix="render-batch-"))
    run(["--step", "build", args.authority, str(args.year), args.return_dir])   # warm: demo return, caches
    chapters, floors = [], []
    for pair in range(args.pairs):
        chapters.append(chapter_run(args.authority, args.year, args.return_dir, scratch))
        floors.append(floor_run(len(chapters[-1]["pages"]), scratch))
        print(f"pair {pair + 1}: page {chapters[-1]['per_page']:.2f} s (build {chapters[-1]['build']:.1f} s + "
              f"pages {sum(chapters[-1]['pages']):.1f} s) / floor {floors[-1]['per_page']:.2f} s", flush=True)
    shutil.rmtree(scratch, ignore_errors=True)
    page = statistics.median(c["per_page"] for c in chapters)
    floor = statistics.median(f["per_page"] for f in floors)
    build = statistics.median(c["build"] for c in chapters)
    page_only = statistics.median(statistics.median(c["pages"]) for c in chapters)
    print(f"\n{args.authority} {args.year}, {len(chapters[0]['pages'])} pages, {args.pairs} pairs (medians):")
    print(f"  artifact build {build:.1f} s; a chapter page alone {page_only:.2f} s; floor page {floor:.2f} s")
    print(f"  page cost with its share of the build: {page:.2f} s = {page / floor:.2f}x the floor "
          f"(baseline {BASELINE_RATIO:.0f}x; target at most 3x)")
    print(f"  peak memory: artifact builder {max(c['build_mb'] for c in chapters):.0f} MB; chapter page process "
          f"with its kernel {max(c['page_mb'] for c in chapters):.0f} MB; floor page process with its kernel "
          f"{max(f['page_mb'] for f in floors):.0f} MB (baseline: a kernel near {BASELINE_PEAK_MB} MB; "
          f"target at most 450 MB)")


if __name__ == "__main__":
    main()
