"""Synthetic SSDA903 returns for the demo authorities.

This first generator is deliberately simple: each period of care is one episode, children
enter at a rate steered so that the number in care at each 31 March tracks the
authority's published totals (``calibration.cla_at_31_march`` in its params file), and
stays follow a short/long mixture capped at the 18th birthday. It writes what a real
authority sends: one file per table per year, each year's episodes file holding every
episode open during that year. Deterministic for a seed.
"""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from .codes import DATE_FORMAT
from .config import Authority
from .periods import year_end, year_start

BURN_IN_YEARS = 12          # simulate this long before the first year so the stock is mature
SHORT_STAY_SHARE = 0.35     # share of periods of care that are short (mean ~4 months)
SHORT_STAY_MEAN_DAYS = 120
LONG_STAY_MEDIAN_DAYS = 900
SHORT_BREAK_SHARE = 0.02    # periods under an agreed series of short breaks (LS V3)
ENTRY_AGE_WEIGHTS = np.array([20, 7, 6, 6, 5, 5, 5, 5, 5, 5, 6, 7, 8, 10, 12, 12, 10, 4], float)


def calibration_targets(authority: Authority, years: range) -> pd.Series:
    """Numbers in care at 31 March to aim for, each year; gaps filled from the nearest year."""
    known = {int(k): float(v) for k, v in (authority.calibration.get("cla_at_31_march") or {}).items()}
    if not known:
        raise ValueError(f"{authority.new_la_code}: params need calibration.cla_at_31_march "
                         "(the published numbers in care) to generate a demo return.")
    series = pd.Series(known).reindex(sorted(set(years) | set(known))).interpolate(limit_direction="both")
    return series.reindex(list(years))


def _draw_stays(rng: np.random.Generator, n: int) -> np.ndarray:
    short = rng.random(n) < SHORT_STAY_SHARE
    days = np.where(short,
                    rng.exponential(SHORT_STAY_MEAN_DAYS, n),
                    rng.lognormal(np.log(LONG_STAY_MEDIAN_DAYS), 0.8, n))
    return np.maximum(days.round(), 1).astype(int)


def _survival_in_year(rng: np.random.Generator) -> float:
    """Share of a year's entrants still in care at its end (entry uniform over the year)."""
    stays = _draw_stays(rng, 20_000)
    return float(np.mean(stays > rng.integers(0, 365, 20_000)))


def simulate_periods(authority: Authority, years: range, seed: int) -> pd.DataFrame:
    """Periods of care (child, sex, dob, start, end, legal status, placement) over ``years``."""
    rng = np.random.default_rng(seed)
    targets = calibration_targets(authority, years)
    first = years[0]
    warm_target = targets.iloc[0]
    survival = _survival_in_year(rng)
    periods = []
    for year in range(first - BURN_IN_YEARS, years[-1] + 1):
        end = year_end(year)
        start = year_start(year)
        in_care = sum(int(((p["start"] <= end) & (p["end"] > end)).sum()) for p in periods)
        target = targets.get(year, warm_target)
        floor = target * 0.25  # children always enter, whatever the stock
        n_entrants = rng.poisson(max(floor, (target - in_care) / survival))
        age = rng.choice(len(ENTRY_AGE_WEIGHTS), n_entrants, p=ENTRY_AGE_WEIGHTS / ENTRY_AGE_WEIGHTS.sum())
        entry = start + pd.to_timedelta(rng.integers(0, 365, n_entrants), unit="D")
        dob = entry - pd.to_timedelta(age * 365 + rng.integers(0, 365, n_entrants), unit="D")
        eighteenth = dob + pd.DateOffset(years=18)
        leave = pd.Series(entry + pd.to_timedelta(_draw_stays(rng, n_entrants), unit="D"))
        leave = leave.where(leave < eighteenth, eighteenth)
        periods.append(pd.DataFrame({"start": entry, "end": leave.to_numpy(), "dob": dob}))
    frame = pd.concat(periods, ignore_index=True)
    n = len(frame)
    frame["child"] = (rng.permutation(n) + 100_000).astype(str)
    frame["sex"] = rng.choice(["1", "2"], n, p=[0.56, 0.44])
    frame["legal_status"] = np.where(rng.random(n) < SHORT_BREAK_SHARE, "V3",
                                     rng.choice(["C1", "C2", "E1", "V2"], n, p=[0.2, 0.5, 0.1, 0.2]))
    frame["placement"] = rng.choice(["U1", "U4", "U3", "R1", "H5", "P1", "A3"], n,
                                    p=[0.25, 0.2, 0.25, 0.1, 0.08, 0.07, 0.05])
    return frame.loc[frame["end"] >= year_end(first - 1)].reset_index(drop=True)


def _fmt(dates: pd.Series) -> pd.Series:
    return dates.dt.strftime(DATE_FORMAT).fillna("")


def return_for_year(periods: pd.DataFrame, year: int) -> dict[str, pd.DataFrame]:
    """The header and episodes tables an authority would send for collection ``year``."""
    start, end = year_start(year), year_end(year)
    open_in_year = periods.loc[(periods["start"] <= end) & (periods["end"] >= start)]
    ended = open_in_year["end"].where(open_in_year["end"] <= end)
    episodes = pd.DataFrame({
        "CHILD": open_in_year["child"],
        "DECOM": _fmt(open_in_year["start"]),
        "RNE": "S",
        "LS": open_in_year["legal_status"],
        "CIN": "N1",
        "PLACE": open_in_year["placement"],
        "PLACE_PROVIDER": "PR1",
        "DEC": _fmt(ended),
        "REC": np.where(ended.notna(), "E8", ""),
    })
    header = pd.DataFrame({
        "CHILD": open_in_year["child"],
        "SEX": open_in_year["sex"],
        "DOB": _fmt(open_in_year["dob"]),
    }).drop_duplicates("CHILD")
    return {"header": header, "episodes": episodes}


def write_demo_return(authority: Authority, years: range, out_dir: Path, seed: int = 2025) -> Path:
    """Generate and write ``out_dir/<year>/<table>.csv`` for every year; return ``out_dir``."""
    periods = simulate_periods(authority, years, seed)
    out_dir = Path(out_dir)
    for year in years:
        for table, frame in return_for_year(periods, year).items():
            path = out_dir / str(year) / f"{table}.csv"
            path.parent.mkdir(parents=True, exist_ok=True)
            frame.to_csv(path, index=False)
    return out_dir


DEMO_FIRST_YEAR = 2015
DEMO_SEED = 2025


def ensure_demo_return(authority: Authority, out_dir: Path) -> Path:
    """The demo return in ``out_dir``, generated first if it is not there.

    Generated into a temporary folder and renamed into place, so a reader never sees a
    half-written return.
    """
    out_dir = Path(out_dir)
    if (out_dir / str(authority.latest_year) / "episodes.csv").is_file():
        return out_dir
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}-", dir=out_dir.parent))
    write_demo_return(authority, range(DEMO_FIRST_YEAR, authority.latest_year + 1), staging, DEMO_SEED)
    try:
        staging.rename(out_dir)
    except OSError:  # another process got there first; its copy is identical
        shutil.rmtree(staging, ignore_errors=True)
    return out_dir
