"""Forecasts with known answers: the per-series models (flat, linear, simulated coverage)
and the stock-and-flow model (a known Markov chain, its scenarios and its reconciliation
with the aggregate forecast)."""
import numpy as np
import pandas as pd
import pytest

from sufficiency_lib.analysis import forecast, stockflow
from sufficiency_lib.analysis.forecast import EXIT, IFA, IN_HOUSE, StockFlow

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


def test_forecast_many_chooses_per_series_and_reports_each_backtest():
    line = pd.Series([100.0 + 10 * i for i in range(10)], index=YEARS)
    flat = pd.Series(50.0, index=YEARS)
    forecasts, scores = forecast.forecast_many({"line": line, "flat": flat, "short": flat.iloc[-3:]}, horizon=2)
    chosen = forecasts.groupby("series")["method"].first()
    assert chosen["line"] == "drift" and chosen["short"] == "naive"        # too short to backtest: naive
    assert forecasts.loc[forecasts["series"].eq("line"), "mean"].tolist() == [200.0, 210.0]
    assert forecasts.loc[forecasts["series"].eq("flat"), "mean"].to_numpy() == pytest.approx([50.0, 50.0], rel=0.01)
    assert set(scores["series"]) == {"line", "flat"}                       # nothing to score on three years


# --- the stock-and-flow model ----------------------------------------------------------------

def _chain():
    states = [forecast.state("a", IFA), forecast.state("a", IN_HOUSE)]
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
        2023: pd.DataFrame({"CHILD": ["A", "B"], "age_group": "x", "placement_group": IFA}),
        2024: pd.DataFrame({"CHILD": ["A", "C"], "age_group": "x", "placement_group": [IN_HOUSE, IFA]}),
    }
    model = StockFlow.estimate(snapshots)
    ifa, own = forecast.state("x", IFA), forecast.state("x", IN_HOUSE)
    assert model.transitions.loc[ifa, own] == 0.5 and model.transitions.loc[ifa, EXIT] == 0.5
    assert model.transitions.loc[own, EXIT] == 1.0          # never seen at a start: assumed to leave
    assert model.entrants[ifa] == 1 and model.stock.to_dict() == {ifa: 1.0, own: 1.0}


def test_scenarios_change_entry_and_stays():
    chain = _chain()
    ifa = chain.states[0]
    assert chain.scenario(entry=2.0).entrants.tolist() == [40.0, 20.0]
    longer = chain.scenario(stay=2.0).transitions
    assert longer.loc[ifa, EXIT] == pytest.approx(0.15) and longer.loc[ifa].sum() == pytest.approx(1.0)


def test_moving_everyone_to_in_house_leaves_nobody_in_ifa():
    moved = _chain().scenario(ifa_to_in_house=1.0).project(2, runs=200).set_index(["group", "time_period"])
    assert moved.loc[(IFA, 2027), "mean"] == 0 and moved.loc[(IN_HOUSE, 2027), "mean"] > 0


def _estimated():
    """A model estimated from a known process in which IFA and in-house children leave care
    at different rates (so moving them between the two could change the total)."""
    model = StockFlow.estimate(stockflow.known_snapshots(np.random.default_rng(4), 5))
    leave = model.transitions[EXIT]
    assert leave[forecast.state("under 10", IFA)] != leave[forecast.state("under 10", IN_HOUSE)]
    return model


@pytest.mark.parametrize("share", [0.2, 0.5, 1.0])
def test_moving_ifa_children_in_house_leaves_every_total_unchanged_in_every_year_and_run(share):
    model = _estimated()
    base = model.simulate(years=4, runs=300, seed=9)
    moved = model.scenario(ifa_to_in_house=share).simulate(years=4, runs=300, seed=9)
    assert np.array_equal(base.sum(axis=2), moved.sum(axis=2))                 # every run, every year
    bands = sorted({forecast.part(s, 0) for s in model.states})
    for band in bands:                                                         # and every age band
        here = [i for i, s in enumerate(model.states) if forecast.part(s, 0) == band]
        there = [i for i, s in enumerate(model.scenario(ifa_to_in_house=share).states) if forecast.part(s, 0) == band]
        assert np.array_equal(base[:, :, here].sum(axis=2), moved[:, :, there].sum(axis=2))
    ifa = [i for i, s in enumerate(model.states) if forecast.part(s, 1) == IFA]
    assert (moved[:, :, ifa].sum(axis=2) <= base[:, :, ifa].sum(axis=2)).all()
    assert moved[:, -1, ifa].sum(axis=1).mean() < base[:, -1, ifa].sum(axis=1).mean()


def test_the_scenario_moves_the_share_asked_of_those_arriving_in_ifa():
    """One year on from nobody in care, every child in an IFA state arrived there; each is
    in-house with probability ``share``, so the in-house share of them is about ``share``."""
    model = _estimated()
    model.stock = model.stock * 0
    ifa = [i for i, s in enumerate(model.states) if forecast.part(s, 1) == IFA]
    base = model.simulate(years=1, runs=2000, seed=3)
    moved = model.scenario(ifa_to_in_house=0.3).simulate(years=1, runs=2000, seed=3)
    left = moved[:, 0, ifa].sum() / base[:, 0, ifa].sum()
    assert left == pytest.approx(0.7, abs=0.01)


def test_recruited_in_house_places_take_children_from_ifa_and_change_no_total():
    chain = _chain()
    chain.stock = chain.steady_state().round()
    base = chain.project(3, runs=500).set_index(["group", "time_period"])["mean"]
    recruited = chain.scenario(in_house_places_per_year=4).project(3, runs=500).set_index(["group", "time_period"])["mean"]
    for k, year in enumerate((2026, 2027, 2028), start=1):
        assert recruited[(IN_HOUSE, year)] - base[(IN_HOUSE, year)] == pytest.approx(4 * k)
        assert recruited[(IFA, year)] == pytest.approx(base[(IFA, year)] - 4 * k)
        assert recruited[("Total", year)] == base[("Total", year)]


def test_year_effects_spread_entrants_only_when_they_vary_beyond_chance():
    rng = np.random.default_rng(1)
    assert (stockflow.year_effects(rng, np.array([100.0, 100.0, 100.0, 100.0]), 50, 3) == 1).all()
    wild = stockflow.year_effects(rng, np.array([60.0, 140.0, 90.0, 110.0]), 4000, 3)
    assert wild.mean() == pytest.approx(1.0, abs=0.05)
    # the totals' variance (1,133) less Poisson's (100), over 100 squared: about 0.1, and more
    # once the variance itself is uncertain
    assert wild.var() > 0.1


def test_split_draws_without_replacement():
    rng = np.random.default_rng(0)
    draws = np.array([[3, 0, 2, 5], [0, 0, 0, 4], [1, 1, 1, 1]])
    taken = np.array([4, 4, 0])
    got = stockflow.split(rng, draws, taken)
    assert (got <= draws).all() and got.sum(axis=1).tolist() == [4, 4, 0]
    assert got[1].tolist() == [0, 0, 0, 4]                   # all four had to come from the last cell


def test_intervals_of_an_estimated_chain_hold_the_known_process_about_as_often_as_they_say():
    """Fitted on five snapshots of a known chain (two age bands, three placement groups)
    whose entrants vary from year to year more than by chance, the 80% and 95% intervals
    one and three years ahead hold the children counted in the process, in total and by
    group, about 80% and 95% of the time."""
    table = stockflow.coverage_check(replicates=80, horizons=(1, 3), runs=250, year_spread=0.15, seed=5)
    assert set(table["group"]) == {IFA, IN_HOUSE, "Residential", "Total"}
    assert 0.72 <= table["coverage_80"].mean() <= 0.88
    assert 0.89 <= table["coverage_95"].mean() <= 0.99
    assert table["coverage_80"].min() >= 0.6


def test_the_estimates_uncertainty_widens_the_intervals():
    model = StockFlow.estimate(stockflow.known_snapshots(np.random.default_rng(3), 6))
    known = StockFlow(model.states, model.transitions, model.entrants, model.stock, model.year)
    width = {name: chain.project(3, runs=2000).set_index(["group", "time_period"]).loc[("Total", model.year + 3)]
             for name, chain in {"estimated": model, "known": known}.items()}
    wide, narrow = (w["upper_80"] - w["lower_80"] for w in width.values())
    assert wide > narrow
    assert width["estimated"]["mean"] == pytest.approx(width["known"]["mean"], rel=0.05)


def _aggregate(year):
    return pd.DataFrame({"time_period": [year + 1, year + 2], "mean": [400.0, 430.0], "lower_80": [370.0, 390.0],
                         "upper_80": [430.0, 470.0], "lower_95": [350.0, 365.0], "upper_95": [455.0, 500.0]})


def test_reconciled_groups_add_up_to_the_aggregate_forecast_in_its_mix():
    model = StockFlow.estimate(stockflow.known_snapshots(np.random.default_rng(8), 5))
    aggregate = _aggregate(model.year)
    own = model.project(2, runs=1000, seed=1).set_index(["group", "time_period"])
    got = model.reconciled(aggregate, years=2, runs=1000, seed=1).set_index(["group", "time_period"])
    for k, year in enumerate((model.year + 1, model.year + 2)):
        total = got.loc[("Total", year)]
        target = aggregate.iloc[k]
        for column in ("mean", "lower_80", "upper_80", "lower_95", "upper_95"):   # the very total the page states
            assert total[column] == pytest.approx(target[column], rel=1e-9)
        groups = got.xs(year, level="time_period").drop("Total")
        assert groups["mean"].sum() == pytest.approx(total["mean"], rel=1e-9)
        mix = own.xs(year, level="time_period").drop("Total")["mean"]
        assert (groups["mean"] / groups["mean"].sum()).to_numpy() == pytest.approx(
            (mix / mix.sum()).to_numpy(), abs=0.01)


def test_quantile_path_passes_through_the_bounds_it_is_given():
    row = pd.Series({"mean": 100.0, "lower_80": 90.0, "upper_80": 112.0, "lower_95": 84.0, "upper_95": 120.0})
    got = stockflow.quantile_path(row, np.array([0.025, 0.1, 0.5, 0.9, 0.975]))
    assert got == pytest.approx([84.0, 90.0, 100.0, 112.0, 120.0])
    outside = stockflow.quantile_path(row, np.array([0.001, 0.999]))
    assert outside[0] < 84.0 and outside[1] > 120.0


def test_latest_group_counts_are_suppressed_as_on_the_placements_page():
    """Three children in tiny groups: listing the large groups beside the total must not
    let a reader subtract them out, so the next smallest is hidden too."""
    from types import SimpleNamespace

    from sufficiency_lib.analysis import demand as outlook
    groups = [IFA] * 40 + [IN_HOUSE] * 30 + ["Placed for adoption"] * 7 + ["Secure units"] * 2
    snaps = {2025: pd.DataFrame({"CHILD": range(len(groups)), "placement_group": groups})}
    shown = outlook.latest_shown(SimpleNamespace(year=2025, threshold=6, members=[]), snaps)
    assert shown["Secure units"] == "c" and shown["Placed for adoption"] == "c"
    assert shown[IFA] == "40" and shown[outlook.CLA] == "79"


def test_scenarios_are_set_against_the_forecast_the_page_states():
    from sufficiency_lib.analysis import demand
    scenarios = pd.DataFrame({"time_period": [2026, 2026, 2027, 2027], "scenario": ["Baseline", "Fewer", "Baseline",
                                                                                  "Fewer"],
                              "children": [100.0, 90.0, 110.0, 95.0], "ifa": [40.0, 36.0, 44.0, 38.0],
                              "in_house": [30.0, 27.0, 33.0, 28.0], "priced_cost": [1e6, 9e5, 1.1e6, 9.5e5]})
    total = pd.DataFrame({"time_period": [2026, 2027], "mean": [120.0, 110.0]})
    got = demand.on_the_forecast(scenarios, total).set_index(["time_period", "scenario"])
    assert got.loc[(2026, "Baseline"), "children"] == 120 and got.loc[(2026, "Fewer"), "children"] == 108
    assert got.loc[(2026, "Fewer"), "priced_cost"] == pytest.approx(1.08e6)
    assert got.loc[(2027, "Fewer"), "children"] == 95           # the forecast's mean is the baseline already
    assert demand.on_the_forecast(scenarios, total.iloc[:0]).equals(scenarios)
