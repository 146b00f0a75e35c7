"""Merging the years of a return (M01-M05) and checking episode records (E01-E06).

Years overlap by design: each return restates the episodes still open when its year
began. The newest copy of a row wins (M01; M02 when the newer copy closes an episode the
older left open). An older episode that reaches into a newer return's year but is not
in it is superseded only when that return restates the child's care over the same days
(M03); otherwise it is kept and flagged (M05), so a child in care on 31 March is never
dropped because the next return began with a different episode. An episode left open
when the child is in no newer return is kept, flagged (M04).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from sufficiency_lib.ssda903 import codes, keys
from sufficiency_lib.ssda903.quality import Ledger
from sufficiency_lib.ssda903.schema import TABLES

_FAR_FUTURE = np.datetime64("9999-12-31", "s")


def _year_starts(years: np.ndarray) -> np.ndarray:
    """1 April before each collection year's 31 March (NaT for 0)."""
    out = np.full(len(years), np.datetime64("NaT", "s"))
    for year in np.unique(years):
        if year > 0:
            out[years == year] = np.datetime64(f"{int(year) - 1:04d}-04-01", "s")
    return out


def merge_years(frame: pd.DataFrame, table: str, ledger: Ledger) -> pd.DataFrame:
    """Keep the newest return's copy of each key; older copies are superseded (M01, M02).

    Rows already set aside (in the ledger) take no part, and are dropped here with the
    superseded ones: the frame is filtered once.
    """
    key = list(TABLES[table].key)
    alive = ledger.mask_active(table, frame["row_id"].to_numpy())
    if "return_year" in key or frame.empty or frame["return_year"].nunique() < 2:
        # One row per return year by design (e.g. OC3), or nothing to merge.
        return frame if alive.all() else frame.loc[alive]
    older, newest = keys.older_copies(keys.codes(frame, key), frame["return_year"].to_numpy(), alive)
    if table == "episodes":
        dec = frame["DEC"].to_numpy()
        closed_later = older & np.isnat(dec) & ~np.isnat(dec[np.where(newest < 0, 0, newest)])
        ledger.flag_mask("M02", table, frame, closed_later, "DEC")
        ledger.flag_mask("M01", table, frame, older & ~closed_later)
    else:
        ledger.flag_mask("M01", table, frame, older)
    kept = frame.loc[alive & ~older]
    return supersede_missing_episodes(kept, ledger) if table == "episodes" else kept


def supersede_missing_episodes(episodes: pd.DataFrame, ledger: Ledger) -> pd.DataFrame:
    """Older-return episodes reaching into a newer return's year that the newer return leaves out.

    Superseded (M03) when a newer return restates the child's care over the same days (an
    episode of it that began before its year overlaps this one); else kept (M05). Open,
    with the child in no newer return: kept (M04).
    """
    child = pd.factorize(episodes["CHILD"])[0]
    year = episodes["return_year"].to_numpy()
    pairs = pd.DataFrame({"child": child, "year": year}).drop_duplicates().sort_values(["child", "year"])
    pairs["next_year"] = keys.next_in_group(pairs["child"].to_numpy(), pairs["year"].to_numpy(), 0)
    next_year = pd.MultiIndex.from_frame(pd.DataFrame({"child": child, "year": year}))
    next_year = pairs.set_index(["child", "year"])["next_year"].reindex(next_year).to_numpy()
    decom, dec = episodes["DECOM"].to_numpy(), episodes["DEC"].to_numpy()
    end = np.where(np.isnat(dec), _FAR_FUTURE, dec)
    reaches = (next_year > 0) & (end >= _year_starts(next_year))
    restated = _restated(child, year, decom, end, reaches)
    ledger.flag_mask("M03", "episodes", episodes, restated, "DECOM",
                values=episodes.loc[restated, "DECOM"].dt.strftime(codes.DATE_FORMAT))
    ledger.flag_mask("M05", "episodes", episodes, reaches & ~restated, "DEC",
                values=episodes.loc[reaches & ~restated, "DEC"].dt.strftime(codes.DATE_FORMAT).fillna(""))
    dangling = (next_year == 0) & np.isnat(dec) & (year < year.max())
    ledger.flag_mask("M04", "episodes", episodes, dangling, "DEC")
    return episodes.loc[~restated]


def _restated(child, year, decom, end, candidates) -> np.ndarray:
    """Which ``candidates`` a newer return's episode (begun before that return's year) overlaps."""
    out = np.zeros(len(child), dtype=bool)
    if not candidates.any():
        return out
    restating = decom < _year_starts(year)  # episodes a return carries over from before its year
    mine = pd.DataFrame({"row": np.flatnonzero(candidates), "child": child[candidates], "year": year[candidates],
                         "start": decom[candidates], "end": end[candidates]})
    theirs = pd.DataFrame({"child": child[restating], "their_year": year[restating],
                           "their_start": decom[restating], "their_end": end[restating]})
    both = mine.merge(theirs, on="child")
    overlap = ((both["their_year"] > both["year"]) & (both["their_start"] < both["end"])
               & (both["start"] < both["their_end"]))
    out[both.loc[overlap, "row"].to_numpy()] = True
    return out


def _dates_text(series: pd.Series) -> pd.Series:
    return series.dt.strftime(codes.DATE_FORMAT).fillna("")


def check_episodes(episodes: pd.DataFrame, header: pd.DataFrame, ledger: Ledger) -> pd.DataFrame:
    """Record checks and mends on merged episodes (E01, E02, E04-E06), sorted by child and start."""
    backwards = (episodes["DEC"].notna() & (episodes["DEC"] < episodes["DECOM"])).to_numpy()
    ledger.flag_mask("E01", "episodes", episodes, backwards, "DEC", _dates_text(episodes.loc[backwards, "DEC"]))
    episodes = episodes.loc[~backwards]
    dob = keys.lookup(episodes["CHILD"], header["CHILD"], header["DOB"].to_numpy(dtype="datetime64[s]"))
    unborn = episodes["DECOM"].to_numpy() < dob
    ledger.flag_mask("E02", "episodes", episodes, unborn, "DECOM", _dates_text(episodes.loc[unborn, "DECOM"]))
    episodes = episodes.loc[~unborn]
    child = pd.factorize(episodes["CHILD"])[0]
    order = np.lexsort((episodes["DECOM"].to_numpy(), child))
    episodes, child = episodes.iloc[order], child[order]
    episodes = mend_overlaps(episodes, child, ledger)
    flag_gaps(episodes, child, ledger)
    short = keys.isin(episodes["LS"], pd.Series(sorted(codes.SHORT_BREAK_LEGAL_STATUSES)))
    ledger.flag_mask("E06", "episodes", episodes, short, "LS")
    only_short = pd.Series(short).groupby(child).transform("all").to_numpy()
    return episodes.assign(short_break=short, short_break_only=only_short)


def mend_overlaps(episodes: pd.DataFrame, child: np.ndarray, ledger: Ledger) -> pd.DataFrame:
    """End an episode on the day the child's next episode starts, where it runs past it (E04)."""
    dec = episodes["DEC"].to_numpy()
    next_start = keys.next_in_group(child, episodes["DECOM"].to_numpy(), np.datetime64("NaT"))
    overlap = ~np.isnat(next_start) & (np.isnat(dec) | (dec > next_start))
    if not overlap.any():
        return episodes
    ledger.flag_mask("E04", "episodes", episodes, overlap, "DEC", _dates_text(episodes.loc[overlap, "DEC"]))
    blank_rec = overlap & (episodes["REC"] == "").to_numpy()
    return episodes.assign(DEC=np.where(overlap, next_start, dec),
                           REC=episodes["REC"].mask(blank_rec, "X1"))


def flag_gaps(episodes: pd.DataFrame, child: np.ndarray, ledger: Ledger) -> None:
    """A period of care continuing (REC X1) whose next episode starts later (E05)."""
    next_start = keys.next_in_group(child, episodes["DECOM"].to_numpy(), np.datetime64("NaT"))
    dec = episodes["DEC"].to_numpy()
    gap = (episodes["REC"] == "X1").to_numpy() & ~np.isnat(next_start) & (next_start > dec)
    ledger.flag_mask("E05", "episodes", episodes, gap, "DEC", _dates_text(episodes.loc[gap, "DEC"]))
