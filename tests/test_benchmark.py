"""Benchmarking: ranks and bands by hand, intervals against known values, and the real releases."""
from __future__ import annotations

import csv
import statistics

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.proportion import proportion_confint

from sufficiency_lib.analysis import benchmark
from sufficiency_lib.published import dfe as published, reference
from sufficiency_lib.published.figures import select


def test_rank_and_band_with_ties_and_missing_values_one_convention():
    """Rank 1 = the lowest value and band A = the lowest quarter, whatever the polarity."""
    values = pd.Series({"a": 10.0, "b": 20.0, "c": 20.0, "d": np.nan, "e": 40.0, "f": 5.0,
                        "g": 30.0, "h": 25.0, "i": 15.0}).astype("Float64")
    ranked = benchmark.rank_and_band(values)      # 5,10,15,20,20,25,30,40 -> ranks
    assert ranked["rank"].tolist() == [2, 4, 4, pd.NA, 8, 1, 7, 6, 3]
    assert ranked["ranked_of"].dropna().unique().tolist() == [8]
    # (rank-1)/8: f 0 A, a .125 A, i .25 B, b/c .375 B, h .625 C, g .75 D, e .875 D
    assert ranked["quartile_band"].tolist() == ["A", "B", "B", np.nan, "D", "A", "D", "C", "B"]


def test_polarity_is_said_in_words_not_folded_into_the_rank():
    from sufficiency_lib.statement import narrative
    row = pd.Series({"time_period": 2025, "value": 60.0, "england": 64.0, "sn_mean": 62.0, "rank": 20,
                     "ranked_of": 150, "quartile_band": "A", "vs_england": "", "vs_neighbours": ""})
    text = narrative.describe_benchmark(row, "the share in education", "%", "high")
    assert "Of 150 authorities, it had the 20th lowest share in education (quartile band A, where A is the lowest " \
           "quarter)" in text
    assert text.endswith("DfE counts a higher share in education as better.")


def test_intervals_match_known_values():
    low, high = benchmark.poisson_rate_interval([0, 10], [10_000, 10_000])
    np.testing.assert_allclose(low, [0.0, 4.7954], atol=1e-4)       # Garwood tables
    np.testing.assert_allclose(high, [3.6889, 18.3904], atol=1e-4)
    low, high = benchmark.wilson_interval([5, 40], [10, 200])
    ref_low, ref_high = proportion_confint([5, 40], [10, 200], method="wilson")
    np.testing.assert_allclose(low, 100 * np.asarray(ref_low))
    np.testing.assert_allclose(high, 100 * np.asarray(ref_high))


def test_compare_says_which_side_of_the_reference_the_authority_is():
    assert benchmark.compare([50, 40, 40, np.nan], [60, 45, 50, 1], [45, 47, 45, 1]).tolist() == [
        "higher", "lower", "similar", ""]


def tiny_figures(values: dict[str, float], year: int = 2024) -> pd.DataFrame:
    rows = [{"time_period": year, "geographic_level": "Local authority", "new_la_code": code,
             "region_code": reference.authority(code)["region_code"], "indicator": "cla_31_march",
             "breakdown_group": "Total", "breakdown": "Total", "unit": "number", "value": value,
             "status": "" if not pd.isna(value) else "c", "source": "test"} for code, value in values.items()]
    from sufficiency_lib.published.figures import figures_frame
    return figures_frame(pd.DataFrame(rows))


def test_benchmark_table_on_a_hand_made_set():
    neighbours = reference.statistical_neighbours("E10000003", 2025)["new_la_code"].tolist()   # the default model
    values = {"E10000003": 105.0, **{code: float(10 * (i + 1)) for i, code in enumerate(neighbours)}}
    values[neighbours[0]] = np.nan                       # a suppressed neighbour is left out
    table = benchmark.benchmark_table(tiny_figures(values), "E10000003", "cla_31_march", years=[2024])
    row = table.iloc[0]
    assert row["sn_count"] == 9
    assert row["sn_mean"] == statistics.mean(range(20, 101, 10))
    assert row["sn_median"] == 60
    assert row["rank"] == 10 and row["ranked_of"] == 10 and row["quartile_band"] == "D"
    assert pd.isna(row["change_1y"])


def test_a_benchmark_asked_again_is_the_same_and_a_callers_change_stays_its_own():
    neighbours = reference.statistical_neighbours("E10000003", 2025)["new_la_code"].tolist()
    figures = tiny_figures({"E10000003": 105.0, **{code: float(10 * (i + 1)) for i, code in enumerate(neighbours)}})
    first = benchmark.benchmark_table(figures, "E10000003", "cla_31_march", years=[2024])
    expected = first.copy()
    first.loc[0, "sn_mean"] = -1.0
    again = benchmark.benchmark_table(figures, "E10000003", "cla_31_march", years=range(2024, 2025))
    pd.testing.assert_frame_equal(again, expected)
    other = benchmark.benchmark_table(figures, neighbours[0], "cla_31_march", years=[2024])
    assert other.loc[0, "value"] == 10.0 and other.loc[0, "rank"] == 1      # another authority: its own table


# --- the real releases ------------------------------------------------------------------

def newest_release_values(shared_data, year_from, year_to, column_for):
    """{(year, old_la_code, unit): text} for CLA on 31 March, newest release winning,
    read with the csv module only."""
    found = {}
    for release in ("release_2023", "release_2025"):   # ascending: later overwrites
        path = shared_data / "published" / release / "cla_number_and_rate_per_10k_children.csv"
        with open(path, encoding="utf-8-sig", newline="") as handle:
            for row in csv.DictReader(handle):
                label = row.get("population_type") or row.get("population_count")
                if "31 March" not in label or row["geographic_level"] != "Local authority":
                    continue
                if year_from <= int(row["time_period"]) <= year_to:
                    for unit, column in column_for(row).items():
                        found[(int(row["time_period"]), row["old_la_code"], unit)] = row[column]
    return found


def neighbour_codes(shared_data, old_code, model=2025):
    """The 10 neighbours of ``old_code`` from DfE's own model files; by default the newest
    model (May 2025), which serves every year as in DfE's own tools."""
    if model == 2025:
        with open(shared_data / "reference/statistical_neighbours_2025.csv", encoding="utf-8-sig") as f:
            row = next(r for r in csv.DictReader(f) if r["old_la_code"] == old_code)
            return [row[f"SN_{k}"].strip() for k in range(1, 11)]
    with open(shared_data / "reference/statistical_neighbours_2021.csv", encoding="utf-8-sig") as f:
        row = next(r for r in csv.reader(f) if r and r[0] == old_code)
        return [row[5 + 2 * k] for k in range(10)]


@pytest.mark.integration
@pytest.mark.parametrize("code,old", [("E10000003", "873"), ("E06000031", "874")])
def test_benchmark_of_children_in_care_carries_source_values_and_neighbour_averages(shared_data, code, old):
    pub = published.load(shared_data / "published")
    raw = newest_release_values(shared_data, 2019, 2025, lambda row: {
        "number": "children_count" if "children_count" in row else "number", "rate_per_10000": "rate_per_10000"})
    for unit in ("number", "rate_per_10000"):
        table = benchmark.benchmark_table(pub.figures, code, "cla_31_march", unit, years=range(2019, 2026))
        assert table["time_period"].tolist() == list(range(2019, 2026))
        for row in table.itertuples():
            assert row.value == float(raw[(row.time_period, old, unit)])
            theirs = [float(raw[(row.time_period, n, unit)]) for n in neighbour_codes(shared_data, old)
                      if raw.get((row.time_period, n, unit), "z").replace(".", "").isdigit()]
            assert row.sn_count == len(theirs)
            assert row.sn_mean == pytest.approx(statistics.mean(theirs))
            assert row.sn_median == pytest.approx(statistics.median(theirs))


@pytest.mark.integration
def test_recomputed_rates_agree_with_dfe_for_at_least_95_percent(shared_data):
    pub = published.load([shared_data / "published", shared_data / "reference"])
    ours = benchmark.recompute_rates(pub.figures, pub.population)
    theirs = select(pub.figures, "cla_31_march", "rate_per_10000")
    keys = ["time_period", "geographic_level", "new_la_code"]
    both = ours.merge(theirs, on=keys, suffixes=("_ours", "_dfe"))
    both = both.loc[both["geographic_level"].eq("Local authority") & both["time_period"].between(2021, 2024)
                    & both["value_dfe"].notna()]
    assert len(both) > 550
    share = ((both["value_ours"] - both["value_dfe"]).abs() <= 1).mean()
    print(f"rates within 1 per 10,000 of DfE's: {share:.1%} of {len(both)} authority-years")
    assert share >= 0.95
    assert (both["ci_low"] <= both["value_ours"]).all() and (both["value_ours"] <= both["ci_high"]).all()


def test_an_authority_outside_the_reference_lists_gets_no_neighbours_not_an_error():
    figures = tiny_figures({"E10000003": 5.0})
    table = benchmark.benchmark_table(figures, "E99999999", "cla_31_march", years=[2024])
    assert table["sn_count"].tolist() == [0] and table["value"].isna().all()


def test_an_interval_is_tested_against_englands_share_not_its_rounding():
    """Peterborough, 2024: 9 of 147 children ceasing care left under an SGO (Wilson 95%: 3.3%
    to 11.2%); England's 3,860 of 33,620 is 11.48%, published as 11. Against 11 it would be
    'similar'; against England's share it is lower."""
    from sufficiency_lib.published.figures import figures_frame
    rows = []
    for place, level, part, whole, share in (("E06000031", "Local authority", 9, 147, 6),
                                             ("", "National", 3860, 33620, 11)):
        for breakdown, unit, value in (("Special guardianship orders", "number", part), ("Total", "number", whole),
                                       ("Special guardianship orders", "percent", share)):
            rows.append({"time_period": 2024, "geographic_level": level, "new_la_code": place,
                         "indicator": "cla_ceased", "breakdown_group": "Reason episode ceased",
                         "breakdown": breakdown, "unit": unit, "value": float(value), "status": ""})
    figures = figures_frame(pd.DataFrame(rows))
    table = benchmark.benchmark_table(figures, "E06000031", "cla_ceased", "percent", "Reason episode ceased",
                                      "Special guardianship orders", years=[2024])
    assert table["england"].tolist() == [11.0]                           # the page states DfE's figure
    assert round(table["ci_high"].iloc[0], 1) == 11.2
    assert table["vs_england"].tolist() == ["lower"]
    from sufficiency_lib.statement import narrative          # the page gives England's share to a decimal, and why
    assert ("6%, lower than England (11.5% from DfE's counts, which DfE publishes, rounded, as 11%)"
            in narrative.describe_benchmark(table.iloc[0], "the share", "%"))
    # a share worked out from counts that DfE's own percentage does not round to is not used
    wrong = figures.assign(value=figures["value"].where(~(figures["breakdown"].eq("Total")
                                                          & figures["geographic_level"].eq("National")), 20000.0))
    table = benchmark.benchmark_table(wrong, "E06000031", "cla_ceased", "percent", "Reason episode ceased",
                                      "Special guardianship orders", years=[2024])
    assert table["vs_england"].tolist() == ["similar"]
