"""From raw 903 text tables to clean, typed tables, accounting for every row.

Steps, in order (each rule is in :mod:`sufficiency_lib.quality`):

1. rows that repeat the column names are quarantined (R03);
2. codes are tidied (upper case, no padding: C01) and checked against the DfE lists
   (C02, C03; blank required codes C04) - unknown codes are kept and shown as unknown;
3. dates are parsed as dd/mm/YYYY; ISO dates (2020-04-01, as Excel exports them) are read
   unambiguously (S03); an unreadable essential date quarantines the row (S01), another
   unreadable date is blanked (S02);
4. exact duplicates in one return are quarantined (R01), and of rows sharing a key in one
   return the later is taken (R02);
5. years are merged, the newest return winning (M01-M04);
6. episode records: ends before start (E01), before birth (E02), child not in header
   (E03) are quarantined; an overlap is mended by ending the earlier episode on the day
   the next starts, a blank REC becoming X1 (E04); gaps in a continuing period are
   flagged (E05); short-break care (LS V3/V4) is flagged, not dropped (E06).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from sufficiency_lib.ssda903 import codes
from sufficiency_lib.ssda903.ingest import RawReturn, read_return
from sufficiency_lib.ssda903.periods import year_start
from sufficiency_lib.ssda903.quality import Ledger
from sufficiency_lib.ssda903.schema import PROVENANCE, TABLES

REQUIRED_CODES = ("LS", "PLACE", "RNE")
ISO_DATE = r"^\d{4}-\d{2}-\d{2}( 00:00:00)?$"


@dataclass
class CleanReturn:
    """Clean tables (quarantined and superseded rows removed) and the ledger that explains them."""

    tables: dict[str, pd.DataFrame]
    raw: dict[str, pd.DataFrame]
    ledger: Ledger

    def quarantine(self, table: str) -> pd.DataFrame:
        """Raw rows of ``table`` set aside, with the rule that set them aside."""
        outcomes = self.ledger.outcome_of(table)
        held = outcomes.loc[outcomes["outcome"] == "quarantined"]
        return self.raw[table].merge(held, on="row_id")


def drop_repeated_headers(frame: pd.DataFrame, table: str, ledger: Ledger) -> pd.DataFrame:
    repeated = frame["CHILD"].str.strip().str.upper() == "CHILD"
    ledger.flag("R03", table, frame.loc[repeated], "CHILD")
    return frame.loc[~repeated]


def tidy_codes(frame: pd.DataFrame, table: str, ledger: Ledger) -> pd.DataFrame:
    out = frame.copy()
    for column in out.columns.intersection(list(codes.KNOWN_CODES)):
        raw = out[column]
        tidied = raw.str.strip().str.upper()
        ledger.flag("C01", table, out.loc[(tidied != raw) & (tidied != "")], column)
        out[column] = tidied
        unknown = (tidied != "") & ~tidied.isin(codes.KNOWN_CODES[column])
        ledger.flag("C03" if column == "PLACE" else "C02", table, out.loc[unknown], column)
        if table == "episodes" and column in REQUIRED_CODES:
            ledger.flag("C04", table, out.loc[tidied == ""], column)
    return out


def parse_dates(frame: pd.DataFrame, table: str, ledger: Ledger) -> pd.DataFrame:
    spec = TABLES[table]
    out = frame.copy()
    for column in spec.dates:
        text = out[column].str.strip()
        parsed = pd.to_datetime(text, format=codes.DATE_FORMAT, errors="coerce")
        iso = parsed.isna() & text.str.match(ISO_DATE)
        parsed = parsed.where(~iso, pd.to_datetime(text.where(iso).str[:10], format="%Y-%m-%d", errors="coerce"))
        ledger.flag("S03", table, out.loc[iso & parsed.notna()], column)
        blank, bad = text == "", parsed.isna() & (text != "")
        strict = column in spec.essential_dates or (table == "episodes" and column == "DEC")
        ledger.flag("S01" if strict else "S02", table, out.loc[bad], column)
        if column in spec.essential_dates:
            ledger.flag("S01", table, out.loc[blank], column)
        out[column] = parsed
    return ledger.active(table, out)


def drop_duplicates(frame: pd.DataFrame, table: str, ledger: Ledger) -> pd.DataFrame:
    """Exact repeats (R01), then the earlier of rows sharing a key in one return (R02)."""
    content = [c for c in frame.columns if c not in PROVENANCE]
    exact = frame.duplicated(content + ["return_year"], keep="first")
    ledger.flag("R01", table, frame.loc[exact])
    frame = frame.loc[~exact]
    key = [c for c in TABLES[table].key if c != "return_year"] + ["return_year"]
    clash = frame.duplicated(key, keep="last")
    ledger.flag("R02", table, frame.loc[clash], key[0])
    return frame.loc[~clash]


def merge_years(frame: pd.DataFrame, table: str, ledger: Ledger) -> pd.DataFrame:
    """Keep the newest return's copy of each key; older copies are superseded."""
    key = list(TABLES[table].key)
    if "return_year" in key:
        return frame  # one row per return year by design (e.g. OC3)
    newest = frame.groupby(key, sort=False)["return_year"].transform("max")
    older = frame.loc[frame["return_year"] < newest]
    if table == "episodes":
        newer_copy = frame.loc[frame["return_year"] == newest, key + ["DEC"]]
        closed = older.merge(newer_copy, on=key, how="left", suffixes=("", "_new"))
        closed_later = (closed["DEC"].isna() & closed["DEC_new"].notna()).to_numpy()
        ledger.flag("M02", table, older.loc[closed_later], "DEC")
        ledger.flag("M01", table, older.loc[~closed_later])
    else:
        ledger.flag("M01", table, older)
    kept = frame.loc[frame["return_year"] == newest]
    return supersede_missing_episodes(kept, ledger) if table == "episodes" else kept


def supersede_missing_episodes(episodes: pd.DataFrame, ledger: Ledger) -> pd.DataFrame:
    """Older-return episodes that a newer return covering the child and the dates leaves out.

    The next return holding the child is authoritative from the start of its year: an
    older episode still open then, but absent from it, was restated (M03). An episode left
    open when the child is in no newer return is kept and flagged (M04).
    """
    years = episodes[["CHILD", "return_year"]].drop_duplicates().sort_values(["CHILD", "return_year"])
    years["next_year"] = years.groupby("CHILD")["return_year"].shift(-1)
    joined = episodes.merge(years, on=["CHILD", "return_year"], how="left")
    next_start = joined["next_year"].map(lambda y: year_start(int(y)) if pd.notna(y) else pd.NaT)
    reaches_next = joined["DEC"].isna() | (joined["DEC"] >= next_start)
    restated = (joined["next_year"].notna() & reaches_next).to_numpy()
    ledger.flag("M03", "episodes", episodes.loc[restated], "DECOM",
                values=episodes.loc[restated, "DECOM"].dt.strftime(codes.DATE_FORMAT))
    latest_year = episodes["return_year"].max()
    dangling = (joined["next_year"].isna() & joined["DEC"].isna()
                & (joined["return_year"] < latest_year)).to_numpy()
    ledger.flag("M04", "episodes", episodes.loc[dangling], "DEC")
    return episodes.loc[~restated]


def _dates_text(series: pd.Series) -> pd.Series:
    return series.dt.strftime(codes.DATE_FORMAT).fillna("")


def check_children_in_header(frame: pd.DataFrame, table: str, header: pd.DataFrame, ledger: Ledger) -> pd.DataFrame:
    orphan = ~frame["CHILD"].isin(header["CHILD"])
    ledger.flag("E03", table, frame.loc[orphan], "CHILD")
    return frame.loc[~orphan]


def check_episodes(episodes: pd.DataFrame, header: pd.DataFrame, ledger: Ledger) -> pd.DataFrame:
    """Record checks and mends on merged episodes (E01-E06)."""
    episodes = check_children_in_header(episodes, "episodes", header, ledger)
    backwards = episodes["DEC"].notna() & (episodes["DEC"] < episodes["DECOM"])
    ledger.flag("E01", "episodes", episodes.loc[backwards], "DEC", _dates_text(episodes.loc[backwards, "DEC"]))
    episodes = episodes.loc[~backwards]
    dob = episodes["CHILD"].map(header.drop_duplicates("CHILD").set_index("CHILD")["DOB"])
    unborn = episodes["DECOM"] < dob
    ledger.flag("E02", "episodes", episodes.loc[unborn], "DECOM", _dates_text(episodes.loc[unborn, "DECOM"]))
    episodes = episodes.loc[~unborn].sort_values(["CHILD", "DECOM"], kind="stable")
    episodes = mend_overlaps(episodes, ledger)
    flag_gaps(episodes, ledger)
    short = episodes["LS"].isin(codes.SHORT_BREAK_LEGAL_STATUSES)
    ledger.flag("E06", "episodes", episodes.loc[short], "LS")
    only_short = short.groupby(episodes["CHILD"]).transform("all")
    return episodes.assign(short_break=short.to_numpy(), short_break_only=only_short.to_numpy())


def mend_overlaps(episodes: pd.DataFrame, ledger: Ledger) -> pd.DataFrame:
    """End an episode on the day the child's next episode starts, where it runs past it (E04)."""
    next_start = episodes.groupby("CHILD")["DECOM"].shift(-1)
    overlap = next_start.notna() & (episodes["DEC"].isna() | (episodes["DEC"] > next_start))
    ledger.flag("E04", "episodes", episodes.loc[overlap], "DEC", _dates_text(episodes.loc[overlap, "DEC"]))
    blank_rec = overlap & (episodes["REC"] == "")
    return episodes.assign(DEC=episodes["DEC"].where(~overlap, next_start),
                           REC=episodes["REC"].where(~blank_rec, "X1"))


def flag_gaps(episodes: pd.DataFrame, ledger: Ledger) -> None:
    """A period of care continuing (REC X1) whose next episode starts later (E05)."""
    next_start = episodes.groupby("CHILD")["DECOM"].shift(-1)
    gap = (episodes["REC"] == "X1") & next_start.notna() & (next_start > episodes["DEC"])
    ledger.flag("E05", "episodes", episodes.loc[gap], "DEC", _dates_text(episodes.loc[gap, "DEC"]))


def clean(raw: RawReturn) -> CleanReturn:
    """Run every step on a raw return; see the module docstring for the order."""
    ledger, tables = raw.ledger, {}
    for table, frame in raw.tables.items():
        frame = drop_repeated_headers(frame, table, ledger)
        frame = tidy_codes(frame, table, ledger)
        frame = parse_dates(frame, table, ledger)
        frame = drop_duplicates(frame, table, ledger)
        tables[table] = merge_years(frame, table, ledger)
    header = tables.get("header", pd.DataFrame(columns=["CHILD", "DOB"]))
    for table in [t for t in tables if t not in ("header", "episodes")]:
        tables[table] = check_children_in_header(tables[table], table, header, ledger)
    if "episodes" in tables:
        tables["episodes"] = check_episodes(tables["episodes"], header, ledger)
    return CleanReturn(tables=tables, raw=raw.tables, ledger=ledger)


def load_clean_return(return_dir: Path, year: int | None = None) -> CleanReturn:
    """Read and clean the 903 files below ``return_dir``."""
    return clean(read_return(return_dir, year))
