"""Reading an SSDA903 return: one file per table per year, several years at once.

Accepted layouts, in any mix: year folders (``DIR/2025/episodes.csv``), years in file
names (``DIR/episodes_2025.csv``, ``903_2024-25_header.xlsx``), Excel workbooks with one
sheet per table, and XML submissions (one per year). Column names are matched case- and
space-insensitively; every value is read as text (codes stay strings; dates are parsed
later, explicitly). Each row keeps its file, line and collection year.

Problems with whole files (unreadable, empty, binary, missing columns) become findings
for the data-quality report; nothing here raises for bad input except
:class:`IngestError` when there is nothing to read at all.
"""
from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from sufficiency_lib.ssda903 import ingest_xml
from sufficiency_lib.ssda903.quality import Ledger
from sufficiency_lib.ssda903.schema import COLUMN_ALIASES, TABLE_FILE_WORDS, TABLES

TEXT_SUFFIXES = {".csv", ".txt"}
EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls"}
XML_SUFFIXES = {".xml"}
YEAR_PATTERN = re.compile(r"(?<!\d)(20\d{2})(?:[-_/](\d{2}))?(?!\d)")


class IngestError(ValueError):
    """There is nothing usable to read; the message says where and what to do."""


@dataclass
class SourceFile:
    """A file found in the return folder, with what it holds as far as its name tells."""

    path: Path
    relative: str
    kind: str                 # csv | excel | xml
    table: str | None         # None: a workbook or XML holding several tables
    year: int | None


@dataclass
class RawReturn:
    """Every table read, stacked across files and years, all values text."""

    tables: dict[str, pd.DataFrame]
    files: list[SourceFile]
    ledger: Ledger = field(default_factory=Ledger)


def normalise_name(name: str) -> str:
    """Column or sheet name without case, spaces, dashes or underscores."""
    return re.sub(r"[\s_\-]+", "", str(name)).upper()


def year_from_path(relative: str) -> int | None:
    """The collection year a path names: the last year in it; ``2024-25`` means 2025."""
    matches = YEAR_PATTERN.findall(relative)
    if not matches:
        return None
    first, second = matches[-1]
    return int(first[:2] + second) if second else int(first)


def table_from_name(stem: str) -> str | None:
    """The 903 table a file or sheet name refers to, if any."""
    simple = re.sub(r"[\s\-]+", "_", stem.lower())
    for word, table in TABLE_FILE_WORDS:
        if word in simple:
            return table
    return None


def discover(return_dir: Path) -> list[SourceFile]:
    """Every file below ``return_dir`` that could hold 903 tables, in path order."""
    found = []
    for path in sorted(p for p in Path(return_dir).rglob("*") if p.is_file() and not p.name.startswith(".")):
        suffix = path.suffix.lower()
        kind = ("csv" if suffix in TEXT_SUFFIXES else "excel" if suffix in EXCEL_SUFFIXES
                else "xml" if suffix in XML_SUFFIXES else None)
        relative = str(path.relative_to(return_dir))
        table = table_from_name(path.stem) if kind != "xml" else None
        found.append(SourceFile(path, relative, kind or "other", table, year_from_path(relative)))
    return found


def _decode(source: SourceFile, raw: bytes, ledger: Ledger) -> str | None:
    if not raw.strip():
        ledger.file_problem("F02", source.relative, "the file is empty")
        return None
    if b"\x00" in raw[:8192]:
        ledger.file_problem("F03", source.relative, "the file holds binary data, not text")
        return None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw[:err.start].count(b"\n") + 1
        ledger.file_problem("F04", source.relative,
                            f"byte 0x{raw[err.start]:02x} on line {line} is not UTF-8; read as Windows-1252")
        return raw.decode("cp1252", errors="replace")


def _read_csv(source: SourceFile, ledger: Ledger) -> pd.DataFrame | None:
    text = _decode(source, source.path.read_bytes(), ledger)
    if text is None:
        return None
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as err:
        ledger.file_problem("F05", source.relative, f"not a readable CSV ({err})")
        return None
    return frame.assign(source_row=range(2, len(frame) + 2))  # line 1 holds the names


def _excel_sheets(source: SourceFile, ledger: Ledger) -> dict[str, pd.DataFrame]:
    try:
        sheets = pd.read_excel(source.path, sheet_name=None, dtype=str, keep_default_na=False)
    except Exception as err:  # openpyxl raises many types for a damaged or mislabelled file
        ledger.file_problem("F05", source.relative, f"not a readable Excel workbook ({type(err).__name__}: {err})")
        return {}
    chosen = {}
    for name, frame in sheets.items():
        table = source.table if source.table and len(sheets) == 1 else table_from_name(name)
        if table is None or table in chosen:
            ledger.file_problem("F07", source.relative, f"sheet {name!r} is not a 903 table and was not read")
            continue
        chosen[table] = frame.assign(source_row=range(2, len(frame) + 2))
    return chosen


def _xml_tables(source: SourceFile, ledger: Ledger) -> dict[str, pd.DataFrame]:
    try:
        tables = ingest_xml.read_xml(source.path)
    except ingest_xml.XmlFormatError as err:
        ledger.file_problem("F05", source.relative, str(err))
        return {}
    return {name: frame.rename(columns={"source_line": "source_row"})
            for name, frame in tables.items() if len(frame)}


def conform_columns(frame: pd.DataFrame, table: str, source: SourceFile, ledger: Ledger) -> pd.DataFrame | None:
    """Rename columns to their 903 names; None (and a finding) when a required one is missing."""
    spec = TABLES[table]
    wanted = {normalise_name(c): c for c in spec.columns}
    wanted.update({normalise_name(alias): name for alias, name in COLUMN_ALIASES.items()})
    renames, unused = {}, []
    for column in frame.columns:
        if column == "source_row":
            continue
        target = wanted.get(normalise_name(column))
        if target is None or target in renames.values():
            unused.append(str(column))
        else:
            renames[column] = target
    missing = [c for c in spec.required if c not in renames.values()]
    if missing:
        ledger.file_problem("F06", source.relative, f"{table} table lacks required column(s) "
                            f"{', '.join(missing)} (found: {', '.join(map(str, frame.columns[:15]))})")
        return None
    if unused:
        ledger.file_problem("F08", source.relative, f"column(s) not used: {', '.join(unused)}")
    out = frame.rename(columns=renames)
    for column in spec.optional:
        if column not in out.columns:
            out[column] = ""
    return out[list(spec.columns) + ["source_row"]]


def _tables_in(source: SourceFile, ledger: Ledger) -> dict[str, pd.DataFrame]:
    if source.kind == "xml":
        return _xml_tables(source, ledger)
    if source.kind == "excel":
        return _excel_sheets(source, ledger)
    if source.kind == "csv" and source.table:
        frame = _read_csv(source, ledger)
        return {source.table: frame} if frame is not None else {}
    ledger.file_problem("F07", source.relative, "not a 903 table by its name or type, so not read")
    return {}


def infer_year(tables: dict[str, pd.DataFrame]) -> int:
    """Collection year of an undated return: the year whose 31 March follows its latest episode date."""
    episodes = tables.get("episodes")
    if episodes is None or episodes.empty:
        raise IngestError("the return names no collection year and has no episodes to infer one from; "
                          "put the files in a folder named after the year (e.g. 2025/).")
    dates = pd.concat([pd.to_datetime(episodes[c], format="%d/%m/%Y", errors="coerce") for c in ("DECOM", "DEC")])
    latest = dates.max()
    return int(latest.year + (1 if latest.month >= 4 else 0))


def read_return(return_dir: Path, year: int | None = None) -> RawReturn:
    """Read every 903 file below ``return_dir`` into stacked text tables with provenance.

    ``year`` labels files whose path names no year (default: inferred from their dates).
    """
    return_dir = Path(return_dir)
    if not return_dir.is_dir():
        raise IngestError(f"{return_dir}: no such folder; give the folder that holds the 903 files.")
    files = discover(return_dir)
    if not files:
        raise IngestError(f"{return_dir}: the folder is empty; put the 903 files (CSV, Excel or XML) in it.")
    ledger = Ledger()
    pieces: dict[str, list[pd.DataFrame]] = {}
    undated: dict[str, list[pd.DataFrame]] = {}
    for source in files:
        for table, frame in _tables_in(source, ledger).items():
            conformed = conform_columns(frame, table, source, ledger)
            if conformed is None:
                continue
            conformed = conformed.assign(source_file=source.relative)
            target = pieces if source.year else undated
            target.setdefault(table, []).append(conformed.assign(return_year=source.year or 0))
    if undated:
        undated_year = year or infer_year({t: pd.concat(f) for t, f in undated.items()})
        for table, frames in undated.items():
            pieces.setdefault(table, []).extend(f.assign(return_year=undated_year) for f in frames)
    tables = {}
    for table in [t for t in TABLES if t in pieces]:  # schema order, whatever the file order
        stacked = pd.concat(pieces[table], ignore_index=True)
        stacked.insert(0, "row_id", range(len(stacked)))
        tables[table] = stacked
        ledger.register(table, stacked)
    return RawReturn(tables=tables, files=files, ledger=ledger)


def load_return(return_dir: Path, year: int | None = None) -> dict[str, pd.DataFrame]:
    """Clean tables of the return below ``return_dir`` (read, validated, years merged)."""
    from sufficiency_lib.ssda903.clean import load_clean_return  # clean builds on this module

    return load_clean_return(return_dir, year).tables
