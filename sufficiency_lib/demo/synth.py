"""Synthetic SSDA903 returns: realistic, calibrated to an authority's published figures, vectorised.

What is modelled, for one authority (every step works on whole arrays of children; the only
Python loops run over collection years, calibration passes and placement-move steps):

* **Periods of care.** Each collection year children enter care, at ages with peaks under 1
  (many newborns) and at 14-16. Each entrant follows a *pathway* drawn by age (short stay
  and home, return home after months, adoption, special guardianship, long-term care) whose
  length of stay gives the bimodal distribution seen nationally; everyone leaves by their
  18th birthday. Entrants are drawn until exactly as many are still in care at 31 March as
  the published number needs after the year's survivors, so the stock tracks
  ``calibration.cla_at_31_march``. Some entrants are earlier leavers coming back (same child
  id). Unaccompanied asylum-seeking children (UASC) are a second stream, mostly boys of
  16-17 staying until 18, steered to their own published number (following England's UASC
  numbers outside the published years).
* **Legal status** evolves within a period: police protection or emergency protection for
  days, interim care order (C1) for the length of proceedings, then a full care order (C2)
  or, on the adoption pathway, a placement order (E1; some young long-stayers also get one,
  revoked later); some section 20 (V2) accommodations turn into proceedings. Each change is
  a new episode with RNE L (B or T when the placement changes the same day).
* **Placements** change by a move process: the time in a placement is drawn by type and
  age (after an emergency first placement for some), the next placement by age, sex and pathway
  among in-house, connected-persons and IFA foster care, children's homes, secure homes,
  supported accommodation and others; scheduled moves add placement for adoption before an
  adoption order, placement with parents before some returns home and a step-down to
  supported accommodation at 16-17. A move is a new episode (RNE P, or U with the same
  carers); the previous one ends that day with REC X1 and a reason for the change.
* **Location**: distance from home and placing inside or outside the authority, drawn by
  placement type (residential placements are often far), with derived columns as DfE adds
  them.
* **Care leavers** (OC3): young people aged 17-21 in the year who were looked after for 13
  weeks after their 14th birthday and some time after their 16th, with in-touch, activity
  and accommodation codes drawn to the published shares. Also UASC, reviews and missing
  episodes, and a small population of short-break-only care (LS V3/V4).

Calibration: figures under ``calibration:`` in the params file (see ``params/*.yaml``) are
targets, used two ways. Where a figure is a count the simulation can meet directly, it is
met by construction: the number in care and UASC at 31 March, boys at 31 March, age bands
and starts in published years (entrants are drawn until each is filled), location shares
(placements current at 31 March are chosen to match), care leavers' in-touch, EET and
suitable-accommodation shares. The rest (placement mix, legal status, UASC in supported
accommodation, placements made, the overall level of starts and ages) come out of the
dynamics: the periods, then legal status and placements, are re-simulated a few times with
the same random numbers while a handful of multipliers ("knobs") move by the ratio of target
to result. An authority with only ``cla_at_31_march`` gets England defaults for the rest.

Output: ``out_dir/<year>/<table>.csv`` for header, episodes, uasc, oc3, reviews and missing,
with 903 column names, dates dd/mm/YYYY, codes as strings, blanks empty. Each year's
episodes file holds every episode open during that year (DEC blank when still open at 31
March), so years overlap as in real returns. Episodes carry three columns DfE derives from
postcodes, after URN: ``PL_DISTANCE`` (miles from home to placement, one decimal; blank
when not known), ``PL_LA`` (new code of the authority where the child is placed) and
``PL_LOCATION`` (IN or OUT of the responsible authority). HOME_POST and PL_POST are left
blank. Deterministic for a seed (the authority's code is mixed into it).

National mode (:func:`write_national`) does this for every English authority listed in
``data/reference/local_authorities.csv`` (the 153 authorities of the ONS mid-year estimates
2024, with DfE region names), sized from DfE published numbers when given, in parallel.
"""
from __future__ import annotations

import functools
import hashlib
import shutil
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from sufficiency_lib.published import dfe as published
from sufficiency_lib.parallel import process_pool, workers as default_workers
from sufficiency_lib.ssda903.codes import DATE_FORMAT
from sufficiency_lib.config import PARAMS_DIR, PROJECT_ROOT, Authority, load_authority

DEMO_FIRST_YEAR = 2015
DEMO_SEED = 2025
GENERATOR_VERSION = "2"     # bump when the output changes, so cached demo returns are remade
LA_REFERENCE = PROJECT_ROOT / "data" / "reference" / "local_authorities.csv"

TABLE_COLUMNS = {
    "header": ["CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"],
    "episodes": ["CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC", "REC",
                 "REASON_PLACE_CHANGE", "HOME_POST", "PL_POST", "URN",
                 "PL_DISTANCE", "PL_LA", "PL_LOCATION"],
    "uasc": ["CHILD", "SEX", "DOB", "DUC"],
    "oc3": ["CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"],
    "reviews": ["CHILD", "DOB", "REVIEW", "REVIEW_CODE"],
    "missing": ["CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"],
}

# --- Simulation horizon -------------------------------------------------------------------
BURN_IN_YEARS = 12          # simulated before the first year written, so the stock is mature
PRE_HISTORY_YEARS = 8       # the first simulated stock entered over this many earlier years
PERIOD_PASSES = 6           # re-simulations of periods of care that move their knobs to targets
TIMELINE_PASSES = 12        # re-simulations of legal status and placements (cheap: ~0.03 s each)
CALIBRATION_STEP = 0.8      # damping of each knob update (1 = jump to the ratio)
STARTS_ELASTICITY = 0.7     # starts rise by about 0.7% when the turnover knob rises by 1%
YEAR = 365.25

# --- Entries ------------------------------------------------------------------------------
# Relative entry rate by single year of age (non-UASC). Shape of DfE "children starting to
# be looked after by age" (England, 2019-2023): about a fifth under 1, 14% aged 1-4, 17%
# 5-9, 37% 10-15 with a peak at 14-15, fewer at 16-17 (many of whom are UASC).
ENTRY_AGE_WEIGHTS = np.array([19, 3.6, 3.5, 3.5, 3.4, 3.4, 3.4, 3.4, 3.4, 3.4,
                              4.0, 4.5, 5.5, 7.0, 8.2, 8.0, 6.0, 2.0])
NEWBORN_SHARE = 0.45        # of infant entrants, taken into care in their first week of life
UASC_ENTRY_AGE = {14: 0.03, 15: 0.10, 16: 0.40, 17: 0.47}   # Home Office age profile, mostly 16-17
REENTRY_SHARE = 0.12        # of entrants previously looked after (DfE: around one in ten)
MIN_ENTRY_RATE = 0.12       # entrants per child of the target even when the stock is above it

# --- Pathways and lengths of stay (days) --------------------------------------------------
SHORT, HOME, ADOPT, SGO, LONG, UASC_STAY = range(6)
AGE_EDGES = np.array([1, 5, 10, 16])         # age bands: under 1, 1-4, 5-9, 10-15, 16+
AGE_BANDS = ("under_1", "1_to_4", "5_to_9", "10_to_15", "16_plus")
# Pathway probabilities by age band at entry (columns SHORT, HOME, ADOPT, SGO, LONG): about
# a third of entrants go home within months, adoption is for the youngest, teenagers either
# leave fast or stay to 18. Shaped on DfE ceased-by-reason and duration tables.
PATHWAY_BY_AGE = np.array([
    [0.15, 0.11, 0.36, 0.15, 0.23],
    [0.19, 0.16, 0.18, 0.17, 0.30],
    [0.24, 0.19, 0.02, 0.15, 0.40],
    [0.33, 0.19, 0.00, 0.07, 0.41],
    [0.36, 0.08, 0.00, 0.00, 0.56],
])
SHORT_MEAN_DAYS = 65                 # short stays: exponential, median about six weeks
HOME_MEDIAN_DAYS = 400               # return home after months (lognormal)
ADOPT_MEDIAN_DAYS = 680              # entry to adoption order: DfE A10 average about 15+8 months
SGO_MEDIAN_DAYS = 480                # special guardianship at the end of proceedings and after
LONG_MEDIAN_DAYS = 3600              # long-term care, cut at 18
UASC_EARLY_LEAVE_SHARE = 0.12        # UASC leaving before 18 (age assessed as adult, transfer)

# --- Legal status -------------------------------------------------------------------------
LS_CODES = np.array(["C1", "C2", "E1", "V2", "L1", "L2", "J1", "J2", "J3", "V3", "V4"])
C1, C2, E1, V2, L1, L2, J1, J2, J3, V3, V4 = range(11)
# Legal status at entry by pathway (columns C1, V2, L1, L2, J1, J2, J3): section 20 and
# police protection for short stays, care proceedings for adoption and long-term care.
ENTRY_LS_BY_PATHWAY = np.array([
    [0.12, 0.55, 0.12, 0.08, 0.07, 0.03, 0.03],
    [0.45, 0.45, 0.05, 0.05, 0.00, 0.00, 0.00],
    [0.78, 0.10, 0.04, 0.08, 0.00, 0.00, 0.00],
    [0.70, 0.20, 0.05, 0.05, 0.00, 0.00, 0.00],
    [0.50, 0.40, 0.05, 0.05, 0.00, 0.00, 0.00],
])
ENTRY_LS_COLUMNS = np.array([C1, V2, L1, L2, J1, J2, J3])
PROCEEDINGS_MEDIAN_DAYS = 290        # issue to final order: Cafcass/MoJ average about 41 weeks
PO_NOT_ADOPTED_SHARE = 0.25          # young long-stayers whose placement order ends unused ...
PO_REVOKED_AFTER_DAYS = (365, 1460)  # ... and is revoked (care order) one to four years on
EMERGENCY_ORDER_MAX_DAYS = 8         # police protection 72 hours, EPO up to 8 days
# Section 20 accommodations turning into care proceedings, by pathway (SHORT .. UASC_STAY),
# some weeks to years after entry.
V2_TO_C1_BY_PATHWAY = np.array([0.0, 0.10, 0.0, 0.25, 0.40, 0.0])
V2_TO_C1_MEAN_DAYS = 500

# --- Placements ---------------------------------------------------------------------------
GROUPS = ("in_house_foster", "connected_foster", "ifa_foster", "childrens_home", "secure",
          "supported_accommodation", "with_parents", "placed_for_adoption",
          "residential_school", "other")
IN_HOUSE, CONNECTED, IFA, CHILDRENS_HOME, SECURE, SUPPORTED, PARENTS, ADOPTION, SCHOOL, OTHER = range(10)
FOSTER = (IN_HOUSE, CONNECTED, IFA)
# Relative chance of each placement type when a placement is made, by age band (rows) --
# England mix at 31 March: about 72% foster (a third of it IFA), children's homes mostly
# 10+, supported accommodation only at 16-17. Adoption is never chosen, only scheduled.
CHOICE_BY_AGE = np.array([
    # INH  CON  IFA   HOME  SEC  SUP  PAR  ADO  SCH  OTH
    [45,   18,  28,   0.0,  0.0, 0,   4,   0,   0.0, 5.0],
    [42,   20,  32,   0.3,  0.0, 0,   5,   0,   0.0, 0.7],
    [38,   18,  36,   4.0,  0.0, 0,   3,   0,   0.7, 0.3],
    [28,   10,  36,   18,   1.0, 0,   3,   0,   1.5, 1.5],
    [14,   5,   22,   14,   0.8, 40,  2,   0,   0.7, 1.5],
], float)
CHOICE_UASC = np.array([      # UASC under 16 / 16+: foster, then mostly supported accommodation
    [30, 0, 60, 5, 0, 0, 0, 0, 0, 5],
    [5, 0, 12, 2, 0, 81, 0, 0, 0, 0],
], float)
BOY_FACTOR = np.array([1, 1, 1, 1.8, 1.5, 1, 1, 1, 2.0, 1])   # residential cohorts 70%+ boys
SGO_CONNECTED_FACTOR = 3.0           # special guardianship usually follows kinship care
# Weibull scale (years) of the time spent in one placement, by type; with the emergency first
# placements this gives about 1 in 10 children 3+ placements in a year (DfE stability).
PLACEMENT_SCALE_YEARS = np.array([2.2, 3.0, 2.2, 1.1, 0.25, 1.3, 1.5, 50.0, 2.0, 0.4])
PLACEMENT_SHAPE = 1.0
TEEN_MOVE_FACTOR = 0.7               # placements of children 11+ last this much less long
EMERGENCY_FIRST_SHARE = 0.2          # first placement an emergency one of up to six weeks
STEPDOWN_SHARE = 0.35                # 16-17 year olds moving on to supported accommodation
UASC_STEPDOWN_SHARE = 0.8
PARENTS_BEFORE_HOME_SHARE = 0.3      # returns home preceded by placement with parents (P1)
REASON_PLACE_CHANGE = {"CARPL": 0.40, "CREQB": 0.10, "CREQO": 0.08, "CHILD": 0.07,
                       "LAREQ": 0.10, "CLOSE": 0.03, "STAND": 0.03, "ALLEG": 0.02,
                       "APPRR": 0.01, "OTHER": 0.16}
MAX_MOVE_STEPS = 80

# --- Location -----------------------------------------------------------------------------
# Relative chance of a placement more than 20 miles from home, by type (residential and
# secure often far; kin and parents near). Scaled to the authority's target.
FAR_FACTOR = np.array([0.45, 0.6, 1.0, 2.2, 2.5, 0.9, 0.3, 1.2, 2.0, 1.5])
OUT_IF_FAR = 0.85                    # far placements are mostly outside the authority
DEFAULT_FAR_SHARE = 0.33             # England at 31 March 2020-2024: about a third
DEFAULT_OUT_OF_AREA_SHARE = 0.42     # England: about 4 in 10 placed outside their LA
URN_NONE = "XXXXXXX"

# --- Population defaults (England, DfE "Children looked after in England" 2020-2024) -------
DEFAULT_UASC_SHARE = 0.06            # of children looked after, in 2020
# UASC looked after at 31 March, England (DfE "Children looked after in England", rounded).
ENGLAND_UASC = {2009: 3700, 2010: 3400, 2011: 2700, 2012: 2150, 2013: 2110, 2014: 1950, 2015: 2630,
                2016: 4210, 2017: 4560, 2018: 4480, 2019: 5070, 2020: 5000, 2021: 3950, 2022: 5570,
                2023: 7290}
DEFAULT_MALE_SHARE = 0.56
DEFAULT_UASC_MALE_SHARE = 0.94
DEFAULT_WHITE_SHARE = 0.73
SHORT_BREAK_RATE = 0.025             # short-break-only children per child looked after
CIN_WEIGHTS = {"N1": 0.65, "N2": 0.03, "N3": 0.03, "N4": 0.08, "N5": 0.13, "N6": 0.01,
               "N7": 0.002, "N8": 0.058}
ETHNIC_WHITE = {"WBRI": 0.90, "WIRI": 0.006, "WOTH": 0.075, "WIRT": 0.007, "WROM": 0.012}
ETHNIC_OTHER = {"MWBC": 0.12, "MWBA": 0.04, "MWAS": 0.04, "MOTH": 0.12, "AIND": 0.02,
                "APKN": 0.04, "ABAN": 0.015, "AOTH": 0.04, "BCRB": 0.06, "BAFR": 0.13,
                "BOTH": 0.04, "CHNE": 0.005, "OOTH": 0.08, "REFU": 0.01, "NOBT": 0.25}
ETHNIC_UASC = {"BAFR": 0.35, "OOTH": 0.30, "AOTH": 0.20, "WOTH": 0.10, "BOTH": 0.05}
UASC_WHITE_SHARE = 0.10               # Albanian young people among UASC
MOTHER_SHARE = 0.02                   # girls 15+ in care who are mothers

# --- Care leavers (OC3) -------------------------------------------------------------------
DEFAULT_IN_TOUCH = 0.90               # England 2020-2024: about 9 in 10 in touch
DEFAULT_EET = 0.55
DEFAULT_SUITABLE = 0.88
NOT_IN_TOUCH = {"NO": 0.45, "REFU": 0.25, "NREQ": 0.10, "RHOM": 0.15, "DIED": 0.05}
EET_ACTIV = {"F1": 0.10, "P1": 0.02, "F2": 0.35, "P2": 0.08, "F4": 0.10, "P4": 0.03,
             "F5": 0.22, "P5": 0.10}
NEET_ACTIV = {"G4": 0.25, "G5": 0.60, "G6": 0.15}
SUITABLE_ACCOM = {"U1": 0.30, "Z1": 0.15, "D1": 0.12, "G1": 0.18, "H1": 0.08, "T1": 0.05,
                  "E1": 0.05, "Y1": 0.04, "W1": 0.03}
UNSUITABLE_ACCOM = {"U2": 0.15, "D2": 0.15, "V2": 0.10, "S2": 0.15, "C2": 0.15, "B2": 0.15,
                    "W2": 0.15}

# --- Reviews and missing ------------------------------------------------------------------
REVIEW_DAYS = (20, 91, 182)           # first review within 20 working days (taken as 20 days), then 3 and 6 months
REVIEW_CODES = {"PN1": 0.55, "PN2": 0.12, "PN3": 0.08, "PN4": 0.05, "PN5": 0.08,
                "PN6": 0.05, "PN7": 0.07}
MISSING_PER_YEAR = np.array([0.15, 0.1, 0.2, 2.5, 1.0, 1.2, 0.3, 0.0, 0.8, 0.6])  # aged 10+
MISSING_AWAY_SHARE = 0.3              # "away from placement without authorisation" (A)

NO_DATE = np.iinfo(np.int64).min
EPOCH = pd.Timestamp("1970-01-01")
_DATE_TABLE_START = pd.Timestamp("1960-01-01")
_DATE_TABLE_DAYS = 120 * 366


# ============================================================================ dates


def _day(when) -> int:
    """Days since 1970-01-01 of a date."""
    return int((pd.Timestamp(when) - EPOCH).days)


def _ymd(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    d = np.asarray(days).astype("datetime64[D]")
    months = d.astype("datetime64[M]")
    year = months.astype(np.int64) // 12 + 1970
    month = months.astype(np.int64) % 12 + 1
    day = (d - months.astype("datetime64[D]")).astype(np.int64) + 1
    return year, month, day


def _add_years(days: np.ndarray, years) -> np.ndarray:
    """The same day ``years`` later (29 February becomes 1 March, as for an 18th birthday)."""
    d = np.asarray(days).astype("datetime64[D]")
    months = d.astype("datetime64[M]")
    offset = (d - months.astype("datetime64[D]")).astype(np.int64)
    shifted = (months + np.asarray(years) * 12).astype("datetime64[D]").astype(np.int64)
    return shifted + offset


def _age(dob: np.ndarray, on) -> np.ndarray:
    """Age in completed years on a date (or dates)."""
    y1, m1, d1 = _ymd(dob)
    y2, m2, d2 = _ymd(np.broadcast_to(on, np.shape(dob)))
    return y2 - y1 - ((m2 * 100 + d2) < (m1 * 100 + d1))


def _band(age: np.ndarray) -> np.ndarray:
    return np.searchsorted(AGE_EDGES, age, side="right")


def _collection_year(days: np.ndarray) -> np.ndarray:
    """The 903 year (ending 31 March) a date falls in."""
    year, month, _ = _ymd(days)
    return year + (month >= 4)


@functools.lru_cache(maxsize=1)
def _date_strings() -> np.ndarray:
    dates = pd.date_range(_DATE_TABLE_START, periods=_DATE_TABLE_DAYS, freq="D")
    return np.asarray(dates.strftime(DATE_FORMAT), dtype=object)


def _fmt(days: np.ndarray) -> np.ndarray:
    """dd/mm/YYYY strings; NO_DATE becomes blank."""
    days = np.asarray(days, dtype=np.int64)
    blank = days == NO_DATE
    index = np.where(blank, 0, days - _day(_DATE_TABLE_START))
    return np.where(blank, "", _date_strings()[index])


# ============================================================================ random helpers


def _pick(rng: np.random.Generator, n: int, weights: dict) -> np.ndarray:
    """``n`` codes drawn from ``{code: weight}``."""
    codes = np.array(list(weights))
    p = np.array(list(weights.values()), float)
    return codes[rng.choice(len(codes), n, p=p / p.sum())] if n else codes[:0]


def _categorical(rng: np.random.Generator, weights: np.ndarray) -> np.ndarray:
    """One column index per row of a (rows, k) weight matrix."""
    return _choose(weights, rng.random(len(weights)))


def _choose(weights: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Column index per row by inverse distribution of uniforms ``u``: a small change of
    weights changes few choices, which keeps calibration passes comparable."""
    cum = np.cumsum(weights, axis=1)
    return np.minimum(((u * cum[:, -1])[:, None] >= cum).sum(axis=1), weights.shape[1] - 1)


def _code_number(code: str) -> int:
    return int.from_bytes(hashlib.sha256(code.encode()).digest()[:8], "little")


def _rng(seed: int, code: str, *stage: int) -> np.random.Generator:
    """An independent stream per (seed, authority, stage): calibration passes reuse it, so
    passes differ only by their knobs (common random numbers)."""
    return np.random.default_rng(np.random.SeedSequence([int(seed), _code_number(code), *stage]))


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


def _interpolated(known: dict, years: np.ndarray) -> np.ndarray:
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
    t.male_series = _interpolated(male, sim_years) if male else np.full(len(sim_years), DEFAULT_MALE_SHARE)
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
    england = _interpolated(ENGLAND_UASC, t.years)
    if known:
        ratio = {y: v / _interpolated(ENGLAND_UASC, np.array([y]))[0] for y, v in known.items()}
        uasc = _interpolated(ratio, t.years) * england
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
            tilt[:, group] = _anchored(anchors, years)
        return tilt


def _anchored(anchors: dict, years) -> np.ndarray:
    """exp of log values interpolated between anchor years, flat beyond them."""
    if not anchors:
        return np.ones(np.shape(years))
    keys = sorted(anchors)
    return np.exp(np.interp(years, keys, [anchors[k] for k in keys]))


def _nudge(value: float, ratio: float, low: float = 0.2, high: float = 5.0, step: float = CALIBRATION_STEP) -> float:
    if not np.isfinite(ratio) or ratio <= 0:
        return value
    return float(np.clip(value * ratio ** step, low, high))


def _nudge_anchor(anchors: dict, year: int, ratio: float) -> None:
    if np.isfinite(ratio) and ratio > 0:
        anchors[year] = float(np.clip(anchors.get(year, 0.0) + CALIBRATION_STEP * np.log(ratio), -3, 3))


# ============================================================================ periods of care


@dataclass
class Population:
    """Children (dob, sex, UASC) and their periods of care (child index, start, end, pathway)."""

    dob: np.ndarray
    male: np.ndarray
    uasc: np.ndarray
    child: np.ndarray
    start: np.ndarray
    end: np.ndarray
    pathway: np.ndarray


@dataclass
class _Entrants:
    child: np.ndarray          # index of a returning child, -1 for a new one
    dob: np.ndarray
    male: np.ndarray
    start: np.ndarray
    end: np.ndarray
    pathway: np.ndarray

    def take(self, index) -> "_Entrants":
        return _Entrants(*(getattr(self, f)[index] for f in _ENTRANT_FIELDS))


_ENTRANT_FIELDS = ("child", "dob", "male", "start", "end", "pathway")


def _concat_entrants(parts: list) -> _Entrants:
    return _Entrants(*(np.concatenate([getattr(p, f) for p in parts]) for f in _ENTRANT_FIELDS))


@dataclass
class _Returnees:
    """Children who went home and may come back this year, in random order."""

    child: np.ndarray
    dob: np.ndarray
    male: np.ndarray

    def consume(self, k: int) -> None:
        self.child, self.dob, self.male = self.child[k:], self.dob[k:], self.male[k:]


_NO_RETURNEES = _Returnees(np.array([], int), np.array([], np.int64), np.array([], bool))


def _entry_weights(knobs: Knobs) -> np.ndarray:
    weights = ENTRY_AGE_WEIGHTS * knobs.age_tilt[_band(np.arange(18))]
    return weights / weights.sum()


def _pathway_weights(knobs: Knobs) -> np.ndarray:
    weights = PATHWAY_BY_AGE.copy()
    weights[:, [SHORT, HOME]] *= knobs.turnover
    return weights


def _durations(rng: np.random.Generator, pathway: np.ndarray, young: np.ndarray, knobs: Knobs) -> np.ndarray:
    """Length of each period of care (days, before the cut at 18) by pathway."""
    n = len(pathway)
    young_scale = np.where(young, knobs.young_stay, 1.0)
    s = young_scale / knobs.turnover
    lognormal = {HOME: (HOME_MEDIAN_DAYS * s, 0.5), ADOPT: (ADOPT_MEDIAN_DAYS * np.sqrt(young_scale), 0.3),
                 SGO: (SGO_MEDIAN_DAYS * s, 0.4), LONG: (LONG_MEDIAN_DAYS * s, 0.9)}
    z = rng.standard_normal(n)
    days = 1 + rng.exponential(SHORT_MEAN_DAYS, n)
    for path, (median, sigma) in lognormal.items():
        days = np.where(pathway == path, median * np.exp(sigma * z), days)
    days = np.where(pathway == ADOPT, np.maximum(days, 240), days)
    uasc_short = rng.random(n) < UASC_EARLY_LEAVE_SHARE
    days = np.where(pathway == UASC_STAY, np.where(uasc_short, 1 + rng.exponential(120, n), 1e6), days)
    return np.maximum(days.round(), 1).astype(np.int64)


def _draw_entrants(rng, n, year_start, spread, uasc, knobs, male_share, returnees) -> _Entrants:
    """``n`` candidate entrants starting in the year (or up to ``spread`` days before it)."""
    if uasc:
        ages = np.array(list(UASC_ENTRY_AGE))
        age = ages[rng.choice(len(ages), n, p=np.array(list(UASC_ENTRY_AGE.values())))]
    else:
        age = rng.choice(18, n, p=_entry_weights(knobs))
    start = year_start + rng.integers(0, 365, n) - (rng.integers(0, spread, n) if spread else 0)
    newborn = (age == 0) & (rng.random(n) < NEWBORN_SHARE)
    age_days = np.where(newborn, rng.integers(1, 8, n), np.floor(age * YEAR) + rng.integers(1, 365, n))
    dob = start - age_days.astype(np.int64)
    male = rng.random(n) < male_share
    child = np.full(n, -1)
    if len(returnees.child):     # some entrants are earlier leavers coming back
        back = np.flatnonzero(rng.random(n) < REENTRY_SHARE)[: len(returnees.child)]
        child[back] = returnees.child[: len(back)]
        dob[back] = returnees.dob[: len(back)]
        male[back] = returnees.male[: len(back)]
        returnees.consume(len(back))
    age = _age(dob, start)
    pathway = np.full(n, UASC_STAY) if uasc else _categorical(rng, _pathway_weights(knobs)[_band(age)])
    end = np.minimum(start + _durations(rng, pathway, age < 5, knobs), _add_years(dob, 18))
    return _Entrants(child, dob, male, start, np.maximum(end, start + 1), pathway)


def _returnees(rng, lists: dict, year_start: int) -> _Returnees:
    """Children whose latest period ended with a return home one month to five years ago,
    still under 16."""
    if not lists["start"]:
        return _NO_RETURNEES
    child = np.concatenate(lists["child"])
    end = np.concatenate(lists["end"])
    pathway = np.concatenate(lists["pathway"])
    last = np.full(len(lists["dob_all"]), NO_DATE)
    np.maximum.at(last, child, end)
    latest = end == last[child]
    went_home = np.zeros(len(last), bool)
    went_home[child[latest & np.isin(pathway, (SHORT, HOME))]] = True
    dob = lists["dob_all"]
    eligible = (went_home & ~lists["uasc_all"] & (last < year_start - 30) & (last > year_start - 5 * 365)
                & (_add_years(dob, 16) > year_start))
    order = rng.permutation(np.flatnonzero(eligible))
    return _Returnees(order, dob[order], lists["male_all"][order])


def _steer(rng, need: int, floor_mean: float, draw) -> tuple[_Entrants, np.ndarray]:
    """Entrants drawn until exactly ``need`` are still in care at 31 March, or a floor of
    entrants when the stock is already at the target. Returns them and who survives."""
    floor = int(rng.poisson(floor_mean))
    batches, survivors = [], 0
    while survivors < need:
        batch, alive = draw(max(2 * (need - survivors), 32))
        batches.append((batch, alive))
        survivors += int(alive.sum())
    if not batches:
        return draw(floor)
    entrants = _concat_entrants([b for b, _ in batches])
    alive = np.concatenate([a for _, a in batches])
    keep = max(int(np.searchsorted(np.cumsum(alive), need)) + 1, min(floor, len(alive)))
    return entrants.take(slice(0, keep)), alive[:keep]


def _steer_with_leavers(need: int, leavers: int, draw) -> tuple[_Entrants, np.ndarray]:
    """Like :func:`_steer`, also keeping exactly ``leavers`` entrants who leave within the
    year, so that the year's starts are the published number."""
    batches, survivors, gone, drawn = [], 0, 0, 0
    while (survivors < need or gone < leavers) and drawn < 50 * (need + leavers) + 1000:
        batch, alive = draw(max(2 * (max(need - survivors, 0) + max(leavers - gone, 0)), 32))
        batches.append((batch, alive))
        survivors, gone, drawn = survivors + int(alive.sum()), gone + int((~alive).sum()), drawn + len(alive)
    entrants = _concat_entrants([b for b, _ in batches])
    alive = np.concatenate([a for _, a in batches])
    keep = (alive & (np.cumsum(alive) <= need)) | (~alive & (np.cumsum(~alive) <= leavers))
    return entrants.take(keep), alive[keep]


def _band_needs(wanted: np.ndarray, in_care: np.ndarray, need: int) -> np.ndarray:
    """Entrants still needed at 31 March per age band: the published numbers less those in
    care, never negative, adding up to the total needed (largest remainders)."""
    short = np.maximum(wanted - in_care, 0)
    scaled = short * need / max(short.sum(), 1e-9) if short.sum() else np.full(len(short), need / len(short))
    needs = np.floor(scaled).astype(int)
    needs[np.argsort(needs - scaled, kind="stable")[: need - needs.sum()]] += 1
    return needs


def _steer_by_band(needs: np.ndarray, draw, year_end: int) -> tuple[_Entrants, np.ndarray]:
    """Like :func:`_steer` but per age band at 31 March: a candidate is kept while its band
    is still short of survivors (so leavers within the year keep their natural share)."""
    batches, got, drawn = [], np.zeros(len(needs), int), 0
    while (got < needs).any() and drawn < 50 * needs.sum() + 1000:
        batch, alive = draw(max(2 * int(np.maximum(needs - got, 0).sum()), 32))
        band = _band(_age(batch.dob, year_end))
        batches.append((batch, alive, band))
        got += np.bincount(band[alive], minlength=len(needs))
        drawn += len(alive)
    entrants = _concat_entrants([b for b, _, _ in batches])
    alive = np.concatenate([a for _, a, _ in batches])
    band = np.concatenate([b for _, _, b in batches])
    counted = (band[:, None] == np.arange(len(needs))) & alive[:, None]
    before = (np.cumsum(counted, axis=0) - counted)[np.arange(len(band)), band]
    keep = before < needs[band]
    return entrants.take(keep), alive[keep]


def _set_boys(rng, e: _Entrants, alive: np.ndarray, boys_needed: int) -> None:
    """Make exactly the boys still needed at 31 March among new children surviving the year
    (returning children keep their sex); the rest keep their random draw."""
    fresh = np.flatnonzero(alive & (e.child < 0))
    k = int(np.clip(boys_needed - (alive & (e.child >= 0) & e.male).sum(), 0, len(fresh)))
    boys = np.zeros(len(fresh), bool)
    boys[rng.permutation(len(fresh))[:k]] = True
    e.male[fresh] = boys


def _male_share(t: Targets, knobs: Knobs, i: int) -> float:
    """Boys among non-UASC entrants so that boys at 31 March can match the year's target."""
    n, u = t.cla[i], t.uasc[i]
    share = (t.male_series[i] * n - t.uasc_male * u) / max(n - u, 1)
    return float(np.clip(share, 0.3, 0.8))


def simulate_periods(seed: int, code: str, t: Targets, knobs: Knobs, exact: bool = True) -> Population:
    """Periods of care year by year. Each year UASC and then other entrants are drawn until
    the numbers in care at 31 March equal the targets, with boys set to the target share and,
    in years with published age bands, each age band filled to its number (or else, in years
    with a published number of starts, as many leaving within the year as make it up).
    Calibration passes run without those two (``exact=False``) so the knobs learn the
    model's own tendencies."""
    lists = {k: [] for k in ("child", "start", "end", "pathway", "uasc")}
    lists.update(dob_all=np.array([], np.int64), male_all=np.array([], bool), uasc_all=np.array([], bool))
    for i, (year_start, year_end) in enumerate(zip(t.starts_days, t.ends)):
        rng = _rng(seed, code, 1, i)
        spread = int(PRE_HISTORY_YEARS * YEAR) if i == 0 else 0
        returnees = _returnees(rng, lists, year_start)
        uasc_starts = 0
        for uasc in (True, False):
            target = t.uasc[i] if uasc else t.cla[i] - t.uasc[i]
            open_ = _open_children(lists, year_end)
            in_care = int((lists["uasc_all"][open_] == uasc).sum())
            male_share = t.uasc_male if uasc else _male_share(t, knobs, i)

            def draw(n, uasc=uasc, male_share=male_share):
                e = _draw_entrants(rng, n, year_start, spread, uasc, knobs, male_share,
                                   _NO_RETURNEES if uasc else returnees)
                return e, e.end > year_end

            need = int(round(target)) - in_care
            shares = t.ages.get(int(t.years[i]))
            starts = t.starts.get(int(t.years[i]))
            leavers = None if starts is None else max(int(round(starts)) - uasc_starts - need, 0)
            if exact and not uasc and need > 0 and shares is not None and not np.isnan(shares).any():
                bands = np.bincount(_band(_age(lists["dob_all"][open_], year_end)), minlength=len(AGE_BANDS))
                new, alive = _steer_by_band(_band_needs(shares * t.cla[i], bands, need), draw, year_end)
            elif exact and not uasc and need > 0 and leavers is not None:   # as near the starts as can be
                new, alive = _steer_with_leavers(need, leavers, draw)
            else:
                new, alive = _steer(rng, need, MIN_ENTRY_RATE * target, draw)
            uasc_starts = len(alive)
            if not uasc:
                boys = int(lists["male_all"][open_].sum())
                _set_boys(rng, new, alive, int(round(t.male_series[i] * t.cla[i])) - boys)
            _add_entrants(lists, new, uasc)
    return Population(dob=lists["dob_all"], male=lists["male_all"], uasc=lists["uasc_all"],
                      **{k: np.concatenate(lists[k]) for k in ("child", "start", "end", "pathway")})


def _open_children(lists: dict, day: int) -> np.ndarray:
    if not lists["end"]:
        return np.array([], int)
    end = np.concatenate(lists["end"])
    return np.concatenate(lists["child"])[end > day]


def _add_entrants(lists: dict, e: _Entrants, uasc: bool) -> None:
    fresh = e.child < 0
    child = e.child.copy()
    child[fresh] = len(lists["dob_all"]) + np.arange(int(fresh.sum()))
    lists["dob_all"] = np.concatenate([lists["dob_all"], e.dob[fresh]])
    lists["male_all"] = np.concatenate([lists["male_all"], e.male[fresh]])
    lists["uasc_all"] = np.concatenate([lists["uasc_all"], np.full(int(fresh.sum()), uasc)])
    for key, value in (("child", child), ("start", e.start), ("end", e.end), ("pathway", e.pathway),
                       ("uasc", np.full(len(child), uasc))):
        lists[key].append(value)


def _open_at(pop: Population, day: int) -> np.ndarray:
    return (pop.start <= day) & (pop.end > day)


def _window(t: Targets, year: int) -> list[int]:
    """The target year and its neighbours inside the simulation: measuring over three years
    keeps calibration from chasing the noise of one."""
    return [y for y in (year - 1, year, year + 1) if t.has(y)]


def period_measures(pop: Population, t: Targets) -> dict:
    """Starts in target years; age bands at 31 March around target years (all children, and
    counts of non-UASC and UASC children)."""
    out = {"starts": {}, "ages": {}, "non_uasc": {}, "uasc": {}}
    for year in t.starts:
        i = t.index(year)
        out["starts"][year] = int(((pop.start >= t.starts_days[i]) & (pop.start <= t.ends[i])).sum())
    for year in t.ages:
        shares, non_uasc, uasc = [], [], []
        for y in _window(t, year):
            ye = t.ends[t.index(y)]
            kids = pop.child[_open_at(pop, ye)]
            bands = np.bincount(_band(_age(pop.dob[kids], ye)), minlength=len(AGE_BANDS))
            u = np.bincount(_band(_age(pop.dob[kids[pop.uasc[kids]]], ye)), minlength=len(AGE_BANDS))
            shares.append(bands / max(bands.sum(), 1))
            non_uasc.append(bands - u)
            uasc.append(u)
        out["ages"][year] = np.mean(shares, axis=0)
        out["non_uasc"][year] = np.mean(non_uasc, axis=0)
        out["uasc"][year] = np.mean(uasc, axis=0)
    return out


def _update_period_knobs(knobs: Knobs, m: dict, t: Targets) -> None:
    if t.starts:
        got = sum(m["starts"][y] for y in t.starts)
        knobs.turnover = _nudge(knobs.turnover, sum(t.starts.values()) / max(got, 1), 0.2, 5,
                                CALIBRATION_STEP / STARTS_ELASTICITY)
    ratios = np.full((len(t.ages), len(AGE_BANDS)), np.nan)
    for row, (year, shares) in enumerate(t.ages.items()):
        wanted = np.maximum(shares * t.cla[t.index(year)] - m["uasc"][year], 1)
        ratios[row] = wanted / np.maximum(m["non_uasc"][year], 1)
    for b in range(len(AGE_BANDS)):
        if len(ratios) and np.isfinite(ratios[:, b]).any():
            knobs.age_tilt[b] = _nudge(knobs.age_tilt[b], float(np.nanmean(ratios[:, b])), 0.1, 10)
    if len(ratios) and np.isfinite(ratios[:, :2]).all():
        # too many 1-4 year olds for the babies: young children leave sooner
        knobs.young_stay = _nudge(knobs.young_stay, float(np.mean(ratios[:, 1] / ratios[:, 0])), 0.1, 3)


# ============================================================================ legal status


@dataclass
class Legal:
    """Legal-status events (the first of each period at its start) and dates of orders."""

    period: np.ndarray
    day: np.ndarray
    status: np.ndarray
    entry: np.ndarray          # status at entry, per period
    order_day: np.ndarray      # placement order (E1) date per period, NO_DATE if none


def simulate_legal(rng: np.random.Generator, pop: Population, knobs: Knobs) -> Legal:
    """Legal status over each period: entry status by pathway, emergency orders giving way
    to proceedings, interim care orders ending in a care order or a placement order."""
    n = len(pop.start)
    path = pop.pathway
    weights = ENTRY_LS_BY_PATHWAY[np.minimum(path, LONG)].copy()
    weights[:, 1] *= _anchored(knobs.s20_anchor, _collection_year(pop.start))
    young = _age(pop.dob[pop.child], pop.start) < 10
    weights[young, 4:] = 0                                  # youth justice only from age 10
    entry = ENTRY_LS_COLUMNS[_categorical(rng, weights)]
    entry = np.where(path == UASC_STAY, V2, entry)
    events = [(np.arange(n), pop.start, entry)]

    emergency = np.isin(entry, (L1, L2))
    ends_emergency = pop.start + rng.integers(1, EMERGENCY_ORDER_MAX_DAYS + 1, n)
    after_emergency = np.where(rng.random(n) < 0.7, C1, V2)
    events.append((np.flatnonzero(emergency), ends_emergency[emergency], after_emergency[emergency]))

    convert_day = pop.start + 60 + rng.exponential(V2_TO_C1_MEAN_DAYS, n).astype(np.int64)
    convert_share = V2_TO_C1_BY_PATHWAY[path] * _anchored(knobs.convert_anchor, _collection_year(convert_day))
    converts = (entry == V2) & (rng.random(n) < np.minimum(convert_share, 0.95))
    events.append((np.flatnonzero(converts), convert_day[converts], np.full(int(converts.sum()), C1)))

    proceedings_start = np.where(emergency, ends_emergency, np.where(converts, convert_day, pop.start))
    on_c1 = (entry == C1) | (emergency & (after_emergency == C1)) | converts
    proceedings_year = _collection_year(proceedings_start)
    adoption = path == ADOPT     # adoption follows its own timetable; others' proceedings are calibrated
    scale = np.where(adoption, 1.0, _anchored(knobs.ico_anchor, proceedings_year))
    length = PROCEEDINGS_MEDIAN_DAYS * scale * np.exp(0.25 * rng.standard_normal(n))
    final_day = proceedings_start + np.maximum(length.round(), 30).astype(np.int64)
    final_day = np.where(adoption, np.minimum(final_day, pop.end - 60), final_day)
    final_day = np.maximum(final_day, proceedings_start + 14)
    # some young children in long-term care get a placement order that is later revoked
    unplaced_share = PO_NOT_ADOPTED_SHARE * _anchored(knobs.po_anchor, proceedings_year)
    unplaced = ((path == LONG) & (_age(pop.dob[pop.child], pop.start) < 5)
                & (rng.random(n) < np.minimum(unplaced_share, 0.9)))
    final = np.where(adoption | unplaced, E1, C2)
    gets_order = on_c1 & (final_day < pop.end)
    events.append((np.flatnonzero(gets_order), final_day[gets_order], final[gets_order]))
    revoked = gets_order & unplaced
    revoke_day = final_day + rng.integers(*PO_REVOKED_AFTER_DAYS, n)
    events.append((np.flatnonzero(revoked), revoke_day[revoked], np.full(int(revoked.sum()), C2)))

    period, day, status = (np.concatenate(x) for x in zip(*events))
    inside = day < pop.end[period]
    period, day, status = period[inside], day[inside], status[inside]
    order = np.lexsort((day, period))
    order_day = np.where(gets_order & adoption, final_day, NO_DATE)
    return Legal(period[order], day[order], status[order], entry, order_day)


def _status_on(legal: Legal, period: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Legal status of each (period, day): the last status event on or before the day."""
    key = legal.period.astype(np.int64) * 200_000 + (legal.day - _day("1900-01-01"))
    query = period.astype(np.int64) * 200_000 + (day - _day("1900-01-01"))
    return legal.status[np.searchsorted(key, query, side="right") - 1]


# ============================================================================ placements


@dataclass
class Moves:
    """Placement events: the first of each period at its start, then every move."""

    period: np.ndarray
    day: np.ndarray
    group: np.ndarray
    previous: np.ndarray       # type of the placement before (-1 at the start of a period)
    forced: np.ndarray         # 0 chosen, 1 adoption, 2 with parents, 3 step-down


def _choice_weights(t_years, tilt, knobs, day, age, male, uasc, pathway) -> np.ndarray:
    year_index = np.clip(_collection_year(day) - t_years[0], 0, len(t_years) - 1)
    band = _band(age)
    w = CHOICE_BY_AGE[band] * tilt[year_index]
    uasc_w = CHOICE_UASC[(age >= 16).astype(int)].copy()
    uasc_w[:, SUPPORTED] *= _anchored(knobs.uasc_anchor, t_years[year_index])
    w = np.where(uasc[:, None], uasc_w * tilt[year_index], w)
    w = w * np.where(male[:, None], BOY_FACTOR, 1.0)
    w[:, CONNECTED] *= np.where(pathway == SGO, SGO_CONNECTED_FACTOR, 1.0)
    w[:, ADOPTION] = 0
    return w


def _scheduled(rng, pop, legal, knobs, tilt, t_years):
    """Dates of scheduled moves: placement for adoption, with parents before going home,
    and a step-down to supported accommodation at 16-17."""
    n = len(pop.start)
    dob = pop.dob[pop.child]
    adopt = pop.pathway == ADOPT
    placed = pop.end - rng.integers(150, 330, n)
    earliest = np.where(legal.order_day != NO_DATE, legal.order_day + 14, pop.start + 30)
    adopt_day = np.where(adopt, np.clip(placed, earliest, pop.end - 1), NO_DATE)
    adopt_day = np.where(adopt & (adopt_day > pop.start), adopt_day, NO_DATE)

    goes_home = (np.isin(pop.pathway, (HOME, LONG)) & (pop.end < _add_years(dob, 18))
                 & (rng.random(n) < PARENTS_BEFORE_HOME_SHARE))
    home_day = pop.end - rng.integers(30, 240, n)
    home_day = np.where(goes_home & (home_day > pop.start + 14), home_day, NO_DATE)

    step_day = _add_years(dob, 16) + rng.integers(0, 540, n)
    year_index = np.clip(_collection_year(step_day) - t_years[0], 0, len(t_years) - 1)
    share = np.where(pop.uasc[pop.child], UASC_STEPDOWN_SHARE * _anchored(knobs.uasc_anchor, t_years[year_index]),
                     STEPDOWN_SHARE * tilt[year_index, SUPPORTED])
    steps = (rng.random(n) < np.clip(share, 0, 0.95)) & (step_day > pop.start) & (step_day < pop.end - 30)
    step_day = np.where(steps, step_day, NO_DATE)
    final_day = np.where(adopt_day != NO_DATE, adopt_day, home_day)
    final_group = np.where(adopt_day != NO_DATE, ADOPTION, PARENTS)
    return final_day, final_group, step_day


def _stay_days(u: np.ndarray, group, age, knobs) -> np.ndarray:
    """Days in a placement: Weibull by type and age, from uniforms (inverse distribution)."""
    scale = PLACEMENT_SCALE_YEARS[group] * YEAR * knobs.move_scale * np.where(age >= 11, TEEN_MOVE_FACTOR, 1.0)
    weibull = (-np.log1p(-u)) ** (1 / PLACEMENT_SHAPE)
    return np.maximum((scale * weibull).round(), 1).astype(np.int64)


def simulate_moves(seed: int, code: str, pop: Population, legal: Legal, t: Targets, knobs: Knobs) -> Moves:
    """Every placement of every period: a first placement, then moves step by step (one step
    = the next move of every period still open), with scheduled moves taking precedence.

    Each period's k-th move uses its own fixed random numbers (drawn per step for all
    periods), so calibration passes see the same chance events and only the knobs differ."""
    tilt = knobs.place_tilt(t.years)
    n = len(pop.start)
    final_day, final_group, step_day = _scheduled(_rng(seed, code, 3), pop, legal, knobs, tilt, t.years)
    dob, male, uasc = pop.dob[pop.child], pop.male[pop.child], pop.uasc[pop.child]
    u = _rng(seed, code, 3, 0).random((3, n))
    idx = np.arange(n)
    day = pop.start.copy()
    group = _choose(_choice_weights(t.years, tilt, knobs, day, _age(dob, day), male, uasc, pop.pathway), u[0])
    out = [(idx, day, group, np.full(n, -1), np.zeros(n, int))]
    stay = np.where(u[1] < EMERGENCY_FIRST_SHARE, 1 + (u[2] * 42).astype(np.int64),
                    _stay_days(_rng(seed, code, 3, 1).random(n), group, _age(dob, day), knobs))
    for step in range(2, MAX_MOVE_STEPS):
        if not len(idx):
            break
        nxt = day + stay
        f_day, s_day = final_day[idx], step_day[idx]
        use_final = (f_day != NO_DATE) & (f_day <= nxt) & (f_day > day)
        use_step = ((s_day != NO_DATE) & (s_day <= nxt) & (s_day > day) & ~use_final
                    & ~np.isin(group, (SUPPORTED, ADOPTION, PARENTS)))
        nxt = np.where(use_final, f_day, np.where(use_step, s_day, nxt))
        open_ = nxt < pop.end[idx]
        idx, nxt, prev, use_final, use_step = idx[open_], nxt[open_], group[open_], use_final[open_], use_step[open_]
        step_day[idx[use_step]] = NO_DATE
        u = _rng(seed, code, 3, step).random((2, n))[:, idx]
        age = _age(dob[idx], nxt)
        w = _choice_weights(t.years, tilt, knobs, nxt, age, male[idx], uasc[idx], pop.pathway[idx])
        group = np.where(use_final, final_group[idx], np.where(use_step, SUPPORTED, _choose(w, u[0])))
        forced = np.where(use_final, np.where(final_group[idx] == ADOPTION, 1, 2), np.where(use_step, 3, 0))
        out.append((idx, nxt, group, prev, forced))
        keep = ~use_final                          # nobody moves after the scheduled last placement
        idx, day, group = idx[keep], nxt[keep], group[keep]
        stay = _stay_days(u[1][keep], group, age[keep], knobs)
    period, day, group, previous, forced = (np.concatenate(x) for x in zip(*out))
    order = np.lexsort((day, period))
    return Moves(period[order], day[order], group[order], previous[order], forced[order])


def _move_on(moves: Moves, period: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Index of the placement each (period, day) is in."""
    key = moves.period.astype(np.int64) * 200_000 + (moves.day - _day("1900-01-01"))
    query = period.astype(np.int64) * 200_000 + (day - _day("1900-01-01"))
    return np.searchsorted(key, query, side="right") - 1


def _group_on(moves: Moves, period: np.ndarray, day: np.ndarray) -> np.ndarray:
    return moves.group[_move_on(moves, period, day)]


def timeline_measures(pop: Population, legal: Legal, moves: Moves, t: Targets) -> dict:
    """Placement, legal-status and UASC-in-supported shares at 31 March, placements made."""
    out = {"groups": {}, "legal": {}, "uasc_supported": {}, "placements_made": {}}
    years = {y for y, _, _ in t.placement} | set(t.legal) | set(t.uasc_supported)
    for year in years:
        ye = t.ends[t.index(year)]
        periods = np.flatnonzero(_open_at(pop, ye))
        groups = _group_on(moves, periods, np.full(len(periods), ye))
        out["groups"][year] = np.bincount(groups, minlength=len(GROUPS)) / max(len(periods), 1)
        status = LS_CODES[_status_on(legal, periods, np.full(len(periods), ye))]
        status = np.where(np.isin(status, ("C1", "C2", "E1", "V2")), status, "other")
        out["legal"][year] = {s: float(np.mean(status == s)) for s in ("C1", "C2", "E1", "V2", "other")}
        out["legal"][year]["uasc"] = float(pop.uasc[pop.child[periods]].mean())
        u = pop.uasc[pop.child[periods]]
        out["uasc_supported"][year] = float(np.mean(groups[u] == SUPPORTED)) if u.any() else np.nan
    for year in t.placements_made:
        i = t.index(year)
        out["placements_made"][year] = int(((moves.day >= t.starts_days[i]) & (moves.day <= t.ends[i])).sum())
    return out


def _update_timeline_knobs(knobs: Knobs, m: dict, t: Targets) -> None:
    for year, groups, share in t.placement:
        ratio = share / max(m["groups"][year][list(groups)].sum(), 0.003)
        for g in groups:
            _nudge_anchor(knobs.place_anchor.setdefault(g, {}), year, ratio)
    for year, shares in t.legal.items():
        got = m["legal"][year]
        if "V2" in shares:       # UASC are all section 20: steer the others
            uasc = got["uasc"]
            ratio = max(shares["V2"] - uasc, 0.01) / max(got["V2"] - uasc, 0.01)
        elif "C2" in shares:     # only care orders known: more section 20 when too many of them
            ratio = (1 - shares["C2"]) / max(1 - got["C2"], 0.01)
        else:
            ratio = 1.0
        _nudge_anchor(knobs.s20_anchor, year, ratio)           # fewer enter under section 20 ...
        _nudge_anchor(knobs.convert_anchor, year, 1 / ratio)   # ... and more of them move to proceedings
        if "C1" in shares:
            _nudge_anchor(knobs.ico_anchor, year, shares["C1"] / max(got["C1"], 0.005))
        if "E1" in shares:
            _nudge_anchor(knobs.po_anchor, year, shares["E1"] / max(got["E1"], 0.005))
    for year, want in t.uasc_supported.items():     # odds ratio: shares near 1 stay reachable
        got = m["uasc_supported"][year]
        _nudge_anchor(knobs.uasc_anchor, year, (want / (1 - want)) / max(got / max(1 - got, 0.01), 0.01))
    if t.placements_made:
        got = sum(m["placements_made"][y] for y in t.placements_made)
        knobs.move_scale = _nudge(knobs.move_scale, got / sum(t.placements_made.values()), 0.3, 3)


# ============================================================================ calibration


@dataclass
class Simulation:
    """Everything simulated for one authority, before it is written as tables."""

    authority: Authority
    targets: Targets
    knobs: Knobs
    pop: Population
    legal: Legal
    moves: Moves
    seed: int


def simulate(authority: Authority, years: range, seed: int) -> Simulation:
    """Simulate an authority and calibrate it: first the periods of care (starts, ages, sex),
    then legal status and placements (mix, legal status, UASC, placements made)."""
    t = resolve_targets(authority, years)
    knobs = Knobs()
    code = authority.new_la_code
    passes = PERIOD_PASSES if t.wants_period_calibration else 1
    for p in range(passes):
        last = p == passes - 1
        pop = simulate_periods(seed, code, t, knobs, exact=last)
        if not last:
            _update_period_knobs(knobs, period_measures(pop, t), t)
    passes = TIMELINE_PASSES if t.wants_timeline_calibration else 1
    for p in range(passes):
        legal = simulate_legal(_rng(seed, code, 2), pop, knobs)
        moves = simulate_moves(seed, code, pop, legal, t, knobs)
        if p < passes - 1:
            _update_timeline_knobs(knobs, timeline_measures(pop, legal, moves, t), t)
    return Simulation(authority, t, knobs, pop, legal, moves, seed)


# ============================================================================ episodes


def _far_share_by_group(sim: Simulation) -> np.ndarray:
    """P(more than 20 miles) by placement type: FAR_FACTOR scaled so that the children in
    care at 31 March of the calibrated years come out at the authority's far share."""
    t, pop, moves = sim.targets, sim.pop, sim.moves
    years = sorted({y for y, _, _ in t.placement} | set(t.legal)) or [int(t.years[-1])]
    counts = np.zeros(len(GROUPS))
    for year in years:
        ye = t.ends[t.index(year)]
        periods = np.flatnonzero(_open_at(pop, ye))
        counts += np.bincount(_group_on(moves, periods, np.full(len(periods), ye)), minlength=len(GROUPS))
    mix = counts / max(counts.sum(), 1)
    low, high = 0.0, 20.0
    for _ in range(50):                      # bisection on the scale
        mid = (low + high) / 2
        low, high = (mid, high) if (mix * np.minimum(FAR_FACTOR * mid, 0.97)).sum() < t.far else (low, mid)
    return np.minimum(FAR_FACTOR * low, 0.97)


def _allocate(rng, sim: Simulation, p: np.ndarray, targets: dict, adjustable: np.ndarray | None = None) -> np.ndarray:
    """A flag per placement, drawn with chances ``p``; in target years the (adjustable)
    placements of the children in care at 31 March that began since the previous target year
    are chosen by weighted sampling so that the share flagged that day is the target."""
    u = rng.random(len(p))
    flag = u < p
    keys = np.log(np.maximum(u, 1e-300)) / np.maximum(p, 1e-9)     # Efraimidis-Spirakis keys
    previous_end = NO_DATE
    for year in sorted(y for y in targets if sim.targets.has(y)):
        ye = sim.targets.ends[sim.targets.index(year)]
        periods = np.flatnonzero(_open_at(sim.pop, ye))
        current = _move_on(sim.moves, periods, np.full(len(periods), ye))
        free = current[(sim.moves.day[current] > previous_end)
                       & (True if adjustable is None else adjustable[current])]
        wanted = round(targets[year] * len(current)) - int(flag[current].sum() - flag[free].sum())
        flag[free] = False
        flag[free[np.argsort(-keys[free], kind="stable")[: int(np.clip(wanted, 0, len(free)))]]] = True
        previous_end = ye
    return flag


@functools.lru_cache(maxsize=1)
def _la_reference() -> pd.DataFrame:
    return pd.read_csv(LA_REFERENCE, dtype=str, keep_default_na=False)


def _placement_columns(rng, sim: Simulation) -> pd.DataFrame:
    """903 codes for each placement event: PLACE, provider, URN, location and distance."""
    pop, moves, t = sim.pop, sim.moves, sim.targets
    n = len(moves.day)
    g, path = moves.group, pop.pathway[moves.period]
    age = _age(pop.dob[pop.child[moves.period]], moves.day)
    since_start = moves.day - pop.start[moves.period]
    long_term = rng.random(n) < np.where((path == LONG) & (since_start > 365), 0.5, 0.08)
    for_adoption = (path == ADOPT) & (age < 2) & (rng.random(n) < 0.25)
    foster_code = np.where(long_term, 0, np.where(for_adoption, 1, 2))          # long-term / FFA / other
    consent = _status_on(sim.legal, moves.period, moves.day) == V2
    same_carer = (g == ADOPTION) & np.isin(moves.previous, FOSTER) & (rng.random(n) < 0.2)
    place = np.select(
        [g == CONNECTED, np.isin(g, (IN_HOUSE, IFA)), g == CHILDRENS_HOME, g == SECURE,
         g == SUPPORTED, g == PARENTS, g == ADOPTION, g == SCHOOL],
        [np.array(["U1", "U2", "U3"])[foster_code], np.array(["U4", "U5", "U6"])[foster_code], "K2", "K1",
         np.where(rng.random(n) < 0.9, "H5", "P2"), "P1",
         np.array([["A6", "A5"], ["A4", "A3"]])[consent.astype(int), same_carer.astype(int)], "S1"],
        default=np.where(age < 1, "R3", _pick(rng, n, {"R1": 0.3, "R2": 0.25, "R5": 0.15, "Z1": 0.3})))
    provider = _providers(rng, g, place)
    far = _allocate(rng, sim, _far_share_by_group(sim)[g], t.far_by_year)
    p_out_near = np.clip((t.out_of_area - OUT_IF_FAR * t.far) / max(1 - t.far, 0.05), 0.02, 0.98)
    out = _allocate(rng, sim, np.where(far, OUT_IF_FAR, p_out_near * np.where(g == PARENTS, 0.5, 1.0)),
                    t.out_by_year, adjustable=~far)
    miles = np.where(far, 20 + 25 * np.exp(0.8 * rng.standard_normal(n)), 0.3 + 19.6 * rng.beta(1.3, 2.5, n))
    known = rng.random(n) >= t.distance_unknown
    reason = np.where(moves.forced > 0, "CARPL", _pick(rng, n, REASON_PLACE_CHANGE))
    reason = np.where(same_carer, "PLACE", reason)
    return pd.DataFrame({
        "PLACE": place, "PLACE_PROVIDER": provider, "URN": _urns(rng, sim, place, provider),
        "PL_DISTANCE": np.where(known, np.char.mod("%.1f", np.minimum(miles, 400)), ""),
        "PL_LA": _placement_las(rng, sim.authority, out, far), "PL_LOCATION": np.where(out, "OUT", "IN"),
        "same_carer": same_carer, "reason": reason,
    })


def _providers(rng, g, place) -> np.ndarray:
    n = len(g)
    return np.select(
        [np.isin(g, (IN_HOUSE, CONNECTED)), g == IFA, g == CHILDRENS_HOME, g == SECURE, g == SUPPORTED,
         g == PARENTS, g == ADOPTION, g == SCHOOL, np.isin(place, ("R2", "R5"))],
        [np.where(rng.random(n) < 0.96, "PR1", "PR2"), np.where(rng.random(n) < 0.8, "PR4", "PR5"),
         _pick(rng, n, {"PR4": 0.80, "PR1": 0.12, "PR5": 0.08}), _pick(rng, n, {"PR1": 0.4, "PR2": 0.5, "PR4": 0.1}),
         _pick(rng, n, {"PR4": 0.70, "PR1": 0.15, "PR5": 0.15}), "PR0",
         _pick(rng, n, {"PR1": 0.55, "PR2": 0.20, "PR5": 0.25}), _pick(rng, n, {"PR4": 0.6, "PR5": 0.25, "PR3": 0.15}),
         "PR3"],
        default="PR4")


def _urns(rng, sim: Simulation, place, provider) -> np.ndarray:
    """Ofsted-style URNs (SC + 6 digits) for registered settings and fostering services:
    one for the authority's own fostering service, pools for agencies and homes."""
    n = len(place)
    size = max(int(sim.targets.cla.max() / 10), 8)
    pool = np.char.add("SC", rng.choice(np.arange(100_000, 1_000_000), 3 * size + 1, replace=False).astype(str))
    own_fostering, agencies, homes = pool[0], pool[1:size + 1], pool[size + 1:]
    foster = np.char.startswith(place.astype(str), "U")
    registered = np.isin(place, ("K1", "K2", "S1", "R1"))
    return np.where(foster & np.isin(provider, ("PR1",)), own_fostering,
                    np.where(foster, agencies[rng.integers(0, len(agencies), n)],
                             np.where(registered, homes[rng.integers(0, len(homes), n)], URN_NONE)))


def _placement_las(rng, authority: Authority, out, far) -> np.ndarray:
    """The authority placed in: its own when inside, a same-region one when near, any when far."""
    las = _la_reference()
    others = las.loc[las["new_la_code"] != authority.new_la_code]
    region = others.loc[others["region_code"] == authority.region_code, "new_la_code"].to_numpy()
    anywhere = others["new_la_code"].to_numpy()
    region = region if len(region) else anywhere
    n = len(out)
    near_la = region[rng.integers(0, len(region), n)]
    far_la = anywhere[rng.integers(0, len(anywhere), n)]
    return np.where(~out, authority.new_la_code, np.where(far, far_la, near_la))


def _final_reasons(rng, sim: Simulation, last_group, last_status) -> np.ndarray:
    """REC of the last episode of each period, by pathway, last placement and age."""
    pop = sim.pop
    n = len(pop.start)
    dob = pop.dob[pop.child]
    at_18 = pop.end == _add_years(dob, 18)
    path, uasc = pop.pathway, pop.uasc[pop.child]
    foster = np.isin(last_group, FOSTER)
    home_before_18 = _pick(rng, n, {"E4A": 0.55, "E4B": 0.10, "E13": 0.15, "E41": 0.07, "E8": 0.08,
                                    "E3": 0.03, "E16": 0.01, "E2": 0.01})
    short = _pick(rng, n, {"E4A": 0.45, "E4B": 0.15, "E13": 0.15, "E8": 0.15, "E3": 0.05, "E16": 0.03,
                           "E41": 0.02})
    sgo = np.where(last_group == CONNECTED, _pick(rng, n, {"E45": 0.75, "E47": 0.25}),
                   np.where(foster, _pick(rng, n, {"E46": 0.6, "E48": 0.2, "E41": 0.2}),
                            _pick(rng, n, {"E41": 0.5, "E47": 0.5})))
    adopted = np.where(last_status == E1, np.where(rng.random(n) < 0.8, "E12", "E11"), "E11")
    aged_out = np.select(
        [foster, last_group == SUPPORTED, last_group == PARENTS],
        [_pick(rng, n, {"E17": 0.5, "E5": 0.25, "E6": 0.05, "E8": 0.2}),
         _pick(rng, n, {"E5": 0.6, "E6": 0.25, "E8": 0.15}), "E8"],
        default=_pick(rng, n, {"E7": 0.15, "E5": 0.45, "E8": 0.4}))
    uasc_early = _pick(rng, n, {"E15": 0.3, "E3": 0.2, "E8": 0.3, "E13": 0.2})
    justice = np.where(rng.random(n) < 0.8, "E14", "E9")
    return np.select(
        [uasc & ~at_18, at_18, path == ADOPT, path == SGO, np.isin(last_status, (J1, J2, J3)), path == SHORT],
        [uasc_early, aged_out, adopted, sgo, justice, short], default=home_before_18)


def _next(values: np.ndarray, fill) -> np.ndarray:
    """Each row's next value, ``fill`` after the last."""
    return np.append(values[1:], fill) if len(values) else values


def build_episodes(sim: Simulation) -> pd.DataFrame:
    """All episodes of all periods: legal-status and placement events merged by date (a
    change of both on one day is one episode), with RNE, REC and reason for change."""
    rng = _rng(sim.seed, sim.authority.new_la_code, 4)
    pop, legal, moves = sim.pop, sim.legal, sim.moves
    codes = _placement_columns(rng, sim)
    events = pd.concat([
        pd.DataFrame({"period": legal.period, "day": legal.day, "status": legal.status, "move": -1}),
        pd.DataFrame({"period": moves.period, "day": moves.day, "status": -1, "move": np.arange(len(moves.day))}),
    ], ignore_index=True)
    ep = events.groupby(["period", "day"], sort=True).max().reset_index()
    ep["status_change"] = ep["status"] >= 0
    ep["place_change"] = ep["move"] >= 0
    ep["status"] = ep["status"].where(ep["status_change"]).ffill().astype(int)
    ep["move"] = ep["move"].where(ep["place_change"]).ffill().astype(int)
    period = ep["period"].to_numpy()
    day = ep["day"].to_numpy()
    last = _next(period, -1) != period
    end = np.where(last, pop.end[period], _next(day, 0))
    same_carer = codes["same_carer"].to_numpy()[ep["move"].to_numpy()]
    start = day == pop.start[period]
    place_change, status_change = ep["place_change"].to_numpy(), ep["status_change"].to_numpy()
    rne = np.select([start, place_change & status_change, place_change, status_change],
                    [np.full(len(ep), "S"), np.where(same_carer, "T", "B"), np.where(same_carer, "U", "P"), "L"],
                    default="L")
    last_group = np.zeros(len(pop.start), int)
    last_status = np.zeros(len(pop.start), int)
    last_group[period[last]] = moves.group[ep["move"].to_numpy()[last]]
    last_status[period[last]] = ep["status"].to_numpy()[last]
    rec = np.where(last, _final_reasons(rng, sim, last_group, last_status)[period], "X1")
    next_is_move = _next(place_change, False) & ~last
    reason = np.where(next_is_move, _next(codes["reason"].to_numpy()[ep["move"].to_numpy()], ""), "")
    placement = codes.iloc[ep["move"].to_numpy()].reset_index(drop=True)
    cin = _pick(rng, len(pop.start), CIN_WEIGHTS)
    cin = np.where(pop.uasc[pop.child], "N8", cin)
    frame = pd.DataFrame({"child": pop.child[period], "period": period, "decom": day, "dec": end, "RNE": rne,
                          "LS": LS_CODES[ep["status"].to_numpy()], "CIN": cin[period], "REC": rec,
                          "REASON_PLACE_CHANGE": reason, "group": moves.group[ep["move"].to_numpy()]})
    for column in ("PLACE", "PLACE_PROVIDER", "URN", "PL_DISTANCE", "PL_LA", "PL_LOCATION"):
        frame[column] = placement[column].to_numpy()
    return frame


def short_break_episodes(sim: Simulation, first_child: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Short-break-only care (LS V3 individual stays, V4 agreements) of disabled children,
    who are not counted as looked after at 31 March. Returns (children, episodes)."""
    rng = _rng(sim.seed, sim.authority.new_la_code, 5)
    t = sim.targets
    per_year = rng.poisson(SHORT_BREAK_RATE * t.cla / 2.5)     # each lasts 1-4 years
    n = int(per_year.sum())
    first = np.repeat(t.starts_days, per_year) + rng.integers(0, 365, n)
    age = rng.integers(5, 15, n)
    dob = first - (age * YEAR).astype(np.int64) - rng.integers(1, 365, n)
    last = np.minimum(first + rng.integers(365, 4 * 365, n), _add_years(dob, 18) - 1)
    v3 = rng.random(n) < 0.5
    stays = np.where(v3, np.maximum((last - first) // 35, 1), 1)
    who = np.repeat(np.arange(n), stays)
    k = np.arange(len(who)) - np.repeat(np.cumsum(stays) - stays, stays)
    decom = first[who] + k * 35 + rng.integers(0, 7, len(who))
    dec = np.where(v3[who], decom + rng.integers(1, 4, len(who)), last[who])
    place = np.where(rng.random(n) < 0.5, "K2", "U6")[who]
    episodes = pd.DataFrame({
        "child": first_child + who, "period": -1, "decom": decom, "dec": np.maximum(dec, decom + 1), "RNE": "S",
        "LS": np.where(v3[who], "V3", "V4"), "CIN": "N2", "REC": "E4A", "REASON_PLACE_CHANGE": "",
        "group": -1, "PLACE": place, "PLACE_PROVIDER": "PR1",
        "URN": URN_NONE, "PL_DISTANCE": np.char.mod("%.1f", 0.5 + 9 * rng.random(len(who))),
        "PL_LA": sim.authority.new_la_code, "PL_LOCATION": "IN"})
    children = pd.DataFrame({"dob": dob, "male": rng.random(n) < 0.65, "uasc": False})
    return children, episodes


# ============================================================================ tables


@dataclass
class Return:
    """A simulated authority ready to be cut into yearly tables."""

    children: pd.DataFrame     # one row per child: id, sex, dob, ethnicity, UPN, mother
    episodes: pd.DataFrame     # every episode, dates as day numbers
    periods: pd.DataFrame      # periods of care (not short breaks): child, start, end
    leavers: pd.DataFrame      # care leavers' eligibility: child, dob, last day in care
    targets: Targets
    code: str
    seed: int


def build_return(sim: Simulation) -> Return:
    """Episodes, children and care-leaver eligibility of a simulated authority."""
    rng = _rng(sim.seed, sim.authority.new_la_code, 6)
    pop = sim.pop
    episodes = build_episodes(sim)
    breaks_children, breaks = short_break_episodes(sim, len(pop.dob))
    children = pd.concat([pd.DataFrame({"dob": pop.dob, "male": pop.male, "uasc": pop.uasc}), breaks_children],
                         ignore_index=True)
    episodes = pd.concat([episodes, breaks], ignore_index=True)
    children = _describe_children(rng, sim, children, episodes)
    episodes = episodes.reset_index(drop=True)
    periods = pd.DataFrame({"child": pop.child, "start": pop.start, "end": pop.end})
    return Return(children, episodes, periods, _care_leavers(sim), sim.targets, sim.authority.new_la_code,
                  sim.seed)


def _describe_children(rng, sim: Simulation, children: pd.DataFrame, episodes: pd.DataFrame) -> pd.DataFrame:
    n = len(children)
    old = sim.authority.old_la_code.zfill(3)[-3:]
    children["CHILD"] = np.char.add(old, _zfill(rng.permutation(n) + 1, 7))
    children["SEX"] = np.where(children["male"], "1", "2")
    uasc_share = sim.targets.uasc[-1] / max(sim.targets.cla[-1], 1)
    white = (sim.targets.white - uasc_share * UASC_WHITE_SHARE) / max(1 - uasc_share, 0.5)
    ethnic = np.where(rng.random(n) < np.clip(white, 0.05, 0.98), _pick(rng, n, ETHNIC_WHITE), _pick(rng, n, ETHNIC_OTHER))
    children["ETHNIC"] = np.where(children["uasc"], _pick(rng, n, ETHNIC_UASC), ethnic)
    children["UPN"] = _upns(rng, old, n)
    first = episodes.groupby("child")["decom"].min().reindex(range(n)).to_numpy()
    could_be_mother = ~children["male"].to_numpy() & (_age(children["dob"].to_numpy(), first) >= 15)
    mother = could_be_mother & (rng.random(n) < MOTHER_SHARE)
    children["mc_dob"] = np.where(mother, first + rng.integers(30, 300, n), NO_DATE)
    children["girl_12"] = _add_years(children["dob"].to_numpy(), 12)
    return children


def _zfill(numbers: np.ndarray, width: int) -> np.ndarray:
    """Numbers as zero-padded strings."""
    return np.char.zfill(numbers.astype(str), width) if len(numbers) else numbers.astype(str)


_UPN_LETTERS = np.array(list("ABCDEFGHJKLMNPQRTUVWXYZ"))


def _upns(rng, la_number: str, n: int) -> np.ndarray:
    """UPN-shaped identifiers: check letter + LA number + school + year + serial."""
    digits = np.column_stack([np.tile([int(c) for c in la_number], (n, 1)), rng.integers(0, 10, (n, 9))])
    check = _UPN_LETTERS[(digits * np.arange(2, 14)).sum(axis=1) % 23]
    number = digits @ (10 ** np.arange(11, -1, -1, dtype=np.int64))
    return np.char.add(check, _zfill(number, 12))


def _care_leavers(sim: Simulation) -> pd.DataFrame:
    """Children eligible for OC3: looked after 13 weeks after their 14th birthday, some of it
    after their 16th."""
    pop = sim.pop
    dob = pop.dob[pop.child]
    after_14 = np.maximum(pop.end - np.maximum(pop.start, _add_years(dob, 14)), 0)
    after_16 = pop.end > _add_years(dob, 16)
    days = np.bincount(pop.child, weights=after_14, minlength=len(pop.dob))
    any_16 = np.bincount(pop.child, weights=after_16, minlength=len(pop.dob)) > 0
    last_end = np.full(len(pop.dob), NO_DATE)
    np.maximum.at(last_end, pop.child, pop.end)
    eligible = np.flatnonzero((days >= 91) & any_16)
    return pd.DataFrame({"child": eligible, "dob": pop.dob[eligible], "left": last_end[eligible]})


def _year_share(values: dict, year: int, default: float) -> float:
    if not values:
        return default
    return float(_interpolated(values, np.array([year]))[0])


def tables_for_year(ret: Return, year: int) -> dict[str, pd.DataFrame]:
    """The tables an authority sends for collection ``year``."""
    rng = np.random.default_rng(np.random.SeedSequence([ret.seed, _code_number(ret.code), int(year), 7]))
    ys, ye = _day(f"{year - 1}-04-01"), _day(f"{year}-03-31")
    eps = ret.episodes
    in_year = eps.loc[(eps["decom"] <= ye) & (eps["dec"] >= ys)]
    episodes = _episodes_table(ret, in_year, ye)
    oc3 = _oc3_table(rng, ret, year, ys, ye)
    kids = ret.children.iloc[np.union1d(in_year["child"].unique(), oc3.pop("child").to_numpy())]
    return {
        "header": _header_table(kids, ye),
        "episodes": episodes,
        "uasc": _uasc_table(ret.children.iloc[in_year["child"].unique()]),
        "oc3": oc3,
        "reviews": _reviews_table(rng, ret, ys, ye),
        "missing": _missing_table(rng, ret, in_year, ys, ye),
    }


def _episodes_table(ret: Return, eps: pd.DataFrame, ye: int) -> pd.DataFrame:
    eps = eps.assign(id=ret.children["CHILD"].to_numpy()[eps["child"].to_numpy()]).sort_values(
        ["id", "decom"], kind="stable")
    open_ = eps["dec"].to_numpy() > ye
    out = pd.DataFrame({
        "CHILD": eps["id"].to_numpy(),
        "DECOM": _fmt(eps["decom"].to_numpy()),
        "RNE": eps["RNE"].to_numpy(), "LS": eps["LS"].to_numpy(), "CIN": eps["CIN"].to_numpy(),
        "PLACE": eps["PLACE"].to_numpy(), "PLACE_PROVIDER": eps["PLACE_PROVIDER"].to_numpy(),
        "DEC": _fmt(np.where(open_, NO_DATE, eps["dec"].to_numpy())),
        "REC": np.where(open_, "", eps["REC"].to_numpy()),
        "REASON_PLACE_CHANGE": np.where(open_, "", eps["REASON_PLACE_CHANGE"].to_numpy()),
        "HOME_POST": "", "PL_POST": "", "URN": eps["URN"].to_numpy(),
        "PL_DISTANCE": eps["PL_DISTANCE"].to_numpy(), "PL_LA": eps["PL_LA"].to_numpy(),
        "PL_LOCATION": eps["PL_LOCATION"].to_numpy(),
    })
    return out[TABLE_COLUMNS["episodes"]]


def _header_table(kids: pd.DataFrame, ye: int) -> pd.DataFrame:
    kids = kids.sort_values("CHILD")
    mc_dob = kids["mc_dob"].to_numpy()
    mother = (mc_dob != NO_DATE) & (mc_dob <= ye)
    girl_12 = (kids["SEX"].to_numpy() == "2") & (kids["girl_12"].to_numpy() <= ye)
    return pd.DataFrame({
        "CHILD": kids["CHILD"].to_numpy(), "SEX": kids["SEX"].to_numpy(), "DOB": _fmt(kids["dob"].to_numpy()),
        "ETHNIC": kids["ETHNIC"].to_numpy(), "UPN": kids["UPN"].to_numpy(),
        "MOTHER": np.where(mother, "1", np.where(girl_12, "0", "")),
        "MC_DOB": _fmt(np.where(mother, kids["mc_dob"].to_numpy(), NO_DATE)),
    })


def _uasc_table(kids: pd.DataFrame) -> pd.DataFrame:
    """UASC looked after during the year; their status ends at 18."""
    u = kids.loc[kids["uasc"].to_numpy()].sort_values("CHILD")
    return pd.DataFrame({"CHILD": u["CHILD"].to_numpy(), "SEX": u["SEX"].to_numpy(),
                         "DOB": _fmt(u["dob"].to_numpy()), "DUC": _fmt(_add_years(u["dob"].to_numpy(), 18))})


def _oc3_table(rng, ret: Return, year: int, ys: int, ye: int) -> pd.DataFrame:
    """Care leavers with their 17th to 21st birthday in the year, no longer in care."""
    lv = ret.leavers
    dob = lv["dob"].to_numpy()
    age = _age(dob, ye)
    birthday = _add_years(dob, age)
    in_cohort = (age >= 17) & (age <= 21) & (birthday >= ys) & (lv["left"].to_numpy() <= birthday)
    rows = lv.loc[in_cohort]
    n = len(rows)
    t = ret.targets
    yes = _exactly(rng, np.ones(n, bool), _year_share(t.in_touch, year, DEFAULT_IN_TOUCH) * n)
    eet = _exactly(rng, yes, _year_share(t.eet, year, DEFAULT_EET) * n)      # shares are of all leavers
    suitable = _exactly(rng, yes, _year_share(t.suitable, year, DEFAULT_SUITABLE) * n)
    activ = np.where(eet, _pick(rng, n, EET_ACTIV), _pick(rng, n, NEET_ACTIV))
    accom = np.where(suitable, _pick(rng, n, SUITABLE_ACCOM), _pick(rng, n, UNSUITABLE_ACCOM))
    return pd.DataFrame({
        "child": rows["child"].to_numpy(), "CHILD": ret.children["CHILD"].to_numpy()[rows["child"].to_numpy()],
        "DOB": _fmt(dob[in_cohort]), "IN_TOUCH": np.where(yes, "YES", _pick(rng, n, NOT_IN_TOUCH)),
        "ACTIV": np.where(yes, activ, "0"), "ACCOM": np.where(yes, accom, "0"),
    }).sort_values("CHILD", kind="stable")


def _exactly(rng, eligible: np.ndarray, count: float) -> np.ndarray:
    """Exactly ``count`` (rounded, at most all) of the eligible rows, chosen at random: the
    published shares come out as published, not give or take sampling noise."""
    chosen = np.zeros(len(eligible), bool)
    rows = rng.permutation(np.flatnonzero(eligible))
    chosen[rows[: int(np.clip(round(count), 0, len(rows)))]] = True
    return chosen


def _reviews_table(rng, ret: Return, ys: int, ye: int) -> pd.DataFrame:
    """Statutory reviews held in the year: 20 days after entry, 3 months later, then every
    6 months while in care."""
    p = ret.periods.loc[(ret.periods["start"] <= ye) & (ret.periods["end"] >= ys)]
    start, end = p["start"].to_numpy(), p["end"].to_numpy()
    first, second, then = REVIEW_DAYS
    span = np.minimum(end, ye) - start
    count = ((span > first).astype(int) + (span > first + second)
             + np.maximum((span - first - second - 1) // then, 0))
    who = np.repeat(np.arange(len(start)), count)
    k = np.arange(len(who)) - np.repeat(np.cumsum(count) - count, count)
    offset = np.where(k == 0, first, first + second + np.maximum(k - 1, 0) * then)
    day = start[who] + offset + rng.integers(-5, 6, len(who))
    keep = (day >= ys) & (day <= ye) & (day < end[who])
    child = p["child"].to_numpy()[who[keep]]
    dob = ret.children["dob"].to_numpy()[child]
    codes = np.where(_age(dob, day[keep]) < 4, "PN0", _pick(rng, int(keep.sum()), REVIEW_CODES))
    return pd.DataFrame({"CHILD": ret.children["CHILD"].to_numpy()[child], "DOB": _fmt(dob),
                         "REVIEW": _fmt(day[keep]), "REVIEW_CODE": codes}).sort_values(["CHILD", "REVIEW"],
                                                                                        kind="stable")


def _missing_table(rng, ret: Return, eps: pd.DataFrame, ys: int, ye: int) -> pd.DataFrame:
    """Missing and away-without-authorisation incidents of children 10+, most often from
    children's homes and supported accommodation."""
    eps = eps.loc[eps["group"] >= 0]
    dob = ret.children["dob"].to_numpy()[eps["child"].to_numpy()]
    lo = np.maximum(eps["decom"].to_numpy(), ys)
    hi = np.minimum(eps["dec"].to_numpy(), ye)
    rate = MISSING_PER_YEAR[eps["group"].to_numpy()] * (_age(dob, lo) >= 10)
    count = rng.poisson(rate * np.maximum(hi - lo, 0) / YEAR)
    who = np.repeat(np.arange(len(eps)), count)
    start = lo[who] + (rng.random(len(who)) * np.maximum(hi[who] - lo[who], 1)).astype(np.int64)
    end = start + rng.geometric(0.5, len(who))
    child = eps["child"].to_numpy()[who]
    return pd.DataFrame({
        "CHILD": ret.children["CHILD"].to_numpy()[child], "DOB": _fmt(dob[who]),
        "MISSING": np.where(rng.random(len(who)) < MISSING_AWAY_SHARE, "A", "M"),
        "MIS_START": _fmt(start), "MIS_END": _fmt(np.where(end > ye, NO_DATE, end)),
    }).sort_values(["CHILD", "MIS_START"], kind="stable")


# ============================================================================ writing


def _write_tables(ret: Return, years, out_dir: Path) -> int:
    rows = 0
    for year in years:
        folder = Path(out_dir) / str(year)
        folder.mkdir(parents=True, exist_ok=True)
        for table, frame in tables_for_year(ret, year).items():
            frame.to_csv(folder / f"{table}.csv", index=False, lineterminator="\n")
            rows += len(frame)
    return rows


def generate(authority: Authority, years: range, out_dir: Path, seed: int = DEMO_SEED) -> int:
    """Simulate, calibrate and write one authority's return; the number of rows written."""
    years = range(int(years[0]), int(years[-1]) + 1)
    ret = build_return(simulate(authority, years, seed))
    return _write_tables(ret, years, Path(out_dir))


def write_demo_return(authority: Authority, years: range, out_dir: Path, seed: int = DEMO_SEED) -> Path:
    """Generate and write ``out_dir/<year>/<table>.csv`` for every year; return ``out_dir``."""
    generate(authority, years, out_dir, seed)
    (Path(out_dir) / ".generator").write_text(GENERATOR_VERSION)
    return Path(out_dir)


def ensure_demo_return(authority: Authority, out_dir: Path) -> Path:
    """The demo return in ``out_dir``, generated first if it is not there or was made by
    another version of the generator.

    Generated into a temporary folder and renamed into place, so a reader never sees a
    half-written return.
    """
    out_dir = Path(out_dir)
    marker = out_dir / ".generator"
    if marker.is_file() and marker.read_text() == GENERATOR_VERSION \
            and (out_dir / str(authority.latest_year) / "episodes.csv").is_file():
        return out_dir
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}-", dir=out_dir.parent))
    write_demo_return(authority, range(DEMO_FIRST_YEAR, authority.latest_year + 1), staging, DEMO_SEED)
    if out_dir.exists():   # made by an older generator: move it aside before swapping in
        stale = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}-stale-", dir=out_dir.parent))
        try:
            out_dir.rename(stale / out_dir.name)
        except OSError:
            pass
        shutil.rmtree(stale, ignore_errors=True)
    try:
        staging.rename(out_dir)
    except OSError:  # another process got there first; its copy is identical
        shutil.rmtree(staging, ignore_errors=True)
    return out_dir


# ============================================================================ national


SEEDED_SIZE_MEDIAN = 450        # England: about 82,000 children in care over 153 authorities
SEEDED_SIZE_SIGMA = 0.55        # spread of authority sizes (Rutland ~40 to Kent ~2,000)
SEEDED_TREND_SD = 0.03          # year-on-year change in the number in care


def national_authorities(years: range, seed: int, published: Path | None = None) -> list[Authority]:
    """Every English authority of ``data/reference/local_authorities.csv``: its params file
    when it has one, else sized from DfE published numbers (``published`` folder) or, failing
    that, drawn from the seed."""
    las = _la_reference()
    sizes = published_numbers(published) if published else {}
    out = []
    for row in las.itertuples(index=False):
        if (PARAMS_DIR / f"{row.new_la_code}.yaml").is_file():
            out.append(replace(load_authority(row.new_la_code), latest_year=int(years[-1])))
            continue
        calibration = sizes.get(row.new_la_code) or _seeded_size(row.new_la_code, years, seed)
        out.append(Authority(new_la_code=row.new_la_code, old_la_code=row.old_la_code, la_name=row.la_name,
                             region_code=row.region_code, region_name=row.region_name,
                             latest_year=int(years[-1]), calibration=calibration))
    return out


def _seeded_size(code: str, years: range, seed: int) -> dict:
    rng = _rng(seed, code, 0)
    base = SEEDED_SIZE_MEDIAN * np.exp(SEEDED_SIZE_SIGMA * rng.standard_normal())
    walk = np.exp(np.cumsum(rng.normal(0.01, SEEDED_TREND_SD, len(years))))
    counts = np.clip(base * walk, 30, 2500).round()
    return {"cla_at_31_march": {int(y): int(c) for y, c in zip(years, counts)}}


# The suite's indicator ids -> the calibration keys they size an authority by.
PUBLISHED_MEASURES = {"cla_31_march": "cla_at_31_march", "cla_started": "starts", "cla_ceased": "ceases"}


def published_numbers(folder: Path) -> dict[str, dict]:
    """Numbers in care, starting and ceasing per authority and year from DfE's published
    files under ``folder`` (read by :mod:`published`, so a newer release wins)."""
    figures = published.load(Path(folder)).figures
    data = figures.loc[figures["geographic_level"].eq("Local authority") & figures["unit"].eq("number")
                       & figures["breakdown_group"].eq("Total") & figures["indicator"].isin(list(PUBLISHED_MEASURES))
                       & figures["value"].notna()]
    out: dict[str, dict] = {}
    for (code, indicator), rows in data.groupby(["new_la_code", "indicator"]):
        out.setdefault(code, {})[PUBLISHED_MEASURES[indicator]] = dict(
            zip(rows["time_period"].astype(int), rows["value"].astype(int)))
    return {code: cal for code, cal in out.items() if cal.get("cla_at_31_march")}


def _generate_one(args) -> tuple[str, int]:
    authority, years, out_dir, seed = args
    rows = generate(authority, years, Path(out_dir) / authority.new_la_code, seed)
    return authority.new_la_code, rows


def write_national(years: range, out_dir: Path, seed: int = DEMO_SEED, published: Path | None = None,
                   workers: int | None = None) -> dict[str, int]:
    """A return for every English authority into ``out_dir/<new_la_code>/<year>/``, in
    parallel processes; the rows written per authority. Each authority's output depends
    only on the seed and its code, not on the number of workers."""
    authorities = national_authorities(years, seed, published)
    jobs = [(la, years, str(out_dir), seed) for la in authorities]
    workers = default_workers(workers)
    if workers == 1:
        return dict(map(_generate_one, jobs))
    with process_pool(workers) as pool:
        return dict(pool.map(_generate_one, jobs, chunksize=1))
