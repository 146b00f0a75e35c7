"""Acceptance of issue 18: the demo authorities' synthetic returns look like the real ones.

For Cambridgeshire (E10000003) and Peterborough (E06000031), every figure DfE publishes for
the breakdowns below (the embedded published statistics, every published year, suppressed
cells left out) is recomputed from the synthetic return with the project's own metrics
(``metrics.return_figures`` on ``clean.load_clean_return(...).tables``) and must lie within
max(2%, 2 children) for counts and 2 percentage points for shares. The worst matches are
printed (``pytest -s``) and quoted in the change's report.

The return read is the cached demo return in data/demo/generated (made first, atomically,
by ``synth.ensure_demo_return`` when missing or made by another generator version).

One family of published figures cannot all be met, because DfE's own figures disagree: see
:func:`suitability_exclusions` (care leavers' suitability totals below their activity
totals for the same age group and year).
"""
from __future__ import annotations

import csv
import datetime as dt

import numpy as np
import pandas as pd
import pytest

from sufficiency_lib.analysis import metrics
from sufficiency_lib.config import DEMO_DATA_DIR, load_authority
from sufficiency_lib.demo import synth
from sufficiency_lib.published import figures, store
from sufficiency_lib.ssda903 import clean, codes, groupings
from sufficiency_lib.vocabulary import TOTAL, CareLeavers, Group, Indicator, Unit

DEMO = ("E10000003", "E06000031")
KEYS = ["new_la_code", "time_period", "indicator", "breakdown_group", "breakdown", "unit"]
#: The breakdowns of the issue, as (indicator, breakdown group).
CHECKED = {
    (Indicator.CLA, TOTAL), (Indicator.STARTED, TOTAL), (Indicator.CEASED, TOTAL),
    (Indicator.CLA, Group.PLACEMENT), (Indicator.CLA, Group.PROVIDERS), (Indicator.CLA, Group.AGE),
    (Indicator.CLA, Group.SEX), (Indicator.CLA, Group.LEGAL_STATUS), (Indicator.CLA, Group.ETHNICITY),
    (Indicator.CLA, Group.UASC), (Indicator.CLA, Group.NEED), (Indicator.CLA, Group.STABILITY),
    (Indicator.LONG_TERM_UNDER_16, Group.STABILITY), (Indicator.CLA, Group.DISTANCE),
    (Indicator.CLA, Group.LOCALITY), (Indicator.NEW_PLACEMENTS, Group.NEW_PLACEMENT_LOCATION),
    *((indicator, group) for indicator in (Indicator.CARE_LEAVERS_17_18, Indicator.CARE_LEAVERS_19_21)
      for group in (Group.ACCOMMODATION, Group.ACTIVITY)),
}
#: Published labels of those breakdowns that the metrics do not compute, and why.
NOT_COMPUTED = {
    (Group.ACTIVITY, "Education other than higher education"): "a part of the EET total, which is checked",
    (Group.ACTIVITY, "Higher education i.e. studies beyond A level"): "a part of the EET total",
    (Group.ACTIVITY, "In an apprenticeship"): "a part of the EET total",
    (Group.ACTIVITY, "In training or employment"): "a part of the EET total",
    (Group.ACTIVITY, "In training or employment (excl. apprenticeship)"): "a part of the EET total",
    (Group.ACTIVITY, "Not in education, training or employment, owing to illness or disability"):
        "a part of the NEET total, which is checked",
    (Group.ACTIVITY, "Not in education, training or employment, owing to other reasons"): "a part of the NEET total",
    (Group.ACTIVITY, "Not in education, training or employment, owing to pregnancy or parenting"):
        "a part of the NEET total",
}
#: Labels the metrics give categories of the groups they list only when someone is in them.
PRODUCIBLE = {
    Group.NEED: {f"{code}. {label}" for code, label in codes.CIN.items()},
    # the second: the metrics' label of a blank provider (metrics.children_at_31_march)
    Group.PROVIDERS: {*groupings.DFE_PROVIDER.values(), "Placement provider not reported"},
}
COUNT_SHARE, COUNT_CHILDREN, SHARE_POINTS = 0.02, 2.0, 2.0


def tolerance(unit: str, published: float) -> float:
    """max(2%, 2 children) for counts, 2 percentage points for shares."""
    return max(COUNT_SHARE * published, COUNT_CHILDREN) if unit == Unit.NUMBER else SHARE_POINTS


@pytest.fixture(scope="module")
def published() -> pd.DataFrame:
    """DfE's figures of the checked breakdowns for both authorities, suppressed cells out."""
    pub = store.load().figures
    pub = pub.loc[pub["new_la_code"].astype(str).isin(DEMO) & pub["unit"].astype(str).isin([Unit.NUMBER, Unit.PERCENT])
                  & pub["geographic_level"].astype(str).eq("Local authority")]
    pub = pub.loc[[(i, g) in CHECKED for i, g in zip(pub["indicator"].astype(str), pub["breakdown_group"].astype(str))]]
    pub = pub.loc[pub["value"].notna() & ~pub["status"].astype(str).eq("c")]
    return pub.astype({k: str for k in KEYS if k != "time_period"}).assign(time_period=pub["time_period"].astype(int))


@pytest.fixture(scope="module")
def returns() -> dict:
    """The cached demo returns (made if missing or stale): authority -> (folder, clean tables)."""
    out = {}
    for code in DEMO:
        authority = load_authority(code)
        folder = synth.ensure_demo_return(authority, DEMO_DATA_DIR / code)
        out[code] = (authority, folder, clean.load_clean_return(folder).tables)
    return out


@pytest.fixture(scope="module")
def comparison(returns, published) -> pd.DataFrame:
    """Each published figure beside the one the metrics compute from the synthetic return."""
    parts = []
    for code, (authority, _, tables) in returns.items():
        mine = published.loc[published["new_la_code"].eq(code)]
        computed = metrics.return_figures(tables, authority, sorted(mine["time_period"].unique()))
        both = figures.side_by_side(computed, mine)
        parts.append(both.loc[both["value_published"].notna()])
    both = pd.concat(parts, ignore_index=True).astype({k: str for k in KEYS if k != "time_period"})
    # the metrics list only the categories someone is in (for these groups): a category of
    # their own vocabulary that DfE publishes and the return has nobody in is a zero
    zero = both["value_computed"].isna().to_numpy() & np.array(
        [b in PRODUCIBLE.get(g, ()) for g, b in zip(both["breakdown_group"], both["breakdown"])], bool)
    both.loc[zero, "value_computed"] = 0.0
    both["difference"] = both["value_computed"].astype(float) - both["value_published"].astype(float)
    both["tolerance"] = [tolerance(u, v) for u, v in zip(both["unit"], both["value_published"].astype(float))]
    return both


def suitability_exclusions(published: pd.DataFrame) -> pd.DataFrame:
    """Care leavers' accommodation figures kept out of the check, with the evidence.

    DfE publishes, for the same care leavers of an age group and year, an activity table and
    a suitability table; where the suitability table's Total is smaller than the activity
    table's (Cambridgeshire aged 19-21: 331 against 346 in 2021, 342 against 364 in 2022,
    366 against 383 in 2023, 333 against 353 in 2024), DfE left some young people out of the
    suitability table. The return holds one cohort, whose accommodation the metrics count
    over all of them, as the activity table does; so the suitability table's Total, its
    "Accommodation considered suitable" count (where those left out land) and its "No
    information" count (those left out are partly not in touch) cannot match both tables.
    Those three counts are kept out where the two totals differ by more than the tolerance
    of the suitable count; the shares, the unsuitable count and the whole activity table are
    still checked. (Cambridgeshire aged 19-21 in 2020, 320 against 326, is one more.)
    """
    totals = published.loc[published["unit"].eq(Unit.NUMBER) & published["breakdown"].eq(TOTAL)
                           & published["breakdown_group"].isin([Group.ACCOMMODATION, Group.ACTIVITY])]
    wide = totals.pivot_table(index=["new_la_code", "time_period", "indicator"], columns="breakdown_group",
                              values="value", aggfunc="first").dropna()
    gap = wide[Group.ACTIVITY] - wide[Group.ACCOMMODATION]
    suitable = published.loc[published["unit"].eq(Unit.NUMBER) & published["breakdown"].eq(CareLeavers.SUITABLE)]
    suitable = suitable.set_index(["new_la_code", "time_period", "indicator"])["value"].reindex(wide.index)
    limit = [tolerance(Unit.NUMBER, v) for v in suitable.fillna(wide[Group.ACCOMMODATION])]
    return wide.loc[gap.abs() > limit].assign(gap=gap).reset_index()


EXCLUDED_LABELS = (TOTAL, CareLeavers.SUITABLE, CareLeavers.NO_INFORMATION)


def checked_rows(comparison: pd.DataFrame, published: pd.DataFrame) -> pd.DataFrame:
    excluded = suitability_exclusions(published)
    keys = set(zip(excluded["new_la_code"], excluded["time_period"].astype(int), excluded["indicator"]))
    kept_out = np.array([(c, int(y), i) in keys and g == Group.ACCOMMODATION and b in EXCLUDED_LABELS
                         and u == Unit.NUMBER
                         for c, y, i, g, b, u in zip(comparison["new_la_code"], comparison["time_period"],
                                                     comparison["indicator"], comparison["breakdown_group"],
                                                     comparison["breakdown"], comparison["unit"])], bool)
    out = comparison.loc[~kept_out]
    return out.loc[out["value_computed"].notna()]


def test_every_published_label_is_computed_or_known_not_to_be(comparison):
    """A published figure the metrics do not compute is one of DfE's sub-categories listed
    in NOT_COMPUTED; anything else would be a label mismatch hiding a figure from the check.
    (Categories the return has no child in are computed as zero: see ``comparison``.)"""
    missing = comparison.loc[comparison["value_computed"].isna()]
    unknown = {(g, b) for g, b in zip(missing["breakdown_group"], missing["breakdown"])} - set(NOT_COMPUTED)
    assert not unknown, f"published labels the metrics do not compute: {sorted(unknown)}"


def test_the_figures_checked_cover_every_breakdown_and_year(comparison, published):
    rows = checked_rows(comparison, published)
    covered = set(zip(rows["indicator"], rows["breakdown_group"]))
    assert covered == CHECKED, CHECKED - covered
    for code in DEMO:
        years = set(published.loc[published["new_la_code"].eq(code), "time_period"])
        assert set(rows.loc[rows["new_la_code"].eq(code), "time_period"].astype(int)) == years
    assert len(rows) > 1500


def test_every_published_figure_is_met(comparison, published):
    rows = checked_rows(comparison, published)
    excluded = suitability_exclusions(published)
    print(f"\n{len(rows)} published figures checked; kept out (DfE's suitability total below its activity total):")
    print(excluded.to_string(index=False))
    for unit in (Unit.NUMBER, Unit.PERCENT):
        part = rows.loc[rows["unit"].eq(unit)]
        worst = part.loc[(part["difference"].abs() / part["tolerance"]).idxmax()]
        print(f"worst {unit}: {worst['new_la_code']} {worst['time_period']} {worst['indicator']} | "
              f"{worst['breakdown_group']} | {worst['breakdown']}: return {worst['value_computed']:.2f}, "
              f"DfE {worst['value_published']:.0f} (difference {worst['difference']:+.2f}, "
              f"tolerance {worst['tolerance']:.2f})")
    failures = rows.loc[rows["difference"].abs() > rows["tolerance"]]
    assert failures.empty, failures[KEYS + ["value_computed", "value_published"]].to_string()


def _date(text: str) -> dt.date:
    return dt.datetime.strptime(text, "%d/%m/%Y").date()


@pytest.mark.parametrize("code", DEMO)
def test_number_in_care_and_uasc_recounted_by_hand(returns, published, code):
    """The two headline counts recounted from the CSV files with the csv module alone, so the
    check above does not rest on the metrics only: children with an episode open at the
    end of 31 March 2025 (short breaks V3/V4 left out), and those of them in the UASC table."""
    _, folder, _ = returns[code]
    end = dt.date(2025, 3, 31)
    with (folder / "2025" / "episodes.csv").open(newline="") as handle:
        in_care = {row["CHILD"] for row in csv.DictReader(handle)
                   if _date(row["DECOM"]) <= end and (not row["DEC"] or _date(row["DEC"]) > end)
                   and row["LS"] not in ("V3", "V4")}
    with (folder / "2025" / "uasc.csv").open(newline="") as handle:
        uasc = {row["CHILD"] for row in csv.DictReader(handle) if not row["DUC"] or _date(row["DUC"]) > end}
    mine = published.loc[published["new_la_code"].eq(code) & published["time_period"].eq(2025)
                         & published["indicator"].eq(Indicator.CLA) & published["unit"].eq(Unit.NUMBER)]
    total = float(mine.loc[mine["breakdown_group"].eq(TOTAL), "value"].iloc[0])
    dfe_uasc = float(mine.loc[mine["breakdown_group"].eq(Group.UASC) & mine["breakdown"].eq("UASC"), "value"].iloc[0])
    assert abs(len(in_care) - total) <= tolerance(Unit.NUMBER, total)
    assert abs(len(in_care & uasc) - dfe_uasc) <= tolerance(Unit.NUMBER, dfe_uasc)


@pytest.mark.parametrize("code", DEMO)
def test_no_figure_stands_still_three_years_running(returns, code):
    """Year-on-year movement like a real authority's: the number in care, UASC, boys and
    the 16-and-over band each change at least once in every three years of the return."""
    authority, _, tables = returns[code]
    years = list(range(synth.DEMO_FIRST_YEAR, authority.latest_year + 1))
    computed = metrics.return_figures(tables, authority, years)
    rows = computed.loc[computed["unit"].astype(str).eq(Unit.NUMBER) & computed["indicator"].astype(str).eq(Indicator.CLA)]
    series = {
        "children in care": rows.loc[rows["breakdown_group"].astype(str).eq(TOTAL)],
        "UASC": rows.loc[rows["breakdown_group"].astype(str).eq(Group.UASC) & rows["breakdown"].astype(str).eq("UASC")],
        "boys": rows.loc[rows["breakdown_group"].astype(str).eq(Group.SEX) & rows["breakdown"].astype(str).eq("Male")],
        "16 and over": rows.loc[rows["breakdown_group"].astype(str).eq(Group.AGE)
                                & rows["breakdown"].astype(str).eq("16 years and over")],
    }
    for name, part in series.items():
        values = part.sort_values("time_period")["value"].to_numpy(float)
        assert len(values) == len(years), name
        flat = [years[k] for k in range(2, len(values)) if values[k] == values[k - 1] == values[k - 2]]
        assert not flat, f"{name} the same three years running to {flat}: {values}"


@pytest.mark.parametrize("code", DEMO)
def test_each_childs_story_holds_together(returns, code):
    """Episodes, legal statuses and placements tell one story: a placement with adopters
    only under a placement order (or consent, section 20), adoption only from one;
    placement with parents only under a care order; supported accommodation from 16; UASC
    on section 20; an age assessment only for UASC, staying put only from foster care at 18;
    a care leaver not in touch with neither activity nor accommodation recorded."""
    _, _, tables = returns[code]
    eps = tables["episodes"].sort_values(["CHILD", "DECOM"])
    header = tables["header"].drop_duplicates("CHILD", keep="last").set_index("CHILD")
    age = (eps["DECOM"] - pd.to_datetime(eps["CHILD"].map(header["DOB"]))).dt.days / 365.25
    adoption = eps["PLACE"].isin(["A3", "A4", "A5", "A6"])
    assert eps.loc[eps["PLACE"].isin(["A3", "A4"]), "LS"].eq("E1").all()
    assert eps.loc[eps["PLACE"].isin(["A5", "A6"]), "LS"].isin(["E1", "V2"]).all()
    assert eps.loc[eps["REC"].isin(["E11", "E12"]), "PLACE"].isin(["A3", "A4", "A5", "A6"]).all()
    assert eps.loc[adoption & eps["REC"].ne("X1") & eps["REC"].ne(""), "REC"].isin(["E11", "E12"]).all()
    assert eps.loc[eps["PLACE"].eq("P1"), "LS"].isin(["C1", "C2"]).all()
    assert (age[eps["PLACE"].isin(["H5", "P2"])] >= 16).all()
    uasc = eps["CHILD"].isin(tables["uasc"]["CHILD"])
    assert eps.loc[uasc & ~eps["LS"].isin(["V3", "V4"]), "LS"].eq("V2").all()
    assert uasc[eps["REC"].eq("E15")].all()
    assert eps.loc[eps["REC"].eq("E17"), "PLACE"].isin(["U1", "U2", "U3", "U4", "U5", "U6"]).all()
    oc3 = tables["oc3"]
    away = oc3["IN_TOUCH"].ne("YES")
    assert oc3.loc[away, "ACTIV"].eq("0").all() and oc3.loc[away, "ACCOM"].eq("0").all()
    assert oc3.loc[~away, "ACCOM"].ne("0").all() and oc3.loc[~away, "ACTIV"].ne("0").all()
