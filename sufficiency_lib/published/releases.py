"""Several releases at once: the newest release wins each figure, revisions are listed.

Every release of "Children looked after in England including adoptions" revises earlier
years, so one figure (year, place, indicator, breakdown, unit) may come from several
files. :func:`assemble` keeps the one from the newest release (on a tie, the folder read
last, so a user's folder beats the embedded copy of the same release), lists in
``revisions`` every older value that differs, and returns a :class:`Published`.

A place is matched on its codes, not its name (names are respelt between releases): the
new LA code (else the old one) of an authority, the code of a region, England's code.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sufficiency_lib.published import labels
from sufficiency_lib.published.figures import FIGURE_COLUMNS, KEY_COLUMNS, PUBLISHED_COLUMNS, compact, figures_frame

FILES_COLUMNS = ["file", "table", "release", "figures", "origin", "sha256"]
SKIPPED_COLUMNS = ["file", "reason", "data_problem"]
UNKNOWN_COLUMNS = ["file", "column", "label", "rows", "note"]
REVISION_COLUMNS = [*KEY_COLUMNS, "release_older", "value_older", "status_older", "release_newer",
                    "value_newer", "status_newer", "difference"]
PUBLICATION = "DfE, Children looked after in England including adoptions"
LICENCE = "Crown copyright, Open Government Licence v3.0"
NEIGHBOUR_MODELS = {2021: "April 2021", 2025: "May 2025"}


def table(rows=None, columns=()) -> pd.DataFrame:
    """A listing (files, skipped, unknown) with exactly ``columns``, even when empty."""
    return pd.DataFrame(rows or [], columns=list(columns))


def empty_figures() -> pd.DataFrame:
    return compact(figures_frame(pd.DataFrame(columns=FIGURE_COLUMNS)).assign(release=0, source_file="",
                                                                              origin=""))


@dataclass
class Published:
    """Published figures read from files (newest release wins), with what was read.

    ``figures``: the figures shape (:data:`figures.FIGURE_COLUMNS`) plus ``release``,
    ``source_file`` and ``origin``, text as categoricals. ``population``: ONS mid-year
    estimates of children aged 0 to 17 in the same shape (``time_period`` = mid-year).
    ``files``, ``skipped``, ``unknown`` (labels read as published, columns not read) and
    ``revisions`` (older values a newer release changed) say what happened.
    """

    figures: pd.DataFrame
    population: pd.DataFrame
    files: pd.DataFrame = field(default_factory=lambda: table(columns=FILES_COLUMNS))
    skipped: pd.DataFrame = field(default_factory=lambda: table(columns=SKIPPED_COLUMNS))
    revisions: pd.DataFrame = field(default_factory=lambda: table(columns=REVISION_COLUMNS))
    unknown: pd.DataFrame = field(default_factory=lambda: table(columns=UNKNOWN_COLUMNS))

    @property
    def releases(self) -> list[int]:
        """The DfE releases the figures come from, oldest first."""
        return sorted(int(r) for r in pd.unique(self.figures["release"]) if int(r))

    def source_line(self, neighbour_model: int | None = None) -> str:
        """The plain-English source of these figures for a page, e.g. "DfE, Children looked
        after in England including adoptions, 2023, 2024 and 2025 releases; ..."."""
        parts = []
        if self.releases:
            years = [str(r) for r in self.releases]
            listed = years[0] if len(years) == 1 else f"{', '.join(years[:-1])} and {years[-1]}"
            parts.append(f"{PUBLICATION}, {listed} release{'s' if len(years) > 1 else ''}")
        parts += sorted({str(o) for o in pd.unique(self.figures["origin"]) if str(o)})
        if len(self.population):
            parts.append("ONS mid-year population estimates, children aged 0 to 17")
        if neighbour_model is not None:
            parts.append("statistical neighbours: DfE children's services statistical neighbour model of "
                         f"{NEIGHBOUR_MODELS.get(int(neighbour_model), neighbour_model)}")
        return "; ".join(parts) + (f" ({LICENCE})" if parts else "")


_PLACE_ORDER = ("country_code", "region_name", "region_code", "la_name", "old_la_code", "new_la_code")


def place_of(frame: pd.DataFrame) -> np.ndarray:
    """Each row's place code: new LA code, else old LA code, else region code, else country."""
    codes, names = _place_codes(frame)
    return np.asarray(names, dtype=object)[codes]


def _place_codes(frame: pd.DataFrame) -> tuple[np.ndarray, list[str]]:
    """:func:`place_of` as integer codes into one list of names (worked on categories)."""
    names: dict[str, int] = {"": 0}
    place = np.zeros(len(frame), dtype=np.int64)
    for column in _PLACE_ORDER:
        if column not in frame:
            continue
        values = frame[column] if isinstance(frame[column].dtype, pd.CategoricalDtype) else \
            frame[column].astype("string").fillna("").astype("category")
        lookup = np.asarray([names.setdefault(str(c), len(names)) for c in values.cat.categories] + [0])
        shared = lookup[values.cat.codes.to_numpy()]          # code -1 (missing) -> "" via the last slot
        place = np.where(shared != 0, shared, place)
    return place, list(names)


def _codes(values: pd.Series) -> tuple[np.ndarray, int]:
    if isinstance(values.dtype, pd.CategoricalDtype):
        return values.cat.codes.to_numpy().astype(np.int64) + 1, len(values.cat.categories) + 1
    codes, uniques = pd.factorize(values)
    return codes.astype(np.int64) + 1, len(uniques) + 1


def _group_ids(frame: pd.DataFrame) -> np.ndarray:
    """One integer per figure identity (year, level, place, indicator, breakdown, unit)."""
    place, names = _place_codes(frame)
    ids, size = place, len(names)
    for column in ("time_period", "geographic_level", "indicator", "breakdown_group", "breakdown", "unit"):
        codes, count = _codes(frame[column])
        if size * count >= 2 ** 62:                 # keep the combined id inside int64
            ids = pd.factorize(ids)[0].astype(np.int64)
            size = int(ids.max()) + 1
        ids, size = ids * count + codes, size * count
    return ids


def newest_wins(rows: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(each figure from its newest release, the older values that differ, figures given
    twice by one release). ``rows`` has ``release`` and ``read_order`` (higher wins a tie)."""
    if rows.empty:
        return rows, table(columns=REVISION_COLUMNS), table(columns=UNKNOWN_COLUMNS)
    gid = _group_ids(rows)
    release = rows["release"].to_numpy()
    order = np.lexsort((rows["read_order"].to_numpy(), release, gid))
    sorted_gid, sorted_release = gid[order], release[order]
    last = np.append(sorted_gid[1:] != sorted_gid[:-1], True)
    kept_at = order[last]
    winner = kept_at[np.searchsorted(sorted_gid[last], sorted_gid)]        # the kept row of each row
    # One older value per release (a folder read later wins within a release), plus any
    # value of the winning release itself that the winner replaced.
    last_of_release = np.append(last[:-1] | (sorted_release[1:] != sorted_release[:-1]), True)
    compare = ~last & (last_of_release | (sorted_release == release[winner]))
    older, newer = rows.iloc[order[compare]], rows.iloc[winner[compare]]
    same = ~last & (sorted_release == release[winner])
    return (rows.iloc[np.sort(kept_at)], _revisions(older, newer),
            _twice(rows.iloc[order[same]], rows.iloc[winner[same]]))


def _revisions(older: pd.DataFrame, newer: pd.DataFrame) -> pd.DataFrame:
    old_value = older["value"].to_numpy(dtype=float, na_value=np.nan)
    new_value = newer["value"].to_numpy(dtype=float, na_value=np.nan)
    same_value = (old_value == new_value) | (np.isnan(old_value) & np.isnan(new_value))
    changed = ~same_value | (older["status"].astype(str).to_numpy() != newer["status"].astype(str).to_numpy())
    out = newer.loc[:, KEY_COLUMNS].iloc[changed].reset_index(drop=True)
    for side, frame in (("older", older), ("newer", newer)):
        picked = frame.iloc[changed].reset_index(drop=True)
        out[f"release_{side}"] = picked["release"].to_numpy()
        out[f"value_{side}"] = picked["value"].astype("Float64").to_numpy()
        out[f"status_{side}"] = picked["status"].astype(str).to_numpy()
    out["difference"] = out["value_newer"] - out["value_older"]
    return out[REVISION_COLUMNS]


def _twice(older: pd.DataFrame, newer: pd.DataFrame) -> pd.DataFrame:
    """Figures one release gives in two files (or twice in one file) of the same folder."""
    same = older["read_order"].to_numpy() == newer["read_order"].to_numpy()
    if not same.any():
        return table(columns=UNKNOWN_COLUMNS)
    pairs = pd.DataFrame({"file": older["source_file"].astype(str).to_numpy()[same],
                          "kept": newer["source_file"].astype(str).to_numpy()[same]})
    counts = pairs.value_counts().reset_index(name="rows")
    return table([{"file": row.file, "column": "", "label": "", "rows": int(row.rows),
                   "note": f"figures given twice in one release (kept those of {row.kept})"}
                  for row in counts.itertuples()], UNKNOWN_COLUMNS)


def assemble(rows: pd.DataFrame, population: pd.DataFrame, files: pd.DataFrame, skipped: pd.DataFrame,
             unknown: pd.DataFrame) -> Published:
    """The :class:`Published` of figure rows from every release read (``release`` and
    ``read_order`` columns), newest winning; population likewise by read order."""
    if rows.empty:
        figures, revisions, twice = empty_figures(), table(columns=REVISION_COLUMNS), table(columns=UNKNOWN_COLUMNS)
    else:
        rows = rows.assign(breakdown_group=labels.unify_variants(rows["breakdown_group"], rows["release"]),
                           breakdown=labels.unify_variants(rows["breakdown"], rows["release"]))
        kept, revisions, twice = newest_wins(rows)
        figures = compact(kept.sort_values(KEY_COLUMNS, kind="stable")[PUBLISHED_COLUMNS].reset_index(drop=True))
    if population.empty:
        population = empty_figures()[PUBLISHED_COLUMNS]
    else:
        population = population.assign(place=place_of(population)).sort_values("read_order", kind="stable")
        population = population.drop_duplicates(["time_period", "geographic_level", "place"], keep="last")
        population = compact(population.sort_values(KEY_COLUMNS, kind="stable")[PUBLISHED_COLUMNS]
                             .reset_index(drop=True))
    return Published(figures=figures, population=population, files=files.reset_index(drop=True),
                     skipped=skipped.reset_index(drop=True), revisions=revisions.reset_index(drop=True),
                     unknown=pd.concat([unknown, twice], ignore_index=True) if len(twice) else unknown)
