"""Time a batch render: both demo authorities x 3 years x every chapter, in parallel.

Baseline (the floor): an empty notebook (a parameters cell only) rendered through the same
path, per page: kernel start, papermill, nbconvert with the site template, atomic moves,
provenance. The chapter pages are reported as wall time, time per page (wall / pages, and
the mean of each page's own time) and the ratio of a page's own time to the floor's; then
the time of a second, unchanged run (every page skipped by its provenance key).

    .venv/bin/python benchmarks/render_batch.py [--jobs 2] [--years 2023 2024 2025]
"""
from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import nbformat

from sufficiency_lib.site import batch as render
from sufficiency_lib.statement.chapters import CHAPTERS
from sufficiency_lib.config import list_authorities

EMPTY = "empty_page"


def timed(**kwargs) -> tuple[float, list[render.Page]]:
    start = time.perf_counter()
    pages = render.render(**kwargs)
    return time.perf_counter() - start, pages


def floor(authorities, years, jobs: int, out: Path) -> tuple[float, list[render.Page]]:
    """The same batch path with a notebook that does nothing but take its parameters."""
    folder = Path(tempfile.mkdtemp(prefix="empty-notebook-"))
    cell = nbformat.v4.new_code_cell("authority = ''\nyear = 0\nreturn_dir = ''\npublished_dir = ''\n"
                                     "params_dir = ''\ntables_dir = ''", metadata={"tags": ["parameters"]})
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Empty"), cell], metadata={
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
    nbformat.write(notebook, folder / f"{EMPTY}.ipynb")
    render.NOTEBOOKS_DIR = folder            # worker processes are forked, so they see both changes
    CHAPTERS[EMPTY] = "Empty page"
    try:
        return timed(authorities=authorities, out_dir=out, years=years, chapters=[EMPTY], jobs=jobs, force=True)
    finally:
        del CHAPTERS[EMPTY]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--years", type=int, nargs="+", default=[2023, 2024, 2025])
    args = parser.parse_args()
    authorities = list_authorities()
    out = Path(tempfile.mkdtemp(prefix="render-batch-"))
    chapters = list(CHAPTERS)
    render.prepare(authorities, render.Settings(out))        # demo data made before the clock starts
    wall, pages = timed(authorities=authorities, out_dir=out / "site", years=args.years, jobs=args.jobs, force=True)
    again, unchanged = timed(authorities=authorities, out_dir=out / "site", years=args.years, jobs=args.jobs)
    floor_wall, floor_pages = floor(authorities, args.years, args.jobs, out / "floor")
    failed = [p for p in pages + floor_pages if p.status != "ok"]
    if failed:
        raise SystemExit(f"{len(failed)} pages failed, e.g. {failed[0].path}: {failed[0].error}")
    ok = [p for p in pages if p.status == "ok"]
    own = sum(p.seconds for p in ok) / max(len(ok), 1)
    floor_own = sum(p.seconds for p in floor_pages) / max(len(floor_pages), 1)
    print(f"pages: {len(authorities)} authorities x {len(args.years)} years x {len(chapters)} chapters = "
          f"{len(pages)} ({len(ok)} ok), --jobs {args.jobs}")
    print(f"wall time {wall:.1f} s; {wall / len(pages):.1f} s per page of wall time; "
          f"{own:.1f} s per page on its own worker")
    print(f"floor (empty notebook, same path): {floor_wall:.1f} s for {len(floor_pages)} pages; "
          f"{floor_own:.1f} s per page on its own worker")
    print(f"ratio, page / floor (own time): {own / floor_own:.2f}x")
    print(f"second, unchanged run: {again:.1f} s, {sum(p.status == 'unchanged' for p in unchanged)} of "
          f"{len(unchanged)} pages unchanged")


if __name__ == "__main__":
    main()
