"""The explorer driven programmatically: every control changes the chart data and table."""
import json
import socket
import subprocess
import sys
import time
import urllib.request
from xml.etree import ElementTree

import numpy as np
import pandas as pd
import pytest

from sufficiency_lib.statement import explorer
from sufficiency_lib.analysis import forecast
from sufficiency_lib.published.figures import figures_frame

CAMBS, PETERBOROUGH = "E10000003", "E06000031"
NAMES = {CAMBS: "Cambridgeshire", PETERBOROUGH: "Peterborough"}


def _figures():
    rows = []
    for year in range(2020, 2025):
        for level, code, region, count, rate in (
                ("Local authority", CAMBS, "E12000006", 700 + year - 2020, 50.0 + year - 2020),
                ("Local authority", PETERBOROUGH, "E12000006", 370, np.nan if year == 2021 else 70.0),
                ("Regional", "", "E12000006", 5000, 55.0), ("National", "", "", 80000, 70.0)):
            for unit, value in (("number", count), ("rate_per_10000", rate)):
                rows.append({"time_period": year, "geographic_level": level, "new_la_code": code,
                             "region_code": region, "la_name": NAMES.get(code, ""), "indicator": "cla_31_march",
                             "breakdown_group": "Total", "breakdown": "Total", "unit": unit, "value": value,
                             "status": "c" if pd.isna(value) else ""})
        rows.append({"time_period": year, "geographic_level": "Local authority", "new_la_code": CAMBS,
                     "region_code": "E12000006", "la_name": "Cambridgeshire", "indicator": "cla_started",
                     "breakdown_group": "Total", "breakdown": "Total", "unit": "number", "value": 200 + year,
                     "status": ""})
    return figures_frame(pd.DataFrame(rows))


def _loaded():
    figures = pd.DataFrame({"time_period": 2024, "unit": "number", "breakdown_group": "Place providers",
                            "breakdown": ["Own provision (by the LA)", "Private provision", "Other LA provision", "Total"],
                            "value": [100.0, 50.0, 3.0, 153.0], "indicator": "cla_31_march"})
    figures = pd.concat([figures, figures.assign(breakdown_group="Locality of placement",
                                                 breakdown=["In", "Out", "Unknown", "Total"])])
    states = [forecast.state("a", "IFA foster care"), forecast.state("a", "In-house foster care")]
    chain = forecast.StockFlow(states, pd.DataFrame([[0.7, 0.1, 0.2], [0.0, 0.8, 0.2]], index=states,
                                                    columns=[*states, forecast.EXIT]),
                               pd.Series([20.0, 10.0], index=states), pd.Series([60.0, 40.0], index=states), 2024)
    return explorer.ReturnView(CAMBS, figures, pd.DataFrame({"table": ["episodes"], "rows_in": [10]}), chain,
                               pd.Series({"IFA foster care": 900.0, "In-house foster care": 450.0}), 45.0)


@pytest.fixture
def app():
    return explorer.Explorer(_figures(), NAMES, "test figures", _loaded(), CAMBS)


def test_trend_controls_change_the_view(app):
    assert app.unit.value == "rate_per_10000"
    assert {"Cambridgeshire", "Region", "England"} <= set(app.view["series"])
    cambs = app.view.loc[app.view["series"].eq("Cambridgeshire")].set_index("time_period")["value"]
    assert cambs.to_dict() == {2020: 50, 2021: 51, 2022: 52, 2023: 53, 2024: 54}
    app.comparators.value = ("england",)
    assert set(app.view["series"]) == {"Cambridgeshire", "England"}
    app.years.value = (2022, 2024)
    assert sorted(app.view["time_period"].unique()) == [2022, 2023, 2024]
    app.unit.value = "number"
    assert app.view.loc[app.view["series"].eq("England"), "value"].eq(80000).all()
    app.others.value = (PETERBOROUGH,)
    assert "Peterborough" in set(app.view["series"])
    app.indicator.value = "cla_started"
    assert app.unit.value == "number" and app.breakdown.value == ("Total", "Total")
    assert app.view.loc[app.view["series"].eq("Cambridgeshire"), "value"].tolist() == [2222, 2223, 2224]
    assert app.chart.value.startswith('<figure class="chart"><img src="data:image/svg+xml;base64,')
    assert app.last_redraw_seconds > 0


def test_a_suppressed_value_stays_missing_and_shows_as_c(app):
    app.authority.value = PETERBOROUGH
    peterborough = app.view.loc[app.view["series"].eq("Peterborough")].set_index("time_period")
    assert pd.isna(peterborough.loc[2021, "value"]) and peterborough.loc[2021, "status"] == "c"
    assert peterborough["value"].dropna().tolist() == [70.0] * 4
    assert ">c<" in app.table.value


def test_drill_down_of_the_loaded_return_is_suppressed(app):
    frame = app.drill_frame()
    assert frame.empty   # the default drill (placement x age) has no figures in this return
    app.drill.value = "Place providers"
    shown = app.drill_frame().set_index("breakdown")["children"]
    assert shown["Other LA provision"] == "c" and shown["Private provision"] == "c"   # primary, then secondary
    assert shown["Total"] == "153"
    assert "Data quality" in app.drill_table.value
    app.drill.value = "Placement group by age group"       # none in the return: said, not an empty table
    assert "The return holds no figures of placement group by age group for 2024." in app.drill_table.value


def test_the_drill_years_are_the_years_the_return_holds_a_breakdown_for():
    loaded = _loaded()
    published_only = loaded.figures.assign(time_period=2019, breakdown_group="Total")   # no drill breakdown
    loaded = explorer.ReturnView(loaded.code, pd.concat([loaded.figures, published_only]), loaded.reconciliation,
                                 loaded.model, loaded.weekly_costs, loaded.in_house_places)
    app = explorer.Explorer(_figures(), NAMES, "test figures", loaded, CAMBS)
    assert list(app.drill_year.options) == [2024] and app.drill_year.value == 2024
    assert explorer.drill_years(None) == []


def test_scenario_controls_change_projected_numbers_cost_and_gap(app):
    base = app.scenario_view.copy()
    final = lambda frame, group: frame.loc[frame["group"].eq(group)].iloc[-1]  # noqa: E731
    assert final(base, "Total")["scenario"] == pytest.approx(final(base, "Total")["baseline"])
    app.entry.value = 1.5
    assert final(app.scenario_view, "Total")["scenario"] > final(app.scenario_view, "Total")["baseline"]
    app.entry.value = 1.0
    app.shift.value = 1.0
    assert final(app.scenario_view, "IFA foster care")["scenario"] == 0
    gap_before = final(app.scenario_view, "In-house foster care")["in_house_gap"]
    app.recruits.value = 10
    assert final(app.scenario_view, "In-house foster care")["in_house_gap"] == pytest.approx(gap_before - 30)
    cost = final(app.scenario_view, "In-house foster care")
    assert cost["scenario_cost"] == pytest.approx(cost["scenario"] * 450 * 365 / 7)


def test_without_a_return_the_drill_down_and_scenarios_say_so():
    app = explorer.Explorer(_figures(), NAMES, "test figures", None, PETERBOROUGH)
    assert "No 903 return is loaded" in app.drill_table.value
    assert "need a loaded 903 return" in app.scenario_table.value and app.scenario_view.empty
    assert app.authority.value == PETERBOROUGH


def test_export_writes_the_table_and_the_chart(app, tmp_path):
    app.authority.value = PETERBOROUGH
    table, chart = app.export(tmp_path)
    saved = pd.read_csv(table)
    assert len(saved) == len(app.view) and (saved["status"] == "c").sum() == 1
    written = saved["value"].dropna()                     # one decimal at most, as the table shows them
    assert written.eq(written.round(1)).all() and len(written)
    assert chart.suffix == ".svg"
    drawn = ElementTree.fromstring(chart.read_bytes())     # the chart as on the page: parses, titled
    assert drawn.tag == "{http://www.w3.org/2000/svg}svg"
    assert drawn.find("{http://www.w3.org/2000/svg}title").text == "Children looked after on 31 March: All children"
    lines = drawn.findall(".//{http://www.w3.org/2000/svg}path[@class='line']")
    assert len(lines) == 3      # Peterborough, Region, England (the comparators by default)
    names = [t.text for t in drawn.iter("{http://www.w3.org/2000/svg}text") if t.get("class") == "legend-label"]
    swatches = drawn.findall(".//{http://www.w3.org/2000/svg}path[@class='swatch']")
    colour = swatches[names.index("Peterborough")].get("stroke")
    breaks = {line.get("stroke"): line.get("d").count("M") for line in lines}
    assert breaks[colour] == 2 and sorted(breaks.values()) == [1, 1, 2]   # 2021 suppressed: its line breaks
    assert app.widget.children   # the layout builds


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.notebook
def test_jupyterlab_starts_with_the_project_kernel(tmp_path):
    from sufficiency_lib.site.execute import PROJECT_KERNEL, kernel_name
    if kernel_name() != PROJECT_KERNEL:
        pytest.skip("the project kernel is installed by make setup")
    port, token = _free_port(), "explorer-test"
    lab = subprocess.Popen([sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={port}",
                            "--ip=127.0.0.1", "--allow-root", f"--IdentityProvider.token={token}", f"--notebook-dir={tmp_path}"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline, specs = time.time() + 90, None
        while time.time() < deadline and specs is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/kernelspecs?token={token}", timeout=5) as r:
                    specs = json.loads(r.read())
            except OSError:
                time.sleep(1)
        assert specs is not None, "JupyterLab did not answer within 90 s"
        assert PROJECT_KERNEL in specs["kernelspecs"]
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/lab?token={token}", timeout=10) as page:
            assert page.status == 200
    finally:
        lab.terminate()
        lab.wait(timeout=30)


def test_breakdown_drill_year_and_stay_controls(app):
    figures = pd.concat([_figures(), figures_frame(pd.DataFrame({
        "time_period": 2024, "geographic_level": "Local authority", "new_la_code": CAMBS, "region_code": "E12000006",
        "indicator": "cla_31_march", "breakdown_group": "Sex", "breakdown": ["Male", "Female"], "unit": "percent",
        "value": [58.0, 42.0], "status": ""}))], ignore_index=True)
    app = explorer.Explorer(figures, NAMES, "test figures", _loaded(), CAMBS)
    app.breakdown.value = ("Sex", "Male")
    assert app.unit.options == ("percent",) and app.unit.value == "percent"
    assert app.view.loc[app.view["series"].eq("Cambridgeshire"), "value"].dropna().tolist() == [58.0]
    app.drill.value = "Locality of placement"
    assert set(app.drill_frame()["breakdown"]) == {"In", "Out", "Unknown", "Total"}
    app.drill_year.value = 2024
    before = app.scenario_view.loc[app.scenario_view["group"].eq("Total"), "scenario"].iloc[-1]
    app.stay.value = 1.5
    after = app.scenario_view.loc[app.scenario_view["group"].eq("Total"), "scenario"].iloc[-1]
    assert after > before      # longer stays, more children in care


@pytest.mark.e2e
def test_the_explorer_reads_the_authority_years_artifact():
    """The explorer loads nothing itself: the drill-down figures, reconciliation and model
    are the artifact's, the same the pages show."""
    from sufficiency_lib import inputs
    from sufficiency_lib.statement import artifact

    app = explorer.build(PETERBOROUGH)
    folder = artifact.ensure(inputs.resolve(PETERBOROUGH), 2025)
    saved = pd.read_parquet(folder / "figures.parquet")
    pd.testing.assert_frame_equal(app.loaded.figures.reset_index(drop=True), saved.reset_index(drop=True))
    assert app.loaded.model is not None and len(app.loaded.reconciliation)
    assert app.authority.value == PETERBOROUGH and len(app.authority.options) >= 150


@pytest.mark.integration
def test_any_authority_and_the_standing_groups_are_offered_with_dfes_figures(shared_data):
    """Bedford has no params file and no return; the group's count is its members' in DfE's file."""
    import csv
    app = explorer.build("Bedford", load_return=False)
    codes = dict((code, name) for name, code in app.authority.options)
    assert app.authority.value == "E06000055" and len(codes) >= 153
    group = next(code for code, name in codes.items() if name == "Cambridgeshire and Peterborough")
    counts = {}
    with open(shared_data / "published" / "release_2025" / "cla_number_and_rate_per_10k_children.csv",
              newline="", encoding="utf-8-sig") as handle:
        for row in csv.DictReader(handle):
            if row["time_period"] == "2025" and row["new_la_code"] in (CAMBS, PETERBOROUGH) \
                    and row["population_type"].startswith("Children looked after on 31 March"):
                counts[row["new_la_code"]] = float(row["children_count"])
    app.authority.value = group
    app.indicator.value = "cla_31_march"
    app.unit.value = "number"
    shown = app.view.loc[app.view["series"].eq("Cambridgeshire and Peterborough")].set_index("time_period")["value"]
    assert shown[2025] == counts[CAMBS] + counts[PETERBOROUGH]
