"""Validation rules and the ledger that accounts for every input row.

Each rule has an id, a severity, a plain-English title, what the cleaner does with the
rows it catches and what the analyst should do. The :class:`Ledger` records findings and
each row's outcome, so that for every table

    rows in = kept + corrected + superseded + quarantined

where *superseded* rows are older-year copies replaced by a newer return (years overlap
by design in the 903) and *quarantined* rows are set aside, with their reason, because
they cannot be mended.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

OUTCOMES = ("kept", "corrected", "superseded", "quarantined")
_RANK = {outcome: rank for rank, outcome in enumerate(OUTCOMES)}


@dataclass(frozen=True)
class Rule:
    id: str
    severity: str      # error | warning | info
    title: str
    outcome: str       # what happens to the rows it catches (file rules: "file not read")
    fix: str


RULES = {rule.id: rule for rule in [
    # Whole files
    Rule("F02", "error", "file is empty", "file not read", "Export the table again; an empty file has no header row."),
    Rule("F03", "error", "file is binary, not text", "file not read",
         "Save the table as CSV (UTF-8) or Excel, or remove the file from the folder."),
    Rule("F04", "warning", "file is not UTF-8", "kept", "Save the file as CSV UTF-8 so names and codes read exactly."),
    Rule("F05", "error", "file could not be read", "file not read",
         "Open the file, check it is the table it claims to be, and save it again."),
    Rule("F06", "error", "required column missing", "file not read",
         "Add the column with its 903 name (see the DfE SSDA903 guidance) and re-run."),
    Rule("F07", "info", "not a 903 table", "file not read",
         "Nothing to do, or rename the file or sheet after its table (e.g. episodes_2025.csv)."),
    Rule("F08", "info", "column not used", "kept", "Nothing to do; extra columns are ignored."),
    # Values
    Rule("S01", "error", "essential date missing or unreadable", "quarantined",
         "Write the date as dd/mm/YYYY in the source system and re-export."),
    Rule("S02", "warning", "date unreadable, blanked", "corrected", "Write the date as dd/mm/YYYY."),
    Rule("S03", "info", "date in another format, read unambiguously", "corrected",
         "Export dates as dd/mm/YYYY, as DfE specifies."),
    Rule("C01", "info", "code in lower case or padded, tidied", "corrected", "Nothing to do."),
    Rule("C02", "warning", "code not in the DfE code list", "kept",
         "Correct the code in the source system; it is shown as unknown in tables."),
    Rule("C03", "warning", "unknown placement type", "kept",
         "Correct PLACE in the source system; the placement is counted as 'Unknown'."),
    Rule("C04", "warning", "required code blank", "kept", "Fill the code in the source system."),
    # Rows
    Rule("R01", "warning", "exact duplicate row", "quarantined", "Remove the repeated row from the export."),
    Rule("R02", "warning", "same key twice in one return; the later row is taken", "quarantined",
         "Keep one row per child (and date) in the export."),
    Rule("R03", "warning", "row repeats the column names", "quarantined",
         "Remove the repeated header line (often from pasting two exports together)."),
    Rule("M01", "info", "older copy of a row restated by a newer return", "superseded", "Nothing to do."),
    Rule("M02", "info", "episode open in an older return, closed by a newer return", "superseded", "Nothing to do."),
    Rule("M03", "warning", "episode in an older return missing from the newer return that covers it",
         "superseded", "Check the child's episodes in the newer return; the newer return is taken as right."),
    Rule("M04", "warning", "episode open at the end of an older return, child absent from the newer return",
         "kept", "Check whether the child left care; the episode is treated as still open."),
    # Episode records
    Rule("E01", "error", "episode ends before it starts", "quarantined", "Correct DECOM or DEC in the source system."),
    Rule("E02", "error", "episode starts before the child's birth", "quarantined", "Correct DOB or DECOM."),
    Rule("E03", "error", "child not in the header table", "quarantined",
         "Add the child to the header export (every child in the return needs a header row)."),
    Rule("E04", "warning", "episode overlaps the next one; ended on the day the next starts", "corrected",
         "Correct DEC in the source system so episodes follow on without overlap."),
    Rule("E05", "warning", "period of care continues (REC X1) but the next episode starts later",
         "kept", "Check DEC and the next DECOM; a continuing period should have no gap."),
    Rule("E06", "info", "care under an agreed series of short breaks (LS V3/V4)", "kept",
         "Nothing to do; short-break-only care is excluded from 'looked after at 31 March'."),
]}


class Ledger:
    """Findings and row outcomes for one return, table by table."""

    def __init__(self):
        self._findings: list[pd.DataFrame] = []
        self._outcomes: dict[str, pd.Series] = {}
        self._reasons: dict[str, pd.Series] = {}

    def register(self, table: str, frame: pd.DataFrame) -> None:
        """Start accounting for ``frame``'s rows (by ``row_id``), all kept until a rule says otherwise."""
        index = pd.Index(frame["row_id"].to_numpy(), name="row_id")
        self._outcomes[table] = pd.Series("kept", index=index)
        self._reasons[table] = pd.Series("", index=index)

    def file_problem(self, rule_id: str, file: str, detail: str) -> None:
        """Record a problem with a whole file (or sheet)."""
        rule = RULES[rule_id]
        self._findings.append(pd.DataFrame([{
            "rule_id": rule_id, "severity": rule.severity, "table": "", "file": file, "row": pd.NA,
            "column": "", "value": "", "outcome": rule.outcome,
            "message": f"{file}: {rule.title}: {detail}. {rule.fix}"}]))

    def flag(self, rule_id: str, table: str, rows: pd.DataFrame, column: str = "",
             values: pd.Series | None = None) -> None:
        """Record ``rule_id`` against ``rows`` (with provenance columns) and set their outcome."""
        if rows.empty:
            return
        rule = RULES[rule_id]
        shown = (values if values is not None else rows[column] if column else pd.Series("", index=rows.index))
        shown = shown.astype("string").fillna("")
        unit = rows["source_file"].str.lower().str.endswith(".xml").map({True: ", line ", False: ", row "})
        where = rows["source_file"] + unit + rows["source_row"].astype(str)
        if column:
            where = where + ", column " + column + ", value '" + shown + "'"
        self._findings.append(pd.DataFrame({
            "rule_id": rule_id, "severity": rule.severity, "table": table,
            "file": rows["source_file"].to_numpy(), "row": rows["source_row"].to_numpy(),
            "column": column, "value": shown.to_numpy(), "outcome": rule.outcome,
            "message": (where + ": " + rule.title + ". " + rule.fix).to_numpy()}))
        self._set_outcome(table, rows["row_id"], rule.outcome, rule_id)

    def _set_outcome(self, table: str, row_ids: pd.Series, outcome: str, rule_id: str) -> None:
        if outcome not in _RANK:
            return
        current = self._outcomes[table]
        ids = pd.Index(row_ids.to_numpy())
        stronger = ids[current.loc[ids].map(_RANK).to_numpy() < _RANK[outcome]]
        current.loc[stronger] = outcome
        self._reasons[table].loc[stronger] = rule_id

    def active(self, table: str, frame: pd.DataFrame) -> pd.DataFrame:
        """Rows of ``frame`` neither superseded nor quarantined."""
        outcome = self._outcomes[table].loc[frame["row_id"].to_numpy()].to_numpy()
        return frame.loc[(outcome != "superseded") & (outcome != "quarantined")]

    def outcome_of(self, table: str) -> pd.DataFrame:
        """``row_id``, ``outcome`` and the deciding ``rule_id`` of every row of ``table``."""
        return pd.DataFrame({"outcome": self._outcomes[table], "rule_id": self._reasons[table]}).reset_index()

    def findings(self) -> pd.DataFrame:
        columns = ["rule_id", "severity", "table", "file", "row", "column", "value", "outcome", "message"]
        if not self._findings:
            return pd.DataFrame(columns=columns)
        return pd.concat(self._findings, ignore_index=True)[columns]

    def reconciliation(self) -> pd.DataFrame:
        """Per table: rows in, and how many were kept, corrected, superseded, quarantined."""
        rows = []
        for table, outcomes in self._outcomes.items():
            counts = outcomes.value_counts()
            row = {"table": table, "rows_in": len(outcomes)}
            row.update({outcome: int(counts.get(outcome, 0)) for outcome in OUTCOMES})
            row["balanced"] = row["rows_in"] == sum(row[o] for o in OUTCOMES)
            rows.append(row)
        return pd.DataFrame(rows, columns=["table", "rows_in", *OUTCOMES, "balanced"])

    def rule_summary(self) -> pd.DataFrame:
        """Rows caught by each rule, with what was done and what to do."""
        findings = self.findings()
        counts = findings.groupby(["rule_id", "table"], dropna=False).size().rename("rows").reset_index()
        described = pd.DataFrame([{"rule_id": r.id, "severity": r.severity, "title": r.title,
                                   "outcome": r.outcome, "fix": r.fix} for r in RULES.values()])
        return counts.merge(described, on="rule_id", how="left")[
            ["rule_id", "severity", "table", "rows", "title", "outcome", "fix"]]
