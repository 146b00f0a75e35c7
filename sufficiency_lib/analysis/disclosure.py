"""Disclosure control for anything that reaches a rendered page.

The rules follow DfE's practice for local-authority statistics on children looked after
and children in need:

1. **Primary suppression.** A count of 1 to 5 is replaced by the GSS symbol ``c``: a count
   is suppressed when it is above zero and below ``threshold`` (:data:`DEFAULT_THRESHOLD`
   = 6, so 1 to 5 by default). **Zero is shown**: DfE publishes true zeros ("where any
   number is shown as zero, the original figure submitted was zero"). Sources: DfE,
   *Characteristics of children in need* data guidance ("any number between 1 and 5
   inclusive has been suppressed and replaced by 'c'. Secondary suppression has been
   applied where necessary"); DfE, *Children looked after: a focus on placement location*
   methodology (LA figures unrounded, ``c`` "to protect confidentiality. Secondary
   suppression may be required", zeros are real zeros, and for percentages "some numbers
   are replaced by 'c'"); the DfE convention for SSDA903 tables quoted in Hansard, 8 January 2008
   ("Numbers from 1 to 5 inclusive have been suppressed ... suppress the next smallest
   data item"). It is also what DfE's own files show: in the LA rows of the 2023 to 2025
   releases of "Children looked after in England" the smallest count shown above zero is 6
   (the care leavers' "information not known" rows are the one exception found there).
2. **Secondary suppression.** In a table with totals, every *line* (a breakdown and its
   ``Total``; in a cross-tab each row and column with its margin, and the margins with the
   grand total) that has exactly one suppressed cell would give that cell away by
   subtraction, so the next smallest shown cell of the line is suppressed too (a non-zero
   cell before a zero one; ties go to the first), and this is repeated until no line has a
   single suppressed cell. A line's own total is hidden only when it is small itself or no
   other cell of the line is left to hide (row and column totals are, though, the parts of
   the margins' lines, which add up to the grand total, and can be chosen there). In a
   cross-tab this can still leave a cell that is fixed by combining several lines (a cell
   that joins two otherwise separate groups of suppressed cells); such cells are found
   with linear algebra and one more cell beside each is suppressed until no suppressed
   cell is determined by the published totals. Unlike the 2008 rule, the complementary cell is
   suppressed whatever its size. Bounds are guarded against line by line: a reader knows each
   hidden count is at least 1, so in a line whose total is shown the hidden cells must hold
   enough that any one of them could still be every count from 1 to ``threshold - 1`` (two
   hidden cells adding to 2 are both 1, and adding to 3 each is 1 or 2; adding to 6, each
   could be 1 to 5); the next smallest cell is hidden until they do. Bounds from several lines
   combined are not checked.
3. **Derived figures follow.** A percentage (and a rate) computed from a suppressed count is
   ``c`` too, as is a percentage of a suppressed total.
4. **Charts follow the table.** :func:`chart_data` returns the values to plot with every
   suppressed point missing, and a note for the caption.

In wide tables, cells that are already missing count as hidden from the reader: a ``c``
already there is kept and protected like a new one; other GSS symbols (``x``, ``u``,
``low``, ...) hide a cell but need no protection themselves; ``z`` (not applicable) is no
part of the sum, so it neither hides nor protects anything. (Figures frames: see
:func:`suppress_figures`.) Applying any function here twice gives the same result as
applying it once.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sufficiency_lib.wording import half_up

SUPPRESSED = "c"                 # GSS symbol: confidential
NOT_APPLICABLE = "z"             # GSS symbol: no part of the sum
DEFAULT_THRESHOLD = 6            # counts of 1 to 5 are suppressed; zero is shown (DfE practice)
TOTAL = "Total"
DERIVED_UNITS = ("percent", "rate_per_10000")
CHART_NOTE = ("Some values are suppressed to protect confidentiality (shown as c in the table) "
              "and are not plotted.")

_TOLERANCE = 1e-9


# ---------------------------------------------------------------------------------------
# The engine: cells in a flat vector, lines "total = sum of addends" over their positions.

@dataclass(frozen=True)
class _Line:
    total: int
    addends: tuple[int, ...]

    @property
    def members(self) -> tuple[int, ...]:
        return (self.total, *self.addends)


def _small(values: np.ndarray, threshold: int) -> np.ndarray:
    with np.errstate(invalid="ignore"):
        return (values > 0) & (values < threshold)


def whole_children(value) -> float:
    """A model's estimate of a count in whole children, halves up (5.5 is 6), as every page
    states it; missing stays missing."""
    if value is None or pd.isna(value):
        return float("nan")
    return half_up(float(value))


def is_small(value, threshold: int = DEFAULT_THRESHOLD) -> bool:
    """Whether one count must be suppressed (primary suppression): 1 to ``threshold - 1``
    children. A model's estimate of a count (a projected mean) is rounded to whole
    children first, as the page shows it: 0.4 is shown as 0, 5.4 is suppressed and 5.5 is
    shown as 6."""
    if value is None or pd.isna(value):
        return False
    return 0 < whole_children(value) < threshold


def small_mask(values, threshold: int = DEFAULT_THRESHOLD) -> pd.Series:
    """:func:`is_small` of each value of a series (False where missing)."""
    series = pd.Series(values)
    return series.map(lambda v: is_small(v, threshold)).astype(bool)


def _smallest_shown(values: np.ndarray, hidden: np.ndarray, cells) -> int | None:
    """The smallest shown cell of ``cells``: non-zero ones first, then by value, then order."""
    shown = [c for c in cells if not hidden[c]]
    if not shown:
        return None
    return min(shown, key=lambda c: (values[c] == 0, values[c], cells.index(c)))


def _determined(lines: list[_Line], size: int, hidden: np.ndarray) -> np.ndarray:
    """Which hidden cells the lines fix exactly, whatever the other hidden cells hold.

    A hidden cell is fixed when its unit vector lies in the row space of the lines'
    coefficients over the hidden cells, i.e. when every solution of the homogeneous system
    leaves it unchanged: its row in a basis of the null space is zero.
    """
    fixed = np.zeros(size, dtype=bool)
    positions = np.flatnonzero(hidden)
    if positions.size == 0:
        return fixed
    coefficients = np.zeros((len(lines), size))
    for row, line in enumerate(lines):
        coefficients[row, list(line.addends)] = 1.0
        coefficients[row, line.total] = -1.0
    restricted = coefficients[:, positions]
    _, singular, vt = np.linalg.svd(restricted, full_matrices=True)
    rank = int((singular > _TOLERANCE * max(1.0, singular.max(initial=0.0))).sum())
    null_space = vt[rank:].T                       # one row per hidden cell
    fixed[positions] = np.linalg.norm(null_space, axis=1) < 1e-7
    return fixed


def _line_rule(values: np.ndarray, hidden: np.ndarray, confidential: np.ndarray,
               lines: list[_Line], hide) -> bool:
    """One pass of the line rule; True when it hid a cell."""
    changed = False
    for line in lines:
        hidden_members = [m for m in line.members if hidden[m]]
        if len(hidden_members) != 1 or not confidential[hidden_members[0]]:
            continue
        pick = _smallest_shown(values, hidden, list(line.addends))
        if pick is None and not hidden[line.total]:
            pick = line.total
        if pick is not None:
            hide(pick)
            changed = True
    return changed


def _bounds_rule(values: np.ndarray, hidden: np.ndarray, confidential: np.ndarray,
                 lines: list[_Line], hide, threshold: int) -> bool:
    """One pass of the bounds rule; True when it hid a cell. A line whose total is shown and
    whose hidden cells (one confidential at least) hold too little for each to be any of 1 to
    ``threshold - 1`` (the others at least 1) narrows them, so its next smallest cell is
    hidden too."""
    changed = False
    for line in lines:
        if hidden[line.total]:
            continue
        concealed = [a for a in line.addends if hidden[a]]
        if not any(confidential[a] for a in concealed):
            continue
        held = values[concealed].sum()
        if np.isnan(held) or held - (len(concealed) - 1) >= threshold - 1:
            continue
        pick = _smallest_shown(values, hidden, list(line.addends))
        hide(line.total if pick is None else pick)
        changed = True
    return changed


def _protect(values: np.ndarray, hidden: np.ndarray, confidential: np.ndarray,
             lines: list[_Line], threshold: int) -> np.ndarray:
    """The confidential cells after primary and secondary suppression.

    ``values`` are the counts (NaN where unknown); ``hidden`` marks cells the reader cannot
    see already; ``confidential`` the hidden cells that must stay underivable (existing
    ``c``). Returns the new ``confidential`` mask; every cell in it is to be shown as ``c``.
    """
    confidential = confidential | _small(values, threshold)
    hidden = hidden | confidential
    lines = [line for line in lines if line.addends]

    def hide(cell: int) -> None:
        hidden[cell] = confidential[cell] = True

    while True:
        if _line_rule(values, hidden, confidential, lines, hide):
            continue
        if _bounds_rule(values, hidden, confidential, lines, hide, threshold):
            continue
        if len(lines) < 2:      # a single line: the line rule is already exact
            break
        exposed = np.flatnonzero(_determined(lines, len(values), hidden) & confidential)
        if exposed.size == 0:
            break
        cell = int(exposed[0])
        touching = [line for line in lines if cell in line.members]
        pick = _smallest_shown(values, hidden, [a for line in touching for a in line.addends])
        if pick is None:
            pick = _smallest_shown(values, hidden, [line.total for line in touching])
        if pick is None:
            pick = _smallest_shown(values, hidden, sorted({m for line in lines for m in line.members}))
        if pick is None:
            break
        hide(pick)
    return confidential


# ---------------------------------------------------------------------------------------
# Wide tables: a breakdown with a Total row, or a cross-tab with margins.

def _cells(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Values (NaN where not a number), hidden, confidential and not-applicable masks."""
    text = frame.apply(lambda column: column.astype("string").str.strip().str.lower())
    symbol_c = text.eq(SUPPRESSED).fillna(False).to_numpy(dtype=bool)
    symbol_z = text.eq(NOT_APPLICABLE).fillna(False).to_numpy(dtype=bool)
    numbers = frame.apply(lambda column: pd.to_numeric(column, errors="coerce"))
    values = numbers.astype("float64").to_numpy(dtype=float, na_value=np.nan)
    hidden = np.isnan(values) & ~symbol_z
    return values, hidden, symbol_c, symbol_z


def suppression_mask(table: pd.DataFrame, columns: list[str] | None = None, *,
                     total_row=None, total_column: str | None = None, labels: str | None = None,
                     threshold: int = DEFAULT_THRESHOLD, also_hide: pd.DataFrame | None = None) -> pd.DataFrame:
    """Which cells of the counts in ``columns`` must be shown as ``c`` (True).

    ``table`` holds counts (a ``c`` already in it is kept). Its rows are labelled by the
    index, or by the column ``labels``; ``total_row`` is the label of the row of totals and
    ``total_column`` the column of totals, either or both (a breakdown has a Total row; a
    cross-tab with margins has both). Without either, only primary suppression applies.
    ``also_hide`` (True where a cell must be hidden whatever its size: a group's cell whose
    member hides it, see :mod:`sufficiency_lib.analysis.group_disclosure`) marks cells kept and
    protected as an existing ``c`` is. The mask has the index and ``columns`` of ``table``.
    """
    columns = list(columns) if columns is not None else list(table.columns.drop(labels, errors="ignore"))
    row_labels = pd.Index(table[labels] if labels else table.index)
    if total_column is not None and total_column not in columns:
        raise ValueError(f"total column {total_column!r} is not among the count columns {columns}")
    if total_row is not None:
        found = np.flatnonzero(row_labels == total_row)
        if found.size != 1:
            raise ValueError(f"expected one total row labelled {total_row!r}, found {found.size}")
    frame = table[columns]
    values, hidden, confidential, not_applicable = _cells(frame)
    if also_hide is not None:
        forced = also_hide.reindex(index=table.index, columns=columns, fill_value=False).to_numpy(dtype=bool)
        hidden, confidential = hidden | forced, confidential | forced
    n_rows, n_cols = values.shape

    def position(r, c):
        return r * n_cols + c

    lines = []
    applicable = ~not_applicable.ravel()
    if total_row is not None:
        t = int(np.flatnonzero(row_labels == total_row)[0])
        for c in range(n_cols):
            addends = tuple(position(r, c) for r in range(n_rows) if r != t and applicable[position(r, c)])
            if applicable[position(t, c)]:
                lines.append(_Line(position(t, c), addends))
    if total_column is not None:
        t = columns.index(total_column)
        for r in range(n_rows):
            addends = tuple(position(r, c) for c in range(n_cols) if c != t and applicable[position(r, c)])
            if applicable[position(r, t)]:
                lines.append(_Line(position(r, t), addends))
    protected = _protect(values.ravel(), hidden.ravel(), confidential.ravel(), lines, threshold)
    return pd.DataFrame(protected.reshape(n_rows, n_cols), index=table.index, columns=columns)


def _format_count(value) -> str:
    if isinstance(value, str):
        return value.strip()
    return "" if pd.isna(value) else f"{int(value):d}"


def _format_percent(value, decimals: int) -> str:
    """Rounded half away from zero (12.5 -> 13), not to even as Python's format would."""
    if isinstance(value, str):
        return value.strip()
    if pd.isna(value):
        return ""
    return f"{half_up(value, decimals):.{decimals}f}"


def suppress_table(table: pd.DataFrame, columns: list[str], *, total_row=None,
                   total_column: str | None = None, labels: str | None = None,
                   percent_columns: dict[str, str] | None = None, percent_decimals: int = 0,
                   threshold: int = DEFAULT_THRESHOLD, also_hide: pd.DataFrame | None = None) -> pd.DataFrame:
    """A copy of ``table`` ready to show: counts in ``columns`` suppressed (primary and
    secondary, see :func:`suppression_mask`; ``also_hide`` as there) and written as whole
    numbers or ``c``.

    ``percent_columns`` maps each percentage column to the count column it is derived from:
    a percentage is ``c`` when its count is, or when the count's total (the ``total_row``
    cell of that column) is; others are rounded to ``percent_decimals`` (DfE publishes
    whole percentages). Other columns are untouched.
    """
    percent_columns = dict(percent_columns or {})
    unknown = sorted(set(percent_columns.values()) - set(columns))
    if unknown:
        raise ValueError(f"percent columns derive from {unknown}, which are not count columns {columns}")
    mask = suppression_mask(table, columns, total_row=total_row, total_column=total_column,
                            labels=labels, threshold=threshold, also_hide=also_hide)
    out = table.copy()
    for column in columns:
        shown = table[column].map(_format_count).astype(object)
        out[column] = shown.where(~mask[column], SUPPRESSED)
    row_labels = pd.Index(table[labels] if labels else table.index)
    for percent, count in percent_columns.items():
        hide = mask[count].to_numpy().copy()
        if total_row is not None and mask[count].to_numpy()[row_labels == total_row].any():
            hide[:] = True
        shown = table[percent].map(lambda v: _format_percent(v, percent_decimals)).astype(object)
        out[percent] = shown.where(~hide, SUPPRESSED)
    return out


def suppress_small_counts(table: pd.DataFrame, columns: list[str],
                          threshold: int = DEFAULT_THRESHOLD, also_hide: pd.DataFrame | None = None) -> pd.DataFrame:
    """Replace counts in ``columns`` that are above zero and below ``threshold`` with ``c``.

    Primary suppression only, for tables without totals (a time series). Returns a copy
    whose ``columns`` are strings (a suppressed column cannot stay numeric); a true zero is
    kept, as DfE publishes it; a ``c`` already there stays, and so does a cell ``also_hide``
    marks (see :func:`suppression_mask`).
    """
    out = table.copy()
    for column in columns:
        values = pd.to_numeric(out[column], errors="coerce")
        already = out[column].astype("string").str.strip().str.lower().eq(SUPPRESSED).fillna(False)
        if also_hide is not None and column in also_hide:
            already = already | also_hide[column].reindex(out.index, fill_value=False).astype(bool)
        small = pd.Series(_small(values.to_numpy(dtype=float, na_value=np.nan), threshold),
                          index=out.index) | already
        shown = values.map(lambda v: "" if pd.isna(v) else f"{int(v):d}")
        out[column] = shown.where(~small, SUPPRESSED)
    return out


# ---------------------------------------------------------------------------------------
# Figures frames (see figures.py): one line per (year, place, indicator, breakdown group).

GROUP_COLUMNS = ["time_period", "geographic_level", "country_code", "region_code", "region_name",
                 "old_la_code", "new_la_code", "la_name", "indicator", "breakdown_group"]


def _adds_up(parts: np.ndarray, total: float) -> bool:
    """Whether breakdowns are the parts of their total: all known, and summing to it."""
    values = np.append(parts, total)
    return not np.isnan(values).any() and abs(parts.sum() - total) < 0.5


def suppress_figures(figures: pd.DataFrame, threshold: int = DEFAULT_THRESHOLD,
                     derived_units: tuple[str, ...] = DERIVED_UNITS) -> pd.DataFrame:
    """A copy of a figures frame with its counts suppressed, and the figures derived from them.

    Within each (time_period, place, indicator, breakdown_group), the ``number`` rows are a
    line whose total is the breakdown ``Total``, when the breakdowns are the parts of it:
    every count is known and they add up to it. A group whose breakdowns do not add up (a
    subset such as "with 3 or more placements", or parts mixed with subtotals as in DfE's
    care leaver files) gets primary suppression only, and so does a group holding a value
    already missing (its sum cannot be checked; DfE's published groups with ``c`` had their
    secondary suppression from DfE; this is also what makes a second run change nothing).
    To protect parts by subtraction, give them a breakdown group of their own with their
    ``Total``. A group without a ``Total`` row gets primary suppression only.

    Suppressed rows get a missing ``value`` and status ``c``. A row of a ``derived_units``
    unit (percent, rate) with the same key as a suppressed number row is suppressed too, and
    so is every percentage of a group whose ``Total`` count is suppressed. Rows of other
    units are untouched.

    Meant for figures computed from a return. DfE's published figures are controlled
    already; run over them, this only adds (redundant) suppression.
    """
    missing = sorted(set(GROUP_COLUMNS + ["breakdown", "unit", "value", "status"]) - set(figures.columns))
    if missing:
        raise ValueError(f"not a figures frame: columns {missing} are missing")
    out = figures.copy()
    out["value"] = out["value"].astype("Float64")
    status = out["status"].astype("string").fillna("").str.strip().str.lower().to_numpy(dtype=object)
    is_number = out["unit"].eq("number").to_numpy()
    values = out["value"].to_numpy(dtype=float, na_value=np.nan)
    not_applicable = status == NOT_APPLICABLE
    hidden = np.isnan(values) & ~not_applicable
    confidential = (status == SUPPRESSED) | (is_number & _small(values, threshold))
    flagged = is_number & confidential

    derived = out["unit"].isin(list(derived_units)).to_numpy()
    keys = out[GROUP_COLUMNS + ["breakdown"]].astype(str)
    group_of = keys.groupby(GROUP_COLUMNS, sort=False).ngroup().to_numpy()
    new_c = np.zeros(len(out), dtype=bool)
    if flagged.any():
        group_id = np.where(is_number, group_of, -1)
        is_total = out["breakdown"].eq(TOTAL).to_numpy()
        groups = np.unique(group_id[flagged])
        selected = np.flatnonzero(np.isin(group_id, groups))
        for _, members in pd.Series(selected).groupby(group_id[selected], sort=False):
            rows = members.to_numpy()
            totals = rows[is_total[rows]]
            if len(totals) > 1:
                first = out.iloc[rows[0]]
                raise ValueError(f"{len(totals)} Total rows for {first['indicator']} / {first['breakdown_group']} "
                                 f"in {first['time_period']} at {first['new_la_code'] or first['geographic_level']}; "
                                 "each line needs one total")
            lines = []
            if len(totals) == 1 and not not_applicable[totals[0]]:
                parts = [r for r in rows if r != totals[0] and not not_applicable[r]]
                if _adds_up(values[parts], values[totals[0]]):
                    local = {row: k for k, row in enumerate(rows)}
                    lines.append(_Line(local[totals[0]], tuple(local[r] for r in parts)))
            result = _protect(values[rows], hidden[rows], confidential[rows], lines, threshold)
            new_c[rows] = result
    suppressed_numbers = new_c | (is_number & (status == SUPPRESSED))

    if derived.any() and suppressed_numbers.any():
        cell_of = keys.groupby(GROUP_COLUMNS + ["breakdown"], sort=False).ngroup().to_numpy()
        follow = derived & np.isin(cell_of, cell_of[suppressed_numbers])
        total_hidden = suppressed_numbers & out["breakdown"].eq(TOTAL).to_numpy()
        follow |= derived & out["unit"].eq("percent").to_numpy() & np.isin(group_of, group_of[total_hidden])
        new_c |= follow & (status != NOT_APPLICABLE)
    if new_c.any():
        out.loc[new_c, "value"] = pd.NA
        out.loc[new_c, "status"] = SUPPRESSED
    return out


# ---------------------------------------------------------------------------------------
# Charts

@dataclass
class ChartData:
    """What a chart may plot: ``frame`` with suppressed points missing (NaN), the number of
    points left out and the ``note`` to add to the caption (empty when none were)."""

    frame: pd.DataFrame
    suppressed: int
    note: str


def chart_data(frame: pd.DataFrame, columns: list[str] | None = None,
               mask: pd.DataFrame | None = None) -> ChartData:
    """The plotting frame for a suppressed table, so that no chart shows a suppressed value.

    ``frame`` is a table as shown (``c`` in suppressed cells, from :func:`suppress_table`),
    a figures frame (status ``c``; ``columns`` defaults to ``value``), or raw counts with
    ``mask`` from :func:`suppression_mask`. ``columns`` become floats with NaN for every
    suppressed cell (and any other symbol); other columns are kept.
    """
    out = frame.copy()
    if columns is None:
        if {"value", "status"} <= set(frame.columns):
            columns = ["value"]
        else:
            raise ValueError("say which columns are plotted")
    suppressed_points = 0
    for column in columns:
        text = frame[column].astype("string").str.strip().str.lower()
        hide = text.eq(SUPPRESSED).fillna(False).to_numpy(dtype=bool)
        if column == "value" and "status" in frame.columns:
            hide |= frame["status"].astype("string").str.strip().str.lower().eq(SUPPRESSED).fillna(False).to_numpy()
        if mask is not None and column in mask.columns:
            hide |= mask[column].to_numpy(dtype=bool)
        numbers = pd.to_numeric(frame[column].where(~hide), errors="coerce")
        out[column] = numbers.astype("float64").to_numpy(dtype=float, na_value=np.nan)
        suppressed_points += int(hide.sum())
    return ChartData(out, suppressed_points, CHART_NOTE if suppressed_points else "")
