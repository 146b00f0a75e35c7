"""Where a chapter's 903 return comes from: the user's folder, or the synthetic demo."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from sufficiency_lib.ssda903 import clean, ingest
from sufficiency_lib.demo import synth
from sufficiency_lib.config import DEMO_DATA_DIR, Authority


@dataclass
class ReturnData:
    """A cleaned, year-merged return, its data-quality ledger, and where it came from."""

    result: clean.CleanReturn
    source: str
    synthetic: bool

    @property
    def tables(self) -> dict[str, pd.DataFrame]:
        return self.result.tables

    @property
    def episodes(self) -> pd.DataFrame:
        return self.result.tables["episodes"]


def load(authority: Authority, return_dir: str | Path = "") -> ReturnData:
    """Load and clean ``return_dir``, or the demo return for ``authority`` when it is empty."""
    if str(return_dir):
        path = Path(return_dir)
        if not path.is_dir():
            raise ingest.IngestError(f"{path}: no such folder; point return_dir at the folder "
                                     "that holds your 903 files, one sub-folder per year.")
        return ReturnData(clean.load_clean_return(path), "SSDA903 return of the authority", False)
    path = synth.ensure_demo_return(authority, DEMO_DATA_DIR / authority.new_la_code)
    return ReturnData(clean.load_clean_return(path), "synthetic SSDA903 return (demonstration data)", True)
