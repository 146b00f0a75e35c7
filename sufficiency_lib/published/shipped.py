"""The embedded published statistics, read: ``data/embedded/published.parquet`` and its manifest.

Only the reading, apart from the building (:mod:`embedded`, whose readers of Ofsted's and
LAIT's files use :mod:`reference`): so :mod:`reference` can read the statistical neighbours
shipped here without importing the readers that import it.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from sufficiency_lib import text_storage
from sufficiency_lib.config import PROJECT_ROOT
from sufficiency_lib.published.figures import PUBLISHED_COLUMNS, compact

EMBEDDED_DIR = PROJECT_ROOT / "data" / "embedded"
FILE_NAME, MANIFEST_NAME = "published.parquet", "published.json"


@dataclass(frozen=True)
class Embedded:
    """The embedded file's three tables and its manifest."""

    figures: pd.DataFrame      # every release's figures (read_order 0), PUBLISHED_COLUMNS + publication
    population: pd.DataFrame
    neighbours: pd.DataFrame   # model, old_la_code, la_name, neighbour_rank, neighbour_old_la_code, closeness
    manifest: dict


def load(path: Path | None = None) -> Embedded:
    """The embedded tables (read once a process; callers get frames they may change)."""
    path = Path(path or EMBEDDED_DIR / FILE_NAME)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: the embedded published statistics are missing; rebuild them with "
                                "`sufficiency embed ../shared/data`.")
    cached = _read(str(path), path.stat().st_mtime_ns)
    return Embedded(*(frame.copy(deep=False) for frame in cached[:3]), manifest=dict(cached[3]))


@lru_cache(maxsize=2)
def _read(path: str, mtime_ns: int) -> tuple:
    rows = text_storage.read_parquet(path)
    manifest_path = Path(path).with_name(MANIFEST_NAME)
    manifest = json.loads(manifest_path.read_text(encoding="utf-8")) if manifest_path.is_file() else {}
    part = {name: rows.loc[rows["table"].eq(name).to_numpy()] for name in ("figures", "population", "neighbours")}
    figures = compact(part["figures"][[*PUBLISHED_COLUMNS, "publication"]].reset_index(drop=True))
    population = compact(part["population"][PUBLISHED_COLUMNS].reset_index(drop=True))
    models = part["neighbours"]
    table = pd.DataFrame({"model": models["time_period"].astype(int), "old_la_code": models["old_la_code"].astype(str),
                          "la_name": models["la_name"].astype(str),
                          "neighbour_rank": models["neighbour_rank"].astype(int),
                          "neighbour_old_la_code": models["neighbour_old_la_code"].astype(str),
                          "closeness": models["closeness"].astype(str)}).reset_index(drop=True)
    return figures, population, table, manifest


load.cache_clear = _read.cache_clear  # type: ignore[attr-defined]


def newest_year(path: Path | None = None) -> int:
    """The newest collection year of DfE's releases embedded (the newest release's year),
    read from the manifest alone."""
    manifest = Path(path or EMBEDDED_DIR / FILE_NAME).with_name(MANIFEST_NAME)
    releases = json.loads(manifest.read_text(encoding="utf-8")).get("releases", [])
    return max(int(r) for r in releases)
