"""The published figures a page benchmarks against: the embedded ones, plus a user's folders.

:func:`load` returns the figures the project ships (:mod:`embedded`: DfE's releases, ONS
populations) with the figures of every folder a user names on top, the newest release
winning each figure (a folder wins a tie with the embedded copy of the same release):

>>> published = load()                                  # doctest: +SKIP
>>> published = load(["downloads/cla_2026"])            # a newer release adds to them

A folder's parse is cached under ``data/cache/published/`` as parquet, keyed by the
sha256 of its files and of the reader's code, so a second load of the same folder does
not read its CSVs again. The embedded figures are read once a process.
"""
from __future__ import annotations

import hashlib
import json
import os
from functools import lru_cache
from pathlib import Path

import pandas as pd

from sufficiency_lib import config, text_storage
from sufficiency_lib.published import dfe, embedded
from sufficiency_lib.published.figures import PUBLISHED_COLUMNS, concat
from sufficiency_lib.published.releases import (FILES_COLUMNS, SKIPPED_COLUMNS, UNKNOWN_COLUMNS, Published,
                                                assemble, table)

CACHE_DIR = config.CACHE_DIR / "published"
_READER_MODULES = ("dfe.py", "layouts.py", "labels.py", "figures.py", "releases.py")

__all__ = ["load", "Published", "CACHE_DIR"]


def reader_version() -> str:
    """A hash of the reader's code: a cache written by other code is not used."""
    digest = hashlib.sha256()
    for name in _READER_MODULES:
        digest.update((Path(__file__).parent / name).read_bytes())
    return digest.hexdigest()[:16]


def folder_digest(folder: Path) -> str:
    """The sha256 of a folder's files (names and bytes) and of the reader's code."""
    digest = hashlib.sha256(f"{reader_version()}:{folder.name}".encode())
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if path.is_file() and not any(part.startswith(".") for part in relative.parts):
            digest.update(f"{relative.as_posix()}:{hashlib.sha256(path.read_bytes()).hexdigest()}\n".encode())
    return digest.hexdigest()


def _cached_reading(folder: Path, cache_dir: Path | None) -> dfe.Reading:
    """The folder read (figures of every release), from the cache when its files are unchanged."""
    if cache_dir is None:
        return dfe.read_folders([folder], read_order=1)
    key = folder_digest(folder)
    data, meta = cache_dir / f"{key}.parquet", cache_dir / f"{key}.json"
    if data.is_file() and meta.is_file():
        rows = text_storage.read_parquet(data)
        listed = json.loads(meta.read_text(encoding="utf-8"))
        part = rows["part"].astype(str).to_numpy()
        return dfe.Reading(rows=rows.loc[part == "figures", PUBLISHED_COLUMNS].reset_index(drop=True),
                           population=rows.loc[part == "population", PUBLISHED_COLUMNS].reset_index(drop=True),
                           files=table(listed["files"], FILES_COLUMNS), skipped=table(listed["skipped"], SKIPPED_COLUMNS),
                           unknown=table(listed["unknown"], UNKNOWN_COLUMNS))
    reading = dfe.read_folders([folder], read_order=1)
    _write_cache(reading, data, meta)
    return reading


def _write_cache(reading: dfe.Reading, data: Path, meta: Path) -> None:
    data.parent.mkdir(parents=True, exist_ok=True)
    parts = [frame[PUBLISHED_COLUMNS].assign(part=name) for name, frame in
             (("figures", reading.rows), ("population", reading.population)) if len(frame)]
    stacked = concat(parts)
    if stacked is None:
        stacked = pd.DataFrame(columns=[*PUBLISHED_COLUMNS, "part"])
    # parallel page renders may write the same entry: write aside, then move into place
    tmp = data.with_name(f".{data.name}.{os.getpid()}")
    stacked.to_parquet(tmp, compression="zstd", index=False)
    listed = {name: getattr(reading, name).astype(object).to_dict("records") for name in ("files", "skipped", "unknown")}
    tmp_meta = meta.with_name(f".{meta.name}.{os.getpid()}")
    tmp_meta.write_text(json.dumps(listed, default=str), encoding="utf-8")
    tmp.replace(data)
    tmp_meta.replace(meta)


def _embedded_listing(manifest: dict, where: str) -> pd.DataFrame:
    files = [{**row, "file": f"{row['file']} ({where})"} for source in manifest.get("sources", ())
             for row in source.get("files", ())]
    return table(files, FILES_COLUMNS)


@lru_cache(maxsize=2)
def _embedded_published(path: str, mtime_ns: int) -> Published:
    shipped = embedded.load(Path(path))
    return assemble(shipped.figures.assign(read_order=0), shipped.population.assign(read_order=0),
                    _embedded_listing(shipped.manifest, "embedded"), table(columns=SKIPPED_COLUMNS),
                    table(columns=UNKNOWN_COLUMNS))


def _copy(published: Published) -> Published:
    """A copy the caller may change without changing the one cached (copy-on-write frames)."""
    return Published(**{name: getattr(published, name).copy(deep=False)
                        for name in ("figures", "population", "files", "skipped", "revisions", "unknown")})


def load(folders=(), embedded_path: Path | None = None, cache_dir: Path | None = CACHE_DIR) -> Published:
    """The embedded published figures plus every figure in ``folders`` (newest release wins).

    ``folders``: folders of DfE EES CSVs (any releases; ONS population files too), read
    recursively, later folders winning ties. ``cache_dir=None`` reads them afresh.
    Raises :class:`dfe.PublishedError` for a folder that does not exist.
    """
    folders = [Path(folders)] if isinstance(folders, (str, Path)) else [Path(f) for f in folders]
    path = Path(embedded_path or embedded.EMBEDDED_DIR / embedded.FILE_NAME)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: the embedded published statistics are missing; rebuild them with "
                                "`sufficiency embed ../shared/data`.")
    base = _embedded_published(str(path), path.stat().st_mtime_ns)
    if not folders:
        return _copy(base)
    for folder in folders:
        if not folder.is_dir():
            raise dfe.PublishedError(f"{folder}: no such folder; name the folder holding DfE's EES CSVs.")
    shipped = embedded.load(path)
    rows, population = [shipped.figures.assign(read_order=0)], [shipped.population.assign(read_order=0)]
    files, skipped, unknown = [base.files], [], []
    for order, folder in enumerate(folders, start=1):
        reading = _cached_reading(folder, Path(cache_dir) if cache_dir else None)
        rows.append(reading.rows.assign(read_order=order))
        population.append(reading.population.assign(read_order=order))
        files.append(reading.files)
        skipped.append(reading.skipped)
        unknown.append(reading.unknown)
    return assemble(_stack([frame.drop(columns=["publication"], errors="ignore") for frame in rows]),
                    _stack(population), _listing(files, FILES_COLUMNS), _listing(skipped, SKIPPED_COLUMNS),
                    _listing(unknown, UNKNOWN_COLUMNS))


def _stack(frames: list[pd.DataFrame]) -> pd.DataFrame:
    stacked = concat([frame[[*PUBLISHED_COLUMNS, "read_order"]] for frame in frames if len(frame)])
    return stacked if stacked is not None else pd.DataFrame(columns=[*PUBLISHED_COLUMNS, "read_order"])


def _listing(frames: list[pd.DataFrame], columns) -> pd.DataFrame:
    frames = [frame for frame in frames if len(frame)]
    return pd.concat(frames, ignore_index=True)[columns] if frames else table(columns=columns)
