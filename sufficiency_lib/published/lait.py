"""DfE's Local Authority Interactive Tool (LAIT) long data, read into figures.

LAIT's long download has a row per measure, year and area: ``Short Desc, Data item, Years,
LA and Regions, Values, LA Number, Region``. This reads, for every authority, region and
England, the measures of :data:`MEASURES`: S251 outturn weekly unit costs (fostering,
residential care, all children looked after; rounded by DfE to the nearest £5), gross
spending on children looked after and on leaving care support (£, cash), and Ofsted's
approved places with the authority's own foster carers (excluding family and friends)
and the places filled (both rounded to 5 by Ofsted), with the occupancy they imply.

Years: a financial year ``2023-24`` (``(OT)`` outturn) is ``time_period`` 2024, as EES
writes ``202324`` for it; a single year (``2024``, Ofsted's year to 31 March) stays as it
is. Budget rows (``(B)``) are not outturn and are skipped. Places: ``LA Number`` is the
old three-digit code, mapped to new codes by :mod:`reference`, predecessors included
("Dorset (Pre LG)" is 835, E10000009; "Northamptonshire" 928 still carries the
Northamptonshire Children's Trust's combined foster places after 2021). LAIT's symbols
``-`` (no data) and ``..`` (not available) become a missing value with status ``x``.
Anything not placed (a file, column, measure, year, area or value) is listed in ``skipped``.
"""
from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pandas as pd

from sufficiency_lib.published import reference
from sufficiency_lib.published.figures import FIGURE_COLUMNS, GSS_SYMBOLS, KEY_COLUMNS, TOTAL, figures_frame
from sufficiency_lib.published.ofsted_files import name_key

#: Units these figures need beyond figures.UNITS (to be added there by its owner).
#: LAIT short description -> (indicator, unit).
MEASURES = {
    "FosteringFinance": ("unit_cost_fostering", "gbp_per_week"),
    "RescareFinance": ("unit_cost_residential", "gbp_per_week"),
    "LACFinance": ("unit_cost_cla", "gbp_per_week"),
    "TotalLACFinance": ("spend_cla", "gbp"),
    "LeaveCareSupServTotExp": ("spend_leaving_care", "gbp"),
    "Number_Foster_Places(New)": ("inhouse_foster_places", "places"),
    "Number_Foster_Places_Filled(New)": ("inhouse_foster_places_filled", "places"),
}
SOURCE = "DfE, Local Authority Interactive Tool (S251 outturn; Ofsted fostering data)"
COLUMNS = {
    "measure": r"short ?desc(ription)?|measure ?short",
    "years": r"years?|time ?period",
    "area": r"la and regions?|area|area name|la name",
    "value": r"values?",
    "la_number": r"la ?(number|code)|old ?la ?code",
}
SYMBOLS = {"-": "x", "..": "x", **{symbol: symbol for symbol in GSS_SYMBOLS}}
#: LAIT's codes for England and regions (its London is split into inner and outer too).
AREAS = {
    "970": ("National", "", ""), "980": ("Regional", "E12000001", "North East"),
    "981": ("Regional", "E12000002", "North West"), "982": ("Regional", "E12000003", "Yorkshire and The Humber"),
    "983": ("Regional", "E12000004", "East Midlands"), "984": ("Regional", "E12000005", "West Midlands"),
    "985": ("Regional", "E12000006", "East of England"), "986": ("Regional", "E12000007", "London"),
    "987": ("Regional", "E13000001", "Inner London"), "988": ("Regional", "E13000002", "Outer London"),
    "989": ("Regional", "E12000008", "South East"), "990": ("Regional", "E12000009", "South West"),
}
AREA_NAMES = {**{name_key(name): code for code, (_, _, name) in AREAS.items()},
              "england": "970", "london inner": "987", "london outer": "988"}
SKIPPED_COLUMNS = ["file", "row", "column", "value", "reason"]


def _skip(file, reason, row="", column="", value="") -> dict:
    return {"file": str(file), "row": row, "column": column, "value": value, "reason": reason}


def _key(text: str) -> str:
    return re.sub(r"[^a-z0-9()]+", "", str(text).lower())


MEASURE_KEYS = {_key(short): short for short in MEASURES}


def time_period(years: str) -> int | None:
    """LAIT's year label as the year it ends: '2023-24 (OT)' -> 2024, '2024' -> 2024; budgets -> None."""
    text = str(years).strip()
    if re.search(r"\((b|budget)\)", text, re.IGNORECASE):
        return None
    match = re.fullmatch(r"(\d{4})\s*[-/]?\s*(\d{2}|\d{4})?(\s*\((ot|outturn)\))?", text, re.IGNORECASE)
    if not match:
        return None
    return int(match.group(1)) + (1 if match.group(2) else 0)


def _table(path: Path) -> tuple[pd.DataFrame | None, dict | None]:
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        return None, _skip(path, "neither UTF-8 nor Windows-1252 text: save it as CSV (UTF-8)")
    try:
        raw = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, csv.Error) as err:
        return None, _skip(path, f"not a readable CSV ({err}): download it again from LAIT")
    if {"measureshort", "measurecode"} <= {re.sub(r"[^a-z]", "", c.lower()) for c in raw.columns}:
        return None, _skip(path, "LAIT data dictionary: definitions, no figures (read by people, not the suite)")
    mapping = {}
    for column in raw.columns:
        name = re.sub(r"[_\s]+", " ", column.strip().lower())
        for canonical, pattern in COLUMNS.items():
            if canonical not in mapping.values() and re.fullmatch(pattern, name):
                mapping[column] = canonical
                break
    found = set(mapping.values())
    if not {"measure", "years", "value"} <= found or not found & {"la_number", "area"}:
        return None, _skip(path, "not LAIT long data (needs Short Desc, Years, Values and LA Number or LA and "
                                 "Regions columns): download LAIT's long format")
    out = raw.rename(columns=mapping)[list(mapping.values())].apply(lambda c: c.str.strip())
    return out.assign(row=range(2, len(out) + 2)), None


def _authorities() -> tuple[dict, dict]:
    rows = [row for _, row in reference.local_authorities().drop_duplicates("old_la_code").iterrows()]
    by_code = {row[column]: row for row in rows for column in ("old_la_code", "new_la_code")}
    # a name shared by a predecessor and its successor (Dorset) means the current authority
    return by_code, {name_key(row["la_name"]): row for row in reversed(rows)}


def _place(number: str, area: str, lookup) -> dict | None:
    """Place columns of a LAIT area: by LA Number (old code, region code), else by name."""
    by_code, by_name = lookup
    number = re.sub(r"\.0+$", "", number or "")
    number = number if number in AREAS else AREA_NAMES.get(name_key(area), number)
    if number in AREAS:
        level, code, name = AREAS[number]
        return {"geographic_level": level, "region_code": code, "region_name": name,
                "old_la_code": "", "new_la_code": "", "la_name": ""}
    row = by_code.get(number)
    row = by_name.get(name_key(area)) if row is None else row
    if row is None:
        return None
    return {"geographic_level": "Local authority", "region_code": row["region_code"],
            "region_name": row["region_name"], "old_la_code": row["old_la_code"],
            "new_la_code": row["new_la_code"], "la_name": row["la_name"], "_first": int(row["first_year"]),
            "_last": int(row["last_year"])}


def read_file(path) -> tuple[pd.DataFrame, dict | None, list[dict]]:
    """One LAIT long file as figures, with its file record (None if not read) and what was skipped."""
    path = Path(path)
    raw, problem = _table(path)
    if raw is None:
        return _empty(), None, [problem]
    skipped = []
    measure = raw["measure"].map(lambda m: MEASURE_KEYS.get(_key(m)))
    for name, count in raw.loc[measure.isna(), "measure"].value_counts().items():
        skipped.append(_skip(path, f"LAIT measure not read by this suite ({count} rows)", column="Short Desc",
                             value=name))
    raw = raw.loc[measure.notna()].assign(measure=measure[measure.notna()])
    raw = raw.assign(time_period=raw["years"].map(time_period))
    for years, count in raw.loc[raw["time_period"].isna(), "years"].value_counts().items():
        skipped.append(_skip(path, f"year not an outturn or collection year ({count} rows): skipped",
                             column="Years", value=years))
    raw = raw.loc[raw["time_period"].notna()]
    raw = raw.assign(**{column: "" for column in ("area", "la_number") if column not in raw})
    rows, lookup = [], _authorities()
    places = {tuple(key): _place(key[0], key[1], lookup)
              for key in raw[["la_number", "area"]].drop_duplicates().itertuples(index=False)}
    unknown = sorted({area or number for (number, area), place in places.items() if place is None})
    skipped += [_skip(path, "area not an English authority, region or England: skipped", column="LA and Regions",
                      value=name) for name in unknown]
    for record in raw.itertuples(index=False):
        place = places.get((record.la_number, record.area))
        if place is None:
            continue
        rows.append({**place, "time_period": int(record.time_period), "cell": record.value, "row": record.row,
                     "indicator": MEASURES[record.measure][0], "unit": MEASURES[record.measure][1]})
    frame = pd.DataFrame(rows)
    figures, notes = _values(frame, path)
    return figures, {"file": str(path), "kind": "lait_long", "rows": len(figures),
                     "years": f"{figures['time_period'].min()}-{figures['time_period'].max()}" if len(figures) else ""}, \
        skipped + notes


def _empty() -> pd.DataFrame:
    return figures_frame(pd.DataFrame(columns=FIGURE_COLUMNS).assign(time_period=pd.Series(dtype="int64"),
                                                                     unit=pd.Series(dtype=str)))


def _values(frame: pd.DataFrame, path: Path) -> tuple[pd.DataFrame, list[dict]]:
    """Cells to numbers and status; drop empty cells of authorities in years they did not exist."""
    if frame.empty:
        return _empty(), []
    text = frame["cell"].str.replace(r"[£,\s]", "", regex=True)
    status = text.str.lower().map(SYMBOLS).fillna("")
    value = pd.to_numeric(text.where(status.eq("") & text.ne("")), errors="coerce")
    bad = status.eq("") & text.ne("") & value.isna()
    notes = [_skip(path, "value neither a number nor a symbol (-, .., c, x, z): left missing with status x",
                   row=int(frame.at[i, "row"]), column="Values", value=frame.at[i, "cell"]) for i in frame.index[bad]]
    status = status.where(~(bad | text.eq("")), "x")
    frame = frame.assign(value=value, status=status)
    outside = (frame["geographic_level"].eq("Local authority") & frame["value"].isna()
               & ~frame["time_period"].between(frame["_first"].fillna(0), frame["_last"].fillna(9999)))
    if outside.any():
        notes.append(_skip(path, f"{int(outside.sum())} empty cells of authorities in years they did not exist "
                                 "(e.g. Dorset (Pre LG) after 2019): dropped"))
    frame = frame.loc[~outside]
    duplicated = frame.duplicated(["time_period", "geographic_level", "region_code", "new_la_code", "indicator"])
    notes += [_skip(path, "a second value for the same area, year and measure: the first is kept",
                    row=int(r), column="Values") for r in frame.loc[duplicated, "row"]]
    frame = frame.loc[~duplicated].assign(country_code="E92000001", breakdown_group=TOTAL, breakdown=TOTAL,
                                          source=f"{SOURCE}, {path.name}")
    return figures_frame(pd.concat([frame, _occupancy(frame)], ignore_index=True)[FIGURE_COLUMNS]), notes


def _occupancy(frame: pd.DataFrame) -> pd.DataFrame:
    """Places filled as a percentage of approved places (both as LAIT gives them, rounded to 5)."""
    keys = ["time_period", "geographic_level", "region_code", "new_la_code"]
    approved = frame.loc[frame["indicator"].eq("inhouse_foster_places")].set_index(keys)
    filled = frame.loc[frame["indicator"].eq("inhouse_foster_places_filled")].set_index(keys)
    both = filled.join(approved[["value", "status"]].add_suffix("_approved"), how="inner")
    share = 100 * both["value"] / both["value_approved"].where(both["value_approved"].gt(0))   # rounded when shown
    status = both["status"].where(both["status"].ne(""), both["status_approved"])   # a missing input's symbol
    status = status.where(status.ne(""), "z").where(share.isna(), "")              # else no places: z
    return both.assign(value=share, status=status, unit="percent").reset_index()


def read(path) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """LAIT long files (a file or a folder of them): (figures, files_read, skipped).

    Where several files hold the same figure, the file reaching the latest year wins (a newer
    download revises older years), and the replaced figures are counted in ``skipped``.
    """
    path = Path(path)
    if path.is_dir():
        paths = sorted(path.rglob("*.csv"))
    elif path.is_file():
        paths = [path]
    else:
        return _empty(), pd.DataFrame(columns=["file", "kind", "rows", "years"]), pd.DataFrame(
            [_skip(path, "no such file or folder: name the LAIT download")], columns=SKIPPED_COLUMNS)
    frames, files, skipped = [], [], []
    for item in paths:
        figures, record, notes = read_file(item)
        skipped += notes
        if record is not None:
            frames.append(figures)
            files.append(record)
    if not frames:
        skipped = skipped or [_skip(path, "no LAIT CSV files found here")]
        return _empty(), pd.DataFrame(files, columns=["file", "kind", "rows", "years"]), pd.DataFrame(
            skipped, columns=SKIPPED_COLUMNS)
    frames.sort(key=lambda f: int(f["time_period"].max()) if len(f) else 0)
    combined = pd.concat(frames, ignore_index=True)
    replaced = combined.duplicated(KEY_COLUMNS, keep="last")
    if replaced.any():
        skipped.append(_skip(path, f"{int(replaced.sum())} figures also in a newer LAIT file: the newer value is kept"))
    return (combined.loc[~replaced].reset_index(drop=True), pd.DataFrame(files, columns=["file", "kind", "rows", "years"]),
            pd.DataFrame(skipped, columns=SKIPPED_COLUMNS))
