"""The data-quality report of a cleaned return: is it usable, and what was done to it.

Files written to the report folder (the data-quality chapter renders the first three):

- ``reconciliation.csv``: per table, rows in = kept + corrected + superseded + quarantined;
- ``rule_summary.csv``: rows caught by each rule, what was done, what to do;
- ``findings.csv``: every finding, naming file, row, column and value;
- ``quarantine/<table>.csv``: the rows set aside, with the rule that set them aside.

The last two hold record-level data: they stay in the analyst's report folder and never
reach a rendered page.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sufficiency_lib.ssda903.clean import CleanReturn
from sufficiency_lib.ssda903.schema import TABLES

#: Above this share of episodes quarantined, figures from the return are not trustworthy.
MAX_QUARANTINED_SHARE = 0.25


@dataclass
class Assessment:
    usable: bool
    reasons: list[str]


def assess(result: CleanReturn) -> Assessment:
    """Whether the return can be used for the statement, and why not when it cannot."""
    reasons = []
    findings = result.ledger.findings()
    for table in (t for t, spec in TABLES.items() if spec.required_table):
        if table not in result.tables:
            reasons.append(f"no readable {table} table was found")
        elif result.tables[table].empty:
            reasons.append(f"the {table} table has no usable rows")
    rejected = findings.loc[(findings["outcome"] == "file not read") & (findings["severity"] == "error")]
    for message in rejected["message"]:
        reasons.append(f"a file was not read: {message}")
    reconciliation = result.ledger.reconciliation().set_index("table")
    if "episodes" in reconciliation.index:
        row = reconciliation.loc["episodes"]
        live = row["rows_in"] - row["superseded"]
        share = row["quarantined"] / live if live else 1.0
        if share > MAX_QUARANTINED_SHARE:
            reasons.append(f"{share:.0%} of episodes were quarantined (more than {MAX_QUARANTINED_SHARE:.0%})")
    return Assessment(usable=not reasons, reasons=reasons)


def write_report(result: CleanReturn, out_dir: Path) -> list[Path]:
    """Write the report files into ``out_dir``; return their paths."""
    out_dir = Path(out_dir)
    (out_dir / "quarantine").mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame in [("reconciliation", result.ledger.reconciliation()),
                        ("rule_summary", result.ledger.rule_summary()),
                        ("findings", result.ledger.findings())]:
        path = out_dir / f"{name}.csv"
        frame.to_csv(path, index=False)
        written.append(path)
    for table in result.raw:
        held = result.quarantine(table)
        if len(held):
            path = out_dir / "quarantine" / f"{table}.csv"
            held.to_csv(path, index=False)
            written.append(path)
    return written


def summarise(result: CleanReturn, assessment: Assessment, examples: int = 2) -> str:
    """A few lines for the terminal: verdict, reconciliation and the rules that fired."""
    lines = ["usable: yes" if assessment.usable else "usable: NO"]
    lines += [f"  - {reason}" for reason in assessment.reasons]
    lines.append(result.ledger.reconciliation().to_string(index=False))
    findings = result.ledger.findings()
    for rule_id, group in findings.groupby("rule_id", sort=True):
        first = group.iloc[0]
        lines.append(f"{rule_id} {first['severity']:7} {len(group):6d} x {first['outcome']}")
        lines += [f"      {message}" for message in group["message"].head(examples)]
    return "\n".join(lines)
