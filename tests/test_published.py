"""Reading DfE's published files across releases, on tiny hand-made files and the real ones."""
from __future__ import annotations

import csv

import pandas as pd
import pytest

from sufficiency_lib.published import dfe as published
from sufficiency_lib.published.figures import FIGURE_COLUMNS, KEY_COLUMNS, parse_values, select

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


def test_a_value_that_is_not_a_number_skips_the_file_naming_row_column_and_value(tmp_path):
    path = write(tmp_path / "cla_number_and_rate_per_10k_children.csv", [
        f"{GEO},population_type,population_estimate,children_count,rate_per_10000",
        f"2024,{LA},Children looked after on 31 March each year,132000,six hundred,48",
    ])
    reading = published.read_folders(tmp_path)
    assert reading.rows.empty
    skipped = reading.skipped.iloc[0]
    assert skipped["data_problem"] and skipped["file"].endswith(path.name)
    assert "row 2, column children_count" in skipped["reason"] and "six hundred" in skipped["reason"]


def test_an_unknown_population_is_listed_and_the_rest_of_the_file_read(tmp_path):
    write(tmp_path / "cla_number_and_rate_per_10k_children.csv", [
        f"{GEO},population_type,population_estimate,children_count,rate_per_10000",
        f"2024,{LA},Children adopted each year,132000,60,5",
        f"2024,{LA},Children looked after on 31 March each year,132000,640,48",
    ])
    pub = published.load(tmp_path)
    assert select(pub.figures, "cla_31_march")["value"].tolist() == [640]
    unknown = pub.unknown.iloc[0]
    assert (unknown["column"], unknown["label"], unknown["rows"]) == ("population_type", "Children adopted each year", 1)
    assert "INDICATOR_LABELS" in unknown["note"]


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
    csvs = sorted((shared_data / "published").rglob("*.csv"))
    assert len(pub.files) == len(csvs) + 1 and set(pub.files["table"]) >= {"ons_population"}
    assert pub.skipped["file"].str.contains("statistical_neighbours").all() and len(pub.skipped) == 2
    assert pub.unknown.empty, pub.unknown
    # every figure is a number or carries a GSS symbol; nothing silently zero
    assert (pub.figures["value"].isna() == pub.figures["status"].ne("")).all()
    assert not pub.figures.duplicated(KEY_COLUMNS).any()
    # the older release's years 2019-2020 survive, 2021-2023 come from 2025
    cla = select(pub.figures, "cla_31_march", "number")
    assert cla.groupby("time_period")["release"].first().to_dict() == {
        2019: 2023, 2020: 2023, 2021: 2025, 2022: 2025, 2023: 2025, 2024: 2025, 2025: 2025}
    assert pub.figures["value"].dtype == "Float64" and pub.figures["indicator"].dtype == "category"
    assert pub.figures.memory_usage(deep=True).sum() < 40e6          # the old reader held 371 MB of text


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
    text = {column: str for column in KEY_COLUMNS if column != "time_period"} | {"status": str}
    out = figures[[*KEY_COLUMNS, "value", "status"]].astype(text).astype({"time_period": int})
    return out.sort_values(KEY_COLUMNS).reset_index(drop=True)


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
    assert {p.name for p in out.iterdir()} == {"figures.csv", "revisions.csv", "files.csv", "skipped.csv",
                                               "unknown.csv"}
    printed = capsys.readouterr().out
    assert "revised between releases" in printed and printed.count("read    cla_number_and_rate") == 2
    assert cli.main(["published", str(out / "missing"), "--out", str(out)]) == 2


def test_the_published_command_exits_1_on_a_data_problem_or_nothing_read(two_releases, tmp_path, capsys):
    from sufficiency_lib import cli
    write(two_releases / "release_2025" / "la_cla_placement_stability.csv", [
        f"{GEO},cla_group,placement_stability,children_count,children_percent",
        f"2025,{LA},CLA on 31 March,With 3 or more placements during the year,lots,10"])
    assert cli.main(["published", str(two_releases), "--out", str(tmp_path / "a")]) == 1
    assert "PROBLEM" in capsys.readouterr().out
    (tmp_path / "empty").mkdir()
    write(tmp_path / "empty" / "notes.csv", ["a,b", "1,2"])
    assert cli.main(["published", str(tmp_path / "empty"), "--out", str(tmp_path / "b")]) == 1
    assert pd.read_csv(tmp_path / "b" / "skipped.csv")["reason"].str.contains("not an EES data file").all()


@pytest.mark.integration
def test_the_command_reads_every_subset_of_the_real_releases(shared_data, tmp_path, capsys):
    """Whole and each subset of the releases: exit 0, every CSV listed as read, nothing skipped."""
    from itertools import combinations

    from sufficiency_lib import cli
    releases = sorted(p for p in (shared_data / "published").iterdir() if p.is_dir())
    subsets = [[shared_data / "published"]] + [list(c) for n in range(1, len(releases) + 1)
                                                for c in combinations(releases, n)]
    for number, folders in enumerate(subsets):
        out = tmp_path / str(number)
        assert cli.main(["published", *map(str, folders), "--out", str(out)]) == 0, folders
        printed = capsys.readouterr().out
        files = pd.read_csv(out / "files.csv")
        expected = sorted(p.name for folder in folders for p in folder.rglob("*.csv"))
        assert sorted(files["file"].str.rsplit("/", n=1).str[-1]) == expected
        assert pd.read_csv(out / "skipped.csv").empty
        assert printed.count("\nread    ") + printed.startswith("read    ") == len(expected)
        figures = pd.read_csv(out / "figures.csv", dtype=str, keep_default_na=False)
        assert not figures.duplicated(KEY_COLUMNS).any()
