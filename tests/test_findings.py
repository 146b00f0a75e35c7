"""Summary-of-findings rules and the actions file."""
import pandas as pd
import pytest

from sufficiency_lib.local import actions
from sufficiency_lib.ssda903 import codes
from sufficiency_lib.analysis import findings, metrics
from sufficiency_lib.statement.chapters.common import Context
from sufficiency_lib.config import Authority


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


class _Ledger:
    def reconciliation(self):
        return pd.DataFrame({"table": ["episodes"], "quarantined": [3]})


class _Result:
    ledger = _Ledger()


class _Data:
    result = _Result()
    source = "synthetic SSDA903 return"


def _context(shares: dict[str, dict[int, float]], published=None) -> Context:
    """Figures whose Placement group shares are ``shares`` (percent of 100 children)."""
    rows = []
    for year in sorted({y for s in shares.values() for y in s}):
        rows.append({"time_period": year, "indicator": "cla_31_march", "breakdown_group": "Placement group",
                     "breakdown": "Total", "unit": "number", "value": 100.0})
        for group, by_year in shares.items():
            for unit in ("number", "percent"):
                rows.append({"time_period": year, "indicator": "cla_31_march", "breakdown_group": "Placement group",
                             "breakdown": group, "unit": unit, "value": by_year[year]})
    la = Authority("E99999999", "999", "Toyshire", "E12000006", "East of England", 2023)
    years = sorted({r["time_period"] for r in rows})
    return Context(la, years[-1], _Data(), pd.DataFrame(rows), years, published)


def test_placement_rules_find_falling_in_house_and_rising_residential():
    ctx = _context({codes.IN_HOUSE_FOSTER: {2021: 30, 2022: 28, 2023: 25},
                    codes.IFA_FOSTER: {2021: 40, 2022: 41, 2023: 41},
                    "Residential children's homes": {2021: 8, 2022: 9, 2023: 11},
                    codes.SUPPORTED_16_PLUS: {2021: 10, 2022: 10, 2023: 10}})
    found = findings.placements(ctx)
    assert [f.area for f in found] == [findings.FOSTERING, findings.RESIDENTIAL]
    assert found[0].challenge == ("The share of children in in-house foster care fell 5 percentage points, "
                                  "from 30% in 2021 to 25% in 2023.")


def test_a_suppressed_share_is_not_read_by_the_rules():
    # 3 children (suppressed) -> the 2023 share is missing, so only two years are known
    ctx = _context({codes.IN_HOUSE_FOSTER: {2021: 30, 2022: 28, 2023: 3}})
    assert findings.placements(ctx) == []


def test_data_quality_rule_reports_quarantined_rows():
    ctx = _context({codes.IN_HOUSE_FOSTER: {2021: 30}})
    assert findings.data_quality(ctx)[0].challenge.startswith("3 rows of the return were quarantined")


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


def test_uasc_rule_uses_the_ceiling(monkeypatch):
    ctx = _context({codes.IN_HOUSE_FOSTER: {2023: 30}})
    ctx.authority = Authority("E99999999", "999", "Toyshire", "E12000006", "East of England", 2023,
                              population_0_17={2022: 100_000})
    monkeypatch.setattr(findings, "suppressed_value", lambda *a, **k: 95.0)
    assert "at or near the National Transfer Scheme ceiling of 100" in findings.uasc(ctx)[0].challenge
    monkeypatch.setattr(findings, "suppressed_value", lambda *a, **k: 80.0)
    assert findings.uasc(ctx) == []


def test_actions_file_for_the_year_or_the_newest_before(tmp_path):
    (tmp_path / "actions_2021.yaml").write_text(
        "authority: E1\nyear: 2021\nareas:\n  - area: Fostering\n    actions: [Recruit, Train]\n    impact: More\n")
    got = actions.load(tmp_path, 2023, "E1")
    assert got.year == 2021 and got.table.to_dict("list") == {
        "area": ["Fostering"], "actions": ["Recruit; Train"], "impact": ["More"]}
    assert "as recorded for 2021" in got.note(2023)
    assert actions.load(tmp_path, 2020).path is None
    assert "No actions file" in actions.load(tmp_path, 2020).note(2020)


@pytest.mark.parametrize("text, message", [
    ("authority: E2\nareas: []\n", "for authority E2"),
    ("areas: {a: 1}\n", "expected a list under 'areas:'"),
    ("areas:\n  - actions: [x]\n", "area number 1 has no 'area:' name"),
    ("areas: [\n", "not valid YAML"),
])
def test_bad_actions_files_say_what_to_fix(tmp_path, text, message):
    (tmp_path / "actions_2021.yaml").write_text(text)
    with pytest.raises(actions.ActionsError, match=message):
        actions.load(tmp_path, 2021, "E1")


def test_demo_actions_file_reads():
    from sufficiency_lib.config import DEMO_LOCAL_DIR
    got = actions.load(DEMO_LOCAL_DIR / "E10000003", 2025, "E10000003")
    assert got.year == 2021 and findings.FOSTERING in set(got.table["area"])
    assert metrics.UASC  # the areas the rules use are importable constants


def test_summary_table_with_no_challenges_lists_the_recorded_actions():
    recorded = pd.DataFrame({"area": ["Fostering"], "actions": ["Recruit."], "impact": ["More carers."]})
    table = findings.summary_table([], recorded)
    assert table["Challenges and gaps found"].tolist() == ["No challenge detected from the figures."]
    assert findings.summary_table([], recorded.iloc[:0]).empty


def test_forecast_rules_flag_rises_the_intervals_support_and_demand_over_capacity():
    from sufficiency_lib.statement.chapters.forecast import CLA, RATE
    years = [2023, 2024, 2025]
    series = {CLA: pd.Series([90.0, 95, 100], index=years), RATE: pd.Series([50.0, 60, 70], index=years),
              "Supported accommodation": pd.Series([40.0, 45, 50], index=years),
              "Residential children's homes": pd.Series([20.0, 20, 20], index=years)}
    rows = [(CLA, 106, 90, 120), (RATE, 90, 80, 100), ("Supported accommodation", 60, 55, 66),
            ("Residential children's homes", 23, 18, 28)]
    forecasts = pd.DataFrame([{"series": s, "method": "drift", "time_period": 2028, "mean": m, "lower_80": lo,
                               "upper_80": hi} for s, m, lo, hi in rows])
    gap = pd.DataFrame({"time_period": [2027, 2028], "placement_group": ["In-house foster care"] * 2,
                        "gap": [0.2, 7.0]})
    found = findings.forecast_rules(None, forecasts, series, gap)
    assert [f.challenge for f in found] == [
        "The number of children looked after is projected to rise 6% from 100 to 106 by 31 March 2028 "
        "(80% interval 90 to 120).",
        "The number of children in supported accommodation is projected to rise 20% from 50 to 60 by 31 March 2028 "
        "(80% interval 55 to 66).",
        "Projected demand for In-house foster care exceeds capacity by 7 places in 2028."]
    assert [f.area for f in found] == [findings.FORECAST, findings.FORECAST, findings.GAP]
    hidden = pd.Series({CLA: "100", "Supported accommodation": "c"})       # suppressed on the placements page
    assert len(findings.forecast_rules(None, forecasts, series, None, hidden)) == 1
