"""Forecasts with known answers: flat, linear, simulated coverage, and a known Markov chain."""
import numpy as np
import pandas as pd
import pytest

from sufficiency_lib.analysis import forecast
from sufficiency_lib.analysis.forecast import EXIT, StockFlow

YEARS = range(2015, 2025)


@pytest.mark.parametrize("method", forecast.METHODS)
def test_a_constant_series_gives_a_flat_forecast(method):
    got = forecast.forecast(pd.Series(500.0, index=YEARS), method, horizon=3)
    assert list(got.index) == [2025, 2026, 2027]
    assert got["mean"].to_numpy() == pytest.approx([500.0] * 3, rel=0.01)
    assert (got["lower_95"] <= got["lower_80"]).all() and (got["upper_80"] <= got["upper_95"]).all()


def test_drift_continues_a_straight_line_exactly_and_naive_stays_put():
    line = pd.Series([100.0 + 10 * i for i in range(10)], index=YEARS)
    assert forecast.forecast(line, "drift", 2)["mean"].tolist() == [200.0, 210.0]
    assert forecast.forecast(line, "naive", 2)["mean"].tolist() == [190.0, 190.0]
    results = forecast.backtest(line, methods=("naive", "drift"))
    assert forecast.choose(results) == "drift"
    table = forecast.accuracy(results).set_index(["method", "horizon"])
    assert table.loc[("drift", 1), "mape"] == pytest.approx(0.0)
    assert table.loc[("naive", 1), "forecasts"] == 6            # origins 2018 ... 2023


def test_naive_80_percent_intervals_cover_a_random_walk_about_80_percent_of_the_time():
    rng = np.random.default_rng(7)
    covered = []
    for _ in range(600):
        walk = pd.Series(1000 + np.cumsum(rng.normal(0, 10, 16)), index=range(2000, 2016))
        predicted = forecast.forecast(walk.iloc[:-1], "naive", 1).iloc[0]
        covered.append(predicted["lower_80"] <= walk.iloc[-1] <= predicted["upper_80"])
    assert 0.74 <= np.mean(covered) <= 0.86


def test_forecasts_never_go_below_zero_and_need_two_years():
    falling = pd.Series([50.0, 30.0, 10.0], index=[2020, 2021, 2022])
    assert (forecast.forecast(falling, "drift", 3) >= 0).all().all()
    with pytest.raises(ValueError, match="at least two years"):
        forecast.forecast(pd.Series([5.0], index=[2020]), "naive")


def _chain():
    states = [forecast.state("a", "IFA foster care"), forecast.state("a", "In-house foster care")]
    transitions = pd.DataFrame([[0.5, 0.2, 0.3], [0.1, 0.6, 0.3]], index=states, columns=[*states, EXIT])
    return StockFlow(states, transitions, pd.Series([20.0, 10.0], index=states), pd.Series([0.0, 0.0], index=states), 2025)


def test_a_known_chain_reaches_its_steady_state():
    chain = _chain()
    p = np.array([[0.5, 0.2], [0.1, 0.6]])
    expected = np.array([20.0, 10.0]) @ np.linalg.inv(np.eye(2) - p)
    assert chain.steady_state().to_numpy() == pytest.approx(expected)
    sims = chain.simulate(years=40, runs=400, seed=1)
    assert sims[:, -1, :].mean(axis=0) == pytest.approx(expected, rel=0.03)


def test_constant_flows_give_a_flat_projection():
    chain = _chain()
    chain.stock = chain.steady_state().round()
    projected = chain.project(years=3, runs=2000, seed=2)
    total = projected.loc[projected["group"].eq("Total"), "mean"].to_numpy()
    assert total == pytest.approx([chain.stock.sum()] * 3, rel=0.02)


def test_estimate_from_snapshots():
    snapshots = {
        2023: pd.DataFrame({"CHILD": ["A", "B"], "age_group": "x", "placement_group": "IFA foster care"}),
        2024: pd.DataFrame({"CHILD": ["A", "C"], "age_group": "x",
                            "placement_group": ["In-house foster care", "IFA foster care"]}),
    }
    model = StockFlow.estimate(snapshots)
    ifa, own = forecast.state("x", "IFA foster care"), forecast.state("x", "In-house foster care")
    assert model.transitions.loc[ifa, own] == 0.5 and model.transitions.loc[ifa, EXIT] == 0.5
    assert model.transitions.loc[own, EXIT] == 1.0          # never seen at a start: assumed to leave
    assert model.entrants[ifa] == 1 and model.stock.to_dict() == {ifa: 1.0, own: 1.0}


def test_scenarios_change_entry_stays_and_the_foster_mix():
    chain = _chain()
    ifa, own = chain.states
    assert chain.scenario(entry=2.0).entrants.tolist() == [40.0, 20.0]
    longer = chain.scenario(stay=2.0).transitions
    assert longer.loc[ifa, EXIT] == pytest.approx(0.15) and longer.loc[ifa].sum() == pytest.approx(1.0)
    moved = chain.scenario(ifa_to_in_house=1.0)
    assert moved.transitions[ifa].sum() == 0 and moved.entrants[ifa] == 0 and moved.entrants[own] == 30
    assert moved.project(2, runs=200).set_index(["group", "time_period"]).loc[("IFA foster care", 2027), "mean"] == 0


@pytest.mark.integration
def test_backtest_on_published_series_of_real_authorities(shared_data):
    """DfE's published numbers looked after for ten authorities: every method is scored one
    and two years ahead, and the scores are sane (not a claim about which method wins)."""
    from sufficiency_lib.published import dfe as published
    from sufficiency_lib.published.figures import select

    figures = published.load(shared_data / "published").figures
    counts = select(figures, "cla_31_march").loc[lambda f: f["geographic_level"].eq("Local authority")]
    codes = sorted(counts["new_la_code"].unique())[:10]
    results = []
    for code in codes:
        series = counts.loc[counts["new_la_code"].eq(code)].set_index("time_period")["value"].astype(float).sort_index()
        results.append(forecast.backtest(series, methods=("naive", "drift", "ets")).assign(code=code))
    scored = forecast.accuracy(pd.concat(results))
    assert set(scored["method"]) == {"naive", "drift", "ets"} and set(scored["horizon"]) == {1, 2}
    assert scored["mape"].between(0, 100).all() and scored["coverage_80"].between(0, 1).all()
    assert (scored["forecasts"] >= 10).all()


def _known_process(rng, years=6, entrants=(25, 15), stay=((0.5, 0.1), (0.05, 0.65))):
    """Snapshots of children in two foster states (IFA, in-house) from a known chain:
    each year a child moves by ``stay`` (the rest leave) and Poisson ``entrants`` arrive."""
    names = ["IFA foster care", "In-house foster care"]
    children, snapshots, next_id = {}, {}, 0
    for year in range(2015, 2015 + years):
        moved = {}
        for child, where in children.items():
            probs = [*stay[where], 1 - sum(stay[where])]
            to = rng.choice(3, p=probs)
            if to < 2:
                moved[child] = to
        for where, mean in enumerate(entrants):
            for _ in range(rng.poisson(mean)):
                moved[f"c{next_id}"] = where
                next_id += 1
        children = moved
        snapshots[year] = pd.DataFrame({"CHILD": list(children), "age_group": "x",
                                        "placement_group": [names[w] for w in children.values()]})
    return snapshots


def test_intervals_of_an_estimated_chain_cover_the_next_year_about_80_percent_of_the_time():
    """Fitted on five snapshots of a known process, the one-year 80% interval (chance and
    the estimates' uncertainty) holds the sixth year's total about 80% of the time."""
    rng = np.random.default_rng(11)
    covered = []
    for replicate in range(160):
        snapshots = _known_process(rng)
        model = StockFlow.estimate({y: s for y, s in snapshots.items() if y < 2020})
        total = model.project(1, runs=300, seed=replicate).set_index("group").loc["Total"]
        covered.append(total["lower_80"] <= len(snapshots[2020]) <= total["upper_80"])
    assert 0.72 <= np.mean(covered) <= 0.88


def test_the_estimates_uncertainty_widens_the_intervals():
    model = StockFlow.estimate(_known_process(np.random.default_rng(3)))
    known = StockFlow(model.states, model.transitions, model.entrants, model.stock, model.year)
    width = {name: chain.project(3, runs=2000).set_index(["group", "time_period"]).loc[("Total", model.year + 3)]
             for name, chain in {"estimated": model, "known": known}.items()}
    wide, narrow = (w["upper_80"] - w["lower_80"] for w in width.values())
    assert wide > narrow
    assert width["estimated"]["mean"] == pytest.approx(width["known"]["mean"], rel=0.05)


def test_recruited_in_house_places_take_children_from_ifa_and_change_no_total():
    chain = _chain()
    chain.stock = chain.steady_state().round()
    base = chain.project(3, runs=500).set_index(["group", "time_period"])["mean"]
    recruited = chain.scenario(in_house_places_per_year=4).project(3, runs=500).set_index(["group", "time_period"])["mean"]
    for k, year in enumerate((2026, 2027, 2028), start=1):
        assert recruited[("In-house foster care", year)] - base[("In-house foster care", year)] == pytest.approx(4 * k)
        assert recruited[("IFA foster care", year)] == pytest.approx(base[("IFA foster care", year)] - 4 * k)
        assert recruited[("Total", year)] == base[("Total", year)]


def test_forecast_many_chooses_per_series_and_reports_each_backtest():
    line = pd.Series([100.0 + 10 * i for i in range(10)], index=YEARS)
    flat = pd.Series(50.0, index=YEARS)
    forecasts, scores = forecast.forecast_many({"line": line, "flat": flat, "short": flat.iloc[-3:]}, horizon=2)
    chosen = forecasts.groupby("series")["method"].first()
    assert chosen["line"] == "drift" and chosen["short"] == "naive"        # too short to backtest: naive
    assert forecasts.loc[forecasts["series"].eq("line"), "mean"].tolist() == [200.0, 210.0]
    assert forecasts.loc[forecasts["series"].eq("flat"), "mean"].to_numpy() == pytest.approx([50.0, 50.0], rel=0.01)
    assert set(scores["series"]) == {"line", "flat"}                       # nothing to score on three years


def _results(rows):
    return pd.DataFrame(rows, columns=["new_la_code", "method", "horizon", "ape", "covered_80", "covered_95"])


def test_national_summary_takes_the_median_of_each_authoritys_mape_and_pools_coverage():
    results = _results([
        ("A", "naive", 1, 2.0, True, True), ("A", "naive", 1, 4.0, False, True),      # A: MAPE 3
        ("B", "naive", 1, 5.0, True, True),                                          # B: 5
        ("C", "naive", 1, 9.0, True, False),                                         # C: 9
        ("A", "drift", 1, 1.0, True, True), ("B", "drift", 1, 3.0, False, False), ("C", "drift", 1, 6.0, True, True)])
    table = forecast.national_summary(results).set_index("method")
    assert table.loc["naive", "median_mape"] == 5.0 and table.loc["drift", "median_mape"] == 3.0
    assert table.loc["naive", "coverage_80"] == 0.75 and table.loc["drift", "coverage_95"] == pytest.approx(2 / 3)
    assert table.loc["drift", "vs_naive"] == pytest.approx(0.6)
    assert table.loc["naive", "authorities"] == 3 and list(table.index) == ["naive", "drift"]


def test_national_accuracy_is_computed_once_per_set_of_series(tmp_path, monkeypatch):
    rows = [{"geographic_level": "Local authority", "new_la_code": code, "time_period": year,
             "indicator": "cla_31_march", "unit": "number", "breakdown_group": "Total", "breakdown": "Total",
             "value": float(100 + i * year % 7)} for i, code in enumerate(("E1", "E2")) for year in range(2015, 2022)]
    figures = pd.DataFrame(rows)
    calls = []
    real = forecast.national_backtest
    monkeypatch.setattr(forecast, "national_backtest", lambda series, workers=1: calls.append(1) or real(series, 1))
    first = forecast.national_accuracy(figures, tmp_path)
    again = forecast.national_accuracy(figures, tmp_path)
    pd.testing.assert_frame_equal(first, again)
    assert len(calls) == 1 and first["authorities"].eq(2).all()
    figures.loc[0, "value"] = 999.0                            # new figures: computed afresh
    forecast.national_accuracy(figures, tmp_path)
    assert len(calls) == 2


def test_latest_group_counts_are_suppressed_as_on_the_placements_page():
    """Three children in tiny groups: listing the large groups beside the total must not
    let a reader subtract them out, so the next smallest is hidden too."""
    from types import SimpleNamespace

    from sufficiency_lib.statement.chapters import forecast as chapter
    groups = ["IFA foster care"] * 40 + ["In-house foster care"] * 30 + ["Placed for adoption"] * 7 + ["Secure units"] * 2
    snaps = {2025: pd.DataFrame({"CHILD": range(len(groups)), "placement_group": groups})}
    shown = chapter.latest_shown(SimpleNamespace(year=2025, threshold=6), snaps)
    assert shown["Secure units"] == "c" and shown["Placed for adoption"] == "c"
    assert shown["IFA foster care"] == "40" and shown[chapter.CLA] == "79"
