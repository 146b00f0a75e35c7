"""Check that a group's pages give back no cell its members' pages hide.

A group's count is the sum of its members' counts. Where a member's table hides a cell
(``c``) and the group's same table shows it, while every other member shows theirs, the
group's less the others' is the hidden count. The chapters prevent this (they hide in the
group whatever a member hides); this check reads what was rendered, so a table that slips
through is named after every batch.

It compares the tidy CSVs a group and its members have under the same name, row by row
(the same year and filters; failing that, the same year and first filter, where that names
one row) and column by column (each indicator the ``.meta.csv`` lists). Only columns that add
up are read: where the group and all its members show a number, the group's must be their
sum in every row (a projection made by a model of the group's own does not, and is left
out); a column with no such row is read when its unit is a plain number.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

SUPPRESSED = "c"


@dataclass(frozen=True)
class Recovered:
    """A member's hidden cell that the group's table and the other members' give back."""

    table: str          # the table's path below the statement's tables folder
    row: tuple          # the row's year and filters
    column: str
    value: float

    def __str__(self) -> str:
        return f"{self.table}: {self.column} of {', '.join(self.row)} is hidden for a member but is {self.value:g}"


def _read(path: Path) -> tuple[list[dict], list[str], dict[str, str]]:
    """The rows of a tidy CSV, its filter columns and its indicator columns with their units
    (from its meta)."""
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    meta = path.with_name(path.name[:-len(".csv")] + ".meta.csv")
    filters, indicators = [], {}
    if meta.is_file():
        with meta.open(newline="", encoding="utf-8") as handle:
            for line in csv.DictReader(handle):
                if line["col_type"] == "Filter":
                    filters.append(line["col_name"])
                else:
                    indicators[line["col_name"]] = line.get("indicator_unit") or ""
    return rows, filters, indicators


class _Rows:
    """A member's rows by year and filters, and by year and first filter where that names one."""

    def __init__(self, rows: list[dict], filters: list[str]):
        self.filters = filters
        self.full = {self.key(row): row for row in rows}
        short: dict = {}
        for row in rows:
            short.setdefault(self.key(row, 1), []).append(row)
        self.short = {key: found[0] for key, found in short.items() if len(found) == 1}

    def key(self, row: dict, filters: int | None = None) -> tuple:
        return tuple(row.get(c, "") for c in ("time_period", *self.filters[:filters]))

    def get(self, row: dict) -> dict | None:
        return self.full.get(self.key(row)) or self.short.get(self.key(row, 1))


def _number(cell: str | None) -> float | None:
    try:
        return float(cell) if cell is not None else None
    except ValueError:
        return None


def _column(group_rows: list[dict], members: list[_Rows], key, column: str) -> list[tuple[tuple, list, float]]:
    """Each group row's (key, member cells, group value) for ``column``, where the group shows a number
    and every member has the row."""
    out = []
    for row in group_rows:
        value = _number(row.get(column))
        cells = [(member.get(row) or {}).get(column) for member in members]
        if value is not None and all(cell is not None for cell in cells):
            out.append((key(row), [cell.strip() for cell in cells], value))
    return out


def _adds_up(lines: list[tuple[tuple, list, float]], unit: str) -> bool:
    whole = [(cells, value) for _, cells, value in lines if all(_number(c) is not None for c in cells)]
    if not whole:
        return unit == ""
    return all(abs(sum(_number(c) for c in cells) - value) < 0.5 for cells, value in whole)


def recovered(group_tables: Path, member_tables: list[Path]) -> list[Recovered]:
    """Every cell a member's table hides that the group's table and the other members' give back."""
    found = []
    for path in sorted(Path(group_tables).rglob("*.csv")):
        if path.name.endswith(".meta.csv"):
            continue
        name = path.relative_to(group_tables)
        if not all((folder / name).is_file() for folder in member_tables):
            continue
        rows, filters, indicators = _read(path)
        members = [_Rows(_read(folder / name)[0], filters) for folder in member_tables]
        for column, unit in indicators.items():
            lines = _column(rows, members, members[0].key, column)
            if not _adds_up(lines, unit):
                continue
            for where, cells, value in lines:
                hidden = [c for c in cells if c == SUPPRESSED]
                shown = [_number(c) for c in cells if c != SUPPRESSED]
                if len(hidden) == 1 and all(s is not None for s in shown):
                    found.append(Recovered(str(name), where, column, value - sum(shown)))
    return found
