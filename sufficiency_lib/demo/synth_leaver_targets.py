"""Care leavers' targets, year by year: how many of each age group, and what is known of them.

DfE publishes, for care leavers aged 17-18 and 19-21, their activity (in education,
employment or training, not, or not known) and whether their accommodation is suitable.
Those years are taken as published. Earlier years take the statement's numbers where it
gives them (its 17-21 totals and in-touch, EET and suitable-accommodation percentages, moved
onto DfE's basis where the two disagree in a year both cover), else are extrapolated.
Young people not in touch have neither a known activity nor known accommodation.
"""
from __future__ import annotations

import numpy as np

from sufficiency_lib.demo.synth_extrapolate import fill_scalar, fill_shares, on_dfe_basis, whole
from sufficiency_lib.demo.synth_published import LEAVER_AGES, Published

DFE, STATEMENT, EXTRAPOLATED = "DfE", "statement", "extrapolated"
DEFAULT_RATE = 0.45          # care leavers aged 17-21 per child looked after (England, about)
DEFAULT_YOUNGER_SHARE = 0.28  # of them, aged 17-18
ACTIVITY = ("eet", "neet", "unknown")
ACCOMMODATION = ("suitable", "unsuitable", "no_info")
DEFAULT_SHARES = {"activity": [0.55, 0.35, 0.10], "accommodation": [0.85, 0.05, 0.10]}


def leaver_targets(t, cal: dict, pub: Published, written: range, rng: np.random.Generator) -> tuple[dict, dict]:
    """({year: {age group: {column: count}}}, {year: source}) for the written years."""
    tables = {age: pub.tables.get(f"leavers {age}") for age in LEAVER_AGES}
    dfe_years = sorted(set.intersection(*[set(int(y) for y in tab.index) for tab in tables.values()
                                          if tab is not None]) if all(v is not None for v in tables.values()) else set())
    out: dict[int, dict] = {}
    for year in dfe_years:
        if year in written:
            out[year] = {age: {k: float(v) for k, v in tables[age].loc[year].items() if np.isfinite(v)}
                         for age in LEAVER_AGES}
    combined = {y: sum(out[y][a]["total"] for a in LEAVER_AGES) for y in out}
    statement = _values(cal.get("care_leavers"))
    totals = _on_dfe_scale(statement, combined)
    cla = {int(y): t.cla[t.index(int(y))] for y in t.years}
    rates = {y: v / cla[y] for y, v in {**totals, **combined}.items() if y in cla}
    rate = fill_scalar(rates or {written[-1]: DEFAULT_RATE}, written, rng, 0.05, trend_years=1)
    younger = {y: np.array([out[y][LEAVER_AGES[0]]["total"], out[y][LEAVER_AGES[1]]["total"]]) for y in out}
    split = fill_shares(younger or {written[-1]: np.array([DEFAULT_YOUNGER_SHARE, 1 - DEFAULT_YOUNGER_SHARE])},
                        written, rng, 0.05)
    percents = _statement_percents(cal, out)
    source = {}
    for year in written:
        if year in out:
            source[year] = DFE
            continue
        total = totals.get(year, rate[year] * cla[year])
        source[year] = STATEMENT if year in totals else EXTRAPOLATED
        out[year] = {}
        for a, age in enumerate(LEAVER_AGES):
            out[year][age] = {"total": float(whole(split[year], total)[a])}
    for age in LEAVER_AGES:
        _fill_parts(out, age, written, rng, percents)
    return dict(sorted(out.items())), source


def _values(mapping) -> dict[int, float]:
    return {int(k): float(v) for k, v in (mapping or {}).items() if v is not None}


def _on_dfe_scale(statement: dict, dfe: dict) -> dict:
    """The statement's totals for years DfE does not cover, scaled by the ratio of DfE's to
    the statement's number in the nearest year both give (the two may count differently)."""
    common = sorted(set(statement) & set(dfe))
    out = {}
    for year, value in statement.items():
        if year in dfe:
            continue
        if common:
            nearest = min(common, key=lambda c: abs(c - year))
            value *= dfe[nearest] / statement[nearest]
        out[year] = value
    return out


def _statement_percents(cal: dict, dfe: dict) -> dict:
    """The statement's in-touch, EET and suitable percentages (care leavers of all ages),
    on DfE's basis: {name: {year: percent}}."""
    measured = {"in_touch": {}, "eet": {}, "suitable": {}}
    for year, by_age in dfe.items():
        total = sum(v["total"] for v in by_age.values())
        acc = sum(v.get("acc_total", v["total"]) for v in by_age.values())
        measured["in_touch"][year] = 100 * (1 - sum(v["unknown"] for v in by_age.values()) / total)
        measured["eet"][year] = 100 * sum(v["eet"] for v in by_age.values()) / total
        measured["suitable"][year] = 100 * sum(v.get("suitable", 0) for v in by_age.values()) / max(acc, 1)
    keys = {"in_touch": "care_leavers_in_touch_percent", "eet": "care_leavers_eet_percent",
            "suitable": "care_leavers_suitable_accommodation_percent"}
    out = {}
    for name, key in keys.items():
        adjusted = on_dfe_basis(_values(cal.get(key)), measured[name])
        out[name] = {y: v for y, v in adjusted.items() if y not in dfe}
    return out


def _fill_parts(out: dict, age: str, written: range, rng, percents: dict) -> None:
    """Activity and accommodation of one age group in the years DfE does not cover."""
    dfe_years = [y for y in out if "eet" in out[y][age]]
    activity = {y: np.array([out[y][age][k] for k in ACTIVITY]) for y in dfe_years}
    accommodation = {y: np.array([out[y][age].get(k, 0.0) for k in ACCOMMODATION]) for y in dfe_years
                     if "suitable" in out[y][age]}
    constraints = {}
    for year in written:
        if year in percents.get("in_touch", {}):
            constraints.setdefault(year, []).append(([2], 1 - percents["in_touch"][year] / 100))
        if year in percents.get("eet", {}):
            constraints.setdefault(year, []).append(([0], percents["eet"][year] / 100))
    activity_shares = fill_shares(activity or {written[-1]: np.array(DEFAULT_SHARES["activity"])}, written, rng,
                                  constraints=constraints)
    suitable = {y: [([0], p / 100)] for y, p in percents.get("suitable", {}).items()}
    accommodation_shares = fill_shares(accommodation or {written[-1]: np.array(DEFAULT_SHARES["accommodation"])},
                                       written, rng, constraints=suitable)
    for year in written:
        if year in dfe_years:
            continue
        row = out[year][age]
        total = row["total"]
        parts = whole(activity_shares[year], total)
        row.update(dict(zip(ACTIVITY, map(float, parts))))
        known = total - parts[2]          # not in touch: no accommodation known either
        fit = accommodation_shares[year][:2]
        suitable_n, unsuitable_n = whole(fit, known)
        row.update({"acc_total": total, "suitable": float(suitable_n), "unsuitable": float(unsuitable_n),
                    "no_info": float(parts[2])})
