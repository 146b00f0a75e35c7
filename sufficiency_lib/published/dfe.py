"""DfE's published LA-level statistics and ONS populations, read into the figures shape.

Reads the EES CSVs of "Children looked after in England including adoptions" from the
folders a user names, whatever the release: the 2025 release renamed its indicator columns
(``children_count``, ``children_percent``, ``care_leaver_count``, ``population_type``, ...)
where earlier ones say ``number``, ``percentage``, ``population_count``, ``age``, ...,
and reworded some labels ("at 31 March" became "on 31 March"). Each file kind is described
once in :data:`FILE_KINDS` by the candidate columns of each release; labels are brought to
the 2025 wording by :data:`codes.PUBLISHED_LABEL_SYNONYMS`.

Several releases at once: every release revises earlier years, so for a figure published
by several releases the newest release wins, and :func:`revisions` lists the differences.
The release is the ``release_YYYY`` folder a file sits in, or else the file's latest year.

ONS mid-year estimates of the population aged 0 to 17 are read from the same folders
(a CSV whose name contains ``population``); DfE's rate for the year to 31 March ``t`` uses
the mid-year estimate of ``t - 1`` (:func:`population_for_rates`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from sufficiency_lib.ssda903 import codes
from sufficiency_lib.published.figures import FIGURE_COLUMNS, KEY_COLUMNS, PLACE_COLUMNS, TOTAL, figures_frame, parse_values


class PublishedError(ValueError):
    """A published file that cannot be read as the table it claims to be."""


@dataclass(frozen=True)
class FileKind:
    """How one kind of EES file maps to figures; each tuple lists candidate column names."""

    stem: str
    indicator: str = ""                      # a fixed indicator, or ...
    indicator_column: tuple[str, ...] = ()   # ... the column whose labels name it
    group: str = ""                          # a fixed breakdown group, or ...
    group_column: tuple[str, ...] = ()       # ... the column holding it
    breakdown_column: tuple[str, ...] = ()   # the column of breakdown labels (none: Total)
    units: dict = field(default_factory=dict)  # unit -> candidate indicator columns


SYNTHETIC_MARKER = "SYNTHETIC.md"   # a folder holding this file holds synthetic, not DfE, figures
NUMBER = ("children_count", "care_leaver_count", "number")
PERCENT = ("children_percent", "care_leaver_percent", "percentage")

FILE_KINDS = (
    FileKind("cla_number_and_rate_per_10k_children",
             indicator_column=("population_type", "population_count"), group=TOTAL,
             units={"number": NUMBER, "rate_per_10000": ("rate_per_10000",),
                    "population": ("population_estimate",)}),
    FileKind("la_cla_on_31_march_by_characteristics", indicator="cla_31_march",
             group_column=("cla_group",), breakdown_column=("characteristic",),
             units={"number": NUMBER, "percent": PERCENT}),
    FileKind("la_cla_placement_stability", indicator_column=("cla_group",), group="Placement stability",
             breakdown_column=("placement_stability",), units={"number": NUMBER, "percent": PERCENT}),
    FileKind("la_cla_during_year_new_placements", indicator="new_placements",
             group_column=("cla_group", "characteristic"), breakdown_column=("breakdown", "characteristic"),
             units={"number": NUMBER, "percent": PERCENT}),
    FileKind("la_care_leavers_activity", indicator_column=("care_leaver_age", "age"), group="Activity",
             breakdown_column=("breakdown", "activity"), units={"number": NUMBER, "percent": PERCENT}),
    FileKind("la_care_leavers_accommodation_suitability", indicator_column=("care_leaver_age", "age"),
             group="Accommodation suitability", breakdown_column=("breakdown", "accommodation_suitability"),
             units={"number": NUMBER, "percent": PERCENT}),
    FileKind("la_children_who_ceased_during_the_year", indicator="cla_ceased",
             group_column=("cla_group",), breakdown_column=("characteristic",),
             units={"number": NUMBER, "percent": PERCENT}),
)


@dataclass
class Published:
    """Figures from every file read (newest release wins), with what was read and revised."""

    figures: pd.DataFrame        # figures shape, plus release and source_file
    files: pd.DataFrame          # file, kind, release, rows
    skipped: pd.DataFrame        # file, reason
    revisions: pd.DataFrame      # key, older and newer release values
    population: pd.DataFrame     # ONS 0-17 mid-year estimates in the figures shape

    @property
    def synthetic(self) -> bool:
        return bool(self.figures["source"].str.contains("synthetic").any())


def _first(frame: pd.DataFrame, candidates: tuple[str, ...], path: Path, what: str) -> str:
    for name in candidates:
        if name in frame.columns:
            return name
    raise PublishedError(f"{path}: no {what} column (looked for {', '.join(candidates)}); "
                         "is this the DfE file it is named after? Download it again from EES.")


def release_of(path: Path, frame: pd.DataFrame) -> int:
    """The release a file belongs to: its ``release_YYYY`` folder, else its latest year."""
    for part in reversed(path.parts[:-1]):
        match = re.fullmatch(r"release[_-]?(\d{4})", part)
        if match:
            return int(match.group(1))
    return int(pd.to_numeric(frame["time_period"]).max())


def _harmonise(labels: pd.Series) -> pd.Series:
    labels = labels.astype("string").str.strip().fillna("")
    return labels.replace(codes.PUBLISHED_LABEL_SYNONYMS).astype(object)


def _time_period(raw: pd.Series, path: Path) -> pd.Series:
    """EES time periods are years (2025) or academic/financial years (202425 -> 2025)."""
    text = raw.astype("string").str.strip()
    bad = ~text.str.fullmatch(r"\d{4}(\d{2})?").fillna(False)
    if bad.any():
        row = int(bad.to_numpy().argmax())
        raise PublishedError(f"{path}, row {row + 2}, column time_period: value {raw.iloc[row]!r} is not "
                             "a year (YYYY or YYYYYY); check the file is an EES download.")
    year = text.str[:4].astype(int)
    return year.where(text.str.len().eq(4), year + 1)


def read_file(path: Path, kind: FileKind) -> pd.DataFrame:
    """One EES file as figures rows (all units), with ``release`` and ``source_file``."""
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (UnicodeDecodeError, pd.errors.ParserError) as err:
        raise PublishedError(f"{path}: not a readable UTF-8 CSV ({err}); download it again from EES.") from None
    raw.columns = [c.strip().lower() for c in raw.columns]
    missing = [c for c in ("time_period", "geographic_level") if c not in raw.columns]
    if missing:
        raise PublishedError(f"{path}: column(s) {', '.join(missing)} missing; an EES file has "
                             "time_period and geographic_level first.")
    base = pd.DataFrame({"time_period": _time_period(raw["time_period"], path)})
    for column in PLACE_COLUMNS:
        base[column] = raw[column].str.strip() if column in raw.columns else ""
    if kind.indicator:
        base["indicator"] = kind.indicator
    else:
        column = _first(raw, kind.indicator_column, path, "population or age")
        base["indicator"] = _harmonise(raw[column]).map(codes.PUBLISHED_INDICATORS)
        unknown = base["indicator"].isna()
        if unknown.any():
            row = int(unknown.to_numpy().argmax())
            raise PublishedError(f"{path}, row {row + 2}, column {column}: value {raw[column].iloc[row]!r} "
                                 "is not a population this suite knows; add it to "
                                 "codes.PUBLISHED_INDICATORS if DfE introduced it.")
    base["breakdown_group"] = (kind.group if kind.group else
                               _harmonise(raw[_first(raw, kind.group_column, path, "breakdown group")]))
    base["breakdown"] = (_harmonise(raw[_first(raw, kind.breakdown_column, path, "breakdown")])
                         if kind.breakdown_column else TOTAL)
    parts = []
    for unit, candidates in kind.units.items():
        column = _first(raw, candidates, path, unit)
        try:
            values, status = parse_values(raw[column])
        except ValueError as err:
            raise PublishedError(f"{path}, column {column}: {err}. Check the file is not edited by hand.") \
                from None
        parts.append(base.assign(unit=unit, value=values, status=status))
    source = (f"synthetic figures (demonstration data), {path.name}" if (path.parent / SYNTHETIC_MARKER).is_file()
              else f"DfE, {path.name}")
    out = figures_frame(pd.concat(parts, ignore_index=True).assign(source=source))
    return out.assign(release=release_of(path, raw), source_file=str(path))


def kind_of(path: Path) -> FileKind | None:
    """The :class:`FileKind` a file name belongs to, if any."""
    stem = path.stem.lower()
    for kind in FILE_KINDS:
        if stem.startswith(kind.stem):
            return kind
    return None


def read_population(path: Path) -> pd.DataFrame:
    """ONS mid-year estimates of children aged 0 to 17, in the figures shape.

    ``time_period`` is the mid-year (30 June) of the estimate, indicator ``population_0_17``.
    """
    raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    raw.columns = [c.strip().lower() for c in raw.columns]
    column = _first(raw, ("population_estimate", "population", "count"), path, "population")
    values, status = parse_values(raw[column])
    base = pd.DataFrame({"time_period": _time_period(raw["time_period"], path)})
    for place in PLACE_COLUMNS:
        base[place] = raw[place].str.strip() if place in raw.columns else ""
    return figures_frame(base.assign(indicator="population_0_17", breakdown_group=TOTAL, breakdown=TOTAL,
                                     unit="population", value=values, status=status,
                                     source=f"ONS mid-year estimates, {path.name}"))


def _newest_wins(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Keep each figure from its newest release; return (kept, revisions between releases)."""
    ordered = frame.sort_values("release", kind="stable")
    kept = ordered.drop_duplicates(KEY_COLUMNS, keep="last")
    older = ordered.loc[ordered.duplicated(KEY_COLUMNS, keep="last")]
    pairs = older.merge(kept, on=KEY_COLUMNS, suffixes=("_older", "_newer"))
    changed = (pairs["status_older"].ne(pairs["status_newer"])
               | (pairs["value_older"] != pairs["value_newer"]).fillna(False))
    revisions = pairs.loc[changed, [*KEY_COLUMNS, "release_older", "value_older", "status_older",
                                    "release_newer", "value_newer", "status_newer"]].copy()
    revisions["difference"] = revisions["value_newer"] - revisions["value_older"]
    return kept.sort_values(KEY_COLUMNS[:1] + ["geographic_level", "new_la_code"], kind="stable"), \
        revisions.reset_index(drop=True)


def load(folders) -> Published:
    """Read every DfE EES file and ONS population file under ``folders`` (recursively).

    Files that are neither are listed in ``skipped`` with the reason, never ignored silently.
    """
    folders = [Path(f) for f in ([folders] if isinstance(folders, (str, Path)) else folders)]
    paths = []
    for folder in folders:
        if not folder.is_dir():
            raise PublishedError(f"{folder}: no such folder; name the folder holding DfE's EES CSVs.")
        paths += sorted(folder.rglob("*.csv"))
    frames, populations, files, skipped = [], [], [], []
    for path in paths:
        if path.name.endswith(".meta.csv"):
            skipped.append({"file": str(path), "reason": "EES metadata file"})
        elif "population" in path.stem.lower():
            populations.append(read_population(path))
            files.append({"file": str(path), "kind": "ons_population", "release": "", "rows": len(populations[-1])})
        elif (kind := kind_of(path)) is not None:
            frames.append(read_file(path, kind))
            files.append({"file": str(path), "kind": kind.stem, "release": int(frames[-1]["release"].iloc[0]),
                          "rows": len(frames[-1])})
        else:
            skipped.append({"file": str(path), "reason": "not a DfE children looked after file this suite reads"})
    if not frames:
        raise PublishedError(f"{', '.join(map(str, folders))}: "
                             "no DfE children looked after files found (e.g. "
                             "cla_number_and_rate_per_10k_children.csv); download them from EES.")
    figures, revised = _newest_wins(pd.concat(frames, ignore_index=True))
    population = (pd.concat(populations, ignore_index=True).drop_duplicates(KEY_COLUMNS, keep="last")
                  if populations else figures_frame(pd.DataFrame(columns=FIGURE_COLUMNS)))
    return Published(figures=figures.reset_index(drop=True), files=pd.DataFrame(files),
                     skipped=pd.DataFrame(skipped, columns=["file", "reason"]), revisions=revised,
                     population=population.reset_index(drop=True))


def population_for_rates(population: pd.DataFrame, year: int) -> pd.DataFrame:
    """The population under each rate for collection year ``year``: the mid-``year - 1`` estimate."""
    out = population.loc[population["time_period"].eq(int(year) - 1)].copy()
    out["time_period"] = int(year)
    return out


# Which figures each kind of file holds, for writing figures back out as DfE-shaped files.
def _routes(figures: pd.DataFrame) -> dict[str, pd.Series]:
    group, indicator = figures["breakdown_group"], figures["indicator"]
    care_leavers = indicator.str.startswith("care_leavers")
    return {
        "cla_number_and_rate_per_10k_children":
            group.eq(TOTAL) & indicator.isin(["cla_31_march", "cla_started", "cla_ceased"]),
        "la_cla_on_31_march_by_characteristics":
            indicator.eq("cla_31_march") & ~group.isin([TOTAL, "Placement stability"]),
        "la_cla_placement_stability": group.eq("Placement stability"),
        "la_cla_during_year_new_placements": indicator.eq("new_placements"),
        "la_care_leavers_activity": care_leavers & group.eq("Activity"),
        "la_care_leavers_accommodation_suitability": care_leavers & group.eq("Accommodation suitability"),
        "la_children_who_ceased_during_the_year": indicator.eq("cla_ceased") & ~group.eq(TOTAL),
    }


def _cell_text(values: pd.Series, status: pd.Series) -> pd.Series:
    text = values.round(0).astype("Int64").astype("string")
    return text.where(values.notna(), status.replace("", "x")).astype(object)


def write_ees(figures: pd.DataFrame, out_dir: Path, file_suffix: str = "") -> list[Path]:
    """Write ``figures`` as the DfE files :func:`load` reads, in the 2025 release's wording.

    The inverse of :func:`read_file`: one file per kind with a row per place, year and
    breakdown, and the units as indicator columns (missing values as their GSS symbol). Used
    to publish the synthetic national figures of the demo in the shape of the real ones.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    labels = {ind: label for label, ind in codes.PUBLISHED_INDICATORS.items()}
    labels["cla_31_march"] = "Children looked after on 31 March each year"
    written = []
    for kind in FILE_KINDS:
        rows = figures.loc[_routes(figures)[kind.stem] & figures["unit"].isin(list(kind.units))]
        if rows.empty:
            continue
        rows = rows.assign(cell=_cell_text(rows["value"], rows["status"]))
        index = ["time_period", *PLACE_COLUMNS, "indicator", "breakdown_group", "breakdown"]
        wide = rows.pivot_table(index=index, columns="unit", values="cell", aggfunc="first").reset_index()
        out = pd.DataFrame({"time_period": wide["time_period"], "time_identifier": "Reporting year"})
        for column in ("geographic_level", "country_code"):
            out[column] = wide[column]
        out["country_name"] = "England"
        for column in ("region_code", "region_name", "old_la_code", "la_name", "new_la_code"):
            out[column] = wide[column]
        if kind.indicator_column:
            out[kind.indicator_column[0]] = wide["indicator"].map(labels)
        if kind.group_column:
            out[kind.group_column[0]] = wide["breakdown_group"]
        if kind.breakdown_column:
            out[kind.breakdown_column[0]] = wide["breakdown"]
        for unit, candidates in kind.units.items():
            out[candidates[0]] = wide[unit] if unit in wide else "x"
        path = out_dir / f"{kind.stem}{file_suffix}.csv"
        out.to_csv(path, index=False)
        written.append(path)
    return written
