"""Figures written back out as DfE-shaped EES files (the 2025 release's wording).

The inverse of :mod:`dfe`: one file per table with a row per place, year and breakdown,
and the units as indicator columns (missing values as their GSS symbol), so figures made
elsewhere (the demo's) are read through the same reader as DfE's own.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from sufficiency_lib.published import labels
from sufficiency_lib.published.figures import PLACE_COLUMNS, TOTAL

_COUNT, _PERCENT = "children_count", "children_percent"
_LEAVER_UNITS = {"number": "care_leaver_count", "percent": "care_leaver_percent"}
_STABILITY_WORDING = {"cla_31_march": "CLA on 31 March", "cla_2_years": "CLA 2 years on 31 March",
                      "cla_long_term_under_16": labels.INDICATOR_WORDING["cla_long_term_under_16"]}


@dataclass(frozen=True)
class _File:
    stem: str
    units: dict                    # unit -> column
    indicator_column: str = ""     # the filter naming the indicator (with its wording)
    group_column: str = ""
    breakdown_column: str = ""


def _routes(figures: pd.DataFrame) -> list[tuple[_File, pd.Series]]:
    group, indicator = figures["breakdown_group"].astype(str), figures["indicator"].astype(str)
    leavers = indicator.str.startswith("care_leavers_")
    older = leavers & indicator.str.extract(r"care_leavers_(\d+)")[0].astype(float).ge(22)
    characteristic = {"units": {"number": _COUNT, "percent": _PERCENT}, "group_column": "cla_group",
                      "breakdown_column": "characteristic"}
    routes = [
        (_File("cla_number_and_rate_per_10k_children", {"number": _COUNT, "rate_per_10000": "rate_per_10000",
                                                        "population": "population_estimate"},
               indicator_column="population_type"),
         group.eq(TOTAL) & indicator.isin(["cla_31_march", "cla_started", "cla_ceased"])),
        (_File("la_cla_on_31_march_by_characteristics", **characteristic),
         indicator.eq("cla_31_march") & ~group.isin([TOTAL, "Placement stability"])),
        (_File("la_cla_who_started_to_be_looked_after", **characteristic),
         indicator.eq("cla_started") & group.ne(TOTAL)),
        (_File("la_children_who_ceased_during_the_year", **characteristic),
         indicator.eq("cla_ceased") & group.ne(TOTAL)),
        (_File("la_cla_placement_stability", {"number": _COUNT, "percent": _PERCENT},
               indicator_column="cla_group", breakdown_column="placement_stability"),
         group.eq("Placement stability")),
        (_File("la_cla_during_year_new_placements", {"number": _COUNT, "percent": _PERCENT},
               group_column="characteristic", breakdown_column="breakdown"), indicator.eq("new_placements")),
    ]
    for theme, stem in (("Activity", "la_care_leavers_activity"),
                        ("Accommodation suitability", "la_care_leavers_accommodation_suitability"),
                        ("In touch", "la_care_leavers_in_touch")):
        file = _File(stem, _LEAVER_UNITS, indicator_column="care_leaver_age", breakdown_column="breakdown")
        routes.append((file, leavers & ~older & group.eq(theme)))
        routes.append((_File(f"{stem}_22to25", _LEAVER_UNITS, indicator_column="care_leaver_age",
                             breakdown_column="breakdown"), older & group.eq(theme)))
    return routes


def _cell_text(values: pd.Series, status: pd.Series) -> pd.Series:
    text = values.round(0).astype("Int64").astype("string")
    return text.where(values.notna(), status.astype(str).replace("", "x")).astype(object)


def _wording(file: _File, indicators: pd.Series) -> pd.Series:
    if file.indicator_column == "care_leaver_age":
        return indicators.map(labels.care_leaver_age_label)
    wording = _STABILITY_WORDING if file.indicator_column == "cla_group" else labels.INDICATOR_WORDING
    return indicators.map(wording)


def write_ees(figures: pd.DataFrame, out_dir: Path, file_suffix: str = "") -> list[Path]:
    """Write ``figures`` as the DfE files :func:`dfe.load` reads, in the 2025 release's
    wording; the paths written."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for file, route in _routes(figures):
        rows = figures.loc[route.to_numpy() & figures["unit"].astype(str).isin(list(file.units)).to_numpy()]
        if rows.empty:
            continue
        rows = rows.assign(cell=_cell_text(rows["value"], rows["status"]))
        index = ["time_period", *PLACE_COLUMNS, "indicator", "breakdown_group", "breakdown"]
        rows = rows.astype({column: str for column in index[1:]} | {"unit": str})
        wide = rows.pivot_table(index=index, columns="unit", values="cell", aggfunc="first").reset_index()
        out = pd.DataFrame({"time_period": wide["time_period"], "time_identifier": "Reporting year",
                            "geographic_level": wide["geographic_level"], "country_code": wide["country_code"],
                            "country_name": "England"})
        for column in ("region_code", "region_name", "old_la_code", "la_name", "new_la_code"):
            out[column] = wide[column]
        if file.indicator_column:
            out[file.indicator_column] = _wording(file, wide["indicator"])
        if file.group_column:
            out[file.group_column] = wide["breakdown_group"]
        if file.breakdown_column:
            out[file.breakdown_column] = wide["breakdown"]
        for unit, column in file.units.items():
            out[column] = wide[unit] if unit in wide else "x"
        path = out_dir / f"{file.stem}{file_suffix}.csv"
        out.to_csv(path, index=False)
        written.append(path)
    return written
