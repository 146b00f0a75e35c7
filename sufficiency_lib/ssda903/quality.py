"""The ledger that accounts for every input row, and the findings that explain it.

For every table

    rows in = kept + corrected + superseded + quarantined

where *superseded* rows are older-year copies replaced by a newer return (years overlap
by design in the 903), *quarantined* rows are set aside, with their reason, because they
cannot be mended, and the rows of files rejected whole count as quarantined (their file
and the reason are in :meth:`Ledger.reconciliation_by_file`).

Findings are stored compactly, by rule, as arrays of row ids (each row's file and line
are kept once per table); their messages are written only when :meth:`Ledger.findings`
is asked for, so a return of a million rows with half a million findings stays small.
The rules themselves are in :mod:`sufficiency_lib.ssda903.rules`. A finding is
*blocking* (column ``blocking``) when it makes the return unusable: only file-level
findings can be (:func:`blocks`); :meth:`Ledger.blocking_findings` lists them.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sufficiency_lib.ssda903.rules import FILE_NOT_READ, OUTCOMES, RULE_IDS, RULES, Rule  # noqa: F401
from sufficiency_lib.ssda903.schema import REQUIRED_TABLES, TABLES

_RANK = {outcome: rank for rank, outcome in enumerate(OUTCOMES)}
_RULE_CODE = {rule_id: code for code, rule_id in enumerate(RULE_IDS, start=1)}  # 0: no rule
FINDING_COLUMNS = ["rule_id", "severity", "blocking", "table", "file", "row", "column", "value", "outcome",
                   "message"]
RECONCILIATION_COLUMNS = ["table", "rows_in", *OUTCOMES, "balanced", "files_rejected", "rows_in_rejected_files"]


@dataclass
class _Book:
    """One table's rows, by ``row_id``: where each came from, its outcome and the rule that decided it."""

    file_codes: np.ndarray
    source_rows: np.ndarray
    outcome: np.ndarray
    reason: np.ndarray


@dataclass
class _Chunk:
    """Rows of one table caught by one rule (and the column and values shown)."""

    rule_id: str
    table: str
    row_ids: np.ndarray
    column: str
    values: object  # array-like aligned with row_ids, or None


def blocks(rule: Rule, table: str) -> bool:
    """Whether a finding of ``rule`` about ``table`` ("" = not known) makes the return unusable."""
    return rule.blocks == "always" or (rule.blocks == "required" and (table in REQUIRED_TABLES or not table))


def severity(rule: Rule, table: str) -> str:
    """The rule's severity, but a warning for a file the return can do without (an optional table)."""
    return "warning" if rule.blocks == "required" and not blocks(rule, table) else rule.severity


def _as_text(values) -> pd.Series:
    series = pd.Series(values)
    if series.dtype.kind == "M":
        return series.dt.strftime("%d/%m/%Y").fillna("").astype("str")
    return series.astype("str").fillna("")


class Ledger:
    """Findings and row outcomes for one return, table by table."""

    def __init__(self):
        self._files: list[str] = []
        self._file_code: dict[str, int] = {}
        self._books: dict[str, _Book] = {}
        self._chunks: list[_Chunk] = []
        self._file_findings: list[dict] = []
        self._unread: list[dict] = []  # files (or sheets) rejected whole
        self._findings_cache: pd.DataFrame | None = None

    # --- recording ---------------------------------------------------------------------

    def _code(self, file: str) -> int:
        if file not in self._file_code:
            self._file_code[file] = len(self._files)
            self._files.append(file)
        return self._file_code[file]

    def register(self, table: str, frame: pd.DataFrame) -> None:
        """Start accounting for ``frame``'s rows (``row_id`` 0..n-1), all kept until a rule says otherwise."""
        if not np.array_equal(frame["row_id"].to_numpy(), np.arange(len(frame))):
            raise ValueError(f"{table}: row_id must number the rows 0..n-1 in order")
        files = frame["source_file"]
        if not isinstance(files.dtype, pd.CategoricalDtype):
            files = files.astype("category")
        codes = files.cat.codes.to_numpy()
        to_global = np.array([self._code(str(name)) for name in files.cat.categories] or [0], dtype=np.int32)
        n = len(frame)
        self._books[table] = _Book(to_global[codes] if n else np.zeros(0, np.int32),
                                   frame["source_row"].to_numpy().astype(np.int32),
                                   np.zeros(n, np.int8), np.zeros(n, np.int16))

    def file_problem(self, rule_id: str, file: str, detail: str, table: str = "", rows: int = 0) -> None:
        """Record a problem with a whole file (or sheet) of ``table`` ("" when not known).

        A file rejected whole (outcome "file not read") whose table is known enters the
        reconciliation: its ``rows`` count as rows in, quarantined.
        """
        rule = RULES[rule_id]
        self._code(file)
        self._findings_cache = None
        self._file_findings.append({"rule_id": rule_id, "table": table, "file": file, "detail": detail,
                                    "blocking": blocks(rule, table), "severity": severity(rule, table)})
        if rule.outcome == FILE_NOT_READ:
            self._unread.append({"file": file, "table": table, "rows": int(rows), "rule_id": rule_id,
                                 "reason": f"{rule.title}: {detail}"})

    def flag(self, rule_id: str, table: str, rows: pd.DataFrame, column: str = "", values=None) -> None:
        """Record ``rule_id`` against ``rows`` (which carry ``row_id``) and set their outcome.

        The finding shows ``values`` (aligned with ``rows``), else the rows' ``column``.
        """
        if len(rows) == 0:
            return
        ids = rows["row_id"].to_numpy().astype(np.int32)
        shown = None
        if values is not None:
            shown = values.array if isinstance(values, pd.Series) else values
        elif column:
            shown = rows[column].array
        self._chunks.append(_Chunk(rule_id, table, ids, column, shown))
        self._findings_cache = None
        self._set_outcome(table, ids, RULES[rule_id])

    def flag_mask(self, rule_id: str, table: str, frame: pd.DataFrame, mask: np.ndarray, column: str = "",
                  values=None) -> None:
        """:meth:`flag` for the rows of ``frame`` where ``mask`` holds, without copying the frame.

        ``values`` (if given) are aligned with the selected rows, not with ``frame``.
        """
        mask = np.asarray(mask, dtype=bool)
        if not mask.any():
            return
        ids = frame["row_id"].to_numpy()[mask].astype(np.int32)
        if values is not None:
            shown = values.array if isinstance(values, pd.Series) else values
        elif column:
            shown = frame[column].array[mask]
        else:
            shown = None
        self._chunks.append(_Chunk(rule_id, table, ids, column, shown))
        self._findings_cache = None
        self._set_outcome(table, ids, RULES[rule_id])

    def _set_outcome(self, table: str, ids: np.ndarray, rule: Rule) -> None:
        rank = _RANK.get(rule.outcome)
        if rank is None:
            return
        book = self._books[table]
        stronger = ids[book.outcome[ids] < rank]
        book.outcome[stronger] = rank
        book.reason[stronger] = _RULE_CODE[rule.id]

    # --- asking ------------------------------------------------------------------------

    def tables(self) -> list[str]:
        return list(self._books)

    def mask_active(self, table: str, row_ids) -> np.ndarray:
        """Which of ``row_ids`` are neither superseded nor quarantined."""
        return self._books[table].outcome[np.asarray(row_ids, dtype=np.int64)] <= _RANK["corrected"]

    def active(self, table: str, frame: pd.DataFrame) -> pd.DataFrame:
        """Rows of ``frame`` neither superseded nor quarantined."""
        return frame.loc[self.mask_active(table, frame["row_id"].to_numpy())]

    def quarantined_ids(self, table: str) -> np.ndarray:
        """Row ids of ``table`` set aside."""
        return np.flatnonzero(self._books[table].outcome == _RANK["quarantined"])

    def outcome_of(self, table: str) -> pd.DataFrame:
        """``row_id``, ``outcome`` and the deciding ``rule_id`` of every row of ``table``."""
        book = self._books[table]
        return pd.DataFrame({"row_id": np.arange(len(book.outcome)),
                             "outcome": np.array(OUTCOMES, dtype=object)[book.outcome],
                             "rule_id": np.array(["", *RULE_IDS], dtype=object)[book.reason]})

    def finding_count(self) -> int:
        return sum(len(chunk.row_ids) for chunk in self._chunks) + len(self._file_findings)

    def blocking_findings(self) -> pd.DataFrame:
        """File-level findings that make the return unusable (row rules never do), with their messages."""
        findings = self._file_frame()
        return findings.loc[findings["blocking"].astype(bool)].reset_index(drop=True)

    def _file_frame(self) -> pd.DataFrame:
        rows = []
        for item in self._file_findings:
            rule = RULES[item["rule_id"]]
            rows.append({"rule_id": rule.id, "severity": item["severity"], "blocking": item["blocking"],
                         "table": item["table"], "file": item["file"], "row": pd.NA, "column": "", "value": "",
                         "outcome": rule.outcome,
                         "message": f"{item['file']}: {rule.title}: {item['detail']}. {rule.fix}"})
        return pd.DataFrame(rows, columns=FINDING_COLUMNS).astype({"row": "Int64", "blocking": bool})

    def _chunk_frame(self, chunk: _Chunk) -> pd.DataFrame:
        rule, book = RULES[chunk.rule_id], self._books[chunk.table]
        files = pd.Categorical.from_codes(book.file_codes[chunk.row_ids], categories=self._files)
        file_text = pd.Series(files).astype("str")
        rows = book.source_rows[chunk.row_ids]
        unit = np.where(file_text.str.lower().str.endswith(".xml"), ", line ", ", row ")
        where = file_text + unit + pd.Series(rows).astype("str")
        value = _as_text(chunk.values) if chunk.values is not None else pd.Series("", index=file_text.index)
        if chunk.column:
            where = where + ", column " + chunk.column + ", value '" + value + "'"
        return pd.DataFrame({
            "rule_id": rule.id, "severity": rule.severity, "blocking": False, "table": chunk.table,
            "file": file_text, "row": pd.array(rows, dtype="Int64"), "column": chunk.column, "value": value,
            "outcome": rule.outcome, "message": where + ": " + rule.title + ". " + rule.fix})

    def findings(self) -> pd.DataFrame:
        """Every finding, one row each, naming rule, file, row, column and value, with its message."""
        if self._findings_cache is None:
            frames = [self._file_frame(), *(self._chunk_frame(chunk) for chunk in self._chunks)]
            frames = [frame for frame in frames if len(frame)]
            self._findings_cache = (pd.concat(frames, ignore_index=True)[FINDING_COLUMNS] if frames
                                    else self._file_frame())
        return self._findings_cache.copy()

    def reconciliation(self) -> pd.DataFrame:
        """Per table: rows in, and how many were kept, corrected, superseded, quarantined.

        Rows of files rejected whole are rows in and quarantined; ``files_rejected`` and
        ``rows_in_rejected_files`` say how many of each.
        """
        rows = {}
        for table, book in self._books.items():
            counts = np.bincount(book.outcome, minlength=len(OUTCOMES))
            rows[table] = {"table": table, "rows_in": len(book.outcome),
                           **{outcome: int(counts[rank]) for outcome, rank in _RANK.items()},
                           "files_rejected": 0, "rows_in_rejected_files": 0}
        for item in self._unread:
            if not item["table"]:
                continue
            row = rows.setdefault(item["table"], {"table": item["table"], "rows_in": 0,
                                                  **dict.fromkeys(OUTCOMES, 0), "files_rejected": 0,
                                                  "rows_in_rejected_files": 0})
            row["rows_in"] += item["rows"]
            row["quarantined"] += item["rows"]
            row["files_rejected"] += 1
            row["rows_in_rejected_files"] += item["rows"]
        for row in rows.values():
            row["balanced"] = row["rows_in"] == sum(row[o] for o in OUTCOMES)
        order = [t for t in TABLES if t in rows] + [t for t in rows if t not in TABLES]
        return pd.DataFrame([rows[t] for t in order], columns=RECONCILIATION_COLUMNS)

    def reconciliation_by_file(self) -> pd.DataFrame:
        """Per file and table: rows in, their outcomes, and whether (and why not) the file was read."""
        out = []
        for table, book in self._books.items():
            pairs = book.file_codes.astype(np.int64) * len(OUTCOMES) + book.outcome
            counts = np.bincount(pairs, minlength=len(self._files) * len(OUTCOMES)).reshape(-1, len(OUTCOMES))
            for code in np.flatnonzero(counts.sum(axis=1)):
                out.append({"file": self._files[code], "table": table, "rows_in": int(counts[code].sum()),
                            **{o: int(counts[code][r]) for o, r in _RANK.items()}, "read": True, "reason": ""})
        for item in self._unread:
            out.append({"file": item["file"], "table": item["table"], "rows_in": item["rows"],
                        **dict.fromkeys(OUTCOMES, 0), "quarantined": item["rows"], "read": False,
                        "reason": f"{item['rule_id']} {item['reason']}"})
        frame = pd.DataFrame(out, columns=["file", "table", "rows_in", *OUTCOMES, "read", "reason"])
        frame["balanced"] = frame["rows_in"] == frame[list(OUTCOMES)].sum(axis=1)
        return frame.sort_values(["file", "table"], kind="stable").reset_index(drop=True)

    def rule_summary(self) -> pd.DataFrame:
        """Rows caught by each rule, with what was done and what to do."""
        counts: dict[tuple[str, str], int] = {}
        for item in self._file_findings:
            key = (item["rule_id"], item["table"])
            counts[key] = counts.get(key, 0) + 1
        for chunk in self._chunks:
            key = (chunk.rule_id, chunk.table)
            counts[key] = counts.get(key, 0) + len(chunk.row_ids)
        rows = [{"rule_id": rule_id, "severity": severity(RULES[rule_id], table), "table": table, "rows": n,
                 "title": RULES[rule_id].title, "outcome": RULES[rule_id].outcome, "fix": RULES[rule_id].fix}
                for (rule_id, table), n in sorted(counts.items())]
        return pd.DataFrame(rows, columns=["rule_id", "severity", "table", "rows", "title", "outcome", "fix"])
