"""Reading DfE's published files across releases, on tiny hand-made files and the real ones."""
from __future__ import annotations

import csv

import pandas as pd
import pytest

from sufficiency_lib.published import dfe as published
from sufficiency_lib.published.figures import FIGURE_COLUMNS, parse_values, select

GEO = "time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,old_la_code,la_name,new_la_code"
LA = "Reporting year,Local authority,E92000001,England,E12000006,East of England,873,Cambridgeshire,E10000003"
NATIONAL = "Reporting year,National,E92000001,England,,,,,"


def write(path, lines):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def two_releases(tmp_path):
    """The same table in the 2023 wording (2022-2023) and the 2025 wording (2023-2024)."""
    write(tmp_path / "release_2023" / "cla_number_and_rate_per_10k_children.csv", [
        f"{GEO},population_count,population_estimate,number,rate_per_10000",
        f"2022,{LA},Children looked after at 31 March each year,130000,593,46",
        f"2023,{LA},Children looked after at 31 March each year,131000,630,48",
        f"2023,{NATIONAL},Children looked after at 31 March each year,11886906,83840,71",
    ])
    write(tmp_path / "release_2025" / "cla_number_and_rate_per_10k_children.csv", [
        f"{GEO},population_type,population_estimate,children_count,rate_per_10000",
        f"2023,{LA},Children looked after on 31 March each year,131000,632,48",
        f"2024,{LA},Children looked after on 31 March each year,132000,c,c",
        f"2024,{LA},Children starting to be looked after each year,132000,232,18",
    ])
    return tmp_path


def test_both_wordings_give_one_series_and_the_newest_release_wins(two_releases):
    pub = published.load(two_releases)
    counts = select(pub.figures, "cla_31_march", "number")
    counts = counts.loc[counts["new_la_code"].eq("E10000003")].set_index("time_period")
    assert counts["value"].tolist()[:2] == [593, 632]          # 2023 from the 2025 release
    assert counts.loc[2023, "source"].startswith("DfE")
    assert pub.figures.loc[pub.figures["time_period"].eq(2023) & pub.figures["unit"].eq("number")
                           & pub.figures["new_la_code"].eq("E10000003"), "release"].tolist() == [2025]
    assert list(pub.figures.columns[: len(FIGURE_COLUMNS)]) == FIGURE_COLUMNS


def test_suppressed_cells_are_missing_with_their_symbol_never_zero(two_releases):
    pub = published.load(two_releases)
    row = select(pub.figures, "cla_31_march", "number")
    row = row.loc[row["time_period"].eq(2024)]
    assert row["value"].isna().all() and row["status"].tolist() == ["c"]


def test_revisions_between_releases_are_reported(two_releases):
    revisions = published.load(two_releases).revisions
    counts = revisions.loc[revisions["unit"].eq("number")]
    assert counts[["time_period", "value_older", "value_newer", "difference"]].values.tolist() == [[2023, 630, 632, 2]]
    assert counts["release_older"].tolist() == [2023] and counts["release_newer"].tolist() == [2025]
    assert revisions["unit"].eq("rate_per_10000").sum() == 0       # 48 both times: not a revision


def test_parse_values_keeps_every_gss_symbol_as_status():
    values, status = parse_values(pd.Series(["1,234", "c", "z", "x", "low", "k", "u", "", "0"]))
    assert values.tolist()[0] == 1234 and values.tolist()[-1] == 0
    assert values.iloc[1:8].isna().all()
    assert status.tolist() == ["", "c", "z", "x", "low", "k", "u", "x", ""]


def test_a_value_that_is_not_a_number_names_file_row_and_column(tmp_path):
    path = write(tmp_path / "cla_number_and_rate_per_10k_children.csv", [
        f"{GEO},population_type,population_estimate,children_count,rate_per_10000",
        f"2024,{LA},Children looked after on 31 March each year,132000,six hundred,48",
    ])
    with pytest.raises(published.PublishedError) as err:
        published.load(tmp_path)
    message = str(err.value)
    assert str(path) in message and "children_count" in message and "six hundred" in message


def test_an_unknown_population_label_is_an_error_naming_the_fix(tmp_path):
    write(tmp_path / "cla_number_and_rate_per_10k_children.csv", [
        f"{GEO},population_type,population_estimate,children_count,rate_per_10000",
        f"2024,{LA},Children adopted each year,132000,60,5",
    ])
    with pytest.raises(published.PublishedError, match="row 2, column population_type.*PUBLISHED_INDICATORS"):
        published.load(tmp_path)


def test_other_files_are_listed_as_skipped_not_ignored(two_releases):
    write(two_releases / "notes.csv", ["a,b", "1,2"])
    pub = published.load(two_releases)
    assert pub.skipped["file"].str.endswith("notes.csv").tolist() == [True]


def test_a_folder_with_no_dfe_files_is_a_clear_error(tmp_path):
    with pytest.raises(published.PublishedError, match="no DfE children looked after files"):
        published.load(tmp_path)


def test_population_for_rates_uses_the_mid_year_before(tmp_path):
    write(tmp_path / "ons_population.csv", [
        "time_period,geographic_level,new_la_code,population_estimate",
        "2023,Local authority,E10000003,131000", "2024,Local authority,E10000003,132000",
    ])
    population = published.read_population(tmp_path / "ons_population.csv")
    for_2024 = published.population_for_rates(population, 2024)
    assert for_2024["value"].tolist() == [131000]


# --- the real releases ------------------------------------------------------------------

def raw_rows(path):
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.integration
def test_real_releases_read_with_every_file_recognised(shared_data):
    pub = published.load([shared_data / "published", shared_data / "reference"])
    assert len(pub.files) == 13 and set(pub.files["kind"]) >= {"ons_population"}
    assert pub.skipped["file"].str.contains("statistical_neighbours").all()
    # every figure is a number or carries a GSS symbol; nothing silently zero
    assert (pub.figures["value"].isna() == pub.figures["status"].ne("")).all()
    # the older release's years 2019-2020 survive, 2021-2023 come from 2025
    cla = select(pub.figures, "cla_31_march", "number")
    assert cla.groupby("time_period")["release"].first().to_dict() == {
        2019: 2023, 2020: 2023, 2021: 2025, 2022: 2025, 2023: 2025, 2024: 2025, 2025: 2025}


@pytest.mark.integration
def test_every_published_count_is_carried_exactly(shared_data):
    """Each count of the 2025 release's number-and-rate file, read independently with csv."""
    pub = published.load(shared_data / "published")
    ours = select(pub.figures, "cla_31_march", "number").set_index(["time_period", "geographic_level",
                                                                     "new_la_code", "region_code"])["status"]
    raw = [r for r in raw_rows(shared_data / "published/release_2025/cla_number_and_rate_per_10k_children.csv")
           if r["population_type"] == "Children looked after on 31 March each year"]
    values = select(pub.figures, "cla_31_march", "number").set_index(
        ["time_period", "geographic_level", "new_la_code", "region_code"])["value"]
    for row in raw:
        key = (int(row["time_period"]), row["geographic_level"], row["new_la_code"], row["region_code"])
        text = row["children_count"]
        if text.isdigit():
            assert values[key] == int(text), key
        else:
            assert pd.isna(values[key]) and ours[key] == text, key


def _sorted(figures):
    from sufficiency_lib.published.figures import KEY_COLUMNS
    return figures.sort_values(KEY_COLUMNS).reset_index(drop=True)[[*KEY_COLUMNS, "value", "status"]]


def test_written_figures_read_back_the_same(two_releases, tmp_path_factory):
    pub = published.load(two_releases)
    out = tmp_path_factory.mktemp("ees")
    published.write_ees(pub.figures, out)
    pd.testing.assert_frame_equal(_sorted(published.load(out).figures), _sorted(pub.figures))


@pytest.mark.integration
def test_a_real_release_survives_writing_and_reading(shared_data, tmp_path):
    pub = published.load(shared_data / "published" / "release_2023")
    published.write_ees(pub.figures, tmp_path)
    pd.testing.assert_frame_equal(_sorted(published.load(tmp_path).figures), _sorted(pub.figures))


def test_computed_and_published_figures_sit_side_by_side(two_releases):
    from sufficiency_lib.published.figures import side_by_side
    pub = published.load(two_releases).figures
    computed = pub.loc[pub["unit"].eq("number") & pub["geographic_level"].eq("Local authority")].copy()
    computed["value"] = computed["value"] + 1
    both = side_by_side(computed, pub)
    counts = both.loc[both["unit"].eq("number") & both["value_published"].notna()
                      & both["geographic_level"].eq("Local authority")]
    assert counts["difference"].tolist() == [1, 1, 1]
    assert both.loc[both["unit"].eq("rate_per_10000"), "value_computed"].isna().all()


def test_the_published_command_writes_figures_and_revisions(two_releases, tmp_path_factory, capsys):
    from sufficiency_lib import cli
    out = tmp_path_factory.mktemp("report")
    assert cli.main(["published", str(two_releases), "--out", str(out)]) == 0
    revisions = pd.read_csv(out / "revisions.csv")
    assert revisions.loc[revisions["unit"].eq("number"), "difference"].tolist() == [2]
    assert "revised between releases" in capsys.readouterr().out
    assert cli.main(["published", str(out / "missing"), "--out", str(out)]) == 2
