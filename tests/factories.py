"""Hand-made facts for unit tests: an authority-year whose figures the test writes itself."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from sufficiency_lib.analysis.facts import Facts
from sufficiency_lib.config import Authority
from sufficiency_lib.inputs import Inputs
from sufficiency_lib.local import statement_file
from sufficiency_lib.local.actions import COLUMNS, Actions
from sufficiency_lib.local.local_data import LocalData
from sufficiency_lib.published.figures import figures_frame

TOYSHIRE = Authority("E99999999", "999", "Toyshire", "E12000006", "East of England", 2023)


class Ledger:
    def __init__(self, quarantined: int = 0):
        self.quarantined = quarantined

    def reconciliation(self):
        return pd.DataFrame({"table": ["episodes"], "rows_in": [10], "kept": [10 - self.quarantined],
                             "corrected": [0], "superseded": [0], "quarantined": [self.quarantined],
                             "balanced": [True]})

    def rule_summary(self):
        return pd.DataFrame(columns=["rule_id", "severity", "table", "rows", "title", "outcome", "fix"])


class Result:
    def __init__(self, quarantined: int = 0):
        self.ledger = Ledger(quarantined)
        self.tables = {}


class ReturnStub:
    source = "synthetic SSDA903 return"
    synthetic = True

    def __init__(self, quarantined: int = 0):
        self.result = Result(quarantined)


def figures(rows: list[dict]) -> pd.DataFrame:
    """Figures rows for Toyshire (geography filled in)."""
    frame = pd.DataFrame(rows)
    return figures_frame(frame.assign(geographic_level="Local authority", new_la_code=TOYSHIRE.new_la_code,
                                      la_name=TOYSHIRE.la_name, old_la_code=TOYSHIRE.old_la_code,
                                      region_code=TOYSHIRE.region_code, status="", source="test"))


def make_facts(rows: list[dict], published=None, quarantined: int = 0, local: LocalData | None = None,
               actions: pd.DataFrame | None = None, authority: Authority = TOYSHIRE) -> Facts:
    """Facts of ``authority`` whose computed figures are ``rows`` (years from the rows)."""
    frame = figures(rows) if rows else figures([{"time_period": 2023, "indicator": "x", "unit": "number",
                                                 "value": 0.0}]).iloc[:0]
    years = sorted({int(r["time_period"]) for r in rows}) or [authority.latest_year]
    recorded = Actions(actions if actions is not None else pd.DataFrame(columns=COLUMNS), None, None)
    return Facts(Inputs(authority), years[-1], ReturnStub(quarantined), frame, years, published,
                 local or LocalData(), recorded)


def write_statement_file(folder: Path, text: str) -> Path:
    """The authority's statement file (foreword, voice, context...) with ``text``, in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / statement_file.FILE_NAME
    path.write_text(text, encoding="utf-8")
    return path
