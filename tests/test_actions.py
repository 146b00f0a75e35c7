"""The actions file per authority-year: owner, due date, measure and status, the older plain
format, which file a year uses, and a clear message for every problem (never a stopped run)."""
import datetime as dt
import re

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sufficiency_lib.config import DEMO_LOCAL_DIR
from sufficiency_lib.local import actions
from sufficiency_lib.site.plain_english import CODE_NAMES

FULL = """\
authority: E1
year: 2023
until: 2025
areas:
  - area: Fostering
    actions:
      - Recruit carers for teenagers.
      - action: Grow the in-house service.
        owner: Head of fostering
        due: 2024-03-31
        measure: in_house_share
        status: On Track
      - action: Fewer children in IFA placements.
        measure: [ifa_share, far_placements]
        wanted: up
        status: not_started
        illustrative: true
    impact: More local family placements.
  - area: Care leavers
    actions: Develop housing with support.
"""


def _write(folder, text, year=2023):
    path = folder / f"actions_{year}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_full_format_reads_owner_due_measure_and_status(tmp_path):
    path = _write(tmp_path, FULL)
    got = actions.load(tmp_path, 2023, "E1")
    assert got.problems == () and got.is_for(2023) and got.until == 2025 and not got.illustrative
    plain, grow, ifa, housing = got.entries
    assert (plain.area, plain.number, plain.text, plain.owner, plain.due, plain.measures, plain.status) == (
        "Fostering", 1, "Recruit carers for teenagers.", "", None, (), "")
    assert (grow.owner, grow.due, grow.measures, grow.status, grow.illustrative) == (
        "Head of fostering", dt.date(2024, 3, 31), (("in_house_share", "up"),), "on track", False)
    # 'wanted' overrides each listed measure's usual direction (IFA share is usually wanted down)
    assert ifa.measures == (("ifa_share", "up"), ("far_placements", "up")) and ifa.status == "not started"
    assert ifa.illustrative and ifa.impact == "More local family placements."
    assert (housing.area, housing.text, housing.impact) == ("Care leavers", "Develop housing with support.", "")
    # the summary tables' shape is unchanged: one row per area, actions joined
    assert got.table.to_dict("list") == {
        "area": ["Fostering", "Care leavers"],
        "actions": ["Recruit carers for teenagers.; Grow the in-house service.; Fewer children in IFA placements.",
                    "Develop housing with support."],
        "impact": ["More local family placements.", ""]}
    assert actions.read(path, "E1").equals(got.table)


def test_default_directions_come_from_the_measure_list():
    assert actions.MEASURES["ifa_share"].wanted == "down" and actions.MEASURES["care_leavers_eet"].wanted == "up"
    assert {"cla_rate", "ifa_share", "in_house_share", "three_plus_placements", "far_placements",
            "residential_share", "care_leavers_eet"} <= set(actions.MEASURES)


def test_the_older_plain_format_still_reads(tmp_path):
    _write(tmp_path, "authority: E1\nyear: 2021\nareas:\n  - area: Fostering\n    actions: [Recruit, Train]\n"
                     "    impact: More\n", 2021)
    got = actions.load(tmp_path, 2021, "E1")
    assert got.problems == () and [(a.text, a.owner, a.due, a.measures, a.status) for a in got.entries] == [
        ("Recruit", "", None, (), ""), ("Train", "", None, (), "")]


# --- which file a year uses -----------------------------------------------------------------

def test_a_year_uses_its_own_file_and_the_newest_earlier_one_is_the_previous_plan(tmp_path):
    for year in (2019, 2021, 2023):
        _write(tmp_path, f"areas:\n  - area: A{year}\n    actions: [x]\n", year)
    got = actions.load(tmp_path, 2023)
    assert got.year == 2023 and got.previous.year == 2021 and got.note(2023) == (
        "The actions and intended impact are those the authority recorded for 2023.")
    assert actions.load(tmp_path, 2019).previous is None


def test_an_earlier_plan_stands_until_replaced_or_until_its_last_year(tmp_path):
    _write(tmp_path, "until: 2024\nareas:\n  - area: Fostering\n    actions: [x]\n", 2021)
    running = actions.load(tmp_path, 2024)
    assert running.year == 2021 and not running.is_for(2024) and running.previous.year == 2021
    assert running.note(2024) == ("No actions have been recorded for 2024 yet: the actions and intended impact "
                                  "shown are those recorded for 2021.")
    ended = actions.load(tmp_path, 2025)
    assert ended.path is None and ended.table.empty and ended.previous.year == 2021
    assert ended.note(2025) == ("No actions have been recorded for 2025: the last plan, recorded for 2021, ran to "
                                "2024, and how its actions went is set out in the chapter 'Our plan and progress'.")
    assert actions.load(tmp_path / "none", 2025).note(2025) == (
        "No actions have been recorded for 2025 or any year before it.")


# --- problems: each names file, place, key, value and fix; none stops a run ----------------------

BAD = [
    # (file text, what the analyst's message must contain, in order)
    ("areas: [\n", ["not valid YAML", "check the indentation"]),
    ("- a\n- b\n", ["expected keys (authority, year, areas)"]),
    ("authority: E2\nareas: []\n", ["for authority E2, not E1", "move it to that authority's folder"]),
    ("areas: {a: 1}\n", ["expected a list under 'areas:'", "areas: followed by a list"]),
    ("areas:\n  - actions: [x]\n", ["area number 1 has no 'area:' name", "add one"]),
    ("areas:\n  - area: Fostering\n    impacts: More\n", ["area 1 (Fostering)", "unknown key 'impacts'",
                                                          "did you mean 'impact'?"]),
    ("untill: 2024\nareas: []\n", ["unknown key 'untill'", "did you mean 'until'?"]),
    ("year: 2022\nareas: []\n", ["named for 2023 but says 2022", "rename the file or correct 'year:'"]),
    ("until: 2020\nareas: []\n", ["key 'until': 2020 is not a year from 2023 on", "write e.g. until: 2024"]),
    ("illustrative: yes please\nareas: []\n", ["key 'illustrative' must be true or false"]),
    ("areas:\n  - area: Fostering\n    actions:\n      - owner: Ann\n",
     ["area 1 (Fostering), action 1", "has no words", "'action:'"]),
    ("areas:\n  - area: Fostering\n    actions:\n      - action: Do it\n        onwer: Ann\n",
     ["area 1 (Fostering), action 1", "unknown key 'onwer'", "did you mean 'owner'?"]),
    ("areas:\n  - area: Fostering\n    actions:\n      - action: Do it\n        due: next spring\n",
     ["action 1", "key 'due': 'next spring' is not a date", "year-month-day, e.g. due: 2026-03-31"]),
    ("areas:\n  - area: Fostering\n    actions:\n      - action: Do it\n        due: 2024\n",
     ["key 'due': 2024 is not a date"]),
    ("areas:\n  - area: Fostering\n    actions:\n      - x\n      - action: Do it\n        measure: in_house_shar\n",
     ["area 1 (Fostering), action 2", "key 'measure': 'in_house_shar' is not a figure the statement computes",
      "did you mean 'in_house_share'?", "the measures are children_in_care, cla_rate"]),
    ("areas:\n  - area: Fostering\n    actions:\n      - action: Do it\n        measure: ifa_share\n"
     "        wanted: sideways\n", ["key 'wanted': 'sideways' is neither up nor down", "wanted: up or wanted: down"]),
    ("areas:\n  - area: Fostering\n    actions:\n      - action: Do it\n        status: ongoing\n",
     ["key 'status': 'ongoing' is not a status", "not started, on track, delayed, done, dropped"]),
    ("areas:\n  - area: Fostering\n    actions:\n      - action: Do it\n        status: delayd\n",
     ["'delayd' is not a status", "did you mean 'delayed'?"]),
]


@pytest.mark.parametrize("text, expected", BAD, ids=[b[1][0][:40] for b in BAD])
def test_every_problem_says_where_what_and_the_fix_and_never_stops_the_run(tmp_path, text, expected):
    path = _write(tmp_path, text)
    got = actions.load(tmp_path, 2023, "E1")            # never raises
    assert len(got.problems) == 1 and len(got.plain_problems) == 1
    message = got.problems[0]
    assert message.startswith(f"{path}: ")
    positions = [message.find(part) for part in expected]
    assert -1 not in positions and positions == sorted(positions), message
    with pytest.raises(actions.ActionsError, match=re.escape(expected[0])):
        actions.read(path, "E1")
    # the page's version: which year's record, no file name or code-like name
    assert got.plain_problems[0].startswith("In the actions recorded for 2023")
    assert not CODE_NAMES.search(got.plain_problems[0]), got.plain_problems[0]


def test_a_bad_value_leaves_out_only_that_value(tmp_path):
    _write(tmp_path, "areas:\n  - area: Fostering\n    actions:\n      - action: Do it\n        owner: Ann\n"
                     "        due: soon\n        measure: [ifa_share, nonsense]\n        status: ongoing\n"
                     "  - area: Care leavers\n    actions: [House]\n")
    got = actions.load(tmp_path, 2023, "E1")
    first, second = got.entries
    assert (first.owner, first.due, first.measures, first.status) == ("Ann", None, (("ifa_share", "down"),), "")
    assert second.text == "House" and len(got.problems) == 3
    assert got.plain_problems[1] == ("In the actions recorded for 2023, area 1 (Fostering), action 1: key 'measure': "
                                     "'nonsense' is not a figure the statement computes, so it is left out.")


def test_an_unusable_file_gives_no_actions_but_the_earlier_plan_is_still_read(tmp_path):
    _write(tmp_path, "areas:\n  - area: Fostering\n    actions: [Recruit]\n", 2021)
    _write(tmp_path, "areas: [\n", 2023)
    got = actions.load(tmp_path, 2023, "E1")
    assert got.is_for(2023) and got.entries == () and got.table.empty and "not valid YAML" in got.problems[0]
    assert got.previous.entries[0].text == "Recruit" and got.previous.problems == ()


def test_a_file_that_is_not_utf8_is_reported(tmp_path):
    (tmp_path / "actions_2023.yaml").write_bytes("areas: [Caf\u00e9]".encode("latin-1"))
    got = actions.load(tmp_path, 2023)
    assert got.entries == () and got.problems[0].endswith("not UTF-8 text, so none of it is used; save it as UTF-8.")


_scalars = st.one_of(st.none(), st.booleans(), st.integers(-5, 3000), st.text(max_size=12),
                     st.dates(dt.date(2000, 1, 1), dt.date(2040, 1, 1)))
_values = st.recursive(_scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=3),
    st.dictionaries(st.sampled_from([*actions.ACTION_KEYS, *actions.AREA_KEYS, "x"]), inner, max_size=4)),
    max_leaves=12)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(areas=st.lists(_values, max_size=4))
def test_any_shape_of_file_is_read_or_reported_never_raised(tmp_path, areas):
    path = _write(tmp_path, yaml.safe_dump({"authority": "E1", "areas": areas}))
    got = actions.load(tmp_path, 2023, "E1")
    assert all(p.startswith(f"{path}: ") for p in got.problems) and len(got.problems) == len(got.plain_problems)
    assert all(a.text and a.status in ("", *actions.STATUSES) for a in got.entries)
    assert all(key in actions.MEASURES and way in actions.DIRECTIONS for a in got.entries for key, way in a.measures)


# --- the demo ---------------------------------------------------------------------------------

def test_the_demo_2021_plan_is_the_previous_one_for_2025_and_its_added_measures_are_marked():
    got = actions.load(DEMO_LOCAL_DIR / "E10000003", 2025, "E10000003")
    assert got.path is None and got.previous.year == 2021 and got.previous.until == 2024
    said = got.previous
    assert said.problems == () and not said.illustrative and len(said.entries) == 13
    measured = [a for a in said.entries if a.measures]
    assert all(a.illustrative for a in measured)
    assert not any(a.illustrative for a in said.entries if not a.measures)
    assert {k for a in measured for k, _ in a.measures} == {"in_house_share", "residential_share",
                                                             "new_placements_in_area", "care_leavers_suitable",
                                                             "care_leavers_eet"}
    assert not any(a.owner or a.due or a.status for a in said.entries)   # the real statement gave none
    assert actions.load(DEMO_LOCAL_DIR / "E10000003", 2023, "E10000003").year == 2021   # still running in 2023


def test_peterborough_has_no_actions_file():
    got = actions.load(DEMO_LOCAL_DIR / "E06000031", 2025, "E06000031")
    assert got.path is None and got.previous is None
    assert got.note(2025) == "No actions have been recorded for 2025 or any year before it."


def test_a_file_marked_illustrative_says_so_wherever_its_actions_are_shown(tmp_path):
    _write(tmp_path, "illustrative: true\nareas:\n  - area: Fostering\n    actions: [Recruit]\n    impact: More\n")
    got = actions.load(tmp_path, 2023)
    assert got.illustrative and got.table["actions"].tolist() == ["Recruit (illustrative, not the council's decision)"]
