"""Every variant DfE has published, on hand-made files: older file names, renamed columns,
reworded labels, apostrophes, UASC and age spellings, care leavers aged 22 to 25.

Each expected value below is written into the fixture by hand and read back; nothing is
copied from the reader's output.
"""
from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sufficiency_lib.published import dfe, labels
from sufficiency_lib.published.figures import KEY_COLUMNS
from sufficiency_lib.published.releases import place_of

GEO = ("time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,"
       "old_la_code,la_name,new_la_code")
CAMBS = "Reporting year,Local authority,E92000001,England,E12000006,East of England,873,Cambridgeshire,E10000003"
LONG_TERM_2022 = ('"Living in the same placement for at least 2 years, or are placed for adoption and their '
                  'adoption and their adoptive placement together with their previous placement, last for at '
                  'least 2 years"')
LONG_TERM_GROUP = "Children looked after continuously for at least 2.5 years at 31 March aged under 16 years"


def write(path, header, rows):
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [f"{GEO},{header}"] + [f"{year},{CAMBS},{row}" for year, row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def downloads(tmp_path):
    """A folder of releases 2022-2025 as a user would download them over the years."""
    root = tmp_path / "downloads"
    old = "cla_group,characteristic,number,percentage"
    write(root / "release_2022" / "la_cla_at_31_march_placement_stability_indicator.csv", old, [
        (2022, "Children looked after at 31 March,Total children,600,100"),
        (2022, "Children looked after at 31 March,With 3 or more placements during the year,60,10"),
        (2022, f"{LONG_TERM_GROUP},Total children,200,100"),
        (2022, f"{LONG_TERM_GROUP},{LONG_TERM_2022},140,70")])
    write(root / "release_2022" / "la_children_who_ceased_during_year.csv", old, [
        (2022, "Age on ceasing,Total,250,100"), (2022, "Age on ceasing,16 years,20,8"),
        (2022, "Gender,Female,110,44"), (2022, "Reason episode ceased,Adopted,30,12")])
    write(root / "release_2022" / "la_cla_who_started_to_be_looked_after.csv", old, [
        (2022, "Age group,Aged 1 to 4,40,16"), (2022, "Age group,16 and over,60,24"),
        (2022, "Age group,Under 1,30,12"), (2022, "Category of need,N2. Childs disability,5,2"),
        (2022, "Taken into care,All children taken into care,100,40"), (2022, "Taken into care,Total children,250,100")])
    write(root / "release_2024" / "la_care_leavers_activity_22to25.csv", "age,activity,number,percentage", [
        (2024, "Aged 22,Total,30,100"), (2024, 'Aged 22,"Total in education, employment or training",15,50'),
        (2024, "Aged 25,Total,20,100")])
    write(root / "release_2024" / "la_care_leavers_in_touch_22to25.csv", "age,in_touch,number,percentage", [
        (2024, "Aged 23,Care leaver not in touch,10,40"), (2024, "Aged 23,Total,25,100")])
    reason = "Reason for placement change during the year"
    write(root / "release_2024" / "la_cla_during_year_new_placements.csv", old, [
        (2023, f"{reason},Carer requests placement ends due to childs behaviour,12,10"),
        (2024, f"{reason},Carer requests placement ends due to childs behaviour,12,10"),
        (2023, f"{reason},Total placements changing,120,100")])
    write(root / "release_2025" / "la_cla_during_year_new_placements.csv",
          "characteristic,breakdown,children_count,children_percent", [
              (2024, f"{reason},Carer requests placement ends due to child\u2019s behaviour,13,11"),
              (2025, f"{reason},Carer requests placement ends due to child\u2019s behaviour,14,11")])
    write(root / "release_2024" / "cla_number_and_rate_per_10k_children.csv",
          "population_count,population_estimate,number,rate_per_10000", [
              (2023, "Children looked after at 31 March each year,131000,630,48"),
              (2024, "Children looked after at 31 March each year,132000,640,48")])
    write(root / "release_2025" / "cla_number_and_rate_per_10k_children.csv",
          "population_type,population_estimate,children_count,rate_per_10000", [
              (2024, "Children looked after on 31 March each year,132000,641,49"),
              (2025, "Children looked after on 31 March each year,133000,650,49")])
    write(root / "release_2025" / "la_cla_on_31_march_by_characteristics_reconstructed.csv", old, [
        (2025, "Placement,Foster placements,400,62"),
        (2025, "Unaccompanied asylum seeking children,Unaccompanied asylum seeking children,50,8"),
        (2025, "UASC,Non unaccompanied asylum seeking children,600,92"),
        (2020, "Gender,Male,300,55"), (2025, "Sex,Male,350,54")])
    write(root / "release_2023" / "la_care_leavers_activity.csv", "age,activity,number,percentage", [
        (2023, "Aged 17 to 18,Total,38,100")])
    write(root / "release_2025" / "la_care_leavers_activity.csv",
          "care_leaver_age,breakdown,care_leaver_count,care_leaver_percent", [
              (2023, "17 to 18 years,Total,39,100"),
              (2023, '17 to 18 years,"Total in education, employment or training",25,64')])
    return root


def value(figures, indicator, group, breakdown, year, unit="number"):
    rows = figures.loc[figures["indicator"].eq(indicator) & figures["breakdown_group"].eq(group)
                       & figures["breakdown"].eq(breakdown) & figures["unit"].eq(unit)
                       & figures["time_period"].eq(year) & figures["new_la_code"].eq("E10000003")]
    assert len(rows) == 1, (indicator, group, breakdown, year, unit, len(rows))
    return rows.iloc[0]


def test_every_variant_is_read_once_with_no_duplicate_keys(downloads):
    pub = dfe.load(downloads)
    figures = pub.figures
    assert pub.skipped.empty, pub.skipped
    assert not figures.duplicated(KEY_COLUMNS).any()
    identity = figures.assign(place=place_of(figures))
    assert not identity.duplicated(["time_period", "geographic_level", "place", "indicator", "breakdown_group",
                                    "breakdown", "unit"]).any()
    # the 2022 release's file names, read by their columns
    assert value(figures, "cla_31_march", "Placement stability", "With 3 or more placements during the year",
                 2022)["value"] == 60
    assert value(figures, "cla_long_term_under_16", "Placement stability",
                 "Living with the same carer for at least 2 years", 2022, "percent")["value"] == 70
    assert value(figures, "cla_ceased", "Age on ceasing", "16 years", 2022)["value"] == 20
    assert value(figures, "cla_ceased", "Sex", "Female", 2022)["value"] == 110
    assert value(figures, "cla_started", "Age group", "1 to 4 years", 2022)["value"] == 40
    assert value(figures, "cla_started", "Age group", "16 years and over", 2022)["value"] == 60
    assert value(figures, "cla_started", "Age group", "Under 1 year", 2022)["value"] == 30
    assert value(figures, "cla_started", "Category of need", "N2. Child's disability", 2022)["value"] == 5
    assert value(figures, "cla_started", "Taken into care", "Total", 2022)["value"] == 250
    tables = dict(zip(pub.files["file"].str.rsplit("/", n=1).str[-1], pub.files["table"]))
    assert tables["la_cla_at_31_march_placement_stability_indicator.csv"] == "placement_stability"
    assert tables["la_children_who_ceased_during_year.csv"] == "cla_ceased_characteristics"
    assert tables["la_cla_who_started_to_be_looked_after.csv"] == "cla_started_characteristics"


def test_care_leavers_aged_22_to_25_are_their_own_populations(downloads):
    figures = dfe.load(downloads).figures
    assert value(figures, "care_leavers_22", "Activity", "Total", 2024)["value"] == 30
    assert value(figures, "care_leavers_22", "Activity", "Total in education, employment or training",
                 2024, "percent")["value"] == 50
    assert value(figures, "care_leavers_25", "Activity", "Total", 2024)["value"] == 20
    assert value(figures, "care_leavers_23", "In touch", "Care leaver not in touch", 2024)["value"] == 10
    # "Aged 17 to 18" (2023) and "17 to 18 years" (2025) are one population: the 2025 release wins
    row = value(figures, "care_leavers_17_18", "Activity", "Total", 2023)
    assert (row["value"], row["release"]) == (39, 2025)


def test_apostrophes_and_at_or_on_31_march_give_one_series_newest_release_winning(downloads):
    pub = dfe.load(downloads)
    label = "Carer requests placement ends due to child's behaviour"
    group = "Reason for placement change during the year"
    got = {year: (value(pub.figures, "new_placements", group, label, year)["value"],
                  value(pub.figures, "new_placements", group, label, year)["release"]) for year in (2023, 2024, 2025)}
    assert got == {2023: (12, 2024), 2024: (13, 2025), 2025: (14, 2025)}
    counts = {year: value(pub.figures, "cla_31_march", "Total", "Total", year)["value"] for year in (2023, 2024, 2025)}
    assert counts == {2023: 630, 2024: 641, 2025: 650}
    revised = pub.revisions.loc[pub.revisions["unit"].eq("number")]
    assert sorted(zip(revised["indicator"], revised["time_period"], revised["value_older"], revised["value_newer"])) == [
        ("care_leavers_17_18", 2023, 38, 39), ("cla_31_march", 2024, 640, 641), ("new_placements", 2024, 12, 13)]


def test_uasc_and_sex_wordings_and_the_reconstructed_origin(downloads):
    pub = dfe.load(downloads)
    group = "Unaccompanied asylum-seeking children"
    assert value(pub.figures, "cla_31_march", group, "UASC", 2025)["value"] == 50
    assert value(pub.figures, "cla_31_march", group, "Non-UASC", 2025)["value"] == 600
    assert value(pub.figures, "cla_31_march", "Sex", "Male", 2020)["value"] == 300      # "Gender" in 2020
    foster = value(pub.figures, "cla_31_march", "Placement", "Foster placements", 2025)
    assert "not DfE's original file" in foster["origin"] and "not DfE's original file" in foster["source"]
    assert foster["source_file"] == "downloads/release_2025/la_cla_on_31_march_by_characteristics_reconstructed.csv"
    counts = value(pub.figures, "cla_31_march", "Total", "Total", 2025)
    assert counts["origin"] == "" and counts["source"].startswith("DfE, Children looked after")


def test_both_spellings_in_one_file_are_one_figure_and_reported(tmp_path):
    reason = "Reason for placement change during the year"
    write(tmp_path / "release_2025" / "new.csv", "characteristic,breakdown,children_count,children_percent", [
        (2025, f"{reason},Carer requests placement ends due to childs behaviour,7,10"),
        (2025, f"{reason},Carer requests placement ends due to child's behaviour,7,10")])
    pub = dfe.load(tmp_path)
    assert len(pub.figures) == 2 and not pub.figures.duplicated(KEY_COLUMNS).any()      # number and percent
    assert pub.unknown["note"].str.contains("given twice").any()


def test_a_file_is_placed_by_its_content_not_its_name(tmp_path, downloads):
    source = downloads / "release_2022" / "la_children_who_ceased_during_year.csv"
    misnamed = tmp_path / "elsewhere" / "release_2022" / "cla_number_and_rate_per_10k_children.csv"
    misnamed.parent.mkdir(parents=True)
    misnamed.write_bytes(source.read_bytes())
    pub = dfe.load(tmp_path / "elsewhere")
    assert pub.files["table"].tolist() == ["cla_ceased_characteristics"]
    assert value(pub.figures, "cla_ceased", "Reason episode ceased", "Adopted", 2022)["value"] == 30


def test_columns_in_another_order_read_the_same(tmp_path, downloads):
    source = downloads / "release_2022" / "la_children_who_ceased_during_year.csv"
    frame = pd.read_csv(source, dtype=str)
    swapped = tmp_path / "swapped" / "release_2022" / "ceased.csv"
    swapped.parent.mkdir(parents=True)
    columns = list(frame.columns)
    columns[-4], columns[-3] = columns[-3], columns[-4]          # characteristic before cla_group
    frame[columns].to_csv(swapped, index=False)
    pub = dfe.load(tmp_path / "swapped")
    assert value(pub.figures, "cla_ceased", "Reason episode ceased", "Adopted", 2022)["value"] == 30
    assert value(pub.figures, "cla_ceased", "Sex", "Female", 2022)["value"] == 110


def test_what_cannot_be_read_is_listed_and_never_stops_the_run(tmp_path, downloads):
    extra = downloads / "release_2025"
    (extra / "national_cla_by_three_filters.csv").write_text(
        f"{GEO},sex,age,need,number\n2025,{CAMBS},Male,10 to 15 years,N1. Abuse or neglect,1\n", encoding="utf-8")
    (extra / "la_cla_on_31_march_by_characteristics.meta.csv").write_text("col_name,label\n", encoding="utf-8")
    (extra / "notes.xlsx").write_bytes(b"PK")
    (extra / "headline.csv").write_text("measure,value\nCLA,83840\n", encoding="utf-8")
    write(extra / "la_cla_placement_stability.csv", "cla_group,placement_stability,children_count,children_percent",
          [(2025, "CLA on 31 March,With 3 or more placements during the year,six,10")])
    write(extra / "la_care_leavers_stayput.csv", "age,stay_put,number,percentage",
          [(2025, "Aged 18,Staying put,5,20")])
    write(extra / "cla_number_and_rate_adopted.csv", "population_type,population_estimate,children_count,rate_per_10000",
          [(2025, "Children adopted each year,133000,60,5"), (2025, "Children starting to be looked after each year,133000,210,16")])
    pub = dfe.load(downloads)
    reasons = dict(zip(pub.skipped["file"].str.rsplit("/", n=1).str[-1], pub.skipped["reason"]))
    assert "3 filters" in reasons["national_cla_by_three_filters.csv"]
    assert "metadata" in reasons["la_cla_on_31_march_by_characteristics.meta.csv"]
    assert "not a CSV" in reasons["notes.xlsx"]
    assert "no time_period" in reasons["headline.csv"]
    assert "neither activity, accommodation suitability nor contact" in reasons["la_care_leavers_stayput.csv"]
    bad = pub.skipped.loc[pub.skipped["file"].str.endswith("la_cla_placement_stability.csv")].iloc[0]
    assert bad["data_problem"] and "row 2, column children_count" in bad["reason"] and "'six'" in bad["reason"]
    assert pub.skipped["data_problem"].sum() == 1
    adopted = pub.unknown.loc[pub.unknown["label"].eq("Children adopted each year")]
    assert adopted["rows"].tolist() == [1] and "rows not read" in adopted["note"].iloc[0]
    assert value(pub.figures, "cla_started", "Total", "Total", 2025)["value"] == 210     # the known rows still read
    assert value(pub.figures, "cla_31_march", "Placement stability", "With 3 or more placements during the year",
                 2022)["value"] == 60                                   # and every other file


# --- labels: spellings that must meet ----------------------------------------------------------

def respell(text: str, draw) -> str:
    """``text`` as DfE might have typed it another year: case, apostrophes, hyphens, spaces."""
    if draw(st.booleans()):
        text = text.replace("'", draw(st.sampled_from(["", "\u2019", "\u2018", "`"])))
    if draw(st.booleans()):
        text = text.replace("-", " ")
    if draw(st.booleans()):
        text = text.upper() if draw(st.booleans()) else text.lower()
    spaces = draw(st.sampled_from([" ", "  ", " \u00a0"]))
    return draw(st.sampled_from(["", " "])) + text.replace(" ", spaces) + draw(st.sampled_from(["", " "]))


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_any_respelling_of_a_known_label_is_that_label(data):
    label = data.draw(st.sampled_from(labels.BREAKDOWNS))
    assert labels.breakdown_label(respell(label, data.draw)) == (label, True)


@settings(max_examples=100, deadline=None)
@given(st.integers(17, 25), st.integers(0, 3), st.sampled_from(["Aged {}", "{} years", "aged {}", "{} Years"]))
def test_care_leaver_ages_in_any_spelling(first, span, pattern):
    last = min(first + span, 25)
    text = pattern.format(first if first == last else f"{first} to {last}")
    expected = f"care_leavers_{first}" if first == last else f"care_leavers_{first}_{last}"
    assert labels.care_leaver_indicator(text) == expected


@pytest.mark.parametrize("published,expected", [
    ("Aged 1 to 4", "1 to 4 years"), ("1-4", "1 to 4 years"), ("16+", "16 years and over"),
    ("16 and over", "16 years and over"), ("Under 1", "Under 1 year"), ("aged 10 to 15", "10 to 15 years")])
def test_age_group_spellings(published, expected):
    assert labels.breakdown_label(published, "Age group") == (expected, True)


def test_an_unknown_label_is_kept_with_straight_quotes_and_unified_across_spellings():
    assert labels.breakdown_label("Something new\u2019s here") == ("Something new's here", False)
    unified = labels.unify_variants(pd.Series(["Something news here", "Something new's here"]),
                                    pd.Series([2025, 2024]))
    assert unified.tolist() == ["Something new's here"] * 2
