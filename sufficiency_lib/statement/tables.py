"""Tables declared once: the page, the EES CSV and its ``.meta.csv`` all come from one
declaration of each column (name, label, kind, unit and decimals).

A :class:`Table` holds the values to show (numbers, or a GSS symbol such as ``c`` where a
cell is suppressed) under the columns' EES names, and:

- :meth:`Table.to_html` writes it for the page: the columns' labels as headings, counts as
  whole numbers with thousands commas, percentages whole unless declared otherwise, money
  rounded sensibly (£850, £25.0m), text left-aligned and numbers right-aligned;
- :meth:`Table.ees` writes it in the DfE Explore Education Statistics tidy shape (the
  geography and time columns first, then filters, then indicators) and :meth:`Table.meta`
  its ``.meta.csv``; text that a spreadsheet would run as a formula is neutralised.
"""
from __future__ import annotations

import html
import math
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from sufficiency_lib.safe_csv import neutralise_text
from sufficiency_lib.wording import half_up, money_text
from sufficiency_lib.statement import tidy

FILTER, INDICATOR, TIME = "filter", "indicator", "time"
MISSING = "x"          # GSS: not available


@dataclass(frozen=True)
class Column:
    """One column: its EES ``name``, the ``label`` readers see, whether it is a filter
    (text that classifies a row), an indicator (a number) or the time, its ``unit`` as EES
    writes it ("", "%", "£") and its ``decimals`` (``trim``: fewer where the value is whole);
    ``show`` False keeps it to the CSV."""

    name: str
    label: str
    kind: str = INDICATOR
    unit: str = ""
    decimals: int = 0
    trim: bool = False          # a whole number is written whole (52, not 52.0)
    show: bool = True           # on the page as well as in the CSV

    @property
    def numeric(self) -> bool:
        return self.kind == INDICATOR

    def heading(self) -> str:
        """The heading on the page: the label, with its unit where the cells do not show it."""
        return f"{self.label} (%)" if self.unit == "%" and "%" not in self.label else self.label


def text(name: str, label: str) -> Column:
    """A filter column: labels that classify the rows."""
    return Column(name, label, FILTER)


def count(name: str, label: str) -> Column:
    """A count of children (or of anything): a whole number."""
    return Column(name, label)


def number(name: str, label: str, decimals: int = 0, unit: str = "", trim: bool = False,
           show: bool = True) -> Column:
    return Column(name, label, INDICATOR, unit, decimals, trim, show)


def percent(name: str, label: str, decimals: int = 0) -> Column:
    return Column(name, label, INDICATOR, "%", decimals)


def pounds(name: str, label: str, decimals: int = 0) -> Column:
    return Column(name, label, INDICATOR, "£", decimals)


def year(name: str = "time_period", label: str = "Year") -> Column:
    """The time column (31 March of the year, or the year ending then)."""
    return Column(name, label, TIME)


# --- formatting ------------------------------------------------------------------------

def _fixed(value: float, column: Column, commas: bool) -> str:
    value = half_up(value, column.decimals)
    decimals = 0 if column.trim and value.is_integer() else column.decimals     # 83.0 reads 83
    return f"{value:,.{decimals}f}" if commas else f"{value:.{decimals}f}"


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and not (
        isinstance(value, float) and math.isnan(value))


def _symbol(value) -> str | None:
    """A cell that is not a number: its text (a GSS symbol, or empty when missing)."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, str):
        return value.strip()
    return None


def _number_text(text: str) -> float | None:
    """A number written as text (a table through suppression holds "1010" beside "c")."""
    try:
        return float(text.replace(",", ""))
    except ValueError:
        return None


def display_value(value, column: Column) -> str:
    """One cell as the page shows it."""
    symbol = _symbol(value)
    if symbol is not None:
        if not (column.numeric and column.kind != TIME and _number_text(symbol) is not None):
            return symbol
        value = _number_text(symbol)
    if column.kind == TIME:
        return str(int(value)) if _is_number(value) else str(value)
    if not column.numeric:
        return str(value)
    number_ = float(value)
    if column.unit == "£":
        return money_text(number_, column.decimals)
    return _fixed(number_, column, commas=True)


def ees_value(value, column: Column) -> str:
    """One cell as the EES CSV holds it: numbers unformatted at the declared decimals,
    a GSS symbol where there is no number."""
    symbol = _symbol(value)
    if symbol is not None:
        return symbol or (MISSING if column.numeric else "")
    if column.kind == TIME:
        return str(int(value))
    if not column.numeric:
        return str(value)
    return _fixed(float(value), column, commas=False)


# --- the table ---------------------------------------------------------------------------

@dataclass
class Table:
    """A declared table: ``columns`` describe ``frame``'s columns (by EES name), in order."""

    key: str
    caption: str
    source: str
    columns: list[Column]
    frame: pd.DataFrame
    time_identifier: str = "Reporting year"
    notes: list[str] = field(default_factory=list)

    def __post_init__(self):
        missing = [c.name for c in self.columns if c.name not in self.frame.columns]
        if missing:
            raise ValueError(f"table {self.key}: columns declared but not in the frame: {missing}")

    @property
    def shown_columns(self) -> list[Column]:
        return [c for c in self.columns if c.show]

    def display_frame(self) -> pd.DataFrame:
        """The table as the page shows it: headings and formatted cells."""
        return pd.DataFrame({c.heading(): [display_value(v, c) for v in self.frame[c.name]]
                             for c in self.shown_columns})

    def to_html(self) -> str:
        shown = self.shown_columns
        heads = "".join(f'<th scope="col" class="{"num" if c.numeric else "text"}">{html.escape(c.heading())}</th>'
                        for c in shown)
        body = []
        for row in self.frame[[c.name for c in shown]].itertuples(index=False):
            cells = "".join(f'<td class="{"num" if c.numeric else "text"}">{html.escape(display_value(v, c))}</td>'
                            for c, v in zip(shown, row))
            body.append(f"<tr>{cells}</tr>")
        table = (f'<table class="data-table"><caption>{html.escape(self.caption)}</caption>'
                 f"<thead><tr>{heads}</tr></thead><tbody>{''.join(body)}</tbody></table>")
        notes = "".join(f'<p class="note">{html.escape(n)}</p>' for n in self.notes)
        return f'<div class="table-block">{table}<p class="source">Source: {html.escape(self.source)}</p>{notes}</div>'

    def _repr_html_(self) -> str:
        return self.to_html()

    def ees(self, authority, period: int | None = None) -> pd.DataFrame:
        """The table in the EES tidy shape for ``authority``: geography and time first, then
        filters, then indicators. Rows without a time column take ``period``."""
        time = next((c for c in self.columns if c.kind == TIME), None)
        values = {c.name: [neutralise_text(ees_value(v, c)) for v in self.frame[c.name]]
                  for c in self.columns if c.kind != TIME}
        periods = ([int(v) for v in self.frame[time.name]] if time is not None
                   else [int(period)] * len(self.frame))
        geo = tidy.la_frame(authority, periods, self.time_identifier)
        ordered = [c.name for c in self.columns if c.kind == FILTER] + [c.name for c in self.columns if c.numeric]
        out = pd.concat([geo, pd.DataFrame(values)[ordered]], axis=1)
        return out.sort_values("time_period", kind="stable", ignore_index=True)   # tidy data: year by year

    def meta(self) -> pd.DataFrame:
        """The ``.meta.csv`` rows of the EES data screener."""
        return tidy.meta_frame({c.name: (c.label, c.unit, c.decimals) for c in self.columns if c.numeric},
                               {c.name: c.label for c in self.columns if c.kind == FILTER})

    def save(self, folder: str | Path, authority, period: int | None = None, name: str | None = None) -> Path:
        """Write ``<key>.csv`` and ``<key>.meta.csv`` into ``folder``; return the CSV path."""
        return tidy.write_table(self.ees(authority, period), self.meta(), Path(folder) / f"{name or self.key}.csv")

    def with_frame(self, frame: pd.DataFrame) -> Table:
        return replace(self, frame=frame)
