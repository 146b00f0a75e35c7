"""Groundwork of the synthetic 903 generator: the simulation's codes, dates, random streams.

Every step of the simulation works on whole arrays of children, periods of care and
placements, so pathways, legal statuses, placement types and age bands are small integers
that index arrays of rates; their 903 codes and names are the tuples below. Dates are int64
day numbers (days since 1970-01-01, ``NO_DATE`` for none) and become dd/mm/YYYY strings only
when the tables are cut. Random numbers come from one independent stream per (seed,
authority, stage) (:func:`random_stream`; the authority's code is mixed into the seed), so a
calibration pass that reuses a stream sees the same chance events. Also the list of English
authorities, for placements outside the authority and for the national mode.
"""
from __future__ import annotations

import functools
import hashlib

import numpy as np
import pandas as pd

from sufficiency_lib.ssda903.codes import DATE_FORMAT
from sufficiency_lib.config import PROJECT_ROOT

LA_REFERENCE = PROJECT_ROOT / "data" / "reference" / "local_authorities.csv"

YEAR = 365.25

# Pathways: how a period of care goes (they index PATHWAY_BY_AGE and lengths of stay).
SHORT, HOME, ADOPT, SGO, LONG, UASC_STAY = range(6)
AGE_EDGES = np.array([1, 5, 10, 16])         # age bands: under 1, 1-4, 5-9, 10-15, 16+
AGE_BANDS = ("under_1", "1_to_4", "5_to_9", "10_to_15", "16_plus")

# Legal statuses (they index LS_CODES).
LS_CODES = np.array(["C1", "C2", "E1", "V2", "L1", "L2", "J1", "J2", "J3", "V3", "V4"])
C1, C2, E1, V2, L1, L2, J1, J2, J3, V3, V4 = range(11)

# Placement types (they index the placement rates of synth_placements). "other_residential"
# is DfE's group of that name (R1-R5: NHS, family centres, mother and baby units, young
# offender institutions); "other_placement" is DfE's "Other placements" (Z1).
GROUPS = ("in_house_foster", "connected_foster", "ifa_foster", "childrens_home", "secure",
          "supported_accommodation", "with_parents", "placed_for_adoption", "residential_school",
          "other_residential", "other_placement")
(IN_HOUSE, CONNECTED, IFA, CHILDRENS_HOME, SECURE, SUPPORTED, PARENTS, ADOPTION, SCHOOL, OTHER_RES,
 OTHER_PL) = range(11)
FOSTER = (IN_HOUSE, CONNECTED, IFA)

NO_DATE = np.iinfo(np.int64).min
EPOCH = pd.Timestamp("1970-01-01")
_DATE_TABLE_START = pd.Timestamp("1960-01-01")
_DATE_TABLE_DAYS = 120 * 366


# ============================================================================ dates


def day_number(when) -> int:
    """Days since 1970-01-01 of a date."""
    return int((pd.Timestamp(when) - EPOCH).days)


def _ymd(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(year, month, day) of day numbers, in integer arithmetic (proleptic Gregorian; H.
    Hinnant's civil_from_days), much faster than going through datetime64 for small arrays."""
    z = np.asarray(days, np.int64) + 719468
    era = np.floor_divide(z, 146097)
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    day = doy - (153 * mp + 2) // 5 + 1
    month = np.where(mp < 10, mp + 3, mp - 9)
    return yoe + era * 400 + (month <= 2), month, day


def _days(year: np.ndarray, month: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Day numbers of (year, month, day); a day past the month's end runs into the next."""
    year = np.asarray(year, np.int64) - (np.asarray(month) <= 2)
    era = np.floor_divide(year, 400)
    yoe = year - era * 400
    doy = (153 * ((np.asarray(month) + 9) % 12) + 2) // 5 + np.asarray(day) - 1
    return era * 146097 + yoe * 365 + yoe // 4 - yoe // 100 + doy - 719468


def add_years(days: np.ndarray, years) -> np.ndarray:
    """The same day ``years`` later (29 February becomes 1 March, as for an 18th birthday)."""
    y, m, d = _ymd(days)
    return _days(y + np.asarray(years), m, d)


def age_on(dob: np.ndarray, on) -> np.ndarray:
    """Age in completed years on a date (or dates)."""
    y1, m1, d1 = _ymd(dob)
    y2, m2, d2 = _ymd(np.broadcast_to(on, np.shape(dob)))
    return y2 - y1 - ((m2 * 100 + d2) < (m1 * 100 + d1))


def months_between(earlier: np.ndarray, later) -> np.ndarray:
    """Whole months from ``earlier`` to ``later`` (a day short of a month is not one), as
    the metrics count time in care and in a placement."""
    y1, m1, d1 = _ymd(earlier)
    y2, m2, d2 = _ymd(np.broadcast_to(later, np.shape(earlier)))
    return (y2 - y1) * 12 + (m2 - m1) - (d2 < d1)


def age_band(age: np.ndarray) -> np.ndarray:
    """Index of the age band (``AGE_BANDS``) of each age in years."""
    return np.searchsorted(AGE_EDGES, age, side="right")


def collection_year(days: np.ndarray) -> np.ndarray:
    """The 903 year (ending 31 March) a date falls in."""
    year, month, _ = _ymd(days)
    return year + (month >= 4)


@functools.lru_cache(maxsize=1)
def _date_strings() -> np.ndarray:
    dates = pd.date_range(_DATE_TABLE_START, periods=_DATE_TABLE_DAYS, freq="D")
    return np.asarray(dates.strftime(DATE_FORMAT), dtype=object)


def format_dates(days: np.ndarray) -> np.ndarray:
    """dd/mm/YYYY strings; NO_DATE becomes blank."""
    days = np.asarray(days, dtype=np.int64)
    blank = days == NO_DATE
    index = np.where(blank, 0, days - day_number(_DATE_TABLE_START))
    return np.where(blank, "", _date_strings()[index])


# ============================================================================ random helpers


def pick(rng: np.random.Generator, n: int, weights: dict) -> np.ndarray:
    """``n`` codes drawn from ``{code: weight}``."""
    codes = np.array(list(weights))
    p = np.array(list(weights.values()), float)
    return codes[rng.choice(len(codes), n, p=p / p.sum())] if n else codes[:0]


def categorical(rng: np.random.Generator, weights: np.ndarray) -> np.ndarray:
    """One column index per row of a (rows, k) weight matrix."""
    return choose(weights, rng.random(len(weights)))


def choose(weights: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Column index per row by inverse distribution of uniforms ``u``: a small change of
    weights changes few choices, which keeps calibration passes comparable."""
    cum = np.cumsum(weights, axis=1)
    return np.minimum(((u * cum[:, -1])[:, None] >= cum).sum(axis=1), weights.shape[1] - 1)


def code_number(code: str) -> int:
    """A stable 64-bit number for an authority code, mixed into its random streams."""
    return int.from_bytes(hashlib.sha256(code.encode()).digest()[:8], "little")


def random_stream(seed: int, code: str, *stage: int) -> np.random.Generator:
    """An independent stream per (seed, authority, stage): calibration passes reuse it, so
    passes differ only by their knobs (common random numbers)."""
    return np.random.default_rng(np.random.SeedSequence([int(seed), code_number(code), *stage]))


# ============================================================================ reference


@functools.lru_cache(maxsize=1)
def la_reference() -> pd.DataFrame:
    """The English authorities of ``data/reference/local_authorities.csv``, as text."""
    return pd.read_csv(LA_REFERENCE, dtype=str, keep_default_na=False)
