"""LAIT long data: tiny hand-made files for each variant, and the real file checked against
counts made here with the csv module."""
from __future__ import annotations

import csv
import os

import pandas as pd
import pytest

from conftest import SHARED_DATA
from sufficiency_lib.published import lait

CAMBS, PBORO = "E10000003", "E06000031"
HEADER = "Short Desc,Data item,Years,LA and Regions,Values,LA Number,Region"


def write(path, lines, encoding="utf-8"):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path


def row(figures, indicator, year, unit=None, code=None, level="Local authority", region=""):
    where = (figures["indicator"].eq(indicator) & figures["time_period"].eq(year)
             & figures["geographic_level"].eq(level))
    where &= figures["new_la_code"].eq(code) if code else figures["region_code"].eq(region)
    if unit:
        where &= figures["unit"].eq(unit)
    hit = figures.loc[where]
    assert len(hit) == 1, (indicator, year, code, region, len(hit))
    return hit.iloc[0]


@pytest.mark.parametrize("label, year", [("2023-24 (OT)", 2024), ("2015-16", 2016), ("2024", 2024),
                                         ("2019/20", 2020), ("201920", 2020), ("2023-24 (B)", None),
                                         ("Total", None)])
def test_years_end_where_ees_puts_them(label, year):
    assert lait.time_period(label) == year


@pytest.fixture
def small(tmp_path):
    return write(tmp_path / "lait.csv", [
        HEADER,
        "FosteringFinance,Fostering Finance,2022-23 (OT),Peterborough,\"1,005\",874.0,East of England",
        "FosteringFinance,,2023-24 (OT),Peterborough,-,874.0,East of England",
        "FosteringFinance,,2023-24 (B),Peterborough,999,874.0,East of England",
        "TotalLACFinance,,2023-24 (OT),England,123456789,970.0,NA",
        "Number_Foster_Places(New),,2024,Peterborough,240,874.0,East of England",
        "Number_Foster_Places_Filled(New),,2024,Peterborough,140,874.0,East of England",
        "Number_Foster_Places(New),,2024,London (Inner),0,987.0,NA",
        "Number_Foster_Places_Filled(New),,2024,London (Inner),0,987.0,NA",
        "Number_Foster_Places(New),,2024,Westminster,-,213.0,Inner London",
        "Number_Foster_Places_Filled(New),,2024,Westminster,..,213.0,Inner London",
        "LAC_Rate,,2024,Peterborough,70,874.0,East of England",
        "RescareFinance,,2023-24 (OT),Atlantis,5000,999.0,Nowhere",
        "RescareFinance,,2023-24 (OT),Poole (Pre LG),-,836.0,South West",
        "RescareFinance,,2018-19 (OT),Poole (Pre LG),4000,836.0,South West",
        "LACFinance,,2023-24 (OT),Cambridgeshire,lots,873.0,East of England",
    ])


def test_measures_years_places_and_symbols(small):
    figures, files, skipped = lait.read(small)
    assert files["kind"].tolist() == ["lait_long"]
    assert row(figures, "unit_cost_fostering", 2023, code=PBORO)["value"] == 1005        # thousands comma
    assert row(figures, "unit_cost_fostering", 2023, code=PBORO)["unit"] == "gbp_per_week"
    dash = row(figures, "unit_cost_fostering", 2024, code=PBORO)
    assert pd.isna(dash["value"]) and dash["status"] == "x"                              # '-' never zero
    assert row(figures, "spend_cla", 2024, level="National")["value"] == 123456789
    assert row(figures, "inhouse_foster_places", 2024, code=PBORO)["unit"] == "places"
    # 140 of 240 places filled: kept whole (58.33...), rounded once where it is shown
    assert row(figures, "inhouse_foster_places_filled", 2024, "percent", code=PBORO)["value"] == pytest.approx(
        100 * 140 / 240, rel=1e-12)
    inner = row(figures, "inhouse_foster_places_filled", 2024, "percent", level="Regional", region="E13000001")
    assert pd.isna(inner["value"]) and inner["status"] == "z"                            # no places: no share
    westminster = row(figures, "inhouse_foster_places_filled", 2024, "places", code="E09000033")
    assert pd.isna(westminster["value"]) and westminster["status"] == "x"                # '..'
    assert not skipped["value"].isin(["..", "-"]).any()                                  # symbols, not errors
    assert row(figures, "unit_cost_residential", 2019, code="E06000029")["value"] == 4000  # Poole before BCP
    assert not ((figures["new_la_code"] == "E06000029") & figures["time_period"].eq(2024)).any()
    reasons = " | ".join(skipped["reason"])
    assert skipped.loc[skipped["value"].eq("LAC_Rate"), "reason"].str.contains("not read").all()
    assert skipped.loc[skipped["value"].eq("2023-24 (B)"), "column"].tolist() == ["Years"]
    assert skipped["value"].eq("Atlantis").any() and "did not exist" in reasons
    bad = skipped.loc[skipped["value"].eq("lots")].iloc[0]
    assert bad["row"] == 16 and bad["column"] == "Values"
    assert pd.isna(row(figures, "unit_cost_cla", 2024, code=CAMBS)["value"])


def test_renamed_columns_and_windows_encoding(tmp_path):
    path = write(tmp_path / "lait_download.csv", [
        "Short_Desc,Years,LA_and_Regions,Value,LA_Number",
        "LACFinance,2022-23 (OT),Southend\u2011on\u2011Sea,1500,882",
        "LACFinance,2022-23 (OT),\"Kingston Upon Hull, City of\",1400,",
        "LACFinance,2022-23 (OT),Somewhere,1300,E06000031",
    ], encoding="utf-8")
    figures, _, skipped = lait.read(path)
    assert row(figures, "unit_cost_cla", 2023, code="E06000033")["value"] == 1500        # by LA number
    assert row(figures, "unit_cost_cla", 2023, code="E06000010")["value"] == 1400        # by name
    assert row(figures, "unit_cost_cla", 2023, code=PBORO)["value"] == 1300              # by new code
    cp = write(tmp_path / "cp.csv", [HEADER, "LACFinance,,2022-23 (OT),St. Helens \u2013 borough,1300,342.0,NW"],
               encoding="cp1252")
    figures, files, _ = lait.read(cp)
    assert row(figures, "unit_cost_cla", 2023, code="E08000013")["value"] == 1300


def test_files_that_are_not_lait_long_data_are_skipped_with_a_reason(tmp_path, small):
    write(tmp_path / "dictionary.csv", ["Measure_code,Measure,Measure_short", "1,x,FosteringFinance"])
    write(tmp_path / "other.csv", ["a,b", "1,2"])
    (tmp_path / "binary.csv").write_bytes(b"\x81\x8d\x8f\x90\x9d")
    figures, files, skipped = lait.read(tmp_path)
    assert files["file"].tolist() == [str(small)]
    reasons = dict(zip(skipped["file"].map(os.path.basename), skipped["reason"]))
    assert "dictionary" in reasons["dictionary.csv"]
    assert "not LAIT long data" in reasons["other.csv"]
    assert "UTF-8" in reasons["binary.csv"]
    assert len(figures) > 0


def test_a_newer_download_revises_the_older(tmp_path):
    write(tmp_path / "a.csv", [HEADER, "FosteringFinance,,2022-23 (OT),Peterborough,700,874,E",
                               "FosteringFinance,,2023-24 (OT),Peterborough,710,874,E"])
    write(tmp_path / "b.csv", [HEADER, "FosteringFinance,,2023-24 (OT),Peterborough,720,874,E",
                               "FosteringFinance,,2024-25 (OT),Peterborough,800,874,E"])
    figures, _, skipped = lait.read(tmp_path)
    assert row(figures, "unit_cost_fostering", 2024, code=PBORO)["value"] == 720
    assert row(figures, "unit_cost_fostering", 2023, code=PBORO)["value"] == 700
    assert skipped["reason"].str.contains("1 figures also in a newer LAIT file").any()


# ---- the real file, against counts made here ---------------------------------------------
LAIT = SHARED_DATA / "lait" / "lait_finance_and_foster_capacity_long.csv"


@pytest.fixture(scope="module")
def real():
    if not LAIT.is_file():
        pytest.skip(f"shared data not found at {LAIT}")
    with open(LAIT, encoding="utf-8-sig", newline="") as handle:
        raw = list(csv.DictReader(handle))
    return lait.read(LAIT.parent), raw


def test_issue_19_in_house_foster_places_from_the_raw_file(real):
    (figures, _, _), raw = real
    for name, code in (("Cambridgeshire", CAMBS), ("Peterborough", PBORO)):
        for short, indicator in (("Number_Foster_Places(New)", "inhouse_foster_places"),
                                 ("Number_Foster_Places_Filled(New)", "inhouse_foster_places_filled")):
            counted = {int(r["Years"]): int(r["Values"]) for r in raw
                       if r["LA and Regions"] == name and r["Short Desc"] == short}
            assert sorted(counted) == [2022, 2023, 2024]
            for year, places in counted.items():
                assert row(figures, indicator, year, "places", code=code)["value"] == places
        approved = {int(r["Years"]): int(r["Values"]) for r in raw
                    if r["LA and Regions"] == name and r["Short Desc"] == "Number_Foster_Places(New)"}
        filled = {int(r["Years"]): int(r["Values"]) for r in raw
                  if r["LA and Regions"] == name and r["Short Desc"] == "Number_Foster_Places_Filled(New)"}
        for year in approved:
            share = row(figures, "inhouse_foster_places_filled", year, "percent", code=code)["value"]
            assert share == pytest.approx(100 * filled[year] / approved[year], rel=1e-12)     # rounded when shown


def test_every_number_in_the_raw_file_is_a_figure_and_every_symbol_missing(real):
    (figures, files, skipped), raw = real
    units = {"FosteringFinance": "gbp_per_week", "RescareFinance": "gbp_per_week", "LACFinance": "gbp_per_week",
             "TotalLACFinance": "gbp", "LeaveCareSupServTotExp": "gbp", "Number_Foster_Places(New)": "places",
             "Number_Foster_Places_Filled(New)": "places"}
    numbers = [r for r in raw if r["Values"].strip().isdigit()]
    read = figures.loc[figures["unit"].ne("percent")]
    assert read["value"].notna().sum() == len(numbers)
    assert read["value"].sum() == sum(int(r["Values"]) for r in numbers)
    for unit in set(units.values()):
        mine = [r for r in numbers if units[r["Short Desc"]] == unit]
        assert read.loc[read["unit"].eq(unit), "value"].notna().sum() == len(mine)
    # LA Number (old code) -> new code, for every authority and for England
    by_old = read.loc[read["geographic_level"].eq("Local authority")].groupby("old_la_code")["value"].sum()
    for old in ("874", "873", "835", "838", "839", "928", "940", "909", "942"):
        expected = sum(int(r["Values"]) for r in numbers if r["LA Number"] == f"{old}.0")
        assert by_old.get(old, 0) == expected, old
    england = sum(int(r["Values"]) for r in numbers if r["LA Number"] == "970.0")
    assert read.loc[read["geographic_level"].eq("National"), "value"].sum() == england
    assert not skipped["reason"].str.contains("not an English authority").any()


def test_reorganised_authorities_keep_their_own_codes(real):
    (figures, _, _), raw = real
    old_dorset = row(figures, "unit_cost_fostering", 2019, code="E10000009")              # Dorset (Pre LG), 835
    assert old_dorset["value"] == next(int(r["Values"]) for r in raw if r["LA Number"] == "835.0"
                                       and r["Short Desc"] == "FosteringFinance" and r["Years"].startswith("2018-19"))
    assert row(figures, "unit_cost_fostering", 2024, code="E06000059")["la_name"] == "Dorset"
    trust = row(figures, "inhouse_foster_places", 2024, code="E10000021")                 # Children's Trust, 928
    assert trust["value"] == next(int(r["Values"]) for r in raw if r["LA Number"] == "928.0"
                                  and r["Short Desc"] == "Number_Foster_Places(New)" and r["Years"] == "2024")
    suppressed = row(figures, "inhouse_foster_places_filled", 2024, "places", code="E09000033")   # '..'
    assert pd.isna(suppressed["value"]) and suppressed["status"] == "x"
