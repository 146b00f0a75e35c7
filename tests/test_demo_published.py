"""The demo's synthetic national figures: summed like DfE's, shaped like DfE's files."""
from __future__ import annotations

import pandas as pd
import pytest

from sufficiency_lib.demo import national as demo_published
from sufficiency_lib.published import dfe as published
from sufficiency_lib.config import load_authority
from sufficiency_lib.published.figures import figures_frame, select


def la_rows(code, region, values):
    """Figures for one authority from {(indicator, group, breakdown, unit): value}."""
    return [{"time_period": 2025, "geographic_level": "Local authority", "country_code": "E92000001",
             "region_code": region, "region_name": f"Region {region}", "new_la_code": code,
             "indicator": ind, "breakdown_group": group, "breakdown": bd, "unit": unit, "value": value,
             "source": "test"} for (ind, group, bd, unit), value in values.items()]


@pytest.fixture
def three_authorities():
    def values(total, foster, population):
        return {("cla_31_march", "Total", "Total", "number"): total,
                ("cla_31_march", "Total", "Total", "population"): population,
                ("cla_31_march", "Placement", "Total", "number"): total,
                ("cla_31_march", "Placement", "Foster placements", "number"): foster}
    rows = (la_rows("E1", "R1", values(100, 70, 20_000)) + la_rows("E2", "R1", values(300, 200, 40_000))
            + la_rows("E3", "R2", values(50, 30, 10_000)))
    return figures_frame(pd.DataFrame(rows))


def test_regions_and_england_are_sums_with_percentages_and_rates_recomputed(three_authorities):
    totals = demo_published.aggregate(three_authorities)
    england = totals.loc[totals["geographic_level"].eq("National")]
    assert select(england, "cla_31_march")["value"].tolist() == [450]
    assert select(england, "cla_31_march", "rate_per_10000")["value"].tolist() == [64]   # 450/70,000
    assert select(england, "cla_31_march", "percent", "Placement", "Foster placements")["value"].tolist() == [67]
    region = totals.loc[totals["geographic_level"].eq("Regional") & totals["region_code"].eq("R1")]
    assert select(region, "cla_31_march", "rate_per_10000")["value"].tolist() == [67]    # 400/60,000
    assert set(totals["source"]) == {demo_published.SOURCE}


def test_aggregates_survive_the_trip_through_dfe_shaped_files(three_authorities, tmp_path):
    figures = pd.concat([three_authorities, demo_published.aggregate(three_authorities)], ignore_index=True)
    published.write_ees(figures, tmp_path)
    back = published.load(tmp_path).figures
    england = back.loc[back["geographic_level"].eq("National")]
    assert select(england, "cla_31_march", "rate_per_10000")["value"].tolist() == [64]


def test_population_of_a_demo_authority_is_its_own_and_others_are_seeded():
    cambs = load_authority("E10000003")
    cla = pd.Series({2024: 631.0, 2025: 705.0})
    assert demo_published.synthetic_population(cambs, cla, 1).to_dict() == {2023: 140070, 2024: 142924}
    other = cambs.__class__(new_la_code="E06000001", old_la_code="805", la_name="Hartlepool",
                            region_code="E12000001", region_name="North East", latest_year=2025)
    first = demo_published.synthetic_population(other, cla, 1)
    assert first.equals(demo_published.synthetic_population(other, cla, 1))
    assert 20 < 631 / first[2023] * 10_000 < 250


def test_files_beside_the_synthetic_marker_say_they_are_synthetic(three_authorities, tmp_path):
    published.write_ees(three_authorities, tmp_path)
    assert not published.load(tmp_path).synthetic
    (tmp_path / published.SYNTHETIC_MARKER).write_text("synthetic")
    assert published.load(tmp_path).synthetic


def test_demo_figures_version_ignores_scenarios_but_not_calibration(tmp_path, monkeypatch):
    source = (demo_published.PARAMS_DIR / "E06000031.yaml").read_text()
    monkeypatch.setattr(demo_published, "PARAMS_DIR", tmp_path)
    (tmp_path / "E06000031.yaml").write_text(source)
    before = demo_published.version()
    (tmp_path / "E06000031.yaml").write_text(source + "\nscenarios:\n  More: {entry: 1.2}\n")
    assert demo_published.version() == before
    (tmp_path / "E06000031.yaml").write_text(source.replace("2017: 356", "2017: 357"))
    assert demo_published.version() != before
