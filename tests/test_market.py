"""The market, capacity and money from public data (analysis.market), the cost of the mix for
every placement group, and the sufficiency gap: hand-made figures for the rules, and the
real Ofsted and LAIT files, counted here with the csv module, for the demo authorities."""
from __future__ import annotations

import csv
from decimal import ROUND_HALF_UP, Decimal
import math
import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from factories import TOYSHIRE, make_facts
from sufficiency_lib.analysis import costs, demand, findings, market
from sufficiency_lib.local.local_data import LocalData
from sufficiency_lib.published.figures import figures_frame
from sufficiency_lib.vocabulary import TOTAL, Area, Indicator, PlacementGroup, Unit

CODE = TOYSHIRE.new_la_code
SECTOR = "Sector"


def rows(*specs, code=CODE, level="Local authority") -> list[dict]:
    """Figure rows from (year, indicator, unit, value[, sector]) tuples."""
    out = []
    for spec in specs:
        year, indicator, unit, value, *sector = spec
        out.append({"time_period": year, "geographic_level": level, "new_la_code": code if level != "National" else "",
                    "region_code": "E12000006" if level != "National" else "", "indicator": indicator,
                    "breakdown_group": SECTOR if sector else TOTAL, "breakdown": sector[0] if sector else TOTAL,
                    "unit": unit, "value": float(value), "status": "", "source": f"test file {year}.csv"})
    return out


def frame(records: list[dict]) -> pd.DataFrame:
    out = figures_frame(pd.DataFrame(records).assign(unit="number"))
    out["unit"] = [r["unit"] for r in records]            # Ofsted and LAIT units are not in figures.UNITS yet
    return out


def homes(year=2023, code=CODE):
    """12 homes, 57 places (local authority 8, private 49), 8 short-break places (local authority),
    4 secure places, 29 places in residential special schools registered as children's homes."""
    return rows((year, Indicator.CHILDRENS_HOME_PLACES, Unit.PLACES, 57),
                (year, Indicator.CHILDRENS_HOME_PLACES, Unit.PLACES, 8, "Local authority"),
                (year, Indicator.CHILDRENS_HOME_PLACES, Unit.PLACES, 49, "Private"),
                (year, Indicator.CHILDRENS_HOME_PLACES, Unit.PLACES, 0, "Voluntary"),
                (year, Indicator.SHORT_BREAK_HOME_PLACES, Unit.PLACES, 8),
                (year, Indicator.SHORT_BREAK_HOME_PLACES, Unit.PLACES, 8, "Local authority"),
                (year, Indicator.SECURE_HOME_PLACES, Unit.PLACES, 4),
                (year, Indicator.SECURE_HOME_PLACES, Unit.PLACES, 4, "Local authority"),
                (year, Indicator.RSS_HOME_PLACES, Unit.PLACES, 29),
                (year, Indicator.RSS_HOME_PLACES, Unit.PLACES, 29, "Private"), code=code)


# --- capacity and the gap, on hand-made figures -------------------------------------------

def test_public_capacity_takes_short_breaks_out_and_dual_registered_schools_in():
    figures = frame(homes() + rows((2022, Indicator.INHOUSE_FOSTER_PLACES, Unit.PLACES, 200),
                                   (2024, Indicator.INHOUSE_FOSTER_PLACES, Unit.PLACES, 240)))
    found = market.public_capacity(figures, CODE, 2025).set_index("placement_group")
    assert found.loc[PlacementGroup.IN_HOUSE, ["year", "places"]].tolist() == [2024, 240]
    assert found.loc[PlacementGroup.CHILDRENS_HOMES, "places"] == 57 - 8 + 29
    assert found.loc[PlacementGroup.CHILDRENS_HOMES, "Local authority|places"] == 0        # 8 less 8 short-break
    assert found.loc[PlacementGroup.CHILDRENS_HOMES, "Private|places"] == 49 + 29
    assert found.loc[PlacementGroup.SECURE, "places"] == 4
    assert "less 8 in short-break-only homes, plus 29" in found.loc[PlacementGroup.CHILDRENS_HOMES, "basis"]
    # a page of 2023 reads the in-house places of 2022, not of 2024
    assert market.public_capacity(figures, CODE, 2023).set_index("placement_group").loc[
        PlacementGroup.IN_HOUSE, "places"] == 200


def test_an_authority_ofsted_did_not_count_has_no_home_places_rather_than_missing_ones():
    """Cumberland was formed in April 2023, after Ofsted's count at 31 March 2023 (which
    names Cumbria): other authorities' count of that year is no count of its places, so it
    gets no children's home or secure row (it read "nan places (local authority nan, ...)");
    an authority counted with none has its 0 places."""
    newcomer = "E06000063"
    figures = frame(homes() + rows((2024, Indicator.INHOUSE_FOSTER_PLACES, Unit.PLACES, 290), code=newcomer)
                    + rows((2023, Indicator.CHILDRENS_HOME_PLACES, Unit.PLACES, 0),
                           (2023, Indicator.SECURE_HOME_PLACES, Unit.PLACES, 0), code="E09000001"))
    found = market.public_capacity(figures, newcomer, 2025)
    assert found["placement_group"].tolist() == [PlacementGroup.IN_HOUSE]
    none_here = market.public_capacity(figures, "E09000001", 2025).set_index("placement_group")
    assert none_here.loc[[PlacementGroup.CHILDRENS_HOMES, PlacementGroup.SECURE], "places"].tolist() == [0, 0]


def test_in_house_capacity_is_approved_places_with_the_places_filled_as_the_lower_bound():
    """240 places approved and 140 filled: the places a child could use lie between the two
    (Ofsted does not publish, by authority, how many empty places are vacant and how many not
    available); a year with no filled figure says so and keeps the approved places."""
    figures = frame(rows((2023, Indicator.INHOUSE_FOSTER_PLACES, Unit.PLACES, 230),
                         (2024, Indicator.INHOUSE_FOSTER_PLACES, Unit.PLACES, 240),
                         (2024, Indicator.INHOUSE_FOSTER_PLACES_FILLED, Unit.PLACES, 140)))
    in_house = market.public_capacity(figures, CODE, 2025).set_index("placement_group").loc[PlacementGroup.IN_HOUSE]
    assert (in_house["places"], in_house["places_filled"], in_house["places_named"]) == (240, 140, "places approved")
    assert "lie between the 140 filled (a lower bound) and the 240 approved (an upper bound)" in in_house["basis"]
    earlier = market.public_capacity(figures, CODE, 2023).set_index("placement_group").loc[PlacementGroup.IN_HOUSE]
    assert earlier["places"] == 230 and np.isnan(earlier["places_filled"])
    assert "does not publish the places filled" in earlier["basis"]


def test_the_gap_says_what_the_places_are_and_never_calls_shared_places_enough():
    """Places in the area are every authority's: the sentence gives the share the projected
    children would fill if all were placed there; in-house demand between the places filled and
    approved is said to be so; 0 places are said as none, not as a share."""
    from sufficiency_lib.statement.chapters import gap as gap_chapter
    figures = frame(homes() + rows((2024, Indicator.INHOUSE_FOSTER_PLACES, Unit.PLACES, 240),
                                   (2024, Indicator.INHOUSE_FOSTER_PLACES_FILLED, Unit.PLACES, 140)))
    end = 2025 + demand.HORIZON
    gap = demand.demand_against_capacity(projected({PlacementGroup.CHILDRENS_HOMES: (39.0, 30, 50),
                                                    PlacementGroup.IN_HOUSE: (150.0, 130, 170),
                                                    PlacementGroup.SECURE: (0.0, 0, 0)}, years=(end,)),
                                         market.capacity(figures, CODE, 2025))
    facts = make_facts([], published=None)
    sentence = gap_chapter.gap_block(facts, _outlook(gap, 2025)).sentences[0]
    assert ("In-house foster care, 150 children projected (80% interval 130 to 170): 10 more than the 140 children its "
            "own carers looked after at 31 March 2024, within the 240 places approved; whether the 100 approved "
            "places then empty could take them is not published") in sentence
    assert ("Residential children's homes, 39 children projected (80% interval 30 to 50): placed all in the area, "
            "they would fill 50% of its 78 places (2023)") in sentence
    assert "Secure units, 0 children projected (80% interval 0 to 0), against 4 places in the area (2023)" in sentence
    assert "enough for" not in sentence and " 0% of" not in sentence
    fewer = demand.demand_against_capacity(projected({PlacementGroup.IN_HOUSE: (120.0, 100, 140)}, years=(end,)),
                                           market.capacity(figures, CODE, 2025))
    assert "within the 140 children its own carers looked after at 31 March 2024 (240 places approved)" in \
        gap_chapter.gap_block(facts, _outlook(fewer, 2025)).sentences[0]


def projected(groups: dict[str, tuple[float, float, float]], years=(2026, 2027)) -> pd.DataFrame:
    total = tuple(sum(parts) for parts in zip(*groups.values())) if groups else (0, 0, 0)
    return pd.DataFrame([{"time_period": y, "group": g, "mean": m, "lower_80": lo, "upper_80": hi}
                         for y in years for g, (m, lo, hi) in {**groups, TOTAL: total}.items()])


def test_gap_is_capacity_less_demand_and_a_group_without_places_says_so():
    capacity = market.capacity(frame(homes()), CODE, 2025)
    gap = demand.demand_against_capacity(projected({PlacementGroup.CHILDRENS_HOMES: (90.0, 70, 110),
                                                    PlacementGroup.SUPPORTED: (60.0, 50, 70),
                                                    PlacementGroup.SECURE: (2.0, 0, 4)}), capacity, threshold=6)
    homes_ = gap.loc[gap["placement_group"].eq(PlacementGroup.CHILDRENS_HOMES)].iloc[0]
    assert (homes_["capacity"], homes_["gap"], homes_["beyond_capacity"]) == (78, -12, 12)
    assert homes_["share_met"] == pytest.approx(78 / 90 * 100)
    assert (homes_["demand_lower_80"], homes_["demand_upper_80"]) == (70, 110)
    supported = gap.loc[gap["placement_group"].eq(PlacementGroup.SUPPORTED)].iloc[0]
    assert supported["basis"] == "no public capacity figure" and np.isnan(supported["capacity"])
    assert np.isnan(supported["gap"]) and supported["demand"] == 60
    secure = gap.loc[gap["placement_group"].eq(PlacementGroup.SECURE)].iloc[0]
    assert secure["suppressed"] and np.isnan(secure["gap"])           # 2 children: not stated, even as a gap
    assert TOTAL not in set(gap["placement_group"])
    assert gap["placement_group"].tolist()[:2] == [PlacementGroup.CHILDRENS_HOMES] * 2    # the statement's order


def test_a_local_capacity_table_wins_for_its_years_and_its_planned_places_count_from_their_year():
    local = pd.DataFrame({"year": [2026, 2027], "placement_group": [PlacementGroup.CHILDRENS_HOMES] * 2,
                          "places": [20.0, 30.0]})
    figures = frame(homes() + rows((2024, Indicator.INHOUSE_FOSTER_PLACES, Unit.PLACES, 240)))
    capacity = market.capacity(figures, CODE, 2025, local)
    gap = demand.demand_against_capacity(projected({PlacementGroup.CHILDRENS_HOMES: (25.0, 20, 30),
                                                    PlacementGroup.IN_HOUSE: (200.0, 180, 220)},
                                                   years=(2026, 2027)), capacity)
    by = gap.set_index(["placement_group", "time_period"])
    assert by.loc[(PlacementGroup.CHILDRENS_HOMES, 2026), ["capacity", "gap"]].tolist() == [20, -5]
    assert by.loc[(PlacementGroup.CHILDRENS_HOMES, 2027), ["capacity", "gap"]].tolist() == [30, 5]
    assert by.loc[(PlacementGroup.CHILDRENS_HOMES, 2027), "capacity_local"]
    assert by.loc[(PlacementGroup.IN_HOUSE, 2026), ["capacity", "capacity_local"]].tolist() == [240, False]
    facts = make_facts([], published=None, local=LocalData({"capacity": local}))
    outlook = _outlook(gap, 2025)
    found = findings.forecast_rules(facts, outlook)
    assert [f.challenge for f in found if f.area == Area.GAP] == [
        "Projected demand for residential children's homes exceeds the 20 places in the local capacity table at "
        "31 March 2026 by 5 children in 2026."]


@settings(max_examples=60, deadline=None)
@given(st.floats(0, 400), st.floats(0, 400))
def test_the_share_met_and_the_children_beyond_the_places_add_up(mean, places):
    local = pd.DataFrame({"year": [2025], "placement_group": [PlacementGroup.IFA], "places": [places]})
    gap = demand.demand_against_capacity(projected({PlacementGroup.IFA: (mean, 0, 0)}, years=(2026,)),
                                         market.capacity(None, CODE, 2025, local)).iloc[0]
    whole = float(Decimal(repr(mean)).quantize(Decimal(1), rounding=ROUND_HALF_UP))   # whole children, halves up
    assert gap["demand"] == whole
    assert gap["gap"] == pytest.approx(places - whole)
    assert gap["beyond_capacity"] == pytest.approx(max(whole - places, 0))
    assert 0 <= gap["share_met"] <= 100
    assert gap["share_met"] / 100 * whole + gap["beyond_capacity"] == pytest.approx(whole)


def test_a_half_child_short_is_one_short_everywhere_and_none_projected_is_all_met():
    """11.5 projected against 11 places is stated as 12 against 11: short by 1 in the table,
    the findings and the sentences alike; 0.3 projected is 0 children, all of it met."""
    local = pd.DataFrame({"year": [2025, 2025], "placement_group": [PlacementGroup.CHILDRENS_HOMES,
                                                                    PlacementGroup.IN_HOUSE], "places": [11.0, 4.0]})
    gap = demand.demand_against_capacity(projected({PlacementGroup.CHILDRENS_HOMES: (11.5, 9.5, 14.5),
                                                    PlacementGroup.IN_HOUSE: (0.3, 0.0, 1.0)}, years=(2026,)),
                                         market.capacity(None, CODE, 2025, local))
    homes_, in_house = gap.set_index("placement_group").loc[[PlacementGroup.CHILDRENS_HOMES, PlacementGroup.IN_HOUSE]] \
        .itertuples()
    assert (homes_.demand, homes_.demand_lower_80, homes_.demand_upper_80, homes_.gap) == (12, 10, 15, -1)
    assert (in_house.demand, in_house.share_met, in_house.gap) == (0, 100, 4)
    facts = make_facts([], published=None, local=LocalData({"capacity": local}))
    found = findings.forecast_rules(facts, _outlook(gap, 2025))
    assert [f.challenge for f in found if f.area == Area.GAP] == [
        "Projected demand for residential children's homes exceeds the 11 places in the local capacity table at "
        "31 March 2025 by 1 child in 2026."]
    from sufficiency_lib.statement.chapters import gap as gap_chapter
    sentences = " ".join(gap_chapter.gap_block(facts, _outlook(gap, 2025)).sentences)
    assert "Residential children's homes, by 1 in 2026" in sentences and "nan" not in sentences


def _outlook(gap: pd.DataFrame, year: int) -> demand.Outlook:
    """An outlook holding only a gap (what the gap block and the gap rule read)."""
    empty = pd.DataFrame()
    return demand.Outlook(year=year, history={}, forecasts=pd.DataFrame(columns=["series", "time_period"]),
                          track=empty, methods=empty, chain=None, projected=empty, latest=pd.Series(dtype=object),
                          scenarios=empty, priced=False, gap=gap, check=None)


# --- the cost of the mix ------------------------------------------------------------------

def test_every_placement_group_is_priced_locally_else_by_the_s251_cost_that_fits_else_said_to_have_none():
    figures = frame(rows((2023, Indicator.UNIT_COST_FOSTERING, Unit.GBP_PER_WEEK, 600),
                         (2024, Indicator.UNIT_COST_FOSTERING, Unit.GBP_PER_WEEK, 700),
                         (2024, Indicator.UNIT_COST_RESIDENTIAL, Unit.GBP_PER_WEEK, 6000),
                         (2024, Indicator.UNIT_COST_CLA, Unit.GBP_PER_WEEK, 1500)))
    public = market.public_unit_costs(figures, CODE, 2025)
    assert PlacementGroup.SUPPORTED not in set(public["placement_group"])      # the all-CLA average is not its cost
    assert 1500 not in set(public["weekly_cost"])
    local = costs.unit_costs(pd.DataFrame({"financial_year": ["2023/24"], "placement_type": ["Foster care"],
                                           "provider": ["IFA"], "weekly_cost_gbp": [900.0]}))
    children = pd.Series({g: 10.0 for g in PlacementGroup.ORDER})
    mix = costs.mix_cost(children, local, 2025, public).set_index("placement_group")
    assert mix.loc[PlacementGroup.IFA, ["weekly_cost", "cost_source", "cost_year"]].tolist() == [
        900, costs.LOCAL_COST, "2023/24"]
    assert mix.loc[PlacementGroup.IN_HOUSE, ["weekly_cost", "cost_year"]].tolist() == [700, "2023/24"]
    assert mix.loc[PlacementGroup.SCHOOLS, "weekly_cost"] == 6000
    assert mix.loc[PlacementGroup.SECURE, "annual_cost"] == round(10 * 6000 * 365 / 7)
    unpriced = mix.loc[mix["weekly_cost"].isna()].index.tolist()
    assert unpriced == [PlacementGroup.ADOPTION, PlacementGroup.PARENTS, PlacementGroup.SUPPORTED,
                        PlacementGroup.OTHER_RESIDENTIAL, PlacementGroup.OTHER]
    assert set(mix.loc[unpriced, "cost_source"]) == {""} and len(mix) == len(PlacementGroup.ORDER)


def test_real_terms_use_the_latest_year_of_the_deflator():
    deflator = pd.DataFrame({"financial_year": ["2022/23", "2023/24"], "index": [80.0, 100.0]})
    real, base = costs.real_terms(pd.Series(["2022/23", "2023/24", "2019/20"]), pd.Series([400.0, 500.0, 1.0]),
                                  deflator)
    assert base == "2023/24" and real.tolist()[:2] == [500.0, 500.0] and math.isnan(real.iloc[2])


def test_places_per_10000_children_divide_by_the_population_of_the_year_before():
    figures = frame(rows((2024, Indicator.INHOUSE_FOSTER_PLACES, Unit.PLACES, 240)))
    population = frame(rows((2023, "population_0_17", "population", 60_000), (2024, "population_0_17",
                                                                              "population", 1)))
    rate = market.per_child(figures, population, Indicator.INHOUSE_FOSTER_PLACES, Unit.PLACES, Unit.RATE, 10_000)
    assert rate["value"].tolist() == [40.0] and rate["unit"].tolist() == [Unit.RATE]


# --- findings on public figures --------------------------------------------------------------

def published(records):
    class Published:
        figures = frame(records)
        population = frame(rows((2023, "population_0_17", "population", 50_000)))
    return Published()


def test_low_occupancy_is_a_finding_and_an_old_figure_says_its_age():
    records = rows((2024, Indicator.INHOUSE_FOSTER_PLACES_FILLED, Unit.PERCENT, 52.0)) + \
        rows((2024, Indicator.INHOUSE_FOSTER_PLACES_FILLED, Unit.PERCENT, 60.0), level="National")
    recent = make_facts([{"time_period": 2025, "indicator": "x", "unit": "number", "value": 0.0}],
                        published=published(records))
    found = findings.foster_occupancy(recent)
    assert [f.area for f in found] == [Area.FOSTERING]
    assert found[0].challenge.startswith("52% of the places approved with the authority's own foster carers were "
                                         "filled at 31 March 2024, below England (60%)")
    assert "years before" not in found[0].challenge
    later = make_facts([{"time_period": 2028, "indicator": "x", "unit": "number", "value": 0.0}],
                       published=published(records))
    assert findings.foster_occupancy(later)[0].challenge.endswith(
        "This rests on the figure for 2024, 4 years before 2028: newer figures may differ.")
    assert findings.dated(2026, 2024) == "" and "3 years before 2027" in findings.dated(2027, 2024)


def test_falling_in_house_places_and_a_unit_cost_rising_faster_than_englands_are_findings():
    records = rows((2022, Indicator.INHOUSE_FOSTER_PLACES, Unit.PLACES, 300),
                   (2024, Indicator.INHOUSE_FOSTER_PLACES, Unit.PLACES, 270),
                   (2019, Indicator.UNIT_COST_RESIDENTIAL, Unit.GBP_PER_WEEK, 4000),
                   (2024, Indicator.UNIT_COST_RESIDENTIAL, Unit.GBP_PER_WEEK, 8000)) + \
        rows((2019, Indicator.UNIT_COST_RESIDENTIAL, Unit.GBP_PER_WEEK, 4000),
             (2024, Indicator.UNIT_COST_RESIDENTIAL, Unit.GBP_PER_WEEK, 6000), level="National")
    facts = make_facts([{"time_period": 2025, "indicator": "x", "unit": "number", "value": 0.0}],
                       published=published(records))
    fell = findings.falling_foster_places(facts)
    assert [f.challenge for f in fell] == ["Places approved with the authority's own foster carers fell 10%, from "
                                           "300 at 31 March 2022 to 270 at 31 March 2024."]
    rose = findings.public_cost_rise(facts)
    assert [f.challenge for f in rose] == ["The S251 weekly unit cost of residential care rose 100% in cash terms "
                                           "from 2018/19 to 2023/24 (£4,000 to £8,000 a week), against 50% for "
                                           "England."]
    assert findings.market_rules in findings.RULES["provision"]


# --- the real files: Ofsted and LAIT counted here with the csv module -------------------------

DEMO = {"E10000003": "Cambridgeshire", "E06000031": "Peterborough"}


def ofsted_2023(shared_data, name: str) -> dict[str, tuple[int, int]]:
    """Homes and places in ``name`` at 31 March 2023 by kind, read with the csv module: the
    header is the row starting 'Web link,URN'; kinds by the provision type's words."""
    with open(shared_data / "ofsted/providers_at_31_march_2023.csv", encoding="utf-8-sig", newline="") as handle:
        lines = list(csv.reader(handle))
    at = next(i for i, row in enumerate(lines) if row[:2] == ["Web link", "URN"])
    records = [dict(zip(lines[at], row)) for row in lines[at + 1:]]
    counts: dict[str, list[int]] = {}
    for record in records:
        if record["Local authority"] != name:
            continue
        kind = re.sub(r"[^a-z ]", "", record["Provision type"].lower().replace("’", "'"))
        kind = ("secure" if kind.startswith("secure") else "rss" if kind.startswith("residential special school") and
                "childrens home" in kind else "home" if kind.startswith("childrens home") else None)
        if kind:
            count = counts.setdefault(kind, [0, 0])
            count[0] += 1
            count[1] += int(record["Places"])
    return {k: tuple(v) for k, v in counts.items()}


def lait_places(shared_data, old_code: str) -> dict[tuple[str, int], float]:
    with open(shared_data / "lait/lait_finance_and_foster_capacity_long.csv", encoding="utf-8-sig",
              newline="") as handle:
        return {(r["Short Desc"], int(r["Years"])): float(r["Values"]) for r in csv.DictReader(handle)
                if r["Short Desc"].startswith("Number_Foster_Places") and r["LA Number"] in (old_code, f"{old_code}.0")}


@pytest.fixture(scope="module")
def pages():
    """The provision chapter of both demo authorities for 2025, built from their facts."""
    from sufficiency_lib import inputs
    from sufficiency_lib.analysis import facts as facts_mod
    from sufficiency_lib.published import store
    from sufficiency_lib.statement.chapters import provision
    published = store.load()
    built = {}
    for code in DEMO:
        resolved = inputs.resolve(code)
        if not resolved.return_dir.is_dir():
            pytest.skip(f"{resolved.return_dir}: the demo's synthetic return is not made yet (run a render once)")
        facts = facts_mod.load(resolved, 2025, published)
        built[code] = (facts, provision.build(facts, findings.detect(facts, "provision")))
    return built


@pytest.mark.integration
@pytest.mark.parametrize("code, expected", [("E10000003", {"home": (27, 144), "rss": (1, 29)}),
                                            ("E06000031", {"home": (12, 57), "secure": (1, 4)})])
def test_the_chapter_counts_the_homes_in_the_area_as_ofsteds_2023_file_lists_them(shared_data, pages, code,
                                                                                    expected):
    counted = ofsted_2023(shared_data, DEMO[code])
    assert counted == expected                         # the numbers, by this test's own count
    facts, chapter = pages[code]
    table = chapter.blocks["homes"].table
    shown = table.frame.set_index("provision")
    assert set(table.frame["time_period"]) == {2023}   # the latest Ofsted year up to 2025, and it says so
    assert chapter.blocks["homes"].sentences[0].startswith("At 31 March 2023, 2 years before the statement's year")
    assert tuple(shown.loc["Children's homes", ["homes", "places"]]) == counted["home"]
    assert tuple(shown.loc["Secure children's homes", ["homes", "places"]]) == counted.get("secure", (0, 0))
    assert tuple(shown.loc["Residential special schools registered as children's homes", ["homes", "places"]]) == \
        counted.get("rss", (0, 0))
    sectors = [c for c in shown.columns if c.endswith("_places")]
    assert shown.loc["Children's homes", sectors].sum() == counted["home"][1]      # the sectors add up


@pytest.mark.integration
@pytest.mark.parametrize("code, old", [("E10000003", "873"), ("E06000031", "874")])
def test_the_chapter_shows_the_in_house_foster_places_lait_publishes(shared_data, pages, code, old):
    counted = lait_places(shared_data, old)
    facts, chapter = pages[code]
    shown = chapter.blocks["foster_capacity"].table.frame.set_index("time_period")
    assert sorted(shown.index) == [2022, 2023, 2024]
    for year in (2022, 2023, 2024):
        assert shown.loc[year, "approved"] == counted[("Number_Foster_Places(New)", year)]
        assert shown.loc[year, "filled"] == counted[("Number_Foster_Places_Filled(New)", year)]
    assert (code, counted[("Number_Foster_Places(New)", 2024)]) in {("E10000003", 315), ("E06000031", 240)}
    in_house = demand.capacity(facts).set_index("placement_group").loc[PlacementGroup.IN_HOUSE]
    assert (in_house["year"], in_house["places"], in_house["places_filled"]) == (
        2024, counted[("Number_Foster_Places(New)", 2024)], counted[("Number_Foster_Places_Filled(New)", 2024)])


@pytest.mark.integration
@pytest.mark.parametrize("code, old", [("E10000003", "873"), ("E06000031", "874")])
def test_approved_places_per_10000_children_are_rounded_once_from_the_counts(shared_data, pages, code, old):
    """Places LAIT publishes over ONS's children of the mid-year before, rounded once to a tenth,
    halves up: Peterborough's 200 places in 2023 over 54,870 children are 36.4498 per 10,000,
    which a rate stored to hundredths first (36.45) showed as 36.5."""
    from sufficiency_lib.statement import tables as t
    places = lait_places(shared_data, old)
    with open(shared_data / "reference/ons_mid-year_population_estimates_2012_to_2024.csv", newline="") as handle:
        children = {int(r["time_period"]): int(r["population_estimate"]) for r in csv.DictReader(handle)
                    if r["new_la_code"] == code and r["age_group"] == "Children aged 0 to 17 years"}
    table = pages[code][1].blocks["foster_capacity"].table
    column = next(c for c in table.columns if c.name == "per_10000")
    shown = table.frame.set_index("time_period")["per_10000"]
    for year in (2022, 2023, 2024):
        exact = Decimal(int(places[("Number_Foster_Places(New)", year)]) * 10_000) / Decimal(children[year - 1])
        tenths = exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        assert t.display_value(shown[year], column) == str(tenths).removesuffix(".0"), (code, year)


@pytest.mark.integration
def test_peterboroughs_provision_page_shows_the_market_capacity_and_money_not_instructions(pages):
    facts, chapter = pages["E06000031"]
    blocks = [b for b in chapter.blocks.values() if b is not None]
    with_table = [b.key for b in blocks if b.table is not None]
    with_chart = [b.key for b in blocks if b.chart is not None]
    assert {"childrens_homes", "childrens_home_places_rate", "homes_good_or_outstanding", "homes_opened_closed",
            "inhouse_foster_places", "unit_costs", "spending", "placement_mix_cost"} <= set(with_table)
    assert len(with_chart) >= 6
    mix = chapter.blocks["mix_cost"].table.frame.set_index("placement_group")
    assert set(mix.index) == set(PlacementGroup.ORDER)                     # every placement group, priced or not
    assert mix.loc[PlacementGroup.SUPPORTED, "cost_source"] == "none fits"
    assert mix.loc[PlacementGroup.CHILDRENS_HOMES, "cost_source"].startswith("S251 outturn")
    html = "".join(b.to_html() for b in chapter.all_blocks())
    assert "31 March 2023" in html and "2023/24" in html and "<img" in html


@pytest.mark.integration
@pytest.mark.parametrize("code", list(DEMO))
def test_every_row_of_the_gap_table_is_places_less_projected_children(pages, code):
    """The capacity is the real one (public figures, no local capacity table); the projection is
    made up here so the test runs in seconds, not the minutes of the stock-and-flow model."""
    from sufficiency_lib.statement.chapters import gap as gap_chapter
    facts, _ = pages[code]
    assert facts.local.get("capacity") is None
    made_up = projected({g: (150.0 - 10 * i, 140.0 - 10 * i, 160.0 - 10 * i)
                         for i, g in enumerate(PlacementGroup.ORDER)}
                        | {PlacementGroup.SECURE: (2.0, 0, 5)}, years=(2026, 2027, 2028))
    outlook = _outlook(demand.demand_against_capacity(made_up, demand.capacity(facts), facts.threshold), 2025)
    block = gap_chapter.gap_block(facts, outlook)
    shown = block.table.frame
    assert len(shown) == 3 * len(PlacementGroup.ORDER) and block.chart is not None
    known = shown.loc[shown["gap"].map(lambda v: isinstance(v, float))]
    assert len(known) >= 6                              # in-house foster care and children's homes, three years
    for row in shown.itertuples():
        if isinstance(row.gap, float):
            assert row.gap == pytest.approx(float(row.capacity) - float(row.demand), abs=0.051)
        else:                                            # no places known, or a projection not to be stated
            assert row.gap in ("", "c") and (row.capacity == "" or row.demand == "c")
    ees = block.table.ees(facts.authority).set_index(["time_period", "placement_group"])
    assert ees.loc[(2026, PlacementGroup.SUPPORTED), "basis"] == "no public capacity figure"
    assert ees.loc[(2026, PlacementGroup.SECURE), "gap"] == "c"
    homes = ees.loc[(2026, PlacementGroup.CHILDRENS_HOMES)]
    sectors = sum(float(homes[c]) for c in ("local_authority_places", "private_places", "voluntary_places",
                                            "health_authority_places"))
    assert sectors == float(homes["capacity"])
    assert any("open to every authority's children" in s for s in block.sentences)


def test_own_children_filling_the_homes_in_the_area_is_a_sufficiency_gap_finding():
    def facts_with(children: float):
        return make_facts([{"time_period": 2025, "indicator": Indicator.CLA, "breakdown_group": "Placement group",
                            "breakdown": PlacementGroup.CHILDRENS_HOMES, "unit": "number", "value": children}],
                          published=published(homes()))
    assert findings.home_places_pressure(facts_with(50.0)) == []          # 50 of 78 places: 64%
    found = findings.home_places_pressure(facts_with(75.0))                # 75 of 78: 96%
    assert [f.area for f in found] == [Area.GAP]
    assert found[0].challenge.startswith("75 of the authority's children were in residential children's homes at 31 "
                                         "March 2025, against 78 places in children's homes in its area at 31 March "
                                         "2023")
    assert "placed all in the area, they alone would fill 96% of the places, which every authority's children use" in \
        found[0].challenge
    assert findings.home_places_pressure(facts_with(3.0)) == []           # a suppressed count is never stated


@pytest.mark.e2e
@pytest.mark.parametrize("code", list(DEMO))
def test_the_rendered_gap_table_is_places_less_projected_children_on_every_row(code):
    """The real projection (the demo's cached artifact, built when missing), as its CSV says it."""
    from sufficiency_lib import inputs
    from sufficiency_lib.statement import artifact
    folder = artifact.ensure(inputs.resolve(code), 2025)
    with open(folder / "tables" / "forecast" / "sufficiency_gap.csv", encoding="utf-8", newline="") as handle:
        table = list(csv.DictReader(handle))
    assert {r["placement_group"] for r in table} >= {PlacementGroup.IN_HOUSE, PlacementGroup.CHILDRENS_HOMES}
    checked = 0
    for r in table:
        if r["gap"] not in ("x", "c"):
            assert float(r["gap"]) == pytest.approx(float(r["capacity"]) - float(r["demand"]), abs=0.051)
            checked += 1
        elif r["capacity"] == "x":
            assert r["basis"] == "no public capacity figure"
    assert checked >= 6                       # in-house foster care and children's homes, every year


def test_a_return_of_one_year_projects_the_published_types_and_says_why():
    """The stock-and-flow model needs two years of the return: with one, the statement still
    has its forecast and gap (from DfE's placement types), and says what is missing."""
    from sufficiency_lib.analysis.stockflow import StockFlow, TooFewYears
    from sufficiency_lib.statement.chapters import forecast as forecast_chapter
    with pytest.raises(TooFewYears):
        StockFlow.estimate({2025: pd.DataFrame({"CHILD": ["a"], "age_group": ["10 to 15 years"],
                                                 "placement_group": [PlacementGroup.IFA]})})
    facts = make_facts([])
    outlook = _outlook(pd.DataFrame(columns=demand.GAP_COLUMNS), 2025)
    outlook.without_model = "The statement's placement groups are projected from at least two years of the return."
    assert forecast_chapter.groups_block(facts, outlook).sentences == [outlook.without_model]
    assert "at least two years of it" in forecast_chapter.scenarios_block(facts, outlook).sentences[0]


@pytest.mark.integration
def test_an_untested_authority_with_a_one_year_return_gets_every_chapter(shared_data, tmp_path):
    """Norfolk with the shared synthetic 903 files put in a 2025 folder, as a user would: the
    figures are computed (no failure), the groups fall back to DfE's types and say why."""
    import shutil

    from sufficiency_lib import inputs
    from sufficiency_lib.statement import artifact
    from sufficiency_lib.statement.chapters import CHAPTERS
    (tmp_path / "2025").mkdir()
    for csv_file in (shared_data / "ssda903_fake").glob("*.csv"):
        shutil.copy(csv_file, tmp_path / "2025" / csv_file.name)
    facts, outlook, _, chapters = artifact.compute(inputs.resolve("Norfolk", return_dir=tmp_path), 2025)
    assert facts.data is not None and outlook.chain is None and set(chapters) == set(CHAPTERS)
    assert "covers only 2025" in outlook.without_model
    assert set(outlook.gap["placement_group"]) == {PlacementGroup.CHILDRENS_HOMES}


def test_the_gap_hides_the_projections_the_projection_table_hides():
    """A year's groups add up to its total: a small group (3) takes the next smallest (7) with it
    in the projection table, and the gap must not state the 7 either, or 100 - 60 - 30 - 7 gives
    the 3 back."""
    from sufficiency_lib.statement.chapters import forecast as forecast_chapter
    groups = {PlacementGroup.IN_HOUSE: 60.0, PlacementGroup.IFA: 30.0, PlacementGroup.PARENTS: 7.0,
              PlacementGroup.OTHER_RESIDENTIAL: 3.0}
    frame = pd.DataFrame([{"time_period": 2026, "group": g, "mean": m, "lower_80": m - 1, "upper_80": m + 1}
                          for g, m in {**groups, TOTAL: 100.0}.items()])
    gap = demand.demand_against_capacity(frame, None, threshold=6).set_index("placement_group")
    assert gap["suppressed"].to_dict() == {PlacementGroup.IN_HOUSE: False, PlacementGroup.IFA: False,
                                           PlacementGroup.PARENTS: True, PlacementGroup.OTHER_RESIDENTIAL: True}
    hidden = demand.hidden_projections(frame, 6)
    assert frame.loc[hidden, "group"].tolist() == [PlacementGroup.PARENTS, PlacementGroup.OTHER_RESIDENTIAL]
    assert forecast_chapter.hidden_projections is demand.hidden_projections      # one rule for both tables


def test_the_gap_starts_from_the_years_children_as_the_placements_page_shows_them():
    """Where the projection starts is said beside the places (the provision chapter's finding
    reads the same count); a group the placements page suppresses is not stated."""
    from dataclasses import replace

    from sufficiency_lib.statement.chapters import gap as gap_chapter
    figures = frame(homes() + rows((2024, Indicator.INHOUSE_FOSTER_PLACES, Unit.PLACES, 240)))
    gap = demand.demand_against_capacity(projected({PlacementGroup.CHILDRENS_HOMES: (46.0, 37, 56),
                                                    PlacementGroup.IN_HOUSE: (130.0, 115, 145)},
                                                   years=(2025 + demand.HORIZON,)),
                                         market.capacity(figures, CODE, 2025))
    outlook = replace(_outlook(gap, 2025), latest=pd.Series({PlacementGroup.CHILDRENS_HOMES: 51.0,
                                                             PlacementGroup.IN_HOUSE: "c"}, dtype=object))
    sentences = gap_chapter.gap_block(make_facts([], published=None), outlook).sentences
    assert sentences[0] == ("At 31 March 2025, where the projection starts: Residential children's homes, 51 children "
                            "against 78 places in the area (2023).")


@pytest.mark.integration
def test_without_a_return_the_gap_starts_from_dfes_published_count(shared_data):
    """Stockport, with no return: the gap says where the projection starts, from DfE's count of
    children in secure and children's homes at 31 March 2025 (counted here from DfE's file)."""
    import csv

    from sufficiency_lib import inputs
    from sufficiency_lib.statement import artifact
    from sufficiency_lib.statement.chapters import gap as gap_chapter
    path = shared_data / "published" / "release_2025" / "la_cla_on_31_march_by_characteristics_reconstructed.csv"
    with path.open(newline="", encoding="utf-8-sig") as file:
        counted = [int(row["number"]) for row in csv.DictReader(file)
                   if row["new_la_code"] == "E08000007" and row["time_period"] == "2025"
                   and row["cla_group"] == "Placement" and row["characteristic"] == demand.PUBLISHED_HOMES]
    assert len(counted) == 1
    facts, outlook, _, _ = artifact.compute(inputs.resolve("Stockport"), 2025)
    assert facts.data is None
    assert outlook.latest.to_dict() == {PlacementGroup.CHILDRENS_HOMES: float(counted[0])}
    first = gap_chapter.gap_block(facts, outlook).sentences[0]
    assert first.startswith(f"At 31 March 2025, where the projection starts: Residential children's homes, "
                            f"{counted[0]} children against ")


def test_without_a_return_the_start_is_only_said_for_a_year_dfe_published():
    history = {demand.PUBLISHED_HOMES: pd.Series([59.0, 66.0], index=[2024, 2025])}
    assert demand._published_latest(history, 2025).to_dict() == {PlacementGroup.CHILDRENS_HOMES: 66.0}
    assert demand._published_latest(history, 2026).empty
    assert demand._published_latest({}, 2025).empty


@pytest.mark.integration
@pytest.mark.parametrize("code", sorted(DEMO))
def test_the_cost_of_the_mix_hides_every_count_the_placement_mix_hides(pages, code):
    """Cambridgeshire's placement mix hides 'Placed for adoption' (6 children, hidden to protect a
    smaller group); the cost table showed the 6, and its cost a year gave it back too."""
    from sufficiency_lib.statement.chapters.common import composition_shown
    facts, chapter = pages[code]
    shown = composition_shown(facts, "cla_31_march", "Placement group").set_index("breakdown")[str(facts.year)]
    cost = chapter.blocks["mix_cost"].table.frame.set_index("placement_group")
    hidden = [group for group in cost.index if str(shown.get(group, "")).strip() == "c"]
    assert hidden, "the demo's mix hides some group this year"
    for group in hidden:
        assert cost.loc[group, ["children", "annual_cost"]].tolist() == ["c", "c"], (group, cost.loc[group].to_dict())
