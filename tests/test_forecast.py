"""Forecasts with known answers: flat, linear, simulated coverage, and a known Markov chain."""
import numpy as np
import pandas as pd
import pytest

from sufficiency_lib import forecast
from sufficiency_lib.forecast import EXIT, StockFlow

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
    from sufficiency_lib import published
    from sufficiency_lib.figures import select

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
