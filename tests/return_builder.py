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


def csv_text(frame: pd.DataFrame, sep: str = ",") -> str:
    """``frame`` as CSV text (no index), as an export would write it."""
    return frame.to_csv(index=False, sep=sep, lineterminator="\n")


def write_bytes(folder: Path, relative: str, data: bytes) -> Path:
    """Write ``data`` at ``folder/relative`` (folders made as needed)."""
    path = Path(folder) / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def write_xml(folder: Path, relative: str, header_rows: pd.DataFrame, episode_rows: pd.DataFrame,
              prefix: str = "") -> Path:
    """A small XML return; ``prefix`` (e.g. "ns0:") is put before every element name."""
    p = prefix
    declaration = f' xmlns:{prefix[:-1]}="urn:ssda903"' if prefix else ""
    lines = ['<?xml version="1.0" encoding="utf-8"?>', f"<{p}EXPSSDA903{declaration}>"]
    for child in header_rows.itertuples(index=False):
        lines += [f"<{p}CHILD><{p}HEADER><{p}CHILDID>{child.CHILD}</{p}CHILDID><{p}SEX>{child.SEX}</{p}SEX>"
                  f"<{p}DOB>{child.DOB}</{p}DOB><{p}ETHNIC>{child.ETHNIC}</{p}ETHNIC></{p}HEADER>"]
        for episode in episode_rows.loc[episode_rows["CHILD"] == child.CHILD].itertuples(index=False):
            lines.append(f"<{p}EPISODE><{p}DECOM>{episode.DECOM}</{p}DECOM><{p}RNE>{episode.RNE}</{p}RNE>"
                         f"<{p}LS>{episode.LS}</{p}LS><{p}CIN>{episode.CIN}</{p}CIN><{p}PL>{episode.PLACE}</{p}PL>"
                         f"<{p}PLACE_PROVIDER>{episode.PLACE_PROVIDER}</{p}PLACE_PROVIDER><{p}DEC>{episode.DEC}"
                         f"</{p}DEC><{p}REC>{episode.REC}</{p}REC></{p}EPISODE>")
        lines.append(f"</{p}CHILD>")
    lines.append(f"</{p}EXPSSDA903>")
    return write_bytes(folder, relative, "\n".join(lines).encode("utf-8"))
