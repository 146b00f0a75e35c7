"""The 903 collection year: 1 April of the previous year to 31 March."""
from __future__ import annotations

import pandas as pd


def year_end(year: int) -> pd.Timestamp:
    """31 March of collection ``year``."""
    return pd.Timestamp(year=int(year), month=3, day=31)


def year_start(year: int) -> pd.Timestamp:
    """1 April of the year before collection ``year``."""
    return pd.Timestamp(year=int(year) - 1, month=4, day=1)
