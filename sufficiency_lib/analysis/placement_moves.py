"""Placements made during the year, looked at more closely than DfE publishes them: the
child's age when placed, the placements that ended within 7 days and how they ended, and
where the placements made outside the authority went (a bordering authority or further).

Definitions (DfE, "Children looked after in England including adoptions", methodology and
SSDA903 guidance; a placement as :func:`metrics.placements` builds it, so every count here
adds up to the ``new_placements`` figures of :mod:`metrics`):

- **Placements made during the year** (DfE's "new placements during the year"): placements
  whose first day falls from 1 April to 31 March; short-break episodes (legal status V3/V4)
  are left out.
- **Age when placed**: completed years on the placement's first day, in DfE's age groups
  (under 1, 1 to 4, 5 to 9, 10 to 15, 16 and over).
- **Ended within 7 days**: the placement's last day is no more than 7 days after its first
  (:data:`metrics.WITHIN_DAYS`), as DfE's "placements that ended within 7 days".
- **How a placement ended**: the reason its last episode ceased (REC). ``X1`` (the episode
  ceased and a new one began) is a move to another placement, and the episode's reason for
  the placement change (REASON_PLACE_CHANGE) says why; any other code means the child
  ceased to be looked after; an open placement has not ended.
- **Placed outside the authority**: PL_LOCATION ``OUT`` (DfE's "placed outside the local
  authority boundary"). Where it went is PL_LA, the code of the authority the placement is
  in (the ONS code, E10000003, or the old three-digit code, 873): in one of the bordering
  authorities the params list, in another authority, or not recorded.

Everything returned is a count (tidy: ``time_period``, the breakdowns, ``value``); the
per-placement frame of :func:`placements_made` is record level and stays in the library.
"""
from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from sufficiency_lib.analysis import metrics
from sufficiency_lib.published import reference
from sufficiency_lib.ssda903 import codes, groupings
from sufficiency_lib.ssda903.periods import year_end, year_start
from sufficiency_lib.vocabulary import DFE_AGE_GROUPS, NOT_KNOWN, Locality


class Ending:
    """How a placement made in the year ended."""

    CEASED = "Child ceased to be looked after"
    MOVED = "Child moved to another placement"
    NOT_RECORDED = "Reason not recorded"
    OPEN = "Not ended"
    ENDED = (CEASED, MOVED, NOT_RECORDED)


class PlacedIn:
    """Where a placement made outside the authority's boundary is."""

    BORDERING = "In a bordering authority"
    ELSEWHERE = "In another authority"
    NOT_RECORDED = "Authority of placement not recorded"
    ORDER = (BORDERING, ELSEWHERE, NOT_RECORDED)


def _age_at(dob: pd.Series, when: pd.Series) -> pd.Series:
    """Completed years from each date of birth to the date beside it (missing where either is)."""
    dob, when = pd.to_datetime(dob), pd.to_datetime(when)
    years = when.dt.year - dob.dt.year
    before_birthday = (when.dt.month * 100 + when.dt.day) < (dob.dt.month * 100 + dob.dt.day)
    return (years - before_birthday.astype(int)).astype("float64").where(dob.notna() & when.notna())


def _la_code(values: pd.Series) -> pd.Series:
    """PL_LA as an ONS code: an old three-digit code becomes its authority's new code; a
    blank stays blank; anything else (e.g. WAL, SCO, NUK) is kept as written."""
    text = values.astype("string").str.strip().str.upper().fillna("")
    las = reference.local_authorities()
    old_to_new = dict(zip(las["old_la_code"], las["new_la_code"]))
    return text.map(lambda code: old_to_new.get(code, code)).astype(object)


def _last_episodes(episodes: pd.DataFrame) -> pd.DataFrame:
    """REC and REASON_PLACE_CHANGE of each episode that ended, keyed by CHILD and DEC (the
    placement's last episode is the one whose DEC is the placement's end)."""
    care = metrics.care_episodes(episodes)
    ended = care.loc[care["DEC"].notna()].sort_values("DECOM", kind="stable")
    columns = ["CHILD", "DEC", "REC"] + (["REASON_PLACE_CHANGE"] if "REASON_PLACE_CHANGE" in care else [])
    return ended.drop_duplicates(["CHILD", "DEC"], keep="last")[columns]


def placements_made(tables: dict[str, pd.DataFrame], years: Iterable[int]) -> pd.DataFrame:
    """One row per placement made in each of ``years`` (record level, never shown):
    time_period, placement_group, age_group, ended_within_7_days, ending, change_reason,
    locality and placed_la (the authority of placement, an ONS code or '')."""
    years = sorted(int(y) for y in years)
    episodes = tables["episodes"]
    placed = metrics.placements(episodes)
    first, last = year_start(years[0]), year_end(years[-1])
    placed = placed.loc[placed["start"].between(first, last)].reset_index(drop=True)
    # the collection year a placement was made in: the year whose 31 March ends on or after its start
    period = placed["start"].dt.year + (placed["start"].dt.month >= 4).astype(int)
    placed = placed.assign(time_period=period.astype(int))
    placed = placed.loc[placed["time_period"].isin(years)].reset_index(drop=True)
    placed = placed.merge(_last_episodes(episodes), left_on=["CHILD", "end"], right_on=["CHILD", "DEC"], how="left")
    if "PL_LA" in episodes:     # the authority of placement, from the placement's first episode
        first_la = episodes.drop_duplicates(["CHILD", "DECOM"], keep="last").set_index(["CHILD", "DECOM"])["PL_LA"]
        placed["PL_LA"] = first_la.reindex(pd.MultiIndex.from_arrays([placed["CHILD"], placed["start"]])).to_numpy()
    dob = tables["header"].drop_duplicates("CHILD", keep="last").set_index("CHILD")["DOB"]
    age = _age_at(placed["CHILD"].map(dob), placed["start"])
    rec = placed["REC"].astype("string").str.strip().fillna("")
    ending = np.select([placed["end"].isna(), rec.eq("X1"), rec.ne("")],
                       [Ending.OPEN, Ending.MOVED, Ending.CEASED], Ending.NOT_RECORDED)
    reason = (placed["REASON_PLACE_CHANGE"] if "REASON_PLACE_CHANGE" in placed
              else pd.Series("", index=placed.index)).astype("string").str.strip()
    days = (placed["end"] - placed["start"]).dt.days
    return pd.DataFrame({
        "time_period": placed["time_period"].to_numpy(),
        "placement_group": groupings.placement_group(placed["PLACE"], placed["PLACE_PROVIDER"]).to_numpy(),
        "age_group": groupings.age_band(age).map(groupings.DFE_AGE_GROUP).fillna(NOT_KNOWN).to_numpy(),
        "ended_within_7_days": (days <= metrics.WITHIN_DAYS).fillna(False).to_numpy(dtype=bool),
        "ending": ending,
        "change_reason": np.where(ending == Ending.MOVED, reason.map(codes.REASON_PLACE_CHANGE).fillna(NOT_KNOWN),
                                  ""),
        "locality": (_locality(placed["PL_LOCATION"]) if "PL_LOCATION" in placed
                     else pd.Series(Locality.NOT_RECORDED, index=placed.index)).to_numpy(),
        "placed_la": (_la_code(placed["PL_LA"]) if "PL_LA" in placed
                      else pd.Series("", index=placed.index, dtype=object)).to_numpy(),
    })


def _locality(location: pd.Series) -> pd.Series:
    """DfE's locality label of PL_LOCATION, as :mod:`metrics` gives it."""
    labels = {"IN": Locality.INSIDE, "OUT": Locality.OUTSIDE}
    return location.astype("string").str.strip().map(labels).fillna(Locality.NOT_RECORDED).astype(object)


def _count(frame: pd.DataFrame, by: list[str], index: dict[str, Iterable[str]], years: list[int]) -> pd.DataFrame:
    """Counts of ``frame`` by time_period and ``by``, every year and label of ``index``
    listed (0 where none), labels met in the data but not in ``index`` after them."""
    counts = frame.groupby(["time_period", *by], observed=True).size()
    levels = [years] + [[*index[b], *sorted(set(frame[b]) - set(index[b]))] for b in by]
    full = pd.MultiIndex.from_product(levels, names=["time_period", *by])
    return counts.reindex(full, fill_value=0).rename("value").reset_index()


def made_by_age(made: pd.DataFrame, years: Iterable[int], group: str | None = None) -> pd.DataFrame:
    """Placements made in each year by the child's age group when placed (of one placement
    ``group``, or of every group): time_period, age_group, value."""
    rows = made if group is None else made.loc[made["placement_group"].eq(group)]
    return _count(rows, ["age_group"], {"age_group": DFE_AGE_GROUPS}, list(years))


def ended_within_7_days(made: pd.DataFrame, years: Iterable[int], group: str | None = None) -> pd.DataFrame:
    """Placements (of ``group``, or all) made in each year that ended within 7 days, by how
    they ended: time_period, ending, value."""
    rows = made.loc[made["ended_within_7_days"]]
    rows = rows if group is None else rows.loc[rows["placement_group"].eq(group)]
    return _count(rows, ["ending"], {"ending": Ending.ENDED}, list(years))


def move_reasons(made: pd.DataFrame, year: int, group: str | None = None) -> pd.Series:
    """Why the placements made in ``year`` (of ``group``, or all) that ended within 7 days
    with a move to another placement ended: count by reason for the change, largest first."""
    rows = made.loc[made["ended_within_7_days"] & made["ending"].eq(Ending.MOVED) & made["time_period"].eq(year)]
    rows = rows if group is None else rows.loc[rows["placement_group"].eq(group)]
    return rows["change_reason"].value_counts()


def placed_in(placed_la: pd.Series, bordering: Iterable[str]) -> pd.Series:
    """Each out-of-area placement's place: a bordering authority, another one, or not recorded."""
    bordering = set(_la_code(pd.Series(list(bordering), dtype=object)))
    code = placed_la.astype("string").fillna("").str.strip()
    return pd.Series(np.select([code.eq(""), code.isin(bordering)], [PlacedIn.NOT_RECORDED, PlacedIn.BORDERING],
                               PlacedIn.ELSEWHERE), index=placed_la.index, dtype=object)


def out_of_area(made: pd.DataFrame, years: Iterable[int], bordering: Iterable[str]) -> pd.DataFrame:
    """Placements made in each year outside the authority's boundary, by where they are (see
    :class:`PlacedIn`): time_period, placed_in, value. Their sum is DfE's "placed outside
    the local authority boundary" count of the year's new placements."""
    outside = made.loc[made["locality"].eq(Locality.OUTSIDE)]
    outside = outside.assign(placed_in=placed_in(outside["placed_la"], bordering))
    return _count(outside, ["placed_in"], {"placed_in": PlacedIn.ORDER}, list(years))


def needs_in(tables: dict[str, pd.DataFrame], year: int, group: str) -> pd.Series:
    """The category of need (on entry to care) of the children in placement ``group`` at 31
    March ``year``, as DfE labels it ('N1. Abuse or neglect'), every category listed."""
    children = metrics.children_at_31_march(tables, year)
    rows = children.loc[children["placement_group"].eq(group), "need"]
    order = [f"{code}. {label}" for code, label in codes.CIN.items()]
    counts = rows.value_counts()
    return counts.reindex([*order, *sorted(set(counts.index) - set(order))], fill_value=0).astype(int)
