"""We said, we did: each measure of the previous plan read from hand-made figures in the plan's
year and the statement's year, its movement worked out by hand here, and the chapter that
shows it."""
import datetime as dt
from pathlib import Path
from types import SimpleNamespace

import pandas as pd

from factories import TOYSHIRE, make_facts
from sufficiency_lib.analysis import progress
from sufficiency_lib.local.actions import COLUMNS, Action, Actions
from sufficiency_lib.site.plain_english import CODE_NAMES, DECIMAL_COUNT
from sufficiency_lib.statement.chapters import plan
from sufficiency_lib.vocabulary import TOTAL

PLACEMENT = "Placement group"


def _share(year, breakdown, count, total, group=PLACEMENT, indicator="cla_31_march"):
    """A breakdown's count and percentage, and its Total, as the figures hold them."""
    return [{"time_period": year, "indicator": indicator, "breakdown_group": group, "breakdown": breakdown,
             "unit": "number", "value": float(count)},
            {"time_period": year, "indicator": indicator, "breakdown_group": group, "breakdown": breakdown,
             "unit": "percent", "value": count / total * 100}]


def _total(year, count):
    return [{"time_period": year, "indicator": "cla_31_march", "breakdown_group": TOTAL, "breakdown": TOTAL,
             "unit": "number", "value": float(count)}]


def _figures():
    rows = []
    # in-house: 20 of 100 = 20% in 2021; 26 of 104 = 25% in 2025 (wanted up: up 5 points)
    rows += _share(2021, "In-house foster care", 20, 100) + _share(2025, "In-house foster care", 26, 104)
    # IFA: 40 of 100 = 40%; 45 of 104 = 43.27%, printed 43% (wanted down: up 3 points)
    rows += _share(2021, "IFA foster care", 40, 100) + _share(2025, "IFA foster care", 45, 104)
    # residential: 3 children in 2021 (a count of 1 to 5: suppressed); 8 of 104 in 2025
    rows += _share(2021, "Residential children's homes", 3, 100) + _share(2025, "Residential children's homes", 8, 104)
    # connected persons: 10 of 100 = 10%; 10 of 104 = 9.6%, printed 10%: no change as printed
    rows += _share(2021, "Connected persons foster care", 10, 100) + _share(2025, "Connected persons foster care",
                                                                           10, 104)
    rows += _total(2021, 300) + _total(2025, 330)
    return rows


def _population():
    # ONS mid-year estimates of children 0 to 17: mid-2020 60,000 and mid-2024 55,000
    frame = pd.DataFrame({"new_la_code": TOYSHIRE.new_la_code, "time_period": [2020, 2024],
                          "geographic_level": "Local authority", "value": [60_000.0, 55_000.0]})
    return SimpleNamespace(population=frame, figures=pd.DataFrame())


def _action(text, *measures, area="Fostering", **fields):
    return Action(area, 1, text, "More local homes.", measures=tuple(measures), **fields)


def _said(*entries, year=2021, illustrative=False):
    table = pd.DataFrame([{"area": a.area, "actions": a.text, "impact": a.impact} for a in entries], columns=COLUMNS)
    return Actions(table, year, Path("actions.yaml"), tuple(entries), illustrative=illustrative)


def _facts(said=None, current=None):
    facts = make_facts(_figures(), published=_population())
    facts.actions = current or Actions(pd.DataFrame(columns=COLUMNS), None, None)
    facts.actions.previous = said
    return facts


def test_each_measure_is_read_in_the_plans_year_and_now_and_its_movement_worked_out():
    said = _said(_action("Grow in-house.", ("in_house_share", "up")),
                 _action("Use fewer agencies.", ("ifa_share", "down")),
                 _action("Step down from homes.", ("residential_share", "down")),
                 _action("Support families.", ("connected_share", "up")),
                 _action("Fewer children in care.", ("cla_rate", "down")),
                 _action("Keep in touch.", ("care_leavers_eet", "up"), area="Care leavers"),
                 _action("Talk to providers."))
    rows = progress.we_said(_facts(said), said)
    got = {r.action.text: r for r in rows}
    assert [r.action.text for r in rows] == [a.text for a in said.entries]

    grow = got["Grow in-house."]
    assert (grow.then.number, grow.now.number, grow.change, grow.outcome) == (20, 25, 5, progress.WANTED)
    assert grow.words() == "Up from 20% to 25% (5 percentage points): the way wanted."

    ifa = got["Use fewer agencies."]       # 45 / 104 = 43.27%: printed 43
    assert (ifa.then.number, ifa.now.number, ifa.change, ifa.outcome) == (40, 43, 3, progress.NOT_WANTED)
    assert ifa.words() == "Up from 40% to 43% (3 percentage points): not the way wanted."

    homes = got["Step down from homes."]   # 3 children in 2021: suppressed, never a number
    assert homes.then.number is None and homes.then.reason == progress.SUPPRESSED and homes.now.number == 8
    assert homes.outcome == progress.NOT_KNOWN and homes.change is None
    assert homes.words() == ("Not known: the 2021 figure is suppressed to protect children's privacy (fewer than 6 "
                             "children).")

    family = got["Support families."]      # 10% and 9.6%: both printed 10
    assert (family.change, family.outcome) == (0, progress.NO_CHANGE)
    assert family.words() == "No change: 10% in 2021 and in 2025."

    rate = got["Fewer children in care."]  # 300 / 60,000 x 10,000 = 50; 330 / 55,000 x 10,000 = 60
    assert (rate.then.number, rate.now.number, rate.outcome) == (50, 60, progress.NOT_WANTED)
    assert rate.words() == "Up from 50 per 10,000 to 60 per 10,000 (10 per 10,000 children): not the way wanted."

    eet = got["Keep in touch."]            # no care leavers figures at all
    assert eet.then.reason == eet.now.reason == progress.NOT_AVAILABLE and eet.outcome == progress.NOT_KNOWN
    assert eet.words() == "Not known: the 2021 figure is not available and the 2025 figure is not available."

    talk = got["Talk to providers."]
    assert talk.key == "" and talk.outcome == "" and talk.words() == "No measure was recorded for this action."
    assert progress.tally(rows) == {progress.WANTED: 1, progress.NOT_WANTED: 2, progress.NO_CHANGE: 1,
                                    progress.NOT_KNOWN: 2}


def test_movement_is_worked_out_from_the_figures_as_printed():
    # 204 of 1,000 = 20.4% (printed 20) and 206 of 1,000 = 20.6% (printed 21): up 1 point as printed
    rows = _share(2021, "In-house foster care", 204, 1000) + _share(2025, "In-house foster care", 206, 1000)
    said = _said(_action("Grow.", ("in_house_share", "down")))
    row = progress.we_said(make_facts(rows), said)[0]
    assert (row.then.number, row.now.number, row.change, row.outcome) == (20, 21, 1, progress.NOT_WANTED)


def test_a_rate_without_the_population_of_the_year_before_is_not_available():
    rows = _total(2021, 300) + _total(2025, 330)
    row = progress.we_said(make_facts(rows), _said(_action("Fewer.", ("cla_rate", "down"))))[0]
    assert row.then.reason == progress.NOT_AVAILABLE and row.outcome == progress.NOT_KNOWN


def test_a_published_rate_is_used_as_it_is_and_a_suppressed_one_is_not_derived():
    rows = [{"time_period": y, "indicator": "cla_31_march", "breakdown_group": TOTAL, "breakdown": TOTAL,
             "unit": "rate_per_10000", "value": v} for y, v in ((2021, 52.0), (2025, 49.0))]
    rows += _total(2021, 300) + _total(2025, 4)           # 4 children: the count and its rate are hidden
    row = progress.we_said(make_facts(rows, published=_population()), _said(_action("F.", ("cla_rate", "down"))))[0]
    assert row.then.number == 52 and row.now.number is None and row.now.reason == progress.SUPPRESSED


def test_no_previous_plan_has_no_rows_and_challenges_name_the_measures_that_went_the_other_way():
    assert progress.we_said(_facts(), None) == []
    said = _said(_action("Use fewer agencies.", ("ifa_share", "down")),
                 _action("Grow in-house.", ("in_house_share", "up")))
    found = progress.challenges(progress.we_said(_facts(said), said))
    assert [(f.area, f.challenge) for f in found] == [(
        "Fostering", "The 2021 plan wanted the share of children looked after in IFA foster care to go down; it rose "
                     "from 40% to 43% by 2025.")]


def test_an_action_due_before_the_statements_31_march_and_not_finished_is_overdue():
    due = dt.date(2024, 3, 31)
    assert progress.due_passed(_action("a", due=due, status="on track"), 2025)
    assert not progress.due_passed(_action("a", due=due, status="done"), 2025)
    assert not progress.due_passed(_action("a", due=dt.date(2025, 3, 31)), 2025)
    assert not progress.due_passed(_action("a"), 2025)


# --- the chapter ---------------------------------------------------------------------------------

def _text(block) -> str:
    return block.to_html()


def test_the_chapter_shows_we_said_we_did_with_illustrative_values_marked_and_no_plan_for_the_year():
    said = _said(_action("Grow in-house.", ("in_house_share", "up"), illustrative=True, owner="Head of service"),
                 _action("Step down from homes.", ("residential_share", "down")),
                 _action("Talk to providers.", status="done", due=dt.date(2022, 3, 31)))
    facts = _facts(said)
    chapter = plan.build(facts, {})
    shown = chapter["we_said"].table.display_frame()
    assert shown.columns.tolist() == ["Area", "Action", "Owner", "Due", "Status", "Measure", "2021", "2025",
                                      "Movement"]
    grow, homes, talk = shown.to_dict("records")
    assert grow["Owner"] == "Head of service (illustrative, not the council's decision)"
    assert grow["Measure"] == ("Share of children looked after in in-house foster care, wanted up (illustrative, "
                               "not the council's decision)")
    assert (grow["2021"], grow["2025"]) == ("20%", "25%") and grow["Status"] == "Not recorded"
    assert (homes["2021"], homes["2025"]) == ("c", "8%") and homes["Movement"].startswith("Not known")
    assert (talk["Status"], talk["Due"], talk["Measure"]) == ("Done", "31 March 2022", "None recorded")
    sentences = " ".join(chapter["we_said"].sentences)
    assert "set 3 actions in 1 area" in sentences
    assert ("Of these, 2 actions name a figure this statement computes (2 measures in all): 1 moved the way wanted "
            "and 1 cannot be told, as a figure is suppressed or not available.") in sentences
    assert "The other action names no measure, so how far it has got is for the council to report." in sentences
    assert "illustrative, not the council's decision" in " ".join(chapter["we_said"].notes)
    assert chapter["plan"].table is None and "No action plan has been recorded for 2025" in _text(chapter["plan"])
    saved = chapter["we_said"].tables()[0].ees(facts.authority, facts.year)
    assert saved["then_value"].tolist() == ["20", "c", "x"] and saved["change"].tolist() == ["5", "x", "x"]
    for block in chapter.all_blocks():
        text = _text(block)
        assert not CODE_NAMES.search(text.replace("data-table", "")) and not DECIMAL_COUNT.search(text), text


def test_an_authority_without_any_actions_says_so_plainly():
    chapter = plan.build(_facts(), {})
    assert "No earlier plan of actions has been recorded for Toyshire" in _text(chapter["we_said"])
    assert "No action plan has been recorded for Toyshire, for 2025 or any year before it." in _text(chapter["story"])
    assert chapter["reading"].tables()[0].key == "action_table_columns"


def test_the_years_own_plan_is_shown_with_owners_and_dates():
    current = _said(_action("Open a home.", ("residential_share", "down"), owner="Commissioning lead",
                            due=dt.date(2026, 3, 31), status="on track"), year=2025)
    current.table = current.table.assign(area="Residential children's homes")
    facts = _facts(None, current)
    block = plan.build(facts, {})["plan"]
    row = block.table.display_frame().to_dict("records")[0]
    assert (row["Owner"], row["Due"], row["Status"]) == ("Commissioning lead", "31 March 2026", "On track")
    assert row["Measure"] == "Share of children looked after in residential children's homes, wanted down"
    assert block.sentences == ["The plan sets 1 action in 1 area: 1 has an owner, 1 a due date and 1 a measure the "
                               "next statement will follow."]


def test_the_executive_summary_opens_with_the_years_missing_plan_and_lists_measures_gone_the_other_way():
    from sufficiency_lib.statement.chapters import summary
    said = _said(_action("Use fewer agencies.", ("ifa_share", "down")))
    said.until = 2024
    facts = _facts(said)
    chapter = summary.build(facts, {"placements": []})
    assert chapter["story"].sentences[0] == (
        "No actions have been recorded for 2025: the last plan, recorded for 2021, ran to 2024, and how its actions "
        "went is set out in the chapter 'Our plan and progress'.")
    assert [f.area for f in chapter.found] == ["Fostering"] and "it rose from 40% to 43%" in chapter.found[0].challenge
    own = _facts(None, _said(_action("Open a home."), year=2025))
    assert "No actions have been recorded" not in " ".join(summary.build(own, {})["story"].sentences)
    # said once on the page: in the opening when the year has no actions, else above the table
    whole = [s for b in chapter.all_blocks() for s in b.sentences]
    assert sum("No actions have been recorded" in s for s in whole) == 1
    assert "The actions and intended impact are those the authority recorded for 2025." in \
        summary.build(own, {}).summary().sentences
