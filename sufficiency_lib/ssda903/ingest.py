"""Reading an SSDA903 return: one file per table per year, several years at once.

Accepted layouts, in any mix: year folders (``DIR/2025/episodes.csv``), years in file
names (``DIR/episodes_2025.csv``, ``903_2024-25_header.xlsx``, ``2017-episodes.csv``),
Excel workbooks with one sheet per table, and XML submissions (one per year). Column names
are matched case- and space-insensitively; every value is read as text (codes stay
strings; dates are parsed later, explicitly). Each row keeps its file, line and
collection year. Which year a label means is checked against the dates
(:mod:`sufficiency_lib.ssda903.years`).

Problems with whole files (unreadable, empty, binary, missing columns) become findings
for the data-quality report, and their rows enter the reconciliation; nothing here raises
for bad input except :class:`IngestError` when there is nothing to read at all.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from sufficiency_lib.ssda903 import columns, ingest_xml, readers, years
from sufficiency_lib.ssda903.quality import Ledger
from sufficiency_lib.ssda903.readers import SHAPE, TEXT, normalise_name
from sufficiency_lib.ssda903.schema import COLUMN_ALIASES, TABLE_FILE_WORDS, TABLES

TEXT_SUFFIXES = {".csv", ".txt", ".tsv"}
EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls"}
XML_SUFFIXES = {".xml"}
__all__ = ["IngestError", "SourceFile", "RawReturn", "discover", "read_return", "normalise_name",
           "year_from_path", "table_from_name", "conform_columns"]


class IngestError(ValueError):
    """There is nothing usable to read; the message says where and what to do."""


@dataclass
class SourceFile:
    """A file found in the return folder, with what it holds as far as its name tells."""

    path: Path
    relative: str
    kind: str                 # csv | excel | xml | other
    table: str | None         # None: a workbook or XML holding several tables
    year: int | None          # the year its path names (see ``years.label_of``)
    both_years: bool = False  # the path names both years (2024-25)


@dataclass
class RawReturn:
    """Every table read, stacked across files and years, all values text."""

    tables: dict[str, pd.DataFrame]
    files: list[SourceFile]
    ledger: Ledger = field(default_factory=Ledger)


def year_from_path(relative: str) -> int | None:
    """The year a path names: the last year in it; ``2024-25`` means 2025."""
    return years.label_of(relative)[0]


def table_from_name(stem: str) -> str | None:
    """The 903 table a file or sheet name refers to, if any."""
    simple = "_".join(stem.lower().replace("-", " ").split())
    for word, table in TABLE_FILE_WORDS:
        if word in simple:
            return table
    return None


def discover(return_dir: Path) -> list[SourceFile]:
    """Every file below ``return_dir`` that could hold 903 tables, in path order."""
    found = []
    for path in sorted(p for p in Path(return_dir).rglob("*") if p.is_file() and not p.name.startswith((".", "~$"))):
        suffix = path.suffix.lower()
        kind = ("csv" if suffix in TEXT_SUFFIXES else "excel" if suffix in EXCEL_SUFFIXES
                else "xml" if suffix in XML_SUFFIXES else "other")
        relative = path.relative_to(return_dir).as_posix()
        table = table_from_name(path.stem) if kind in ("csv", "excel") else None
        label, both = years.label_of(relative)
        found.append(SourceFile(path, relative, kind, table, label, both))
    return found


def _excel_sheets(source: SourceFile, ledger: Ledger) -> dict[str, pd.DataFrame]:
    try:
        sheets = pd.read_excel(source.path, sheet_name=None, header=None, dtype=str, keep_default_na=False)
    except Exception as err:  # openpyxl/xlrd raise many types for a damaged or mislabelled file
        ledger.file_problem("F05", source.relative, f"not a readable Excel workbook ({type(err).__name__}: "
                            f"{str(err)[:200]})", source.table or "")
        return {}
    chosen = {}
    for name, frame in sheets.items():
        table = source.table if source.table and len(sheets) == 1 else table_from_name(str(name))
        if table is None or table in chosen:
            if len(frame):
                ledger.file_problem("F07", source.relative, f"sheet {name!r} is not a 903 table and was not read")
            continue
        chosen[table] = readers.read_sheet(frame, readers.Source(source.relative, table), str(name), ledger)
    return chosen


def _xml_tables(source: SourceFile, ledger: Ledger) -> dict[str, pd.DataFrame]:
    ignored: list[str] = []
    try:
        tables = ingest_xml.read_xml(source.path, ignored=ignored)
    except ingest_xml.XmlFormatError as err:
        ledger.file_problem("F05", source.relative, str(err).removeprefix(f"{source.path}").lstrip(": ,"))
        return {}
    if ignored:
        ledger.file_problem("F12", source.relative, "; ".join(ignored))
    return {name: frame.rename(columns={"source_line": "source_row"}) for name, frame in tables.items()
            if len(frame)}


def _tables_in(source: SourceFile, ledger: Ledger) -> dict[str, pd.DataFrame]:
    if source.kind == "xml":
        return _xml_tables(source, ledger)
    if source.kind == "excel":
        return _excel_sheets(source, ledger)
    if source.kind == "csv" and source.table:
        frame, _ = readers.read_csv(source.path.read_bytes(), readers.Source(source.relative, source.table), ledger)
        return {source.table: frame} if frame is not None else {}
    ledger.file_problem("F07", source.relative, "not a 903 table by its name or type, so not read")
    return {}


def conform_columns(frame: pd.DataFrame, table: str, source: SourceFile, ledger: Ledger) -> pd.DataFrame | None:
    """Rename columns to their 903 names; None (and a finding, its rows counted) when a required one is missing."""
    spec = TABLES[table]
    wanted = {normalise_name(c): c for c in spec.columns}
    wanted.update({normalise_name(alias): name for alias, name in COLUMN_ALIASES.items() if name in spec.columns})
    renames, unused = {}, []
    for column in frame.columns:
        if column in ("source_row", SHAPE):
            continue
        target = wanted.get(normalise_name(column))
        if target is None or target in renames.values():
            unused.append(str(column))
        else:
            renames[column] = target
    missing = [c for c in spec.required if c not in renames.values()]
    if missing:
        found = [str(c) for c in frame.columns if c not in ("source_row", SHAPE)]
        ledger.file_problem("F06", source.relative, f"the {table} table lacks required column(s) "
                            f"{', '.join(missing)} (found: {', '.join(found[:15]) or 'none'})", table, rows=len(frame))
        return None
    if unused:
        ledger.file_problem("F08", source.relative, f"column(s) not used: {', '.join(unused[:15])}", table)
    out = frame.rename(columns=renames)
    for column in spec.optional:
        if column not in out.columns:
            out[column] = pd.Series("", index=out.index, dtype=TEXT)
    keep = list(spec.columns) + ["source_row"] + ([SHAPE] if SHAPE in out.columns else [])
    return columns.categorize(out[keep])


def _stack(table: str, parts: list[tuple[pd.DataFrame, SourceFile, int]], ledger: Ledger) -> pd.DataFrame:
    """One table's pieces as one frame with provenance: ``row_id``, ``source_file``, ``return_year``."""
    frames = [frame for frame, _, _ in parts]
    lengths = [len(frame) for frame in frames]
    names = list(dict.fromkeys(source.relative for _, source, _ in parts))
    file_codes = np.repeat(np.array([names.index(source.relative) for _, source, _ in parts], dtype=np.int32),
                           lengths)
    data = {"row_id": np.arange(sum(lengths), dtype=np.int32)}
    for column in dict.fromkeys(c for frame in frames for c in frame.columns):
        if column == SHAPE:
            data[column] = np.concatenate([frame[SHAPE].to_numpy(dtype=object) if SHAPE in frame
                                           else np.full(len(frame), "", dtype=object) for frame in frames])
        elif not isinstance(frames[0][column].dtype, np.dtype):  # text, held as a dictionary
            data[column] = columns.union([frame[column] for frame in frames])
        else:
            data[column] = np.concatenate([frame[column].to_numpy() for frame in frames])
            if column == "source_row":
                data[column] = data[column].astype(np.int32)
    stacked = pd.DataFrame(data)
    stacked["source_file"] = pd.Categorical.from_codes(file_codes, categories=names)
    stacked["return_year"] = np.repeat(np.array([year for _, _, year in parts], dtype=np.int64), lengths)
    ledger.register(table, stacked)
    if SHAPE in stacked.columns:
        shape = pd.Series(stacked[SHAPE].to_numpy(dtype=object)).fillna("").astype(str)
        extra = shape.str.startswith("extra").to_numpy()
        ledger.flag_mask("R05", table, stacked, extra, "(extra values)",
                         values=shape.loc[extra].str.removeprefix("extra: "))
        ledger.flag_mask("R06", table, stacked, (shape == "short").to_numpy())
        stacked = stacked.drop(columns=SHAPE)
    return stacked


class ReturnReader:
    """Reads a return's files table by table, so that a large return is never all in memory.

    On creation it finds the files, reads those that hold several tables (workbooks, XML)
    and every episodes file, and settles the collection year of each file (their episodes
    tell it); :meth:`tables` then reads the other files one table at a time.
    """

    def __init__(self, return_dir: Path, year: int | None = None, year_label: str | None = None):
        return_dir = Path(return_dir)
        if year_label not in (None, *years.YEAR_LABELS):
            raise ValueError(f"year_label must be 'start' or 'end', not {year_label!r}")
        if not return_dir.is_dir():
            raise IngestError(f"{return_dir}: no such folder; give the folder that holds the 903 files.")
        self.files = discover(return_dir)
        if not self.files:
            raise IngestError(f"{return_dir}: the folder is empty; put the 903 files (CSV, Excel or XML) in it.")
        self.ledger = Ledger()
        self._groups: dict[tuple, years.Group] = {}
        self._pieces: dict[str, list[tuple[pd.DataFrame, SourceFile]]] = {}
        self._pending: dict[str, list[SourceFile]] = {}
        for source in self.files:
            # Only files that are, or may hold, 903 tables make a year's group.
            group = self._group(source) if source.table or source.kind in ("excel", "xml") else None
            if source.kind == "csv" and source.table and source.table != "episodes":
                self._pending.setdefault(source.table, []).append(source)
            else:
                self._read(source, group)
        for group in self._groups.values():  # without episodes, other dated tables tell the year
            if not any(table == "episodes" for table, _ in group.pieces):
                for table in [t for t, spec in TABLES.items() if spec.event_dates]:
                    for source in [s for s in self._pending.get(table, []) if self._group(s) is group]:
                        self._pending[table].remove(source)
                        self._read(source, group)
        years.assign(list(self._groups.values()), year, year_label, self.ledger)
        for group in self._groups.values():
            group.pieces.clear()  # the dates have told the years; the pieces wait in self._pieces

    def _group(self, source: SourceFile) -> years.Group:
        key = (source.year, source.both_years)
        group = self._groups.setdefault(key, years.Group(source.year, source.both_years))
        if source.relative not in group.files:
            group.files.append(source.relative)
        return group

    def _read(self, source: SourceFile, group: years.Group | None) -> None:
        tables = _tables_in(source, self.ledger)
        if group is None:
            return  # not a 903 table: _tables_in has said so
        if source.table and not tables:
            group.rejected_tables.add(source.table)
        for table, frame in tables.items():
            conformed = conform_columns(frame, table, source, self.ledger)
            if conformed is None:
                group.rejected_tables.add(table)
                continue
            if len(conformed) == 0:
                self.ledger.file_problem("F13", source.relative, f"the {table} table has no rows", table)
            if group.year == 0 and (table == "episodes" or TABLES[table].event_dates):
                group.pieces.append((table, conformed))  # evidence of the year, until it is settled
            self._pieces.setdefault(table, []).append((conformed, source))

    def _order(self) -> list[str]:
        """Header first (the others are checked against it), then the largest tables: each is
        cleaned while few clean tables are held, which keeps the peak memory down."""
        size = {table: sum(source.path.stat().st_size for source in self._pending.get(table, []))
                for table in TABLES}
        rest = sorted((t for t in TABLES if t != "header"), key=lambda t: -size[t])
        return ["header", *rest]

    def tables(self):
        """Each table (header first, then the largest) stacked with its provenance and registered."""
        for table in self._order():
            for source in self._pending.pop(table, []):
                self._read(source, self._group(source))
            pieces = self._pieces.pop(table, [])
            if pieces:
                parts = [(frame, source, self._group(source).year) for frame, source in pieces]
                del pieces
                stacked = _stack(table, parts, self.ledger)
                del parts  # the pieces are copied into ``stacked``: let them go before it is used
                yield table, stacked
                del stacked


def read_return(return_dir: Path, year: int | None = None, year_label: str | None = None) -> RawReturn:
    """Read every 903 file below ``return_dir`` into stacked text tables with provenance.

    ``year`` is the collection year (ending 31 March) of files whose path names none
    (default: the latest their dates show). ``year_label`` says how years in paths are
    written: ``"end"`` (DfE's way: "2025" ends 31 March 2025), ``"start"`` ("2024" starts
    1 April 2024), or None: read as ``"end"``, and a label the dates contradict is a
    blocking finding (Y01) rather than a warning (Y02).
    """
    reader = ReturnReader(return_dir, year, year_label)
    return RawReturn(tables={table: columns.as_text(frame) for table, frame in reader.tables()},
                     files=reader.files, ledger=reader.ledger)
