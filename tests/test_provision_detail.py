"""Budgets, what drove spending, dated local figures, the recruitment funnel, and the places a
page keeps for local tables not given (analysis.budgets, chapters.provision_local), on
hand-made tables with every expected value worked out by hand; the spending split against
the real S251 and DfE files, read with csv."""
import csv

import pandas as pd
import pytest

from conftest import SHARED_DATA
from factories import make_facts
from sufficiency_lib.analysis import budgets
from sufficiency_lib.analysis import costs as provision
from sufficiency_lib.local import local_data
from sufficiency_lib.statement.chapters import provision_local as local_blocks

BUDGET = """financial_year,budget,amount_gbp,note
2019/20,External placements,9000000,
2020/21,External placements,9900000,covers IFA and residential
2020/21,Internal placements,3300000,
2011/12,Social care placements savings target,-1000000,
2012/13,Social care placements savings target,-1500000,
"""


def _local(tmp_path, **files) -> local_data.LocalData:
    for name, text in files.items():
        (tmp_path / f"{name}.csv").write_text(text)
    return local_data.load(tmp_path)


@pytest.mark.parametrize("period, end", [("2020/21", 2021), ("2018-09 to 2018-12", 2018), ("2019-2022", 2022),
                                         ("2018/19 to 2020/21", 2021), ("2021", 2021), ("none", None)])
def test_the_year_a_recorded_period_ends(period, end):
    assert budgets.period_end_year(period) == end


def test_budget_lines_changes_and_the_newest_placement_budgets(tmp_path):
    budget = _local(tmp_path, placement_budget=BUDGET).get("placement_budget")
    lines = budgets.budget_lines(budget).set_index(["financial_year", "budget"])
    external = lines.loc[("2020/21", "External placements")]
    assert external["change_gbp"] == 900000 and external["change_percent"] == pytest.approx(10.0)
    assert external["previous_year"] == "2019/20" and external["placement_budget"]
    assert not lines.loc[("2012/13", "Social care placements savings target"), "placement_budget"]
    newest = budgets.placement_budgets(budget, "2024/25")
    assert (newest["financial_year"], newest["external"], newest["internal"], newest["total"]) == \
        ("2020/21", 9900000, 3300000, 13200000)
    assert newest["external_share"] == pytest.approx(75.0)                  # 9.9 / 13.2
    earlier = budgets.placement_budgets(budget, "2019/20")
    assert earlier["external"] == 9000000 and pd.isna(earlier["internal"])   # not recorded then: missing
    other = budgets.other_lines(budget).set_index("budget").loc["Social care placements savings target"]
    assert (other["first_year"], other["last_year"], other["years"], other["total_gbp"]) == \
        ("2011/12", "2012/13", 2, -2500000)


def test_spending_splits_into_more_children_and_spending_per_child():
    """2023: £1,000,000 on 100 children (£10,000 each); 2024: £1,320,000 on 110 (£12,000 each):
    +£320,000 = 10 more children x £10,000 + 110 x £2,000 more each."""
    spend = pd.Series({2022: 900_000.0, 2023: 1_000_000.0, 2024: 1_320_000.0})
    children = pd.Series({2023: 100.0, 2024: 110.0})
    moved = budgets.spend_drivers(spend, children)
    assert (moved["first"], moved["last"], moved["change"]) == (2023, 2024, 320_000)
    assert moved["from_numbers"] == pytest.approx(100_000) and moved["from_cost_per_child"] == pytest.approx(220_000)
    assert budgets.spend_drivers(spend, pd.Series({2024: 110.0})) is None


def test_a_cost_change_is_read_within_one_source_only():
    costs = pd.DataFrame({"financial_year": ["2009/10", "2015/16", "2020/21"], "placement_type": "Foster care",
                          "provider": "IFA", "weekly_cost_gbp": [838.0, 792.0, 850.0],
                          "source": ["benchmarking study", "statement", "statement"]})
    changes = provision.cost_changes(provision.unit_costs(costs))
    assert len(changes) == 1
    row = changes.iloc[0]
    assert (row["first_year"], row["last_year"]) == ("2015/16", "2020/21")
    assert row["nominal_change_percent"] == pytest.approx((850 / 792 - 1) * 100)


def test_figures_older_than_two_years_say_their_age():
    assert local_blocks.dated("2023/24", 2025) == "2023/24"
    assert local_blocks.dated("2020/21", 2025) == "2020/21, 4 years before the statement's year (2024/25)"
    assert local_blocks.dated("2009/10", 2025).startswith("2009/10, 15 years before")


def test_the_newest_funnel_takes_each_stage_of_its_own_period():
    recruitment = pd.DataFrame({
        "period": ["2017-09 to 2017-12", "2018-09 to 2018-12", "2018-09 to 2018-10", "2018-12", "2018-04 to 2018-12",
                   "2018/19"],
        "measure": ["enquiries", "enquiries", "initial_visits", "households_in_assessment", "households_approved",
                    "households_approved"],
        "value": [107.0, 145.0, 62.0, 20.0, 20.0, 24.0], "note": ""})
    steps = local_blocks.funnel(recruitment)
    assert steps["stage"].tolist() == ["Enquiries", "Initial visits", "Households in assessment", "Households approved"]
    assert steps["value"].tolist() == [145, 62, 20, 20]
    assert steps.loc[3, "period"] == "2018-04 to 2018-12"      # of 2018, not the 2018/19 year's 24


def test_fostering_recruitment_with_target_dated_and_missing_tables_keep_their_place(tmp_path):
    local = _local(tmp_path, fostering_recruitment=(
        "period,measure,value\n2020/21,households_approved,34\n2020/21,beds_approved,45\n"
        "2020/21,net_gain_households,15\n2018/19 to 2020/21,target_net_gain_households_per_year,24\n"))
    facts = make_facts([{"time_period": 2025, "indicator": "cla_31_march", "unit": "number", "value": 1.0}],
                       local=local)
    block = local_blocks.fostering_block(facts, local)
    assert block.sentences[0] == ("In 2020/21, 4 years before the statement's year (2024/25), the in-house fostering "
                                  "service approved 34 households (45 beds), a net gain of 15 households, short of its "
                                  "target of 24 a year (set for 2018/19 to 2020/21). No newer recruitment figures are "
                                  "recorded.")
    empty = local_data.load(tmp_path / "none")
    kept = local_blocks.fostering_block(facts, empty)
    assert kept.table is None and "would fill it" in kept.sentences[0]
    assert "enquiries, initial visits, assessments and approvals" in kept.sentences[0]
    assert "would fill this part" in local_blocks.funnel_block(facts, empty).sentences[0]
    budget = local_blocks.budget_block(facts, empty)
    assert budget.table is None and "placement budgets" in budget.sentences[0]
    assert ".csv" not in " ".join(kept.sentences + budget.sentences)           # plain English, no file names


def test_the_budget_block_shows_every_line_and_the_internal_and_external_budgets(tmp_path):
    local = _local(tmp_path, placement_budget=BUDGET)
    facts = make_facts([{"time_period": 2025, "indicator": "cla_31_march", "unit": "number", "value": 1.0}],
                       local=local)
    block = local_blocks.budget_block(facts, local)
    assert len(block.table.frame) == 5
    assert block.sentences[0].startswith("In 2020/21, 4 years before the statement's year (2024/25), the placement "
                                         "budgets were: external placements £9.9m and internal placements £3.3m, "
                                         "£13.2m together, 75% of it external.")
    assert "The external placements budget rose 10% from 2019/20 to 2020/21." in block.sentences
    assert any(s.startswith("Social care placements savings target, 2011/12 to 2012/13") and "-£2.5m over 2 years" in s
               for s in block.sentences)


# --- the spending split against the real files ------------------------------------------------------

def _rows(path, **where):
    with path.open(newline="", encoding="utf-8-sig") as handle:
        return [r for r in csv.DictReader(handle) if all(r.get(k) == v for k, v in where.items())]


@pytest.mark.integration
def test_cambridgeshires_spending_split_matches_the_real_s251_spend_and_dfes_count():
    """Gross spending on children looked after (LAIT, S251: £56,106,089 in 2022-23, £66,252,297
    in 2023-24) and the number looked after at 31 March (DfE: 632, 631), read here with csv
    and split by hand; the page's sentence, made from the embedded figures, says the same."""
    lait = SHARED_DATA / "lait" / "lait_finance_and_foster_capacity_long.csv"
    counts = SHARED_DATA / "published" / "release_2025" / "cla_number_and_rate_per_10k_children.csv"
    if not (lait.is_file() and counts.is_file()):
        pytest.skip("shared data not available")
    spend = {int(r["Years"][:4]) + 1: float(r["Values"]) for r in _rows(lait, **{"Short Desc": "TotalLACFinance",
                                                                               "LA Number": "873.0"})}
    cla = {int(r["time_period"]): float(r["children_count"]) for r in _rows(
        counts, new_la_code="E10000003", population_type="Children looked after on 31 March each year")}
    change = spend[2024] - spend[2023]
    from_numbers = (cla[2024] - cla[2023]) * spend[2023] / cla[2023]
    from_cost = cla[2024] * (spend[2024] / cla[2024] - spend[2023] / cla[2023])
    assert from_numbers + from_cost == pytest.approx(change)

    from sufficiency_lib.analysis import market
    from sufficiency_lib.config import load_authority
    from sufficiency_lib.published import store
    from sufficiency_lib.statement.chapters import provision_market
    from sufficiency_lib.wording import money_text

    published = store.load()
    facts = make_facts([{"time_period": 2025, "indicator": "cla_31_march", "unit": "number", "value": 1.0}],
                       published=published, authority=load_authority("E10000003"))
    frame = market.spending(market.with_rates(published.figures, published.population), "E10000003", 2025)
    sentence = provision_market.drivers_sentence(facts, frame)
    sign = "-" if from_numbers < 0 else "+"
    assert (f"from 2022/23 to 2023/24 it rose {money_text(change)}: {sign}{money_text(abs(from_numbers))} from "
            f"{'fewer' if from_numbers < 0 else 'more'} children looked after ({cla[2023]:,.0f} to {cla[2024]:,.0f} "
            f"at 31 March) and +{money_text(from_cost)} from the spending per child looked after") in sentence
