"""Sentences that read the numbers, generated from tables rather than typed in notebooks."""
from __future__ import annotations

import pandas as pd


def count_text(value, sign: bool = False) -> str:
    """A count as a sentence shows it: thousands commas, ``c`` when suppressed (missing)."""
    if value is None or pd.isna(value):
        return "c"
    return f"{value:+,.0f}" if sign else f"{value:,.0f}"


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


def describe_share(series: pd.Series, label: str, subject: str) -> str:
    """The latest share of ``subject`` in ``label`` and its change, in percentage points,
    since the first year: "In 2025, the share of children looked after in 'IFA foster
    care' was 38%, up 5 percentage points from 33% in 2020." ``series`` is indexed by
    year; missing (suppressed) years are skipped."""
    series = series.dropna()
    if series.empty:
        return f"The share of {subject} in '{label}' cannot be shown (too few children to publish)."
    years, values = list(series.index), [float(v) for v in series.to_numpy()]
    text = f"In {years[-1]}, the share of {subject} in '{label}' was {values[-1]:.0f}%"
    if len(values) > 1:
        points = round(values[-1]) - round(values[0])
        if points == 0:
            text += f", the same as in {years[0]}"
        else:
            text += (f", {'up' if points > 0 else 'down'} {abs(points)} percentage point"
                     f"{'s' if abs(points) != 1 else ''} from {values[0]:.0f}% in {years[0]}")
    return text + "."


def describe_crosstab(shares: pd.Series, column: str, subject: str, overall: float = float("nan")) -> str:
    """Where the share in ``column`` is highest and lowest across the rows of a cross-tab
    (``shares`` indexed by row label, missing where suppressed)."""
    known = shares.dropna()
    if known.empty:
        return f"The figures for {subject} are too small to show by group."
    high, low = known.idxmax(), known.idxmin()
    text = f"Of {subject}, the share '{column}' was highest in {high} ({known[high]:.0f}%)"
    if low != high:
        text += f" and lowest in {low} ({known[low]:.0f}%)"
    if not pd.isna(overall):
        text += f", against {overall:.0f}% overall"
    return text + "."


def describe_against(value: float, reference: float, subject: str, reference_name: str, unit: str = "") -> str:
    """'{subject} (95) was below {reference_name} (120).'"""
    if pd.isna(value) or pd.isna(reference):
        return ""
    word = "below" if value < reference else ("above" if value > reference else "equal to")
    return f"{subject[0].upper() + subject[1:]} ({value:,.0f}{unit}) was {word} {reference_name} ({reference:,.0f}{unit})."
