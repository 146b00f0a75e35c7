"""Text columns held as categories while a return is cleaned, and turned back into text.

A 903 column repeats a few values many times (codes, dates, a child's id on each of its
rows), so each raw text column is held as a pandas ``Categorical``: one small integer per
row and each distinct text once. Every check then works on the distinct values and
spreads the answer by the codes, and a large return takes a fraction of the memory. Clean
tables are given back as ordinary text columns (:func:`as_text`).
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

TEXT = pd.StringDtype("pyarrow", na_value=np.nan)
_KEEP = ("source_row", "_shape")


def is_text(series: pd.Series) -> bool:
    """Text held as text (not yet as a dictionary or categories)."""
    return series.dtype == object or isinstance(series.dtype, pd.StringDtype)


def to_category(series: pd.Series) -> pd.Series:
    """A text column as a Categorical of text categories (missing values stay missing)."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        return series
    return pd.Series(union([series]), index=series.index, name=series.name)


def _dictionary(series: pd.Series) -> pa.DictionaryArray:
    """A column as an Arrow dictionary array (indices and distinct values), however it is held."""
    if isinstance(series.dtype, pd.ArrowDtype) and pa.types.is_dictionary(series.dtype.pyarrow_dtype):
        array = pa.array(series.array)
        return array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array
    if isinstance(series.dtype, pd.CategoricalDtype):
        codes = series.cat.codes.to_numpy().astype(np.int32)
        values = pa.array(series.cat.categories.astype(TEXT), type=pa.large_string())
        return pa.DictionaryArray.from_arrays(pa.array(codes, mask=codes < 0), values)
    array = pa.array(series, from_pandas=True)
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    if not pa.types.is_large_string(array.type):
        array = array.cast(pa.large_string())
    return pc.dictionary_encode(array)


def encode(series: pd.Series) -> pd.Series:
    """A text column held as an Arrow dictionary (cheap to make; stacked by :func:`union`)."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        return series
    return pd.Series(pd.arrays.ArrowExtensionArray(_dictionary(series)), index=series.index, name=series.name)


def categorize(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with every text column (not the provenance ones) as an Arrow dictionary."""
    changed = {c: encode(frame[c]) for c in frame.columns if c not in _KEEP and is_text(frame[c])}
    return frame.assign(**changed) if changed else frame


def as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with every categorical column but ``source_file`` as ordinary text."""
    changed = {}
    for column in frame.columns:
        series = frame[column]
        if isinstance(series.dtype, pd.CategoricalDtype) and column != "source_file":
            categories = pa.array(series.cat.categories.astype(TEXT), type=pa.large_string())
            codes = series.cat.codes.to_numpy()
            taken = categories.take(pa.array(codes, mask=codes < 0))
            changed[column] = pd.Series(pd.array(taken, dtype=TEXT), index=series.index)
    return frame.assign(**changed) if changed else frame


def per_value(series: pd.Series, answer: Callable[[pd.Index], np.ndarray], missing=False) -> np.ndarray:
    """``answer`` (one value per distinct text) spread over the rows; ``missing`` for missing rows."""
    categorical = to_category(series)
    values = np.asarray(answer(categorical.cat.categories))
    codes = categorical.cat.codes.to_numpy()
    return np.append(values, np.asarray([missing], dtype=values.dtype if values.size else None))[codes]


def matches(series: pd.Series, pattern: str) -> np.ndarray:
    """Rows whose text matches the regular expression ``pattern``."""
    def answer(categories):
        array = pa.array(categories.astype(TEXT), type=pa.large_string())
        return pc.match_substring_regex(array, pattern).fill_null(False).to_numpy(zero_copy_only=False)
    return per_value(series, answer).astype(bool)


def recode(series: pd.Series, change: Callable[[pd.Index], pd.Index]) -> pd.Series:
    """The column with ``change`` applied to each distinct text (values that become equal merge)."""
    categorical = to_category(series)
    new_codes, uniques = pd.factorize(change(categorical.cat.categories))
    codes = categorical.cat.codes.to_numpy()
    mapped = np.append(new_codes, -1)[codes]
    return pd.Series(pd.Categorical.from_codes(mapped, categories=pd.Index(uniques).astype(TEXT), validate=False),
                     index=series.index, name=series.name)


def union(pieces: list[pd.Series]) -> pd.Categorical:
    """Pieces of one column (dictionaries, categories or text), stacked as one Categorical.

    The distinct values of all pieces are merged by Arrow's hashing, each piece's codes
    mapped onto them: one pass, whatever the number of files.
    """
    arrays = [_dictionary(piece) for piece in pieces]
    merged = pc.dictionary_encode(pa.concat_arrays([a.dictionary for a in arrays]))
    mapping = merged.indices.to_numpy(zero_copy_only=False).astype(np.int32)
    codes, start = [], 0
    for array in arrays:
        indices = array.indices.fill_null(-1).to_numpy(zero_copy_only=False)
        local = np.append(mapping[start:start + len(array.dictionary)], np.int32(-1))
        codes.append(local[indices])
        start += len(array.dictionary)
    categories = pd.Index(pd.array(merged.dictionary, dtype=TEXT))
    stacked = np.concatenate(codes) if codes else np.zeros(0, dtype=np.int32)
    return pd.Categorical.from_codes(stacked, categories=categories, validate=False)
