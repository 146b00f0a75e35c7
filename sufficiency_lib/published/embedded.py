"""The published statistics the project ships: one compact parquet file, rebuilt by a script.

``sufficiency embed SHARED_DATA_DIR`` (:func:`build`) reads the original downloads and
writes ``data/embedded/published.parquet`` (zstd, a few MB) and ``published.json`` beside
it (sources, releases, files with their sha256, licence, build date, row counts). The
file holds derived facts, not copies of the downloads: one row per figure, typed and
deduplicated by label, every release's figures with their ``release`` and
``source_file``, so the newest release wins on loading (:mod:`store`) exactly as it does
for a user's own folder.

Reading the file is :mod:`shipped` (re-exported here as :func:`load`), so that the
reference lists can read the neighbours without importing the readers below. One long
table with a ``table`` column:

- ``figures``: the figures shape (:data:`figures.PUBLISHED_COLUMNS`), keyed by year,
  place, indicator (measure), breakdown and unit; ``publication`` names the source;
- ``population``: ONS mid-year estimates of children aged 0 to 17 (same shape);
- ``neighbours``: DfE's statistical neighbour models, ``time_period`` = model year, with
  ``neighbour_rank``, ``neighbour_old_la_code`` and ``closeness``.

Sources are listed in :data:`SOURCES`; a reader for another publication is one more
:class:`Source` line whose reader returns ``figures`` rows. Ofsted's provider-level and
joiners-and-leavers files (:mod:`ofsted`) and LAIT's long data (:mod:`lait`) are two of
them. Their figures carry ``release`` 0 (they are not releases of DfE's "Children looked
after" publication, whose releases decide which figure wins on loading); each says its
date by ``time_period`` (the 31 March, or the financial year ending then), ``source``
(publication and file) and ``source_file`` (the file under the shared data folder, e.g.
``ofsted/providers_at_31_march_2023.csv``).
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from sufficiency_lib.published import dfe, lait, neighbours, ofsted
from sufficiency_lib.published.figures import KEY_COLUMNS, PUBLISHED_COLUMNS, as_category, compact, concat
from sufficiency_lib.published.shipped import EMBEDDED_DIR, FILE_NAME, MANIFEST_NAME, Embedded, load  # noqa: F401

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


def _relative(path, root: Path) -> str:
    """A file's path from the shared data folder (``ofsted/providers_at_31_march_2023.csv``)."""
    path = Path(str(path).split("[")[0])
    try:
        return str(path.relative_to(root.parent))
    except ValueError:
        return path.name


def _other_publication(figures: pd.DataFrame, files: list[dict], skipped: pd.DataFrame, root: Path) -> SourceRows:
    """Figures of a publication that is not DfE's EES release, with their file as their origin."""
    # the file is the source's last part ("...; ONS mid-2022 population" follows it for a rate)
    named = figures["source"].astype(str).str.extract(r"([^\s,;]+\.(?:csv|xlsx|xlsm))", expand=False).fillna("")
    rows = figures.assign(table="figures", release=0, origin="",
                          source_file=(root.name + "/" + named).where(named.ne(""), ""))
    listed = skipped.astype(object).where(skipped.notna(), "").to_dict("records")
    return SourceRows(rows, files, [{"file": _relative(r["file"], root), "reason": _reason(r)} for r in listed])


def _reason(row: dict) -> str:
    """A skipped row's reason with where it is: "... (row 12, column Places, value 'n/a')"."""
    where = [f"{name} {row[name]!r}" if name == "value" else f"{name} {row[name]}"
             for name in ("row", "column", "value") if str(row.get(name, ""))]
    return str(row["reason"]) + (f" ({', '.join(where)})" if where else "")


def read_ofsted(paths: list[Path], root: Path) -> SourceRows:
    """Ofsted's provider-level and joiners-and-leavers files (places per 10,000 children from
    the ONS estimates under ``reference/``)."""
    ons = sorted((root.parent / "reference").glob("ons_mid-year_population_estimates_*.csv"))
    population = dfe.read_population(ons[-1]) if ons else None      # read once, not once a file
    frames, files, skipped = [], [], []
    for path in paths:
        figures, read, notes = ofsted.read(path, population=population)
        frames.append(figures)
        skipped.append(notes)
        files += [{"file": _relative(row.file, root), "table": f"ofsted {row.kind} ({row.year})", "release": "",
                   "figures": int(figures["source"].astype(str).str.contains(Path(row.file).name,
                                                                             regex=False).sum()),
                   "origin": "", "sha256": _sha(path)} for row in read.itertuples()]
    figures = pd.concat(frames, ignore_index=True)
    doubled = figures.duplicated(KEY_COLUMNS, keep="first")
    notes = pd.concat(skipped, ignore_index=True)
    if doubled.any():       # two downloads of one year: the first file (in name order) is kept
        notes = pd.concat([notes, pd.DataFrame([{"file": str(root), "reason": f"{int(doubled.sum())} figures "
                                                 "given by two files of the same year: the first file is kept"}])])
    return _other_publication(figures.loc[~doubled], files, notes, root)


def read_lait(paths: list[Path], root: Path) -> SourceRows:
    """LAIT's long data: S251 weekly unit costs, gross spending, in-house foster places."""
    figures, read, notes = lait.read(root)
    files = [{"file": _relative(row.file, root), "table": f"lait long ({row.years})", "release": "",
              "figures": int(row.rows), "origin": "", "sha256": _sha(Path(row.file))} for row in read.itertuples()]
    return _other_publication(figures, files, notes, root)


SOURCES = (
    Source("dfe_cla", "DfE, Children looked after in England including adoptions (LA level, EES)",
           "published", "*", read_dfe),
    Source("ons_population", "ONS mid-year population estimates, children aged 0 to 17",
           "reference", "ons_mid-year_population_estimates_*.csv", read_ons),
    Source("dfe_statistical_neighbours", "DfE children's services statistical neighbour models (2021, 2025)",
           "reference", "statistical_neighbours_*.csv", read_neighbours),
    Source("ofsted_providers", "Ofsted, Children's social care data in England (provider level, and joiners and "
           "leavers)", "ofsted", "*.csv", read_ofsted),
    Source("lait_finance", "DfE, Local Authority Interactive Tool: S251 outturn unit costs and spending, in-house "
           "foster places (Ofsted)", "lait", "*.csv", read_lait),
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
    releases = sorted(int(r) for r in figures["release"].unique() if int(r))   # DfE's; other publications 0
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
