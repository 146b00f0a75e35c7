"""DfE's children's services statistical neighbour models, read from DfE's own files.

DfE publishes each model as a spreadsheet of one row per authority (by old LA code) with
its ten nearest neighbours and how close each is. The April 2021 file has
``LA num, LA Name, ..., SN1, SNP, SN2, SNP, ...`` and, below a blank line, an "Old SNs:"
block for authorities since reorganised (Dorset, Poole and Bournemouth before 2019,
Northamptonshire before 2021); the May 2025 file has ``old_la_code, la_name, ...,
SN_1, SN_1P, ...``. Both are read by their columns; the model is the year in the name.
"""
from __future__ import annotations

import csv
import re
from pathlib import Path

import pandas as pd

COLUMNS = ["model", "old_la_code", "la_name", "neighbour_rank", "neighbour_old_la_code", "closeness"]
_NEIGHBOUR = re.compile(r"^sn_?(\d{1,2})$", re.IGNORECASE)
_CODE = re.compile(r"^(la_?num(ber)?|old_la_code|la code)$", re.IGNORECASE)
_NAME = re.compile(r"^la_?name$", re.IGNORECASE)


class NeighbourFileError(ValueError):
    """A file that is not one of DfE's statistical neighbour models."""


def _header(rows: list[list[str]]) -> int:
    for number, row in enumerate(rows[:10]):
        if any(_NEIGHBOUR.match(cell.strip().replace(" ", "_")) for cell in row):
            return number
    raise NeighbourFileError("no SN1 / SN_1 column in the first ten rows")


def model_year(path: Path) -> int:
    """The model a file holds: the year in its name (DfE's files say it nowhere else)."""
    found = re.findall(r"(20\d{2})", Path(path).stem)
    if not found:
        raise NeighbourFileError(f"{path}: no year in the file name; name it statistical_neighbours_YYYY.csv "
                                 "after the model's year.")
    return int(found[-1])


def closeness(text: str) -> str:
    """DfE's closeness band in one spelling: "Very Close" and "Close " become "Very close", "Close"."""
    text = " ".join(str(text).split())
    return text[:1].upper() + text[1:].lower()


def read(path: Path) -> pd.DataFrame:
    """One model as rows of (model, old_la_code, la_name, neighbour_rank,
    neighbour_old_la_code, closeness), ten per authority, in DfE's order."""
    path = Path(path)
    with open(path, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    start = _header(rows)
    header = [cell.strip().replace(" ", "_") for cell in rows[start]]
    code = next((i for i, cell in enumerate(header) if _CODE.match(cell)), None)
    name = next((i for i, cell in enumerate(header) if _NAME.match(cell)), None)
    ranks = {i: int(m.group(1)) for i, cell in enumerate(header) if (m := _NEIGHBOUR.match(cell))}
    if code is None or name is None or sorted(ranks.values()) != list(range(1, 11)):
        raise NeighbourFileError(f"{path}: expected an LA code and name column and SN1..SN10; found {header}")
    model, out = model_year(path), []
    for row in rows[start + 1:]:
        if len(row) <= max(ranks) or not re.fullmatch(r"\d{3}", row[code].strip()):
            continue     # blank lines and the "Old SNs:" title
        for column, rank in sorted(ranks.items(), key=lambda item: item[1]):
            out.append((model, row[code].strip(), row[name].strip(), rank, row[column].strip(),
                        closeness(row[column + 1]) if column + 1 < len(row) else ""))
    frame = pd.DataFrame(out, columns=COLUMNS)
    if frame.duplicated(["old_la_code", "neighbour_rank"]).any():
        raise NeighbourFileError(f"{path}: an authority is listed twice")
    return frame


def read_models(paths) -> pd.DataFrame:
    """Several models stacked, oldest first."""
    frames = sorted((read(path) for path in paths), key=lambda f: int(f["model"].iloc[0]))
    return pd.concat(frames, ignore_index=True)
