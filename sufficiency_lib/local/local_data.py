"""The authority's local tables: costs, budgets, framework prices, fostering recruitment,
the commissioned market, specialist cohorts, and optionally a deflator and capacity.

Where they live: the authority's local data folder (``local_dir`` in its params file; the
demo's is ``data/demo/local/<new_la_code>/``), as one CSV per table, ``<table>.csv``, or
as the sheets of one workbook, ``local_data.xlsx``, one sheet per table named as below.
A CSV wins over a sheet of the same name. Column names are matched however they are
capitalised or spaced. Every table may carry ``note`` and ``source`` columns.

==============================  =========================================================
table (file or sheet)           columns
==============================  =========================================================
weekly_costs                    financial_year (2020/21), placement_type, provider,
                                weekly_cost_gbp (>= 0), comparator_weekly_cost_gbp
                                (>= 0, may be blank)
placement_budget                financial_year, budget, amount_gbp (a saving may be < 0)
supported_accommodation_prices  framework, lot, locality, weekly_price_gbp (>= 0); a lot
                                or locality called "Average" holds a printed average,
                                which is checked, never used
fostering_recruitment           period, measure, value (>= 0); measures in
                                :data:`RECRUITMENT_MEASURES`
provider_market                 framework, as_at, measure, value (>= 0)
specialist_cohorts              period, cohort, measure, value
deflator (optional)             financial_year, index (> 0; any base year)
capacity (optional)             year (collection year), placement_group (one of
                                PlacementGroup.ORDER), places (>= 0)
==============================  =========================================================

Every problem is a :class:`LocalDataError` naming the file (and sheet), the row (as a
spreadsheet shows it, header = row 1), the column, the value and what to do. A table
that is not there is not an error: :func:`load` returns what it found and the chapter
says what is missing.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from sufficiency_lib.vocabulary import PlacementGroup

WORKBOOK = "local_data.xlsx"
YEAR = re.compile(r"^\d{4}/\d{2}$")

RECRUITMENT_MEASURES = {
    "enquiries", "initial_visits", "households_in_assessment", "assessments_completed", "households_approved",
    "beds_approved", "households_deregistered", "beds_deregistered", "net_gain_households",
    "target_net_gain_households_per_year", "target_additional_in_house_placements",
}


class LocalDataError(ValueError):
    """A local table that cannot be used as it is."""


@dataclass(frozen=True)
class Column:
    name: str
    kind: str = "text"          # text, money, number, year (2020/21), int
    required: bool = True       # the column must be there
    blank: bool = False         # a cell may be empty
    minimum: float | None = None
    allowed: frozenset | None = None


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    optional: bool = False      # the chapter does without it

    @property
    def required(self) -> list[str]:
        return [c.name for c in self.columns if c.required]


TEXT_EXTRA = (Column("note", required=False, blank=True), Column("source", required=False, blank=True))

TABLES = {t.name: t for t in [
    Table("weekly_costs", (Column("financial_year", "year"), Column("placement_type"), Column("provider"),
                           Column("weekly_cost_gbp", "money", minimum=0),
                           Column("comparator_weekly_cost_gbp", "money", required=False, blank=True, minimum=0),
                           *TEXT_EXTRA)),
    Table("placement_budget", (Column("financial_year", "year"), Column("budget"), Column("amount_gbp", "money"),
                               *TEXT_EXTRA)),
    Table("supported_accommodation_prices", (Column("framework"), Column("lot"), Column("locality"),
                                             Column("weekly_price_gbp", "money", minimum=0),
                                             Column("published_in", required=False, blank=True), *TEXT_EXTRA)),
    Table("fostering_recruitment", (Column("period"), Column("measure", allowed=frozenset(RECRUITMENT_MEASURES)),
                                    Column("value", "number", minimum=0), *TEXT_EXTRA)),
    Table("provider_market", (Column("framework"), Column("as_at"), Column("measure"),
                              Column("value", "number", minimum=0), *TEXT_EXTRA)),
    Table("specialist_cohorts", (Column("period"), Column("cohort"), Column("measure"), Column("value", "number"),
                                 *TEXT_EXTRA)),
    Table("deflator", (Column("financial_year", "year"), Column("index", "number", minimum=0.000001), *TEXT_EXTRA),
          optional=True),
    Table("capacity", (Column("year", "int"), Column("placement_group", allowed=frozenset(PlacementGroup.ORDER)),
                       Column("places", "number", minimum=0), *TEXT_EXTRA), optional=True),
]}


@dataclass
class LocalData:
    """The tables found (checked and typed), where each came from, and what is missing."""

    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    folder: Path | None = None

    def get(self, name: str) -> pd.DataFrame | None:
        return self.tables.get(name)

    @property
    def missing(self) -> list[str]:
        return [name for name in TABLES if name not in self.tables]


def _normalise(name) -> str:
    return re.sub(r"[^a-z0-9]+", "_", str(name).strip().lower()).strip("_")


def _where(origin: str, row: int | None = None, column: str | None = None) -> str:
    parts = [origin]
    if row is not None:
        parts.append(f"row {row}")
    if column is not None:
        parts.append(f"column {column}")
    return ", ".join(parts)


def _money(text: pd.Series) -> pd.Series:
    """'£1,234.50' -> 1234.5; anything else that is not a number -> missing."""
    cleaned = text.astype("string").str.strip().str.replace(r"^£|,", "", regex=True)
    return pd.to_numeric(cleaned, errors="coerce")


def check(frame: pd.DataFrame, spec: Table, origin: str) -> pd.DataFrame:
    """``frame`` with the spec's columns typed, or the first problem as a LocalDataError."""
    frame = frame.rename(columns=_normalise)
    missing = [c for c in spec.required if c not in frame.columns]
    if missing:
        raise LocalDataError(f"{origin}: missing column(s) {', '.join(missing)}; the {spec.name} table needs the "
                             f"columns {', '.join(spec.required)}, each named in its first row.")
    out = frame[[c.name for c in spec.columns if c.name in frame.columns]].copy()
    for column in (c for c in spec.columns if c.name in out.columns):
        out[column.name] = _typed(out[column.name], column, origin)
    return out.reset_index(drop=True)


def _typed(values: pd.Series, column: Column, origin: str) -> pd.Series:
    text = values.astype("string").str.strip()
    blank = text.isna() | text.eq("")
    if not column.blank and blank.any():
        row = int(blank.to_numpy().nonzero()[0][0]) + 2
        raise LocalDataError(f"{_where(origin, row, column.name)}: empty; fill it in (or delete the row).")
    if column.kind == "text":
        typed = text.fillna("")
    elif column.kind == "year":
        bad = ~blank & ~text.fillna("").str.match(YEAR.pattern)
        _fail_on(bad, text, origin, column, "is not a financial year; write it as 2020/21")
        typed = text.fillna("")
    else:
        typed = _money(text) if column.kind == "money" else pd.to_numeric(text, errors="coerce")
        what = {"money": "an amount in pounds, e.g. 850 or £1,234.50", "number": "a number",
                "int": "a whole number"}[column.kind]
        _fail_on(~blank & typed.isna(), text, origin, column, f"is not {what}")
        if column.kind == "int":
            _fail_on(~blank & (typed % 1 != 0), text, origin, column, f"is not {what}")
        if column.minimum is not None:
            _fail_on(typed < column.minimum, text, origin, column,
                     "is negative; costs and counts cannot be below zero" if column.minimum == 0
                     else f"must be at least {column.minimum}")
        typed = typed.astype("float64")
    if column.allowed is not None:
        _fail_on(~blank & ~typed.isin(column.allowed), text, origin, column,
                 f"is not one of {', '.join(sorted(column.allowed))}")
    return typed


def _fail_on(bad: pd.Series, text: pd.Series, origin: str, column: Column, problem: str) -> None:
    bad = bad.fillna(False).to_numpy(dtype=bool)
    if bad.any():
        index = int(bad.nonzero()[0][0])
        raise LocalDataError(f"{_where(origin, index + 2, column.name)}: value {text.iloc[index]!r} {problem}.")


def read_text_csv(path: Path) -> pd.DataFrame:
    """A local CSV's cells as text (UTF-8, with or without a byte-order mark, else
    Windows-1252, as spreadsheets save it); an empty file raises :class:`LocalDataError`."""
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except UnicodeDecodeError:
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="cp1252")
    except pd.errors.EmptyDataError:
        raise LocalDataError(f"{path}: the file is empty; delete it or give it a header row.") from None


def load(folder: str | Path | None) -> LocalData:
    """Every local table found in ``folder`` (CSV files, then the workbook's sheets)."""
    found = LocalData(folder=Path(folder) if folder else None)
    if not folder or not Path(folder).is_dir():
        return found
    folder = Path(folder)
    for name, spec in TABLES.items():
        path = folder / f"{name}.csv"
        if path.is_file():
            found.tables[name] = check(read_text_csv(path), spec, str(path))
            found.sources[name] = str(path)
    workbook = folder / WORKBOOK
    if workbook.is_file():
        sheets = pd.read_excel(workbook, sheet_name=None, dtype=str, keep_default_na=False)
        unknown = [s for s in sheets if _normalise(s) not in TABLES]
        if unknown:
            raise LocalDataError(f"{workbook}: sheet(s) {', '.join(map(repr, unknown))} are not local tables; "
                                 f"name each sheet after its table ({', '.join(TABLES)}) or remove it.")
        for sheet, frame in sheets.items():
            name = _normalise(sheet)
            if name not in found.tables:
                origin = f"{workbook}, sheet {sheet!r}"
                found.tables[name] = check(frame, TABLES[name], origin)
                found.sources[name] = origin
    return found
