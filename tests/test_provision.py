"""Local tables (format and errors) and the provision analysis, on hand-made tables."""
import pandas as pd
import pytest

from sufficiency_lib.local import local_data
from sufficiency_lib.analysis import costs as provision
from sufficiency_lib.config import DEMO_LOCAL_DIR
from sufficiency_lib.vocabulary import PlacementGroup

COSTS = """financial_year,placement_type,provider,weekly_cost_gbp,comparator_weekly_cost_gbp,source
2019/20,Foster care,IFA,800,,statement
2021/22,Foster care,IFA,880,,statement
2021/22,Foster care,In-house,480,450,statement
2021/22,Residential children's home,External,"£4,000.50",,statement
2021/22,All placements (average per child),All,1000,,statement
"""
RISING_PRICES = "financial_year,index\n2019/20,100\n2021/22,102\n"


def _folder(tmp_path, **files):
    for name, text in files.items():
        (tmp_path / f"{name}.csv").write_text(text)
    return tmp_path


def test_costs_are_typed_grouped_and_deflated(tmp_path):
    local = local_data.load(_folder(tmp_path, weekly_costs=COSTS,
                                    deflator="financial_year,index\n2019/20,90\n2021/22,100\n"))
    table = provision.unit_costs(local.get("weekly_costs"), local.get("deflator"))
    ifa = table.loc[table["placement_group"].eq(PlacementGroup.IFA)]
    assert ifa["weekly_cost"].tolist() == [800, 880]
    assert ifa["real_weekly_cost"].tolist() == [pytest.approx(800 * 100 / 90), 880]      # kept whole, rounded shown
    assert table.loc[table["placement_type"].str.startswith("Residential"), "weekly_cost"].item() == 4000.5
    assert table.loc[table["placement_type"].str.startswith("All"), "placement_group"].isna().item()
    change = provision.cost_changes(table).set_index("provider").loc["IFA"]
    assert change["nominal_change_percent"] == pytest.approx(10.0)
    assert change["real_change_percent"] == pytest.approx(-1.0, abs=0.01)


def test_without_a_deflator_real_terms_are_missing(tmp_path):
    table = provision.unit_costs(local_data.load(_folder(tmp_path, weekly_costs=COSTS)).get("weekly_costs"))
    assert table["real_weekly_cost"].isna().all()


def test_cost_of_the_mix_uses_the_newest_cost_up_to_the_year_and_says_what_is_unpriced(tmp_path):
    costs = provision.unit_costs(local_data.load(_folder(tmp_path, weekly_costs=COSTS)).get("weekly_costs"))
    children = pd.Series({PlacementGroup.IFA: 10.0, PlacementGroup.IN_HOUSE: 5.0, "Placed with parents": 3.0})
    mix = provision.mix_cost(children, costs, 2021).set_index("placement_group")
    assert mix.loc[PlacementGroup.IFA, "weekly_cost"] == 800                # 2021/22 is after March 2021
    assert mix.loc[PlacementGroup.IFA, "annual_cost"] == round(10 * 800 * 365 / 7)
    assert pd.isna(mix.loc[PlacementGroup.IN_HOUSE, "weekly_cost"])
    later = provision.mix_cost(children, costs, 2022).set_index("placement_group")
    assert later.loc[PlacementGroup.IN_HOUSE, "annual_cost"] == round(5 * 480 * 365 / 7)
    assert pd.isna(later.loc["Placed with parents", "annual_cost"])


def test_price_matrix_recomputes_averages_and_flags_printed_ones():
    prices = pd.DataFrame({"framework": "F", "lot": ["Lot 1", "Lot 1", "Lot 2", "Lot 2", "Lot 1", "Average", "Average"],
                           "locality": ["A", "B", "A", "B", "Average", "A", "Average"],
                           "weekly_price_gbp": [100.0, 200.0, 300.0, 500.0, 150.0, 201.0, 275.0]})
    matrix, checks = provision.price_matrix(prices)
    assert matrix.loc["Lot 1", "Average"] == 150 and matrix.loc["Average", "A"] == 200
    assert matrix.loc["Average", "Average"] == 275
    assert checks["agrees"].tolist() == [True, False, True]
    assert checks["difference"].tolist() == [0.0, 1.0, 0.0]


def test_fostering_net_gain_funnel_and_saving():
    recruitment = pd.DataFrame({"period": ["2019/20", "2019/20", "2020/21", "2020/21", "2020/21", "2020/21",
                                           "2018/19 to 2020/21"],
                                "measure": ["households_approved", "households_deregistered", "households_approved",
                                            "net_gain_households", "enquiries", "initial_visits",
                                            "target_net_gain_households_per_year"],
                                "value": [30.0, 20.0, 34.0, 15.0, 200.0, 50.0, 24.0]})
    summary = provision.fostering_summary(recruitment).set_index("period")
    assert summary.loc["2020/21", "net_gain_households"] == 15
    assert provision.target_net_gain(recruitment) == 24
    steps = provision.funnel(recruitment)
    assert steps.loc[steps["stage"].eq("initial_visits"), "conversion_percent"].item() == 25
    costs = provision.unit_costs(pd.DataFrame({"financial_year": ["2020/21", "2020/21"],
                                               "placement_type": ["Foster care", "Foster care"],
                                               "provider": ["In-house", "IFA"], "weekly_cost_gbp": [450.0, 850.0]}))
    saving = provision.in_house_saving(costs)
    assert saving["weekly_saving"] == 400 and saving["annual_saving"] == round(400 * 365 / 7)


@pytest.mark.parametrize("text, message", [
    ("financial_year,placement_type,provider\n2020/21,Foster care,IFA\n", "missing column(s) weekly_cost_gbp"),
    ("financial_year,placement_type,provider,weekly_cost_gbp\n2020/21,Foster care,IFA,about 800\n",
     "row 2, column weekly_cost_gbp: value 'about 800' is not an amount in pounds"),
    ("financial_year,placement_type,provider,weekly_cost_gbp\n2020/21,Foster care,IFA,800\n2020/21,Home,Ext,-5\n",
     "row 3, column weekly_cost_gbp: value '-5' is negative"),
    ("financial_year,placement_type,provider,weekly_cost_gbp\n2020-21,Foster care,IFA,800\n",
     "value '2020-21' is not a financial year; write it as 2020/21"),
    ("financial_year,placement_type,provider,weekly_cost_gbp\n2020/21,,IFA,800\n", "column placement_type: empty"),
])
def test_bad_cost_tables_say_file_row_column_value_and_fix(tmp_path, text, message):
    _folder(tmp_path, weekly_costs=text)
    with pytest.raises(local_data.LocalDataError, match=message.replace("(", r"\(").replace(")", r"\)")) as err:
        local_data.load(tmp_path)
    assert "weekly_costs.csv" in str(err.value)


def test_workbook_sheets_are_read_and_a_wrong_sheet_is_named(tmp_path):
    frame = pd.read_csv(pd.io.common.StringIO(COSTS))
    with pd.ExcelWriter(tmp_path / local_data.WORKBOOK) as book:
        frame.to_excel(book, sheet_name="Weekly costs", index=False)
    assert len(local_data.load(tmp_path).get("weekly_costs")) == 5
    with pd.ExcelWriter(tmp_path / local_data.WORKBOOK) as book:
        frame.to_excel(book, sheet_name="Costs 2021", index=False)
    with pytest.raises(local_data.LocalDataError, match="sheet\\(s\\) 'Costs 2021' are not local tables"):
        local_data.load(tmp_path)


def test_missing_tables_are_listed_not_errors(tmp_path):
    local = local_data.load(tmp_path)
    assert local.tables == {} and "weekly_costs" in local.missing
    assert local_data.load(tmp_path / "nowhere").missing == list(local_data.TABLES)


def test_demo_local_data_reads_and_the_printed_framework_averages_disagree():
    local = local_data.load(DEMO_LOCAL_DIR / "E10000003")
    assert {"weekly_costs", "placement_budget", "supported_accommodation_prices", "fostering_recruitment",
            "provider_market", "specialist_cohorts"} <= set(local.tables)
    _, checks = provision.price_matrix(local.get("supported_accommodation_prices"))
    assert len(checks) == 4 and not checks["agrees"].any()
    assert "weekly_costs" in local_data.load(DEMO_LOCAL_DIR / "E06000031").missing


def test_provision_rules_find_rising_ifa_cost_net_gain_short_of_target_and_cost_over_budget(tmp_path):
    from factories import make_facts
    from sufficiency_lib.analysis import findings
    from sufficiency_lib.vocabulary import Area

    _folder(tmp_path, weekly_costs=COSTS, deflator=RISING_PRICES,
            fostering_recruitment=("period,measure,value\n2021/22,net_gain_households,10\n"
                                   "2021/22,target_net_gain_households_per_year,24\n"),
            placement_budget="financial_year,budget,amount_gbp\n2021/22,External placements,100000\n")
    rows = [{"time_period": 2022, "indicator": "cla_31_march", "breakdown_group": "Placement group", "unit": "number",
             "breakdown": breakdown, "value": 10.0} for breakdown in (PlacementGroup.IFA, "Total")]
    facts = make_facts(rows, local=local_data.load(tmp_path))
    found = findings.provision(facts)
    assert [f.area for f in found] == [Area.FOSTERING, Area.FOSTERING, Area.COSTS]
    # £800 at 2019/20's prices is £816 at 2021/22's (index 100 to 102): £880 is 7.8% more
    assert found[0].challenge == "The weekly cost of IFA foster care rose 8% in real terms from 2019/20 to 2021/22."
    assert "£458,857 a year" in found[2].challenge         # 10 x £880 x 365/7


def test_a_rise_in_cash_alone_and_a_budget_years_old_raise_no_challenge(tmp_path):
    """A cash rise says nothing of a rise beyond prices; a budget more than two years older than
    the costs it is set against is not like for like (the page says both)."""
    from factories import make_facts
    from sufficiency_lib.analysis import findings

    _folder(tmp_path, weekly_costs=COSTS,
            placement_budget="financial_year,budget,amount_gbp\n2021/22,External placements,100000\n")
    rows = [{"time_period": year, "indicator": "cla_31_march", "breakdown_group": "Placement group", "unit": "number",
             "breakdown": breakdown, "value": 10.0}
            for breakdown in (PlacementGroup.IFA, "Total") for year in (2022, 2026)]
    local = local_data.load(tmp_path)
    in_2022 = make_facts([r for r in rows if r["time_period"] == 2022], local=local)
    assert [f.area for f in findings.provision(in_2022)] == ["Costs and budget"]    # its own year's budget; no rise
    assert findings.provision(make_facts(rows, local=local)) == []                  # 2026: the budget is 4 years old


def test_provision_chapter_flags_disagreeing_printed_averages_in_its_notes(tmp_path):
    from sufficiency_lib.statement.chapters import provision as chapter

    prices = ("framework,lot,locality,weekly_price_gbp\nF,Lot 1,A,100\nF,Lot 1,B,200\n"
              "F,Lot 1,Average,150\nF,Average,Average,151\n")
    local = local_data.load(_folder(tmp_path, supported_accommodation_prices=prices))

    from types import SimpleNamespace

    from sufficiency_lib.config import Authority
    la = Authority("E99999999", "999", "Toyshire", "E12000006", "East of England", 2025)
    block = chapter.prices_block(SimpleNamespace(name="Toyshire", year=2025, authority=la), local)
    assert "Lot 1 / Average: printed £150.00, recomputed £150.00 (the same)" in block.notes[0]
    assert "Average / Average: printed £151.00, recomputed £150.00 (different)" in block.notes[0]
    assert "Of 2 averages printed in the statements, 1 does not agree" in block.sentences[0]


def test_the_mix_block_prices_every_group_and_leaves_a_suppressed_group_out_of_the_totals():
    """Secure units (3 children) are priced by S251's residential cost, but their cost is hidden
    and kept out of the total, which would otherwise give their number away by difference."""
    from factories import make_facts
    from test_market import frame, rows
    from sufficiency_lib.statement.chapters import provision as chapter
    from sufficiency_lib.vocabulary import Indicator, Unit

    counts = {PlacementGroup.IFA: 10.0, PlacementGroup.SECURE: 3.0, PlacementGroup.SUPPORTED: 20.0}
    facts = make_facts([{"time_period": 2025, "indicator": "cla_31_march", "breakdown_group": "Placement group",
                         "unit": "number", "breakdown": g, "value": v} for g, v in counts.items()])
    figures = frame(rows((2024, Indicator.UNIT_COST_FOSTERING, Unit.GBP_PER_WEEK, 700),
                         (2024, Indicator.UNIT_COST_RESIDENTIAL, Unit.GBP_PER_WEEK, 7000)))
    block = chapter.mix_block(facts, facts.local, figures)
    shown = block.table.frame.set_index("placement_group")
    assert list(shown.index) == list(PlacementGroup.ORDER)
    assert shown.loc[PlacementGroup.SECURE, ["children", "annual_cost", "weekly_cost"]].tolist() == ["c", "c", 7000]
    assert shown.loc[PlacementGroup.SUPPORTED, "cost_source"] == "none fits"
    ifa = round(10 * 700 * 365 / 7)
    assert f"costs about £{ifa:,.0f} a year" in block.sentences[0]          # IFA only: secure is left out
    assert "Groups whose number of children is hidden to protect small numbers are left out of these totals" \
        in block.sentences[1]
    assert "No local or public weekly cost fits Supported accommodation" in block.sentences[2]


def test_a_mix_nothing_prices_says_so_and_a_group_says_why():
    """With no cost that fits any group (a group of councils has no S251 unit cost of its own),
    the mix is not said to cost "about £0 a year"; a group says why none fits."""
    import dataclasses

    from factories import TOYSHIRE, make_facts
    from test_market import frame, rows
    from sufficiency_lib.inputs import Inputs
    from sufficiency_lib.statement.chapters import provision as chapter
    from sufficiency_lib.vocabulary import Indicator, Unit

    facts = make_facts([{"time_period": 2025, "indicator": "cla_31_march", "breakdown_group": "Placement group",
                         "unit": "number", "breakdown": PlacementGroup.IFA, "value": 10.0}])
    no_costs = frame(rows((2024, Indicator.CHILDRENS_HOME_PLACES, Unit.PLACES, 5)))
    block = chapter.mix_block(facts, facts.local, no_costs)
    assert block.sentences[0] == "No placement group of the mix can be priced at the costs recorded."
    assert "S251 has no unit cost of supported accommodation" in block.sentences[1]
    group = dataclasses.replace(facts, inputs=Inputs(TOYSHIRE, members=(Inputs(TOYSHIRE), Inputs(TOYSHIRE))))
    said = chapter.mix_block(group, group.local, no_costs).sentences
    assert said[0] == block.sentences[0] and "S251's unit costs are each council's own, not a group's" in said[1]


def test_a_group_is_set_beside_its_region_and_england_with_no_neighbours_columns():
    import dataclasses

    from factories import TOYSHIRE, make_facts
    from sufficiency_lib.inputs import Inputs
    from sufficiency_lib.statement.chapters import common
    from sufficiency_lib.statement.chapters.provision_market import SPEND_COLUMNS

    facts = make_facts([])
    group = dataclasses.replace(facts, inputs=Inputs(TOYSHIRE, members=(Inputs(TOYSHIRE), Inputs(TOYSHIRE))))
    assert facts.comparators() == "its statistical neighbours, region and England"
    assert group.comparators(average=True) == group.comparators() == "its region and England"
    shown = {c.name for c in common.compared_columns(group, SPEND_COLUMNS) if c.show}
    assert "sn_mean_per_child" not in shown and {"region_per_child", "england_per_child"} <= shown
    assert common.compared_columns(facts, SPEND_COLUMNS) == SPEND_COLUMNS


def test_a_cost_rise_recorded_years_before_the_statement_says_how_old_it_is(tmp_path):
    from factories import make_facts
    from sufficiency_lib.analysis import findings

    _folder(tmp_path, weekly_costs=COSTS, deflator=RISING_PRICES)
    rows = [{"time_period": 2026, "indicator": "cla_31_march", "breakdown_group": "Placement group", "unit": "number",
             "breakdown": breakdown, "value": 10.0} for breakdown in (PlacementGroup.IFA, "Total")]
    found = findings.provision(make_facts(rows, local=local_data.load(tmp_path)))
    assert found[0].challenge == ("The weekly cost of IFA foster care rose 8% in real terms from 2019/20 to 2021/22. "
                                  "This rests on the figure for 2022, 4 years before 2026: newer figures may differ.")
