"""The published statistics the project ships: one compact parquet file, rebuilt by a script.

``sufficiency embed SHARED_DATA_DIR`` (:func:`build`) reads the original downloads and
writes ``data/embedded/published.parquet`` (zstd, a few MB) and ``published.json`` beside
it (sources, releases, files with their sha256, licence, build date, row counts). The
file holds derived facts, not copies of the downloads: one row per figure, typed and
deduplicated by label, every release's figures with their ``release`` and
``source_file``, so the newest release wins on loading (:mod:`store`) exactly as it does
for a user's own folder.

One long table with a ``table`` column:

- ``figures``: the figures shape (:data:`figures.PUBLISHED_COLUMNS`), keyed by year,
  place, indicator (measure), breakdown and unit; ``publication`` names the source;
- ``population``: ONS mid-year estimates of children aged 0 to 17 (same shape);
- ``neighbours``: DfE's statistical neighbour models, ``time_period`` = model year, with
  ``neighbour_rank``, ``neighbour_old_la_code`` and ``closeness``.

Sources are listed in :data:`SOURCES`; a reader for another publication (Ofsted, LAIT) is
one more :class:`Source` line whose reader returns ``figures`` rows.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path

import pandas as pd

from sufficiency_lib.config import PROJECT_ROOT
from sufficiency_lib.published import dfe, neighbours
from sufficiency_lib.published.figures import KEY_COLUMNS, PUBLISHED_COLUMNS, as_category, compact, concat

EMBEDDED_DIR = PROJECT_ROOT / "data" / "embedded"
FILE_NAME, MANIFEST_NAME = "published.parquet", "published.json"
NEIGHBOUR_COLUMNS = ["neighbour_rank", "neighbour_old_la_code", "closeness"]
COLUMNS = ["table", "publication", *PUBLISHED_COLUMNS, *NEIGHBOUR_COLUMNS]
MAX_BYTES = 5_000_000
SORT = ["table", "publication", *KEY_COLUMNS, "release", "source_file", "neighbour_rank"]


@dataclass
class SourceRows:
    """What one source's reader gives: rows (with ``table``), and the files read or skipped."""

    rows: pd.DataFrame
    files: list = field(default_factory=list)      # dicts: file, table, release, figures, origin, sha256
    skipped: list = field(default_factory=list)    # dicts: file, reason


@dataclass(frozen=True)
class Source:
    """One publication the embedded file holds: where its downloads are and how to read them."""

    name: str
    title: str
    path: str                                  # a folder under the shared data folder
    pattern: str                               # the files of it to read (glob)
    read: Callable[[list[Path], Path], SourceRows]
    licence: str = "Open Government Licence v3.0 (Crown copyright)"


def _sha(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def read_dfe(paths: list[Path], root: Path) -> SourceRows:
    """DfE's EES files under ``root``: every release's figures (the newest wins when loading)."""
    reading = dfe.read_folders([root], read_order=0)
    return SourceRows(reading.rows.assign(table="figures"), reading.files.to_dict("records"),
                      reading.skipped.to_dict("records"))


def read_ons(paths: list[Path], root: Path) -> SourceRows:
    """ONS mid-year estimates of children aged 0 to 17 (every LA, region and England)."""
    frames, files, skipped = [], [], []
    for path in paths:
        result = dfe.read_file(path, root)
        if result.table != "ons_population":
            skipped.append({"file": result.file, "reason": result.reason or f"not a population file ({result.table})"})
            continue
        frames.append(result.figures)
        files.append({"file": result.file, "table": result.table, "release": "",
                      "figures": len(result.figures), "origin": "", "sha256": result.sha256})
    rows = concat(frames)
    return SourceRows((rows if rows is not None else pd.DataFrame(columns=PUBLISHED_COLUMNS)).assign(
        table="population"), files, skipped)


def read_neighbours(paths: list[Path], root: Path) -> SourceRows:
    """DfE's statistical neighbour models, one file a model."""
    models = neighbours.read_models(paths)
    rows = pd.DataFrame({"table": "neighbours", "time_period": models["model"], "old_la_code": models["old_la_code"],
                         "la_name": models["la_name"], "neighbour_rank": models["neighbour_rank"],
                         "neighbour_old_la_code": models["neighbour_old_la_code"],
                         "closeness": models["closeness"], "source": "DfE, children's services statistical "
                         "neighbour model", "release": 0})
    rows["source_file"] = rows["time_period"].map({int(neighbours.model_year(p)): str(p.relative_to(root.parent))
                                                   for p in paths})
    files = [{"file": str(p.relative_to(root.parent)), "table": f"neighbours (model {neighbours.model_year(p)})",
              "release": "",
              "figures": int(rows["time_period"].eq(neighbours.model_year(p)).sum()), "origin": "",
              "sha256": _sha(p)} for p in paths]
    return SourceRows(rows, files)


SOURCES = (
    Source("dfe_cla", "DfE, Children looked after in England including adoptions (LA level, EES)",
           "published", "*", read_dfe),
    Source("ons_population", "ONS mid-year population estimates, children aged 0 to 17",
           "reference", "ons_mid-year_population_estimates_*.csv", read_ons),
    Source("dfe_statistical_neighbours", "DfE children's services statistical neighbour models (2021, 2025)",
           "reference", "statistical_neighbours_*.csv", read_neighbours),
)


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    """The embedded columns in their dtypes: text categorical, years int16, values Float64."""
    out = frame.reindex(columns=COLUMNS)
    for column in ("time_period", "release"):
        out[column] = pd.to_numeric(out[column]).fillna(0)
    out = compact(out)
    out["neighbour_rank"] = pd.to_numeric(out["neighbour_rank"]).astype("Int8")
    for column in ("table", "publication", *NEIGHBOUR_COLUMNS[1:]):
        out[column] = as_category(out[column])
    return out


def collect(shared_data_dir: Path, sources=SOURCES) -> tuple[pd.DataFrame, list[dict]]:
    """Every source's rows, typed and in canonical order, and what each read."""
    shared_data_dir = Path(shared_data_dir)
    frames, described = [], []
    for source in sources:
        root = shared_data_dir / source.path
        paths = sorted(root.glob(source.pattern)) if root.is_dir() else []
        if not paths:
            raise FileNotFoundError(f"{root}/{source.pattern}: nothing to read for {source.name}; "
                                    "give the shared data folder (with published/ and reference/).")
        got = source.read(paths, root)
        frames.append(got.rows.assign(publication=source.name))
        described.append({"name": source.name, "title": source.title, "licence": source.licence,
                          "path": f"{source.path}/{source.pattern}", "files": got.files, "skipped": got.skipped})
    rows = _typed(pd.concat([frame.reindex(columns=COLUMNS).astype({c: "object" for c in COLUMNS
                                                                   if c not in ("value",)})
                             for frame in frames], ignore_index=True))
    return rows.sort_values(SORT, kind="stable").reset_index(drop=True), described


def build(shared_data_dir: Path, out_dir: Path = EMBEDDED_DIR, sources=SOURCES) -> dict:
    """Write ``published.parquet`` and ``published.json`` into ``out_dir`` from the original
    downloads under ``shared_data_dir``; the manifest written."""
    rows, described = collect(shared_data_dir, sources)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / FILE_NAME
    staging = path.with_suffix(".tmp")
    rows.to_parquet(staging, engine="pyarrow", compression="zstd", compression_level=19, index=False,
                    row_group_size=len(rows) + 1)
    size = staging.stat().st_size
    if size > MAX_BYTES:
        staging.unlink()
        raise ValueError(f"{path}: {size:,} bytes is over the {MAX_BYTES:,} the project ships; embed fewer figures.")
    staging.replace(path)
    manifest = _manifest(rows, described, path)
    (out_dir / MANIFEST_NAME).write_text(json.dumps(manifest, indent=1, default=str) + "\n", encoding="utf-8")
    load.cache_clear()
    return manifest


def _manifest(rows: pd.DataFrame, described: list[dict], path: Path) -> dict:
    figures = rows.loc[rows["table"].eq("figures")]
    releases = sorted(int(r) for r in figures["release"].unique())
    return {
        "title": "Published statistics embedded in the sufficiency project",
        "built": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "builder": "sufficiency embed SHARED_DATA_DIR (sufficiency_lib.published.embedded.build)",
        "licence": ("Open Government Licence v3.0: contains public sector information licensed under the Open "
                    "Government Licence v3.0 (each source's own licence is given with it)"),
        "note": ("Derived facts read from the original downloads, not copies of them: one row per figure, "
                 "every release kept with its release and file (the newest release wins on loading)."),
        "file": path.name, "bytes": path.stat().st_size, "sha256": _sha(path),
        "rows": {str(k): int(v) for k, v in rows["table"].value_counts().sort_index().items()},
        "rows_by_publication": {str(k): int(v) for k, v in rows["publication"].value_counts().sort_index().items()},
        "releases": releases,
        "years": {str(t): [int(rows.loc[rows["table"].eq(t), "time_period"].min()),
                           int(rows.loc[rows["table"].eq(t), "time_period"].max())]
                  for t in rows["table"].cat.categories if rows["table"].eq(t).any()},
        "sources": described,
        "columns": {column: str(dtype) for column, dtype in rows.dtypes.items()},
    }


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
    rows = pd.read_parquet(path, engine="pyarrow")
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
