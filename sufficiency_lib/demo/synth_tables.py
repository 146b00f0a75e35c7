"""A simulated authority cut into the tables it sends for each collection year.

Header (children), episodes, UASC, OC3, reviews and missing, with 903 column names
(:data:`TABLE_COLUMNS`), dates dd/mm/YYYY, codes as strings, blanks empty. Each year's
episodes table holds every episode open during that year (DEC blank when still open at 31
March), so years overlap as in real returns. HOME_POST and PL_POST are left blank.

Care leavers (OC3): young people aged 17-21 in the year who were looked after for 13 weeks
after their 14th birthday and some time after their 16th, with in-touch, activity and
accommodation codes drawn to the published shares (exactly, not give or take sampling
noise). Reviews follow the statutory timetable; missing and away-without-authorisation
incidents of children 10+ come most often from children's homes and supported accommodation.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sufficiency_lib.demo.synth_basics import (
    NO_DATE, YEAR, add_years, age_on, code_number, day_number, format_dates, pick, random_stream,
)
from sufficiency_lib.demo.synth_calibration import Simulation
from sufficiency_lib.demo.synth_episodes import build_episodes, short_break_episodes
from sufficiency_lib.demo.synth_targets import Targets, interpolated

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

# --- Children -----------------------------------------------------------------------------
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
    rng = random_stream(sim.seed, sim.authority.new_la_code, 6)
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
    ethnic = np.where(rng.random(n) < np.clip(white, 0.05, 0.98), pick(rng, n, ETHNIC_WHITE), pick(rng, n, ETHNIC_OTHER))
    children["ETHNIC"] = np.where(children["uasc"], pick(rng, n, ETHNIC_UASC), ethnic)
    children["UPN"] = _upns(rng, old, n)
    first = episodes.groupby("child")["decom"].min().reindex(range(n)).to_numpy()
    could_be_mother = ~children["male"].to_numpy() & (age_on(children["dob"].to_numpy(), first) >= 15)
    mother = could_be_mother & (rng.random(n) < MOTHER_SHARE)
    children["mc_dob"] = np.where(mother, first + rng.integers(30, 300, n), NO_DATE)
    children["girl_12"] = add_years(children["dob"].to_numpy(), 12)
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
    after_14 = np.maximum(pop.end - np.maximum(pop.start, add_years(dob, 14)), 0)
    after_16 = pop.end > add_years(dob, 16)
    days = np.bincount(pop.child, weights=after_14, minlength=len(pop.dob))
    any_16 = np.bincount(pop.child, weights=after_16, minlength=len(pop.dob)) > 0
    last_end = np.full(len(pop.dob), NO_DATE)
    np.maximum.at(last_end, pop.child, pop.end)
    eligible = np.flatnonzero((days >= 91) & any_16)
    return pd.DataFrame({"child": eligible, "dob": pop.dob[eligible], "left": last_end[eligible]})


def _year_share(values: dict, year: int, default: float) -> float:
    if not values:
        return default
    return float(interpolated(values, np.array([year]))[0])


def tables_for_year(ret: Return, year: int) -> dict[str, pd.DataFrame]:
    """The tables an authority sends for collection ``year``."""
    rng = np.random.default_rng(np.random.SeedSequence([ret.seed, code_number(ret.code), int(year), 7]))
    ys, ye = day_number(f"{year - 1}-04-01"), day_number(f"{year}-03-31")
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
        "DECOM": format_dates(eps["decom"].to_numpy()),
        "RNE": eps["RNE"].to_numpy(), "LS": eps["LS"].to_numpy(), "CIN": eps["CIN"].to_numpy(),
        "PLACE": eps["PLACE"].to_numpy(), "PLACE_PROVIDER": eps["PLACE_PROVIDER"].to_numpy(),
        "DEC": format_dates(np.where(open_, NO_DATE, eps["dec"].to_numpy())),
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
        "CHILD": kids["CHILD"].to_numpy(), "SEX": kids["SEX"].to_numpy(),
        "DOB": format_dates(kids["dob"].to_numpy()), "ETHNIC": kids["ETHNIC"].to_numpy(),
        "UPN": kids["UPN"].to_numpy(),
        "MOTHER": np.where(mother, "1", np.where(girl_12, "0", "")),
        "MC_DOB": format_dates(np.where(mother, kids["mc_dob"].to_numpy(), NO_DATE)),
    })


def _uasc_table(kids: pd.DataFrame) -> pd.DataFrame:
    """UASC looked after during the year; their status ends at 18."""
    u = kids.loc[kids["uasc"].to_numpy()].sort_values("CHILD")
    return pd.DataFrame({"CHILD": u["CHILD"].to_numpy(), "SEX": u["SEX"].to_numpy(),
                         "DOB": format_dates(u["dob"].to_numpy()),
                         "DUC": format_dates(add_years(u["dob"].to_numpy(), 18))})


def _oc3_table(rng, ret: Return, year: int, ys: int, ye: int) -> pd.DataFrame:
    """Care leavers with their 17th to 21st birthday in the year, no longer in care."""
    lv = ret.leavers
    dob = lv["dob"].to_numpy()
    age = age_on(dob, ye)
    birthday = add_years(dob, age)
    in_cohort = (age >= 17) & (age <= 21) & (birthday >= ys) & (lv["left"].to_numpy() <= birthday)
    rows = lv.loc[in_cohort]
    n = len(rows)
    t = ret.targets
    yes = _exactly(rng, np.ones(n, bool), _year_share(t.in_touch, year, DEFAULT_IN_TOUCH) * n)
    eet = _exactly(rng, yes, _year_share(t.eet, year, DEFAULT_EET) * n)      # shares are of all leavers
    suitable = _exactly(rng, yes, _year_share(t.suitable, year, DEFAULT_SUITABLE) * n)
    activ = np.where(eet, pick(rng, n, EET_ACTIV), pick(rng, n, NEET_ACTIV))
    accom = np.where(suitable, pick(rng, n, SUITABLE_ACCOM), pick(rng, n, UNSUITABLE_ACCOM))
    return pd.DataFrame({
        "child": rows["child"].to_numpy(), "CHILD": ret.children["CHILD"].to_numpy()[rows["child"].to_numpy()],
        "DOB": format_dates(dob[in_cohort]), "IN_TOUCH": np.where(yes, "YES", pick(rng, n, NOT_IN_TOUCH)),
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
    codes = np.where(age_on(dob, day[keep]) < 4, "PN0", pick(rng, int(keep.sum()), REVIEW_CODES))
    return pd.DataFrame({"CHILD": ret.children["CHILD"].to_numpy()[child], "DOB": format_dates(dob),
                         "REVIEW": format_dates(day[keep]), "REVIEW_CODE": codes}).sort_values(["CHILD", "REVIEW"],
                                                                                        kind="stable")


def _missing_table(rng, ret: Return, eps: pd.DataFrame, ys: int, ye: int) -> pd.DataFrame:
    """Missing and away-without-authorisation incidents of children 10+, most often from
    children's homes and supported accommodation."""
    eps = eps.loc[eps["group"] >= 0]
    dob = ret.children["dob"].to_numpy()[eps["child"].to_numpy()]
    lo = np.maximum(eps["decom"].to_numpy(), ys)
    hi = np.minimum(eps["dec"].to_numpy(), ye)
    rate = MISSING_PER_YEAR[eps["group"].to_numpy()] * (age_on(dob, lo) >= 10)
    count = rng.poisson(rate * np.maximum(hi - lo, 0) / YEAR)
    who = np.repeat(np.arange(len(eps)), count)
    start = lo[who] + (rng.random(len(who)) * np.maximum(hi[who] - lo[who], 1)).astype(np.int64)
    end = start + rng.geometric(0.5, len(who))
    child = eps["child"].to_numpy()[who]
    return pd.DataFrame({
        "CHILD": ret.children["CHILD"].to_numpy()[child], "DOB": format_dates(dob[who]),
        "MISSING": np.where(rng.random(len(who)) < MISSING_AWAY_SHARE, "A", "M"),
        "MIS_START": format_dates(start), "MIS_END": format_dates(np.where(end > ye, NO_DATE, end)),
    }).sort_values(["CHILD", "MIS_START"], kind="stable")
