"""Small hand-made 903 returns written to disk, for ingest and validation tests."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

HEADER_COLUMNS = ["CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"]
EPISODE_COLUMNS = ["CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC", "REC",
                   "REASON_PLACE_CHANGE", "HOME_POST", "PL_POST", "URN"]


def header(n: int = 10) -> pd.DataFrame:
    return pd.DataFrame({"CHILD": [str(1000 + i) for i in range(n)], "SEX": "1", "DOB": "01/06/2010",
                         "ETHNIC": "WBRI", "UPN": "", "MOTHER": "", "MC_DOB": ""})[HEADER_COLUMNS]


def episodes(n: int = 10) -> pd.DataFrame:
    """One open episode per child, started 1 May 2020."""
    return pd.DataFrame({"CHILD": [str(1000 + i) for i in range(n)], "DECOM": "01/05/2020", "RNE": "S",
                         "LS": "C2", "CIN": "N1", "PLACE": "U4", "PLACE_PROVIDER": "PR1", "DEC": "", "REC": "",
                         "REASON_PLACE_CHANGE": "", "HOME_POST": "", "PL_POST": "", "URN": ""})[EPISODE_COLUMNS]


def write(folder: Path, year: int = 2021, **tables: pd.DataFrame) -> Path:
    """Write ``tables`` (default: a valid header and episodes) as ``folder/<year>/<name>.csv``."""
    tables = {"header": header(), "episodes": episodes(), **tables}
    target = Path(folder) / str(year)
    target.mkdir(parents=True, exist_ok=True)
    for name, frame in tables.items():
        if frame is not None:
            frame.to_csv(target / f"{name}.csv", index=False)
    return Path(folder)
