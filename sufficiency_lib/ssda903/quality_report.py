"""The data-quality report of a cleaned return: is it usable, and what was done to it.

Files written to the report folder (the data-quality chapter renders the first three):

- ``reconciliation.csv``: per table, rows in = kept + corrected + superseded + quarantined
  (rows of files rejected whole count as quarantined);
- ``reconciliation_by_file.csv``: the same per file, with every file rejected whole and why;
- ``rule_summary.csv``: rows caught by each rule, what was done, what to do;
- ``findings.csv``: every finding, naming file, row, column and value;
- ``quarantine/<table>.csv``: the rows set aside, with the rule that set them aside.

The last two hold record-level data: they stay in the analyst's report folder and never
reach a rendered page. Every file is written through :mod:`sufficiency_lib.safe_csv`, so a
value such as ``=HYPERLINK(...)`` from a source file cannot run in a spreadsheet.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sufficiency_lib import safe_csv
from sufficiency_lib.ssda903.clean import CleanReturn
from sufficiency_lib.ssda903.rules import RULES
from sufficiency_lib.ssda903.schema import REQUIRED_TABLES
from sufficiency_lib.wording import half_up

#: Above this share of episodes quarantined, figures from the return are not trustworthy.
MAX_QUARANTINED_SHARE = 0.25


@dataclass
class Reason:
    """Why a return cannot be used, and what to do about it."""

    problem: str
    fix: str
    rule_id: str = ""

    def __str__(self) -> str:
        return f"{self.problem} Fix: {self.fix}"


@dataclass
class Assessment:
    """Whether a return can be used for the statement; when not, each reason with its fix.

    ``reasons`` are plain strings (problem and fix together) for printing;
    ``details`` the same as :class:`Reason` objects for pages that show them apart.
    """

    usable: bool
    reasons: list[str]
    details: list[Reason] = field(default_factory=list)


def _table_reasons(result: CleanReturn) -> list[Reason]:
    out = []
    reconciliation = result.ledger.reconciliation().set_index("table")
    for table in REQUIRED_TABLES:
        if table not in result.tables:
            rejected = table in reconciliation.index and reconciliation.loc[table, "files_rejected"] > 0
            out.append(Reason(f"No readable {table} table was found" + (" (its file was rejected)." if rejected
                                                                     else "."),
                              f"Put the {table} file of each year in the folder (e.g. 2025/{table}.csv); "
                              "the findings say why a file was not read."))
        elif result.tables[table].empty:
            out.append(Reason(f"The {table} table has no usable rows.",
                              f"Export the {table} table again with its rows; the findings say why rows "
                              "were set aside."))
    if "episodes" in reconciliation.index:
        row = reconciliation.loc["episodes"]
        live = row["rows_in"] - row["superseded"]
        share = row["quarantined"] / live if live else 0.0
        if live and share > MAX_QUARANTINED_SHARE:
            out.append(Reason(f"{half_up(share * 100):.0f}% of episodes were set aside (more than "
                              f"{half_up(MAX_QUARANTINED_SHARE * 100):.0f}%), so figures from the return would not be "
                              "trustworthy.",
                              "Correct the rules that set most rows aside (rule_summary.csv) and re-export."))
    return out


def assess(result: CleanReturn) -> Assessment:
    """Whether the return can be used for the statement, and why not (with the fix) when it cannot.

    Not usable: no header or episodes table, or one with no usable rows; a blocking
    finding (a required file not read, a year label the dates contradict, a year without
    episodes); or too many episodes set aside. Optional tables (ad1, missing, reviews, ...)
    that are empty, missing or unreadable never make a return unusable.
    """
    details = []
    for item in result.ledger.blocking_findings().itertuples():
        fix = RULES[item.rule_id].fix
        details.append(Reason(item.message.removesuffix(" " + fix), fix, item.rule_id))
    details += _table_reasons(result)
    return Assessment(usable=not details, reasons=[str(reason) for reason in details], details=details)


def write_report(result: CleanReturn, out_dir: Path) -> list[Path]:
    """Write the report files into ``out_dir`` (every cell safe for spreadsheets); return their paths."""
    out_dir = Path(out_dir)
    (out_dir / "quarantine").mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame in [("reconciliation", result.ledger.reconciliation()),
                        ("reconciliation_by_file", result.ledger.reconciliation_by_file()),
                        ("rule_summary", result.ledger.rule_summary()),
                        ("findings", result.ledger.findings())]:
        written.append(safe_csv.write_csv(frame, out_dir / f"{name}.csv"))
    for table in result.held:
        held = result.quarantine(table)
        if len(held):
            written.append(safe_csv.write_csv(held, out_dir / "quarantine" / f"{table}.csv"))
    return written


def summarise(result: CleanReturn, assessment: Assessment, examples: int = 2) -> str:
    """A few lines for the terminal: verdict (with reasons and fixes), reconciliation, rules that fired."""
    lines = ["usable: yes" if assessment.usable else "usable: NO"]
    lines += [f"  - {reason}" for reason in assessment.reasons]
    episodes = result.tables.get("episodes")
    held = sorted({int(y) for y in episodes["return_year"].dropna()}) if episodes is not None else []
    if held:     # from the folder and file names, else from the dates in the files (findings Y01, Y02)
        lines.append(f"collection years read (each to 31 March): {', '.join(map(str, held))}")
    reconciliation = result.ledger.reconciliation()
    if len(reconciliation):
        lines.append(reconciliation.to_string(index=False))
    else:
        lines.append("no 903 table could be read (see the files and reasons below)")
    findings = result.ledger.findings()
    for rule_id, group in findings.groupby("rule_id", sort=True):
        first = group.iloc[0]
        lines.append(f"{rule_id} {first['severity']:7} {len(group):6d} x {first['outcome']}")
        lines += [f"      {message}" for message in group["message"].head(examples)]
    return "\n".join(lines)
