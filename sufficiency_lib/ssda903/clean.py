"""From raw 903 text tables to clean, typed tables, accounting for every row.

Steps, table by table (header first; each rule is in :mod:`sufficiency_lib.ssda903.rules`):

1. rows that repeat the column names are quarantined (R03); child ids padded with spaces
   are trimmed (C05);
2. codes are tidied (upper case, no padding: C01) and checked against the DfE lists
   (C02, C03; blank required codes C04) - unknown codes are kept and shown as unknown;
3. dates are read (:mod:`sufficiency_lib.ssda903.dates`): dd/mm/YYYY; ISO (S03); a file
   written month first (S04, or S06 when it mixes both); two-digit years (S05). An
   unreadable essential date quarantines the row (S01), another is blanked (S02); a date
   in the future quarantines (S07) or is blanked (S08); one after the end of its return's
   year is flagged (S09);
4. exact duplicates in one return are quarantined (R01), and of rows sharing a key in one
   return the later is taken, saying how they differ (R02; a child's date of birth, R04);
5. years are merged, the newest return winning (M01-M05: :mod:`.episodes`);
6. rows of children not in the header are quarantined (E03); episode records are checked
   and mended (E01-E06) and deprivation of liberty orders checked (D01).

Rows set aside stay in the table (marked in the ledger) until step 5, which drops them
with the superseded ones: a large table is filtered once, not once per step. Text columns
are held as categories (:mod:`.columns`) until then. Each table's raw rows are let go once
it is cleaned, except those set aside, which the report lists.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from sufficiency_lib.ssda903 import codes, columns, dates, episodes, keys
from sufficiency_lib.ssda903.ingest import RawReturn, ReturnReader
from sufficiency_lib.ssda903.quality import Ledger
from sufficiency_lib.ssda903.schema import PROVENANCE, TABLES

REQUIRED_CODES = ("LS", "PLACE", "RNE")


def _libc():
    """glibc, to hand freed memory back between tables (None elsewhere)."""
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6")
        return libc if hasattr(libc, "malloc_trim") else None
    except OSError:  # not glibc (macOS, Windows, musl): nothing to trim
        return None


_LIBC = _libc()


@dataclass
class CleanReturn:
    """Clean tables (quarantined and superseded rows removed) and the ledger that explains them.

    ``held`` keeps, per table, the raw text of the rows set aside (for the report).
    """

    tables: dict[str, pd.DataFrame]
    ledger: Ledger
    held: dict[str, pd.DataFrame] = field(default_factory=dict)

    def quarantine(self, table: str) -> pd.DataFrame:
        """Raw rows of ``table`` set aside, with the rule that set them aside."""
        held = self.held.get(table)
        if held is None:
            return pd.DataFrame(columns=["row_id", "outcome", "rule_id"])
        outcomes = self.ledger.outcome_of(table)
        return held.merge(outcomes.loc[outcomes["outcome"] == "quarantined"], on="row_id")


def _alive(frame: pd.DataFrame, table: str, ledger: Ledger) -> np.ndarray:
    """Rows not yet set aside or superseded (steps flag only these)."""
    return ledger.mask_active(table, frame["row_id"].to_numpy())


def drop_repeated_headers(frame: pd.DataFrame, table: str, ledger: Ledger) -> pd.DataFrame:
    """Quarantine rows that repeat the column names (R03)."""
    ledger.flag_mask("R03", table, frame, columns.matches(frame["CHILD"], r"^\s*(?i:child)\s*$"), "CHILD")
    return frame


def tidy_ids(frame: pd.DataFrame, table: str, ledger: Ledger) -> pd.DataFrame:
    """Trim spaces around child ids, so the child's rows link across tables (C05)."""
    padded = columns.matches(frame["CHILD"], r"^\s|\s$")
    if not padded.any():
        return frame
    ledger.flag_mask("C05", table, frame, padded & _alive(frame, table, ledger), "CHILD")
    return frame.assign(CHILD=columns.recode(frame["CHILD"], lambda values: values.str.strip()))


def tidy_codes(frame: pd.DataFrame, table: str, ledger: Ledger) -> pd.DataFrame:
    """Upper-case and trim codes (C01); flag codes not in the DfE lists (C02, C03) and blanks (C04)."""
    changes, alive = {}, _alive(frame, table, ledger)
    for column in frame.columns.intersection(list(codes.KNOWN_CODES)):
        known = codes.KNOWN_CODES[column]
        raw = columns.to_category(frame[column])
        text = pd.Series(raw.cat.categories.astype(str))
        tidied = text.str.strip().str.upper()
        blank = columns.per_value(raw, lambda _: (tidied == "").to_numpy(), missing=True)
        changed = columns.per_value(raw, lambda _: ((tidied != text) & (tidied != "")).to_numpy())
        unknown = columns.per_value(raw, lambda _: ((tidied != "") & ~tidied.isin(known)).to_numpy())
        ledger.flag_mask("C01", table, frame, changed & alive, column)
        ledger.flag_mask("C03" if column == "PLACE" else "C02", table, frame, unknown & alive, column)
        if table == "episodes" and column in REQUIRED_CODES:
            ledger.flag_mask("C04", table, frame, blank & alive, column)
        if (tidied != text).any():
            changes[column] = columns.recode(raw, lambda values: values.str.strip().str.upper())
    return frame.assign(**changes) if changes else frame


def _after_year_end(values: np.ndarray, return_year: np.ndarray) -> np.ndarray:
    """Rows whose date is after 31 March of the row's collection year."""
    late = np.zeros(len(values), dtype=bool)
    for year in np.unique(return_year):
        if year > 0:
            late |= (return_year == year) & (values > np.datetime64(f"{int(year):04d}-03-31", "s"))
    return late


def _shown(text: pd.Series, values: np.ndarray, mask: np.ndarray) -> pd.Series:
    """'<text> read as dd/mm/YYYY' for the rows of ``mask``."""
    read_as = pd.Series(values[mask]).dt.strftime(codes.DATE_FORMAT).to_numpy()
    return text.loc[mask].astype(str).reset_index(drop=True) + " read as " + pd.Series(read_as, dtype=str)


def _flag_month_first(frame, table, spec, ledger) -> tuple[dict, np.ndarray]:
    """Each date column read once per distinct text; which rows come from a month-first file."""
    distinct = {column: dates.distinct(frame[column]) for column in spec.dates}
    files = frame["source_file"].cat.codes.to_numpy()
    names = list(frame["source_file"].cat.categories)
    day, month = dates.file_evidence(list(distinct.values()), files, len(names))
    for code in np.flatnonzero(day & month):
        ledger.file_problem("S06", names[code], f"some dates of the {table} table can only be day first and some "
                            "only month first; dates such as 05/06/2020 were read day first", table)
    return distinct, (month & ~day)[files]


def parse_dates(frame: pd.DataFrame, table: str, ledger: Ledger, today: dt.date | None = None) -> pd.DataFrame:
    """Read every date column (S01-S09); rows set aside stay in the frame, marked in the ledger."""
    spec = TABLES[table]
    if not spec.dates or frame.empty:
        return frame.assign(**{c: pd.Series(pd.NaT, index=frame.index, dtype="datetime64[s]") for c in spec.dates})
    distinct, month_first_rows = _flag_month_first(frame, table, spec, ledger)
    now = np.datetime64(today or dt.date.today(), "s")
    return_year = frame["return_year"].to_numpy()
    alive = _alive(frame, table, ledger)
    parsed = {}
    for column in spec.dates:
        values, kinds = dates.read(distinct.pop(column), month_first_rows)
        essential = column in spec.essential_dates
        strict = essential or (table == "episodes" and column == "DEC")
        for rule, kind in (("S03", dates.ISO), ("S04", dates.MONTH_FIRST), ("S05", dates.SHORT_YEAR)):
            hit = (kinds == kind) & alive
            if hit.any():
                ledger.flag_mask(rule, table, frame, hit, column, values=_shown(frame[column], values, hit))
        bad = kinds == dates.BAD
        ledger.flag_mask("S01" if strict else "S02", table, frame, bad & alive, column)
        if essential:
            ledger.flag_mask("S01", table, frame, (kinds == dates.BLANK) & alive, column)
        values[bad] = dates.NAT
        if column not in spec.later_dates:
            future = values > now  # NaT compares False
            ledger.flag_mask("S07" if essential else "S08", table, frame, future & alive, column)
            ledger.flag_mask("S09", table, frame, ~future & alive & _after_year_end(values, return_year), column)
            if not essential:
                values[future] = dates.NAT
        parsed[column] = values
    return frame.assign(**parsed)


def _differences(dropped: pd.DataFrame, kept: pd.DataFrame, columns: list[str]) -> tuple[pd.Series, pd.Series]:
    """For each dropped row (aligned with its kept twin): the first column that differs, and both values."""
    first = pd.Series("", index=dropped.index, dtype=object)
    shown = pd.Series("", index=dropped.index, dtype=object)
    for column in columns:
        a, b = dropped[column].reset_index(drop=True), kept[column].reset_index(drop=True)
        if a.dtype.kind == "M":
            a, b = a.dt.strftime(codes.DATE_FORMAT).fillna(""), b.dt.strftime(codes.DATE_FORMAT).fillna("")
        differs = ((a.astype(str) != b.astype(str)).to_numpy()) & (first == "").to_numpy()
        first[differs] = column
        shown[differs] = (a.astype(str)[differs] + " (this row) vs " + b.astype(str)[differs]
                          + " (the later row, kept)").to_numpy()
    return first, shown


def drop_duplicates(frame: pd.DataFrame, table: str, ledger: Ledger) -> pd.DataFrame:
    """Exact repeats (R01), then the earlier of rows sharing a key in one return (R02; DOB, R04).

    The rows set aside stay in the frame, marked in the ledger.
    """
    key = [c for c in TABLES[table].key if c != "return_year"] + ["return_year"]
    alive = np.flatnonzero(_alive(frame, table, ledger))
    shared = pd.Series(keys.codes(frame, key)[alive]).duplicated(keep=False).to_numpy()
    if not shared.any():
        return frame
    # Only rows whose key repeats can be duplicates: work on those alone.
    content = [c for c in frame.columns if c not in PROVENANCE] + ["return_year"]
    candidates = frame.iloc[alive[shared]]
    exact = candidates.duplicated(content, keep="first").to_numpy()
    ledger.flag_mask("R01", table, candidates, exact)
    candidates = candidates.loc[~exact]
    candidate_keys = keys.codes(candidates, key)
    clash = keys.duplicated(candidate_keys, keep="last")
    dropped = candidates.loc[clash]
    if len(dropped):
        last = pd.Series(np.arange(len(candidates)), index=candidate_keys).groupby(level=0).last()
        twins = candidates.iloc[last.loc[candidate_keys[clash]].to_numpy()]
        columns = [c for c in content if c not in key]
        columns = ["DOB", *(c for c in columns if c != "DOB")] if "DOB" in columns else columns
        first, shown = _differences(dropped, twins, columns)
        dob = (first == "DOB").to_numpy()
        ledger.flag_mask("R04", table, dropped, dob, "DOB", values=shown[dob])
        for column in pd.unique(first[~dob]):
            rows = (first == column).to_numpy() & ~dob
            ledger.flag_mask("R02", table, dropped, rows, column or key[0],
                             values=shown[rows] if column else dropped.loc[rows, key[0]])
    return frame


def check_children_in_header(frame: pd.DataFrame, table: str, header: pd.DataFrame, ledger: Ledger) -> pd.DataFrame:
    """Quarantine rows of children the header table does not have (E03)."""
    orphan = ~keys.isin(frame["CHILD"], header["CHILD"])
    if orphan.any():
        ledger.flag_mask("E03", table, frame, orphan, "CHILD")
        return frame.loc[~orphan]
    return frame


def check_orders(frame: pd.DataFrame, ledger: Ledger) -> pd.DataFrame:
    """Deprivation of liberty orders ending before they start (D01)."""
    backwards = (frame["DOLO_END"].notna() & (frame["DOLO_END"] < frame["DOLO_START"])).to_numpy()
    ledger.flag_mask("D01", "dolo", frame, backwards, "DOLO_END")
    return frame.loc[~backwards]


def clean_table(frame: pd.DataFrame, table: str, header: pd.DataFrame | None, ledger: Ledger) -> pd.DataFrame:
    """Every step of the module docstring, on one table."""
    frame = drop_repeated_headers(frame, table, ledger)
    frame = tidy_ids(frame, table, ledger)
    frame = tidy_codes(frame, table, ledger)
    frame = parse_dates(frame, table, ledger)
    frame = drop_duplicates(frame, table, ledger)
    frame = episodes.merge_years(frame, table, ledger)  # the one step that drops the rows set aside
    if table != "header":
        frame = check_children_in_header(frame, table, header, ledger)
    frame = columns.as_text(frame)
    if table == "episodes":
        frame = episodes.check_episodes(frame, header, ledger)
    if table == "dolo":
        frame = check_orders(frame, ledger)
    return frame.reset_index(drop=True)


@contextmanager
def system_memory_pool():
    """Let Arrow allocate from the system allocator for the duration (then restore its default).

    Arrow's default allocator (mimalloc) keeps the blocks a table frees for reuse; cleaning
    frees large blocks of many sizes one table after another, and kept blocks would only
    raise the process's peak memory. Buffers remember their pool, so they are freed
    correctly after the default is restored.
    """
    previous = pa.default_memory_pool()
    pa.set_memory_pool(pa.system_memory_pool())
    try:
        yield
    finally:
        pa.set_memory_pool(previous)


def _release_memory() -> None:
    """Hand freed memory back to the system between tables, so peaks do not stack up.

    Arrow's pool and glibc's heap both keep freed blocks for reuse; the next table's
    buffers are of other sizes, so kept blocks would only add to the process's peak.
    """
    pa.default_memory_pool().release_unused()
    if _LIBC is not None:
        _LIBC.malloc_trim(0)


def clean_tables(tables: Iterable[tuple[str, pd.DataFrame]], ledger: Ledger) -> CleanReturn:
    """Clean each ``(table, raw frame)`` in turn (header first), letting go of each raw table once done."""
    cleaned, held = {}, {}
    no_header = pd.DataFrame({"CHILD": pd.Series([], dtype=str), "DOB": pd.Series([], dtype="datetime64[s]")})
    for table, frame in tables:
        cleaned[table] = clean_table(frame, table, cleaned.get("header", no_header), ledger)
        quarantined = ledger.quarantined_ids(table)
        if len(quarantined):
            held[table] = columns.as_text(frame.iloc[quarantined].reset_index(drop=True))
        del frame
        _release_memory()
    in_order = {table: cleaned[table] for table in TABLES if table in cleaned}
    return CleanReturn(tables=in_order, ledger=ledger, held=held)


def clean(raw: RawReturn) -> CleanReturn:
    """Clean every table of ``raw``; ``raw.tables`` is emptied as it goes, so no raw table is held twice."""
    def drain():
        for table in ["header", *(t for t in list(raw.tables) if t != "header")]:
            if table in raw.tables:
                yield table, raw.tables.pop(table)
    return clean_tables(drain(), raw.ledger)


def load_clean_return(return_dir: Path, year: int | None = None, year_label: str | None = None) -> CleanReturn:
    """Read and clean the 903 files below ``return_dir``, one table at a time.

    ``year``: the collection year (ending 31 March) of files whose path names none.
    ``year_label``: how years in file and folder names are written, ``"end"`` (DfE's way)
    or ``"start"`` ("2017" runs April 2017 to March 2018); see :func:`ingest.read_return`.
    """
    with system_memory_pool():
        reader = ReturnReader(return_dir, year, year_label)
        return clean_tables(reader.tables(), reader.ledger)
