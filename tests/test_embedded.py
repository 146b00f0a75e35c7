"""The embedded published statistics: rebuilt from the original downloads they give the same
figures; the store adds a user's newer releases to them; Cambridgeshire's 2025 benchmark
comes out as DfE publishes it (checked here with the csv module)."""
from __future__ import annotations

import csv
import hashlib
import json
import statistics
from pathlib import Path

import pandas as pd
import pytest

from sufficiency_lib.published import dfe, embedded, store
from sufficiency_lib.published.figures import KEY_COLUMNS, select

COMMITTED = embedded.EMBEDDED_DIR / embedded.FILE_NAME
GEO = ("time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,"
       "old_la_code,la_name,new_la_code")
CAMBS = "Reporting year,Local authority,E92000001,England,E12000006,East of England,873,Cambridgeshire,E10000003"


def canonical(rows: pd.DataFrame) -> pd.DataFrame:
    """A frame compared by content: text columns as text (not category codes), sorted."""
    text = rows.astype({c: str for c in rows.columns if isinstance(rows[c].dtype, pd.CategoricalDtype)})
    return text.sort_values(list(text.columns), kind="mergesort").reset_index(drop=True)


def test_the_committed_file_is_small_columnar_and_says_where_it_comes_from():
    assert COMMITTED.stat().st_size < 5_000_000
    assert sorted(p.name for p in COMMITTED.parent.iterdir()) == ["README.md", "published.json", "published.parquet"]
    manifest = json.loads((COMMITTED.parent / embedded.MANIFEST_NAME).read_text())
    assert "Open Government Licence v3.0" in manifest["licence"] and manifest["built"]
    assert manifest["sha256"] == hashlib.sha256(COMMITTED.read_bytes()).hexdigest()
    assert manifest["releases"] == [2023, 2024, 2025]
    shipped = embedded.load()
    assert manifest["rows"] == {"figures": len(shipped.figures), "neighbours": len(shipped.neighbours),
                                "population": len(shipped.population)}
    assert sorted(shipped.neighbours["model"].unique()) == [2021, 2025]


@pytest.mark.integration
def test_rebuilding_from_the_shared_data_gives_the_same_figures(shared_data, tmp_path, capsys):
    from sufficiency_lib import cli
    assert cli.main(["embed", str(shared_data), "--out", str(tmp_path)]) == 0
    assert "wrote" in capsys.readouterr().out
    manifest = json.loads((tmp_path / embedded.MANIFEST_NAME).read_text())
    rebuilt, committed = pd.read_parquet(tmp_path / embedded.FILE_NAME), pd.read_parquet(COMMITTED)
    rebuilt, committed = canonical(rebuilt), canonical(committed)
    assert rebuilt.columns.tolist() == committed.columns.tolist() and len(rebuilt) == len(committed)
    assert rebuilt.equals(committed), rebuilt.compare(committed).head()
    # the files it was built from are the shared downloads, byte for byte
    for source in manifest["sources"]:
        for row in source["files"]:
            assert hashlib.sha256((shared_data / row["file"]).read_bytes()).hexdigest() == row["sha256"]


@pytest.mark.integration
def test_every_year_of_every_release_is_embedded_each_as_published(shared_data):
    """The count of the rows of each shared file equals the embedded rows from it, per unit."""
    shipped = embedded.load().figures
    for path in sorted((shared_data / "published").rglob("*.csv")):
        with open(path, encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.DictReader(handle))
        name = str(path.relative_to(shared_data))
        units = [c for c in rows[0] if c in ("children_count", "care_leaver_count", "number", "children_percent",
                                             "care_leaver_percent", "percentage", "rate_per_10000",
                                             "population_estimate")]
        mine = shipped.loc[shipped["source_file"].eq(name)]
        assert len(mine) == len(rows) * len(units), name
        assert sorted(mine["time_period"].unique()) == sorted({int(r["time_period"]) for r in rows}), name
    characteristics = shipped.loc[shipped["source_file"].str.contains("by_characteristics")]
    assert sorted(characteristics["time_period"].unique()) == [2020, 2021, 2022, 2023, 2024, 2025]


@pytest.mark.integration
def test_population_is_every_area_of_the_ons_file(shared_data):
    with open(shared_data / "reference/ons_mid-year_population_estimates_2012_to_2024.csv", encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    population = store.load().population
    assert len(population) == len(rows)
    cambs = {int(r["time_period"]): float(r["population_estimate"]) for r in rows if r["new_la_code"] == "E10000003"}
    mine = population.loc[population["new_la_code"].eq("E10000003")].set_index("time_period")["value"]
    assert {int(k): float(v) for k, v in mine.items()} == cambs


def _csv(path: Path) -> list[dict]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.integration
def test_cambridgeshire_2025_comes_out_as_dfe_publishes_it(shared_data):
    """Rate 49, England 67, 2025-model neighbours mean 48.8 and median 52: the store's figures
    against DfE's files read here with the csv module, and against the issue's numbers."""
    rates = {(r["geographic_level"], r["old_la_code"]): r["rate_per_10000"]
             for r in _csv(shared_data / "published/release_2025/cla_number_and_rate_per_10k_children.csv")
             if r["time_period"] == "2025" and r["population_type"] == "Children looked after on 31 March each year"}
    model = next(r for r in _csv(shared_data / "reference/statistical_neighbours_2025.csv") if r["old_la_code"] == "873")
    theirs = [float(rates[("Local authority", model[f"SN_{k}"].strip())]) for k in range(1, 11)]
    expected = (float(rates[("Local authority", "873")]), float(rates[("National", "")]),
                statistics.mean(theirs), statistics.median(theirs))
    assert expected == pytest.approx((49, 67, 48.8, 52))

    figures = store.load().figures
    rate = select(figures, "cla_31_march", "rate_per_10000")
    rate = rate.loc[rate["time_period"].eq(2025)]
    by_code = rate.loc[rate["geographic_level"].eq("Local authority")].set_index("old_la_code")["value"]
    england = rate.loc[rate["geographic_level"].eq("National"), "value"]
    mine = [float(by_code[model[f"SN_{k}"].strip()]) for k in range(1, 11)]
    assert (float(by_code["873"]), float(england.iloc[0]), statistics.mean(mine),
            statistics.median(mine)) == pytest.approx(expected)

    from sufficiency_lib.analysis import benchmark
    table = benchmark.benchmark_table(figures, "E10000003", "cla_31_march", "rate_per_10000", years=[2025])
    row = table.iloc[0]
    assert (row["value"], row["england"], row["sn_mean"], row["sn_median"], row["neighbour_model"]) == \
        pytest.approx((49, 67, 48.8, 52, 2025))


def _newer_release(folder: Path) -> Path:
    path = folder / "release_2026" / "cla_number_and_rate_per_10k_children.csv"
    path.parent.mkdir(parents=True)
    path.write_text(f"{GEO},population_type,population_estimate,children_count,rate_per_10000\n"
                    f"2025,{CAMBS},Children looked after on 31 March each year,133500,660,49\n"
                    f"2026,{CAMBS},Children looked after on 31 March each year,134000,700,52\n", encoding="utf-8")
    return folder


def test_a_users_newer_release_adds_to_the_embedded_figures_and_wins(tmp_path):
    folder = _newer_release(tmp_path / "mine")
    shipped, both = store.load(), store.load([folder], cache_dir=tmp_path / "cache")
    counts = select(both.figures, "cla_31_march").loc[lambda f: f["new_la_code"].eq("E10000003")]
    by_year = counts.set_index("time_period")
    assert by_year.loc[2026, "value"] == 700 and by_year.loc[2025, "value"] == 660
    assert by_year.loc[2025, "release"] == 2026 and by_year.loc[2024, "release"] == 2025
    assert len(both.figures) == len(shipped.figures) + 3          # 2026: number, rate, population
    revised = both.revisions.loc[both.revisions["new_la_code"].eq("E10000003")
                                 & both.revisions["unit"].eq("number") & both.revisions["release_newer"].eq(2026)]
    assert revised[["time_period", "release_older", "value_newer"]].values.tolist() == [[2025, 2025, 660]]
    assert "2023, 2024, 2025 and 2026 releases" in both.source_line()
    assert not both.figures.duplicated(KEY_COLUMNS).any()


def test_a_folder_is_parsed_once_then_read_from_the_cache(tmp_path, monkeypatch):
    folder = _newer_release(tmp_path / "mine")
    first = store.load([folder], cache_dir=tmp_path / "cache")
    assert len(list((tmp_path / "cache").glob("*.parquet"))) == 1

    def refuse(*args, **kwargs):
        raise AssertionError("read the CSVs again although they have not changed")
    monkeypatch.setattr(dfe, "read_folders", refuse)
    again = store.load([folder], cache_dir=tmp_path / "cache")
    assert again.figures.equals(first.figures) and again.files.equals(first.files)
    monkeypatch.undo()
    csv_path = next(folder.rglob("*.csv"))
    csv_path.write_text(csv_path.read_text().replace(",700,", ",701,"), encoding="utf-8")
    changed = store.load([folder], cache_dir=tmp_path / "cache")        # new bytes, new parse
    assert 701 in select(changed.figures, "cla_31_march")["value"].dropna().tolist()


def test_the_store_says_its_source_in_plain_english():
    line = store.load().source_line(2025)
    assert line.startswith("DfE, Children looked after in England including adoptions, 2023, 2024 and 2025 releases")
    assert "dashboard" in line and "ONS mid-year population estimates" in line and "May 2025" in line
    assert line.endswith("(Crown copyright, Open Government Licence v3.0)")


def test_a_missing_folder_is_a_usage_error(tmp_path):
    with pytest.raises(dfe.PublishedError, match="no such folder"):
        store.load([tmp_path / "absent"])
    from sufficiency_lib import cli
    assert cli.main(["embed", str(tmp_path / "absent"), "--out", str(tmp_path / "out")]) == 2
    assert not (tmp_path / "out").exists()


@pytest.mark.integration
def test_ofsted_and_lait_figures_are_embedded_each_with_its_file_and_date(shared_data):
    """Cambridgeshire's children's homes at 31 March 2023 and Peterborough's S251 unit costs,
    counted here with the csv module, come out of the store as the files give them."""
    manifest = embedded.load().manifest
    files = {row["file"] for source in manifest["sources"] for row in source["files"]}
    assert {"ofsted/providers_at_31_march_2023.csv", "ofsted/providers_at_31_march_2016.csv",
            "ofsted/joiners_and_leavers_year_to_31_march_2023.csv",
            "lait/lait_finance_and_foster_capacity_long.csv"} <= files
    assert manifest["releases"] == [2023, 2024, 2025]          # the other publications are not DfE releases
    with open(shared_data / "ofsted/providers_at_31_march_2023.csv", encoding="utf-8-sig", newline="") as handle:
        lines = list(csv.reader(handle))
    header = next(i for i, row in enumerate(lines) if "URN" in row)
    cambs = [dict(zip(lines[header], row)) for row in lines[header + 1:]]
    cambs = [r for r in cambs if r["Local authority"] == "Cambridgeshire"
             and r["Provision type"].lower().replace("’", "'") == "children's home"]
    figures = store.load().figures
    homes = select(figures, "childrens_homes", "homes").loc[lambda f: f["new_la_code"].eq("E10000003")]
    homes = homes.set_index("time_period")
    assert homes.loc[2023, "value"] == len(cambs) == 27
    assert homes.loc[2023, "source_file"] == "ofsted/providers_at_31_march_2023.csv"
    assert homes.loc[2016, "source_file"] == "ofsted/providers_at_31_march_2016.csv"
    places = select(figures, "childrens_home_places", "places").loc[lambda f: f["new_la_code"].eq("E10000003")]
    assert places.set_index("time_period").loc[2023, "value"] == sum(int(r["Places"]) for r in cambs) == 144

    lait = _csv(shared_data / "lait/lait_finance_and_foster_capacity_long.csv")
    published = {int(r["Years"][:4]) + 1: float(r["Values"]) for r in lait
                 if r["Short Desc"] == "RescareFinance" and r["LA Number"] in ("874", "874.0")
                 and r["Years"].endswith("(OT)")}
    mine = select(figures, "unit_cost_residential", "gbp_per_week").loc[lambda f: f["new_la_code"].eq("E06000031")]
    mine = {int(k): float(v) for k, v in mine.set_index("time_period")["value"].items()}
    assert mine == published and mine[2024] == 8525          # 2023-24 is the year to 31 March 2024
    costs = select(figures, "unit_cost_residential", "gbp_per_week")
    assert set(costs["source_file"]) == {"lait/lait_finance_and_foster_capacity_long.csv"}
    assert (costs["release"] == 0).all()
