"""A simulated authority cut into the tables it sends for each collection year.

Header (children), episodes, UASC, OC3, reviews and missing, with 903 column names
(:data:`TABLE_COLUMNS`), dates dd/mm/YYYY, codes as strings, blanks empty. Each year's
episodes table holds every episode open during that year (DEC blank when still open at 31
March), so years overlap as in real returns. HOME_POST and PL_POST are left blank.

Care leavers (OC3): each year's cohorts of :mod:`sufficiency_lib.demo.synth_leavers`.
Ethnicity codes are drawn within each child's fitted ethnic group. Reviews follow the statutory timetable; missing and away-without-authorisation
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
from sufficiency_lib.demo.synth_leavers import cohorts, eligible_leavers, oc3_table
from sufficiency_lib.demo.synth_published import ETHNIC_GROUPS
from sufficiency_lib.demo.synth_targets import Targets

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
# 903 ethnicity codes within each DfE group (ETHNIC_GROUPS order), for children who are not
# UASC and for UASC (many Afghan, Eritrean, Sudanese, Albanian, Iranian young people).
ETHNIC_CODES = [
    {"WBRI": 0.88, "WIRI": 0.01, "WOTH": 0.08, "WIRT": 0.01, "WROM": 0.02},
    {"MWBC": 0.35, "MWBA": 0.12, "MWAS": 0.13, "MOTH": 0.40},
    {"AIND": 0.15, "APKN": 0.35, "ABAN": 0.12, "CHNE": 0.05, "AOTH": 0.33},
    {"BCRB": 0.25, "BAFR": 0.55, "BOTH": 0.20},
    {"OOTH": 1.0},
    {"REFU": 0.3, "NOBT": 0.7},
]
ETHNIC_CODES_UASC = [{"WOTH": 1.0}, {"MOTH": 1.0}, {"AOTH": 0.85, "APKN": 0.15}, {"BAFR": 0.9, "BOTH": 0.1},
                     {"OOTH": 1.0}, {"NOBT": 1.0}]
SHORT_BREAK_ETHNIC = np.array([0.8, 0.06, 0.06, 0.05, 0.02, 0.01])
MOTHER_SHARE = 0.02                   # girls 15+ in care who are mothers

# --- Reviews and missing ------------------------------------------------------------------
REVIEW_DAYS = (20, 91, 182)           # first review within 20 working days (taken as 20 days), then 3 and 6 months
REVIEW_CODES = {"PN1": 0.55, "PN2": 0.12, "PN3": 0.08, "PN4": 0.05, "PN5": 0.08,
                "PN6": 0.05, "PN7": 0.07}
MISSING_PER_YEAR = np.array([0.15, 0.1, 0.2, 2.5, 1.0, 1.2, 0.3, 0.0, 0.8, 0.6, 0.6])  # aged 10+, by GROUPS
MISSING_AWAY_SHARE = 0.3              # "away from placement without authorisation" (A)


@dataclass
class Return:
    """A simulated authority ready to be cut into yearly tables."""

    children: pd.DataFrame     # one row per child: id, sex, dob, ethnicity, UPN, mother
    episodes: pd.DataFrame     # every episode, dates as day numbers
    periods: pd.DataFrame      # periods of care (not short breaks): child, start, end
    cohorts: dict              # collection year -> care leavers in its OC3 table
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
    t = sim.targets
    oc3 = cohorts(random_stream(sim.seed, sim.authority.new_la_code, 8), eligible_leavers(pop), t.leavers,
                  range(t.written[0], t.written[1] + 1))
    return Return(children, episodes, periods, oc3, t, sim.authority.new_la_code, sim.seed)


def _describe_children(rng, sim: Simulation, children: pd.DataFrame, episodes: pd.DataFrame) -> pd.DataFrame:
    n = len(children)
    old = sim.authority.old_la_code.zfill(3)[-3:]
    children["CHILD"] = np.char.add(old, _zfill(rng.permutation(n) + 1, 7))
    children["SEX"] = np.where(children["male"], "1", "2")
    group = np.concatenate([sim.labels.ethnic, rng.choice(len(ETHNIC_GROUPS), n - len(sim.labels.ethnic),
                                                          p=SHORT_BREAK_ETHNIC)])
    uasc = children["uasc"].to_numpy()
    ethnic = np.empty(n, dtype=object)
    for g in range(len(ETHNIC_GROUPS)):
        for is_uasc, codes in ((False, ETHNIC_CODES[g]), (True, ETHNIC_CODES_UASC[g])):
            at = np.flatnonzero((group == g) & (uasc == is_uasc))
            ethnic[at] = pick(rng, len(at), codes)
    children["ETHNIC"] = ethnic.astype(str)
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


def tables_for_year(ret: Return, year: int) -> dict[str, pd.DataFrame]:
    """The tables an authority sends for collection ``year``."""
    rng = np.random.default_rng(np.random.SeedSequence([ret.seed, code_number(ret.code), int(year), 7]))
    ys, ye = day_number(f"{year - 1}-04-01"), day_number(f"{year}-03-31")
    eps = ret.episodes
    in_year = eps.loc[(eps["decom"] <= ye) & (eps["dec"] >= ys)]
    episodes = _episodes_table(ret, in_year, ye)
    cohort = ret.cohorts.get(year)
    oc3 = (oc3_table(rng, cohort, ret.children["CHILD"].to_numpy(), format_dates) if cohort is not None
           else pd.DataFrame(columns=["child", *TABLE_COLUMNS["oc3"]]))
    kids = ret.children.iloc[np.union1d(in_year["child"].unique(), oc3.pop("child").to_numpy().astype(int))]
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
