"""Tables 1 and 2 of a sufficiency statement: one published figure of the authority, the
mean of its statistical neighbours, its region and England side by side over six years,
with each area's percentage change on the year before and over five years.

Conventions, stated once:

- **Percentage change** of an area's figure from year ``a`` to year ``b``:
  ``(x_b - x_a) / x_a * 100``, missing where either figure is missing or ``x_a`` is 0.
  It is worked out from the figures as DfE publishes them: rates per 10,000 are whole
  numbers, and regional and national counts are rounded to the nearest 10, so a change is
  of those published figures (as the real statements' tables are).
- The **statistical neighbours' figure** of a year is the mean of the neighbours with a
  figure that year (:func:`~sufficiency_lib.analysis.benchmark.benchmark_table`), so its
  change compares two such means.
- :func:`~sufficiency_lib.analysis.benchmark.benchmark_table` also has ``change_1y`` and
  ``change_5y``: the authority's own change as a *difference* (its figure less the figure
  one and five years before). :func:`area_table` gives every area's change as a
  *percentage* of the earlier figure; for the authority the two agree
  (``change_1y / x_(b-1) * 100``).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

#: The benchmark table's column of each area, in the order the statement's tables show them.
AREAS = ("value", "sn_mean", "region", "england")
CHANGE_LAGS = {"change_1y": 1, "change_5y": 5}


def percent_change(now, before) -> float:
    """``now`` against ``before`` as a percentage of ``before`` (missing when either is
    missing or ``before`` is 0)."""
    if now is None or before is None or pd.isna(now) or pd.isna(before) or float(before) == 0:
        return np.nan
    return (float(now) - float(before)) / float(before) * 100


def area_table(table: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    """One row per area of a benchmark table (``names`` maps each of :data:`AREAS` to the
    row's label; areas not named are left out): ``area``, a column per year (the year as
    text) and ``change_1y`` / ``change_5y``, the percentage change of the table's last year
    on the year before and on five years before (missing where the table lacks those years).
    """
    years = [int(y) for y in table["time_period"]]
    last = max(years) if years else None
    by_year = table.set_index(table["time_period"].astype(int))
    rows = []
    for column in AREAS:
        if column not in names:
            continue
        values = pd.to_numeric(by_year[column]).astype("float64")
        row = {"area": names[column], **{str(y): values.get(y, np.nan) for y in years}}
        for change, lag in CHANGE_LAGS.items():
            row[change] = percent_change(values.get(last, np.nan), values.get(last - lag, np.nan)) \
                if last is not None else np.nan
        rows.append(row)
    return pd.DataFrame(rows, columns=["area", *[str(y) for y in years], *CHANGE_LAGS])


def latest_year_with(table: pd.DataFrame, column: str = "value") -> int | None:
    """The last year of a benchmark table with a figure in ``column`` (None when none has)."""
    known = table.loc[pd.to_numeric(table[column]).notna(), "time_period"]
    return int(known.max()) if len(known) else None
