"""The demo returns against the composition figures the demo authorities' statements printed."""
import csv
from pathlib import Path

import pandas as pd
import pytest

from sufficiency_lib import config, inputs
from sufficiency_lib.analysis import resemblance
from sufficiency_lib.config import PROJECT_ROOT
from sufficiency_lib.vocabulary import CareLeavers

COMPOSITION = PROJECT_ROOT.parent / "shared" / "spec" / "local_demo" / "published_composition.csv"


def test_collection_year():
    assert resemblance.collection_year("2020") == 2020
    assert resemblance.collection_year("2019/20") == 2020
    assert resemblance.collection_year("2020-12") is None


def test_compare_on_hand_made_figures():
    figures = pd.DataFrame({"time_period": 2020, "unit": "number", "indicator": "cla_31_march",
                            "breakdown_group": ["Total", "Sex", "Sex", "Sex"],
                            "breakdown": ["Total", "Male", "Female", "Total"], "value": [10, 6, 4, 10]})
    printed = pd.DataFrame({"new_la_code": "E1", "period": ["2020", "2020", "2020-12", "2020"],
                            "measure": ["cla_at_31_march", "male_percent", "cla_at_31_march", "uasc_home_country"],
                            "category": ["Total", "Male", "Total", "Syria"], "value": [12, 55, 9, 3],
                            "unit": ["count", "percent", "count", "count"]})
    got = resemblance.compare(figures, printed)
    assert got["computed"].tolist()[:2] == [10, 60]
    assert got["difference"].tolist()[:2] == [-2, 5]
    assert got["note"].tolist()[2:] == ["not a 31 March or April-March figure", "not in the 903 return"]


def test_a_figure_printed_on_another_basis_is_shown_but_not_counted():
    """Cambridgeshire's care leavers' EET is listed in OTHER_BASIS: computed (20 of 40 = 50%)
    and shown with the reason, but left out of the summary, which counts the boys only."""
    leavers = [(indicator, breakdown, value) for indicator, eet, total in
               (("care_leavers_17_18", 5, 10), ("care_leavers_19_21", 15, 30))
               for breakdown, value in ((CareLeavers.EET, eet), ("Total", total))]
    figures = pd.DataFrame({
        "time_period": 2020, "unit": "number",
        "indicator": ["cla_31_march"] * 3 + [i for i, _, _ in leavers],
        "breakdown_group": ["Sex"] * 3 + ["Activity"] * 4,
        "breakdown": ["Male", "Female", "Total"] + [b for _, b, _ in leavers],
        "value": [6, 4, 10] + [v for _, _, v in leavers]})
    printed = pd.DataFrame({"new_la_code": "E10000003", "period": "2020",
                            "measure": ["male_percent", "care_leavers_eet_percent"], "category": ["Male", "EET"],
                            "value": [58, 65], "unit": "percent"})
    got = resemblance.compare(figures, printed)
    assert got["computed"].tolist() == [60, 50]
    assert got["note"].iloc[0] == "" and got["note"].iloc[1].startswith("another basis: ")
    summary = resemblance.summary(got).set_index("unit").loc["percent"]
    assert summary["compared"] == 1 and summary["largest_gap"] == 2


def _dfe_eet_shares(shared: Path, code: str, year: int) -> dict[str, float]:
    """DfE's percentage of care leavers in education, employment or training by age group
    and for 17-21 together, from its counts, read with the csv module."""
    path = shared / "published" / "release_2023" / "la_care_leavers_activity.csv"
    counts: dict[tuple[str, str], float] = {}
    with open(path, newline="", encoding="utf-8-sig") as handle:
        for row in csv.DictReader(handle):
            if (row["new_la_code"], row["time_period"], row["geographic_level"]) == (code, str(year), "Local authority") \
                    and row["activity"] in ("Total", "Total in education, employment or training"):
                counts[row["age"], row["activity"]] = float(row["number"])
    ages = ("Aged 17 to 18", "Aged 19 to 21")
    eet = {age: counts[age, "Total in education, employment or training"] for age in ages}
    total = {age: counts[age, "Total"] for age in ages}
    return {**{age: 100 * eet[age] / total[age] for age in ages},
            "Aged 17 to 21": 100 * sum(eet.values()) / sum(total.values())}


@pytest.mark.integration
def test_other_basis_lists_exactly_the_printed_eet_figures_dfe_does_not_give(shared_data):
    """A statement's 2020 EET percentage is on the 903's basis when it is DfE's share of care
    leavers aged 17 to 21 (to rounding); both statements printed another one (Peterborough:
    DfE's 19-21 share alone; Cambridgeshire: none of DfE's shares), and those, only, are
    listed in OTHER_BASIS."""
    if not COMPOSITION.is_file():
        pytest.skip(f"{COMPOSITION} not found")
    with open(COMPOSITION, newline="", encoding="utf-8") as handle:
        rows = [row for row in csv.DictReader(handle)
                if row["period"] == "2020" and row["measure"] == "care_leavers_eet_percent"]
    assert {row["new_la_code"] for row in rows} == {"E10000003", "E06000031"}
    differs = set()
    for row in rows:
        shares = _dfe_eet_shares(shared_data, row["new_la_code"], 2020)
        if abs(float(row["value"]) - shares["Aged 17 to 21"]) > 1:
            differs.add((row["new_la_code"], row["measure"]))
    assert differs == {key for key in resemblance.OTHER_BASIS if key[1] == "care_leavers_eet_percent"}
    peterborough = _dfe_eet_shares(shared_data, "E06000031", 2020)
    assert round(peterborough["Aged 19 to 21"]) == 43             # what its statement printed
    cambridgeshire = _dfe_eet_shares(shared_data, "E10000003", 2020)
    assert all(abs(share - 65) > 5 for share in cambridgeshire.values())


def _dfe_count(shared: Path, code: str, year: int) -> float:
    """DfE's number looked after at 31 March, read with the csv module."""
    path = shared / "published" / "release_2023" / "cla_number_and_rate_per_10k_children.csv"
    with open(path, newline="", encoding="utf-8-sig") as handle:
        for row in csv.DictReader(handle):
            if (row["new_la_code"], row["time_period"], row["geographic_level"]) == (code, str(year), "Local authority") \
                    and row["population_count"].startswith("Children looked after at 31 March"):
                return float(row["number"])
    raise AssertionError(f"{code} {year} not in DfE's file")


#: Figures the statements printed and DfE does not publish for an authority (boys within a
#: placement type, UASC by placement), which the demo is fitted to, with the largest gap
#: allowed: 5 points, 2 children; Peterborough's boys in supported accommodation 10 points
#: (its 68% asks for girls of 16 and over the demo does not have: 2020 has 45 children
#: there, 23 of them UASC boys, and too few girls of 16 and over whose placement began that
#: year; 87% before the fit).
NOT_PUBLISHED_BY_DFE = ("male_percent_residential_childrens_homes", "male_percent_supported_accommodation",
                        "uasc_in_supported_accommodation_percent", "uasc_by_placement")
ALLOWED_GAP = {"percent": 5.0, "count": 2.0, ("E06000031", "male_percent_supported_accommodation"): 10.0}


@pytest.fixture(scope="module")
def compared_2020() -> dict[str, pd.DataFrame]:
    """Each demo authority's printed 2020 composition beside its demo return's figures."""
    if not COMPOSITION.is_file():
        pytest.skip(f"{COMPOSITION} not found")
    composition = pd.read_csv(COMPOSITION, dtype={"period": str})
    composition = composition.loc[composition["period"].eq("2020")]
    return {la.new_la_code: resemblance.compare_authority(inputs.resolve(la), composition)
            for la in config.list_authorities()}


@pytest.mark.integration
def test_demo_2020_resembles_the_printed_composition(shared_data, compared_2020):
    """Stated tolerances: the 31 March totals are DfE's (the generator is steered to them;
    a statement printed before DfE's revision may differ: Peterborough printed 372, DfE
    publishes 369); at least 80% of the printed 2020 percentages are within 5 points."""
    for code, compared in compared_2020.items():
        total = compared.loc[compared["measure"].eq("cla_at_31_march"), "computed"]
        assert total.tolist() == [_dfe_count(shared_data, code, 2020)], code
        percent = resemblance.summary(compared).set_index("unit").loc["percent"]
        assert percent["close_share"] >= 0.8, (code, percent.to_dict())


@pytest.mark.integration
def test_figures_dfe_does_not_publish_are_near_the_printed_ones(compared_2020):
    """The printed figures of NOT_PUBLISHED_BY_DFE (values from the CSV) within ALLOWED_GAP."""
    with open(COMPOSITION, newline="", encoding="utf-8") as handle:
        printed = [row for row in csv.DictReader(handle)
                   if row["period"] == "2020" and row["measure"] in NOT_PUBLISHED_BY_DFE]
    assert len(printed) == 8
    for row in printed:
        compared = compared_2020[row["new_la_code"]].set_index(["measure", "category"])
        computed = compared.loc[(row["measure"], row["category"]), "computed"]
        allowed = ALLOWED_GAP.get((row["new_la_code"], row["measure"]), ALLOWED_GAP[row["unit"]])
        assert abs(computed - float(row["value"])) <= allowed, (row, computed)
