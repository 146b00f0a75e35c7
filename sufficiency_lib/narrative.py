"""Sentences that read the numbers, generated from tables rather than typed in notebooks."""
from __future__ import annotations

import pandas as pd


def percent_change(old: float, new: float) -> float | None:
    """Change from ``old`` to ``new`` as a percentage of ``old`` (None when ``old`` is 0)."""
    return None if old == 0 else (new - old) / old * 100


def direction(change: float, steady_within: float = 0.5) -> str:
    """'rose', 'fell' or 'was unchanged' for a percentage change."""
    if abs(change) < steady_within:
        return "was unchanged"
    return "rose" if change > 0 else "fell"


def describe_trend(series: pd.Series, subject: str, unit: str = "") -> str:
    """One sentence on the latest value, the change on last year and over the whole series.

    ``series`` is indexed by year, oldest first. Percentages are whole numbers, as DfE
    publishes them.
    """
    series = series.dropna()
    if series.empty:
        return f"No figures are available for {subject}."
    years, values = list(series.index), list(series.to_numpy())
    latest = f"{values[-1]:,.0f}{unit}"
    if len(values) == 1:
        return f"At 31 March {years[-1]}, {subject} was {latest}."
    parts = [f"At 31 March {years[-1]}, {subject} was {latest}"]
    last = percent_change(values[-2], values[-1])
    if last is not None:
        parts.append(f"it {direction(last)}" + (f" {abs(last):.0f}%" if abs(last) >= 0.5 else "")
                     + f" on {years[-2]}")
    if len(values) > 2:
        whole = percent_change(values[0], values[-1])
        if whole is not None:
            parts.append(f"and {direction(whole)}" + (f" {abs(whole):.0f}%" if abs(whole) >= 0.5 else "")
                         + f" since {years[0]} ({values[0]:,.0f}{unit})")
    return parts[0] + "; " + " ".join(parts[1:]) + "."
