"""The episodes of a simulated authority: its legal-status and placement events as 903 rows.

Legal-status and placement events are merged by date (a change of both on one day is one
episode), with RNE, REC at the end of each period and the reason for each placement change;
every placement gets its 903 codes (PLACE, PLACE_PROVIDER, URN) and the three columns DfE
derives from postcodes: ``PL_DISTANCE`` (miles from home to placement, one decimal; blank
when not known), ``PL_LA`` (new code of the authority where the child is placed) and
``PL_LOCATION`` (IN or OUT of the responsible authority).

Types, providers, locality and distance come from the fitted labels
(:mod:`sufficiency_lib.demo.synth_labels`); the category of need is the period's.

Also a small population of short-break-only care (LS V3/V4) of disabled children, who are
not counted as looked after at 31 March.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from sufficiency_lib.config import Authority
from sufficiency_lib.demo.synth_basics import (
    ADOPT, ADOPTION, CHILDRENS_HOME, CONNECTED, E1, FOSTER, IFA, IN_HOUSE, J1, J2, J3, LONG, LS_CODES, OTHER_PL,
    OTHER_RES, PARENTS, SCHOOL, SECURE, SGO, SHORT, SUPPORTED, V2, YEAR, add_years, age_on, la_reference, pick,
    random_stream,
)
from sufficiency_lib.demo.synth_calibration import Simulation
from sufficiency_lib.demo.synth_legal import status_on
from sufficiency_lib.demo.synth_published import CIN_CODES, PROVIDERS
from sufficiency_lib.demo.synth_reasons import fit_reasons

URN_NONE = "XXXXXXX"

# --- Episodes and short breaks ------------------------------------------------------------
REASON_PLACE_CHANGE = {"CARPL": 0.40, "CREQB": 0.10, "CREQO": 0.08, "CHILD": 0.07,
                       "LAREQ": 0.10, "CLOSE": 0.03, "STAND": 0.03, "ALLEG": 0.02,
                       "APPRR": 0.01, "OTHER": 0.16}
SHORT_BREAK_RATE = 0.025             # short-break-only children per child looked after


def _placement_columns(rng, sim: Simulation) -> pd.DataFrame:
    """903 codes for each placement event: PLACE, provider, URN, location and distance."""
    pop, moves, labels = sim.pop, sim.moves, sim.labels
    n = len(moves.day)
    g, path = labels.group, pop.pathway[moves.period]
    age = age_on(pop.dob[pop.child[moves.period]], moves.day)
    since_start = moves.day - pop.start[moves.period]
    long_term = rng.random(n) < np.where((path == LONG) & (since_start > 365), 0.5, 0.08)
    for_adoption = (path == ADOPT) & (age < 2) & (rng.random(n) < 0.25)
    foster_code = np.where(long_term, 0, np.where(for_adoption, 1, 2))          # long-term / FFA / other
    consent = status_on(sim.legal, moves.period, moves.day) == V2
    same_carer = (g == ADOPTION) & np.isin(moves.previous, FOSTER) & (rng.random(n) < 0.2)
    place = np.select(
        [g == CONNECTED, np.isin(g, (IN_HOUSE, IFA)), g == CHILDRENS_HOME, g == SECURE,
         g == SUPPORTED, g == PARENTS, g == ADOPTION, g == SCHOOL, g == OTHER_RES, g == OTHER_PL],
        [np.array(["U1", "U2", "U3"])[foster_code], np.array(["U4", "U5", "U6"])[foster_code], "K2", "K1",
         np.where(rng.random(n) < 0.9, "H5", "P2"), "P1",
         np.array([["A6", "A5"], ["A4", "A3"]])[(~consent).astype(int), same_carer.astype(int)], "S1",
         np.where(age < 1, "R3", pick(rng, n, {"R1": 0.45, "R2": 0.35, "R5": 0.2})), "Z1"],
        default="Z1")
    provider = np.array(PROVIDERS)[labels.provider]
    location = labels.location               # in/out x near, far, not known (LOCATIONS)
    out, far, unknown = np.isin(location, (1, 3, 5)), np.isin(location, (2, 3)), location >= 4
    miles = np.where(far, np.maximum(20.1, 20 + 25 * np.exp(0.8 * rng.standard_normal(n))),
                     np.minimum(20.0, 0.3 + 19.6 * rng.beta(1.3, 2.5, n)))
    reason = np.where(moves.forced > 0, "CARPL", pick(rng, n, REASON_PLACE_CHANGE))
    reason = np.where(same_carer, "PLACE", reason)
    return pd.DataFrame({
        "PLACE": place, "PLACE_PROVIDER": provider, "URN": _urns(rng, sim, place, provider),
        "PL_DISTANCE": np.where(unknown, "", np.char.mod("%.1f", np.minimum(miles, 400))),
        "PL_LA": _placement_las(rng, sim.authority, out, far), "PL_LOCATION": np.where(out, "OUT", "IN"),
        "same_carer": same_carer, "reason": reason,
    })


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
    las = la_reference()
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
    at_18 = pop.end == add_years(dob, 18)
    path, uasc = pop.pathway, pop.uasc[pop.child]
    foster = np.isin(last_group, FOSTER)
    home_before_18 = pick(rng, n, {"E4A": 0.55, "E4B": 0.10, "E13": 0.15, "E41": 0.07, "E8": 0.08,
                                    "E3": 0.03, "E16": 0.01, "E2": 0.01})
    short = pick(rng, n, {"E4A": 0.45, "E4B": 0.15, "E13": 0.15, "E8": 0.15, "E3": 0.05, "E16": 0.03,
                           "E41": 0.02})
    sgo = np.where(last_group == CONNECTED, pick(rng, n, {"E45": 0.75, "E47": 0.25}),
                   np.where(foster, pick(rng, n, {"E46": 0.6, "E48": 0.2, "E41": 0.2}),
                            pick(rng, n, {"E41": 0.5, "E47": 0.5})))
    adopted = np.where(last_status == E1, np.where(rng.random(n) < 0.8, "E12", "E11"), "E11")
    aged_out = np.select(
        [foster, last_group == SUPPORTED, last_group == PARENTS],
        [pick(rng, n, {"E17": 0.5, "E5": 0.25, "E6": 0.05, "E8": 0.2}),
         pick(rng, n, {"E5": 0.6, "E6": 0.25, "E8": 0.15}), "E8"],
        default=pick(rng, n, {"E7": 0.15, "E5": 0.45, "E8": 0.4}))
    uasc_early = pick(rng, n, {"E15": 0.3, "E3": 0.2, "E8": 0.3, "E13": 0.2})
    justice = np.where(rng.random(n) < 0.8, "E14", "E9")
    home = pick(rng, n, {"E4A": 0.8, "E4B": 0.12, "E13": 0.08})
    return np.select(
        [uasc & ~at_18, at_18, last_group == ADOPTION, last_group == PARENTS, path == ADOPT, path == SGO,
         np.isin(last_status, (J1, J2, J3)), path == SHORT],
        [uasc_early, aged_out, adopted, home, sgo, sgo, justice, short], default=home_before_18)


def _ends_by_year(sim: Simulation) -> dict:
    """The periods ending in each written year (ended on or before 18: not still open)."""
    t, pop = sim.targets, sim.pop
    out = {}
    for year in range(t.written[0], t.written[1] + 1):
        i = t.index(year)
        out[year] = np.flatnonzero((pop.end >= t.starts_days[i]) & (pop.end <= t.ends[i]))
    return out


def _next(values: np.ndarray, fill) -> np.ndarray:
    """Each row's next value, ``fill`` after the last."""
    return np.append(values[1:], fill) if len(values) else values


def build_episodes(sim: Simulation) -> pd.DataFrame:
    """All episodes of all periods: legal-status and placement events merged by date (a
    change of both on one day is one episode), with RNE, REC and reason for change."""
    rng = random_stream(sim.seed, sim.authority.new_la_code, 4)
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
    last_group[period[last]] = sim.labels.group[ep["move"].to_numpy()[last]]
    last_status[period[last]] = ep["status"].to_numpy()[last]
    natural = _final_reasons(rng, sim, last_group, last_status).astype(object)
    reasons = fit_reasons(rng, pop, natural, last_group, last_status, sim.targets.reasons, _ends_by_year(sim))
    rec = np.where(last, reasons[period], "X1")
    next_is_move = _next(place_change, False) & ~last
    reason = np.where(next_is_move, _next(codes["reason"].to_numpy()[ep["move"].to_numpy()], ""), "")
    placement = codes.iloc[ep["move"].to_numpy()].reset_index(drop=True)
    cin = np.array(CIN_CODES)[sim.labels.cin[ep["move"].to_numpy()]]
    frame = pd.DataFrame({"child": pop.child[period], "period": period, "decom": day, "dec": end, "RNE": rne,
                          "LS": LS_CODES[ep["status"].to_numpy()], "CIN": cin, "REC": rec,
                          "REASON_PLACE_CHANGE": reason, "group": sim.labels.group[ep["move"].to_numpy()]})
    for column in ("PLACE", "PLACE_PROVIDER", "URN", "PL_DISTANCE", "PL_LA", "PL_LOCATION"):
        frame[column] = placement[column].to_numpy()
    return frame


def short_break_episodes(sim: Simulation, first_child: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Short-break-only care (LS V3 individual stays, V4 agreements) of disabled children,
    who are not counted as looked after at 31 March. Returns (children, episodes)."""
    rng = random_stream(sim.seed, sim.authority.new_la_code, 5)
    t = sim.targets
    per_year = rng.poisson(SHORT_BREAK_RATE * t.cla / 2.5)     # each lasts 1-4 years
    n = int(per_year.sum())
    first = np.repeat(t.starts_days, per_year) + rng.integers(0, 365, n)
    age = rng.integers(5, 15, n)
    dob = first - (age * YEAR).astype(np.int64) - rng.integers(1, 365, n)
    last = np.minimum(first + rng.integers(365, 4 * 365, n), add_years(dob, 18) - 1)
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
