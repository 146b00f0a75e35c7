"""The demo's stand-in for DfE's published statistics: synthetic, national, EES-shaped.

With no published files given, benchmarking still needs every authority, region and
England. This module makes them the way DfE does, from returns: a synthetic 903 return for
every English authority (:func:`synth.write_national`; the demo authorities use their own
demo return), each cleaned and measured by the same code as a real return
(:func:`metrics.return_figures`), summed to regions and England, and written as DfE's
files (:func:`published.write_ees`), so the demo reads them through the same reader as the
real ones. Every figure's source says it is synthetic.

Populations aged 0 to 17 are the demo authorities' ONS estimates from their params, and
for the others a synthetic population giving a rate drawn around England's (about 70 per
10,000), so that rates and their intervals can be shown.
"""
from __future__ import annotations

import hashlib
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from sufficiency_lib.ssda903 import clean
from sufficiency_lib.analysis import metrics
from sufficiency_lib.published import dfe as published
from sufficiency_lib.demo import synth
from sufficiency_lib.parallel import exclusive, process_pool
from sufficiency_lib.config import DEMO_DATA_DIR, PARAMS_DIR, Authority, list_authorities
from sufficiency_lib.published.figures import TOTAL, figures_frame

DEMO_PUBLISHED_DIR = DEMO_DATA_DIR / "published"
HISTORY_YEARS = 7               # years of national figures: enough for a five-year change
SOURCE = "synthetic national figures (demonstration data)"
RATE_MEDIAN, RATE_SIGMA, POPULATION_GROWTH = 70.0, 0.3, 0.004
SHAPING_KEYS = ("new_la_code", "old_la_code", "region_code", "latest_year", "calibration", "population_0_17")
_SOURCES = ("demo/synth.py", "analysis/metrics.py", "ssda903/codes.py", "ssda903/clean.py", "demo/national.py",
            "published/dfe.py", "published/figures.py")


def version() -> str:
    """A hash of the code and params that shape the demo figures; a change regenerates them."""
    digest = hashlib.sha256()
    here = Path(__file__).resolve().parent.parent
    for name in _SOURCES:
        digest.update((here / name).read_bytes())
    for path in sorted(PARAMS_DIR.glob("*.yaml")):     # only what shapes the figures: not scenarios
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        digest.update(repr({k: raw.get(k) for k in SHAPING_KEYS}).encode())
    return digest.hexdigest()[:16]


def synthetic_population(authority: Authority, cla: pd.Series, seed: int) -> pd.Series:
    """Mid-year 0-17 populations for ``authority``: its params' ONS figures when it has
    them, else sized so the rate sits near a seeded draw around England's."""
    years = range(int(cla.index.min()) - 1, int(cla.index.max()))
    if authority.population_0_17:
        known = pd.Series(authority.population_0_17, dtype=float)
        return known.reindex(years).interpolate(limit_direction="both").round()
    rng = np.random.default_rng([seed, int(authority.new_la_code[1:])])
    rate = RATE_MEDIAN * np.exp(RATE_SIGMA * rng.standard_normal())
    base = float(cla.iloc[0]) / rate * 10_000
    return pd.Series([round(base * (1 + POPULATION_GROWTH) ** i) for i in range(len(years))], index=years)


def _generate_return(args) -> int:
    authority, years, scratch, seed = args
    return synth.generate(authority, years, scratch / authority.new_la_code, seed)


def _authority_figures(args) -> pd.DataFrame:
    authority, return_dir, years, seed = args
    tables = clean.load_clean_return(Path(return_dir)).tables
    figures = metrics.return_figures(tables, authority, years, source=SOURCE)
    # cross-tabulations are the statement's own, and DfE publishes none: not needed nationally
    figures = figures.loc[~figures["breakdown_group"].isin(list(metrics.SNAPSHOT_CROSSTABS))]
    cla = figures.loc[figures["indicator"].eq("cla_31_march") & figures["breakdown_group"].eq(TOTAL)
                      & figures["unit"].eq("number")].set_index("time_period")["value"].sort_index()
    population = synthetic_population(authority, cla, seed)
    rows = []
    for indicator in ("cla_31_march", "cla_started", "cla_ceased"):
        counts = figures.loc[figures["indicator"].eq(indicator) & figures["breakdown_group"].eq(TOTAL)
                             & figures["unit"].eq("number")]
        for row in counts.itertuples(index=False):
            size = population.get(row.time_period - 1, np.nan)
            rows.append({**row._asdict(), "unit": "population", "value": size})
            rows.append({**row._asdict(), "unit": "rate_per_10000", "value": round(row.value / size * 10_000)})
    extra = figures_frame(pd.DataFrame(rows)) if rows else figures.iloc[:0]
    return pd.concat([figures, extra], ignore_index=True)


def aggregate(figures: pd.DataFrame) -> pd.DataFrame:
    """Regional and national rows summed from authorities' counts and populations, with
    percentages of each group's total and rates recomputed from the sums."""
    la = figures.loc[figures["geographic_level"].eq("Local authority")
                     & figures["unit"].isin(["number", "population"])]
    keys = ["time_period", "indicator", "breakdown_group", "breakdown", "unit"]
    parts = []
    for level, by in (("Regional", ["region_code", "region_name"]), ("National", [])):
        summed = la.groupby(keys + by, dropna=False)["value"].sum(min_count=1).reset_index()
        summed = summed.assign(geographic_level=level, country_code="E92000001")
        parts.append(summed)
    totals = pd.concat(parts, ignore_index=True)
    totals = totals.fillna({"region_code": "", "region_name": ""})
    place = ["time_period", "geographic_level", "region_code", "indicator", "breakdown_group"]
    numbers = totals.loc[totals["unit"].eq("number")]
    group_total = numbers.loc[numbers["breakdown"].eq(TOTAL)].set_index(place)["value"]
    denominator = pd.to_numeric(pd.Series(numbers.set_index(place).index.map(group_total)), errors="coerce")
    percent = numbers.assign(unit="percent", value=(
        numbers["value"].astype(float).to_numpy() / denominator.to_numpy(dtype=float) * 100).round())
    population = totals.loc[totals["unit"].eq("population")].set_index(
        ["time_period", "geographic_level", "region_code", "indicator"])["value"]
    counted = numbers.loc[numbers["breakdown_group"].eq(TOTAL)]
    counted = counted.loc[counted["indicator"].isin(population.index.get_level_values("indicator"))]
    sizes = pd.to_numeric(pd.Series(counted.set_index(
        ["time_period", "geographic_level", "region_code", "indicator"]).index.map(population)), errors="coerce")
    rate = counted.assign(unit="rate_per_10000", value=(
        counted["value"].astype(float).to_numpy() / sizes.to_numpy(dtype=float) * 10_000).round())
    out = pd.concat([totals, percent.loc[percent["breakdown_group"].ne(TOTAL)], rate], ignore_index=True)
    out["status"] = out["value"].isna().map({True: "x", False: ""})
    return figures_frame(out.assign(source=SOURCE))


def national_figures(years: range, seed: int = synth.DEMO_SEED, workers: int | None = None) -> pd.DataFrame:
    """Figures for every English authority, region and England, from synthetic returns."""
    own = {a.new_la_code: a for a in list_authorities()}
    DEMO_DATA_DIR.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=".national-", dir=DEMO_DATA_DIR))
    try:
        others = [a for a in synth.national_authorities(years, seed) if a.new_la_code not in own]
        jobs = [(a, synth.ensure_demo_return(a, DEMO_DATA_DIR / a.new_la_code), years, seed) for a in own.values()]
        with process_pool(workers) as pool:
            list(pool.map(_generate_return, [(a, years, scratch, seed) for a in others], chunksize=1))
            jobs += [(a, scratch / a.new_la_code, years, seed) for a in others]
            figures = pd.concat(pool.map(_authority_figures, jobs, chunksize=1), ignore_index=True)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    figures = figures.loc[figures["time_period"].isin(list(years))]
    return pd.concat([figures.assign(source=SOURCE), aggregate(figures)], ignore_index=True)


def ensure_demo_published(out_dir: Path = DEMO_PUBLISHED_DIR, seed: int = synth.DEMO_SEED) -> Path:
    """The demo's published-statistics folder, generated first when missing or stale."""
    out_dir = Path(out_dir)
    marker = out_dir / ".generator"
    if marker.is_file() and marker.read_text() == version():
        return out_dir
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    # Parallel page renders may all find it missing: one generates, the others wait for it.
    with exclusive(out_dir.parent / ".published.lock"):
        if not (marker.is_file() and marker.read_text() == version()):
            _generate(out_dir, seed)
    return out_dir


def _generate(out_dir: Path, seed: int) -> None:
    latest = max(a.latest_year for a in list_authorities())
    figures = national_figures(range(latest - HISTORY_YEARS + 1, latest + 1), seed)
    staging = Path(tempfile.mkdtemp(prefix=".published-", dir=out_dir.parent))
    published.write_ees(figures, staging)
    (staging / published.SYNTHETIC_MARKER).write_text(
        "# Synthetic figures\n\nNot DfE statistics: made by sufficiency_lib.demo_published from synthetic "
        "SSDA903 returns for every English authority, for the demo only.\n", encoding="utf-8")
    (staging / ".generator").write_text(version())
    shutil.rmtree(out_dir, ignore_errors=True)
    staging.rename(out_dir)


def load_for(authority: Authority, published_dir: str | Path = "") -> published.Published:
    """The published statistics a page benchmarks against: the folder named (or the
    authority's ``published_dir``), else the synthetic demo figures."""
    folder = str(published_dir) or authority.published_dir
    if folder:
        path = Path(folder)
        if not path.is_absolute():
            path = PARAMS_DIR.parent / path
        return published.load(path)
    return published.load(ensure_demo_published())
