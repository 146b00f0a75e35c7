"""The six-month progress update (element G6): the number looked after at 30 September and at
31 March by UASC status, on tiny hand-made returns counted by hand, and its block in the
children-in-care chapter (suppressed like the chapter's other flows)."""
from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from factories import make_facts
from sufficiency_lib.analysis import composition, metrics
from sufficiency_lib.analysis.facts import ReturnData
from sufficiency_lib.statement.chapters import children_in_care
from sufficiency_lib.statement.chapters.common import needs_return
from sufficiency_lib.vocabulary import TOTAL, Indicator, Uasc


def _day(text: str):
    return pd.to_datetime(text or None, format="%d/%m/%Y")


def tables(*rows, uasc=()):
    """Clean-shaped tables from episodes (child, decom, dec, ls) and UASC rows (child, duc):
    dates dd/mm/YYYY, '' for none."""
    eps = pd.DataFrame(rows, columns=["CHILD", "DECOM", "DEC", "LS"])
    for column in ("DECOM", "DEC"):
        eps[column] = eps[column].map(_day)
    eps = eps.assign(RNE="S", REC="E8", CIN="N1", PLACE="U1", PLACE_PROVIDER="PR1")
    header = pd.DataFrame({"CHILD": sorted(set(eps["CHILD"])), "SEX": "1", "DOB": _day("01/06/2008"),
                           "ETHNIC": "WBRI"})
    uasc_table = pd.DataFrame({"CHILD": [r[0] for r in uasc], "DUC": [_day(r[1]) for r in uasc]})
    return {"episodes": eps, "header": header, "uasc": uasc_table}


# --- the counts, by hand -------------------------------------------------------------------------

HAND_MADE = tables(
    ("A", "01/01/2019", "", "C2"),                 # in care throughout; UASC throughout
    ("B", "01/10/2020", "", "C2"),                 # started after 30 September
    ("C", "01/01/2020", "30/09/2020", "C2"),       # ended on 30 September: not looked after at its end
    ("D", "01/01/2020", "01/10/2020", "C2"),       # ended the day after: looked after on 30 September
    ("E", "01/01/2020", "", "C2"),                 # UASC until 1 December 2020
    ("F", "01/01/2020", "", "V3"),                 # short breaks only: never counted
    ("G", "30/09/2020", "", "C2"),                 # started on 30 September: counted that day
    ("H", "01/01/2020", "31/03/2021", "C2"),       # ended on 31 March: not counted then
    ("I", "01/01/2020", "", "C2"),                 # UASC status ceased on 30 September itself
    ("J", "01/01/2020", "01/06/2020", "C2"),       # two episodes, one child
    ("J", "01/06/2020", "", "C2"),
    uasc=[("A", ""), ("E", "01/12/2020"), ("I", "30/09/2020"), ("C", "")])


def test_the_dates_are_30_september_of_the_year_before_and_31_march():
    assert composition.six_month_dates(2021) == (pd.Timestamp("2020-09-30"), pd.Timestamp("2021-03-31"))


def test_looked_after_on_a_day_by_uasc_counted_by_hand():
    # 30 September 2020: A (UASC), D, E (UASC), G, H, I, J -> 2 UASC, 5 others
    assert composition.looked_after_on_by_uasc(HAND_MADE, pd.Timestamp("2020-09-30")) == \
        {Uasc.YES: 2, Uasc.NO: 5, TOTAL: 7}
    # 31 March 2021: A (UASC), B, E (no longer UASC), G, I, J -> 1 UASC, 5 others
    assert composition.looked_after_on_by_uasc(HAND_MADE, pd.Timestamp("2021-03-31")) == \
        {Uasc.YES: 1, Uasc.NO: 5, TOTAL: 6}


def test_six_month_change_is_march_less_september_for_each_status():
    got = composition.six_month_change(HAND_MADE, 2021).set_index("breakdown")
    assert list(got.index) == [Uasc.YES, Uasc.NO, TOTAL]
    assert got[composition.SEPTEMBER].tolist() == [2, 5, 7]
    assert got[composition.MARCH].tolist() == [1, 5, 6]
    assert got[composition.CHANGE].tolist() == [-1, 0, -1]
    # the 31 March figure is the chapter's number looked after at 31 March
    assert got.loc[TOTAL, composition.MARCH] == metrics.children_looked_after_at_31_march(HAND_MADE["episodes"], 2021)


def _by_hand(spells, day: dt.date) -> int:
    """Distinct children with a non-short-break spell open at the end of ``day``, counted
    with plain dates."""
    return len({child for child, start, end, ls in spells
                if ls not in ("V3", "V4") and start <= day and (end is None or end > day)})


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from("ABCDEFGH"), st.integers(0, 700), st.integers(0, 400) | st.none(),
                          st.sampled_from(["C2", "C2", "V3"])), min_size=1, max_size=14),
       st.lists(st.tuples(st.sampled_from("ABCDEFGH"), st.integers(0, 700) | st.none()), max_size=6))
def test_each_date_splits_into_uasc_and_others_adding_up_to_the_count_by_hand(spells, flags):
    base = dt.date(2019, 12, 1)
    plain = [(child, base + dt.timedelta(days=start), None if length is None
              else base + dt.timedelta(days=start + length), ls) for child, start, length, ls in spells]
    rows = [(child, start.strftime("%d/%m/%Y"), "" if end is None else end.strftime("%d/%m/%Y"), ls)
            for child, start, end, ls in plain]
    uasc = [(child, "" if day is None else (base + dt.timedelta(days=day)).strftime("%d/%m/%Y"))
            for child, day in flags]
    got = composition.six_month_change(tables(*rows, uasc=uasc), 2021).set_index("breakdown")
    for column, day in ((composition.SEPTEMBER, dt.date(2020, 9, 30)), (composition.MARCH, dt.date(2021, 3, 31))):
        assert got.loc[Uasc.YES, column] + got.loc[Uasc.NO, column] == got.loc[TOTAL, column] == _by_hand(plain, day)
        assert got.loc[Uasc.YES, column] <= len({c for c, _ in flags})
    assert (got[composition.CHANGE] == got[composition.MARCH] - got[composition.SEPTEMBER]).all()


# --- the chapter's block -------------------------------------------------------------------------

def _facts_with(tabs):
    facts = make_facts([{"time_period": 2021, "indicator": Indicator.CLA, "breakdown_group": TOTAL,
                         "breakdown": TOTAL, "unit": "number", "value": 1.0}])
    facts.data = ReturnData(SimpleNamespace(tables=tabs), "hand-made return", True)
    return facts


def test_the_block_hides_small_splits_and_their_changes_but_shows_the_totals():
    block = children_in_care.six_months(_facts_with(HAND_MADE))
    shown = block.table.frame.set_index("uasc_status")
    uasc, other, total = children_in_care.SIX_MONTH_ROWS.values()
    assert shown.loc[total].tolist() == [7, 6, -1]
    assert shown.loc[uasc].tolist() == ["c", "c", "c"] and shown.loc[other].tolist() == ["c", "c", "c"]
    assert block.sentences == ["Between 30 September 2020 and 31 March 2021, the number of children looked after by "
                               "Toyshire fell from 7 to 6 (1 fewer).",
                               "How the numbers of unaccompanied asylum-seeking children and of other children "
                               "changed is not shown, as a count it rests on is hidden to protect small numbers."]
    assert "30 September 2020" in block.table.columns[1].label and "31 March 2021" in block.table.columns[2].label


def test_a_change_is_shown_only_where_both_its_counts_are():
    rows = [(f"U{i}", "01/01/2020" if i < 3 else "15/01/2021", "", "C2") for i in range(10)]
    rows += [(f"N{i}", "01/01/2020", "", "C2") for i in range(20)]
    tabs = tables(*rows, uasc=[(f"U{i}", "") for i in range(10)])
    shown = children_in_care.six_months(_facts_with(tabs)).table.frame.set_index("uasc_status")
    uasc, other, total = children_in_care.SIX_MONTH_ROWS.values()
    # by hand: September 3 UASC (small) and 20 others (hidden too, or 23 - 20 gives the 3); March 10 and 20
    assert shown.loc[uasc].tolist() == ["c", 10, "c"] and shown.loc[other].tolist() == ["c", 20, "c"]
    assert shown.loc[total].tolist() == [23, 30, 7]


def test_the_block_states_each_status_when_none_is_small():
    rows = [(f"U{i}", "01/01/2020", "", "C2") for i in range(10)]                      # UASC throughout
    rows += [(f"N{i}", "01/01/2020", "01/11/2020" if i < 8 else "", "C2") for i in range(20)]
    rows += [(f"S{i}", "15/01/2021", "", "C2") for i in range(12)]                    # started in January
    tabs = tables(*rows, uasc=[(f"U{i}", "") for i in range(10)])
    block = children_in_care.six_months(_facts_with(tabs))
    # by hand: September 10 UASC + 20 others = 30; March 10 UASC + (12 + 12) others = 34
    shown = block.table.frame.set_index("uasc_status")
    uasc, other, total = children_in_care.SIX_MONTH_ROWS.values()
    assert shown.loc[uasc].tolist() == [10, 10, 0] and shown.loc[other].tolist() == [20, 24, 4]
    assert shown.loc[total].tolist() == [30, 34, 4]
    assert block.sentences[1] == ("Over the same six months, the number of unaccompanied asylum-seeking children "
                                  "stayed at 10 and the number of other children rose from 20 to 24 (4 more).")


def test_the_page_writes_large_counts_with_a_thousands_comma():
    rows = [(f"N{i}", "01/01/2020", "", "C2") for i in range(1_200)]
    block = children_in_care.six_months(_facts_with(tables(*rows)))
    assert "<td class=\"num\">1,200</td>" in block.table.to_html()


def test_without_a_return_the_block_says_the_part_needs_it():
    facts = make_facts([])
    facts.data = None
    block = children_in_care.six_months(facts)
    assert block.sentences == [needs_return("the children looked after over the latest six months")] \
        and block.table is None
