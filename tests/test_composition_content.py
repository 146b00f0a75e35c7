"""The content of the children-in-care, population and care-leaver pages that the figures of
metrics do not hold, on tiny hand-made frames whose answers are counted by hand: percentage
changes (Tables 1 and 2), permanence exits, looked after during the year by UASC status,
UASC by sex over the years, ethnicity against England and the population, care leavers,
and the local population-by-ethnicity and local-offer files."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from factories import TOYSHIRE, figures, make_facts
from sufficiency_lib.analysis import composition, disclosure, metrics, permanence, trends
from sufficiency_lib.local import local_offer, population_ethnicity
from sufficiency_lib.statement.chapters import care_leavers, children_in_care, population
from sufficiency_lib.vocabulary import TOTAL, Group, Indicator, Uasc


def _day(text: str):
    return pd.to_datetime(text or None, format="%d/%m/%Y")


def tables(*rows, uasc=()):
    """Clean-shaped tables from episodes (child, decom, dec, rne, rec, ls) and UASC rows
    (child, duc): dates dd/mm/YYYY, '' for none."""
    eps = pd.DataFrame(rows, columns=["CHILD", "DECOM", "DEC", "RNE", "REC", "LS"])
    for column in ("DECOM", "DEC"):
        eps[column] = eps[column].map(_day)
    eps = eps.assign(CIN="N1", PLACE="U1", PLACE_PROVIDER="PR1")
    children = sorted(set(eps["CHILD"]))
    header = pd.DataFrame({"CHILD": children, "SEX": "1", "DOB": _day("01/06/2008"), "ETHNIC": "WBRI"})
    uasc_table = pd.DataFrame({"CHILD": [r[0] for r in uasc], "DUC": [_day(r[1]) for r in uasc]})
    return {"episodes": eps, "header": header, "uasc": uasc_table}


# --- Tables 1 and 2: percentage changes --------------------------------------------------------

def test_percent_change_is_of_the_earlier_figure_and_missing_without_one():
    assert trends.percent_change(705, 631) == pytest.approx(74 / 631 * 100)
    assert trends.percent_change(50, 0) != trends.percent_change(50, 0)          # NaN: no base
    assert np.isnan(trends.percent_change(np.nan, 10)) and np.isnan(trends.percent_change(10, None))


def test_area_table_gives_each_areas_change_on_a_year_and_over_five():
    table = pd.DataFrame({"time_period": range(2020, 2026),
                          "value": [717, 640, 593, 632, 631, 705],
                          "sn_mean": [677.0, 717.0, 738.0, 756.0, 748.0, 725.0],
                          "region": [6710, 6640, 6680, 7040, 6860, 6800],
                          "england": [80000, 80780, 82090, 83750, 83530, 81770]})
    rows = trends.area_table(table, {"value": "Toyshire", "sn_mean": "Neighbours", "region": "East",
                                     "england": "England"}).set_index("area")
    assert list(rows.columns) == ["2020", "2021", "2022", "2023", "2024", "2025", "change_1y", "change_5y"]
    # by hand: 705 / 631 = 1.1173 -> +11.7%; 705 / 717 = 0.9833 -> -1.7%
    assert rows.loc["Toyshire", "change_1y"] == pytest.approx(11.727, abs=1e-3)
    assert rows.loc["Toyshire", "change_5y"] == pytest.approx(-1.674, abs=1e-3)
    # 81,770 / 83,530 = 0.97893 -> -2.1%; 81,770 / 80,000 -> +2.2%
    assert rows.loc["England", "change_1y"] == pytest.approx(-2.107, abs=1e-3)
    assert rows.loc["England", "change_5y"] == pytest.approx(2.2125, abs=1e-4)
    assert rows.loc["Neighbours", "change_5y"] == pytest.approx((725 - 677) / 677 * 100)


def test_area_table_without_five_years_leaves_the_five_year_change_missing():
    table = pd.DataFrame({"time_period": [2024, 2025], "value": [40.0, 50.0], "sn_mean": [np.nan, 20.0],
                          "region": [1.0, 1.0], "england": [2.0, 3.0]})
    rows = trends.area_table(table, {"value": "A", "sn_mean": "N"}).set_index("area")
    assert list(rows.index) == ["A", "N"]                       # areas not named are left out
    assert rows.loc["A", "change_1y"] == pytest.approx(25.0) and np.isnan(rows.loc["A", "change_5y"])
    assert np.isnan(rows.loc["N", "change_1y"])                 # no neighbours' figure the year before


def test_the_trend_sentence_compares_the_pace_with_england():
    rows = pd.DataFrame({"area": ["Toyshire", "N", "R", "England"], "2020": [100, 10, 10, 100.0],
                         "2021": [110, 10, 10, 105.0], "change_1y": [10.0, 0.0, 0.0, 5.0],
                         "change_5y": [np.nan] * 4})
    [sentence] = children_in_care.compare_changes(rows, "the number", ["its neighbours", "its region", "England"])
    assert sentence == ("From 2020 to 2021, the number in Toyshire rose 10%, faster than England's (its neighbours "
                        "was unchanged, its region was unchanged, England rose 5%).")


# --- permanence ------------------------------------------------------------------------------

def test_permanence_routes_follow_the_rec_codes():
    routes = permanence.route_of(pd.Series(["E11", "E12", "E45", "E48", "E41", "E4A", "X1", None]))
    assert routes.tolist() == ["Adopted", "Adopted", "Special guardianship orders", "Special guardianship orders",
                               "Residence order or child arrangement order granted", "", "", ""]


def test_exits_count_each_child_once_by_the_reason_of_their_last_ceasing():
    tabs = tables(
        ("1", "01/05/2019", "01/06/2020", "S", "E11", "C2"),      # adopted in 2020/21
        ("2", "01/05/2020", "01/07/2020", "S", "E4A", "C2"),      # home, then back and under an SGO:
        ("2", "01/09/2020", "01/12/2020", "S", "E46", "C2"),      # the last ceasing counts
        ("3", "01/05/2020", "01/08/2020", "S", "E45", "C2"),      # SGO, the episode before was a change only
        ("3", "01/03/2020", "01/05/2020", "S", "X1", "C2"),
        ("4", "01/05/2020", "01/08/2020", "S", "E41", "V3"),      # short breaks: not care
        ("5", "01/05/2020", "01/08/2020", "S", "E41", "C1"),      # child arrangements order
        ("6", "01/05/2020", "01/04/2021", "S", "E12", "C2"),      # adopted in the next year
        ("7", "01/05/2020", "", "S", "", "C2"))                   # still looked after
    got = permanence.exits_from_return(tabs, 2021)
    assert got == {"time_period": 2021, "ceased": 4, "Adopted": 1, "Special guardianship orders": 2,
                   "Residence order or child arrangement order granted": 1, "Left care to permanence": 4,
                   "reasons_given": True}
    assert permanence.exits_from_return(tabs, 2022)["Adopted"] == 1


def _ceased_rows(year, counts):
    return [{"time_period": year, "indicator": "cla_ceased", "breakdown_group": group, "breakdown": label,
             "unit": "number", "value": value} for (group, label), value in counts.items()]


def test_exits_from_figures_read_a_missing_reason_as_none_and_a_suppressed_one_as_unknown():
    rows = (_ceased_rows(2023, {(TOTAL, TOTAL): 40, (Group.REASON_CEASED, TOTAL): 40,
                                (Group.REASON_CEASED, "Adopted"): 6, (Group.REASON_CEASED, permanence.SGO): 9})
            + _ceased_rows(2024, {(TOTAL, TOTAL): 30, (Group.REASON_CEASED, TOTAL): 30,
                                  (Group.REASON_CEASED, "Adopted"): np.nan,
                                  (Group.REASON_CEASED, "Special guardianship orders"): 7,
                                  (Group.REASON_CEASED, permanence.CAO): 8}))
    table = permanence.exits_from_figures(figures(rows), TOYSHIRE.new_la_code, [2022, 2023, 2024]).set_index(
        "time_period")
    assert table.loc[2023, permanence.CAO] == 0 and table.loc[2023, permanence.PERMANENCE] == 15
    assert np.isnan(table.loc[2024, "Adopted"]) and np.isnan(table.loc[2024, permanence.PERMANENCE])
    assert table.loc[2022].drop("reasons_given").isna().all()     # nothing given for that year
    assert table["reasons_given"].tolist() == [False, True, True]
    assert permanence.shares(table.reset_index()).set_index("time_period").loc[2023, "Adopted"] == 15.0


def test_the_permanence_block_suppresses_a_route_with_its_sum():
    rows = (_ceased_rows(2023, {(TOTAL, TOTAL): 40, (Group.REASON_CEASED, TOTAL): 40,
                                (Group.REASON_CEASED, "Adopted"): 3, (Group.REASON_CEASED, permanence.SGO): 9,
                                (Group.REASON_CEASED, permanence.CAO): 12}))
    facts = make_facts(rows)
    facts.data = None                                       # read from the figures, as without a return
    block = children_in_care.permanence_block(facts)
    shown = block.table.frame.set_index("time_period").loc[2023]
    assert shown["adopted"] == "c" and shown["sgo"] == "c"      # 3 is small; 9 the next smallest in its line
    assert shown["cao"] == "12" and shown["permanence"] == "24" and shown["percent"] == pytest.approx(60.0)
    assert "3" not in block.sentences[0].split() and "9" not in block.sentences[0].split()


# --- looked after during the year, by UASC status ----------------------------------------------

def test_during_the_year_counts_every_child_open_on_some_day_by_uasc_at_any_time():
    tabs = tables(
        ("A", "01/01/2019", "", "S", "", "C2"),                    # all year; UASC throughout
        ("B", "01/10/2020", "", "S", "", "C2"),                    # started in the year; UASC ceased before it
        ("C", "01/01/2020", "01/12/2020", "S", "E8", "C2"),        # UASC ceased during the year: UASC
        ("D", "01/01/2019", "31/03/2020", "S", "E8", "C2"),        # ended before the year
        ("E", "01/01/2020", "", "S", "", "V4"),                    # short breaks only
        ("F", "01/01/2020", "01/04/2020", "S", "E8", "C2"),        # ended on 1 April: open that day
        ("G", "01/04/2021", "", "S", "", "C2"),                    # started the day after the year
        ("H", "01/01/2020", "", "S", "", "C2"),                    # UASC ceased before the year began
        uasc=[("A", ""), ("B", "01/06/2020"), ("C", "01/08/2020"), ("D", ""), ("H", "01/03/2020")])
    got = composition.during_year_by_uasc(tabs, 2021)
    assert got == {Uasc.YES: 2, Uasc.NO: 3, TOTAL: 5}          # A, C | B, F, H
    assert got[TOTAL] == metrics.looked_after_during(tabs, 2021)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from("ABCDEF"), st.integers(0, 900), st.integers(0, 400),
                          st.booleans(), st.sampled_from(["C2", "V3"])), min_size=1, max_size=12),
       st.lists(st.tuples(st.sampled_from("ABCDEF"), st.integers(0, 900) | st.none()), max_size=6))
def test_during_the_year_split_adds_up_to_the_children_looked_after_during_it(spells, flags):
    base = pd.Timestamp("2019-10-01")
    rows = [(child, (base + pd.Timedelta(days=start)).strftime("%d/%m/%Y"),
             "" if open_ else (base + pd.Timedelta(days=start + length)).strftime("%d/%m/%Y"), "S", "E8", ls)
            for child, start, length, open_, ls in spells]
    uasc = [(child, "" if day is None else (base + pd.Timedelta(days=day)).strftime("%d/%m/%Y"))
            for child, day in flags]
    tabs = tables(*rows, uasc=uasc)
    got = composition.during_year_by_uasc(tabs, 2021)
    assert got[Uasc.YES] + got[Uasc.NO] == got[TOTAL] == metrics.looked_after_during(tabs, 2021)
    assert got[Uasc.YES] <= len({c for c, _ in flags})


def test_the_flows_table_suppresses_each_uasc_split_with_its_total():
    rows = []
    for indicator, (uasc, other) in {Indicator.STARTED: (3, 40), Indicator.CEASED: (12, 30)}.items():
        rows += [{"time_period": 2023, "indicator": indicator, "breakdown_group": group, "breakdown": label,
                  "unit": "number", "value": float(value)}
                 for group, label, value in ((TOTAL, TOTAL, uasc + other), (Group.UASC, Uasc.YES, uasc),
                                             (Group.UASC, Uasc.NO, other))]
    facts = make_facts(rows)
    facts.data = None
    block = children_in_care.flows(facts)
    shown = block.table.frame.set_index("time_period").loc[2023]
    assert shown[f"{Indicator.STARTED}_uasc"] == "c" and shown[f"{Indicator.STARTED}_other"] == "c"
    assert shown[Indicator.STARTED] == "43" and shown[f"{Indicator.CEASED}_uasc"] == "12"
    assert "43 children started to be looked after and 42 ceased" in block.sentences[0]
    assert disclosure.CHART_NOTE in block.notes


# --- UASC by sex over the years; ethnicity; care leavers -----------------------------------------

def test_uasc_breakdown_takes_the_uasc_rows_of_a_crosstab_as_a_breakdown_of_their_total():
    rows = [{"time_period": 2023, "indicator": "cla_31_march", "breakdown_group": Group.UASC_BY_SEX,
             "breakdown": label, "unit": "number", "value": value}
            for label, value in (("UASC; Male", 70.0), ("UASC; Female", 4.0), ("Non-UASC; Male", 300.0))]
    got = composition.uasc_breakdown(figures(rows), Group.UASC_BY_SEX, Group.SEX)
    counts = got.loc[got["unit"].eq("number")].set_index("breakdown")["value"]
    assert counts.to_dict() == {"Male": 70, "Female": 4, TOTAL: 74}
    share = got.loc[got["unit"].eq("percent")].set_index("breakdown")["value"]
    assert share["Male"] == pytest.approx(70 / 74 * 100) and set(got["breakdown_group"]) == {Group.SEX}


def test_ethnicity_comparison_takes_shares_of_every_child_of_each_place():
    mine = pd.Series({"White": 60.0, "Mixed or Multiple ethnic groups": 20.0, "Asian or Asian British": 5.0,
                      "Black, African, Caribbean or Black British": 10.0, "Other ethnic group": 0.0,
                      "Refused or information not yet available": 5.0})
    england = pd.Series({"White": 71.0, "Mixed or Multiple ethnic groups": 11.0})
    people = pd.Series({"White": 900.0, "Mixed or Multiple ethnic groups": 40.0, "Asian or Asian British": 30.0,
                        "Black, African, Caribbean or Black British": 20.0, "Other ethnic group": 10.0})
    table = composition.ethnicity_comparison(mine, england, None, people).set_index("ethnic_group")
    assert table.loc["White", "percent"] == 60.0 and table.loc["Refused or information not yet available",
                                                                "percent"] == 5.0
    assert table.loc["White", "england"] == 71.0 and np.isnan(table.loc["Asian or Asian British", "england"])
    assert table.loc["Mixed or Multiple ethnic groups", "population"] == 4.0      # 40 of 1,000
    assert np.isnan(table.loc["Refused or information not yet available", "population"])
    assert table["region"].isna().all()


def test_care_leaver_numbers_add_the_two_ages_and_leave_a_missing_year_missing():
    rows = [{"time_period": year, "indicator": indicator, "breakdown_group": Group.ACTIVITY, "breakdown": TOTAL,
             "unit": "number", "value": value}
            for year, indicator, value in ((2023, "care_leavers_17_18", 90.0), (2023, "care_leavers_19_21", 200.0),
                                           (2024, "care_leavers_17_18", 95.0))]
    got = composition.care_leaver_numbers(figures(rows), TOYSHIRE.new_la_code, [2023, 2024]).set_index(
        "time_period")
    assert got.loc[2023, composition.ALL_CARE_LEAVERS] == 290
    assert np.isnan(got.loc[2024, composition.ALL_CARE_LEAVERS])


# --- local files: population by ethnicity, the local offer ---------------------------------------

GOOD = ("year,ethnic_group,children,source\n2021,White,900,ONS Census 2021\n2021,mixed,40,ONS Census 2021\n"
        "2021,Asian or Asian British,30,\n2021,\"Black, African, Caribbean or Black British\",20,\n"
        "2021,Other ethnic group,10,\n")


def test_a_good_population_file_is_read_with_short_group_names(tmp_path):
    (tmp_path / population_ethnicity.FILE_NAME).write_text(GOOD, encoding="utf-8")
    found = population_ethnicity.load(tmp_path)
    assert found.found and not found.problems
    year, counts = found.latest(2025)
    assert year == 2021 and counts["Mixed or Multiple ethnic groups"] == 40 and counts.sum() == 1000
    assert "ONS Census 2021" in found.source()


@pytest.mark.parametrize("text, where, plain", [
    (GOOD.replace("mixed", "Mixd"), "row 3, column ethnic_group: value 'Mixd'", "row 3 names a group"),
    (GOOD + "2021,White,5,\n", "row 7: White is given twice for 2021", "second time"),
    (GOOD.replace("2021,Other ethnic group,10,\n", ""), "2021 has no row for Other ethnic group",
     "does not give every ethnic group"),
    (GOOD.replace("900", "nine hundred"), "row 2, column children: value 'nine hundred' is not a whole number",
     "columns or numbers"),
    (GOOD.replace("900", "-5"), "row 2, column children: value '-5' is negative", "columns or numbers"),
    (GOOD.replace("children", "kids"), "missing column(s) children", "columns or numbers"),
    ("", "the file is empty", "it is empty"),
])
def test_a_bad_population_file_is_reported_never_raised(tmp_path, text, where, plain):
    path = tmp_path / population_ethnicity.FILE_NAME
    path.write_text(text, encoding="utf-8")
    found = population_ethnicity.load(tmp_path)
    assert not found.found
    assert len(found.problems) == 1 and str(path) in found.problems[0] and where in found.problems[0]
    assert plain in found.plain_problems[0] and str(tmp_path) not in found.plain_problems[0]


def test_no_population_file_is_not_a_problem(tmp_path):
    assert population_ethnicity.load(tmp_path).problems == [] and not population_ethnicity.load(None).found


def test_the_local_offer_is_read_and_a_bad_one_reported(tmp_path):
    path = tmp_path / local_offer.FILE_NAME
    path.write_text("area,offer\nHousing,Staying put to 21\nMoney,A setting-up-home grant\n", encoding="utf-8")
    assert local_offer.load(tmp_path).table["area"].tolist() == ["Housing", "Money"]
    path.write_text("area,offer\nHousing,\n", encoding="utf-8")
    bad = local_offer.load(tmp_path)
    assert not bad.found and "row 2, column offer: empty" in bad.problems[0]


def test_the_pages_keep_the_place_of_a_local_input_that_was_not_given(tmp_path):
    rows = [{"time_period": 2023, "indicator": "cla_31_march", "breakdown_group": Group.ETHNICITY,
             "breakdown": label, "unit": "number", "value": value}
            for label, value in (("White", 60.0), ("Mixed or Multiple ethnic groups", 30.0),
                                 ("Asian or Asian British", 2.0))]
    facts = make_facts(rows)
    block = population.ethnicity_compared(facts)
    assert any("table of the population by ethnic group; none was given" in s for s in block.sentences)
    shown = block.table.frame.set_index("ethnic_group")
    assert shown.loc["Asian or Asian British", "children"] == "c" and shown.loc["Asian or Asian British",
                                                                               "percent"] == "c"
    assert care_leavers.offer(facts).sentences == [care_leavers.NO_OFFER]


# --- where children who ceased went; placements by sex; the age profile ahead ---------------------

def test_destinations_group_dfes_reasons_and_hide_a_group_with_a_suppressed_reason():
    reasons = {"Adopted": 4.0, "Special guardianship orders": 6.0,
               "Returned home to live with parents or other person with parental responsibility which was part of "
               "the care planning process": 10.0,
               "Left care to live with parents, relatives or other person with no parental responsibility": np.nan,
               "Aged 18 (or over) and remained with current carers": 7.0,
               "Moved into independent living (with supportive accommodation)": 3.0,
               "Sentenced to custody": 2.0, "Died": 0.0, TOTAL: 34.0}
    rows = _ceased_rows(2023, {(Group.REASON_CEASED, label): value for label, value in reasons.items()})
    got = permanence.destinations(figures(rows), TOYSHIRE.new_la_code, 2023)
    assert got[permanence.PERMANENCE] == 10                 # 4 + 6; no child arrangements order row: none
    assert np.isnan(got[permanence.HOME])                   # one of its reasons is suppressed
    assert got[permanence.ADULTHOOD] == 10 and got[permanence.OTHER] == 2 and got[TOTAL] == 34
    assert permanence.destinations(figures(rows), TOYSHIRE.new_la_code, 2024) == {}


def test_placements_made_in_the_year_count_each_placement_by_the_childs_sex():
    tabs = tables(("1", "01/05/2020", "01/06/2020", "S", "X1", "C2"),
                  ("1", "01/06/2020", "", "P", "", "C2"),          # a second placement of the same boy
                  ("2", "01/05/2019", "", "S", "", "C2"),          # placed the year before
                  ("3", "01/07/2020", "", "S", "", "V3"))          # short breaks
    tabs["header"] = pd.DataFrame({"CHILD": ["1", "2", "3"], "SEX": ["1", "2", "2"], "DOB": _day("01/06/2008"),
                                   "ETHNIC": "WBRI"})
    assert composition.new_placements_by_sex(tabs, 2021) == {"Male": 2, "Female": 0, TOTAL: 2}
    assert composition.new_placements_by_sex(tabs, 2020) == {"Male": 0, "Female": 1, TOTAL: 1}


class _Chain:
    """A stand-in for the fitted model: projections written by hand."""

    def __init__(self, frame):
        self.frame = frame

    def reconciled(self, total, years, by=1):
        assert by == 0 and len(total) == years == 3     # by age band, following the total's forecast
        return self.frame

    def project(self, years, by=1):
        raise AssertionError("with a forecast of the total, the projection follows it")


def test_the_age_outlook_states_the_last_year_and_hides_a_projection_of_a_few():
    from types import SimpleNamespace
    rows = []
    for year, older, everyone in ((2024, 4.0, 100.0), (2025, 30.0, 110.0), (2026, 33.4, 120.0)):
        rows += [{"time_period": year, "group": "16 years and over", "mean": older, "lower_80": older - 2,
                  "upper_80": older + 3, "lower_95": 0.0, "upper_95": 99.0},
                 {"time_period": year, "group": TOTAL, "mean": everyone, "lower_80": 0.0, "upper_80": 0.0,
                  "lower_95": 0.0, "upper_95": 0.0}]
    from sufficiency_lib.analysis import demand
    forecasts = pd.DataFrame({"series": demand.CLA, "time_period": [2024, 2025, 2026], "mean": 1.0,
                              "lower_80": 1.0, "upper_80": 1.0, "lower_95": 1.0, "upper_95": 1.0})
    outlook = SimpleNamespace(chain=_Chain(pd.DataFrame(rows)), forecasts=forecasts)
    block = population.age_outlook(make_facts([]), outlook)
    shown = block.table.frame.set_index("time_period")
    assert shown.loc[2024, "mean"] == "c" and shown.loc[2024, "share"] == "c"        # 4: a few children
    assert shown.loc[2026, "mean"] == 33 and shown.loc[2026, "share"] == 28           # 33.4 of 120
    assert block.sentences[0].startswith("If the patterns of recent years hold, about 33 young people aged 16 and "
                                         "over (likely between 31 and 36) will be looked after at 31 March 2026, 28%")


def test_without_a_return_dfes_suppressed_route_shows_as_c_and_an_unpublished_year_as_blank():
    rows = (_ceased_rows(2023, {(TOTAL, TOTAL): 40, (Group.REASON_CEASED, TOTAL): 41,
                                (Group.REASON_CEASED, "Adopted"): np.nan, (Group.REASON_CEASED, permanence.SGO): 9,
                                (Group.REASON_CEASED, permanence.CAO): 12})
            + _ceased_rows(2024, {(TOTAL, TOTAL): 50}))
    facts = make_facts(rows)
    facts.data = None
    block = children_in_care.permanence_block(facts)
    shown = block.table.frame.set_index("time_period")
    assert shown.loc[2023, "adopted"] == "c" and shown.loc[2023, "permanence"] == "c"
    assert shown.loc[2023, "ceased"] == "41"                     # the reasons' own total
    assert shown.loc[2024, "adopted"] == "" and shown.loc[2024, "ceased"] == "50"
    assert block.sentences == ["Too few children left care to permanence in the year to 31 March 2023 to show the "
                               "number by route."]


class _Published:
    """Published figures written by hand (Toyshire, its region and England)."""

    def __init__(self, rows):
        frame = figures(rows)
        england = frame.loc[frame["new_la_code"].eq(TOYSHIRE.new_la_code)].assign(
            geographic_level="National", new_la_code="", la_name="", old_la_code="", region_code="")
        england = england.assign(value=england["value"] * 100)
        self.figures = pd.concat([frame, england], ignore_index=True)

    def source_line(self, model=None):
        return "DfE (hand-made)"


def test_a_year_dfe_has_not_published_yet_is_given_from_the_return_with_a_note():
    published = _Published([{"time_period": year, "indicator": "cla_31_march", "breakdown_group": TOTAL,
                             "breakdown": TOTAL, "unit": "number", "value": value}
                            for year, value in ((2021, 40.0), (2022, 44.0))])
    mine = [{"time_period": year, "indicator": "cla_31_march", "breakdown_group": TOTAL, "breakdown": TOTAL,
             "unit": "number", "value": value} for year, value in ((2022, 44.0), (2023, 52.0))]
    facts = make_facts(mine, published=published)
    [sentence] = children_in_care.comparators_update(facts).sentences
    assert sentence == ("At 31 March 2023, Toyshire looked after 52 children (its own figure). DfE has not yet "
                        "published the figures of other authorities, the region and England for 2023, so the "
                        "comparisons above stop at 2022.")
    table = children_in_care.area_block(facts, "n", "number", "Children", "the number").table.frame
    assert [c for c in table.columns if c.isdigit()] == ["2021", "2022"]       # the published years
    assert table.set_index("area").loc["England", "change_1y"] == pytest.approx(10.0)     # 4,400 on 4,000
    facts = make_facts(mine[:1], published=published)
    assert "so the comparisons above are up to date" in children_in_care.comparators_update(facts).sentences[0]
