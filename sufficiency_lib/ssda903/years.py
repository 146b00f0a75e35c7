"""Which collection year each file covers, from its name and from its dates.

A 903 collection year runs from 1 April to 31 March and is named here, as DfE names it,
by the year it ends: the "2025" return covers April 2024 to March 2025. Some tools and
exports name it by the year it starts instead, and read the wrong way every figure moves
by a year, with nothing looking wrong. So the year a folder or file name gives is checked
against the dates inside: episodes start within or before the collection year, never
after its 31 March. When they disagree the finding (Y01) blocks the return, unless the
caller has said how the files are named (``year_label="start"`` or ``"end"``); then it
is a warning (Y02). A year whose files hold no episodes is reported too (Y03).
"""
from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sufficiency_lib.ssda903 import dates
from sufficiency_lib.ssda903.quality import Ledger
from sufficiency_lib.ssda903.schema import TABLES

YEAR_LABELS = ("start", "end")
YEAR_PATTERN = re.compile(r"(?<!\d)(20\d{2})(?:[-_/](\d{2}))?(?!\d)")
MIN_EVIDENCE = 3          # dates needed before a label is questioned at all
EVIDENCE_SHARE = 0.02     # share of dates after the year end that cannot be a few typing errors
MIN_DATES_FOR_ABSENCE = 20  # dates needed to conclude from there being none in the year


def label_of(relative: str) -> tuple[int | None, bool]:
    """(the year a path names, whether it names both years): the last in it; ``2024-25`` is 2025."""
    matches = YEAR_PATTERN.findall(relative)
    if not matches:
        return None, False
    first, second = matches[-1]
    return (int(first[:2] + second), True) if second else (int(first), False)


def end_year(label: int, both_years: bool, year_label: str | None) -> int:
    """The year (31 March) a labelled collection ends, given how labels are written."""
    return label + 1 if year_label == "start" and not both_years else label


@dataclass
class Group:
    """Files with the same year label (``label`` None: files whose path names no year)."""

    label: int | None
    both_years: bool = False
    files: list[str] = field(default_factory=list)
    pieces: list[tuple[str, pd.DataFrame]] = field(default_factory=list)  # (table, frame)
    rejected_tables: set[str] = field(default_factory=set)
    year: int = 0  # the collection year (ending 31 March) the files are read as, once assigned


@dataclass
class Evidence:
    """Event dates of a group, counted by the collection year they fall in."""

    by_year: dict[int, int]
    ends_by_year: dict[int, int]
    total: int

    @property
    def threshold(self) -> int:
        return max(MIN_EVIDENCE, math.ceil(EVIDENCE_SHARE * self.total))

    def latest_supported(self) -> int | None:
        """The latest collection year holding enough event dates to be more than typing errors."""
        years = [year for year, n in self.by_year.items() if n >= self.threshold]
        return max(years) if years else None


def evidence(group: Group, today: dt.date | None = None) -> Evidence:
    """Count the group's event dates (not in the future) by collection year.

    Episode starts are the evidence when the group has episodes (every return has, and
    they are what the figures count); other tables' event dates (reviews, missing
    episodes) only when it has none, as some exports fill them carelessly.
    """
    limit = np.datetime64(today or dt.date.today(), "s")
    has_episodes = any(table == "episodes" and len(frame) for table, frame in group.pieces)
    starts, ends = [], []
    for table, frame in group.pieces:
        if has_episodes and table != "episodes":
            continue
        starts += [dates.quick(frame[c]) for c in TABLES[table].event_dates if c in frame]
        if table == "episodes" and "DEC" in frame:
            ends.append(dates.quick(frame["DEC"]))

    def count(arrays):
        if not arrays:
            return {}
        values = np.concatenate(arrays)
        values = values[~np.isnat(values) & (values <= limit)]
        years, n = np.unique(dates.year_end_of(values), return_counts=True)
        return dict(zip(years.tolist(), n.tolist()))

    by_year = count(starts)
    return Evidence(by_year, count(ends), sum(by_year.values()))


def disagreement(assumed: int, found: Evidence) -> tuple[int, str] | None:
    """(the year the dates point to, what they show) when they contradict ``assumed``; else None."""
    if found.total < MIN_EVIDENCE:
        return None
    after = sum(n for year, n in found.by_year.items() if year > assumed)
    if after >= found.threshold:
        latest = found.latest_supported() or assumed + 1
        return latest, (f"{after:,} of its {found.total:,} episode starts (or, without episodes, reviews "
                        f"and missing episodes) fall after 31 March {assumed}, up to the year ending 31 March "
                        f"{latest}")
    # Read a year too late: nothing starts or ends in the year, plenty in the one before.
    # (A return of long, settled placements has no starts in its year either, but then the
    # year before is quiet too: it is not flagged.)
    within = found.by_year.get(assumed, 0) + found.ends_by_year.get(assumed, 0)
    earlier = found.latest_supported()
    if within == 0 and found.total >= MIN_DATES_FOR_ABSENCE and earlier == assumed - 1:
        return earlier, (f"none of its {found.total:,} episode starts and ends falls in the year ending 31 March "
                         f"{assumed}; the latest are in the year ending 31 March {earlier}")
    return None


def _first(group: Group) -> str:
    """The file a group's finding is filed under: its episodes file when it has one."""
    return next((f for f in group.files if "episode" in f.lower()), group.files[0] if group.files else "")


def _where(group: Group) -> str:
    shown = ", ".join(group.files[:3]) + (f" and {len(group.files) - 3} more" if len(group.files) > 3 else "")
    return shown or "(no files)"


def _check(group: Group, assumed: int, stated: str | None, ledger: Ledger) -> None:
    """Record Y01 (``stated`` None: nobody said how the files are named) or Y02 on a disagreement."""
    found = disagreement(assumed, evidence(group))
    if found is None:
        return
    pointed, shown = found
    first = _first(group)
    named = f"files named {group.label} ({_where(group)})" if group.label else f"files {_where(group)}"
    if stated is None:
        advice = ("the files look named by the year their collection starts: run with --year-label start "
                  f"(year_label='start'), or rename them after {pointed}" if pointed == assumed + 1 else
                  f"rename them after the year their collection ends ({pointed})")
        ledger.file_problem("Y01", first, f"{named} are read as the year ending 31 March {assumed}, but {shown}; "
                            f"{advice}")
    else:
        ledger.file_problem("Y02", first, f"{named} are read, as {stated} says, as the year "
                            f"ending 31 March {assumed}, but {shown}; check the year given for these files")


def _check_episodes(group: Group, assumed: int, ledger: Ledger) -> None:
    episodes = [frame for table, frame in group.pieces if table == "episodes"]
    if "episodes" in group.rejected_tables:
        return  # the rejected file has its own, blocking, finding
    first = _first(group)
    if not episodes:
        ledger.file_problem("Y03", first, f"the files named {group.label} ({_where(group)}) include no episodes "
                            f"table, so the year ending 31 March {assumed} has no episodes")
    elif sum(len(frame) for frame in episodes) == 0:
        ledger.file_problem("Y03", first, f"the episodes file of the year ending 31 March {assumed} "
                            "has column names but no rows")


def assign(groups: list[Group], year: int | None, year_label: str | None, ledger: Ledger) -> None:
    """Set each group's collection year (ending 31 March), recording every disagreement.

    ``year`` is the year (ending 31 March) of files whose path names none; without it,
    their year is the latest collection year their dates show (0 when they have none).
    """
    if year_label not in (None, *YEAR_LABELS):
        raise ValueError(f"year_label must be 'start' or 'end', not {year_label!r}")
    for group in groups:
        if group.label is None:
            if year is not None:
                group.year = year
                _check(group, year, f"--year {year}", ledger)
            else:
                found = evidence(group)
                group.year = (found.latest_supported() or max(found.by_year, default=0)
                              or max(found.ends_by_year, default=0))
            continue
        group.year = end_year(group.label, group.both_years, year_label)
        # "2024-25" says which year it ends: a stated naming does not change it.
        stated = None if group.both_years or year_label is None else f"--year-label {year_label}"
        _check(group, group.year, stated, ledger)
        _check_episodes(group, group.year, ledger)
