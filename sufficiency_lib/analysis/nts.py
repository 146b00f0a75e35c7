"""The National Transfer Scheme ceiling on the unaccompanied asylum-seeking children an
authority is asked to look after: a share of its child population, by the rate in force.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from sufficiency_lib.wording import half_up

#: National Transfer Scheme ceiling: share of the 0-17 population from each date. 0.07%
#: from the scheme's start (July 2016); 0.1% from 2022 (the Home Office raised it in 2022;
#: the exact date is a parameter, 24 August 2022 as a default).
NTS_RATES = {pd.Timestamp("2016-07-01"): 0.0007, pd.Timestamp("2022-08-24"): 0.001}


def nts_ceiling(population_0_17: float, when: pd.Timestamp, rates: dict | None = None) -> float:
    """The National Transfer Scheme ceiling on ``when``: the rate in force then times the
    0-17 population, rounded to whole children. Missing before the scheme began."""
    rates = {pd.Timestamp(k): float(v) for k, v in (rates or NTS_RATES).items()}
    in_force = [rate for start, rate in sorted(rates.items()) if start <= pd.Timestamp(when)]
    if not in_force or pd.isna(population_0_17):
        return np.nan
    return half_up(population_0_17 * in_force[-1])
