"""Forecasts pooled across authorities: the panel, the pooled models, calibrated intervals,
the national backtest and the API a page uses, on hand-made panels with known answers,
and on DfE's published files checked against counts made here with the csv module."""
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sufficiency_lib.analysis import chosen, evaluation, intervals, pooled
from sufficiency_lib.analysis.panel import NUMBER, PLACEMENT, RATE, build, cross_mean, neighbour_mean

CODES = [f"E{i:02d}" for i in range(1, 25)]
REGIONS = {code: ("R1" if i < 12 else "R2") for i, code in enumerate(CODES)}


def _neighbours(codes=CODES, k=4):
    rows = [{"code": c, "neighbour": codes[(i + j) % len(codes)], "model": 2021}
            for i, c in enumerate(codes) for j in range(1, k + 1)]
    return pd.DataFrame(rows)


def _row(year, code, indicator, unit, value, group="Total", breakdown="Total"):
    return {"time_period": year, "geographic_level": "Local authority", "new_la_code": code,
            "region_code": REGIONS.get(code, "R1"), "indicator": indicator, "breakdown_group": group,
            "breakdown": breakdown, "unit": unit, "value": value}


def _figures(seed=0, years=range(2014, 2025), pull=0.0):
    """Figures of CODES: a number in care that moves by a common yearly change, chance, and
    (``pull``) a pull of each rate toward its neighbours'; with population, rate, starts,
    ceases, age 16+, UASC and two placement types."""
    rng = np.random.default_rng(seed)
    years = list(years)
    population = rng.uniform(30_000, 150_000, len(CODES))
    log_rate = np.log(rng.uniform(40, 110, len(CODES)))
    peers = _neighbours().groupby("code")["neighbour"].agg(list)
    position = {c: i for i, c in enumerate(CODES)}
    rows = []
    for year in years:
        if year != years[0]:
            gap = log_rate - np.array([log_rate[[position[n] for n in peers[c]]].mean() for c in CODES])
            log_rate = log_rate + rng.normal(0.01, 0.01) - pull * gap + rng.normal(0, 0.05, len(CODES))
        population *= 1.004
        number = np.round(np.exp(log_rate) * population / 10_000)
        for i, code in enumerate(CODES):
            n = float(number[i])
            foster = float(rng.binomial(int(n), 0.7))
            for indicator, unit, value, group, breakdown in (
                    ("cla_31_march", "number", n, "Total", "Total"),
                    ("cla_31_march", "rate_per_10000", round(n / population[i] * 10_000), "Total", "Total"),
                    ("cla_31_march", "population", float(round(population[i])), "Total", "Total"),
                    ("cla_started", "number", float(round(n * 0.35)), "Total", "Total"),
                    ("cla_ceased", "number", float(round(n * 0.34)), "Total", "Total"),
                    ("cla_31_march", "number", float(round(n * 0.25)), "Age group", "16 years and over"),
                    ("cla_31_march", "number", n, "Age group", "Total"),
                    ("cla_31_march", "number", float(round(n * 0.05)), "Unaccompanied asylum-seeking children",
                     "UASC"),
                    ("cla_31_march", "number", n, "Unaccompanied asylum-seeking children", "Total"),
                    ("cla_31_march", "number", foster, "Placement", "Foster placements"),
                    ("cla_31_march", "number", n - foster, "Placement", "Other placements"),
                    ("cla_31_march", "number", n, "Placement", "Total")):
                rows.append(_row(year, code, indicator, unit, value, group, breakdown))
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def figures():
    return _figures()


@pytest.fixture(scope="module")
def panels(figures):
    return build(figures, _neighbours())


@pytest.fixture(scope="module")
def results(panels):
    return evaluation.run(panels)


# --- the panel -------------------------------------------------------------------------------

def test_build_makes_the_number_the_rate_and_each_placement_type(figures, panels):
    kinds = [(p.kind, p.name) for p in panels]
    assert kinds[:2] == [(NUMBER, "Children looked after at 31 March"),
                         (RATE, "Children looked after per 10,000 children")]
    assert sorted(kinds[2:]) == [(PLACEMENT, "Foster placements"), (PLACEMENT, "Other placements")]
    number = panels[0]
    raw = figures.loc[figures["indicator"].eq("cla_31_march") & figures["unit"].eq("number")
                      & figures["breakdown_group"].eq("Total") & figures["new_la_code"].eq("E05")
                      & figures["time_period"].eq(2019), "value"]
    assert number.values.at["E05", 2019] == raw.iloc[0]
    assert number.years == list(range(2014, 2025)) and number.codes == CODES


def test_upto_drops_every_later_year_everywhere(panels):
    cut = panels[0].upto(2018)
    assert cut.years[-1] == 2018
    assert all(max(frame.columns) == 2018 for frame in cut.context.values())


def test_peer_means_leave_the_authority_out_and_neighbour_means_use_its_neighbours():
    values = pd.Series({"A": 1.0, "B": 2.0, "C": 6.0, "D": np.nan})
    regions = pd.Series({"A": "r", "B": "r", "C": "r", "D": "r"})
    assert cross_mean(values, regions).to_dict() == {"A": 4.0, "B": 3.5, "C": 1.5, "D": 3.0}
    got = neighbour_mean(values, {"A": ["B", "C"], "B": ["D"], "C": ["A", "D"]})
    assert got["A"] == 4.0 and np.isnan(got["B"]) and got["C"] == 1.0 and np.isnan(got["D"])


# --- the pooled models -----------------------------------------------------------------------

@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.floats(-2, 2), min_size=3, max_size=3), st.integers(0, 10_000))
def test_huber_ridge_recovers_known_coefficients_despite_outliers(beta, seed):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(300, 3))
    x -= x.mean(axis=0)
    y = x @ np.array(beta) + rng.normal(0, 0.01, 300)
    y[:10] += 50                                    # a few wild points a least-squares fit would follow
    y -= y.mean()
    got = pooled.huber_ridge(x, y, ridge=0.0)
    assert got == pytest.approx(beta, abs=0.05)


def test_a_column_with_no_spread_gets_no_coefficient():
    x = np.column_stack([np.linspace(-1, 1, 50), np.zeros(50)])
    assert pooled.huber_ridge(x, 2 * x[:, 0])[1] == 0.0


def test_reversion_learns_a_known_pull_toward_neighbours_and_beats_naive():
    """A panel whose rates are pulled 30% of the way to their neighbours' each year: the
    reversion model's coefficient on the gap to neighbours is about -0.3 and its forecasts
    are closer than naive's."""
    panel = build(_figures(seed=3, pull=0.3), _neighbours())[0]
    design = pooled.Design(panel)
    x, y = pooled.training_rows(design, panel.years[-1], 1, pooled.Spec(("gap_neighbours",)), 2021)
    assert pooled.huber_ridge(x, y, ridge=0.0)[0] == pytest.approx(-0.3, abs=0.05)
    results = evaluation.backtest_panel(panel, ("naive", "reversion"), (1,))
    table = evaluation.summary(intervals.nested(results, by=("series", "method", "horizon")))
    ratio = table.set_index("method").loc["reversion", "vs_naive"]
    assert ratio < 0.9


def test_without_a_pair_of_years_a_pooled_model_forecasts_no_change(panels):
    cut = panels[0].upto(2014)
    got = pooled.forecast_panel(cut, "reversion", (1,)).set_index("new_la_code")
    assert not got["fitted"].any()
    assert got["forecast"].to_numpy() == pytest.approx(cut.values[2014].to_numpy())


def test_the_trend_continues_the_median_change_of_the_last_year(panels):
    panel = panels[0].upto(2020)
    last = np.log(panel.values[2020] + 0.5) - np.log(panel.values[2019] + 0.5)
    got = pooled.forecast_panel(panel, "trend", (1, 2)).set_index(["new_la_code", "horizon"])["forecast"]
    expected = np.exp(np.log(panel.values.at["E03", 2020] + 0.5) + 2 * np.median(last)) - 0.5
    assert got[("E03", 2)] == pytest.approx(expected)


def _altered(figures, origin, seed=1):
    """Every figure after ``origin``, of every authority and every kind, replaced at random."""
    rng = np.random.default_rng(seed)
    later = figures["time_period"] > origin
    out = figures.copy()
    out.loc[later, "value"] = rng.uniform(0, 5_000, int(later.sum())).round()
    return out


def test_no_look_ahead_a_forecast_at_an_origin_ignores_every_later_year_of_every_authority(figures):
    origin = 2019
    before = build(figures, _neighbours())
    after = build(_altered(figures, origin), _neighbours())
    assert not before[0].values.equals(after[0].values)
    for mine, changed in zip(before, after):
        for method in evaluation.METHODS:
            a = pooled.forecast_panel(mine.upto(origin), method, (1, 2, 3))
            b = pooled.forecast_panel(changed.upto(origin), method, (1, 2, 3))
            pd.testing.assert_frame_equal(a, b)


def test_no_look_ahead_in_the_backtest_its_intervals_and_its_nested_choice(figures, results):
    """The backtest fits every origin from features computed once on the whole panel, and
    calibrates intervals and chooses methods on earlier errors: forecasts, intervals and
    choices at origins up to the one altered after must not move."""
    origin = 2019
    columns = ["kind", "series", "method", "new_la_code", "origin", "horizon", "forecast", "lower_80", "upper_80",
               "lower_95", "upper_95"]
    runs = []
    for found in (results, evaluation.run(build(_altered(figures, origin), _neighbours()))):
        kept = found.loc[found["origin"].le(origin), columns]
        runs.append(kept.sort_values(columns[:6]).reset_index(drop=True))
    assert len(runs[0]) > 0 and runs[0]["lower_80"].notna().any()
    pd.testing.assert_frame_equal(runs[0], runs[1])


# --- calibrated intervals ----------------------------------------------------------------------

def test_conformal_quantile_is_the_finite_sample_order_statistic():
    scores = np.arange(1.0, 11.0)                   # 1 ... 10
    assert intervals.conformal_quantile(scores, 0.8) == 9.0     # ceil(11 x 0.8) = 9th
    assert intervals.conformal_quantile(scores, 0.1) == 1.0     # floor(11 x 0.1) = 1st
    assert intervals.conformal_quantile(scores, 0.99) == 10.0


def test_nested_calibration_uses_only_errors_known_at_the_origin():
    """Two origins of errors: the forecasts at 2022 one year ahead are calibrated on the 12
    errors made at 2021 (known in 2022) and none from 2022 itself; the interval at 2021 has
    nothing before it."""
    errors = np.linspace(-0.2, 0.2, 12)
    rows = [{"series": "s", "method": "m", "horizon": 1, "origin": 2021, "size": 100.0, "forecast": 100.0,
             "actual": np.exp(np.log(100.5) + e) - 0.5} for e in errors]
    rows += [{"series": "s", "method": "m", "horizon": 1, "origin": 2022, "size": 100.0, "forecast": 200.0,
              "actual": 1_000_000.0}]
    got = intervals.nested(pd.DataFrame(rows), by=("series", "method", "horizon"), scaled=False)
    assert got.loc[got["origin"].eq(2021), "lower_80"].isna().all()
    late = got.loc[got["origin"].eq(2022)].iloc[0]
    sigma = np.sqrt(np.mean(errors ** 2))
    scores = np.sort(errors / sigma)                # ceil(13 x 0.9) = 12th and floor(13 x 0.1) = 1st
    assert late["upper_80"] == pytest.approx(np.exp(np.log(200.5) + scores[11] * sigma) - 0.5)
    assert late["lower_80"] == pytest.approx(np.exp(np.log(200.5) + scores[0] * sigma) - 0.5)
    assert late["calibration_errors"] == 12 and late["covered_80"] == 0.0


def test_calibrated_intervals_cover_a_panel_of_random_walks_as_they_say():
    """Random walks whose yearly change has a spread of 3% plus Poisson-like chance: nested
    intervals scaled by size hold about 80% and 95% of the outcomes."""
    rng = np.random.default_rng(11)
    rows = []
    sizes = rng.uniform(20, 2000, 300)
    for origin in range(2010, 2022):
        spread = np.sqrt(0.03 ** 2 + 1 / sizes)
        actual = np.exp(np.log(sizes + 0.5) + rng.normal(0, spread)) - 0.5
        rows.append(pd.DataFrame({"series": "s", "method": "naive", "horizon": 1, "origin": origin, "size": sizes,
                                  "forecast": sizes, "actual": actual}))
    got = intervals.nested(pd.concat(rows, ignore_index=True), by=("series", "method", "horizon"))
    scored = got.loc[got["origin"] >= 2013]
    assert 0.77 <= scored["covered_80"].mean() <= 0.83
    assert 0.93 <= scored["covered_95"].mean() <= 0.97
    small = scored.loc[scored["size"] < 200, "covered_80"].mean()
    large = scored.loc[scored["size"] > 1000, "covered_80"].mean()
    assert abs(small - large) < 0.08                # the size scaling keeps both near 80%


# --- the national summary and the choice -----------------------------------------------------

def _results(rows):
    frame = pd.DataFrame(rows, columns=["method", "new_la_code", "origin", "forecast", "actual", "covered_80",
                                        "covered_95"])
    return frame.assign(kind=NUMBER, series="s", horizon=1, scored=True, size=frame["forecast"])


def test_summary_takes_medians_over_forecasts_and_sets_each_method_against_naive_on_the_same_ones():
    results = _results([
        ("naive", "A", 2020, 90.0, 100.0, 1.0, 1.0), ("naive", "A", 2021, 104.0, 100.0, 0.0, 1.0),
        ("naive", "B", 2020, 80.0, 100.0, 1.0, 1.0),
        ("pooled", "A", 2020, 95.0, 100.0, 1.0, 1.0), ("pooled", "A", 2021, 101.0, 100.0, 1.0, 1.0),
        ("pooled", "B", 2020, 90.0, 100.0, 0.0, 0.0)])
    table = evaluation.summary(results).set_index("method")
    assert table.loc["naive", "median_ape"] == pytest.approx(10.0)      # APEs 10, 4, 20
    assert table.loc["pooled", "median_ape"] == pytest.approx(5.0)      # APEs 5, 1, 10
    assert table.loc["pooled", "vs_naive"] == pytest.approx(0.5)
    assert table.loc["pooled", "coverage_80"] == pytest.approx(2 / 3)
    assert table.loc["naive", "median_la_mape"] == pytest.approx(13.5)  # A: 7, B: 20
    assert table.loc["naive", "authorities"] == 2 and table.loc["naive", "origins"] == 2
    assert evaluation.choose(evaluation.summary(results)) == {(NUMBER, 1): "pooled"}


def test_a_zero_outcome_counts_for_coverage_but_has_no_percentage_error():
    results = _results([("naive", "A", 2020, 2.0, 0.0, 1.0, 1.0), ("naive", "B", 2020, 10.0, 8.0, 0.0, 1.0)])
    row = evaluation.summary(results).iloc[0]
    assert row["forecasts"] == 1 and row["median_ape"] == pytest.approx(25.0)
    assert row["coverage_forecasts"] == 2 and row["coverage_80"] == 0.5


def test_ties_go_to_the_simpler_method():
    table = pd.DataFrame({"kind": NUMBER, "method": ["pooled", "naive"], "horizon": 1, "median_ape": [5.0, 5.0]})
    assert evaluation.choose(table) == {(NUMBER, 1): "naive"}


# --- the page's API --------------------------------------------------------------------------

def test_one_forecast_per_series_and_year_with_its_interval_and_tested_error(figures, panels, results):
    got = chosen.series_forecasts(figures, "E07", horizon=3, results=results, panels=panels)
    assert len(got) == 3 * len(panels) and got.groupby("series").size().eq(3).all()
    assert got["time_period"].tolist()[:3] == [2025, 2026, 2027]
    picked = chosen.chosen_methods(results)
    assert all(m == picked[(k, h)] for k, h, m in zip(got["kind"], got["horizon"], got["method"]))
    assert ((got["lower_95"] <= got["lower_80"] + 1e-9) & (got["lower_80"] <= got["mean"] + 0.5)
            & (got["mean"] <= got["upper_80"] + 0.5) & (got["upper_80"] <= got["upper_95"] + 1e-9)).all()
    one = got.loc[got["kind"].eq(NUMBER) & got["horizon"].eq(1)].iloc[0]
    scored = results.loc[results["kind"].eq(NUMBER) & results["horizon"].eq(1) & results["scored"]
                         & results["method"].eq(one["method"])]
    assert one["typical_ape"] == pytest.approx(((scored["forecast"] - scored["actual"]).abs()
                                                / scored["actual"]).median() * 100)
    assert one["latest"] == figures.loc[(figures["new_la_code"] == "E07") & (figures["time_period"] == 2024)
                                        & (figures["unit"] == "number") & (figures["indicator"] == "cla_31_march")
                                        & (figures["breakdown_group"] == "Total"), "value"].iloc[0]
    rebased = chosen.series_forecasts(figures, "E07", horizon=1, results=results, panels=panels,
                                      levels={one["series"]: one["latest"] * 2})
    assert rebased.iloc[0]["mean"] == pytest.approx(2 * one["mean"])


def test_a_statement_for_an_earlier_year_forecasts_from_that_year_as_it_would_then(figures, panels, results):
    got = chosen.series_forecasts(figures, "E07", horizon=2, results=results, panels=panels, until=2021)
    assert set(got["origin"]) == {2021} and got["time_period"].tolist()[:2] == [2022, 2023]
    number = got.loc[got["kind"].eq(NUMBER)].iloc[0]
    assert number["latest"] == figures.loc[(figures["new_la_code"] == "E07") & (figures["time_period"] == 2021)
                                           & (figures["unit"] == "number") & (figures["indicator"] == "cla_31_march")
                                           & (figures["breakdown_group"] == "Total"), "value"].iloc[0]
    later = chosen.series_forecasts(figures, "E07", horizon=2, results=results, panels=panels)
    assert number["mean"] != later.loc[later["kind"].eq(NUMBER), "mean"].iloc[0]


def test_the_track_record_is_the_chosen_methods_past_forecasts_against_what_happened(figures, panels, results):
    past = chosen.track_record(figures, "E07", results=results, panels=panels)
    number = past.loc[past["kind"].eq(NUMBER) & past["horizon"].eq(1)]
    assert number["origin"].tolist() == list(range(2014, 2024))
    picked = chosen.chosen_methods(results)[(NUMBER, 1)]
    assert set(number["method"]) == {picked}
    truth = figures.loc[(figures["new_la_code"] == "E07") & (figures["unit"] == "number")
                        & (figures["indicator"] == "cla_31_march") & (figures["breakdown_group"] == "Total")]
    truth = truth.set_index("time_period")["value"]
    assert number["actual"].tolist() == [truth[y] for y in range(2015, 2025)]


# --- DfE's published files ----------------------------------------------------------------------

def _csv_numbers(folder):
    """Children looked after at 31 March by authority and year, straight from the EES CSVs
    with the csv module (the newest release wins)."""
    import csv
    found = {}
    for release in sorted(p for p in folder.iterdir() if p.is_dir()):
        path = release / "cla_number_and_rate_per_10k_children.csv"
        if not path.is_file():
            continue
        with open(path, encoding="utf-8-sig", newline="") as handle:
            for row in csv.DictReader(handle):
                label = row.get("population_type") or row.get("population_count") or ""
                value = row.get("children_count") or row.get("number") or ""
                if (row["geographic_level"] == "Local authority" and "31 March" in label
                        and label.startswith("Children looked after") and value.replace(".", "").isdigit()):
                    found[(row["new_la_code"], int(row["time_period"][:4]))] = float(value)
    return found


@pytest.fixture(scope="module")
def published_run():
    from tests.conftest import SHARED_DATA
    if not (SHARED_DATA / "published").is_dir():
        pytest.skip(f"shared data not found at {SHARED_DATA}")
    from sufficiency_lib.published import dfe
    figures = dfe.load(SHARED_DATA / "published").figures
    panels = build(figures)
    return SHARED_DATA / "published", figures, panels, evaluation.run(panels)


@pytest.mark.integration
def test_naives_error_on_the_published_numbers_matches_a_count_made_with_the_csv_module(published_run):
    folder, _, _, results = published_run
    numbers = _csv_numbers(folder)
    first = min(year for _, year in numbers)
    errors = [abs(numbers[(code, year)] - numbers[(code, year + 1)]) / numbers[(code, year + 1)] * 100
              for code, year in numbers if year >= first + 1 and (code, year + 1) in numbers
              and numbers[(code, year + 1)] > 0]
    table = evaluation.summary(results).set_index(["kind", "method", "horizon"])
    row = table.loc[(NUMBER, "naive", 1)]
    assert row["median_ape"] == pytest.approx(float(np.median(errors)))
    assert row["forecasts"] == len(errors)
    assert row["authorities"] >= 150 and row["origins"] == 5


@pytest.mark.integration
def test_the_published_backtest_scores_every_kind_and_intervals_hold_about_as_often_as_they_say(published_run):
    _, _, _, results = published_run
    table = evaluation.summary(results)
    assert set(table["kind"]) == {NUMBER, RATE, PLACEMENT}
    picked = evaluation.choose(table)
    for kind in (NUMBER, RATE, PLACEMENT):
        for horizon in (1, 2):
            row = table.set_index(["kind", "method", "horizon"]).loc[(kind, picked[(kind, horizon)], horizon)]
            assert row["vs_naive"] <= 1.0                       # never worse than no change
            assert 0.7 <= row["coverage_80"] <= 0.9 and 0.88 <= row["coverage_95"] <= 0.99


@pytest.mark.integration
def test_no_look_ahead_on_the_published_figures(published_run):
    _, figures, panels, _ = published_run
    origin = 2022
    altered = build(_altered(figures, origin), panels[0].neighbours)
    for mine, changed in zip(panels[:3], altered[:3]):
        for method in ("reversion", "pooled", "combined"):
            pd.testing.assert_frame_equal(pooled.forecast_panel(mine.upto(origin), method, (1, 2)),
                                          pooled.forecast_panel(changed.upto(origin), method, (1, 2)))


@pytest.mark.integration
def test_an_authoritys_track_record_holds_what_the_csv_says_happened(published_run):
    folder, figures, panels, results = published_run
    numbers = _csv_numbers(folder)
    past = chosen.track_record(figures, "E10000003", results=results, panels=panels)
    mine = past.loc[past["kind"].eq(NUMBER)]
    assert len(mine) >= 8
    for row in mine.itertuples():
        assert row.actual == numbers[("E10000003", row.time_period)]
    forecasts = chosen.series_forecasts(figures, "E10000003", results=results, panels=panels)
    latest = forecasts.loc[forecasts["kind"].eq(NUMBER)].iloc[0]
    assert latest["latest"] == numbers[("E10000003", max(y for c, y in numbers if c == "E10000003"))]


@pytest.mark.integration
def test_the_benchmark_runs_on_a_single_release_and_writes_its_rows_as_json(shared_data, tmp_path):
    import json
    import subprocess
    import sys

    from sufficiency_lib.config import PROJECT_ROOT
    out = tmp_path / "rows.json"
    done = subprocess.run([sys.executable, str(PROJECT_ROOT / "benchmarks" / "forecast_backtest.py"),
                           str(shared_data / "published" / "release_2025"), "--json", str(out)],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert "median_ape" in done.stdout and "against the goals" in done.stdout
    rows = json.loads(out.read_text())
    keys = {"method", "horizon", "median_ape", "vs_naive", "coverage_80", "coverage_95", "authorities", "forecasts"}
    assert rows and all(keys <= set(row) for row in rows)
    naive = [r for r in rows if r["method"] == "naive" and r["kind"] == NUMBER and r["level"] == "kind"]
    assert {r["horizon"] for r in naive} == {1, 2} and all(r["vs_naive"] == 1.0 for r in naive)


def test_the_national_backtest_is_computed_once_per_set_of_figures(tmp_path, monkeypatch):
    from sufficiency_lib.analysis import forecast
    figures = _figures(seed=5, years=range(2017, 2025))
    calls = []
    real = evaluation.run
    monkeypatch.setattr(evaluation, "run", lambda panels, *a, **k: calls.append(1) or real(panels, *a, **k))
    first = forecast.national_accuracy(figures, tmp_path)
    again = forecast.national_accuracy(figures, tmp_path)
    pd.testing.assert_frame_equal(first, again)
    assert len(calls) == 1
    assert {"naive", "reversion", "combined", "selected"} <= set(first["method"]) and set(first["horizon"]) == {1, 2}
    assert first["chosen"].sum() == 2 and first["authorities"].eq(len(CODES)).all()
    changed = figures.copy()
    changed.loc[changed.index[0], "value"] = 999.0              # new figures: computed afresh
    forecast.national_accuracy(changed, tmp_path)
    assert len(calls) == 2


def test_every_authoritys_forecasts_are_kept_on_disk_and_read_back_as_fitted(tmp_path, monkeypatch):
    figures = _figures(seed=7, years=range(2016, 2025))
    chosen._LAST.clear()
    kept = chosen.series_forecasts(figures, "E07", horizon=2, cache_dir=tmp_path)
    stored = list(tmp_path.glob("panel_forecasts_*/*.parquet"))
    assert kept["mean"].notna().all() and len(stored) == len(set(kept["series"]))
    chosen._LAST.clear()                       # a new process: nothing in memory, so read from disk
    monkeypatch.setattr(chosen, "forecast_panel_at", lambda *a, **k: pytest.fail("fitted again"))
    pd.testing.assert_frame_equal(chosen.series_forecasts(figures, "E07", horizon=2, cache_dir=tmp_path), kept)
    monkeypatch.undo()
    chosen._LAST.clear()
    pd.testing.assert_frame_equal(chosen.series_forecasts(figures, "E07", horizon=2), kept)   # fitted afresh


def test_the_forecasts_fingerprint_changes_with_an_authoritys_region(panels):
    moved = [replace(p, region=p.region.replace({p.region.iloc[0]: "elsewhere"})) for p in panels]
    assert evaluation.fingerprint(moved) != evaluation.fingerprint(panels)


def test_without_panels_the_forecasts_are_empty_not_an_error(tmp_path):
    chosen._LAST.clear()
    empty = _figures(seed=1, years=range(2020, 2022)).iloc[:0]
    assert chosen.series_forecasts(empty, "E07", horizon=2, cache_dir=tmp_path).empty


def test_a_past_statements_track_record_holds_only_what_was_known_by_its_year(figures, panels, results):
    every = chosen.track_record(figures, "E07", results=results, panels=panels)
    then = chosen.track_record(figures, "E07", results=results, panels=panels, until=2020)
    assert every["time_period"].max() > 2020 and len(then) and then["time_period"].max() == 2020
    pd.testing.assert_frame_equal(then, every.loc[every["time_period"].le(2020)].reset_index(drop=True))
