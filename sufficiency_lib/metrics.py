"""Figures computed from clean 903 tables, to DfE definitions."""
from __future__ import annotations

import pandas as pd

from .codes import SHORT_BREAK_LEGAL_STATUSES
from .periods import year_end


def open_at(episodes: pd.DataFrame, when: pd.Timestamp) -> pd.DataFrame:
    """Episodes open on ``when``: started on or before it and not ended by it.

    An episode whose DEC is ``when`` ended that day, so it is not open at the end of it;
    this is how DfE counts "looked after at 31 March" (the open episode, DEC blank in that
    year's return).
    """
    started = episodes["DECOM"] <= when
    not_ended = episodes["DEC"].isna() | (episodes["DEC"] > when)
    return episodes.loc[started & not_ended]


def children_looked_after_at_31_march(episodes: pd.DataFrame, year: int) -> int:
    """Number of children looked after at 31 March ``year`` (DfE definition).

    Counts distinct children with an episode open at 31 March, excluding those whose open
    episode is under an agreed series of short-term breaks (legal status V3 or V4).
    """
    at_end = open_at(episodes, year_end(year))
    counted = at_end.loc[~at_end["LS"].isin(SHORT_BREAK_LEGAL_STATUSES)]
    return int(counted["CHILD"].nunique())


def cla_at_31_march_series(episodes: pd.DataFrame, years) -> pd.DataFrame:
    """``time_period`` and ``children_count`` at 31 March for each of ``years``."""
    years = [int(y) for y in years]
    counts = [children_looked_after_at_31_march(episodes, y) for y in years]
    return pd.DataFrame({"time_period": years, "children_count": counts})
