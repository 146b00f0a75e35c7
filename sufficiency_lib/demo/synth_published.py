"""DfE's published figures for one authority, as the synthetic return's year-by-year targets.

Reads the embedded published statistics (:func:`sufficiency_lib.published.store.load`) and
turns each breakdown DfE publishes for the authority into a table of counts, one row per
year and one column per category the generator knows (its own codes, in the orders below).
Labels are matched through the library's own code lists and groupings, never retyped, so
a figure the generator aims at is the one the project's metrics compute beside DfE's.

Suppressed cells (DfE's ``c``: fewer than 5 children, or hidden so others cannot be worked
out) are filled: from the margins where a cross-tabulation gives them away (the six cells of
locality by distance), else by sharing what the total leaves over among the hidden cells in
proportion to their size in the years they were shown. :class:`Published` keeps which cells
were published, so that the calibration test checks only those.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sufficiency_lib.ssda903 import codes, groupings
from sufficiency_lib.vocabulary import (DFE_AGE_GROUPS, TOTAL, CareLeavers, Group, Indicator, LegalStatus, Sex,
                                        Stability, Uasc, Unit)

#: Legal statuses the targets count (DfE's six groups at 31 March), as 903 codes.
LEGAL_KEYS = ("C1", "C2", "E1", "V2", "J", "L")
_LEGAL_OF_LABEL = {LegalStatus.INTERIM: "C1", LegalStatus.FULL: "C2", LegalStatus.PLACEMENT_ORDER: "E1",
                   LegalStatus.SECTION_20: "V2", LegalStatus.YOUTH_JUSTICE: "J", LegalStatus.PROTECTION: "L"}
#: DfE's placement types at 31 March, in DfE's order.
DFE_TYPES = tuple(groupings.DFE_PLACEMENT_TYPES)
#: Placement providers; "" is a placement with no provider reported.
PROVIDERS = ("PR0", "PR1", "PR2", "PR3", "PR4", "PR5", "")
#: Locality and distance at 31 March: (inside, near), (outside, near), (inside, far),
#: (outside, far), (inside, not known), (outside, not known).
LOCATIONS = ("in_near", "out_near", "in_far", "out_far", "in_unknown", "out_unknown")
#: Location of new placements: DfE does not split the unknown distances by locality.
NEW_LOCATIONS = ("in_near", "in_far", "out_near", "out_far", "unknown")
ETHNIC_GROUPS = tuple(codes.ETHNIC_GROUPS)
CIN_CODES = tuple(codes.CIN)
#: DfE's reasons for ceasing to be looked after, in the order of the codes that give them.
REASONS = tuple(dict.fromkeys(groupings.DFE_REASON_CEASED.values()))
LEAVER_AGES = (CareLeavers.AGED_17_18, CareLeavers.AGED_19_21)
#: Care leavers' columns: activity total, EET, NEET, not known; suitability total, suitable,
#: unsuitable, no information.
LEAVER_COLUMNS = ("total", "eet", "neet", "unknown", "acc_total", "suitable", "unsuitable", "no_info")


@dataclass
class Published:
    """Counts per year for each breakdown (suppressed cells filled), and which were shown."""

    tables: dict = field(default_factory=dict)      # name -> DataFrame (year x category)
    shown: dict = field(default_factory=dict)       # name -> boolean DataFrame (published, not suppressed)

    def years(self, name: str) -> list[int]:
        """Years with a figure for ``name``."""
        table = self.tables.get(name)
        return [] if table is None else [int(y) for y in table.index]

    def row(self, name: str, year: int) -> np.ndarray | None:
        """Counts of ``name`` in ``year`` (None when not published)."""
        table = self.tables.get(name)
        if table is None or year not in table.index:
            return None
        return table.loc[year].to_numpy(float)

    def value(self, name: str, year: int) -> float | None:
        row = self.row(name, year)
        return None if row is None or not np.isfinite(row[0]) else float(row[0])


@functools.lru_cache(maxsize=1)
def _all_figures() -> pd.DataFrame:
    from sufficiency_lib.published import store    # loaded on first use: a second or so
    figures = store.load().figures
    keep = figures["geographic_level"].astype(str).eq("Local authority") & figures["unit"].astype(str).eq(Unit.NUMBER)
    out = figures.loc[keep, ["time_period", "new_la_code", "indicator", "breakdown_group", "breakdown", "value",
                             "status"]]
    return out.astype({c: str for c in ("new_la_code", "indicator", "breakdown_group", "breakdown", "status")})


@functools.lru_cache(maxsize=8)
def published_targets(code: str) -> Published:
    """Every breakdown DfE publishes for authority ``code``, as counts per year."""
    try:
        figures = _all_figures()
    except FileNotFoundError:
        return Published()
    rows = figures.loc[figures["new_la_code"].eq(code)]
    pub = Published()
    if rows.empty:
        return pub
    for name, (indicator, group, spec) in _BREAKDOWNS.items():
        table, shown = _counts(rows, indicator, group, spec)
        if table is not None:
            pub.tables[name], pub.shown[name] = table, shown
    _fill_location(pub)
    for name in _BREAKDOWNS:
        if name in pub.tables and name != "location":
            pub.tables[name] = _fill_residual(pub.tables[name])
    _leavers(rows, pub)
    return pub


def _counts(rows, indicator, group, spec: "_Spec"):
    """(year x category counts with NaN where hidden, shown mask) of one breakdown; the
    "total" column is the published Total."""
    part = rows.loc[rows["indicator"].eq(indicator) & rows["breakdown_group"].eq(group)]
    if part.empty:
        return None, None
    part = part.assign(key=part["breakdown"].map(spec.key))
    part = part.loc[part["key"].notna()]
    value = pd.to_numeric(part["value"], errors="coerce").where(~part["status"].eq("c"))
    table = part.assign(value=value).pivot_table(index="time_period", columns="key", values="value",
                                                 aggfunc="first", dropna=False)
    table = table.reindex(columns=["total", *spec.columns])
    table.index = table.index.astype(int)
    return table.astype(float), table.notna()


def _fill_residual(table: pd.DataFrame) -> pd.DataFrame:
    """Hidden cells share what the total leaves over, in proportion to their mean share in
    the years they were shown (at least one child each: DfE hides counts of 1 to 4)."""
    if "total" not in table.columns:
        return table
    cells = [c for c in table.columns if c != "total"]
    shares = table[cells].div(table["total"], axis=0).mean().fillna(0.0).clip(lower=0.002)
    out = table.copy()
    for second in (False, True):   # again with each hidden cell weighed by its neighbouring years' values
        filled = out.copy()
        for year, row in table.iterrows():
            hidden = [c for c in cells if not np.isfinite(row[c])]
            if not hidden or not np.isfinite(row["total"]):
                continue
            left = max(row["total"] - row[cells].sum(skipna=True), 0.0)
            near = filled.loc[[y for y in (year - 1, year + 1) if y in filled.index], hidden]
            weights = (near.mean().to_numpy() / max(near["total"].mean() if "total" in near else 1, 1)
                       if second and len(near) else shares[hidden].to_numpy())
            out.loc[year, hidden] = _integer_split(left, np.clip(np.nan_to_num(weights), 0.002, None))
    return out


def _integer_split(total: float, weights: np.ndarray) -> np.ndarray:
    """``total`` split in proportion to ``weights`` as whole numbers (largest remainders)."""
    raw = total * weights / weights.sum()
    whole = np.floor(raw)
    extra = int(round(total - whole.sum()))
    whole[np.argsort(whole - raw, kind="stable")[:max(extra, 0)]] += 1
    return whole


def _fill_location(pub: Published) -> None:
    """The six cells of locality by distance, hidden ones worked out from the margins
    (inside = cells 1+3+5, near = 1+2, far = 3+4, not known = 5+6)."""
    cross = pub.tables.get("location")
    if cross is None:
        return
    locality, distance = pub.tables.get("locality"), pub.tables.get("distance")
    sums = []   # (margin table, column, cells that add up to it)
    if locality is not None:
        sums += [(locality, "in", ["in_near", "in_far", "in_unknown"]),
                 (locality, "out", ["out_near", "out_far", "out_unknown"])]
    if distance is not None:
        sums += [(distance, "near", ["in_near", "out_near"]), (distance, "far", ["in_far", "out_far"]),
                 (distance, "unknown", ["in_unknown", "out_unknown"])]
    out = cross.copy()
    for year in out.index:
        for _ in range(3):
            for margin, column, cells in sums:
                if year not in margin.index or not np.isfinite(margin.loc[year, column]):
                    continue
                hidden = [c for c in cells if not np.isfinite(out.loc[year, c])]
                if len(hidden) == 1:
                    out.loc[year, hidden[0]] = max(margin.loc[year, column] - out.loc[year, cells].sum(skipna=True), 0)
    pub.tables["location"] = _fill_residual(out)


def _leavers(rows, pub: Published) -> None:
    """Care leavers of each age group: activity and suitability totals and their parts."""
    for age in LEAVER_AGES:
        indicator = {CareLeavers.AGED_17_18: Indicator.CARE_LEAVERS_17_18,
                     CareLeavers.AGED_19_21: Indicator.CARE_LEAVERS_19_21}[age]
        activity, a_shown = _counts(rows, indicator, Group.ACTIVITY, _Spec(
            ("eet", "neet", "unknown"), ((CareLeavers.EET, "eet"), (CareLeavers.NEET, "neet"),
                                         (CareLeavers.ACTIVITY_NOT_KNOWN, "unknown"))))
        suitability, s_shown = _counts(rows, indicator, Group.ACCOMMODATION, _Spec(
            ("suitable", "unsuitable", "no_info"), ((CareLeavers.SUITABLE, "suitable"),
                                                    (CareLeavers.UNSUITABLE, "unsuitable"),
                                                    (CareLeavers.NO_INFORMATION, "no_info"))))
        if suitability is not None:
            suitability = suitability.rename(columns={"total": "acc_total"})
            s_shown = s_shown.rename(columns={"total": "acc_total"})
        if activity is None:
            continue
        if suitability is not None:     # those not in touch have neither activity nor accommodation
            unknown = activity["unknown"].reindex(suitability.index)
            hidden = suitability["no_info"].isna() & unknown.notna()
            left = suitability["acc_total"] - suitability[["suitable", "unsuitable"]].sum(axis=1, skipna=True)
            suitability.loc[hidden, "no_info"] = np.minimum(unknown[hidden], left[hidden].clip(lower=0))
        activity = _fill_residual(activity)
        if suitability is not None:
            suitability = _fill_residual(suitability.rename(columns={"acc_total": "total"})).rename(
                columns={"total": "acc_total"})
        table = pd.concat([activity, suitability], axis=1).reindex(columns=list(LEAVER_COLUMNS))
        shown = pd.concat([a_shown, s_shown], axis=1).reindex(columns=list(LEAVER_COLUMNS)).fillna(False)
        pub.tables[f"leavers {age}"], pub.shown[f"leavers {age}"] = table, shown.astype(bool)


@dataclass(frozen=True)
class _Spec:
    """A breakdown: its categories and how a published label maps to one (None: not used)."""

    columns: tuple
    labels: tuple = ()          # (label, category) pairs
    rule: object = None         # label -> category, for labels found by their words

    def key(self, label: str):
        if label == TOTAL:
            return "total"
        found = dict(self.labels).get(label)
        return found if found is not None or self.rule is None else self.rule(label)


def _locality_rule(label: str) -> str | None:
    text = label.lower()
    return "in" if "inside" in text else "out" if "outside" in text else None


def _distance_rule(label: str) -> str | None:
    text = label.lower()
    return ("unknown" if "not known" in text else "far" if "more than 20" in text
            else "near" if "20 miles" in text else None)


def _location_rule(label: str) -> str | None:
    """One of LOCATIONS from a label of DfE's locality-by-distance cross-tabulation."""
    where, far = _locality_rule(label), _distance_rule(label)
    return None if where is None or far is None else f"{where}_{far}"


def _new_location_rule(label: str) -> str | None:
    """One of NEW_LOCATIONS from a label of DfE's location of new placements."""
    if _distance_rule(label) == "unknown":
        return "unknown"
    cell = _location_rule(label.replace("less than 20 miles", "20 miles or less"))
    return cell if cell in NEW_LOCATIONS else None


def _provider_rule(label: str) -> str | None:
    return "" if "not reported" in label.lower() else None


def _breakdowns() -> dict:
    """name -> (indicator, breakdown group, _Spec) of every breakdown the targets use."""
    providers = tuple((label, code) for code, label in groupings.DFE_PROVIDER.items())
    both = f"{Group.DISTANCE} and {Group.LOCALITY[0].lower()}{Group.LOCALITY[1:]}"
    return {
        "cla": (Indicator.CLA, TOTAL, _Spec(())),
        "starts": (Indicator.STARTED, TOTAL, _Spec(())),
        "ceases": (Indicator.CEASED, TOTAL, _Spec(())),
        "age": (Indicator.CLA, Group.AGE, _Spec(tuple(range(5)), tuple(zip(DFE_AGE_GROUPS, range(5))))),
        "sex": (Indicator.CLA, Group.SEX, _Spec(("male", "female"), ((Sex.MALE, "male"), (Sex.FEMALE, "female")))),
        "uasc": (Indicator.CLA, Group.UASC, _Spec(("uasc", "non_uasc"), ((Uasc.YES, "uasc"), (Uasc.NO, "non_uasc")))),
        "legal": (Indicator.CLA, Group.LEGAL_STATUS, _Spec(LEGAL_KEYS, tuple(_LEGAL_OF_LABEL.items()))),
        "type": (Indicator.CLA, Group.PLACEMENT, _Spec(DFE_TYPES, tuple(zip(DFE_TYPES, DFE_TYPES)))),
        "provider": (Indicator.CLA, Group.PROVIDERS, _Spec(PROVIDERS, providers, _provider_rule)),
        "ethnic": (Indicator.CLA, Group.ETHNICITY, _Spec(ETHNIC_GROUPS, tuple(zip(ETHNIC_GROUPS, ETHNIC_GROUPS)))),
        "cin": (Indicator.CLA, Group.NEED, _Spec(CIN_CODES, tuple((f"{c}. {label}", c) for c, label in codes.CIN.items()))),
        "locality": (Indicator.CLA, Group.LOCALITY, _Spec(("in", "out"), rule=_locality_rule)),
        "distance": (Indicator.CLA, Group.DISTANCE, _Spec(("near", "far", "unknown"), rule=_distance_rule)),
        "location": (Indicator.CLA, both, _Spec(LOCATIONS, rule=_location_rule)),
        "three_plus": (Indicator.CLA, Group.STABILITY, _Spec(("count",), ((Stability.THREE_OR_MORE, "count"),))),
        "long_term": (Indicator.LONG_TERM_UNDER_16, Group.STABILITY, _Spec(("count",), ((Stability.SAME_CARER, "count"),))),
        "new_location": (Indicator.NEW_PLACEMENTS, Group.NEW_PLACEMENT_LOCATION, _Spec(NEW_LOCATIONS, rule=_new_location_rule)),
        "adopted": (Indicator.CEASED, Group.REASON_CEASED, _Spec(("count",), ((groupings.DFE_REASON_CEASED["E11"], "count"),))),
        "reasons": (Indicator.CEASED, Group.REASON_CEASED, _Spec(REASONS, tuple(zip(REASONS, REASONS)))),
    }


_BREAKDOWNS = _breakdowns()
