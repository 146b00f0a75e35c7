
from sufficiency_lib.ssda903 import clean
from sufficiency_lib.analysis import metrics
from sufficiency_lib.demo import synth


def test_synthetic_return_is_deterministic_and_round_trips(tmp_path, toy_authority):
    years = range(2019, 2022)
    first = synth.write_demo_return(toy_authority, years, tmp_path / "a", seed=7)
    second = synth.write_demo_return(toy_authority, years, tmp_path / "b", seed=7)
    for year in years:
        for table in ("header", "episodes"):
            a = (first / str(year) / f"{table}.csv").read_bytes()
            assert a == (second / str(year) / f"{table}.csv").read_bytes()
    loaded = clean.load_clean_return(first).tables
    assert loaded["episodes"]["DECOM"].dtype.kind == "M"
    assert set(loaded["episodes"]["return_year"]) == set(years)


def test_synthetic_stock_tracks_calibration_within_15_percent(tmp_path, toy_authority):
    """The skeleton generator steers entries to the published totals; 15% is its stated tolerance."""
    out = synth.write_demo_return(toy_authority, range(2019, 2022), tmp_path, seed=1)
    eps = clean.load_clean_return(out).tables["episodes"]
    for year, target in toy_authority.calibration["cla_at_31_march"].items():
        got = metrics.children_looked_after_at_31_march(eps, year)
        assert abs(got - target) / target < 0.15, (year, got, target)
