"""The synthetic SSDA903 generator: deterministic, structurally valid, calibrated, realistic.

The demo authorities are generated once for 2017-2021 (another seed and span than the cached
demo returns, so the steering is tried away from the case it was tuned on) and shared by
the tests of this module. Their DfE figures are checked in tests/test_synth_calibration.py;
here the authorities' own statement figures kept in params/ (for 2017-2018, and the
groupings DfE does not publish) are compared with the return.

Tolerances (the report of the change lists the gaps measured with the seed used below):
* numbers in care at 31 March: within 5% every year (hit exactly by construction);
* placement, legal-status and location shares at 31 March: within 5 percentage points in
  each year with a statement figure;
* boys: within 3 points; UASC at 31 March: within 10%; the share of UASC in each placement
  grouping the statement gives (supported accommodation; Peterborough also in-house and
  IFA foster care), averaged over target years: within 15 points (20-80 children);
* boys among the children in a grouping (children's homes, supported accommodation, 2020):
  within 8 points (12 to 100 children: one child is up to 8 points);
* children starting to be looked after, summed over target years: within 15%;
* children in care for less than two years (Peterborough, not steered): within 12 points;
* care leavers: in touch and suitable accommodation within 5 points; their number within
  40% (the statements count another cohort than DfE's, which the return follows).
"""
from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sufficiency_lib import cli
from sufficiency_lib.ssda903 import ingest
from sufficiency_lib.analysis import metrics
from sufficiency_lib.demo import synth
from sufficiency_lib.config import load_authority
from sufficiency_lib.ssda903.periods import year_end, year_start

YEARS = range(2017, 2022)
SEED = 11
DEMO = ("E10000003", "E06000031")

# Valid codes, DfE "Children looked after return" (SSDA903) guidance 2020-2024.
RNE = {"S", "P", "L", "T", "U", "B"}
LS = {"C1", "C2", "D1", "E1", "J1", "J2", "J3", "L1", "L2", "L3", "V2", "V3", "V4"}
CIN = {f"N{i}" for i in range(1, 9)}
PLACE = {"A3", "A4", "A5", "A6", "H5", "K1", "K2", "P1", "P2", "P3", "R1", "R2", "R3", "R5", "S1",
         "T0", "T1", "T2", "T3", "T4", "U1", "U2", "U3", "U4", "U5", "U6", "Z1"}
PROVIDER = {"PR0", "PR1", "PR2", "PR3", "PR4", "PR5"}
REC = {"E11", "E12", "E13", "E14", "E15", "E16", "E17", "E2", "E3", "E41", "E45", "E46", "E47", "E48",
       "E4A", "E4B", "E5", "E6", "E7", "E8", "E9", "X1"}
REASON = {"ALLEG", "APPRR", "CARPL", "CHILD", "CLOSE", "CREQB", "CREQO", "CUSTOD", "LAREQ", "OTHER",
          "PLACE", "STAND"}
IN_TOUCH = {"YES", "NO", "DIED", "REFU", "NREQ", "RHOM"}
ACTIV = {"F1", "P1", "F2", "P2", "F4", "P4", "F5", "P5", "G4", "G5", "G6", "0"}
ACCOM = {f"{letter}{digit}" for letter in "BCDEGHKRTUVWYZ" for digit in "12"} | {"S2", "X2", "0"}
FOSTER = {f"U{i}" for i in range(1, 7)}
SHORT_BREAKS = {"V3", "V4"}


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """(authority, return folder, loaded return) for both demo authorities."""
    out = {}
    for code in DEMO:
        la = load_authority(code)
        folder = synth.write_demo_return(la, YEARS, tmp_path_factory.mktemp(code), SEED)
        out[code] = (la, folder, _read(folder))
    return out


DATE_COLUMNS = {"episodes": ("DECOM", "DEC"), "header": ("DOB", "MC_DOB"), "uasc": ("DOB", "DUC"),
                "oc3": ("DOB",)}


def _read(folder: Path) -> dict[str, pd.DataFrame]:
    """The generated tables as written, through the 903 reader (:func:`ingest.read_return`):
    every year's rows stacked, dates parsed; an episode repeated in later years' tables
    (open across 31 March) is kept once, as the latest year has it."""
    tables = {}
    for table, frame in ingest.read_return(folder).tables.items():
        frame = frame.copy()
        for column in DATE_COLUMNS.get(table, ()):
            frame[column] = pd.to_datetime(frame[column].replace("", None), format="%d/%m/%Y")
        frame = frame.sort_values("return_year", kind="stable")
        if table == "episodes":
            frame = frame.drop_duplicates(["CHILD", "DECOM"], keep="last")
        elif table in ("header", "uasc"):
            frame = frame.drop_duplicates("CHILD", keep="last")
        tables[table] = frame.reset_index(drop=True)
    return tables


def _table(folder: Path, year: int, table: str) -> pd.DataFrame:
    return pd.read_csv(folder / str(year) / f"{table}.csv", dtype=str, keep_default_na=False)


def _at_31_march(episodes: pd.DataFrame, year: int) -> pd.DataFrame:
    """Episodes open at 31 March, short-break-only care excluded (the DfE count)."""
    open_ = metrics.open_at(episodes, year_end(year))
    return open_.loc[~open_["LS"].isin(SHORT_BREAKS)]


def _ages(children: pd.Series, header: pd.DataFrame, on: pd.Timestamp) -> np.ndarray:
    dob = pd.to_datetime(header.set_index("CHILD").loc[children, "DOB"], format="%d/%m/%Y")
    before_birthday = (dob.dt.month * 100 + dob.dt.day) > (on.month * 100 + on.day)
    return (on.year - dob.dt.year - before_birthday).to_numpy()


# ---------------------------------------------------------------- determinism and speed


def test_deterministic_for_a_seed_and_different_for_another(tmp_path, toy_authority):
    """The toy authority has only numbers in care in its params: defaults do the rest."""
    years = range(2019, 2022)
    a = synth.write_demo_return(toy_authority, years, tmp_path / "a", seed=7)
    b = synth.write_demo_return(toy_authority, years, tmp_path / "b", seed=7)
    c = synth.write_demo_return(toy_authority, years, tmp_path / "c", seed=8)
    for year in years:
        for table in synth.TABLE_COLUMNS:
            first = (a / str(year) / f"{table}.csv").read_bytes()
            assert first == (b / str(year) / f"{table}.csv").read_bytes(), (year, table)
    assert (a / "2021" / "episodes.csv").read_bytes() != (c / "2021" / "episodes.csv").read_bytes()


def test_demo_return_for_three_years_generates_in_seconds(tmp_path):
    start = time.perf_counter()
    synth.write_demo_return(load_authority("E10000003"), range(2019, 2022), tmp_path, seed=3)
    assert time.perf_counter() - start < 8


def test_tables_have_903_columns_dates_and_string_codes(demo):
    _, folder, _ = demo["E06000031"]
    for table, columns in synth.TABLE_COLUMNS.items():
        frame = _table(folder, 2020, table)
        assert list(frame.columns) == columns, table
    episodes = _table(folder, 2020, "episodes")
    assert episodes["DECOM"].str.fullmatch(r"\d\d/\d\d/\d{4}").all()
    assert episodes["DEC"].str.fullmatch(r"(\d\d/\d\d/\d{4})?").all()
    assert episodes["CHILD"].str.fullmatch(r"874\d{7}").all()
    header = _table(folder, 2020, "header")
    assert set(header["SEX"]) == {"1", "2"} and header["UPN"].str.fullmatch(r"[A-Z]\d{12}").all()


# ---------------------------------------------------------------- structure


@pytest.mark.parametrize("code", DEMO)
def test_episodes_chain_without_overlaps(demo, code):
    episodes = demo[code][2]["episodes"].sort_values(["CHILD", "DECOM"]).reset_index(drop=True)
    same_child = episodes["CHILD"].eq(episodes["CHILD"].shift(-1))
    next_start = episodes["DECOM"].shift(-1)
    assert not (same_child & episodes["DEC"].isna()).any(), "an open episode is followed by another"
    assert not (same_child & (episodes["DEC"] > next_start)).any(), "episodes of a child overlap"
    chained = same_child & episodes["REC"].eq("X1")
    assert (episodes.loc[chained, "DEC"] == next_start[chained]).all(), "X1 episode does not meet the next"
    assert not episodes["RNE"].shift(-1)[chained].eq("S").any(), "a chained episode restarts care"
    new_period = same_child & episodes["REC"].ne("X1") & episodes["DEC"].notna()
    assert episodes["RNE"].shift(-1)[new_period].eq("S").all(), "care ends but the next episode is not a start"
    assert (episodes["DECOM"] < episodes["DEC"]).where(episodes["DEC"].notna(), True).all()


@pytest.mark.parametrize("code", DEMO)
def test_children_are_born_before_care_and_leave_by_18(demo, code):
    loaded = demo[code][2]
    episodes, header = loaded["episodes"], loaded["header"]
    assert episodes["CHILD"].isin(header["CHILD"]).all()
    dob = pd.to_datetime(header.set_index("CHILD").loc[episodes["CHILD"], "DOB"], format="%d/%m/%Y").to_numpy()
    assert (dob < episodes["DECOM"].to_numpy()).all()
    born = pd.Series(dob)
    leapling = (born.dt.month == 2) & (born.dt.day == 29)          # 18 on 1 March
    eighteenth = (born + pd.DateOffset(years=18) + pd.to_timedelta(leapling.astype(int), unit="D")).to_numpy()
    closed = episodes["DEC"].notna().to_numpy()
    assert (episodes["DEC"].to_numpy()[closed] <= eighteenth[closed]).all()
    assert (eighteenth[~closed] > year_end(YEARS[-1])).all(), "still in care after their 18th birthday"


@pytest.mark.parametrize("code", DEMO)
def test_codes_are_valid_903_codes(demo, code):
    _, folder, loaded = demo[code]
    eps = loaded["episodes"]
    for column, valid in (("RNE", RNE), ("LS", LS), ("CIN", CIN), ("PLACE", PLACE),
                          ("PLACE_PROVIDER", PROVIDER | {""}), ("REC", REC | {""}),
                          ("REASON_PLACE_CHANGE", REASON | {""}), ("PL_LOCATION", {"IN", "OUT"})):
        assert set(eps[column]) <= valid, (column, set(eps[column]) - valid)
    # a provider is left unreported only for "other placements" (Z1), as DfE's figures show
    # for Cambridgeshire in 2024 (21 such children, 21 with no provider reported)
    assert set(eps.loc[eps["PLACE_PROVIDER"] == "", "PLACE"]) <= {"Z1"}
    assert ((eps["PLACE"] == "P1") == (eps["PLACE_PROVIDER"] == "PR0")).all()
    assert eps["URN"].str.fullmatch(r"SC\d{6}|XXXXXXX").all()
    for year in YEARS:
        oc3 = _table(folder, year, "oc3")
        assert set(oc3["IN_TOUCH"]) <= IN_TOUCH and set(oc3["ACTIV"]) <= ACTIV and set(oc3["ACCOM"]) <= ACCOM
        assert (oc3.loc[oc3["IN_TOUCH"] != "YES", ["ACTIV", "ACCOM"]] == "0").all().all()


@pytest.mark.parametrize("code", DEMO)
def test_each_year_holds_the_episodes_open_in_it_and_blanks_what_is_still_open(demo, code):
    _, folder, _ = demo[code]
    for year in YEARS:
        eps = _table(folder, year, "episodes")
        decom = pd.to_datetime(eps["DECOM"], format="%d/%m/%Y")
        dec = pd.to_datetime(eps["DEC"].replace("", None), format="%d/%m/%Y")
        assert (decom <= year_end(year)).all() and (dec.isna() | (dec >= year_start(year))).all()
        assert (dec.isna() | (dec <= year_end(year))).all()
        assert ((eps["DEC"] == "") == (eps["REC"] == "")).all()
        assert (eps.loc[eps["DEC"] == "", "REASON_PLACE_CHANGE"] == "").all()


@pytest.mark.parametrize("code", DEMO)
def test_moves_and_legal_changes_are_episodes(demo, code):
    eps = demo[code][2]["episodes"].sort_values(["CHILD", "DECOM"]).reset_index(drop=True)
    moved = eps["RNE"].shift(-1).isin(["P", "B"]) & eps["CHILD"].eq(eps["CHILD"].shift(-1))
    assert moved.sum() > 200
    assert (eps.loc[moved, "REASON_PLACE_CHANGE"] != "").all()
    assert (eps.loc[moved, "PLACE"] + eps.loc[moved, "PLACE_PROVIDER"] != "").all()
    legal = eps["RNE"].eq("L")
    assert legal.sum() > 50
    previous = eps["LS"].shift(1).where(eps["CHILD"].eq(eps["CHILD"].shift(1)))   # NaN: before the return
    # a placement order follows proceedings: an interim care order or a care order already made
    assert previous[legal & eps["LS"].eq("E1")].dropna().isin(["C1", "C2"]).all(), "placement orders follow orders"
    assert previous[legal & eps["LS"].eq("C2")].dropna().isin(["C1", "E1"]).all(), "care orders end proceedings"
    assert {"U1", "U4", "U6", "K2", "H5", "P1"} <= set(eps["PLACE"])
    adopted = eps["REC"].isin(["E11", "E12"])
    assert eps.loc[adopted, "PLACE"].str.startswith("A").all()


# ---------------------------------------------------------------- calibration


def _gap(got: float, want: float) -> float:
    return round(float(got - want), 4)


def _share_targets(la, block: str, names: dict) -> list[tuple[int, str, float]]:
    """(year, measure, share) for a count block divided by the published number in care."""
    cla = synth.calibration_targets(la, YEARS)     # published, interpolated where a year is missing
    out = []
    for name, values in (la.calibration.get(block) or {}).items():
        for year, count in values.items():
            if year in YEARS and name in names:
                out.append((int(year), names[name], count / cla[int(year)]))
    return out


PLACEMENT_MEASURES = {
    "foster": lambda o: o["PLACE"].isin(FOSTER),
    "ifa_foster": lambda o: o["PLACE"].isin(FOSTER) & o["PLACE_PROVIDER"].isin(["PR4", "PR5"]),
    "in_house_foster": lambda o: o["PLACE"].isin(["U4", "U5", "U6"]) & o["PLACE_PROVIDER"].isin(["PR1", "PR2"]),
    "connected_foster": lambda o: o["PLACE"].isin(["U1", "U2", "U3"]),
    "childrens_home": lambda o: o["PLACE"].eq("K2"),
    "supported_accommodation": lambda o: o["PLACE"].isin(["H5", "P2"]),
}
LEGAL = {"interim_care_order": ["C1"], "full_care_order": ["C2"], "placement_order": ["E1", "D1"],
         "section_20": ["V2"], "other": ["J1", "J2", "J3", "L1", "L2", "L3"]}
AGE_BANDS = {"under_1": (0, 1), "1_to_4": (1, 5), "5_to_9": (5, 10), "10_to_15": (10, 16), "16_plus": (16, 99)}


def calibration_gaps(la, folder: Path, loaded: dict) -> dict[str, list[float]]:
    """Synthetic minus target, per measure and target year (shares as fractions)."""
    eps, header = loaded["episodes"], loaded["header"]
    cal = la.calibration
    gaps: dict[str, list[float]] = {}
    add = gaps.setdefault
    for year, published in cal["cla_at_31_march"].items():
        if year in YEARS:
            add("cla_relative", []).append(_gap(metrics.children_looked_after_at_31_march(eps, year) / published, 1))
    placement = (_share_targets(la, "placements_at_31_march", {k: k for k in PLACEMENT_MEASURES})
                 + [(y, n, v / 100) for n, vals in (cal.get("placement_percent") or {}).items()
                    for y, v in vals.items() if y in YEARS])
    for year, name, share in placement:
        o = _at_31_march(eps, year)
        add(f"placement:{name}", []).append(_gap(PLACEMENT_MEASURES[name](o).mean(), share))
    for band, values in (cal.get("age_percent") or {}).items():
        for year, pct in values.items():
            if year in YEARS:
                age = _ages(_at_31_march(eps, year)["CHILD"], header, year_end(year))
                lo, hi = AGE_BANDS[band]
                add(f"age:{band}", []).append(_gap(((age >= lo) & (age < hi)).mean(), pct / 100))
    for year, pct in (cal.get("male_percent") or {}).items():
        if year in YEARS:
            kids = _at_31_march(eps, year)["CHILD"]
            add("male", []).append(_gap((header.set_index("CHILD").loc[kids, "SEX"] == "1").mean(), pct / 100))
    legal = (_share_targets(la, "legal_status_at_31_march", {k: k for k in LEGAL})
             + [(y, n, v / 100) for n, vals in (cal.get("legal_status_percent") or {}).items()
                for y, v in vals.items() if y in YEARS])
    for year, name, share in legal:
        add(f"legal:{name}", []).append(_gap(_at_31_march(eps, year)["LS"].isin(LEGAL[name]).mean(), share))
    _location_gaps(la, eps, add)
    _uasc_gaps(la, folder, eps, add)
    _male_within_gaps(la, eps, header, add)
    _flow_gaps(la, eps, add)
    for year, pct in (cal.get("in_care_less_than_2_years_percent") or {}).items():   # a four-year average
        recent = np.mean([_recent_share(eps, y) for y in range(year - 3, year + 1) if y - 2 >= YEARS[0]])
        add("in_care_less_than_2_years", []).append(_gap(recent, pct / 100))
    _leaver_gaps(la, folder, add)
    return gaps


def _recent_share(eps: pd.DataFrame, year: int) -> float:
    """Share of children in care at 31 March whose period of care began within two years."""
    ye = year_end(year)
    starts = eps.loc[(eps["RNE"] == "S") & (eps["DECOM"] <= ye)].groupby("CHILD")["DECOM"].max()
    kids = _at_31_march(eps, year)["CHILD"]
    return float((starts.reindex(kids) > ye - pd.DateOffset(years=2)).mean())


def _location_gaps(la, eps, add) -> None:
    pct = la.calibration.get("location_percent") or {}
    counts = la.calibration.get("location_at_31_march") or {}
    for year in YEARS:
        o = _at_31_march(eps, year)
        miles = pd.to_numeric(o["PL_DISTANCE"], errors="coerce")
        if year in (pct.get("out_of_area") or {}):
            add("location:out_of_area", []).append(_gap((o["PL_LOCATION"] == "OUT").mean(), pct["out_of_area"][year] / 100))
            add("location:more_than_20_miles", []).append(_gap((miles > 20).mean(), pct["more_than_20_miles"][year] / 100))
        if year in (counts.get("out_of_area") or {}):
            n = counts["out_of_area"][year] + counts["in_area"][year]
            add("location:out_of_area", []).append(_gap((o["PL_LOCATION"] == "OUT").mean(), counts["out_of_area"][year] / n))
            add("location:more_than_20_miles", []).append(_gap((miles > 20).mean(), counts["more_than_20_miles"][year] / n))


def _uasc_placement_shares(cal: dict) -> dict[tuple[int, str], float]:
    """(year, grouping) -> share of the UASC at 31 March placed there, from the params: the
    statement's counts out of its own UASC number, or its percentage."""
    out = {}
    for name, by_year in (cal.get("uasc_by_placement_at_31_march") or {}).items():
        for year, count in by_year.items():
            out[int(year), name] = count / cal["uasc_at_31_march"][year]
    for year, pct in (cal.get("uasc_supported_accommodation_percent") or {}).items():
        out[int(year), "supported_accommodation"] = pct / 100
    return out


def _uasc_gaps(la, folder, eps, add) -> None:
    cal = la.calibration
    placed: dict[str, list] = {}
    wanted = _uasc_placement_shares(cal)
    for year in YEARS:
        uasc = _table(folder, year, "uasc")["CHILD"]
        o = _at_31_march(eps, year)
        u = o.loc[o["CHILD"].isin(uasc)]
        if year in (cal.get("uasc_at_31_march") or {}):
            add("uasc_relative", []).append(_gap(u["CHILD"].nunique() / cal["uasc_at_31_march"][year], 1))
        for (y, name), want in wanted.items():
            if y == year:
                placed.setdefault(name, []).append((PLACEMENT_MEASURES[name](u).mean(), want))
    for name, pairs in placed.items():          # few children a year: compared over the years
        got, want = np.mean(pairs, axis=0)
        add(f"uasc_placed_mean:{name}", []).append(_gap(got, want))


def _male_within_gaps(la, eps, header, add) -> None:
    """Boys among the children at 31 March in each grouping the statement gives a share for."""
    sex = header.set_index("CHILD")["SEX"]
    for name, by_year in (la.calibration.get("male_percent_by_placement") or {}).items():
        for year, pct in by_year.items():
            if year in YEARS:
                o = _at_31_march(eps, year)
                there = o.loc[PLACEMENT_MEASURES[name](o), "CHILD"]
                add(f"male_within:{name}", []).append(_gap((sex.loc[there] == "1").mean(), pct / 100))


def _flow_gaps(la, eps, add) -> None:
    cared = eps.loc[~eps["LS"].isin(SHORT_BREAKS)]
    starts = {y: v for y, v in (la.calibration.get("starts") or {}).items() if y in YEARS}
    if starts:
        got = sum(cared.loc[(cared["RNE"] == "S") & cared["DECOM"].between(year_start(y), year_end(y)), "CHILD"].nunique()
                  for y in starts)
        add("starts_total_relative", []).append(_gap(got / sum(starts.values()), 1))


def _leaver_gaps(la, folder, add) -> None:
    cal = la.calibration
    for year in YEARS:
        oc3 = _table(folder, year, "oc3")
        if year in (cal.get("care_leavers") or {}):
            add("care_leavers_relative", []).append(_gap(len(oc3) / cal["care_leavers"][year], 1))
        # The statements' EET percentages are on another basis than DfE's (Cambridgeshire 2020:
        # 65% in the statement, 46% of DfE's care leavers aged 17-21), and the return follows
        # DfE's (tests/test_synth_calibration.py): only in touch and suitable accommodation
        # are compared with the statements here.
        for name, measure in (("in_touch", oc3["IN_TOUCH"] == "YES"),
                              ("suitable_accommodation", oc3["ACCOM"].str.endswith("1"))):
            want = (cal.get(f"care_leavers_{name}_percent") or {}).get(year)
            if want is not None:
                add(f"care_leavers:{name}", []).append(_gap(measure.mean(), want / 100))


TOLERANCE = {"cla_relative": 0.05, "placement": 0.05, "age": 0.05, "male": 0.03, "legal": 0.05,
             "location": 0.05, "uasc_relative": 0.10, "uasc_placed_mean": 0.15, "male_within": 0.08,
             "starts_total_relative": 0.15, "care_leavers_relative": 0.40,
             "in_care_less_than_2_years": 0.12, "care_leavers": 0.05}


@pytest.mark.parametrize("code", DEMO)
def test_calibration_targets_are_met(demo, code):
    la, folder, loaded = demo[code]
    gaps = calibration_gaps(la, folder, loaded)
    assert {"cla_relative", "care_leavers:in_touch"} <= set(gaps)
    failures = {}
    for measure, values in gaps.items():
        tolerance = TOLERANCE.get(measure, TOLERANCE.get(measure.split(":")[0]))
        worst = max(values, key=abs)
        if abs(worst) > tolerance:
            failures[measure] = (worst, tolerance)
    assert not failures, failures


# ---------------------------------------------------------------- realism


def _periods(eps: pd.DataFrame) -> pd.DataFrame:
    """Periods of care (not short breaks): child, start, end (NaT when still open)."""
    cared = eps.loc[~eps["LS"].isin(SHORT_BREAKS)].sort_values(["CHILD", "DECOM"])
    period = (cared["RNE"] == "S").cumsum()
    return cared.groupby(period).agg(CHILD=("CHILD", "first"), start=("DECOM", "first"), end=("DEC", "last"))


def test_entry_ages_peak_under_1_and_at_14_to_16(demo):
    _, _, loaded = demo["E10000003"]
    periods = _periods(loaded["episodes"])
    periods = periods.loc[periods["start"] >= year_start(YEARS[0])]
    header = loaded["header"].set_index("CHILD")
    dob = pd.to_datetime(header.loc[periods["CHILD"], "DOB"], format="%d/%m/%Y").to_numpy()
    age = ((periods["start"].to_numpy() - dob) / np.timedelta64(1, "D") // 365.25).astype(int)
    by_age = np.bincount(age, minlength=18)
    assert by_age[0] > 2 * by_age[1:10].max(), by_age          # babies, many of them newborn
    assert 14 <= by_age[10:].argmax() + 10 <= 16, by_age       # teenagers (UASC add to 16-17)
    assert by_age[14:17].mean() > 1.5 * by_age[5:10].mean(), by_age


def test_lengths_of_stay_are_bimodal():
    """Lengths of the periods of care that ended in 2017-2021 (from the simulation, as a
    five-year return does not show when the long ones began): many short, many long, fewer
    in between."""
    sim = synth.simulate(load_authority("E10000003"), YEARS, SEED)
    pop, t = sim.pop, sim.targets
    ended = (pop.end > t.ends[t.index(YEARS[0] - 1)]) & (pop.end <= t.ends[-1])
    days = pd.Series(pop.end[ended] - pop.start[ended])
    under_6_months, over_2_years = (days < 182).mean(), (days > 730).mean()
    six_to_twelve, one_to_two = ((days >= 182) & (days < 365)).mean(), ((days >= 365) & (days <= 730)).mean()
    assert under_6_months > 0.2 and over_2_years > 0.25, (under_6_months, over_2_years)
    assert six_to_twelve < min(under_6_months, one_to_two), (under_6_months, six_to_twelve, one_to_two)


@pytest.mark.parametrize("code", DEMO)
def test_uasc_are_mostly_boys_of_16_and_17_until_18(demo, code):
    _, folder, loaded = demo[code]
    uasc = _table(folder, 2020, "uasc")
    assert (uasc["SEX"] == "1").mean() > 0.85
    dob = pd.to_datetime(uasc["DOB"], format="%d/%m/%Y")
    duc = pd.to_datetime(uasc["DUC"], format="%d/%m/%Y")
    assert ((duc - dob).dt.days // 365 == 18).all()
    o = _at_31_march(loaded["episodes"], 2020)
    in_care = o.loc[o["CHILD"].isin(uasc["CHILD"]), "CHILD"]
    assert (_ages(in_care, loaded["header"], year_end(2020)) >= 16).mean() > 0.75


def test_short_break_care_is_small_and_not_counted(demo):
    la, _, loaded = demo["E10000003"]
    eps = loaded["episodes"]
    open_ = metrics.open_at(eps, year_end(2020))
    short = open_.loc[open_["LS"].isin(SHORT_BREAKS), "CHILD"].nunique()
    assert 0 < short < 0.06 * metrics.children_looked_after_at_31_march(eps, 2020)
    assert (eps.loc[eps["LS"].isin(SHORT_BREAKS), "CIN"] == "N2").all()


def test_most_placements_in_area_are_near(demo):
    _, _, loaded = demo["E06000031"]
    o = _at_31_march(loaded["episodes"], 2020)
    miles = pd.to_numeric(o["PL_DISTANCE"], errors="coerce")
    inside = o["PL_LOCATION"] == "IN"
    assert (miles[inside] <= 20).mean() > 0.8
    homes = o["PLACE"] == "K2"
    assert (miles[homes] > 20).mean() > (miles[o["PLACE"].isin(FOSTER)] > 20).mean()
    assert (o.loc[inside, "PL_LA"] == "E06000031").all() and (o.loc[~inside, "PL_LA"] != "E06000031").all()


def test_child_ids_are_stable_across_years(demo):
    _, folder, _ = demo["E10000003"]
    first, last = (_table(folder, y, "header").set_index("CHILD") for y in (YEARS[0], YEARS[-1]))
    common = first.index.intersection(last.index)
    assert len(common) > 100
    assert (first.loc[common, ["SEX", "DOB", "ETHNIC", "UPN"]] == last.loc[common, ["SEX", "DOB", "ETHNIC", "UPN"]]).all().all()


# ---------------------------------------------------------------- national mode


def test_every_english_authority_is_listed_once():
    las = synth.national_authorities(range(2015, 2026), seed=1)
    codes = [la.new_la_code for la in las]
    assert len(codes) == 153 == len(set(codes))
    assert {"E10000003", "E06000031"} <= set(codes)
    seeded = [la for la in las if la.new_la_code not in DEMO]
    sizes = [np.mean(list(la.calibration["cla_at_31_march"].values())) for la in seeded]
    assert 250 < np.median(sizes) < 800
    again = synth.national_authorities(range(2015, 2026), seed=1)
    assert [la.calibration for la in again] == [la.calibration for la in las]


@pytest.mark.integration
def test_published_numbers_size_the_authorities(shared_data):
    numbers = synth.published_numbers(shared_data / "published")
    assert numbers["E10000003"]["cla_at_31_march"][2025] == 705
    assert numbers["E06000031"]["starts"][2021] == 135
    assert numbers["E10000003"]["cla_at_31_march"][2019] == 773     # from the 2023 release


def test_cli_synth_options_parse():
    args = cli.build_parser().parse_args(["synth", "--national", "--years", "2015-2025", "--out", "x",
                                          "--seed", "4", "--published", "p", "--workers", "2"])
    assert args.national and args.published == "p" and args.workers == 2 and args.years == range(2015, 2026)
    assert cli.main(["synth", "--published", "p", "--out", "x"]) == 2
