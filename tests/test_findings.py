"""Summary-of-findings rules and the actions file."""
import pandas as pd
import pytest

from factories import make_facts
from sufficiency_lib.analysis import findings
from sufficiency_lib.inputs import DEMO_LOCAL_DIR
from sufficiency_lib.local import actions
from sufficiency_lib.vocabulary import Area, PlacementGroup, Uasc


def test_trend_needs_three_years_and_two_points():
    assert findings.trend(pd.Series({2021: 30.0, 2022: 29.0, 2023: 27.6}), rising=False) == (2021, 2023, -2)
    assert findings.trend(pd.Series({2021: 30.0, 2022: 29.0, 2023: 28.6}), rising=False) is None   # 1 point
    assert findings.trend(pd.Series({2022: 30.0, 2023: 20.0}), rising=False) is None               # 2 years
    assert findings.trend(pd.Series({2021: 30.0, 2022: None, 2023: 33.0}), rising=True) is None    # 2 known
    assert findings.trend(pd.Series({2020: 10.0, 2021: 30.0, 2022: None, 2023: 33.0}), rising=True) == (2020, 2023, 23)


def test_gap_is_strict_and_ignores_missing():
    assert findings.gap(10.0, 7.9, above=True) and not findings.gap(10.0, 8.0, above=True)
    assert findings.gap(60.0, 65.0, above=False)
    assert not findings.gap(float("nan"), 1.0, above=True)


def _facts(shares: dict[str, dict[int, float]], published=None, quarantined: int = 3):
    """Facts whose Placement group shares are ``shares`` (percent of 100 children)."""
    rows = []
    for year in sorted({y for s in shares.values() for y in s}):
        rows.append({"time_period": year, "indicator": "cla_31_march", "breakdown_group": "Placement group",
                     "breakdown": "Total", "unit": "number", "value": 100.0})
        for group, by_year in shares.items():
            for unit in ("number", "percent"):
                rows.append({"time_period": year, "indicator": "cla_31_march", "breakdown_group": "Placement group",
                             "breakdown": group, "unit": unit, "value": by_year[year]})
    return make_facts(rows, published, quarantined)


def test_placement_rules_find_falling_in_house_and_rising_residential():
    ctx = _facts({PlacementGroup.IN_HOUSE: {2021: 30, 2022: 28, 2023: 25},
                    PlacementGroup.IFA: {2021: 40, 2022: 41, 2023: 41},
                    "Residential children's homes": {2021: 8, 2022: 9, 2023: 11},
                    PlacementGroup.SUPPORTED: {2021: 10, 2022: 10, 2023: 10}})
    found = findings.placements(ctx)
    assert [f.area for f in found] == [Area.FOSTERING, Area.RESIDENTIAL]
    assert found[0].challenge == ("The share of children in in-house foster care fell 5 percentage points, "
                                  "from 30% in 2021 to 25% in 2023.")


def test_a_suppressed_share_is_not_read_by_the_rules():
    # 3 children (suppressed) -> the 2023 share is missing, so only two years are known
    ctx = _facts({PlacementGroup.IN_HOUSE: {2021: 30, 2022: 28, 2023: 3}})
    assert findings.placements(ctx) == []


def test_data_quality_rule_reports_set_aside_rows_as_an_internal_check():
    ctx = _facts({PlacementGroup.IN_HOUSE: {2021: 30}})
    found = findings.data_quality(ctx)
    assert found[0].challenge.startswith("3 rows of the return were set aside") and found[0].internal
    # a check is for the analyst: it reaches no summary of findings but the data-quality annex's
    assert findings.summary_table(found, pd.DataFrame(columns=["area", "actions", "impact"])).empty


def test_summary_table_joins_actions_by_area_and_keeps_unmatched_ones():
    found = [findings.Finding("Fostering", "A."), findings.Finding("Fostering", "B."), findings.Finding("UASC", "C.")]
    recorded = pd.DataFrame({"area": ["Fostering", "Care leavers"], "actions": ["Recruit.", "House."],
                             "impact": ["More carers.", "Fewer moves."]})
    table = findings.summary_table(found, recorded)
    assert table.to_dict("list") == {
        "Area": ["Fostering", "UASC", "Care leavers"],
        "Challenges and gaps found": ["A. B.", "C.", "No challenge detected from the figures."],
        "Actions required": ["Recruit.", "None recorded.", "House."],
        "Intended impact": ["More carers.", "", "Fewer moves."]}
    only = findings.summary_table(found, recorded, areas=["Fostering"])
    assert only["Area"].tolist() == ["Fostering", "UASC"]


class _Population:
    """Published statistics holding only an ONS population for Toyshire."""

    def __init__(self, mid_year: int, children: int):
        self.population = pd.DataFrame({"time_period": [mid_year], "geographic_level": ["Local authority"],
                                        "new_la_code": ["E99999999"], "value": [float(children)]})


def _uasc(count: int, population) -> list:
    rows = [{"time_period": 2023, "indicator": "cla_31_march", "breakdown_group": "Unaccompanied asylum-seeking "
             "children", "breakdown": "UASC", "unit": "number", "value": float(count)}]
    return findings.uasc(make_facts(rows, published=population))


def test_uasc_rule_uses_the_ceiling_on_the_ons_population_of_the_year_before():
    # 0.1% of 100,000 children (mid-2022, for 31 March 2023) = a ceiling of 100
    assert "at or near the National Transfer Scheme ceiling of 100" in _uasc(95, _Population(2022, 100_000))[0].challenge
    assert _uasc(80, _Population(2022, 100_000)) == []
    # no population for the mid-year before: no ceiling, no finding (never another year's figure)
    assert _uasc(95, _Population(2021, 100_000)) == []


def test_actions_file_for_the_year_or_the_newest_before(tmp_path):
    (tmp_path / "actions_2021.yaml").write_text(
        "authority: E1\nyear: 2021\nareas:\n  - area: Fostering\n    actions: [Recruit, Train]\n    impact: More\n")
    got = actions.load(tmp_path, 2023, "E1")
    assert got.year == 2021 and got.table.to_dict("list") == {
        "area": ["Fostering"], "actions": ["Recruit; Train"], "impact": ["More"]}
    assert got.note(2023) == ("No actions have been recorded for 2023 yet: the actions and intended impact shown "
                              "are those recorded for 2021.")
    assert actions.load(tmp_path, 2020).path is None
    assert "No actions have been recorded for 2020" in actions.load(tmp_path, 2020).note(2020)


@pytest.mark.parametrize("text, message", [
    ("authority: E2\nareas: []\n", "for authority E2"),
    ("areas: {a: 1}\n", "expected a list under 'areas:'"),
    ("areas:\n  - actions: [x]\n", "area number 1 has no 'area:' name"),
    ("areas: [\n", "not valid YAML"),
])
def test_bad_actions_files_say_what_to_fix(tmp_path, text, message):
    (tmp_path / "actions_2021.yaml").write_text(text)
    with pytest.raises(actions.ActionsError, match=message):
        actions.read(tmp_path / "actions_2021.yaml", "E1")


def test_demo_actions_file_reads():
    got = actions.load(DEMO_LOCAL_DIR / "E10000003", 2025, "E10000003")
    assert got.previous.year == 2021 and Area.FOSTERING in set(got.previous.table["area"])
    assert Uasc.YES  # the areas the rules use are importable constants


def test_summary_table_with_no_challenges_lists_the_recorded_actions():
    recorded = pd.DataFrame({"area": ["Fostering"], "actions": ["Recruit."], "impact": ["More carers."]})
    table = findings.summary_table([], recorded)
    assert table["Challenges and gaps found"].tolist() == ["No challenge detected from the figures."]
    assert findings.summary_table([], recorded.iloc[:0]).empty


def _outlook(history, forecasts, gap):
    from sufficiency_lib.analysis.demand import Outlook
    empty = pd.DataFrame()
    return Outlook(2025, history, forecasts, empty, empty, None, empty, pd.Series(dtype=object), empty, False, gap,
                   None)


def test_forecast_rules_flag_rises_the_intervals_support_and_demand_over_capacity():
    from sufficiency_lib.analysis.demand import CLA, RATE
    years = [2023, 2024, 2025]
    history = {CLA: pd.Series([90.0, 95, 100], index=years), RATE: pd.Series([50.0, 60, 70], index=years),
               "Supported accommodation": pd.Series([40.0, 45, 50], index=years),
               "Residential children's homes": pd.Series([20.0, 20, 20], index=years)}
    rows = [(CLA, 106, 90, 120), (RATE, 90, 80, 100), ("Supported accommodation", 60, 55, 66),
            ("Residential children's homes", 23, 18, 28)]
    forecasts = pd.DataFrame([{"series": s, "method": "drift", "time_period": 2028, "mean": m, "lower_80": lo,
                               "upper_80": hi} for s, m, lo, hi in rows])
    # gap = places less projected children: short by 7 in 2028, 0.2 spare in 2027
    gap = pd.DataFrame({"time_period": [2027, 2028], "placement_group": ["In-house foster care"] * 2,
                        "gap": [0.2, -7.0], "capacity": [240.0, 240.0], "capacity_year": [2024, 2024],
                        "places_named": ["places approved"] * 2})
    found = findings.forecast_rules(None, _outlook(history, forecasts, gap))
    assert [f.challenge for f in found] == [
        "The number of children looked after is projected to rise 6% from 100 to 106 by 31 March 2028 "
        "(80% interval 90 to 120).",
        "The number of children in supported accommodation is projected to rise 20% from 50 to 60 by 31 March 2028 "
        "(80% interval 55 to 66).",
        "Projected demand for in-house foster care exceeds the 240 places approved at 31 March 2024 by 7 children in "
        "2028."]
    assert [f.area for f in found] == [Area.FORECAST, Area.FORECAST, Area.GAP]
    # a series with no published latest figure (suppressed: no forecast row) is not stated
    unpublished = forecasts.loc[forecasts["series"].ne("Supported accommodation")]
    assert len(findings.forecast_rules(None, _outlook(history, unpublished, gap.iloc[:0]))) == 1
    # a placement type of a handful of children doubles by chance: 7 -> 15 is no finding
    few = {**history, "Other placements": pd.Series([6.0, 8, 7], index=years)}
    tiny = pd.concat([forecasts, pd.DataFrame([{"series": "Other placements", "method": "drift", "time_period": 2028,
                                                "mean": 15, "lower_80": 15, "upper_80": 68}])])
    assert len(findings.forecast_rules(None, _outlook(few, tiny, gap.iloc[:0]))) == 2


def test_a_page_says_so_where_the_returns_count_and_dfes_differ():
    class _Published:
        def __init__(self, value):
            self.figures = __import__("factories").figures([{"time_period": 2023, "indicator": "cla_31_march",
                                                             "breakdown_group": "Total", "breakdown": "Total",
                                                             "unit": "number", "value": value}])
    rows = [{"time_period": 2023, "indicator": "cla_31_march", "breakdown_group": "Total", "breakdown": "Total",
             "unit": "number", "value": 75.0}]
    assert "The return counts 75 here for 2023 where DfE published 272" in make_facts(
        rows, published=_Published(272.0)).sources_differ("cla_31_march")
    assert make_facts(rows, published=_Published(76.0)).sources_differ("cla_31_march") == ""   # within 2 children


def test_a_page_says_which_share_is_which_where_the_return_and_dfe_round_apart():
    where = {"time_period": 2025, "indicator": "care_leavers_19_21", "breakdown_group": "Accommodation suitability",
             "breakdown": "Accommodation considered suitable"}

    class _Published:
        def __init__(self, count, share):
            self.figures = __import__("factories").figures([{**where, "unit": "number", "value": count},
                                                            {**where, "unit": "percent", "value": share}])
    # 154 of 176 is 87.5%, which a page states as 88%; DfE published 153 children, 87%
    rows = [{**where, "unit": "number", "value": 154.0}, {**where, "unit": "percent", "value": 154 / 176 * 100}]
    args = ("care_leavers_19_21", "Accommodation suitability", "Accommodation considered suitable", 2025, "percent")
    assert make_facts(rows, published=_Published(153.0, 87.0)).sources_differ(*args) == (
        "The council's return gives 88% for 2025 where DfE published 87%: the comparison uses DfE's published "
        "figures, so that every authority is measured the same way.")
    assert make_facts(rows, published=_Published(153.0, 88.0)).sources_differ(*args) == ""       # stated alike
    assert make_facts(rows, published=_Published(153.0, 87.0)).sources_differ(*args[:-1]) == ""  # a count only


def test_a_share_within_chance_of_englands_is_not_raised_as_a_challenge(monkeypatch):
    facts = make_facts([])
    row = pd.Series({"value": 64.0, "england": 69.0, "sn_mean": 64.5, "time_period": 2025,
                     "vs_england": "similar", "vs_neighbours": "similar"})
    monkeypatch.setattr(type(facts), "latest_published", lambda self, *a, **k: row)
    args = ("the share in work", Area.CARE_LEAVERS, "care_leavers_19_21", "Activity", "x", False)
    assert findings._versus(facts, *args) == []
    lower = row.copy()
    lower["vs_england"] = "lower"
    monkeypatch.setattr(type(facts), "latest_published", lambda self, *a, **k: lower)
    assert [f.challenge for f in findings._versus(facts, *args)] == [
        "The share in work was 64% in 2025, below England (69%)."]


def test_a_placement_outside_the_boundary_is_worse_in_the_benchmark_as_in_the_findings():
    """The sufficiency duty is for accommodation within the authority's area: the findings raise a
    share above England as a challenge, so the benchmark must not call it neither better nor worse."""
    from sufficiency_lib.analysis import benchmark
    from sufficiency_lib.vocabulary import Group, Indicator, Locality, Unit
    assert benchmark.polarity_of(Indicator.CLA, Unit.PERCENT, Group.LOCALITY, Locality.OUTSIDE) == "low"
    assert benchmark.polarity_of(Indicator.CLA, Unit.PERCENT, Group.DISTANCE, "Placed more than 20 miles from home") \
        == "low"


def test_one_set_aside_row_is_said_in_the_singular():
    found = findings.data_quality(_facts({PlacementGroup.IN_HOUSE: {2021: 30}}, quarantined=1))
    assert found[0].challenge == ("1 row of the return was set aside and is not in any figure; it is listed in the "
                                  "validation report.")


def test_counts_of_the_return_that_differ_from_dfes_are_a_check_that_says_where_but_not_by_how_much():
    from types import SimpleNamespace

    from factories import figures
    def count(indicator, breakdown, value):
        return {"time_period": 2023, "indicator": indicator, "breakdown_group": "Reason" if breakdown else "Total",
                "breakdown": breakdown or "Total", "unit": "number", "value": float(value)}
    mine = [count("cla_31_march", "", 100), count("cla_ceased", "", 40), count("cla_ceased", "Adopted", 3),
            count("cla_ceased", "Special guardianship order", 12)]
    theirs = [count("cla_31_march", "", 100), count("cla_ceased", "", 42), count("cla_ceased", "Adopted", 5),
              count("cla_ceased", "Special guardianship order", 12)]
    facts = make_facts(mine, published=SimpleNamespace(figures=figures(theirs)))
    found = findings.reconciliation(facts)
    assert [f.internal for f in found] == [True]
    assert found[0].challenge.startswith("2 of the 4 counts computed from the return differ from DfE's published")
    assert "children ceasing to be looked after" in found[0].challenge and "3" not in found[0].challenge
    agreeing = make_facts(mine, published=SimpleNamespace(figures=figures(mine)))
    assert findings.reconciliation(agreeing) == []


def test_a_groups_national_transfer_scheme_ceiling_is_its_members_added_up():
    """Each council's ceiling is its own, rounded to whole children: 0.1% of 37,500 and of
    94,500 children are 38 and 95, 133 together, where 0.1% of the 132,000 together is 132."""
    from types import SimpleNamespace
    def council(children):
        return SimpleNamespace(members=[], population_0_17=lambda year: children)
    group = SimpleNamespace(members=[council(37_500), council(94_500)])
    assert findings.nts_ceiling(group, 2024) == 38 + 95
    assert findings.nts_ceiling(council(37_500), 2024) == 38
