"""Reading 903 dates: dd/mm/YYYY as DfE specifies, and the other ways files write them.

Every value is classified, so the cleaner can say what it did with it:

- ``STANDARD`` dd/mm/YYYY (or d/m/YYYY);
- ``ISO`` YYYY-mm-dd, as Excel exports a date cell (read unambiguously);
- ``MONTH_FIRST`` mm/dd/YYYY, only in a file shown to write dates month first: some value
  has a number above 12 in second place and none has one in first place;
- ``SHORT_YEAR`` dd/mm/yy: the century is the one that does not put the date in a future
  year;
- ``BAD``: anything else, or a date that does not exist (31/02/2020);
- ``BLANK``.

Values repeat (a few thousand dates cover a whole return), so each distinct text is read
once and the result spread to the rows: this is what makes large returns quick.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

BLANK, STANDARD, ISO, MONTH_FIRST, SHORT_YEAR, BAD = range(6)
_SLASHED = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[ T]00:00(?::00(?:\.0+)?)?)?")
_SHORT = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{2})")
NAT = np.datetime64("NaT", "s")


def _date(year: int, month: int, day: int):
    try:
        return np.datetime64(dt.date(year, month, day), "s")
    except ValueError:
        return None


def _century(two_digits: int, this_year: int) -> int:
    year = 2000 + two_digits
    return year if year <= this_year else year - 100


@dataclass
class Distinct:
    """Each distinct text of a column, read both ways, with what kind of date it is.

    Per-value arrays have one entry more than there are values, at the end, for a missing
    value: ``codes`` of -1 pick it, so rows index them directly.
    """

    codes: np.ndarray        # row -> distinct value (-1: missing), int32
    day_first: np.ndarray    # datetime64[s] per distinct value (NaT when not a date that way)
    month_first: np.ndarray
    kind: np.ndarray         # per distinct value, as read day first
    kind_month_first: np.ndarray
    says_day_first: np.ndarray    # first number above 12: cannot be month first
    says_month_first: np.ndarray  # second number above 12: cannot be day first


def _encode(text: pd.Series) -> tuple[np.ndarray, list]:
    """(int32 code per row, -1 for missing; the distinct values), via pyarrow for text."""
    if isinstance(text.dtype, pd.CategoricalDtype):
        return text.cat.codes.to_numpy().astype(np.int32), list(text.cat.categories)
    array = pa.array(text.array) if isinstance(text.dtype, pd.ArrowDtype) else pa.array(text, from_pandas=True)
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    if pa.types.is_dictionary(array.type):
        return (array.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int32),
                array.dictionary.to_pylist())
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    if not pa.types.is_string(array.type) and not pa.types.is_large_string(array.type):
        codes, uniques = pd.factorize(text, use_na_sentinel=True)
        return codes.astype(np.int32), [str(u) for u in uniques]
    encoded = pc.dictionary_encode(array)
    codes = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int32, copy=False)
    return codes, encoded.dictionary.to_pylist()


def distinct(text: pd.Series, today: dt.date | None = None) -> Distinct:
    """Read each distinct value of ``text`` (stripped) once, every way it may be meant."""
    this_year = (today or dt.date.today()).year
    codes, uniques = _encode(text)
    n = len(uniques) + 1  # the last entry stands for a missing value
    day_first, month_first = np.full(n, NAT), np.full(n, NAT)
    kind, kind_mf = np.full(n, BAD, np.int8), np.full(n, BAD, np.int8)
    kind[-1] = kind_mf[-1] = BLANK
    says_df, says_mf = np.zeros(n, bool), np.zeros(n, bool)
    for i, value in enumerate(uniques):
        value = value.strip() if isinstance(value, str) else ""
        if not value:
            kind[i] = kind_mf[i] = BLANK
            continue
        if match := _SLASHED.fullmatch(value):
            first, second, year = (int(g) for g in match.groups())
            says_df[i], says_mf[i] = first > 12 >= second, second > 12 >= first
            if (when := _date(year, second, first)) is not None:
                day_first[i], kind[i] = when, STANDARD
            if (when := _date(year, first, second)) is not None:
                month_first[i], kind_mf[i] = when, MONTH_FIRST
        elif match := _ISO.fullmatch(value):
            when = _date(*(int(g) for g in match.groups()))
            if when is not None:
                day_first[i] = month_first[i] = when
                kind[i] = kind_mf[i] = ISO
        elif match := _SHORT.fullmatch(value):
            first, second, short = (int(g) for g in match.groups())
            says_df[i], says_mf[i] = first > 12 >= second, second > 12 >= first
            if (when := _date(_century(short, this_year), second, first)) is not None:
                day_first[i], kind[i] = when, SHORT_YEAR
            if (when := _date(_century(short, this_year), first, second)) is not None:
                month_first[i], kind_mf[i] = when, SHORT_YEAR
    return Distinct(codes, day_first, month_first, kind, kind_mf, says_df, says_mf)


def file_evidence(columns: list[Distinct], file_codes: np.ndarray, n_files: int) -> tuple[np.ndarray, np.ndarray]:
    """Per file: (has a value only day-first can be, has a value only month-first can be)."""
    day, month = np.zeros(n_files, bool), np.zeros(n_files, bool)
    for column in columns:
        if column.says_day_first.any():
            day[np.unique(file_codes[column.says_day_first[column.codes]])] = True
        if column.says_month_first.any():
            month[np.unique(file_codes[column.says_month_first[column.codes]])] = True
    return day, month


def read(column: Distinct, month_first_rows: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(datetime64[s] per row, kind per row), month first where ``month_first_rows`` says so.

    The arrays returned are new: callers may change them in place.
    """
    values, kinds = column.day_first[column.codes], column.kind[column.codes]
    if month_first_rows is not None and month_first_rows.any():
        values[month_first_rows] = column.month_first[column.codes[month_first_rows]]
        kinds[month_first_rows] = column.kind_month_first[column.codes[month_first_rows]]
    return values, kinds


def quick(text: pd.Series) -> np.ndarray:
    """datetime64[s] per row read day first (ISO too); NaT for anything else. For estimates only."""
    values, _ = read(distinct(text))
    return values


def year_end_of(values: np.ndarray) -> np.ndarray:
    """The collection year (ending 31 March) each date falls in; -1 for NaT."""
    stamps = pd.DatetimeIndex(values)
    years = np.asarray(stamps.year, dtype=np.float64) + (np.asarray(stamps.month) >= 4)
    return np.where(np.isnan(years), -1, years).astype(np.int64)
