"""National mode: a synthetic return for every English authority, in parallel.

:func:`write_national` does for every English authority listed in
``data/reference/local_authorities.csv`` (the 153 authorities of the ONS mid-year estimates
2024, with DfE region names) what :func:`~sufficiency_lib.demo.synth_writing.generate` does
for one: an authority with a params file uses it, the others are sized from DfE published
numbers when given (:func:`published_numbers`), else from the seed.
"""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np

from sufficiency_lib.published import dfe as published
from sufficiency_lib.parallel import process_pool, workers as default_workers
from sufficiency_lib.config import PARAMS_DIR, Authority, load_authority
from sufficiency_lib.demo.synth_basics import la_reference, random_stream
from sufficiency_lib.demo.synth_writing import DEMO_SEED, generate

SEEDED_SIZE_MEDIAN = 450        # England: about 82,000 children in care over 153 authorities
SEEDED_SIZE_SIGMA = 0.55        # spread of authority sizes (Rutland ~40 to Kent ~2,000)
SEEDED_TREND_SD = 0.03          # year-on-year change in the number in care


def national_authorities(years: range, seed: int, published: Path | None = None) -> list[Authority]:
    """Every English authority of ``data/reference/local_authorities.csv``: its params file
    when it has one, else sized from DfE published numbers (``published`` folder) or, failing
    that, drawn from the seed."""
    las = la_reference()
    sizes = published_numbers(published) if published else {}
    out = []
    for row in las.itertuples(index=False):
        if (PARAMS_DIR / f"{row.new_la_code}.yaml").is_file():
            out.append(replace(load_authority(row.new_la_code), latest_year=int(years[-1])))
            continue
        calibration = sizes.get(row.new_la_code) or _seeded_size(row.new_la_code, years, seed)
        out.append(Authority(new_la_code=row.new_la_code, old_la_code=row.old_la_code, la_name=row.la_name,
                             region_code=row.region_code, region_name=row.region_name,
                             latest_year=int(years[-1]), calibration=calibration))
    return out


def _seeded_size(code: str, years: range, seed: int) -> dict:
    rng = random_stream(seed, code, 0)
    base = SEEDED_SIZE_MEDIAN * np.exp(SEEDED_SIZE_SIGMA * rng.standard_normal())
    walk = np.exp(np.cumsum(rng.normal(0.01, SEEDED_TREND_SD, len(years))))
    counts = np.clip(base * walk, 30, 2500).round()
    return {"cla_at_31_march": {int(y): int(c) for y, c in zip(years, counts)}}


# The suite's indicator ids -> the calibration keys they size an authority by.
PUBLISHED_MEASURES = {"cla_31_march": "cla_at_31_march", "cla_started": "starts", "cla_ceased": "ceases"}


def published_numbers(folder: Path) -> dict[str, dict]:
    """Numbers in care, starting and ceasing per authority and year from DfE's published
    files under ``folder`` (read by :mod:`published`, so a newer release wins)."""
    figures = published.load(Path(folder)).figures
    data = figures.loc[figures["geographic_level"].eq("Local authority") & figures["unit"].eq("number")
                       & figures["breakdown_group"].eq("Total") & figures["indicator"].isin(list(PUBLISHED_MEASURES))
                       & figures["value"].notna()]
    out: dict[str, dict] = {}
    for (code, indicator), rows in data.groupby(["new_la_code", "indicator"]):
        out.setdefault(code, {})[PUBLISHED_MEASURES[indicator]] = dict(
            zip(rows["time_period"].astype(int), rows["value"].astype(int)))
    return {code: cal for code, cal in out.items() if cal.get("cla_at_31_march")}


def _generate_one(args) -> tuple[str, int]:
    authority, years, out_dir, seed = args
    rows = generate(authority, years, Path(out_dir) / authority.new_la_code, seed)
    return authority.new_la_code, rows


def write_national(years: range, out_dir: Path, seed: int = DEMO_SEED, published: Path | None = None,
                   workers: int | None = None) -> dict[str, int]:
    """A return for every English authority into ``out_dir/<new_la_code>/<year>/``, in
    parallel processes; the rows written per authority. Each authority's output depends
    only on the seed and its code, not on the number of workers."""
    authorities = national_authorities(years, seed, published)
    jobs = [(la, years, str(out_dir), seed) for la in authorities]
    workers = default_workers(workers)
    if workers == 1:
        return dict(map(_generate_one, jobs))
    with process_pool(workers) as pool:
        return dict(pool.map(_generate_one, jobs, chunksize=1))
