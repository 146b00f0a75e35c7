import pandas as pd

from sufficiency_lib.analysis import metrics, nts
from tests.conftest import episodes
from sufficiency_lib.vocabulary import CareLeavers, Distance, Group, Locality, PlacementLength, Stability


def test_episode_open_across_31_march_is_counted():
    eps = episodes(("1", "01/01/2020", "01/06/2020", "C2"))
    assert metrics.children_looked_after_at_31_march(eps, 2020) == 1


def test_episode_ending_on_31_march_is_not_open_at_year_end():
    eps = episodes(("1", "01/01/2020", "31/03/2020", "C2"))
    assert metrics.children_looked_after_at_31_march(eps, 2020) == 0


def test_episode_starting_on_31_march_is_counted():
    eps = episodes(("1", "31/03/2020", "", "C1"))
    assert metrics.children_looked_after_at_31_march(eps, 2020) == 1


def test_short_break_only_care_is_excluded():
    eps = episodes(("1", "01/01/2020", "", "V3"), ("2", "01/01/2020", "", "V4"), ("3", "01/01/2020", "", "V2"))
    assert metrics.children_looked_after_at_31_march(eps, 2020) == 1


def test_child_with_two_episodes_counted_once_and_closed_children_not_at_all():
    eps = episodes(("1", "01/01/2019", "01/02/2020", "C1"), ("1", "01/02/2020", "", "C2"),
                   ("2", "01/05/2019", "01/09/2019", "V2"))
    assert metrics.children_looked_after_at_31_march(eps, 2020) == 1


def test_series_over_years():
    eps = episodes(("1", "01/01/2018", "", "C2"), ("2", "01/06/2019", "01/06/2020", "C2"))
    expected = pd.DataFrame({"time_period": [2018, 2019, 2020, 2021], "children_count": [1, 1, 2, 1]})
    pd.testing.assert_frame_equal(metrics.cla_at_31_march_series(eps, range(2018, 2022)), expected)


# --- hand-made returns for the statement's definitions -------------------------------

def _date(text):
    return pd.to_datetime(text or None, format="%d/%m/%Y")


def tables(*episode_rows, header=None, uasc=(), oc3=()):
    """Clean-shaped tables. Episodes: (child, decom, dec, rne, rec, ls, place, provider[,
    location, miles]); header: {child: (sex, dob)} (default: boy born 01/06/2010)."""
    columns = ["CHILD", "DECOM", "DEC", "RNE", "REC", "LS", "PLACE", "PLACE_PROVIDER", "PL_LOCATION", "PL_DISTANCE"]
    rows = [tuple(r) + ("IN", "5.0")[len(r) - 8:] for r in episode_rows]
    eps = pd.DataFrame(rows, columns=columns)
    for column in ("DECOM", "DEC"):
        eps[column] = eps[column].map(_date)
    eps["CIN"] = "N1"
    children = sorted(set(eps["CHILD"]) | {r[0] for r in oc3} | {r[0] for r in uasc})
    header = header or {}
    head = pd.DataFrame({"CHILD": children,
                         "SEX": [header.get(c, ("1", ""))[0] for c in children],
                         "DOB": [_date(header.get(c, ("1", "01/06/2010"))[1] or "01/06/2010") for c in children],
                         "ETHNIC": "WBRI"})
    out = {"episodes": eps, "header": head,
           "uasc": pd.DataFrame({"CHILD": [r[0] for r in uasc], "DUC": [_date(r[1]) for r in uasc]})}
    out["oc3"] = pd.DataFrame({"CHILD": [r[0] for r in oc3], "return_year": [r[1] for r in oc3],
                               "IN_TOUCH": [r[2] for r in oc3], "ACTIV": [r[3] for r in oc3],
                               "ACCOM": [r[4] for r in oc3], "DOB": [_date(r[5]) for r in oc3]})
    return out


def value(figures, indicator, group, breakdown, unit="number"):
    rows = figures.loc[figures["indicator"].eq(indicator) & figures["breakdown_group"].eq(group)
                       & figures["breakdown"].eq(breakdown) & figures["unit"].eq(unit)]
    assert len(rows) == 1, (indicator, group, breakdown, len(rows))
    return rows["value"].iloc[0]


def figures_for(tabs, year=2021, toy=None):
    from sufficiency_lib.config import Authority
    toy = toy or Authority("E99999999", "999", "Toyshire", "E12000006", "East of England", year)
    return metrics.return_figures(tabs, toy, [year])


def test_open_across_31_march_counts_and_gets_its_placement():
    tabs = tables(("1", "01/02/2021", "01/05/2021", "S", "E8", "C2", "U4", "PR4"))
    f = figures_for(tabs)
    assert value(f, "cla_31_march", "Total", "Total") == 1
    assert value(f, "cla_31_march", "Placement group", "IFA foster care") == 1
    assert value(f, "cla_31_march", "Placement group", "In-house foster care") == 0
    assert value(f, "cla_started", "Total", "Total") == 1
    assert value(f, "cla_ceased", "Total", "Total") == 0      # ceased in the next year


def test_short_break_only_care_is_left_out_of_every_count():
    tabs = tables(("1", "01/05/2020", "", "S", "", "V3", "U4", "PR1"),
                  ("2", "01/05/2020", "", "S", "", "C2", "U4", "PR1"))
    f = figures_for(tabs)
    assert value(f, "cla_31_march", "Total", "Total") == 1
    assert value(f, "cla_started", "Total", "Total") == 1
    assert value(f, "cla_during_year", "Total", "Total") == 1


def test_three_placements_spanning_the_year_boundary_count_as_three():
    # placement open on 1 April (started the year before), then two moves in the year; a legal
    # change (RNE L) in between is not a new placement
    tabs = tables(("1", "01/01/2020", "01/06/2020", "S", "X1", "C1", "U4", "PR1"),
                  ("1", "01/06/2020", "01/09/2020", "L", "X1", "C2", "U4", "PR1"),
                  ("1", "01/09/2020", "01/12/2020", "P", "X1", "C2", "U4", "PR4"),
                  ("1", "01/12/2020", "", "P", "", "C2", "K2", "PR4"),
                  ("2", "01/01/2020", "01/06/2020", "S", "X1", "C1", "U4", "PR1"),
                  ("2", "01/06/2020", "", "L", "", "C2", "U4", "PR1"))
    f = figures_for(tabs)
    assert value(f, "cla_31_march", "Placement stability", Stability.THREE_OR_MORE) == 1
    assert value(f, "cla_31_march", "Placement stability", Stability.THREE_OR_MORE, "percent") == 50
    assert value(f, "new_placements", "Placement group", "Total") == 2   # the two moves


def test_age_at_31_march_on_a_birthday_has_the_new_age():
    tabs = tables(("1", "01/01/2020", "", "S", "", "C2", "U4", "PR1"),
                  ("2", "01/01/2020", "", "S", "", "C2", "U4", "PR1"),
                  header={"1": ("1", "31/03/2005"), "2": ("2", "01/04/2005")})
    f = figures_for(tabs)
    assert value(f, "cla_31_march", "Age group", "16 years and over") == 1   # 16 that day
    assert value(f, "cla_31_march", "Age group", "10 to 15 years") == 1      # 16 tomorrow
    snapshot = metrics.children_at_31_march(tabs, 2021).set_index("CHILD")
    assert snapshot.loc["1", "age"] == 16 and snapshot.loc["2", "age"] == 15


def test_age_on_leap_day_birthday():
    dob = pd.Series(pd.to_datetime(["2004-02-29"]))
    assert metrics.age_on(dob, pd.Timestamp("2021-02-28")).iloc[0] == 16
    assert metrics.age_on(dob, pd.Timestamp("2021-03-01")).iloc[0] == 17


def test_uasc_status_ending_mid_year():
    # UASC when care started (June 2020); status ceased in January 2021, so not UASC at 31 March
    tabs = tables(("1", "01/06/2020", "", "S", "", "C2", "H5", "PR4"),
                  ("2", "01/06/2020", "", "S", "", "C2", "H5", "PR4"),
                  uasc=[("1", "15/01/2021"), ("2", "")])
    f = figures_for(tabs)
    assert value(f, "cla_started", "Unaccompanied asylum-seeking children", "UASC") == 2
    assert value(f, "cla_31_march", "Unaccompanied asylum-seeking children", "UASC") == 1
    assert value(f, "cla_31_march", "Unaccompanied asylum-seeking children", "Non-UASC") == 1


def test_care_leaver_with_two_oc3_rows_counts_once_a_year_at_the_right_age():
    tabs = tables(("9", "01/01/2019", "", "S", "", "C2", "U4", "PR1"),
                  oc3=[("L1", 2021, "YES", "F2", "D1", "10/10/2002"),     # 18 in 2020-21
                       ("L1", 2021, "YES", "G5", "S2", "10/10/2002"),     # restated: the last row wins
                       ("L1", 2022, "YES", "F5", "U1", "10/10/2002"),     # 19 in 2021-22
                       ("L2", 2021, "NO", "0", "0", "01/05/2000")])       # 20 in 2020-21
    f = figures_for(tabs)
    assert value(f, "care_leavers_17_18", "In touch", "Total") == 1
    assert value(f, "care_leavers_17_18", "Activity", CareLeavers.NEET) == 1
    assert value(f, "care_leavers_17_18", "Accommodation suitability", "Accommodation considered unsuitable") == 1
    assert value(f, "care_leavers_19_21", "In touch", "In touch") == 0
    assert value(f, "care_leavers_19_21", "Activity", CareLeavers.ACTIVITY_NOT_KNOWN) == 1
    f22 = figures_for(tabs, 2022)
    assert value(f22, "care_leavers_19_21", "Activity", CareLeavers.EET) == 1
    assert value(f22, "care_leavers_19_21", "Accommodation suitability",
                 "Accommodation considered suitable", "percent") == 100


def test_children_with_no_open_episode_at_year_end_count_in_flows_only():
    tabs = tables(("1", "01/05/2020", "01/08/2020", "S", "E4A", "V2", "U4", "PR1"),
                  ("2", "01/05/2019", "01/02/2021", "S", "E11", "E1", "A4", "PR1"))
    f = figures_for(tabs)
    assert value(f, "cla_31_march", "Total", "Total") == 0
    assert value(f, "cla_31_march", "Placement stability", "Total") == 0
    assert pd.isna(value(f, "cla_31_march", "Placement stability", Stability.THREE_OR_MORE, "percent"))
    assert value(f, "cla_during_year", "Total", "Total") == 2
    assert value(f, "cla_ceased", "Total", "Total") == 2
    assert value(f, "cla_ceased", "Reason episode ceased", "Adopted") == 1


def test_child_starting_twice_is_one_starter_and_last_ceasing_reason_counts():
    tabs = tables(("1", "01/05/2020", "01/06/2020", "S", "E13", "V2", "U4", "PR1"),
                  ("1", "01/09/2020", "01/11/2020", "S", "E8", "V2", "U4", "PR1"))
    f = figures_for(tabs)
    assert value(f, "cla_started", "Total", "Total") == 1
    assert value(f, "cla_ceased", "Reason episode ceased", "Care ceased for any other reason") == 1
    assert value(f, "cla_ceased", "Reason episode ceased", "Total") == 1


def test_placement_ending_within_seven_days():
    tabs = tables(("1", "01/05/2020", "08/05/2020", "S", "X1", "V2", "U4", "PR4"),   # 7 days
                  ("1", "08/05/2020", "", "P", "", "V2", "U4", "PR1"),
                  ("2", "01/05/2020", "09/05/2020", "S", "X1", "V2", "U4", "PR4"),   # 8 days
                  ("2", "09/05/2020", "", "P", "", "V2", "U4", "PR1"))
    f = figures_for(tabs)
    assert value(f, "new_placements", "Placement length", PlacementLength.ENDED_WITHIN_7_DAYS) == 1
    assert value(f, "new_placements", "Ended within 7 days by placement group", "IFA foster care") == 1


def test_long_term_stability_needs_2_5_years_in_care_and_2_in_the_placement():
    tabs = tables(("1", "01/06/2018", "01/01/2019", "S", "X1", "C2", "U4", "PR1"),  # 2y10m in care
                  ("1", "01/01/2019", "", "P", "", "C2", "U4", "PR1"),              # 2y3m placed
                  ("2", "01/06/2018", "01/06/2019", "S", "X1", "C2", "U4", "PR1"),
                  ("2", "01/06/2019", "", "P", "", "C2", "U4", "PR1"),              # 1y10m placed
                  ("3", "01/01/2019", "", "S", "", "C2", "U4", "PR1"))              # 2y3m in care
    f = figures_for(tabs)
    assert value(f, "cla_long_term_under_16", "Placement stability", "Total") == 2
    assert value(f, "cla_long_term_under_16", "Placement stability", Stability.SAME_CARER) == 1


def test_distance_and_locality_labels():
    tabs = tables(("1", "01/05/2020", "", "S", "", "C2", "U4", "PR1", "IN", "20"),
                  ("2", "01/05/2020", "", "S", "", "C2", "K2", "PR4", "OUT", "20.1"),
                  ("3", "01/05/2020", "", "S", "", "C2", "K2", "PR4", "", ""))
    f = figures_for(tabs)
    assert value(f, "cla_31_march", "Distance between home and placement", Distance.NEAR) == 1
    assert value(f, "cla_31_march", "Distance between home and placement", Distance.FAR) == 1
    assert value(f, "cla_31_march", "Distance between home and placement", Distance.UNKNOWN) == 1
    assert value(f, "cla_31_march", "Locality of placement", Locality.OUTSIDE) == 1
    assert value(f, "new_placements", "Location of new placements during the year",
                 "Placed outside LA boundary more than 20 miles from home") == 1


def test_nts_ceiling_uses_the_rate_in_force():
    # 0.07% of 135,000 is 94.5 children, stated as 95: halves go up, as every figure on a page
    assert nts.nts_ceiling(135_000, pd.Timestamp("2021-03-31")) == 95.0
    assert nts.nts_ceiling(135_000, pd.Timestamp("2023-03-31")) == 135.0
    assert pd.isna(nts.nts_ceiling(135_000, pd.Timestamp("2015-03-31")))
    assert nts.nts_ceiling(1000, "2020-01-01", {"2019-01-01": 0.5}) == 500.0


def test_every_breakdown_adds_up_to_its_total_on_the_demo_shape():
    tabs = tables(*[(str(i), "01/05/2020", "", "S", "", "C2", p, "PR1") for i, p in enumerate(
        ["U1", "U4", "K2", "H5", "A3", "P1", "S1", "R1", "T0", "K1"])])
    f = figures_for(tabs)
    counts = f.loc[f["unit"].eq("number") & f["indicator"].eq("cla_31_march")
                   & ~f["breakdown_group"].str.contains(" by | of ") & f["breakdown_group"].ne("Total")]
    for group, rows in counts.groupby("breakdown_group"):
        parts = rows.loc[rows["breakdown"].ne("Total"), "value"].sum()
        assert parts == rows.loc[rows["breakdown"].eq("Total"), "value"].iloc[0] == 10, group


def test_ceasing_on_31_march_is_a_leaver_not_looked_after_at_the_end():
    tabs = tables(("b", "01/01/2023", "31/03/2025", "S", "E11", "C2", "A4", "PR1"),
                  ("a", "01/05/2024", "01/09/2024", "S", "X1", "C2", "U4", "PR1"),
                  ("a", "01/09/2024", "", "P", "", "C2", "U4", "PR4"))
    f = figures_for(tabs, 2025)
    assert (value(f, "cla_31_march", "Total", "Total"), value(f, "cla_started", "Total", "Total"),
            value(f, "cla_ceased", "Total", "Total")) == (1, 1, 1)


def test_the_31_march_snapshot_is_kept_per_return_and_a_callers_change_stays_its_own():
    one = tables(("1", "01/01/2020", "", "S", "", "C2", "U4", "PR1"))
    two = tables(("1", "01/01/2020", "", "S", "", "C2", "U4", "PR1"),
                 ("2", "01/02/2020", "", "S", "", "C2", "U4", "PR1"))
    first = metrics.children_at_31_march(one, 2021)
    first["placement_group"] = "changed by a caller"
    assert metrics.children_at_31_march(one, 2021)["placement_group"].ne("changed by a caller").all()
    assert len(metrics.children_at_31_march(two, 2021)) == 2          # another return: not the first's
    changed = {**one, "header": one["header"].assign(SEX="2")}         # a table replaced: worked out again
    assert metrics.children_at_31_march(changed, 2021)["sex"].tolist() != first["sex"].tolist()


def test_what_is_kept_per_return_follows_a_replaced_episodes_or_uasc_table():
    # one child, placed twice in the year (U4 then R1); UASC status ends before 31 March
    one = tables(("1", "01/06/2020", "01/09/2020", "S", "P1", "C2", "U4", "PR1"),
                 ("1", "01/09/2020", "", "P", "", "C2", "R1", "PR1"), uasc=[("1", "15/01/2021")])
    assert value(figures_for(one), "new_placements", Group.PLACEMENT_GROUP, "Total") == 2
    assert value(figures_for(one), "cla_31_march", "Unaccompanied asylum-seeking children", "UASC") == 0
    # the same child with one placement, and still UASC: new tables, so nothing kept is reused
    changed = {**one, "episodes": one["episodes"].iloc[:1].assign(DEC=pd.NaT, REC=""),
               "uasc": one["uasc"].assign(DUC=pd.NaT)}
    assert value(figures_for(changed), "new_placements", Group.PLACEMENT_GROUP, "Total") == 1
    assert value(figures_for(changed), "cla_31_march", "Unaccompanied asylum-seeking children", "UASC") == 1
    assert value(figures_for(one), "new_placements", Group.PLACEMENT_GROUP, "Total") == 2    # and back


def test_a_breakdown_the_return_never_recorded_has_no_shares_not_zero_percent():
    tabs = tables(("1", "01/01/2020", "", "S", "", "C2", "U4", "PR1", "", ""),
                  ("2", "01/01/2020", "", "S", "", "C2", "U4", "PR1", "", ""))
    f = figures_for(tabs)
    assert value(f, "cla_31_march", "Locality of placement", Locality.NOT_RECORDED) == 2
    assert pd.isna(value(f, "cla_31_march", "Locality of placement", Locality.OUTSIDE, "percent"))
    assert value(f, "cla_31_march", "Locality of placement", Locality.NOT_RECORDED, "percent") == 100
    assert pd.isna(value(f, "cla_31_march", "Distance between home and placement", Distance.FAR, "percent"))
    partly = figures_for(tables(("1", "01/01/2020", "", "S", "", "C2", "U4", "PR1", "", ""),
                                ("2", "01/01/2020", "", "S", "", "C2", "U4", "PR1", "OUT", "25")))
    assert value(partly, "cla_31_march", "Locality of placement", Locality.OUTSIDE, "percent") == 50   # DfE's way
