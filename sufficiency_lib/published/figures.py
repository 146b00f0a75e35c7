"""One long shape for every figure, published by DfE or computed from a 903 return.

A *figures* frame has a row per (year, place, indicator, breakdown, unit) and one value, so
that a published figure and a computed one sit side by side, and benchmarking works on any
indicator the same way. Indicator ids and breakdown labels follow DfE's published files
(``indicator`` names the population counted, ``breakdown_group`` the EES filter, and
``breakdown`` the filter's value, ``"Total"`` for all); ``unit`` says what ``value`` is.

A value DfE did not publish (a GSS symbol: ``c`` suppressed, ``z`` not applicable, ``x``
not available, ``low``, ``k`` fewer than 0.5, ``u`` low reliability) is missing, with the
symbol kept in ``status``; it never becomes zero.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from sufficiency_lib.vocabulary import INDICATOR_NAMES, UNIT_AXIS_LABELS, Indicator

PLACE_COLUMNS = ["geographic_level", "country_code", "region_code", "region_name",
                 "old_la_code", "new_la_code", "la_name"]
KEY_COLUMNS = ["time_period", *PLACE_COLUMNS, "indicator", "breakdown_group", "breakdown", "unit"]
FIGURE_COLUMNS = [*KEY_COLUMNS, "value", "status", "source"]
#: Where a published figure comes from: the release (year), the file (path from the folder
#: read, e.g. ``published/release_2025/cla_number_and_rate_per_10k_children.csv``) and a
#: note when the file is not DfE's original (empty when it is).
ORIGIN_COLUMNS = ["release", "source_file", "origin"]
PUBLISHED_COLUMNS = [*FIGURE_COLUMNS, *ORIGIN_COLUMNS]

UNITS = {
    "number": "Number of children",
    **UNIT_AXIS_LABELS,                                  # "percent", "rate_per_10000"
    "population": "ONS mid-year population aged 0 to 17",
    # Ofsted and LAIT figures (issues 18 and 19)
    "homes": "Number of homes registered with Ofsted",
    "places": "Number of registered places",
    "agencies": "Number of agencies registered with Ofsted",
    "gbp_per_week": "Pounds per week (cash prices)",
    "gbp": "Pounds (cash prices)",
}
GSS_SYMBOLS = {
    "c": "suppressed to protect confidentiality",
    "z": "not applicable",
    "x": "not available",
    "low": "rounds to zero but is not zero",
    "k": "rounds to zero but is not zero",
    "u": "low reliability",
}
TOTAL = "Total"

_DTYPES = {"time_period": "int64", "value": "Float64"}


def figures_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with exactly :data:`FIGURE_COLUMNS`, in order and typed.

    Missing text columns become empty strings; a ``unit`` outside :data:`UNITS` is an
    error, since it would be compared with figures of another kind.
    """
    out = frame.reindex(columns=FIGURE_COLUMNS)
    for column in FIGURE_COLUMNS:
        if column not in _DTYPES:
            out[column] = out[column].astype("string").fillna("").astype(object)
    out["time_period"] = out["time_period"].astype("int64")
    out["value"] = pd.to_numeric(out["value"], errors="raise").astype("Float64")
    unknown = sorted(set(out["unit"]) - set(UNITS))
    if unknown:
        raise ValueError(f"unknown unit(s) {unknown}; use one of {sorted(UNITS)}")
    return out.reset_index(drop=True)


def compact(frame: pd.DataFrame) -> pd.DataFrame:
    """A figures frame (any of :data:`PUBLISHED_COLUMNS` present) in small dtypes: text as
    categoricals with sorted categories (so sorting by them sorts by the text), years as
    int16, values as Float64. Half a million figures take about 10 MB this way.
    """
    out = frame.copy()
    for column in out.columns:
        if column in ("time_period", "release"):
            out[column] = pd.to_numeric(out[column]).astype("int16")
        elif column == "value":
            out[column] = pd.to_numeric(out[column]).astype("Float64")
        elif column in PUBLISHED_COLUMNS:
            out[column] = as_category(out[column])
    return out


def as_category(values: pd.Series) -> pd.Series:
    """Text as a categorical with sorted string categories, missing as "", unused dropped.

    Works on the codes of a categorical (a look-up per category, not per row), so it is
    cheap on the half a million rows of every release.
    """
    if isinstance(values.dtype, pd.CategoricalDtype):
        categories = np.asarray([str(c) for c in values.cat.categories] + [""], dtype=object)
        codes = values.cat.codes.to_numpy().astype(np.int64)
        codes = np.where(codes < 0, len(categories) - 1, codes)            # missing -> ""
    else:
        codes, uniques = pd.factorize(values.astype("string").fillna(""), sort=False)
        categories = np.asarray([str(c) for c in uniques], dtype=object)
    used = np.bincount(codes, minlength=len(categories)) > 0
    distinct, inverse = np.unique(categories[used].astype(str), return_inverse=True)
    remap = np.full(len(categories), -1, dtype=np.int64)
    remap[used] = inverse
    return pd.Series(pd.Categorical.from_codes(remap[codes], categories=list(distinct)), index=values.index,
                     name=values.name)


def parse_values(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Published cell text -> (numbers, GSS status); a symbol gives a missing number.

    Numbers may carry thousands commas. Text that is neither a number nor a GSS symbol is
    an error, so that a misread column is not taken as data.
    """
    text = raw.astype("string").str.strip().fillna("")
    status = text.where(text.str.lower().isin(list(GSS_SYMBOLS)), "").str.lower()
    numeric = text.where(status.eq("") & text.ne(""), None).str.replace(",", "", regex=False)
    values = pd.to_numeric(numeric, errors="coerce").astype("Float64")
    bad = numeric.notna() & values.isna()
    if bad.any():
        first = bad.idxmax()
        raise ValueError(f"row {first}: value {raw.loc[first]!r} is neither a number nor a GSS symbol "
                         f"({', '.join(GSS_SYMBOLS)})")
    status = status.where(~(text.eq("") & status.eq("")), "x")  # an empty cell is not available
    return values, status.astype(object)


SERIES_KEY = ["indicator", "unit", "breakdown_group", "breakdown"]
INDEXED_FROM_ROWS = 2_000       # frames this long get an index of their series
_series_index: dict[int, tuple[pd.DataFrame, dict]] = {}


def select(figures: pd.DataFrame, indicator: str, unit: str = "number",
           breakdown_group: str = TOTAL, breakdown: str = TOTAL) -> pd.DataFrame:
    """The rows of one series: one indicator, breakdown and unit, for every place and year.

    A long frame (every authority's published figures) is indexed by series the first time
    it is asked: a statement asks it for hundreds of series. No figures: no rows."""
    if figures.empty:
        return figures
    if len(figures) >= INDEXED_FROM_ROWS:
        positions = _positions(figures).get((indicator, unit, breakdown_group, breakdown))
        return figures.iloc[positions] if positions is not None else figures.iloc[:0]
    mask = (figures["indicator"].eq(indicator) & figures["unit"].eq(unit)
            & figures["breakdown_group"].eq(breakdown_group) & figures["breakdown"].eq(breakdown))
    return figures.loc[mask]


def _positions(figures: pd.DataFrame) -> dict:
    """(indicator, unit, breakdown_group, breakdown) -> row positions, kept for the last few
    frames (held here, so an id is never another frame's; a frame is read-only once made)."""
    kept = _series_index.pop(id(figures), None)
    if kept is None or kept[0] is not figures or len(kept[0]) != len(figures):
        if len(_series_index) >= 4:             # the least recently asked goes
            _series_index.pop(next(iter(_series_index)))
        kept = (figures, figures.groupby(SERIES_KEY, observed=True, sort=False, dropna=True).indices)
    _series_index[id(figures)] = kept
    return kept[1]


# Indicator ids, with DfE's wording of the population they count. Breakdown groups and
# labels are DfE's own (2025 release wording), e.g. for cla_31_march: "Placement" ->
# "Foster placements", "Age group" -> "16 years and over", "Locality of placement" ->
# "Placed outside the local authority boundary", "Distance between home and placement" ->
# "Placed more than 20 miles from home"; see published.LABEL_SYNONYMS for older wordings.
INDICATORS = {indicator: INDICATOR_NAMES[indicator] for indicator in (
    Indicator.CLA, Indicator.STARTED, Indicator.CEASED, Indicator.TWO_YEARS, Indicator.LONG_TERM_UNDER_16,
    Indicator.NEW_PLACEMENTS, Indicator.CARE_LEAVERS_17_18, Indicator.CARE_LEAVERS_19_21)}


def side_by_side(computed: pd.DataFrame, published: pd.DataFrame) -> pd.DataFrame:
    """Each computed figure beside the published one for the same place, year, indicator,
    breakdown and unit, with the difference (computed less published).

    Places are matched on ``new_la_code`` (and level), so names spelt differently do not
    matter; figures published but not computed, or computed but not published, are kept
    with the other side missing.
    """
    keys = ["time_period", "geographic_level", "new_la_code", "indicator", "breakdown_group", "breakdown", "unit"]
    left = computed[keys + ["la_name", "value", "status"]]
    right = published[keys + ["value", "status", "source"]]
    both = left.merge(right, on=keys, how="outer", suffixes=("_computed", "_published"))
    both["difference"] = both["value_computed"] - both["value_published"]
    return both.sort_values(keys, kind="stable").reset_index(drop=True)


def concat(frames: list[pd.DataFrame]) -> pd.DataFrame | None:
    """Frames of the same columns stacked, categoricals kept categorical (their categories
    united) rather than turned into text; None when there is nothing to stack."""
    frames = [frame for frame in frames if len(frame)]
    if not frames:
        return None
    from pandas.api.types import union_categoricals

    out = {}
    for column in frames[0].columns:
        parts = [frame[column] for frame in frames]
        if all(isinstance(part.dtype, pd.CategoricalDtype) for part in parts):
            out[column] = union_categoricals([part.astype(pd.CategoricalDtype(
                [str(c) for c in part.cat.categories])) for part in parts], ignore_order=True)
        else:
            out[column] = pd.concat([part.reset_index(drop=True) for part in parts], ignore_index=True)
    return pd.DataFrame(out)


def to_csv(frame: pd.DataFrame, path) -> None:
    """Write ``frame`` as CSV fast (pyarrow; 300,000 figures in a fraction of a second),
    categoricals as their text, missing values as empty cells."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pa_csv

    arrow = pa.Table.from_pandas(frame, preserve_index=False)
    arrow = pa.table({name: pc.cast(column, pa.string()) if pa.types.is_dictionary(column.type) else column
                      for name, column in zip(arrow.column_names, arrow.columns)})
    pa_csv.write_csv(arrow, path, write_options=pa_csv.WriteOptions(quoting_style="needed"))
