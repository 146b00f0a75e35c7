"""Every authority with no set-up, groups of authorities, and the national site.

Headline figures are checked against DfE's files read here with the csv module; a group's
figures against its members'; the Dask executor against the local one; and the index's
filters in a headless browser."""
from __future__ import annotations

import csv
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from sufficiency_lib import inputs
from sufficiency_lib.site import batch as render
from sufficiency_lib.site.plain_english import visible_text

# Bedford (a unitary), Cumbria (replaced in April 2023: its statement is for 2023) and
# Kingston upon Hull (named with a comma by DfE): none has a params file.
NO_PARAMS = {"E06000055": 2025, "E10000006": 2023, "E06000010": 2025}
CHAPTERS = ["summary", "children_in_care"]


def _published_count(shared: Path, code: str, year: int, population: str) -> float:
    """DfE's figure, read straight from the newest release's number-and-rate file."""
    for release in ("release_2025", "release_2023"):
        path = shared / "published" / release / "cla_number_and_rate_per_10k_children.csv"
        with open(path, newline="", encoding="utf-8-sig") as handle:
            for row in csv.DictReader(handle):
                kind = row.get("population_type") or row.get("population_count")
                if (row["new_la_code"] == code and row["time_period"] == str(year) and row["geographic_level"]
                        == "Local authority" and kind.startswith(population)):
                    return float(row.get("children_count") or row.get("number"))
    raise AssertionError(f"{code} {year} {population} not in DfE's files")


@pytest.fixture(scope="module")
def national(tmp_path_factory):
    out = tmp_path_factory.mktemp("national")
    found = [inputs.resolve(code) for code in NO_PARAMS]
    pair = inputs.resolve(inputs.group("Cambridgeshire and Peterborough", ["E10000003", "E06000031"]))
    batches = [render.render([one], out, years=[NO_PARAMS[one.code]], chapters=CHAPTERS, jobs=2) for one in found]
    batches.append(render.render([pair], out, years=[2025], chapters=CHAPTERS, jobs=2))
    return out, [p for b in batches for p in b.pages], found, pair


@pytest.mark.e2e
def test_authorities_without_a_params_file_get_statements_with_dfes_figures(national, shared_data):
    out, pages, found, _ = national
    assert [(p.status, p.error) for p in pages] == [("ok", "")] * len(pages)
    for one in found:
        year = NO_PARAMS[one.code]
        table = pd.read_csv(out / one.code / str(year) / "tables" / "headline_figures.csv", dtype=str)
        shown = table.loc[table["time_period"].eq(str(year))].set_index("figure")["value"]
        for label, population in (("Children looked after at 31 March", "Children looked after"),
                                  ("Started to be looked after in the year", "Children starting"),
                                  ("Ceased to be looked after in the year", "Children ceasing")):
            assert float(shown[label]) == _published_count(shared_data, one.code, year, population), (one.code, label)
        page = visible_text((out / one.code / str(year) / "summary.html").read_text(encoding="utf-8"))
        assert one.authority.la_name in page and "synthetic" not in page.lower()


@pytest.mark.e2e
def test_a_reorganised_authority_says_where_the_boundary_changed(national):
    out, _, _, _ = national
    page = (out / "E10000006" / "2023" / "children_in_care.html").read_text(encoding="utf-8")
    assert "Cumberland" in page and "Westmorland and Furness" in page


@pytest.mark.e2e
def test_a_groups_counts_are_its_members_and_its_rates_are_recomputed(national):
    out, _, _, pair = national
    from sufficiency_lib.published import store
    figures = store.load().figures
    members = figures.loc[figures["new_la_code"].isin(pair.authority.members) & figures["time_period"].eq(2025)
                          & figures["indicator"].eq("cla_31_march") & figures["breakdown_group"].eq("Total")]
    count = float(members.loc[members["unit"].eq("number"), "value"].sum())
    population = float(members.loc[members["unit"].eq("population"), "value"].sum())
    table = pd.read_csv(out / pair.code / "2025" / "tables" / "cla_rate_benchmark.csv", dtype=str)
    rate = float(table.loc[table["time_period"].eq("2025"), "value"].iloc[0])
    assert rate == pytest.approx(count / population * 10_000, abs=0.05)
    # the group's own return (its members' put together) counts what its members' returns count
    from sufficiency_lib.statement import artifact
    group = pd.read_parquet(artifact.ensure(pair, 2025) / "figures.parquet")
    parts = [pd.read_parquet(artifact.ensure(member, 2025) / "figures.parquet") for member in pair.members]

    def counts(frame):
        rows = frame.loc[frame["unit"].eq("number") & frame["time_period"].eq(2025)]
        return rows.groupby(["indicator", "breakdown_group", "breakdown"], observed=True)["value"].sum()

    summed = counts(pd.concat(parts)).sort_index()
    pd.testing.assert_series_equal(counts(group).sort_index().reindex(summed.index), summed, check_names=False)


@pytest.mark.e2e
def test_the_dask_executor_gives_the_same_tables_as_the_local_one(national, tmp_path):
    """Three authorities through a local Dask cluster (a scheduler and separate worker
    processes), against the local executor's pages."""
    out, _, found, _ = national
    for one in found:
        year = NO_PARAMS[one.code]
        batch = render.render([one], tmp_path, years=[year], chapters=CHAPTERS, executor="dask", jobs=2, force=True)
        assert [p.status for p in batch.pages] == ["ok"] * len(CHAPTERS)
        here, there = out / one.code / str(year) / "tables", tmp_path / one.code / str(year) / "tables"
        names = sorted(p.name for p in here.glob("*.csv"))
        assert names and names == sorted(p.name for p in there.glob("*.csv"))
        for name in names:
            assert (here / name).read_bytes() == (there / name).read_bytes(), (one.code, name)


def _chromium() -> str | None:
    return next((p for p in (shutil.which("chromium"), shutil.which("chromium-browser")) if p), None)


@pytest.mark.e2e
def test_the_index_filters_by_region_and_finds_an_authority_by_name(national, tmp_path):
    chromium = _chromium()
    if chromium is None:
        pytest.skip("no chromium on this machine (apt-get install chromium)")
    out, _, _, _ = national
    url = (out / "index.html").as_uri() + "?region=North+West"
    dom = subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                          f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom", url],
                         capture_output=True, text=True, timeout=120).stdout
    rows = [r for r in dom.split("<tr")[1:] if "data-region" in r]
    shown = [r for r in rows if " hidden" not in r.split(">")[0]]
    assert rows and all('data-region="North West"' in r for r in shown) and len(shown) < len(rows)
    url = (out / "index.html").as_uri() + "?q=kingston+upon"
    dom = subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                          f"--user-data-dir={tmp_path / 'profile2'}", "--dump-dom", url],
                         capture_output=True, text=True, timeout=120).stdout
    shown = [r for r in dom.split("<tr")[1:] if "data-region" in r and " hidden" not in r.split(">")[0]]
    assert len(shown) == 1 and "Kingston upon Hull" in shown[0]
