"""Fast row keys: a table's key columns as one integer per row.

Grouping on one int64 column is several times quicker than grouping on text columns,
and the keys of a large return are grouped, sorted and matched many times.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc


_DAY_ZERO = 719_162      # days from 0001-01-01 to 1970-01-01
_DAYS = 3_652_100        # days from 0001-01-01 to 9999-12-31, and one for NaT
_COMPRESS_ABOVE = 1 << 40


def _small_codes(series: pd.Series) -> tuple[np.ndarray, int]:
    """(a code 0..bound-1 per row, bound): equal codes exactly for equal values, missing ones alike."""
    if series.dtype.kind == "M":
        values = series.to_numpy()
        days = values.astype("datetime64[D]").view(np.int64)
        days += _DAY_ZERO + 1
        days[np.isnat(values)] = 0
        return days, _DAYS + 1
    if series.dtype.kind in "iu":
        values = series.to_numpy().astype(np.int64)
        low = values.min() if len(values) else 0
        return values - low, int(values.max() - low + 1) if len(values) else 1
    if isinstance(series.dtype, pd.CategoricalDtype):
        codes = series.cat.codes.to_numpy().astype(np.int64)
        codes += 1
        return codes, len(series.cat.categories) + 1
    array = pa.array(series, from_pandas=True)
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    encoded = pc.dictionary_encode(array)
    indices = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
    return indices + 1, len(encoded.dictionary) + 1


def codes(frame: pd.DataFrame, columns: list[str]) -> np.ndarray:
    """One int64 per row, equal exactly when the rows agree on every column of ``columns``.

    Missing values are equal to each other (as in ``DataFrame.duplicated``). Text goes
    through pyarrow's dictionary encoding, dates become day numbers: no hashing of
    Python objects.
    """
    combined, bound = np.zeros(len(frame), dtype=np.int64), 1
    for column in columns:
        part, size = _small_codes(frame[column])
        if bound * size > _COMPRESS_ABOVE:
            _, combined = np.unique(combined, return_inverse=True)
            combined, bound = combined.astype(np.int64), int(combined.max()) + 1 if len(combined) else 1
        combined *= size
        combined += part
        bound *= size
    return combined


def duplicated(key: np.ndarray, keep: str = "first") -> np.ndarray:
    """Like ``Series.duplicated`` on ``key``: True for every repeat but the first (or last)."""
    return pd.Series(key).duplicated(keep=keep).to_numpy()


def older_copies(key: np.ndarray, year: np.ndarray, alive: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows (among ``alive``) whose key is in a row of a later ``year``, and for those, where the
    newest such row is (-1 elsewhere). Keys must not repeat within a year among live rows."""
    # Rows of the newest year first (a counting sort: there are few years).
    order = np.concatenate([np.flatnonzero(alive & (year == y)) for y in np.unique(year[alive])[::-1]]
                           or [np.zeros(0, dtype=np.int64)])
    ordered_keys = key[order]
    seen = pd.Series(ordered_keys).duplicated(keep="first").to_numpy()
    older = np.zeros(len(key), dtype=bool)
    older[order[seen]] = True
    newest = np.full(len(key), -1, dtype=np.int64)
    if seen.any():
        first = order[~seen]
        where = pd.Index(ordered_keys[~seen]).get_indexer(ordered_keys[seen])
        newest[order[seen]] = first[where]
    return older, newest


def next_in_group(group: np.ndarray, values: np.ndarray, fill) -> np.ndarray:
    """For rows sorted by ``group``: the next row's value within the same group, else ``fill``."""
    out = np.empty_like(values)
    if len(values) == 0:
        return out
    out[:-1] = values[1:]
    out[-1] = fill
    last = np.ones(len(group), dtype=bool)
    last[:-1] = group[1:] != group[:-1]
    out[last] = fill
    return out


def isin(values: pd.Series, pool: pd.Series) -> np.ndarray:
    """``values.isin(pool)`` as a boolean array, quick for text (pandas' own goes through Python objects)."""
    if len(values) == 0:
        return np.zeros(0, dtype=bool)
    if isinstance(values.dtype, pd.CategoricalDtype):
        hit = isin(pd.Series(values.cat.categories), pool)
        return np.append(hit, False)[values.cat.codes.to_numpy()]
    if isinstance(pool.dtype, pd.CategoricalDtype):  # only the categories in use
        used = np.unique(pool.cat.codes.to_numpy())
        pool = pd.Series(pool.cat.categories[used[used >= 0]])
    pool = pa.array(pd.unique(pool), from_pandas=True)
    if isinstance(pool, pa.ChunkedArray):
        pool = pool.combine_chunks()
    found = pc.is_in(pa.array(values, from_pandas=True), value_set=pool)
    return found.fill_null(False).to_numpy(zero_copy_only=False)


def lookup(values: pd.Series, index: pd.Series, targets: np.ndarray) -> np.ndarray:
    """For each of ``values``: the ``targets`` entry of its (last) match in ``index``, else NaN (NaT)."""
    codes, uniques = pd.factorize(pd.concat([index, values], ignore_index=True), use_na_sentinel=False)
    position = np.full(len(uniques), -1, dtype=np.int64)
    position[codes[: len(index)]] = np.arange(len(index))
    where = position[codes[len(index):]]
    missing = np.datetime64("NaT") if targets.dtype.kind == "M" else np.nan
    padded = np.concatenate([targets, np.array([missing], dtype=targets.dtype)])
    return padded[np.where(where < 0, len(targets), where)]
