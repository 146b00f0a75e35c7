import pandas as pd
import pytest

from sufficiency_lib.statement import narrative, stories


def test_a_trend_from_a_zero_year_says_so_with_no_percentage():
    text = narrative.describe_trend(pd.Series([0, 4, 8], index=[2019, 2020, 2021]), "x")
    assert text == "At 31 March 2021, x was 8; it rose 100% on 2020 and rose from 0 in 2019."
    assert narrative.describe_trend(pd.Series([0, 5], index=[2020, 2021]), "x") == (
        "At 31 March 2021, x was 5; it rose from 0 in 2020.")
    assert narrative.describe_trend(pd.Series([0, 0], index=[2020, 2021]), "x", "%") == (
        "At 31 March 2021, x was 0%; it was also 0% in 2020.")
    text = narrative.describe_trend(pd.Series([5, 0], index=[2020, 2021]), "x")
    assert text == "At 31 March 2021, x was 0; it fell 100% on 2020."


@pytest.mark.parametrize("change, word", [(3.0, "rose"), (-3.0, "fell"), (0.2, "was unchanged")])
def test_direction(change, word):
    assert narrative.direction(change) == word


def test_describe_trend_reads_latest_last_year_and_whole_period():
    series = pd.Series([500, 600, 660], index=[2019, 2020, 2021])
    text = narrative.describe_trend(series, "the number of children looked after")
    assert text == ("At 31 March 2021, the number of children looked after was 660; "
                    "it rose 10% on 2020 and rose 32% since 2019 (500).")


def test_describe_trend_single_and_empty():
    assert narrative.describe_trend(pd.Series([42], index=[2020]), "x") == "At 31 March 2020, x was 42."
    assert narrative.describe_trend(pd.Series([], dtype=float), "x") == "No figures are available for x."


def _benchmark_row(**changes):
    row = {"time_period": 2025, "value": 49.0, "england": 67.0, "sn_mean": 48.8, "rank": 34, "ranked_of": 151,
           "quartile_band": "A", "vs_england": "lower", "vs_neighbours": "similar"}
    row.update(changes)
    return pd.Series(row)


def test_describe_benchmark_reads_the_comparisons_and_rank():
    text = narrative.describe_benchmark(_benchmark_row(), "the rate of children looked after", " per 10,000")
    assert text == ("In 2025, the rate of children looked after was 49 per 10,000, lower than England "
                    "(67 per 10,000) and similar to the average of its statistical neighbours (48.8 per 10,000). "
                    "Of 151 authorities, it had the 34th lowest rate of children looked after (quartile band A, where A is "
                    "the lowest quarter). "
                    "A higher or lower rate of children looked after is neither better nor worse in itself.")


def test_describe_benchmark_without_intervals_compares_rounded_values():
    text = narrative.describe_benchmark(_benchmark_row(vs_england="", vs_neighbours="", rank=pd.NA,
                                                       value=70.0, sn_mean=70.2), "the rate")
    assert "higher than England (67)" in text and "similar to the average" in text and "ranked" not in text


def test_describe_benchmark_of_a_suppressed_figure():
    assert "not available or is suppressed" in narrative.describe_benchmark(_benchmark_row(value=pd.NA), "x")


def test_ordinals():
    assert [narrative._ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 111, 123)] == [
        "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "111th", "123rd"]


def test_describe_share_states_points_of_change_and_skips_suppressed_years():
    series = pd.Series({2020: 33.2, 2021: None, 2025: 38.4})
    assert narrative.describe_share(series, "IFA foster care", "children looked after") == (
        "In 2025, 38% of children looked after were in IFA foster care, up 5 percentage points from 33% in 2020.")
    assert narrative.describe_share(pd.Series({2020: 60.0, 2025: 55.0}), "Placed outside the local authority boundary",
                                    "children looked after at 31 March") == (
        "In 2025, 55% of children looked after at 31 March were placed outside the local authority boundary, down 5 "
        "percentage points from 60% in 2020.")
    assert narrative.describe_share(pd.Series({2025: 30.0}), "16 years and over", "children") == (
        "In 2025, 30% of children were in the 16 years and over group.")
    assert "the same share as in 2020" in narrative.describe_share(pd.Series({2020: 10.0, 2021: 10.2}), "x", "y")
    assert "cannot be shown" in narrative.describe_share(pd.Series({2020: None}, dtype=float), "x", "y")


def test_describe_crosstab_names_highest_and_lowest_and_what_is_hidden():
    shares = pd.Series({"Residential children's homes": 72.0, "IFA foster care": 51.0, "Secure units": None})
    text = narrative.describe_crosstab(shares, "Male", "children in each placement", overall=58.0)
    assert text == ("Of children in each placement, the share male was highest in residential children's "
                    "homes (72%) and lowest in IFA foster care (51%), against 58% overall; the share in secure units "
                    "is not shown, as its counts are hidden to protect small numbers.")


def test_a_crosstab_whose_shares_round_alike_does_not_call_one_highest_and_lowest():
    # Peterborough, 2025: 27 of 127 in IFA and 29 of 140 in in-house foster care were 16 or over (21% each)
    shares = pd.Series({"IFA foster care": 27 / 127 * 100, "In-house foster care": 29 / 140 * 100,
                        "Residential children's homes": None, "Secure units": None})
    assert narrative.describe_crosstab(shares, "16 years and over", "children in each placement") == (
        "Of children in each placement, the share 16 years and over was 21% in both IFA foster care and in-house "
        "foster care; the shares in residential children's homes and secure units are not shown, as their counts are "
        "hidden to protect small numbers.")


def test_a_share_whose_latest_year_is_hidden_says_so_before_the_older_one():
    text = narrative.describe_share(pd.Series({2023: 93.0, 2024: 94.0, 2025: None}), "In touch", "care leavers")
    assert text.startswith("The figure for 2025 is not shown (hidden to protect small numbers, or not available). "
                           "In 2024, 94% of care leavers")


def test_describe_against():
    assert narrative.describe_against(95, 120, "UASC looked after", "the ceiling") == (
        "UASC looked after (95) was below the ceiling (120).")
    assert narrative.describe_against(float("nan"), 1, "x", "y") == ""


def test_count_text_shows_suppressed_as_c():
    assert narrative.count_text(1234.0) == "1,234"
    assert narrative.count_text(float("nan")) == "c"
    assert narrative.count_text(None) == "c"
    assert narrative.count_text(-12, sign=True) == "-12"


def test_describe_methods_reads_the_method_used_against_no_change():
    table = pd.DataFrame({"kind": ["number"] * 7, "horizon": [1, 1, 2, 2, 3, 3, 2],
                          "method": ["naive", "shrunk", "naive", "reversion", "naive", "reversion", "shrunk"],
                          "label": ["no change", "growth shrunk", "no change", "drawn back", "no change", "drawn back",
                                    "growth shrunk"],
                          "median_ape": [4.4, 4.28, 7.2, 6.5, 8.1, 7.0, 7.3], "coverage_80": [0.82, 0.81] + [0.8] * 5,
                          "authorities": [156, 156, 153, 153, 149, 149, 153], "forecasts": [755, 755] + [450] * 5,
                          "chosen": [False, True, False, True, False, True, False]})
    assert narrative.describe_methods(table) == (
        "Tried on every English authority's published number in care (156 authorities, 755 forecasts a year ahead), "
        "the method used here a year ahead (growth shrunk) was off by 4.3% (median), against 4.4% for assuming no "
        "change; its 80% intervals held the outcome 81% of the time. For 2 and 3 years ahead the forecast uses drawn "
        "back, chosen the same way (off by 6.5% and 7.0%, against 7.2% and 8.1% for no change).")
    one_method = table.assign(chosen=[False, True, False, False, False, False, True])
    assert narrative.describe_methods(one_method).endswith("held the outcome 81% of the time.")


def test_describe_scenario_reads_numbers_carers_and_cost():
    base = {"scenario": "Baseline", "children": 500.0, "in_house": 100.0, "priced_cost": 2_000_000.0}
    fewer = {"scenario": "Fewer", "children": 460.0, "in_house": 95.0, "priced_cost": 1_900_000.0}
    moved = {"scenario": "Carers", "children": 500.2, "in_house": 130.0, "priced_cost": 1_950_000.0}
    assert narrative.describe_scenario(fewer, base, 2028) == (
        "Fewer: 460 children at 31 March 2028, 40 fewer than the baseline, £100,000 a year less in priced "
        "placement costs.")
    assert narrative.describe_scenario(moved, base, 2028) == (
        "Carers: 500 children at 31 March 2028, as many as the baseline, 30 more of them in in-house foster care, "
        "£50,000 a year less in priced placement costs.")


def test_labels_in_sentences_keep_their_acronyms_and_money_reads_as_money():
    from sufficiency_lib.wording import in_sentence, money_text
    assert in_sentence("IFA foster care") == "IFA foster care"
    assert in_sentence("Residential children's homes") == "residential children's homes"
    assert in_sentence("UASC") == "UASC" and in_sentence("16 years and over") == "16 years and over"
    assert [money_text(v) for v in (25_026_954, 850, 12_400.4, -1_300_000)] == ["£25.0m", "£850", "£12,400", "-£1.3m"]
    assert money_text(768.031, 2) == "£768.03" and money_text(float("nan")) == ""


def test_a_source_line_names_publications_and_dates_never_files():
    from sufficiency_lib.wording import plain_source
    assert plain_source("Ofsted, Children's social care data in England, providers_at_31_march_2023.csv; ONS mid-2022 "
                        "population aged 0 to 17") == ("Ofsted, Children's social care data in England, providers at "
                                                       "31 March 2023; ONS mid-2022 population aged 0 to 17")
    assert plain_source("Ofsted, Children's social care data in England, joiners_and_leavers_year_to_31_march_2017.csv"
                        ) == "Ofsted, Children's social care data in England, joiners and leavers, year to 31 March 2017"
    assert plain_source("DfE, Local Authority Interactive Tool (S251 outturn), lait_finance_and_foster_capacity_long.csv"
                        ) == "DfE, Local Authority Interactive Tool (S251 outturn)"
    assert plain_source("DfE, Children looked after, 2025 release, la_cla_reconstructed.csv (rebuilt from the "
                        "dashboard)") == "DfE, Children looked after, 2025 release (rebuilt from the dashboard)"


def test_a_story_calls_a_rate_above_england_only_when_the_interval_says_so():
    from sufficiency_lib.statement.stories import _against
    assert _against(72.4, 67.0, "England", "higher") == "above England (67)"
    assert _against(72.4, 67.0, "England", "similar") == ("close to England (67; the difference is within what "
                                                          "chance alone gives)")
    assert _against(66.8, 67.0, "England", "similar") == "level with England (67)"
    assert _against(60.0, float("nan"), "England") == ""


def test_a_cost_set_against_an_old_budget_says_how_old_the_budget_is():
    from sufficiency_lib.statement.narrative import describe_mix_cost
    budget = {"amount_gbp": 10_000_000, "financial_year": "2020/21", "budget": "External placements"}
    old = describe_mix_cost(30e6, 27.6e6, budget, 2025, [])
    assert "£17.6m above the 2020/21 external placements budget of £10.0m (the newest budget recorded, 4 years " \
           "before;" in old
    assert "newest budget recorded" not in describe_mix_cost(30e6, 27.6e6, budget, 2022, [])


@pytest.mark.integration
def test_the_summary_opens_with_the_five_year_trend_against_england(shared_data):
    import csv
    from sufficiency_lib import inputs
    from sufficiency_lib.analysis import facts as facts_mod
    from sufficiency_lib.statement import artifact, stories
    rates = {}
    for release in ("release_2023", "release_2025"):
        with open(shared_data / "published" / release / "cla_number_and_rate_per_10k_children.csv", newline="",
                  encoding="utf-8-sig") as handle:
            for row in csv.DictReader(handle):
                kind = row.get("population_type") or row.get("population_count")
                if kind.startswith("Children looked after") and row["time_period"] in ("2020", "2025") \
                        and (row["new_la_code"] == "E06000055" or row["geographic_level"] == "National"):
                    rates[(row["geographic_level"], row["time_period"])] = int(row["rate_per_10000"])
    bedford = inputs.resolve("E06000055")
    facts = facts_mod.load(bedford, 2025, artifact._published(bedford))
    mine = rates[("Local authority", "2025")] - rates[("Local authority", "2020")]
    england = rates[("National", "2025")] - rates[("National", "2020")]
    assert stories._trend_against_england(facts) == (
        f"Between 2020 and 2025 the number in care for every 10,000 children fell by {-mine} in Bedford (to "
        f"{rates[('Local authority', '2025')]}), while England's fell by {-england} (to {rates[('National', '2025')]}).")


def test_a_rate_in_a_sentence_is_whole_when_whole_never_minus_zero_and_says_when_missing():
    from sufficiency_lib.wording import decimal_text
    assert [decimal_text(v) for v in (31.0, 42.5, 1234.0, -0.04, -3.26, float("nan"))] == [
        "31", "42.5", "1,234", "0", "-3.3", "not available"]
    assert decimal_text(7.25, 2) == "7.25" and decimal_text(7.0, 2) == "7"


def test_the_first_and_last_ranks_are_said_in_words():
    first = narrative.describe_benchmark(_benchmark_row(rank=1), "the rate of children looked after")
    last = narrative.describe_benchmark(_benchmark_row(rank=151), "the rate of children looked after")
    assert "Of 151 authorities, it had the lowest rate of children looked after (" in first
    assert "Of 151 authorities, it had the highest rate of children looked after (" in last


@pytest.mark.parametrize("label, group, said", [
    ("White", "Ethnicity", "were recorded as White"),
    ("Full care order", "Legal status", "had a legal status of full care order"),
    ("Locality not recorded", "Locality of placement", "had their locality not recorded"),
    ("Placed outside the local authority boundary", "Locality of placement",
     "were placed outside the local authority boundary"),
    ("IFA foster care", "Placement group", "were in IFA foster care"),
    ("16 years and over", "Age group", "were in the 16 years and over group")])
def test_a_share_says_what_the_children_were_in_words_that_fit_the_breakdown(label, group, said):
    text = narrative.describe_share(pd.Series({2024: 30.0, 2025: 31.0}), label, "children looked after", group)
    assert text.startswith(f"In 2025, 31% of children looked after {said}, up 1 percentage point from 30% in 2024.")
    hidden = narrative.describe_share(pd.Series({2025: float("nan")}), label, "children looked after", group)
    assert hidden == (f"The share of children looked after who {said} cannot be shown: its counts are hidden to "
                      "protect small numbers, or not available.")


def test_every_chapter_says_what_no_challenge_was_found_in():
    from sufficiency_lib.statement.chapter import FOUND_IN
    from sufficiency_lib.statement.chapters import CHAPTERS
    assert set(FOUND_IN) == set(CHAPTERS)


@pytest.mark.parametrize("old, new, words", [(100, 112, "12% more than"), (100, 88, "12% fewer than"),
                                             (100, 100.2, "about the same as"), (0, 5, "up from none"),
                                             (0, 0, "the same as")])
def test_a_year_on_year_change_in_the_opening_story(old, new, words):
    assert stories._change_words(old, new) == words


def test_a_crosstab_says_which_rows_it_left_out_of_the_comparison():
    shares = pd.Series({"In-house foster care": 22.0, "Placed for adoption": 0.0})
    text = narrative.describe_crosstab(shares, "16 years and over", "children in each placement", 31.0,
                                       ("Supported accommodation",))
    assert text.endswith("against 31% overall (supported accommodation, where every child is 16 years and over "
                         "by definition, is counted overall but not compared).")


@pytest.mark.parametrize("counted, said", [
    ({"Fostering": 4, "Costs and budget": 3, "Care leavers": 1},
     "The priorities, by the number of challenges found, are fostering (4), then costs and budget (3)."),
    ({"Care leavers": 2, "Fostering": 1, "Residential": 1},
     "The priority, by the number of challenges found, is care leavers (2)."),      # no 'then' among a tie
    ({"Care leavers": 2, "Fostering": 2, "Residential": 1},
     "The priorities, by the number of challenges found, are care leavers and fostering (2 each)."),
    ({"Care leavers": 1, "Fostering": 1}, ""),                                         # none stands out
])
def test_the_priorities_name_a_tie_together_and_never_pick_one_of_several(counted, said):
    assert stories._priorities(counted) == said


def _flows(started: float, ceased: float, group: bool = False):
    from dataclasses import replace

    from factories import TOYSHIRE, make_facts
    rows = [{"time_period": 2025, "indicator": indicator, "breakdown_group": "Total", "breakdown": "Total",
             "unit": "number", "value": value} for indicator, value in (("cla_started", started),
                                                                         ("cla_ceased", ceased))]
    authority = replace(TOYSHIRE, members=("E06000031", "E10000003")) if group else TOYSHIRE
    facts = make_facts(rows, authority=authority)
    if group:
        facts.inputs = replace(facts.inputs, members=(facts.inputs, facts.inputs))
    return facts


@pytest.mark.parametrize("started, ceased, said", [
    (182, 188, "During the year 182 children came into care and 188 left: 6 more left than came in."),
    (300, 229, "During the year 300 children came into care and 229 left: 71 more came in than left."),
    (40, 40, "During the year 40 children came into care and 40 left: as many came in as left.")])
def test_the_opening_story_states_the_years_flows_without_a_claim_they_do_not_carry(started, ceased, said):
    assert said in stories.children_in_care(_flows(started, ceased)).sentences


def test_a_groups_children_are_placed_outside_their_own_councils_boundary():
    assert _flows(1, 1).own_boundary == "the authority's boundary"
    assert _flows(1, 1, group=True).own_boundary == "their own council's boundary"


def test_the_plan_page_without_an_earlier_plan_does_not_read_as_a_clean_bill():
    from sufficiency_lib.statement.chapter import Chapter
    from factories import make_facts
    facts = make_facts([])
    assert facts.actions.previous is None
    said = Chapter(facts, "plan", {}, []).summary().sentences[0]
    assert said == "There is no earlier plan whose measures could be assessed, and no actions are recorded."
    assert Chapter(facts, "care_leavers", {}, []).summary().sentences[0] == (
        "No challenge was found in the figures on care leavers, and no actions are recorded.")


@pytest.mark.parametrize("mean, lower, upper, said", [
    (405, 340, 491, "The forecast for 31 March 2028 is about 405 (probably between 340 and 491) children, a range that "
               "takes in the 416 of today."),
    (455, 420, 491, "The forecast for 31 March 2028 is more children than today: about 455 (probably between 420 and "
               "491), against 416 now.")])
def test_the_forecast_story_gives_a_direction_only_where_the_likely_range_leaves_today_out(mean, lower, upper,
                                                                                           said):
    from types import SimpleNamespace

    from sufficiency_lib.analysis.demand import CLA
    outlook = SimpleNamespace(end=2028, history={CLA: pd.Series({2025: 416.0})}, gap=pd.DataFrame(),
                              forecasts=pd.DataFrame({"series": [CLA], "time_period": [2028], "mean": [mean],
                                                      "lower_80": [lower], "upper_80": [upper]}))
    assert stories.forecast(None, outlook).sentences[0] == said


def test_a_difference_within_chance_is_not_called_similar_when_the_figures_read_apart():
    assert narrative.compare_word(47.0, 54.0, "similar") == "not clearly lower than"
    assert narrative.compare_word(53.6, 54.2, "similar") == "similar to"
    assert narrative.compare_word(47.0, 54.0, "lower") == "lower than"
    assert narrative.compare_word(47.0, 54.0) == "lower than"             # no interval: by the figures
