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


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def compare_word(value: float, reference: float, significance: str = "") -> str:
    """'higher than', 'lower than' or 'similar to': by the interval when one is given
    (``significance`` from benchmark.compare), else by the rounded values."""
    if significance in ("higher", "lower"):
        return f"{significance} than"
    if significance == "similar" or round(value) == round(reference):
        return "similar to"
    return "higher than" if value > reference else "lower than"


def describe_benchmark(row: pd.Series, subject: str, unit: str = "", polarity: str = "neutral") -> str:
    """One or two sentences placing the authority's latest figure against England, its
    statistical neighbours and its rank, from a row of :func:`benchmark.benchmark_table`."""
    if pd.isna(row["value"]):
        return f"The figure for {subject} in {row['time_period']} is not available or is suppressed."
    value = float(row["value"])
    text = f"In {row['time_period']}, {subject} was {value:,.0f}{unit}"
    comparisons = []
    if not pd.isna(row["england"]):
        comparisons.append(f"{compare_word(value, float(row['england']), row.get('vs_england', ''))} "
                           f"England ({float(row['england']):,.0f}{unit})")
    if not pd.isna(row["sn_mean"]):
        comparisons.append(f"{compare_word(value, float(row['sn_mean']), row.get('vs_neighbours', ''))} "
                           f"the average of its statistical neighbours ({float(row['sn_mean']):,.1f}{unit})")
    text += (", " + " and ".join(comparisons) if comparisons else "") + "."
    if not pd.isna(row["rank"]):
        best = {"high": "highest", "low": "lowest", "neutral": "lowest"}[polarity]
        text += (f" It ranked {_ordinal(int(row['rank']))} of {int(row['ranked_of'])} authorities "
                 f"(1 = {best}), quartile band {row['quartile_band']}.")
    return text
