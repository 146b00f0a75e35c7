"""The new content of the children-in-care, population and care-leaver pages against the
real files in ../shared/data, each figure counted again here with the csv module (the
published CSVs) or with plain loops over the cleaned rows (the 903 test return)."""
from __future__ import annotations

import csv
from collections import defaultdict

import pytest

from sufficiency_lib.analysis import benchmark, composition, permanence, trends
from sufficiency_lib.published import reference, store
from sufficiency_lib.ssda903 import clean
from sufficiency_lib.ssda903.codes import SHORT_BREAK_LEGAL_STATUSES
from sufficiency_lib.vocabulary import Indicator, Unit

pytestmark = pytest.mark.integration
CAMBS, PBORO = "E10000003", "E06000031"


@pytest.fixture(scope="module")
def published():
    return store.load()


def _rows(path):
    with open(path, encoding="utf-8-sig", newline="") as handle:
        yield from csv.DictReader(handle)


def _number(text):
    return float(text) if text.replace(".", "", 1).isdigit() else None


def _cla_counts(shared, column):
    """(time_period, code) -> children looked after at 31 March (``column`` "count" or
    "rate_per_10000"), the newest release winning: 2025 covers 2021-2025, 2023 the years before."""
    out = {}
    for release, kind, count in (("release_2023", "population_count", "number"),
                                 ("release_2025", "population_type", "children_count")):
        for row in _rows(shared / "published" / release / "cla_number_and_rate_per_10k_children.csv"):
            if row[kind].startswith("Children looked after"):
                value = _number(row[count if column == "count" else column])
                if value is not None:
                    out[(int(row["time_period"]), row["new_la_code"] or row["region_code"] or "England")] = value
    return out


def _neighbours_old_codes(shared, old_code):
    for row in _rows(shared / "reference" / f"statistical_neighbours_{reference.neighbour_model_for(2025)}.csv"):
        if row["old_la_code"] == old_code:
            return [row[f"SN_{i}"] for i in range(1, 11)]
    raise AssertionError(old_code)


def test_table_2_numbers_and_their_changes_match_dfes_file(shared_data, published):
    counts = _cla_counts(shared_data, "count")
    wide = benchmark.benchmark_table(published.figures, CAMBS, Indicator.CLA, Unit.NUMBER, years=range(2020, 2026))
    rows = trends.area_table(wide, {"value": "Cambridgeshire", "sn_mean": "SN", "region": "East",
                                    "england": "England"}).set_index("area")
    for year in range(2020, 2026):
        assert rows.loc["Cambridgeshire", str(year)] == counts[(year, CAMBS)]
        assert rows.loc["East", str(year)] == counts[(year, "E12000006")]
        assert rows.loc["England", str(year)] == counts[(year, "England")]
    # DfE's figures: 705 in 2025, 631 in 2024, 717 in 2020
    assert (counts[(2025, CAMBS)], counts[(2024, CAMBS)], counts[(2020, CAMBS)]) == (705, 631, 717)
    # benchmark's change_1y is a difference; the table's is that difference as a percentage
    last = wide.set_index("time_period").loc[2025]
    assert last["change_1y"] == 705 - 631 and last["change_5y"] == 705 - 717
    assert rows.loc["Cambridgeshire", "change_1y"] == pytest.approx((705 - 631) / 631 * 100)
    assert rows.loc["Cambridgeshire", "change_5y"] == pytest.approx((705 - 717) / 717 * 100)
    england = [counts[(y, "England")] for y in (2020, 2024, 2025)]
    assert rows.loc["England", "change_1y"] == pytest.approx((england[2] - england[1]) / england[1] * 100)
    # the neighbours' average, from the neighbour list and the counts read here
    old_to_new = {row["old_la_code"]: row["new_la_code"]
                  for row in _rows(shared_data / "published" / "release_2025" /
                                   "cla_number_and_rate_per_10k_children.csv") if row["new_la_code"]}
    theirs = [counts[(2025, old_to_new[o])] for o in _neighbours_old_codes(shared_data, "873")
              if (2025, old_to_new.get(o)) in counts]
    assert rows.loc["SN", "2025"] == pytest.approx(sum(theirs) / len(theirs))


def test_table_1_rates_match_dfes_file(shared_data, published):
    rates = _cla_counts(shared_data, "rate_per_10000")
    wide = benchmark.benchmark_table(published.figures, PBORO, Indicator.CLA, Unit.RATE, years=range(2020, 2026))
    rows = trends.area_table(wide, {"value": "Peterborough", "england": "England"}).set_index("area")
    for year in range(2021, 2026):
        assert rows.loc["Peterborough", str(year)] == rates[(year, PBORO)]
        assert rows.loc["England", str(year)] == rates[(year, "England")]
    mine = [rates[(y, PBORO)] for y in (2020, 2024, 2025)]
    assert rows.loc["Peterborough", "change_1y"] == pytest.approx((mine[2] - mine[1]) / mine[1] * 100)
    assert rows.loc["Peterborough", "change_5y"] == pytest.approx((mine[2] - mine[0]) / mine[0] * 100)


def test_published_permanence_exits_match_the_2024_release(shared_data, published):
    want = defaultdict(dict)
    for row in _rows(shared_data / "published" / "release_2024" / "la_children_who_ceased_during_the_year.csv"):
        if row["new_la_code"] == PBORO and row["cla_group"] == "Reason episode ceased":
            want[int(row["time_period"])][row["characteristic"]] = _number(row["number"])
    got = permanence.exits_from_figures(published.figures, PBORO, range(2020, 2025)).set_index("time_period")
    for year in range(2020, 2025):
        parts = [want[year].get(route) for route in permanence.ROUTES]
        for route, value in zip(permanence.ROUTES, parts):
            assert got.loc[year, route] == pytest.approx(value, nan_ok=True) if value is not None \
                else got.loc[year, route] != got.loc[year, route]
        if all(p is not None for p in parts):
            assert got.loc[year, permanence.PERMANENCE] == sum(parts)
        assert got.loc[year, "ceased"] == want[year]["Total"]


def test_care_leaver_numbers_match_the_activity_files(shared_data, published):
    want = defaultdict(dict)
    for release, age_column, what, value in (("release_2023", "age", "activity", "number"),
                                             ("release_2025", "care_leaver_age", "breakdown", "care_leaver_count")):
        for row in _rows(shared_data / "published" / release / "la_care_leavers_activity.csv"):
            if row["new_la_code"] == CAMBS and row[what] == "Total":
                age = "17 to 18" if "17 to 18" in row[age_column] else "19 to 21"
                want[int(row["time_period"])][age] = _number(row[value])
    got = composition.care_leaver_numbers(published.figures, CAMBS, range(2019, 2026)).set_index("time_period")
    for year in range(2019, 2026):
        assert got.loc[year, "17 to 18 years"] == want[year]["17 to 18"]
        assert got.loc[year, composition.ALL_CARE_LEAVERS] == want[year]["17 to 18"] + want[year]["19 to 21"]
    assert (want[2025]["17 to 18"], want[2025]["19 to 21"]) == (141, 337)


def test_england_ethnicity_percentages_are_dfes(shared_data, published):
    want = {row["characteristic"]: _number(row["percentage"])
            for row in _rows(shared_data / "published" / "release_2025" /
                             "la_cla_on_31_march_by_characteristics_reconstructed.csv")
            if row["geographic_level"] == "National" and row["cla_group"] == "Ethnicity"
            and row["time_period"] == "2025" and row["characteristic"] != "Total"}
    got = composition.place_ethnicity(published.figures, 2025, "National", unit=Unit.PERCENT)
    assert got.to_dict() == want and want["White"] == 71


# --- the 903 test return: counted again with plain loops over its cleaned rows ------------------------

@pytest.fixture(scope="module")
def fake_return(tmp_path_factory):
    from sufficiency_lib.config import PROJECT_ROOT
    source = PROJECT_ROOT.parent / "shared" / "data" / "ssda903_fake"
    if not source.is_dir():
        pytest.skip("shared data not found")
    folder = tmp_path_factory.mktemp("fake")
    for path in source.glob("*.csv"):
        (folder / path.name).symlink_to(path)
    return clean.load_clean_return(folder).tables


def _by_hand_exits(episodes, first, last):
    """Each child's last ceasing (REC not X1) in the year, short breaks left out."""
    last_ceasing = {}
    for row in episodes:
        if row["LS"] in SHORT_BREAK_LEGAL_STATUSES or row["REC"] in ("X1", "") or row["DEC"] is None:
            continue
        if first <= row["DEC"] <= last and (row["CHILD"] not in last_ceasing
                                            or row["DEC"] >= last_ceasing[row["CHILD"]][0]):
            last_ceasing[row["CHILD"]] = (row["DEC"], row["REC"])
    return [rec for _, rec in last_ceasing.values()]


def test_permanence_from_the_test_return_matches_a_count_by_hand(fake_return):
    import pandas as pd
    rows = [{k: (None if pd.isna(v) else v) for k, v in r.items()}
            for r in fake_return["episodes"][["CHILD", "LS", "REC", "DEC"]].to_dict("records")]
    recs = _by_hand_exits(rows, pd.Timestamp("2017-04-01"), pd.Timestamp("2018-03-31"))
    got = permanence.exits_from_return(fake_return, 2018)
    assert got["ceased"] == len(recs) > 100
    assert got["Adopted"] == sum(r in ("E11", "E12") for r in recs) > 0
    assert got["Special guardianship orders"] == sum(r in ("E45", "E46", "E47", "E48") for r in recs) > 0
    assert got[permanence.CAO] == sum(r == "E41" for r in recs) > 0


def test_looked_after_during_the_year_by_uasc_matches_a_count_by_hand(fake_return):
    import pandas as pd
    first, last = pd.Timestamp("2017-04-01"), pd.Timestamp("2018-03-31")
    began = {}
    for row in fake_return["episodes"][["CHILD", "LS", "DECOM", "DEC"]].to_dict("records"):
        ended = None if pd.isna(row["DEC"]) else row["DEC"]
        if row["LS"] in SHORT_BREAK_LEGAL_STATUSES or row["DECOM"] > last or (ended is not None and ended < first):
            continue
        day = max(row["DECOM"], first)
        began[row["CHILD"]] = min(day, began.get(row["CHILD"], day))
    ceased = {}       # a child listed twice: the later date UASC status ceased (none: not ceased)
    for row in fake_return["uasc"][["CHILD", "DUC"]].to_dict("records"):
        day = None if pd.isna(row["DUC"]) else row["DUC"]
        before = ceased.get(row["CHILD"], day)
        ceased[row["CHILD"]] = None if day is None or before is None else max(day, before)
    uasc = sum(1 for child, day in began.items() if child in ceased and (ceased[child] is None or ceased[child] > day))
    got = composition.during_year_by_uasc(fake_return, 2018)
    assert got == {"UASC": uasc, "Non-UASC": len(began) - uasc, "Total": len(began)}
    assert uasc > 0 and len(began) > 1000
