"""CSV files safe to open in a spreadsheet (OWASP "CSV injection").

A spreadsheet treats a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula, and
a leading tab or carriage return can hide one; a value such as ``=HYPERLINK(...)`` copied
from a source file would run when an analyst opens the CSV. :func:`neutralise` puts a single
quote in front of every such text cell, as OWASP advises, so the spreadsheet shows it as
text. Real numbers are left as they are: numeric columns, and text cells that are a plain
number (``-12``, ``+3.5``, ``-1e5``), which a spreadsheet reads as that number and nothing
more. Use :func:`write_csv` for every CSV a person may open.

This module imports nothing of the project, so any layer may use it.
"""
from __future__ import annotations

import csv
import re
from pathlib import Path

import numpy as np
import pandas as pd

#: Characters that make a spreadsheet read a cell as a formula (or hide one).
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
PREFIX = "'"
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def needs_quote(value: object) -> bool:
    """Whether ``value`` is text a spreadsheet could take for a formula."""
    return (isinstance(value, str) and value.startswith(TRIGGERS)
            and _PLAIN_NUMBER.fullmatch(value) is None)


def neutralise_text(value: object) -> object:
    """``value`` with a leading quote when it could be taken for a formula; else unchanged."""
    return PREFIX + value if needs_quote(value) else value


def _neutralise_series(series: pd.Series) -> pd.Series:
    if isinstance(series.dtype, pd.CategoricalDtype):
        categories = series.cat.categories
        if categories.dtype.kind in "biufcmM":
            return series
        return series.cat.rename_categories([neutralise_text(c) for c in categories])
    if series.dtype.kind in "biufcmM":  # numbers, booleans and dates are never formulas
        return series
    # Work on the distinct values only: columns repeat the same few values many times.
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    flagged = [needs_quote(value) for value in uniques]
    if not any(flagged):
        return series
    hit = pd.Series(flagged, dtype=bool).to_numpy()
    rows = (codes >= 0) & hit[codes.clip(min=0)]
    out = series.astype(object)
    out[rows] = [PREFIX + value for value in out[rows]]
    return out


def neutralise(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells (and column names) cannot run as spreadsheet formulas."""
    out = frame.copy()
    for position in range(out.shape[1]):
        column = out.iloc[:, position]
        safe = _neutralise_series(column)
        if safe is not column:
            out.isetitem(position, safe)
    out.columns = [neutralise_text(name) for name in out.columns]
    if out.index.dtype == object or isinstance(out.index.dtype, pd.StringDtype):
        out.index = out.index.map(neutralise_text)
    return out


def write_csv(frame: pd.DataFrame, path, **to_csv_options) -> Path:
    """Write ``frame`` to ``path`` (no index unless asked) with every cell made safe; return the path.

    Lines end in CRLF (RFC 4180), which also makes pandas quote a value holding a carriage
    return rather than let it split the row. A frame of plain columns (numbers, whole numbers
    with gaps, text) is written cell by cell, as pandas would write it, byte for byte: a
    statement writes hundreds of small tables, and pandas' writer costs more than the rows.
    """
    to_csv_options.setdefault("index", False)
    to_csv_options.setdefault("lineterminator", "\r\n")
    path = Path(path)
    if to_csv_options == {"index": False, "lineterminator": "\r\n"} and _plain(frame):
        _write_plain(frame, path)
    else:
        neutralise(frame).to_csv(path, **to_csv_options)
    return path


def _plain(frame: pd.DataFrame) -> bool:
    """Whether every column is one :func:`_cells` writes as pandas does."""
    if isinstance(frame.columns, pd.MultiIndex):
        return False
    for dtype in frame.dtypes:
        numpy_kind = dtype.kind if isinstance(dtype, np.dtype) else None
        if numpy_kind is not None and numpy_kind not in "fiubO":
            return False
        if numpy_kind is None and not (isinstance(dtype, pd.StringDtype)
                                       or (isinstance(dtype, pd.api.extensions.ExtensionDtype)
                                           and dtype.kind in "iu")):      # Int64 and the like
            return False
    return True


def _cells(series: pd.Series) -> list[str]:
    """A column's cells as pandas' CSV writer gives them: missing as empty, floats as their
    shortest repr, text made safe (:func:`neutralise_text`)."""
    if isinstance(series.dtype, np.dtype) and series.dtype.kind == "f":
        values = series.to_numpy()
        cells = values.astype(str).astype(object)
        cells[np.isnan(values)] = ""
        return cells.tolist()
    text = isinstance(series.dtype, pd.StringDtype) or series.dtype == object
    return ["" if _missing(value) else neutralise_text(value) if text and isinstance(value, str) else str(value)
            for value in series.to_numpy(dtype=object)]


def _missing(value) -> bool:
    return (value is None or value is pd.NA or value is pd.NaT
            or (isinstance(value, (float, np.floating)) and value != value))


def _write_plain(frame: pd.DataFrame, path: Path) -> None:
    columns = [_cells(frame.iloc[:, position]) for position in range(frame.shape[1])]
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow([neutralise_text(str(name)) for name in frame.columns])
        writer.writerows(zip(*columns))
