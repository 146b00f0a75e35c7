"""The LA lookup knows reorganised authorities; neighbour models are chosen by year."""
from __future__ import annotations

import csv

import pytest

from sufficiency_lib.published import reference


@pytest.mark.parametrize("year,count", [(2019, 152), (2020, 151), (2021, 151), (2022, 152), (2023, 152),
                                        (2024, 153), (2025, 153)])
def test_authorities_reporting_each_year(year, count):
    """DfE's count of children's services authorities by collection year."""
    assert len(reference.reporting_in(year)) == count


@pytest.mark.parametrize("gone,last,successors", [
    ("E10000021", 2021, {"E06000061", "E06000062"}),     # Northamptonshire
    ("E10000006", 2023, {"E06000063", "E06000064"}),     # Cumbria
    ("E06000028", 2019, {"E06000058"}),                  # Bournemouth
])
def test_split_and_merged_authorities(gone, last, successors):
    assert reference.authority(gone)["last_year"] == last
    changes = reference.reorganisations()
    assert set(changes.loc[changes["predecessor_new_la_code"].eq(gone), "successor_new_la_code"]) == successors
    for code in successors:
        assert code not in set(reference.reporting_in(last)["new_la_code"])
        assert code in set(reference.reporting_in(last + 1)["new_la_code"])
    assert gone not in set(reference.reporting_in(last + 1)["new_la_code"])


def test_an_authority_formed_by_a_reorganisation_says_when():
    """Cumberland reported first at 31 March 2024, so was formed in April 2023: after Ofsted's
    count at 31 March 2023, which its provision page says (not "an authority it does not name")."""
    assert reference.formed_in("E06000063") == 2023          # Cumberland, from Cumbria
    assert reference.formed_in("E06000058") == 2019          # Bournemouth, Christchurch and Poole
    assert reference.formed_in("E06000031") is None          # Peterborough: never reorganised


def test_a_predecessor_has_its_successors_region():
    assert reference.authority("928")["region_name"] == "East Midlands"


def test_the_newest_model_serves_every_year_unless_params_choose():
    """DfE's own tools now show every year against the newest model (May 2025)."""
    assert [reference.neighbour_model_for(y) for y in (2019, 2021, 2024, 2025)] == [2025] * 4
    assert reference.neighbour_model_for(2025, 2021) == 2021
    with pytest.raises(reference.ReferenceError, match="unknown"):
        reference.neighbour_model_for(2024, 2018)


def _dfe_models(shared_data) -> dict[tuple[int, str], list[str]]:
    """{(model, old LA code): its ten neighbours in order}, read here from DfE's two files."""
    models = {}
    with open(shared_data / "reference/statistical_neighbours_2025.csv", encoding="utf-8-sig", newline="") as f:
        for row in csv.DictReader(f):
            models[(2025, row["old_la_code"])] = [row[f"SN_{k}"].strip() for k in range(1, 11)]
    with open(shared_data / "reference/statistical_neighbours_2021.csv", encoding="utf-8-sig", newline="") as f:
        for row in csv.reader(f):
            if row and row[0].strip().isdigit():       # skips the header, blank lines and "Old SNs:"
                models[(2021, row[0].strip())] = [row[5 + 2 * k].strip() for k in range(10)]
    return models


@pytest.mark.integration
def test_both_models_are_dfes_own_files(shared_data):
    models = _dfe_models(shared_data)
    assert len([m for m in models if m[0] == 2021]) == 156 and len([m for m in models if m[0] == 2025]) == 153
    for (model, code), expected in models.items():
        mine = reference.statistical_neighbours(code, model)
        assert mine["old_la_code"].tolist() == expected, (model, code)


def test_ten_neighbours_with_names():
    cambs = reference.statistical_neighbours("E10000003", 2025)
    assert len(cambs) == 10 and cambs["neighbour_rank"].tolist() == list(range(1, 11))
    assert cambs["la_name"].notna().all() and cambs.iloc[0]["la_name"] == "Oxfordshire"


def test_an_unknown_code_names_the_fix():
    with pytest.raises(reference.ReferenceError, match="E06"):
        reference.authority("X123")
