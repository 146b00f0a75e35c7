"""DfE's published LA-level statistics and ONS populations, read into the figures shape.

Reads whatever EES CSVs of "Children looked after in England including adoptions" a
folder holds, from any release: each file is placed by its columns and filter labels
(:mod:`layouts`), never by its name, and its labels are brought to one vocabulary
(:mod:`labels`). A file that cannot be placed or read is listed in ``skipped`` with the
reason, a label the vocabulary does not know is read as published and listed in
``unknown``: neither stops the run, and neither becomes a wrong number.

The release of a file is its ``release_YYYY`` folder (or a folder ending ``_YYYY``, as in
EES's zip downloads), else the latest year in it. For a figure published by several
releases the newest wins (:mod:`releases`). Each figure keeps its ``release``, its
``source_file`` and an ``origin`` note where the file is not DfE's original.

ONS mid-year estimates of the population aged 0 to 17 are recognised the same way; DfE's
rate for the year to 31 March ``t`` uses the mid-year estimate of ``t - 1``
(:func:`population_for_rates`).
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from sufficiency_lib.published import labels, layouts
from sufficiency_lib.published.figures import GSS_SYMBOLS, PLACE_COLUMNS, PUBLISHED_COLUMNS, TOTAL, \
    compact, concat, parse_values
from sufficiency_lib.published.releases import (FILES_COLUMNS, PUBLICATION, SKIPPED_COLUMNS, UNKNOWN_COLUMNS,
                                                Published, assemble, table)
from sufficiency_lib.published.write import write_ees  # noqa: F401  (kept importable from here)

__all__ = ["Published", "PublishedError", "load", "read_folders", "read_file", "read_population",
           "population_for_rates", "write_ees"]


class PublishedError(ValueError):
    """A folder that cannot be read (missing), or a load that found no figures at all."""


#: Files known not to be DfE's originals, by name (without .csv), and what they are.
ORIGIN_NOTES = {
    "la_cla_on_31_march_by_characteristics_reconstructed": (
        "characteristics on 31 March rebuilt from the processed data of DfE's children's social care "
        "dashboard (2020 from the 2024 release's data), not DfE's original file"),
}
RECONSTRUCTED = "rebuilt from other DfE data, not DfE's original file (its name says so)"


@dataclass
class FileResult:
    """What one file gave: figures (or population), or the reason it was skipped."""

    file: str
    table: str = ""
    figures: pd.DataFrame | None = None
    release: int = 0
    origin: str = ""
    sha256: str = ""
    reason: str = ""
    data_problem: bool = False
    unknown: list = field(default_factory=list)


@dataclass
class Reading:
    """Every figure read from some folders (all releases, before the newest wins)."""

    rows: pd.DataFrame
    population: pd.DataFrame
    files: pd.DataFrame
    skipped: pd.DataFrame
    unknown: pd.DataFrame

    def assemble(self) -> Published:
        return assemble(self.rows, self.population, self.files, self.skipped, self.unknown)


def release_of(path: Path, latest_year: int, root: Path | None = None) -> int:
    """The release a file belongs to: its ``release_YYYY`` folder, else a folder named
    ``..._YYYY`` (EES's zip downloads), else its latest year. Only the folders from
    ``root`` (the folder read) down count, not where a user keeps it."""
    parts = path.relative_to(root.parent).parts[:-1] if root is not None else path.parts[:-1]
    for pattern in (r"release[_-]?((?:19|20)\d{2})", r".*[_-]((?:19|20)\d{2})"):
        for part in reversed(parts):
            match = re.fullmatch(pattern, part, flags=re.IGNORECASE)
            if match:
                return int(match.group(1))
    return int(latest_year)


def origin_note(path: Path) -> str:
    """Why a file is not DfE's original, or "" when it is."""
    stem = path.stem.lower()
    if stem in ORIGIN_NOTES:
        return ORIGIN_NOTES[stem]
    return RECONSTRUCTED if "reconstructed" in stem or "rebuilt" in stem else ""


def _recode(values: pd.Series, func) -> pd.Series:
    """``func`` applied to each category of a categorical (a few hundred calls, not a
    call a row); a result of "" or None becomes ""."""
    categories = values.cat.categories
    mapped = pd.Index([func(c) or "" for c in categories], dtype=object)
    distinct = pd.Index(mapped.unique())
    codes = distinct.get_indexer(mapped)[values.cat.codes.to_numpy()]
    return pd.Series(pd.Categorical.from_codes(codes, categories=distinct), index=values.index)


def _time_period(raw: pd.Series, name: str) -> np.ndarray:
    """EES time periods are years (2025) or academic/financial years (202425 -> 2025)."""
    categories = [str(c).strip() for c in raw.cat.categories]
    years = []
    for text in categories:
        if not re.fullmatch(r"\d{4}(\d{2})?", text):
            row = int(np.flatnonzero(raw.cat.codes.to_numpy() == categories.index(text))[0])
            raise _cell_error(name, row, "time_period", text, "is not a year (YYYY or YYYYYY)")
        years.append(int(text[:4]) + (len(text) == 6))
    return np.asarray(years, dtype="int16")[raw.cat.codes.to_numpy()]


def _cell_error(name: str, row: int, column: str, value, what: str) -> PublishedError:
    """The error for one cell: file, row (as a spreadsheet numbers it), column, value, fix."""
    return PublishedError(f"{name}, row {row + 2}, column {column}: value {value!r} {what}; check the file "
                          "was not edited by hand, or download it again from EES.")


def _values(raw: pd.Series, name: str, column: str) -> tuple[np.ndarray, np.ndarray]:
    """(numbers, GSS status) of an indicator column, parsed once per distinct cell text."""
    categories = pd.Series(raw.cat.categories.astype(object))
    text = categories.astype(str).str.strip()
    fine = (text.eq("") | text.str.lower().isin(list(GSS_SYMBOLS))
            | pd.to_numeric(text.str.replace(",", "", regex=False), errors="coerce").notna())
    if not fine.all():
        bad = int(np.flatnonzero(~fine.to_numpy())[0])
        row = int(np.flatnonzero(raw.cat.codes.to_numpy() == bad)[0])
        raise _cell_error(name, row, column, categories[bad],
                            f"is neither a number nor a GSS symbol ({', '.join(GSS_SYMBOLS)})")
    values, status = parse_values(categories)
    codes = raw.cat.codes.to_numpy()
    return values.to_numpy()[codes], np.asarray(status, dtype=object)[codes]


def _indicators(raw: pd.Series, rule: str) -> pd.Series:
    find = labels.care_leaver_indicator if rule == "care_leaver_age" else labels.indicator_of
    return _recode(raw, find)


def _noted(column: pd.Series, name: str, found: list[str], note: str) -> list[tuple]:
    """(column, label, rows, note) for each label the vocabulary did not know."""
    counts = column.astype(str).str.strip().value_counts()
    return [(name, label, int(counts.get(label, 0)), note) for label in found]


def _figures(raw: pd.DataFrame, layout: layouts.Layout, name: str) -> tuple[pd.DataFrame, list]:
    """Figures rows (every unit) of one placed file, and the labels it did not know."""
    unknown = []
    base = pd.DataFrame({"time_period": _time_period(raw["time_period"], name)})
    for column in PLACE_COLUMNS:
        base[column] = (_recode(raw[column], str.strip) if column in raw else
                        pd.Series(pd.Categorical([""] * len(raw))))
    if layout.indicator:
        base["indicator"] = layout.indicator
    else:
        base["indicator"] = _indicators(raw[layout.indicator_column], layout.indicator_rule)
        lost = raw.loc[base["indicator"].eq("").to_numpy(), layout.indicator_column].astype(str).value_counts()
        unknown += [(layout.indicator_column, label, int(n), "population not known: rows not read; add it to "
                     "published.labels.INDICATOR_LABELS if DfE introduced it") for label, n in lost.items() if n]
    group_note = ("label not in the vocabulary: read as published (add a synonym in published.labels if it "
                  "renames a known label)")
    if layout.group_column:
        base["breakdown_group"], new = labels.harmonise(raw[layout.group_column], kind="group")
        unknown += _noted(raw[layout.group_column], layout.group_column, new, group_note)
    else:
        base["breakdown_group"] = layout.group
    if layout.breakdown_column:
        base["breakdown"], new = labels.harmonise(raw[layout.breakdown_column], base["breakdown_group"])
        unknown += _noted(raw[layout.breakdown_column], layout.breakdown_column, new, group_note)
    else:
        base["breakdown"] = TOTAL
    base = base.loc[base["indicator"].ne("").to_numpy()]
    parts = []
    for unit, column in layout.units.items():
        values, status = _values(raw[column], name, column)
        keep = base.index.to_numpy()
        parts.append(base.assign(unit=unit, value=pd.array(values[keep], dtype="Float64"), status=status[keep]))
    unknown += [(column, "", 0, "indicator column not read") for column in layout.unread_columns]
    return pd.concat(parts, ignore_index=True), unknown


def _read_csv(path: Path) -> pd.DataFrame:
    """Every column as text categories (``dtype="category"`` would turn "873" into 873)."""
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except UnicodeDecodeError:
        # Saved from Excel on Windows: still readable, though no longer DfE's bytes.
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="cp1252")
    return raw.astype("category")


def read_file(path: Path, root: Path | None = None) -> FileResult:
    """One CSV as figures, placed by its columns and labels; never raises for its content."""
    path = Path(path)
    name = str(path.relative_to(root.parent)) if root is not None else path.name
    result = FileResult(file=name, sha256=hashlib.sha256(path.read_bytes()).hexdigest())
    try:
        raw = _read_csv(path)
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as err:
        result.reason, result.data_problem = f"not a readable CSV ({err}); download it again from EES", True
        return result
    raw.columns = layouts.normalise_columns(raw.columns)
    if raw.columns.duplicated().any():
        result.reason = f"columns named twice ({', '.join(raw.columns[raw.columns.duplicated()])})"
        result.data_problem = True
        return result
    values = {c: list(raw[c].cat.categories) for c in raw.columns if c not in layouts.GEOGRAPHY}
    layout = layouts.classify(list(raw.columns), values)
    if isinstance(layout, str):
        result.reason = layout
        return result
    try:
        figures, unknown = _figures(raw, layout, name)
    except PublishedError as err:
        result.reason, result.data_problem = str(err), True
        return result
    latest = int(figures["time_period"].max()) if len(figures) else 0
    result.table, result.origin = layout.table, origin_note(path)
    # a DfE release for DfE's tables; ONS estimates belong to no DfE release
    result.release = 0 if layout.table == "ons_population" else release_of(path, latest, root)
    result.figures = compact(figures.assign(source=_source(path, layout.table, result.release, result.origin),
                                            release=result.release, source_file=name, origin=result.origin))
    result.unknown = [dict(zip(UNKNOWN_COLUMNS, (name, *entry))) for entry in unknown]
    return result


def _source(path: Path, table_name: str, release: int, origin: str) -> str:
    if table_name == "ons_population":
        return f"ONS mid-year population estimates, {path.name}"
    return f"{PUBLICATION}, {release} release, {path.name}" + (f" ({origin})" if origin else "")


def _candidates(folder: Path):
    for path in sorted(folder.rglob("*")):
        parts = path.relative_to(folder).parts
        if path.is_file() and not any(p.startswith(".") for p in parts):
            yield path


def read_folders(folders, read_order: int = 1) -> Reading:
    """Every file under ``folders`` (recursively), read or listed as skipped with a reason.

    Raises :class:`PublishedError` only for a folder that does not exist.
    """
    folders = [Path(f) for f in ([folders] if isinstance(folders, (str, Path)) else folders)]
    rows, population, files, skipped, unknown = [], [], [], [], []
    for offset, folder in enumerate(folders):
        if not folder.is_dir():
            raise PublishedError(f"{folder}: no such folder; name the folder holding DfE's EES CSVs.")
        for path in _candidates(folder):
            name = str(path.relative_to(folder.parent))
            if path.suffix.lower() != ".csv":
                skipped.append({"file": name, "reason": "not a CSV file", "data_problem": False})
                continue
            if path.name.lower().endswith(".meta.csv"):
                skipped.append({"file": name, "reason": "EES metadata (describes a data file)", "data_problem": False})
                continue
            result = read_file(path, folder)
            unknown += result.unknown
            if result.figures is None:
                skipped.append({"file": name, "reason": result.reason, "data_problem": result.data_problem})
                continue
            (population if result.table == "ons_population" else rows).append(
                result.figures.assign(read_order=read_order + offset))
            files.append({"file": name, "table": result.table, "release": result.release or "",
                          "figures": len(result.figures), "origin": result.origin, "sha256": result.sha256})
    return Reading(rows=_stack(rows), population=_stack(population), files=table(files, FILES_COLUMNS),
                   skipped=table(skipped, SKIPPED_COLUMNS), unknown=table(unknown, UNKNOWN_COLUMNS))


def _stack(frames: list[pd.DataFrame]) -> pd.DataFrame:
    stacked = concat(frames)
    return stacked if stacked is not None else pd.DataFrame(columns=[*PUBLISHED_COLUMNS, "read_order"])


def load(folders) -> Published:
    """Read every DfE EES file and ONS population file under ``folders`` (recursively).

    Files that are neither are listed in ``skipped`` with the reason; a folder holding no
    figure at all is an error (:class:`PublishedError`) naming what was found instead.
    """
    reading = read_folders(folders)
    if reading.rows.empty:
        found = "; ".join(f"{r.file}: {r.reason}" for r in reading.skipped.head(5).itertuples())
        raise PublishedError(f"{', '.join(map(str, folders if isinstance(folders, list) else [folders]))}: "
                             "no DfE children looked after files found (e.g. "
                             "cla_number_and_rate_per_10k_children.csv); download them from EES."
                             + (f" Found instead: {found}" if found else ""))
    return reading.assemble()


def read_population(path: Path) -> pd.DataFrame:
    """ONS mid-year estimates of children aged 0 to 17 in one file, in the figures shape.

    ``time_period`` is the mid-year (30 June) of the estimate, indicator ``population_0_17``.
    """
    result = read_file(Path(path))
    if result.table != "ons_population":
        raise PublishedError(f"{path}: not an ONS population file ({result.reason or result.table}).")
    return result.figures[PUBLISHED_COLUMNS].reset_index(drop=True)


def population_for_rates(population: pd.DataFrame, year: int) -> pd.DataFrame:
    """The population under each rate for collection year ``year``: the mid-``year - 1`` estimate."""
    out = population.loc[population["time_period"].eq(int(year) - 1)].copy()
    out["time_period"] = int(year)
    return out
