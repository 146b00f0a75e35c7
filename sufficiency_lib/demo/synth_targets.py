"""What a synthetic return aims at, and the dials its calibration turns.

Figures under ``calibration:`` in the params file (see ``params/*.yaml``) are targets.
:func:`resolve_targets` reads them into :class:`Targets` over the simulated span (the
years written and a burn-in before them): counts become shares of the number in care that
year, the numbers in care are interpolated between published years and held flat beyond
them, and UASC numbers outside the published years follow England's. An authority with only
``cla_at_31_march`` gets England defaults for the rest (``DEFAULT_*`` below).

:class:`Knobs` are the multipliers that :mod:`sufficiency_lib.demo.synth_calibration` moves
towards the targets the dynamics must meet; all 1 means national defaults.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sufficiency_lib.config import Authority
from sufficiency_lib.demo.synth_basics import (
    AGE_BANDS, CHILDRENS_HOME, CONNECTED, FOSTER, GROUPS, IFA, IN_HOUSE, OTHER, PARENTS, SCHOOL, SECURE,
    SUPPORTED,
)

# --- Simulation horizon and calibration ---------------------------------------------------
BURN_IN_YEARS = 12          # simulated before the first year written, so the stock is mature
CALIBRATION_STEP = 0.8      # damping of each knob update (1 = jump to the ratio)

# --- Population defaults (England, DfE "Children looked after in England" 2020-2024) -------
DEFAULT_UASC_SHARE = 0.06            # of children looked after, in 2020
# UASC looked after at 31 March, England (DfE "Children looked after in England", rounded).
ENGLAND_UASC = {2009: 3700, 2010: 3400, 2011: 2700, 2012: 2150, 2013: 2110, 2014: 1950, 2015: 2630,
                2016: 4210, 2017: 4560, 2018: 4480, 2019: 5070, 2020: 5000, 2021: 3950, 2022: 5570,
                2023: 7290}
DEFAULT_MALE_SHARE = 0.56
DEFAULT_UASC_MALE_SHARE = 0.94
DEFAULT_WHITE_SHARE = 0.73
DEFAULT_FAR_SHARE = 0.33             # England at 31 March 2020-2024: about a third
DEFAULT_OUT_OF_AREA_SHARE = 0.42     # England: about 4 in 10 placed outside their LA


# ============================================================================ targets


def _year_values(mapping) -> dict[int, float]:
    return {int(k): float(v) for k, v in (mapping or {}).items() if v is not None}


def calibration_targets(authority: Authority, years) -> pd.Series:
    """Numbers in care at 31 March to aim for each year: the published figures in
    ``calibration.cla_at_31_march``, interpolated between years and held flat beyond them."""
    known = _year_values(authority.calibration.get("cla_at_31_march"))
    if not known:
        raise ValueError(f"{authority.new_la_code}: params need calibration.cla_at_31_march "
                         "(the published numbers in care) to generate a demo return.")
    years = [int(y) for y in years]
    series = pd.Series(known).reindex(sorted(set(years) | set(known))).interpolate(limit_direction="both")
    return series.reindex(years)


PLACEMENT_TARGET_GROUPS = {
    "in_house_foster": (IN_HOUSE,), "connected_foster": (CONNECTED,), "ifa_foster": (IFA,),
    "foster": FOSTER, "childrens_home": (CHILDRENS_HOME,), "secure": (SECURE,),
    "supported_accommodation": (SUPPORTED,), "with_parents": (PARENTS,),
    "residential_school": (SCHOOL,), "other": (OTHER,),
}
LEGAL_TARGETS = {"interim_care_order": "C1", "full_care_order": "C2", "placement_order": "E1",
                 "section_20": "V2", "other": "other"}


@dataclass
class Targets:
    """What the generator aims at, resolved from an authority's ``calibration`` block.

    Counts are turned into shares of the number in care that year; every share is a
    fraction. Only years inside the simulated span are kept.
    """

    years: np.ndarray                     # simulated collection years, burn-in first
    cla: np.ndarray                       # numbers in care at 31 March, each simulated year
    uasc: np.ndarray                      # UASC among them
    male_series: np.ndarray = None                    # boys' share at 31 March, each year
    starts: dict = field(default_factory=dict)
    ages: dict = field(default_factory=dict)          # year -> array of 5 shares (nan unknown)
    uasc_male: float = DEFAULT_UASC_MALE_SHARE
    white: float = DEFAULT_WHITE_SHARE
    placement: list = field(default_factory=list)     # (year, groups, share)
    legal: dict = field(default_factory=dict)         # year -> {C1|C2|E1|V2|other: share}
    uasc_supported: dict = field(default_factory=dict)
    placements_made: dict = field(default_factory=dict)
    far: float = DEFAULT_FAR_SHARE                    # of placements with a known distance
    out_of_area: float = DEFAULT_OUT_OF_AREA_SHARE
    far_by_year: dict = field(default_factory=dict)
    out_by_year: dict = field(default_factory=dict)
    distance_unknown: float = 0.0
    in_touch: dict = field(default_factory=dict)
    eet: dict = field(default_factory=dict)
    suitable: dict = field(default_factory=dict)

    @functools.cached_property
    def ends(self) -> np.ndarray:
        """31 March of each simulated year, as day numbers."""
        return np.array([f"{y}-03-31" for y in self.years], dtype="datetime64[D]").astype(np.int64)

    @functools.cached_property
    def starts_days(self) -> np.ndarray:
        """1 April opening each simulated year, as day numbers."""
        return np.array([f"{y - 1}-04-01" for y in self.years], dtype="datetime64[D]").astype(np.int64)

    def index(self, year: int) -> int:
        return int(year - self.years[0])

    def has(self, year: int) -> bool:
        return self.years[0] <= year <= self.years[-1]

    def share(self, year: int, count: float) -> float:
        return count / self.cla[self.index(year)]

    @property
    def wants_period_calibration(self) -> bool:
        return bool(self.starts or self.ages)

    @property
    def wants_timeline_calibration(self) -> bool:
        return bool(self.placement or self.legal or self.uasc_supported or self.placements_made)


def interpolated(known: dict, years: np.ndarray) -> np.ndarray:
    """``{year: value}`` interpolated at ``years``, held flat beyond the first and last."""
    keys = sorted(known)
    return np.interp(years, keys, [known[k] for k in keys])


def _mean_share(values: dict, default: float) -> float:
    return float(np.mean(list(values.values()))) if values else default


def resolve_targets(authority: Authority, years: range) -> Targets:
    """The authority's calibration figures as :class:`Targets` over the simulated span."""
    cal = authority.calibration
    sim_years = np.arange(years[0] - BURN_IN_YEARS, years[-1] + 1)
    cla = calibration_targets(authority, sim_years).to_numpy(float)
    t = Targets(years=sim_years, cla=cla, uasc=cla * DEFAULT_UASC_SHARE)
    t.uasc = _uasc_targets(cal, t)
    t.starts = {y: v for y, v in _year_values(cal.get("starts")).items() if t.has(y)}
    male = {y: v / 100 for y, v in _year_values(cal.get("male_percent")).items()}
    t.male_series = interpolated(male, sim_years) if male else np.full(len(sim_years), DEFAULT_MALE_SHARE)
    uasc_male = _year_values(cal.get("uasc_male"))
    if uasc_male:
        t.uasc_male = float(np.mean([v / t.uasc[t.index(y)] for y, v in uasc_male.items() if t.has(y)]
                                    or [DEFAULT_UASC_MALE_SHARE]))
    t.white = _mean_share({y: v / 100 for y, v in _year_values(cal.get("white_percent")).items()},
                          DEFAULT_WHITE_SHARE)
    t.ages = _age_targets(cal, t)
    t.placement = _placement_targets(cal, t)
    t.legal = _legal_targets(cal, t)
    t.uasc_supported = _uasc_supported_targets(cal, t)
    t.placements_made = {y: v for y, v in _year_values(cal.get("placements_made")).items() if t.has(y)}
    _location_targets(cal, t)
    for name, attr in (("in_touch", "in_touch"), ("eet", "eet"), ("suitable_accommodation", "suitable")):
        setattr(t, attr, {y: v / 100 for y, v in _year_values(cal.get(f"care_leavers_{name}_percent")).items()})
    return t


def _uasc_targets(cal: dict, t: Targets) -> np.ndarray:
    """UASC in care at 31 March: the published numbers, and beyond them the authority's
    ratio to England's UASC numbers carried along England's curve (arrivals rose sharply in
    2015-2016 and 2022-2023)."""
    known = _year_values(cal.get("uasc_at_31_march"))
    for year, pct in _year_values(cal.get("uasc_percent")).items():
        if year not in known and t.has(year):
            known[year] = pct / 100 * t.cla[t.index(year)]
    england = interpolated(ENGLAND_UASC, t.years)
    if known:
        ratio = {y: v / interpolated(ENGLAND_UASC, np.array([y]))[0] for y, v in known.items()}
        uasc = interpolated(ratio, t.years) * england
    else:
        uasc = t.cla * DEFAULT_UASC_SHARE * england / ENGLAND_UASC[2020]
    return np.minimum(uasc, 0.5 * t.cla)


def _age_targets(cal: dict, t: Targets) -> dict:
    ages: dict[int, np.ndarray] = {}
    for b, band in enumerate(AGE_BANDS):
        for year, pct in _year_values((cal.get("age_percent") or {}).get(band)).items():
            if t.has(year):
                ages.setdefault(year, np.full(len(AGE_BANDS), np.nan))[b] = pct / 100
    return ages


def _year_shares(cal: dict, t: Targets, count_key: str, percent_key: str, names: dict) -> dict:
    """{year: {names[name]: share of the stock}} from counts and percentages in ``cal``.

    Counts become shares of the year's stock; a percentage given for the same year wins.
    """
    shares: dict[int, dict] = {}
    for key, to_share in ((count_key, t.share), (percent_key, lambda year, pct: pct / 100)):
        for name, values in (cal.get(key) or {}).items():
            for year, value in _year_values(values).items():
                if t.has(year) and name in names:
                    shares.setdefault(year, {})[names[name]] = to_share(year, value)
    return shares


def _placement_targets(cal: dict, t: Targets) -> list:
    """(year, groups, share) targets; a set containing other targeted sets keeps the rest."""
    by_year = _year_shares(cal, t, "placements_at_31_march", "placement_percent", PLACEMENT_TARGET_GROUPS)
    targets = []
    for year, sets in sorted(by_year.items()):
        for groups, share in sets.items():
            inner = [g for g in sets if g != groups and set(g) < set(groups)]
            rest = tuple(sorted(set(groups) - {x for g in inner for x in g}))
            remaining = share - sum(sets[g] for g in inner)
            if rest and remaining > 0:
                targets.append((year, rest, remaining))
    return targets


def _legal_targets(cal: dict, t: Targets) -> dict:
    return _year_shares(cal, t, "legal_status_at_31_march", "legal_status_percent", LEGAL_TARGETS)


def _uasc_supported_targets(cal: dict, t: Targets) -> dict:
    shares = {y: v / 100 for y, v in _year_values(cal.get("uasc_supported_accommodation_percent")).items()}
    for year, count in _year_values(cal.get("uasc_supported_accommodation")).items():
        if t.has(year):
            shares[year] = count / t.uasc[t.index(year)]
    return {y: min(v, 0.98) for y, v in shares.items() if t.has(y)}


def _location_targets(cal: dict, t: Targets) -> None:
    """Far (more than 20 miles, among known distances), out-of-area and unknown shares, from
    percentages of all children or from pairs of counts."""
    pct = cal.get("location_percent") or {}
    counts = cal.get("location_at_31_march") or {}
    unknown = _mean_share({y: v / 100 for y, v in _year_values(pct.get("distance_not_known")).items()}, 0.0)
    far = {y: v / 100 / (1 - unknown) for y, v in _year_values(pct.get("more_than_20_miles")).items()}
    out = {y: v / 100 for y, v in _year_values(pct.get("out_of_area")).items()}
    for shares, (yes, no) in ((far, ("more_than_20_miles", "20_miles_or_less")), (out, ("out_of_area", "in_area"))):
        other = _year_values(counts.get(no))
        for year, n in _year_values(counts.get(yes)).items():
            if other.get(year):
                shares[year] = n / (n + other[year])
    t.distance_unknown = unknown
    t.far_by_year, t.out_by_year = far, out
    t.far = _mean_share(far, DEFAULT_FAR_SHARE)
    t.out_of_area = _mean_share(out, DEFAULT_OUT_OF_AREA_SHARE)


# ============================================================================ knobs


@dataclass
class Knobs:
    """Multipliers the calibration moves; all 1 means national defaults. Year-dependent ones
    are kept as log values at target years ("anchors") and interpolated between them."""

    turnover: float = 1.0          # more short stays and shorter long ones: more starts per child
    young_stay: float = 1.0        # lengths of stays of children entering under 5
    age_tilt: np.ndarray = None    # entry rate by age band
    place_anchor: dict = field(default_factory=dict)   # placement type -> {year: log tilt}
    s20_anchor: dict = field(default_factory=dict)     # section 20 at entry, by entry year
    convert_anchor: dict = field(default_factory=dict) # section 20 turning into proceedings
    ico_anchor: dict = field(default_factory=dict)     # length of care proceedings
    po_anchor: dict = field(default_factory=dict)      # placement orders not followed by adoption
    move_scale: float = 1.0        # time in each placement (fewer placements made when longer)
    uasc_anchor: dict = field(default_factory=dict)    # UASC choosing supported accommodation

    def __post_init__(self):
        if self.age_tilt is None:
            self.age_tilt = np.ones(len(AGE_BANDS))

    def place_tilt(self, years: np.ndarray) -> np.ndarray:
        """(simulated year, placement type) multipliers, interpolated between target years."""
        tilt = np.ones((len(years), len(GROUPS)))
        for group, anchors in self.place_anchor.items():
            tilt[:, group] = anchored(anchors, years)
        return tilt


def anchored(anchors: dict, years) -> np.ndarray:
    """exp of log values interpolated between anchor years, flat beyond them."""
    if not anchors:
        return np.ones(np.shape(years))
    keys = sorted(anchors)
    return np.exp(np.interp(years, keys, [anchors[k] for k in keys]))


def nudge(value: float, ratio: float, low: float = 0.2, high: float = 5.0, step: float = CALIBRATION_STEP) -> float:
    """A knob moved by ``ratio`` (target over result), damped by ``step`` and kept in [low, high]."""
    if not np.isfinite(ratio) or ratio <= 0:
        return value
    return float(np.clip(value * ratio ** step, low, high))


def nudge_anchor(anchors: dict, year: int, ratio: float) -> None:
    """Move the anchor of a year (a log multiplier) by the damped log of ``ratio``, within +-3."""
    if np.isfinite(ratio) and ratio > 0:
        anchors[year] = float(np.clip(anchors.get(year, 0.0) + CALIBRATION_STEP * np.log(ratio), -3, 3))
