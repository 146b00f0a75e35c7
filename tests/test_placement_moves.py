"""Placements made in the year by age, ended within 7 days and how, and out-of-area placements
by bordering authority (analysis.placement_moves), on a hand-made return whose every count
is worked out by hand below; and, on the demo return, against DfE's published count."""
import csv

import pandas as pd
import pytest

from conftest import SHARED_DATA
from sufficiency_lib.analysis import metrics
from sufficiency_lib.analysis import placement_moves as moves
from sufficiency_lib.vocabulary import DFE_AGE_GROUPS, Locality, PlacementGroup

NaT = pd.NaT
COLUMNS = ["CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC", "REC", "REASON_PLACE_CHANGE",
           "PL_LA", "PL_LOCATION"]
#   child  start        RNE  LS    CIN   PLACE PROVIDER end          REC    reason   PL_LA       PL_LOCATION
EPISODES = [
    ("A", "2024-05-01", "S", "C2", "N1", "U4", "PR1", "2024-05-05", "X1", "CARPL", "E99999999", "IN"),
    ("A", "2024-05-05", "P", "C2", "N1", "U6", "PR4", None, "", "", "E06000031", "OUT"),
    ("B", "2024-04-10", "S", "V2", "N1", "U4", "PR1", "2024-04-15", "E13", "", "E99999999", "IN"),
    ("C", "2023-12-01", "S", "C1", "N2", "U6", "PR5", "2024-06-01", "X1", "", "E99999999", "IN"),
    ("C", "2024-06-01", "L", "C2", "N2", "U6", "PR5", "2024-09-01", "X1", "CHILD", "E99999999", "IN"),
    ("C", "2024-09-01", "P", "C2", "N2", "K2", "PR4", None, "", "", "874", "OUT"),
    ("D", "2025-03-31", "S", "C2", "N1", "U4", "PR1", None, "", "", "", "OUT"),
    ("E", "2024-07-01", "S", "V3", "N2", "U4", "PR1", "2024-07-03", "E13", "", "E99999999", "IN"),
]
HEADER = pd.DataFrame({"CHILD": list("ABCDE"), "SEX": "1", "ETHNIC": "WBRI",
                       "DOB": pd.to_datetime(["2010-06-01", "2008-04-10", "2020-01-01", "2012-03-31", "2015-01-01"])})


def tables() -> dict[str, pd.DataFrame]:
    episodes = pd.DataFrame(EPISODES, columns=COLUMNS)
    episodes["DECOM"] = pd.to_datetime(episodes["DECOM"])
    episodes["DEC"] = pd.to_datetime(episodes["DEC"])
    return {"episodes": episodes, "header": HEADER}


@pytest.fixture(scope="module")
def made():
    return moves.placements_made(tables(), [2024, 2025])


def _by(frame: pd.DataFrame, column: str, year: int = 2025) -> dict:
    return frame.loc[frame["time_period"].eq(year)].set_index(column)["value"].to_dict()


def test_placements_made_in_the_year_by_hand(made):
    """2024/25: A's in-house (1 May) and IFA (5 May) placements, B's in-house (10 April; 16 on the
    day), C's children's home (1 September; the legal-status change on 1 June is no new
    placement), D's in-house (31 March, 13 that day). E's short break does not count. C's first
    placement (1 December 2023) belongs to 2023/24."""
    this = made.loc[made["time_period"].eq(2025)]
    assert len(this) == 5 and len(made.loc[made["time_period"].eq(2024)]) == 1
    assert sorted(this["placement_group"]) == sorted([PlacementGroup.IN_HOUSE] * 3 + [PlacementGroup.IFA,
                                                                                      PlacementGroup.CHILDRENS_HOMES])
    ages = moves.made_by_age(made, [2025])
    assert _by(ages, "age_group") == {DFE_AGE_GROUPS[0]: 0, DFE_AGE_GROUPS[1]: 1, DFE_AGE_GROUPS[2]: 0,
                                      DFE_AGE_GROUPS[3]: 3, DFE_AGE_GROUPS[4]: 1}
    in_house = moves.made_by_age(made, [2025], PlacementGroup.IN_HOUSE)
    assert _by(in_house, "age_group")[DFE_AGE_GROUPS[3]] == 2 and _by(in_house, "age_group")[DFE_AGE_GROUPS[4]] == 1


def test_the_counts_add_up_to_the_new_placements_figures_of_metrics(made):
    new = metrics.new_placements(tables(), 2025)
    assert len(new) == len(made.loc[made["time_period"].eq(2025)])
    assert (new["locality"] == Locality.OUTSIDE).sum() == sum(moves.out_of_area(made, [2025], []).query(
        "time_period == 2025")["value"])


def test_in_house_placements_ended_within_7_days_and_how(made):
    """A's in-house placement lasted 4 days and ended with a move (care plan); B's lasted 5 days
    and ended when B left care (E13). D's is open."""
    ended = _by(moves.ended_within_7_days(made, [2025], PlacementGroup.IN_HOUSE), "ending")
    assert ended == {moves.Ending.CEASED: 1, moves.Ending.MOVED: 1, moves.Ending.NOT_RECORDED: 0}
    assert moves.move_reasons(made, 2025, PlacementGroup.IN_HOUSE).to_dict() == {
        "Change to/implementation of care plan": 1}
    assert _by(moves.ended_within_7_days(made, [2025], PlacementGroup.IFA), "ending")[moves.Ending.MOVED] == 0


def test_out_of_area_placements_by_bordering_authority(made):
    """Outside: A's IFA placement (E06000031), C's home (old code 874 = Peterborough, E06000031)
    and D's (authority not recorded)."""
    near = _by(moves.out_of_area(made, [2025], ["E06000031"]), "placed_in")
    assert near == {moves.PlacedIn.BORDERING: 2, moves.PlacedIn.ELSEWHERE: 0, moves.PlacedIn.NOT_RECORDED: 1}
    by_old_code = _by(moves.out_of_area(made, [2025], ["874"]), "placed_in")
    assert by_old_code[moves.PlacedIn.BORDERING] == 2
    none = _by(moves.out_of_area(made, [2025], []), "placed_in")
    assert none == {moves.PlacedIn.BORDERING: 0, moves.PlacedIn.ELSEWHERE: 2, moves.PlacedIn.NOT_RECORDED: 1}


def test_needs_of_children_in_a_placement_group_at_31_march():
    needs = moves.needs_in(tables(), 2025, PlacementGroup.CHILDRENS_HOMES)
    assert needs["N2. Child's disability"] == 1 and needs.sum() == 1 and len(needs) == 8


def test_a_return_without_authority_of_placement_or_change_reasons_still_counts():
    bare = tables()
    bare["episodes"] = bare["episodes"].drop(columns=["PL_LA", "REASON_PLACE_CHANGE"])
    made = moves.placements_made(bare, [2025])
    assert _by(moves.out_of_area(made, [2025], ["E06000031"]), "placed_in")[moves.PlacedIn.NOT_RECORDED] == 3
    assert moves.move_reasons(made, 2025).to_dict() == {"Not known": 1}


# --- the demo return against DfE's published count ---------------------------------------------

def _published_new_placements(code: str, year: int) -> int | None:
    path = SHARED_DATA / "published" / "release_2025" / "la_cla_during_year_new_placements.csv"
    with path.open(newline="", encoding="utf-8-sig") as handle:
        for row in csv.DictReader(handle):
            if (row["new_la_code"] == code and row["time_period"] == str(year) and row["breakdown"] == "Total new placements"
                    and row["characteristic"] == "Location of new placements during the year"):
                return int(row["children_count"])
    return None


@pytest.mark.integration
@pytest.mark.parametrize("code", ["E10000003", "E06000031"])
def test_demo_placements_made_add_up_to_dfes_published_count(code):
    """The demo return is calibrated to DfE's figures: the placements made in 2024/25, summed
    over the age groups, are DfE's published count of new placements, read here with csv."""
    if not (SHARED_DATA / "published").is_dir():
        pytest.skip("shared data not available")
    from sufficiency_lib import inputs
    from sufficiency_lib.analysis import facts as facts_mod

    data = facts_mod.load_return(inputs.resolve(code))
    made = moves.placements_made(data.tables, [2025])
    published = _published_new_placements(code, 2025)
    assert published is not None
    assert moves.made_by_age(made, [2025])["value"].sum() == published
    assert moves.out_of_area(made, [2025], []).loc[lambda f: f["time_period"].eq(2025), "value"].sum() == \
        (made["locality"] == Locality.OUTSIDE).sum()
