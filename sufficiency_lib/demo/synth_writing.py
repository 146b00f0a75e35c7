"""Writing a synthetic return to disk, and the demo authorities' cached copies.

Output: ``out_dir/<year>/<table>.csv`` for header, episodes, uasc, oc3, reviews and missing
(see :mod:`sufficiency_lib.demo.synth_tables`), one folder per collection year. Deterministic
for a seed (the authority's code is mixed into it). :func:`write_demo_return` also leaves a
``.generator`` marker holding :data:`GENERATOR_VERSION`, by which :func:`ensure_demo_return`
knows a cached demo return is current.
"""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from sufficiency_lib.config import Authority
from sufficiency_lib.demo.synth_calibration import simulate
from sufficiency_lib.demo.synth_tables import Return, build_return, tables_for_year

DEMO_FIRST_YEAR = 2015
DEMO_SEED = 2025
GENERATOR_VERSION = "4"     # bump when the output changes, so cached demo returns are remade
                            # (3: fitted to every breakdown DfE publishes, issue 18; 4: and to the
                            # statements' boys and UASC by placement grouping, which DfE does not publish)


def _write_tables(ret: Return, years, out_dir: Path) -> int:
    rows = 0
    for year in years:
        folder = Path(out_dir) / str(year)
        folder.mkdir(parents=True, exist_ok=True)
        for table, frame in tables_for_year(ret, year).items():
            frame.to_csv(folder / f"{table}.csv", index=False, lineterminator="\n")
            rows += len(frame)
    return rows


def generate(authority: Authority, years: range, out_dir: Path, seed: int = DEMO_SEED) -> int:
    """Simulate, calibrate and write one authority's return; the number of rows written."""
    years = range(int(years[0]), int(years[-1]) + 1)
    ret = build_return(simulate(authority, years, seed))
    return _write_tables(ret, years, Path(out_dir))


def write_demo_return(authority: Authority, years: range, out_dir: Path, seed: int = DEMO_SEED) -> Path:
    """Generate and write ``out_dir/<year>/<table>.csv`` for every year; return ``out_dir``."""
    generate(authority, years, out_dir, seed)
    (Path(out_dir) / ".generator").write_text(GENERATOR_VERSION)
    return Path(out_dir)


def ensure_demo_return(authority: Authority, out_dir: Path) -> Path:
    """The demo return in ``out_dir``, generated first if it is not there or was made by
    another version of the generator.

    Generated into a temporary folder and renamed into place, so a reader never sees a
    half-written return.
    """
    out_dir = Path(out_dir)
    marker = out_dir / ".generator"
    if marker.is_file() and marker.read_text() == GENERATOR_VERSION \
            and (out_dir / str(authority.latest_year) / "episodes.csv").is_file():
        return out_dir
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}-", dir=out_dir.parent))
    staging.chmod(0o755)          # mkdtemp makes it private; the cache is read by every process
    write_demo_return(authority, range(DEMO_FIRST_YEAR, authority.latest_year + 1), staging, DEMO_SEED)
    if out_dir.exists():   # made by an older generator: move it aside before swapping in
        stale = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}-stale-", dir=out_dir.parent))
        try:
            out_dir.rename(stale / out_dir.name)
        except OSError:
            pass
        shutil.rmtree(stale, ignore_errors=True)
    try:
        staging.rename(out_dir)
    except OSError:  # another process got there first; its copy is identical
        shutil.rmtree(staging, ignore_errors=True)
    return out_dir
