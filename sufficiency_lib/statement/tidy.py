"""Tables in the DfE Explore Education Statistics (EES) tidy shape, with ``.meta.csv``.

Every table the suite writes has the EES geography and time columns first, then its
filters, then indicators named ``{thing}_{count|percent|rate}``; a ``.meta.csv`` beside
it describes each filter and indicator, as the EES data screener expects.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from sufficiency_lib.safe_csv import write_csv

from sufficiency_lib.config import Authority

GEOGRAPHY_COLUMNS = [
    "time_period", "time_identifier", "geographic_level", "country_code", "country_name",
    "region_code", "region_name", "old_la_code", "la_name", "new_la_code",
]
META_COLUMNS = ["col_name", "col_type", "label", "indicator_grouping", "indicator_unit",
                "indicator_dp", "filter_hint", "filter_grouping_column"]


def la_frame(authority: Authority, time_periods, time_identifier: str = "Reporting year") -> pd.DataFrame:
    """The EES geography and time columns for one authority, one row per time period."""
    periods = [int(p) for p in time_periods]
    return pd.DataFrame({
        "time_period": periods,
        "time_identifier": time_identifier,
        "geographic_level": "Local authority",
        "country_code": "E92000001",
        "country_name": "England",
        "region_code": authority.region_code,
        "region_name": authority.region_name,
        "old_la_code": authority.old_la_code,
        "la_name": authority.la_name,
        "new_la_code": authority.new_la_code,
    })


def meta_frame(indicators: dict[str, tuple[str, str, int]], filters: dict[str, str] | None = None) -> pd.DataFrame:
    """The ``.meta.csv`` rows: ``indicators`` maps column -> (label, unit, decimal places)."""
    rows = [{"col_name": name, "col_type": "Filter", "label": label}
            for name, label in (filters or {}).items()]
    rows += [{"col_name": name, "col_type": "Indicator", "label": label,
              "indicator_unit": unit, "indicator_dp": dp}
             for name, (label, unit, dp) in indicators.items()]
    frame = pd.DataFrame(rows).reindex(columns=META_COLUMNS)
    return frame.astype({"indicator_dp": "Int64"})       # EES reads whole numbers: 0, not 0.0


def write_table(table: pd.DataFrame, meta: pd.DataFrame, path: Path) -> Path:
    """Write ``table`` as CSV and ``meta`` beside it as ``<name>.meta.csv``, every cell safe to
    open in a spreadsheet; return the CSV path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    missing = sorted(set(meta["col_name"]) - set(table.columns))
    if missing:
        raise ValueError(f"{path.name}: meta describes columns the table lacks: {missing}")
    write_csv(table, path)
    write_csv(meta, path.with_suffix(".meta.csv"))
    return path
