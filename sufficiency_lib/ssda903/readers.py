"""Reading one CSV file or Excel workbook into text frames, whatever shape it comes in.

Handled, each said in a finding: UTF-8 with or without a byte-order mark, UTF-16, and
Windows-1252 (also after a UTF-8 mark); commas, semicolons, tabs or bars between columns;
title lines above the column names (CSV and Excel); rows with too many or too few values.
Every value is read as text; each row keeps the line (or sheet row) it came from.

Most files are plain comma-separated UTF-8: those are read straight from their bytes by
pyarrow, each column kept as a dictionary of its distinct values; any file it cannot read
exactly goes through Python's csv module, which keeps line numbers through blank lines
and quoted line breaks.
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from sufficiency_lib.ssda903 import columns
from sufficiency_lib.ssda903.quality import Ledger
from sufficiency_lib.ssda903.schema import COLUMN_ALIASES, TABLES

DELIMITERS = (",", ";", "\t", "|")
DELIMITER_NAMES = {",": "commas", ";": "semicolons", "\t": "tabs", "|": "bars"}
TITLE_LINES = 10  # the column names are looked for in this many first lines
SHAPE = "_shape"  # hidden column: "" or what was wrong with the row's number of values
TEXT = columns.TEXT
_SIGNATURES = {b"PK\x03\x04": "a zip archive (an .xlsx workbook?)", b"\xd0\xcf\x11\xe0": "an old Excel (.xls) file",
               b"%PDF": "a PDF document"}


@dataclass
class Source:
    """What a reader needs to know of a file to report on it."""

    relative: str
    table: str | None


def normalise_name(name) -> str:
    """Column or sheet name without case, spaces, dashes, underscores or quotes."""
    return re.sub(r"[\s_\-\"'\ufeff]+", "", str(name)).upper()


def known_names(table: str | None) -> set[str]:
    """Normalised column names of ``table`` (of every table when None)."""
    specs = [TABLES[table]] if table else list(TABLES.values())
    names = {normalise_name(c) for spec in specs for c in spec.columns}
    return names | {normalise_name(alias) for alias in COLUMN_ALIASES}


def _looks_utf16(raw: bytes) -> str | None:
    """'utf-16-le'/'-be' when ``raw`` is mostly ASCII text written in UTF-16 without a mark."""
    sample = raw[:4096]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > 0.9 * len(odd) and even.count(0) < 0.1 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.9 * len(even) and odd.count(0) < 0.1 * len(odd):
        return "utf-16-be"
    return None


def decode(raw: bytes, source: Source, ledger: Ledger) -> str | None:
    """The file's text, or None (and a finding) when it is empty or not text."""
    table = source.table or ""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or _looks_utf16(raw):
        encoding = "utf-16" if raw.startswith((b"\xff\xfe", b"\xfe\xff")) else _looks_utf16(raw)
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            text = None
        if text is not None and "\x00" not in text:
            if not text.strip():
                ledger.file_problem("F02", source.relative, "the file holds no text", table)
                return None
            ledger.file_problem("F09", source.relative, "the file is UTF-16 text; read as such", table)
            return text.lstrip("\ufeff")
    if not raw.strip():
        ledger.file_problem("F02", source.relative, "the file is empty (0 bytes or only blank lines)", table)
        return None
    if b"\x00" in raw[:8192]:
        kind = next((what for mark, what in _SIGNATURES.items() if raw.startswith(mark)), "not text")
        ledger.file_problem("F03", source.relative, f"the file holds binary data: {kind}", table)
        return None
    marked = raw.startswith(b"\xef\xbb\xbf")
    body = raw[3:] if marked else raw
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as err:
        line = body[:err.start].count(b"\n") + 1
        mark = " although the file starts with a UTF-8 byte-order mark" if marked else ""
        ledger.file_problem("F04", source.relative, f"byte 0x{body[err.start]:02x} on line {line} is not UTF-8"
                            f"{mark}; read as Windows-1252", table)
        return body.decode("cp1252", errors="replace")


def locate_header(lines: list[list[str]] | list[str], table: str | None) -> tuple[int, str, int]:
    """(line index, delimiter, names recognised) of the likeliest column-name line.

    ``lines`` are raw text lines (CSV) or lists of cells (a sheet). The line that names the
    most columns of ``table`` wins; ties go to the earlier line and to commas.
    """
    wanted = known_names(table)
    best = (0, ",", 0)
    for index, line in enumerate(lines[:TITLE_LINES]):
        candidates = [("", line)] if isinstance(line, list) else [(d, line.split(d)) for d in DELIMITERS]
        for delimiter, cells in candidates:
            score = len({normalise_name(cell) for cell in cells} & wanted)
            if score > best[2]:
                best = (index, delimiter or ",", score)
    return best


def _fast_csv(body: bytes, delimiter: str, names: list[str]) -> pd.DataFrame | None:
    """The rows below the column names via pyarrow (each column as a dictionary of its
    distinct values), or None when it cannot read them exactly."""
    try:
        table = pa_csv.read_csv(
            io.BytesIO(body),
            # One block: every column comes back as a single array, encoded without copying.
            read_options=pa_csv.ReadOptions(column_names=names, block_size=max(len(body) + 1, 1 << 20)),
            parse_options=pa_csv.ParseOptions(delimiter=delimiter, newlines_in_values=False,
                                               ignore_empty_lines=False),
            convert_options=pa_csv.ConvertOptions(column_types={n: pa.large_string() for n in names},
                                                  strings_can_be_null=False, quoted_strings_can_be_null=False))
    except (pa.ArrowInvalid, pa.ArrowTypeError, ValueError):
        return None
    return pd.DataFrame({name: pd.arrays.ArrowExtensionArray(pc.dictionary_encode(table.column(i).combine_chunks()))
                         for i, name in enumerate(names)})


def _slow_csv(text: str, delimiter: str, names: list[str], first_line: int) -> pd.DataFrame:
    """The rows below the column names via the csv module; ``first_line`` is the line of the first row."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    width, rows, lines, shapes = len(names), [], [], []
    previous = 0
    for cells in reader:
        start, previous = first_line + previous, reader.line_num
        if not cells or (len(cells) == 1 and not cells[0].strip()):
            continue  # a blank line
        shape = ""
        if len(cells) > width:
            extra = [c for c in cells[width:] if c.strip()]
            shape = f"extra: {' | '.join(extra)}" if extra else ""
            cells = cells[:width]
        elif len(cells) < width:
            shape, cells = "short", cells + [""] * (width - len(cells))
        rows.append(cells)
        lines.append(start)
        shapes.append(shape)
    frame = pd.DataFrame(rows, columns=names, dtype=TEXT) if rows else pd.DataFrame(
        {n: pd.Series([], dtype=TEXT) for n in names})
    frame["source_row"] = np.array(lines, dtype=np.int64)
    if any(shapes):
        frame[SHAPE] = shapes
    return frame


def _unique_names(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for name in names:
        name = name.strip() or "unnamed"
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return out


def _split_header(data, index: int):
    """(the column-name line, everything below it) of ``data`` (text or bytes)."""
    newline = "\n" if isinstance(data, str) else b"\n"
    parts = data.split(newline, index + 1)
    header = parts[index] if index < len(parts) else data[:0]
    return header, (parts[index + 1] if len(parts) > index + 1 else data[:0])


def _names(header_line: str, delimiter: str) -> list[str]:
    return _unique_names(next(csv.reader([header_line.rstrip("\r")], delimiter=delimiter), []))


def _plain_body(body: bytes, names: list[str]) -> bool:
    """Whether pyarrow can read ``body`` with exact line numbers: no blank lines, unique names."""
    end = len(body)
    while end and body[end - 1] in b" \t\r\n":  # trailing blank lines do no harm
        end -= 1
    return (end > 0 and len(set(names)) == len(names) and body.find(b"\n\n", 0, end) < 0
            and body.find(b"\n\r\n", 0, end) < 0 and not body[:1].isspace())


def _quick_read(raw: bytes, table: str | None) -> tuple[pd.DataFrame, int, str] | None:
    """A plain UTF-8 file (no mark, no NUL) read straight from its bytes, or None to take the long way.

    Nothing is decoded into Python text: pyarrow checks the UTF-8 as it reads.
    """
    if not raw or raw.isspace() or raw.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")) \
            or b"\x00" in raw[:8192]:
        return None
    head = raw[:20000].decode("utf-8", errors="replace").splitlines()[:TITLE_LINES]
    index, delimiter, _ = locate_header(head, table)
    header_line, body = _split_header(raw, index)
    try:
        names = _names(header_line.decode("utf-8"), delimiter)
    except UnicodeDecodeError:
        return None
    if not _plain_body(body, names):
        return None
    frame = _fast_csv(body, delimiter, names)
    if frame is None:
        return None
    frame["source_row"] = np.arange(index + 2, index + 2 + len(frame), dtype=np.int64)
    return frame, index, delimiter


def _long_read(raw: bytes, source: Source, ledger: Ledger) -> tuple[pd.DataFrame, int, str, list[str]] | None:
    """Any text file: decoded (saying how), then read by pyarrow if it can, else by the csv module."""
    text = decode(raw, source, ledger)
    if text is None:
        return None
    head = text[:20000].splitlines()[:TITLE_LINES]
    index, delimiter, _ = locate_header(head, source.table)
    header_line, rest = _split_header(text, index)
    names = _names(header_line, delimiter)
    body = rest.encode("utf-8")
    frame = _fast_csv(body, delimiter, names) if _plain_body(body, names) else None
    if frame is not None:
        frame["source_row"] = np.arange(index + 2, index + 2 + len(frame), dtype=np.int64)
    else:
        frame = _slow_csv(rest, delimiter, names, index + 2)
    return frame, index, delimiter, head


def read_csv(raw: bytes, source: Source, ledger: Ledger) -> tuple[pd.DataFrame | None, int]:
    """(frame of text columns and ``source_row``, or None; the data rows the file holds)."""
    quick = _quick_read(raw, source.table)
    if quick is not None:
        frame, index, delimiter = quick
        head = raw[:20000].decode("utf-8", errors="replace").splitlines()[:TITLE_LINES] if index else []
    else:
        long = _long_read(raw, source, ledger)
        if long is None:
            return None, 0
        frame, index, delimiter, head = long
    if index:
        ledger.file_problem("F10", source.relative, f"{index} line(s) above the column names were skipped "
                            f"(first: {head[0][:60]!r})", source.table or "")
    if delimiter != ",":
        ledger.file_problem("F11", source.relative, f"columns are separated by {DELIMITER_NAMES[delimiter]}",
                            source.table or "")
    return frame, len(frame)


def read_sheet(frame: pd.DataFrame, source: Source, sheet: str, ledger: Ledger) -> pd.DataFrame:
    """A sheet read without column names (``header=None``) as a frame with its column names found."""
    frame = frame.fillna("").astype(str)
    head = [[str(c) for c in row] for row in frame.head(TITLE_LINES).itertuples(index=False)]
    index, _, _ = locate_header(head, source.table)
    if index:
        ledger.file_problem("F10", f"{source.relative} [{sheet}]", f"{index} row(s) above the column names "
                            f"were skipped (first: {' '.join(head[0]).strip()[:60]!r})", source.table or "")
    names = _unique_names(head[index] if head else [])
    body = frame.iloc[index + 1:].copy()
    body.columns = names
    # A fully blank sheet row is no row at all.
    body = body.loc[~(body == "").all(axis=1)] if len(body.columns) else body
    out = body.astype(TEXT)
    out["source_row"] = (body.index.to_numpy() + 1).astype(np.int64)  # sheet rows count from 1
    return out.reset_index(drop=True)
