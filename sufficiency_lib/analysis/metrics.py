"""Figures computed from clean 903 tables, to DfE definitions.

Everything here works on the year-merged clean tables of :mod:`clean` (episodes, header,
uasc, oc3) and returns either per-child frames (kept inside the library: they are record
level) or counts in the long *figures* shape of :mod:`figures`, with DfE's indicator ids,
breakdown groups and labels wherever DfE publishes the same figure, so that a computed
figure sits beside the published one (:func:`figures.side_by_side`).

Definitions implemented (DfE, "Children looked after in England including adoptions",
methodology and SSDA903 guidance):

- **Looked after at 31 March**: distinct children with an episode open at the end of
  31 March (DEC blank or after it), leaving out episodes under an agreed series of short
  breaks (legal status V3/V4), so short-break-only care is never counted.
- **Started / ceased during the year** (1 April to 31 March): distinct children with an
  episode starting a period of care (RNE ``S``) / ending one (REC other than ``X1``),
  short-break episodes left out; a child who started (ceased) twice is counted once, with
  the first start (the last ceasing), as DfE's footnotes say.
- **Looked after at any time during the year**: distinct children with a non-short-break
  episode open on any day of the year.
- **UASC**: a child in the UASC table is unaccompanied asylum-seeking on a day when its
  date UASC status ceased (DUC) is blank or after that day. Starters are classed on the day
  they started, leavers on the day they ceased, children in care on 31 March on 31 March.
- **Placements**: a placement starts with each episode whose RNE is ``S``, ``P``, ``B``,
  ``T`` or ``U`` (a legal-status change, ``L``, keeps the placement) and runs to the end of
  the last episode before the next one starts.
- **Placement stability** (DfE PI): children looked after at 31 March with 3 or more
  placements open on some day of the year (the placement open on 1 April counts).
  Short-break episodes are left out; temporary placements (T0-T4) are counted like any
  other, which is not verified against DfE's own processing.
- **Long-term stability**: children under 16 at 31 March, looked after continuously for at
  least 2.5 years, who have been in the same placement for at least 2 years. DfE also
  counts a child placed for adoption whose adoptive and previous placement together last 2
  years; the 903 does not say whether the adopters were the previous carers, so that
  clause is not applied.
- **Age** is in completed years on the day (a child born on 31 March 2009 is 16 on
  31 March 2025); a 29 February birthday falls on 1 March in other years.
- **Care leavers** (OC3): the young people in the year's OC3 table, by the age they reach
  on their birthday in the year (their age at 31 March): 17-18 and 19-21. In touch means
  IN_TOUCH ``YES``; suitable accommodation, the ACCOM suitability digit; EET, ACTIV F/P
  codes. Percentages are of all care leavers of the age group, as DfE's are.
"""
from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from sufficiency_lib.ssda903 import codes, groupings
from sufficiency_lib.ssda903.codes import SHORT_BREAK_LEGAL_STATUSES
from sufficiency_lib.published.figures import figures_frame
from sufficiency_lib.ssda903.periods import year_end, year_start
from sufficiency_lib.vocabulary import (CARE_LEAVER_INDICATORS, CROSS, DFE_AGE_GROUPS, NOT_KNOWN,
                                        TIME_IN_CARE_BANDS, TOTAL, CareLeavers, Distance, Group, Indicator,
                                        LegalStatus, Locality, PlacementGroup, PlacementLength, Sex, Stability,
                                        UNRECORDED, Uasc, Unit)

NEW_PLACEMENT_RNE = frozenset({"S", "P", "B", "T", "U"})
WITHIN_DAYS = 7                     # "placements that ended within 7 days" of starting
LONG_TERM_CARE_MONTHS, LONG_TERM_PLACEMENT_MONTHS, LONG_TERM_MAX_AGE = 30, 24, 16
FAR_MILES = 20

#: Breakdown groups of the children looked after on 31 March, in the order chapters show them.
#: Keys are DfE's group names where DfE publishes the breakdown; the others are the statement's.
SNAPSHOT_GROUPS = {
    Group.PLACEMENT: "dfe_placement",
    Group.PLACEMENT_GROUP: "placement_group",
    Group.PROVIDERS: "provider",
    Group.AGE: "age_group",
    Group.SEX: "sex",
    Group.ETHNICITY: "ethnicity",
    Group.LEGAL_STATUS: "legal_status",
    Group.NEED: "need",
    Group.TIME_IN_CARE: "time_in_care",
    Group.LOCALITY: "locality",
    Group.DISTANCE: "distance",
    Group.UASC: "uasc",
}
#: Cross-tabulations of the children on 31 March: group -> (row column, column column).
SNAPSHOT_CROSSTABS = {
    Group.PLACEMENT_BY_AGE: ("placement_group", "age_group"),
    Group.PLACEMENT_BY_SEX: ("placement_group", "sex"),
    Group.UASC_BY_PLACEMENT: ("uasc", "placement_group"),
    Group.UASC_BY_SEX: ("uasc", "sex"),
    Group.UASC_BY_AGE: ("uasc", "age_group"),
}


# --- building blocks -------------------------------------------------------------------

def care_episodes(episodes: pd.DataFrame) -> pd.DataFrame:
    """Episodes that count as being looked after: all but short breaks (LS V3/V4)."""
    return episodes.loc[~episodes["LS"].isin(SHORT_BREAK_LEGAL_STATUSES)]


def open_at(episodes: pd.DataFrame, when: pd.Timestamp) -> pd.DataFrame:
    """Episodes open on ``when``: started on or before it and not ended by it.

    An episode whose DEC is ``when`` ended that day, so it is not open at the end of it;
    this is how DfE counts "looked after at 31 March" (the open episode, DEC blank in that
    year's return).
    """
    started = episodes["DECOM"] <= when
    not_ended = episodes["DEC"].isna() | (episodes["DEC"] > when)
    return episodes.loc[started & not_ended]


def open_during(frame: pd.DataFrame, first: pd.Timestamp, last: pd.Timestamp,
                start: str = "DECOM", end: str = "DEC") -> pd.Series:
    """Rows open on some day from ``first`` to ``last`` (an end on ``first`` counts)."""
    return (frame[start] <= last) & (frame[end].isna() | (frame[end] >= first))


def age_on(dob: pd.Series, when: pd.Timestamp) -> pd.Series:
    """Age in completed years on ``when`` (missing where the date of birth is)."""
    dob = pd.to_datetime(dob)
    years = when.year - dob.dt.year
    before_birthday = (when.month * 100 + when.day) < (dob.dt.month * 100 + dob.dt.day)
    return (years - before_birthday.astype("Int64")).astype("Int64")


def uasc_on(children: pd.Series, uasc: pd.DataFrame | None, when) -> pd.Series:
    """Whether each child is unaccompanied asylum-seeking on ``when`` (a date or a
    Series of dates aligned with ``children``)."""
    if uasc is None or uasc.empty:
        return pd.Series(False, index=children.index)
    ceased = _derived({"uasc": uasc}, "ceased", lambda t: t["uasc"].sort_values("DUC", na_position="last")
                      .drop_duplicates("CHILD", keep="last").set_index("CHILD")["DUC"])   # each child's latest DUC
    duc = _lookup(children, ceased)
    listed = children.isin(ceased.index)
    return (listed & (duc.isna() | (duc > when))).astype(bool)


def placements(episodes: pd.DataFrame) -> pd.DataFrame:
    """One row per placement (see the module docstring): CHILD, start, end (NaT while open),
    and the PLACE, PLACE_PROVIDER, PL_LOCATION and PL_DISTANCE of its first episode."""
    eps = care_episodes(episodes).sort_values(["CHILD", "DECOM"], kind="stable")
    previous = eps.groupby("CHILD", sort=False)[["DEC", "REC"]].shift()
    first_of_child = eps["CHILD"].ne(eps["CHILD"].shift())
    continues = previous["REC"].eq("X1") & previous["DEC"].eq(eps["DECOM"])
    new = first_of_child | eps["RNE"].isin(NEW_PLACEMENT_RNE) | ~continues
    number = new.cumsum().to_numpy()
    columns = [c for c in ("PLACE", "PLACE_PROVIDER", "PL_LOCATION", "PL_DISTANCE", "RNE") if c in eps]
    grouped = eps.groupby(number, sort=False)
    out = grouped[["CHILD", *columns]].first()
    out["start"] = grouped["DECOM"].first()
    out["end"] = grouped["DEC"].last()
    # an open episode before the last one cannot happen after cleaning; the last episode's
    # DEC is the placement's end (NaT while it is open)
    return out.reset_index(drop=True)


def _lookup(keys: pd.Series, table: pd.Series) -> pd.Series:
    """``table``'s value for each key, aligned with ``keys`` (missing where absent).

    ``Series.map`` with a datetime Series fails in pandas when the table is empty; a
    reindex does not."""
    table = table.loc[~table.index.duplicated(keep="last")]
    return pd.Series(table.reindex(keys.to_numpy()).to_numpy(), index=keys.index)


def _period_start(care: pd.DataFrame, children: pd.Series, when: pd.Timestamp) -> pd.Series:
    """Start of each child's current period of care: the last RNE ``S`` on or before
    ``when``, or the child's first episode in the return when no start is in it."""
    upto = care.loc[care["DECOM"] <= when]
    starts = upto.loc[upto["RNE"].eq("S")].groupby("CHILD")["DECOM"].max()
    first = upto.groupby("CHILD")["DECOM"].min()
    return _lookup(children, starts).fillna(_lookup(children, first))


def _months_between(earlier: pd.Series, later: pd.Timestamp) -> pd.Series:
    """Whole months from ``earlier`` to ``later`` (a day short of a month is not one)."""
    months = (later.year - earlier.dt.year) * 12 + (later.month - earlier.dt.month)
    return months - (later.day < earlier.dt.day).astype(int)


def _band(values: pd.Series, edges: list[float], labels: list[str]) -> pd.Series:
    banded = pd.cut(pd.to_numeric(values, errors="coerce"), [*edges, np.inf], right=False, labels=labels)
    return banded.astype("string").fillna(NOT_KNOWN).astype(object)


def _label(codes_: pd.Series, mapping: dict, missing: str = NOT_KNOWN) -> pd.Series:
    return codes_.astype("string").str.strip().map(mapping).fillna(missing).astype(object)


def _distance(miles: pd.Series) -> pd.Series:
    miles = pd.to_numeric(miles, errors="coerce")
    return pd.Series(np.where(miles.isna(), Distance.UNKNOWN, np.where(miles <= FAR_MILES, Distance.NEAR, Distance.FAR)),
                     index=miles.index, dtype=object)


def _locality(location: pd.Series) -> pd.Series:
    return _label(location, {"IN": Locality.INSIDE, "OUT": Locality.OUTSIDE}, Locality.NOT_RECORDED)


# --- the children looked after on 31 March ---------------------------------------------

#: What is worked out from the last few returns asked about (a group's and its members'):
#: snapshots, care episodes, placements. Kept with the tables themselves, so a changed
#: return is never served another's.
_DERIVED: dict = {}


def _derived(tables: dict[str, pd.DataFrame], name, make):
    """``make(tables)``, worked out once per return and ``name`` (pandas copies on write)."""
    source = [tables.get(table) for table in ("episodes", "header", "uasc")]
    key = tuple(id(frame) for frame in source)
    if key not in _DERIVED or any(a is not b for a, b in zip(_DERIVED[key][0], source)):
        if len(_DERIVED) >= 6:
            _DERIVED.pop(next(iter(_DERIVED)))
        _DERIVED[key] = (source, {})
    kept = _DERIVED[key][1]
    if name not in kept:
        kept[name] = make(tables)
    return kept[name]


def children_at_31_march(tables: dict[str, pd.DataFrame], year: int) -> pd.DataFrame:
    """One row per child looked after at 31 March ``year``, with the label of each breakdown of
    :data:`SNAPSHOT_GROUPS` and ``placements_in_year``, ``long_term`` (under 16, looked after 2.5+
    years) and ``same_placement_2_years``. Record level: for computing figures, never for showing."""
    year = int(year)
    return _derived(tables, ("snapshot", year), lambda t: _children_at_31_march(t, year)).copy(deep=False)


def return_care_episodes(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """:func:`care_episodes` of the return's episodes, worked out once per return."""
    return _derived(tables, "care", lambda t: care_episodes(t["episodes"]))


def return_placements(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """:func:`placements` of the return's episodes, worked out once per return."""
    return _derived(tables, "placements", lambda t: placements(t["episodes"]))


def _children_at_31_march(tables: dict[str, pd.DataFrame], year: int) -> pd.DataFrame:
    end, start = year_end(year), year_start(year)
    care = return_care_episodes(tables)
    current = open_at(care, end).sort_values("DECOM").drop_duplicates("CHILD", keep="last")
    if current.empty:
        return pd.DataFrame(columns=["CHILD", *SNAPSHOT_GROUPS.values(), "age", "placements_in_year",
                                     "long_term", "same_placement_2_years"])
    header = tables["header"].drop_duplicates("CHILD", keep="last").set_index("CHILD")
    child = current["CHILD"]
    age = age_on(_lookup(child, header["DOB"]), end)
    out = pd.DataFrame({"CHILD": child.to_numpy()}, index=current.index)
    out["dfe_placement"] = groupings.dfe_placement_type(current["PLACE"])
    out["placement_group"] = groupings.placement_group(current["PLACE"], current["PLACE_PROVIDER"])
    out["provider"] = _label(current["PLACE_PROVIDER"], groupings.DFE_PROVIDER, "Placement provider not reported")
    out["age"] = age
    out["age_group"] = groupings.age_band(age.astype("float64")).map(groupings.DFE_AGE_GROUP).fillna(NOT_KNOWN)
    out["sex"] = _label(child.map(header["SEX"]), codes.SEX)
    out["ethnicity"] = _label(child.map(header["ETHNIC"]), codes.ETHNIC_GROUP,
                              "Refused or information not yet available")
    out["legal_status"] = _label(current["LS"], groupings.DFE_LEGAL_STATUS)
    out["need"] = current["CIN"].astype("string").map(
        {code: f"{code}. {label}" for code, label in codes.CIN.items()}).fillna(NOT_KNOWN).astype(object)
    began = pd.to_datetime(_period_start(care, child, end))
    months_in_care = _months_between(began, end)
    out["time_in_care"] = _band(months_in_care, groupings.TIME_IN_CARE_MONTHS, TIME_IN_CARE_BANDS)
    out["locality"] = _locality(current["PL_LOCATION"]) if "PL_LOCATION" in current else Locality.NOT_RECORDED
    out["distance"] = _distance(current["PL_DISTANCE"]) if "PL_DISTANCE" in current else Distance.UNKNOWN
    out["uasc"] = np.where(uasc_on(child, tables.get("uasc"), end), Uasc.YES, Uasc.NO)

    placed = return_placements(tables).loc[lambda frame: frame["CHILD"].isin(child)]   # each child's own
    in_year = placed.loc[open_during(placed, start, end, "start", "end")]
    out["placements_in_year"] = child.map(in_year.groupby("CHILD").size()).fillna(0).astype(int)
    this_placement = placed.loc[placed["start"] <= end].groupby("CHILD")["start"].max()
    out["long_term"] = (age < LONG_TERM_MAX_AGE).fillna(False).to_numpy() & (
        months_in_care >= LONG_TERM_CARE_MONTHS).to_numpy()
    out["same_placement_2_years"] = out["long_term"] & (
        _months_between(pd.to_datetime(_lookup(child, this_placement)), end) >= LONG_TERM_PLACEMENT_MONTHS).to_numpy()
    return out.reset_index(drop=True)


def children_looked_after_at_31_march(episodes: pd.DataFrame, year: int) -> int:
    """Number of children looked after at 31 March ``year`` (DfE definition).

    Counts distinct children with an episode open at 31 March, excluding those whose open
    episode is under an agreed series of short-term breaks (legal status V3 or V4).
    """
    return int(cla_at_31_march_series(episodes, [year])["children_count"].iloc[0])


def cla_at_31_march_series(episodes: pd.DataFrame, years) -> pd.DataFrame:
    """``time_period`` and ``children_count`` at 31 March for each of ``years``.

    Same count as :func:`open_at` on :func:`care_episodes` for each year, done on arrays:
    the children are numbered once and each year is a mask over the episodes, so a
    return of a region over ten years counts in a fraction of a second.
    """
    years = [int(y) for y in years]
    care = ~episodes["LS"].isin(SHORT_BREAK_LEGAL_STATUSES).to_numpy()
    child, _ = pd.factorize(episodes["CHILD"])
    decom = episodes["DECOM"].to_numpy(dtype="datetime64[ns]")
    dec = episodes["DEC"].to_numpy(dtype="datetime64[ns]")
    counts = []
    for year in years:
        end = year_end(year).to_datetime64()
        open_now = care & (decom <= end) & (np.isnat(dec) | (dec > end)) & (child >= 0)
        counts.append(int(np.unique(child[open_now]).size))
    return pd.DataFrame({"time_period": years, "children_count": counts})


# --- flows in the year -----------------------------------------------------------------

def starters(tables: dict[str, pd.DataFrame], year: int) -> pd.DataFrame:
    """Children who started to be looked after in ``year``: CHILD, DECOM (first start),
    uasc (UASC on that day)."""
    care = return_care_episodes(tables)
    started = care.loc[care["RNE"].eq("S") & care["DECOM"].between(year_start(year), year_end(year))]
    first = started.sort_values("DECOM").drop_duplicates("CHILD", keep="first")[["CHILD", "DECOM"]]
    flag = uasc_on(first["CHILD"], tables.get("uasc"), first["DECOM"])
    return first.assign(uasc=np.where(flag, Uasc.YES, Uasc.NO)).reset_index(drop=True)


def leavers(tables: dict[str, pd.DataFrame], year: int) -> pd.DataFrame:
    """Children who ceased to be looked after in ``year``: CHILD, DEC and REC of the last
    ceasing, its DfE reason label, and uasc (UASC on the day before they ceased)."""
    care = return_care_episodes(tables)
    ended = care.loc[care["REC"].ne("X1") & care["REC"].ne("")
                     & care["DEC"].between(year_start(year), year_end(year))]
    last = ended.sort_values("DEC").drop_duplicates("CHILD", keep="last")[["CHILD", "DEC", "REC"]]
    flag = uasc_on(last["CHILD"], tables.get("uasc"), last["DEC"] - pd.Timedelta(days=1))
    return last.assign(reason=_label(last["REC"], groupings.DFE_REASON_CEASED),
                       uasc=np.where(flag, Uasc.YES, Uasc.NO)).reset_index(drop=True)


def looked_after_during(tables: dict[str, pd.DataFrame], year: int) -> int:
    """Distinct children looked after at any time during ``year`` (short breaks left out)."""
    care = return_care_episodes(tables)
    return int(care.loc[open_during(care, year_start(year), year_end(year)), "CHILD"].nunique())


def new_placements(tables: dict[str, pd.DataFrame], year: int) -> pd.DataFrame:
    """Placements that started in ``year``, labelled by group, provider, locality and
    distance, with ``ended_within_7_days`` (ended no more than 7 days after starting)."""
    placed = return_placements(tables)
    new = placed.loc[placed["start"].between(year_start(year), year_end(year))]
    days = (new["end"] - new["start"]).dt.days
    out = pd.DataFrame({
        "placement_group": groupings.placement_group(new["PLACE"], new["PLACE_PROVIDER"]),
        "provider": _label(new["PLACE_PROVIDER"], groupings.DFE_PROVIDER, "Placement provider not reported"),
        "locality": _locality(new["PL_LOCATION"]) if "PL_LOCATION" in new else Locality.NOT_RECORDED,
        "distance": _distance(new["PL_DISTANCE"]) if "PL_DISTANCE" in new else Distance.UNKNOWN,
        "ended_within_7_days": (days <= WITHIN_DAYS).fillna(False).astype(bool),
    })
    return out.reset_index(drop=True)


def _new_placement_location(frame: pd.DataFrame) -> pd.Series:
    """DfE's Group.NEW_PLACEMENT_LOCATION label."""
    inside = frame["locality"].eq(Locality.INSIDE)
    where = np.where(inside, "Placed inside LA boundary", "Placed outside LA boundary")
    how_far = np.where(frame["distance"].eq(Distance.FAR), "more than 20 miles from home", "less than 20 miles from home")
    label = pd.Series(where, index=frame.index) + " " + pd.Series(how_far, index=frame.index)
    unknown = frame["distance"].eq(Distance.UNKNOWN) | frame["locality"].eq(Locality.NOT_RECORDED)
    return label.where(~unknown, Distance.UNKNOWN)


# --- care leavers ----------------------------------------------------------------------

def care_leavers(tables: dict[str, pd.DataFrame], year: int) -> pd.DataFrame:
    """The year's care leavers (OC3): CHILD, age, age_group (17 to 18 / 19 to 21 years,
    or CareLeavers.OTHER_AGES), in_touch, accommodation (DfE suitability label), activity (DfE total)."""
    oc3 = tables.get("oc3")
    if oc3 is None or oc3.empty:
        return pd.DataFrame(columns=["CHILD", "age", "age_group", "in_touch", "accommodation", "activity"])
    rows = oc3.loc[oc3["return_year"].astype(int).eq(int(year))].drop_duplicates("CHILD", keep="last")
    header = tables["header"].drop_duplicates("CHILD", keep="last").set_index("CHILD")["DOB"]
    dob = _lookup(rows["CHILD"], header)
    if "DOB" in rows:  # the OC3 row's own date of birth, where given
        dob = rows["DOB"].fillna(dob)
    age = age_on(dob, year_end(year))
    age_group = pd.Series(np.select([age.between(17, 18).fillna(False), age.between(19, 21).fillna(False)],
                                    [CareLeavers.AGED_17_18, CareLeavers.AGED_19_21], CareLeavers.OTHER_AGES), index=rows.index)
    suitable = rows["ACCOM"].map(codes.accommodation_suitable)
    accommodation = np.select([suitable.eq(True), suitable.eq(False)],
                              [CareLeavers.SUITABLE, CareLeavers.UNSUITABLE],
                              CareLeavers.NO_INFORMATION)
    return pd.DataFrame({
        "CHILD": rows["CHILD"].to_numpy(), "age": age.to_numpy(), "age_group": age_group.to_numpy(),
        "in_touch": np.where(rows["IN_TOUCH"].eq("YES"), CareLeavers.IN_TOUCH, CareLeavers.NOT_IN_TOUCH).astype(object),
        "accommodation": accommodation.astype(object),
        "activity": _label(rows["ACTIV"], groupings.ACTIVITY_GROUP, CareLeavers.ACTIVITY_NOT_KNOWN).to_numpy(),
    })


CARE_LEAVER_GROUPS = {Group.IN_TOUCH: "in_touch", Group.ACCOMMODATION: "accommodation",
                      Group.ACTIVITY: "activity"}


# --- figures ---------------------------------------------------------------------------

def _counts(labels: pd.Series, group: str, order: Iterable[str] = ()) -> list[dict]:
    """Count rows for one breakdown group, with its Total; labels in ``order`` first and
    listed even when zero."""
    counts = labels.value_counts()
    ordered = [*order, *sorted(set(counts.index) - set(order))]
    rows = [{"breakdown_group": group, "breakdown": label, "value": int(counts.get(label, 0))}
            for label in ordered]
    return rows + [{"breakdown_group": group, "breakdown": TOTAL, "value": int(len(labels))}]


GROUP_ORDER = {
    Group.PLACEMENT: groupings.DFE_PLACEMENT_TYPES,
    Group.PLACEMENT_GROUP: PlacementGroup.ORDER,
    Group.AGE: list(DFE_AGE_GROUPS),
    Group.SEX: list(Sex.ORDER),
    Group.ETHNICITY: codes.ETHNIC_GROUPS,
    Group.LEGAL_STATUS: list(LegalStatus.ORDER),
    Group.TIME_IN_CARE: TIME_IN_CARE_BANDS,
    Group.LOCALITY: [Locality.INSIDE, Locality.OUTSIDE],
    Group.DISTANCE: [Distance.NEAR, Distance.FAR, Distance.UNKNOWN],
    Group.UASC: [Uasc.YES, Uasc.NO],
    Group.IN_TOUCH: [CareLeavers.IN_TOUCH, CareLeavers.NOT_IN_TOUCH],
    Group.ACCOMMODATION: [CareLeavers.SUITABLE, CareLeavers.UNSUITABLE, CareLeavers.NO_INFORMATION],
    Group.ACTIVITY: [CareLeavers.EET, CareLeavers.NEET, CareLeavers.ACTIVITY_NOT_KNOWN],
}


def _with_percent(rows: list[dict]) -> list[dict]:
    """Add a percent row (of the group's Total) for every count row, Total included; a
    group the return did not record for anyone (all :data:`UNRECORDED`) has no shares."""
    totals = {(r["indicator"], r["breakdown_group"]): r["value"] for r in rows if r["breakdown"] == TOTAL}
    unrecorded = {(r["indicator"], r["breakdown_group"]) for r in rows if r["breakdown"] in UNRECORDED
                  and r["value"] and r["value"] == totals.get((r["indicator"], r["breakdown_group"]))}
    out = list(rows)
    for row in rows:
        total = totals.get((row["indicator"], row["breakdown_group"]))
        known = ((row["indicator"], row["breakdown_group"]) not in unrecorded
                 or row["breakdown"] in UNRECORDED | {TOTAL})
        share = row["value"] / total * 100 if total and known else np.nan
        out.append({**row, "unit": Unit.PERCENT, "value": share})
    return out


def year_figures(tables: dict[str, pd.DataFrame], year: int) -> list[dict]:
    """Every figure of one year, as figure rows without the place columns."""
    rows: list[dict] = []

    def add(indicator: str, items: list[dict], percent: bool = True) -> None:
        items = [{"indicator": indicator, "unit": Unit.NUMBER, **item} for item in items]
        rows.extend(_with_percent(items) if percent else items)

    snapshot = children_at_31_march(tables, year)
    for group, column in SNAPSHOT_GROUPS.items():
        add(Indicator.CLA, _counts(snapshot[column], group, GROUP_ORDER.get(group, ())))
    for group, (first, second) in SNAPSHOT_CROSSTABS.items():
        joined = snapshot[first].astype(str) + CROSS + snapshot[second].astype(str)
        add(Indicator.CLA, [r for r in _counts(joined, group) if r["breakdown"] != TOTAL], percent=False)
    moved = np.where(snapshot["placements_in_year"] >= 3, Stability.THREE_OR_MORE, Stability.FEWER)
    add(Indicator.CLA, _counts(pd.Series(moved), Group.STABILITY, [Stability.THREE_OR_MORE]))
    long_term = snapshot.loc[snapshot["long_term"]]
    same = np.where(long_term["same_placement_2_years"], Stability.SAME_CARER, Stability.NOT_SAME_CARER)
    add(Indicator.LONG_TERM_UNDER_16, _counts(pd.Series(same, dtype=object), Group.STABILITY, [Stability.SAME_CARER]))

    started = starters(tables, year)
    add(Indicator.STARTED, _counts(started["uasc"], Group.UASC, [Uasc.YES, Uasc.NO]))
    add(Indicator.STARTED, [{"breakdown_group": TOTAL, "breakdown": TOTAL, "value": len(started)}], percent=False)
    ceased = leavers(tables, year)
    add(Indicator.CEASED, _counts(ceased["uasc"], Group.UASC, [Uasc.YES, Uasc.NO]))
    add(Indicator.CEASED, _counts(ceased["reason"], Group.REASON_CEASED))
    add(Indicator.CEASED, [{"breakdown_group": TOTAL, "breakdown": TOTAL, "value": len(ceased)}], percent=False)
    add(Indicator.CLA, [{"breakdown_group": TOTAL, "breakdown": TOTAL, "value": len(snapshot)}], percent=False)
    add(Indicator.DURING_YEAR, [{"breakdown_group": TOTAL, "breakdown": TOTAL,
                             "value": looked_after_during(tables, year)}], percent=False)

    new = new_placements(tables, year)
    add(Indicator.NEW_PLACEMENTS, _counts(new["placement_group"], Group.PLACEMENT_GROUP, PlacementGroup.ORDER))
    add(Indicator.NEW_PLACEMENTS, _counts(new["provider"], Group.PROVIDERS))
    add(Indicator.NEW_PLACEMENTS, _counts(new["locality"], Group.LOCALITY, [Locality.INSIDE, Locality.OUTSIDE]))
    add(Indicator.NEW_PLACEMENTS, _counts(_new_placement_location(new), Group.NEW_PLACEMENT_LOCATION))
    within = np.where(new["ended_within_7_days"], PlacementLength.ENDED_WITHIN_7_DAYS, PlacementLength.LONGER)
    add(Indicator.NEW_PLACEMENTS, _counts(pd.Series(within, dtype=object), Group.PLACEMENT_LENGTH, [PlacementLength.ENDED_WITHIN_7_DAYS]))
    by_group = new.loc[new["ended_within_7_days"], "placement_group"]
    add(Indicator.NEW_PLACEMENTS, [r for r in _counts(by_group, Group.ENDED_WITHIN_7_DAYS_BY_GROUP)
                           if r["breakdown"] != TOTAL], percent=False)

    leavers_ = care_leavers(tables, year)
    for age_group, indicator in CARE_LEAVER_INDICATORS.items():
        cohort = leavers_.loc[leavers_["age_group"].eq(age_group)]
        for group, column in CARE_LEAVER_GROUPS.items():
            add(indicator, _counts(cohort[column], group, GROUP_ORDER.get(group, ())))
    return [{"time_period": int(year), **row} for row in rows]


def empty_figures() -> pd.DataFrame:
    """A figures frame with no rows (a statement without a return)."""
    return figures_frame(pd.DataFrame(columns=["time_period", "indicator", "unit", "value"]))


def return_figures(tables: dict[str, pd.DataFrame], authority, years: Iterable[int],
                   source: str = "903 return") -> pd.DataFrame:
    """Every figure the statement takes from the return, for ``authority`` and ``years``,
    in the figures shape (local-authority level, unrounded and unsuppressed).

    Indicators: ``cla_31_march`` (Total and every breakdown of :data:`SNAPSHOT_GROUPS`,
    the cross-tabs of :data:`SNAPSHOT_CROSSTABS`, Group.STABILITY),
    ``cla_long_term_under_16``, ``cla_started`` and ``cla_ceased`` (Total, UASC, and reason
    for ceasing), ``cla_during_year``, ``new_placements`` (group, provider, locality,
    DfE's location, ended within 7 days) and the care leavers ``care_leavers_17_18`` /
    ``care_leavers_19_21`` (in touch, accommodation, activity). Counts and percentages of
    their breakdown's Total (unrounded: rounding and suppression are for display).
    """
    rows = [row for year in years for row in year_figures(tables, int(year))]
    frame = pd.DataFrame(rows)
    place = {"geographic_level": "Local authority", "country_code": "E92000001",
             "region_code": authority.region_code, "region_name": authority.region_name,
             "old_la_code": authority.old_la_code, "new_la_code": authority.new_la_code,
             "la_name": authority.la_name}
    return figures_frame(frame.assign(**place, status="", source=source))
