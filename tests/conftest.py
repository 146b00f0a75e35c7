"""Shared fixtures. Real published files are read from ../shared/data (or
$SUFFICIENCY_SHARED_DATA); tests that need them skip cleanly when it is absent."""
from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

from sufficiency_lib.config import PROJECT_ROOT, Authority

SHARED_DATA = Path(os.environ.get("SUFFICIENCY_SHARED_DATA", PROJECT_ROOT.parent / "shared" / "data"))


@pytest.fixture
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip(f"shared data not found at {SHARED_DATA}")
    return SHARED_DATA


@pytest.fixture
def toy_authority() -> Authority:
    return Authority(new_la_code="E99999999", old_la_code="999", la_name="Toyshire",
                     region_code="E12000006", region_name="East of England", latest_year=2021,
                     calibration={"cla_at_31_march": {2019: 300, 2020: 320, 2021: 310}})


def episodes(*rows) -> pd.DataFrame:
    """Episodes from (child, decom, dec, ls) tuples with dd/mm/YYYY dates ('' = open)."""
    frame = pd.DataFrame(rows, columns=["CHILD", "DECOM", "DEC", "LS"])
    for column in ("DECOM", "DEC"):
        frame[column] = pd.to_datetime(frame[column].replace("", None), format="%d/%m/%Y")
    return frame
