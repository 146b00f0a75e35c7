"""Disclosure control for anything that reaches a rendered page.

DfE suppresses local-authority counts that could identify a child and shows ``c`` in their
place. This module applies primary suppression (counts below a threshold); secondary
suppression, so a suppressed cell cannot be derived from totals, builds on it.
"""
from __future__ import annotations

import pandas as pd

SUPPRESSED = "c"                 # GSS symbol: confidential
DEFAULT_THRESHOLD = 5            # counts of 1 to 4 are suppressed; zero is shown


def suppress_small_counts(table: pd.DataFrame, columns: list[str],
                          threshold: int = DEFAULT_THRESHOLD) -> pd.DataFrame:
    """Replace counts in ``columns`` that are above zero and below ``threshold`` with ``c``.

    Returns a copy whose ``columns`` are strings (a suppressed column cannot stay numeric);
    a true zero is kept, as DfE publishes it.
    """
    out = table.copy()
    for column in columns:
        values = pd.to_numeric(out[column])
        small = (values > 0) & (values < threshold)
        shown = values.map(lambda v: "" if pd.isna(v) else f"{int(v):d}")
        out[column] = shown.where(~small, SUPPRESSED)
    return out
