"""Reading an SSDA903 return: one file per table per year, several years at once.

Files are laid out as ``DIR/<year>/<table>.csv``. Codes stay strings and dates are
parsed explicitly as the 903 writes them (dd/mm/YYYY).
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from .codes import DATE_FORMAT

DATE_COLUMNS = {"header": ["DOB"], "episodes": ["DECOM", "DEC"]}


class IngestError(ValueError):
    """An input file cannot be read; the message names the file and what to do."""


def _year_dirs(return_dir: Path) -> list[tuple[int, Path]]:
    years = sorted((int(p.name), p) for p in Path(return_dir).iterdir() if p.is_dir() and p.name.isdigit())
    if not years:
        raise IngestError(f"{return_dir}: no year folders (e.g. {return_dir}/2025/episodes.csv) found; "
                          "put each year's 903 files in a folder named after the collection year.")
    return years


def read_table(return_dir: Path, table: str) -> pd.DataFrame:
    """Every year's ``table`` stacked, with a ``return_year`` column and parsed dates."""
    frames = []
    for year, folder in _year_dirs(Path(return_dir)):
        path = folder / f"{table}.csv"
        if not path.is_file():
            raise IngestError(f"{path}: missing; every year folder needs a {table}.csv.")
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        for column in DATE_COLUMNS.get(table, []):
            frame[column] = pd.to_datetime(frame[column].replace("", None), format=DATE_FORMAT)
        frames.append(frame.assign(return_year=year))
    return pd.concat(frames, ignore_index=True)


def merge_years(frame: pd.DataFrame, key: list[str]) -> pd.DataFrame:
    """One row per ``key``: where years overlap, the newest return wins."""
    newest_first = frame.sort_values("return_year", ascending=False, kind="stable")
    return newest_first.drop_duplicates(key).sort_values(key, kind="stable").reset_index(drop=True)


def load_return(return_dir: Path) -> dict[str, pd.DataFrame]:
    """Header and episodes of a multi-year return, years merged (newest wins)."""
    header = merge_years(read_table(return_dir, "header"), ["CHILD"])
    episodes = merge_years(read_table(return_dir, "episodes"), ["CHILD", "DECOM"])
    return {"header": header, "episodes": episodes}
